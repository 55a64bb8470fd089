"""The format of options and ceasefires (SCENARIO_FORMAT.md, "Additions"): what loads, with
which defaults, and the located message for each careless use."""
from __future__ import annotations

import pytest

from engine.model import KIND_TRAITS, InjectKind
from engine.scenario import loads
from tests.test_scenario_load import MINIMAL, problems

BASE = MINIMAL.replace("  - {id: i, turn: 1, kind: armed-attack, actor: B, target: A}\n", "{inject}")


def _with(inject: str) -> str:
    return BASE.replace("{inject}", f"  - {inject}\n")


def test_an_option_loads_with_its_window_and_resolve():
    s = loads(_with("{id: i, turn: 1, kind: armed-attack, actor: B, target: A, option: true, "
                    "until: 4, resolve: 0.7}"))
    i = s.injects[0]
    assert (i.option, i.until, i.resolve) == (True, 4, 0.7)


def test_an_inject_without_option_keeps_its_old_meaning():
    i = loads(MINIMAL).injects[0]
    assert (i.option, i.until, i.resolve) == (False, None, 0.5)


def test_a_ceasefire_ends_a_war_and_names_both_parties():
    assert KIND_TRAITS[InjectKind.CEASEFIRE].ends_war
    assert not KIND_TRAITS[InjectKind.CEASEFIRE].attack
    s = loads(_with("{id: c, turn: 2, kind: ceasefire, actor: B, target: A}"))
    assert s.injects[0].kind is InjectKind.CEASEFIRE


@pytest.mark.parametrize("inject, expected", [
    ("{id: c, turn: 2, kind: ceasefire, actor: B}", "ceasefire inject needs a target"),
    ("{id: c, turn: 2, kind: ceasefire, actor: A, target: A}", "actor and target differ"),
    ("{id: i, turn: 3, kind: armed-attack, actor: B, target: A, option: true, until: 2}",
     "until: 2 is before the option's first turn (3)"),
    ("{id: i, turn: 3, kind: armed-attack, actor: B, target: A, option: true, until: 9}",
     "turn 9 is after the last turn"),
    ("{id: i, turn: 1, kind: armed-attack, actor: B, target: A, until: 3}",
     "until belongs to an option: add option: true"),
    ("{id: i, turn: 1, kind: armed-attack, actor: B, target: A, resolve: 0.9}",
     "resolve belongs to an option"),
    ("{id: i, turn: 1, kind: armed-attack, actor: B, target: A, option: true, resolve: 1.5}",
     "resolve"),
    ("{id: i, turn: 1, kind: armed-attack, actor: B, target: A, option: true, manual: true}",
     "keep one of option: true and manual: true"),
    ("{id: i, turn: 1, kind: statement, option: true}", "an option is a choice of its actor"),
])
def test_careless_options_are_refused_with_a_located_message(inject, expected):
    found = problems(_with(inject))
    assert any(expected in p for p in found), found
    assert all(p.startswith("s.yaml:") for p in found), found
