"""The Uganda-Tanzania War of 1978-79 replays the record: Uganda's invasion begins the war on
its day, Mozambique's battalion and Libya's army join it on theirs, Tanzania's invasion of
Uganda begins no second war between the two; every answer comes from the record; Sudan's
defence pact, the one treaty in play, is ATOP's and is not honoured."""
from __future__ import annotations

import csv
from pathlib import Path

import pytest

from engine.events import Breach, DecisionTaken, Honoured
from engine.model import ObligationType, Response
from engine.scenario import load
from tests.test_history_common import (
    ATOP_MEMBERS,
    atop_alliance,
    bound_by,
    every_answer_from_the_record,
    recorded_answers,
    replayed,
    wars_begun,
)

FILE = Path(__file__).resolve().parents[1] / "scenarios" / "history" / "1978-uganda-tanzania.yaml"
COW = {500: "UGA", 510: "TZA", 625: "SDN", 620: "LBY"}


def test_the_replay_has_the_wars_of_the_record_on_their_days():
    # Uganda's invasion (30 October 1978); Mozambique's battalion in the counter-offensive
    # (November); Libya's troops at Lukaya (March 1979). Tanzania's crossing of January 1979
    # falls inside the war of turn 1: there was no ceasefire between.
    assert wars_begun(FILE) == {
        (frozenset(("UGA", "TZA")), 1),
        (frozenset(("MOZ", "UGA")), 4),
        (frozenset(("LBY", "TZA")), 19),
    }


def test_every_answer_comes_from_the_record():
    assert every_answer_from_the_record(FILE)


@pytest.mark.parametrize("attack, bound", [
    # No treaty binds anyone to Tanzania; Uganda's invasion brings in no pact of its own.
    ("kagera-invasion", set()),
    # Tanzania's invasion brings in Sudan's defence pact with Uganda.
    ("uganda-invasion", {("SDN", "sudan-uganda-1972")}),
])
def test_the_allies_an_attack_binds(attack: str, bound: set[tuple[str, str]]):
    assert bound_by(FILE, attack, ObligationType.DEFENSE) == bound


@pytest.mark.parametrize("attack, state, response", [
    ("kagera-invasion", "MOZ", Response.FULL),
    ("kagera-invasion", "ZMB", Response.DIPLOMATIC),
    ("kagera-invasion", "ETH", Response.DIPLOMATIC),
    ("kagera-invasion", "KEN", Response.NEUTRAL),
    ("kagera-invasion", "GBR", Response.DIPLOMATIC),
    ("uganda-invasion", "LBY", Response.FULL),
    ("uganda-invasion", "SUN", Response.NEUTRAL),
    ("uganda-invasion", "SDN", Response.DIPLOMATIC),
    ("uganda-invasion", "NGA", Response.DIPLOMATIC),
])
def test_each_answer_is_the_records(attack: str, state: str, response: Response):
    assert recorded_answers(FILE, attack)[state] == response


def test_libya_fights_without_a_treaty_and_sudan_stays_out_with_one():
    events = replayed(FILE)
    fought = {e.state for e in events if isinstance(e, DecisionTaken)
              and Response(e.response) == Response.FULL}
    assert fought == {"MOZ", "LBY"}
    scenario = load(FILE)
    assert not any("LBY" in t.members for t in scenario.treaties)
    assert {(e.state, e.treaty) for e in events if isinstance(e, Honoured)} == set()
    assert {(e.state, e.treaty) for e in events if isinstance(e, Breach)} == {("SDN", "sudan-uganda-1972")}


def test_the_second_attack_is_coded_provoked_and_the_first_not():
    scenario = load(FILE)
    assert scenario.inject("kagera-invasion").provoked is False
    assert scenario.inject("uganda-invasion").provoked is True


def test_each_invitation_names_the_states_the_record_gives():
    scenario = load(FILE)
    assert set(scenario.inject("kagera-invasion").invites) == {"MOZ"}
    assert set(scenario.inject("uganda-invasion").invites) == {"LBY", "SUN"}


def test_the_pact_is_atops_defence_pact_in_force_on_both_attacks():
    for day in ((1978, 10, 30), (1979, 1, 20)):
        members, types = atop_alliance(3700, day)
        assert members == {500, 625}
        assert types == {"defense"}
    coded = load(FILE).treaty("sudan-uganda-1972")
    assert set(coded.members) == {COW[c] for c in members}
    assert {str(o.type) for o in coded.obligations} == types


def test_atop_codes_no_libya_uganda_pact():
    # Libya fought for Uganda under no alliance ATOP codes: none of ATOP's alliances in force
    # when Tanzania crossed the border has both as members.
    if not ATOP_MEMBERS.is_file():
        pytest.skip(f"no ATOP data at {ATOP_MEMBERS} (set CASUS_DATA)")
    with ATOP_MEMBERS.open(newline="", encoding="utf-8") as handle:
        ids = {int(row["atopid"]) for row in csv.DictReader(handle) if row["member"] in ("500", "620")}
    shared = [i for i in ids if {500, 620} <= atop_alliance(i, (1979, 1, 20))[0]]
    assert shared == []
