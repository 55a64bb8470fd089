"""The Israel-Iran war of June 2025 replays the record: Israel's war with Iran from 13 June and
the American one from 22 June, both ended by the cease-fire of 24 June; every answer the
record's, on its day; Iran's treaty partner Russia bound to stay out of the aggressor's camp and
to consult, not to defend, and keeping exactly that; the interceptors of Iran's missiles bound
by no treaty but Jordan's neutrality; the treaties as ATOP codes them, and the partnership
treaty of 2025, which ATOP does not code, as what its text promises."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from engine.events import Breach, DecisionTaken, Honoured
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

FILE = Path(__file__).resolve().parents[1] / "scenarios" / "history" / "2025-israel-iran-war.yaml"
COW = {666: "ISR", 663: "JOR", 365: "RUS", 630: "IRN"}
ATTACKS_ON_IRAN = ("rising-lion", "midnight-hammer")


def test_the_replay_has_the_two_wars_of_the_record_on_their_days():
    # 13 June: Israel's strikes; 22 June: the American strikes on Fordow, Natanz and Isfahan.
    assert wars_begun(FILE) == {(frozenset(("ISR", "IRN")), 1), (frozenset(("USA", "IRN")), 10)}


def test_the_ceasefire_of_24_june_ends_both_wars():
    assert wars_ended(FILE) == {(frozenset(("ISR", "IRN")), 12), (frozenset(("USA", "IRN")), 12)}
    assert load(FILE).date_of(12).date() == dt.date(2025, 6, 24)


def test_every_answer_comes_from_the_record():
    assert every_answer_from_the_record(FILE)


@pytest.mark.parametrize("attack", ATTACKS_ON_IRAN)
def test_russia_alone_is_bound_to_iran_and_only_to_consult_and_stay_out(attack: str):
    assert bound_by(FILE, attack) == {("RUS", "russia-iran-2025")}
    assert bound_by(FILE, attack, ObligationType.DEFENSE) == set()


@pytest.mark.parametrize("attack", ATTACKS_ON_IRAN)
def test_no_state_fights_or_arms_for_iran(attack: str):
    answers = recorded_answers(FILE, attack)
    assert answers["RUS"] is Response.DIPLOMATIC
    assert answers["CHN"] is Response.DIPLOMATIC
    assert all(r.rank <= Response.DIPLOMATIC.rank for r in answers.values())


def test_russia_keeps_what_the_partnership_treaty_promises_and_nothing_more():
    russian = [e for e in replayed(FILE) if isinstance(e, (Honoured, Breach)) and e.state == "RUS"]
    assert russian and all(isinstance(e, Honoured) for e in russian)
    assert {e.attack for e in russian} == set(ATTACKS_ON_IRAN)


def test_the_states_that_shot_down_irans_missiles_are_bound_by_no_defence_pact():
    answers = recorded_answers(FILE, "true-promise-3")
    interceptors = {s for s, r in answers.items() if r is Response.LIMITED}
    assert interceptors == {"USA", "JOR", "FRA"}
    assert Response.FULL not in answers.values()
    assert bound_by(FILE, "true-promise-3") == {("JOR", "israel-jordan-1994")}
    assert bound_by(FILE, "true-promise-3", ObligationType.DEFENSE) == set()


def test_jordan_honours_the_neutrality_of_its_peace_treaty():
    jordan = [e for e in replayed(FILE) if isinstance(e, (Honoured, Breach)) and e.state == "JOR"]
    assert jordan and all(isinstance(e, Honoured) for e in jordan)


def test_qatar_defends_its_guests_base_and_no_treaty_obliges_anyone():
    assert bound_by(FILE, "glad-tidings") == set()
    assert load(FILE).inject("glad-tidings").territory == "QAT"
    answers = recorded_answers(FILE, "glad-tidings")
    assert answers == {"QAT": Response.LIMITED, "SAU": Response.DIPLOMATIC}


def test_saudi_arabia_condemns_israel_and_iran_but_not_the_united_states():
    saudi = {e.attack: Response(e.response) for e in replayed(FILE)
             if isinstance(e, DecisionTaken) and e.state == "SAU"}
    assert saudi == {"rising-lion": Response.DIPLOMATIC, "midnight-hammer": Response.NEUTRAL,
                     "glad-tidings": Response.DIPLOMATIC}


@pytest.mark.parametrize("state, attack, day", [
    ("RUS", "rising-lion", dt.date(2025, 6, 13)),      # the Foreign Ministry; Putin's calls
    ("CHN", "rising-lion", dt.date(2025, 6, 13)),      # Lin Jian's briefing
    ("SAU", "rising-lion", dt.date(2025, 6, 13)),      # the Foreign Ministry's condemnation
    ("PAK", "rising-lion", dt.date(2025, 6, 13)),      # the Foreign Office's condemnation
    ("DEU", "rising-lion", dt.date(2025, 6, 17)),      # Merz at the G7
    ("USA", "true-promise-3", dt.date(2025, 6, 13)),   # the first night's interceptions
    ("JOR", "true-promise-3", dt.date(2025, 6, 13)),   # the Jordanian air force's interceptions
    ("GBR", "true-promise-3", dt.date(2025, 6, 14)),   # Starmer's jets "for contingency support"
    ("FRA", "true-promise-3", dt.date(2025, 6, 23)),   # the drones shot down before the cease-fire
    ("RUS", "midnight-hammer", dt.date(2025, 6, 22)),  # the Foreign Ministry's statement
    ("CHN", "midnight-hammer", dt.date(2025, 6, 22)),
    ("PAK", "midnight-hammer", dt.date(2025, 6, 22)),
    ("SAU", "midnight-hammer", dt.date(2025, 6, 22)),
    ("QAT", "glad-tidings", dt.date(2025, 6, 23)),     # Al Udeid
    ("SAU", "glad-tidings", dt.date(2025, 6, 23)),
])
def test_each_answer_is_given_on_its_day(state: str, attack: str, day: dt.date):
    scenario = load(FILE)
    turns = [e.turn for e in replayed(FILE)
             if isinstance(e, DecisionTaken) and e.state == state and e.attack == attack]
    assert len(turns) == 1
    assert scenario.date_of(turns[0]).date() == day


def test_the_israel_jordan_treaty_is_atops():
    members, types = atop_alliance(4640, (2016, 12, 31))
    coded = load(FILE).treaty("israel-jordan-1994")
    assert set(coded.members) <= {COW[c] for c in members if c in COW}
    assert {str(o.type) for o in coded.obligations} == types


def test_the_partnership_treaty_of_2025_restates_atops_coding_of_2001_without_defence():
    # ATOP ends in 2016: the 2025 treaty is coded from its text, and its obligations are the
    # kinds ATOP found in the 2001 treaty it replaces; neither promises defence.
    members, types = atop_alliance(4968, (2016, 12, 31))
    coded = load(FILE).treaty("russia-iran-2025")
    assert set(coded.members) == {COW[c] for c in members}
    assert {str(o.type) for o in coded.obligations} == types
    assert "defense" not in types
    neutrality = next(o for o in coded.obligations if o.type == ObligationType.NEUTRALITY)
    assert neutrality.only_if_attacked
