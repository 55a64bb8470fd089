"""The deadline: the doctrine answers for the cells that did not (engine.deadline).

The answers are the doctrine's as the engine takes them for a state no cell
plays; the phase is pure like every other; each answer says in the log why
the doctrine gave it.
"""
from __future__ import annotations

import copy
from pathlib import Path

import pytest

from engine import deadline
from engine.errors import WrongMoment
from engine.events import DecisionTaken, dumps
from engine.game import Game
from engine.model import Control, DecisionSource, Mode
from engine.scenario import load
from engine.state import fold

TEACHING = Path(__file__).resolve().parents[1] / "scenarios" / "baltic-2027.yaml"
CELLS = ("USA", "POL")


def _asked(seed: int, stochastic: bool, cells: tuple[str, ...] = CELLS) -> Game:
    """The teaching scenario as an exercise, played on until a cell is asked to decide."""
    sc = load(TEACHING)
    game = Game.new(sc, seed=seed, mode=Mode.EXERCISE, stochastic=stochastic,
                    controls={s.id: Control.PLAYER if s.id in cells else Control.NPC for s in sc.states})
    while not deadline.missing_answers(game.state):
        game.open_turn()
        game.close_turn()
    return game


def _taken(events: list) -> dict[tuple[str, str], DecisionTaken]:
    return {(e.attack, e.state): e for e in events if isinstance(e, DecisionTaken)}


@pytest.mark.parametrize(("seed", "stochastic"), [(0, False), (3, True), (11, True)])
def test_drained_as_a_plain_function_it_gives_what_the_game_drives(seed, stochastic):
    game = _asked(seed, stochastic)
    before = copy.deepcopy(game.state)
    drained = deadline.answer_for_missing(game.state, game.ctx).events
    assert game.state == before                      # the state given is untouched
    driven = game.answer_for_missing()
    assert dumps(driven) == dumps(drained) and driven
    assert fold(game.scenario, game.events) == game.state


@pytest.mark.parametrize(("seed", "stochastic"), [(0, False), (3, True), (11, True), (42, True)])
def test_the_answers_are_those_the_doctrine_gives_a_state_no_cell_plays(seed, stochastic):
    game = _asked(seed, stochastic)
    late = deadline.missing_answers(game.state)
    answered = _taken(game.answer_for_missing())
    assert set(answered) == set(late)
    # The same exercise in which nobody plays those states: the engine answers at the close.
    npc = Game.new(game.scenario, seed=seed, mode=Mode.EXERCISE, stochastic=stochastic,
                   controls={s.id: Control.NPC for s in game.scenario.states})
    while npc.state.turn < game.state.turn - 1:
        npc.open_turn()
        npc.close_turn()
    npc.open_turn()
    by_engine = _taken(npc.close_turn())
    for key, e in answered.items():
        theirs = by_engine[key]
        assert (e.response, e.rationale, e.probabilities, e.side, e.treaty) == (
            theirs.response, theirs.rationale, theirs.probabilities, theirs.side, theirs.treaty)
        assert e.source is DecisionSource.DOCTRINE
        assert "did not answer by the deadline" in e.reason
        assert game.scenario.state(e.state).name in e.reason


def test_the_turn_closes_once_the_doctrine_has_answered():
    game = _asked(0, False)
    late = set(deadline.missing_answers(game.state))
    game.answer_for_missing()
    assert not late & set(game.state.pending())
    game.close_turn()
    assert not late & set(game.state.awaiting)


def test_a_cell_that_answered_keeps_its_answer():
    game = _asked(0, False)
    attack, state = deadline.missing_answers(game.state)[0]
    game.submit(state, attack, "limited", rationale="ours")
    answered = _taken(game.answer_for_missing())
    assert (attack, state) not in answered
    assert game.state.turn_decisions[(attack, state)].source is DecisionSource.PLAYER


def test_nothing_missing_gives_nothing_and_a_closed_turn_is_refused():
    sc = load(TEACHING)
    game = Game.new(sc, mode=Mode.EXERCISE, controls={s.id: Control.NPC for s in sc.states})
    game.open_turn()
    assert game.answer_for_missing() == []
    game.close_turn()
    with pytest.raises(WrongMoment, match="no turn is open"):
        game.answer_for_missing()
