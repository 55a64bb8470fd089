"""The Suez crisis of 1956 replays the record: Israel's war on its day and Britain's and
France's on theirs under the Sèvres protocol; every answer from the record; no Arab ally
fights for Egypt; the treaties as ATOP codes them."""
from __future__ import annotations

from pathlib import Path

import pytest

from engine.events import DecisionTaken
from engine.model import ObligationType, Response
from engine.network import AllianceGraph
from engine.scenario import load
from engine.world import World
from tests.test_history_common import (
    atop_alliance,
    every_answer_from_the_record,
    recorded_answers,
    replayed,
    wars_begun,
)

FILE = Path(__file__).resolve().parents[1] / "scenarios" / "history" / "1956-suez.yaml"
START = (1956, 10, 29)
COW = {2: "USA", 20: "CAN", 200: "GBR", 220: "FRA", 365: "SUN", 645: "IRQ", 651: "EGY",
       652: "SYR", 663: "JOR", 666: "ISR", 670: "SAU"}
ARAB_ALLIES = ("SYR", "JOR", "SAU", "IRQ")


def _events() -> tuple:
    return replayed(FILE)


def _answers() -> dict[str, Response]:
    return recorded_answers(FILE)


def test_the_replay_has_the_three_wars_of_the_record_on_their_days():
    assert wars_begun(FILE) == {(frozenset(("ISR", "EGY")), 1), (frozenset(("GBR", "EGY")), 3),
                    (frozenset(("FRA", "EGY")), 3)}


def test_every_answer_comes_from_the_record():
    assert every_answer_from_the_record(FILE)


def test_every_state_the_record_names_answers_once_and_only_they_answer():
    assert set(_answers()) == {"GBR", "FRA", "SYR", "JOR", "SAU", "IRQ", "USA", "SUN", "CAN"}


@pytest.mark.parametrize("state", ARAB_ALLIES)
def test_no_arab_ally_fights_or_arms_egypt(state: str):
    assert _answers()[state] is Response.DIPLOMATIC


@pytest.mark.parametrize("state", ["GBR", "FRA"])
def test_britain_and_france_join_israel_under_the_protocol(state: str):
    decision = next(e for e in _events() if isinstance(e, DecisionTaken) and e.state == state)
    assert Response(decision.response) is Response.FULL
    assert decision.turn == 3


def test_the_guarantors_of_the_armistice_lines_are_bound_to_egypt_and_two_to_israel():
    scenario = load(FILE)
    attack = next(e.attack for e in _events() if getattr(e, "attack", None) is not None
                  and getattr(e.attack, "id", None) == "sinai-attack")
    bound = {(t.ally, t.treaty, t.type) for t in AllianceGraph(World.initial(scenario)).binding(attack)}
    guarantors = {(s, "tripartite-declaration", ObligationType.DEFENSE) for s in ("USA", "GBR", "FRA")}
    assert guarantors <= bound
    assert {(s, "sevres-protocol", ObligationType.OFFENSE) for s in ("GBR", "FRA")} <= bound
    assert not any(t == "nato" for _, t, _ in bound)


@pytest.mark.parametrize("treaty, atop_id", [
    ("arab-league-defence", 3205), ("egypt-syria-1955", 3300), ("egypt-saudi-1955", 3305),
    ("jidda-pact-1956", 3310), ("sevres-protocol", 3322), ("anglo-egyptian-1954", 3265),
    ("anglo-jordanian-1948", 3125), ("baghdad-pact", 3275), ("uk-iraq-1955", 3280), ("nato", 3180)])
def test_members_and_obligation_types_are_atops(treaty: str, atop_id: int):
    members, types = atop_alliance(atop_id, START)
    coded = load(FILE).treaty(treaty)
    assert set(coded.members) == {COW[c] for c in members if c in COW}
    assert {str(o.type) for o in coded.obligations} == types


def test_the_tripartite_declaration_is_owed_by_the_three_powers_only():
    declaration = load(FILE).treaty("tripartite-declaration")
    (guarantee,) = declaration.obligations
    assert set(guarantee.asymmetric_to or ()) == {"USA", "GBR", "FRA"}
    assert set(guarantee.owed_to or ()) == {"EGY", "ISR", "JOR", "SYR"}
