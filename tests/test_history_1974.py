"""Cyprus 1974 replays the record: the coup begins no war, Turkey's two offensives and the
Greek forces' fight in July begin the wars of the record on their days, every answer comes from
the record, and the guarantee and NATO are coded as ATOP codes them."""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from engine.model import ObligationType, Response
from engine.scenario import load
from tests.test_history_common import (
    atop_alliance,
    bound_by,
    every_answer_from_the_record,
    recorded_answers,
    wars_begun,
)

FILE = Path(__file__).resolve().parents[1] / "scenarios" / "history" / "1974-cyprus.yaml"
COW = {2: "USA", 200: "GBR", 220: "FRA", 350: "GRC", 352: "CYP", 640: "TUR"}


def test_the_replay_has_the_wars_of_the_record_on_their_days():
    # Turkey's landing (20 July), Greek forces in the fight (21 July), the second offensive
    # (14 August); the coup, a hybrid campaign, begins none.
    assert wars_begun(FILE) == {
        (frozenset(("TUR", "CYP")), 6),
        (frozenset(("GRC", "TUR")), 7),
        (frozenset(("TUR", "CYP")), 31),
    }


def test_every_answer_comes_from_the_record():
    assert every_answer_from_the_record(FILE)


@pytest.mark.parametrize("attack, bound", [
    # A hybrid campaign short of an armed attack calls for consultation (art. IV) only.
    ("coup", {("GBR", "guarantee-1960"), ("TUR", "guarantee-1960")}),
    ("attila-1", {("GBR", "guarantee-1960"), ("GRC", "guarantee-1960")}),
    ("attila-2", {("GBR", "guarantee-1960"), ("GRC", "guarantee-1960")}),
])
def test_the_guarantors_an_attack_binds(attack: str, bound: set[tuple[str, str]]):
    assert bound_by(FILE, attack) == bound


def test_the_coup_binds_no_guarantor_to_defend():
    assert bound_by(FILE, "coup", ObligationType.DEFENSE) == set()


@pytest.mark.parametrize("attack, state, response", [
    ("coup", "GBR", Response.DIPLOMATIC),
    ("coup", "TUR", Response.DIPLOMATIC),
    ("attila-1", "GRC", Response.FULL),
    ("attila-1", "GBR", Response.DIPLOMATIC),
    ("attila-2", "GRC", Response.DIPLOMATIC),
    ("attila-2", "GBR", Response.DIPLOMATIC),
])
def test_each_bound_guarantor_answers_as_recorded(attack: str, state: str, response: Response):
    assert recorded_answers(FILE, attack)[state] is response


def test_no_state_fights_for_cyprus_against_the_august_offensive():
    answers = recorded_answers(FILE, "attila-2")
    assert set(answers) == {"GRC", "GBR", "USA"}
    assert all(r.rank <= Response.DIPLOMATIC.rank for r in answers.values())


@pytest.mark.parametrize("attack", ["coup", "attila-1", "attila-2"])
def test_britain_sends_no_forces_beyond_its_bases(attack: str):
    assert recorded_answers(FILE, attack)["GBR"].rank <= Response.DIPLOMATIC.rank


def test_the_nato_allies_take_no_side_between_greece_and_turkey():
    answers = recorded_answers(FILE, "attila-1/GRC>TUR")
    assert answers == {"USA": Response.NEUTRAL, "GBR": Response.NEUTRAL, "FRA": Response.NEUTRAL}


def test_the_treaty_of_alliance_is_not_in_force_as_atop_codes_it():
    # ATOP ends it on 4 April 1964 (Makarios's abrogation): no member in July 1974.
    assert atop_alliance(3400, (1974, 7, 15)) == (set(), set())
    raw = yaml.safe_load(FILE.read_text(encoding="utf-8"))
    assert 3400 not in {t.get("x-atop") for t in raw["treaties"]}


@pytest.mark.parametrize("treaty, atop_id, day", [
    # ATOP ends the guarantee on the coup's day: coded as it stood on the eve.
    ("guarantee-1960", 3405, (1974, 7, 14)),
    ("nato", 3180, (1974, 7, 15)),
])
def test_members_and_obligation_types_are_atops(treaty: str, atop_id: int, day: tuple[int, int, int]):
    members, types = atop_alliance(atop_id, day)
    coded = load(FILE).treaty(treaty)
    assert set(coded.members) <= {COW[c] for c in members if c in COW}
    assert {str(o.type) for o in coded.obligations} == types


def test_the_guarantee_binds_the_guarantors_alone_to_defend():
    defense = next(o for o in load(FILE).treaty("guarantee-1960").obligations if o.type == ObligationType.DEFENSE)
    assert set(defense.asymmetric_to or ()) == {"GBR", "GRC", "TUR"}
