"""The agreement as a document: parsed from a partnership file, or exported from the database in the
same shape, so that the file, the web forms and the API all pass through one checker and one loader."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from concordat.core.problems import Report

from .shape import export_agreement

__all__ = ["dump_yaml", "export_agreement", "parse_text", "read_file"]


class _Loader(yaml.SafeLoader):
    """YAML 1.2 booleans: only true/false, so `NO`, `on`, `y` stay text (a partner code `NO` is not False).
    Dates stay text too: the checker reads them, and reports an impossible one like 2003-02-30 with its
    path instead of failing inside the YAML parser."""

    def construct_mapping(self, node: yaml.Node, deep: bool = False) -> dict[Any, Any]:
        """A key written twice in one mapping is an error (YAML says keys are unique), not the last one
        silently winning. Keys brought in by a merge (`<<: *defaults`) may still be overridden."""
        if isinstance(node, yaml.MappingNode):
            seen: set[Any] = set()
            for key_node, _ in node.value:
                if key_node.tag == "tag:yaml.org,2002:merge":
                    continue
                key = self.construct_object(key_node, deep=deep)
                try:
                    duplicate = key in seen
                    seen.add(key)
                except TypeError:  # an unhashable key: the base constructor reports it
                    continue
                if duplicate:
                    raise yaml.constructor.ConstructorError(
                        None, None, f"the key '{key}' appears twice in one mapping", key_node.start_mark
                    )
        return super().construct_mapping(node, deep=deep)  # type: ignore[no-any-return]


# YAML 1.1's readings that change what people wrote: 010 as octal 8, 1:30 as sexagesimal 90, 0x1F, 1_000.
# Numbers are plain decimals as in YAML 1.2 (no leading zero); anything else stays the text it was.
_IMPLICIT_NOT_WANTED = {
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:timestamp",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
}
_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag not in _IMPLICIT_NOT_WANTED]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:int", re.compile(r"^[-+]?(?:0|[1-9][0-9]*)$"), list("-+0123456789")
)
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(
        r"^[-+]?(?:0|[1-9][0-9]*)(?:\.[0-9]+)(?:[eE][-+]?[0-9]+)?$|^[-+]?\.(?:inf|Inf|INF)$|^\.(?:nan|NaN|NAN)$"
    ),
    list("-+0123456789."),
)


def parse_text(text: str, report: Report) -> Any:
    """The YAML document in `text`, or None with a problem naming the line and column."""
    try:
        return yaml.load(text, Loader=_Loader)
    except yaml.YAMLError as problem:
        mark = getattr(problem, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "the file"
        report.error("", "yaml", f"not valid YAML at {where}: {getattr(problem, 'problem', None) or problem}")
        return None
    except ValueError as problem:  # a value an explicit tag cannot build, e.g. !!timestamp 2003-02-30
        report.error("", "yaml", f"not valid YAML: {problem}")
        return None
    except RecursionError:  # lists inside lists thousands deep: the parser recurses once a level
        report.error("", "yaml", "not valid YAML: the file nests lists or mappings too deeply")
        return None


def read_file(path: Path, report: Report) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        report.error("", "file", f"no such file: {path}")
        return None
    except UnicodeDecodeError as problem:
        report.error("", "encoding", f"the file is not UTF-8 (byte {problem.start})")
        return None
    except OSError as problem:
        report.error("", "file", f"cannot read {path}: {problem.strerror}")
        return None
    return parse_text(text, report)


def dump_yaml(document: dict[str, Any]) -> str:
    return yaml.safe_dump(document, sort_keys=False, allow_unicode=True, width=100)
