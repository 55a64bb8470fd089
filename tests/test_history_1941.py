"""Operation Barbarossa (1941) replays the record: Germany's war on the USSR and the wars of
the partners who joined it, each on its day; the partners' answers on Germany's side, the
others' on the USSR's; the treaties as ATOP codes them on 22 June 1941."""
from __future__ import annotations

from pathlib import Path

import pytest

from engine.events import DecisionTaken
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

FILE = Path(__file__).resolve().parents[1] / "scenarios" / "history" / "1941-barbarossa.yaml"
COW = {255: "DEU", 365: "SUN", 325: "ITA", 360: "ROU", 310: "HUN", 375: "FIN", 355: "BGR",
       740: "JPN", 200: "GBR", 2: "USA", 380: "SWE", 640: "TUR"}
# The wars of the record on their days (22 June 1941 is turn 1); the two of turn 1 with Britain
# are the wars in being since 1939 and 1940.
WARS = {
    (frozenset(("DEU", "GBR")), 1), (frozenset(("ITA", "GBR")), 1),
    (frozenset(("DEU", "SUN")), 1), (frozenset(("ITA", "SUN")), 1), (frozenset(("ROU", "SUN")), 1),
    (frozenset(("FIN", "SUN")), 4), (frozenset(("HUN", "SUN")), 6),
}


def _sides() -> dict[str, str]:
    return {e.state: e.side for e in replayed(FILE)
            if isinstance(e, DecisionTaken) and e.attack == "deu-sun"}


def test_the_replay_has_the_wars_of_the_record_on_their_days():
    assert wars_begun(FILE) == WARS


def test_every_answer_comes_from_the_record():
    assert every_answer_from_the_record(FILE)


@pytest.mark.parametrize("partner, turn", [("ITA", 1), ("ROU", 1), ("FIN", 5), ("HUN", 6)])
def test_the_partners_who_joined_fight_on_germanys_side(partner: str, turn: int):
    answers = recorded_answers(FILE, "deu-sun")
    assert answers[partner] is Response.FULL
    assert _sides()[partner] == "DEU"
    taken = next(e.turn for e in replayed(FILE)
                 if isinstance(e, DecisionTaken) and e.attack == "deu-sun" and e.state == partner)
    assert taken == turn


def test_bulgaria_stays_out_despite_the_tripartite_pact():
    assert recorded_answers(FILE, "deu-sun")["BGR"] is Response.NEUTRAL
    assert _sides()["BGR"] == "DEU"
    assert not any(pair for pair, _ in wars_begun(FILE) if "BGR" in pair)


def test_the_tripartite_pact_binds_no_partner_against_the_ussr():
    bound = bound_by(FILE, "deu-sun")
    assert not any(treaty == "tripartite-pact" for _, treaty in bound)
    assert ("ITA", "pact-of-steel") in bound


def test_japan_is_bound_to_neutrality_and_keeps_it():
    assert ("JPN", "soviet-japanese-1941") in bound_by(FILE, "deu-sun", ObligationType.NEUTRALITY)
    assert recorded_answers(FILE, "deu-sun")["JPN"] is Response.NEUTRAL
    assert not any(pair for pair, _ in wars_begun(FILE) if "JPN" in pair)


def test_outside_powers_help_the_victim_short_of_war_and_a_neutral_aids_the_attacker():
    answers = recorded_answers(FILE, "deu-sun")
    assert answers["GBR"] is Response.LIMITED and answers["USA"] is Response.LIMITED
    assert answers["SWE"] is Response.HOSTILE and answers["TUR"] is Response.NEUTRAL
    assert {_sides()[s] for s in ("GBR", "USA", "SWE", "TUR", "JPN")} == {"SUN"}


def test_the_anglo_soviet_agreement_is_in_force_only_from_its_inject():
    scenario = load(FILE)
    signed = scenario.inject("anglo-soviet-agreement")
    assert signed.treaty == "anglo-soviet-1941" and signed.turn == 21
    assert not any(treaty == "anglo-soviet-1941" for _, treaty in bound_by(FILE, "deu-sun"))


@pytest.mark.parametrize("treaty, atop_id, day", [
    ("pact-of-steel", 2445, (1941, 6, 22)),
    ("tripartite-pact", 2515, (1941, 6, 22)),
    # ATOP ends these two on the days they were broken: read on the day before.
    ("german-soviet-1939", 2470, (1941, 6, 21)),
    ("soviet-finnish-1940", 2500, (1941, 6, 22)),
    ("soviet-japanese-1941", 2525, (1941, 6, 22)),
    ("german-turkish-1941", 2530, (1941, 6, 22)),
    ("anglo-soviet-1941", 2535, (1941, 7, 12)),
])
def test_members_and_obligation_types_are_atops(treaty: str, atop_id: int, day: tuple[int, int, int]):
    members, types = atop_alliance(atop_id, day)
    coded = load(FILE).treaty(treaty)
    assert set(coded.members) == {COW[c] for c in members if c in COW}
    assert {str(o.type) for o in coded.obligations} == types
