"""A ceasefire's wars ended in a run of the run loop (engine.kernel.run_loop): the rule's own
`engine.numeric.wars_ended`, compiled, asked of the run's arrays in one call.

The reference engine asks the same function, its states, attacks and origins numbered from a
game's maps (`engine.options.rules.wars_ended_of`); here they are the plan's numbers
(`engine.kernel.run_plan.RunLoop`: each attack's row and attackers, each (attack, state)'s attack
and state, each answer's side), and the origins ended are the run's mask over the plan's origins.
The compiled turn loop (engine.kernel.turn_loop) makes the same call itself and logs the origins it
ended, which the run loop notes as ceased after it (`note_logged`), as `end_wars` notes them here.
"""
from __future__ import annotations

from itertools import groupby
from typing import TYPE_CHECKING, Any

import numpy as np

from ..play import first
from .compiled import NUMERIC, jit
from .settle_loop import ANSWERED, ATTACKS, WARS, end_pairs

if TYPE_CHECKING:
    from .run_loop import RunState

__all__ = ["ceased_room", "end_wars", "note_ceased", "note_logged", "parties"]

_wars_ended = NUMERIC["wars_ended"]


def _end_wars(party: int, other: int, war_list: Any, adjacent: Any, began: Any, at: Any, attack_order: Any,
              attack_turn_of: Any, table: Any, attackers: Any, key_order: Any, key_given: Any, in_arms: Any,
              key_attack: Any, key_state: Any, given_side: Any, ceased: Any, armed: Any, reasons: Any,
              origins: Any, others: Any, pairs: Any) -> int:
    """The wars the ceasefire of `party` and `other` ends, ended in the run (`end_pairs`), their
    origins marked in `ceased`: the answers that stand in arms on an attack made are laid out in
    `armed` as the rule reads them, the attacks that began the parties' war written to `origins`.
    Returns how many those are (-1: the parties are not at war, and nothing changed)."""
    m = 0
    for i in range(at[ANSWERED]):
        k = key_order[i]
        g = key_given[k]
        if in_arms[g]:
            x = key_attack[k]
            if x >= 0 and attack_turn_of[x] >= 0:
                armed[m, 0] = x
                armed[m, 1] = key_state[k]
                armed[m, 2] = given_side[g]
                m += 1
    found, n_origins, n_others = _wars_ended(party, other, war_list[:at[WARS]], attack_order[:at[ATTACKS]], table,
                                             attackers, armed[:m], ceased, reasons, origins, others)
    if found < 0:
        return -1
    pairs[0, 0], pairs[0, 1] = war_list[found, 0], war_list[found, 1]
    for i in range(n_others):
        pairs[1 + i, 0], pairs[1 + i, 1] = war_list[others[i], 0], war_list[others[i], 1]
    end_pairs(pairs[:1 + n_others], war_list, adjacent, began, at)
    return int(n_origins)


end_wars_of = jit(_end_wars)


def parties(actors: tuple[str, ...], target: str | None, at: dict[str, int]) -> tuple[int, int]:
    """A ceasefire's parties, numbered (-1: no state, at war with nobody)."""
    return at.get(first(actors) or "", -1), at.get(target or "", -1)


def end_wars(run: RunState, party: int, other: int) -> None:
    """The wars the ceasefire of `party` and `other` ends, ended in `run`, with the attacks that began
    the first noted as ceased (as `engine.state`'s fold of its WarEnded events notes them)."""
    loop = run.loop
    n_answers, n_wars = int(run.at[ANSWERED]), int(run.at[WARS])
    origins = np.empty(int(run.at[ATTACKS]), dtype=np.int64)
    with loop.cascade.lock:  # (the plan's columns grow in a cascade's close, under the lock)
        run.renumbered()
        run._room()
        ceased_room(run)
        n = end_wars_of(
            party, other, run.war_list, run.adjacent, run.began, run.at, run.attack_order, run.attack_turn_of,
            loop.attack_rows.view(), loop.attackers.view(), run.key_order, run.key_given, loop.in_arms.view(),
            loop.key_attack.view(), loop.key_state.view(), loop.given_side.view(), run.ceased_mask,
            np.empty((n_answers, 3), dtype=np.int64),
            np.empty(len(loop.attackers) + n_answers * loop.longest_attackers + 1, dtype=np.int64),
            origins, np.empty(n_wars, dtype=np.int64), np.empty((n_wars, 2), dtype=np.int64))
        if n < 0:
            return
        note_ceased(run, origins[:n].tolist())
    run._changed()


def ceased_room(run: RunState) -> None:
    """Room in the run's mask of origins ceased for every origin the plan has numbered."""
    if run.ceased_mask.shape[0] < len(run.loop.origin_of):
        grown = np.zeros(2 * len(run.loop.origin_of), dtype=np.bool_)
        grown[:run.ceased_mask.shape[0]] = run.ceased_mask
        run.ceased_mask = grown


def note_ceased(run: RunState, origins: list[int]) -> None:
    """The attacks `origins` (numbered by the plan), whose wars a ceasefire ended, noted as ceased in the
    order of their ids (as `engine.state`'s fold of its WarEnded events notes them)."""
    attack_list = run.loop.attack_list
    for origin in sorted({attack_list[x].id for x in origins}):
        run.ceased[origin] = None


def note_logged(run: RunState) -> None:
    """The attacks whose wars the turn loop's ceasefires ended (its log: (ceasefire, origin) rows, as many as
    `run.logged[0]`), noted as ceased, ceasefire by ceasefire (engine.kernel.turn_loop)."""
    for _, ceased in groupby(run.ceased_log[:run.logged[0]].tolist(), key=lambda row: row[0]):
        note_ceased(run, [x for _, x in ceased])
    run.logged[0] = 0
