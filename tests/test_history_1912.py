"""The First Balkan War (1912) replays the record: Italy's war with the Porte ended at Ouchy,
Montenegro's attack and the League's wars on their days; the League's partners answer on
Montenegro's side under their offensive pacts, the powers on the Porte's; the treaties as ATOP
codes them on 8 October 1912."""
from __future__ import annotations

import csv
from pathlib import Path

import pytest

from engine.events import DecisionTaken
from engine.model import ObligationType, Response
from engine.scenario import load
from tests.test_history_common import (
    ATOP_MEMBERS,
    atop_alliance,
    bound_by,
    every_answer_from_the_record,
    recorded_answers,
    replayed,
    wars_begun,
    wars_ended,
)

FILE = Path(__file__).resolve().parents[1] / "scenarios" / "history" / "1912-first-balkan-war.yaml"
COW = {341: "MNE", 345: "SRB", 350: "GRC", 355: "BGR", 640: "TUR"}
OUTBREAK = (1912, 10, 8)
# The wars of the record on their days (8 October 1912 is turn 1): Italy's, in being since 1911;
# Montenegro's declaration; the Porte's war with Serbia and Bulgaria (17 October); Greece's (18th).
WARS = {
    (frozenset(("ITA", "TUR")), 1), (frozenset(("MNE", "TUR")), 1),
    (frozenset(("SRB", "TUR")), 10), (frozenset(("BGR", "TUR")), 10), (frozenset(("GRC", "TUR")), 11),
}
LEAGUE = {"SRB": 10, "BGR": 10, "GRC": 11}
POWERS = {"RUS", "AUH", "FRA", "DEU", "GBR", "ITA", "ROU"}


def _answers() -> dict[str, DecisionTaken]:
    return {e.state: e for e in replayed(FILE) if isinstance(e, DecisionTaken) and e.attack == "mne-tur"}


def test_the_replay_has_the_wars_of_the_record_on_their_days():
    assert wars_begun(FILE) == WARS


def test_every_answer_comes_from_the_record():
    assert every_answer_from_the_record(FILE)


def test_the_treaty_of_ouchy_ends_italys_war_and_no_other():
    assert wars_ended(FILE) == {(frozenset(("ITA", "TUR")), 11)}


@pytest.mark.parametrize("member, turn", sorted(LEAGUE.items()))
def test_the_leagues_members_join_montenegros_war_on_their_days(member: str, turn: int):
    answer = _answers()[member]
    assert Response(answer.response) is Response.FULL
    assert answer.side == "MNE"
    assert answer.turn == turn


def test_the_offensive_pacts_bind_serbia_and_bulgaria_and_greece_joins_unbound():
    offense = bound_by(FILE, "mne-tur", ObligationType.OFFENSE)
    assert offense == {("SRB", "serbo-montenegrin-1912"), ("BGR", "bulgarian-montenegrin-1912")}
    assert not any(ally == "GRC" for ally, _ in bound_by(FILE, "mne-tur"))
    assert _answers()["GRC"].treaty is None


def test_no_power_fights_or_arms_either_side():
    answers = recorded_answers(FILE, "mne-tur")
    assert set(answers) >= POWERS
    assert all(answers[p].rank <= Response.DIPLOMATIC.rank for p in POWERS)
    assert all(_answers()[p].side == "TUR" for p in POWERS)
    assert not any(pair & (POWERS - {"ITA"}) for pair, _ in wars_begun(FILE))


def test_the_porte_asked_romania_in_and_romania_stayed_out():
    attack = load(FILE).inject("mne-tur")
    assert list(attack.invites) == ["ROU"]
    assert recorded_answers(FILE, "mne-tur")["ROU"] is Response.NEUTRAL


@pytest.mark.parametrize("treaty, atop_id", [
    ("serbo-bulgarian-1912", 1470), ("greco-bulgarian-1912", 1475), ("serbo-montenegrin-1912", 1480)])
def test_members_and_obligation_types_are_atops(treaty: str, atop_id: int):
    members, types = atop_alliance(atop_id, OUTBREAK)
    coded = load(FILE).treaty(treaty)
    assert set(coded.members) == {COW[c] for c in members}
    assert {str(o.type) for o in coded.obligations} == types


def test_atop_codes_no_pact_between_bulgaria_and_montenegro():
    if not ATOP_MEMBERS.is_file():
        pytest.skip(f"no ATOP data at {ATOP_MEMBERS} (set CASUS_DATA)")
    members: dict[int, set[int]] = {}
    with ATOP_MEMBERS.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            entered = (int(row["yrent"]), int(row["moent"] or 0), int(row["dayent"] or 0))
            left = (int(row["yrexit"] or 0), int(row["moexit"] or 0), int(row["dayexit"] or 0))
            if entered <= OUTBREAK and (left[0] == 0 or left > OUTBREAK):
                members.setdefault(int(row["atopid"]), set()).add(int(row["member"]))
    assert not any({341, 355} <= m for m in members.values())
    coded = load(FILE).treaty("bulgarian-montenegrin-1912")
    assert str(coded.formality) == "verbal"
