"""The probes an attack option reads (engine.options.probes) are those read afresh from the answers,
whatever the probes kept from an earlier reading: at every phase of sampled games, when an answer
to an earlier attack is replaced on a later turn, and when a batch run's own answers are put over a
state shared by runs. The fold names the attacks answered late (`GameState.late`), whose answers
the probes cannot find under their own turn, as the answers given say."""
from __future__ import annotations

import dataclasses
from collections.abc import Iterator

import pytest

from engine.events import DecisionTaken, Overridden
from engine.game import Game
from engine.model import Inject, InjectKind, Response, Scenario
from engine.options.probes import probes
from engine.scenario import load
from engine.state import GameState, restate_answers
from tests.phases import OPTION_SCENARIOS, SCENARIOS, every_phase

_LIMITED, _FULL, _NEUTRAL = Response.LIMITED.rank, Response.FULL.rank, Response.NEUTRAL.rank


def afresh(gs: GameState, attacker: str) -> tuple[float, ...]:
    """The probes as the rule reads them: each answer given with a treaty, not by an attacker, to
    each earlier attack of `attacker`, in the scenario's order of attacks (then the umpire's) and
    of states; neutral 0, the strongest answer the attack allows 1."""
    sc = gs.scenario
    ids = [i.id for i in sc.injects if i.kind.is_attack and attacker in i.actors]
    ids += [i for i in gs.fired if i not in sc.inject_by_id]
    out = []
    for inject_id in ids:
        attack = gs.attacks.get(inject_id)
        if attack is None or attacker not in attack.attackers or gs.attack_turn.get(inject_id, gs.turn) >= gs.turn:
            continue
        strongest = _LIMITED if attack.short_of_armed_attack else _FULL
        for state in sc.state_by_id:
            d = gs.decisions.get((inject_id, state))
            if d is not None and d.treaty is not None and d.side not in attack.attackers:
                out.append(max(0.0, min(1.0, (d.response.rank - _NEUTRAL) / (strongest - _NEUTRAL))))
    return tuple(out)


def attackers(sc: Scenario) -> list[str]:
    return sorted({a for i in sc.injects if i.kind.is_attack for a in i.actors})


def answered_late(game: Game) -> frozenset[str]:
    """The attacks given an answer (or the umpire's) on a turn other than the one they were made on."""
    made = game.state.attack_turn
    return frozenset(e.attack for e in game.events
                     if isinstance(e, (DecisionTaken, Overridden)) and e.turn != made.get(e.attack))


def same_as_afresh(game: Game) -> None:
    assert game.state.late == answered_late(game)
    for attacker in attackers(game.state.scenario):
        assert probes(game.state, attacker) == afresh(game.state, attacker)


@pytest.mark.parametrize("name", OPTION_SCENARIOS)
@pytest.mark.parametrize("seed", range(4))
def test_the_probes_are_those_read_afresh_at_every_phase(name: str, seed: int) -> None:
    read = 0
    for game in every_phase(name, seed):
        same_as_afresh(game)
        read += sum(len(afresh(game.state, a)) for a in attackers(game.scenario))
    assert read > 0  # the games gave the probes answers to read


def earlier_answer_replaced(response: Response) -> Iterator[tuple[Game, tuple[float, ...]]]:
    """Seeded games of the teaching scenario with turn 4 open, in which a treaty ally's answer to a
    Russian attack of an earlier turn is replaced by `response` (an answer above neutral by neutral,
    one at most neutral by full); each game with Russia's probes as read just before."""
    sc = load(SCENARIOS / "baltic-2027.yaml")
    for seed in range(20):
        game = Game.new(sc, seed=seed, stochastic=True, verbose=False)
        game.play(3)
        game.open_turn()
        before = probes(game.state, "RUS")
        answered = [(a, s) for (a, s), d in game.state.decisions.items()
                    if d.treaty is not None and game.state.attack_turn[a] < game.state.turn
                    and (d.response.rank > _NEUTRAL) is (response is Response.NEUTRAL)
                    and "RUS" in game.state.attacks[a].attackers]
        if not answered:
            continue
        attack, state = answered[0]
        given = next(e for e in game.events if isinstance(e, DecisionTaken) and (e.attack, e.state) == (attack, state))
        game.push([dataclasses.replace(given, turn=game.state.turn, response=response)])
        yield game, before


@pytest.mark.parametrize("response", [Response.NEUTRAL, Response.FULL])
def test_an_answer_replaced_on_a_later_turn_changes_the_probes(response: Response) -> None:
    """A state gives another answer to an attack of an earlier turn: the probes read it at once,
    though they kept the old one."""
    for game, before in earlier_answer_replaced(response):
        assert game.state.late  # the new answer's attack was made on an earlier turn
        after = probes(game.state, "RUS")
        assert after == afresh(game.state, "RUS")
        assert after != before
        game.close_turn()
        game.open_turn()
        same_as_afresh(game)
        return
    pytest.fail("no game answered an earlier attack of Russia's with a treaty")


def test_the_umpires_attacks_fired_after_a_reading_are_probes_at_once() -> None:
    """The umpire's attacks are found among the injects fired; those fired after the probes were
    read are read with the rest, on the next turn, as a reading afresh reads them. The umpire's
    events are folded into the very state the probes were read from (as a stored log is), so the
    next reading finds its own earlier one and looks up only the injects fired since."""
    sc = load(SCENARIOS / "baltic-2027.yaml")
    game = Game.new(sc, seed=0, stochastic=True, verbose=False)
    game.play(2)
    counted = []
    for n in range(1, 4):
        game.open_turn()
        same_as_afresh(game)
        counted.append(len(afresh(game.state, "RUS")))
        game.push(game.copy().fire(Inject(id=f"umpire-probe-{n}", turn=game.state.turn,
                                          kind=InjectKind.CYBER_ATTACK, actors=("RUS",), target="EST",
                                          attribution=1.0)))
        same_as_afresh(game)
        game.close_turn()
        same_as_afresh(game)
    game.open_turn()
    same_as_afresh(game)
    assert [i for i in game.state.fired if i.startswith("umpire-probe-")] == [f"umpire-probe-{n}" for n in (1, 2, 3)]
    assert len(afresh(game.state, "RUS")) > counted[0]  # the umpire's attacks were answered, and read


@pytest.mark.parametrize("response", [Response.NEUTRAL, Response.FULL])
def test_an_earlier_answer_replaced_then_undone_is_read_at_once(response: Response) -> None:
    """A state's answer to an attack of a closed turn is replaced: the probes read the new answer at
    once; the turn undone (the game folded again), they read the old one again, and so on the turns
    after."""
    for game, before in earlier_answer_replaced(response):
        assert probes(game.state, "RUS") == afresh(game.state, "RUS") != before
        game.undo()
        same_as_afresh(game)
        game.open_turn()
        assert probes(game.state, "RUS") == afresh(game.state, "RUS") == before
        game.close_turn()
        for _ in range(2):
            same_as_afresh(game)
            game.open_turn()
            same_as_afresh(game)
            game.close_turn()
            same_as_afresh(game)
        return
    pytest.fail("no game answered an earlier attack of Russia's with a treaty")


def test_the_attacks_of_a_batch_game_are_answered_on_their_own_turn() -> None:
    """In the games of a batch run no answer comes late, so the probes keep every attack's
    strengths by its turn's published answers."""
    for seed in range(3):
        for game in every_phase("baltic-2027.yaml", seed):
            assert game.state.late == answered_late(game) == frozenset()


def test_answers_restated_over_a_shared_state_are_published_and_probed_as_the_new_ones() -> None:
    """A batch run's own answers put over a state shared by runs (engine.kernel) take the old ones'
    places in what is published, and the probes kept from the old ones read the new ones."""
    sc = load(SCENARIOS / "baltic-2027.yaml")
    game = Game.new(sc, seed=3, stochastic=True, verbose=False)
    game.play(4)
    game.open_turn()
    gs = game.state
    before, places = probes(gs, "RUS"), _places(gs)
    flipped = {Response.NEUTRAL: Response.FULL}
    restate_answers(gs, {k: dataclasses.replace(d, response=flipped.get(d.response, Response.NEUTRAL))
                         for k, d in gs.decisions.items()})
    assert _places(gs) == places
    assert all(gs.decisions[(d.attack, d.state)] is d for entry in gs.published.values() for d, _ in entry)
    assert probes(gs, "RUS") == afresh(gs, "RUS") != before


def _places(gs: GameState) -> dict[int, list[tuple[str, str, int, str]]]:
    """Each published turn's answers by attack, state, turn and statement, in order."""
    return {t: [(d.attack, d.state, d.turn, said) for d, said in entry] for t, entry in gs.published.items()}
