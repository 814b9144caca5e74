"""Mistakes users can make are values, collected in full, never the first exception."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Problem:
    path: str  # where in the input: "partners[1].code", "row 4, column date", a form field
    code: str  # stable, machine-readable: "duplicate-code"
    message: str  # for a person

    def as_dict(self) -> dict[str, str]:
        return {"path": self.path, "code": self.code, "message": self.message}


@dataclass
class Report:
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return not self.errors

    def error(self, path: str, code: str, message: str) -> None:
        self.errors.append(Problem(path, code, message))

    def warn(self, path: str, code: str, message: str) -> None:
        self.warnings.append(Problem(path, code, message))

    def as_dict(self) -> dict[str, object]:
        return {
            "valid": self.valid,
            "errors": [p.as_dict() for p in self.errors],
            "warnings": [p.as_dict() for p in self.warnings],
        }
