"""The Indo-Pakistani War of 1965 replays the record: one war, on its day; the allies'
answers where the record puts them; the treaties as ATOP codes them."""
from __future__ import annotations

import csv
from pathlib import Path

import pytest

from engine.events import DecisionTaken, WarBegun
from engine.model import ObligationType, Response
from engine.network import AllianceGraph
from engine.scenario import load
from engine.world import World
from tests.test_history_common import replayed

FILE = Path(__file__).resolve().parents[1] / "scenarios" / "history" / "1965-indo-pakistani.yaml"
ATOP_MEMBERS = Path(__file__).resolve().parents[2] / "shared" / "data" / "atop" / "atop4_01m.csv"
COW = {2: "USA", 200: "GBR", 220: "FRA", 900: "AUS", 770: "PAK", 640: "TUR", 630: "IRN"}
ATOP_TYPES = {"defense": "defense", "offense": "offense", "neutral": "neutrality",
              "nonagg": "nonaggression", "consul": "consultation"}


def _events() -> tuple:
    return replayed(FILE)


def test_the_replay_has_the_one_war_of_the_record_on_its_day():
    wars = {(frozenset((e.aggressor, e.defender)), e.turn) for e in _events() if isinstance(e, WarBegun)}
    assert wars == {(frozenset(("PAK", "IND")), 1)}


def test_every_answer_comes_from_the_record():
    answers = [e for e in _events() if isinstance(e, DecisionTaken)]
    assert answers and all(e.source == "script" for e in answers)


def test_no_ally_fights_for_pakistan():
    answers = {e.state: Response(e.response) for e in _events() if isinstance(e, DecisionTaken)}
    assert set(answers) == {"USA", "GBR", "FRA", "AUS", "TUR", "IRN", "CHN", "SUN"}
    assert all(r.rank <= Response.DIPLOMATIC.rank for r in answers.values())


def test_the_american_seato_promise_covers_communist_aggression_only():
    scenario = load(FILE)
    attack = next(e.attack for e in _events() if getattr(e, "attack", None) is not None
                  and getattr(e.attack, "id", None) == "lahore-front")
    bound = {(t.ally, t.treaty) for t in AllianceGraph(World.initial(scenario)).binding(attack)
             if t.type == ObligationType.DEFENSE}
    assert ("USA", "seato") not in bound
    assert {("GBR", "seato"), ("FRA", "seato"), ("AUS", "seato"), ("USA", "us-pakistan-1959")} <= bound


@pytest.mark.parametrize("treaty, atop_id", [("seato", 3260), ("cento", 3275), ("us-pakistan-1959", 3355)])
def test_members_and_obligation_types_are_atops(treaty: str, atop_id: int):
    if not ATOP_MEMBERS.is_file():
        pytest.skip("ATOP reference data not present")
    members, types = set(), set()
    with ATOP_MEMBERS.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            entered = (int(row["yrent"]), int(row["moent"] or 0), int(row["dayent"] or 0))
            left = int(row["yrexit"] or 0)
            if int(row["atopid"]) == atop_id and entered <= (1965, 9, 6) and (left == 0 or left > 1965):
                members.add(int(row["member"]))
                types |= {ours for theirs, ours in ATOP_TYPES.items() if row[theirs] == "1"}
    coded = load(FILE).treaty(treaty)
    assert set(coded.members) <= {COW[c] for c in members if c in COW}
    assert {str(o.type) for o in coded.obligations} == types
