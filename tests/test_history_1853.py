"""The Crimean War's opening replays the record: Russia's war with the Porte from the
occupation of the Principalities, Britain's and France's wars on the days they declared
them and Sardinia's on its accession; every answer the record's, the Western powers
bound by no treaty when Russia struck; the treaties as ATOP codes them."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from engine.events import DecisionTaken
from engine.model import ATTACK_KINDS, InjectKind, Response
from engine.scenario import load
from tests.test_history_common import (
    atop_alliance,
    bound_by,
    every_answer_from_the_record,
    recorded_answers,
    replayed,
    wars_begun,
)

FILE = Path(__file__).resolve().parents[1] / "scenarios" / "history" / "1853-crimean-war.yaml"
COW = {200: "GBR", 220: "FRA", 300: "AUH", 255: "PRU", 365: "RUS", 640: "TUR", 325: "SAR", 380: "SWE"}
# The Western powers' wars as the engine names their links: Russia the victim.
WEST_ON_RUSSIA = ("principalities/GBR>RUS", "principalities/FRA>RUS")


def test_the_replay_has_the_wars_of_the_record_on_their_days():
    # 2 July 1853 is turn 1; 27-28 March 1854 turn 39; 26 January 1855 turn 82.
    assert wars_begun(FILE) == {
        (frozenset(("RUS", "TUR")), 1),
        (frozenset(("FRA", "RUS")), 39),
        (frozenset(("GBR", "RUS")), 39),
        (frozenset(("SAR", "RUS")), 82),
    }


def test_every_answer_comes_from_the_record():
    assert every_answer_from_the_record(FILE)


@pytest.mark.parametrize("attack, state, response", [
    ("principalities", "AUH", Response.DIPLOMATIC),   # the Vienna Note
    ("principalities", "PRU", Response.DIPLOMATIC),   # the Vienna Note and protocols
    ("principalities", "SWE", Response.NEUTRAL),      # the declaration of December 1853
    ("principalities", "GRC", Response.HOSTILE),      # the bands in Epirus and Thessaly
    ("principalities", "GBR", Response.FULL),         # war, 28 March 1854
    ("principalities", "FRA", Response.FULL),         # war, 27 March 1854
    ("principalities", "SAR", Response.FULL),         # accession, 26 January 1855
    ("sinope", "GBR", Response.LIMITED),              # the fleets into the Black Sea
    ("sinope", "FRA", Response.LIMITED),
])
def test_the_answers_of_the_record_for_the_porte(attack: str, state: str, response: Response):
    assert recorded_answers(FILE, attack)[state] is response


@pytest.mark.parametrize("state, response", [
    ("AUH", Response.HOSTILE),   # the summons of 3 June 1854 under arms
    ("PRU", Response.NEUTRAL),   # "absolute and unconditional neutrality"
    ("SWE", Response.NEUTRAL),
])
def test_the_answers_of_the_record_when_the_west_made_war_on_russia(state: str, response: Response):
    answers = {s: r for attack in WEST_ON_RUSSIA for s, r in recorded_answers(FILE, attack).items()}
    assert answers[state] is response


def test_the_twelve_decisions_span_the_scale_and_no_state_answers_a_link_twice():
    decisions = _decisions()
    assert len(decisions) == 12
    assert len({(state, attack) for _, state, attack, _ in decisions}) == 12
    assert {response for *_, response in decisions} == set(Response)


def test_nobody_fights_russia_before_the_summons_to_evacuate_runs_out():
    # The summons of 27 February gave Russia until 30 April; war came at its silence.
    ultimatum = load(FILE).inject("ultimatum")
    full = [(turn, state) for turn, state, _, response in _decisions() if response is Response.FULL]
    assert {state for _, state in full} == {"GBR", "FRA", "SAR"}
    assert all(turn > ultimatum.turn for turn, _ in full)


def test_when_russia_struck_no_treaty_bound_anyone_to_the_porte():
    assert bound_by(FILE, "principalities") == set()
    assert bound_by(FILE, "sinope") == set()


@pytest.mark.parametrize("link", WEST_ON_RUSSIA)
def test_munchengratz_does_not_reach_a_war_outside_poland(link: str):
    assert ("AUH", "munchengratz-1833") not in bound_by(FILE, link)


def test_the_sultan_invites_britain_and_france():
    assert set(load(FILE).inject("principalities").invites) == {"GBR", "FRA"}


def test_the_occupation_is_an_attack_and_the_porte_s_declaration_is_not():
    scenario = load(FILE)
    assert scenario.inject("principalities").kind in ATTACK_KINDS
    assert scenario.inject("porte-declares-war").kind not in ATTACK_KINDS


@pytest.mark.parametrize("inject", ["constantinople-signed", "london-signed", "berlin-signed",
                                    "boyadji-keuy-signed", "december-treaty-signed"])
def test_each_treaty_of_the_crisis_is_signed_on_its_turn(inject: str):
    scenario = load(FILE)
    signing = scenario.inject(inject)
    assert signing.kind is InjectKind.TREATY_SIGNED
    signed = scenario.treaty(signing.treaty).signed
    assert scenario.date_of(signing.turn).date() <= signed < scenario.date_of(signing.turn + 1).date()


@pytest.mark.parametrize("treaty, atop_id, day", [
    ("german-confederation", 1020, (1853, 7, 2)),
    ("munchengratz-1833", 1085, (1853, 7, 2)),
    ("austro-prussian-1851", 1145, (1853, 7, 2)),
    ("tripartite-1854", 1160, (1854, 3, 12)),
    ("anglo-french-1854", 1165, (1854, 4, 10)),
    ("austro-prussian-1854", 1170, (1854, 4, 20)),
    ("boyadji-keuy-1854", 1175, (1854, 6, 14)),
    ("treaty-of-2-december", 1180, (1854, 12, 2)),
])
def test_members_and_obligation_types_are_atops(treaty: str, atop_id: int, day: tuple[int, int, int]):
    members, types = atop_alliance(atop_id, day)
    coded = load(FILE).treaty(treaty)
    assert set(coded.members) <= {COW[c] for c in members if c in COW}
    assert {str(o.type) for o in coded.obligations} == types


def test_atop_ends_the_munchengratz_pledge_on_the_ottoman_empire_the_day_russia_crossed_the_prut():
    assert atop_alliance(1080, (1853, 7, 1))[0] == {300, 365}
    assert atop_alliance(1080, (1853, 7, 2))[0] == set()
    assert "munchengratz-1080" not in {t.id for t in load(FILE).treaties}


@pytest.mark.parametrize("inject, atop_id", [("munchengratz-ends", 1085), ("dresden-lapses", 1145)])
def test_the_treaties_atop_ends_in_the_crisis_end_on_atops_day(inject: str, atop_id: int):
    scenario = load(FILE)
    ending = scenario.inject(inject)
    assert ending.kind is InjectKind.TREATY_WITHDRAWAL
    day = scenario.date_of(ending.turn).date()
    before, after = day - dt.timedelta(days=1), day + dt.timedelta(days=6)
    assert atop_alliance(atop_id, (before.year, before.month, before.day))[0]
    assert not atop_alliance(atop_id, (after.year, after.month, after.day))[0]


def _decisions() -> list[tuple[int, str, str, Response]]:
    """(turn, state, attack, response) of every answer the replay takes."""
    return [(e.turn, e.state, e.attack, Response(e.response)) for e in replayed(FILE)
            if isinstance(e, DecisionTaken)]
