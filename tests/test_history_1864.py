"""The Second Schleswig War of 1864 replays the record: Prussia's and Austria's wars with
Denmark on the day of the invasion; the federal execution a threat, not an attack; every
answer the record's, none of them a fight for Denmark; the treaties as ATOP codes them."""
from __future__ import annotations

import csv
from pathlib import Path

import pytest
import yaml

from engine.model import ATTACK_KINDS, ObligationType, Response
from engine.scenario import load
from tests.test_history_common import (
    ATOP_MEMBERS,
    atop_alliance,
    bound_by,
    every_answer_from_the_record,
    recorded_answers,
    wars_begun,
)

FILE = Path(__file__).resolve().parents[1] / "scenarios" / "history" / "1864-schleswig.yaml"
COW = {255: "PRU", 300: "AUH", 269: "SAX", 240: "HAN", 390: "DEN"}
SIGNATORIES = {"GBR", "FRA", "RUS", "SWE"}


def test_the_replay_has_the_two_wars_of_the_record_on_the_day_of_the_invasion():
    # 1 February 1864 is turn 8; the federal execution of turn 2 begins no war.
    assert wars_begun(FILE) == {(frozenset(("PRU", "DEN")), 8), (frozenset(("AUH", "DEN")), 8)}


def test_every_answer_comes_from_the_record():
    assert every_answer_from_the_record(FILE)


def test_the_federal_execution_is_a_threat_to_denmark_not_an_attack():
    scenario = load(FILE)
    execution = scenario.inject("federal-execution")
    assert execution.kind not in ATTACK_KINDS
    assert scenario.threatens(execution)
    assert set(execution.actors) == {"SAX", "HAN", "AUH", "PRU"}


@pytest.mark.parametrize("inject", ["federal-execution", "schleswig-invaded"])
def test_the_other_signatories_of_1852_answer_each_step(inject: str):
    assert set(recorded_answers(FILE, inject)) >= SIGNATORIES


def test_nobody_fights_for_denmark():
    answers = recorded_answers(FILE)
    assert set(answers) == SIGNATORIES | {"SAX", "HAN"}
    assert all(r.rank <= Response.DIPLOMATIC.rank for r in answers.values())
    assert all(r is not Response.HOSTILE for r in answers.values())


@pytest.mark.parametrize("state, response", [
    ("GBR", Response.DIPLOMATIC),   # the conference, never the fleet
    ("SWE", Response.DIPLOMATIC),   # the conference; the king's volunteers were private men
    ("SAX", Response.NEUTRAL),      # the execution force stood aside in Holstein
])
def test_the_war_answers_of_the_record(state: str, response: Response):
    assert recorded_answers(FILE, "schleswig-invaded")[state] is response


def test_the_treaty_of_london_owes_denmark_consultation_only_and_not_from_the_invaders():
    bound = bound_by(FILE, "schleswig-invaded")
    assert {ally for ally, treaty in bound if treaty == "london-1852"} == SIGNATORIES
    assert bound_by(FILE, "schleswig-invaded", ObligationType.DEFENSE) == set()


def test_denmark_invites_britain_against_the_invasion():
    assert load(FILE).inject("schleswig-invaded").invites == ("GBR",)


@pytest.mark.parametrize("treaty, atop_id", [("german-confederation", 1020), ("austro-prussian-1864", 1245)])
def test_members_and_obligation_types_are_atops(treaty: str, atop_id: int):
    members, types = atop_alliance(atop_id, (1864, 2, 1))
    coded = load(FILE).treaty(treaty)
    assert set(coded.members) <= {COW[c] for c in members if c in COW}
    assert {str(o.type) for o in coded.obligations} == types


def test_atop_codes_no_danish_alliance_in_force_so_the_treaty_of_1852_is_coded_from_its_text():
    atop_alliance(1020, (1864, 2, 1))  # skips the test where the data are absent
    with ATOP_MEMBERS.open(newline="", encoding="utf-8") as handle:
        danish = [row for row in csv.DictReader(handle) if row["member"] == "390"
                  and int(row["yrent"]) <= 1864 and (row["yrexit"] in ("", "0") or int(row["yrexit"]) >= 1864)]
    assert danish == []
    raw = yaml.safe_load(FILE.read_text(encoding="utf-8"))
    london = next(t for t in raw["treaties"] if t["id"] == "london-1852")
    assert "x-atop" in london and london["x-atop"] is None
