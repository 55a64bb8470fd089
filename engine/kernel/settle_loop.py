"""What a turn's cascade leaves to its run, compiled: the answers given, the attacks made, the wars
begun (`take_cascade`); then the commitments settled and cohesion measured (`settle_turn`), from the
councils' votes and commitments `engine.kernel.resolve_loop` resolved.

A run's records are the run loop's arrays (engine.kernel.run_loop.RunState), the answers, attacks and
wars in the order the reference engine's state holds them: an (attack, state) answered keeps its
place from its first answer and takes the last; an attack keeps the turn it was first made; the wars
of a round begin in the order the cascade began them, rounds in their order, a pair already at war
beginning none.

The order and the arithmetic are engine.resolve's: round by round, each treaty's commitments
accounted now move the ally's reputation one after the other (`_moved`, that is
`engine.numeric.reputation_after` with the engine's gain and loss); a commitment other than a
non-aggression pact's is noted for the run's summary as its Honoured or Breach event is read
(`engine.montecarlo._Reading.settled`: every commitment on an (attack, ally) kept, how many tested
and honoured); then each treaty in force with commitments tested this turn has its cohesion, the
share of the tested members' power that honoured (`engine.numeric.cohesion`), rounded to four
places. What each commitment is (its ally, whether it is a pact's, its treaty, its (attack, ally)
pair) is read off the engine's triggers (`engine.kernel.run_loop`).
"""
from __future__ import annotations

from typing import Any

import numpy as np

from . import war_loop
from .compiled import NUMERIC, jit
from .resolve_loop import resolve_turn

__all__ = ["ANSWERED", "ASKED", "ATTACKS", "WARS", "FIRST_WAR", "TREATIES", "PAIRS", "COUNTERS", "SETTLED",
           "UNNUMBERED", "NO_ROOM", "CLOSED", "CLOSE_UNNUMBERED", "CLOSE_NO_ROOM", "RUN_FULL", "close_cascade",
           "close_turn", "take_cascade", "settle_turn", "end_pairs"]

_reputation_after = NUMERIC["reputation_after"]
_cohesion = NUMERIC["cohesion"]
_round_to = NUMERIC["round_to"]

# A run's counters (`at`): its (attack, state) pairs answered; its answers asked, in the order drawn; its
# attacks made; its wars; the turn of its first war (-1: none);
# the treaties with a cohesion measured; the (attack, ally) pairs accounted.
ANSWERED, ASKED, ATTACKS, WARS, FIRST_WAR, TREATIES, PAIRS = range(7)
COUNTERS = 7
# What `close_cascade` returns: the cascade settled; answers drawn not numbered yet; no room left in
# the resolution's outputs.
SETTLED, UNNUMBERED, NO_ROOM = 0, 1, 2
# What `close_turn` returns besides the cascade loop's stops (engine.kernel.war_loop: MISSING, UNREAD,
# ASKED_AGAIN, FULL_UP, COUNTS): the turn closed; `close_cascade`'s UNNUMBERED and NO_ROOM; too little
# room in the run's arrays for the answers the cascade drew (`detail`: how many).
CLOSED, CLOSE_UNNUMBERED, CLOSE_NO_ROOM, RUN_FULL = 10, 11, 12, 13


def _take_cascade(answers: Any, examined: Any, wars: Any, row_probe: Any, row_state: Any, row_counts: Any,
                  row_key: Any, row_given: Any, levels: int, table_attack: Any, turn: int, ranks: Any, counts: Any,
                  key_given: Any, key_order: Any, asked: Any, attack_turn: Any, attack_order: Any, adjacent: Any,
                  war_list: Any, began: Any, belligerent: Any, at: Any) -> int:
    """What the cascade leaves to the run (its answers, as the cascade loop writes them: table, row,
    rank, standing, ...; the attacks it examined, (round, table); the wars it began, (aggressor, defender,
    round)): each answer drawn noted where an attacker's probes read it (per attack inject and state,
    its level and whether it counts: `row_probe`, the attack's place among the attack injects, -1 none;
    `row_state`; `row_counts`, answered under a treaty, not on the attackers' side) and given (`row_key`,
    its (attack, state); `row_given`, its answer per row * levels + level; `asked`, each answer with its
    turn in the order drawn); each attack of the later rounds made (`table_attack`: per table, its
    attack); each war begun. Returns the wars begun."""
    for i in range(answers.shape[0]):
        if answers[i, 3]:
            continue  # a side already taken: no answer given this turn
        j = answers[i, 1]
        a = row_probe[j]
        if a >= 0:
            ranks[a, row_state[j]] = answers[i, 2]
            counts[a, row_state[j]] = row_counts[j]
        key = row_key[j]
        if key_given[key] < 0:
            key_order[at[ANSWERED]] = key
            at[ANSWERED] += 1
        key_given[key] = row_given[j * levels + answers[i, 2]]
        asked[at[ASKED], 0] = key
        asked[at[ASKED], 1] = turn
        at[ASKED] += 1
    for i in range(examined.shape[0]):
        if examined[i, 0] > 1:  # the attacks of the later rounds (the first's were made by injects)
            a = table_attack[examined[i, 1]]
            if attack_turn[a] < 0:
                attack_turn[a] = turn
                attack_order[at[ATTACKS]] = a
                at[ATTACKS] += 1
    begun = 0
    for w in np.argsort(wars[:, 2], kind="mergesort"):  # round by round, in order within a round
        a, b = wars[w, 0], wars[w, 1]
        if adjacent[a, b]:
            continue
        adjacent[a, b] = adjacent[b, a] = True
        war_list[at[WARS], 0] = a
        war_list[at[WARS], 1] = b
        at[WARS] += 1
        if began[a, b] < 0:
            began[a, b] = began[b, a] = turn
        belligerent[a] = belligerent[b] = True
        if at[FIRST_WAR] < 0:
            at[FIRST_WAR] = turn
        begun += 1
    return begun


take_cascade = jit(_take_cascade)


def _settle_turn(groups: Any, rounds: Any, owed: Any, tested: Any, t_ally: Any, t_na: Any, t_pair: Any,
                 t_treaty: Any, reputation: Any, gain: float, loss: float, pair_kept: Any, pair_order: Any,
                 counts: Any, powers: Any, in_force: Any, cohesion: Any, cases: Any, treaty_order: Any,
                 at: Any) -> None:
    """Settle the groups (resolve_loop's rows: ..., owed start, owed stop, ...) in the order of their
    rounds (`rounds`, per group), moving `reputation` in place and noting each pair's verdict
    (`pair_kept`: -1 none yet, 0 broken, 1 kept; `pair_order`: the pairs in the order first noted,
    `at[PAIRS]` of them; `counts`: tested, honoured); then per treaty in force its cohesion, added to
    the run's (`cohesion`, the sum of each turn's weighted by the commitments it weighs; `cases`, their
    number; `treaty_order`, the treaties in the order first measured)."""
    order = np.argsort(rounds, kind="mergesort")  # stable: within a round, in the order resolved
    for g in order:
        for i in range(groups[g, 4], groups[g, 5]):
            t = owed[i, 0]
            kept = owed[i, 1] == 1
            ally = t_ally[t]
            reputation[ally] = _reputation_after(reputation[ally], kept, gain, loss)
            if t_na[t]:
                continue  # its breach is the attacker's own act, not an ally's answer
            p = t_pair[t]
            if pair_kept[p] < 0:
                pair_order[at[PAIRS]] = p
                at[PAIRS] += 1
                pair_kept[p] = 1 if kept else 0
            elif not kept:
                pair_kept[p] = 0
            counts[0] += 1
            if kept:
                counts[1] += 1
    n_treaties = cohesion.shape[0]
    tested_now = np.zeros(n_treaties, dtype=np.int64)
    for i in range(tested.shape[0]):
        tested_now[t_treaty[tested[i, 0]]] += 1
    held_powers = np.empty(tested.shape[0], dtype=np.float64)
    held_kept = np.empty(tested.shape[0], dtype=np.bool_)
    for k in range(n_treaties):
        if tested_now[k] == 0 or not in_force[k]:
            continue
        n = 0
        for i in range(tested.shape[0]):
            t = tested[i, 0]
            if t_treaty[t] == k:
                held_powers[n] = powers[t_ally[t]]
                held_kept[n] = tested[i, 1] == 1
                n += 1
        if cases[k] == 0:
            treaty_order[at[TREATIES]] = k
            at[TREATIES] += 1
        cohesion[k] += _round_to(_cohesion(held_powers[:n], held_kept[:n]), 4) * n
        cases[k] += n


settle_turn = jit(_settle_turn)


def _close_cascade(answers: Any, examined: Any, wars: Any, rows: Any, levels: int, table_attack: Any, turn: int,
                   account: Any, outs: Any, triggers: Any, gain: float, loss: float, powers: Any, in_force: Any,
                   run: Any, at: Any, missing: Any) -> tuple[int, int]:
    """A cascade played to its end, closed: its councils' votes and commitments resolved
    (`resolve_turn`, over the account tables `account` into `outs`), what it leaves to the run taken
    (`take_cascade`, the rows' arrays `rows`), its commitments settled and cohesion measured
    (`settle_turn`, the commitments' `triggers`). `run` holds the run's arrays. Returns (SETTLED, the
    wars begun); (UNNUMBERED, how many answers drawn are not numbered yet, their places in `missing`);
    or (NO_ROOM, 0): nothing of the run is changed then, the caller mends it and calls again."""
    (row_probe, row_state, row_counts, row_key, row_given) = rows
    (answer_of_row, out_groups, out_ayes, out_owed, out_tested) = outs
    (ranks, counts, key_given, key_order, asked, attack_turn, attack_order, adjacent, war_list, began, belligerent,
     reputation, pair_kept, pair_order, commitments, cohesion, cases, treaty_order) = run
    m = 0
    for i in range(answers.shape[0]):
        if answers[i, 3] == 0 and row_given[answers[i, 1] * levels + answers[i, 2]] < 0:
            missing[m] = answers[i, 1] * levels + answers[i, 2]
            m += 1
    if m:
        return UNNUMBERED, m
    n_groups, _, n_tested = resolve_turn(examined, examined.shape[0], answers, answers.shape[0], account,
                                         answer_of_row, out_groups, out_ayes, out_owed, out_tested)
    if n_groups < 0:
        return NO_ROOM, 0
    begun = take_cascade(answers, examined, wars, row_probe, row_state, row_counts, row_key, row_given, levels,
                         table_attack, turn, ranks, counts, key_given, key_order, asked, attack_turn, attack_order,
                         adjacent, war_list, began, belligerent, at)
    if n_groups > 0:
        groups = out_groups[:n_groups]
        rounds = np.empty(n_groups, dtype=np.int64)
        for g in range(n_groups):
            rounds[g] = examined[groups[g, 0], 0]
        t_ally, t_na, t_pair, t_treaty = triggers
        settle_turn(groups, rounds, out_owed[:groups[n_groups - 1, 5]], out_tested[:n_tested], t_ally, t_na,
                    t_pair, t_treaty, reputation, gain, loss, pair_kept, pair_order, commitments, powers, in_force,
                    cohesion, cases, treaty_order, at)
    return SETTLED, begun


close_cascade = jit(_close_cascade)


def _close_turn(start: bool, first: Any, wars: Any, cascade: Any, rows: Any, levels: int, table_attack: Any,
                turn: int, account: Any, outs: Any, triggers: Any, gain: float, loss: float, powers: Any,
                in_force: Any, run: Any, at: Any, missing: Any) -> tuple[int, int]:
    """A turn's close in one call: its cascade played (`war_loop.play_cascade`, its arguments in `cascade`;
    at the `start`, made afresh with the run's `wars` and the first round's tables `first`: `war_loop.fresh`)
    and closed (`close_cascade`, its other arguments). Returns (CLOSED, the wars begun), or where either
    stops, the cascade loop's status and detail, CLOSE_UNNUMBERED, CLOSE_NO_ROOM or RUN_FULL: called again
    once the caller has built or numbered what it stopped for, it goes on (a cascade played to its end
    returns at once from the loop: nothing of the run is changed before the close)."""
    (cursor, work, stands, already, said, due, at_war, enemies, n_enemies, rep, weights, cuts, consts, buf,
     prefix, person, max_rounds, tab, out_answers, out_wars, out_attacks) = cascade
    if start:
        war_loop.fresh(wars, first, cursor, work, stands, already, said, due, at_war, enemies, n_enemies)
    status, detail = war_loop.play_cascade(cursor, work, stands, already, said, due, at_war, enemies, n_enemies,
                                           rep, weights, cuts, consts, buf, prefix, person, max_rounds, tab,
                                           out_answers, out_wars, out_attacks)
    if status != war_loop.DONE and status != war_loop.TOO_LONG:
        return status, detail
    n_answers = cursor[war_loop.ANSWERS_AT]
    asked = run[4]
    if at[ASKED] + n_answers > asked.shape[0] or n_answers > missing.shape[0]:
        return RUN_FULL, n_answers
    status, detail = close_cascade(out_answers[:n_answers], out_attacks[:cursor[war_loop.EXAMINED_AT]],
                                   out_wars[:cursor[war_loop.WARS_AT]], rows, levels, table_attack, turn, account,
                                   outs, triggers, gain, loss, powers, in_force, run, at, missing)
    if status == SETTLED:
        return CLOSED, detail
    return (CLOSE_UNNUMBERED if status == UNNUMBERED else CLOSE_NO_ROOM), detail


close_turn = jit(_close_turn)


# --- the run's records read and changed by a ceasefire ------------------------------------------------

def _end_pairs(ended: Any, war_list: Any, adjacent: Any, began: Any, at: Any) -> None:
    """The wars of the pairs `ended` (numbered) ended: no longer at war, no turn their war began, and
    the run's wars (`war_list`, `at[WARS]` of them) kept in their order without them."""
    for e in range(ended.shape[0]):
        a, b = ended[e, 0], ended[e, 1]
        adjacent[a, b] = adjacent[b, a] = False
        began[a, b] = began[b, a] = -1
    n = 0
    for w in range(at[WARS]):
        if adjacent[war_list[w, 0], war_list[w, 1]]:
            war_list[n, 0] = war_list[w, 0]
            war_list[n, 1] = war_list[w, 1]
            n += 1
    at[WARS] = n


end_pairs = jit(_end_pairs)
