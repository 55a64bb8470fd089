"""A turn's councils' votes and commitments accounted, played by numba over the cascade's answers.

The order is engine.resolve's (`_invocations_and_honour`, `_tested`, `_invocation`): round by
round, attack by attack as the cascade examined them, each treaty bound in the attack in the
order its first binding obligation came (`engine.kernel.accounts` tables them), the council
votes on a call to arms unless each member decides alone; then each binding obligation of the
treaty is tested where its ally drew an answer to the attack (standing answers are no
decision of the turn), and accounted now where the call to arms was declared or the
obligation is no call to arms; a non-aggression pact is accounted, broken, where the attack
is the chain's first.

What each rule decides is tabled by the reference engine's own functions (a member's vote
for each answer it may give, on the side it would give it: `engine.resolve._vote`; whether
an answer honours an obligation: `honours` and `toward`; how many votes a council needs);
the loop holds the order and reads the run's answers.
"""
from __future__ import annotations

from typing import Any

from .compiled import jit

__all__ = ["COLUMNS", "resolve_turn"]

# The tables `resolve_turn` reads, in this order (engine.kernel.accounts' names).
COLUMNS = ("k_g_start", "k_g_stop", "g_armed", "g_member", "g_need", "g_v_start", "g_v_stop", "g_r_start",
           "g_r_stop", "v_row", "v_absent", "v_ayes", "r_row", "r_na", "r_now", "r_armed", "r_kept")


def _resolve_turn(examined: Any, n_examined: int, answers: Any, n_answers: int, tab: Any, answer_of_row: Any,
                  out_groups: Any, out_ayes: Any, out_owed: Any, out_tested: Any) -> tuple[int, int, int]:
    """Resolve the cascade whose attacks `examined` (round, table) and answers `answers` (table,
    row, rank, standing, kept, attack) the cascade loop wrote. `answer_of_row` is -1 everywhere
    (and left so). Writes per (treaty, attack) bound, in order, (attack examined, group, voted,
    declared, owed start, owed stop, tested start, tested stop) to `out_groups`; each voter's vote
    to `out_ayes` at its place in the tables; each commitment accounted now as (obligation, kept) to
    `out_owed`, and each tested as (obligation, kept) to `out_tested`. Returns how many groups,
    commitments accounted and commitments tested it wrote; -1 groups when an output has no room
    left (the caller gives it more and calls again: nothing is kept from the call)."""
    (k_g_start, k_g_stop, g_armed, g_member, g_need, g_v_start, g_v_stop, g_r_start, g_r_stop,
     v_row, v_absent, v_ayes, r_row, r_na, r_now, r_armed, r_kept) = (
        tab[0], tab[1], tab[2], tab[3], tab[4], tab[5], tab[6], tab[7], tab[8], tab[9], tab[10], tab[11],
        tab[12], tab[13], tab[14], tab[15], tab[16])
    for a in range(n_answers):
        answer_of_row[answers[a, 1]] = a
    n_groups = n_owed = n_tested = 0
    room = out_groups.shape[0]
    for e in range(n_examined):
        k = examined[e, 1]
        for g in range(k_g_start[k], k_g_stop[k]):
            if n_groups >= room or n_owed + g_r_stop[g] - g_r_start[g] > out_owed.shape[0] or (
                    n_tested + g_r_stop[g] - g_r_start[g] > out_tested.shape[0]):
                n_groups = -1
                break
            declared = False
            voted = False
            if g_armed[g]:
                if g_member[g]:
                    declared = True
                else:
                    voted = True
                    yes = 0
                    for v in range(g_v_start[g], g_v_stop[g]):
                        aye = v_absent[v]
                        row = v_row[v]
                        if row >= 0:
                            a = answer_of_row[row]
                            # the decision it votes by: its answer drawn, else its standing answer kept
                            if a >= 0 and (answers[a, 3] == 0 or answers[a, 4] == 1):
                                aye = v_ayes[v, answers[a, 3], answers[a, 2]]
                        out_ayes[v] = aye
                        if aye:
                            yes += 1
                    declared = yes >= g_need[g]
            owed_start, tested_start = n_owed, n_tested
            for r in range(g_r_start[g], g_r_stop[g]):
                if r_na[r]:
                    if r_now[r]:  # a pact broken by the chain's first attack
                        out_owed[n_owed, 0] = r
                        out_owed[n_owed, 1] = 0
                        n_owed += 1
                    continue
                row = r_row[r]
                if row < 0:
                    continue
                a = answer_of_row[row]
                if a < 0 or answers[a, 3] == 1:
                    continue  # no answer drawn this turn: neither tested nor accounted
                kept = 1 if r_kept[r, answers[a, 2]] else 0
                out_tested[n_tested, 0] = r
                out_tested[n_tested, 1] = kept
                n_tested += 1
                if declared or not r_armed[r]:
                    out_owed[n_owed, 0] = r
                    out_owed[n_owed, 1] = kept
                    n_owed += 1
            out_groups[n_groups, 0] = e
            out_groups[n_groups, 1] = g
            out_groups[n_groups, 2] = 1 if voted else 0
            out_groups[n_groups, 3] = 1 if declared else 0
            out_groups[n_groups, 4] = owed_start
            out_groups[n_groups, 5] = n_owed
            out_groups[n_groups, 6] = tested_start
            out_groups[n_groups, 7] = n_tested
            n_groups += 1
        if n_groups < 0:
            break
    for a in range(n_answers):
        answer_of_row[answers[a, 1]] = -1
    return n_groups, n_owed, n_tested


resolve_turn = jit(_resolve_turn)
