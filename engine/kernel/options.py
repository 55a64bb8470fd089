"""The option decisions in the compiled loops: each kind's reading in the reference engine, laid out
flat, and the run's reputations, wars and probes.

What an option reads falls in two parts (engine.options): what the version of the world's
setting fixes (for an attack, the treaties that would defend the target, their credibility's
terms but the reputation's, the members whose reputations count, the coalition's groups and
tripwires, every state's power and arms, the two sides; for the other kinds, the allies and
partners, the threats by relation, the powers), and what moves within a run (the members'
reputations, the wars and who struck first, the answers to the attacker's earlier attacks,
the turns of a war, the resolve a run draws). The first is the reference engine's own reading,
put in arrays here (`attack_table` and the others: the kernel keeps no rule of its own); the
second is the loop's. The arithmetic that joins them is `engine.numeric`'s, compiled as it is,
the same functions the reference engine's option phase calls, so the chance is the same bits;
the choice is the option's keyed BLAKE2b draw against it (`option_taken`), as the option phase
draws it. tests/test_kernel_options.py checks both at every option weighed in a set of runs.

A deployment's table is read at its host's enemies as well as the setting (its fears of
abandonment read its own wars, as the reference engine keeps them), a signing's at its actor's
(the threat it balances against). The run loop (`engine.kernel.run_loop`) calls these at each
option open on a turn.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

import numpy as np

from ..doctrine import readings as rd
from ..doctrine.data import ABANDONMENT_FEAR, ENTRAPMENT_FEAR
from ..model import Inject
from ..options.coalition import AtSetting, reading_at, settings_of
from ..options.doctrine import (
    COST_TURNS,
    NO_WAR,
    ceasefire_allies,
    enemy_of,
    exposure_of,
    host_reading,
    read_left,
    read_signed,
    worst_in_peace,
)
from ..options.probes import probes as read_probes
from ..options.rules import actor_of, resolve_of, war_turns
from ..options.wars import wars_of
from ..options.weights import WEIGHTS, family
from ..state import GameState
from ..world import INITIAL_REPUTATION, World
from .compiled import BLAKE2B, NUMERIC, jit

__all__ = ["AttackTable", "attack_table", "attack_chance", "attack_chance_packed", "pack_attack", "ATTACK_COLUMNS",
           "deployment_table", "deployment_chance", "ceasefire_table", "ceasefire_chance", "option_key", "option_taken",
           "signed_table", "signed_chance", "withdrawal_table", "withdrawal_chance", "CHANCES", "at_war",
           "reading_of"]

_mean = NUMERIC["mean"]
_credibility = NUMERIC["credibility"]
_group_chances = NUMERIC["group_chances"]
_join_wars = NUMERIC["join_wars"]
_weigh_coalition = NUMERIC["weigh_coalition"]
_attack_factors = NUMERIC["attack_factors"]
_option_chance = NUMERIC["option_chance"]
_abandonment = NUMERIC["abandonment"]
_greatest = NUMERIC["greatest"]
_centred = NUMERIC["centred"]
_side_power = NUMERIC["side_power"]
_losing = NUMERIC["losing"]
_stayed_away = NUMERIC["stayed_away"]
_war_cost = NUMERIC["war_cost"]
_unit_float = NUMERIC["unit_float"]
_blake2b_8 = BLAKE2B["blake2b_8"]
_divergence = NUMERIC["divergence"]
_entrapment = NUMERIC["entrapment"]

# The arrays of an attack's table, in the order `attack_chance` reads them.
ATTACK_COLUMNS = (
    "before", "before_start", "before_stop", "after", "after_start", "after_stop", "weight",   # per treaty
    "members", "members_start", "members_stop",           # per treaty: whose reputations count, in order
    "group_start", "group_stop", "entry_treaty", "entry_skin",  # per group: its treaties and tripwires
    "group_of", "sided", "powers", "nuclear",             # per state, in id order
    "attackers", "constants", "weights")
# The constants' places.
OURS, DEFENDING, TARGET_NUCLEAR, ARMED_NUCLEAR, EXPOSURE, PULL, ATTRIBUTION, BIAS = range(8)


def _mean_of(reputation: Any, states: Any) -> float:
    """The mean reputation of `states` (numbered; not none) in this run, summed in their order."""
    held = np.empty(states.shape[0], dtype=np.float64)
    for k in range(states.shape[0]):
        held[k] = reputation[states[k]]
    mean: float = _mean(held)
    return mean


_mean_of_jit = jit(_mean_of)


@dataclass(frozen=True)
class AttackTable:
    """An attack option at one version of the setting, flat (ATTACK_COLUMNS); states numbered in
    id order, as the kernel numbers them."""
    inject: str
    states: tuple[str, ...]
    arrays: tuple[Any, ...]


def attack_table(world: World, inject: Inject, setting: int) -> AttackTable:
    """The table of the attack option `inject` at version `setting` of `world`'s setting, read off
    the reference engine's own reading of it (the one its option phase weighs)."""
    shared = rd.shared_scratch(world)
    actor = actor_of(inject)
    attackers, target = tuple(inject.actors) or (actor,), inject.target or ""
    at = reading_at(world, shared, settings_of(shared, attackers, target), attackers, target, setting)
    return _flatten(inject, at, attackers, exposure_of(inject))


def _flatten(inject: Inject, at: AtSetting, attackers: tuple[str, ...], exposure: float) -> AttackTable:
    layout = at.defences.layout
    index = layout.index
    before: list[float] = []
    after: list[float] = []
    members: list[int] = []
    spans: list[tuple[int, int, int, int, int, int]] = []
    weight: list[float] = []
    for defence in at.defences.treaties:
        terms = defence.credibility
        b0, a0, m0 = len(before), len(after), len(members)
        before.extend(terms.before)
        after.extend(terms.after)
        members.extend(index[m] for m in defence.ranked)
        spans.append((b0, len(before), a0, len(after), m0, len(members)))
        weight.append(terms.weight)
    span = np.asarray(spans, dtype=np.int64).reshape(-1, 6)
    starts, stops, treaties, skins = layout.flat
    ours, defending, target_nuclear, armed_nuclear = at.sides
    table = WEIGHTS["attack"]
    constants = (ours, defending, target_nuclear, 1.0 if armed_nuclear else 0.0, exposure, layout.pull,
                 inject.attribution, table.bias)
    f, i, b = np.float64, np.int64, np.bool_
    arrays = (
        np.asarray(before, dtype=f), span[:, 0].copy(), span[:, 1].copy(),
        np.asarray(after, dtype=f), span[:, 2].copy(), span[:, 3].copy(), np.asarray(weight, dtype=f),
        np.asarray(members, dtype=i), span[:, 4].copy(), span[:, 5].copy(),
        np.asarray(starts, dtype=i), np.asarray(stops, dtype=i), np.asarray(treaties, dtype=i),
        np.asarray(skins, dtype=f),
        np.asarray(layout.group_of, dtype=i), np.asarray(layout.sided, dtype=b), np.asarray(at.powers, dtype=f),
        np.asarray(at.nuclear, dtype=b),
        np.asarray([index[a] for a in attackers if a in index], dtype=i), np.asarray(constants, dtype=f),
        np.asarray(table.weights, dtype=f))
    return AttackTable(inject.id, layout.states, arrays)


def _attack_chance(tab: Any, reputation: Any, enemies: Any, probes: Any, resolve: float) -> float:
    """The chance that the attacker takes the option: each defending treaty's credibility with its
    members' mean reputation in this run, the coalition's chances (a state at war with an attacker
    comes for sure: `enemies[s]`, its enemies padded with -1), the balance and the nuclear weight,
    the factors with the run's resolve and probes' strengths, the logistic."""
    before, before_start, before_stop, after, after_start, after_stop, weight = (
        tab[0], tab[1], tab[2], tab[3], tab[4], tab[5], tab[6])
    members, members_start, members_stop = tab[7], tab[8], tab[9]
    group_start, group_stop, entry_treaty, entry_skin = tab[10], tab[11], tab[12], tab[13]
    group_of, sided, powers, nuclear, attackers, constants, weights = (
        tab[14], tab[15], tab[16], tab[17], tab[18], tab[19], tab[20])
    n_treaties = weight.shape[0]
    credibilities = np.empty(n_treaties, dtype=np.float64)
    for t in range(n_treaties):
        credibilities[t] = _credibility(before[before_start[t]:before_stop[t]], weight[t],
                                        _mean_of_jit(reputation, members[members_start[t]:members_stop[t]]),
                                        after[after_start[t]:after_stop[t]])
    n_groups = group_start.shape[0]
    found = np.empty(n_groups + 1, dtype=np.float64)
    _group_chances(credibilities, group_start, group_stop, entry_treaty, entry_skin, constants[PULL], found)
    found[n_groups] = 0.0
    n = group_of.shape[0]
    chances = np.empty(n, dtype=np.float64)
    for s in range(n):
        chances[s] = found[group_of[s]]
    foes = np.empty((attackers.shape[0], enemies.shape[1]), dtype=np.int64)
    for a in range(attackers.shape[0]):
        foes[a, :] = enemies[attackers[a]]
    _join_wars(chances, foes, sided)
    balance, weight_nuclear = _weigh_coalition(constants[OURS], constants[DEFENDING], constants[TARGET_NUCLEAR],
                                               constants[ARMED_NUCLEAR] > 0.5, constants[EXPOSURE], chances, powers,
                                               nuclear)
    values = _attack_factors(resolve, balance, weight_nuclear, constants[ATTRIBUTION], probes)
    chance: float = _option_chance(constants[BIAS], weights, values)
    return chance


attack_chance = jit(_attack_chance)


def pack_attack(arrays: tuple[Any, ...]) -> tuple[Any, Any, Any, Any]:
    """An attack's table (ATTACK_COLUMNS) as three pools, its floats, integers and flags, and each
    array's span in its pool: what a call from Python hands the compiled chance in four arrays, not
    twenty-one (numba reads each array handed to it, some 0.1 us each)."""
    pools: dict[Any, list[Any]] = {np.dtype(np.float64): [], np.dtype(np.int64): [], np.dtype(np.bool_): []}
    spans = np.zeros((len(arrays), 2), dtype=np.int64)
    for k, array in enumerate(arrays):
        pool = pools[array.dtype]
        start = sum(x.shape[0] for x in pool)
        pool.append(array)
        spans[k] = (start, start + array.shape[0])
    f, i, b = (np.concatenate(pools[np.dtype(t)]) if pools[np.dtype(t)] else np.zeros(0, dtype=t)
               for t in (np.float64, np.int64, np.bool_))
    return f, i, b, spans


def _attack_chance_packed(f: Any, i: Any, b: Any, at: Any, reputation: Any, enemies: Any, probes: Any,
                          resolve: float) -> float:
    """`attack_chance` of a table `pack_attack` packed (the same arrays, viewed in their pools)."""
    tab = (f[at[0, 0]:at[0, 1]], i[at[1, 0]:at[1, 1]], i[at[2, 0]:at[2, 1]], f[at[3, 0]:at[3, 1]],
           i[at[4, 0]:at[4, 1]], i[at[5, 0]:at[5, 1]], f[at[6, 0]:at[6, 1]], i[at[7, 0]:at[7, 1]],
           i[at[8, 0]:at[8, 1]], i[at[9, 0]:at[9, 1]], i[at[10, 0]:at[10, 1]], i[at[11, 0]:at[11, 1]],
           i[at[12, 0]:at[12, 1]], f[at[13, 0]:at[13, 1]], i[at[14, 0]:at[14, 1]], b[at[15, 0]:at[15, 1]],
           f[at[16, 0]:at[16, 1]], b[at[17, 0]:at[17, 1]], i[at[18, 0]:at[18, 1]], f[at[19, 0]:at[19, 1]],
           f[at[20, 0]:at[20, 1]])
    chance: float = attack_chance(tab, reputation, enemies, probes, resolve)
    return chance


attack_chance_packed = jit(_attack_chance_packed)


# --- deployment: reassurance ---------------------------------------------------------------------
#
# What a deployment reads but its host's allies' reputations is fixed by the setting and the host's
# enemies at war (the reference engine keeps it by them, engine.options.doctrine.host_reading): a table
# per (option, version of the setting, the host's enemies), whose fears of abandonment take the
# run's reputations.

def deployment_table(world: World, inject: Inject, setting: int, warfare: int) -> tuple[Any, ...]:
    """The table of the deployment option at this version of the setting and these wars: per treaty
    the actor and the host share, the host's fear but its allies' reputations (none: NaN) and those
    allies; the threat the host faces and the risk of provoking; the option's weights."""
    actor = actor_of(inject)
    fears, _, threat, dilemma = host_reading(world, actor, inject.target or actor, setting, warfare)
    ids = tuple(sorted(world.scenario.state_by_id))
    index = {s: i for i, s in enumerate(ids)}
    rest: list[float] = []
    start: list[int] = []
    stop: list[int] = []
    allies: list[int] = []
    for terms in fears:
        rest.append(float("nan") if terms is None else terms.rest)
        start.append(len(allies))
        allies.extend(index[a] for a in (terms.allies if terms is not None else ()))
        stop.append(len(allies))
    table = WEIGHTS["deployment"]
    f, i = np.float64, np.int64
    return (np.asarray(rest, dtype=f), np.asarray(start, dtype=i), np.asarray(stop, dtype=i),
            np.asarray(allies, dtype=i),
            np.asarray([threat, dilemma, ABANDONMENT_FEAR["allies_reputation"], table.bias], dtype=f),
            np.asarray(table.weights, dtype=f))


def _deployment_chance(tab: Any, reputation: Any, resolve: float) -> float:
    """The chance that the actor deploys: the host's greatest fear of abandonment with its allies'
    mean reputation in this run, the threat, the risk of provoking, the resolve."""
    rest, start, stop, allies, constants, weights = tab[0], tab[1], tab[2], tab[3], tab[4], tab[5]
    fears = np.empty(rest.shape[0], dtype=np.float64)
    for k in range(rest.shape[0]):
        if rest[k] != rest[k]:  # no ally in force in that treaty
            fears[k] = 0.0
        else:
            fears[k] = _abandonment(rest[k], constants[2], _mean_of_jit(reputation, allies[start[k]:stop[k]]))
    values = (_centred(resolve), _greatest(fears), constants[0], constants[1])
    chance: float = _option_chance(constants[3], weights, values)
    return chance


deployment_chance = jit(_deployment_chance)


# --- ceasefire: war termination --------------------------------------------------------------------
#
# What a ceasefire reads of the setting is its actor's allies and every state's power; the sides of
# the war, who came, and how long it has lasted are the run's.

def ceasefire_table(world: World, inject: Inject) -> tuple[Any, ...]:
    """The table of the ceasefire option at the world's setting: its actor and enemy, the actor's
    allies it weighs, every state's power and arms (id order), the option's weights, its reading
    of no war."""
    actor = actor_of(inject)
    enemy = enemy_of(inject, actor)
    ids = tuple(sorted(world.scenario.state_by_id))
    index = {s: i for i, s in enumerate(ids)}
    states = world.states
    table = WEIGHTS["ceasefire"]
    f, i = np.float64, np.int64
    return (np.asarray([index[actor], index[enemy]], dtype=i),
            np.asarray([index[a] for a in ceasefire_allies(world, actor, enemy)], dtype=i),
            np.asarray([states[s].power for s in ids], dtype=f),
            np.asarray([states[s].nuclear for s in ids], dtype=np.bool_),
            np.asarray([COST_TURNS, table.bias], dtype=f), np.asarray(table.weights, dtype=f),
            np.asarray(NO_WAR, dtype=f))


def _ceasefire_chance(tab: Any, enemies: Any, war_turns: int, resolve: float) -> float:
    """The chance that the actor seeks a ceasefire: the cost of the war so far, the balance of the two
    sides (each party and every state fighting its enemies beside it), the share of its allies that
    stayed away (not fighting the enemy's side), the resolve; not at war, the reading of no war."""
    parties, allies, powers, nuclear, constants, weights = tab[0], tab[1], tab[2], tab[3], tab[4], tab[5]
    actor, enemy = parties[0], parties[1]
    if not _at_war_jit(enemies, actor, enemy):
        chance_at_peace: float = _option_chance(constants[1], weights, tab[6])
        return chance_at_peace
    their_side = np.zeros(powers.shape[0], dtype=np.bool_)
    ours = _side_power(parties[:1], enemies, powers, nuclear, their_side)[0]
    theirs = _side_power(parties[1:], enemies, powers, nuclear, their_side)[0]  # (their side left marked)
    came = 0
    for a in range(allies.shape[0]):
        for k in range(enemies.shape[1]):
            foe = enemies[allies[a], k]
            if foe < 0:
                break
            if their_side[foe]:
                came += 1
                break
    n = allies.shape[0]
    values = (_centred(resolve), _war_cost(war_turns, constants[0]), _losing(ours, theirs),
              _stayed_away(n - came, n))
    chance: float = _option_chance(constants[1], weights, values)
    return chance


ceasefire_chance = jit(_ceasefire_chance)


# --- treaties signed and left: alliance formation, abandonment -------------------------------------
#
# What a treaty option reads but its partners' (or allies') reputations the reference engine keeps
# by the version of the setting and the wars (engine.options.doctrine): a signing reads of the
# wars the actor's enemies alone (the threat it balances against), a withdrawal every war (an
# ally's aggression and adversaries entrap). The tables are read by its own readers.

def signed_table(world: World, inject: Inject, warfare: int | None) -> tuple[Any, ...]:
    """The table of the treaty-signed option at the world's setting and wars: the partners whose
    reputations count, balancing, bandwagoning, tethering, the option's weights."""
    actor = actor_of(inject)
    partners, balancing, bandwagoning, tethering, _ = read_signed(world, inject, actor, warfare)
    ids = sorted(world.scenario.state_by_id)
    index = {s: i for i, s in enumerate(ids)}
    table = WEIGHTS["treaty-signed"]
    return (np.asarray([index[s] for s in partners], dtype=np.int64),
            np.asarray([balancing, bandwagoning, tethering, table.bias], dtype=np.float64),
            np.asarray(table.weights, dtype=np.float64))


def withdrawal_table(world: World, inject: Inject) -> tuple[Any, ...]:
    """The table of the treaty-withdrawal option at the world's setting: the actor, whether it is a
    member in force, its allies (whose reputations count and whose adversaries entrap), the
    treaty's members (who entrap nobody) and its members in force (whose enemies leave no threat
    outside), every state's threats by relation, the threat it faces in peace, its weight in the
    treaty, the fears' weights and the option's."""
    actor = actor_of(inject)
    tid = inject.treaty or ""
    allies, _, _, weight = read_left(world, tid, actor, None)
    ids = sorted(world.scenario.state_by_id)
    index = {s: i for i, s in enumerate(ids)}
    n = len(ids)
    in_force = world.members_in_force.get(tid, frozenset())
    treaty = world.scenario.treaty_by_id.get(tid)
    insiders = np.zeros(n, dtype=np.bool_)
    members = np.zeros(n, dtype=np.bool_)
    for m in treaty.members if treaty is not None else ():
        insiders[index[m]] = True
    for m in in_force:
        members[index[m]] = True
    threats = np.zeros((n, n), dtype=np.float64)
    for (a, b), r in world.relations.items():
        if r.threat > 0 and a in index and b in index:
            threats[index[a], index[b]] = r.threat
    _, peace = worst_in_peace(world, actor, frozenset(in_force))
    table = WEIGHTS["treaty-withdrawal"]
    return (np.asarray([index[actor], 1 if actor in in_force else 0], dtype=np.int64),
            np.asarray([index[a] for a in allies], dtype=np.int64), insiders, members, threats,
            np.asarray([peace, weight, ENTRAPMENT_FEAR["divergent_adversaries"],
                        ENTRAPMENT_FEAR["allies_aggression"], table.bias], dtype=np.float64),
            np.asarray(table.weights, dtype=np.float64))


def _reputation_of(reputation: Any, states: Any) -> float:
    """The states' mean reputation in this run as a factor, -1..1 (no state: 0)."""
    factor: float = _centred(_mean_of_jit(reputation, states) if states.shape[0] > 0 else 0.5)
    return factor


_reputation_of_jit = jit(_reputation_of)


def _signed_chance(tab: Any, reputation: Any, resolve: float) -> float:
    """The chance that the actor signs: balancing, bandwagoning, tethering, and its partners' mean
    reputation in this run."""
    partners, constants, weights = tab[0], tab[1], tab[2]
    values = (_centred(resolve), constants[0], constants[1], constants[2], _reputation_of_jit(reputation, partners))
    chance: float = _option_chance(constants[3], weights, values)
    return chance


signed_chance = jit(_signed_chance)


def _at_war(enemies: Any, a: int, b: int) -> bool:
    """Whether states a and b (numbered; -1: none) are at war, by a's enemies (padded with -1)."""
    if a < 0 or b < 0:
        return False
    for k in range(enemies.shape[1]):
        if enemies[a, k] < 0:
            return False
        if enemies[a, k] == b:
            return True
    return False


at_war = _at_war_jit = jit(_at_war)


def _entrapment_of(member: int, allies: Any, insiders: Any, threats: Any, enemies: Any, aggressors: Any,
                   constants: Any) -> float:
    """The member's fear of entrapment (engine.doctrine.standing.entrapment) in this run's wars:
    each ally's adversaries (by relation, or at war) that the member does not fear, and the share
    of its allies that struck first."""
    n = threats.shape[0]
    divergent = np.empty(allies.shape[0], dtype=np.float64)
    struck = 0
    for k in range(allies.shape[0]):
        ally = allies[k]
        worst = 0.0
        for y in range(n):
            if y == member or insiders[y]:
                continue
            theirs = 1.0 if _at_war_jit(enemies, ally, y) else threats[ally, y]
            if theirs > 0.0:
                mine = 1.0 if _at_war_jit(enemies, member, y) else threats[member, y]
                worst = max(worst, _divergence(theirs, mine))
        divergent[k] = worst
        if aggressors[ally]:
            struck += 1
    fear: float = _entrapment(_mean(divergent), struck / allies.shape[0], constants[2], constants[3])
    return fear


_entrapment_of_jit = jit(_entrapment_of)


def _withdrawal_chance(tab: Any, reputation: Any, enemies: Any, aggressors: Any, resolve: float) -> float:
    """The chance that the actor leaves: its fear of entrapment and the threat it still faces in this
    run's wars (`aggressors`: per state, whether it began a war), its allies' mean reputation in this
    run, its weight in the treaty."""
    actor_in, allies, insiders, members, threats, constants, weights = (
        tab[0], tab[1], tab[2], tab[3], tab[4], tab[5], tab[6])
    actor = actor_in[0]
    fear = 0.0
    if actor_in[1] and allies.shape[0] > 0:
        fear = _entrapment_of_jit(actor, allies, insiders, threats, enemies, aggressors, constants)
    threat = constants[0]
    for y in range(threats.shape[0]):  # an enemy at war outside the treaty is the threat it faces
        if not members[y] and _at_war_jit(enemies, actor, y):
            threat = 1.0
            break
    values = (_centred(resolve), fear, threat, _reputation_of_jit(reputation, allies), constants[1])
    chance: float = _option_chance(constants[4], weights, values)
    return chance


withdrawal_chance = jit(_withdrawal_chance)


# --- the choice: the chance against the option's keyed draw -------------------------------------------

def option_key(inject: str) -> bytes:
    """What an option's draw reads after the game's seed and the turn ("seed|turn|"), as the
    reference engine's option phase keys it (engine.turn._option_draw)."""
    return f"option|{inject}".encode()


def _option_taken(chance: float, buf: Any, prefix: int, key_bytes: Any, start: int, length: int,
                  person: Any) -> bool:
    """Whether the actor takes the option: its keyed BLAKE2b draw (`buf[:prefix]` holding the seed
    and the turn, `key_bytes[start:start + length]` the option's key) below the chance, as the
    reference engine's option phase draws it."""
    buf[prefix:prefix + length] = key_bytes[start:start + length]
    taken: bool = _unit_float(_blake2b_8(buf, prefix + length, person)) < chance
    return taken


option_taken = jit(_option_taken)


# --- read off a game's state: what a check or a benchmark hands the compiled readings ----------------

CHANCES = {"attack": attack_chance, "deployment": deployment_chance, "ceasefire": ceasefire_chance,
           "treaty-signed": signed_chance, "treaty-withdrawal": withdrawal_chance}


def reading_of(gs: GameState, inject: Inject, world: World, tables: dict[tuple[object, ...], Any]
               ) -> tuple[str, tuple[object, ...], Any, tuple[Any, ...]]:
    """The compiled reading of the option the reference engine weighs at `gs`: its kind, the key
    its table is kept by, the table (found in `tables`, else built and kept there) and the run's
    data its kind's chance (CHANCES) takes after the table, read off the game's state. For checks
    and benchmarks against the reference engine; a run loop holds that data as arrays itself."""
    kind = family(inject.kind) or ""
    ids = sorted(world.scenario.state_by_id)
    index = {s: i for i, s in enumerate(ids)}
    wars = wars_of(world, None, gs.warfare)
    reputation = np.asarray([world.reputation.get(s, INITIAL_REPUTATION) for s in ids], dtype=np.float64)
    enemies = np.full((len(ids), len(ids)), -1, dtype=np.int64)
    for s in ids:
        for k, e in enumerate(sorted(wars.of(s))):
            enemies[index[s], k] = index[e]
    resolve = resolve_of(gs, inject)
    actor = actor_of(inject)
    key: tuple[object, ...] = (kind, inject.id, gs.setting)
    args: tuple[Any, ...]
    if kind == "attack":
        build: Callable[[], Any] = partial(_attack_arrays, world, inject, gs.setting)
        args = (reputation, enemies, np.asarray(read_probes(gs, actor), dtype=np.float64), resolve)
    elif kind == "deployment":
        key += (wars.of(inject.target or actor),)
        build = partial(deployment_table, world, inject, gs.setting, gs.warfare)
        args = (reputation, resolve)
    elif kind == "ceasefire":
        build = partial(ceasefire_table, world, inject)
        args = (enemies, war_turns(gs, actor, inject), resolve)
    elif kind == "treaty-signed":
        key += (wars.of(actor),)
        build = partial(signed_table, world, inject, gs.warfare)
        args = (reputation, resolve)
    elif kind == "treaty-withdrawal":
        build = partial(withdrawal_table, world, inject)
        aggressors = np.zeros(len(ids), dtype=np.bool_)
        for w in world.wars:
            aggressors[index[w.aggressor]] = True
        args = (reputation, enemies, aggressors, resolve)
    else:
        raise ValueError(f"no compiled reading of a {inject.kind.value} option")
    table = tables.get(key)
    if table is None:
        table = tables[key] = build()
    return kind, key, table, args


def _attack_arrays(world: World, inject: Inject, setting: int) -> tuple[Any, ...]:
    return attack_table(world, inject, setting).arrays
