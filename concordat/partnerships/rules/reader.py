"""Read values out of a parsed file, collecting every problem with its path instead of stopping at the first.

Each `take_*` returns the normalised value, or None when the value is missing or wrong (the problem is
already recorded); callers carry on so that one run reports everything.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from concordat.core.days import DateError, PartialDate
from concordat.core.money import MoneyError, parse_pounds
from concordat.core.problems import Report
from concordat.core.years import FinancialYear, YearError

from .limits import SOURCE, count_limit, mapping_limit
from .vocabulary import INVENTED

_UNSTORABLE = re.compile(r"[\x00\ud800-\udfff]")
MISSING = object()


def at(path: str, key: str | int) -> str:
    """The path of a child: at("partners", 1) == "partners[1]", at("partners[1]", "code") == "partners[1].code"."""
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else key


def shown(value: object) -> str:
    """A value as an error message quotes it: short text as it is, anything else by its kind, so that a
    message never holds a whole list (an alias bomb expands to gigabytes when printed)."""
    if isinstance(value, str):
        return value if len(value) <= 60 else value[:60] + "…"
    if isinstance(value, bool) or not isinstance(value, int | float):
        return describe(value)
    return str(value)


def unstorable_text(document: object) -> list[str]:
    """The paths of strings no database or terminal can take (U+0000, unpaired surrogates), keys too.

    Walks each list and mapping once, however often aliases repeat it, and without recursion, so neither
    an alias bomb nor a deeply nested document can blow up the walk.
    """
    found: list[str] = []
    seen: set[int] = set()
    stack: list[tuple[str, object]] = [("", document)]
    while stack and len(found) < 20:
        path, value = stack.pop()
        if isinstance(value, str):
            if _UNSTORABLE.search(value):
                found.append(path)
        elif isinstance(value, dict | list) and id(value) not in seen:
            seen.add(id(value))
            pairs = value.items() if isinstance(value, dict) else enumerate(value)
            children = []
            for key, child in pairs:
                if isinstance(key, str) and _UNSTORABLE.search(key):
                    found.append(at(path, key.encode("utf-8", "backslashreplace").decode("ascii")))
                    continue
                children.append((at(path, key) if isinstance(key, str | int) else path, child))
            stack.extend(reversed(children))
    return sorted(found)


def describe(value: object) -> str:
    if value is None:
        return "nothing"
    names = {
        bool: "true or false",
        int: "a whole number",
        float: "a decimal number",
        str: "text",
        list: "a list",
        dict: "a mapping",
        date: "a date",
    }
    return names.get(type(value), type(value).__name__)


class Reader:
    def __init__(self, report: Report) -> None:
        self.report = report

    def get(self, mapping: Mapping[str, Any], key: str, path: str, *, required: bool) -> Any:
        value = mapping.get(key, MISSING)
        if value is MISSING or value is None:
            if required:
                self.report.error(at(path, key), "required", f"{at(path, key)} is required")
            return MISSING
        return value

    def wrong_type(self, path: str, wanted: str, value: object) -> None:
        self.report.error(path, "type", f"{path} must be {wanted}, not {describe(value)}")

    def take_text(
        self,
        mapping: Mapping[str, Any],
        key: str,
        path: str,
        *,
        required: bool = False,
        max_length: int,
    ) -> str | None:
        """Text, stripped, at most `max_length` characters (rules/limits.py: every text has a limit)."""
        value = self.get(mapping, key, path, required=required)
        if value is MISSING:
            return None
        if isinstance(value, bool) or not isinstance(value, str | int):
            # A decimal number read as text would lose its written form (1.50 -> "1.5"): ask for quotes.
            self.report.error(
                at(path, key),
                "type",
                f"{at(path, key)} must be text, not {describe(value)}: put it in quotes",
            )
            return None
        text = str(value).strip()
        if required and not text:
            self.report.error(at(path, key), "required", f"{at(path, key)} must not be empty")
            return None
        if not self.short_enough(text, at(path, key), max_length):
            return None
        return text

    def take_source(self, mapping: Mapping[str, Any], path: str) -> str:
        """An entry's `source`: a citation in words, or `invented` (in any case, stored lower-case)."""
        text = self.take_text(mapping, "source", path, max_length=SOURCE) or ""
        return INVENTED if text.casefold() == INVENTED else text

    def short_enough(self, text: str, path: str, max_length: int) -> bool:
        if len(text) <= max_length:
            return True
        self.report.error(
            path, "too-long", f"{path} must be at most {max_length:,} characters, not {len(text):,}"
        )
        return False

    def few_enough(self, values: list[Any] | dict[Any, Any], path: str, limit: int) -> bool:
        if len(values) <= limit:
            return True
        self.report.error(
            path, "too-many", f"{path} has {len(values):,} entries; at most {limit:,} are allowed"
        )
        return False

    def take_pattern(
        self,
        mapping: Mapping[str, Any],
        key: str,
        path: str,
        pattern: re.Pattern[str],
        *,
        required: bool = False,
        code: str = "invalid-code",
        what: str = "code",
    ) -> str | None:
        value = self.get(mapping, key, path, required=required)
        if value is MISSING:
            return None
        return self.check_pattern(value, at(path, key), pattern, code=code, what=what)

    def check_pattern(
        self,
        value: object,
        path: str,
        pattern: re.Pattern[str],
        *,
        code: str = "invalid-code",
        what: str = "code",
    ) -> str | None:
        if not isinstance(value, str):
            self.wrong_type(path, f"a {what} (text)", value)
            return None
        if not pattern.fullmatch(value):  # match() would let "$" accept a trailing newline
            self.report.error(
                path, code, f"{path}: '{shown(value)}' is not a valid {what} (must match {pattern.pattern})"
            )
            return None
        return value

    def take_choice(
        self,
        mapping: Mapping[str, Any],
        key: str,
        path: str,
        choices: Mapping[str, str],
        *,
        required: bool = False,
        default: str | None = None,
    ) -> str | None:
        value = self.get(mapping, key, path, required=required)
        if value is MISSING:
            return default
        return self.check_choice(value, at(path, key), choices)

    def check_choice(self, value: object, path: str, choices: Mapping[str, str]) -> str | None:
        if not isinstance(value, str) or value not in choices:
            self.report.error(
                path, "invalid-choice", f"{path}: '{shown(value)}' is not one of {', '.join(choices)}"
            )
            return None
        return value

    def take_date(
        self, mapping: Mapping[str, Any], key: str, path: str, *, required: bool = False
    ) -> PartialDate | None:
        value = self.get(mapping, key, path, required=required)
        if value is MISSING:
            return None
        return self.check_date(value, at(path, key))

    def check_date(self, value: object, path: str) -> PartialDate | None:
        """A day (YYYY-MM-DD, or a YAML date) or a month (YYYY-MM) as a core.days.PartialDate."""
        if isinstance(value, str) and not value.strip():
            self.report.error(path, "invalid-date", f"{path}: an empty text is not a date")
            return None
        try:
            return PartialDate.parse(value)
        except DateError as problem:
            if isinstance(value, datetime):
                message = f"{path} {problem}"
            elif isinstance(value, str) and "real" in str(problem):
                message = (
                    f"{path}: '{shown(value)}' is not a real {'month' if 'month' in str(problem) else 'date'}"
                )
            else:
                message = (
                    f"{path}: '{shown(value)}' is not a date written YYYY-MM-DD, "
                    "or YYYY-MM when only the month is known"
                )
            self.report.error(path, "invalid-date", message)
            return None

    def take_year(
        self, mapping: Mapping[str, Any], key: str, path: str, *, required: bool = False
    ) -> FinancialYear | None:
        value = self.get(mapping, key, path, required=required)
        if value is MISSING:
            return None
        try:
            return FinancialYear.parse(value)
        except YearError as problem:
            self.report.error(at(path, key), "invalid-year", f"{at(path, key)}: {problem}")
            return None

    def take_money(
        self, mapping: Mapping[str, Any], key: str, path: str, *, required: bool = False
    ) -> int | None:
        value = self.get(mapping, key, path, required=required)
        if value is MISSING:
            return None
        try:
            pence = parse_pounds(value)
        except MoneyError as problem:
            self.report.error(at(path, key), "invalid-money", f"{at(path, key)}: {problem}")
            return None
        if pence < 0:
            self.report.error(
                at(path, key),
                "negative-money",
                f"{at(path, key)}: money may not be negative ({shown(value)})",
            )
            return None
        return pence

    def take_int(
        self,
        mapping: Mapping[str, Any],
        key: str,
        path: str,
        *,
        required: bool = False,
        low: int | None = None,
        high: int | None = None,
        code: str = "out-of-range",
    ) -> int | None:
        value = self.get(mapping, key, path, required=required)
        if value is MISSING:
            return None
        return self.check_int(value, at(path, key), low=low, high=high, code=code)

    def check_int(
        self,
        value: object,
        path: str,
        *,
        low: int | None = None,
        high: int | None = None,
        code: str = "out-of-range",
    ) -> int | None:
        if isinstance(value, bool) or not isinstance(value, int):
            self.wrong_type(path, "a whole number", value)
            return None
        if (low is not None and value < low) or (high is not None and value > high):
            bounds = f"from {low} to {high}" if high is not None else f"at least {low}"
            self.report.error(path, code, f"{path}: {value} must be {bounds}")
            return None
        return value

    def take_percentage(self, mapping: Mapping[str, Any], key: str, path: str) -> Decimal | None:
        value = self.get(mapping, key, path, required=False)
        if value is MISSING:
            return None
        return self.check_percentage(value, at(path, key))

    def check_percentage(self, value: object, path: str) -> Decimal | None:
        if isinstance(value, bool) or not isinstance(value, int | float | str):
            self.wrong_type(path, "a percentage", value)
            return None
        try:
            number = Decimal(str(value).strip())
        except InvalidOperation:
            self.wrong_type(path, "a percentage", value)
            return None
        exponent = number.as_tuple().exponent  # a letter for NaN and infinity, else the power of ten
        if not isinstance(exponent, int) or exponent < -2 or not Decimal(0) <= number <= Decimal(100):
            self.report.error(
                path,
                "out-of-range",
                f"{path}: {shown(value)} must be a percentage from 0 to 100, with at most two decimal places",
            )
            return None
        return number

    def take_bool(self, mapping: Mapping[str, Any], key: str, path: str, *, default: bool) -> bool:
        value = self.get(mapping, key, path, required=False)
        if value is MISSING:
            return default
        if not isinstance(value, bool):
            self.wrong_type(at(path, key), "true or false", value)
            return default
        return value

    def take_list(
        self, mapping: Mapping[str, Any], key: str, path: str, *, required: bool = False
    ) -> list[Any]:
        value = self.get(mapping, key, path, required=required)
        if value is MISSING:
            return []
        if not isinstance(value, list):
            self.wrong_type(at(path, key), "a list", value)
            return []
        limit = count_limit(at(path, key))
        # Entries beyond the limit are not checked: the error says so once, and a list of a million
        # entries costs no more than a full one.
        return value if self.few_enough(value, at(path, key), limit) else value[:limit]

    def take_mapping(
        self, mapping: Mapping[str, Any], key: str, path: str, *, required: bool = False
    ) -> dict[str, Any]:
        value = self.get(mapping, key, path, required=required)
        if value is MISSING:
            return {}
        if not isinstance(value, dict):
            self.wrong_type(at(path, key), "a mapping of keys to values", value)
            return {}
        limit = mapping_limit(at(path, key))
        if limit is not None and not self.few_enough(value, at(path, key), limit):
            return dict(list(value.items())[:limit])
        return value

    def items(self, values: list[Any], path: str) -> list[tuple[str, dict[str, Any]]]:
        """The mapping entries of a list with their paths; other entries are reported as wrong types."""
        entries = []
        for index, value in enumerate(values):
            if isinstance(value, dict):
                entries.append((at(path, index), value))
            else:
                self.wrong_type(at(path, index), "a mapping of keys to values", value)
        return entries

    def texts(self, values: list[Any], path: str, *, max_length: int) -> list[str]:
        result = []
        for index, value in enumerate(values):
            if isinstance(value, str) and value.strip():
                if self.short_enough(value.strip(), at(path, index), max_length):
                    result.append(value.strip())
            else:
                self.wrong_type(at(path, index), "text", value)
        return result
