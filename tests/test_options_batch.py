"""A batch run's option decision (`advice(..., say=False)`) reads an attack, a deployment, a
ceasefire, a treaty signed or left through its kind's one function, straight from the game's state. It must give what the
explained path gives (the same chance; the same advice but for the words) and what a reading
afresh gives (a copy of the scenario, so nothing kept is reused), at every phase of sampled games,
after the umpire overrides an answer, after an undo, and with a resolve set for the game."""
from __future__ import annotations

import copy
import dataclasses

import pytest

from engine.doctrine import readings as rd
from engine.events import ResolveSet
from engine.game import Game
from engine.options import advice, advise, case, coalition, options_of
from engine.options.attacks import attack_chance
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


def test_every_kind_the_batch_path_reads_is_met_in_the_teaching_scenarios() -> None:
    """So that the test above weighs attacks, deployments, ceasefires and treaties signed and left
    alike."""
    kinds = {_FLAT[i.kind].__name__ for name in ("baltic-2027", "indo-pacific-2028")
             for i in options_of(load(SCENARIOS / f"{name}.yaml")) if i.kind in _FLAT}
    assert kinds == {"attack_chance", "_deployment_chance", "_ceasefire_chance", "_signed_chance",
                     "_withdrawal_chance"}


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


def test_an_attacks_record_goes_with_the_coalitions_memos_and_reads_the_same_after() -> None:
    """The record of an attack option holds the coalition's readings by setting: when the coalition's
    memos start afresh at their bound, the records go with them, and every reading is still the
    explained one and the one afresh."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(coalition, "COALITION_KEPT", 64)
        held = []
        for game in every_phase("baltic-2027.yaml", 4):
            same_every_way(game.state)
            shared = rd.shared_scratch(game.state.world)
            records = shared.get(coalition.ATTACKS, {})
            held.append(len(records))
            for record in records.values():
                # the readings the explained path finds, not a set left over from before the bound
                assert record.settings is shared[coalition._AT][(record.attackers, record.target)]
        attacks = sum(1 for i in options_of(game.state.scenario) if _FLAT.get(i.kind) is attack_chance)
        assert max(held) == attacks and min(held) < attacks  # the bound was met, and records went


def test_an_attack_option_is_read_as_itself_not_as_another_of_its_id() -> None:
    """A record is found by the option's identity: another option object of the same id (here with
    another attribution, as a replaced inject would be) is read by its own record."""
    sc = load(SCENARIOS / "baltic-2027.yaml")
    game = Game.new(sc, seed=2, stochastic=True, verbose=False)
    game.open_turn()
    attack = next(i for i in options_of(sc) if _FLAT.get(i.kind) is attack_chance)
    other = dataclasses.replace(attack, attribution=1.0 - attack.attribution)
    gs = game.state
    assert attack_chance(gs, attack, gs.world) == advise(case(gs, attack, say=False)).probability
    assert attack_chance(gs, other, gs.world) == advise(case(gs, other, say=False)).probability
    assert attack_chance(gs, other, gs.world) != attack_chance(gs, attack, gs.world)
