"""The War of the Pacific of 1879 replays the record: Chile's war with Bolivia on the day of
Antofagasta and its war with Peru on the day it declared it; a secret treaty that Chile, Argentina
and Brazil knew before the occupation and that Lima avowed to all before Chile declared war on it;
Peru's mediation for its ally, Bolivia's march beside Peru; the outside powers neutral but for the
British and American overtures for peace; the treaty as ATOP codes it."""
from __future__ import annotations

from pathlib import Path

import pytest

from engine.events import AttackMade, TreatyDisclosed
from engine.model import InjectKind, ObligationType, Response
from engine.scenario import load
from engine.world import World
from tests.test_history_common import (
    atop_alliance,
    bound_by,
    every_answer_from_the_record,
    recorded_answers,
    replayed,
    wars_begun,
)

FILE = Path(__file__).resolve().parents[1] / "scenarios" / "history" / "1879-war-of-the-pacific.yaml"
COW = {135: "PER", 145: "BOL", 155: "CHL", 160: "ARG"}
TREATY = "peru-bolivia-1873"
OUTSIDERS = {"ARG", "BRA", "GBR", "ECU", "COL", "USA"}


def test_the_replay_has_the_two_wars_of_the_record_on_their_days():
    # Antofagasta, 14 February 1879, is turn 1; the declaration of 5 April is turn 8.
    assert wars_begun(FILE) == {(frozenset(("CHL", "BOL")), 1), (frozenset(("CHL", "PER")), 8)}


def test_every_answer_comes_from_the_record():
    assert every_answer_from_the_record(FILE)


def test_the_treaty_is_secret_to_all_but_its_members_at_the_start():
    scenario = load(FILE)
    world = World.initial(scenario)
    treaty = scenario.treaty(TREATY)
    assert str(treaty.openness) == "secret"
    assert all(o.secret for o in treaty.obligations)
    assert {s.id for s in scenario.states if world.knows(s.id, TREATY)} == {"PER", "BOL"}


def _index(kind: type, turn: int, **fields: str) -> int:
    """Where in the replay's log the first event of `kind` on `turn` with these fields stands."""
    return next(i for i, e in enumerate(replayed(FILE)) if isinstance(e, kind) and e.turn == turn
                and all(getattr(e, k, None) == v for k, v in fields.items()))


def test_chile_argentina_and_brazil_know_the_treaty_before_the_occupation():
    events = replayed(FILE)
    known = _index(TreatyDisclosed, 1, treaty=TREATY)
    occupation = next(i for i, e in enumerate(events) if isinstance(e, AttackMade)
                      and e.attack.id == "antofagasta")
    assert set(events[known].to) == {"CHL", "ARG", "BRA"}
    assert known < occupation


def test_lima_avows_the_treaty_to_all_before_chile_declares_war_on_peru():
    events = replayed(FILE)
    avowed = _index(TreatyDisclosed, 8, treaty=TREATY)
    declared = next(i for i, e in enumerate(events) if isinstance(e, AttackMade)
                    and e.attack.id == "chile-declares-war")
    assert set(events[avowed].to) == {s.id for s in load(FILE).states}
    assert events[declared].turn == 8 and avowed < declared
    assert "treaty-owned" in load(FILE).inject("chile-declares-war").requires


def test_the_statements_threaten_no_one():
    scenario = load(FILE)
    statements = [i for i in scenario.injects if i.kind is InjectKind.STATEMENT]
    assert len(statements) >= 10
    assert not [i.id for i in statements if scenario.threatens(i)]


@pytest.mark.parametrize("attack, ally", [("antofagasta", "PER"), ("chile-declares-war", "BOL")])
def test_each_attack_brings_the_treaty_into_play_for_the_other_member(attack: str, ally: str):
    assert bound_by(FILE, attack, ObligationType.DEFENSE) == {(ally, TREATY)}


def test_argentina_never_acceded_and_is_bound_by_nothing():
    assert "ARG" not in load(FILE).treaty(TREATY).members
    assert all(ally != "ARG" for attack in ("antofagasta", "chile-declares-war")
               for ally, _ in bound_by(FILE, attack))


@pytest.mark.parametrize("attack, state, response", [
    ("antofagasta", "PER", Response.DIPLOMATIC),        # Lavalle's mediation, no casus foederis
    ("chile-declares-war", "BOL", Response.FULL),       # Daza's army at Tacna beside Peru
    ("antofagasta", "ARG", Response.NEUTRAL),           # the treaty it nearly joined
    ("antofagasta", "BRA", Response.NEUTRAL),
    ("chile-declares-war", "GBR", Response.DIPLOMATIC),  # overtures for peace, May 1880
    ("chile-declares-war", "ECU", Response.NEUTRAL),
    ("chile-declares-war", "COL", Response.NEUTRAL),
    ("chile-declares-war", "USA", Response.DIPLOMATIC),  # the Lackawanna conference
])
def test_each_state_answers_as_the_record_has_it(attack: str, state: str, response: Response):
    assert recorded_answers(FILE, attack)[state] is response


def test_no_outside_power_fights_or_arms_either_side():
    answers = recorded_answers(FILE)
    assert set(answers) == OUTSIDERS | {"PER", "BOL"}
    assert all(Response.NEUTRAL.rank <= answers[s].rank <= Response.DIPLOMATIC.rank for s in OUTSIDERS)


def test_the_treaty_members_and_obligation_types_are_atops():
    members, types = atop_alliance(1305, (1879, 2, 14))
    coded = load(FILE).treaty(TREATY)
    assert set(coded.members) == {COW[c] for c in members}
    assert {str(o.type) for o in coded.obligations} == types == {"defense"}
