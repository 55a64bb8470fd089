"""The casus foederis: which obligation an attack triggers for whom, and why, in words.

An attack by the attackers X on the target V, on the territory of T (by
default V's own), in the region R (by default V's region) brings into play,
treaty by treaty, the obligations of every treaty that protects V or counts one
of X among its members or beneficiaries. Each is examined and reported as a
`Trigger`, binding or not, with the reason in plain words:

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

Threats. A statement, intelligence report, mobilization or deployment with an
actor and a target is a threat short of an attack (`KIND_TRAITS` says `threat`):
it triggers the consultation obligations owed to its target (NATO art. 4), and
for a mobilization the obligations that say `trigger: mobilization` (the 1892
Franco-Russian convention), under the same conditions as an attack; nothing else.

One-sided and conditional obligations. `owed_to` limits to whom a one-sided
obligation is owed. `conditional_on` is judged once the answers are in: an
obligation owed only once other members honoured theirs in the same war binds
when they have (`condition_unmet`, read by the cascade).

Every obligation also needs the treaty in force, the owing member's part in
force and, when the protected state is a member, its part too (accessions and
withdrawals are read from the world). `asymmetric_to` limits who owes it.
Beneficiaries are protected like members and owe nothing.

Non-provocation. For an attacked partner, the clause voids the obligation when
the attack was provoked (`Attack.provoked`). For an attacking partner it works
the other way round: the obligation holds only when the partner was provoked
into its attack, as the Triple Alliance (art. 4) promised benevolent neutrality
to an ally "forced" to make war.

Grey zone. An attack whose attribution is below 50% (the format's grey zone)
binds no obligation owed to its victim: allies cannot invoke a treaty against
an attacker they cannot name. The doctrine still weighs attribution above it.

Short of an armed attack. Defense answers an armed attack (North Atlantic
Treaty art. 5, UN Charter art. 51), and offense joins one. An attack of a kind
short of it (a cyber attack, a hybrid campaign, a border incident: those whose
`engine.model.KIND_TRAITS` row says no `armed_attack`) triggers neither, whatever
its attribution; it triggers consultation (art. 4) and neutrality as any attack
does. A scenario file has no way to say that such an attack reaches the
threshold (SCENARIO_FORMAT.md: `severity` is a degree, not a legal test), so the
kind decides.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from functools import cached_property

from .alliance_index import Article, ScenarioIndex, TreatyEntry
from .attack import GREY_ZONE, Attack, Trigger, toward
from .model import Decision, InjectKind, Obligation, ObligationTrigger, ObligationType, honours
from .world import World

_DEFENSE = ObligationType.DEFENSE
_OFFENSE = ObligationType.OFFENSE
_NEUTRALITY = ObligationType.NEUTRALITY
_NONAGGRESSION = ObligationType.NONAGGRESSION
_CONSULTATION = ObligationType.CONSULTATION

# Roles of the partner an obligation is owed to.
_ATTACKED, _ATTACKING = "attacked", "attacking"

# The obligations that answer only an armed attack (see the module's docstring).
_NEED_ARMED_ATTACK = frozenset({_DEFENSE, _OFFENSE})

_BINDS_TO = {
    _DEFENSE: "to defend", _OFFENSE: "to join", _NEUTRALITY: "to neutrality toward",
    _CONSULTATION: "to consult", _NONAGGRESSION: "not to attack",
}

# Stands for a reason left unwritten when only the binding obligations are wanted.
_FAILS = "not binding"


def answers_threat(ob: Obligation, attack: Attack) -> bool:
    """Whether a threat (not an attack) brings this obligation into play: consultation always,
    an obligation with `trigger: mobilization` for a mobilization."""
    return ob.type is _CONSULTATION or (
        ob.trigger is ObligationTrigger.MOBILIZATION and attack.kind is InjectKind.MOBILIZATION)


def condition_unmet(ob: Obligation, trigger: Trigger, answers: Iterable[tuple[Attack, Decision]],
                    name: Callable[[str], str]) -> str | None:
    """Why an obligation with `conditional_on` does not bind yet: the members it waits for
    that have not honoured their own obligation toward the same partner in the same war (an
    answer to an attack of the same chain that honours an obligation of this type); None when
    every one of them has."""
    origin_of = {trigger.attack}
    honoured: set[str] = set()
    for attack, decision in answers:
        same_war = attack.id in origin_of or attack.origin in origin_of or attack.target == trigger.partner
        if same_war and honours(ob.type, toward(decision.response, decision.side, attack, trigger.partner)):
            honoured.add(decision.state)
    waiting = [m for m in ob.conditional_on if m not in honoured]
    if not waiting:
        return None
    names = _and([name(m) for m in waiting])
    return (f"not owed: the article binds {name(trigger.ally)} only once {names} "
            f"{'has' if len(waiting) == 1 else 'have'} honoured {'its' if len(waiting) == 1 else 'their'} "
            f"own obligation toward {name(trigger.partner)}, and {names} did not")


def _and(names: Sequence[str]) -> str:
    if len(names) <= 1:
        return "".join(names)
    return f"{', '.join(names[:-1])} and {names[-1]}"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _a(words: str) -> str:
    return f"an {words}" if words[:1] in "aeiou" else f"a {words}"


class AttackView:
    """What every examination of one attack reads: computed once per attack."""
    __slots__ = ("_casus", "_description", "attack", "attackers", "parties", "region")

    def __init__(self, casus: CasusFoederis, attack: Attack) -> None:
        self.attack = attack
        self.attackers = tuple(dict.fromkeys(attack.attackers))
        self.parties = frozenset(self.attackers) | {attack.target}
        target = casus.world.states.get(attack.target)
        self.region = attack.region if attack.region is not None else (
            target.region if target is not None else None)
        self._casus = casus
        self._description: str | None = None

    @property
    def description(self) -> str:
        """"armed attack by Russia on Estonia (on Latvia's territory) in europe"; a threat:
        "threat by Russia to Estonia (mobilization)"."""
        if self._description is None:
            name = self._casus.name
            attack = self.attack
            text = "threat" if attack.threat else attack.kind.value.replace("-", " ")
            if self.attackers:
                text += f" by {_and([name(x) for x in self.attackers])}"
            text += f" to {name(attack.target)} ({attack.kind.traits.label})" if attack.threat else (
                f" on {name(attack.target)}")
            if attack.territory_of != attack.target:
                text += f" (on {name(attack.territory_of)}'s territory)"
            if self.region:
                text += f" in {self.region}"
            self._description = text
        return self._description


# What one article owes one partner, judged before the owing ally is looked at (plain
# tuples: one is made per partner and article of every attack):
# (partner, before: why the article does not apply to the partner or the treaty is dead,
#  after: why the partner's part, provocation or the conditions fail it,
#  binds: the words after "Article 5 of ... binds Germany" when nothing fails)
_Verdict = tuple[str, str | None, str | None, str | None]

# An article's conditions, each true when the attack fails it: (fellow: the target of a
# partner's attack is itself a member, unnamed: no attacker (or target) among the named
# adversaries, few: fewer adversaries than it needs, outside: out of its regions, abroad: off
# the partner's own territory, which it needs)
_Unmet = tuple[bool, bool, bool, bool, bool]


class CasusFoederis:
    """The rules applied in one world: the treaties in force there, its wars and names."""

    def __init__(self, world: World, index: ScenarioIndex) -> None:
        self.world = world
        self._index = index

    def name(self, state: str) -> str:
        return self._names_by_id.get(state, state)

    @cached_property
    def _names_by_id(self) -> dict[str, str]:
        return {sid: s.name for sid, s in self.world.states.items()}

    def examine(self, entry: TreatyEntry, art: Article, view: AttackView,
                out: list[Trigger], every: bool) -> None:
        """Append to `out` the triggers of one article against one attack: all of them,
        or with `every` false only the binding ones (and no words for what does not bind)."""
        if view.attack.threat and not answers_threat(art.obligation, view.attack):
            return  # a threat brings consultation alone into play (and `trigger: mobilization`)
        if art.obligation.type is _NONAGGRESSION:
            self._nonaggression_pact(entry, art, view, out, every)
            return
        live = self.world.members_in_force.get(entry.treaty.id, frozenset())
        verdicts = self._verdicts(entry, art, view, live, every)
        if not verdicts:
            return
        if every:
            self._explained(entry, art, view, live, verdicts, out)
        else:
            self._bound(entry, art, view, live, verdicts, out)

    def _verdicts(self, entry: TreatyEntry, art: Article, view: AttackView,
                  live: frozenset[str], every: bool) -> list[_Verdict]:
        """What depends on the partner alone, judged once rather than once per ally."""
        verdicts: list[_Verdict] = []
        for partner, role in self._partners(entry, art.obligation.type, view):
            before = self._before_ally(entry, art, partner, role, live)
            after = self._after_ally(entry, art, partner, role, view, live, explain=every)
            if before is None and after is None:
                verdicts.append((partner, None, None, self._binds_to(entry, art, partner, role, view)))
            elif every:
                verdicts.append((partner, before, after, None))
        return verdicts

    def _bound(self, entry: TreatyEntry, art: Article, view: AttackView, live: frozenset[str],
               verdicts: list[_Verdict], out: list[Trigger]) -> None:
        """The triggers when only what binds is wanted: every verdict here binds, and an
        ally binds if it owes the article, its part is in force and it is no party."""
        ob, tid, index, attack_id = art.obligation, entry.treaty.id, art.index, view.attack.id
        for ally in entry.treaty.members:
            if ally in view.parties or ally not in live or not ob.binds(ally):
                continue
            bound = f"{art.title} binds {self.name(ally)}"
            for partner, _, _, binds in verdicts:
                out.append(Trigger(tid, index, ally, partner, attack_id, ob.type, True, f"{bound}{binds}"))

    def _explained(self, entry: TreatyEntry, art: Article, view: AttackView, live: frozenset[str],
                   verdicts: list[_Verdict], out: list[Trigger]) -> None:
        """Every trigger, binding or not, each with its reason: the first that fails it."""
        ob, tid, index, attack_id = art.obligation, entry.treaty.id, art.index, view.attack.id
        for ally in entry.treaty.members:
            if ally in view.parties:
                continue
            one_sided = None if ob.binds(ally) else self._one_sided(ob)
            absent = None if ally in live else f"not in force: {self._absence(entry, ally)}"
            for partner, before, after, binds in verdicts:
                reason = one_sided or before or absent or after
                if reason is None:
                    out.append(Trigger(tid, index, ally, partner, attack_id, ob.type, True,
                                       f"{art.title} binds {self.name(ally)}{binds}"))
                else:
                    out.append(Trigger(tid, index, ally, partner, attack_id, ob.type, False, reason))

    def _partners(self, entry: TreatyEntry, kind: ObligationType, view: AttackView
                  ) -> list[tuple[str, str]]:
        owed_to = entry.members if kind is _OFFENSE else entry.protected
        partners = [(view.attack.target, _ATTACKED)] if view.attack.target in owed_to else []
        partners += [(x, _ATTACKING) for x in view.attackers if x in owed_to]
        return partners

    def _before_ally(self, entry: TreatyEntry, art: Article, partner: str, role: str,
                     live: frozenset[str]) -> str | None:
        """Why the article does not apply to this partner at all, or the treaty is dead."""
        if len(live) < 2:
            return self._not_in_force(entry, None, partner)
        if not art.obligation.owed(partner):
            return (f"not owed: the article is owed only to "
                    f"{_and([self.name(m) for m in art.obligation.owed_to or ()])} (one-sided)")
        return self._wrong_role(art.obligation, partner, role)

    def _after_ally(self, entry: TreatyEntry, art: Article, partner: str, role: str,
                    view: AttackView, live: frozenset[str], explain: bool = True) -> str | None:
        """The partner's part, attribution, the armed-attack threshold, provocation and the
        article's conditions."""
        if partner in entry.members and partner not in live:
            return f"not in force: {self._absence(entry, partner)}" if explain else _FAILS
        attack = view.attack
        if role == _ATTACKED and attack.attribution < GREY_ZONE:
            return (f"not triggered: attribution {attack.attribution:.0%} is below the {GREY_ZONE:.0%} "
                    "at which allies can name the attacker (grey zone)") if explain else _FAILS
        if art.obligation.type in _NEED_ARMED_ATTACK and attack.short_of_armed_attack and not attack.threat:
            return self._short_of_armed_attack(entry, art, view) if explain else _FAILS
        return (self._void(art, partner, role, view)
                or self._unmet(entry, art, partner, role, view, explain))

    def _short_of_armed_attack(self, entry: TreatyEntry, art: Article, view: AttackView) -> str:
        """Why defense or offense does not answer a cyber attack, hybrid campaign or border
        incident, and what the treaty offers instead."""
        what = f"not triggered: {_a(view.attack.kind.traits.label)} short of an armed attack"
        if art.obligation.type is _OFFENSE:
            return f"{what}: {art.short} is not triggered; offense joins a partner's armed attack"
        consultation = entry.consultation
        if consultation is None:
            return f"{what}: {art.short} is not triggered, and the treaty has no consultation article"
        if consultation.obligation.article:
            return f"{what}: {art.short} is not triggered; {consultation.short} consultation is"
        return f"{what}: {art.short} is not triggered; its consultation clause is"

    def _one_sided(self, ob: Obligation) -> str:
        return f"not owed: the article binds only {_and([self.name(m) for m in ob.asymmetric_to or ()])} (one-sided)"

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

    def _not_in_force(self, entry: TreatyEntry, ally: str | None, partner: str) -> str | None:
        world, tid = self.world, entry.treaty.id
        if not world.in_force(tid):
            if entry.signing:
                return f"not in force: {entry.phrase} takes effect with its signature (inject {entry.signing})"
            return "not in force: fewer than two of its members remain bound"
        for member in (ally, partner):
            if member is not None and member in entry.members and not world.in_force(tid, member):
                return f"not in force: {self._absence(entry, member)}"
        return None

    def _absence(self, entry: TreatyEntry, member: str) -> str:
        left = entry.withdrawals.get(member)
        if left is not None and left.turn <= self.world.turn:
            return f"{self.name(member)} has left the treaty (inject {left.id})"
        joins = entry.accessions.get(member)
        if joins is not None:
            return f"{self.name(member)}'s part begins with its accession (inject {joins})"
        if left is not None:
            return f"{self.name(member)} has left the treaty (inject {left.id})"
        return f"{self.name(member)}'s part is not in force"

    def _void(self, art: Article, partner: str, role: str, view: AttackView) -> str | None:
        if not art.obligation.non_provocation:
            return None
        if role == _ATTACKED and view.attack.provoked:
            return (f"void: {self.name(partner)} provoked the attack and the article has a "
                    "non-provocation clause")
        if role == _ATTACKING and not view.attack.provoked:
            return (f"void: {self.name(partner)} attacked without provocation, and the article's "
                    "non-provocation clause holds it only when the partner is provoked into war")
        return None

    def _unmet(self, entry: TreatyEntry, art: Article, partner: str, role: str,
               view: AttackView, explain: bool = True) -> str | None:
        """The article's conditions the attack fails, all of them, in words."""
        unmet = self._conditions(entry, art, partner, role, view)
        if True not in unmet:  # the attack meets every condition
            return None
        if not explain:
            return _FAILS
        return f"not triggered: {'; '.join(self._unmet_words(unmet, art, partner, role, view))}"

    def _conditions(self, entry: TreatyEntry, art: Article, partner: str, role: str,
                    view: AttackView) -> _Unmet:
        ob = art.obligation
        attacked = role == _ATTACKED
        target = view.attack.target
        return (
            not attacked and target in entry.members,
            art.adversaries is not None and not (
                any(x in art.adversaries for x in view.attackers) if attacked else target in art.adversaries),
            ob.min_adversaries > 1 and len(self._adversaries(partner, role, view)) < ob.min_adversaries,
            art.regions is not None and view.region not in art.regions,
            ob.own_territory_only and attacked and view.attack.territory_of != partner)

    def _unmet_words(self, unmet: _Unmet, art: Article, partner: str, role: str,
                     view: AttackView) -> list[str]:
        fellow, unnamed, few, outside, abroad = unmet
        ob, target = art.obligation, view.attack.target
        words = []
        if fellow:
            words.append(f"the target {self.name(target)} is itself a member")
        elif unnamed and role == _ATTACKED:
            words.append(self._not_adversary(art, view.attackers))
        elif unnamed:
            words.append(f"the target {self.name(target)} is not among the named adversaries "
                         f"({self._names(ob.adversaries or ())})")
        if few:
            words.append(self._too_few(ob.min_adversaries, partner, role, view))
        if outside:
            words.append(self._outside(ob, view.region))
        if abroad:
            words.append(f"the attack falls on {self.name(partner)}'s forces abroad (on "
                         f"{self.name(view.attack.territory_of)}'s territory), and the article "
                         "covers only members' own territory")
        return words

    def _not_adversary(self, art: Article, foes: tuple[str, ...]) -> str:
        named = self._names(art.obligation.adversaries or ())
        if not foes:
            return f"the attack has no known attacker, and the article names its adversaries ({named})"
        if len(foes) == 1:
            return f"the attacker {self.name(foes[0])} is not among the named adversaries ({named})"
        return (f"none of the attackers ({_and([self.name(x) for x in foes])}) is among the "
                f"named adversaries ({named})")

    def _adversaries(self, partner: str, role: str, view: AttackView) -> tuple[str, ...]:
        """Whom the partner fights: the attack's other side, then those already at war with it."""
        direct = view.attackers if role == _ATTACKED else (view.attack.target,)
        already = sorted(self.world.enemies(partner) - set(direct) - {partner})
        return direct + tuple(already)

    def _too_few(self, needed: int, partner: str, role: str, view: AttackView) -> str:
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

    def _binds_to(self, entry: TreatyEntry, art: Article, partner: str, role: str,
                  view: AttackView) -> str:
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

    def _nonaggression_pact(self, entry: TreatyEntry, art: Article, view: AttackView,
                            out: list[Trigger], every: bool) -> None:
        """An attacker that is a member breaks the pact with a target that is one."""
        target = view.attack.target
        if target not in entry.members:
            return
        for member in entry.treaty.members:
            if member in view.attackers and member != target:
                trigger = self._nonaggression(entry, art, member, view)
                if every or trigger.triggered:
                    out.append(trigger)

    def _nonaggression(self, entry: TreatyEntry, art: Article, attacker: str,
                       view: AttackView) -> Trigger:
        target = view.attack.target
        reason = self._pact_void(entry, art, attacker, view)
        broken = reason is None
        if reason is None:
            reason = (f"{self.name(attacker)}'s attack breaks its non-aggression pact with "
                      f"{self.name(target)} ({art.title})")
        return Trigger(entry.treaty.id, art.index, attacker, target, view.attack.id,
                       _NONAGGRESSION, broken, reason)

    def _pact_void(self, entry: TreatyEntry, art: Article, attacker: str, view: AttackView) -> str | None:
        """Why the attack breaks no pact: one-sided, not in force, provoked, or out of its regions."""
        ob, target = art.obligation, view.attack.target
        reason = (None if ob.binds(attacker) else self._one_sided(ob)) or self._not_in_force(
            entry, attacker, target)
        if reason is None and ob.non_provocation and view.attack.provoked:
            reason = (f"void: {self.name(target)} provoked the attack and the pact has a "
                      "non-provocation clause")
        if reason is None and art.regions is not None and view.region not in art.regions:
            reason = f"not triggered: {self._outside(ob, view.region)}"
        return reason

    @staticmethod
    def _outside(ob: Obligation, region: str | None) -> str:
        regions = ", ".join(ob.regions or ())
        if region is None:
            return f"the attack has no region, and the article covers only ({regions})"
        return f"the attack falls in {region}, outside the article's regions ({regions})"
