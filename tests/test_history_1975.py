"""The fall of Saigon (1974-75) replays the record: one war, opened at Phuoc Long on its week;
every answer from the record, none of them a fight for South Vietnam; SEATO's protocol, the Act
of the Paris conference and Nixon's private letters bring the obligations ATOP and the texts
give; SEATO's members are ATOP's."""
from __future__ import annotations

from pathlib import Path

import pytest

from engine.events import DecisionTaken
from engine.model import Formality, ObligationType, Openness, Response
from engine.scenario import load
from tests.test_history_common import (
    atop_alliance,
    bound_by,
    every_answer_from_the_record,
    recorded_answers,
    replayed,
    wars_begun,
)

FILE = Path(__file__).resolve().parents[1] / "scenarios" / "history" / "1975-fall-of-saigon.yaml"
COW = {2: "USA", 200: "GBR", 800: "THA", 840: "PHL", 900: "AUS", 920: "NZL"}
OPENING = (1974, 12, 13)


def test_the_replay_has_the_one_war_of_the_record_on_its_week():
    # Phuoc Long, 13 December 1974; the spring offensive carries the same war on.
    assert wars_begun(FILE) == {(frozenset(("DRV", "RVN")), 1)}


def test_every_answer_comes_from_the_record():
    assert every_answer_from_the_record(FILE)


def test_every_answer_is_taken_once_and_on_its_turn():
    scenario = load(FILE)
    given = {(e.state, e.turn) for e in replayed(FILE) if isinstance(e, DecisionTaken)}
    assert given == {(e.state, e.turn) for e in scenario.script}


@pytest.mark.parametrize("state, treaty", [
    ("USA", "seato"), ("GBR", "seato"), ("THA", "seato"), ("PHL", "seato"), ("AUS", "seato"),
    ("USA", "nixon-thieu"),
])
def test_the_offensive_binds_the_defenders_of_south_vietnam(state: str, treaty: str):
    assert (state, treaty) in bound_by(FILE, "phuoc-long", ObligationType.DEFENSE)


def test_the_act_of_the_paris_conference_calls_every_other_party_to_consult():
    consult = {ally for ally, treaty in bound_by(FILE, "phuoc-long", ObligationType.CONSULTATION)
               if treaty == "paris-act"}
    assert consult == {"USA", "GBR", "FRA", "SUN", "CHN"}


def test_no_state_fights_for_south_vietnam():
    answers = recorded_answers(FILE, "phuoc-long")
    assert set(answers) == {"USA", "GBR", "FRA", "THA", "PHL", "AUS", "KOR", "SUN", "CHN"}
    assert all(r.rank <= Response.DIPLOMATIC.rank for r in answers.values())


@pytest.mark.parametrize("state, response", [
    ("USA", Response.DIPLOMATIC),
    ("GBR", Response.NEUTRAL),
    ("FRA", Response.DIPLOMATIC),
    ("THA", Response.NEUTRAL),
    ("PHL", Response.NEUTRAL),
    ("AUS", Response.NEUTRAL),
    ("KOR", Response.NEUTRAL),
    ("SUN", Response.HOSTILE),
    ("CHN", Response.HOSTILE),
])
def test_each_state_answers_as_recorded(state: str, response: Response):
    assert recorded_answers(FILE, "phuoc-long")[state] is response


def test_no_seato_member_honours_the_protocol():
    answers = recorded_answers(FILE, "phuoc-long")
    members = set(load(FILE).treaty("seato").members)
    assert all(answers[m].rank < Response.LIMITED.rank for m in members)


def test_the_american_seato_promise_covers_communist_aggression_only():
    seato = load(FILE).treaty("seato")
    american = [o for o in seato.obligations
                if o.type is ObligationType.DEFENSE and o.asymmetric_to == ("USA",)]
    assert len(american) == 1 and "DRV" in american[0].adversaries


def test_the_nixon_letters_are_a_secret_verbal_pledge_published_when_saigon_falls():
    scenario = load(FILE)
    letters = scenario.treaty("nixon-thieu")
    assert letters.formality is Formality.VERBAL and letters.openness is Openness.SECRET
    disclosure = scenario.inject("letters-published")
    assert disclosure.treaty == "nixon-thieu" and disclosure.turn == scenario.turns


def test_south_vietnam_is_seatos_beneficiary_not_a_member():
    seato = load(FILE).treaty("seato")
    assert "RVN" in seato.beneficiaries and "RVN" not in seato.members


def test_seatos_members_and_obligation_types_are_atops():
    members, types = atop_alliance(3260, OPENING)
    seato = load(FILE).treaty("seato")
    assert set(seato.members) <= {COW[c] for c in members if c in COW}
    assert {str(o.type) for o in seato.obligations} == types


def test_france_had_left_seato_by_the_offensive():
    members, _ = atop_alliance(3260, OPENING)
    assert 220 not in members and "FRA" not in load(FILE).treaty("seato").members
