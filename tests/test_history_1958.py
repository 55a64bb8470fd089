"""The Second Taiwan Strait crisis of 1958 replays the record: one war, on its day, ended by
the even-day ceasefire; every answer where the record puts it; the 1954 treaty out of play for
the offshore islands and the Formosa Resolution in play; the treaties as ATOP codes them."""
from __future__ import annotations

from pathlib import Path

import pytest

from engine.events import WarEnded
from engine.model import ObligationType, Response
from engine.scenario import load
from tests.test_history_common import (
    atop_alliance,
    bound_by,
    every_answer_from_the_record,
    recorded_answers,
    replayed,
    wars_begun,
)

FILE = Path(__file__).resolve().parents[1] / "scenarios" / "history" / "1958-taiwan-strait.yaml"
COW = {2: "USA", 365: "SUN", 710: "CHN", 713: "TAW", 200: "GBR", 900: "AUS", 920: "NZL", 840: "PHI",
       740: "JPN"}
ATTACK = "kinmen-bombardment"


def test_the_replay_has_the_one_war_of_the_record_on_its_day():
    assert wars_begun(FILE) == {(frozenset(("CHN", "TAW")), 1)}


def test_every_answer_comes_from_the_record():
    assert every_answer_from_the_record(FILE)


def test_the_even_day_message_ends_the_war_after_every_recorded_answer():
    ended = [(frozenset((e.aggressor, e.defender)), e.turn, e.ceasefire)
             for e in replayed(FILE) if isinstance(e, WarEnded)]
    assert ended == [(frozenset(("CHN", "TAW")), 64, "even-days")]
    assert all(entry.turn < 64 for entry in load(FILE).script)


def test_the_1954_treaty_does_not_reach_kinmen_and_the_formosa_resolution_does():
    bound = bound_by(FILE, ATTACK, ObligationType.DEFENSE)
    assert ("USA", "formosa-resolution") in bound
    assert ("USA", "us-roc-1954") not in bound
    assert not {t for _, t in bound} & {"seato", "us-philippines-1951", "us-japan-1951", "sino-soviet-1950"}


@pytest.mark.parametrize("state, level", [
    ("USA", Response.LIMITED),
    ("SUN", Response.HOSTILE),
    ("GBR", Response.DIPLOMATIC),
    ("AUS", Response.DIPLOMATIC),
    ("NZL", Response.NEUTRAL),
    ("PHI", Response.DIPLOMATIC),
    ("JPN", Response.DIPLOMATIC),
])
def test_each_answer_is_the_records(state: str, level: Response):
    assert recorded_answers(FILE, ATTACK)[state] == level


def test_no_one_fights_for_the_offshore_islands():
    answers = recorded_answers(FILE)
    assert set(answers) == {"USA", "SUN", "GBR", "AUS", "NZL", "PHI", "JPN"}
    assert all(r.rank < Response.FULL.rank for r in answers.values())


@pytest.mark.parametrize("treaty, atop_id", [
    ("us-roc-1954", 3270),
    ("sino-soviet-1950", 3200),
    ("seato", 3260),
    ("us-philippines-1951", 3210),
    ("us-japan-1951", 3220),
])
def test_members_and_obligation_types_are_atops(treaty: str, atop_id: int):
    members, types = atop_alliance(atop_id, (1958, 8, 23))
    coded = load(FILE).treaty(treaty)
    assert set(coded.members) <= {COW[c] for c in members if c in COW}
    assert {str(o.type) for o in coded.obligations} == types


def test_the_formosa_resolution_is_a_one_sided_american_declaration_atop_does_not_code():
    resolution = load(FILE).treaty("formosa-resolution")
    assert str(resolution.formality) == "declaration"
    assert [o.asymmetric_to for o in resolution.obligations] == [("USA",)]
