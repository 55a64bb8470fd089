"""The invasion of Czechoslovakia in 1968 replays the record: an unresisted attack that begins
no war; the bloc's leader and three members attack a fourth; the members who stayed out are
bound to defend it and none does; the treaties as ATOP codes them."""
from __future__ import annotations

from pathlib import Path

import pytest

from engine.events import Breach, MemberWithdrew
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

FILE = Path(__file__).resolve().parents[1] / "scenarios" / "history" / "1968-czechoslovakia.yaml"
COW = {365: "SUN", 290: "POL", 265: "DDR", 315: "CSK", 310: "HUN", 355: "BGR", 360: "ROU", 339: "ALB"}
INVADERS = {"SUN", "POL", "HUN", "BGR"}
ATTACK = "operation-danube"


def test_the_unresisted_invasion_begins_no_war():
    # COW codes no interstate war: Czechoslovakia's army was ordered not to resist.
    inject = load(FILE).inject(ATTACK)
    assert set(inject.actors) == INVADERS and inject.target == "CSK"
    assert inject.resisted is False
    assert wars_begun(FILE) == set()


def test_czechoslovakia_asked_no_one_in():
    assert load(FILE).inject(ATTACK).invites == ()


def test_every_answer_comes_from_the_record():
    assert every_answer_from_the_record(FILE)


def test_the_members_who_stayed_out_are_bound_to_defend_czechoslovakia():
    assert bound_by(FILE, ATTACK, ObligationType.DEFENSE) == {
        ("DDR", "warsaw-treaty"), ("ROU", "warsaw-treaty"), ("ALB", "warsaw-treaty"),
        ("DDR", "gdr-czechoslovak-1967"), ("ROU", "romanian-czechoslovak-1968"),
    }


def test_each_invader_breaks_the_warsaw_treatys_non_aggression():
    breakers = {e.state for e in replayed(FILE) if isinstance(e, Breach)
                and e.type == ObligationType.NONAGGRESSION and e.treaty == "warsaw-treaty"}
    assert breakers == INVADERS


def test_no_bound_member_helps_and_east_germany_serves_the_attackers():
    answers = recorded_answers(FILE, ATTACK)
    assert answers["DDR"] is Response.HOSTILE
    assert answers["ROU"] is Response.DIPLOMATIC and answers["ALB"] is Response.DIPLOMATIC
    assert not INVADERS & set(answers), "the attackers are not asked"


@pytest.mark.parametrize("state", ["USA", "GBR", "FRA", "FRG", "CAN", "YUG", "CHN"])
def test_the_outside_powers_protest_and_do_no_more(state: str):
    assert recorded_answers(FILE, ATTACK)[state] is Response.DIPLOMATIC


def test_albania_leaves_the_pact_on_13_september():
    left = [e for e in replayed(FILE) if isinstance(e, MemberWithdrew)]
    assert [(e.member, e.treaty, e.turn) for e in left] == [("ALB", "warsaw-treaty", 25)]


@pytest.mark.parametrize("treaty, atop_id", [
    ("soviet-czechoslovak-1943", 2563), ("warsaw-treaty", 3285), ("polish-czechoslovak-1967", 3540),
    ("gdr-czechoslovak-1967", 3550), ("bulgarian-czechoslovak-1968", 3595),
    ("hungarian-czechoslovak-1968", 3605), ("romanian-czechoslovak-1968", 3610),
])
def test_members_and_obligation_types_are_atops(treaty: str, atop_id: int):
    members, types = atop_alliance(atop_id, (1968, 8, 20))
    coded = load(FILE).treaty(treaty)
    assert set(coded.members) == {COW[c] for c in members}
    assert {str(o.type) for o in coded.obligations} == types
