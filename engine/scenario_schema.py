"""The schema pass: the JSON Schema's verdict, in a facilitator's words.

`schemas/scenario.schema.json` is the single statement of shapes, types,
ranges and enums. A compiled copy (`engine.schemacheck`) first says whether
the data is certainly valid; only when it is not does jsonschema run, on the top
level and on the list items the compiled check finds fault with, and each of its
errors is rewritten as a message: the path, what was found, what was expected,
and for an unknown key the known key it most resembles.
"""
from __future__ import annotations

import copy
import functools
import json
import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol

from .scenario_report import Report, show
from .schemacheck import Check, fast_check, fast_ref, scenario_schema
from .yamlsource import Path

if TYPE_CHECKING:  # jsonschema is imported only when a file has a schema problem to explain
    import jsonschema

__all__ = ["MAX_EXPLAINED_ENTRIES", "schema_pass", "schema_errors", "validator", "pattern_name"]

# Explaining a faulty entry runs jsonschema on it (about 0.1 ms); a file with tens of
# thousands of broken entries is not fixed one message at a time, and would hold the
# console for seconds. Past this many, the rest are counted, not explained.
MAX_EXPLAINED_ENTRIES = 1000


class _Error(Protocol):
    """What the messages read of a jsonschema error (its stubs type the values as possibly unset)."""
    validator: Any
    validator_value: Any
    instance: Any
    schema: Any
    message: str

    @property
    def absolute_path(self) -> Any: ...

    @property
    def absolute_schema_path(self) -> Any: ...

# --- jsonschema, in pieces --------------------------------------------------------------------


def _make_validator(node: dict[str, Any]) -> jsonschema.Draft202012Validator:
    import jsonschema  # here, not at the top: only files with problems pay for the import

    checker = jsonschema.FormatChecker(formats=("date",))
    return jsonschema.Draft202012Validator(node, format_checker=checker)


@functools.cache
def validator() -> jsonschema.Draft202012Validator:
    """The whole schema, as the tests' reference."""
    return _make_validator(scenario_schema())


@functools.cache
def _parts() -> tuple[Any, dict[str, tuple[Check, Any]]]:
    """The schema in pieces: the top level without the items of its lists, and a
    (fast check, validator) pair for the items of each list (states, injects, ...)."""
    top = copy.deepcopy(scenario_schema())
    items: dict[str, tuple[Check, Any]] = {}
    for key, prop in top["properties"].items():
        ref = prop.get("items", {}).get("$ref")
        if ref is not None:
            item_schema = {"$defs": top["$defs"], "$ref": ref}
            items[key] = (fast_ref(ref.rsplit("/", 1)[-1]), _make_validator(item_schema))
            prop["items"] = {}
    return _make_validator(top), items


def schema_errors(data: dict[str, Any], limit: int | None = None,
                  skipped: list[Path] | None = None) -> list[jsonschema.ValidationError]:
    """jsonschema's errors, asked only of the top level and of the list items the
    fast check finds fault with: one bad state in a large file costs one state.
    Past `limit` faulty items, the paths of the others go to `skipped` unexplained."""
    top, items = _parts()
    errors = list(top.iter_errors(data))
    faulty = 0
    for key, (fast, validator) in items.items():
        entries = data.get(key)
        if not isinstance(entries, list):
            continue
        for index, entry in enumerate(entries):
            if fast(entry):
                continue
            faulty += 1
            if limit is not None and faulty > limit:
                if skipped is not None:
                    skipped.append((key, index))
                continue
            for error in validator.iter_errors(entry):
                error.path.extendleft((index, key))  # extendleft reverses: key, then index
                errors.append(error)
    return errors


# --- pass 1: the schema, in a facilitator's words --------------------------------

_TYPE_NAMES = {
    "string": "a string", "number": "a number", "integer": "a whole number",
    "boolean": "true or false", "array": "a list", "object": "a mapping", "null": "null",
}
_PATTERN_NAMES = {
    "^[A-Za-z0-9][A-Za-z0-9_-]*$": "an id (letters, digits, - and _, starting with a letter or digit)",
    "^[a-z0-9][a-z0-9-]*$": "a slug (lower-case letters, digits and -, starting with a letter or digit)",
    "^[a-z0-9][a-z0-9_-]*$": "a region slug (lower-case letters, digits, - and _)",
    "^[0-9]{4}-[0-9]{2}-[0-9]{2}$": "an ISO date (YYYY-MM-DD)",
    "^[A-Za-z_][A-Za-z0-9_]*$": "a weight name (letters, digits and _)",
}
_ALTERNATIVES = {  # string-or-list fields: the pattern says which words the string may be
    "^any$": "'any' or a list of state ids",
    "^(?:all|umpire)$": "all, umpire or a list of state ids",
}


def pattern_name(pattern: str) -> str:
    if pattern in _PATTERN_NAMES:
        return _PATTERN_NAMES[pattern]
    if pattern.startswith("^P"):
        return "an ISO 8601 duration such as P1D, P1W, PT12H or P1M"
    if "relations" in pattern:
        return ("an effect path: relations.FROM.TO.threat|affinity|trade "
                "or states.ID.power|regime|burden_sharing")
    return f"a string matching {pattern}"


def _range(node: dict[str, Any]) -> str:
    low, high = node.get("minimum"), node.get("maximum")
    if low is not None and high is not None:
        return f" in {low}..{high}"
    return f" of at least {low}" if low is not None else ""


def schema_pass(data: dict[str, Any], report: Report) -> None:
    if fast_check()(data):
        return
    skipped: list[Path] = []
    errors = schema_errors(data, MAX_EXPLAINED_ENTRIES, skipped)
    if skipped:
        report.flag(skipped[0], f"this entry and {len(skipped) - 1:,} more after it have problems not listed "
                                f"here: only the first {MAX_EXPLAINED_ENTRIES:,} faulty entries are explained; "
                                f"fix those first", start=True)
    # A date such as 'April 1949' fails both its pattern and its format: say it once.
    patterned = {tuple(e.absolute_path) for e in errors if e.validator == "pattern"}
    for error in errors:
        if error.validator == "format" and tuple(error.absolute_path) in patterned:
            continue
        _explain(error, report)


def _explain(error: _Error, report: Report) -> None:
    path: Path = tuple(error.absolute_path)
    handler = _EXPLAIN.get(str(error.validator))
    if "propertyNames" in error.absolute_schema_path and error.validator == "enum":
        report.flag(path + (error.instance,), f"unknown key; expected one of "
                    f"{', '.join(error.validator_value)}{report.suggest(error.instance, error.validator_value)}",
                    key=True)
    elif "propertyNames" in error.absolute_schema_path:
        report.flag(path + (error.instance,), f"{show(error.instance)} is not "
                    f"{pattern_name(error.validator_value)}", key=True)
    elif handler is not None:
        handler(error, path, report)
    else:
        report.flag(path, error.message)


def _explain_unknown(error: _Error, path: Path, report: Report) -> None:
    node = error.schema
    known = node.get("properties", {})
    patterns = node.get("patternProperties", {})
    for key in error.instance:
        if key in known or any(re.search(p, key) for p in patterns):
            continue
        hint = report.suggest(key, known) or f" (expected one of {', '.join(known)}, or an x- extension)"
        report.flag(path + (key,), f"unknown key{hint}", key=True)


def _kind_needs(inject: Any, key: str) -> str:
    """Why a conditional rule wants `key`: the inject's kind, e.g. 'an armed-attack inject needs a target'."""
    kind = str(inject.get("kind", "")) if isinstance(inject, dict) else "this"
    return f"{'an' if kind[:1] in 'aeiou' else 'a'} {kind} inject needs {'an' if key[:1] in 'aeiou' else 'a'} {key}"


def _explain_required(error: _Error, path: Path, report: Report) -> None:
    for key in error.validator_value:
        if key not in error.instance:
            why = f" ({_kind_needs(error.instance, key)})" if "then" in error.absolute_schema_path else ""
            report.flag(path, f"missing required key '{key}'{why}", start=True)


def _explain_type(error: _Error, path: Path, report: Report) -> None:
    if "then" in error.absolute_schema_path and path:
        inject = report.doc.value_at(path[:-1])
        report.flag(path, f"{_kind_needs(inject, str(path[-1]))}, got {show(error.instance)}")
        return
    types = error.validator_value
    types = [types] if isinstance(types, str) else list(types)
    expected = " or ".join(_TYPE_NAMES.get(t, t) for t in types)
    report.flag(path, f"expected {expected}{_range(error.schema)}, got {show(error.instance)}")


def _explain_enum(error: _Error, path: Path, report: Report) -> None:
    choices = [str(c) for c in error.validator_value]
    report.flag(path, f"{show(error.instance)} is not one of {', '.join(choices)}"
                      f"{report.suggest(error.instance, choices)}")


def _explain_const(error: _Error, path: Path, report: Report) -> None:
    report.flag(path, f"expected {error.validator_value!r}, got {show(error.instance)}")


def _explain_bound(error: _Error, path: Path, report: Report) -> None:
    node = error.schema
    if "minimum" in node and "maximum" in node:
        report.flag(path, f"{show(error.instance)} is out of range {node['minimum']}..{node['maximum']}")
    else:
        side = "at least" if error.validator == "minimum" else "at most"
        report.flag(path, f"expected {side} {error.validator_value}, got {show(error.instance)}")


def _explain_pattern(error: _Error, path: Path, report: Report) -> None:
    pattern = error.validator_value
    if pattern in _ALTERNATIVES:
        report.flag(path, f"expected {_ALTERNATIVES[pattern]}, got {show(error.instance)}")
    else:
        report.flag(path, f"{show(error.instance)} is not {pattern_name(pattern)}")


def _explain_format(error: _Error, path: Path, report: Report) -> None:
    report.flag(path, f"{show(error.instance)} is not a valid date")


def _explain_min_items(error: _Error, path: Path, report: Report) -> None:
    want, have = error.validator_value, len(error.instance)
    report.flag(path, f"expected at least {want} {'entry' if want == 1 else 'entries'}, "
                      f"got {have or 'none'}")


def _explain_unique(error: _Error, path: Path, report: Report) -> None:
    # A set of keys, not a list of items seen: a long list with a repeat costs its length.
    seen: set[tuple[str, Any]] = set()
    for index, item in enumerate(error.instance):
        key = _identity(item)
        if key in seen:
            report.flag(path + (index,), f"{show(item)} is listed twice")
        else:
            seen.add(key)


def _identity(item: Any) -> tuple[str, Any]:
    """A hashable key equal for items JSON Schema calls equal (1 and 1.0, not true and 1)."""
    if isinstance(item, bool) or item is None:
        return ("constant", item)
    if isinstance(item, (int, float)):
        return ("number", item)
    if isinstance(item, str):
        return ("string", item)
    return ("json", json.dumps(item, sort_keys=True, default=str))


def _explain_min_length(error: _Error, path: Path, report: Report) -> None:
    report.flag(path, "must not be empty")


_EXPLAIN: dict[str, Callable[[_Error, Path, Report], None]] = {
    "additionalProperties": _explain_unknown,
    "required": _explain_required,
    "type": _explain_type,
    "enum": _explain_enum,
    "const": _explain_const,
    "minimum": _explain_bound,
    "maximum": _explain_bound,
    "pattern": _explain_pattern,
    "format": _explain_format,
    "minItems": _explain_min_items,
    "uniqueItems": _explain_unique,
    "minLength": _explain_min_length,
}

