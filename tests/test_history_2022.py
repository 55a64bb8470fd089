"""Russia's invasion of Ukraine (2022) replays the record: one war, on its day; every answer
the record's, on the day it was given; no state bound to defend Ukraine, none fighting for
it; Belarus aiding the attacker; the treaties as ATOP codes them, and the Budapest
Memorandum, which ATOP does not code, as a commitment short of alliance."""
from __future__ import annotations

import csv
import datetime as dt
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
)

FILE = Path(__file__).resolve().parents[1] / "scenarios" / "history" / "2022-ukraine-invasion.yaml"
COW = {369: "UKR", 365: "RUS", 370: "BLR", 705: "KAZ", 371: "ARM", 703: "KGZ", 702: "TJK",
       2: "USA", 200: "GBR", 290: "POL", 255: "DEU", 220: "FRA", 640: "TUR", 710: "CHN"}
INVASION_DAY = (2022, 2, 24)
CSTO_PARTNERS_OF_RUSSIA = {"BLR", "KAZ", "ARM", "KGZ", "TJK"}


def test_the_replay_has_the_one_war_of_the_record_on_its_day():
    # Belarus's aid to the attacker is short of war: it does not make Belarus a belligerent.
    assert wars_begun(FILE) == {(frozenset(("RUS", "UKR")), 1)}


def test_every_answer_comes_from_the_record():
    assert every_answer_from_the_record(FILE)


def test_no_state_fights_for_ukraine_and_belarus_alone_aids_the_attacker():
    answers = recorded_answers(FILE, "invasion")
    assert set(answers) == {"BLR", "KAZ", "ARM", "KGZ", "TJK", "CHN", "USA", "GBR", "POL", "DEU", "FRA", "TUR"}
    assert Response.FULL not in answers.values()
    assert {s for s, r in answers.items() if r is Response.HOSTILE} == {"BLR"}


def test_the_attackers_other_csto_partners_stay_out():
    answers = recorded_answers(FILE, "invasion")
    assert {answers[s] for s in CSTO_PARTNERS_OF_RUSSIA - {"BLR"}} == {Response.NEUTRAL}


def test_every_state_ukraine_invited_armed_it_and_none_fought():
    invited = set(load(FILE).inject("invasion").invites)
    answers = recorded_answers(FILE, "invasion")
    assert invited == {"USA", "GBR", "FRA", "DEU", "POL", "TUR"}
    assert {answers[s] for s in invited} == {Response.LIMITED}


@pytest.mark.parametrize("state, day", [
    ("BLR", dt.date(2022, 2, 24)),   # the invasion from its territory
    ("POL", dt.date(2022, 2, 25)),   # the first ammunition convoy
    ("DEU", dt.date(2022, 2, 26)),   # weapons, after the refusals before and on the 24th-25th
    ("FRA", dt.date(2022, 2, 26)),   # the defence council's deliveries
    ("USA", dt.date(2022, 2, 26)),   # the $350 million drawdown
    ("TUR", dt.date(2022, 3, 2)),    # new Bayraktars in service
    ("GBR", dt.date(2022, 3, 9)),    # the first dated account of the post-invasion NLAWs
])
def test_each_answer_is_given_on_its_day(state: str, day: dt.date):
    scenario = load(FILE)
    turns = [e.turn for e in replayed(FILE) if isinstance(e, DecisionTaken) and e.state == state]
    assert len(turns) == 1
    assert scenario.date_of(turns[0]).date() == day


def test_article_5_is_not_in_play_and_no_one_is_bound_to_defend_ukraine():
    assert bound_by(FILE, "invasion", ObligationType.DEFENSE) == set()
    assert not any(treaty == "nato" for _, treaty in bound_by(FILE, "invasion"))


def test_the_budapest_memorandum_binds_its_guarantors_to_consult_only():
    consult = bound_by(FILE, "invasion", ObligationType.CONSULTATION)
    assert {("USA", "budapest"), ("GBR", "budapest")} <= consult
    budapest = load(FILE).treaty("budapest")
    assert {str(o.type) for o in budapest.obligations} == {"nonaggression", "consultation"}


def test_the_budapest_memorandum_is_not_an_atop_alliance():
    """No alliance that ATOP has Ukraine enter in 1994, the memorandum's year, joins it with any
    of the other three signatories."""
    if not ATOP_MEMBERS.is_file():
        pytest.skip(f"no ATOP data at {ATOP_MEMBERS} (set CASUS_DATA)")
    members: dict[int, set[int]] = {}
    ukraine_1994: set[int] = set()
    with ATOP_MEMBERS.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            members.setdefault(int(row["atopid"]), set()).add(int(row["member"]))
            if row["member"] == "369" and row["yrent"] == "1994":
                ukraine_1994.add(int(row["atopid"]))
    assert ukraine_1994, "ATOP has Ukraine enter some alliances in 1994"
    assert not any(members[a] & {365, 2, 200} for a in ukraine_1994)
    assert load(FILE).treaty("budapest").formality == "declaration"


@pytest.mark.parametrize("treaty, atop_id", [
    ("nato", 3180), ("csto", 4220), ("union-state", 4865), ("china-russia", 4980),
    ("belarus-ukraine", 4730), ("kazakhstan-ukraine", 4539), ("armenia-ukraine", 4815),
    ("tajikistan-ukraine", 4978), ("china-ukraine", 4620), ("turkey-ukraine", 4205),
    ("poland-ukraine", 4225), ("france-ukraine", 4260),
])
def test_members_and_obligation_types_are_atops(treaty: str, atop_id: int):
    members, types = atop_alliance(atop_id, INVASION_DAY)
    coded = load(FILE).treaty(treaty)
    assert set(coded.members) <= {COW[c] for c in members if c in COW}
    assert {str(o.type) for o in coded.obligations} == types
