"""A game given a doctrine object plays with it only when the log records its weights and cuts."""
from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from engine.doctrine import Doctrine
from engine.errors import InvalidAction
from engine.game import Game
from engine.scenario import load

SCENARIO = load(Path(__file__).resolve().parents[1] / "scenarios" / "baltic-2027.yaml")


def test_the_doctrine_the_log_records_is_played_with() -> None:
    doctrine = Doctrine.for_scenario(SCENARIO)
    live = Game.new(SCENARIO, seed=5, stochastic=True, doctrine=doctrine)
    again = Game(SCENARIO, live.events, doctrine=doctrine)
    assert again.ctx.doctrine is doctrine
    live.play()
    again.play()
    assert [e.to_json() for e in again.events] == [e.to_json() for e in live.events]


@pytest.mark.parametrize("change", [{"weights": {"reputation": 9.0}}, {"cuts": (-3.0, -1.0, 0.0, 1.0)}])
def test_another_doctrine_is_refused(change: dict[str, object]) -> None:
    base = Doctrine.for_scenario(SCENARIO)
    other = Doctrine(change.get("weights", dict(base.weights)), change.get("cuts", base.cuts))  # type: ignore[arg-type]
    started = Game.new(SCENARIO, doctrine=base).events
    with pytest.raises(InvalidAction, match="not the one this game's log records"):
        Game(SCENARIO, started, doctrine=other)


def test_a_log_without_weights_is_played_with_the_scenarios_doctrine() -> None:
    """A log migrated from the untyped format records no weights: the scenario's stand."""
    first, *rest = Game.new(SCENARIO).events
    bare = [dataclasses.replace(first, weights={}, cuts=()), *rest]
    doctrine = Doctrine.for_scenario(SCENARIO)
    assert Game(SCENARIO, bare, doctrine=doctrine).ctx.doctrine is doctrine
    with pytest.raises(InvalidAction):
        Game(SCENARIO, bare, doctrine=Doctrine({"reputation": 9.0}))
