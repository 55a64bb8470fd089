"""The scenario schema compiled for speed: a fast check, and strings put back.

jsonschema spends about a second on a large valid scenario, and nearly every
file a facilitator loads is valid. The schema uses a small set of keywords, so
it is compiled once into plain closures that answer one question: is the
document certainly valid? Only when the answer is no does jsonschema run (in
`engine.scenario`), to find and word every error. The closures must never
accept what jsonschema refuses; where in doubt they say no (a test compares the
two).

YAML reads `article: 5` as a number where the author meant the text "5". The
same schema says which values it wants as strings, so it is also compiled into
walkers that put back the text as written before either check runs.

The schema is read here rather than in `engine.scenario` because both modules
need it and `engine.scenario` imports this one.
"""
from __future__ import annotations

import datetime as dt
import functools
import json
import re
import sys
from collections.abc import Callable, Sized
from pathlib import Path as FilePath
from typing import Any

from .yamlsource import Document

__all__ = ["SCHEMA_FILE", "Check", "schema_file", "scenario_schema", "fast_check", "fast_ref",
           "restore_strings"]

SCHEMA_FILE = "scenario.schema.json"


# --- the schema -----------------------------------------------------------------

def schema_file() -> FilePath:
    """The schema beside the source tree, else where an installation put its data files."""
    candidates = (
        FilePath(__file__).resolve().parents[1] / "schemas" / SCHEMA_FILE,
        FilePath(sys.prefix) / "share" / "casus" / "schemas" / SCHEMA_FILE,
    )
    for candidate in candidates:
        if candidate.is_file():
            return candidate
    raise FileNotFoundError(f"{SCHEMA_FILE} is missing from the installation "
                            f"(looked in {', '.join(str(c.parent) for c in candidates)})")


@functools.cache
def scenario_schema() -> dict[str, Any]:
    """The schema, read once and shared by everything compiled from it: never change it
    (`engine.scenario.schema()` gives a copy that may be changed)."""
    schema: dict[str, Any] = json.loads(schema_file().read_text(encoding="utf-8"))
    return schema


# --- the fast check -------------------------------------------------------------

Check = Callable[[Any], bool]
_NOTES = frozenset({"$schema", "$id", "$defs", "$comment", "title", "description", "default", "examples"})
_OBJECT_KEYS = frozenset({"properties", "patternProperties", "additionalProperties"})


def _is_number(x: Any) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool)


_TYPES: dict[str, Check] = {
    "string": lambda x: isinstance(x, str),
    "number": _is_number,
    "integer": lambda x: (isinstance(x, int) and not isinstance(x, bool))
    or (isinstance(x, float) and x.is_integer()),
    "boolean": lambda x: isinstance(x, bool),
    "null": lambda x: x is None,
    "array": lambda x: isinstance(x, list),
    "object": lambda x: isinstance(x, dict),
}


def _all(checks: list[Check]) -> Check:
    if not checks:
        return lambda x: True
    if len(checks) == 1:
        return checks[0]
    # Two or three checks are the common case; spelt out, they skip a generator per value.
    if len(checks) == 2:
        first, second = checks
        return lambda x: first(x) and second(x)
    if len(checks) == 3:
        first, second, third = checks
        return lambda x: first(x) and second(x) and third(x)
    every = tuple(checks)

    def check(x: Any) -> bool:
        for one in every:  # noqa: SIM110 (a loop, not all() over a generator: this runs per value)
            if not one(x):
                return False
        return True
    return check


@functools.cache
def fast_ref(name: str) -> Check:
    """The check of one definition, so that each item of a long list can be judged alone."""
    return _fast(scenario_schema()["$defs"][name])


def _fast(node: dict[str, Any]) -> Check:
    """Compile a subschema; an unknown keyword is a programming error, not a pass."""
    checks = []
    for keyword, value in node.items():
        if keyword in _NOTES or keyword == "then" or (keyword in _OBJECT_KEYS and keyword != "properties"
                                                      and "properties" in node):
            continue
        maker = _FAST.get(keyword)
        if maker is None:
            raise ValueError(f"the fast check does not know the keyword {keyword!r}")
        checks.append(maker(value, node))
    return _all(checks)


def _fast_type(value: Any, node: dict[str, Any]) -> Check:
    tests = [_TYPES[t] for t in ([value] if isinstance(value, str) else value)]
    return tests[0] if len(tests) == 1 else (lambda x: any(t(x) for t in tests))


def _fast_enum(value: list[Any], node: dict[str, Any]) -> Check:
    if not all(isinstance(v, str) for v in value):
        raise ValueError("the fast check knows string enums only")
    choices = frozenset(value)
    return lambda x: isinstance(x, str) and x in choices


def _fast_const(value: Any, node: dict[str, Any]) -> Check:
    return _fast_enum([value], node)


def _fast_pattern(value: str, node: dict[str, Any]) -> Check:
    search = re.compile(value).search
    return lambda x: not isinstance(x, str) or search(x) is not None


def _fast_format(value: str, node: dict[str, Any]) -> Check:
    if value != "date":
        raise ValueError(f"the fast check knows the date format only, not {value!r}")
    shape = re.compile(r"^\d{4}-\d{2}-\d{2}$", re.ASCII).fullmatch

    def check(x: Any) -> bool:
        if not isinstance(x, str):
            return True
        try:
            return bool(shape(x)) and bool(dt.date.fromisoformat(x))
        except ValueError:
            return False
    return check


def _fast_unique(value: bool, node: dict[str, Any]) -> Check:
    # Only lists of strings are judged here; anything else goes to jsonschema.
    return lambda x: not isinstance(x, list) or (
        all(isinstance(i, str) for i in x) and len(set(x)) == len(x))


def _fast_items(value: dict[str, Any], node: dict[str, Any]) -> Check:
    item = _fast(value)

    def check(x: Any) -> bool:
        if isinstance(x, list):
            for one in x:
                if not item(one):
                    return False
        return True
    return check


def _fast_object(value: dict[str, Any], node: dict[str, Any]) -> Check:
    """properties, patternProperties and additionalProperties in one pass over the keys."""
    props = {k: _fast(v) for k, v in value.items()}
    patterns = [(re.compile(p).search, _fast(v)) for p, v in node.get("patternProperties", {}).items()]
    extra = node.get("additionalProperties", True)
    other = _fast(extra) if isinstance(extra, dict) else (lambda x: extra)

    def check(x: Any) -> bool:
        if not isinstance(x, dict):
            return True
        for key, item in x.items():
            prop = props.get(key)
            if prop is not None:
                if not prop(item):
                    return False
                continue
            matched = [sub for search, sub in patterns if search(key)]
            if not matched and not other(item):
                return False
            if not all(sub(item) for sub in matched):
                return False
        return True
    return check


def _fast_lone(keyword: str) -> Callable[[Any, dict[str, Any]], Check]:
    """patternProperties or additionalProperties without properties."""
    return lambda value, node: _fast_object({}, node)


def _fast_required(value: list[str], node: dict[str, Any]) -> Check:
    return lambda x: not isinstance(x, dict) or all(k in x for k in value)


def _fast_property_names(value: dict[str, Any], node: dict[str, Any]) -> Check:
    name = _fast(value)
    return lambda x: not isinstance(x, dict) or all(name(k) for k in x)


def _fast_if(value: dict[str, Any], node: dict[str, Any]) -> Check:
    if "else" in node:
        raise ValueError("the fast check does not know else")
    test, then = _fast(value), _fast(node.get("then", {}))
    return lambda x: not test(x) or then(x)


def _bound(test: Callable[[Any, Any], bool]) -> Callable[[Any, dict[str, Any]], Check]:
    return lambda value, node: (lambda x: not _is_number(x) or test(x, value))


def _sized(kind: type[Sized]) -> Callable[[Any, dict[str, Any]], Check]:
    def make(value: Any, node: dict[str, Any]) -> Check:
        return lambda x: not isinstance(x, kind) or len(x) >= value
    return make


_FAST: dict[str, Callable[[Any, dict[str, Any]], Check]] = {
    "$ref": lambda value, node: fast_ref(value.rsplit("/", 1)[-1]),
    "type": _fast_type,
    "enum": _fast_enum,
    "const": _fast_const,
    "pattern": _fast_pattern,
    "format": _fast_format,
    "minimum": _bound(lambda x, low: x >= low),
    "maximum": _bound(lambda x, high: x <= high),
    "minLength": _sized(str),
    "minItems": _sized(list),
    "uniqueItems": _fast_unique,
    "items": _fast_items,
    "properties": _fast_object,
    "patternProperties": _fast_lone("patternProperties"),
    "additionalProperties": _fast_lone("additionalProperties"),
    "required": _fast_required,
    "propertyNames": _fast_property_names,
    "allOf": lambda value, node: _all([_fast(v) for v in value]),
    "if": _fast_if,
}


@functools.cache
def fast_check() -> Check:
    """The whole schema compiled: its check says True only of data certainly valid, and
    False sends the data to jsonschema to find the errors."""
    return _fast(scenario_schema())


# --- strings as written ---------------------------------------------------------

def _resolve(node: dict[str, Any]) -> dict[str, Any]:
    """Follow local $refs (the schema uses only #/$defs/NAME)."""
    while "$ref" in node:
        node = scenario_schema()["$defs"][node["$ref"].rsplit("/", 1)[-1]]
    return node


def _wants_string(node: dict[str, Any]) -> bool:
    types = node.get("type")
    types = {types} if isinstance(types, str) else set(types or ())
    return "string" in types and not types & {"number", "integer", "boolean"}


def restore_strings(doc: Document) -> None:
    """Give string-typed fields the text that was written (`article: 5` means "5")."""
    if doc.raw:
        restore = _restorer(scenario_schema())
        if restore is not None:
            restore(doc.raw, doc.data)


Restore = Callable[[dict[tuple[int, Any], str], Any], None]


@functools.cache
def _restorer_ref(name: str) -> Restore | None:
    return _restorer(scenario_schema()["$defs"][name])


def _restorer(node: dict[str, Any]) -> Restore | None:
    """Compile the schema into walkers that put back the written text of scalars
    where a string is wanted; None where nothing below can want one."""
    if "$ref" in node:
        return _restorer_ref(node["$ref"].rsplit("/", 1)[-1])
    if "properties" in node:
        return _object_restorer(node["properties"])
    if isinstance(node.get("items"), dict):
        return _list_restorer(node["items"])
    return None


def _object_restorer(props: dict[str, Any]) -> Restore | None:
    strings = tuple(k for k, v in props.items() if _wants_string(_resolve(v)))
    children = tuple((k, r) for k, r in ((k, _restorer(v)) for k, v in props.items()) if r is not None)
    if not strings and not children:
        return None

    def restore(raw: dict[tuple[int, Any], str], obj: Any) -> None:
        if not isinstance(obj, dict):
            return
        for key in strings:
            if key in obj and not isinstance(obj[key], str):
                text = raw.get((id(obj), key))
                if text is not None:
                    obj[key] = text
        for key, child in children:
            if key in obj:
                child(raw, obj[key])
    return restore


def _list_restorer(item_schema: dict[str, Any]) -> Restore | None:
    wants = _wants_string(_resolve(item_schema))
    child = _restorer(item_schema)
    if not wants and child is None:
        return None

    def restore(raw: dict[tuple[int, Any], str], obj: Any) -> None:
        if not isinstance(obj, list):
            return
        for index, value in enumerate(obj):
            if wants and not isinstance(value, str):
                text = raw.get((id(obj), index))
                if text is not None:
                    obj[index] = text
            elif child is not None:
                child(raw, value)
    return restore
