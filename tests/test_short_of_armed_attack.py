"""Attacks short of an armed attack call for consultation, not for defense or offense.

A cyber attack, a hybrid campaign or a border incident, however well attributed, is
no armed attack (North Atlantic Treaty art. 5, UN Charter art. 51): it triggers the
consultation article (art. 4), and an ally that answers it diplomatically honours its
treaty rather than abandoning a defense article. An armed attack, or a terrorist
attack (which can reach the threshold, as on 11 September 2001), triggers both. Below
50% attribution (the grey zone) nothing owed to the victim binds, whatever the kind.
"""
from __future__ import annotations

import pytest

from engine.events import Breach, Honoured, ReputationChanged
from engine.game import Game
from engine.model import KIND_TRAITS, InjectKind, ObligationType, Response, ScriptEntry, Treaty
from engine.network import AllianceGraph, Trigger
from engine.state import Mode
from tests.builders import attack, consultation, defense, inject, make_scenario, make_world, offense, treaty

DEFENSE, CONSULTATION = ObligationType.DEFENSE, ObligationType.CONSULTATION
ATTACK_KINDS = sorted(k for k, traits in KIND_TRAITS.items() if traits.attack)
SHORT_OF_ARMED_ATTACK = {k for k in ATTACK_KINDS if not KIND_TRAITS[k].armed_attack}

NATO = treaty("nato", "USA GER EST", consultation(article="4"), defense(article="5"),
              name="North Atlantic Treaty")


def owed(kind: InjectKind, attribution: float, pact: Treaty = NATO) -> dict[ObligationType, Trigger]:
    """What Germany owes Estonia under `pact`, by obligation type, when Russia attacks it."""
    world = make_world("USA GER EST RUS", [pact])
    found = AllianceGraph(world).triggers(attack("RUS", "EST", kind=kind, attribution=attribution))
    return {t.type: t for t in found if t.ally == "GER" and t.partner == "EST"}


def test_the_kinds_short_of_an_armed_attack_are_cyber_hybrid_and_border_incidents():
    short = {k for k in ATTACK_KINDS if not KIND_TRAITS[k].armed_attack}
    assert short == {InjectKind.CYBER_ATTACK, InjectKind.HYBRID_ATTACK, InjectKind.BORDER_INCIDENT}


@pytest.mark.parametrize("attribution", [0.5, 0.55, 0.9, 1.0])
@pytest.mark.parametrize("kind", ATTACK_KINDS)
def test_above_the_grey_zone_the_kind_decides_between_defense_and_consultation(kind, attribution):
    found = owed(kind, attribution)
    assert found[CONSULTATION].triggered
    assert found[DEFENSE].triggered is (kind not in SHORT_OF_ARMED_ATTACK)


@pytest.mark.parametrize("attribution", [0.0, 0.3, 0.49])
@pytest.mark.parametrize("kind", ATTACK_KINDS)
def test_below_the_grey_zone_nothing_owed_to_the_victim_binds(kind, attribution):
    found = owed(kind, attribution)
    for trigger in found.values():
        assert not trigger.triggered
        assert "grey zone" in trigger.reason


@pytest.mark.parametrize("kind, label", [
    (InjectKind.CYBER_ATTACK, "a cyber attack"),
    (InjectKind.HYBRID_ATTACK, "a hybrid campaign"),
    (InjectKind.BORDER_INCIDENT, "a border incident"),
])
def test_the_defense_article_says_why_and_names_the_consultation_article(kind, label):
    reason = owed(kind, 0.9)[DEFENSE].reason
    assert reason == (f"not triggered: {label} short of an armed attack: Article 5 is not "
                      "triggered; Article 4 consultation is")


def test_a_defense_pact_without_consultation_says_so():
    pact = treaty("pact", "GER EST", defense(article="2"), name="Pact")
    reason = owed(InjectKind.CYBER_ATTACK, 0.9, pact)[DEFENSE].reason
    assert "Article 2 is not triggered, and the treaty has no consultation article" in reason


def test_an_unnumbered_consultation_clause_is_named_as_such():
    pact = treaty("pact", "GER EST", consultation(), defense(), name="Pact")
    reason = owed(InjectKind.BORDER_INCIDENT, 0.9, pact)[DEFENSE].reason
    assert reason.endswith("the defense clause is not triggered; its consultation clause is")


@pytest.mark.parametrize("kind", ATTACK_KINDS)
def test_offense_joins_only_an_armed_attack(kind):
    world = make_world("GER ITA FRA", [treaty("t", "GER ITA", offense(article="3"))])
    found = AllianceGraph(world).triggers(attack("GER", "FRA", kind=kind))
    joining = next(t for t in found if t.ally == "ITA")
    assert joining.triggered is (kind not in SHORT_OF_ARMED_ATTACK)
    if not joining.triggered:
        assert "short of an armed attack: Article 3 is not triggered" in joining.reason


@pytest.mark.parametrize("kind", sorted(SHORT_OF_ARMED_ATTACK))
def test_the_binding_triggers_agree_with_the_explained_ones(kind):
    world = make_world("USA GER EST RUS", [NATO])
    strike = attack("RUS", "EST", kind=kind, attribution=0.8)
    graph = AllianceGraph(world)
    assert graph.binding(strike) == tuple(t for t in graph.triggers(strike) if t.triggered)
    assert {t.type for t in graph.binding(strike)} == {CONSULTATION}


@pytest.mark.parametrize("kind, kept", [
    ("cyber-attack", True), ("hybrid-attack", True), ("border-incident", True), ("armed-attack", False),
])
def test_a_diplomatic_answer_to_an_attack_short_of_an_armed_attack_costs_no_reputation(kind, kept):
    """The bug this file guards against: a well-attributed cyber attack bound art. 5, so
    an ally answering it diplomatically abandoned its treaty and lost reputation."""
    scenario = make_scenario(
        "USA GER EST RUS", [NATO],
        [inject("strike", kind, actor="RUS", target="EST", attribution=0.6)],
        script=(ScriptEntry(turn=1, state="GER", inject="strike", treaty="nato",
                            response=Response.DIPLOMATIC),),
        turns=1)
    game = Game.new(scenario, mode=Mode.REPLAY)
    game.play()
    mine = [e for e in game.events if getattr(e, "state", None) == "GER"]
    breaches = [e.type for e in mine if isinstance(e, Breach)]
    honoured = [e.type for e in mine if isinstance(e, Honoured)]
    reputation = [e for e in mine if isinstance(e, ReputationChanged)]
    assert honoured == ["consultation"]
    assert breaches == ([] if kept else ["defense"])
    assert all((r.after > r.before) for r in reputation) is kept
