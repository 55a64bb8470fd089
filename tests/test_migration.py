"""Logs written before typed events (format 0) still open, fold to what they folded to, and play on.

`tests/fixtures/logs-v0/` holds one log of each shipped scenario written by the last version of
the untyped format (a seeded play of the teaching scenario, a replay of each past crisis, and an
exercise with cells, overrides and notes), with the state each folded to then.
"""
from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from engine.events import FORMAT_VERSION, CascadeTruncated, EventFormatError, GameStarted, InjectFired, dumps, loads
from engine.game import Game
from engine.migrate import format_of
from engine.scenario import load
from engine.state import Status, fold

ROOT = Path(__file__).resolve().parents[1]
LOGS = ROOT / "tests" / "fixtures" / "logs-v0"
EXPECTED = json.loads((LOGS / "expected-states.json").read_text())


def _scenario(name: str):
    base = name.removesuffix("-exercise")
    return load(ROOT / "scenarios" / ("" if base.startswith("baltic") else "history") / f"{base}.yaml")


def _text(name: str) -> str:
    return gzip.open(LOGS / f"{name}.jsonl.gz", "rt", encoding="utf-8").read()


def _summary(gs) -> dict:
    return {
        "turn": gs.turn, "status": str(gs.status),
        "wars": sorted([w.aggressor, w.defender] for w in gs.wars),
        "reputation": {k: round(v, 9) for k, v in sorted(gs.reputation.items())},
        "decisions": {f"{a}|{s}": str(d.response) for (a, s), d in sorted(gs.decisions.items())},
        "members_in_force": {k: sorted(v) for k, v in sorted(gs.members_in_force.items())},
    }


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_a_format_0_log_folds_to_the_state_it_folded_to(name):
    text = _text(name)
    assert format_of(json.loads(text.splitlines()[0])) == 0
    events = loads(text)
    assert isinstance(events[0], GameStarted) and events[0].format == FORMAT_VERSION
    assert _summary(fold(_scenario(name), events)) == EXPECTED[name]


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_a_migrated_log_round_trips_in_the_current_format(name):
    events = loads(_text(name))
    assert loads(dumps(events)) == events


def test_a_migrated_exercise_plays_on():
    sc = _scenario("baltic-2027-exercise")
    game = Game(sc, loads(_text("baltic-2027-exercise")))
    assert game.state.turn == 4 and game.state.status is Status.READY
    assert game.started.controls == {"POL": "player", "USA": "player"}
    game.open_turn()
    for attack, state in game.state.pending():
        game.override(state, attack, "neutral", reason="the cell did not answer")
    game.close_turn()
    assert game.state.turn == 5 and fold(sc, game.events) == game.state


def test_format_0_kinds_that_changed_are_translated():
    events = loads(_text("baltic-2027"))
    fired = [e for e in events if isinstance(e, InjectFired)]
    assert fired and all(e.inject_kind for e in fired)
    note = {"turn": 3, "phase": "resolution", "kind": "note", "actor": None, "visibility": "umpire",
            "payload": {"truncated": True}, "reason": "the cascade was stopped after 12 rounds"}
    first = json.loads(_text("baltic-2027").splitlines()[0])
    migrated = loads("\n".join(json.dumps(r) for r in (first, note)))
    assert isinstance(migrated[1], CascadeTruncated) and migrated[1].rounds == 12


def test_a_log_from_a_newer_format_is_refused_with_what_to_do():
    first = json.loads(dumps([Game.new(_scenario("baltic-2027")).events[0]]))
    first["payload"]["format"] = FORMAT_VERSION + 1
    with pytest.raises(EventFormatError, match="upgrade Casus"):
        loads(json.dumps(first))


def test_an_unknown_field_is_refused():
    first = json.loads(dumps([Game.new(_scenario("baltic-2027")).events[0]]))
    first["payload"]["mood"] = "sunny"
    with pytest.raises(EventFormatError, match="no field mood"):
        loads(json.dumps(first))
