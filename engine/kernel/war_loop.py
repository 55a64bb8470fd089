"""A turn's cascade of wars played by numba over tables of attacks (`engine.kernel.war`).

The order of play is engine.cascade's and engine.decide's, round by round: the round's
attacks begin their wars before anyone answers; then, attack by attack, each state the
attack's table lists (the bound allies, leaders first, then the states with a stake)
answers: a threat on its own; otherwise the side it took on this victim earlier in the
turn stands, or, already fighting every attacker, it fights; else its answer is drawn (the
doctrine's factors as tabled, the run's reputation and the cost of war put in, the ordered
logit, the keyed BLAKE2b draw). A state's first answer to an attack by the same attackers
on the same target is the one kept; each kept `full` answer makes war on the enemies the
table names, once per pair, and each such war is an attack of the next round.

Everything a rule decides is read off the tables, which the reference engine's own
functions filled; the arithmetic is `engine.numeric`'s, compiled. When the loop meets what
its tables lack (`MISSING`, `UNREAD`, `COUNTS`, `ASKED_AGAIN`) or has no room left for its
answers (`FULL_UP`), it stops with its place kept in the cursor; the caller builds that and
calls it again. `TOO_LONG` ends the cascade where the reference engine cuts it short.

Besides the answers and the wars, the loop writes each attack it examines, with its round,
in order: the reference engine's rounds (`engine.cascade.Round`) are read off them.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from .compiled import NUMERIC, jit
from .loop import draw_rank as _draw_rank

__all__ = ["COLUMNS", "CURSOR", "ANSWERS_AT", "WARS_AT", "EXAMINED_AT",
           "OVER", "DONE", "MISSING", "UNREAD", "ASKED_AGAIN", "TOO_LONG", "FULL_UP", "COUNTS",
           "play_cascade", "fresh", "slot", "found", "answers_and_wars", "examined",
           "pending"]

DONE, MISSING, UNREAD, ASKED_AGAIN, TOO_LONG, FULL_UP, COUNTS = 0, 1, 2, 3, 4, 5, 6

# The tables `play_cascade` reads, in this order (engine.kernel.war's names).
COLUMNS = ("k_att_start", "k_att_stop", "k_att", "k_target", "k_threat", "k_starts_war", "k_capped", "k_group",
           "k_row_start", "k_row_stop",
           "j_state", "j_treaty", "j_leader", "j_values", "j_core", "j_opp_start", "j_opp_stop", "j_opp",
           "j_kept_drawn", "j_kept_standing", "j_war_start", "j_war_stop", "j_swar_start", "j_swar_stop",
           "j_key_start", "j_key_len", "key_bytes", "c_enemy", "c_table", "j_read", "k_counts")

_side_power = NUMERIC["side_power"]
_cost_of_war = NUMERIC["cost_of_war"]

_FULL = 4


def _make_war(a: int, b: int, at_war: Any, enemies: Any, n_enemies: Any) -> None:
    at_war[a, b] = True
    at_war[b, a] = True
    enemies[a, n_enemies[a]] = b
    n_enemies[a] += 1
    enemies[b, n_enemies[b]] = a
    n_enemies[b] += 1


_make_war_jit = jit(_make_war)


# The loop's place, kept between calls (`cursor`): a call that stops for something missing is
# called again, once it is built, and goes on from where it stopped.
_PHASE, _ROUNDS, _I, _J, _A, _C, _FIRST, _ANSWERS, _WARS, _COMING, _ATTACKS, _FOUND, _EXAMINED = range(13)
CURSOR = 13
ANSWERS_AT, WARS_AT, EXAMINED_AT = _ANSWERS, _WARS, _EXAMINED  # (where a finished cascade's counts are)
_ROUND, _ATTACK, _ROWS, _BEGUN, OVER = 0, 1, 2, 3, 4


def _fresh(wars: Any, first: Any, cursor: Any, work: Any, stands: Any, already: Any, said: Any, due: Any,
           at_war: Any, enemies: Any, n_enemies: Any) -> None:
    """A cascade's workspace at its start, made new or kept from the run's cascade before: no answer
    and no side taken yet, the wars `wars` (numbered pairs, in the order they began) and the first
    round's attacks `first` (tables) to examine."""
    cursor[:] = 0
    cursor[_ATTACKS] = first.shape[0]
    work[:] = 0
    work[0, :first.shape[0]] = first
    stands[:] = -1
    already[:] = False
    said[:] = -1
    due[:] = False
    at_war[:] = False
    enemies[:] = -1
    n_enemies[:] = 0
    for w in range(wars.shape[0]):
        if not at_war[wars[w, 0], wars[w, 1]]:
            _make_war_jit(wars[w, 0], wars[w, 1], at_war, enemies, n_enemies)


fresh = jit(_fresh)


def _play_cascade(cursor: Any, work: Any, stands: Any, already: Any, said: Any, due: Any, at_war: Any,
                  enemies: Any, n_enemies: Any, rep: Any, weights: Any, cuts: Any, consts: Any, buf: Any,
                  prefix: int, person: Any, max_rounds: int, tab: Any, out_answers: Any,
                  out_wars: Any, out_attacks: Any) -> tuple[int, int]:
    """Play on the cascade from `cursor` (zeros: its start, the turn's attacks in `work[0]`).

    `work[0]` holds a round's attacks (tables), `work[1]` the next round's; `stands` (victim,
    state) the side taken this turn, -1 none; `already` (attackers and target, state) who has
    answered; `said` per treaty its leader's answer to the attack under way; `due` the pairs
    whose war this round's answers begin; `at_war`, `enemies` and `n_enemies` the wars, changed
    as wars begin; `buf[:prefix]` the draws' key so far ("seed|turn|"). Writes each answer as
    (table, row, rank, standing, kept, the attack's place in `out_attacks`) to `out_answers`, each
    war begun at a round's start as (aggressor, defender, round) to `out_wars` and each attack
    examined as (round, table) to `out_attacks`, their numbers to the cursor.

    Returns (status, detail): DONE; MISSING with the child (`c_*` index) whose table is not
    built, UNREAD with row * variants + variant (a row's factor values not yet read for the
    answer of the treaty's leader it follows), FULL_UP (`out_answers` or `out_attacks` is full):
    called again once that is mended, the loop goes on; ASKED_AGAIN with the table of an attack a bound ally
    has answered the attackers of on this target before (`work[0][slot(cursor)]` is then to hold
    the table for the allies left, and the loop goes on); COUNTS with the table of an attack whose
    binding counts adversaries (the caller puts the table for the wars as they stand at its place,
    calls `found` and the loop goes on); TOO_LONG, the rounds played, when the
    turn's bound is reached with attacks still to examine (the answers so far are the cascade's)."""
    (k_att_start, k_att_stop, k_att, k_target, k_threat, k_starts_war, k_capped, k_group,
     k_row_start, k_row_stop) = tab[0], tab[1], tab[2], tab[3], tab[4], tab[5], tab[6], tab[7], tab[8], tab[9]
    (j_state, j_treaty, j_leader, j_values, j_core, j_opp_start, j_opp_stop, j_opp) = (
        tab[10], tab[11], tab[12], tab[13], tab[14], tab[15], tab[16], tab[17])
    (j_kept_drawn, j_kept_standing, j_war_start, j_war_stop, j_swar_start, j_swar_stop) = (
        tab[18], tab[19], tab[20], tab[21], tab[22], tab[23])
    j_key_start, j_key_len, key_bytes, c_enemy, c_table, j_read = tab[24], tab[25], tab[26], tab[27], tab[28], tab[29]
    k_counts = tab[30]
    reputation_at, cost_at = int(consts[0]), int(consts[1])
    share_weight, nuclear_weight = consts[2], consts[3]
    n = at_war.shape[0]
    n_factors = weights.shape[0]
    powers, nuclear = consts[4:4 + n], consts[4 + n:4 + 2 * n] > 0.5
    values = np.empty(n_factors, dtype=np.float64)
    inside = np.empty(n, dtype=np.bool_)  # (room for a side's flags)
    todo, coming = work[0], work[1]
    phase, rounds, i, j, a, c = cursor[_PHASE], cursor[_ROUNDS], cursor[_I], cursor[_J], cursor[_A], cursor[_C]
    first_answer, n_answers, n_wars = cursor[_FIRST], cursor[_ANSWERS], cursor[_WARS]
    n_coming, n_todo, n_examined = cursor[_COMING], cursor[_ATTACKS], cursor[_EXAMINED]
    status, detail = DONE, 0
    while phase != OVER:
        if phase == _ROUND:  # the round's attacks begin their wars before anyone answers
            if n_todo == 0:
                phase = OVER
                break
            if rounds >= max_rounds:  # the cascade is cut short here, as the reference engine cuts it
                status = TOO_LONG
                break
            rounds += 1
            for t in range(n_todo):
                k = todo[t]
                if k_starts_war[k]:
                    target = k_target[k]
                    for x in k_att[k_att_start[k]:k_att_stop[k]]:
                        if x != target and not at_war[x, target]:
                            _make_war_jit(x, target, at_war, enemies, n_enemies)
                            out_wars[n_wars, 0] = x
                            out_wars[n_wars, 1] = target
                            out_wars[n_wars, 2] = rounds
                            n_wars += 1
            due[:, :] = False
            n_coming = 0
            i = 0
            phase = _ATTACK
        elif phase == _ATTACK:  # the next attack of the round
            if i == n_todo:
                todo[:n_coming] = coming[:n_coming]
                n_todo = n_coming
                phase = _ROUND
                continue
            k = todo[i]
            if k_counts[k] and cursor[_FOUND] != i + 1:
                # what binds depends on the wars as they stand now: the caller finds the table for
                # them, puts it at this place of the round and marks it found
                status, detail = COUNTS, k
                break
            asked_again = False
            for r in range(k_row_start[k], k_row_stop[k]):
                if j_treaty[r] >= 0 and already[k_group[k], j_state[r]]:
                    asked_again = True
            if asked_again:  # the bound allies asked are fewer: the table for those left takes its place
                status, detail = ASKED_AGAIN, k
                break
            if n_examined >= out_attacks.shape[0]:
                status = FULL_UP
                break
            out_attacks[n_examined, 0] = rounds
            out_attacks[n_examined, 1] = k
            n_examined += 1
            said[:] = -1
            cursor[_FOUND] = 0
            first_answer = n_answers
            j = k_row_start[k]
            phase = _ROWS
        elif phase == _ROWS:  # its answers, row by row
            k = todo[i]
            if j == k_row_stop[k]:
                a, c = first_answer, -1
                phase = _BEGUN
                continue
            target, group = k_target[k], k_group[k]
            state = j_state[j]
            rank = -1
            if not k_threat[k]:
                rank = stands[target, state]
                if rank < 0 and k_att_stop[k] > k_att_start[k]:
                    fighting = True
                    for x in k_att[k_att_start[k]:k_att_stop[k]]:
                        if not at_war[state, x]:
                            fighting = False
                    if fighting:
                        rank = _FULL
            standing = rank >= 0
            if not standing:
                treaty = j_treaty[j]
                variant = said[treaty] + 1 if treaty >= 0 else 0
                if not j_read[j, variant]:
                    status, detail = UNREAD, j * j_read.shape[1] + variant
                    break
                for f in range(n_factors):
                    values[f] = j_values[j, variant, f]
                values[reputation_at] = 2.0 * rep[state] - 1.0
                cost = 0.0
                if j_opp_stop[j] > j_opp_start[j]:
                    core = j_core[j, variant]
                    m = 0
                    while m < core.shape[0] and core[m] >= 0:
                        m += 1
                    ours, _ = _side_power(core[:m], enemies, powers, nuclear, inside)
                    theirs, armed = _side_power(j_opp[j_opp_start[j]:j_opp_stop[j]], enemies, powers, nuclear,
                                                inside)
                    cost = _cost_of_war(ours, theirs, armed, share_weight, nuclear_weight)
                values[cost_at] = cost
                rank = _draw_rank(weights, values, cuts, k_capped[k], buf, prefix, key_bytes, j_key_start[j],
                                  j_key_len[j], person)
            if n_answers >= out_answers.shape[0]:
                status = FULL_UP
                break
            if not k_threat[k] and stands[target, state] < 0:
                stands[target, state] = j_kept_standing[j, rank] if standing else j_kept_drawn[j, rank]
            if j_leader[j]:
                said[j_treaty[j]] = rank
            out_answers[n_answers, 0] = k
            out_answers[n_answers, 1] = j
            out_answers[n_answers, 2] = rank
            out_answers[n_answers, 3] = 1 if standing else 0
            out_answers[n_answers, 4] = 0 if already[group, state] else 1
            out_answers[n_answers, 5] = n_examined - 1
            already[group, state] = True
            n_answers += 1
            j += 1
        else:  # _BEGUN: the wars its kept answers begin, each an attack of the next round (once per pair)
            if a == n_answers:
                i += 1
                phase = _ATTACK
                continue
            if out_answers[a, 4] == 0 or out_answers[a, 2] != _FULL:
                a += 1
                continue
            row = out_answers[a, 1]
            state = j_state[row]
            standing = out_answers[a, 3] == 1
            c_start = j_swar_start[row] if standing else j_war_start[row]
            c_stop = j_swar_stop[row] if standing else j_war_stop[row]
            if c < 0:
                c = c_start
            while c < c_stop:
                enemy = c_enemy[c]
                if not at_war[state, enemy] and not due[state, enemy]:
                    if c_table[c] < 0:
                        status, detail = MISSING, c
                        break
                    due[state, enemy] = True
                    due[enemy, state] = True
                    coming[n_coming] = c_table[c]
                    n_coming += 1
                c += 1
            if status != DONE:
                break
            a += 1
            c = -1
    cursor[_PHASE], cursor[_ROUNDS], cursor[_I], cursor[_J], cursor[_A], cursor[_C] = phase, rounds, i, j, a, c
    cursor[_FIRST], cursor[_ANSWERS], cursor[_WARS] = first_answer, n_answers, n_wars
    cursor[_COMING], cursor[_ATTACKS], cursor[_EXAMINED] = n_coming, n_todo, n_examined
    return status, detail


play_cascade = jit(_play_cascade)


def slot(cursor: Any) -> int:
    """Where in its round the attack the loop stopped at is (`work[0]`)."""
    return int(cursor[_I])


def found(cursor: Any) -> None:
    """The table for the wars as they stand is at the attack's place (after COUNTS): go on with it."""
    cursor[_FOUND] = cursor[_I] + 1


def answers_and_wars(cursor: Any) -> tuple[int, int]:
    """How many answers and wars a finished cascade wrote."""
    return int(cursor[_ANSWERS]), int(cursor[_WARS])


def pending(cursor: Any) -> int:
    """How many attacks a cascade cut short left unexamined (in `work[0]`)."""
    return int(cursor[_ATTACKS])


def examined(cursor: Any) -> int:
    """How many attacks a finished cascade examined."""
    return int(cursor[_EXAMINED])
