"""The turns' openings in one compiled call: in each turn the injects due fire, then each open option
is its actor's choice, drawn against its chance and fired at once when taken (engine.turn._open_turn).
A turn that made no attack has nothing for its close to do (its cascade is empty, and the options
that lapse with it lapse as the next turn opens), so the call goes on to the next turn; it returns at
a turn that made attacks, for the run loop to close, and once the last turn is opened.

The run's state is its arrays (engine.kernel.run_loop.RunState): the version of the setting it is at
(numbered by the plan), the injects fired (a mask, and a log of (inject, turn) in order), the
options lapsed, the attacks made, the wars as a matrix of pairs, the reputations, the answers the
probes read. What the plan has met is its arrays too (engine.kernel.opening.OpeningTables): where
each inject leads each version of the setting, and each option's table at a version (and, for a
deployment or a signing, at the enemies of the state its reading is kept by), its arrays in pools.

Every rule is read where it lives: which options are open is `engine.kernel.option_phase.open_at`'s,
each kind's chance is `engine.kernel.options`' (the reference engine's readings laid out flat, joined
by `engine.numeric`'s arithmetic), the draw is the option phase's keyed BLAKE2b (`option_taken`).
The loop stops, before it changes anything for the step it is at, where the plan has not met what
the step reads (a transition, a table), or where the doctrine reads the option through its case (a
chance the run loop hands back in `given`); and after an inject that ends a war has fired, for its
caller to end the wars by the rule's own reading (`engine.numeric.wars_ended`, compiled in
`engine.kernel.ceasefire`; the turn loop, `engine.kernel.turn_loop`, which calls this one, ends them
itself). Called again, it goes on from where it stopped (`cursor`).
"""
from __future__ import annotations

from typing import Any

import numpy as np

from .compiled import BLAKE2B, NUMERIC, jit
from .option_phase import enemies_padded, lapsing_at, open_at, probes_of
from .options import attack_chance_packed, ceasefire_chance, deployment_chance, signed_chance, withdrawal_chance
from .run_arrays import viewed
from .settle_loop import ATTACKS, COUNTERS, WARS

__all__ = ["ATTACK", "DEPLOYMENT", "SIGNED", "CEASEFIRE", "WITHDRAWAL", "READ_IN_PYTHON", "KIND_CODES",
           "VERSION", "FIRED", "NEW", "DECIDED", "RUN_COUNTERS", "OPENED", "NO_TRANSITION", "NO_TABLE",
           "ENDS_WAR", "NO_CHANCE", "PLAYED", "CURSOR", "CLOSED", "TURN", "open_turns"]

# An option's kind, as the loop reads its table: the kinds with a compiled chance, and one the
# doctrine reads through its case.
ATTACK, DEPLOYMENT, SIGNED, CEASEFIRE, WITHDRAWAL, READ_IN_PYTHON = range(6)
KIND_CODES = {"attack": ATTACK, "deployment": DEPLOYMENT, "treaty-signed": SIGNED, "ceasefire": CEASEFIRE,
              "treaty-withdrawal": WITHDRAWAL}
# The run's counters past the close's (engine.kernel.settle_loop): its version of the setting, the
# injects fired, the attacks made this turn, the options decided.
VERSION, FIRED, NEW, DECIDED = range(COUNTERS, COUNTERS + 4)
RUN_COUNTERS = COUNTERS + 4

# What `open_turns` returns (with a detail): a turn opened whose attacks the run loop closes (`detail`: the
# turn); no transition known for (the run's version, inject `detail`); no table for option `detail` at the
# run's state; inject `detail` fired ends a war; option `detail` has no compiled chance; every turn opened.
OPENED, NO_TRANSITION, NO_TABLE, ENDS_WAR, NO_CHANCE, PLAYED = range(6)
# The cursor: the part of the opening (-1 its start, 0 the injects due, 1 the options, CLOSED its turn
# opened), where in it, the options open, the turn, the length of its draws' key prefix.
CURSOR, CLOSED, TURN, PREFIX = 5, 2, 3, 4

_option_chance = NUMERIC["option_chance"]
_unit_float = NUMERIC["unit_float"]
_blake2b_8 = BLAKE2B["blake2b_8"]


def _fire(place: int, turn: int, plan: Any, run: Any, at: Any) -> int:
    """Inject `place` fired (engine.turn._fire): logged, its version of the setting, then (unless it ends
    a war: the run loop ends them first) the attack it makes. NO_TRANSITION before any change."""
    successor, attack_of, probe_of, ends_war = plan[0], plan[1], plan[2], plan[3]
    fired, log, attack_turn, attack_order, made, new = run[0], run[1], run[2], run[3], run[4], run[5]
    following = successor[at[VERSION], place]
    if following < 0:
        return NO_TRANSITION
    log[at[FIRED], 0] = place
    log[at[FIRED], 1] = turn
    at[FIRED] += 1
    fired[place] = True
    at[VERSION] = following
    if ends_war[place]:
        return ENDS_WAR
    made_attack(place, turn, attack_of, probe_of, attack_turn, attack_order, made, new, at)
    return OPENED


fire = jit(_fire)


def _made(place: int, turn: int, attack_of: Any, probe_of: Any, attack_turn: Any, attack_order: Any, made: Any,
          new: Any, at: Any) -> None:
    """The attack inject `place` makes (if any) made on `turn`: the turn it was first made, the attacks
    of the turn (each once), where the probes read it."""
    a = attack_of[place]
    if a < 0:
        return
    if attack_turn[a] < 0:
        attack_turn[a] = turn
        attack_order[at[ATTACKS]] = a
        at[ATTACKS] += 1
    seen = False
    for k in range(at[NEW]):
        if new[k] == a:
            seen = True
    if not seen:
        new[at[NEW]] = a
        at[NEW] += 1
    if probe_of[place] >= 0:
        made[probe_of[place]] = attack_turn[a]


made_attack = jit(_made)


def _table_of(o: int, version: int, keyed_by: Any, adjacent: Any, store: Any) -> int:
    """Option o's table at the run's version (and the enemies of the state it is kept by), -1: none met."""
    head, following, rows = store[0], store[1], store[2]
    if version >= head.shape[1]:
        return -1
    e = head[o, version]
    while e >= 0:
        s = keyed_by[o]
        if s < 0:
            return int(e)
        same = True
        for x in range(adjacent.shape[1]):
            if rows[e, x] != adjacent[s, x]:
                same = False
                break
        if same:
            return int(e)
        e = following[e]
    return -1


table_of = jit(_table_of)


def _chance(o: int, e: int, turn: int, plan: Any, store: Any, run: Any, enemies: Any, at: Any) -> float:
    """Option o's chance over its table e and the run's state now (its kind's compiled reading)."""
    kind, actor, target, resolve_at, probe_tab = plan[4], plan[5], plan[6], plan[7], plan[8]
    f, i, b, spans, first = store[3], store[4], store[5], store[6], store[7]
    reputation, made, ranks, counts, probes, began, war_list, resolves = (
        run[6], run[4], run[7], run[8], run[9], run[10], run[11], run[12])
    resolve = resolves[resolve_at[o]]
    s = spans[first[e]:]  # (the table's arrays' spans, in its kind's order)
    k = kind[o]
    chance: float
    if k == ATTACK:
        n = probes_of(probe_tab, actor[o], turn, made, ranks, counts, probes)
        chance = attack_chance_packed(f, i, b, s, reputation, enemies, probes[:n], resolve)
    elif k == DEPLOYMENT:
        tab6 = (f[s[0, 0]:s[0, 1]], i[s[1, 0]:s[1, 1]], i[s[2, 0]:s[2, 1]], i[s[3, 0]:s[3, 1]], f[s[4, 0]:s[4, 1]],
                f[s[5, 0]:s[5, 1]])
        chance = deployment_chance(tab6, reputation, resolve)
    elif k == SIGNED:
        tab3 = (i[s[0, 0]:s[0, 1]], f[s[1, 0]:s[1, 1]], f[s[2, 0]:s[2, 1]])
        chance = signed_chance(tab3, reputation, resolve)
    elif k == CEASEFIRE:
        tab7 = (i[s[0, 0]:s[0, 1]], i[s[1, 0]:s[1, 1]], f[s[2, 0]:s[2, 1]], b[s[3, 0]:s[3, 1]], f[s[4, 0]:s[4, 1]],
                f[s[5, 0]:s[5, 1]], f[s[6, 0]:s[6, 1]])
        since = began[actor[o], target[o]] if target[o] >= 0 else -1
        chance = ceasefire_chance(tab7, enemies, turn - since + 1 if since >= 0 else 0, resolve)
    else:
        n_states = reputation.shape[0]
        aggressors = np.zeros(n_states, dtype=np.bool_)
        for w in range(at[WARS]):
            aggressors[war_list[w, 0]] = True
        tabw = (i[s[0, 0]:s[0, 1]], i[s[1, 0]:s[1, 1]], b[s[2, 0]:s[2, 1]], b[s[3, 0]:s[3, 1]],
                f[s[4, 0]:s[4, 1]].copy().reshape(n_states, n_states), f[s[5, 0]:s[5, 1]], f[s[6, 0]:s[6, 1]])
        chance = withdrawal_chance(tabw, reputation, enemies, aggressors, resolve)
    return chance


option_chance = jit(_chance)


def _unpacked(pooled: Any) -> Any:
    """The plan as the opening reads it, from the pools it is handed in (engine.kernel.opening.OpeningTables.
    plan: numba reads each array handed to it from Python, some 0.1 us each, so the plan's thirty-odd
    arrays come in six and are viewed here)."""
    i, b, strength, key_bytes, at, successor = pooled
    option_tab = (i[at[12, 0]:at[12, 1]], i[at[13, 0]:at[13, 1]], i[at[14, 0]:at[14, 1]], i[at[15, 0]:at[15, 1]],
                  i[at[16, 0]:at[16, 1]], i[at[17, 0]:at[17, 1]], i[at[18, 0]:at[18, 1]], i[at[19, 0]:at[19, 1]],
                  i[at[20, 0]:at[20, 1]], i[at[21, 0]:at[21, 1]])
    probe_tab = (i[at[25, 0]:at[25, 1]], i[at[26, 0]:at[26, 1]], i[at[27, 0]:at[27, 1]], i[at[28, 0]:at[28, 1]],
                 b[at[30, 0]:at[30, 1]], strength)
    return (successor, i[at[0, 0]:at[0, 1]], i[at[1, 0]:at[1, 1]], b[at[29, 0]:at[29, 1]], i[at[2, 0]:at[2, 1]],
            i[at[3, 0]:at[3, 1]], i[at[4, 0]:at[4, 1]], i[at[5, 0]:at[5, 1]], probe_tab, i[at[6, 0]:at[6, 1]],
            i[at[7, 0]:at[7, 1]], i[at[8, 0]:at[8, 1]], i[at[9, 0]:at[9, 1]], i[at[10, 0]:at[10, 1]],
            i[at[11, 0]:at[11, 1]], option_tab, i[at[22, 0]:at[22, 1]], i[at[23, 0]:at[23, 1]],
            i[at[24, 0]:at[24, 1]], key_bytes)


unpacked = jit(_unpacked)


def _turn_prefix(buf: Any, seed_len: int, turn: int) -> int:
    """The draws' key prefix of `turn` ("seed|turn|", the seed's part written once a run): its length."""
    digits, t = 1, turn
    while t >= 10:
        t //= 10
        digits += 1
    t = turn
    for d in range(digits):
        buf[seed_len + digits - 1 - d] = 48 + t % 10
        t //= 10
    buf[seed_len + digits] = 124  # "|"
    return seed_len + digits + 1


turn_prefix = jit(_turn_prefix)


def _open_turns(last: int, pooled: Any, store: Any, ints: Any, floats: Any, flags: Any, spans: Any,
                attack_turn: Any, attack_order: Any, buf: Any, seed_len: int, person: Any) -> tuple[int, int]:
    """The run's turns opened, from where the cursor says it stopped, up to `last`: (status, detail).
    A turn whose opening made no attack has nothing to close (its cascade is empty), and the next one
    opens in the same call; the call returns OPENED at a turn that made one, for the run loop to close,
    and PLAYED once every turn is opened. The cursor holds the turn (TURN). The run's arrays of fixed
    size come in their pools (engine.kernel.run_arrays)."""
    plan = unpacked(pooled)
    views = viewed(ints, floats, flags, spans)
    cursor, at, due_start = views[8], views[9], plan[9]
    while True:
        if cursor[0] == CLOSED:
            if cursor[TURN] >= last:
                return PLAYED, 0
            cursor[TURN] += 1
            cursor[0], cursor[1] = -1, due_start[cursor[TURN]]  # (-1: the last turn's options lapse first)
            at[NEW] = 0
            cursor[PREFIX] = turn_prefix(buf, seed_len, cursor[TURN])
        status, detail = opening(cursor[TURN], plan, store, views, attack_turn, attack_order, buf, cursor[PREFIX],
                                 person)
        if status != OPENED:
            return status, detail
        cursor[0] = CLOSED
        if at[NEW] > 0:
            return OPENED, cursor[TURN]


open_turns = jit(_open_turns)


def _opening(turn: int, plan: Any, store: Any, views: Any, attack_turn: Any, attack_order: Any, buf: Any,
             prefix: int, person: Any) -> tuple[int, int]:
    """The opening of `turn` from where the cursor says it stopped (see the module): (status, detail).
    At the cursor's start (-1) the options whose window closed with the turn before lapse first
    (engine.turn's close lapses them after its cascade, and nothing reads them in between)."""
    (log, made, new, ranks, began, war_list, enemies, out, cursor, at, reputation, probes, resolves, given,
     fired, counts, lapsed, adjacent) = views
    run = (fired, log, attack_turn, attack_order, made, new, reputation, ranks, counts, probes, began, war_list,
           resolves, lapsed)
    due_stop, due, req_start, req_stop, requires = plan[10], plan[11], plan[12], plan[13], plan[14]
    option_tab, keyed_by, key_start, key_len, key_bytes = plan[15], plan[16], plan[17], plan[18], plan[19]
    kind = plan[4]
    if cursor[0] < 0:
        if turn > 1:
            n = lapsing_at(option_tab, turn - 1, fired, lapsed, out)
            for p in range(n):
                lapsed[option_tab[0][out[p]]] = True
        cursor[0] = 0
    if cursor[0] == 0:
        for k in range(cursor[1], due_stop[turn]):
            ready = True
            for r in range(req_start[k], req_stop[k]):
                if not fired[requires[r]]:
                    ready = False
                    break
            if ready:
                status = fire(due[k], turn, plan, run, at)
                if status == NO_TRANSITION:
                    cursor[1] = k
                    return status, due[k]
                if status == ENDS_WAR:
                    cursor[1] = k + 1
                    return status, due[k]
        enemies_padded(adjacent, enemies)
        cursor[0], cursor[1] = 1, 0
        cursor[2] = open_at(option_tab, turn, fired, lapsed, enemies, out)
    else:
        enemies_padded(adjacent, enemies)  # (called again: the wars a ceasefire of this turn ended, say)
    place = option_tab[0]
    for p in range(cursor[1], cursor[2]):
        o = out[p]
        chance = given[o]
        if chance != chance:  # (NaN: not handed back by the run loop)
            if kind[o] == READ_IN_PYTHON:
                cursor[1] = p
                return NO_CHANCE, o
            e = table_of(o, at[VERSION], keyed_by, adjacent, store)
            if e < 0:
                cursor[1] = p
                return NO_TABLE, o
            chance = option_chance(o, e, turn, plan, store, run, enemies, at)
        buf[prefix:prefix + key_len[o]] = key_bytes[key_start[o]:key_start[o] + key_len[o]]
        if _unit_float(_blake2b_8(buf, prefix + key_len[o], person)) < chance:
            status = fire(place[o], turn, plan, run, at)
            if status == NO_TRANSITION:  # (drawn again when called again: the same draw, the same chance)
                cursor[1] = p
                given[o] = chance
                return status, place[o]
            if status == ENDS_WAR:
                given[o] = np.nan
                at[DECIDED] += 1
                cursor[1] = p + 1
                return status, place[o]
        given[o] = np.nan
        at[DECIDED] += 1
    cursor[1] = cursor[2]
    return OPENED, 0


opening = jit(_opening)
