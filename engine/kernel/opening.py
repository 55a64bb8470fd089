"""What the runs of one plan share for their turns' openings (engine.kernel.open_loop): the scenario's
injects and options laid out, and what the runs have met, as the compiled opening reads them.

- The versions of the setting (`engine.state.GameState.setting`) numbered, and where each inject
  leads each version met (-1: not met yet), read by `engine.kernel.setting.Transitions`, the
  reference engine's own fold.
- Each option's tables, read off the reference engine's readings (`engine.kernel.options`) at the
  version of the setting a run met it at, and for a deployment or a signing at the enemies of the
  state its reading is kept by: every table's arrays in three pools (floats, integers, flags), each
  array's span in them, and per (option, version) the tables met, chained, with the enemies each
  was read at.

Both are numbered with the plan's other numbers (engine.kernel.run_plan.RunLoop): the versions
start afresh past their bound as the plan numbers afresh (a run begun under other numbers is played
again), the tables past theirs at once (a run looks its table up at each option). Memory stays
flat however many runs.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from ..model import Inject
from ..state import GameState
from .columns import Column
from .open_loop import KIND_CODES, READ_IN_PYTHON
from .options import attack_table, ceasefire_table, deployment_table, option_key, signed_table, withdrawal_table

if TYPE_CHECKING:
    from .run_plan import RunLoop

__all__ = ["OpeningTables", "VERSIONS_KEPT", "option_table"]

# Versions of the setting numbered per plan before it numbers afresh (a teaching batch meets some tens).
VERSIONS_KEPT = 4096
# Options' tables kept per plan, then afresh (each is a few small arrays; a batch meets some hundreds).
TABLES_KEPT = 4096


def option_table(kind: str, inject: Inject, gs: GameState) -> tuple[Any, ...]:
    """The option's table, read off the reference engine's reading in the game's state `gs`."""
    world = gs.played_world()
    if kind == "attack":
        return attack_table(world, inject, gs.setting).arrays
    if kind == "deployment":
        return deployment_table(world, inject, gs.setting, gs.warfare)
    if kind == "ceasefire":
        return ceasefire_table(world, inject)
    if kind == "treaty-signed":
        return signed_table(world, inject, gs.warfare)
    return withdrawal_table(world, inject)


class OpeningTables:
    """The plan's injects and options laid out for the compiled opening, and what its runs have met."""

    def __init__(self, loop: RunLoop) -> None:
        scenario = loop.scenario
        self.loop = loop
        self.injects = tuple(scenario.inject(x) for x in loop.options.injects)
        n_injects, options = len(self.injects), loop.options.options
        # per turn, the injects due (not an option, not the umpire's), each with its requirements' places
        # (one the scenario does not hold is never fired: the last place of the fired mask, always False)
        due_start: list[int] = []
        due_stop: list[int] = []
        due: list[int] = []
        req_start: list[int] = []
        req_stop: list[int] = []
        requires: list[int] = []
        for turn in range(scenario.turns + 2):
            due_start.append(len(due))
            for inject, needs in loop.scheduled.get(turn, ()):
                due.append(loop.place[inject.id])
                req_start.append(len(requires))
                requires.extend(needs)
                req_stop.append(len(requires))
            due_stop.append(len(due))
        kind, actor, target, keyed_by, key_start, key_len = [], [], [], [], [], []
        key_bytes = bytearray()
        for x in options:
            code, state, keyed = loop.option_of[x]
            kind.append(KIND_CODES.get(code, READ_IN_PYTHON))
            actor.append(loop.at[state])
            target.append(loop.at.get(loop.by_option[x].target or "", -1))
            keyed_by.append(loop.at[keyed] if keyed else -1)
            key = option_key(x)
            key_start.append(len(key_bytes))
            key_len.append(len(key))
            key_bytes.extend(key)
        self.longest_key = max(key_len, default=0)
        i = np.int64
        self.ends_war = np.asarray([x.kind.traits.ends_war for x in self.injects] + [False], dtype=np.bool_)
        self.probe_of = np.asarray([loop.attack_place.get(x.id, -1) if loop.attack_of[x.id] is not None else -1
                                    for x in self.injects] + [-1], dtype=i)
        probes = loop.probes.arrays
        # The plan's integer arrays after the attacks each inject makes (numbered with the plan), in the
        # order engine.kernel.open_loop.unpacked views them; then its flags; the probes' strengths; the keys.
        self.kind = np.asarray(kind, dtype=i)  # (per option, its kind's code: open_loop.KIND_CODES)
        self._ints = [np.asarray(x, dtype=i) for x in (
            [], self.kind, actor, target, range(len(options)), due_start, due_stop, due, req_start, req_stop, requires,
            *loop.options.arrays, keyed_by, key_start, key_len, *probes[:4])]
        self._flags = [self.ends_war, probes[4]]
        self._strength, self._keys = probes[5], np.frombuffer(bytes(key_bytes) or b"\0", dtype=np.uint8)
        self.n_injects, self.n_options, self.n_states = n_injects, len(options), len(loop.ids)
        self.afresh()

    def afresh(self) -> None:
        """Numbered afresh with the plan (`RunLoop._number`): the versions, the transitions, the attacks
        each inject makes, the tables."""
        loop = self.loop
        self.versions: list[int] = []
        self.version_at: dict[int, int] = {}
        self.successor = np.full((16, self.n_injects + 1), -1, dtype=np.int64)
        self.attack_of = np.asarray([loop.attack_number.get(x.id, -1) for x in self.injects] + [-1], dtype=np.int64)
        self._plan: tuple[Any, ...] | None = None
        self.tables_afresh()

    def tables_afresh(self) -> None:
        """The options' tables emptied (past their bound)."""
        self.head = np.full((self.n_options, 16), -1, dtype=np.int64)
        self.following, self.first = Column(np.int64), Column(np.int64)
        self.rows = Column(np.bool_, (self.n_states,))
        self.f, self.i, self.b = Column(np.float64), Column(np.int64), Column(np.bool_)
        self.spans = Column(np.int64, (2,))
        self._stored()

    def full(self) -> bool:
        """Whether the versions numbered have reached their bound (the plan numbers afresh)."""
        return len(self.versions) >= VERSIONS_KEPT

    def version(self, setting: int) -> int:
        """The number of a version of the setting (numbered when first met)."""
        found = self.version_at.get(setting)
        if found is None:
            found = self.version_at[setting] = len(self.versions)
            self.versions.append(setting)
            if found >= self.successor.shape[0]:
                grown = np.full((2 * found, self.successor.shape[1]), -1, dtype=np.int64)
                grown[:self.successor.shape[0]] = self.successor
                self.successor = grown
                self._plan = None
        return found

    def lead(self, version: int, place: int, setting: int) -> None:
        """Inject `place` fired at `version` leads to the setting `setting`."""
        after = self.version(setting)
        self.successor[version, place] = after

    def add(self, o: int, version: int, arrays: tuple[Any, ...], row: Any) -> None:
        """Option o's table at `version` (`row`: the enemies it was read at, for a kind kept by them)."""
        if len(self.first) >= TABLES_KEPT:
            self.tables_afresh()
        # A new head, not this one changed in place: a run of another thread may be reading this one in
        # the compiled loop, with the chains as they were (each table's link, its enemies).
        grown = np.full((self.n_options, max(self.head.shape[1], 2 * version + 2)), -1, dtype=np.int64)
        grown[:, :self.head.shape[1]] = self.head
        self.head = grown
        self.first.append(len(self.spans))
        for array in arrays:
            pool = self.f if array.dtype == np.float64 else self.i if array.dtype == np.int64 else self.b
            start = len(pool)
            pool.extend(array.ravel().tolist())
            self.spans.append((start, len(pool)))
        e = len(self.following)
        self.following.append(self.head[o, version])
        self.rows.append(row if row is not None else np.zeros(self.n_states, dtype=np.bool_))
        self.head[o, version] = e
        self._stored()

    def plan(self) -> tuple[Any, ...]:
        """What the compiled opening reads of the plan, in pools (engine.kernel.open_loop.unpacked): its
        integer arrays, its flags, the probes' strengths, the options' keys, each array's span in its
        pool, where each inject leads each version."""
        if self._plan is None:
            ints, flags = [self.attack_of, self.probe_of, *self._ints[1:]], self._flags
            spans, start = [], 0
            for x in ints:
                spans.append((start, start + x.shape[0]))
                start += x.shape[0]
            start = 0
            for x in flags:
                spans.append((start, start + x.shape[0]))
                start += x.shape[0]
            self._plan = (np.concatenate(ints), np.concatenate(flags), self._strength, self._keys,
                          np.asarray(spans, dtype=np.int64), self.successor)
        return self._plan

    def store(self) -> tuple[Any, ...]:
        """The options' tables as the compiled opening reads them (its `store`): made where a table is
        added, under the plan's lock, so that runs of other threads read whole arrays, never a column
        being written."""
        return self._store

    def _stored(self) -> None:
        pools = (self.f.view(), self.i.view(), self.b.view())
        self._store = (self.head, self.following.view(), self.rows.view(), *pools, self.spans.view(),
                       self.first.view())
