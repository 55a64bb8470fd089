"""The Football War of 1969 replays the record: one war, from El Salvador's invasion to the
cease-fire of 18 July; every answer the record's, none of them arms or forces for Honduras;
the Rio Treaty and the OAS Charter as ATOP codes them, binding every member in the file to the
victim; and no other alliance of the two belligerents (CONDECA, ODECA) in ATOP."""
from __future__ import annotations

import csv
from pathlib import Path

import pytest

from engine.model import ObligationType, Response
from engine.scenario import load
from tests.test_history_common import (
    ATOP_MEMBERS,
    atop_alliance,
    bound_by,
    every_answer_from_the_record,
    recorded_answers,
    wars_begun,
    wars_ended,
)

FILE = Path(__file__).resolve().parents[1] / "scenarios" / "history" / "1969-football-war.yaml"
COW = {2: "USA", 92: "SLV", 91: "HND", 93: "NIC", 90: "GTM", 94: "CRI", 130: "ECU", 42: "DOM", 160: "ARG"}
COMMITTEE = ("NIC", "GTM", "CRI", "ECU", "DOM", "ARG", "USA")
INVADED = (1969, 7, 14)


def test_the_replay_has_the_one_war_of_the_record_on_its_day():
    assert wars_begun(FILE) == {(frozenset(("SLV", "HND")), 1)}


def test_the_cease_fire_of_18_july_ends_the_war_on_its_day():
    assert wars_ended(FILE) == {(frozenset(("SLV", "HND")), 5)}


def test_every_answer_comes_from_the_record():
    assert every_answer_from_the_record(FILE)


@pytest.mark.parametrize("state", COMMITTEE)
def test_each_member_of_the_oas_committee_answers_with_mediation(state: str):
    assert recorded_answers(FILE, "invasion")[state] is Response.DIPLOMATIC


def test_no_one_sends_honduras_arms_or_forces_and_no_one_aids_the_attacker():
    answers = recorded_answers(FILE)
    assert set(answers) == set(COMMITTEE)
    assert all(r is Response.DIPLOMATIC for r in answers.values())


@pytest.mark.parametrize("treaty", ["rio", "oas-charter"])
def test_the_invasion_binds_every_other_member_to_defend_honduras(treaty: str):
    defenders = {ally for ally, t in bound_by(FILE, "invasion", ObligationType.DEFENSE) if t == treaty}
    assert defenders == set(COMMITTEE)


def test_each_answer_is_given_while_the_war_is_fought():
    """The answers are dated between the invasion and the cease-fire, so that each is an answer
    to the war, not to the occupation that followed it."""
    scenario = load(FILE)
    start, ceasefire = scenario.inject("invasion").turn, scenario.inject("cease-fire").turn
    assert all(start <= e.turn < ceasefire for e in scenario.script)


@pytest.mark.parametrize("treaty, atop_id", [("rio", 3075), ("oas-charter", 3150)])
def test_members_and_obligation_types_are_atops(treaty: str, atop_id: int):
    members, types = atop_alliance(atop_id, INVADED)
    coded = load(FILE).treaty(treaty)
    assert set(coded.members) <= {COW[c] for c in members if c in COW}
    assert set(COW.values()) <= set(coded.members)
    assert {str(o.type) for o in coded.obligations} == types


def test_atop_codes_no_other_alliance_of_the_belligerents_in_force():
    """CONDECA and the ODECA Charter are not in ATOP v4.01: the two inter-American pacts are the
    only alliances of El Salvador and Honduras in force on the day of the invasion."""
    if not ATOP_MEMBERS.is_file():
        pytest.skip(f"no ATOP data at {ATOP_MEMBERS} (set CASUS_DATA)")
    with ATOP_MEMBERS.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    ids = {int(r["atopid"]) for r in rows if int(r["member"]) in (91, 92)}
    both = {a for a in ids if {91, 92} <= atop_alliance(a, INVADED)[0]}
    assert both == {3075, 3150}
