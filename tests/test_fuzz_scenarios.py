"""A fuzzer of the shipped scenarios: whatever an attacker or a careless author writes,
the loader accepts it or refuses it with its own error, quickly, and what it accepts
plays.

Each example takes one shipped scenario and damages it, as data (keys deleted,
values of the wrong type, huge and non-finite numbers, durations and dates past
the calendar, deep nesting, unicode oddities, long strings) written out as YAML or
JSON, or as text (duplicate keys, YAML tags, anchors and merge keys, flipped bytes,
truncation). Properties:
- `loads` returns a Scenario or raises ScenarioError (never anything else, never
  ScenarioInternalError), within TIME_BOUND seconds;
- every problem of a refused file is placed in it (line >= 1) unless it has no
  place (a file-wide problem: line 0);
- an accepted scenario plays three turns without an exception.

The default profile is short (CI runs on two cores); set CASUS_FUZZ=long for a
run of thousands of examples.
"""
from __future__ import annotations

import copy
import json
import os
import time
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.errors import ScenarioError
from engine.game import Game
from engine.model import Scenario
from engine.scenario import loads
from engine.yamlsource import read_yaml

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = sorted((ROOT / "scenarios").glob("**/*.yaml"))
TEXTS = {p.name: p.read_text(encoding="utf-8") for p in SHIPPED}
DATA = {name: read_yaml(text).data for name, text in TEXTS.items()}
NAMES = sorted(TEXTS)

LONG = os.environ.get("CASUS_FUZZ", "") == "long"
FUZZ = settings(max_examples=3000 if LONG else 200, deadline=None, derandomize=not LONG,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
TIME_BOUND = 5.0  # CPU seconds for one load; the largest shipped file loads in a few milliseconds

# --- values an attacker reaches for -----------------------------------------------------------

HUGE_NUMBERS = [10**30, 10**31, 10**400, -(10**400), 1e308, -1e308, float("inf"), float("-inf"),
                float("nan"), 5e-324, -0.0, 2**63, -(2**63) - 1]
DURATIONS = ["P1000000000D", "P999999999W", "P9999Y", "P120000M", "PT99999999999999999999S", "P0D",
             "PT0S", "P" + "9" * 5000 + "D", "P1D" * 1000, "PT1H", "P1M", "P-1D", "P1.5D"]
DATES = ["9999-12-31", "9999-12-30", "0001-01-01", "0000-01-01", "2024-02-30", "99999-01-01",
         "2024-13-01", "1-1-1", "2024-02-29"]
ODD_TEXT = ["\u202e", "\u200d", "\ufeff", "\u0085", "\u2028", "e\u0301", "\U0001f4a5", "NO", "yes", "~",
            "null", "1e3", "0x1F", ".inf", "\t", "'", '"', "\\", "{", "- ", ": ", "#", "&a", "*a", "!!str",
            "\x7f", "\u00a0", "\uffff"]
json_scalars = (st.none() | st.booleans() | st.integers(-(10**6), 10**6) | st.sampled_from(HUGE_NUMBERS)
                | st.text(max_size=12) | st.sampled_from(ODD_TEXT + DURATIONS + DATES))
json_values = st.recursive(json_scalars, lambda inner: st.lists(inner, max_size=3)
                           | st.dictionaries(st.text(max_size=8), inner, max_size=3), max_leaves=6)


def paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every path to a value inside `node`."""
    found = [prefix] if prefix else []
    if isinstance(node, dict):
        for key, value in node.items():
            found += paths(value, prefix + (key,))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found += paths(value, prefix + (index,))
    return found


PATHS = {name: paths(data) for name, data in DATA.items()}


def nested(depth: int) -> Any:
    value: Any = "bottom"
    for level in range(depth):
        value = [value] if level % 2 else {"k": value}
    return value


# --- mutations of the data ----------------------------------------------------------------------

@st.composite
def data_mutation(draw: st.DrawFn, data: Any, name: str) -> Any:
    """One change somewhere in the data."""
    path = draw(st.sampled_from(PATHS[name]))
    parent = data
    try:  # an earlier change may have removed or replaced part of the path
        for step in path[:-1]:
            parent = parent[step]
        parent[path[-1]]
    except (KeyError, IndexError, TypeError):
        return data
    key = path[-1]
    action = draw(st.sampled_from(["delete", "retype", "number", "duration", "date", "nest", "unicode",
                                   "long", "duplicate", "key"]))
    if action == "delete":
        del parent[key]
    elif action == "retype":
        parent[key] = draw(json_values)
    elif action == "number":
        parent[key] = draw(st.sampled_from(HUGE_NUMBERS))
    elif action == "duration":
        data["turn_length"] = draw(st.sampled_from(DURATIONS))
        data["turns"] = draw(st.sampled_from([1, 3, 1000, data.get("turns", 1)]))
    elif action == "date":
        treaties = data.get("treaties")
        first = treaties[0] if isinstance(treaties, list) and treaties else None
        if isinstance(first, dict) and draw(st.booleans()):
            first["signed"] = draw(st.sampled_from(DATES))
        else:
            data["start"] = draw(st.sampled_from(DATES))
    elif action == "nest":
        parent[key] = nested(draw(st.sampled_from([8, 63, 64, 65, 100])))  # deeper: as text, below
    elif action == "unicode":
        current = parent[key]
        odd = draw(st.sampled_from(ODD_TEXT))
        parent[key] = (current + odd if draw(st.booleans()) else odd + current) if isinstance(current, str) else odd
    elif action == "long":
        parent[key] = draw(st.sampled_from(["x" * 100_000, "é" * 50_000, "S" * 10_000]))
    elif action == "duplicate" and isinstance(parent, list):
        parent.append(copy.deepcopy(parent[key]))
    elif isinstance(parent, dict):
        parent[draw(st.sampled_from(["x-" + "k" * 1000, "", " ", "\u202eid", "<<", "id ", "Id"]))] = parent.pop(key)
    return data


def dump(data: Any, as_json: bool) -> str:
    if as_json:
        return json.dumps(data, ensure_ascii=False, allow_nan=True)
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=10**6)


# --- mutations of the text ---------------------------------------------------------------------

TEXT_INSERTS = ["<<: {power: 1}\n", "<<: *base\n", "base: &base {power: 1}\n", "x-a: &a [1]\nx-b: *a\n",
                "x-t: !!python/object/apply:os.system ['true']\n", "x-b: !!binary aGVsbG8=\n",
                "x-s: !!set {a}\n", "x-f: !!float 1e999\n", "%YAML 1.1\n---\n", "---\n", "...\n",
                "x-k: {? [a, b] : c}\n", "title: again\n", "id: again\n", "\t", "\x00", "\ufeff",
                "x-deep: " + "[" * 1000 + "]" * 1000 + "\n", "x-deep: " + "{a: " * 200 + "1" + "}" * 200 + "\n"]


@st.composite
def text_mutation(draw: st.DrawFn, text: str) -> bytes:
    action = draw(st.sampled_from(["duplicate-line", "insert", "flip", "truncate"]))
    lines = text.splitlines(keepends=True)
    if action == "duplicate-line":
        at = draw(st.integers(0, len(lines) - 1))
        lines.insert(at, lines[at])
        return "".join(lines).encode("utf-8")
    if action == "insert":
        at = draw(st.integers(0, len(lines)))
        indent = draw(st.sampled_from(["", "  ", "    "]))
        lines.insert(at, indent + draw(st.sampled_from(TEXT_INSERTS)))
        return "".join(lines).encode("utf-8")
    raw = bytearray(text.encode("utf-8"))
    if action == "flip":
        for _ in range(draw(st.integers(1, 8))):
            at = draw(st.integers(0, len(raw) - 1))
            raw[at] ^= 1 << draw(st.integers(0, 7))
        return bytes(raw)
    return bytes(raw[:draw(st.integers(0, len(raw)))])


@st.composite
def damaged(draw: st.DrawFn) -> tuple[str, bytes]:
    """(file name, bytes): a shipped scenario damaged as data or as text."""
    name = draw(st.sampled_from(NAMES))
    if draw(st.booleans()):
        data = copy.deepcopy(DATA[name])
        for _ in range(draw(st.integers(1, 3))):
            data = draw(data_mutation(data, name))
        as_json = draw(st.booleans())
        stem = name.rsplit(".", 1)[0]
        return (f"{stem}.json" if as_json else name), dump(data, as_json).encode("utf-8", "surrogatepass")
    return name, draw(text_mutation(TEXTS[name]))


def checked_load(name: str, raw: bytes) -> Scenario | ScenarioError:
    began = time.process_time()  # CPU time: a busy shared machine does not inflate it
    try:
        result: Scenario | ScenarioError = loads(raw, name)
    except ScenarioError as exc:
        result = exc
    took = time.process_time() - began
    assert took < TIME_BOUND, f"{name}: loading took {took:.1f} s"
    return result


# --- the properties ------------------------------------------------------------------------------

@FUZZ
@given(damaged())
def test_a_damaged_scenario_loads_or_is_refused_with_placed_problems_and_then_plays(case: tuple[str, bytes]) -> None:
    name, raw = case
    result = checked_load(name, raw)
    if isinstance(result, ScenarioError):
        assert result.problems, "a ScenarioError without problems"
        assert all(p.file == name and p.line >= 0 and p.message for p in result.problems)
        return
    game = Game.new(result)
    game.play(3)
    assert game.state.turn == min(3, result.turns)


@pytest.mark.parametrize("name", NAMES)
def test_every_shipped_scenario_is_in_the_corpus_and_loads(name: str) -> None:
    assert isinstance(checked_load(name, TEXTS[name].encode("utf-8")), Scenario)


# --- a coverage-guided harness (atheris), run by hand -----------------------------------------------

def fuzz_one_input(raw: bytes) -> None:
    """One input for atheris: the first byte picks YAML or JSON, the rest is the file."""
    name = "input.json" if raw[:1] == b"{" else "input.yaml"
    result = checked_load(name, raw)
    if isinstance(result, Scenario):
        Game.new(result).play(3)


def _atheris_main() -> None:
    """`python -m tests.test_fuzz_scenarios [CORPUS_DIR] [-runs=N]` (needs `pip install atheris`);
    the shipped scenarios seed an empty corpus folder."""
    import sys

    try:
        import atheris
    except ImportError:
        raise SystemExit("atheris is not installed (pip install atheris); the hypothesis fuzzer runs without it") from None
    folders = [a for a in sys.argv[1:] if not a.startswith("-")]
    for folder in folders:
        if Path(folder).is_dir() and not any(Path(folder).iterdir()):
            for name, text in TEXTS.items():
                (Path(folder) / name).write_text(text, encoding="utf-8")
    atheris.instrument_all()
    atheris.Setup(sys.argv, fuzz_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    _atheris_main()
