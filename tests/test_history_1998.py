"""The Second Congo War, August 1998 to July 1999, replays the record: the wars of the allies who
came on their days and their end at Lusaka; SADC split between those who came and those who
mediated; the treaties as ATOP codes them, and the SADC Treaty, which ATOP does not."""
from __future__ import annotations

import csv
from pathlib import Path

import pytest
import yaml

from engine.events import WarEnded
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
)

FILE = Path(__file__).resolve().parents[1] / "scenarios" / "history" / "1998-second-congo-war.yaml"
COW = {490: "COD", 517: "RWA", 500: "UGA", 516: "BDI", 552: "ZWE", 540: "AGO", 565: "NAM", 560: "ZAF",
       510: "TZA", 551: "ZMB", 482: "CAF", 483: "TCD", 625: "SDN", 620: "LBY", 2: "USA", 220: "FRA"}
OPENING = (1998, 8, 2)
CAME = {"ZWE": 3, "AGO": 4, "NAM": 4, "TCD": 8}


def _pair(a: str, b: str) -> frozenset[str]:
    return frozenset((a, b))


def test_the_replay_has_the_wars_of_the_record_on_their_days():
    expected = {(_pair("COD", "RWA"), 1), (_pair("COD", "UGA"), 1)}
    expected |= {(_pair(ally, attacker), turn) for ally, turn in CAME.items() for attacker in ("RWA", "UGA")}
    assert wars_begun(FILE) == expected


def test_every_answer_comes_from_the_record():
    assert every_answer_from_the_record(FILE)


def test_the_lusaka_agreement_ends_every_war_on_its_turn():
    ended = {(_pair(e.aggressor, e.defender), e.turn) for e in replayed(FILE) if isinstance(e, WarEnded)}
    assert ended == {(pair, 49) for pair, _ in wars_begun(FILE)}


@pytest.mark.parametrize("state, response", [
    ("ZWE", Response.FULL), ("AGO", Response.FULL), ("NAM", Response.FULL),
    ("ZAF", Response.DIPLOMATIC), ("TZA", Response.DIPLOMATIC), ("ZMB", Response.DIPLOMATIC),
])
def test_sadc_splits_between_those_who_came_and_those_who_mediated(state: str, response: Response):
    assert recorded_answers(FILE, "august-offensive")[state] is response


def test_no_state_answers_on_the_attackers_side_but_burundi():
    answers = recorded_answers(FILE, "august-offensive")
    assert {s for s, r in answers.items() if r is Response.HOSTILE} == {"BDI"}


def test_sadc_calls_its_members_to_consult_and_only_the_car_pact_to_defend():
    bound = bound_by(FILE, "august-offensive")
    members = {"ZWE", "AGO", "NAM", "ZAF", "TZA", "ZMB"}
    assert {(m, "sadc") for m in members} <= bound
    assert bound_by(FILE, "august-offensive", ObligationType.DEFENSE) == {("CAF", "car-drc-1998")}


def test_the_windhoek_pact_comes_into_force_only_with_its_signature():
    scenario = load(FILE)
    signed = next(i for i in scenario.injects if i.kind == "treaty-signed" and i.treaty == "windhoek-1999")
    assert signed.turn == 36
    assert all(t != "windhoek-1999" for _, t in bound_by(FILE, "august-offensive"))


def test_the_invited_states_outside_any_treaty_are_chad_sudan_and_libya():
    scenario = load(FILE)
    attack = scenario.inject("august-offensive")
    bound = {ally for ally, _ in bound_by(FILE, "august-offensive")}
    assert set(attack.invites) - bound == {"TCD", "SDN", "LBY"}
    assert set(CAME) <= set(attack.invites)


@pytest.mark.parametrize("treaty, atop_id, day", [
    ("car-drc-1998", 4900, OPENING),
    ("tripartite-1979", 3853, OPENING),
    ("windhoek-1999", 4920, (1999, 4, 8)),
])
def test_members_and_obligation_types_are_atops(treaty: str, atop_id: int, day: tuple[int, int, int]):
    members, types = atop_alliance(atop_id, day)
    coded = load(FILE).treaty(treaty)
    assert set(coded.members) <= {COW[c] for c in members if c in COW}
    assert {str(o.type) for o in coded.obligations} == types


def test_every_atop_alliance_of_the_congo_in_force_at_the_opening_is_coded():
    if not ATOP_MEMBERS.is_file():
        pytest.skip(f"no ATOP data at {ATOP_MEMBERS} (set CASUS_DATA)")
    in_force: set[int] = set()
    with ATOP_MEMBERS.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row["member"] != "490":
                continue
            entered = (int(row["yrent"]), int(row["moent"] or 0), int(row["dayent"] or 0))
            left = (int(row["yrexit"] or 0), int(row["moexit"] or 0), int(row["dayexit"] or 0))
            if entered <= OPENING and (left[0] == 0 or left > OPENING):
                in_force.add(int(row["atopid"]))
    coded = {t.get("x-atop") for t in yaml.safe_load(FILE.read_text(encoding="utf-8"))["treaties"]}
    assert in_force == {3853, 4900}
    assert in_force <= coded
