"""Israel's invasion of Lebanon in 1982 replays the record: the one war of Israel and Syria on
its day and ended by the cease-fire of 11 June; every answer where the record puts it; no bound
state fights; the treaties as ATOP codes them."""
from __future__ import annotations

from pathlib import Path

import pytest

from engine.events import DecisionTaken
from engine.model import ObligationType, Response
from engine.scenario import load
from tests.test_history_common import (
    atop_alliance,
    bound_by,
    every_answer_from_the_record,
    recorded_answers,
    replayed,
    wars_begun,
    wars_ended,
)

FILE = Path(__file__).resolve().parents[1] / "scenarios" / "history" / "1982-lebanon-war.yaml"
COW = {365: "SUN", 2: "USA", 666: "ISR", 660: "LBN", 652: "SYR", 645: "IRQ", 670: "SAU",
       663: "JOR", 620: "LBY", 651: "EGY"}
ARAB_LEAGUE = {"LBN", "SYR", "IRQ", "SAU", "JOR", "LBY"}


def test_the_replay_has_the_one_war_of_the_record_on_its_day():
    # The invasion is not resisted by the Lebanese army: the war is Israel's with Syria, from
    # the attack on the Syrian forces of 9 June (turn 4).
    assert wars_begun(FILE) == {(frozenset(("ISR", "SYR")), 4)}


def test_the_cease_fire_of_11_june_ends_it():
    assert wars_ended(FILE) == {(frozenset(("ISR", "SYR")), 6)}


def test_every_answer_comes_from_the_record():
    assert every_answer_from_the_record(FILE)


@pytest.mark.parametrize("attack, expected", [
    ("peace-for-galilee", {("SYR", "arab-league-defence"), ("IRQ", "arab-league-defence"),
                           ("SAU", "arab-league-defence"), ("JOR", "arab-league-defence"),
                           ("LBY", "arab-league-defence")}),
    ("bekaa", {("LBN", "arab-league-defence"), ("IRQ", "arab-league-defence"),
               ("SAU", "arab-league-defence"), ("JOR", "arab-league-defence"),
               ("LBY", "arab-league-defence"), ("LBY", "steadfastness-front"),
               ("SUN", "soviet-syrian-1980")}),
])
def test_each_attack_brings_into_play_the_pacts_of_its_victim(attack: str, expected: set[tuple[str, str]]):
    assert bound_by(FILE, attack) == expected


def test_the_soviet_treaty_binds_to_consultation_only():
    bound = bound_by(FILE, "bekaa", ObligationType.DEFENSE)
    assert "SUN" not in {ally for ally, _ in bound}
    assert ("SUN", "soviet-syrian-1980") in bound_by(FILE, "bekaa", ObligationType.CONSULTATION)


def test_the_american_promise_to_israel_is_not_in_play():
    # Israel is the attacker; the memorandum of 1981 is a tie to it, aimed at the Soviet Union.
    treaties = {treaty for _, treaty in bound_by(FILE, "peace-for-galilee") | bound_by(FILE, "bekaa")}
    assert "us-israel-1981" not in treaties and "egypt-israel-1979" not in treaties


@pytest.mark.parametrize("attack", ["peace-for-galilee", "bekaa"])
def test_no_bound_state_fights(attack: str):
    answers = recorded_answers(FILE, attack)
    bound = {ally for ally, _ in bound_by(FILE, attack)}
    assert bound <= set(answers)
    assert all(answers[s].rank < Response.FULL.rank for s in bound)


def test_the_arab_league_honours_lebanon_in_words_and_syria_not_at_all():
    invasion = recorded_answers(FILE, "peace-for-galilee")
    bekaa = recorded_answers(FILE, "bekaa")
    assert {s for s in ARAB_LEAGUE - {"LBN", "SYR"} if invasion[s] is Response.DIPLOMATIC} == {"IRQ", "SAU", "JOR", "LBY"}
    assert {s for s in ARAB_LEAGUE - {"SYR"} if bekaa[s] is Response.NEUTRAL} == ARAB_LEAGUE - {"SYR"}
    assert bekaa["SUN"] is Response.DIPLOMATIC


def test_iran_sends_forces_without_a_treaty():
    entry = next(e for e in load(FILE).script if e.state == "IRN")
    assert entry.treaty is None and Response(entry.response) is Response.LIMITED
    assert recorded_answers(FILE, "peace-for-galilee")["IRN"] is Response.LIMITED


def test_each_state_answers_each_attack_once():
    decisions = [(e.state, e.attack) for e in replayed(FILE) if isinstance(e, DecisionTaken)]
    assert len(decisions) == len(set(decisions)) == len(load(FILE).script)


@pytest.mark.parametrize("treaty, atop_id", [
    ("arab-league-defence", 3205), ("steadfastness-front", 3807), ("soviet-syrian-1980", 3880),
    ("us-israel-1981", 3925), ("egypt-israel-1979", 3850),
])
def test_members_and_obligation_types_are_atops(treaty: str, atop_id: int):
    members, types = atop_alliance(atop_id, (1982, 6, 6))
    coded = load(FILE).treaty(treaty)
    assert set(coded.members) <= {COW[c] for c in members if c in COW}
    assert {str(o.type) for o in coded.obligations} == types


def test_egypt_is_outside_the_arab_league_treaty_in_1982():
    members, _ = atop_alliance(3205, (1982, 6, 6))
    assert 651 not in members
    assert "EGY" not in load(FILE).treaty("arab-league-defence").members
