"""The alliance graph and the casus foederis: who is bound, by what, and why."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import pytest

from engine.model import ObligationType, Treaty
from engine.network import AllianceGraph, Attack, Trigger
from engine.world import War, World
from tests.builders import (
    attack,
    consultation,
    defense,
    inject,
    make_world,
    neutrality,
    nonaggression,
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

