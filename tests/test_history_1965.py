"""The Indo-Pakistani War of 1965 replays the record: one war, on its day; the allies'
answers where the record puts them; the treaties as ATOP codes them."""
from __future__ import annotations

from pathlib import Path

import pytest

from engine.events import DecisionTaken
from engine.model import ObligationType, Response
from engine.network import AllianceGraph
from engine.scenario import load
from engine.world import World
from tests.test_history_common import atop_alliance, every_answer_from_the_record, replayed, wars_begun

FILE = Path(__file__).resolve().parents[1] / "scenarios" / "history" / "1965-indo-pakistani.yaml"
COW = {2: "USA", 200: "GBR", 220: "FRA", 900: "AUS", 770: "PAK", 640: "TUR", 630: "IRN"}


def _events() -> tuple:
    return replayed(FILE)


def test_the_replay_has_the_one_war_of_the_record_on_its_day():
    assert wars_begun(FILE) == {(frozenset(("PAK", "IND")), 1)}


def test_every_answer_comes_from_the_record():
    assert every_answer_from_the_record(FILE)


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
    members, types = atop_alliance(atop_id, (1965, 9, 6))
    coded = load(FILE).treaty(treaty)
    assert set(coded.members) <= {COW[c] for c in members if c in COW}
    assert {str(o.type) for o in coded.obligations} == types