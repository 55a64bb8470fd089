"""Cascades: how one attack pulls states into war through the treaties, round by round."""
from __future__ import annotations

import itertools

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.model import Decision, DecisionSource, InjectKind, ObligationType, Response
from engine.network import AllianceGraph, Attack, cascade
from engine.world import War, World
from tests.builders import attack, consultation, defense, make_world, obligation, offense, state, treaty
from tests.test_network import NONAGGRESSION, STATES, nato, only

# --- cascade -------------------------------------------------------------------

def decision(attack: Attack, state: str, response: Response, side: str | None,
             treaty: str | None = None) -> Decision:
    return Decision(1, state, attack.id, response, DecisionSource.DOCTRINE, side=side, treaty=treaty)


def every_bound_ally_fights(attack: Attack, world: World, binding) -> list[Decision]:
    """Each bound ally answers `full` on its partner's side (once per attack)."""
    answers: dict[str, Decision] = {}
    for t in binding:
        if t.type is not NONAGGRESSION and t.ally not in answers:
            answers[t.ally] = decision(attack, t.ally, Response.FULL, t.partner, t.treaty)
    return list(answers.values())


EUROPE_1914 = [
    treaty("dual", "AUH GER", defense(article="1", adversaries="RUS"), name="Dual Alliance"),
    treaty("triple", "GER AUH ITA",
           defense(article="2", adversaries="FRA", non_provocation=True),
           defense(article="3", min_adversaries=2, non_provocation=True),
           name="Triple Alliance"),
    treaty("franco-russian", "FRA RUS", defense(article="1", adversaries="GER"),
           name="Franco-Russian Military Convention"),
    treaty("german-ottoman", "GER OTT",
           offense(article="2", adversaries="RUS", asymmetric_to="OTT"),
           defense(article="4", asymmetric_to="GER"), name="German-Ottoman Alliance"),
    treaty("grey-cambon", "GBR FRA", consultation(), name="Grey-Cambon letters"),
]


def test_1914_one_attack_pulls_four_states_into_war_through_three_treaties():
    world = make_world(STATES + ["OTT"], EUROPE_1914)
    sarajevo = attack("AUH", "SRB", id="sarajevo")

    def decide(a, w, binding):
        answers = every_bound_ally_fights(a, w, binding)
        if a.id == "sarajevo":   # Russia, bound by no treaty, stands by Serbia
            answers.append(decision(a, "RUS", Response.FULL, "SRB"))
        return answers

    result = cascade(world, [sarajevo], decide)

    assert [[a.id for a in r.attacks] for r in result.rounds] == [
        ["sarajevo"],
        ["sarajevo/RUS>AUH"],
        ["sarajevo/GER>RUS"],
        ["sarajevo/FRA>GER", "sarajevo/OTT>RUS"],
    ]
    assert [[(w.aggressor, w.defender) for w in r.wars_begun] for r in result.rounds] == [
        [("AUH", "SRB")], [("RUS", "AUH")], [("GER", "RUS")], [("FRA", "GER"), ("OTT", "RUS")]]
    assert [[(d.state, d.treaty) for d in r.decisions] for r in result.rounds] == [
        [("RUS", None)], [("GER", "dual")], [("FRA", "franco-russian"), ("OTT", "german-ottoman")],
        []]
    assert not result.truncated and result.pending == ()
    assert result.world.belligerents() == {"AUH", "SRB", "RUS", "GER", "FRA", "OTT"}
    assert len(result.world.wars) == 5

    # Each counter-attack was provoked by the side that struck first ...
    russian = result.rounds[1].attacks[0]
    assert russian.provoked and russian.origin == "sarajevo" and russian.attackers == ("RUS",)
    assert not result.rounds[3].attacks[1].provoked            # the Ottomans join the attacker
    # ... so Italy, whose articles carry a non-provocation clause, stays out.
    italy = [t for r in result.rounds for t in r.triggers if t.ally == "ITA"]
    assert italy and not any(t.triggered for t in italy)
    assert any("void: Germany provoked the attack" in t.reason for t in italy)
    # Germany owed Austria nothing while Austria was the attacker.
    first = only(result.rounds[0].triggers, "GER", "AUH", treaty="dual")
    assert "defensive" in first.reason and not first.triggered
    # Britain owed France consultation only, and France was the attacker.
    britain = only(result.rounds[3].triggers, "GBR", "FRA")
    assert britain.reason.startswith("not owed: consultation")


@pytest.mark.parametrize("response, side, war", [
    (Response.FULL, "EST", ("GER", "RUS", True)),      # fights the attacker
    (Response.FULL, None, ("GER", "RUS", True)),       # no side given: the victim's
    (Response.FULL, "RUS", ("GER", "EST", False)),     # joins the attacker
    (Response.HOSTILE, "EST", None),                   # aids the attacker, does not fight
    (Response.HOSTILE, "RUS", None),                   # turns on the attacker without fighting
    (Response.LIMITED, "EST", None),
    (Response.DIPLOMATIC, "EST", None),
    (Response.NEUTRAL, "EST", None),
])
def test_which_answers_begin_a_war(response, side, war):
    world = make_world(STATES)
    strike = attack("RUS", "EST", id="narva", region="europe")
    result = cascade(world, [strike], lambda a, w, b: [decision(a, "GER", response, side)]
                     if a.id == "narva" else [])
    begun = result.rounds[1].attacks if len(result.rounds) > 1 else ()
    if war is None:
        assert len(result.rounds) == 1 and begun == ()
    else:
        attacker, target, provoked = war
        (new,) = begun
        assert (new.attackers, new.target, new.provoked) == ((attacker,), target, provoked)
        assert new.id == f"narva/{attacker}>{target}" and new.origin == "narva"
        assert new.kind is InjectKind.ARMED_ATTACK
        assert War(attacker, target) in result.world.wars


def test_a_war_on_several_attackers_is_one_attack_per_attacker():
    world = make_world(STATES)
    result = cascade(world, [attack("RUS BLR", "EST", id="joint")],
                     lambda a, w, b: [decision(a, "GER", Response.FULL, "EST")] if a.id == "joint" else [])
    assert [a.id for a in result.rounds[1].attacks] == ["joint/GER>RUS", "joint/GER>BLR"]
    assert result.rounds[0].wars_begun == (War("RUS", "EST"), War("BLR", "EST"))


def test_the_parties_answers_begin_no_new_war():
    world = make_world(STATES)
    strike = attack("RUS", "EST", kind="cyber-attack")
    result = cascade(world, [strike], lambda a, w, b: [decision(a, "EST", Response.FULL, "EST"),
                                                       decision(a, "RUS", Response.HOSTILE, "EST")])
    assert len(result.rounds) == 1 and result.world.wars == ()


def test_only_an_armed_attack_makes_belligerents():
    world = make_world(STATES, [nato(consultation(article="4"), defense(article="5"))])
    result = cascade(world, [attack("RUS", "EST", kind="cyber-attack")], lambda a, w, b: [])
    assert result.rounds[0].wars_begun == () and result.world.wars == ()
    assert [t.ally for t in result.rounds[0].triggers if t.triggered] == ["USA", "GER"]


def test_no_new_attack_between_states_already_at_war():
    world = make_world(STATES, [nato()], wars=[("GER", "RUS")])
    result = cascade(world, [attack("RUS", "EST")], every_bound_ally_fights)
    assert [a.id for a in result.rounds[1].attacks] == ["RUS>EST/USA>RUS"]
    assert result.world.wars.count(War("GER", "RUS")) == 1


def test_a_state_that_answered_is_not_asked_again_and_its_first_answer_counts():
    world = make_world(STATES, [nato(consultation(article="4"), defense(article="5"))])
    asked: list[tuple[str, tuple[str, ...]]] = []

    def decide(a, w, binding):
        asked.append((a.id, tuple(t.ally for t in binding)))
        return [decision(a, t.ally, Response.LIMITED, t.partner) for t in binding] + [
            decision(a, "USA", Response.FULL, "EST")]   # a second answer is dropped

    result = cascade(world, [attack("RUS", "EST", id="incident", kind="border-incident"),
                             attack("RUS", "EST", id="invasion")], decide)
    assert asked == [("incident", ("USA", "GER")), ("invasion", ())]
    assert [(d.attack, d.state, d.response) for d in result.decisions] == [
        ("incident", "USA", Response.LIMITED), ("incident", "GER", Response.LIMITED)]


def test_decide_sees_the_wars_of_its_round():
    world = make_world(STATES, [nato()])
    seen = []
    cascade(world, [attack("RUS", "EST")], lambda a, w, b: seen.append(w.at_war("RUS", "EST")) or [])
    assert seen == [True]


def test_a_cascade_beyond_max_rounds_is_truncated():
    world = make_world(STATES + ["OTT"], EUROPE_1914)
    def decide(a, w, b):
        return every_bound_ally_fights(a, w, b) + (
            [decision(a, "RUS", Response.FULL, "SRB")] if a.id == "sarajevo" else [])
    result = cascade(world, [attack("AUH", "SRB", id="sarajevo")], decide, max_rounds=2)
    assert result.truncated and len(result.rounds) == 2
    assert [a.id for a in result.pending] == ["sarajevo/GER>RUS"]
    assert not result.world.at_war("GER", "RUS")


def chain_of_six_rounds() -> World:
    """Four states whose treaties chain six rounds of war: a war can break out
    between states already fighting others, so rounds are bounded by pairs."""
    return make_world("A B C D", [
        treaty("t1", "A C", offense(asymmetric_to="C")),
        treaty("t2", "A B", defense(asymmetric_to="A")),
        treaty("t3", "C D", defense(asymmetric_to="D")),
        treaty("t4", "A B", defense(asymmetric_to="B")),
        treaty("t5", "B C", offense(asymmetric_to="C")),
    ])


def test_more_rounds_than_states_plus_one_can_be_needed():
    world = chain_of_six_rounds()
    result = cascade(world, [attack("A", "B")], every_bound_ally_fights, max_rounds=20)
    assert [[a.id for a in r.attacks] for r in result.rounds] == [
        ["A>B"], ["A>B/C>B"], ["A>B/A>C"], ["A>B/D>A"], ["A>B/B>D"], ["A>B/C>D"]]
    assert not result.truncated
    states = len(world.states)
    assert len(result.rounds) > states + 1
    assert cascade(world, [attack("A", "B")], every_bound_ally_fights, max_rounds=states + 1).truncated


# --- properties ----------------------------------------------------------------

REGIONS = ("europe", "asia")


@st.composite
def alliance_systems(draw):
    n = draw(st.integers(2, 6))
    ids = [f"S{i}" for i in range(n)]
    states = [state(s, region=draw(st.sampled_from(REGIONS))) for s in ids]
    some_ids = st.lists(st.sampled_from(ids), min_size=1, max_size=3, unique=True)
    treaties = []
    for k in range(draw(st.integers(0, 7))):
        members = draw(st.lists(st.sampled_from(ids), min_size=2, max_size=n, unique=True))
        others = [s for s in ids if s not in members]
        beneficiaries = draw(st.lists(st.sampled_from(others), max_size=2, unique=True)) if others else []
        obligations = []
        for _ in range(draw(st.integers(1, 3))):
            obligations.append(obligation(
                draw(st.sampled_from(list(ObligationType))),
                adversaries=draw(st.none() | some_ids),
                regions=draw(st.none() | st.lists(st.sampled_from(REGIONS), min_size=1, unique=True)),
                non_provocation=draw(st.booleans()),
                asymmetric_to=draw(st.none() | st.lists(st.sampled_from(members), min_size=1,
                                                        unique=True)),
                min_adversaries=draw(st.integers(1, 3)),
                only_if_attacked=draw(st.booleans()),
                own_territory_only=draw(st.booleans())))
        treaties.append(treaty(f"t{k}", members, *obligations, beneficiaries=beneficiaries))
    pairs = list(itertools.permutations(ids, 2))
    wars = draw(st.lists(st.sampled_from(pairs), max_size=2, unique_by=lambda p: frozenset(p)))
    attacker, target = draw(st.sampled_from(pairs))
    first = attack(attacker, target, provoked=draw(st.booleans()),
                   kind=draw(st.sampled_from(["armed-attack", "armed-attack", "cyber-attack"])),
                   territory=draw(st.none() | st.sampled_from(ids)))
    return make_world(states, treaties, wars=wars), first


SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(alliance_systems(), st.integers(1, 8))
def test_a_cascade_stops_within_max_rounds(system, max_rounds):
    world, first = system
    result = cascade(world, [first], every_bound_ally_fights, max_rounds=max_rounds)
    assert 1 <= len(result.rounds) <= max_rounds
    assert result.truncated == bool(result.pending)
    assert result.truncated == (len(result.rounds) == max_rounds and bool(result.pending))


@SETTINGS
@given(alliance_systems())
def test_a_cascade_with_a_round_per_pair_is_never_truncated(system):
    world, first = system
    n = len(world.states)
    result = cascade(world, [first], every_bound_ally_fights, max_rounds=n * (n - 1) // 2 + 1)
    assert not result.truncated
    pairs = [w.pair for w in result.world.wars]
    assert len(pairs) == len(set(pairs))                    # no pair goes to war twice
    assert result.world.wars[:len(world.wars)] == world.wars
    for later in result.rounds[1:]:                        # every later round begins a new war
        assert later.wars_begun and len(later.wars_begun) == len(later.attacks)


@SETTINGS
@given(alliance_systems())
def test_triggers_are_deterministic_and_owed_by_third_states(system):
    world, first = system
    graph = AllianceGraph(world)
    found = graph.triggers(first)
    assert found == graph.triggers(first) == AllianceGraph(world).triggers(first)
    assert graph.binding(first) == tuple(t for t in found if t.triggered)
    parties = {first.target, *first.attackers}
    for t in found:
        if t.type is NONAGGRESSION:
            assert (t.ally, t.partner) == (first.attackers[0], first.target)
        else:
            assert t.ally not in parties and t.partner in parties
        assert t.reason
    for c in graph.conflicts(first, found):
        assert c.honour_victim and c.honour_attacker


@SETTINGS
@given(alliance_systems())
def test_a_cascade_keeping_only_binding_triggers_plays_out_the_same(system):
    world, first = system
    full = cascade(world, [first], every_bound_ally_fights)
    lean = cascade(world, [first], every_bound_ally_fights, all_triggers=False)
    assert lean.world == full.world and lean.truncated == full.truncated
    for a, b in zip(full.rounds, lean.rounds, strict=True):
        assert (a.attacks, a.decisions, a.wars_begun, a.conflicts) == (
            b.attacks, b.decisions, b.wars_begun, b.conflicts)
        assert b.triggers == tuple(t for t in a.triggers if t.triggered)
