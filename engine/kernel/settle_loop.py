"""A turn's commitments settled and its cohesion measured, compiled: what the run loop does with the
councils' votes and commitments `engine.kernel.resolve_loop` resolved.

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

from .compiled import NUMERIC, jit

__all__ = ["note_answers", "settle_turn"]

_reputation_after = NUMERIC["reputation_after"]
_cohesion = NUMERIC["cohesion"]
_round_to = NUMERIC["round_to"]


def _settle_turn(groups: Any, rounds: Any, owed: Any, tested: Any, t_ally: Any, t_na: Any, t_pair: Any,
                 t_treaty: Any, reputation: Any, gain: float, loss: float, pair_kept: Any, pair_order: Any,
                 n_order: int, counts: Any, powers: Any, in_force: Any, out_value: Any, out_cases: Any) -> int:
    """Settle the groups (resolve_loop's rows: ..., owed start, owed stop, ...) in the order of their
    rounds (`rounds`, per group), moving `reputation` in place and noting each pair's verdict
    (`pair_kept`: -1 none yet, 0 broken, 1 kept; `pair_order`: the pairs in the order first noted,
    `n_order` of them so far; `counts`: tested, honoured); then per treaty in force its cohesion and
    the commitments it weighs (`out_value`, `out_cases`; none: 0). Returns the pairs noted now."""
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
                pair_order[n_order] = p
                n_order += 1
                pair_kept[p] = 1 if kept else 0
            elif not kept:
                pair_kept[p] = 0
            counts[0] += 1
            if kept:
                counts[1] += 1
    n_treaties = out_value.shape[0]
    cases = np.zeros(n_treaties, dtype=np.int64)
    for i in range(tested.shape[0]):
        cases[t_treaty[tested[i, 0]]] += 1
    held_powers = np.empty(tested.shape[0], dtype=np.float64)
    held_kept = np.empty(tested.shape[0], dtype=np.bool_)
    for k in range(n_treaties):
        out_cases[k] = 0
        out_value[k] = 0.0
        if cases[k] == 0 or not in_force[k]:
            continue
        n = 0
        for i in range(tested.shape[0]):
            t = tested[i, 0]
            if t_treaty[t] == k:
                held_powers[n] = powers[t_ally[t]]
                held_kept[n] = tested[i, 1] == 1
                n += 1
        out_cases[k] = n
        out_value[k] = _round_to(_cohesion(held_powers[:n], held_kept[:n]), 4)
    return n_order


settle_turn = jit(_settle_turn)


def _note_answers(answers: Any, row_probe: Any, row_state: Any, row_counts: Any, ranks: Any, counts: Any) -> None:
    """Each answer drawn (`answers`: the cascade loop's rows, table, row, rank, standing, ...) noted where
    an attacker's probes read it (engine.kernel.option_phase.probes_of): per attack inject and state, the
    answer's level and whether it counts, the row's (`row_probe`: the attack's place among the attack
    injects, -1 none; `row_state`; `row_counts`: answered under a treaty, not on the attackers' side)."""
    for i in range(answers.shape[0]):
        if answers[i, 3]:
            continue  # a side already taken: no answer given this turn
        j = answers[i, 1]
        a = row_probe[j]
        if a >= 0:
            ranks[a, row_state[j]] = answers[i, 2]
            counts[a, row_state[j]] = row_counts[j]


note_answers = jit(_note_answers)
