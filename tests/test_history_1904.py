"""The Russo-Japanese War of 1904-05 replays the record: one war, from Port Arthur to
Portsmouth; both belligerents' allies keep to the letter of their treaties (Britain's
neutrality, France's consultation) and neither fights; the outside powers answer where the
record puts them; the treaties are ATOP's."""
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
    wars_ended,
)

FILE = Path(__file__).resolve().parents[1] / "scenarios" / "history" / "1904-russo-japanese.yaml"
COW = {200: "GBR", 220: "FRA", 255: "DEU", 365: "RUS", 740: "JPN"}


def test_the_replay_has_the_one_war_of_the_record_from_port_arthur():
    assert wars_begun(FILE) == {(frozenset(("JPN", "RUS")), 1)}


def test_the_treaty_of_portsmouth_ends_the_war_in_the_last_turn():
    assert wars_ended(FILE) == {(frozenset(("JPN", "RUS")), 19)}


def test_the_dogger_bank_begins_no_war():
    assert all("GBR" not in pair for pair, _ in wars_begun(FILE))


def test_every_answer_comes_from_the_record():
    assert every_answer_from_the_record(FILE)


@pytest.mark.parametrize("state, response", [
    ("GBR", Response.DIPLOMATIC),
    ("FRA", Response.LIMITED),
    ("DEU", Response.LIMITED),
    ("USA", Response.DIPLOMATIC),
    ("CHN", Response.NEUTRAL),
    ("AUH", Response.NEUTRAL),
    ("KOR", Response.LIMITED),
])
def test_each_power_answers_japans_attack_as_the_record_says(state: str, response: Response):
    assert recorded_answers(FILE, "port-arthur")[state] is response


def test_france_mediates_the_dogger_bank():
    assert recorded_answers(FILE, "dogger-bank") == {"FRA": Response.DIPLOMATIC}


def test_no_one_fights_beside_either_belligerent():
    answers = recorded_answers(FILE)
    assert set(answers) == {"GBR", "FRA", "DEU", "USA", "CHN", "AUH", "KOR"}
    assert all(r is not Response.FULL for r in answers.values())


def test_britain_owes_japan_neutrality_and_no_arms_against_one_enemy():
    """Arts. II-III of 1902: neutrality toward an ally at war with one power; arms only once a
    second power joins the enemy."""
    bound = bound_by(FILE, "port-arthur")
    assert ("GBR", "anglo-japanese-1902") in bound
    assert not {(a, t) for a, t in bound_by(FILE, "port-arthur", ObligationType.DEFENSE) | bound_by(
        FILE, "port-arthur", ObligationType.OFFENSE) if a == "GBR"}
    assert ("GBR", "anglo-japanese-1902") in bound_by(FILE, "port-arthur", ObligationType.NEUTRALITY)
    offense = next(o for o in load(FILE).treaty("anglo-japanese-1902").obligations
                   if o.type is ObligationType.OFFENSE)
    assert offense.min_adversaries == 2


def test_france_owes_russia_consultation_not_war_against_japan():
    assert bound_by(FILE, "port-arthur", ObligationType.DEFENSE) == set()
    assert bound_by(FILE, "port-arthur", ObligationType.CONSULTATION) == {("FRA", "franco-russian-1891")}


def test_the_dogger_bank_brings_no_obligation_into_play():
    """Russia is the attacker (France's consultation is owed to an attacked partner), and the
    North Sea lies outside the Anglo-Japanese articles' Far East."""
    assert bound_by(FILE, "dogger-bank") == set()


def test_each_answer_falls_within_the_war():
    scenario = load(FILE)
    start, end = scenario.inject("port-arthur").turn, scenario.inject("portsmouth").turn
    assert all(start <= e.turn <= end for e in scenario.script)


@pytest.mark.parametrize("treaty, atop_id", [
    ("anglo-japanese-1902", 1415), ("franco-russian-1891", 1380), ("franco-russian-1893", 1385)])
def test_members_and_obligation_types_are_atops(treaty: str, atop_id: int):
    members, types = atop_alliance(atop_id, (1904, 2, 8))
    coded = load(FILE).treaty(treaty)
    assert set(coded.members) == {COW[c] for c in members}
    assert {str(o.type) for o in coded.obligations} == types
