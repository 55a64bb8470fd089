"""The 2006 Lebanon War replays the record: Israel's campaign begins the one war between
states on 12 July and the cease-fire of resolution 1701 ends it on 14 August; Hezbollah's raid
begins none; every answer comes from the record; the Arab League's and Syria's defence pacts
bind four states to Lebanon, and none of them gives it military help; the treaties are ATOP's,
and the Syrian-Iranian agreement, which ATOP does not code, is never in play."""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from engine.events import Breach, DecisionTaken, Honoured
from engine.model import ObligationType, Response
from engine.scenario import load
from tests.test_history_common import (
    atop_alliance,
    bound_by,
    every_answer_from_the_record,
    recorded_answers,
    replayed,
    wars_begun,
    wars_ended,
)

FILE = Path(__file__).resolve().parents[1] / "scenarios" / "history" / "2006-lebanon-war.yaml"
COW = {2: "USA", 200: "GBR", 220: "FRA", 666: "ISR", 660: "LBN", 652: "SYR", 630: "IRN",
       670: "SAU", 651: "EGY", 663: "JOR"}
ARAB_ALLIES = {"SYR", "SAU", "EGY", "JOR"}


def test_the_replay_has_the_one_war_of_the_record_on_its_day():
    # Israel's campaign against Lebanon (12 July); the raid, by a group and not a state, begins
    # no war between states, and no answer is belligerency.
    assert wars_begun(FILE) == {(frozenset(("ISR", "LBN")), 1)}


def test_the_ceasefire_of_resolution_1701_ends_the_war_on_14_august():
    assert wars_ended(FILE) == {(frozenset(("ISR", "LBN")), 34)}
    assert load(FILE).inject("ceasefire").kind == "ceasefire"


def test_every_answer_comes_from_the_record():
    assert every_answer_from_the_record(FILE)


@pytest.mark.parametrize("attack, kind, bound", [
    # Israel owes no one's defence and is owed none; Jordan owes it neutrality (1994).
    ("hezbollah-raid", ObligationType.DEFENSE, set()),
    ("hezbollah-raid", ObligationType.NEUTRALITY, {("JOR", "israel-jordan-1994")}),
    # Lebanon is owed defence by the League's members here, and by Syria twice.
    ("israeli-campaign", ObligationType.DEFENSE, {
        ("SYR", "arab-league-defence"), ("SAU", "arab-league-defence"),
        ("EGY", "arab-league-defence"), ("JOR", "arab-league-defence"),
        ("SYR", "syria-lebanon-1991")}),
])
def test_the_allies_an_attack_binds(attack: str, kind: ObligationType, bound: set[tuple[str, str]]):
    assert bound_by(FILE, attack, kind) == bound


@pytest.mark.parametrize("attack, state, response", [
    ("hezbollah-raid", "USA", Response.LIMITED),
    ("hezbollah-raid", "GBR", Response.DIPLOMATIC),
    ("hezbollah-raid", "SAU", Response.DIPLOMATIC),
    ("hezbollah-raid", "EGY", Response.DIPLOMATIC),
    ("hezbollah-raid", "JOR", Response.DIPLOMATIC),
    ("hezbollah-raid", "IRN", Response.HOSTILE),
    ("hezbollah-raid", "SYR", Response.HOSTILE),
    ("israeli-campaign", "SYR", Response.DIPLOMATIC),
    ("israeli-campaign", "SAU", Response.DIPLOMATIC),
    ("israeli-campaign", "EGY", Response.DIPLOMATIC),
    ("israeli-campaign", "JOR", Response.DIPLOMATIC),
    ("israeli-campaign", "FRA", Response.DIPLOMATIC),
])
def test_each_answer_is_the_records(attack: str, state: str, response: Response):
    assert recorded_answers(FILE, attack)[state] == response


def test_the_bound_allies_stay_out_and_break_their_defence_promises():
    events = replayed(FILE)
    campaign = {e.state: Response(e.response) for e in events
                if isinstance(e, DecisionTaken) and e.attack == "israeli-campaign"}
    assert set(campaign) >= ARAB_ALLIES
    assert all(campaign[s].rank < Response.LIMITED.rank for s in ARAB_ALLIES)
    broken = {(e.state, e.treaty) for e in events if isinstance(e, Breach) and e.type is ObligationType.DEFENSE}
    assert broken == {(s, "arab-league-defence") for s in ARAB_ALLIES} | {("SYR", "syria-lebanon-1991")}
    # The consultation the same treaties owe is honoured, and Jordan's neutrality toward Israel.
    kept = {(e.state, e.treaty, e.type) for e in events if isinstance(e, Honoured)}
    assert ("JOR", "israel-jordan-1994", ObligationType.NEUTRALITY) in kept
    assert {(s, "arab-league-defence", ObligationType.CONSULTATION) for s in ARAB_ALLIES} <= kept


def test_only_a_state_outside_every_treaty_arms_the_attacked():
    events = replayed(FILE)
    armed = {e.state for e in events if isinstance(e, DecisionTaken)
             and Response(e.response).rank >= Response.LIMITED.rank}
    assert armed == {"USA"}
    assert not any({"USA", "ISR"} <= set(t.members) for t in load(FILE).treaties)


def test_the_raid_has_no_state_actor_and_israels_answer_is_coded_provoked():
    scenario = load(FILE)
    raid, campaign = scenario.inject("hezbollah-raid"), scenario.inject("israeli-campaign")
    assert raid.kind == "terrorist-attack" and not raid.actors and raid.target == "ISR"
    assert not raid.provoked
    assert list(campaign.actors) == ["ISR"]
    assert campaign.target == "LBN" and campaign.provoked


def test_the_syrian_iranian_agreement_is_not_atops_and_never_in_play():
    raw = {t["id"]: t for t in yaml.safe_load(FILE.read_text(encoding="utf-8"))["treaties"]}
    assert raw["iran-syria-2006"]["x-atop"] is None and raw["iran-syria-2006"]["x-note"]
    assert str(load(FILE).treaty("iran-syria-2006").signed) == "2006-06-15"
    for attack in ("hezbollah-raid", "israeli-campaign"):
        assert not {t for _, t in bound_by(FILE, attack)} & {"iran-syria-2006"}


@pytest.mark.parametrize("treaty, atop_id", [
    ("arab-league-defence", 3205),
    ("syria-lebanon-1991", 4030),
    ("egypt-israel-1979", 3850),
    ("israel-jordan-1994", 4640),
])
def test_members_and_obligation_types_are_atops(treaty: str, atop_id: int):
    members, types = atop_alliance(atop_id, (2006, 7, 12))
    coded = load(FILE).treaty(treaty)
    atop_members = {COW[c] for c in members if c in COW}
    assert set(coded.members) == atop_members
    assert {str(o.type) for o in coded.obligations} == types
