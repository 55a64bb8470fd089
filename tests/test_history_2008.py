"""The Russo-Georgian War of 2008 replays the record: Georgia's attack on South Ossetia and
Russia's on Georgia, on their days; Georgia's bloc partners, bound by the CIS Charter, side
with the bloc's leader; NATO's members owe and give consultation, and no state fights for
Georgia; the treaties as ATOP codes them."""
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

FILE = Path(__file__).resolve().parents[1] / "scenarios" / "history" / "2008-russo-georgian.yaml"
COW = {2: "USA", 200: "GBR", 220: "FRA", 255: "DEU", 640: "TUR", 290: "POL", 369: "UKR",
       365: "RUS", 370: "BLR", 371: "ARM", 372: "GEO", 705: "KAZ", 703: "KGZ", 702: "TJK",
       704: "UZB"}
WAR_DAY = (2008, 8, 8)
INVASION = "russian-intervention"
CIS_PARTNERS = {"BLR", "ARM", "KAZ", "KGZ", "TJK", "UZB"}
NATO_MEMBERS = {"USA", "GBR", "FRA", "DEU", "TUR", "POL"}


def _answers() -> dict[str, Response]:
    return recorded_answers(FILE, INVASION)


def test_georgia_opens_the_war_and_russia_opens_the_next_a_day_later():
    assert wars_begun(FILE) == {(frozenset(("GEO", "SOS")), 1), (frozenset(("RUS", "GEO")), 2)}


def test_the_six_point_agreement_ends_both_wars_and_the_answers_after_it_begin_none():
    """Most answers come after 16 August: recorded after the ceasefire, they leave the wars ended."""
    assert wars_ended(FILE) == {(frozenset(("GEO", "SOS")), 10), (frozenset(("RUS", "GEO")), 10)}
    assert all(turn < 10 for _, turn in wars_begun(FILE))


def test_the_attacker_of_record_of_each_war():
    injects = {i.id: i for i in load(FILE).injects}
    assert (injects["tskhinvali"].actors, injects["tskhinvali"].target) == (("GEO",), "SOS")
    assert (injects[INVASION].actors, injects[INVASION].target) == (("RUS",), "GEO")
    # The Tagliavini report: Georgia began; Russia's answer went beyond defence.
    assert not injects["tskhinvali"].provoked and injects[INVASION].provoked


def test_every_answer_comes_from_the_record():
    assert every_answer_from_the_record(FILE)
    answers = [e for e in replayed(FILE) if isinstance(e, DecisionTaken)]
    assert len(answers) == len(load(FILE).script)


def test_no_state_fights_for_georgia_and_only_the_united_states_helps_its_forces():
    answers = _answers()
    assert Response.FULL not in answers.values()
    assert {s for s, r in answers.items() if r == Response.LIMITED} == {"USA"}


def test_the_cis_charter_binds_russias_partners_to_georgia_and_they_side_with_russia():
    defenders = {ally for ally, treaty in bound_by(FILE, INVASION, ObligationType.DEFENSE)
                 if treaty == "cis-charter"}
    assert defenders == CIS_PARTNERS
    assert {s for s, r in _answers().items() if r == Response.HOSTILE} == CIS_PARTNERS | {"NIC"}


def test_nato_owes_georgia_consultation_only_and_every_ally_consults():
    bound = bound_by(FILE, INVASION)
    owed = {ally for ally, treaty in bound if treaty == "nato-partnership"}
    assert owed == NATO_MEMBERS
    assert not any(treaty == "nato-partnership" for ally, treaty in
                   bound_by(FILE, INVASION, ObligationType.DEFENSE))
    answers = _answers()
    assert all(answers[s].rank >= Response.DIPLOMATIC.rank for s in NATO_MEMBERS)


@pytest.mark.parametrize("state, treaty", [("UKR", "ukraine-georgia-1993"),
                                           ("POL", "poland-georgia-1993"),
                                           ("KAZ", "georgia-kazakhstan-1993")])
def test_the_neutrality_pacts_bind_when_georgia_is_attacked_not_when_it_attacks(state: str, treaty: str):
    neutral = ObligationType.NEUTRALITY
    assert (state, treaty) in bound_by(FILE, INVASION, neutral)
    assert (state, treaty) not in bound_by(FILE, "tskhinvali", neutral)


def test_georgia_asks_the_united_states_in():
    assert load(FILE).inject(INVASION).invites == ("USA",)


@pytest.mark.parametrize("treaty, atop_id", [
    ("csto", 4220), ("cis-charter", 4400), ("ukraine-georgia-1993", 4453),
    ("poland-georgia-1993", 4455), ("georgia-kazakhstan-1993", 4476),
    ("france-georgia-1994", 4540), ("armenia-georgia-2001", 4988)])
def test_members_and_obligation_types_are_atops(treaty: str, atop_id: int):
    members, types = atop_alliance(atop_id, WAR_DAY)
    coded = load(FILE).treaty(treaty)
    assert set(coded.members) <= {COW[c] for c in members if c in COW}
    assert {str(o.type) for o in coded.obligations} == types
