"""The alliance graph: who owes what to whom, under which conditions; cascades.

The rules of the game
=====================

Casus foederis. An attack by the attackers X on the target V, on the territory
of T (by default V's own), in the region R (by default V's region) brings into
play, treaty by treaty, the obligations of every treaty that protects V or
counts one of X among its members or beneficiaries. Each is examined and
reported as a `Trigger`, binding or not, with the reason in plain words:

* defense -- each member A (not V, not one of X) owes it to V when V is a
  member or a beneficiary. It binds only if at least one attacker is among the
  named adversaries (or they are `any`); the adversaries number at least
  `min_adversaries` (the attackers and the states already at war with V: the
  Anglo-Japanese alliance of 1902 bound Britain only once a second power joined
  Russia); R is among the article's `regions`; T is V's own territory when the
  article covers only members' own territory; the attack was not provoked by V
  when the article has a non-provocation clause. An attacker who is itself a
  fellow member does not release the others (the reason says so). Toward an
  attacking member, a defensive article is examined and reported not triggered.
* offense -- each other member owes joining an attacking member x when the
  target is among the named adversaries (a fellow member never is), with the
  same `regions` and `min_adversaries` (x's adversaries: V and the states
  already at war with x). Beneficiaries are owed no offense.
* neutrality -- owed to an attacked member (under the defense conditions) and
  to an attacking member (under the offense conditions) unless the article says
  `only_if_attacked`.
* consultation -- owed to an attacked member only, under the defense
  conditions. Consultation is a step before war, and a state that attacks has
  already chosen.
* nonaggression -- an attacker and its target both members: the attacker
  breaks the pact (ally = the attacker, partner = the target, triggered). The
  other members are not bound by it; it calls for no answer.

Every obligation also needs the treaty in force, the owing member's part in
force and, when the protected state is a member, its part too (accessions and
withdrawals are read from the world). `asymmetric_to` limits who owes it.
Beneficiaries are protected like members and owe nothing.

Non-provocation. For an attacked partner, the clause voids the obligation when
the attack was provoked (`Attack.provoked`). For an attacking partner it works
the other way round: the obligation holds only when the partner was provoked
into its attack, as the Triple Alliance (art. 4) promised benevolent neutrality
to an ally "forced" to make war.

Conflicts. A state is torn when its binding obligations toward the victim and
toward an attacker admit no common answer on the response scale: defense or
consultation of the victim with offense for the attacker, neutrality toward the
victim with offense, defense of the victim with neutrality toward the attacker
(neutrality forbids arming the partner's enemy).

Cascade. A round's attacks fall together: each armed attack makes its
attackers and its target belligerents before anyone answers, so a state
counted toward `min_adversaries` is at war from its round on. Then, attack by
attack in order, the triggers are found and the `decide` callback answers for
the bound allies (and whoever else it chooses). A decision begins a war:
* `full` on the victim's side: the decider against each attacker, with
  provoked=True since the attacker struck first -- so an attacker's allies with
  a non-provocation clause are not bound, as Italy argued in 1914;
* `full` on an attacker's side: the decider against the victim (provoked=False).
A decision's `side` is read as the victim's unless it names an attacker.
`limited`, `diplomatic`, `neutral` and `hostile` begin no war: `hostile` is aid
to the attacker (arms, bases, money: the United States toward Britain in 1982),
not belligerency, which takes `full` on the attacker's side or an attack of its
own. Nor do the answers of the attack's own parties begin one.

Grey zone. An attack whose attribution is below 50% (the format's grey zone)
binds no obligation owed to its victim: allies cannot invoke a treaty against
an attacker they cannot name. The doctrine still weighs attribution above it.
No attack is made on a pair already at war or already due to fight. Each war
becomes an attack of the next round; the cascade stops when a round begins
none, or after `max_rounds` (then `truncated`). A state that has answered an
attack by the same attackers on the same target is not asked again, and only a state's first answer to an attack counts.

How long a cascade can run: every round after the first begins at least one
war between a pair not at war before, so a cascade never needs more than
1 + n(n-1)/2 rounds for n states. The number of states plus one is not enough:
a war can break out between two states already fighting others (four states can
chain six rounds).

The graph itself is a networkx MultiDiGraph built on first use; the casus
foederis runs on indexes built once per scenario, so finding the triggers of an
attack reads only the treaties of the states involved. What binds is a function
of the attack and of the members in force of those treaties (and, for articles
that count adversaries, of the parties' wars): it is remembered per scenario,
for the next turn, cascade round or Monte Carlo run that meets the same attack.
"""
from __future__ import annotations

import weakref
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import networkx as nx

from .model import Decision, Inject, InjectKind, Obligation, ObligationType, Response, Treaty
from .world import War, World

_SHORT_OF_ARMED_ATTACK = frozenset({InjectKind.CYBER_ATTACK, InjectKind.HYBRID_ATTACK,
                                    InjectKind.BORDER_INCIDENT})


@dataclass(frozen=True, slots=True)
class Attack:
    """An attack that may trigger commitments: an inject, or a war a decision began.

    `id` is the inject's id for an inject, and `ORIGIN/STATE>TARGET` for a war
    that a state's decision began during a cascade. `origin` is always the id
    of the inject the chain started from, so a script entry that names that
    inject can answer every link of the chain.
    """
    id: str
    attackers: tuple[str, ...]
    target: str
    kind: InjectKind = InjectKind.ARMED_ATTACK
    region: str | None = None
    territory: str | None = None   # None: the target's own territory
    provoked: bool = False
    attribution: float = 1.0
    severity: float = 0.5
    origin: str = ""

    @classmethod
    def from_inject(cls, inject: Inject) -> Attack:
        assert inject.is_attack and inject.target is not None
        return cls(
            id=inject.id, attackers=inject.actors, target=inject.target, kind=inject.kind,
            region=inject.region, territory=inject.territory, provoked=inject.provoked,
            attribution=inject.attribution, severity=inject.severity, origin=inject.id,
        )

    @property
    def territory_of(self) -> str:
        return self.territory if self.territory is not None else self.target

    @property
    def starts_war(self) -> bool:
        """Only an armed attack makes the attacker and the target belligerents."""
        return self.kind is InjectKind.ARMED_ATTACK

    @property
    def short_of_armed_attack(self) -> bool:
        """A cyber attack, hybrid campaign or border incident: no armed attack in law, which
        the doctrine answers with no combat forces (see engine.doctrine). A terrorist attack
        is not among them, though it starts no war with a state by itself."""
        return self.kind in _SHORT_OF_ARMED_ATTACK


@dataclass(frozen=True, slots=True)
class Trigger:
    """One obligation examined against one attack: binding or not, and why.

    `ally` owes the obligation (article `article`, an index into the treaty's
    obligations) to `partner`: the attacked state for defense, consultation
    and neutrality owed to a victim; the attacking member for offense and for
    neutrality owed to a partner that attacks. For a non-aggression pact the
    attack breaks, `ally` is the attacker and `partner` its target.
    """
    treaty: str
    article: int
    ally: str
    partner: str
    attack: str
    type: ObligationType
    triggered: bool
    reason: str


@dataclass(frozen=True, slots=True)
class Conflict:
    """A state bound to both sides of an attack, with no answer that honours all."""
    state: str
    honour_victim: tuple[Trigger, ...]
    honour_attacker: tuple[Trigger, ...]
    text: str

    @property
    def attack(self) -> str:
        return self.honour_victim[0].attack


@dataclass(frozen=True, slots=True)
class Round:
    """One round of a cascade: its attacks, what they triggered, who answered."""
    number: int
    attacks: tuple[Attack, ...]
    triggers: tuple[Trigger, ...]
    decisions: tuple[Decision, ...]
    wars_begun: tuple[War, ...]
    conflicts: tuple[Conflict, ...]


@dataclass(frozen=True, slots=True)
class CascadeResult:
    rounds: tuple[Round, ...]
    world: World
    truncated: bool
    pending: tuple[Attack, ...] = ()   # the attacks a truncated cascade left unexamined

    @property
    def wars_begun(self) -> tuple[War, ...]:
        return tuple(w for r in self.rounds for w in r.wars_begun)

    @property
    def decisions(self) -> tuple[Decision, ...]:
        return tuple(d for r in self.rounds for d in r.decisions)


Decide = Callable[[Attack, World, "tuple[Trigger, ...]"], Sequence[Decision]]

# The format's grey zone: below this confidence nobody can be named the attacker.
GREY_ZONE = 0.5

_ARMED_ATTACK, _FULL = InjectKind.ARMED_ATTACK, Response.FULL
_DEFENSE = ObligationType.DEFENSE
_OFFENSE = ObligationType.OFFENSE
_NEUTRALITY = ObligationType.NEUTRALITY
_NONAGGRESSION = ObligationType.NONAGGRESSION
_CONSULTATION = ObligationType.CONSULTATION

# Roles of the partner an obligation is owed to.
_ATTACKED, _ATTACKING = "attacked", "attacking"

_BINDS_TO = {
    _DEFENSE: "to defend", _OFFENSE: "to join", _NEUTRALITY: "to neutrality toward",
    _CONSULTATION: "to consult", _NONAGGRESSION: "not to attack",
}
_OWED = {
    _DEFENSE: "defense of", _OFFENSE: "joining", _NEUTRALITY: "neutrality toward",
    _CONSULTATION: "consultation with", _NONAGGRESSION: "non-aggression toward",
}


# --- indexes built once per scenario ---------------------------------------

@dataclass(frozen=True, slots=True)
class _Article:
    index: int
    obligation: Obligation
    adversaries: frozenset[str] | None
    regions: frozenset[str] | None
    title: str          # "Article 5 of the North Atlantic Treaty"


@dataclass(frozen=True, slots=True)
class _TreatyEntry:
    position: int
    treaty: Treaty
    members: frozenset[str]
    protected: frozenset[str]
    articles: tuple[_Article, ...]
    signing: str | None                 # inject that brings the whole treaty into force
    accessions: dict[str, str]          # member -> inject of its accession
    withdrawals: dict[str, Inject]      # member -> inject of its withdrawal
    counts_wars: bool                   # an article needs more than one adversary


def _treaty_phrase(treaty: Treaty) -> str:
    name = treaty.name.strip() or treaty.id
    return name if name.lower().startswith("the ") else f"the {name}"


def _article_title(obligation: Obligation, treaty_phrase: str) -> str:
    if obligation.article:
        return f"Article {obligation.article} of {treaty_phrase}"
    return f"The {obligation.type} clause of {treaty_phrase}"


class _Index:
    """What the casus foederis reads of a scenario, built once for all its worlds and games."""
    __slots__ = ("binding", "by_id", "conflicts", "protecting", "relevant", "treaties")
    # Binding triggers kept for reuse (see AllianceGraph.binding): enough for the
    # attacks and alliance states of a scenario's runs, bounded for large ones.
    BINDING_LIMIT = 4096

    def __init__(self, world: World):
        self.treaties, self.protecting = _index_treaties(world)
        self.by_id = {e.treaty.id: e for e in self.treaties}
        self.relevant: dict[tuple[str, tuple[str, ...]], tuple[int, ...]] = {}
        self.binding: dict[tuple, tuple[Trigger, ...]] = {}
        # id(remembered triggers) -> [those triggers, their attack, conflicts once found]; the
        # entry holds the triggers, so their id cannot be another's while it stands
        self.conflicts: dict[int, list] = {}

    def remember(self, key: tuple, attack: Attack, triggers: tuple[Trigger, ...]) -> None:
        if len(self.binding) >= self.BINDING_LIMIT:
            self.binding.clear()
            self.conflicts.clear()
        self.binding[key] = triggers
        self.conflicts[id(triggers)] = [triggers, attack, None]


# Indexes depend on the scenario alone, which is frozen: each turn's graph of
# the same scenario reuses them. Keyed by identity, dropped with the scenario.
_INDEXES: dict[int, tuple] = {}


def _indexes(world: World) -> _Index:
    scenario = world.scenario
    cached = _INDEXES.get(id(scenario))
    if cached is not None and cached[0]() is scenario:
        return cached[1]
    built = _Index(world)
    _INDEXES[id(scenario)] = (weakref.ref(scenario), built)
    weakref.finalize(scenario, _INDEXES.pop, id(scenario), None)
    return built


def _index_treaties(world: World) -> tuple[tuple[_TreatyEntry, ...], dict[str, tuple[int, ...]]]:
    scenario = world.scenario
    by_treaty: dict[str, list[Inject]] = {}
    for inject in scenario.injects:
        if inject.treaty is not None and inject.kind in (InjectKind.TREATY_SIGNED,
                                                         InjectKind.TREATY_WITHDRAWAL):
            by_treaty.setdefault(inject.treaty, []).append(inject)
    entries = []
    protecting: dict[str, list[int]] = {}
    for position, treaty in enumerate(scenario.treaties):
        phrase = _treaty_phrase(treaty)
        articles = tuple(
            _Article(i, ob,
                     None if ob.adversaries is None else frozenset(ob.adversaries),
                     None if ob.regions is None else frozenset(ob.regions),
                     _article_title(ob, phrase))
            for i, ob in enumerate(treaty.obligations))
        signing, accessions, withdrawals = None, {}, {}
        for inject in by_treaty.get(treaty.id, ()):
            if inject.kind is InjectKind.TREATY_SIGNED and not inject.actors:
                signing = signing or inject.id
            elif inject.kind is InjectKind.TREATY_SIGNED:
                for actor in inject.actors:
                    accessions.setdefault(actor, inject.id)
            else:
                for actor in inject.actors:
                    withdrawals.setdefault(actor, inject)
        entries.append(_TreatyEntry(position, treaty, frozenset(treaty.members),
                                    frozenset(treaty.protected), articles, signing,
                                    accessions, withdrawals,
                                    any(ob.min_adversaries > 1 for ob in treaty.obligations)))
        for state in treaty.protected:
            protecting.setdefault(state, []).append(position)
    return tuple(entries), {s: tuple(p) for s, p in protecting.items()}


# --- words --------------------------------------------------------------------

# Stands for a reason left unwritten when only the binding obligations are wanted.
_FAILS = "not binding"


def _and(names: Sequence[str]) -> str:
    if len(names) <= 1:
        return "".join(names)
    return f"{', '.join(names[:-1])} and {names[-1]}"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


# --- the graph ----------------------------------------------------------------

class AllianceGraph:
    """Who owes what to whom in a world, and what an attack sets in motion."""

    def __init__(self, world: World):
        self._world = world
        self._index = _indexes(world)
        self._treaties, self._protecting = self._index.treaties, self._index.protecting

    def at(self, world: World) -> AllianceGraph:
        """The same alliance system read in a later world of the same scenario
        (wars, accessions and withdrawals as they stand there); the indexes are shared."""
        if world.scenario is not self._world.scenario:
            return AllianceGraph(world)
        # Made bare rather than copied: nothing derived from the other world may carry over.
        other = object.__new__(AllianceGraph)
        other._world, other._index = world, self._index
        other._treaties, other._protecting = self._treaties, self._protecting
        return other

    @property
    def world(self) -> World:
        return self._world

    @cached_property
    def graph(self) -> nx.MultiDiGraph:
        """Node per state; an edge ally -> partner per obligation owed, keyed
        (treaty id, article index), with the obligation, the treaty and whether
        the treaty and both parts are in force in this world."""
        import networkx as nx  # the casus foederis runs on plain indexes; the graph is for readers
        g = nx.MultiDiGraph()
        g.add_nodes_from((sid, {"state": s}) for sid, s in self._world.states.items())
        g.add_edges_from(self._edges())
        return g

    def _edges(self) -> Iterator[tuple[str, str, tuple[str, int], dict]]:
        world = self._world
        for entry in self._treaties:
            treaty = entry.treaty
            live = world.in_force(treaty.id)
            for art in entry.articles:
                ob = art.obligation
                owed_to = treaty.members if ob.type in (_OFFENSE, _NONAGGRESSION) else treaty.protected
                for ally in treaty.members:
                    if not ob.binds(ally):
                        continue
                    ally_live = live and world.in_force(treaty.id, ally)
                    for partner in owed_to:
                        if partner == ally:
                            continue
                        in_force = ally_live and (partner not in entry.members
                                                  or world.in_force(treaty.id, partner))
                        yield ally, partner, (treaty.id, art.index), {
                            "obligation": ob, "treaty": treaty, "type": ob.type,
                            "in_force": in_force}

    # --- casus foederis ------------------------------------------------------
    def triggers(self, attack: Attack) -> tuple[Trigger, ...]:
        """Every obligation the attack brings into play, binding or not, in the
        scenario's treaty order, then article, then owing member in member order."""
        return self._find(attack, every=True)

    def binding(self, attack: Attack) -> tuple[Trigger, ...]:
        """The triggered obligations alone, in the same order (and cheaper:
        no trigger is made for what does not bind)."""
        if not self._scenario_words:
            return self._find(attack, every=False)
        # The same attack meets the same alliance state again and again (when it
        # fires and when the cascade answers it; in run after run of a Monte Carlo),
        # so what binds is kept per scenario, keyed by everything it depends on.
        key = self._binding_key(attack)
        memo = self._index.binding
        try:
            found = memo.get(key)
        except TypeError:  # a world built by hand with mutable members: nothing to key on
            return self._find(attack, every=False)
        if found is None:
            found = self._find(attack, every=False)
            self._index.remember(key, attack, found)
        return found

    def _binding_key(self, attack: Attack) -> tuple:
        """What the binding triggers of `attack` depend on besides the scenario: the
        attack, the members in force of each treaty it brings into play and, where an
        article counts adversaries, the wars of the parties (the world's names and
        regions are the scenario's: see `_scenario_words`)."""
        live = self._world.members_in_force
        key: list = [attack]
        wars = False
        for position in self._relevant(attack):
            entry = self._treaties[position]
            key.append(live.get(entry.treaty.id))
            wars = wars or entry.counts_wars
        if wars:
            enemies = self._enemies
            key.extend(frozenset(enemies.get(s, ())) for s in (attack.target, *attack.attackers))
        return tuple(key)

    @cached_property
    def _scenario_words(self) -> bool:
        """Whether this world names and places its states as the scenario does, as every
        world of a game does (effects change neither): then the words of a trigger found
        in one world are those of any other with the same alliances in force."""
        original = self._world.scenario.state_by_id
        states = self._world.states
        if len(states) != len(original):
            return False
        for sid, s in states.items():
            o = original.get(sid)
            if o is None or (o is not s and (o.name != s.name or o.region != s.region)):
                return False
        return True

    def _find(self, attack: Attack, every: bool) -> tuple[Trigger, ...]:
        found: list[Trigger] = []
        view = _AttackView(self, attack)
        for position in self._relevant(attack):
            entry = self._treaties[position]
            for art in entry.articles:
                self._examine(entry, art, view, found, every)
        return tuple(found)

    def conflicts(self, attack: Attack, triggers: Iterable[Trigger] | None = None
                  ) -> tuple[Conflict, ...]:
        """States bound to both sides of the attack with no single answer on the
        response scale that honours all their binding obligations."""
        found = self.binding(attack) if triggers is None else tuple(triggers)
        if not found:
            return ()
        # Triggers remembered by `binding` meet their attack again and again: so do their conflicts.
        known = self._index.conflicts.get(id(found)) if self._scenario_words else None
        if known is None or known[0] is not found or known[1] != attack:
            return self._conflicts(attack, found)
        if known[2] is None:
            known[2] = self._conflicts(attack, found)
        return known[2]

    def _conflicts(self, attack: Attack, found: tuple[Trigger, ...]) -> tuple[Conflict, ...]:
        victim: dict[str, list[Trigger]] = {}
        attacker: dict[str, list[Trigger]] = {}
        for t in found:
            if not t.triggered or t.attack != attack.id or t.type is _NONAGGRESSION:
                continue
            side = victim if t.partner == attack.target else attacker
            side.setdefault(t.ally, []).append(t)
        conflicts = []
        for state in victim:          # insertion order: the triggers' order
            if state not in attacker:
                continue
            options = set(_ANY_ANSWER)
            for t in victim[state] + attacker[state]:
                options &= _ANSWERS_ON_VICTIM_SCALE[t.type, t.partner == attack.target]
            if not options:
                conflicts.append(self._conflict(state, attack, victim[state], attacker[state]))
        return tuple(conflicts)

    # --- internals -----------------------------------------------------------
    @cached_property
    def _enemies(self) -> dict[str, set[str]]:
        enemies: dict[str, set[str]] = {}
        for war in self._world.wars:
            enemies.setdefault(war.aggressor, set()).add(war.defender)
            enemies.setdefault(war.defender, set()).add(war.aggressor)
        return enemies

    def _relevant(self, attack: Attack) -> tuple[int, ...]:
        """The treaties protecting the target or an attacker, in scenario order."""
        key = (attack.target, attack.attackers)
        found = self._index.relevant.get(key)
        if found is None:
            positions = set(self._protecting.get(attack.target, ()))
            for x in attack.attackers:
                positions.update(self._protecting.get(x, ()))
            found = self._index.relevant[key] = tuple(sorted(positions))
        return found

    def name(self, state: str) -> str:
        return self._names_by_id.get(state, state)

    @cached_property
    def _names_by_id(self) -> dict[str, str]:
        return {sid: s.name for sid, s in self._world.states.items()}

    def _examine(self, entry: _TreatyEntry, art: _Article, view: _AttackView,
                 out: list[Trigger], every: bool) -> None:
        attack = view.attack
        kind = art.obligation.type
        if kind is _NONAGGRESSION:
            if attack.target in entry.members:
                out.extend(t for t in (self._nonaggression(entry, art, member, view)
                                       for member in entry.treaty.members
                                       if member in view.attackers and member != attack.target)
                           if every or t.triggered)
            return
        # What depends on the partner alone is judged once, not once per ally.
        live = self._world.members_in_force.get(entry.treaty.id, frozenset())
        verdicts = []
        for partner, role in self._partners(entry, kind, view):
            before = self._before_ally(entry, art, partner, role, live)
            after = self._after_ally(entry, art, partner, role, view, live, explain=every)
            if before is None and after is None:
                verdicts.append((partner, None, None, self._binds_to(entry, art, partner, role, view)))
            elif every:
                verdicts.append((partner, before, after, None))
        if not verdicts:
            return
        ob, tid, index, attack_id = art.obligation, entry.treaty.id, art.index, attack.id
        names, parties = self._names_by_id, view.parties
        for ally in entry.treaty.members:
            if ally in parties:
                continue
            if not every:  # only what binds is wanted: no words for why an ally is not bound
                if not ob.binds(ally) or ally not in live:
                    continue
                one_sided = absent = None
            else:
                one_sided = None if ob.binds(ally) else self._one_sided(ob)
                absent = None if ally in live else f"not in force: {self._absence(entry, ally)}"
            for partner, before, after, binds in verdicts:
                reason = one_sided or before or absent or after
                if reason is None:
                    out.append(Trigger(tid, index, ally, partner, attack_id, kind, True,
                                       f"{art.title} binds {names.get(ally, ally)}{binds}"))
                elif every:
                    out.append(Trigger(tid, index, ally, partner, attack_id, kind, False, reason))

    def _partners(self, entry: _TreatyEntry, kind: ObligationType, view: _AttackView
                  ) -> list[tuple[str, str]]:
        owed_to = entry.members if kind is _OFFENSE else entry.protected
        partners = [(view.attack.target, _ATTACKED)] if view.attack.target in owed_to else []
        partners += [(x, _ATTACKING) for x in view.attackers if x in owed_to]
        return partners

    def _before_ally(self, entry: _TreatyEntry, art: _Article, partner: str, role: str,
                     live: frozenset[str]) -> str | None:
        """Why the article does not apply to this partner at all, or the treaty is dead."""
        if len(live) < 2:
            return self._not_in_force(entry, None, partner)
        return self._wrong_role(art.obligation, partner, role)

    def _after_ally(self, entry: _TreatyEntry, art: _Article, partner: str, role: str,
                    view: _AttackView, live: frozenset[str], explain: bool = True) -> str | None:
        """The partner's part, provocation and the article's conditions."""
        if partner in entry.members and partner not in live:
            return f"not in force: {self._absence(entry, partner)}" if explain else _FAILS
        if role == _ATTACKED and view.attack.attribution < GREY_ZONE:
            return (f"not triggered: attribution {view.attack.attribution:.0%} is below the "
                    f"{GREY_ZONE:.0%} at which allies can name the attacker (grey zone)") if explain else _FAILS
        return (self._void(art, partner, role, view)
                or self._unmet(entry, art, partner, role, view, explain))

    def _one_sided(self, ob: Obligation) -> str:
        return f"not owed: the article binds only {_and([self.name(m) for m in ob.asymmetric_to])} (one-sided)"

    def _wrong_role(self, ob: Obligation, partner: str, role: str) -> str | None:
        if role == _ATTACKING:
            if ob.type is _DEFENSE:
                return (f"not triggered: the article is defensive, it binds when {self.name(partner)} "
                        f"is attacked, and here {self.name(partner)} is the attacker")
            if ob.type is _CONSULTATION:
                return (f"not owed: consultation is owed to an attacked partner, and "
                        f"{self.name(partner)} is the attacker")
            if ob.type is _NEUTRALITY and ob.only_if_attacked:
                return "not owed: neutrality is owed only when the partner is attacked"
        elif ob.type is _OFFENSE:
            return (f"not triggered: offense is owed to a member that attacks, and "
                    f"{self.name(partner)} is the one attacked")
        return None

    def _not_in_force(self, entry: _TreatyEntry, ally: str | None, partner: str) -> str | None:
        world, tid = self._world, entry.treaty.id
        if not world.in_force(tid):
            if entry.signing:
                return (f"not in force: {_treaty_phrase(entry.treaty)} takes effect with its "
                        f"signature (inject {entry.signing})")
            return "not in force: fewer than two of its members remain bound"
        for member in (ally, partner):
            if member is not None and member in entry.members and not world.in_force(tid, member):
                return f"not in force: {self._absence(entry, member)}"
        return None

    def _absence(self, entry: _TreatyEntry, member: str) -> str:
        left = entry.withdrawals.get(member)
        if left is not None and left.turn <= self._world.turn:
            return f"{self.name(member)} has left the treaty (inject {left.id})"
        joins = entry.accessions.get(member)
        if joins is not None:
            return f"{self.name(member)}'s part begins with its accession (inject {joins})"
        if left is not None:
            return f"{self.name(member)} has left the treaty (inject {left.id})"
        return f"{self.name(member)}'s part is not in force"

    def _void(self, art: _Article, partner: str, role: str, view: _AttackView) -> str | None:
        if not art.obligation.non_provocation:
            return None
        if role == _ATTACKED and view.attack.provoked:
            return (f"void: {self.name(partner)} provoked the attack and the article has a "
                    "non-provocation clause")
        if role == _ATTACKING and not view.attack.provoked:
            return (f"void: {self.name(partner)} attacked without provocation, and the article's "
                    "non-provocation clause holds it only when the partner is provoked into war")
        return None

    def _unmet(self, entry: _TreatyEntry, art: _Article, partner: str, role: str,
               view: _AttackView, explain: bool = True) -> str | None:
        """The article's conditions the attack fails, all of them, in words."""
        ob = art.obligation
        attacked = role == _ATTACKED
        target = view.attack.target
        fellow = not attacked and target in entry.members
        named = art.adversaries is None or (
            any(x in art.adversaries for x in view.attackers) if attacked else target in art.adversaries)
        few = ob.min_adversaries > 1 and len(self._adversaries(partner, role, view)) < ob.min_adversaries
        outside = art.regions is not None and view.region not in art.regions
        abroad = ob.own_territory_only and attacked and view.attack.territory_of != partner
        if named and not (fellow or few or outside or abroad):
            return None
        if not explain:
            return _FAILS
        unmet = []
        if fellow:
            unmet.append(f"the target {self.name(target)} is itself a member")
        elif not named and attacked:
            unmet.append(self._not_adversary(art, view.attackers))
        elif not named:
            unmet.append(f"the target {self.name(target)} is not among the named adversaries "
                         f"({self._names(ob.adversaries)})")
        if few:
            unmet.append(self._too_few(ob.min_adversaries, partner, role, view))
        if outside:
            unmet.append(self._outside(ob, view.region))
        if abroad:
            unmet.append(f"the attack falls on {self.name(partner)}'s forces abroad (on "
                         f"{self.name(view.attack.territory_of)}'s territory), and the article "
                         "covers only members' own territory")
        return f"not triggered: {'; '.join(unmet)}"

    def _not_adversary(self, art: _Article, foes: tuple[str, ...]) -> str:
        named = self._names(art.obligation.adversaries)
        if not foes:
            return f"the attack has no known attacker, and the article names its adversaries ({named})"
        if len(foes) == 1:
            return f"the attacker {self.name(foes[0])} is not among the named adversaries ({named})"
        return (f"none of the attackers ({_and([self.name(x) for x in foes])}) is among the "
                f"named adversaries ({named})")

    def _adversaries(self, partner: str, role: str, view: _AttackView) -> tuple[str, ...]:
        """Whom the partner fights: the attack's other side, then those already at war with it."""
        direct = view.attackers if role == _ATTACKED else (view.attack.target,)
        already = sorted(self._enemies.get(partner, set()) - set(direct) - {partner})
        return direct + tuple(already)

    def _too_few(self, needed: int, partner: str, role: str, view: _AttackView) -> str:
        direct = view.attackers if role == _ATTACKED else (view.attack.target,)
        already = self._adversaries(partner, role, view)[len(direct):]
        count = len(direct) + len(already)
        if not already:
            word = "attacker" if role == _ATTACKED else "adversary"
            return f"only {_plural(count, word)}, the article needs {needed}"
        return (f"only {count} adversaries ({_and([self.name(x) for x in direct])}, and "
                f"{_and([self.name(x) for x in already])} already at war with {self.name(partner)}), "
                f"the article needs {needed}")

    def _names(self, ids: Iterable[str]) -> str:
        return ", ".join(self.name(s) for s in ids)

    def _binds_to(self, entry: _TreatyEntry, art: _Article, partner: str, role: str,
                  view: _AttackView) -> str:
        """The words after "Article 5 of ... binds Germany" when the article binds."""
        notes = []
        if role == _ATTACKED:
            if partner not in entry.members:
                notes.append(f"{self.name(partner)} is protected as a beneficiary")
            fellows = [x for x in view.attackers if x in entry.members]
            if fellows:
                who = _and([self.name(x) for x in fellows])
                notes.append(f"the attacker {who} is itself a member, and the obligation still binds")
        tail = "".join(f"; {n}" for n in notes)
        return f" {_BINDS_TO[art.obligation.type]} {self.name(partner)}: {view.description}{tail}"

    def _nonaggression(self, entry: _TreatyEntry, art: _Article, attacker: str,
                       view: _AttackView) -> Trigger:
        target = view.attack.target
        ob = art.obligation
        reason = (None if ob.binds(attacker) else self._one_sided(ob)) or self._not_in_force(
            entry, attacker, target)
        if reason is None and ob.non_provocation and view.attack.provoked:
            reason = (f"void: {self.name(target)} provoked the attack and the pact has a "
                      "non-provocation clause")
        if reason is None and art.regions is not None and view.region not in art.regions:
            reason = f"not triggered: {self._outside(ob, view.region)}"
        if reason is None:
            return Trigger(entry.treaty.id, art.index, attacker, target, view.attack.id,
                           _NONAGGRESSION, True,
                           f"{self.name(attacker)}'s attack breaks its non-aggression pact with "
                           f"{self.name(target)} ({art.title})")
        return Trigger(entry.treaty.id, art.index, attacker, target, view.attack.id,
                       _NONAGGRESSION, False, reason)

    @staticmethod
    def _outside(ob: Obligation, region: str | None) -> str:
        regions = ", ".join(ob.regions or ())
        if region is None:
            return f"the attack has no region, and the article covers only ({regions})"
        return f"the attack falls in {region}, outside the article's regions ({regions})"

    def _conflict(self, state: str, attack: Attack, victim: list[Trigger],
                  attacker: list[Trigger]) -> Conflict:
        def owed(t: Trigger) -> str:
            title = self._treaties_by_id[t.treaty].articles[t.article].title
            return f"{_OWED[t.type]} {self.name(t.partner)} ({title})"
        text = (f"{self.name(state)} is bound to both sides and no single response honours all: "
                f"{'; '.join(owed(t) for t in victim)}, against {'; '.join(owed(t) for t in attacker)}")
        return Conflict(state, tuple(victim), tuple(attacker), text)

    @property
    def _treaties_by_id(self) -> dict[str, _TreatyEntry]:
        return self._index.by_id


# On the victim's scale (hostile = aiding the attacker), the answers that honour
# an obligation, by (type, owed to the victim?). Offense for an attacker means
# siding with it; neutrality toward an attacker forbids arming its enemy.
_R = Response
_ANY_ANSWER = frozenset(_R)
_ANSWERS_ON_VICTIM_SCALE: dict[tuple[ObligationType, bool], frozenset[Response]] = {
    (_DEFENSE, True): frozenset({_R.LIMITED, _R.FULL}),
    (_CONSULTATION, True): frozenset({_R.DIPLOMATIC, _R.LIMITED, _R.FULL}),
    (_NEUTRALITY, True): frozenset({_R.NEUTRAL, _R.DIPLOMATIC, _R.LIMITED, _R.FULL}),
    (_OFFENSE, False): frozenset({_R.HOSTILE}),
    (_NEUTRALITY, False): frozenset({_R.HOSTILE, _R.NEUTRAL, _R.DIPLOMATIC}),
    # Never binding (defensive articles toward an attacker), kept for completeness.
    (_DEFENSE, False): _ANY_ANSWER, (_CONSULTATION, False): _ANY_ANSWER,
    (_OFFENSE, True): _ANY_ANSWER,
}


class _AttackView:
    """What every examination of one attack reads: computed once per attack."""
    __slots__ = ("attack", "attackers", "parties", "region", "_graph", "_description")

    def __init__(self, graph: AllianceGraph, attack: Attack):
        self.attack = attack
        self.attackers = tuple(dict.fromkeys(attack.attackers))
        self.parties = frozenset(self.attackers) | {attack.target}
        target = graph.world.states.get(attack.target)
        self.region = attack.region if attack.region is not None else (
            target.region if target is not None else None)
        self._graph = graph
        self._description: str | None = None

    @property
    def description(self) -> str:
        if self._description is None:
            name = self._graph.name
            attack = self.attack
            text = attack.kind.value.replace("-", " ")
            if self.attackers:
                text += f" by {_and([name(x) for x in self.attackers])}"
            text += f" on {name(attack.target)}"
            if attack.territory_of != attack.target:
                text += f" (on {name(attack.territory_of)}'s territory)"
            if self.region:
                text += f" in {self.region}"
            self._description = text
        return self._description


# --- cascade ------------------------------------------------------------------

def cascade(world: World, attacks: Sequence[Attack], decide: Decide,
            max_rounds: int = 12, all_triggers: bool = True,
            graph: AllianceGraph | None = None) -> CascadeResult:
    """Resolve attacks, the wars their answers begin, the wars those begin, ...

    Round 1 examines `attacks`; each later round the wars the previous round's
    decisions began. See the module's docstring for the rules. With
    `all_triggers=False` the rounds keep only the binding triggers (faster, for
    batch runs that need no explanation of what did not bind).
    """
    graph = graph or AllianceGraph(world)
    at_war = {w.pair for w in world.wars}
    answered: dict[tuple[frozenset[str], str], set[str]] = {}
    rounds: list[Round] = []
    todo = tuple(attacks)
    while todo and len(rounds) < max_rounds:
        # A round's attacks fall together: their wars stand before anyone answers.
        begun = [war for attack in todo for war in _wars_of(attack, at_war)]
        if begun:
            world = world.evolve(wars=world.wars + tuple(begun))
        view = graph.at(world)
        found, decisions, conflicts, coming = [], [], [], []
        due: set[frozenset[str]] = set()
        for attack in todo:
            triggers = view.triggers(attack) if all_triggers else view.binding(attack)
            found.extend(triggers)
            conflicts.extend(view.conflicts(attack, triggers))
            already = answered.setdefault((frozenset(attack.attackers), attack.target), set())
            ask = tuple(t for t in triggers if t.triggered and t.ally not in already)
            answers = []
            for answer in decide(attack, world, ask):
                if answer.state not in already:   # one answer per state: the first
                    already.add(answer.state)
                    answers.append(answer)
            decisions.extend(answers)
            for decision in answers:
                enemies, provoked = _enemies_from(decision, attack)
                for enemy in enemies:
                    pair = frozenset((decision.state, enemy))
                    if pair not in at_war and pair not in due:
                        due.add(pair)
                        coming.append(_war_on(decision.state, enemy, provoked, attack, world))
        rounds.append(Round(len(rounds) + 1, todo, tuple(found), tuple(decisions),
                            tuple(begun), tuple(conflicts)))
        todo = tuple(coming)
    return CascadeResult(tuple(rounds), world, truncated=bool(todo), pending=todo)


def _wars_of(attack: Attack, at_war: set[frozenset[str]]) -> list[War]:
    """The wars an attack begins (and records in `at_war`)."""
    if attack.kind is not _ARMED_ATTACK:  # only an armed attack starts a war (Attack.starts_war)
        return []
    begun = []
    for x in dict.fromkeys(attack.attackers):
        pair = frozenset((x, attack.target))
        if x != attack.target and pair not in at_war:
            at_war.add(pair)
            begun.append(War(x, attack.target))
    return begun


def _enemies_from(decision: Decision, attack: Attack) -> tuple[tuple[str, ...], bool]:
    """Whom a decision makes war on (and whether they provoked it): a
    belligerent answer is a war of its own."""
    if decision.state == attack.target or decision.state in attack.attackers:
        return (), False
    for_attacker = decision.side in attack.attackers
    if decision.response is _FULL and not for_attacker:
        return tuple(dict.fromkeys(attack.attackers)), True
    if decision.response is _FULL and for_attacker:
        return (attack.target,), False
    return (), False


def _war_on(state: str, enemy: str, provoked: bool, attack: Attack, world: World) -> Attack:
    origin = attack.origin or attack.id
    return Attack(id=f"{origin}/{state}>{enemy}", attackers=(state,), target=enemy,
                  kind=_ARMED_ATTACK, region=_region(world, enemy), provoked=provoked,
                  severity=attack.severity, origin=origin)


def _region(world: World, state: str) -> str | None:
    found = world.states.get(state)
    return found.region if found is not None else None
