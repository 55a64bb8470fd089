"""The Sand War of 1963 replays the record: one war, Morocco's, on its day and ended by the
cease-fire of 2 November; every answer the record's; the treaties as ATOP codes them."""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from engine.events import WarBegun
from engine.game import Game
from engine.model import ObligationType, Response
from engine.scenario import load
from engine.state import Mode
from tests.test_history_common import (
    atop_alliance,
    bound_by,
    every_answer_from_the_record,
    recorded_answers,
    replayed,
    wars_begun,
)

FILE = Path(__file__).resolve().parents[1] / "scenarios" / "history" / "1963-sand-war.yaml"
COW = {600: "MAR", 615: "DZA", 651: "EGY", 616: "TUN", 625: "SDN", 220: "FRA"}
ATTACK_DAY = (1963, 10, 8)


def test_the_replay_has_the_one_war_of_the_record_on_its_day():
    assert wars_begun(FILE) == {(frozenset(("MAR", "DZA")), 1)}


def test_the_war_is_moroccos():
    war = next(e for e in replayed(FILE) if isinstance(e, WarBegun))
    assert (war.aggressor, war.defender) == ("MAR", "DZA")


@pytest.mark.parametrize("turn, ended", [(25, False), (26, True), (42, True)])
def test_the_ceasefire_of_2_november_ends_the_war(turn: int, ended: bool):
    game = Game.new(load(FILE), mode=Mode.REPLAY)
    game.play()
    assert (frozenset(("MAR", "DZA")) in game.at(turn).truces) is ended


def test_every_answer_comes_from_the_record():
    assert every_answer_from_the_record(FILE)


@pytest.mark.parametrize("state, level", [
    ("EGY", Response.LIMITED), ("CUB", Response.LIMITED), ("USA", Response.NEUTRAL),
    ("FRA", Response.NEUTRAL), ("ETH", Response.DIPLOMATIC), ("MLI", Response.DIPLOMATIC),
    ("TUN", Response.DIPLOMATIC), ("SDN", Response.DIPLOMATIC),
])
def test_each_answer_is_the_recorded_level(state: str, level: Response):
    assert recorded_answers(FILE, "sand-war")[state] == level


def test_no_outside_state_fights_and_none_helps_morocco():
    answers = recorded_answers(FILE).values()
    assert all(Response.NEUTRAL.rank <= r.rank <= Response.LIMITED.rank for r in answers)


def test_moroccos_attack_brings_no_defence_promise_into_play():
    """Algeria was in no defence pact; Egypt's to Morocco binds it to the attacker."""
    assert bound_by(FILE, "sand-war", ObligationType.DEFENSE) == set()
    consulted = {ally for ally, _ in bound_by(FILE, "sand-war", ObligationType.CONSULTATION)}
    assert {"EGY", "TUN", "SDN", "ETH", "MLI"} <= consulted
    assert "FRA" not in consulted


def test_every_state_an_obligation_binds_has_a_recorded_answer():
    bound = {ally for ally, _ in bound_by(FILE, "sand-war")} - {"MAR", "DZA"}
    assert bound <= set(recorded_answers(FILE, "sand-war"))


def test_the_oau_charter_is_not_in_atop_and_binds_no_defence():
    raw = yaml.safe_load(FILE.read_text(encoding="utf-8"))
    charter = next(t for t in raw["treaties"] if t["id"] == "oau-charter")
    assert charter["x-atop"] is None
    assert {str(o.type) for o in load(FILE).treaty("oau-charter").obligations} == {"nonaggression", "consultation"}


@pytest.mark.parametrize("treaty, atop_id", [
    ("arab-league-pact", 3015), ("arab-league-defence", 3205), ("france-morocco-1956", 3315),
])
def test_members_and_obligation_types_are_atops(treaty: str, atop_id: int):
    members, types = atop_alliance(atop_id, ATTACK_DAY)
    coded = load(FILE).treaty(treaty)
    assert set(coded.members) <= {COW[c] for c in members if c in COW}
    assert {str(o.type) for o in coded.obligations} == types


def test_algeria_was_not_in_the_joint_defence_treaty():
    members, _ = atop_alliance(3205, ATTACK_DAY)
    assert 600 in members and 615 not in members
