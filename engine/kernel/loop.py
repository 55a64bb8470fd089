"""The kernel's run loop, compiled by numba: whole runs over the tables of `engine.kernel.tables`.

Per run and turn, in the engine's order: each answer (a standing one as it stands,
else the doctrine's score with the run's reputation put in and the run's own
weights, a row of `weights`, the ordered logit, the keyed BLAKE2b draw); then per
(treaty, attack) bound the council's vote and the commitments due, each moving
the ally's reputation; then each treaty's cohesion.
All arithmetic is `engine.numeric`'s, compiled (`engine.kernel.compiled`). A run
whose answer would begin a war is stopped at the start of that turn: the cascade
is not compiled, and the caller hands the rest of the run to the reference engine
(`engine.kernel.resume`), from the turn the war begins.

What a run leaves: the rank drawn in each answer slot (-1: not reached), each
commitment's verdict (-1: not due, 0: broken, 1: kept), each cohesion measured,
each council's verdict (-1: no vote, 0: not declared, 1: declared); for a run
stopped, the turn it stopped at (an index into the turns, else -1); and the
reputations at the start of that turn, or at the end of the tables' turns.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from .compiled import BLAKE2B, NUMERIC, jit

__all__ = ["COLUMNS", "draw_rank", "play_runs"]

# The order of the tables in the tuple `play_runs` reads (engine.kernel.tables' names).
COLUMNS = ("t_a_start", "t_a_stop", "t_g_start", "t_g_stop", "t_m_start", "t_m_stop", "t_number",
           "a_slot", "a_standing", "a_attack", "a_treaty", "a_leader", "a_source", "a_kept_as", "a_begins_war",
           "s_state", "s_capped", "s_begins_war", "s_key_start", "s_key_len", "s_turn", "s_values",
           "g_armed", "g_member_rule", "g_need", "g_v_start", "g_v_stop", "g_r_start", "g_r_stop",
           "v_row", "v_absent", "v_ayes",
           "r_slot", "r_na", "r_armed", "r_ally", "r_kept", "r_now",
           "m_c_start", "m_c_stop", "c_slot", "c_power", "c_kept",
           "x_leaders", "reputation", "key_bytes", "person", "gain_loss")

_score = NUMERIC["score"]
_distribution = NUMERIC["distribution"]
_cap_full = NUMERIC["cap_full"]
_draw_index = NUMERIC["draw_index"]
_unit_float = NUMERIC["unit_float"]
_reputation_after = NUMERIC["reputation_after"]
_cohesion = NUMERIC["cohesion"]
_round_to = NUMERIC["round_to"]
_blake2b_8 = BLAKE2B["blake2b_8"]

_FULL = 4


def _digits(buf: Any, at: int, value: int) -> int:
    """Write `value` (not negative) in decimal at buf[at:]; the position after it."""
    if value == 0:
        buf[at] = 48
        return at + 1
    n = 0
    v = value
    while v > 0:
        v //= 10
        n += 1
    v = value
    for i in range(n - 1, -1, -1):
        buf[at + i] = 48 + v % 10
        v //= 10
    return at + n


_digits_jit = jit(_digits)


def _draw_rank(weights: Any, values: Any, cuts: Any, capped: bool, buf: Any, prefix: int, key_bytes: Any,
               start: int, length: int, person: Any) -> int:
    """An answer drawn as `Doctrine.draw` draws it: the ordered logit of the weighted factor values
    (`full`'s share given to `limited` short of an armed attack), read at the uniform the keyed
    BLAKE2b gives for the key `buf[:prefix]` (seed and turn) and `key_bytes[start:start + length]`
    (attack and state) make: engine.decide.Draw's."""
    p = _distribution(cuts, _score(weights, values))
    if capped:
        p = _cap_full(p)
    buf[prefix:prefix + length] = key_bytes[start:start + length]
    return int(_draw_index(p, _unit_float(_blake2b_8(buf, prefix + length, person))))


_draw_rank_jit = jit(_draw_rank)
draw_rank = _draw_rank_jit


def _play_runs(seeds: Any, weights: Any, start_reputation: Any, cuts: Any, reputation_factor: int, tab: Any,
               out_rank: Any, out_honour: Any, out_cohesion: Any, out_declared: Any, out_bail: Any,
               out_reputation: Any) -> None:
    t_a_start, t_a_stop, t_g_start, t_g_stop, t_m_start, t_m_stop, t_number = (
        tab[0], tab[1], tab[2], tab[3], tab[4], tab[5], tab[6])
    a_slot, a_standing, a_attack, a_treaty, a_leader = tab[7], tab[8], tab[9], tab[10], tab[11]
    a_source, a_kept_as, a_begins_war = tab[12], tab[13], tab[14]
    s_state, s_capped, s_begins_war, s_key_start, s_key_len, s_values = (
        tab[15], tab[16], tab[17], tab[18], tab[19], tab[21])
    g_armed, g_member_rule, g_need, g_v_start, g_v_stop, g_r_start, g_r_stop = (
        tab[22], tab[23], tab[24], tab[25], tab[26], tab[27], tab[28])
    v_row, v_absent, v_ayes = tab[29], tab[30], tab[31]
    r_slot, r_na, r_armed, r_ally, r_kept, r_now = tab[32], tab[33], tab[34], tab[35], tab[36], tab[37]
    m_c_start, m_c_stop, c_slot, c_power, c_kept = tab[38], tab[39], tab[40], tab[41], tab[42]
    leaders, key_bytes, person, gain_loss = tab[43][0], tab[45], tab[46], tab[47]
    gain, loss = gain_loss[0], gain_loss[1]
    n_factors = weights.shape[1]
    rep = np.empty(start_reputation.shape[1], dtype=np.float64)
    said = np.empty(leaders, dtype=np.int64)
    values = np.empty(n_factors, dtype=np.float64)
    longest = 0
    for j in range(s_key_len.shape[0]):
        longest = max(longest, s_key_len[j])
    buf = np.zeros(64 + longest, dtype=np.uint8)
    powers = np.empty(c_slot.shape[0] + 1, dtype=np.float64)
    kept_cases = np.empty(c_slot.shape[0] + 1, dtype=np.bool_)
    arank = np.empty(a_slot.shape[0] + 1, dtype=np.int64)  # each answer's rank in this run
    for run in range(seeds.shape[0]):
        rep[:] = start_reputation[run]  # the game's start, or where the run resumes in the kernel
        ranks = out_rank[run]
        ranks[:] = -1
        out_honour[run, :] = -1
        out_declared[run, :] = -1
        out_bail[run] = -1
        seed_end = _digits_jit(buf, 0, seeds[run])
        buf[seed_end] = 124  # "|"
        for ti in range(t_number.shape[0]):
            prefix = _digits_jit(buf, seed_end + 1, t_number[ti])
            # --- the answers, attack by attack, leaders first -------------------------------
            attack = -1
            for a in range(t_a_start[ti], t_a_stop[ti]):
                if a_attack[a] != attack:
                    attack = a_attack[a]
                    said[:] = -1
                treaty = a_treaty[a]
                slot = a_slot[a]
                if a_source[a] >= 0:  # the side the state took on an earlier attack on this victim
                    rank = a_kept_as[a, arank[a_source[a]]]
                    if rank == _FULL and a_begins_war[a]:
                        out_bail[run] = ti
                        break
                elif slot < 0:
                    rank = a_standing[a]
                else:
                    for k in range(n_factors):
                        values[k] = s_values[slot, said[treaty] + 1 if treaty >= 0 else 0, k]
                    values[reputation_factor] = 2.0 * rep[s_state[slot]] - 1.0
                    rank = _draw_rank_jit(weights[run], values, cuts, s_capped[slot], buf, prefix, key_bytes,
                                          s_key_start[slot], s_key_len[slot], person)
                    if rank == _FULL and s_begins_war[slot]:
                        out_bail[run] = ti
                        break
                    ranks[slot] = rank
                arank[a] = rank
                if treaty >= 0 and a_leader[a]:
                    said[treaty] = rank
            if out_bail[run] >= 0:
                out_reputation[run, :] = rep  # no commitment of this turn has moved it yet
                break
            # --- the councils' votes and the commitments due ---------------------------------
            for g in range(t_g_start[ti], t_g_stop[ti]):
                declared = False
                if g_armed[g]:
                    if g_member_rule[g]:
                        declared = True
                    else:
                        yes = 0
                        for v in range(g_v_start[g], g_v_stop[g]):
                            aye = v_absent[v] if v_row[v] < 0 else v_ayes[v, arank[v_row[v]]]
                            if aye:
                                yes += 1
                        declared = yes >= g_need[g]
                        out_declared[run, g] = 1 if declared else 0
                for r in range(g_r_start[g], g_r_stop[g]):
                    if not r_now[r] or not (declared or not r_armed[r]):
                        continue
                    kept = False if r_na[r] else r_kept[r, ranks[r_slot[r]]]
                    ally = r_ally[r]
                    rep[ally] = _reputation_after(rep[ally], kept, gain, loss)
                    if not r_na[r]:
                        out_honour[run, r] = 1 if kept else 0
            # --- cohesion ----------------------------------------------------------------------
            for m in range(t_m_start[ti], t_m_stop[ti]):
                n = 0
                for c in range(m_c_start[m], m_c_stop[m]):
                    powers[n] = c_power[c]
                    kept_cases[n] = c_kept[c, ranks[c_slot[c]]]
                    n += 1
                out_cohesion[run, m] = _round_to(_cohesion(powers[:n], kept_cases[:n]), 4)
        if out_bail[run] < 0:
            out_reputation[run, :] = rep  # where a run resumes when the tables end at an open option


play_runs = jit(_play_runs)
