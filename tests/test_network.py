"""The alliance graph and the casus foederis: who is bound, by what, and why; cascades."""
from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.model import Decision, DecisionSource, InjectKind, ObligationType, Response, Treaty
from engine.network import AllianceGraph, Attack, Trigger, cascade
from engine.world import War, World
from tests.builders import (
    attack,
    consultation,
    defense,
    inject,
    make_world,
    neutrality,
    nonaggression,
    obligation,
    offense,
    state,
    treaty,
)

DEFENSE, OFFENSE, NEUTRALITY = ObligationType.DEFENSE, ObligationType.OFFENSE, ObligationType.NEUTRALITY
NONAGGRESSION, CONSULTATION = ObligationType.NONAGGRESSION, ObligationType.CONSULTATION

STATES = ["RUS", "BLR", "EST", "LVA", "GER", "FRA", "USA", "GBR", "POL", "AUH", "SRB", "ITA",
          state("JPN", region="asia"), state("DJI", region="africa")]


def nato(*obligations, **fields) -> Treaty:
    return treaty("nato", "USA GER EST", *(obligations or (defense(article="5"),)),
                  name="North Atlantic Treaty", **fields)


def only(triggers, ally: str, partner: str, type: ObligationType | None = None,
         treaty: str | None = None) -> Trigger:
    """The one trigger owed by `ally` to `partner` (of `type`, under `treaty`) among `triggers`."""
    found = [t for t in triggers if t.ally == ally and t.partner == partner
             and (type is None or t.type is type) and (treaty is None or t.treaty == treaty)]
    assert len(found) == 1, found
    return found[0]


# --- casus foederis, case by case ------------------------------------------

@dataclass(frozen=True)
class Case:
    id: str
    treaties: tuple[Treaty, ...]
    attack: Attack
    owed: tuple[str, str]                  # (ally, partner)
    triggered: bool
    words: tuple[str, ...]
    injects: tuple = ()
    wars: tuple[tuple[str, str], ...] = ()
    type: ObligationType | None = None
    prepare: Callable[[World], World] = field(default=lambda w: w)


FRANCO_DJIBOUTI = treaty("fra-dji", "FRA DJI", defense(asymmetric_to="FRA"),
                         name="France-Djibouti Defence Treaty")
ANGLO_JAPANESE = treaty("anglo-japanese", "GBR JPN", defense(article="3", min_adversaries=2),
                        name="Anglo-Japanese Alliance")
DUAL_ALLIANCE = treaty("dual", "AUH GER", defense(article="1", adversaries="RUS"),
                       name="Dual Alliance")
ACCESSION = inject("fin-accession", "treaty-signed", turn=3, actor="FIN", treaty="nato")


def _withdrawn(world: World) -> World:
    return world.evolve(turn=4, members_in_force={"nato": frozenset({"USA", "EST"})})


CASES = [
    # defense
    Case("defense binds an ally when a member is attacked", (nato(),), attack("RUS", "EST"),
         ("GER", "EST"), True,
         ("Article 5 of the North Atlantic Treaty binds Germany to defend Estonia",
          "armed attack by Russia on Estonia in europe")),
    Case("defense: an attacker outside the named adversaries", (DUAL_ALLIANCE,),
         attack("FRA", "AUH"), ("GER", "AUH"), False,
         ("not triggered", "the attacker France is not among the named adversaries (Russia)")),
    Case("defense: one named adversary among several attackers is enough", (DUAL_ALLIANCE,),
         attack("FRA RUS", "AUH"), ("GER", "AUH"), True, ("armed attack by France and Russia",)),
    Case("defense: none of several attackers named",
         (treaty("t", "GER AUH", defense(adversaries="FRA")),), attack("RUS BLR", "AUH"),
         ("GER", "AUH"), False,
         ("none of the attackers (Russia and Belarus) is among the named adversaries (France)",)),
    Case("defense: too few attackers for the article", (ANGLO_JAPANESE,), attack("RUS", "JPN"),
         ("GBR", "JPN"), False, ("not triggered", "only 1 attacker, the article needs 2")),
    Case("defense: two attackers meet min_adversaries", (ANGLO_JAPANESE,),
         attack("RUS FRA", "JPN"), ("GBR", "JPN"), True, ("binds United Kingdom to defend Japan",)),
    Case("defense: a state already at war counts as an adversary", (ANGLO_JAPANESE,),
         attack("FRA", "JPN"), ("GBR", "JPN"), True, ("Japan",), wars=(("RUS", "JPN"),)),
    Case("defense: an attack outside the article's regions",
         (nato(defense(article="5", regions="europe north-america")),),
         attack("RUS", "EST", region="asia"), ("GER", "EST"), False,
         ("not triggered", "the attack falls in asia, outside the article's regions "
                           "(europe, north-america)")),
    Case("defense: the region defaults to the target's",
         (treaty("t", "USA JPN", defense(regions="europe")),), attack("RUS", "JPN"),
         ("USA", "JPN"), False, ("falls in asia",)),
    Case("defense: forces abroad when the article covers own territory only",
         (nato(defense(article="5", own_territory_only=True)),),
         attack("RUS", "EST", territory="LVA"), ("GER", "EST"), False,
         ("not triggered", "Estonia's forces abroad", "Latvia's territory",
          "covers only members' own territory")),
    Case("defense: forces abroad under an article without that limit", (nato(),),
         attack("RUS", "EST", territory="LVA"), ("GER", "EST"), True, ("on Latvia's territory",)),
    Case("defense: void when the attacked member provoked",
         (nato(defense(article="5", non_provocation=True)),),
         attack("RUS", "EST", provoked=True), ("GER", "EST"), False,
         ("void: Estonia provoked the attack and the article has a non-provocation clause",)),
    Case("defense: provocation does not matter without the clause", (nato(),),
         attack("RUS", "EST", provoked=True), ("GER", "EST"), True, ("binds Germany",)),
    Case("defense: a one-sided article does not bind the protected side", (FRANCO_DJIBOUTI,),
         attack("RUS", "FRA"), ("DJI", "FRA"), False,
         ("not owed: the article binds only France (one-sided)",)),
    Case("defense: a one-sided article binds its guarantor", (FRANCO_DJIBOUTI,),
         attack("RUS", "DJI"), ("FRA", "DJI"), True, ("binds France to defend Djibouti",)),
    Case("defense: not before the ally's accession",
         (treaty("nato", "USA GER EST FIN", defense(article="5"), name="North Atlantic Treaty"),),
         attack("RUS", "EST"), ("FIN", "EST"), False,
         ("not in force: Finland's part begins with its accession (inject fin-accession)",),
         injects=(ACCESSION,)),
    Case("defense: not to a member before its accession",
         (treaty("nato", "USA GER EST FIN", defense(article="5"), name="North Atlantic Treaty"),),
         attack("RUS", "FIN"), ("GER", "FIN"), False,
         ("not in force: Finland's part begins with its accession (inject fin-accession)",),
         injects=(ACCESSION,)),
    Case("defense: not after the ally's withdrawal", (nato(),), attack("RUS", "EST"),
         ("GER", "EST"), False, ("not in force: Germany has left the treaty (inject ger-exit)",),
         injects=(inject("ger-exit", "treaty-withdrawal", turn=2, actor="GER", treaty="nato"),),
         prepare=_withdrawn),
    Case("defense: not before the treaty is signed", (nato(),), attack("RUS", "EST"),
         ("GER", "EST"), False,
         ("not in force: the North Atlantic Treaty takes effect with its signature (inject signing)",),
         injects=(inject("signing", "treaty-signed", turn=2, treaty="nato"),)),
    Case("defense protects a beneficiary",
         (treaty("seato", "USA GBR", defense(article="4"), beneficiaries="POL",
                 name="Manila Pact"),),
         attack("RUS", "POL"), ("GBR", "POL"), True, ("Poland is protected as a beneficiary",)),
    Case("defense still binds when the attacker is a fellow member",
         (treaty("nato", "USA GER EST POL", defense(article="5"), name="North Atlantic Treaty"),),
         attack("POL", "EST"), ("GER", "EST"), True,
         ("the attacker Poland is itself a member, and the obligation still binds",)),
    Case("defense is defensive: nothing is owed to the attacker", (DUAL_ALLIANCE,),
         attack("AUH", "SRB"), ("GER", "AUH"), False,
         ("not triggered", "the article is defensive", "Austria-Hungary is the attacker")),
    Case("defense: a well-attributed cyber attack is still short of an armed attack", (nato(),),
         attack("RUS", "EST", kind="cyber-attack", attribution=0.6), ("GER", "EST"), False,
         ("not triggered: a cyber attack short of an armed attack: Article 5 is not triggered",)),
    Case("consultation answers an attack short of an armed attack",
         (nato(consultation(article="4"), defense(article="5")),),
         attack("RUS", "EST", kind="hybrid-attack", attribution=0.6), ("GER", "EST"), True,
         ("Article 4 of the North Atlantic Treaty binds Germany to consult Estonia",
          "hybrid attack by Russia"), type=CONSULTATION),
    Case("defense: a grey-zone attack names no attacker", (nato(),),
         attack("RUS", "EST", kind="cyber-attack", attribution=0.4), ("GER", "EST"), False,
         ("not triggered", "attribution 40%", "grey zone")),
    # offense
    Case("offense binds a member to join an attacking partner",
         (treaty("t", "GER ITA", offense(adversaries="FRA")),), attack("GER", "FRA"),
         ("ITA", "GER"), True, ("binds Italy to join Germany",)),
    Case("offense: the target is not a named adversary",
         (treaty("t", "GER ITA", offense(adversaries="FRA")),), attack("GER", "SRB"),
         ("ITA", "GER"), False,
         ("not triggered", "the target Serbia is not among the named adversaries (France)")),
    Case("offense: never against a fellow member", (treaty("t", "GER ITA FRA", offense()),),
         attack("GER", "FRA"), ("ITA", "GER"), False, ("the target France is itself a member",)),
    Case("offense: nothing is owed to the attacked", (treaty("t", "GER ITA", offense()),),
         attack("FRA", "GER"), ("ITA", "GER"), False,
         ("not triggered", "offense is owed to a member that attacks", "Germany is the one attacked")),
    Case("offense: outside its regions", (treaty("t", "GER ITA", offense(regions="africa")),),
         attack("GER", "FRA"), ("ITA", "GER"), False, ("falls in europe", "(africa)")),
    Case("offense: too few adversaries", (treaty("t", "GER ITA", offense(min_adversaries=2)),),
         attack("GER", "FRA"), ("ITA", "GER"), False, ("only 1 adversary, the article needs 2",)),
    # neutrality
    Case("neutrality is owed to an attacked member", (treaty("t", "GER ITA", neutrality()),),
         attack("FRA", "GER"), ("ITA", "GER"), True, ("binds Italy to neutrality toward Germany",)),
    Case("neutrality is owed to an attacking member", (treaty("t", "GER ITA", neutrality()),),
         attack("GER", "FRA"), ("ITA", "GER"), True, ("binds Italy to neutrality toward Germany",)),
    Case("neutrality only if attacked: not to an attacking member",
         (treaty("t", "GER ITA", neutrality(only_if_attacked=True)),), attack("GER", "FRA"),
         ("ITA", "GER"), False, ("not owed: neutrality is owed only when the partner is attacked",)),
    Case("neutrality with a non-provocation clause: not to a partner that attacks unprovoked",
         (treaty("t", "GER ITA", neutrality(non_provocation=True)),), attack("GER", "FRA"),
         ("ITA", "GER"), False, ("void: Germany attacked without provocation",)),
    Case("neutrality with a non-provocation clause: to a partner provoked into war",
         (treaty("t", "GER ITA", neutrality(non_provocation=True)),),
         attack("GER", "FRA", provoked=True), ("ITA", "GER"), True, ("neutrality toward Germany",)),
    Case("neutrality with a non-provocation clause: not to an attacked partner that provoked",
         (treaty("t", "GER ITA", neutrality(non_provocation=True)),),
         attack("FRA", "GER", provoked=True), ("ITA", "GER"), False, ("void: Germany provoked",)),
    Case("neutrality toward named adversaries only",
         (treaty("t", "GER ITA", neutrality(adversaries="RUS")),), attack("FRA", "GER"),
         ("ITA", "GER"), False, ("the attacker France is not among the named adversaries (Russia)",)),
    # non-aggression
    Case("non-aggression: the attacker breaks its pact",
         (treaty("mr", "GER RUS", nonaggression(article="1"), name="Molotov-Ribbentrop Pact"),),
         attack("GER", "RUS"), ("GER", "RUS"), True,
         ("Germany's attack breaks its non-aggression pact with Russia",
          "Article 1 of the Molotov-Ribbentrop Pact")),
    Case("non-aggression: void when the target provoked",
         (treaty("mr", "GER RUS", nonaggression(non_provocation=True)),),
         attack("GER", "RUS", provoked=True), ("GER", "RUS"), False,
         ("void: Russia provoked the attack",)),
    Case("non-aggression: a one-sided pledge does not bind the other side",
         (treaty("t", "GER RUS", nonaggression(asymmetric_to="RUS")),), attack("GER", "RUS"),
         ("GER", "RUS"), False, ("not owed: the article binds only Russia (one-sided)",)),
    # consultation
    Case("consultation is owed to an attacked member", (treaty("t", "GBR FRA", consultation()),),
         attack("GER", "FRA"), ("GBR", "FRA"), True, ("binds United Kingdom to consult France",)),
    Case("consultation is not owed to an attacking member",
         (treaty("t", "GBR FRA", consultation()),), attack("FRA", "GER"), ("GBR", "FRA"), False,
         ("not owed: consultation is owed to an attacked partner, and France is the attacker",)),
]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_casus_foederis(case: Case):
    world = case.prepare(make_world(STATES, case.treaties, case.injects, wars=case.wars))
    found = AllianceGraph(world).triggers(case.attack)
    trigger = only(found, *case.owed, case.type)
    assert trigger.triggered is case.triggered
    for words in case.words:
        assert words in trigger.reason
    assert trigger.attack == case.attack.id
    assert trigger.treaty == case.treaties[0].id


def test_a_non_aggression_pact_binds_only_the_attacker():
    world = make_world(STATES, [treaty("t", "GER RUS POL", nonaggression())])
    found = AllianceGraph(world).triggers(attack("GER", "RUS"))
    assert [(t.ally, t.partner, t.triggered) for t in found] == [("GER", "RUS", True)]


def test_the_parties_of_an_attack_owe_nothing_in_it():
    world = make_world(STATES, [treaty("nato", "USA GER EST POL", defense())])
    found = AllianceGraph(world).triggers(attack("POL", "EST"))
    assert {t.ally for t in found} == {"USA", "GER"}


def test_beneficiaries_owe_nothing():
    world = make_world(STATES, [treaty("t", "USA GBR", defense(), neutrality(),
                                       beneficiaries="POL")])
    found = AllianceGraph(world).triggers(attack("RUS", "USA"))
    assert found and all(t.ally != "POL" for t in found)


def test_an_attack_outside_every_treaty_triggers_nothing():
    world = make_world(STATES, [nato()])
    assert AllianceGraph(world).triggers(attack("RUS", "SRB")) == ()


def test_triggers_are_in_treaty_then_article_then_member_order():
    world = make_world(STATES, [
        treaty("b", "POL EST GER", neutrality(), defense()),
        treaty("a", "USA EST", consultation()),
    ])
    found = AllianceGraph(world).triggers(attack("RUS", "EST"))
    assert [(t.treaty, t.article, t.ally) for t in found] == [
        ("b", 0, "POL"), ("b", 0, "GER"), ("b", 1, "POL"), ("b", 1, "GER"), ("a", 0, "USA")]


def test_binding_keeps_only_the_triggered():
    world = make_world(STATES, [DUAL_ALLIANCE, nato()])
    graph = AllianceGraph(world)
    for a in (attack("RUS", "AUH"), attack("FRA", "AUH"), attack("RUS", "EST")):
        assert graph.binding(a) == tuple(t for t in graph.triggers(a) if t.triggered)
    assert [t.ally for t in graph.binding(attack("RUS", "AUH"))] == ["GER"]


def test_a_later_world_reads_wars_and_parts_as_they_stand():
    world = make_world(STATES, [ANGLO_JAPANESE])
    graph = AllianceGraph(world)
    alone = attack("FRA", "JPN")
    assert not graph.binding(alone)
    at_war = world.evolve(wars=(War("RUS", "JPN"),))
    assert [t.ally for t in graph.at(at_war).binding(alone)] == ["GBR"]


def test_too_few_adversaries_counts_those_already_at_war():
    world = make_world(STATES, [treaty("aj", "GBR JPN", defense(min_adversaries=3))],
                       wars=[("RUS", "JPN")])
    (found,) = AllianceGraph(world).triggers(attack("FRA", "JPN"))
    assert found.reason == ("not triggered: only 2 adversaries (France, and Russia already at war "
                            "with Japan), the article needs 3")


# --- the graph ---------------------------------------------------------------

def test_the_graph_has_an_edge_per_obligation_owed():
    world = make_world(STATES, [
        treaty("nato", "USA GER EST", defense(), beneficiaries="POL"),
        FRANCO_DJIBOUTI,
        treaty("axis", "GER ITA", offense()),
    ])
    g = AllianceGraph(world).graph
    assert set(g.nodes) == {s if isinstance(s, str) else s.id for s in STATES}
    assert set(g.successors("USA")) == {"GER", "EST", "POL"}
    assert list(g.successors("POL")) == []                 # beneficiaries owe nothing
    assert g.has_edge("FRA", "DJI", key=("fra-dji", 0))
    assert not g.has_edge("DJI", "FRA")                     # one-sided
    assert g.has_edge("ITA", "GER", key=("axis", 0))
    data = g.get_edge_data("USA", "EST", key=("nato", 0))
    assert data["obligation"].type is DEFENSE and data["treaty"].id == "nato"
    assert data["in_force"] is True


def test_the_graph_marks_obligations_not_in_force():
    world = make_world(STATES, [treaty("nato", "USA GER EST FIN", defense())], [ACCESSION])
    g = AllianceGraph(world).graph
    assert g.get_edge_data("GER", "FIN", key=("nato", 0))["in_force"] is False
    assert g.get_edge_data("GER", "EST", key=("nato", 0))["in_force"] is True


# --- conflicts -----------------------------------------------------------------

@pytest.mark.parametrize("with_victim, with_attacker, torn", [
    (defense(), offense(), True),
    (neutrality(), offense(), True),
    (defense(), neutrality(), True),
    (consultation(), offense(), True),
    (neutrality(), neutrality(), False),   # staying out honours both
    (consultation(), neutrality(), False),  # diplomacy for the victim arms nobody
    (defense(), neutrality(only_if_attacked=True), False),
])
def test_a_state_bound_to_both_sides_is_torn(with_victim, with_attacker, torn):
    world = make_world(STATES, [treaty("v", "ITA EST", with_victim),
                                treaty("a", "ITA RUS", with_attacker)])
    conflicts = AllianceGraph(world).conflicts(attack("RUS", "EST"))
    assert [c.state for c in conflicts] == (["ITA"] if torn else [])
    if torn:
        (c,) = conflicts
        assert [t.treaty for t in c.honour_victim] == ["v"]
        assert [t.treaty for t in c.honour_attacker] == ["a"]
        assert "Italy is bound to both sides" in c.text
        assert c.attack == "RUS>EST"


def italy_1914(prinetti: list) -> World:
    """Italy in the Triple Alliance (1882) and in the secret Prinetti-Barrere
    exchange with France (1902)."""
    return make_world(STATES, [
        treaty("triple", "GER AUH ITA",
               defense(article="2", adversaries="FRA", non_provocation=True),
               name="Triple Alliance"),
        treaty("prinetti", "ITA FRA", *prinetti, openness="secret",
               name="Prinetti-Barrere Agreement"),
    ])


def test_italy_torn_between_the_triple_alliance_and_its_secret_pact_with_france():
    # Read as France told it (Italy stays neutral whenever France is at war),
    # the 1902 pact cannot be squared with aid to Germany against France.
    world = italy_1914([neutrality()])
    graph = AllianceGraph(world)
    french_attack = attack("FRA", "GER")
    (conflict,) = graph.conflicts(french_attack)
    assert conflict.state == "ITA"
    assert [(t.treaty, t.partner) for t in conflict.honour_victim] == [("triple", "GER")]
    assert [(t.treaty, t.partner) for t in conflict.honour_attacker] == [("prinetti", "FRA")]
    assert "Triple Alliance" in conflict.text and "Prinetti-Barrere Agreement" in conflict.text
    # Austria-Hungary owes Germany help too, but nothing to France.
    assert only(graph.binding(french_attack), "AUH", "GER").triggered


def test_italy_is_not_torn_when_the_pact_keeps_its_provocation_clause():
    # As written, the 1902 pact covers a France provoked into war; an unprovoked
    # French attack leaves Italy bound to Germany alone.
    graph = AllianceGraph(italy_1914([neutrality(non_provocation=True)]))
    assert graph.conflicts(attack("FRA", "GER")) == ()
    assert "void" in only(graph.triggers(attack("FRA", "GER")), "ITA", "FRA").reason


def test_italy_is_not_torn_when_germany_attacks_france():
    graph = AllianceGraph(italy_1914([neutrality()]))
    german_attack = attack("GER", "FRA")
    assert graph.conflicts(german_attack) == ()
    assert [t.partner for t in graph.binding(german_attack) if t.ally == "ITA"] == ["FRA"]


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
