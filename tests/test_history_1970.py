"""Black September (1970) replays the record: Syria's invasion of Jordan is the one war, begun and
ended on its days; Jordan's allies stay out or turn against it, the states it invited answer short
of war, and every answer is the record's; the treaties are as ATOP codes them."""
from __future__ import annotations

from pathlib import Path

import pytest

from engine.model import ATTACK_KINDS, ObligationType, Response
from engine.scenario import load
from tests.test_history_common import (
    atop_alliance,
    bound_by,
    every_answer_from_the_record,
    recorded_answers,
    wars_begun,
    wars_ended,
)

FILE = Path(__file__).resolve().parents[1] / "scenarios" / "history" / "1970-black-september.yaml"
COW = {663: "JOR", 652: "SYR", 645: "IRQ", 651: "EGY", 670: "SAU", 690: "KWT", 620: "LBY"}
ATTACK = "syrian-incursion"
# The Arab states a defence obligation binds to Jordan against Syria.
BOUND = {"EGY", "IRQ", "SAU", "KWT", "LBY"}
INVITED = {"USA", "GBR", "ISR"}


def test_the_replay_has_the_one_war_of_the_record_on_its_day():
    assert wars_begun(FILE) == {(frozenset(("SYR", "JOR")), 4)}


def test_the_war_ends_with_the_syrian_withdrawal():
    assert wars_ended(FILE) == {(frozenset(("SYR", "JOR")), 9)}


def test_every_answer_comes_from_the_record():
    assert every_answer_from_the_record(FILE)


def test_the_civil_war_with_the_fedayeen_is_no_attack():
    """Only Syria's incursion is an attack: the army's offensive against the fedayeen on
    Jordan's own soil is recorded as a statement, and the PLO is no state of the file."""
    scenario = load(FILE)
    attacks = [i.id for i in scenario.injects if i.kind in ATTACK_KINDS]
    assert attacks == [ATTACK]
    assert scenario.inject("army-offensive").kind not in ATTACK_KINDS
    assert not {"PLO", "PSE"} & {s.id for s in scenario.states}


def test_syria_is_bound_to_jordan_and_breaks_the_league_treaty_by_attacking():
    assert ("SYR", "arab-league-defence") in bound_by(FILE, ATTACK, ObligationType.NONAGGRESSION)


@pytest.mark.parametrize("ally, treaty", [
    ("EGY", "arab-league-defence"), ("EGY", "uar-jordan-1967"),
    ("IRQ", "arab-league-defence"), ("IRQ", "uar-jordan-1967"),
    ("SAU", "arab-league-defence"), ("SAU", "jordan-saudi-1962"),
    ("KWT", "arab-league-defence"), ("LBY", "arab-league-defence"),
])
def test_the_invasion_brings_each_arab_defence_obligation_into_play(ally: str, treaty: str):
    assert (ally, treaty) in bound_by(FILE, ATTACK, ObligationType.DEFENSE)


def test_no_arab_ally_helps_jordan_and_three_turn_against_it():
    answers = recorded_answers(FILE, ATTACK)
    bound = {ally: answers[ally] for ally in BOUND}
    assert all(r.rank <= Response.DIPLOMATIC.rank for r in bound.values())
    assert {a for a, r in bound.items() if r is Response.HOSTILE} == {"EGY", "KWT", "LBY"}


def test_the_iraqi_division_in_jordan_stays_out():
    scenario = load(FILE)
    assert any(d.state == "IRQ" and d.host == "JOR" for d in scenario.deployments)
    assert recorded_answers(FILE, ATTACK)["IRQ"] is Response.NEUTRAL


def test_jordan_invites_friends_no_treaty_binds_and_none_of_them_fights():
    scenario = load(FILE)
    assert set(scenario.inject(ATTACK).invites) == INVITED
    assert not INVITED & {ally for ally, _ in bound_by(FILE, ATTACK)}
    answers = recorded_answers(FILE, ATTACK)
    assert {answers[s] for s in INVITED} == {Response.LIMITED, Response.DIPLOMATIC}
    assert answers["GBR"] is Response.DIPLOMATIC


def test_the_record_answers_for_the_bound_the_invited_and_the_attackers_patron():
    assert set(recorded_answers(FILE, ATTACK)) == BOUND | INVITED | {"SUN"}
    assert all(e.treaty is None for e in load(FILE).script if e.state in INVITED | {"SUN"})


@pytest.mark.parametrize("treaty, atop_id", [
    ("arab-league-defence", 3205), ("uar-jordan-1967", 3570), ("jordan-saudi-1962", 3465)])
def test_members_and_obligation_types_are_atops(treaty: str, atop_id: int):
    members, types = atop_alliance(atop_id, (1970, 9, 18))
    coded = load(FILE).treaty(treaty)
    assert set(coded.members) <= {COW[c] for c in members if c in COW}
    assert {str(o.type) for o in coded.obligations} == types
