"""The Sino-Vietnamese War of 1979 replays the record: one war, on its day; the Soviet
answer under the treaty of 1978 short of war; the treaty as ATOP codes it."""
from __future__ import annotations

import csv
from pathlib import Path

import pytest

from engine.events import DecisionTaken, Honoured, WarBegun
from engine.model import Response
from engine.scenario import load
from tests.test_history_common import replayed

FILE = Path(__file__).resolve().parents[1] / "scenarios" / "history" / "1979-sino-vietnamese.yaml"
ATOP_MEMBERS = Path(__file__).resolve().parents[2] / "shared" / "data" / "atop" / "atop4_01m.csv"


def _events() -> tuple:
    return replayed(FILE)


def test_the_replay_has_the_one_war_of_the_record_on_its_day():
    wars = {(frozenset((e.aggressor, e.defender)), e.turn) for e in _events() if isinstance(e, WarBegun)}
    assert wars == {(frozenset(("CHN", "VNM")), 1)}


def test_the_soviet_union_honours_its_consultation_treaty_short_of_war():
    answers = {e.state: Response(e.response) for e in _events() if isinstance(e, DecisionTaken)}
    assert answers == {"SUN": Response.LIMITED, "USA": Response.NEUTRAL, "LAO": Response.DIPLOMATIC}
    assert {(e.state, e.treaty) for e in _events() if isinstance(e, Honoured)} == {
        ("SUN", "soviet-vietnamese-1978")}


def test_the_treaty_is_atops_consultation_pact():
    if not ATOP_MEMBERS.is_file():
        pytest.skip("ATOP reference data not present")
    with ATOP_MEMBERS.open(newline="", encoding="utf-8") as handle:
        rows = [r for r in csv.DictReader(handle) if r["atopid"] == "3825"]
    assert {int(r["member"]) for r in rows} == {365, 816}
    assert all(r["consul"] == "1" and r["defense"] == "0" for r in rows)
    treaty = load(FILE).treaty("soviet-vietnamese-1978")
    assert [str(o.type) for o in treaty.obligations] == ["consultation"]
