"""What the reference engine keeps across the games of a batch gives, to the bit, what it would
read afresh.

A Monte Carlo batch plays thousands of games of one scenario, and most reach the same worlds
again: the doctrine's readings of a world (sides, coalitions, majors, ties) are kept by the
version of its setting, its turn and its wars (engine.doctrine.readings.scratch). These tests
play seeded games with those memos warmed by other games and with the memos switched off, and
ask for the same events, byte for byte; and compare the factor values of sampled situations on
a world with the memos and on the same world read afresh, after an umpire's override and an undo
too (the console plays with the same engine).
"""
from __future__ import annotations

import gc
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine import montecarlo as mc
from engine.doctrine import Situation
from engine.doctrine import readings as rd
from engine.doctrine.factors import values
from engine.game import Game
from engine.model import Control, Scenario
from engine.play import Play, _read_stakes
from engine.scenario import load
from engine.state import Status
from tests.situations import situations, unversioned
from tests.umpired import Umpired

ROOT = Path(__file__).resolve().parents[1]
TEACHING = ROOT / "scenarios" / "baltic-2027.yaml"
# Scenarios with options, wars begun in cascades, treaties signed and left in play.
SCENARIOS = [TEACHING, *sorted((ROOT / "scenarios" / "history").glob("*.yaml"))[::6]]


@pytest.fixture(scope="module")
def teaching() -> Scenario:
    return load(TEACHING)


def play(scenario: Scenario, seed: int) -> tuple[object, ...]:
    game = Game.new(scenario, seed=seed, stochastic=True, verbose=False)
    game.play()
    return game.events


def unshared(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every world reads afresh into its own scratch, as before any memo across games."""
    monkeypatch.setattr(rd, "_kept", lambda world, table, key: {})


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_a_batch_with_shared_readings_plays_the_games_a_cold_engine_plays(
        path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    scenario = load(path)
    seeds = [mc.run_seed(3, i) for i in range(8)]
    warm = [play(scenario, s) for s in seeds]   # each game after the ones before it
    unshared(monkeypatch)
    cold = [play(load(path), s) for s in seeds]
    assert warm == cold


def same_as_fresh(game: Game) -> int:
    """Compare the factors on the game's world with a fresh reading; how many situations."""
    world = game.state.played_world()
    assert world.setting is not None
    compared = 0
    for s in situations(game, world):
        assert values(s) == values(Situation(unversioned(world), s.ally, s.partner, s.attack, s.treaty,
                                             s.article, s.leader_response, s.triggered))
        compared += 1
    return compared


def check_turns(game: Game) -> int:
    """Play the game on, comparing after each turn."""
    compared = 0
    while game.state.status is not Status.FINISHED and game.state.turn < game.scenario.turns:
        game.play_turn()
        compared += same_as_fresh(game)
    return compared


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 2**40))
def test_factors_on_a_shared_reading_equal_a_fresh_one(teaching: Scenario, seed: int) -> None:
    for i in range(3):  # warm the memos with other games of the scenario first
        play(teaching, seed + i + 1)
    assert check_turns(Game.new(teaching, seed=seed, stochastic=True, verbose=False)) > 0


def test_after_an_override_and_an_undo_the_readings_are_still_fresh(teaching: Scenario) -> None:
    for i in range(4):
        play(teaching, 100 + i)
    umpired = Umpired(teaching)
    game, cell = umpired.game, umpired.cell
    for _ in umpired.turns():
        assert game.state.status is not Status.OPEN
        same_as_fresh(game)
    assert umpired.overridden > 0
    game.undo()
    game.undo()
    assert same_as_fresh(game) > 0
    game.assign([cell], Control.NPC)
    assert check_turns(game) > 0


def test_a_changed_setting_is_never_read_under_its_old_version(teaching: Scenario) -> None:
    game = Game.new(teaching, seed=1, stochastic=True, verbose=False)
    game.play_turn()
    world = game.state.played_world()
    first = next(iter(world.states))
    moved = world.evolve(states={**world.states, first: world.states[first]})
    assert world.setting is not None and moved.setting is None
    assert world.evolve(wars=()).setting == world.setting  # the wars are part of the scratch's key
    assert rd.scratch(moved) is not rd.scratch(world)
    assert game.state.world.setting is None  # a state read outside the turn's phases may be changed by hand


def test_stakes_are_read_afresh_for_every_setting(teaching: Scenario) -> None:
    """Who holds whom dear and who fears whom, kept by the version of the setting: the same as
    read off the relations of each turn's state, in a game whose effects change them."""
    for seed in range(6):
        game = Game.new(teaching, seed=seed, stochastic=True, verbose=False)
        while game.state.status is not Status.FINISHED and game.state.turn < teaching.turns:
            game.play_turn()
            play = Play(game.state, game.ctx)
            assert play.stakes() == _read_stakes(dict(game.state.relations))


# --- the garbage collector during a batch ---------------------------------------------------------

def test_a_chunk_of_runs_leaves_no_cycle_for_the_collector(teaching: Scenario) -> None:
    """Why the collector may wait while runs are played: a run frees what it made by reference
    counting alone, so a collection during a batch finds nothing."""
    plan = mc.Plan(teaching, 30, seed=4)
    mc.run_chunk(plan, 0, 5)  # the scenario's memos are made by the first runs
    gc.collect()
    gc.disable()
    try:
        mc.run_chunk(plan, 5, 30)
        assert gc.collect() == 0
    finally:
        gc.enable()


def test_the_collector_threshold_is_put_back_after_runs_in_threads(teaching: Scenario) -> None:
    before = gc.get_threshold()
    plan = mc.Plan(teaching, 8, seed=2)

    def chunk(start: int) -> mc.Tally:
        return mc.run_chunk(plan, start, start + 2)

    with ThreadPoolExecutor(3) as pool:
        tallies = list(pool.map(chunk, range(0, 8, 2)))
    assert gc.get_threshold() == before
    merged = tallies[0]
    for t in tallies[1:]:
        merged = merged.merge(t)
    assert merged.results(plan).to_dict() == mc.run_chunk(plan, 0, 8).results(plan).to_dict()
    assert gc.get_threshold() == before
