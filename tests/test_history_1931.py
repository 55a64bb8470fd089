"""Japan's invasion of Manchuria, 1931, replays the record: one war, from the Mukden attack
to the Tanggu truce, the Shanghai attack inside it; the League members' and outsiders' answers
where the record puts them, none of them with force; the treaties as ATOP codes them, the
Covenant, the Nine-Power Treaty and the Pact of Paris outside ATOP."""
from __future__ import annotations

import csv
from pathlib import Path

import pytest

from engine.model import ObligationType, Response
from engine.scenario import load
from tests.test_history_common import (
    ATOP_MEMBERS,
    atop_alliance,
    bound_by,
    every_answer_from_the_record,
    recorded_answers,
    wars_begun,
)

FILE = Path(__file__).resolve().parents[1] / "scenarios" / "history" / "1931-manchuria.yaml"
COW = {740: "JPN", 710: "CHN", 2: "USA", 200: "GBR", 220: "FRA", 325: "ITA", 255: "DEU", 365: "SUN", 800: "THA"}
LEAGUE_IN_FILE = {"GBR", "FRA", "ITA", "DEU", "THA"}
NINE_POWERS_IN_FILE = {"USA", "GBR", "FRA", "ITA"}


def test_the_replay_has_the_one_war_of_the_record_on_its_day():
    # Shanghai (turn 20) is a new front of the same war, not a second war.
    assert wars_begun(FILE) == {(frozenset(("JPN", "CHN")), 1)}


def test_the_war_ends_with_the_tanggu_truce_and_not_the_shanghai_agreement():
    scenario = load(FILE)
    ending = scenario.inject("tanggu")
    assert (str(ending.kind), ending.turn, ending.target) == ("ceasefire", 90, "CHN")
    assert str(scenario.inject("shanghai-agreement").kind) == "statement"


def test_every_answer_comes_from_the_record():
    assert every_answer_from_the_record(FILE)


@pytest.mark.parametrize("attack", ["mukden", "shanghai"])
def test_each_attack_brings_the_covenant_and_the_nine_power_treaty_into_play(attack: str):
    bound = bound_by(FILE, attack, ObligationType.CONSULTATION)
    assert {ally for ally, treaty in bound if treaty == "league-covenant"} == LEAGUE_IN_FILE
    assert {ally for ally, treaty in bound if treaty == "nine-power"} == NINE_POWERS_IN_FILE
    # No defence promise covered China, and the Four-Power Treaty does not reach it.
    assert not bound_by(FILE, attack, ObligationType.DEFENSE)
    assert all(treaty != "four-power-pacific" for _, treaty in bound_by(FILE, attack))


@pytest.mark.parametrize("attack", ["mukden", "shanghai"])
def test_every_bound_state_answers_and_none_with_force(attack: str):
    answers = recorded_answers(FILE, attack)
    assert {ally for ally, _ in bound_by(FILE, attack, ObligationType.CONSULTATION)} <= set(answers)
    assert all(r.rank <= Response.DIPLOMATIC.rank for r in answers.values())
    assert Response.HOSTILE not in answers.values()


def test_the_great_powers_answer_in_words_siam_and_the_ussr_stay_out():
    answers = recorded_answers(FILE, "mukden")
    assert set(answers) == LEAGUE_IN_FILE | {"USA", "SUN"}
    assert {s for s, r in answers.items() if r is Response.DIPLOMATIC} == {"GBR", "FRA", "ITA", "DEU", "USA"}
    assert {s for s, r in answers.items() if r is Response.NEUTRAL} == {"THA", "SUN"}


def test_at_shanghai_the_powers_mediate_and_siam_stays_out():
    answers = recorded_answers(FILE, "shanghai")
    assert set(answers) == LEAGUE_IN_FILE | {"USA"}
    assert {s for s, r in answers.items() if r is Response.NEUTRAL} == {"THA"}


def test_the_ussr_outside_the_league_answers_from_no_treaty():
    entry = next(e for e in load(FILE).script if e.state == "SUN")
    assert entry.treaty is None
    assert "SUN" not in load(FILE).treaty("league-covenant").members


def test_the_stimson_doctrine_answers_the_mukden_attack_in_january_1932():
    scenario = load(FILE)
    entry = next(e for e in scenario.script if e.state == "USA" and e.inject == "mukden")
    assert entry.turn == scenario.inject("stimson-note").turn == 17


# China appealed to the League both times, and to the United States under the Pact of Paris
# after Mukden.
@pytest.mark.parametrize("attack, outsiders", [("mukden", {"USA"}), ("shanghai", set())])
def test_china_asked_the_league_members_in(attack: str, outsiders: set[str]):
    assert set(load(FILE).inject(attack).invites) == LEAGUE_IN_FILE | outsiders


def test_the_pacts_outside_atop_are_marked_so():
    scenario = load(FILE)
    for treaty in ("league-covenant", "nine-power"):
        coded = scenario.treaty(treaty)
        assert {o.type for o in coded.obligations} == {ObligationType.CONSULTATION}
    paris = scenario.treaty("pact-of-paris")
    assert {o.type for o in paris.obligations} == {ObligationType.NONAGGRESSION}
    assert {"JPN", "CHN"} <= set(paris.members)


def test_the_attack_breaks_the_pact_of_paris():
    breaches = bound_by(FILE, "mukden", ObligationType.NONAGGRESSION)
    assert ("JPN", "pact-of-paris") in breaches


# ATOP ends the Four-Power Treaty on 19 September 1931: read on the crisis's first day.
@pytest.mark.parametrize("treaty, atop_id", [("four-power-pacific", 2095)])
def test_members_and_obligation_types_are_atops(treaty: str, atop_id: int):
    members, types = atop_alliance(atop_id, (1931, 9, 18))
    coded = load(FILE).treaty(treaty)
    assert set(coded.members) == {COW[c] for c in members if c in COW}
    assert {str(o.type) for o in coded.obligations} == types


def _atop_alliances_of(member: int, day: tuple[int, int, int]) -> set[int]:
    """The ATOP ids of the alliances `member` (a COW code) belonged to on `day`."""
    if not ATOP_MEMBERS.is_file():
        pytest.skip(f"no ATOP data at {ATOP_MEMBERS} (set CASUS_DATA)")
    with ATOP_MEMBERS.open(newline="", encoding="utf-8") as handle:
        return {int(row["atopid"]) for row in csv.DictReader(handle)
                if int(row["member"]) == member and atop_alliance(int(row["atopid"]), day)[0] >= {member}}


def test_atop_codes_no_alliance_of_china_and_only_the_four_power_treaty_of_japan():
    assert _atop_alliances_of(710, (1931, 9, 18)) == set()
    assert _atop_alliances_of(740, (1931, 9, 18)) == {2095}
