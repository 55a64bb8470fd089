"""A batch run's option decision (`advice(..., say=False)`) reads an attack, a deployment or a
ceasefire through its kind's one function, straight from the game's state. It must give what the
explained path gives (the same chance; the same advice but for the words) and what a reading
afresh gives (a copy of the scenario, so nothing kept is reused), at every phase of sampled games,
after the umpire overrides an answer, after an undo, and with a resolve set for the game."""
from __future__ import annotations

import copy
import dataclasses

import pytest

from engine.events import ResolveSet
from engine.game import Game
from engine.options import advice, advise, case, options_of
from engine.options.doctrine import SILENT_VERBS
from engine.options.rules import _FLAT
from engine.scenario import load
from engine.state import GameState
from tests.phases import OPTION_SCENARIOS, SCENARIOS, every_phase
from tests.test_options_versions import answered_earlier_by_an_ally, overridden_to_neutral


def afresh(gs: GameState, inject_id: str) -> float:
    """The chance read off a world of a scenario nothing has been kept for, without versions."""
    kept = case(gs, gs.scenario.inject(inject_id), say=False)
    world = dataclasses.replace(kept.world, scenario=copy.copy(gs.scenario))
    return advise(dataclasses.replace(kept, world=world, setting=None, warfare=None)).probability


def same_every_way(gs: GameState) -> int:
    """Every option the batch path reads, read by it, by the explained path and afresh; returns how
    many were read."""
    read = 0
    for inject in options_of(gs.scenario):
        if inject.kind not in _FLAT:
            continue
        batch = advice(gs, inject, say=False)
        assert batch == advise(case(gs, inject, say=False)), (inject.id, gs.turn)
        assert batch.verbs == SILENT_VERBS and batch.factors == () and batch.clause == ""
        explained = advice(gs, inject, say=True)
        assert batch.probability == explained.probability, (inject.id, gs.turn)
        assert [f.value for f in explained.factors] == [round(v, 4) for v in _values(gs, inject.id)]
        assert batch.probability == afresh(gs, inject.id), (inject.id, gs.turn)
        read += 1
    return read


def _values(gs: GameState, inject_id: str) -> tuple[float, ...]:
    """The factors the explained path reads, as it gives them to the chance."""
    from engine.options.doctrine import _READERS
    from engine.options.weights import family
    c = case(gs, gs.scenario.inject(inject_id), say=True)
    kind = family(c.inject.kind)
    assert kind is not None
    return _READERS[kind](c)[0]


@pytest.mark.parametrize("name", OPTION_SCENARIOS)
@pytest.mark.parametrize("seed", range(3))
def test_the_batch_reading_is_the_explained_one_and_the_one_afresh_at_every_phase(name: str, seed: int) -> None:
    read = sum(same_every_way(game.state) for game in every_phase(name, seed))
    assert read


def test_every_kind_the_batch_path_reads_is_met_in_the_teaching_scenario() -> None:
    """So that the test above weighs attacks, deployments and ceasefires alike."""
    kinds = {_FLAT[i.kind].__name__ for i in options_of(load(SCENARIOS / "baltic-2027.yaml")) if i.kind in _FLAT}
    assert kinds == {"attack_chance", "_deployment_chance", "_ceasefire_chance"}


def test_the_batch_reading_follows_an_override_and_an_undo() -> None:
    game, d = answered_earlier_by_an_ally(load(SCENARIOS / "baltic-2027.yaml"))
    same_every_way(game.state)
    game.push([overridden_to_neutral(game, d)])
    same_every_way(game.state)
    game.close_turn()
    same_every_way(game.state)
    game.undo()
    same_every_way(game.state)
    game.undo()
    same_every_way(game.state)
    game.open_turn()
    same_every_way(game.state)


@pytest.mark.parametrize("resolve", [0.0, 0.35, 1.0])
def test_the_batch_reading_takes_the_games_resolve(resolve: float) -> None:
    sc = load(SCENARIOS / "baltic-2027.yaml")
    game = Game.new(sc, seed=1, stochastic=True, verbose=False)
    game.push([ResolveSet(turn=0, inject=i.id, resolve=resolve) for i in options_of(sc) if i.kind in _FLAT])
    assert set(game.state.resolves.values()) == {resolve}
    while game.state.turn < sc.turns:
        game.open_turn()
        same_every_way(game.state)
        game.close_turn()
