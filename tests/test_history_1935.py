"""Italy's invasion of Ethiopia, 1935, replays the record: one war, from its day to the fall
of Addis Ababa; the League members' and outsiders' answers where the record puts them; the
treaties as ATOP codes them, the Covenant and the Tripartite Treaty of 1906 outside ATOP."""
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

FILE = Path(__file__).resolve().parents[1] / "scenarios" / "history" / "1935-ethiopia.yaml"
COW = {325: "ITA", 530: "ETH", 200: "GBR", 220: "FRA", 365: "SUN", 305: "AUT", 310: "HUN", 339: "ALB"}
LEAGUE_IN_FILE = {"GBR", "FRA", "SUN", "AUT", "HUN", "ALB"}


def test_the_replay_has_the_one_war_of_the_record_on_its_day():
    assert wars_begun(FILE) == {(frozenset(("ITA", "ETH")), 1)}


def test_the_war_ends_with_the_fall_of_addis_ababa():
    ending = load(FILE).inject("addis-falls")
    assert (str(ending.kind), ending.turn, ending.target) == ("ceasefire", 32, "ETH")


def test_every_answer_comes_from_the_record():
    assert every_answer_from_the_record(FILE)


def test_the_invasion_brings_the_covenant_into_play_for_every_member_in_the_file():
    bound = {ally for ally, treaty in bound_by(FILE, "invasion") if treaty == "league-covenant"}
    assert bound == LEAGUE_IN_FILE


def test_no_one_fights_for_ethiopia_and_the_league_answers_in_words_and_trade():
    answers = recorded_answers(FILE, "invasion")
    assert set(answers) == LEAGUE_IN_FILE | {"USA", "DEU"}
    assert all(r.rank < Response.FULL.rank for r in answers.values())
    assert {s for s, r in answers.items() if r is Response.DIPLOMATIC} == {"GBR", "FRA", "SUN", "USA"}


@pytest.mark.parametrize("state", ["AUT", "HUN", "ALB"])
def test_italys_partners_refused_the_sanctions(state: str):
    assert recorded_answers(FILE, "invasion")[state] is Response.NEUTRAL


def test_ethiopia_asked_the_league_members_in():
    invasion = load(FILE).inject("invasion")
    assert set(invasion.invites) == LEAGUE_IN_FILE


def test_the_treaties_outside_atop_are_marked_so():
    scenario = load(FILE)
    for treaty in ("league-covenant", "tripartite-1906"):
        coded = scenario.treaty(treaty)
        assert {o.type for o in coded.obligations} == {ObligationType.CONSULTATION}
    assert "ETH" not in scenario.treaty("tripartite-1906").members


# The pacts ATOP ends on the day of the invasion or within it are read on the day before.
@pytest.mark.parametrize("treaty, atop_id", [
    ("italo-ethiopian-1928", 2225), ("italo-albanian-1927", 2205), ("italo-soviet-1933", 2305),
    ("rome-protocols", 2335), ("rome-accords-1935", 2350), ("stresa-1935", 2355)])
def test_members_and_obligation_types_are_atops(treaty: str, atop_id: int):
    members, types = atop_alliance(atop_id, (1935, 10, 2))
    coded = load(FILE).treaty(treaty)
    assert set(coded.members) == {COW[c] for c in members if c in COW}
    assert {str(o.type) for o in coded.obligations} == types
