"""Loading scenario files: read strictly, check in two passes, build the frozen model.

A scenario file is untrusted text. `yamlsource` reads it into plain data and
records where every key and value stands. Then two passes look for problems:

1. the schema pass (`engine.scenario_schema`) runs the JSON Schema
   (`schemas/scenario.schema.json`, the single statement of shapes, types,
   ranges and enums) and rewrites each of its errors as a facilitator's message;
2. the semantic pass (`engine.scenario_refs`) checks what a schema cannot:
   references, unique ids, turns within the game and every turn's date.

Both passes always run, and every problem of the file is raised at once in a
`ScenarioError`, sorted by line. Only a file without problems is turned into the
frozen `engine.model.Scenario` (`engine.scenario_build`).

Whatever the text, `load` and `loads` either return a scenario or raise
`ScenarioError`; a failure of the loader itself (a bug, which no file should be
able to provoke) is raised as `ScenarioInternalError`, naming the file, so that a
caller can tell "this file has problems" from "the loader has one".
"""
from __future__ import annotations

import contextlib
import copy
import datetime as dt
import gc
import os
from collections.abc import Iterator
from typing import Any

from .errors import Problem, ScenarioError, ScenarioInternalError
from .model import Scenario
from .scenario_build import build
from .scenario_refs import semantic_pass
from .scenario_report import MAX_BYTES, Report, format_path, problem, show, sorted_problems, too_big
from .scenario_schema import schema_pass
from .schemacheck import restore_strings, scenario_schema
from .yamlsource import Document, SourceError, decode, read_json, read_yaml

__all__ = ["MAX_BYTES", "load", "loads", "from_data", "schema", "format_path"]


# --- public API ----------------------------------------------------------------

def load(path: str | os.PathLike[str]) -> Scenario:
    """Load and check a scenario file (YAML, or JSON by its .json suffix).

    Raises ScenarioError with every problem of the file; OSError if it cannot be
    read at all (missing, a directory, no permission); ScenarioInternalError if
    the loader itself fails.
    """
    name = os.fspath(path)
    size = os.stat(name).st_size
    if size > MAX_BYTES:
        raise too_big(name, size)
    with open(name, "rb") as handle:
        data = handle.read(MAX_BYTES + 1)
    return loads(data, name)


def loads(text: str | bytes, name: str = "<string>") -> Scenario:
    """Check and build a scenario from YAML or JSON text; `name` labels the messages."""
    data = text if isinstance(text, bytes) else text.encode("utf-8", "surrogatepass")
    if len(data) > MAX_BYTES:
        raise too_big(name, len(data))
    with _collector_paused(), _internal_errors(name):
        return _loads(data, name)


def from_data(data: dict[str, Any], name: str = "<data>") -> Scenario:
    """Check and build a scenario from already-parsed data (no places: line 0)."""
    with _internal_errors(name):
        doc = Document(_plain(data, name, 0))
        return _check_and_build(doc, name)


def schema() -> dict[str, Any]:
    """The scenario JSON Schema (draft 2020-12), a fresh copy the caller may change."""
    return copy.deepcopy(scenario_schema())


# --- reading ---------------------------------------------------------------------

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


@contextlib.contextmanager
def _internal_errors(name: str) -> Iterator[None]:
    """Anything but a ScenarioError escaping the loader is the loader's fault: it goes
    out as ScenarioInternalError (the original chained), never as the bare exception."""
    try:
        yield
    except (ScenarioError, ScenarioInternalError):
        raise
    except Exception as exc:
        raise ScenarioInternalError(name, exc) from exc


def _loads(data: bytes, name: str) -> Scenario:
    try:
        text = decode(data)
        doc = read_json(text) if name.lower().endswith(".json") else read_yaml(text)
    except SourceError as exc:
        raise ScenarioError(sorted_problems(problem(name, f.mark, f.path, f.message) for f in exc.flaws)) from None
    restore_strings(doc)
    return _check_and_build(doc, name)


def _check_and_build(doc: Document, name: str) -> Scenario:
    report = Report(doc, name)
    for flaw in doc.flaws:
        report.problems.append(problem(name, flaw.mark, flaw.path, flaw.message))
    if not isinstance(doc.data, dict):
        found = "a list" if isinstance(doc.data, list) else f"the value {show(doc.data)}"
        report.flag((), f"the top level must be a mapping of keys (format: casus/1, id, title, "
                        f"start, turns, states), not {found}", start=True)
    else:
        schema_pass(doc.data, report)
        semantic_pass(doc.data, report)
    if report.problems:
        # A flagged tag or duplicate key explains whatever else is wrong at its path.
        flawed = {format_path(f.path) for f in doc.flaws}
        flaws = len(doc.flaws)
        kept = report.problems[:flaws] + [p for p in report.problems[flaws:] if p.path not in flawed]
        raise ScenarioError(sorted_problems(kept))
    return build(doc.data, name)


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
