"""The four modern crises replay what the record says, and say where it says it.

`scenarios/history/` holds past crises for replay and backtest: the Falklands
(1982), the first invocation of Article 5 (2001), Crimea and the Budapest
Memorandum (2014), Armenia and the CSTO (2021-22). These tests pin what a
historian and an instructor rely on: every file loads and cites its sources;
every recorded decision has its own source and answers an attack; every state
an attack binds has its recorded answer; and the treaties are coded as their
texts and ATOP code them (the Rio Treaty votes by two-thirds, NATO and the
CSTO by consensus, NATO's art. 5 stops at the Tropic of Cancer, the Budapest
Memorandum promises no defence).
"""
from __future__ import annotations

import csv
import functools
from collections import defaultdict
from pathlib import Path

import pytest
import yaml

from engine.model import (
    ATTACK_KINDS,
    Invocation,
    ObligationType,
    Regime,
    Response,
    Scenario,
    Treaty,
)
from engine.network import AllianceGraph, Attack
from engine.scenario import load
from engine.world import World
from tests.test_history_common import DATA

HISTORY = Path(__file__).resolve().parents[1] / "scenarios" / "history"
FILES = ("1982-falklands.yaml", "2001-article-5.yaml", "2014-crimea.yaml", "2022-armenia-csto.yaml")
MODELINE = "# yaml-language-server: $schema=../../schemas/scenario.schema.json"

# ATOP v4.01 member-level data, where the reference data sets are (CASUS_DATA, else beside
# the repository); the tests that need it are skipped elsewhere.
ATOP_MEMBERS = DATA / "atop" / "atop4_01m.csv"

# COW state codes of every state the four files name, for comparing with ATOP.
COW_TO_ISO = {
    2: "USA", 20: "CAN", 52: "TTO", 41: "HTI", 42: "DOM", 70: "MEX", 90: "GTM", 91: "HND",
    92: "SLV", 93: "NIC", 94: "CRI", 95: "PAN", 100: "COL", 101: "VEN", 130: "ECU", 135: "PER",
    140: "BRA", 145: "BOL", 150: "PRY", 155: "CHL", 160: "ARG", 165: "URY", 200: "GBR",
    210: "NLD", 211: "BEL", 212: "LUX", 220: "FRA", 230: "ESP", 235: "PRT", 255: "DEU",
    260: "DEU", 290: "POL", 310: "HUN", 316: "CZE", 317: "SVK", 325: "ITA", 339: "ALB",
    344: "HRV", 349: "SVN", 350: "GRC", 355: "BGR", 360: "ROU", 365: "RUS", 366: "EST",
    367: "LVA", 368: "LTU", 369: "UKR", 370: "BLR", 371: "ARM", 373: "AZE", 385: "NOR",
    390: "DNK", 395: "ISL", 640: "TUR", 700: "AFG", 702: "TJK", 703: "KGZ", 704: "UZB",
    705: "KAZ", 900: "AUS", 920: "NZL",
}

# (file, treaty id) -> (ATOP id, date the file's membership should match).
# Where the file lists only some members (NATO in 1982 and 2014), its members
# must be a subset of ATOP's; where it claims the whole membership, equal.
ATOP_CODES = {
    ("1982-falklands.yaml", "rio"): (3075, "1982-04-01", "all"),
    ("1982-falklands.yaml", "nato"): (3180, "1982-04-01", "some"),
    ("2001-article-5.yaml", "nato"): (3180, "2001-09-11", "all"),
    ("2001-article-5.yaml", "anzus"): (3215, "2001-09-11", "all"),
    ("2014-crimea.yaml", "nato"): (3180, "2014-02-24", "some"),
    # ATOP ends in 2016: its last membership stands for 2021-22.
    ("2022-armenia-csto.yaml", "csto"): (4220, "2016-12-31", "all"),
    ("2022-armenia-csto.yaml", "russia-armenia"): (4890, "2016-12-31", "all"),
}

# Regimes judged against the last Polity code, each explained in its file.
REGIME_JUDGEMENTS = {
    ("2022-armenia-csto.yaml", "ARM"), ("2022-armenia-csto.yaml", "RUS"),
    ("2022-armenia-csto.yaml", "KGZ"), ("2022-armenia-csto.yaml", "TJK"),
}


@functools.cache
def _load(name: str) -> Scenario:
    return load(HISTORY / name)


@pytest.fixture(params=FILES)
def name(request) -> str:
    return request.param


@pytest.fixture
def scenario(name: str) -> Scenario:
    return _load(name)


def _attacks(scenario: Scenario):
    return [i for i in scenario.injects if i.kind in ATTACK_KINDS]


def _binding(scenario: Scenario, inject_id: str):
    """The obligations an attack triggers on the scenario's opening world."""
    graph = AllianceGraph(World.initial(scenario))
    return graph.binding(Attack.from_inject(scenario.inject(inject_id)))


def _binding_treaties(scenario: Scenario, inject_id: str) -> list[Treaty]:
    return [scenario.treaty(t) for t in sorted({t.treaty for t in _binding(scenario, inject_id)})]


def _obligation(treaty: Treaty, kind: ObligationType, article: str | None = None):
    found = [o for o in treaty.obligations if o.type is kind and (article is None or o.article == article)]
    assert len(found) == 1, f"{treaty.id} should state one {kind} obligation{f' (art. {article})' if article else ''}"
    return found[0]


# --- every file ------------------------------------------------------------------

def test_each_file_loads_and_names_itself_after_its_file(name: str, scenario: Scenario) -> None:
    assert scenario.format == "casus/1"
    assert f"{scenario.id}.yaml" == name


def test_recorded_decisions_are_the_responders_not_the_parties(scenario: Scenario) -> None:
    for entry in scenario.script:
        inject = scenario.inject(entry.inject)
        assert entry.state not in inject.actors and entry.state != inject.target, (
            f"{entry.state} is a party to {inject.id}; the script records the others' answers")


def test_one_recorded_answer_per_state_and_attack(scenario: Scenario) -> None:
    seen: dict[tuple[str, str], int] = defaultdict(int)
    for entry in scenario.script:
        seen[(entry.state, entry.inject)] += 1
    assert {k: n for k, n in seen.items() if n > 1} == {}


def test_every_state_an_attack_binds_has_its_recorded_answer(scenario: Scenario) -> None:
    answered = {(e.state, e.inject) for e in scenario.script}
    for attack in _attacks(scenario):
        bound = {t.ally for t in _binding(scenario, attack.id)
                 if t.type is not ObligationType.NONAGGRESSION}
        missing = sorted(s for s in bound if (s, attack.id) not in answered)
        assert missing == [], f"{attack.id} binds {missing} but the script is silent"


def test_a_recorded_treaty_is_one_the_attack_brings_into_play(scenario: Scenario) -> None:
    for attack in _attacks(scenario):
        in_play = {(t.ally, t.treaty) for t in _binding(scenario, attack.id)}
        for entry in (e for e in scenario.script if e.inject == attack.id and e.treaty):
            assert (entry.state, entry.treaty) in in_play, (
                f"{entry.state} is recorded under {entry.treaty} for {attack.id}, which does not bind it")


def test_power_is_the_cinc_scaled_to_the_strongest_state_of_the_file(scenario: Scenario, name: str) -> None:
    raw = _states_raw(name)
    strongest = max(cinc for cinc, _ in raw.values())
    for state in scenario.states:
        cinc, _ = raw[state.id]
        assert state.power == pytest.approx(100 * cinc / strongest, abs=0.01), state.id
    assert max(s.power for s in scenario.states) == 100


def test_regimes_follow_polity_unless_judged_and_explained(scenario: Scenario, name: str) -> None:
    raw = _states_raw(name)
    for state in scenario.states:
        _, polity2 = raw[state.id]
        if polity2 is None or (name, state.id) in REGIME_JUDGEMENTS:
            continue
        expected = (Regime.DEMOCRACY if polity2 >= 6 else
                    Regime.AUTOCRACY if polity2 <= -6 else Regime.HYBRID)
        assert state.regime is expected, f"{state.id}: polity2 {polity2}"


def test_recorded_invocations_name_a_treaty_and_only_its_members(name: str, scenario: Scenario) -> None:
    for inject_id, raw in _inject_extensions(name).items():
        for record in raw.get("x-invocation", ()):
            treaty = scenario.treaty(record["treaty"])
            assert treaty in _binding_treaties(scenario, inject_id), (
                f"{inject_id} records an invocation of {treaty.id}, which it does not bring into play")
            for side in ("in_favour", "against", "abstain", "not_recorded"):
                assert set(record.get(side, ())) <= set(treaty.members), (inject_id, treaty.id, side)


def test_confidence_marks_use_three_words(name: str) -> None:
    marks = {e.get("x-confidence") for e in _raw(name).get("script", ())} - {None}
    assert marks <= {"low", "medium", "high"}


def test_treaties_name_their_atop_code(scenario: Scenario, name: str) -> None:
    for treaty in scenario.treaties:
        key = (name, treaty.id)
        if key in ATOP_CODES:
            assert _treaty_extensions(name)[treaty.id].get("x-atop") == ATOP_CODES[key][0]


@pytest.mark.parametrize("key", sorted(ATOP_CODES))
def test_members_are_atop_members_on_the_day(key: tuple[str, str]) -> None:
    if not ATOP_MEMBERS.is_file():
        pytest.skip("ATOP reference data not present")
    name, treaty_id = key
    atop_id, day, scope = ATOP_CODES[key]
    members = set(_load(name).treaty(treaty_id).members)
    atop = _atop_members(atop_id, day)
    if scope == "all":
        assert members == atop
    else:
        assert members <= atop


# --- the treaties, as their texts have them -------------------------------------------

def test_the_rio_treaty_is_invoked_by_two_thirds() -> None:
    rio = _load("1982-falklands.yaml").treaty("rio")
    assert rio.invocation is Invocation.TWO_THIRDS
    assert len(rio.members) == 21


@pytest.mark.parametrize("name", ["1982-falklands.yaml", "2001-article-5.yaml", "2014-crimea.yaml"])
def test_nato_is_invoked_by_consensus(name: str) -> None:
    assert _load(name).treaty("nato").invocation is Invocation.CONSENSUS


def test_the_csto_is_invoked_by_consensus_and_covers_members_own_territory() -> None:
    csto = _load("2022-armenia-csto.yaml").treaty("csto")
    assert csto.invocation is Invocation.CONSENSUS
    assert _obligation(csto, ObligationType.DEFENSE, "4").own_territory_only


def test_the_falklands_lie_outside_natos_article_5_area() -> None:
    scenario = _load("1982-falklands.yaml")
    art5 = _obligation(scenario.treaty("nato"), ObligationType.DEFENSE, "5")
    invasion = scenario.inject("invasion")
    assert art5.regions is not None and invasion.region not in art5.regions
    triggered = {(t.treaty, t.type) for t in _binding(scenario, "invasion")}
    assert ("nato", ObligationType.DEFENSE) not in triggered
    # Article 4 has no area: consultation is what the allies owed.
    assert ("nato", ObligationType.CONSULTATION) in triggered


@pytest.mark.parametrize("attack", ["south-georgia", "british-offensive"])
def test_britains_counter_attacks_bring_the_rio_treaty_into_play(attack: str) -> None:
    scenario = _load("1982-falklands.yaml")
    bound = {t.ally for t in _binding(scenario, attack)
             if t.treaty == "rio" and t.type is ObligationType.DEFENSE}
    assert bound == set(scenario.treaty("rio").members) - {"ARG"}


def test_the_rio_votes_recorded_are_seventeen_to_none_with_four_abstentions() -> None:
    scenario = _load("1982-falklands.yaml")
    for attack in ("south-georgia", "british-offensive"):
        [vote] = _inject_extensions("1982-falklands.yaml")[attack]["x-invocation"]
        assert vote["treaty"] == "rio"
        assert len(vote["in_favour"]) == 17 and vote["against"] == []
        assert set(vote["abstain"]) == {"USA", "CHL", "COL", "TTO"}
        assert set(vote["in_favour"]) | set(vote["abstain"]) == set(scenario.treaty("rio").members)


def test_the_united_states_chose_its_nato_ally_over_the_hemisphere() -> None:
    scenario = _load("1982-falklands.yaml")
    answers = {(e.inject, e.treaty): e.response for e in scenario.script if e.state == "USA"}
    assert answers[("invasion", "nato")] is Response.LIMITED
    assert answers[("south-georgia", "rio")] is Response.HOSTILE
    assert answers[("british-offensive", "rio")] is Response.HOSTILE


def test_article_5_binds_every_ally_after_the_attacks_of_11_september() -> None:
    scenario = _load("2001-article-5.yaml")
    bound = {t.ally for t in _binding(scenario, "nine-eleven")
             if t.treaty == "nato" and t.type is ObligationType.DEFENSE}
    assert bound == set(scenario.treaty("nato").members) - {"USA"}
    assert len(scenario.treaty("nato").members) == 19


def test_in_2001_every_ally_gave_military_support_and_britain_fought_first() -> None:
    scenario = _load("2001-article-5.yaml")
    nato = {e.state: e for e in scenario.script if e.treaty == "nato"}
    assert set(nato) == set(scenario.treaty("nato").members) - {"USA"}
    assert all(e.response.rank >= Response.LIMITED.rank for e in nato.values())
    first_combat = min(e.turn for e in nato.values() if e.response is Response.FULL)
    assert nato["GBR"].response is Response.FULL and nato["GBR"].turn == first_combat
    assert first_combat == scenario.inject("enduring-freedom").turn


def test_the_budapest_memorandum_is_not_a_defense_obligation() -> None:
    scenario = _load("2014-crimea.yaml")
    memo = scenario.treaty("budapest")
    assert memo.formality.value == "declaration"
    assert all(o.type not in (ObligationType.DEFENSE, ObligationType.OFFENSE) for o in memo.obligations)
    assert {o.type for o in memo.obligations} == {ObligationType.NONAGGRESSION, ObligationType.CONSULTATION}
    nonaggression = _obligation(memo, ObligationType.NONAGGRESSION)
    assert set(nonaggression.asymmetric_to) == {"RUS", "USA", "GBR"}
    for attack in _attacks(scenario):
        triggered = {(t.treaty, t.type) for t in _binding(scenario, attack.id)}
        assert ("budapest", ObligationType.DEFENSE) not in triggered
        assert ("budapest", ObligationType.CONSULTATION) in triggered
        assert ("budapest", ObligationType.NONAGGRESSION) in triggered  # Russia's breach


def test_ukraine_is_no_ally_so_nato_is_not_in_play_for_it() -> None:
    scenario = _load("2014-crimea.yaml")
    for attack in _attacks(scenario):
        assert not [t for t in _binding(scenario, attack.id) if t.treaty == "nato"]


@pytest.mark.parametrize("attack", ["syunik-incursion", "jermuk-offensive"])
def test_the_incursions_fell_on_armenia_itself_and_met_article_4s_condition(attack: str) -> None:
    scenario = _load("2022-armenia-csto.yaml")
    assert scenario.inject(attack).territory_of == "ARM"
    bound = {t.ally for t in _binding(scenario, attack)
             if t.treaty == "csto" and t.type is ObligationType.DEFENSE}
    assert bound == {"RUS", "BLR", "KAZ", "KGZ", "TJK"}


def test_no_csto_member_gave_armenia_military_help() -> None:
    scenario = _load("2022-armenia-csto.yaml")
    members = set(scenario.treaty("csto").members)
    answers = [e for e in scenario.script if e.state in members]
    assert answers and all(e.response.rank < Response.LIMITED.rank for e in answers)


# --- helpers: the x- extensions, which the model keeps only at the top level ---------

@functools.cache
def _raw(name: str) -> dict:
    return yaml.safe_load((HISTORY / name).read_text(encoding="utf-8"))


@functools.cache
def _states_raw(name: str) -> dict[str, tuple[float, int | None]]:
    """Each state's raw CINC and Polity2, kept in its x-cinc and x-polity2 keys."""
    return {s["id"]: (float(s["x-cinc"]), s.get("x-polity2")) for s in _raw(name)["states"]}


@functools.cache
def _treaty_extensions(name: str) -> dict[str, dict]:
    return {t["id"]: t for t in _raw(name)["treaties"]}


@functools.cache
def _inject_extensions(name: str) -> dict[str, dict]:
    return {i["id"]: i for i in _raw(name)["injects"]}


@functools.cache
def _atop_members(atop_id: int, day: str) -> set[str]:
    """ATOP's members of an alliance on a day (COW codes mapped to ISO)."""
    year, month, dom = (int(x) for x in day.split("-"))
    when = (year, month, dom)
    members = set()
    with ATOP_MEMBERS.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if int(row["atopid"]) != atop_id:
                continue
            entered = (int(row["yrent"]), int(row["moent"]), int(row["dayent"]))
            left = (int(row["yrexit"]), int(row["moexit"]), int(row["dayexit"]))
            if entered <= when and (left[0] == 0 or when < left):
                members.add(COW_TO_ISO[int(row["member"])])
    return members
