"""The outbreak of the Second Boer War (1899-1900) replays the record: the Transvaal's invasion
and the Orange Free State's war on their day; the Free State bound by its pact with the
Transvaal and honouring it; Portugal's help to Britain under the secret declaration of 1899;
no great power fighting or arming the Boers; the republics coded as the data sets leave them."""
from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pytest
import yaml

from engine.events import DecisionTaken
from engine.model import ObligationType, Response
from engine.scenario import load
from tests.test_history_common import (
    ATOP_MEMBERS,
    DATA,
    atop_alliance,
    bound_by,
    every_answer_from_the_record,
    recorded_answers,
    replayed,
    wars_begun,
    wars_ended,
)

FILE = Path(__file__).resolve().parents[1] / "scenarios" / "history" / "1899-boer-war.yaml"
COW = {200: "GBR", 235: "PRT"}
# 9 October 1899 is turn 1 (weekly turns): the state of war from 11 October, the invasion of
# the 12th and the Free State's war all fall in the first week.
WARS = {(frozenset(("TVL", "GBR")), 1), (frozenset(("OFS", "GBR")), 1)}
POWERS = {"DEU", "FRA", "RUS", "NLD", "USA"}
RECORD = {"OFS": Response.FULL, "PRT": Response.LIMITED, "USA": Response.DIPLOMATIC,
          "DEU": Response.NEUTRAL, "FRA": Response.NEUTRAL, "RUS": Response.NEUTRAL,
          "NLD": Response.NEUTRAL}
REPUBLICS = ("TVL", "OFS")
POLITY_OFS = 564   # Polity IV's code for the Orange Free State; COW gives it none


def _answers() -> dict[str, DecisionTaken]:
    return {e.state: e for e in replayed(FILE) if isinstance(e, DecisionTaken) and e.attack == "boer-invasion"}


def test_the_replay_has_the_wars_of_the_record_on_their_days():
    assert wars_begun(FILE) == WARS


def test_every_answer_comes_from_the_record():
    assert every_answer_from_the_record(FILE)


def test_no_war_ends_within_the_file():
    assert wars_ended(FILE) == set()


@pytest.mark.parametrize("state, response", sorted(RECORD.items()))
def test_each_state_answers_as_the_record_says(state: str, response: Response):
    assert recorded_answers(FILE, "boer-invasion")[state] is response


def test_the_free_states_pact_binds_it_to_a_partner_provoked_into_war():
    attack = load(FILE).inject("boer-invasion")
    assert attack.provoked
    assert bound_by(FILE, "boer-invasion", ObligationType.OFFENSE) == {("OFS", "tvl-ofs-1897")}
    # The Transvaal struck first: the pact's defence promise is not in play.
    assert bound_by(FILE, "boer-invasion", ObligationType.DEFENSE) == set()


def test_the_free_state_goes_to_war_on_the_transvaals_side_in_the_first_week():
    answer = _answers()["OFS"]
    assert (answer.side, answer.turn, answer.treaty) == ("TVL", 1, "tvl-ofs-1897")


def test_britain_asked_portugal_in_and_portugal_helped_short_of_war():
    attack = load(FILE).inject("boer-invasion")
    assert list(attack.invites) == ["PRT"]
    answer = _answers()["PRT"]
    assert Response(answer.response) is Response.LIMITED
    assert answer.treaty is None
    assert not any("PRT" in pair for pair, _ in wars_begun(FILE))


def test_no_power_fights_for_or_arms_either_side():
    answers = recorded_answers(FILE, "boer-invasion")
    assert set(answers) >= POWERS
    assert all(Response.NEUTRAL.rank <= answers[p].rank <= Response.DIPLOMATIC.rank for p in POWERS)
    assert not any(pair & POWERS for pair, _ in wars_begun(FILE))


def test_the_secret_declaration_is_in_force_only_from_its_day():
    scenario = load(FILE)
    signed = scenario.inject("windsor")
    assert (str(signed.kind), signed.treaty, signed.turn) == ("treaty-signed", "windsor-1899", 1)
    assert str(scenario.treaty("windsor-1899").openness) == "secret"


def test_the_declarations_members_and_obligation_types_are_atops():
    members, types = atop_alliance(1400, (1899, 10, 14))
    coded = load(FILE).treaty("windsor-1899")
    assert set(coded.members) == {COW[c] for c in members}
    assert {str(o.type) for o in coded.obligations} == types
    defence = next(o for o in coded.obligations if o.type == ObligationType.DEFENSE)
    assert list(defence.asymmetric_to or ()) == ["GBR"]


def test_the_declaration_was_not_in_force_when_the_war_began():
    members, _ = atop_alliance(1400, (1899, 10, 11))
    assert members == set()


def test_atop_codes_no_pact_of_the_republics():
    if not ATOP_MEMBERS.is_file():
        pytest.skip(f"no ATOP data at {ATOP_MEMBERS} (set CASUS_DATA)")
    with ATOP_MEMBERS.open(newline="", encoding="utf-8") as handle:
        assert not any(int(row["member"]) == POLITY_OFS for row in csv.DictReader(handle))
    assert set(load(FILE).treaty("tvl-ofs-1897").members) == set(REPUBLICS)
    assert _raw()["treaties"][0]["x-atop"] is None


def test_cow_lists_neither_republic_and_the_file_estimates_their_power():
    path = DATA / "cow" / "states2016.csv"
    if not path.is_file():
        pytest.skip(f"no COW state list at {path} (set CASUS_DATA)")
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert not any(int(r["ccode"]) == POLITY_OFS or "Orange" in r["statenme"] or "Transvaal" in r["statenme"]
                   for r in rows)
    raw = {s["id"]: s for s in _raw()["states"]}
    for republic in REPUBLICS:
        assert raw[republic]["x-cinc"] is None and raw[republic]["x-cow"] is None
        assert raw[republic]["x-power-estimate"]


def _raw() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(FILE.read_text(encoding="utf-8"))
    return data
