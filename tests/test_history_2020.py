"""The Second Nagorno-Karabakh War of 2020 replays the record: Azerbaijan's wars on the
Karabakh Armenians and on Armenia, on their day; Russia's treaties reach Armenia's own
territory only; the attacker's ally is not bound by an attack its ally makes; the
treaties as ATOP codes them."""
from __future__ import annotations

from pathlib import Path

import pytest

from engine.events import DecisionTaken
from engine.model import ObligationType, Response
from engine.scenario import load
from tests.test_history_common import (
    atop_alliance,
    bound_by,
    recorded_answers,
    replayed,
    wars_begun,
)

FILE = Path(__file__).resolve().parents[1] / "scenarios" / "history" / "2020-karabakh-war.yaml"
COW = {365: "RUS", 371: "ARM", 373: "AZE", 640: "TUR"}
START = (2020, 9, 27)


def _events() -> tuple:
    return replayed(FILE)


def _answers(attack: str) -> dict[str, Response]:
    return recorded_answers(FILE, attack)


def _defenders(attack_id: str) -> set[tuple[str, str]]:
    """(ally, treaty) pairs whose defence obligation the attack brings into play."""
    return bound_by(FILE, attack_id, ObligationType.DEFENSE)


def test_the_replay_has_the_two_wars_of_the_record_on_their_day():
    assert wars_begun(FILE) == {(frozenset(("AZE", "ART")), 1), (frozenset(("AZE", "ARM")), 1)}


def test_every_answer_comes_from_the_record():
    answers = [e for e in _events() if isinstance(e, DecisionTaken)]
    assert len(answers) == len(load(FILE).script)
    assert all(e.source == "script" for e in answers)


def test_only_armenia_fights_for_the_karabakh_armenians():
    answers = _answers("karabakh-offensive")
    assert answers["ARM"] == Response.FULL
    assert all(r.rank <= Response.DIPLOMATIC.rank for s, r in answers.items() if s != "ARM")


def test_azerbaijans_friends_side_with_the_attacker():
    answers = _answers("karabakh-offensive")
    assert {s for s, r in answers.items() if r == Response.HOSTILE} == {"TUR", "ISR", "PAK"}


def test_no_treaty_defends_nagorno_karabakh_azerbaijans_recognised_territory():
    assert _defenders("karabakh-offensive") == set()


def test_russias_treaties_are_brought_into_play_by_fire_on_armenia_itself():
    assert _defenders("vardenis-strikes") == {("RUS", "csto"), ("RUS", "russia-armenia")}
    assert _answers("vardenis-strikes") == {"RUS": Response.DIPLOMATIC}


def test_the_turkish_promise_is_not_owed_when_azerbaijan_attacks():
    bound = {ally for attack in ("karabakh-offensive", "vardenis-strikes")
             for ally, _ in _defenders(attack)}
    assert "TUR" not in bound


@pytest.mark.parametrize("treaty, atop_id", [
    ("csto", 4220), ("russia-armenia", 4890), ("russia-azerbaijan", 4885), ("turkey-azerbaijan-2010", 6035)])
def test_members_and_obligation_types_are_atops(treaty: str, atop_id: int):
    # ATOP ends in 2016: a membership still open then stands for 2020.
    members, types = atop_alliance(atop_id, START)
    coded = load(FILE).treaty(treaty)
    assert set(coded.members) <= {COW[c] for c in members if c in COW}
    assert {str(o.type) for o in coded.obligations} == types