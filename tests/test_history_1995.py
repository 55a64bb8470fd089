"""The Cenepa War of 1995 replays the record: one war, from its day to the cease-fire of
Montevideo; the guarantors' answers where the record puts them, two of them arms for the
attacker; the Rio Treaty as ATOP codes it, binding the guarantors though no one invoked it;
the Rio Protocol, which ATOP does not code, from its text."""
from __future__ import annotations

import csv
from pathlib import Path

import pytest
import yaml

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

FILE = Path(__file__).resolve().parents[1] / "scenarios" / "history" / "1995-cenepa.yaml"
GUARANTORS = ("ARG", "BRA", "CHL", "USA")
COW = {2: "USA", 130: "ECU", 135: "PER", 140: "BRA", 155: "CHL", 160: "ARG"}


def test_the_replay_has_the_one_war_of_the_record_on_its_day():
    assert wars_begun(FILE) == {(frozenset(("ECU", "PER")), 1)}


def test_the_montevideo_cease_fire_ends_the_war_on_its_day():
    assert wars_ended(FILE) == {(frozenset(("ECU", "PER")), 34)}


def test_every_answer_comes_from_the_record():
    assert every_answer_from_the_record(FILE)


@pytest.mark.parametrize("state, response", [
    ("BRA", Response.DIPLOMATIC),
    ("USA", Response.DIPLOMATIC),
    ("CHL", Response.HOSTILE),
    ("ARG", Response.HOSTILE),
])
def test_each_guarantor_answers_as_the_record_says(state: str, response: Response):
    assert recorded_answers(FILE, "upper-cenepa")[state] is response


def test_no_one_sends_peru_arms_or_forces():
    answers = recorded_answers(FILE)
    assert set(answers) == set(GUARANTORS)
    assert all(r.rank <= Response.DIPLOMATIC.rank for r in answers.values())


def test_the_attackers_membership_of_the_rio_treaty_does_not_release_the_others():
    assert bound_by(FILE, "upper-cenepa", ObligationType.DEFENSE) == {(g, "rio") for g in GUARANTORS}


def test_the_protocol_binds_only_its_guarantors_to_assist():
    consultation = bound_by(FILE, "upper-cenepa", ObligationType.CONSULTATION)
    assert {ally for ally, treaty in consultation if treaty == "rio-protocol"} == set(GUARANTORS)


def test_the_arms_shipments_are_dated_to_the_war_not_to_the_scandal():
    """Chile's flights of 31 January and Argentina's of mid-February fall between the attack
    and the cease-fire, though both became known only afterwards."""
    entries = {e.state: e.turn for e in load(FILE).script}
    start, ceasefire = load(FILE).inject("upper-cenepa").turn, load(FILE).inject("montevideo").turn
    assert all(start <= entries[s] < ceasefire for s in ("CHL", "ARG"))


def test_the_rio_treaty_is_atops():
    members, types = atop_alliance(3075, (1995, 1, 26))
    coded = load(FILE).treaty("rio")
    assert set(coded.members) <= {COW[c] for c in members if c in COW}
    assert set(COW.values()) <= set(coded.members)
    assert {str(o.type) for o in coded.obligations} == types


def test_atop_does_not_code_the_rio_protocol():
    if not ATOP_MEMBERS.is_file():
        pytest.skip(f"no ATOP data at {ATOP_MEMBERS} (set CASUS_DATA)")
    members: dict[int, set[int]] = {}
    with ATOP_MEMBERS.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row["yrent"] == "1942":
                members.setdefault(int(row["atopid"]), set()).add(int(row["member"]))
    assert not [a for a, m in members.items() if {130, 135} <= m]
    raw = yaml.safe_load(FILE.read_text(encoding="utf-8"))
    protocol = next(t for t in raw["treaties"] if t["id"] == "rio-protocol")
    assert protocol["x-atop"] is None
