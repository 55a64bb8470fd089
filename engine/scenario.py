"""Loading scenario files: read strictly, check in two passes, build the frozen model.

A scenario file is untrusted text. `yamlsource` reads it into plain data and
records where every key and value stands. Then two passes look for problems:

1. the schema pass runs the JSON Schema (`schemas/scenario.schema.json`, the
   single statement of shapes, types, ranges and enums) and rewrites each of
   its errors as a facilitator's message: the path, what was found, what was
   expected, and for an unknown key the known key it most resembles;
2. the semantic pass checks what a schema cannot: references to states,
   treaties and injects exist, ids are unique, a leader is a member, turns fall
   within the game, relation and deployment ends differ, effect paths name
   real states and fitting values. It guards every access, so it runs on data
   the schema pass has refused and still finds the rest.

Both passes always run, and every problem of the file is raised at once in a
`ScenarioError`, sorted by line. Only a file without problems is turned into the
frozen `engine.model.Scenario`.

jsonschema is thorough but slow on large files, so the schema pass first asks a
compiled copy of the same schema (`engine.schemacheck`) whether the data is
certainly valid; jsonschema runs only when it is not, to find and word the errors.
"""
from __future__ import annotations

import contextlib
import copy
import datetime as dt
import difflib
import functools
import gc
import os
import re
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

from .errors import Problem, ScenarioError
from .model import (
    ATTACK_KINDS,
    Commitment,
    Control,
    Deployment,
    Effect,
    ForceSize,
    Formality,
    Governance,
    Inject,
    InjectKind,
    Invocation,
    Obligation,
    ObligationType,
    Openness,
    Regime,
    Relation,
    Response,
    Scenario,
    ScriptEntry,
    Source,
    State,
    Treaty,
    TurnLength,
)
from .schemacheck import Check, fast_check, fast_ref, restore_strings, scenario_schema
from .yamlsource import Document, Path, SourceError, decode, read_json, read_yaml

if TYPE_CHECKING:  # jsonschema is imported only when a file has a schema problem to explain
    import jsonschema

__all__ = ["MAX_BYTES", "load", "loads", "from_data", "schema", "format_path"]

MAX_BYTES = 5 * 1024 * 1024


# --- public API ----------------------------------------------------------------

def load(path: str | os.PathLike[str]) -> Scenario:
    """Load and check a scenario file (YAML, or JSON by its .json suffix).

    Raises ScenarioError with every problem of the file; OSError if it cannot be
    read at all (missing, a directory, no permission).
    """
    name = os.fspath(path)
    size = os.stat(name).st_size
    if size > MAX_BYTES:
        raise _too_big(name, size)
    with open(name, "rb") as handle:
        data = handle.read(MAX_BYTES + 1)
    return loads(data, name)


def loads(text: str | bytes, name: str = "<string>") -> Scenario:
    """Check and build a scenario from YAML or JSON text; `name` labels the messages."""
    data = text if isinstance(text, bytes) else text.encode("utf-8", "surrogatepass")
    if len(data) > MAX_BYTES:
        raise _too_big(name, len(data))
    with _collector_paused():
        return _loads(data, name)


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """Reading builds a hundred thousand containers and no cycles; the cyclic
    collector would rescan them again and again (more than half the time of a
    large file). It is paused while a scenario is read, and restored after."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _loads(data: bytes, name: str) -> Scenario:
    try:
        text = decode(data)
        doc = read_json(text) if name.lower().endswith(".json") else read_yaml(text)
    except SourceError as exc:
        raise ScenarioError(_sorted(_problem(name, f.mark, f.path, f.message) for f in exc.flaws)) from None
    restore_strings(doc)
    return _check_and_build(doc, name)


def from_data(data: dict[str, Any], name: str = "<data>") -> Scenario:
    """Check and build a scenario from already-parsed data (no places: line 0)."""
    doc = Document(_plain(data, name, 0))
    return _check_and_build(doc, name)


def schema() -> dict[str, Any]:
    """The scenario JSON Schema (draft 2020-12), a fresh copy the caller may change."""
    return copy.deepcopy(scenario_schema())


def format_path(path: Iterable[str | int]) -> str:
    """A JSON path as messages show it: states[4].regime."""
    out = ""
    for step in path:
        if isinstance(step, int):
            out += f"[{step}]"
        else:
            out += f".{step}" if out else str(step)
    return out


# --- schema --------------------------------------------------------------------


def _make_validator(node: dict[str, Any]) -> jsonschema.Draft202012Validator:
    import jsonschema  # here, not at the top: only files with problems pay for the import

    checker = jsonschema.FormatChecker(formats=("date",))
    return jsonschema.Draft202012Validator(node, format_checker=checker)


@functools.cache
def _validator() -> jsonschema.Draft202012Validator:
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


def _schema_errors(data: dict[str, Any]) -> list[jsonschema.ValidationError]:
    """jsonschema's errors, asked only of the top level and of the list items the
    fast check finds fault with: one bad state in a large file costs one state."""
    top, items = _parts()
    errors = list(top.iter_errors(data))
    for key, (fast, validator) in items.items():
        entries = data.get(key)
        if not isinstance(entries, list):
            continue
        for index, entry in enumerate(entries):
            if fast(entry):
                continue
            for error in validator.iter_errors(entry):
                error.path.extendleft((index, key))  # extendleft reverses: key, then index
                errors.append(error)
    return errors


# --- checking ------------------------------------------------------------------

class _Report:
    """Collects problems, placing each path in the file when the document knows it."""

    def __init__(self, doc: Document, name: str):
        self.doc, self.name = doc, name
        self.problems: list[Problem] = []

    def flag(self, path: Path, message: str, *, key: bool = False, start: bool = False) -> None:
        mark = self.doc.start_of(path) if start else self.doc.locate(path, key=key)
        # A value that is not there (a key left out) is placed at its nearest ancestor.
        ancestor = path
        while mark == (0, 0) and ancestor and self.doc.starts:
            ancestor = ancestor[:-1]
            mark = self.doc.start_of(ancestor)
        self.problems.append(_problem(self.name, mark, path, message))


def _problem(name: str, mark: tuple[int, int], path: Path, message: str) -> Problem:
    return Problem(name, mark[0], mark[1] if mark[0] else 0, format_path(path), message)


def _sorted(problems: Iterable[Problem]) -> list[Problem]:
    unique = list(dict.fromkeys(problems))
    return sorted(unique, key=lambda p: (p.line, p.column))


def _too_big(name: str, size: int) -> ScenarioError:
    return ScenarioError([Problem(name, 0, 0, "", f"file is {size:,} bytes; a scenario file "
                                                    f"may have at most {MAX_BYTES:,} bytes (5 MB)")])


def _check_and_build(doc: Document, name: str) -> Scenario:
    report = _Report(doc, name)
    for flaw in doc.flaws:
        report.problems.append(_problem(name, flaw.mark, flaw.path, flaw.message))
    if not isinstance(doc.data, dict):
        found = "a list" if isinstance(doc.data, list) else f"the value {_show(doc.data)}"
        report.flag((), f"the top level must be a mapping of keys (format: casus/1, id, title, "
                        f"start, turns, states), not {found}", start=True)
    else:
        _schema_pass(doc.data, report)
        _semantic_pass(doc.data, report)
    if report.problems:
        # A flagged tag or duplicate key explains whatever else is wrong at its path.
        flawed = {format_path(f.path) for f in doc.flaws}
        flaws = len(doc.flaws)
        kept = report.problems[:flaws] + [p for p in report.problems[flaws:] if p.path not in flawed]
        raise ScenarioError(_sorted(kept))
    return _build(doc.data, name)


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


def _pattern_name(pattern: str) -> str:
    if pattern in _PATTERN_NAMES:
        return _PATTERN_NAMES[pattern]
    if pattern.startswith("^P"):
        return "an ISO 8601 duration such as P1D, P1W, PT12H or P1M"
    if "relations" in pattern:
        return ("an effect path: relations.FROM.TO.threat|affinity|trade "
                "or states.ID.power|regime|burden_sharing")
    return f"a string matching {pattern}"


def _show(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return repr(value if len(value) <= 60 else value[:57] + "...")
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return repr(value)


def _range(node: dict[str, Any]) -> str:
    low, high = node.get("minimum"), node.get("maximum")
    if low is not None and high is not None:
        return f" in {low}..{high}"
    return f" of at least {low}" if low is not None else ""


def _suggest(word: Any, choices: Iterable[str]) -> str:
    if not isinstance(word, str):
        return ""
    close = difflib.get_close_matches(word, sorted(choices), n=1)
    return f"; did you mean {close[0]}?" if close else ""


def _schema_pass(data: dict[str, Any], report: _Report) -> None:
    if fast_check()(data):
        return
    errors = _schema_errors(data)
    # A date such as 'April 1949' fails both its pattern and its format: say it once.
    patterned = {tuple(e.absolute_path) for e in errors if e.validator == "pattern"}
    for error in errors:
        if error.validator == "format" and tuple(error.absolute_path) in patterned:
            continue
        _explain(error, report)


def _explain(error: jsonschema.ValidationError, report: _Report) -> None:
    path: Path = tuple(error.absolute_path)
    handler = _EXPLAIN.get(str(error.validator))
    if "propertyNames" in error.absolute_schema_path and error.validator == "enum":
        report.flag(path + (error.instance,), f"unknown key; expected one of "
                    f"{', '.join(error.validator_value)}{_suggest(error.instance, error.validator_value)}",
                    key=True)
    elif "propertyNames" in error.absolute_schema_path:
        report.flag(path + (error.instance,), f"{_show(error.instance)} is not "
                    f"{_pattern_name(error.validator_value)}", key=True)
    elif handler is not None:
        handler(error, path, report)
    else:
        report.flag(path, error.message)


def _explain_unknown(error: jsonschema.ValidationError, path: Path, report: _Report) -> None:
    node = error.schema
    known = node.get("properties", {})
    patterns = node.get("patternProperties", {})
    for key in error.instance:
        if key in known or any(re.search(p, key) for p in patterns):
            continue
        hint = _suggest(key, known) or f" (expected one of {', '.join(known)}, or an x- extension)"
        report.flag(path + (key,), f"unknown key{hint}", key=True)


def _kind_needs(inject: Any, key: str) -> str:
    """Why a conditional rule wants `key`: the inject's kind, e.g. 'an armed-attack inject needs a target'."""
    kind = str(inject.get("kind", "")) if isinstance(inject, dict) else "this"
    return f"{'an' if kind[:1] in 'aeiou' else 'a'} {kind} inject needs {'an' if key[:1] in 'aeiou' else 'a'} {key}"


def _explain_required(error: jsonschema.ValidationError, path: Path, report: _Report) -> None:
    for key in error.validator_value:
        if key not in error.instance:
            why = f" ({_kind_needs(error.instance, key)})" if "then" in error.absolute_schema_path else ""
            report.flag(path, f"missing required key '{key}'{why}", start=True)


def _explain_type(error: jsonschema.ValidationError, path: Path, report: _Report) -> None:
    if "then" in error.absolute_schema_path and path:
        inject = report.doc.value_at(path[:-1])
        report.flag(path, f"{_kind_needs(inject, str(path[-1]))}, got {_show(error.instance)}")
        return
    types = error.validator_value
    types = [types] if isinstance(types, str) else list(types)
    expected = " or ".join(_TYPE_NAMES.get(t, t) for t in types)
    report.flag(path, f"expected {expected}{_range(error.schema)}, got {_show(error.instance)}")


def _explain_enum(error: jsonschema.ValidationError, path: Path, report: _Report) -> None:
    choices = [str(c) for c in error.validator_value]
    report.flag(path, f"{_show(error.instance)} is not one of {', '.join(choices)}"
                      f"{_suggest(error.instance, choices)}")


def _explain_const(error: jsonschema.ValidationError, path: Path, report: _Report) -> None:
    report.flag(path, f"expected {error.validator_value!r}, got {_show(error.instance)}")


def _explain_bound(error: jsonschema.ValidationError, path: Path, report: _Report) -> None:
    node = error.schema
    if "minimum" in node and "maximum" in node:
        report.flag(path, f"{_show(error.instance)} is out of range {node['minimum']}..{node['maximum']}")
    else:
        side = "at least" if error.validator == "minimum" else "at most"
        report.flag(path, f"expected {side} {error.validator_value}, got {_show(error.instance)}")


def _explain_pattern(error: jsonschema.ValidationError, path: Path, report: _Report) -> None:
    pattern = error.validator_value
    if pattern in _ALTERNATIVES:
        report.flag(path, f"expected {_ALTERNATIVES[pattern]}, got {_show(error.instance)}")
    else:
        report.flag(path, f"{_show(error.instance)} is not {_pattern_name(pattern)}")


def _explain_format(error: jsonschema.ValidationError, path: Path, report: _Report) -> None:
    report.flag(path, f"{_show(error.instance)} is not a valid date")


def _explain_min_items(error: jsonschema.ValidationError, path: Path, report: _Report) -> None:
    want, have = error.validator_value, len(error.instance)
    report.flag(path, f"expected at least {want} {'entry' if want == 1 else 'entries'}, "
                      f"got {have or 'none'}")


def _explain_unique(error: jsonschema.ValidationError, path: Path, report: _Report) -> None:
    seen: list[Any] = []
    for index, item in enumerate(error.instance):
        if item in seen:
            report.flag(path + (index,), f"{_show(item)} is listed twice")
        else:
            seen.append(item)


def _explain_min_length(error: jsonschema.ValidationError, path: Path, report: _Report) -> None:
    report.flag(path, "must not be empty")


_EXPLAIN = {
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


# --- pass 2: what the schema cannot say -------------------------------------------

def _entries(data: dict[str, Any], key: str) -> Iterator[tuple[Path, dict[str, Any]]]:
    """The mappings of a top-level list, with their paths; anything else is the schema's business."""
    items = data.get(key)
    if isinstance(items, list):
        for index, item in enumerate(items):
            if isinstance(item, dict):
                yield (key, index), item


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_attack(kind: Any) -> bool:
    return isinstance(kind, str) and kind in ATTACK_KINDS


def _unique_ids(data: dict[str, Any], key: str, report: _Report) -> set[str]:
    first: dict[str, Path] = {}
    for path, item in _entries(data, key):
        ident = item.get("id")
        if not isinstance(ident, str):
            continue
        if ident in first:
            line = report.doc.locate(first[ident] + ("id",))[0]
            where = f"line {line}" if line else format_path(first[ident])
            report.flag(path + ("id",), f"duplicate id {ident!r} (first at {where})")
        else:
            first[ident] = path
    return set(first)


class _Names:
    """The ids a scenario defines, for reference checks."""

    def __init__(self, data: dict[str, Any], report: _Report):
        self.states = _unique_ids(data, "states", report)
        self.treaties = _unique_ids(data, "treaties", report)
        self.injects = _unique_ids(data, "injects", report)
        self.members = {item["id"]: item.get("members") for _, item in _entries(data, "treaties")
                        if isinstance(item.get("id"), str) and isinstance(item.get("members"), list)}
        self.kinds = {item["id"]: item.get("kind") for _, item in _entries(data, "injects")
                      if isinstance(item.get("id"), str)}
        turns = data.get("turns")
        self.turns = turns if _is_int(turns) and 1 <= turns <= 1000 else None


_KNOWN = {"state": "states", "treaty": "treaties", "inject": "injects"}


def _ref(report: _Report, path: Path, value: Any, known: set[str], what: str) -> bool:
    """Flag a reference to an id that does not exist; True if it does."""
    if not isinstance(value, str):
        return False
    if value in known:
        return True
    hint = _suggest(value, known) or f" (no such id in {_KNOWN[what]})"
    report.flag(path, f"unknown {what} {value!r}{hint}")
    return False


def _refs(report: _Report, path: Path, value: Any, known: set[str], what: str) -> None:
    """A reference or a list of them."""
    if isinstance(value, list):
        for index, item in enumerate(value):
            _ref(report, path + (index,), item, known, what)
    else:
        _ref(report, path, value, known, what)


def _semantic_pass(data: dict[str, Any], report: _Report) -> None:
    names = _Names(data, report)
    _check_relations(data, names, report)
    _check_deployments(data, names, report)
    for path, treaty in _entries(data, "treaties"):
        _check_treaty(path, treaty, names, report)
    for path, inject in _entries(data, "injects"):
        _check_inject(path, inject, names, report)
    for path, entry in _entries(data, "script"):
        _check_script(path, entry, names, report)


def _check_relations(data: dict[str, Any], names: _Names, report: _Report) -> None:
    seen: dict[tuple[str, str], Path] = {}
    for path, rel in _entries(data, "relations"):
        source, target = rel.get("from"), rel.get("to")
        _ref(report, path + ("from",), source, names.states, "state")
        _ref(report, path + ("to",), target, names.states, "state")
        if not (isinstance(source, str) and isinstance(target, str)):
            continue
        if source == target:
            report.flag(path + ("to",), f"a relation joins two different states; "
                                        f"from and to are both {source!r}")
        elif (source, target) in seen:
            report.flag(path, f"the dyad {source} -> {target} is given twice "
                              f"(first at {format_path(seen[(source, target)])})", start=True)
        else:
            seen[(source, target)] = path


def _check_deployments(data: dict[str, Any], names: _Names, report: _Report) -> None:
    for path, dep in _entries(data, "deployments"):
        state, host = dep.get("state"), dep.get("host")
        _ref(report, path + ("state",), state, names.states, "state")
        _ref(report, path + ("host",), host, names.states, "state")
        if isinstance(state, str) and state == host:
            report.flag(path + ("host",), f"forces are deployed abroad; state and host are "
                                          f"both {state!r}")


def _check_treaty(path: Path, treaty: dict[str, Any], names: _Names, report: _Report) -> None:
    members = treaty.get("members")
    members = [m for m in members if isinstance(m, str)] if isinstance(members, list) else []
    _refs(report, path + ("members",), treaty.get("members"), names.states, "state")
    leader = treaty.get("leader")
    if _ref(report, path + ("leader",), leader, names.states, "state") and leader not in members:
        report.flag(path + ("leader",), f"the leader {leader!r} is not a member of the treaty")
    beneficiaries = treaty.get("beneficiaries")
    if isinstance(beneficiaries, list):
        for index, state in enumerate(beneficiaries):
            here = path + ("beneficiaries", index)
            if _ref(report, here, state, names.states, "state") and state in members:
                report.flag(here, f"{state!r} is a member; beneficiaries are the non-members "
                                  f"the treaty also protects")
    obligations = treaty.get("obligations")
    if isinstance(obligations, list):
        for index, obligation in enumerate(obligations):
            if isinstance(obligation, dict):
                _check_obligation(path + ("obligations", index), obligation, members, names, report)


def _check_obligation(path: Path, obligation: dict[str, Any], members: list[str], names: _Names,
                      report: _Report) -> None:
    adversaries = obligation.get("adversaries")
    if isinstance(adversaries, list):
        _refs(report, path + ("adversaries",), adversaries, names.states, "state")
    bound = obligation.get("asymmetric_to")
    if isinstance(bound, list):
        for index, state in enumerate(bound):
            here = path + ("asymmetric_to", index)
            if _ref(report, here, state, names.states, "state") and state not in members:
                report.flag(here, f"{state!r} is not a member; asymmetric_to lists the members "
                                  f"who owe the obligation")


def _check_turn(path: Path, turn: Any, names: _Names, report: _Report) -> None:
    if _is_int(turn) and names.turns is not None and turn > names.turns:
        report.flag(path, f"turn {turn} is after the last turn of the scenario (turns: {names.turns})")


def _check_inject(path: Path, inject: dict[str, Any], names: _Names, report: _Report) -> None:
    _check_turn(path + ("turn",), inject.get("turn"), names, report)
    actor, target = inject.get("actor"), inject.get("target")
    _refs(report, path + ("actor",), actor, names.states, "state")
    _ref(report, path + ("target",), target, names.states, "state")
    _ref(report, path + ("territory",), inject.get("territory"), names.states, "state")
    actors = actor if isinstance(actor, list) else [actor]
    if _is_attack(inject.get("kind")) and isinstance(target, str) and target in actors:
        report.flag(path + ("target",), f"{target!r} cannot attack itself: actor and target differ")
    visibility = inject.get("visibility")
    if isinstance(visibility, list):
        _refs(report, path + ("visibility",), visibility, names.states, "state")
    _check_requires(path, inject, names, report)
    treaty = inject.get("treaty")
    if _ref(report, path + ("treaty",), treaty, names.treaties, "treaty"):
        _check_party(path, inject, actors, names.members.get(treaty), report)
    effects = inject.get("effects")
    if isinstance(effects, list):
        for index, effect in enumerate(effects):
            if isinstance(effect, dict):
                _check_effect(path + ("effects", index), effect, names, report)


def _check_requires(path: Path, inject: dict[str, Any], names: _Names, report: _Report) -> None:
    requires = inject.get("requires")
    if not isinstance(requires, list):
        return
    for index, other in enumerate(requires):
        here = path + ("requires", index)
        if _ref(report, here, other, names.injects, "inject") and other == inject.get("id"):
            report.flag(here, "an inject cannot require itself")


def _check_party(path: Path, inject: dict[str, Any], actors: list[Any], members: Any,
                 report: _Report) -> None:
    """Joining or leaving a treaty is done by its members."""
    if inject.get("kind") not in ("treaty-signed", "treaty-withdrawal") or not isinstance(members, list):
        return
    for index, actor in enumerate(actors):
        if isinstance(actor, str) and actor not in members:
            here = path + ("actor",) + ((index,) if isinstance(inject.get("actor"), list) else ())
            report.flag(here, f"{actor!r} is not a member of treaty {inject.get('treaty')!r}")


_EFFECT_PATH = re.compile(r"(relations)\.([^.]+)\.([^.]+)\.(threat|affinity|trade)"
                          r"|(states)\.([^.]+)\.(power|regime|burden_sharing)")
_EFFECT_RANGES = {"threat": (0, 1), "affinity": (-1, 1), "trade": (0, 1),
                  "power": (0, 100), "burden_sharing": (0, 1)}


def _check_effect(path: Path, effect: dict[str, Any], names: _Names, report: _Report) -> None:
    target = effect.get("set")
    match = _EFFECT_PATH.fullmatch(target) if isinstance(target, str) else None
    if match is None:
        return  # the schema pass has said what an effect path looks like
    here = path + ("set",)
    if match.group(1):
        source, other, name = match.group(2, 3, 4)
        known = [_ref(report, here, s, names.states, "state") for s in (source, other)]
        if all(known) and source == other:
            report.flag(here, f"a relation joins two different states; both ends are {source!r}")
    else:
        _ref(report, here, match.group(6), names.states, "state")
        name = match.group(7)
    if "value" in effect:
        _check_effect_value(path + ("value",), name, effect["value"], report)


def _check_effect_value(path: Path, name: str, value: Any, report: _Report) -> None:
    if name == "regime":
        if value not in tuple(Regime):
            report.flag(path, f"{name} takes one of {', '.join(Regime)}, got {_show(value)}")
        return
    low, high = _EFFECT_RANGES[name]
    number = isinstance(value, (int, float)) and not isinstance(value, bool)
    if not number or not low <= value <= high:
        report.flag(path, f"{name} takes a number in {low}..{high}, got {_show(value)}")


def _check_script(path: Path, entry: dict[str, Any], names: _Names, report: _Report) -> None:
    _check_turn(path + ("turn",), entry.get("turn"), names, report)
    _ref(report, path + ("state",), entry.get("state"), names.states, "state")
    inject = entry.get("inject")
    if _ref(report, path + ("inject",), inject, names.injects, "inject"):
        kind = names.kinds.get(inject)
        if not _is_attack(kind):
            report.flag(path + ("inject",), f"a recorded decision answers an attack; "
                                            f"{inject!r} is a {kind} inject")
    _ref(report, path + ("treaty",), entry.get("treaty"), names.treaties, "treaty")


# --- from_data: plain data only -----------------------------------------------------

def _plain(value: Any, name: str, depth: int) -> Any:
    """A copy with dates as ISO strings, tuples as lists and keys as strings."""
    if depth > 64:
        raise ScenarioError([Problem(name, 0, 0, "", "data nested deeper than 64 levels")])
    if isinstance(value, dict):
        return {str(k) if not isinstance(k, str) else k: _plain(v, name, depth + 1)
                for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v, name, depth + 1) for v in value]
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value.isoformat()
    return value


# --- building the model ----------------------------------------------------------------

def _ids(value: Any) -> tuple[str, ...] | None:
    """A list of ids as a tuple; None for 'any', null or absent."""
    return tuple(value) if isinstance(value, list) else None


def _build(data: dict[str, Any], origin: str) -> Scenario:
    turn_length = data.get("turn_length", "P1D")
    return Scenario(
        id=data["id"],
        title=data["title"],
        start=dt.date.fromisoformat(data["start"]),
        turns=int(data["turns"]),
        states=tuple(_state(s) for s in data["states"]),
        format=data["format"],
        description=data.get("description", ""),
        turn_length=TurnLength.parse(turn_length),
        sources=tuple(Source(s["cite"], s.get("url")) for s in data.get("sources", ())),
        relations=tuple(_relation(r) for r in data.get("relations", ())),
        deployments=tuple(Deployment(d["state"], d["host"], ForceSize(d.get("size", "battalion")))
                          for d in data.get("deployments", ())),
        treaties=tuple(_treaty(t) for t in data.get("treaties", ())),
        injects=tuple(_inject(i) for i in data.get("injects", ())),
        script=tuple(_script(e) for e in data.get("script", ())),
        doctrine_weights={k: float(v) for k, v in data.get("doctrine", {}).get("weights", {}).items()},
        extensions={k: v for k, v in data.items() if k.startswith("x-")},
        origin=origin,
    )


def _state(s: dict[str, Any]) -> State:
    return State(
        id=s["id"], name=s["name"], power=float(s["power"]), regime=Regime(s["regime"]),
        nuclear=s.get("nuclear", False), region=s.get("region"),
        burden_sharing=float(s.get("burden_sharing", 0.5)), control=Control(s.get("control", "npc")))


def _relation(r: dict[str, Any]) -> Relation:
    return Relation(r["from"], r["to"], float(r.get("threat", 0)), float(r.get("affinity", 0)),
                    float(r.get("trade", 0)))


def _obligation(o: dict[str, Any]) -> Obligation:
    return Obligation(
        type=ObligationType(o["type"]), article=o.get("article"),
        commitment=Commitment(o.get("commitment", "discretionary")),
        adversaries=_ids(o.get("adversaries")), regions=_ids(o.get("regions")),
        non_provocation=o.get("non_provocation", False), secret=o.get("secret", False),
        asymmetric_to=_ids(o.get("asymmetric_to")), min_adversaries=int(o.get("min_adversaries", 1)),
        only_if_attacked=o.get("only_if_attacked", False),
        own_territory_only=o.get("own_territory_only", False))


def _treaty(t: dict[str, Any]) -> Treaty:
    signed = t.get("signed")
    return Treaty(
        id=t["id"], name=t["name"], members=tuple(t["members"]),
        obligations=tuple(_obligation(o) for o in t["obligations"]),
        signed=dt.date.fromisoformat(signed) if signed else None,
        formality=Formality(t.get("formality", "treaty")), openness=Openness(t.get("openness", "open")),
        governance=Governance(t.get("governance", "liberal")), leader=t.get("leader"),
        institutionalization=float(t.get("institutionalization", 0)),
        beneficiaries=tuple(t.get("beneficiaries", ())),
        invocation=Invocation(t.get("invocation", "member")))


def _inject(i: dict[str, Any]) -> Inject:
    actor = i.get("actor")
    visibility = i.get("visibility", "all")
    return Inject(
        id=i["id"], turn=int(i["turn"]), kind=InjectKind(i["kind"]),
        actors=tuple(actor) if isinstance(actor, list) else ((actor,) if actor else ()),
        target=i.get("target"), severity=float(i.get("severity", 0.5)),
        attribution=float(i.get("attribution", 1.0)), region=i.get("region"),
        territory=i.get("territory"), provoked=i.get("provoked", False),
        visibility=tuple(visibility) if isinstance(visibility, list) else visibility,
        text=i.get("text", ""), requires=tuple(i.get("requires", ())), manual=i.get("manual", False),
        treaty=i.get("treaty"), effects=tuple(_effect(e) for e in i.get("effects", ())))


def _effect(e: dict[str, Any]) -> Effect:
    value = e["value"]
    return Effect(e["set"], value if isinstance(value, str) else float(value))


def _script(e: dict[str, Any]) -> ScriptEntry:
    return ScriptEntry(turn=int(e["turn"]), state=e["state"], response=Response(e["response"]),
                       inject=e.get("inject"), treaty=e.get("treaty"), note=e.get("note"),
                       source=e.get("source"))
