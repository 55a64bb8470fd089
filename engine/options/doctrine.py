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

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from itertools import repeat
from typing import TypeVar, cast

from .. import numeric
from ..doctrine import Factor, standing
from ..doctrine import readings as rd
from ..doctrine.explain import listed
from ..floats import total
from ..frozen import quick
from ..model import Inject
from ..numeric import option_chance
from ..world import INITIAL_REPUTATION, World
from .coalition import MEMO_LIMIT, balance_and_nuclear, expected_coalition, weigh_coalition
from .wars import wars_of
from .weights import FACTORS, WEIGHTS, family


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
SILENT_VERBS = ("takes it", "lets it pass")
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
    if not case.say:  # a batch run reads the chance alone
        return OptionAdvice(chance(kind, values), (), name, verbs, clause)
    if kind == "attack":
        name = _names(case.world, case.inject.actors or (case.actor,))
    weights = WEIGHTS[kind].weights
    factors = tuple(Factor(n, round(v, 4), w, t) for n, v, w, t in zip(FACTORS[kind], values, weights, words))
    return OptionAdvice(chance(kind, values), factors, name, verbs, clause)


def chance(kind: str, values: tuple[float, ...]) -> float:
    """The chance of taking an option of `kind` whose factors read `values` (in FACTORS order): the
    weighted sum and the bias through the logistic, for the explained and the batch path alike."""
    table = WEIGHTS[kind]
    return option_chance(table.bias, table.weights, values)


# The resolve factor, -1..1: how much the actor wants the move (0..1 in the scenario); and a
# reputation's, -1..1.
_resolve = _centred = numeric.centred


def _names(world: World, states: Sequence[str]) -> str:
    return listed([world.name(s) for s in states])


# --- attack: deterrence ------------------------------------------------------------------------

def attack_values(world: World, inject: Inject, resolve: float, actor: str, probes: tuple[float, ...],
                  setting: int | None, warfare: int | None) -> tuple[tuple[float, ...], Mapping[str, float]]:
    """An attack's factors (resolve, balance, nuclear, deniability, probes), and the coalition the
    attackers expect, each state with its chance of coming."""
    attackers, target = tuple(inject.actors) or (actor,), inject.target or ""
    exposure = exposure_of(inject)
    if setting is None or warfare is None:
        expected = expected_coalition(world, attackers, target)
        balance, nuclear = balance_and_nuclear(world, attackers, target, expected, exposure)
    else:
        expected, balance, nuclear = weigh_coalition(world, attackers, target, exposure, setting, warfare)
    return attack_factors(inject, resolve, balance, nuclear, probes), expected


def exposure_of(inject: Inject) -> float:
    """How much of the coalition's weight the attack feels. A grey-zone step feels the coalition at a
    fraction of its weight, and a limited grab counts on a fait accompli before the allies arrive
    (Altman 2017): the coalition weighs with severity."""
    return (1.0 if inject.kind.traits.armed_attack else _ATTACK_SETTINGS["grey_zone_exposure"]) * (
        0.5 + 0.5 * inject.severity)


def attack_factors(inject: Inject, resolve: float, balance: float, nuclear: float,
                   probes: tuple[float, ...]) -> tuple[float, ...]:
    """An attack's factors in FACTORS order, from its coalition's balance and nuclear weight, the
    actor's resolve and its probes' strengths (for the explained and the batch path alike)."""
    return numeric.attack_factors(resolve, balance, nuclear, inject.attribution, probes)


_ATTACK_SETTINGS = WEIGHTS["attack"].settings


def _attack(case: OptionCase) -> Reading:
    world, inject = case.world, case.inject
    values, expected = attack_values(world, inject, inject.resolve, case.actor, case.probes, case.setting,
                                     case.warfare)
    if not case.say:
        return values, SILENT_VERBS, "", _SILENT[:5]
    attackers, target = tuple(inject.actors) or (case.actor,), inject.target or ""
    balance, nuclear = values[1], values[2]
    states = world.states
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
             (f"earlier probes answered at {total(case.probes) / len(case.probes):.0%} of their strongest"
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
    return worst_in_peace(world, state, exclude)


def worst_in_peace(world: World, state: str, exclude: frozenset[str]) -> tuple[str | None, float]:
    """The state `state` fears most outside `exclude` by their relations (no enemy at war), and how much."""
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


# What a deployment reads off the setting and the wars: the treaties binding the actor and the
# host, the host's fear of abandonment in each but for its allies' reputations, the host's worst
# threat outside its alliances and the risk of provoking it. Of the wars it reads the host's
# enemies alone (its own threats, and an enemy at war is its worst threat), so it is kept by the
# setting's version and those enemies: a Monte Carlo run meets a few dozen of them where it meets
# hundreds of versions of the wars.
_HOSTS = "options: deployment"
_Host = tuple[tuple[standing.Abandonment | None, ...], str | None, float, float]


def host_reading(world: World, actor: str, host: str, setting: int | None, warfare: int | None) -> _Host:
    if setting is None or warfare is None:
        return _read_host(world, actor, host, warfare)
    return _kept(world, _HOSTS, (actor, host, setting, wars_of(world, None, warfare).of(host)),
                 lambda: _read_host(world, actor, host, warfare))


_T = TypeVar("_T")
_MISSING = object()


def _kept(world: World, name: str, key: tuple[object, ...], read: Callable[[], _T]) -> _T:
    """`read()`, kept in the scenario's memo `name` by `key` (which holds the versions of the setting
    and the wars it reads), which starts afresh at MEMO_LIMIT entries: the options' readings that
    depend on the setting and the wars alone."""
    memo: dict[tuple[object, ...], object] = rd.shared_scratch(world).setdefault(name, {})
    found = memo.get(key, _MISSING)
    if found is _MISSING:
        if len(memo) >= MEMO_LIMIT:
            memo.clear()
        found = memo[key] = read()
    return cast(_T, found)


def _read_host(world: World, actor: str, host: str, warfare: int | None) -> _Host:
    shared = [t for t, m in world.members_in_force.items() if actor in m and host in m and len(m) >= 2]
    fears = tuple(standing.abandonment_terms(world, t, host) for t in sorted(shared)) if host != actor else ()
    adversary, threat = _worst_threat(world, host, _allies(world, host), warfare)
    return fears, adversary, threat, provoking(world, actor, adversary)


def provoking(world: World, actor: str, adversary: str | None) -> float:
    """The risk that the actor's deployment provokes `adversary` (a security dilemma), 0..1."""
    if adversary is None:
        return 0.0
    r = world.relation(actor, adversary)
    return numeric.dilemma(r.threat, r.trade)


def deployment_values(world: World, inject: Inject, resolve: float, actor: str, setting: int | None,
                      warfare: int | None) -> tuple[tuple[float, ...], str | None]:
    """A deployment's factors (resolve, the host's fear of abandonment, its threat, the risk of
    provoking), and the state the host fears most."""
    fears, adversary, threat, dilemma = host_reading(world, actor, inject.target or actor, setting, warfare)
    fear = numeric.greatest([0.0 if terms is None else terms.given(world) for terms in fears])
    return (_resolve(resolve), fear, threat, dilemma), adversary


def _deployment(case: OptionCase) -> Reading:
    world, inject, actor = case.world, case.inject, case.actor
    host = inject.target or actor
    values, adversary = deployment_values(world, inject, inject.resolve, actor, case.setting, case.warfare)
    _, fear, threat, dilemma = values
    if not case.say:
        return values, SILENT_VERBS, "", _SILENT[:4]
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
    return numeric.mean(tuple(map(world.reputation.get, states, repeat(INITIAL_REPUTATION)))) if states else 0.5


# What a treaty option reads off the setting and the wars, kept by their versions as a deployment's
# is (None: a world built by hand, read afresh): all but the partners' reputations, which move every
# turn and are read each time. Alliance formation options recur turn after turn in a run, and the
# setting and the wars they read seldom change between them.
_SIGNED = "options: treaty signed"
_LEFT = "options: treaty withdrawal"
# (the partners, balancing, bandwagoning, tethering, the state the actor fears most)
_Signed = tuple[tuple[str, ...], float, float, float, str | None]
# (the allies it would leave, its fear of entrapment, the threat it still faces, its weight)
_Left = tuple[tuple[str, ...], float, float, float]


def treaty_signed_values(world: World, inject: Inject, resolve: float, actor: str, setting: int | None,
                         warfare: int | None) -> tuple[tuple[float, ...], str | None]:
    """A treaty signed's factors (resolve, balancing, bandwagoning, tethering, the partners'
    reputation), and the state the actor fears most."""
    def read() -> _Signed:
        return read_signed(world, inject, actor, warfare)
    found = (read() if setting is None or warfare is None
             else _kept(world, _SIGNED, (inject.treaty, actor, setting, warfare), read))
    partners, balancing, bandwagoning, tethering, feared = found
    return (_resolve(resolve), balancing, bandwagoning, tethering, _centred(_mean_reputation(world, partners))), feared


def read_signed(world: World, inject: Inject, actor: str, warfare: int | None) -> _Signed:
    partners = _partners(world, inject, actor)
    power = world.states
    feared, threat = _worst_threat(world, actor, frozenset(), warfare)
    together = power[actor].power + total(power[p].power for p in partners if p != feared)
    balancing = bandwagoning = 0.0
    if feared is not None and feared not in partners:
        balancing = threat * rd.share_of(together, power[feared].power)
    elif feared is not None:
        bandwagoning = threat * rd.share_of(power[feared].power, power[actor].power)
    tethering = max((world.relation(actor, p).threat for p in partners if p != feared), default=0.0)
    return partners, balancing, bandwagoning, tethering, feared


def _treaty_signed(case: OptionCase) -> Reading:
    world, inject, actor = case.world, case.inject, case.actor
    values, feared = treaty_signed_values(world, inject, inject.resolve, actor, case.setting, case.warfare)
    if not case.say:
        return values, SILENT_VERBS, "", _SILENT[:5]
    _, balancing, bandwagoning, tethering, _ = values
    treaty = world.scenario.treaty_by_id.get(inject.treaty or "")
    why = ("to balance against " + world.name(feared) if balancing >= max(bandwagoning, tethering) and balancing
           else "to bandwagon with " + world.name(feared) if bandwagoning >= tethering and bandwagoning
           else "to tether a rival" if tethering else "for its partners' record")
    title = treaty.name if treaty else "the treaty"
    words = (f"resolve {inject.resolve:.2f}", "balancing against a threat", "bandwagoning with a threat",
             "tethering a rival", "the partners' reputation")
    return values, (f"signs {title}", f"does not sign {title}"), why, words


# --- treaty withdrawal: abandonment --------------------------------------------------------------------

def treaty_withdrawal_values(world: World, inject: Inject, resolve: float, actor: str, setting: int | None,
                             warfare: int | None) -> tuple[tuple[float, ...], float]:
    """A treaty withdrawal's factors (resolve, the fear of entrapment, the threat it still faces, its
    allies' reputation, its weight in the treaty), and that threat."""
    tid = inject.treaty or ""
    def read() -> _Left:
        return read_left(world, tid, actor, warfare)
    found = (read() if setting is None or warfare is None
             else _kept(world, _LEFT, (tid, actor, setting, warfare), read))
    allies, entrapment, threat, weight = found
    return (_resolve(resolve), entrapment, threat, _centred(_mean_reputation(world, allies)), weight), threat


def read_left(world: World, tid: str, actor: str, warfare: int | None) -> _Left:
    members = sorted(world.members_in_force.get(tid, frozenset()))
    allies = tuple(m for m in members if m != actor)
    entrapment = standing.entrapment(world, tid, actor) if actor in members else 0.0
    _, threat = _worst_threat(world, actor, frozenset(members), warfare)
    members_power = total(world.states[m].power for m in members)
    weight = world.states[actor].power / members_power if members_power > 0 else 0.0
    return allies, entrapment, threat, weight


def _treaty_withdrawal(case: OptionCase) -> Reading:
    world, inject, actor = case.world, case.inject, case.actor
    values, threat = treaty_withdrawal_values(world, inject, inject.resolve, actor, case.setting, case.warfare)
    if not case.say:
        return values, SILENT_VERBS, "", _SILENT[:5]
    entrapment = values[1]
    tid = inject.treaty or ""
    treaty = world.scenario.treaty_by_id.get(tid)
    title = treaty.name if treaty else tid
    words = (f"resolve {inject.resolve:.2f}", "fear of entrapment", "the threat it still faces",
             "its allies' reputation", "its weight in the treaty")
    return (values, (f"leaves {title}", f"stays in {title}"),
            f"fear of entrapment {entrapment:.2f}, threat from outside {threat:.2f}", words)


# --- ceasefire: war termination --------------------------------------------------------------------

NO_WAR = (-1.0, 0.0, 0.0, 0.0)
COST_TURNS = WEIGHTS["ceasefire"].settings["cost_turns"]


def enemy_of(inject: Inject, actor: str) -> str:
    """The state a ceasefire's actor would stop fighting: its target, or (the actor its target) its
    first actor."""
    enemy = inject.target if inject.target != actor else (inject.actors[0] if inject.actors else None)
    return enemy or ""


def ceasefire_values(world: World, inject: Inject, resolve: float, actor: str, war_turns: int,
                     setting: int | None, warfare: int | None) -> tuple[tuple[float, ...], _War]:
    """A ceasefire's factors (resolve, the cost of the war so far, the balance of forces, the allies
    that stayed away; NO_WAR when the two are not at war), and the war as _war reads it."""
    war = _war(world, actor, enemy_of(inject, actor), setting, warfare)
    if war is None:
        return NO_WAR, None
    return (_resolve(resolve), numeric.war_cost(war_turns, COST_TURNS), war[2], war[5]), war


def _ceasefire(case: OptionCase) -> Reading:
    world, inject, actor = case.world, case.inject, case.actor
    values, war = ceasefire_values(world, inject, inject.resolve, actor, case.war_turns, case.setting,
                                   case.warfare)
    if not case.say and war is None:
        return NO_WAR, SILENT_VERBS, "", _SILENT[:4]
    e = world.name(enemy_of(inject, actor))
    verbs = (f"seeks a ceasefire with {e}", f"refuses a ceasefire with {e}")
    if war is None:
        # Nothing to end: the option waits (a war may begin before its window closes).
        return NO_WAR, verbs, f"it is not at war with {e}", (
            f"resolve {inject.resolve:.2f}", "no war", "no war", "no war")
    ours, theirs, _, came, allies, _ = war
    if not case.say:
        return values, SILENT_VERBS, "", _SILENT[:4]
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
    return _kept(world, _WARS, (actor, enemy, setting, warfare), lambda: _read_war(world, actor, enemy, warfare))


def _read_war(world: World, actor: str, enemy: str, warfare: int | None) -> _War:
    wars = wars_of(world, None, warfare)
    if not wars.at_war(actor, enemy):
        return None
    ours, theirs = _side_power(world, wars.side(actor)), _side_power(world, wars.side(enemy))
    allies = ceasefire_allies(world, actor, enemy)
    their_side = wars.side(enemy)
    came = [a for a in allies if wars.of(a) & their_side]  # fighting the enemy or its allies
    return (ours, theirs, numeric.losing(ours, theirs), len(came), len(allies),
            numeric.stayed_away(len(allies) - len(came), len(allies)))


def ceasefire_allies(world: World, actor: str, enemy: str) -> list[str]:
    """The allies whose coming a ceasefire weighs: the actor's in force, but the two parties, sorted."""
    return sorted(_allies(world, actor) - {actor, enemy})


def _side_power(world: World, side: frozenset[str]) -> float:
    """The power of a side at war, summed as engine.doctrine.readings.side_power sums it (in id order)."""
    states = world.states
    return total([states[x].power for x in sorted(side)])


_READERS: Mapping[str, Callable[[OptionCase], Reading]] = {
    "attack": _attack, "deployment": _deployment, "treaty-signed": _treaty_signed,
    "treaty-withdrawal": _treaty_withdrawal, "ceasefire": _ceasefire,
}
