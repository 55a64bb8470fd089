"""Seeded batch games of the scenarios with options, read at every phase: for the tests that hold
what the options' memos keep to a reading afresh.

    @pytest.mark.parametrize("name", OPTION_SCENARIOS)
    @pytest.mark.parametrize("seed", range(3))
    def test_...(name, seed):
        for game in every_phase(name, seed):
            ...  # game.state: after a turn's opening, then after its close
"""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from engine.game import Game
from engine.scenario import load

SCENARIOS = Path(__file__).resolve().parents[1] / "scenarios"
OPTION_SCENARIOS = ["baltic-2027.yaml", "indo-pacific-2028.yaml"]


def every_phase(name: str, seed: int) -> Iterator[Game]:
    """A seeded stochastic game of the scenario, after each turn's opening and after its close."""
    scenario = load(SCENARIOS / name)
    game = Game.new(scenario, seed=seed, stochastic=True, verbose=False)
    while game.state.turn < scenario.turns:
        game.open_turn()
        yield game
        game.close_turn()
        yield game
