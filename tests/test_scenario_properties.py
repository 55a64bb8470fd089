"""Properties of the loader on arbitrary input: a Scenario or a ScenarioError, never anything else.

Mutations of a valid scenario (deleted keys, wrong types, out-of-range numbers,
shuffled references, random text and bytes) must load or be refused with
located problems; and the loader's fast schema check must never accept what
jsonschema refuses.
"""
from __future__ import annotations

import copy
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import engine.scenario_schema as scenario_schema
from benchmarks.generate import generate_scenario
from engine.errors import ScenarioError
from engine.model import Scenario
from engine.scenario import from_data, loads
from engine.schemacheck import fast_check

BASE = generate_scenario(6, 5, 24, seed=3)
IDS = sorted({s["id"] for s in BASE["states"]} | {t["id"] for t in BASE["treaties"]}
             | {i["id"] for i in BASE["injects"]})
PROFILE = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-10**6, 10**6) | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=12) | st.sampled_from(IDS + ["any", "all", "umpire", "yes", "NO", "1949-04-04", "P1D"]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=6)


def paths(node: Any, prefix: tuple = ()) -> list[tuple]:
    """Every path to a value inside `node`."""
    found = [prefix] if prefix else []
    if isinstance(node, dict):
        for key, value in node.items():
            found += paths(value, prefix + (key,))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found += paths(value, prefix + (index,))
    return found


ALL_PATHS = paths(BASE)


@st.composite
def mutated(draw: st.DrawFn) -> dict[str, Any]:
    """BASE with one to three random mutations."""
    data = copy.deepcopy(BASE)
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from(ALL_PATHS))
        parent = data
        try:
            for step in path[:-1]:
                parent = parent[step]
            current = parent[path[-1]]
        except (KeyError, IndexError, TypeError):
            continue
        # An earlier mutation may have put a string where the path expects a list or a
        # mapping: a string answers an index, but it cannot be changed in place.
        if not isinstance(parent, (dict, list)):
            continue
        action = draw(st.sampled_from(["delete", "replace", "number", "reference", "duplicate"]))
        if action == "delete":
            del parent[path[-1]]
        elif action == "replace":
            parent[path[-1]] = draw(json_values)
        elif action == "number":
            parent[path[-1]] = draw(st.sampled_from([-1, 0, 1.5, 2, 101, 1001, 10**30, -0.0, True]))
        elif action == "reference":
            parent[path[-1]] = draw(st.sampled_from(IDS + ["GHOST", ""]))
        elif isinstance(parent, list):
            parent.append(copy.deepcopy(current))
    return data


def outcome(load: Any) -> Scenario | ScenarioError:
    try:
        result = load()
    except ScenarioError as exc:
        assert exc.problems, "a ScenarioError without problems"
        return exc
    assert isinstance(result, Scenario)
    return result


@PROFILE
@given(mutated())
def test_mutated_data_loads_or_is_refused_with_problems(data: dict[str, Any]) -> None:
    outcome(lambda: from_data(data))


@PROFILE
@given(mutated())
def test_mutated_files_load_or_are_refused_with_located_problems(data: dict[str, Any]) -> None:
    text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
    result = outcome(lambda: loads(text, "m.yaml"))
    if isinstance(result, ScenarioError):
        assert all(p.line >= 1 and p.column >= 1 for p in result.problems), result
        assert [p.line for p in result.problems] == sorted(p.line for p in result.problems)


@PROFILE
@given(mutated())
def test_the_fast_check_never_accepts_what_jsonschema_refuses(data: dict[str, Any]) -> None:
    if fast_check()(data):
        assert list(scenario_schema.validator().iter_errors(data)) == []


@PROFILE
@given(mutated())
def test_checking_in_pieces_finds_what_jsonschema_finds_on_the_whole(data: dict[str, Any]) -> None:
    def seen(errors: Any) -> set[tuple]:
        return {(tuple(e.absolute_path), e.validator, e.message) for e in errors}
    assert seen(scenario_schema.schema_errors(data)) == seen(scenario_schema.validator().iter_errors(data))


@PROFILE
@given(mutated())
def test_text_is_as_strict_as_data_save_for_numbers_written_where_text_is_wanted(data: dict[str, Any]) -> None:
    """A file may write `article: 5` and mean "5"; data must say "5". Otherwise the verdicts agree."""
    text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
    # PyYAML's emitter writes U+0085 (and U+2028, U+2029) raw inside quoted scalars, where
    # YAML reads a line break and folds it: such a file no longer says what the data says.
    assume(not any(c in text for c in "\x85\u2028\u2029"))
    from_text = outcome(lambda: loads(text, "m.yaml"))
    from_dict = outcome(lambda: from_data(data, "m.yaml"))
    if isinstance(from_dict, Scenario):
        assert from_text == from_dict
    if isinstance(from_text, ScenarioError):
        assert isinstance(from_dict, ScenarioError)
        assert {p.path for p in from_text.problems} <= {p.path for p in from_dict.problems}


@pytest.mark.parametrize("digits", [1, 30, 31, 400])
def test_a_long_integer_in_a_file_is_the_integer_written(digits: int) -> None:
    """A run of digits longer than a float holds (min_adversaries: 10**30) reads as the integer the
    same data gives, not the float nearest it."""
    data = copy.deepcopy(BASE)
    data["treaties"][1]["obligations"][1]["min_adversaries"] = 10 ** digits
    text = yaml.safe_dump(data, sort_keys=False)
    assert loads(text, "m.yaml") == from_data(data, "m.yaml")


@PROFILE
@given(st.binary(max_size=400))
def test_random_bytes_never_raise_anything_else(data: bytes) -> None:
    outcome(lambda: loads(data, "r.yaml"))
    outcome(lambda: loads(data, "r.json"))


@PROFILE
@given(st.text(max_size=400))
def test_random_text_never_raises_anything_else(text: str) -> None:
    outcome(lambda: loads(text, "r.yaml"))
    outcome(lambda: loads(text, "r.json"))


VALID_TEXT = yaml.safe_dump(BASE, sort_keys=False)


@PROFILE
@given(st.integers(0, len(VALID_TEXT)), st.integers(0, 40),
       st.lists(st.sampled_from(list(":-[]{}&*!|>'\"#,?\n\t @%`x1") + ["  ", "\n  - "]), max_size=6).map("".join))
def test_damaged_yaml_text_never_raises_anything_else(at: int, cut: int, insert: str) -> None:
    text = VALID_TEXT[:at] + insert + VALID_TEXT[at + cut:]
    result = outcome(lambda: loads(text, "d.yaml"))
    if isinstance(result, ScenarioError):
        assert all(p.line >= 1 for p in result.problems), result
