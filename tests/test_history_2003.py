"""Turkey's Article 4 and the invasion of Iraq, 2003, replay the record: the invaders' wars on
the day of the invasion; the allies' answers to the threat to Turkey and the Arab League
members' answers to the invasion where the record puts them; the treaties as ATOP codes them."""
from __future__ import annotations

from pathlib import Path

import pytest

from engine.model import ObligationType, Response
from engine.scenario import load
from tests.test_history_common import (
    atop_alliance,
    bound_by,
    every_answer_from_the_record,
    recorded_answers,
    wars_begun,
)

FILE = Path(__file__).resolve().parents[1] / "scenarios" / "history" / "2003-iraq.yaml"
COW = {2: "USA", 200: "GBR", 220: "FRA", 255: "DEU", 211: "BEL", 210: "NLD", 290: "POL",
       640: "TUR", 645: "IRQ", 652: "SYR", 670: "SAU", 663: "JOR", 651: "EGY", 690: "KWT",
       694: "QAT", 692: "BHR"}
INVASION_DAY = 39  # 20 March 2003, counted from 10 February
ARAB_LEAGUE = {"SYR", "SAU", "JOR", "EGY", "KWT", "QAT", "BHR"}
HOSTS = {"KWT", "QAT", "BHR", "SAU", "JOR", "EGY"}
TURKEYS_ALLIES = {"USA", "GBR", "FRA", "DEU", "BEL", "NLD", "POL"}


def test_the_replay_has_the_invaders_wars_on_the_day_of_the_invasion():
    assert wars_begun(FILE) == {(frozenset((invader, "IRQ")), INVASION_DAY)
                                for invader in ("USA", "GBR", "AUS", "POL")}


def test_every_answer_comes_from_the_record():
    assert every_answer_from_the_record(FILE)


def test_the_threat_to_turkey_binds_its_allies_to_consult_and_no_more():
    bound = bound_by(FILE, "iraqi-threat")
    assert {ally for ally, _ in bound} == TURKEYS_ALLIES
    assert ("USA", "us-turkey-1959") in bound
    assert bound_by(FILE, "iraqi-threat", ObligationType.DEFENSE) == set()


def test_every_ally_consulted_and_the_patriot_and_awacs_states_sent_forces():
    answers = recorded_answers(FILE, "iraqi-threat")
    assert set(answers) == TURKEYS_ALLIES
    assert all(r.rank >= Response.DIPLOMATIC.rank for r in answers.values())
    assert {s for s, r in answers.items() if r is Response.LIMITED} == {"USA", "DEU", "NLD"}


def test_the_invasion_brings_the_arab_league_treaty_into_play_for_iraqs_partners():
    bound = bound_by(FILE, "invasion", ObligationType.DEFENSE)
    assert bound == {(member, "arab-league-defence") for member in ARAB_LEAGUE}


def test_no_bound_state_came_to_iraqs_side_and_the_hosts_aided_the_attackers():
    answers = recorded_answers(FILE, "invasion")
    league = {s: r for s, r in answers.items() if s in ARAB_LEAGUE}
    assert set(league) == ARAB_LEAGUE
    assert all(r.rank <= Response.DIPLOMATIC.rank for r in league.values())
    assert {s for s, r in league.items() if r is Response.HOSTILE} == HOSTS


@pytest.mark.parametrize("state, response", [
    ("RUS", Response.DIPLOMATIC), ("CHN", Response.DIPLOMATIC), ("IRN", Response.DIPLOMATIC),
    ("TUR", Response.HOSTILE), ("SYR", Response.DIPLOMATIC),
])
def test_the_outside_powers_syria_and_turkey_answer_as_recorded(state: str, response: Response):
    assert recorded_answers(FILE, "invasion")[state] is response


@pytest.mark.parametrize("treaty, atop_id", [("nato", 3180), ("us-turkey-1959", 3360),
                                             ("arab-league-defence", 3205)])
def test_members_and_obligation_types_are_atops(treaty: str, atop_id: int):
    members, types = atop_alliance(atop_id, (2003, 2, 10))
    coded = load(FILE).treaty(treaty)
    assert set(coded.members) <= {COW[c] for c in members if c in COW}
    assert {str(o.type) for o in coded.obligations} == types
