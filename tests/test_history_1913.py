"""The Second Balkan War (1913) replays the record: Bulgaria's attacks on Serbia and Greece in the
night of 29-30 June, Montenegro's and Romania's wars beside Serbia, the Porte's own attack for
Adrianople, the armistice of Bucharest ending every war but the Porte's; the Salonika allies answer
each other's attack under their treaty, the great powers answer on the attacked side; the treaties
as ATOP codes them on 29 June 1913, the day before it ends Bulgaria's two alliances."""
from __future__ import annotations

from pathlib import Path

import pytest

from engine.events import DecisionTaken
from engine.model import InjectKind, ObligationType, Response
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

FILE = Path(__file__).resolve().parents[1] / "scenarios" / "history" / "1913-second-balkan-war.yaml"
COW = {341: "MNE", 345: "SRB", 350: "GRC", 355: "BGR"}
START = (1913, 6, 29)
# 29 June 1913 is turn 1: Bulgaria's attacks that night; Montenegro's detachment in the battle of the
# Bregalnica (30 June); Romania's note and march (10 July); the Porte's advance (night of 12-13 July).
WARS = {
    (frozenset(("BGR", "SRB")), 1), (frozenset(("BGR", "GRC")), 1), (frozenset(("BGR", "MNE")), 2),
    (frozenset(("BGR", "ROU")), 12), (frozenset(("BGR", "TUR")), 14),
}
ARMISTICE = 33  # 31 July
POWERS = ("RUS", "AUH", "DEU", "ITA", "GBR", "FRA")


def _answer(state: str, attack: str) -> DecisionTaken:
    return next(e for e in replayed(FILE)
                if isinstance(e, DecisionTaken) and e.state == state and e.attack == attack)


def test_the_replay_has_the_wars_of_the_record_on_their_days():
    assert wars_begun(FILE) == WARS


def test_every_answer_comes_from_the_record():
    assert every_answer_from_the_record(FILE)


def test_the_armistice_of_bucharest_ends_every_war_but_the_portes():
    assert wars_ended(FILE) == {(pair, ARMISTICE) for pair, _ in WARS if "TUR" not in pair}


@pytest.mark.parametrize("ally, attack, victim", [("GRC", "bgr-srb", "SRB"), ("SRB", "bgr-grc", "GRC")])
def test_the_salonika_allies_answer_each_others_attack_with_war(ally: str, attack: str, victim: str):
    assert (ally, "greek-serbian-1913") in bound_by(FILE, attack, ObligationType.DEFENSE)
    answer = _answer(ally, attack)
    assert Response(answer.response) is Response.FULL
    assert (answer.side, answer.treaty, answer.turn) == (victim, "greek-serbian-1913", 4)


def test_montenegro_honours_its_alliance_with_serbia():
    assert ("MNE", "serbo-montenegrin-1912") in bound_by(FILE, "bgr-srb", ObligationType.DEFENSE)
    answer = _answer("MNE", "bgr-srb")
    assert Response(answer.response) is Response.FULL
    assert (answer.side, answer.treaty) == ("SRB", "serbo-montenegrin-1912")


def test_romania_joins_unbound_and_the_porte_attacks_on_its_own():
    assert not any(ally == "ROU" for ally, _ in bound_by(FILE, "bgr-srb"))
    answer = _answer("ROU", "bgr-srb")
    assert (Response(answer.response), answer.treaty, answer.turn) == (Response.FULL, None, 12)
    advance = load(FILE).inject("tur-bgr")
    assert (advance.kind, advance.actors, advance.target, advance.turn) == (
        InjectKind.ARMED_ATTACK, ("TUR",), "BGR", 14)
    assert "TUR" not in recorded_answers(FILE)


def test_the_alliances_with_bulgaria_end_before_anyone_is_asked_to_defend_it():
    # Both bind on the opening world (the Porte is their adversary); ATOP ends them on 30 June.
    assert bound_by(FILE, "tur-bgr", ObligationType.DEFENSE) == {
        ("SRB", "serbo-bulgarian-1912"), ("GRC", "greco-bulgarian-1912")}
    ends = {i.treaty: i.turn for i in load(FILE).injects if i.kind is InjectKind.TREATY_WITHDRAWAL}
    assert ends == {"serbo-bulgarian-1912": 2, "greco-bulgarian-1912": 2}
    assert not any(e.treaty in ends for e in replayed(FILE) if isinstance(e, DecisionTaken))


def test_russia_the_arbiter_is_no_party_and_is_bound_to_no_one():
    scenario = load(FILE)
    arbitration = scenario.inject("arbitration")
    assert (arbitration.kind, arbitration.actors, arbitration.turn) == (InjectKind.STATEMENT, ("RUS",), 1)
    assert "RUS" not in scenario.treaty("serbo-bulgarian-1912").members
    assert not any(ally == "RUS" for attack in ("bgr-srb", "bgr-grc", "tur-bgr")
                   for ally, _ in bound_by(FILE, attack))


def test_the_powers_answer_bulgarias_attack_short_of_war_and_austria_sides_with_it():
    answers = recorded_answers(FILE, "bgr-srb")
    assert {p: answers[p] for p in POWERS} == {
        "RUS": Response.DIPLOMATIC, "FRA": Response.DIPLOMATIC, "AUH": Response.HOSTILE,
        "DEU": Response.NEUTRAL, "ITA": Response.NEUTRAL, "GBR": Response.NEUTRAL}
    assert not any(pair & set(POWERS) for pair, _ in wars_begun(FILE))


def test_the_six_powers_answer_the_portes_advance_with_words_alone():
    answers = recorded_answers(FILE, "tur-bgr")
    assert set(answers) == set(POWERS)
    assert set(answers.values()) == {Response.DIPLOMATIC}
    assert all(_answer(p, "tur-bgr").side == "BGR" for p in POWERS)


@pytest.mark.parametrize("treaty, atop_id", [
    ("serbo-bulgarian-1912", 1470), ("greco-bulgarian-1912", 1475),
    ("serbo-montenegrin-1912", 1480), ("greek-serbian-1913", 1490)])
def test_members_and_obligation_types_are_atops(treaty: str, atop_id: int):
    members, types = atop_alliance(atop_id, START)
    coded = load(FILE).treaty(treaty)
    assert set(coded.members) == {COW[c] for c in members}
    assert {str(o.type) for o in coded.obligations} == types


@pytest.mark.parametrize("atop_id", [1470, 1475])
def test_atop_ends_bulgarias_alliances_the_day_after_the_start(atop_id: int):
    assert atop_alliance(atop_id, START)[0]
    assert atop_alliance(atop_id, (1913, 6, 30)) == (set(), set())


def test_the_1912_treaties_keep_the_first_balkan_wars_coding():
    earlier = load(FILE.with_name("1912-first-balkan-war.yaml"))
    now = load(FILE)
    for treaty in ("serbo-bulgarian-1912", "greco-bulgarian-1912", "serbo-montenegrin-1912"):
        before, after = earlier.treaty(treaty), now.treaty(treaty)
        assert (before.members, before.obligations) == (after.members, after.obligations), treaty
