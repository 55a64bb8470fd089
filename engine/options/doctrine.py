"""How a state the engine plays weighs an option: attack or hold back, deploy, join, leave, cease fire.

Each kind of option has a few factors from the alliance literature, read off the
world as the actor sees it, each in [-1, 1] or [0, 1]; their weighted sum and a
bias give the chance of taking the option through a logistic, as the allies'
doctrine turns its score into a distribution (engine.doctrine). The weights are
data (doctrine.json 'options', each with its source; docs/DOCTRINE.md, "Options").

An attack is the credibility indicator turned into the adversary's decision: each
state bound to the target counts with the credibility of its treaty in the
attacker's eyes (`engine.doctrine.standing`: a secret treaty the attacker does not
know counts for nothing; institutionalization, tripwires, publicity, nuclear
weapons and reputations earned in this game raise it), raised further by its own
forces stationed in the target; the balance of power once those allies come is
what the attacker weighs against its resolve. So a stronger commitment can only
make an attack less likely (tests/test_options.py holds it to that).
"""
from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from itertools import compress, repeat
from operator import attrgetter, is_, itemgetter, mul
from typing import cast

from ..doctrine import Factor, standing
from ..doctrine import readings as rd
from ..doctrine.explain import listed
from ..frozen import quick
from ..model import Inject, ObligationType, Relation, State, Treaty
from ..world import INITIAL_REPUTATION, World
from .wars import Forces, Wars, forces_of, wars_of
from .weights import FACTORS, WEIGHTS, family

_DEFENSE = ObligationType.DEFENSE
_POWER, _NUCLEAR = attrgetter("power"), attrgetter("nuclear")


@quick  # built for every option decision (engine.frozen)
@dataclass(frozen=True, slots=True)
class OptionCase:
    """What the actor knows when it weighs the option."""
    world: World
    inject: Inject
    actor: str
    probes: tuple[float, ...] = ()   # strength of the answers to the actor's earlier attacks, 0..1
    war_turns: int = 0               # ceasefire: turns the two have been at war
    say: bool = True                 # explain in words (a batch run does not)
    # The versions of the world's setting and wars (engine.state.GameState.setting): a reading kept
    # by them is found again without reading the world; None for a world built by hand.
    setting: int | None = None
    warfare: int | None = None


@quick  # built for every option decision (engine.frozen)
@dataclass(frozen=True, slots=True)
class OptionAdvice:
    """The chance of taking the option, its reasons, and one sentence a facilitator can read out."""
    probability: float
    factors: tuple[Factor, ...]
    subject: str                     # "Russia"
    verbs: tuple[str, str]           # ("strikes", "holds back")
    clause: str                      # "it expects ... to fight, which leaves it outmatched"

    @property
    def take(self) -> bool:
        return self.probability >= 0.5

    def said(self, taken: bool | None = None) -> str:
        """"Russia holds back: it expects ...": the choice made (the doctrine's lean by default)."""
        verb = self.verbs[0 if (self.take if taken is None else taken) else 1]
        return f"{self.subject} {verb}: {self.clause}" if self.clause else f"{self.subject} {verb}"

    @property
    def summary(self) -> str:
        return self.said()

    def explain(self, taken: bool | None = None) -> str:
        reasons = sorted(self.factors, key=lambda f: -abs(f.contribution))
        said = "; ".join(f"{f.text} ({f.contribution:+.2f})" for f in reasons if f.contribution)
        return f"{self.said(taken)} (chance {self.probability:.0%}{': ' + said if said else ''})"


# What a batch run (no explanations) is told instead of words.
_SILENT_VERBS = ("takes it", "lets it pass")
_SILENT = ("",) * 8

# What a kind's reader finds: the factors' values, the verbs for taking it or not, the clause
# that says why, and each factor in words.
Reading = tuple[tuple[float, ...], tuple[str, str], str, tuple[str, ...]]


def advise(case: OptionCase) -> OptionAdvice:
    """The doctrine's advice on the option in `case`."""
    kind = family(case.inject.kind)
    name = case.world.name(case.actor)
    if kind is None:
        p = 1.0 if case.inject.resolve >= 0.5 else 0.0
        return OptionAdvice(p, (), name, ("acts", "holds back"), f"resolve {case.inject.resolve:.2f}")
    values, verbs, clause, words = _READERS[kind](case)
    table = WEIGHTS[kind]
    score = table.bias + sum(map(mul, values, table.weights))
    if not case.say:  # a batch run reads the chance alone
        return OptionAdvice(_logistic(score), (), name, verbs, clause)
    if kind == "attack":
        name = _names(case.world, case.inject.actors or (case.actor,))
    factors = tuple(Factor(n, round(v, 4), w, t) for n, v, w, t in zip(FACTORS[kind], values, table.weights, words))
    return OptionAdvice(_logistic(score), factors, name, verbs, clause)


def _logistic(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x)) if x >= 0 else math.exp(x) / (1.0 + math.exp(x))


def _resolve(inject: Inject) -> float:
    return 2.0 * inject.resolve - 1.0


def _names(world: World, states: Sequence[str]) -> str:
    return listed([world.name(s) for s in states])


# --- attack: deterrence ------------------------------------------------------------------------

def expected_coalition(world: World, attackers: Sequence[str], target: str) -> dict[str, float]:
    """Each state the attackers expect to fight for `target`, with the chance they give it: the
    credibility of its strongest treaty with the target in their eyes, raised by its forces in the
    target (doctrine.json 'options.attack.tripwire_pull'); 1 for a state already at war with them."""
    if not attackers:
        return {}
    attackers = tuple(attackers)
    defences = _defences(world, attackers, target)
    return _coalition_of(world, attackers, target, defences, _means(world, defences), None)


def _means(world: World, defences: _Defences) -> tuple[float, ...]:
    """Each defending treaty's members' mean reputation (sorted, as standing.credibility sums them):
    with the defences and the attackers' enemies, all the coalition is read from."""
    reputation = world.reputation
    try:  # every member's reputation taken in one C call per treaty
        return tuple([sum(d.reputations(reputation)) / len(d.ranked) for d in defences.treaties])
    except KeyError:  # a world without some member's reputation (built by hand): the initial one
        return tuple(sum(map(reputation.get, ranked, repeat(INITIAL_REPUTATION))) / len(ranked)
                     for ranked in defences.ranked)


def _coalition_of(world: World, attackers: tuple[str, ...], target: str, defences: _Defences,
                  means: tuple[float, ...], warfare: int | None) -> dict[str, float]:
    wars = wars_of(world, None, warfare)
    key = (means, tuple(map(wars.of, attackers)))
    found = defences.coalitions.get(key)
    if found is None:
        if len(defences.coalitions) >= _CACHE_LIMIT:
            defences.coalitions.clear()
        found = defences.coalitions[key] = _coalition(wars, attackers, target, defences.treaties, means)
    return found


def _coalition(wars: Wars, attackers: tuple[str, ...], target: str, treaties: tuple[_Defence, ...],
               means: tuple[float, ...]) -> dict[str, float]:
    pull = WEIGHTS["attack"].settings["tripwire_pull"]
    out: dict[str, float] = {}
    for defence, mean in zip(treaties, means):
        cred = defence.credibility.given(mean)
        if cred <= 0.0:
            continue
        # A member without forces in the target comes at the treaty's credibility (the sum below
        # adds 0.0 to it); each state keeps the greatest chance any treaty gives it.
        if out:
            for member in defence.bare:
                if cred > out.get(member, 0.0):
                    out[member] = cred
        else:
            out.update(dict.fromkeys(defence.bare, cred))
        lift = (1.0 - cred) * pull
        for member, skin in defence.skinned:
            p = cred + lift * skin
            if p > out.get(member, 0.0):
                out[member] = p
    for attacker in attackers:
        for enemy in sorted(wars.of(attacker)):
            if enemy != target and enemy not in attackers:
                out[enemy] = 1.0
    return {m: out[m] for m in sorted(out)}  # by id: the keys are unique


@dataclass(frozen=True, slots=True)
class _Defence:
    """A treaty in force that would defend the target: its credibility in the attacker's eyes but
    for its members' reputations, and the members that would come, sorted (the sums over them are
    the same in every process), each with its tripwire in the target."""
    credibility: standing.Credibility
    members: tuple[tuple[str, float], ...]
    ranked: tuple[str, ...]           # credibility.members, as the scenario's own id strings
    bare: tuple[str, ...]             # the members with no forces in the target
    skinned: tuple[tuple[str, float], ...]  # the others, with their tripwire
    reputations: Callable[[Mapping[str, float]], tuple[float, ...]]  # the ranked members', in order


@dataclass(frozen=True, slots=True)
class _Defences:
    """The treaties that would defend the target, and the coalitions met with them so far, by what
    else they are read from (the members' mean reputations, the attackers' enemies)."""
    treaties: tuple[_Defence, ...]
    coalitions: dict[tuple[object, ...], dict[str, float]]

    @property
    def ranked(self) -> Iterator[tuple[str, ...]]:
        """Each treaty's members in force, sorted: whose reputations its credibility reads."""
        return (d.ranked for d in self.treaties)


# The defences an attacker weighs, remembered per scenario by everything they are read from (see
# _defences): the world is new every turn, the defences rarely change, and a Monte Carlo run meets
# the same few again and again. Reputations move every turn, so they are left out of that key and
# added to each credibility as it is read (standing.Credibility).
_CACHE = "options: defences"
_CACHE_LIMIT = 4096


def _defences(world: World, attackers: tuple[str, ...], target: str) -> _Defences:
    """The treaties that would defend `target`, remembered by what standing.credibility_terms and
    the plan read off the world: the members in force, whether the attacker knows each secret
    treaty, which protected states feel threatened by it (when an effect has changed a relation),
    and the forces deployed in play; read afresh when an effect has changed the attackers' or the
    members' states (their power or arms)."""
    shared = rd.shared_scratch(world)
    forces = forces_of(world, shared)
    plan = _plan(world, shared, attackers, target, forces)
    if not all(map(is_, map(world.states.__getitem__, plan.watched), plan.states)):
        return _Defences(_read_defences(world, attackers, target, plan), {})
    seer, relations = attackers[0], world.relations
    found_relations = tuple(map(relations.get, plan.exposure))
    threatened = None if all(map(is_, found_relations, plan.relations)) else tuple(
        [r is not None and r.threat > 0 for r in found_relations])
    key = (attackers, target, forces, tuple(map(world.members_in_force.get, plan.ids)),
           tuple([world.knows(seer, t) for t in plan.secret]) if plan.secret else (), threatened)
    cache: dict[tuple[object, ...], _Defences] = shared.setdefault(_CACHE, {})
    found = cache.get(key)
    if found is None:
        if len(cache) >= _CACHE_LIMIT:
            cache.clear()
        found = cache[key] = _Defences(_read_defences(world, attackers, target, plan), {})
    return found


def _read_defences(world: World, attackers: tuple[str, ...], target: str, plan: _Plan) -> tuple[_Defence, ...]:
    out = []
    for treaty in plan.defenders:
        members = world.members_in_force.get(treaty.id, frozenset())
        if len(members) < 2 or (target in treaty.members and target not in members):
            continue
        terms = standing.credibility_terms(world, treaty.id, attackers[0])
        if terms is None:
            continue  # a hidden alliance deters nobody
        # The scenario's own id strings (a treaty's members are other string objects): the
        # coalition's and the reputations' look-ups then match by identity.
        ids = _ids(world)
        coming = tuple((ids.get(m, m), plan.skin.get(m, 0.0)) for m in sorted(members)
                       if m != target and m not in attackers)
        ranked = tuple(ids.get(m, m) for m in terms.members)
        out.append(_Defence(terms, coming, ranked, tuple(m for m, skin in coming if not skin),
                            tuple((m, s) for m, s in coming if s), _values(ranked)))
    return tuple(out)


def _values(keys: tuple[str, ...]) -> Callable[[Mapping[str, float]], tuple[float, ...]]:
    """The values of `keys` in a mapping, as a tuple in their order (itemgetter gives one key's
    value bare)."""
    if len(keys) == 1:
        key = keys[0]
        return lambda found: (found[key],)
    return cast(Callable[[Mapping[str, float]], tuple[float, ...]], itemgetter(*keys))


def _ids(world: World) -> dict[str, str]:
    """Each state's id, as the scenario's own string object (made once per scenario)."""
    shared = rd.shared_scratch(world)
    found: dict[str, str] | None = shared.get("options: ids")
    if found is None:
        found = shared["options: ids"] = {s: s for s in world.scenario.state_by_id}
    return found


@dataclass(frozen=True, slots=True)
class _Plan:
    """What about an attack on `target` is fixed by the scenario: the treaties that would defend it,
    their members and protected states, and each member's forces in the target; and, to tell that
    no effect has changed them, the scenario's own states and relations that the defences read."""
    defenders: tuple[Treaty, ...]
    members: tuple[str, ...]          # every member of a defending treaty, sorted
    protected: tuple[str, ...]        # every state they protect, sorted
    skin: Mapping[str, float]         # each member's tripwire in the target
    ids: tuple[str, ...]              # the defenders' ids
    secret: tuple[str, ...]           # the secret defenders' ids
    watched: tuple[str, ...]          # the attackers and the members
    states: tuple[State, ...]         # their states in the scenario
    exposure: tuple[tuple[str, str], ...]  # (protected state, the first attacker): its threat
    relations: tuple[Relation | None, ...]  # those relations in the scenario


def _plan(world: World, shared: rd.Memo, attackers: tuple[str, ...], target: str, forces: Forces) -> _Plan:
    key = ("options: plan", target, attackers, forces)  # forces deployed in play add skin
    found: _Plan | None = shared.get(key)
    if found is None:
        scenario = world.scenario
        defenders = tuple(t for t in scenario.treaties if _defends(t, target, attackers))
        ids = _ids(world)
        members = tuple(sorted({ids.get(m, m) for t in defenders for m in t.members}))
        protected = tuple(sorted({p for t in defenders for p in t.protected}))
        skin = {m: rd.tripwire(world, shared, m, target) for m in members}
        watched = (*(ids.get(a, a) for a in attackers), *members)
        # The scenario's own key objects where it has them: a look-up then matches by identity
        # rather than comparing the strings.
        canonical = {k: k for k in scenario.relation_by_pair}
        exposure = tuple(canonical.get((p, attackers[0]), (p, attackers[0])) for p in protected)
        found = shared[key] = _Plan(
            defenders, members, protected, skin, tuple(t.id for t in defenders),
            tuple(t.id for t in defenders if t.secret), watched,
            tuple(scenario.state_by_id[s] for s in watched), exposure,
            tuple(scenario.relation_by_pair.get(k) for k in exposure))
    return found


def _defends(treaty: Treaty, target: str, attackers: Sequence[str]) -> bool:
    """Whether the treaty owes `target` defence against these attackers."""
    if target not in treaty.protected:
        return False
    return any(ob.type is _DEFENSE and (ob.adversaries is None or any(a in ob.adversaries for a in attackers))
               for ob in treaty.obligations)


def _sums(world: World, attackers: tuple[str, ...], target: str, expected: Mapping[str, float],
          exposure: float) -> tuple[float, float]:
    """The balance of power once the expected coalition comes, and the weight of nuclear weapons on
    the defending side, each as the attack factor reads it."""
    states = world.states
    ours = sum([states[a].power for a in attackers if a in states])
    defending = states[target].power if target in states else 0.0
    # The expected allies' states, in the coalition's order: the sums below run in C over them.
    allies = list(map(states.__getitem__, expected))
    theirs = defending + exposure * sum(map(mul, expected.values(), map(_POWER, allies)))
    balance = 2.0 * rd.share_of(ours, theirs) - 1.0
    # Nuclear weapons deter an armed attack more than a grey-zone step, and a nuclear-armed
    # attacker counts on its own arsenal to keep a limited war limited (the stability-instability
    # paradox, Snyder 1965): it feels the defenders' at half their weight.
    armed_nuclear = any([states[a].nuclear for a in attackers if a in states])
    nuclear = max([1.0 if target in states and states[target].nuclear else 0.0,
                   *compress(expected.values(), map(_NUCLEAR, allies))]) * exposure * (
        0.5 if armed_nuclear else 1.0)
    return balance, nuclear


# What an attack on a target was weighed with at one version of the world's setting: its defences,
# and per (the members' mean reputations, the version of the wars, the exposure) the coalition,
# the balance and the nuclear weight. All else those read (powers, arms, treaties in force, who
# knows them, relations, forces) is the setting's, so the version finds them without reading it.
_AT = "options: at setting"


@dataclass(frozen=True, slots=True)
class _AtSetting:
    defences: _Defences
    weighed: dict[tuple[object, ...], tuple[dict[str, float], float, float]]


def _weighed(world: World, attackers: tuple[str, ...], target: str, exposure: float, setting: int,
             warfare: int) -> tuple[dict[str, float], float, float]:
    """expected_coalition and _sums, kept by the versions of the setting and the wars."""
    memo: dict[tuple[object, ...], _AtSetting] = rd.shared_scratch(world).setdefault(_AT, {})
    key = (attackers, target, setting)
    at = memo.get(key)
    if at is None:
        if len(memo) >= _CACHE_LIMIT:
            memo.clear()
        at = memo[key] = _AtSetting(_defences(world, attackers, target), {})
    means = _means(world, at.defences)
    weighed = at.weighed
    found = weighed.get((means, warfare, exposure))
    if found is None:
        if len(weighed) >= _CACHE_LIMIT:
            weighed.clear()
        expected = _coalition_of(world, attackers, target, at.defences, means, warfare)
        found = weighed[(means, warfare, exposure)] = (expected, *_sums(world, attackers, target, expected, exposure))
    return found


def _attack(case: OptionCase) -> Reading:
    world, inject = case.world, case.inject
    attackers, target = tuple(inject.actors) or (case.actor,), inject.target or ""
    settings = WEIGHTS["attack"].settings
    # A grey-zone step feels the coalition at a fraction of its weight, and a limited grab counts
    # on a fait accompli before the allies arrive (Altman 2017): the coalition weighs with severity.
    exposure = (1.0 if inject.kind.traits.armed_attack else settings["grey_zone_exposure"]) * (
        0.5 + 0.5 * inject.severity)
    if case.setting is None or case.warfare is None:
        expected = expected_coalition(world, attackers, target)
        balance, nuclear = _sums(world, attackers, target, expected, exposure)
    else:
        expected, balance, nuclear = _weighed(world, attackers, target, exposure, case.setting, case.warfare)
    states = world.states
    deniability = 1.0 - inject.attribution
    probes = 1.0 - 2.0 * sum(case.probes) / len(case.probes) if case.probes else 0.0
    values = (_resolve(inject), balance, nuclear, deniability, probes)
    if not case.say:
        return values, _SILENT_VERBS, "", _SILENT[:5]
    likely = sorted((m for m, p in expected.items() if p >= 0.5), key=lambda m: (-states[m].power, m))
    with_forces = [m for m in likely if world.deployments(m, target)]
    v = world.name(target)
    fight = (f"it expects {_names(world, likely[:3])}{' and others' if len(likely) > 3 else ''} to fight"
             + (f" (their forces in {v})" if with_forces else "")) if likely else \
        f"it expects nobody to come to {v}'s aid"
    odds = "which leaves it outmatched" if balance < 0 else "which it believes it can face"
    verbs = ("strike", "hold back") if len(attackers) > 1 else ("strikes", "holds back")
    words = (f"resolve {inject.resolve:.2f}", f"balance once the allies it expects come {balance:+.2f}",
             "nuclear weapons on the defending side" if nuclear else "no nuclear weapons on the defending side",
             f"attribution {inject.attribution:.2f}",
             (f"earlier probes answered at {sum(case.probes) / len(case.probes):.0%} of their strongest"
              if case.probes else "no earlier probes"))
    return values, verbs, f"{fight}, {odds}", words


# --- deployment: reassurance ---------------------------------------------------------------------

def _allies(world: World, state: str) -> frozenset[str]:
    out: set[str] = set()
    for members in world.members_in_force.values():
        if state in members and len(members) >= 2:
            out |= members
    return frozenset(out)


def _worst_threat(world: World, state: str, exclude: frozenset[str],
                  warfare: int | None = None) -> tuple[str | None, float]:
    """The state `state` fears most outside `exclude` (an enemy at war first), and how much."""
    for enemy in sorted(wars_of(world, None, warfare).of(state)):
        if enemy not in exclude:
            return enemy, 1.0
    best: tuple[str | None, float] = (None, 0.0)
    # In the other states' id order: a tie goes to the first, in every process.
    row = _row(world, state)
    for (_, other), r in zip(row, map(world.relations.get, row)):
        if r is not None and r.threat > best[1] and other not in exclude:
            best = (other, r.threat)
    return best


def _row(world: World, state: str) -> tuple[tuple[str, str], ...]:
    """The keys of `state`'s relations to the other states, in their id order: those the world has
    (made once per scenario), or every other state's while play has added relations (an effect
    may add one; none is ever removed, so the same count means the same pairs)."""
    shared = rd.shared_scratch(world)
    scenario = world.scenario
    given = len(world.relations) == len(scenario.relation_by_pair)
    key = ("options: row", state, given)
    found: tuple[tuple[str, str], ...] | None = shared.get(key)
    if found is None:
        pairs = scenario.relation_by_pair
        found = shared[key] = tuple(
            (state, other) for other in sorted(scenario.state_by_id)
            if other != state and (not given or (state, other) in pairs))
    return found


# What a deployment reads off the setting and the wars, by their versions: the treaties binding
# the actor and the host, the host's fear of abandonment in each but for its allies' reputations,
# the host's worst threat outside its alliances and the risk of provoking it.
_HOSTS = "options: deployment"
_Host = tuple[tuple[standing.Abandonment | None, ...], str | None, float, float]


def _host(world: World, actor: str, host: str, setting: int | None, warfare: int | None) -> _Host:
    if setting is None or warfare is None:
        return _read_host(world, actor, host, warfare)
    memo: dict[tuple[object, ...], _Host] = rd.shared_scratch(world).setdefault(_HOSTS, {})
    key = (actor, host, setting, warfare)
    found = memo.get(key)
    if found is None:
        if len(memo) >= _CACHE_LIMIT:
            memo.clear()
        found = memo[key] = _read_host(world, actor, host, warfare)
    return found


def _read_host(world: World, actor: str, host: str, warfare: int | None) -> _Host:
    shared = [t for t, m in world.members_in_force.items() if actor in m and host in m and len(m) >= 2]
    fears = tuple(standing.abandonment_terms(world, t, host) for t in sorted(shared)) if host != actor else ()
    adversary, threat = _worst_threat(world, host, _allies(world, host), warfare)
    if adversary is not None:
        r = world.relation(actor, adversary)
        dilemma = ((1.0 - r.threat) + min(1.0, 10.0 * r.trade)) / 2.0
    else:
        dilemma = 0.0
    return fears, adversary, threat, dilemma


def _deployment(case: OptionCase) -> Reading:
    world, inject, actor = case.world, case.inject, case.actor
    host = inject.target or actor
    fears, adversary, threat, dilemma = _host(world, actor, host, case.setting, case.warfare)
    fear = max([0.0 if terms is None else terms.given(world) for terms in fears], default=0.0)
    values = (_resolve(inject), fear, threat, dilemma)
    if not case.say:
        return values, _SILENT_VERBS, "", _SILENT[:4]
    h = world.name(host)
    against = f" from {world.name(adversary)}" if adversary else ""
    where = " to " + h if host != actor else ""
    clause = (f"{h}'s fear of abandonment {fear:.2f}, the threat{against} {threat:.2f}, "
              f"the risk of provoking {dilemma:.2f}")
    words = (f"resolve {inject.resolve:.2f}", f"{h}'s fear of abandonment", f"the threat {h} faces{against}",
             "the risk of a security dilemma")
    return values, ("deploys" + where, "does not deploy" + where), clause, words


# --- treaty signed: alliance formation ---------------------------------------------------------------

def _partners(world: World, inject: Inject, actor: str) -> tuple[str, ...]:
    treaty = world.scenario.treaty_by_id.get(inject.treaty or "")
    return tuple(m for m in treaty.members if m != actor) if treaty else ()


def _mean_reputation(world: World, states: Sequence[str]) -> float:
    return sum(world.reputation.get(s, INITIAL_REPUTATION) for s in states) / len(states) if states else 0.5


def _treaty_signed(case: OptionCase) -> Reading:
    world, inject, actor = case.world, case.inject, case.actor
    partners = _partners(world, inject, actor)
    power = world.states
    feared, threat = _worst_threat(world, actor, frozenset(), case.warfare)
    together = power[actor].power + sum(power[p].power for p in partners if p != feared)
    balancing = bandwagoning = 0.0
    if feared is not None and feared not in partners:
        balancing = threat * rd.share_of(together, power[feared].power)
    elif feared is not None:
        bandwagoning = threat * rd.share_of(power[feared].power, power[actor].power)
    tethering = max((world.relation(actor, p).threat for p in partners if p != feared), default=0.0)
    reputation = 2.0 * _mean_reputation(world, partners) - 1.0
    values = (_resolve(inject), balancing, bandwagoning, tethering, reputation)
    treaty = world.scenario.treaty_by_id.get(inject.treaty or "")
    why = ("to balance against " + world.name(feared) if balancing >= max(bandwagoning, tethering) and balancing
           else "to bandwagon with " + world.name(feared) if bandwagoning >= tethering and bandwagoning
           else "to tether a rival" if tethering else "for its partners' record")
    title = treaty.name if treaty else "the treaty"
    words = (f"resolve {inject.resolve:.2f}", "balancing against a threat", "bandwagoning with a threat",
             "tethering a rival", "the partners' reputation")
    return values, (f"signs {title}", f"does not sign {title}"), why, words


# --- treaty withdrawal: abandonment --------------------------------------------------------------------

def _treaty_withdrawal(case: OptionCase) -> Reading:
    world, inject, actor = case.world, case.inject, case.actor
    tid = inject.treaty or ""
    members = sorted(world.members_in_force.get(tid, frozenset()))
    allies = [m for m in members if m != actor]
    entrapment = standing.entrapment(world, tid, actor) if actor in members else 0.0
    _, threat = _worst_threat(world, actor, frozenset(members), case.warfare)
    reputation = 2.0 * _mean_reputation(world, allies) - 1.0
    total = sum(world.states[m].power for m in members)
    weight = world.states[actor].power / total if total > 0 else 0.0
    values = (_resolve(inject), entrapment, threat, reputation, weight)
    treaty = world.scenario.treaty_by_id.get(tid)
    title = treaty.name if treaty else tid
    words = (f"resolve {inject.resolve:.2f}", "fear of entrapment", "the threat it still faces",
             "its allies' reputation", "its weight in the treaty")
    return (values, (f"leaves {title}", f"stays in {title}"),
            f"fear of entrapment {entrapment:.2f}, threat from outside {threat:.2f}", words)


# --- ceasefire: war termination --------------------------------------------------------------------

_NO_WAR = (-1.0, 0.0, 0.0, 0.0)


def _ceasefire(case: OptionCase) -> Reading:
    world, inject, actor = case.world, case.inject, case.actor
    enemy = inject.target if inject.target != actor else (inject.actors[0] if inject.actors else None)
    enemy = enemy or ""
    war = _war(world, actor, enemy, case.setting, case.warfare)
    if not case.say and war is None:
        return _NO_WAR, _SILENT_VERBS, "", _SILENT[:4]
    e = world.name(enemy)
    verbs = (f"seeks a ceasefire with {e}", f"refuses a ceasefire with {e}")
    if war is None:
        # Nothing to end: the option waits (a war may begin before its window closes).
        return _NO_WAR, verbs, f"it is not at war with {e}", (
            f"resolve {inject.resolve:.2f}", "no war", "no war", "no war")
    cost = min(1.0, case.war_turns / WEIGHTS["ceasefire"].settings["cost_turns"])
    ours, theirs, losing, came, allies, stayed_away = war
    values = (_resolve(inject), cost, losing, stayed_away)
    if not case.say:
        return values, _SILENT_VERBS, "", _SILENT[:4]
    clause = (f"{case.war_turns} turn(s) of war, its side holds {rd.share_of(ours, theirs):.0%} of the power"
              + (f", {came} of {allies} allies came" if allies else ""))
    words = (f"resolve {inject.resolve:.2f}", "the cost of the war so far", "the balance of forces",
             "allies that stayed away")
    return values, verbs, clause, words


# What a ceasefire reads off the setting and the wars, by their versions (None: not at war): the
# power of each side, the balance factor, how many of the actor's allies came and how many it has,
# and the share that stayed away.
_WARS = "options: ceasefire"
_War = tuple[float, float, float, int, int, float] | None


def _war(world: World, actor: str, enemy: str, setting: int | None, warfare: int | None) -> _War:
    if setting is None or warfare is None:
        return _read_war(world, actor, enemy, warfare)
    memo: dict[tuple[object, ...], _War] = rd.shared_scratch(world).setdefault(_WARS, {})
    key = (actor, enemy, setting, warfare)
    if key in memo:
        return memo[key]
    if len(memo) >= _CACHE_LIMIT:
        memo.clear()
    found = memo[key] = _read_war(world, actor, enemy, warfare)
    return found


def _read_war(world: World, actor: str, enemy: str, warfare: int | None) -> _War:
    wars = wars_of(world, None, warfare)
    if not wars.at_war(actor, enemy):
        return None
    ours, theirs = _side_power(world, wars.side(actor)), _side_power(world, wars.side(enemy))
    losing = 2.0 * rd.share_of(theirs, ours) - 1.0
    allies = sorted(_allies(world, actor) - {actor, enemy})
    their_side = wars.side(enemy)
    came = [a for a in allies if wars.of(a) & their_side]  # fighting the enemy or its allies
    stayed = [a for a in allies if a not in came]
    stayed_away = len(stayed) / len(allies) if allies else 0.0
    return ours, theirs, losing, len(came), len(allies), stayed_away


def _side_power(world: World, side: frozenset[str]) -> float:
    """The power of a side at war, summed as engine.doctrine.readings.side_power sums it (in id order)."""
    states = world.states
    return sum([states[x].power for x in sorted(side)])


_READERS: Mapping[str, Callable[[OptionCase], Reading]] = {
    "attack": _attack, "deployment": _deployment, "treaty-signed": _treaty_signed,
    "treaty-withdrawal": _treaty_withdrawal, "ceasefire": _ceasefire,
}
