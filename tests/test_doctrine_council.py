"""A council's vote follows each member's own answer; credibility and the allies' fears.

The worlds are tests/test_doctrine.py's (the Baltic Pact, Germany deciding on Estonia).
"""
from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.events import DecisionTaken, Event, Kind, VoteCast
from engine.game import Game
from engine.model import (
    Deployment,
    ForceSize,
    Formality,
    Inject,
    Invocation,
    ObligationType,
    Openness,
    Response,
    honours,
)
from engine.network import AllianceGraph
from engine.world import War
from tests.test_doctrine import BASE, DEFENSE, DOCTRINE, PACT, Setup, p_defense

# --- votes: a council's vote follows each member's own answer (engine.turn) ----------------

LOYAL = (BASE.relation("DEU", "RUS", threat=0.9)
         .change(deployments=(Deployment("DEU", "EST", ForceSize.CORPS),)))
RELUCTANT = (BASE.relation("DEU", "RUS", threat=0.0, affinity=0.6, trade=0.6)
             .relation("DEU", "EST", affinity=-0.5))


def council_turn(setup: Setup) -> tuple[Event, ...]:
    """The first turn of the setup played by the doctrine, its attack an inject and the
    pact's council deciding the casus foederis by consensus."""
    a = setup.attack
    inject = Inject(a.id, 1, a.kind, actors=a.attackers, target=a.target, region=a.region,
                    territory=a.territory, provoked=a.provoked, attribution=a.attribution,
                    severity=a.severity)
    scenario = dataclasses.replace(setup.pact(invocation=Invocation.CONSENSUS).scenario(),
                                   injects=(inject,))
    game = Game.new(scenario)
    game.play_turn()
    return game.events


def votes(events: tuple[Event, ...]) -> dict[str, bool]:
    return {e.member: e.vote for e in events if isinstance(e, VoteCast)}


def decisions(events: tuple[Event, ...]) -> dict[str, DecisionTaken]:
    return {e.state: e for e in events if isinstance(e, DecisionTaken)}


@pytest.mark.parametrize("setup, germany", [(LOYAL, True), (RELUCTANT, False)],
                         ids=["loyal", "reluctant"])
def test_a_member_votes_for_the_call_to_arms_exactly_when_its_answer_honours_it(setup, germany):
    events = council_turn(setup)
    answers = decisions(events)
    for member, aye in votes(events).items():
        if member != setup.attack.target:
            assert aye == honours(ObligationType.DEFENSE, Response(answers[member].response)), member
    assert votes(events)["DEU"] is germany
    [invocation] = [e for e in events if e.kind is Kind.INVOCATION]
    assert ("DEU" in invocation.blocked_by) is not germany


def test_a_member_that_votes_against_says_why_in_its_answer():
    events = council_turn(RELUCTANT)
    answer = decisions(events)["DEU"]
    # Germany decides after the alliance leader, knowing its answer.
    leader = Response(decisions(events)["USA"].response)
    advice = DOCTRINE.advise(RELUCTANT.change(leader_response=leader).situation())
    assert not votes(events)["DEU"] and answer.response == advice.response
    strongest_against = next(f for f in advice.factors if f.contribution < 0)
    assert strongest_against.text in answer.rationale


def test_the_attacked_member_votes_for_and_an_attacker_has_no_vote():
    assert votes(council_turn(BASE))["EST"]
    by_a_member = votes(council_turn(BASE.strike(attackers=("DEU",))))
    assert by_a_member["EST"] and "DEU" not in by_a_member


@pytest.mark.parametrize("setup, words", [
    (LOYAL.article5(adversaries=("CHN",)), "named adversaries"),
    (LOYAL.article5(regions=("asia",)), "outside the article's regions"),
    (LOYAL.article5(non_provocation=True).strike(provoked=True), "provoked"),
    (LOYAL.article5(min_adversaries=2), "the article needs 2"),
], ids=["adversary", "region", "provoked", "min-adversaries"])
def test_an_attack_outside_the_article_binds_nobody_and_calls_no_vote(setup, words):
    # Which obligations an attack triggers is the alliance graph's rule (engine.network).
    [article5] = [t for t in AllianceGraph(setup.world()).triggers(setup.attack)
                  if t.ally == "DEU" and t.article == DEFENSE]
    assert not article5.triggered and words in article5.reason
    events = council_turn(setup)
    assert not votes(events) and not [e for e in events if e.kind is Kind.INVOCATION]


# --- credibility and fears --------------------------------------------------------------

def credibility(setup: Setup) -> float:
    return DOCTRINE.credibility(setup.world(), "pact", "RUS")


@pytest.mark.parametrize("before, after", [
    (BASE.pact(institutionalization=0.1), BASE.pact(institutionalization=0.9)),
    (BASE, BASE.change(deployments=(Deployment("USA", "EST", ForceSize.BRIGADE),))),
    (BASE.pact(openness=Openness.PARTIALLY_SECRET), BASE),
    (BASE.pact(formality=Formality.DECLARATION), BASE),
    (BASE, BASE.state("USA", nuclear=True)),
    (BASE.change(reputation={"USA": 0.1, "FRA": 0.1}), BASE),
], ids=["institutionalization", "tripwire", "public", "written", "nuclear", "reputation"])
def test_credibility_rises_with_what_the_adversary_can_see(before, after):
    assert 0.0 <= credibility(before) < credibility(after) <= 1.0


def test_a_secret_pact_deters_nobody_who_does_not_know_of_it():
    secret = BASE.pact(openness=Openness.SECRET)
    assert credibility(secret) == 0.0
    world = secret.world()
    told = world.evolve(known_to={"pact": world.known_to["pact"] | {"RUS"}})
    assert DOCTRINE.credibility(told, "pact", "RUS") > 0.0


def test_credibility_is_not_reliability():
    # Institutionalization deters, yet lowers the odds of honouring once challenged.
    low, high = BASE.pact(institutionalization=0.1), BASE.pact(institutionalization=0.9)
    assert credibility(high) > credibility(low)
    assert p_defense(high) < p_defense(low)


def fears(setup: Setup, member: str = "DEU") -> tuple[float, float]:
    return DOCTRINE.fears(setup.world(), "pact", member)


@pytest.mark.parametrize("before, after", [
    (BASE.relation("DEU", "RUS", threat=0.1), BASE.relation("DEU", "RUS", threat=0.9)),
    (BASE.state("USA", power=10.0), BASE.state("USA", power=300.0)),
    (BASE.change(reputation={m: 0.9 for m in PACT.members}),
     BASE.change(reputation={m: 0.1 for m in PACT.members})),
], ids=["own-threat", "dependence-on-allies", "allies-poor-reputation"])
def test_fear_of_abandonment_rises_as_documented(before, after):
    assert fears(before)[0] < fears(after)[0]


@pytest.mark.parametrize("before, after", [
    (BASE, BASE.relation("USA", "CHN", threat=0.9)),
    (BASE.relation("USA", "CHN", threat=0.9).relation("DEU", "CHN", threat=0.9),
     BASE.relation("USA", "CHN", threat=0.9)),
    (BASE, BASE.change(wars=(War("FRA", "CHN"),))),
], ids=["ally-has-an-adversary", "not-my-threat", "ally-provokes"])
def test_fear_of_entrapment_rises_as_documented(before, after):
    assert fears(before)[1] < fears(after)[1]


@settings(max_examples=40, deadline=None)
@given(st.floats(0, 1), st.floats(0, 1), st.floats(0, 1))
def test_fears_and_credibility_stay_between_zero_and_one(threat, ally_threat, rep):
    setup = (BASE.relation("DEU", "RUS", threat=threat).relation("USA", "CHN", threat=ally_threat)
             .change(reputation={"USA": rep}))
    for value in (*fears(setup), credibility(setup)):
        assert 0.0 <= value <= 1.0
