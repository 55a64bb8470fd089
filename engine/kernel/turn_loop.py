"""A run's turns opened, its ceasefires made and its turns closed in one compiled call, where what each
close reads was looked up before.

The turns' openings are one compiled call (`engine.kernel.open_loop.open_turns`); a turn that made
attacks returns from it for its close (`engine.kernel.settle_loop.close_turn`), which the run loop
begins in Python: it looks up the first round's tables (`RunLoop.first_tables`), what the close reads
of the run's version of the setting (the states' powers, the treaties in force, the cascade's
constants) and the draws' key prefix, then calls the close; and an inject that ends a war returns
from it for the run loop to end the wars. Past a worker's first runs those lookups find what they
look for, and the Python around each call cost about as much as the compiled work of the close. So
the lookups are kept here as arrays (`ClosesKept`: the first tables by (version, turn, attack),
open-addressed; per version, what the close reads of it), and `play_turns` opens the turns, ends each
ceasefire's wars (`_cease`: the same compiled rule the run loop calls) and closes each turn itself
when everything its close reads is kept. Where it is not (a table no run has met at this version and
turn, or whose binding counts adversaries; a version no close has read; a key prefix longer than the
workspace has room for), it returns the turn opened, for the run loop's close in Python, which keeps
what it looked up. Where the close stops (for a table, a reading, a number, room), it returns the
close's status (past STOPPED), and the run loop goes on with that close in Python (`turns`).

Nothing is decided here: the opening, the close and the ceasefire are the same compiled functions the
run loop calls, with the same arguments, so a run is the same whichever path each of its turns takes.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from .. import resolve as resolve_rules
from ..model import RESPONSES
from ..turn import MAX_CASCADE_ROUNDS
from .ceasefire import ceased_room, end_wars_of, note_logged
from .compiled import jit
from .open_loop import ENDS_WAR, NEW, OPENED, PREFIX, TURN, VERSION, made_attack, open_turns, unpacked
from .run_arrays import viewed
from .settle_loop import ANSWERED, ATTACKS, CLOSED, WARS, close_turn
from .war import _PERSON_BYTES, ROWS_KEPT, _Run, doctrine_arrays

if TYPE_CHECKING:
    from .run_loop import RunState

__all__ = ["STOPPED", "ClosesKept", "play_turns", "turns"]

# `play_turns` returns the opening's statuses, or STOPPED + the close's status where a close stopped.
STOPPED = 100
_EMPTY = -1


def _place(firsts: Any, version: int, turn: int, attack: int) -> int:
    """Where (version, turn, attack) is kept in the open-addressed `firsts` (rows (version, turn, attack),
    -1: empty; its length a power of two, never full), or the empty row where it would go."""
    mask = firsts.shape[0] - 1
    h = (version * 1000003 + turn * 8191 + attack) & mask
    while firsts[h, 0] != _EMPTY:
        if firsts[h, 0] == version and firsts[h, 1] == turn and firsts[h, 2] == attack:
            break
        h = (h + 1) & mask
    return int(h)


place = jit(_place)


def _keep_first(firsts: Any, tables: Any, version: int, turn: int, attack: int, table: int) -> None:
    """`table` kept for (version, turn, attack) in `firsts` (with room for it) and `tables`."""
    h = place(firsts, version, turn, attack)
    firsts[h, 0], firsts[h, 1], firsts[h, 2] = version, turn, attack
    tables[h] = table


keep_first = jit(_keep_first)


class ClosesKept:
    """What a close reads that the run loop looked up, kept for the compiled turn loop, for one
    generation of the cascade tables and one numbering of the plan (`for_now`): the first round's
    table of each (version, turn, attack), and per version the cascade's constants, the states'
    powers and the treaties in force."""

    def __init__(self, n_states: int, n_treaties: int) -> None:
        self.key = (-2, -2)
        self.n_states, self.n_treaties = n_states, n_treaties
        self._afresh(64, 16)

    def _afresh(self, room: int, versions: int) -> None:
        self.firsts = np.full((room, 3), _EMPTY, dtype=np.int64)
        self.tables = np.zeros(room, dtype=np.int64)
        self.n_firsts = 0
        self.known = np.zeros(versions, dtype=np.bool_)
        self.consts = np.zeros((versions, 0), dtype=np.float64)  # (as wide as the cascade's constants, once met)
        self.powers = np.zeros((versions, self.n_states), dtype=np.float64)
        self.in_force = np.zeros((versions, self.n_treaties), dtype=np.bool_)

    def for_now(self, generation: int, numbering: int) -> ClosesKept:
        """Kept for the tables' `generation` and the plan's `numbering` (emptied when either changes)."""
        if self.key != (generation, numbering):
            self.key = (generation, numbering)
            self._afresh(64, 16)
        return self

    def add_first(self, version: int, turn: int, attack: int, table: int) -> None:
        """The first round's table of `attack` made on `turn` at `version` (numbered as the run's arrays)."""
        if 2 * (self.n_firsts + 1) > self.firsts.shape[0]:
            old = self.firsts[self.firsts[:, 0] != _EMPTY], self.tables[self.firsts[:, 0] != _EMPTY]
            self.firsts = np.full((2 * self.firsts.shape[0], 3), _EMPTY, dtype=np.int64)
            self.tables = np.zeros(self.firsts.shape[0], dtype=np.int64)
            for (v, t, a), k in zip(old[0].tolist(), old[1].tolist()):
                keep_first(self.firsts, self.tables, v, t, a, k)
        if self.firsts[place(self.firsts, version, turn, attack), 0] == _EMPTY:
            self.n_firsts += 1
        keep_first(self.firsts, self.tables, version, turn, attack, table)

    def knows(self, version: int) -> bool:
        return version < self.known.shape[0] and bool(self.known[version])

    def add_version(self, version: int, consts: Any, powers: Any, in_force: Any) -> None:
        """What a close reads of `version` (numbered as the run's arrays)."""
        if self.consts.shape[1] != len(consts):
            self.consts = np.zeros((self.consts.shape[0], len(consts)), dtype=np.float64)
        if version >= self.known.shape[0]:
            more = 2 * (version + 1) - self.known.shape[0]
            self.known = np.concatenate([self.known, np.zeros(more, dtype=np.bool_)])
            self.consts = np.concatenate([self.consts, np.zeros((more, self.consts.shape[1]))])
            self.powers = np.concatenate([self.powers, np.zeros((more, self.powers.shape[1]))])
            self.in_force = np.concatenate([self.in_force, np.zeros((more, self.in_force.shape[1]), dtype=np.bool_)])
        self.consts[version], self.powers[version], self.in_force[version] = consts, powers, in_force
        self.known[version] = True

    def arrays(self) -> tuple[Any, ...]:
        return self.firsts, self.tables, self.known, self.consts, self.powers, self.in_force


def _cease(inject: int, turn: int, ending: Any, plan: Any, views: Any, run: Any) -> bool:
    """The wars the ceasefire `inject` (its place; fired) ends, ended in the run (`_end_wars`, as the run
    loop's ceasefire ends them), the origins ceased logged for the run loop (`ending`'s log: (ceasefire,
    origin) rows, and its counters (rows, ceasefires)), then the attack it makes made (as
    `open_loop._fire` makes it). False, and nothing changed, where the log has too little room."""
    (parties, table, attackers, in_arms, key_attack, key_state, given_side, ceased, log, logged,
     longest_attackers) = ending
    (key_given, key_order, attack_turn_of, attack_order) = run[2], run[3], run[5], run[6]
    made, new, began, war_list, at, adjacent = views[1], views[2], views[4], views[5], views[9], views[17]
    n_attacks, n_answers, n_wars = at[ATTACKS], at[ANSWERED], at[WARS]
    if logged[0] + n_attacks > log.shape[0]:
        return False
    origins = np.empty(n_attacks, dtype=np.int64)
    n = end_wars_of(parties[inject, 0], parties[inject, 1], war_list, adjacent, began, at, attack_order,
                    attack_turn_of, table, attackers, key_order, key_given, in_arms, key_attack, key_state,
                    given_side, ceased, np.empty((n_answers, 3), dtype=np.int64),
                    np.empty(attackers.shape[0] + n_answers * longest_attackers + 1, dtype=np.int64), origins,
                    np.empty(n_wars, dtype=np.int64), np.empty((n_wars, 2), dtype=np.int64))
    for i in range(n):
        log[logged[0], 0] = logged[1]
        log[logged[0], 1] = origins[i]
        logged[0] += 1
    logged[1] += 1
    made_attack(inject, turn, plan[1], plan[2], attack_turn_of, attack_order, made, new, at)
    return True


cease = jit(_cease)


def _play_turns(last: int, opening: Any, kept: Any, first: Any, weights: Any, cuts: Any, longest: int,
                max_rounds: int, workspace: Any, closing: Any, run: Any, missing: Any, ending: Any
                ) -> tuple[int, int]:
    """The run's turns up to `last` opened (`opening`: open_turns' arguments but `last`), each ceasefire's
    wars ended (`ending`: what `_cease` reads of the plan, and its log), each turn that made attacks
    closed (`close_turn`) where `kept` holds its first tables and its version's reading (`first`: room
    for the first tables; `weights`, `cuts`: the run's doctrine's; `longest`: the longest key of the
    tables; `workspace`: the run's cascade's arrays, as `_Run.workspace` gives them; `closing`: the
    close's arguments read off the tables and the plan; `run`, `missing`: the run's arrays). Returns the
    opening's (status, detail), OPENED for a close the run loop makes, ENDS_WAR for a ceasefire it
    makes, or STOPPED + the status of a close that stopped, with its detail."""
    (pooled, store, ints, floats, flags, spans, attack_turn, attack_order, buf, seed_len, person) = opening
    firsts, tables, known, consts, powers, in_force = kept
    (cursor, work, stands, already, said, due, at_war, enemies, n_enemies, cbuf, tab, out_answers, out_wars,
     out_attacks) = workspace
    rows, levels, table_attack, account, outs, triggers, gain, loss = closing
    plan = unpacked(pooled)
    views = viewed(ints, floats, flags, spans)
    new, war_list, opened, at, reputation = views[2], views[5], views[8], views[9], views[10]
    while True:
        status, detail = open_turns(last, pooled, store, ints, floats, flags, spans, attack_turn, attack_order,
                                    buf, seed_len, person)
        if status == ENDS_WAR and cease(detail, opened[TURN], ending, plan, views, run):
            continue
        if status != OPENED:
            return status, detail
        turn, version, n = detail, at[VERSION], at[NEW]
        if version >= known.shape[0] or not known[version] or n >= work.shape[1] or n > first.shape[0]:
            return OPENED, turn
        for i in range(n):
            h = place(firsts, version, turn, new[i])
            if firsts[h, 0] == _EMPTY:
                return OPENED, turn
            first[i] = tables[h]
        prefix = opened[PREFIX]  # ("seed|turn|", as the opening wrote it for the turn's draws)
        if cbuf.shape[0] < prefix + longest:
            return OPENED, turn
        cbuf[:prefix] = buf[:prefix]
        status, detail = close_turn(True, first[:n], war_list[:at[WARS]], (
            cursor, work, stands, already, said, due, at_war, enemies, n_enemies, reputation, weights, cuts,
            consts[version], cbuf, prefix, person, max_rounds, tab, out_answers, out_wars, out_attacks),
            rows, levels, table_attack, turn, account, outs, triggers, gain, loss, powers[version],
            in_force[version], run, at, missing)
        if status != CLOSED:
            return STOPPED + status, detail


play_turns = jit(_play_turns)


# --- the run loop's side ----------------------------------------------------------------------------

def turns(run: RunState, last: int) -> tuple[int, int]:
    """The compiled loop (`play_turns`) from where the run stands, under the tables' lock: its turns
    opened, its ceasefires made, and its turns closed where what a close reads is kept. A close it began
    and stopped goes on in the run loop under the same lock (the tables' buffers hold its cascade), and
    the loop goes on. Returns what the loop stopped for (the opening's status, or OPENED for a close)."""
    with run.loop.cascade.lock:
        while True:
            status, detail = _called(run, last)
            if status < STOPPED:
                return status, detail
            run.cascade((status - STOPPED, detail))


def _called(run: RunState, last: int) -> tuple[int, int]:
    loop, openings, tables = run.loop, run.loop.openings, run.loop.cascade
    run.renumbered()
    if len(tables.situations) >= ROWS_KEPT or len(tables.found) >= ROWS_KEPT:
        tables._empty()
    kept = loop.closes_kept.for_now(tables.generation, run.numbering)
    rows, read, outs, triggers, _ = loop.settling(tables)  # (which numbers what tables were built)
    run._room()
    ceased_room(run)
    weights, cuts = doctrine_arrays(run.ctx.doctrine)
    if run.last is None:  # (a run played before gives its cascade's arrays over, else they are made)
        run.last = loop.spare_cascades.pop() if loop.spare_cascades else _Run(
            tables, [], run.numbered(), run.reputation, weights, cuts, np.zeros(0), b"")  # (its constants: the turn's)
    opening = (openings.plan(), openings.store(), *run.pools, run.attack_turn_of, run.attack_order, run.buf,
               run.seed_len, _PERSON_BYTES)
    ending = (loop.ceasefire_parties, loop.attack_rows.view(), loop.attackers.view(), loop.in_arms.view(),
              loop.key_attack.view(), loop.key_state.view(), loop.given_side.view(), run.ceased_mask,
              run.ceased_log, run.logged, loop.longest_attackers)
    status, detail = play_turns(
        last, opening, kept.arrays(), run.first, weights, cuts, tables.longest, MAX_CASCADE_ROUNDS,
        run.last.workspace(tables), (read[0], len(RESPONSES), read[1], read[2], outs, triggers,
                                     resolve_rules.REPUTATION_GAIN, resolve_rules.REPUTATION_LOSS),
        run.arrays(), run.missing, ending)
    run.turn = int(run.cursor[TURN])
    if run.logged[0]:
        note_logged(run)
    run._changed()  # (a close or a ceasefire in the call may have changed the wars)
    return int(status), int(detail)
