"""The Soviet intervention in Hungary of 1956 replays the record: one war, on the day the
Soviet army attacked the Hungarian government; a bloc's leader attacking its own member,
with every other member bound to defend Hungary and answering on the leader's side; a
declaration of withdrawal that ends no one's obligation; the treaties as ATOP codes them."""
from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml

from engine.events import DecisionRequested, EffectApplied, MemberWithdrew, ObligationExamined
from engine.model import InjectKind, ObligationType, Response
from engine.scenario import load
from tests.test_history_common import (
    atop_alliance,
    bound_by,
    every_answer_from_the_record,
    recorded_answers,
    replayed,
    wars_begun,
)

FILE = Path(__file__).resolve().parents[1] / "scenarios" / "history" / "1956-hungary.yaml"
COW = {365: "SUN", 310: "HUN", 290: "POL", 315: "CSK", 360: "ROU", 355: "BGR", 265: "DDR", 339: "ALB"}
ATTACK_TURN = 13
MEMBERS = ("POL", "CSK", "ROU", "BGR", "DDR", "ALB")


@cache
def _raw() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(FILE.read_text(encoding="utf-8"))
    return data


def _triggered() -> set[tuple[str, str, str, ObligationType]]:
    """(ally, treaty, partner, type) of every obligation the attack brought into play, read
    in the replay's own world on the day of the attack."""
    return {(e.ally, e.treaty, e.partner, e.type) for e in replayed(FILE)
            if isinstance(e, ObligationExamined) and e.attack == "whirlwind" and e.triggered}


def test_the_replay_has_the_one_war_of_the_record_on_its_day():
    assert wars_begun(FILE) == {(frozenset(("SUN", "HUN")), ATTACK_TURN)}


def test_every_answer_comes_from_the_record():
    assert every_answer_from_the_record(FILE)


def test_the_first_intervention_asks_no_one_to_answer():
    scenario = load(FILE)
    first = scenario.inject("first-intervention")
    assert first.kind is InjectKind.DEPLOYMENT and not scenario.threatens(first)
    assert all(e.turn >= ATTACK_TURN for e in replayed(FILE) if isinstance(e, DecisionRequested))


@pytest.mark.parametrize("member", MEMBERS)
def test_every_member_is_bound_to_defend_hungary_against_its_leader(member: str):
    assert (member, "warsaw-treaty", "HUN", ObligationType.DEFENSE) in _triggered()
    assert (member, "warsaw-treaty", "HUN", ObligationType.CONSULTATION) in _triggered()


def test_the_leader_breaks_its_non_aggression_twice():
    broken = {(t, p) for a, t, p, k in _triggered() if a == "SUN" and k is ObligationType.NONAGGRESSION}
    assert broken == {("warsaw-treaty", "HUN"), ("soviet-hungarian-1948", "HUN")}


def test_romania_is_bound_by_the_treaty_of_1948_as_well():
    assert ("ROU", "hungarian-romanian-1948", "HUN", ObligationType.DEFENSE) in _triggered()


def test_the_declaration_of_withdrawal_changes_nothing_that_binds():
    scenario = load(FILE)
    assert scenario.inject("neutrality").kind is InjectKind.STATEMENT
    assert not any(isinstance(e, MemberWithdrew) for e in replayed(FILE))
    opening = {(ally, treaty) for ally, treaty in bound_by(FILE, "whirlwind")}
    assert opening == {(a, t) for a, t, _, _ in _triggered()}


def test_the_bloc_follows_its_leader():
    answers = recorded_answers(FILE, "whirlwind")
    assert {m: answers[m] for m in MEMBERS} == dict.fromkeys(MEMBERS, Response.HOSTILE)


def test_no_one_fights_or_arms_for_hungary():
    answers = recorded_answers(FILE, "whirlwind")
    assert set(answers) == {*MEMBERS, "YUG", "CHN", "USA", "GBR", "FRA", "AUT"}
    assert all(r.rank <= Response.DIPLOMATIC.rank for r in answers.values())


def test_the_powers_nagy_asked_answer_in_words():
    invited = set(load(FILE).inject("whirlwind").invites)
    assert invited == {"SUN", "USA", "GBR", "FRA"}
    answers = recorded_answers(FILE, "whirlwind")
    assert {answers[s] for s in invited - {"SUN"}} == {Response.DIPLOMATIC}


def test_hungary_is_a_hybrid_regime_once_the_one_party_system_ends():
    changes = [(e.turn, e.value) for e in replayed(FILE)
               if isinstance(e, EffectApplied) and e.path == "states.HUN.regime"]
    assert changes == [(8, "hybrid")]


@pytest.mark.parametrize("treaty, atop_id", [
    ("warsaw-treaty", 3285), ("soviet-hungarian-1948", 3120), ("hungarian-romanian-1948", 3110),
    ("hungarian-bulgarian-1948", 3165), ("hungarian-czechoslovak-1949", 3185)])
def test_members_and_obligation_types_are_atops(treaty: str, atop_id: int):
    members, types = atop_alliance(atop_id, (1956, 10, 23))
    coded = load(FILE).treaty(treaty)
    assert set(coded.members) == {COW[c] for c in members if c in COW}
    raw = next(t for t in _raw()["treaties"] if t["id"] == treaty)
    assert raw["x-atop"] == atop_id
    # Obligations aimed at Germany are left out and ATOP's full list kept beside them.
    assert set(raw.get("x-atop-types", types)) == types
    assert {str(o.type) for o in coded.obligations} <= types
