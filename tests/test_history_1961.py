"""India's taking of Goa in 1961 replays the record: one war, on its day, ended by the
surrender; every answer the record's; NATO's art. 5 stops at the art. 6 area while its
consultation reaches Asia; the ancient Anglo-Portuguese alliance binds Britain, which does
not fight; the treaties ATOP codes are coded as ATOP codes them."""
from __future__ import annotations

from pathlib import Path

import pytest

from engine.model import ObligationType, Response
from engine.scenario import load
from tests.test_history_common import (
    atop_alliance,
    bound_by,
    every_answer_from_the_record,
    recorded_answers,
    wars_begun,
)

FILE = Path(__file__).resolve().parents[1] / "scenarios" / "history" / "1961-goa.yaml"
ATTACK = "operation-vijay"
COW = {2: "USA", 200: "GBR", 220: "FRA", 235: "POR", 640: "TUR", 230: "ESP"}
INVASION_DAY = (1961, 12, 18)


def test_the_replay_has_the_one_war_of_the_record_on_its_day():
    assert wars_begun(FILE) == {(frozenset(("IND", "POR")), 8)}


def test_every_answer_comes_from_the_record():
    assert every_answer_from_the_record(FILE)


@pytest.mark.parametrize("state, response", [
    ("GBR", Response.DIPLOMATIC), ("USA", Response.DIPLOMATIC), ("FRA", Response.DIPLOMATIC),
    ("TUR", Response.DIPLOMATIC), ("ESP", Response.DIPLOMATIC), ("PAK", Response.DIPLOMATIC),
    ("SUN", Response.HOSTILE), ("CEY", Response.HOSTILE),
])
def test_each_answer_is_the_recorded_one(state: str, response: Response):
    assert recorded_answers(FILE, ATTACK)[state] is response


def test_no_one_fights_for_portugal_and_only_indias_friends_take_its_side():
    answers = recorded_answers(FILE, ATTACK)
    assert set(answers) == {"GBR", "USA", "FRA", "TUR", "ESP", "PAK", "SUN", "CEY"}
    assert all(r.rank <= Response.DIPLOMATIC.rank for s, r in answers.items() if s not in {"SUN", "CEY"})


def test_art_5_stops_at_the_treaty_area_and_the_old_alliance_is_the_only_defence_promise_in_play():
    assert bound_by(FILE, ATTACK, ObligationType.DEFENSE) == {("GBR", "anglo-portuguese")}
    assert bound_by(FILE, ATTACK, ObligationType.CONSULTATION) == {
        ("USA", "nato"), ("GBR", "nato"), ("FRA", "nato"), ("TUR", "nato"), ("ESP", "iberian-pact")}


def test_the_invasion_names_whom_portugal_asked_in():
    invasion = load(FILE).inject(ATTACK)
    assert set(invasion.invites) == {"GBR", "USA", "PAK"}


@pytest.mark.parametrize("treaty, atop_id", [("nato", 3180), ("iberian-pact", 2435)])
def test_members_and_obligation_types_are_atops(treaty: str, atop_id: int):
    members, types = atop_alliance(atop_id, INVASION_DAY)
    coded = load(FILE).treaty(treaty)
    assert set(coded.members) <= {COW[c] for c in members if c in COW}
    assert {str(o.type) for o in coded.obligations} == types


def test_atop_codes_no_anglo_portuguese_alliance_in_force_so_the_file_takes_the_texts():
    # ATOP's Declaration of Windsor (1400) ended when the North Atlantic Treaty was signed.
    assert atop_alliance(1400, (1900, 1, 1)) == ({200, 235}, {"defense", "nonaggression"})
    assert atop_alliance(1400, INVASION_DAY) == (set(), set())
    in_force = {i for i in (1400, 2435, 3180) if 200 in atop_alliance(i, INVASION_DAY)[0]
                and 235 in atop_alliance(i, INVASION_DAY)[0]}
    assert in_force == {3180}
    # The file keeps the obligations ATOP gave the Declaration while it was in force: Britain
    # owes the defence, Portugal the non-aggression.
    alliance = load(FILE).treaty("anglo-portuguese")
    assert {(str(o.type), tuple(o.asymmetric_to or ())) for o in alliance.obligations} == {
        ("defense", ("GBR",)), ("nonaggression", ("POR",))}
