"""What the doctrine reads off a world's setting and turn is shared whatever the world's wars.

The games of a batch part at once in their wars, seldom in their setting: the readings that read
no war (a treaty's members and leader, the major allies, ties, a state's standing, obsolescence)
are kept per version of the setting and turn (engine.doctrine.readings.scratch), those that read
the wars (sides and coalitions, threats) per version of the setting, turn and wars (`war_scratch`).
These tests hold the split to what it rests on: every factor but the cost of war is the same
whatever the wars, read afresh, at every turn of seeded games.
"""
from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.doctrine import FACTORS, Situation
from engine.doctrine import readings as rd
from engine.doctrine.factors import values
from engine.game import Game
from engine.model import Scenario
from engine.scenario import load
from engine.state import Status
from engine.world import War
from tests.situations import situations, unversioned

ROOT = Path(__file__).resolve().parents[1]
TEACHING = ROOT / "scenarios" / "baltic-2027.yaml"
SCENARIOS = [TEACHING, *sorted((ROOT / "scenarios" / "history").glob("*.yaml"))[::9]]
COST = FACTORS.index("cost_of_war")


def other_wars(scenario: Scenario, wars: tuple[War, ...]) -> list[tuple[War, ...]]:
    """No war; and every pair of the first states at war, besides the world's own wars."""
    ids = [s.id for s in scenario.states][:5]
    return [(), (*wars, *(War(a, b) for a in ids for b in ids if a < b))]


def compare_turns(game: Game) -> int:
    compared = 0
    while game.state.status is not Status.FINISHED and game.state.turn < game.scenario.turns:
        game.play_turn()
        world = game.state.played_world()
        for wars in other_wars(game.scenario, world.wars):
            for s in situations(game, world):
                here = values(Situation(unversioned(world), *_rest(s)))
                there = values(Situation(unversioned(world, wars), *_rest(s)))
                assert here[:COST] == there[:COST] and here[COST + 1:] == there[COST + 1:], s
                compared += 1
    return compared


def _rest(s: Situation) -> tuple[object, ...]:
    return (s.ally, s.partner, s.attack, s.treaty, s.article, s.leader_response, s.triggered)


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_no_factor_but_the_cost_of_war_reads_the_wars(path: Path) -> None:
    game = Game.new(load(path), seed=11, stochastic=True, verbose=False)
    assert compare_turns(game) > 0


@settings(max_examples=5, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**40))
def test_any_seeded_game_reads_its_factors_whatever_the_wars(seed: int) -> None:
    assert compare_turns(Game.new(load(TEACHING), seed=seed, stochastic=True, verbose=False)) > 0


def test_worlds_with_other_wars_share_the_calm_scratch_alone() -> None:
    game = Game.new(load(TEACHING), seed=2, stochastic=True, verbose=False)
    game.play_turn()
    world = game.state.played_world()
    at_war = world.evolve(wars=(*world.wars, War(*[s.id for s in game.scenario.states][:2])))
    assert at_war.setting == world.setting is not None
    assert rd.scratch(at_war) is rd.scratch(world)
    assert rd.war_scratch(at_war) is not rd.war_scratch(world)
    assert rd.war_scratch(world.evolve()) is rd.war_scratch(world)
