"""A replay takes each script entry for the one decision it answers.

An entry is a state's answer to the inject it names, read on one side: the side it
names, else the named inject's victim. It answers the link of the war chain where
that side is in play (the victim, or an attacking partner the state's treaty binds it
to), once. A later link with another victim gets no entry: the state keeps the stand
the record gave it where it has one, and otherwise the doctrine answers, as it does
for any decision the record is silent on.
"""
from __future__ import annotations

import functools

import pytest

from engine.decide import answers
from engine.events import DecisionTaken, Kind, WarBegun
from engine.game import Game
from engine.model import Response, ScriptEntry
from engine.state import GameState, Mode
from tests.builders import attack, defense, inject, make_scenario, offense, treaty


def _entry(state: str, treaty_id: str | None, response: Response, side: str | None = None) -> ScriptEntry:
    return ScriptEntry(turn=1, state=state, response=response, inject="strike", treaty=treaty_id,
                       note=f"{state}'s recorded answer", side=side)


def _chain():
    """A attacks B. C, A's ally, joins it; D (a league with A and B) and F (a pact with B)
    fight for B; E, bound to no one, protests. D's and F's wars on A are later links with
    another victim, A, which the league and the alliance of A and C protect."""
    return make_scenario(
        states="A B C D E F",
        treaties=[treaty("axis", "A C", offense(), defense()), treaty("league", "A B D", defense()),
                  treaty("pact", "B F", defense())],
        injects=[inject("strike", actor="A", target="B", turn=1)],
        script=(_entry("C", "axis", Response.FULL), _entry("D", "league", Response.FULL),
                _entry("F", "pact", Response.FULL), _entry("E", None, Response.DIPLOMATIC)),
        turns=2)


@functools.cache
def _replay() -> tuple[GameState, tuple]:
    game = Game.new(_chain(), mode=Mode.REPLAY)
    game.play()
    return game.state, tuple(game.events)


def _decisions() -> list[DecisionTaken]:
    return [e for e in _replay()[1] if isinstance(e, DecisionTaken)]


@pytest.mark.parametrize("state", ["C", "D", "F", "E"])
def test_each_entry_answers_once_on_the_victim_it_was_given_for(state: str) -> None:
    gs = _replay()[0]
    taken = [d for d in _decisions() if d.state == state and d.source == "script"]
    assert len(taken) == 1, taken
    assert gs.attacks[taken[0].attack].target == "B"


def test_a_later_link_with_another_victim_gets_no_entry() -> None:
    gs = _replay()[0]
    for_a = [d for d in _decisions() if d.state == "C" and gs.attacks[d.attack].target == "A"]
    assert for_a, "C is bound to defend A when D and F go to war with it"
    assert all(d.source == "doctrine" for d in for_a), for_a


def test_a_state_does_not_fight_for_both_sides_of_a_chain() -> None:
    """D's answer for B is no answer for A: under the league it would set D against F."""
    wars = {frozenset((e.aggressor, e.defender)) for e in _replay()[1] if isinstance(e, WarBegun)}
    assert {frozenset("AB"), frozenset("CB"), frozenset("DA"), frozenset("FA")} <= wars
    assert frozenset("DF") not in wars


def test_every_decision_taken_is_logged_once_per_link() -> None:
    keys = [(d.attack, d.state) for d in _decisions()]
    assert len(keys) == len(set(keys))
    assert any(e.kind is Kind.WAR for e in _replay()[1])


# --- which link an entry answers ------------------------------------------------------

def _gs() -> GameState:
    return GameState.initial(_chain())


STRIKE = attack("A", "B", id="strike", origin="strike")
LATER_SAME_VICTIM = attack("C", "B", id="strike/C>B", origin="strike")
LATER_OTHER_VICTIM = attack("D", "A", id="strike/D>A", origin="strike")
OTHER_CHAIN = attack("A", "B", id="raid", origin="raid")


@pytest.mark.parametrize("side,link,partner,expected", [
    (None, STRIKE, "B", True),                  # the named inject, read on its victim
    (None, LATER_SAME_VICTIM, "B", True),       # a further enemy of the same victim
    (None, LATER_OTHER_VICTIM, "A", False),     # another victim: no entry
    (None, OTHER_CHAIN, "B", False),            # another inject's chain
    ("A", STRIKE, None, True),                  # on the attacker's side of the named inject
    ("A", LATER_OTHER_VICTIM, "A", True),       # read on A: the link where A is attacked
    ("D", LATER_OTHER_VICTIM, "D", True),       # beside an attacking partner the treaty binds it to
    ("D", LATER_OTHER_VICTIM, None, False),     # ... and only where the treaty binds it to that partner
    ("B", LATER_OTHER_VICTIM, "A", False),
])
def test_an_entry_answers_the_link_of_its_side(side: str | None, link, partner: str | None,
                                              expected: bool) -> None:
    assert answers(_gs(), _entry("X", None, Response.FULL, side=side), link, partner) is expected
