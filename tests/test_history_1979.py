"""The Sino-Vietnamese War of 1979 replays the record: one war, on its day; the Soviet
answer under the treaty of 1978 short of war; the treaty as ATOP codes it."""
from __future__ import annotations

from pathlib import Path

from engine.events import DecisionTaken, Honoured
from engine.model import Response
from engine.scenario import load
from tests.test_history_common import atop_alliance, replayed, wars_begun

FILE = Path(__file__).resolve().parents[1] / "scenarios" / "history" / "1979-sino-vietnamese.yaml"


def _events() -> tuple:
    return replayed(FILE)


def test_the_replay_has_the_one_war_of_the_record_on_its_day():
    assert wars_begun(FILE) == {(frozenset(("CHN", "VNM")), 1)}


def test_the_soviet_union_honours_its_consultation_treaty_short_of_war():
    answers = {e.state: Response(e.response) for e in _events() if isinstance(e, DecisionTaken)}
    assert answers == {"SUN": Response.LIMITED, "USA": Response.NEUTRAL, "LAO": Response.DIPLOMATIC}
    assert {(e.state, e.treaty) for e in _events() if isinstance(e, Honoured)} == {
        ("SUN", "soviet-vietnamese-1978")}


def test_the_treaty_is_atops_consultation_pact():
    members, types = atop_alliance(3825, (1979, 2, 17))
    assert members == {365, 816}
    assert types == {"consultation"}
    treaty = load(FILE).treaty("soviet-vietnamese-1978")
    assert [str(o.type) for o in treaty.obligations] == ["consultation"]
