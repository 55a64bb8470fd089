"""The Indo-Pakistani War of 1971 replays the record: one war, on its day; every answer
from the record; no ally fights for Pakistan; the treaties as ATOP codes them."""
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
    replayed,
    wars_begun,
)

FILE = Path(__file__).resolve().parents[1] / "scenarios" / "history" / "1971-indo-pakistani.yaml"
COW = {2: "USA", 200: "GBR", 220: "FRA", 770: "PAK", 640: "TUR", 630: "IRN", 750: "IND", 365: "SUN"}
START = (1971, 12, 3)


def _events() -> tuple:
    return replayed(FILE)


def _answers(inject: str) -> dict[str, Response]:
    return recorded_answers(FILE, inject)


def _bound(inject: str, kind: ObligationType) -> set[tuple[str, str]]:
    return bound_by(FILE, inject, kind)


def test_the_replay_has_the_one_war_of_the_record_on_its_day():
    assert wars_begun(FILE) == {(frozenset(("PAK", "IND")), 1)}


def test_every_answer_comes_from_the_record():
    assert every_answer_from_the_record(FILE)


def test_no_ally_fights_for_pakistan_and_the_help_is_short_of_war():
    answers = _answers("indian-offensive")
    assert set(answers) == {"USA", "GBR", "FRA", "TUR", "IRN", "CHN", "JOR", "SUN"}
    assert all(r.rank < Response.FULL.rank for r in answers.values())
    assert {s for s, r in answers.items() if r is Response.LIMITED} == {"USA", "IRN", "JOR"}
    assert answers["SUN"] is Response.HOSTILE


def test_the_soviet_union_answers_for_india_with_its_vote_not_its_forces():
    assert _answers("chengiz-khan") == {"SUN": Response.DIPLOMATIC}


@pytest.mark.parametrize("inject, bound, free", [
    ("indian-offensive", {("GBR", "seato"), ("FRA", "seato"), ("USA", "us-pakistan-1959")},
     {("USA", "seato")}),
    ("chengiz-khan", set(), {("USA", "seato"), ("USA", "us-pakistan-1959")}),
])
def test_who_owes_defence(inject: str, bound: set[tuple[str, str]], free: set[tuple[str, str]]):
    """India's war brings the defence promises to Pakistan into play, except SEATO's
    American one, which covers communist aggression only; Pakistan's strike on India
    brings none: the Indo-Soviet treaty promises consultation, not defence."""
    owed = _bound(inject, ObligationType.DEFENSE)
    assert bound <= owed
    assert not free & owed
    assert not any(treaty == "indo-soviet-1971" for _, treaty in owed)


def test_the_indo_soviet_treaty_calls_for_consultation_when_india_is_attacked():
    assert ("SUN", "indo-soviet-1971") in _bound("chengiz-khan", ObligationType.CONSULTATION)
    assert ("SUN", "indo-soviet-1971") not in _bound("indian-offensive", ObligationType.CONSULTATION)


@pytest.mark.parametrize("treaty, atop_id", [
    ("seato", 3260), ("cento", 3275), ("us-pakistan-1959", 3355), ("indo-soviet-1971", 3675)])
def test_members_and_obligation_types_are_atops(treaty: str, atop_id: int):
    members, types = atop_alliance(atop_id, START)
    coded = load(FILE).treaty(treaty)
    assert set(coded.members) == {COW[c] for c in members if c in COW}
    assert {str(o.type) for o in coded.obligations} == types