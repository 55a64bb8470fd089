"""The format's additions: sides, threats and the conditions the historians need.

* `side` on a script entry: `full` on the attacker's side is war on the victim,
  `hostile` stays aid short of war (Romania beside Germany in 1941).
* Threats: a statement, intelligence report, mobilization or deployment with an
  actor and a target triggers consultation (NATO art. 4) and nothing else.
* `conditional_on`, `owed_to`, `trigger: mobilization` on an obligation, and
  `resisted: false` on an attack.
"""
from __future__ import annotations

import pytest

from engine.casus_foederis import condition_unmet
from engine.events import Breach, DecisionTaken, Honoured, WarBegun
from engine.game import Game
from engine.model import (
    KIND_TRAITS,
    Decision,
    DecisionSource,
    InjectKind,
    ObligationTrigger,
    ObligationType,
    Response,
    ScriptEntry,
)
from engine.network import AllianceGraph
from engine.state import Mode
from tests.builders import attack, consultation, defense, inject, make_scenario, make_world, treaty

DEFENSE, CONSULTATION = ObligationType.DEFENSE, ObligationType.CONSULTATION
THREATS = sorted(k for k, t in KIND_TRAITS.items() if t.threat)
NATO = treaty("nato", "USA GER EST", consultation(article="4"), defense(article="5"),
              name="North Atlantic Treaty")


def _replay(scenario) -> list:
    game = Game.new(scenario, mode=Mode.REPLAY)
    game.play()
    return game.events


def _wars(events) -> set[frozenset[str]]:
    return {frozenset((e.aggressor, e.defender)) for e in events if isinstance(e, WarBegun)}


def _entry(state: str, inject_id: str, response: str, treaty: str | None = None,
           side: str | None = None, turn: int = 1) -> ScriptEntry:
    return ScriptEntry(turn=turn, state=state, inject=inject_id, treaty=treaty,
                       response=Response(response), side=side)


# --- threats ------------------------------------------------------------------------------

def test_the_threat_kinds_are_statements_intelligence_mobilizations_and_deployments():
    assert set(THREATS) == {InjectKind.STATEMENT, InjectKind.INTELLIGENCE,
                            InjectKind.MOBILIZATION, InjectKind.DEPLOYMENT}
    assert not any(KIND_TRAITS[k].attack for k in THREATS)


@pytest.mark.parametrize("kind", THREATS)
def test_a_threat_triggers_article_4_and_not_article_5(kind):
    world = make_world("USA GER EST RUS", [NATO])
    found = AllianceGraph(world).triggers(attack("RUS", "EST", kind=kind))
    bound = {(t.ally, t.type) for t in found if t.triggered}
    assert bound == {("USA", CONSULTATION), ("GER", CONSULTATION)}
    assert not any(t.type is DEFENSE for t in found)


def test_a_threat_answered_diplomatically_honours_article_4_and_begins_no_war():
    scenario = make_scenario(
        "USA GER EST RUS", [NATO],
        [inject("troops", "mobilization", actor="RUS", target="EST")],
        script=(_entry("GER", "troops", "diplomatic", "nato"), _entry("USA", "troops", "full", "nato")),
        turns=1)
    events = _replay(scenario)
    honoured = sorted((e.state, e.type) for e in events if isinstance(e, Honoured))
    assert honoured == [("GER", "consultation"), ("USA", "consultation")]
    assert not [e for e in events if isinstance(e, Breach)]
    assert _wars(events) == set()


def test_a_statement_without_a_target_is_no_threat():
    scenario = make_scenario("USA GER EST RUS", [NATO], [inject("speech", "statement", actor="RUS")], turns=1)
    events = _replay(scenario)
    assert not [e for e in events if isinstance(e, DecisionTaken)]


# --- side ---------------------------------------------------------------------------------

@pytest.mark.parametrize("response, at_war", [("full", True), ("hostile", False), ("limited", False)])
def test_an_answer_on_the_attackers_side_is_war_on_the_victim_only_when_full(response, at_war):
    scenario = make_scenario(
        "GER SUN ROU", [], [inject("barbarossa", actor="GER", target="SUN")],
        script=(_entry("ROU", "barbarossa", response, side="GER"),), turns=1)
    events = _replay(scenario)
    assert (frozenset(("ROU", "SUN")) in _wars(events)) is at_war
    assert frozenset(("GER", "SUN")) in _wars(events)
    decision = next(e for e in events if isinstance(e, DecisionTaken) and e.state == "ROU")
    assert decision.side == "GER"


def test_full_without_a_side_is_war_on_the_attacker():
    scenario = make_scenario(
        "GER SUN ROU", [], [inject("barbarossa", actor="GER", target="SUN")],
        script=(_entry("ROU", "barbarossa", "full"),), turns=1)
    assert frozenset(("ROU", "GER")) in _wars(_replay(scenario))


# --- conditional_on -----------------------------------------------------------------------

def _munich(france: str) -> list:
    """Germany attacks Czechoslovakia; the Soviet pact binds only if France comes first."""
    pacts = [treaty("fra-csk", "FRA CSK", defense()),
             treaty("sun-csk", "CSK SUN", defense(conditional_on=("FRA",)))]
    scenario = make_scenario(
        "DEU CSK FRA SUN", pacts, [inject("invasion", actor="DEU", target="CSK")],
        script=(_entry("FRA", "invasion", france, "fra-csk"), _entry("SUN", "invasion", "neutral", "sun-csk")),
        turns=1)
    return _replay(scenario)


@pytest.mark.parametrize("france, soviet_breach", [("neutral", False), ("diplomatic", False),
                                                    ("limited", True), ("full", True)])
def test_a_conditional_obligation_binds_only_once_its_condition_is_met(france, soviet_breach):
    events = _munich(france)
    breaches = {e.state for e in events if isinstance(e, Breach)}
    assert ("SUN" in breaches) is soviet_breach
    assert ("FRA" in breaches) is (france in ("neutral", "diplomatic"))


def test_an_unmet_condition_is_explained():
    pacts = [treaty("fra-csk", "FRA CSK", defense()),
             treaty("sun-csk", "CSK SUN", defense(conditional_on=("FRA",)))]
    strike = attack("DEU", "CSK", id="invasion")
    soviet = next(t for t in AllianceGraph(make_world("DEU CSK FRA SUN", pacts)).triggers(strike)
                  if t.ally == "SUN")
    ob = pacts[1].obligations[0]
    no = Decision(1, "FRA", "invasion", Response.NEUTRAL, DecisionSource.SCRIPT, side="CSK")
    yes = Decision(1, "FRA", "invasion", Response.LIMITED, DecisionSource.SCRIPT, side="CSK")
    why = condition_unmet(ob, soviet, [(strike, no)], lambda s: s)
    assert why is not None and "only once FRA has honoured its own obligation toward CSK" in why
    assert condition_unmet(ob, soviet, [(strike, yes)], lambda s: s) is None


# --- owed_to ------------------------------------------------------------------------------

@pytest.mark.parametrize("victim, owed", [("DJI", True), ("SOM", False)])
def test_a_one_sided_obligation_is_owed_only_to_the_members_it_names(victim, owed):
    pact = treaty("t", "FRA DJI SOM", defense(asymmetric_to=("FRA",), owed_to=("DJI",)))
    world = make_world("FRA DJI SOM ERI", [pact])
    found = [t for t in AllianceGraph(world).triggers(attack("ERI", victim)) if t.ally == "FRA"]
    assert found and found[0].triggered is owed
    if not owed:
        assert "owed only to" in found[0].reason


# --- trigger: mobilization ----------------------------------------------------------------

@pytest.mark.parametrize("mobilizer, bound", [("DEU", True), ("ITA", False)])
def test_a_mobilization_of_a_named_adversary_triggers_a_mobilization_clause(mobilizer, bound):
    pact = treaty("fr-ru", "FRA RUS", defense(adversaries=("DEU",), trigger=ObligationTrigger.MOBILIZATION))
    world = make_world("FRA RUS DEU ITA", [pact])
    found = [t for t in AllianceGraph(world).triggers(attack(mobilizer, "RUS", kind="mobilization"))
             if t.ally == "FRA"]
    assert found and found[0].triggered is bound


def test_a_defense_clause_without_the_mobilization_trigger_ignores_a_mobilization():
    pact = treaty("fr-ru", "FRA RUS", defense(adversaries=("DEU",)))
    world = make_world("FRA RUS DEU", [pact])
    assert AllianceGraph(world).triggers(attack("DEU", "RUS", kind="mobilization")) == ()


# --- resisted: false ----------------------------------------------------------------------

@pytest.mark.parametrize("resisted", [True, False])
def test_an_attack_not_resisted_starts_no_war_and_still_binds_the_targets_allies(resisted):
    scenario = make_scenario(
        "DEU LUX GBR", [treaty("london", "GBR LUX", defense())],
        [inject("occupation", actor="DEU", target="LUX", resisted=resisted)],
        script=(_entry("GBR", "occupation", "diplomatic", "london"),), turns=1)
    events = _replay(scenario)
    assert (frozenset(("DEU", "LUX")) in _wars(events)) is resisted
    assert [e.state for e in events if isinstance(e, Breach)] == ["GBR"]


@pytest.mark.parametrize("actor, threat", [("RUS", True), ("USA", False)])
def test_a_deployment_is_a_threat_unless_allies_of_the_target_make_it(actor, threat):
    scenario = make_scenario("USA GER EST RUS", [NATO],
                             [inject("forces", "deployment", actor=actor, target="EST")], turns=1)
    assert scenario.threatens(scenario.inject("forces")) is threat


# --- in words -----------------------------------------------------------------------------

def test_the_narrative_says_a_threat_a_side_a_condition_and_an_occupation():
    from engine.narrative import narrate
    pacts = [NATO, treaty("fra-csk", "FRA CSK", defense()),
             treaty("sun-csk", "CSK SUN", defense(conditional_on=("FRA",))),
             treaty("london", "GBR LUX", defense())]
    scenario = make_scenario(
        "USA GER EST RUS FRA CSK SUN DEU ROU GBR LUX", pacts,
        [inject("troops", "mobilization", actor="RUS", target="EST"),
         inject("invasion", actor="DEU", target="CSK"),
         inject("occupation", actor="DEU", target="LUX", resisted=False)],
        script=(_entry("FRA", "invasion", "neutral", "fra-csk"), _entry("SUN", "invasion", "neutral", "sun-csk"),
                _entry("ROU", "invasion", "full", side="DEU"), _entry("GBR", "occupation", "neutral", "london")),
        turns=1)
    text = narrate(scenario, _replay(scenario))
    assert "Threat (troops): Russia threatens Estonia (mobilization)" in text
    assert "beside DEU, the attacker: at war with its victim" in text
    assert "condition unmet: not owed: the article binds SUN only once France has honoured" in text
    assert "LUX does not resist: occupied without a war" in text
