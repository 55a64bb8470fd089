"""The run-dependent arithmetic of a game, as plain numeric functions: one copy of it.

The turn engine calls these functions in Python; the compiled Monte Carlo kernel
(`engine.kernel`) hands the very same function objects to numba, so a run played by
either gives the same bits. Every function here therefore keeps to what both can
run: floats, ints, bools, tuples and indexable sequences (a tuple in the engine, a
NumPy array in the kernel), loops rather than generators, no dicts or strings. What the
engine reads at every decision or every turn (`score`, `mean`, `greatest`, `credibility`,
`weigh_coalition`) runs in C in Python (`floats.total`, `max`) and numba compiles its loop
twin (`score_loop` and the others), the same operations in the same order
(tests/test_kernel.py holds each to its twin).

Bit-exactness rests on four things, each tested (tests/test_kernel.py): the order of
summation is the engine's (left to right, in factor order); `math.exp` is the
platform's in both (numba calls the C library's `exp`, and no fast-math is asked
for); `round_to` gives what Python's `round(x, n)` gives (compiled, as `exact_round`); and the kernel's BLAKE2b
(`engine.kernel.blake2b`) gives the bits of `hashlib.blake2b` that `unit_float` reads.
"""
from __future__ import annotations

import math
from collections.abc import Sequence
from itertools import compress
from operator import mul

from .floats import total

__all__ = ["EXP_LIMIT", "TWO_TO_MINUS_53", "logistic", "score", "score_loop", "distribution", "cap_full",
           "draw_index", "unit_float", "reputation_after", "cohesion", "share_of", "side_power", "mark_side",
           "cost_of_war", "round_to", "exact_round", "clip01", "mean", "mean_loop", "credibility",
           "credibility_loop", "abandonment", "divergence", "entrapment", "group_chances", "join_wars",
           "weigh_coalition", "weigh_coalition_loop", "centred", "probe_factor", "attack_factors", "greatest",
           "greatest_loop", "dilemma", "war_cost", "losing", "stayed_away", "option_chance", "same_pair",
           "among", "war_reasons", "over_ended", "wars_ended", "STARTS_WAR", "THREAT", "TARGET", "ORIGIN",
           "OWN_ORIGIN", "ATTACKERS_FROM", "ATTACKERS_TO", "ATTACK_COLUMNS"]

# math.exp overflows a float just above 709.78; the logistic is 0 or 1 to double
# precision long before, so clamping the exponent changes no result.
EXP_LIMIT = 700.0
TWO_TO_MINUS_53 = 2.0 ** -53


# --- the ordered logit ------------------------------------------------------------------------

def logistic(z: float) -> float:
    """1 / (1 + e^-z), computed on the side where the exponential cannot overflow."""
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-min(z, EXP_LIMIT)))
    e = math.exp(max(z, -EXP_LIMIT))
    return e / (1.0 + e)


def score(weights: Sequence[float], values: Sequence[float]) -> float:
    """The latent score: the weighted sum of the factors' values, summed in factor order. Compiled,
    the kernel runs `score_loop` in its place: the same products and sum, which in Python
    `floats.total` runs in C (every decision the reference engine draws, an ally's or an option's,
    reads one)."""
    return total(map(mul, weights, values))


def score_loop(weights: Sequence[float], values: Sequence[float]) -> float:
    """`score`, summed by a loop numba compiles."""
    acc = 0.0
    for i in range(len(weights)):
        acc += weights[i] * values[i]
    return acc


def distribution(cuts: Sequence[float], latent: float) -> tuple[float, float, float, float, float]:
    """P(response = level) for the five levels, from the four cut points and the latent score."""
    f0 = logistic(cuts[0] - latent)
    f1 = logistic(cuts[1] - latent)
    f2 = logistic(cuts[2] - latent)
    f3 = logistic(cuts[3] - latent)
    # The logistic is monotone, so the differences are not negative; max() only guards the
    # last bit of rounding.
    return (f0, max(0.0, f1 - f0), max(0.0, f2 - f1), max(0.0, f3 - f2), 1.0 - f3)


def cap_full(p: Sequence[float]) -> tuple[float, float, float, float, float]:
    """The five-level distribution with the probability of the top level given to the one below."""
    return (p[0], p[1], p[2], p[3] + p[4], 0.0)


def draw_index(probabilities: Sequence[float], u: float) -> int:
    """The level a uniform `u` in [0, 1) picks from the distribution (the last when rounding
    leaves the cumulative sum short of `u`)."""
    cumulative = 0.0
    for k in range(len(probabilities)):
        cumulative += probabilities[k]
        if u < cumulative:
            return k
    return len(probabilities) - 1


def unit_float(bits53: int) -> float:
    """A double in [0, 1) from 53 random bits (the top of a 64-bit hash)."""
    return bits53 * TWO_TO_MINUS_53


# --- honour and cohesion ----------------------------------------------------------------------

def reputation_after(before: float, kept: bool, gain: float, loss: float) -> float:
    """An ally's reputation after a commitment tested: `gain` of the way up to a perfect record
    when kept, `loss` of the standing lost when abandoned; six decimals, as the log keeps it."""
    after = before + gain * (1 - before) if kept else before * (1 - loss)
    return round_to(after, 6)


def cohesion(powers: Sequence[float], kept: Sequence[bool]) -> float:
    """The share of the tested members' power that honoured (of their number when none has
    power). `powers` is not empty; sums run in the order given, as Python's `sum` does."""
    weight = 0.0
    held = 0.0
    count = 0
    for i in range(len(powers)):
        weight += powers[i]
        if kept[i]:
            held += powers[i]
            count += 1
    if weight != 0.0:
        return held / weight
    return count / len(powers)


# --- the balance of power -----------------------------------------------------------------------

def share_of(part: float, other: float) -> float:
    """`part`'s share of `part` and `other` (powers); with no power on either side, an even balance."""
    total = part + other
    return part / total if total > 0 else 0.5


def side_power(core: Sequence[int], enemies: Sequence[Sequence[int]], powers: Sequence[float],
               nuclear: Sequence[bool], inside: list[bool]) -> tuple[float, bool]:
    """The power of `core` and of every state fighting beside any of them (an enemy's enemies), and
    whether any of them has nuclear weapons. States are numbered in the order of their ids, the
    order the powers are summed in; `enemies[s]` lists the enemies of state s, ending at its end or
    at the first negative entry (a padded row); `inside` is room for a flag per state.

    The side is marked state by state, then summed in their order: compiled, flags are some five
    times quicker than a set and its sorting for a scenario of a few dozen states (the compiled
    cascade reads two sides for each answer it draws), and as quick for a few hundred."""
    for s in range(len(powers)):
        inside[s] = False
    mark_side(core, enemies, inside)
    power = 0.0
    armed = False
    for s in range(len(powers)):
        if inside[s]:
            power += powers[s]
            armed = armed or nuclear[s]
    return power, armed


def mark_side(core: Sequence[int], enemies: Sequence[Sequence[int]], inside: list[bool]) -> None:
    """Mark `core` and every state fighting beside any of them (an enemy's enemies) in `inside`;
    `enemies[s]` lists the enemies of state s, ending at its end or at the first negative entry.
    (Indexed, not iterated: compiled, a row iterated is an array made per row, some ten times
    slower than reading its entries.)"""
    for i in range(len(core)):
        c = core[i]
        inside[c] = True
        for x in range(len(enemies[c])):
            foe = enemies[c][x]
            if foe < 0:
                break
            for y in range(len(enemies[foe])):
                friend = enemies[foe][y]
                if friend < 0:
                    break
                inside[friend] = True


def cost_of_war(ours: float, theirs: float, nuclear: bool, share_weight: float, nuclear_weight: float) -> float:
    """The cost of war factor (doctrine.json 'cost_of_war'): the other side's share of the two sides'
    power, and whether it has nuclear weapons, each by its weight."""
    return share_weight * share_of(theirs, ours) + nuclear_weight * (1.0 if nuclear else 0.0)


# --- an option's chance (engine.options) --------------------------------------------------------

def clip01(x: float) -> float:
    return 0.0 if x < 0.0 else 1.0 if x > 1.0 else x


def mean(values: Sequence[float]) -> float:
    """The mean of `values` (not empty), summed left to right. Compiled, the kernel runs
    `mean_loop` in its place: the same sum, which in Python `floats.total` runs in C (an attack
    option reads a mean per defending treaty at every decision)."""
    return total(values) / len(values)


def mean_loop(values: Sequence[float]) -> float:
    """`mean`, summed by a loop numba compiles."""
    acc = 0.0
    for i in range(len(values)):
        acc += values[i]
    return acc / len(values)


def credibility(before: Sequence[float], weight: float, mean_reputation: float, after: Sequence[float]) -> float:
    """A treaty's credibility in an adversary's eyes (engine.doctrine.standing.Credibility): its
    weighted terms but the reputation's, the reputation's term between them, summed in that order
    (in C in Python; compiled, the kernel runs `credibility_loop`)."""
    return clip01(total((*before, weight * mean_reputation, *after)))


def credibility_loop(before: Sequence[float], weight: float, mean_reputation: float, after: Sequence[float]
                     ) -> float:
    """`credibility`, summed by a loop numba compiles."""
    acc = 0.0
    for i in range(len(before)):
        acc += before[i]
    acc += weight * mean_reputation
    for i in range(len(after)):
        acc += after[i]
    return clip01(acc)


def abandonment(rest: float, weight: float, mean_reputation: float) -> float:
    """A member's fear of abandonment (engine.doctrine.standing.Abandonment): the threat's and the
    dependence's terms, then its allies' poor record by its weight."""
    return clip01(rest + weight * (1.0 - mean_reputation))


def divergence(theirs: float, mine: float) -> float:
    """How far an ally's adversary (threatened at `theirs`, 1 at war) is not the member's own
    (`mine`): the ally's threat, by the share of it the member does not feel."""
    return theirs * (1.0 - min(1.0, mine))


def entrapment(divergent: float, aggression: float, divergent_weight: float, aggression_weight: float) -> float:
    """A member's fear of entrapment (engine.doctrine.standing.entrapment): its allies' mean
    divergence and the share of them that struck first, each by its weight."""
    return clip01(divergent_weight * divergent + aggression_weight * aggression)


def group_chances(credibilities: Sequence[float], starts: Sequence[int], stops: Sequence[int],
                  treaties: Sequence[int], skins: Sequence[float], pull: float, out: list[float]) -> None:
    """Each group of an attack's coalition (engine.options.coalition: the states the same treaties
    bind with the same tripwires) with its chance of coming, into `out[g]`: the greatest its treaties
    give, each treaty's credibility raised by the group's forces in the target (by `pull` of the rest
    to certainty); a treaty that deters nobody (credibility 0) brings nobody."""
    for g in range(len(starts)):
        best = 0.0
        for e in range(starts[g], stops[g]):
            cred = credibilities[treaties[e]]
            if cred > 0.0:
                skin = skins[e]
                p = cred + (1.0 - cred) * pull * skin if skin else cred
                if p > best:
                    best = p
        out[g] = best


def join_wars(chances: list[float], foes: Sequence[Sequence[int]], sides: Sequence[bool]) -> None:
    """A state already at war with an attacker comes for sure (not the attackers and the target
    themselves, `sides`): `foes[a]` lists attacker a's enemies, ending at its end or at the first
    negative entry."""
    for a in range(len(foes)):
        row = foes[a]
        for k in range(len(row)):
            enemy = row[k]
            if enemy < 0:
                break
            if not sides[enemy]:
                chances[enemy] = 1.0


def weigh_coalition(ours: float, defending: float, target_nuclear: float, armed_nuclear: bool, exposure: float,
                    chances: Sequence[float], powers: Sequence[float], nuclear: Sequence[bool]
                    ) -> tuple[float, float]:
    """The balance of power once the expected coalition comes (each state's power by its chance, as
    much as the attack feels of it, `exposure`), and the weight of nuclear weapons on the defending
    side: the target's, or the likeliest nuclear ally's chance, at half weight against a
    nuclear-armed attacker. Summed over every state in id order."""
    # (in C in Python; compiled, the kernel runs `weigh_coalition_loop`)
    theirs = defending + exposure * total(map(mul, chances, powers))
    strongest = max([target_nuclear, *compress(chances, nuclear)])
    return 2.0 * share_of(ours, theirs) - 1.0, strongest * exposure * (0.5 if armed_nuclear else 1.0)


def weigh_coalition_loop(ours: float, defending: float, target_nuclear: float, armed_nuclear: bool,
                         exposure: float, chances: Sequence[float], powers: Sequence[float], nuclear: Sequence[bool]
                         ) -> tuple[float, float]:
    """`weigh_coalition`, by a loop numba compiles."""
    coming = 0.0
    strongest = target_nuclear
    for s in range(len(chances)):
        coming += chances[s] * powers[s]
        if nuclear[s] and chances[s] > strongest:
            strongest = chances[s]
    theirs = defending + exposure * coming
    return 2.0 * share_of(ours, theirs) - 1.0, strongest * exposure * (0.5 if armed_nuclear else 1.0)


def centred(share: float) -> float:
    """A share 0..1 as a factor -1..1 (an option's resolve, the partners' mean reputation)."""
    return 2.0 * share - 1.0


def probe_factor(strengths: Sequence[float]) -> float:
    """How the attacker reads its earlier probes, -1..1: 1 when none was answered, -1 when all were
    answered at their strongest; 0 with no probe."""
    # 2.0 x the mean: the same bits as twice the sum divided (a doubling is exact)
    return 1.0 - 2.0 * mean(strengths) if len(strengths) else 0.0


def attack_factors(resolve: float, balance: float, nuclear: float, attribution: float,
                   probes: Sequence[float]) -> tuple[float, float, float, float, float]:
    """An attack option's factors (engine.options.weights 'attack' order): the attacker's resolve, the
    balance once the coalition it expects comes, nuclear weapons on the defending side, deniability,
    and its earlier probes."""
    return centred(resolve), balance, nuclear, 1.0 - attribution, probe_factor(probes)


def greatest(values: Sequence[float]) -> float:
    """The greatest of `values` (the first of equals), 0.0 when there is none. Compiled, the kernel
    runs `greatest_loop` in its place, the same comparisons Python's `max` makes in C."""
    return max(values, default=0.0)


def greatest_loop(values: Sequence[float]) -> float:
    """`greatest`, by a loop numba compiles."""
    if len(values) == 0:
        return 0.0
    best = values[0]
    for i in range(1, len(values)):
        if values[i] > best:
            best = values[i]
    return best


def dilemma(threat: float, trade: float) -> float:
    """The risk that a deployment provokes a state (the security dilemma), from the deployer's
    relation to it: the less it threatens and the more the two trade, the more there is to lose."""
    return ((1.0 - threat) + min(1.0, 10.0 * trade)) / 2.0


def war_cost(war_turns: int, cost_turns: float) -> float:
    """The cost of a war so far, 0..1: its turns, at the full cost after `cost_turns`."""
    return min(1.0, war_turns / cost_turns)


def losing(ours: float, theirs: float) -> float:
    """The balance of forces a ceasefire weighs, -1..1: the other side's share of the power, centred."""
    return 2.0 * share_of(theirs, ours) - 1.0


def stayed_away(stayed: int, allies: int) -> float:
    """The share of a side's allies that stayed away from its war (0.0 with no ally)."""
    return stayed / allies if allies else 0.0


def option_chance(bias: float, weights: Sequence[float], values: Sequence[float]) -> float:
    """The chance of taking an option: its factors' weighted sum and the bias, through the logistic."""
    return logistic(bias + score(weights, values))


# --- the end of wars ---------------------------------------------------------------------------
#
# The rule of engine.options.rules.wars_ended_of over numbers: states, attacks and origins are
# numbered by the caller (any numbering: only equality is read). An attack is a row of `table`:
# whether it begins a war, whether it is a threat, its target, its origin's number (the attack it
# grew from, or its own id), whether it is its own origin, and the span of its attackers in
# `attackers`. The attacks made are the rows `order` names; an answer in arms is (attack, state,
# the side it took, -1 none), its attack one made.

STARTS_WAR, THREAT, TARGET, ORIGIN, OWN_ORIGIN, ATTACKERS_FROM, ATTACKERS_TO = range(7)
ATTACK_COLUMNS = 7


def same_pair(a: int, b: int, c: int, d: int) -> bool:
    """Whether {a, b} and {c, d} are the same pair of states."""
    return (a == c and b == d) or (a == d and b == c)


def among(state: int, attackers: Sequence[int], start: int, stop: int) -> bool:
    """Whether `state` is among `attackers[start:stop]`."""
    for i in range(start, stop):  # noqa: SIM110  (numba compiles no generator)
        if attackers[i] == state:
            return True
    return False


def war_reasons(p: int, q: int, order: Sequence[int], table: Sequence[Sequence[int]], attackers: Sequence[int],
                armed: Sequence[Sequence[int]], ended: Sequence[bool], out: list[int]) -> int:
    """The attacks (rows of `table`) over which p and q are at war, into `out` (one may come twice):
    an attack of one on the other that began a war, or an answer of one in arms against the other
    (the target, for an answer on the attackers' side; else each attacker). Returns how many; with
    `ended` (the origins whose wars have ended, by number; empty: none asked), -1 at the first
    attack whose origin's war has not ended."""
    asked = len(ended) > 0
    n = 0
    for i in range(len(order)):
        row = table[order[i]]
        if row[STARTS_WAR]:
            target = row[TARGET]
            for e in range(row[ATTACKERS_FROM], row[ATTACKERS_TO]):
                if attackers[e] != target and same_pair(target, attackers[e], p, q):
                    if asked and not ended[row[ORIGIN]]:
                        return -1
                    out[n] = order[i]
                    n += 1
    for i in range(len(armed)):
        x, state, side = armed[i][0], armed[i][1], armed[i][2]
        row = table[x]
        if row[THREAT]:
            continue
        if among(side, attackers, row[ATTACKERS_FROM], row[ATTACKERS_TO]):
            if row[TARGET] != state and same_pair(state, row[TARGET], p, q):
                if asked and not ended[row[ORIGIN]]:
                    return -1
                out[n] = x
                n += 1
        else:
            for e in range(row[ATTACKERS_FROM], row[ATTACKERS_TO]):
                if attackers[e] != state and same_pair(state, attackers[e], p, q):
                    if asked and not ended[row[ORIGIN]]:
                        return -1
                    out[n] = x
                    n += 1
    return n


def over_ended(p: int, q: int, order: Sequence[int], table: Sequence[Sequence[int]], attackers: Sequence[int],
               armed: Sequence[Sequence[int]], ended: Sequence[bool], reasons: list[int]) -> bool:
    """Whether p and q are at war over some attack, and only over attacks whose wars have ended
    (their origins' numbers marked in `ended`, never empty: a war's origin is numbered)."""
    return war_reasons(p, q, order, table, attackers, armed, ended, reasons) > 0


def wars_ended(party: int, other: int, wars: Sequence[Sequence[int]], order: Sequence[int],
               table: Sequence[Sequence[int]], attackers: Sequence[int], armed: Sequence[Sequence[int]],
               ended: list[bool], reasons: list[int], origins: list[int], others: list[int]) -> tuple[int, int, int]:
    """The wars a ceasefire of `party` and `other` ends, among `wars` (pairs, in the order they began):
    their war (its place; -1: they are not at war, and nothing else is read), the attacks made that
    began it (an attack of one party on the other that is its own origin: into `origins`; their
    origins are marked in `ended`, which holds the origins whose wars ended before), then each other
    war fought only over attacks whose wars have ended (their places, into `others`, in order).
    `reasons` is room for `war_reasons`. Returns (the war's place, origins, others)."""
    found = -1
    for w in range(len(wars)):
        if same_pair(wars[w][0], wars[w][1], party, other):
            found = w
            break
    if found < 0:
        return -1, 0, 0
    n_origins = 0
    for i in range(len(order)):
        row = table[order[i]]
        target = row[TARGET]
        if row[OWN_ORIGIN] and row[STARTS_WAR] and (target == party or target == other):  # noqa: SIM109
            rest = other if target == party else party
            if rest == target or among(rest, attackers, row[ATTACKERS_FROM], row[ATTACKERS_TO]):
                origins[n_origins] = order[i]
                n_origins += 1
    for i in range(n_origins):  # (after: the origins read above are those of the attacks alone)
        ended[table[origins[i]][ORIGIN]] = True
    n_others = 0
    for w in range(len(wars)):
        p, q = wars[w][0], wars[w][1]
        if not same_pair(p, q, party, other) and over_ended(p, q, order, table, attackers, armed, ended, reasons):
            others[n_others] = w
            n_others += 1
    return found, n_origins, n_others


# --- Python's round(x, n) ---------------------------------------------------------------------

_SPLITTER = 134217729.0  # 2**27 + 1: Veltkamp's split of a double into two 26-bit halves
_BIG = 2.0 ** 52


def round_to(x: float, ndigits: int) -> float:
    """Python's `round(x, ndigits)`, which the log's decimals are defined by. Compiled, the kernel
    runs `exact_round` in its place (engine.kernel.compiled): numba's own `round` scales and
    rounds, which is not always Python's answer. In Python the built-in is the rule itself, and
    some eight times quicker than the emulation (a batch run rounds a reputation 170 times)."""
    return round(x, ndigits)


def exact_round(x: float, ndigits: int) -> float:
    """What Python's `round(x, ndigits)` gives, for 0 <= ndigits <= 22 and |x| * 10**ndigits < 2**52
    (outside that range x is returned as it is), in arithmetic numba compiles as it is.

    Python rounds the exact decimal value of x half to even and reads the digits back
    as the nearest double. Here: x * 10**n is split exactly into p + e (Dekker's product,
    10**n being exact), the nearest integer k to that exact value is found (half to even),
    and k / 10**n, a correctly rounded division, is the double nearest that decimal."""
    if x != x or x == 0.0:
        return x
    scale = 10.0 ** ndigits
    a = abs(x)
    p = a * scale
    if not p < _BIG:
        return x
    c = _SPLITTER * a
    ah = c - (c - a)
    al = a - ah
    c = _SPLITTER * scale
    bh = c - (c - scale)
    bl = scale - bh
    e = ((ah * bh - p) + ah * bl + al * bh) + al * bl   # a * scale == p + e exactly
    k = float(math.floor(p))
    r = p - k   # exact: the bits of p below the units
    # |e| is at most half a unit in the last place of p, and r a whole number of those units,
    # so e decides only a tie between r and one half.
    if r > 0.5 or (r == 0.5 and (e > 0.0 or (e == 0.0 and k % 2.0 == 1.0))):
        k += 1.0
    return math.copysign(k / scale, x)
