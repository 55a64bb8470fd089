"""A treaty's standing, apart from any decision: its credibility and its members' fears.

The seed paper keeps them apart from the honouring decision: credibility is what
an adversary sees, and so what deters (it is not reliability: see the
institutionalization factor); the fears of abandonment and entrapment are
Snyder's alliance security dilemma. Weights in doctrine.json 'credibility' and 'fears'.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import repeat
from operator import attrgetter

from .. import numeric
from ..floats import total
from ..model import Scenario, Treaty
from ..world import INITIAL_REPUTATION, World
from . import readings as rd
from .data import ABANDONMENT_FEAR, CREDIBILITY, ENTRAPMENT_FEAR

Threats = Mapping[str, Mapping[str, float]]
_POWER = attrgetter("power")


def credibility(world: World, treaty: str, adversary: str) -> float:
    """The treaty's credibility in `adversary`'s eyes, 0..1 (doctrine.json 'credibility')."""
    terms = credibility_terms(world, treaty, adversary)
    return 0.0 if terms is None else terms.given(_mean_reputation(world, terms.members))


@dataclass(frozen=True, slots=True)
class Credibility:
    """A treaty's credibility in one adversary's eyes but for its members' mean reputation, the one
    part that moves every turn: the other parts' weighted terms, in doctrine.json's order around it,
    so that a caller may keep them and add the reputation's term as the reputations change."""
    members: tuple[str, ...]          # the members in force, sorted: whose reputations count
    before: tuple[float, ...]         # the weighted terms before the reputation's, parts by name
    weight: float                     # the reputation's weight
    after: tuple[float, ...]

    def given(self, mean_reputation: float) -> float:
        """The credibility with the members' mean reputation; the same sum, in the same order, as
        one written out."""
        return numeric.credibility(self.before, self.weight, mean_reputation, self.after)


def credibility_terms(world: World, treaty: str, adversary: str) -> Credibility | None:
    """credibility's terms but the reputation's; None where the credibility is 0 whatever the
    reputations (a hidden treaty, or none of its members bound)."""
    t = world.treaty(treaty)
    if t.secret and not world.knows(adversary, t.id):
        return None  # a hidden alliance deters nobody
    members = sorted(world.members_in_force.get(t.id, ()))
    if not members:
        return None
    memo = rd.scratch(world)
    leader = rd.survey(world, memo, t).ranked[0]
    lp, xp = world.states[leader].power, world.states[adversary].power
    parts = {
        "institutionalization": t.institutionalization,
        "tripwire": _coverage(world, memo, t, members, adversary),
        "publicity": rd.formality(t, None),
        "leader_power": rd.share_of(lp, xp),
        "nuclear": 1.0 if any(world.states[m].nuclear for m in members) else 0.0,
    }
    order = sorted((*parts, "reputation"))  # credibility's terms are summed by the parts' names
    cut = order.index("reputation")
    terms = tuple(CREDIBILITY[k] * parts[k] for k in order if k != "reputation")
    return Credibility(tuple(members), terms[:cut], CREDIBILITY["reputation"], terms[cut:])


def fears(world: World, treaty: str, member: str) -> tuple[float, float]:
    """(fear of abandonment, fear of entrapment), 0..1 each (doctrine.json 'fears')."""
    return abandonment(world, treaty, member), entrapment(world, treaty, member)


def abandonment(world: World, treaty: str, member: str) -> float:
    """The member's fear of abandonment in the treaty, 0..1 (doctrine.json 'fears.abandonment')."""
    terms = abandonment_terms(world, treaty, member)
    return 0.0 if terms is None else terms.given(world)


@dataclass(frozen=True, slots=True)
class Abandonment:
    """A member's fear of abandonment but for its allies' mean reputation, the one part that moves
    every turn (as Credibility keeps a treaty's credibility): the threat's and the dependence's
    weighted terms, summed as the whole is summed before the reputation's term is added."""
    allies: tuple[str, ...]           # the other members in force, sorted
    rest: float                       # the threat's and the dependence's terms

    def given(self, world: World) -> float:
        return numeric.abandonment(self.rest, ABANDONMENT_FEAR["allies_reputation"],
                                   _mean_reputation(world, self.allies))


def abandonment_terms(world: World, treaty: str, member: str) -> Abandonment | None:
    """abandonment's terms but the reputation's; None where the member has no ally in force."""
    t = world.treaty(treaty)
    allies = sorted(world.members_in_force.get(t.id, frozenset()) - {member})
    if not allies:
        return None
    return Abandonment(tuple(allies), _abandonment(world, _own_threats(world, member), _insiders(world, t), allies,
                                                   member))


def entrapment(world: World, treaty: str, member: str) -> float:
    """The member's fear of entrapment in the treaty, 0..1 (doctrine.json 'fears.entrapment')."""
    t = world.treaty(treaty)
    allies = sorted(world.members_in_force.get(t.id, frozenset()) - {member})
    if not allies:
        return 0.0
    return _entrapment(world, _threats(world, rd.war_scratch(world)), _insiders(world, t), allies, member)


def _insiders(world: World, treaty: Treaty) -> frozenset[str]:
    """The treaty's members as a set, made once per scenario (an option's fears ask it every turn)."""
    shared = rd.shared_scratch(world)
    key = ("standing: insiders", treaty.id)
    found: frozenset[str] | None = shared.get(key)
    if found is None:
        found = shared[key] = frozenset(treaty.members)
    return found


def _mean_reputation(world: World, states: Sequence[str]) -> float:
    # map reads the reputations in C.
    return numeric.mean(tuple(map(world.reputation.get, states, repeat(INITIAL_REPUTATION))))


def _abandonment(world: World, threats: Mapping[str, float], insiders: frozenset[str], allies: list[str],
                 member: str) -> float:
    """The member's threat from outside (`threats`: its own, _own_threats) and its dependence on its
    allies, weighted and summed (Abandonment adds their poor record)."""
    own_threat = max((v for y, v in threats.items() if y not in insiders), default=0.0)
    states = world.states
    own = states[member].power
    allied = total(map(_POWER, map(states.__getitem__, allies)))
    dependence = allied / (own + allied) if own + allied > 0 else 0.0
    return ABANDONMENT_FEAR["threat"] * own_threat + ABANDONMENT_FEAR["dependence"] * dependence


def _entrapment(world: World, threats: Threats, insiders: frozenset[str], allies: list[str],
                member: str) -> float:
    """Allies' adversaries the member does not fear, and allies that struck first."""
    divergent = numeric.mean(tuple(_divergence(threats, a, member, insiders) for a in allies))
    aggressors = {w.aggressor for w in world.wars}
    aggression = sum(1 for a in allies if a in aggressors) / len(allies)
    return numeric.entrapment(divergent, aggression, ENTRAPMENT_FEAR["divergent_adversaries"],
                              ENTRAPMENT_FEAR["allies_aggression"])


def _hosted(world: World, memo: rd.Memo) -> Mapping[str, tuple[tuple[str, float], ...]]:
    """Per host, the foreign forces in it: (state, skin in the game), once per world."""
    found: Mapping[str, tuple[tuple[str, float], ...]] | None = memo.get("hosted")
    if found is None:
        pairs = sorted({(d.state, d.host) for d in world.all_deployments()})
        hosted: dict[str, list[tuple[str, float]]] = {}
        shared = rd.shared_scratch(world)
        for state, host in pairs:
            hosted.setdefault(host, []).append((state, rd.tripwire(world, shared, state, host)))
        found = memo["hosted"] = {h: tuple(v) for h, v in hosted.items()}
    return found


def _coverage(world: World, memo: rd.Memo, treaty: Treaty, members: list[str],
              adversary: str) -> float:
    """Mean tripwire cover of the protected states exposed to `adversary`."""
    relations = world.relations
    protected = sorted(p for p in treaty.protected if p != adversary and p in world.states)
    exposed = [p for p in protected
               if (r := relations.get((p, adversary))) is not None and r.threat > 0] or protected
    if not exposed:
        return 0.0
    hosted, bound = _hosted(world, memo), set(members)
    cover = [min(1.0, total(w for m, w in hosted.get(p, ()) if m in bound and m != p))
             for p in exposed]
    return total(cover) / len(cover)


def _threats(world: World, memo: rd.Memo) -> Threats:
    """Who each state fears, and how much (threat > 0, or 1 for a state it is at war with); `memo`
    is the world's war_scratch."""
    found: Threats | None = memo.get("threats")
    if found is None:
        threats: dict[str, dict[str, float]] = {}
        # Only ever read through max(), so the order of iteration cannot matter.
        for (source, target), r in world.relations.items():
            if r.threat > 0:
                threats.setdefault(source, {})[target] = r.threat
        for w in world.wars:
            threats.setdefault(w.aggressor, {})[w.defender] = 1.0
            threats.setdefault(w.defender, {})[w.aggressor] = 1.0
        found = memo["threats"] = threats
    return found


def _own_threats(world: World, member: str) -> Mapping[str, float]:
    """_threats(world)[member], read off the member's own relations and wars alone (an option asks
    one state's fear of abandonment, and the whole map would be made for it). The scenario's index
    of relations by source serves while play has added no relation (an effect may add one; none
    is ever removed, so the same count means the same pairs)."""
    relations, scenario = world.relations, world.scenario
    if len(relations) != len(scenario.relation_by_pair):
        return _threats(world, rd.war_scratch(world)).get(member, {})
    row: dict[str, float] = {}
    for pair in _by_source(scenario).get(member, ()):
        r = relations[pair]
        if r.threat > 0:
            row[pair[1]] = r.threat
    for w in world.wars:
        if w.aggressor == member:
            row[w.defender] = 1.0
        elif w.defender == member:
            row[w.aggressor] = 1.0
    return row


_BY_SOURCE = "standing: relations by source"


def _by_source(scenario: Scenario) -> Mapping[str, tuple[tuple[str, str], ...]]:
    """The scenario's relations' pairs by their source (made once per scenario)."""
    memo = rd.MEMO.scratch(scenario)
    found: Mapping[str, tuple[tuple[str, str], ...]] | None = memo.get(_BY_SOURCE)
    if found is None:
        by: dict[str, list[tuple[str, str]]] = {}
        for pair in scenario.relation_by_pair:
            by.setdefault(pair[0], []).append(pair)
        found = memo[_BY_SOURCE] = {k: tuple(v) for k, v in by.items()}
    return found


def _divergence(threats: Threats, ally: str, member: str, insiders: frozenset[str]) -> float:
    """How far `ally`'s adversaries (wars, threats) are not `member`'s own threats."""
    mine = threats.get(member, {})
    worst = 0.0
    for y, theirs in threats.get(ally, {}).items():
        if y != member and y not in insiders:
            worst = max(worst, numeric.divergence(theirs, mine.get(y, 0.0)))
    return worst
