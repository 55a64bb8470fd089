"""The compiled Monte Carlo kernel: the runs of a plan over flat tables, at machine speed.

The rules stay in the reference engine. The tables (`tables`) are read off the
engine's own phases and functions, the arithmetic is `engine.numeric` compiled as it
is (`compiled`), and the kernel holds the run loops alone. A run gives the same
`RunSummary` whichever plays it, so the tallies, and the results' bytes, are the same
(tests/test_kernel.py and tests/test_kernel_run_loop.py check it run by run).

A plan's runs are played first by the skeleton's loop (`loop`): the turns of the
scenario as one play of it with a recording decider laid them out, each run's answers
drawn from its own seed and reputations. A run leaves those tables where its world parts
from the skeleton's: a turn in which an answer begins a war, a turn on which an option is
open (its actor's choice), a turn whose close meets a conditional obligation. The run
loop (`run_loop`) then plays it from its start, over its own state held as arrays and
plain values, every rule read where it lives: the options' chances and draws and the
turns' cascades, councils' votes and commitments in compiled loops (`options`,
`option_phase`, `war`, `accounts`, `settle_loop`), the setting's versions and a
ceasefire's wars by the reference engine's own functions (`setting`).

What the run loop does not play yet (a conditional obligation in a cascade) and runs
from a game's prefix (the console's what-if: the prefix is folded and read once per
plan and each run starts from its state, `prefix`) are played the older way: the
reference engine plays the turn the run left the tables at (its cascade and councils'
votes by the compiled loops, `close`) and the run comes back on tables of the state it
reached where that pays (`resume`). Which engine plays a what-if inside a request,
whose budget a first compile would break, is `warm`'s choice.
"""
from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from ..mc_stats import ExactSum
from ..mc_tally import RunSummary, Tally
from .counted import Counted
from .scope import OutOfScope, kernel_scope, loop_scope

if TYPE_CHECKING:
    from ..montecarlo import Plan
    from .prefix import Start
    from .run_loop import RunLoop
    from .tables import Tables

__all__ = ["Prepared", "OutOfScope", "kernel_scope", "prepare", "run_chunk", "summaries"]

# Runs handed to the compiled loop at once: its outputs are runs x slots, so memory stays
# bounded whatever the chunk a worker is given.
BATCH = 2048
_NO_LEVEL = 99  # a rank no script entry records


@dataclass
class Prepared:
    """A plan's tables and the compiled loop, or why the plan goes to the reference engine."""
    tables: Tables | None
    reason: str | None
    compile_seconds: float = 0.0   # the loop's first compile (or its load from the disk cache)
    build_seconds: float = 0.0
    start: Start | None = None     # a game's prefix, folded and read once (engine.kernel.prefix)
    loop: RunLoop | None = None    # the run loop, which plays the runs that leave the tables (engine.kernel.run_loop)


_MEMO: dict[tuple[int, tuple[tuple[str, float], ...], int], tuple[Any, Any, Prepared]] = {}
_LOCK = threading.Lock()


def prepare(plan: Plan) -> Prepared:
    """The tables of the plan (built once per scenario and weights, in this process), or the reason
    the kernel does not play it. Call before forking workers: they inherit what is built."""
    reason = kernel_scope(plan.scenario, plan)
    if reason is not None:
        return Prepared(None, reason)
    # a prefix is the plan's own tuple: the console's chunks of one what-if share it
    key = (id(plan.scenario), tuple(sorted(plan.weights.items())), id(plan.prefix))
    with _LOCK:
        found = _MEMO.get(key)
        if found is not None and found[0] is plan.scenario and found[1] is plan.prefix:
            return found[2]
        prepared = _prepare(plan)
        if len(_MEMO) > 16:
            _MEMO.clear()
        _MEMO[key] = (plan.scenario, plan.prefix, prepared)
        return prepared


def _prepare(plan: Plan) -> Prepared:
    from ..montecarlo import _PLAYERS
    from .prefix import fold_prefix, prefix_tables
    from .tables import build_tables
    began = time.perf_counter()
    doctrine = _PLAYERS.doctrine(plan.scenario, dict(plan.weights))
    start = None
    try:
        if plan.prefix:
            start = fold_prefix(plan)
            tables = prefix_tables(plan, doctrine, start)
        else:
            tables = build_tables(plan.scenario, doctrine)
    except OutOfScope as exc:
        return Prepared(None, str(exc))
    loop = None
    if start is None and loop_scope(plan) is None:
        from .run_loop import RunLoop
        loop = RunLoop(plan)
    built = time.perf_counter()
    _warm(tables)
    if loop is not None:
        from .run_loop import warm_up
        warm_up(plan, loop)
    return Prepared(tables, None, compile_seconds=time.perf_counter() - built, build_seconds=built - began,
                    start=start, loop=loop)


def _warm(tables: Tables) -> None:
    """Compile the loops (or load them from numba's disk cache): the runs' by playing no run, the
    cascade's by playing no attack."""
    from . import warm
    from .war import compile_loop
    _play(tables, np.zeros(0, dtype=np.int64))
    compile_loop()
    warm._LOADED.set()


def _weights(plan: Plan, tables: Tables, start: int, stop: int) -> tuple[Any, list[tuple[float, ...]]]:
    """Each run's doctrine weights (the scenario's, the plan's fixed ones, then its varied ones, as
    engine.montecarlo.play_run builds its doctrine), and the varied ones alone."""
    from ..doctrine import FACTORS
    from ..montecarlo import run_weights
    rows = np.tile(tables.weights, (stop - start, 1))
    drawn: list[tuple[float, ...]] = []
    if plan.vary:
        place = {name: i for i, name in enumerate(FACTORS)}
        for k, index in enumerate(range(start, stop)):
            varied = run_weights(plan.seed, index, plan.vary)
            for name, value in varied.items():
                if name in place:  # else an option's resolve, which the reference engine's option phase reads
                    rows[k, place[name]] = float(value)
            drawn.append(tuple(varied.values()))
    else:
        drawn = [()] * (stop - start)
    return rows, drawn


def _play(tables: Tables, seeds: Any, weights: Any = None, reputation: Any = None
          ) -> tuple[Any, Any, Any, Any, Any, Any]:
    """The compiled loop over a batch: per run the ranks, verdicts, cohesions, councils' verdicts,
    the turn a run stopped at (-1: played to the end) and its reputations there."""
    from .loop import COLUMNS, play_runs
    from .tables import REPUTATION_FACTOR
    arrays = tables.arrays
    n = seeds.shape[0]
    ranks = np.empty((n, len(tables.slots)), dtype=np.int64)
    honour = np.empty((n, arrays["r_slot"].shape[0]), dtype=np.int8)
    cohesion = np.zeros((n, arrays["m_c_start"].shape[0]), dtype=np.float64)
    declared = np.empty((n, arrays["g_armed"].shape[0]), dtype=np.int8)
    bail = np.empty(n, dtype=np.int64)
    start = np.tile(arrays["reputation"], (n, 1)) if reputation is None else reputation
    reputation = np.zeros((n, arrays["reputation"].shape[0]), dtype=np.float64)
    if weights is None:
        weights = np.tile(tables.weights, (n, 1))
    play_runs(seeds, weights, start, tables.cuts, REPUTATION_FACTOR, tuple(arrays[c] for c in COLUMNS),
              ranks, honour, cohesion, declared, bail, reputation)
    return ranks, honour, cohesion, declared, bail, reputation


def summaries(plan: Plan, prepared: Prepared, start: int, stop: int) -> list[tuple[RunSummary, bool]]:
    """The summaries of runs start..stop-1, each exactly what the reference engine's would be,
    and whether the reference engine finished it (an answer began a war)."""
    tables = prepared.tables
    assert tables is not None, prepared.reason
    if prepared.start is not None:
        from . import prefix
        return prefix.summaries(plan, tables, prepared.start, start, stop)
    out: list[tuple[RunSummary, bool]] = []
    for batch in _batches(plan, tables, start, stop):
        for k in range(len(batch.seeds)):
            if batch.bail[k] >= 0:
                out.append(_finish(plan, prepared, batch, k))
            else:
                out.append((_summary(plan, tables, batch.first + k, batch.ranks[k], batch.honour[k],
                                     batch.cohesion[k], batch.drawn[k]), False))
    return out


@dataclass(frozen=True)
class _Batch:
    """One batch of runs played by the compiled loop: its outputs, run by run."""
    first: int                     # the index of its first run in the plan
    seeds: Any
    drawn: list[tuple[float, ...]]
    ranks: Any
    honour: Any
    cohesion: Any
    declared: Any
    bail: Any                      # per run, the turn at which it leaves the kernel, else -1
    reputation: Any

    def finish(self, plan: Plan, tables: Tables, k: int, run: Any = None) -> RunSummary:
        """The summary of run k, which left the kernel: the reference engine plays on from there
        (`run`: what the run said before the tables' start, a game's prefix)."""
        from .resume import finish
        return finish(plan, tables, self.first + k, int(self.seeds[k]), int(self.bail[k]), self.ranks[k],
                      self.honour[k], self.cohesion[k], self.declared[k], self.reputation[k], run)


def _batches(plan: Plan, tables: Tables, start: int, stop: int) -> Iterator[_Batch]:
    """Runs start..stop-1 through the compiled loop, BATCH at a time (bounded memory)."""
    from ..montecarlo import run_seed
    for a in range(start, stop, BATCH):
        b = min(stop, a + BATCH)
        seeds = np.asarray([run_seed(plan.seed, i) for i in range(a, b)], dtype=np.int64)
        weights, drawn = _weights(plan, tables, a, b)
        ranks, honour, cohesion, declared, bail, reputation = _play(tables, seeds, weights)
        yield _Batch(a, seeds, drawn, ranks, honour, cohesion, declared, _leaving(tables, bail), reputation)


def _leaving(tables: Tables, bail: Any) -> Any:
    """Per run, the turn (an index into the tables' turns) at which it leaves the kernel, else -1:
    where its answer begins a war, or, when the tables end at an open option, their end."""
    if tables.stop is None:
        return bail
    return np.where(bail < 0, tables.arrays["t_number"].shape[0], bail)


def _summary(plan: Plan, tables: Tables, index: int, ranks: Any, honour: Any, cohesion: Any,
             drawn: tuple[float, ...] = ()) -> RunSummary:
    """engine.montecarlo.summarise, read off the kernel's outputs instead of an event log."""
    from ..montecarlo import _script_matches
    decisions = tuple((a, s, t, int(r), bound) for (a, s, t, bound), r in zip(tables.slots, ranks.tolist())
                      if r >= 0)
    script = None
    if plan.scenario.script:
        # the engine's own reading of the record, given the answers in the order they were drawn
        final = {(a, s): (t, r, b) for a, s, t, r, b in decisions}
        script = _script_matches(plan.scenario, [(a, s, t) for a, s, t, _, _ in decisions], final,
                                 tables.origins)
    kept: dict[tuple[str, str], bool] = {}
    tested = honoured = 0
    pair_of = tables.arrays["r_pair"]
    for r, verdict in enumerate(honour.tolist()):
        if verdict < 0:
            continue
        key = tables.pairs[pair_of[r]]
        ok = verdict == 1
        kept[key] = kept.get(key, True) and ok
        tested += 1
        honoured += ok
    acc: dict[str, list[float]] = {}
    counts = tables.arrays["m_c_stop"] - tables.arrays["m_c_start"]
    for m, value in enumerate(cohesion.tolist()):
        n = int(counts[m]) or 1
        total = acc.setdefault(tables.treaties[m], [0.0, 0.0])
        total[0] += value * n
        total[1] += n
    return RunSummary(
        index=index, decisions=decisions, honour=tuple((a, s, ok) for (a, s), ok in kept.items()),
        honoured=honoured, tested=tested,
        cohesion=tuple((t, total / n) for t, (total, n) in acc.items() if n),
        belligerents=tables.belligerents, first_war=tables.first_war, script=script, weights=drawn,
        injects=tables.fired)


def run_chunk(plan: Plan, start: int, stop: int) -> Tally:
    """The tally of runs start..stop-1 played by the kernel (what a worker sends back).

    The runs the kernel played are added to the tally column by column (`_tally_batch`), the
    counts and exact sums `Tally.add` would make of their summaries; a run that began a war
    is finished by the reference engine (`resume.finish`) and added as its summary."""
    prepared = prepare(plan)
    tables = prepared.tables
    if tables is None:
        raise OutOfScope(prepared.reason or "out of the kernel's scope")
    tally = Tally.empty(plan)
    if prepared.start is not None:  # a game's prefix: each run's summary reads it too
        for summary, left in summaries(plan, prepared, start, stop):
            tally.add(summary)
            tally.replayed += left
        return tally
    counted = Counted()  # (the run loop's answers and commitments, by number: named once, below)
    for batch in _batches(plan, tables, start, stop):
        played = batch.bail < 0
        _tally_batch(plan, tables, batch.ranks[played], batch.honour[played], batch.cohesion[played], tally,
                     [d for d, kept in zip(batch.drawn, played.tolist()) if kept])
        finished = [_finish(plan, prepared, batch, k, counted) for k in np.flatnonzero(~played).tolist()]
        tally.add_all([summary for summary, _ in finished])
        tally.replayed += sum(left for _, left in finished)
    tally.add_counts(counted.entries())
    tally.add_fired(counted.fired())
    return tally


def _finish(plan: Plan, prepared: Prepared, batch: _Batch, k: int,
            counted: Counted | None = None) -> tuple[RunSummary, bool]:
    """The summary of run k of the batch, which left the tables: played by the run loop from its start
    (its answers and commitments counted in `counted`, when given), or where the loop cannot play it,
    by the reference engine from where it left (and True)."""
    from .run_loop import play
    if prepared.loop is not None:
        try:
            return play(plan, prepared.loop, batch.first + k, counted), False
        except OutOfScope:
            pass
    assert prepared.tables is not None
    return batch.finish(plan, prepared.tables, k), True


def _tally_batch(plan: Plan, tables: Tables, ranks: Any, honour: Any, cohesion: Any, tally: Tally,
                 drawn: list[tuple[float, ...]]) -> None:
    """`Tally.add` of each run's summary (`_summary`), for a batch of kernel runs at once."""
    from ..mc_tally import ASKED, BOUND, FIRST_RESPONSE, FIRST_TURN, HONOURED, TESTED
    n = ranks.shape[0]
    if n == 0:
        return
    tally.runs += n
    pairs = tally.pairs
    for j, (attack, state, turn, bound) in enumerate(tables.slots):
        column = ranks[:, j]
        asked = int((column >= 0).sum())
        if not asked:
            continue
        row = pairs.get((attack, state))
        if row is None:
            row = pairs[(attack, state)] = [0, 0, 0, 0, 0, 0, 0, 0, turn, 0]
        row[ASKED] += asked
        for rank, count in enumerate(np.bincount(column[column >= 0], minlength=5).tolist()):
            row[FIRST_RESPONSE + rank] += count
        row[BOUND] += asked if bound else 0
        row[FIRST_TURN] = min(row[FIRST_TURN], turn)
    pair_of = tables.arrays["r_pair"]
    for p, key in enumerate(tables.pairs):
        columns = honour[:, pair_of == p]
        tested = (columns >= 0).any(axis=1)
        if tested.any():
            kept = tested & ~(columns == 0).any(axis=1)
            row = pairs[key]  # a commitment tested has its ally's answer, so its row exists
            row[TESTED] += int(tested.sum())
            row[HONOURED] += int(kept.sum())
    counted = (honour >= 0).sum(axis=1)
    held = (honour == 1).sum(axis=1)
    spread = float(tables.belligerents)
    for t, h, varied in zip(counted.tolist(), held.tolist(), drawn):
        if t:
            tally.honour_runs += 1
            tally.honour_rates.add(h / t)
        if tally.moments:  # varied weights: the sums for their correlations with the outcomes
            if t:
                tally.moments[0].add(varied, h / t)
            tally.moments[1].add(varied, spread)
    _tally_cohesion(tables, cohesion, tally)
    tally.spread[tables.belligerents] += n
    tally.first_war[tables.first_war or 0] += n
    for inject, turn in tables.fired:
        counts = tally.injects.get(inject)
        if counts is None:
            counts = tally.injects[inject] = Counter()
        counts[turn] += n
    if plan.scenario.script:
        _tally_script(plan, tables, ranks, tally)


def _tally_script(plan: Plan, tables: Tables, ranks: Any, tally: Tally) -> None:
    """History reproduced, by the engine's own reading of the record (`_script_matches`). When
    every answer is drawn in every run (the usual case), each entry is read off one slot, found
    once by putting the entry's answer in each slot in turn; else run by run."""
    from ..montecarlo import _script_matches
    script = plan.scenario.script
    order = [(a, s, t) for a, s, t, _ in tables.slots]

    def matches(run: list[int]) -> tuple[bool, ...]:
        final = {(a, s): (t, r, b) for (a, s, t, b), r in zip(tables.slots, run) if r >= 0}
        return _script_matches(plan.scenario, [x for x, r in zip(order, run) if r >= 0], final, tables.origins)

    if not bool((ranks >= 0).all()):
        for run in ranks.tolist():
            found = matches(run)
            tally.reproduced += all(found)
            for i, ok in enumerate(found):
                tally.entries[i] += ok
        return
    if tables.script_slots is None:
        tables.script_slots = _script_slots(plan, tables, matches)
    every = np.ones(ranks.shape[0], dtype=np.bool_)
    for i, (entry, slot) in enumerate(zip(script, tables.script_slots)):
        want = entry.response.rank
        hit: Any = (ranks[:, slot] == want) if slot is not None else np.zeros(ranks.shape[0], dtype=np.bool_)
        tally.entries[i] += int(hit.sum())
        every &= hit
    tally.reproduced += int(every.sum())


def _script_slots(plan: Plan, tables: Tables, matches: Any) -> list[int | None]:
    """The answer slot each script entry reads when every slot is drawn, found by the engine's own
    reading: a slot given each level in turn, the others a level no entry records, matches the
    entries that read it."""
    found: list[int | None] = [None] * len(plan.scenario.script)
    n = len(tables.slots)
    for j in range(n):
        for level in range(5):
            for i, ok in enumerate(matches([level if k == j else _NO_LEVEL for k in range(n)])):
                if ok:
                    found[i] = j
    return found


def _tally_cohesion(tables: Tables, cohesion: Any, tally: Tally) -> None:
    """Per treaty and run, the mean of its cohesions weighted by the commitments tested (summed in
    the order measured, as the run's summary sums them), into the tally's counts and exact sums."""
    weights = (tables.arrays["m_c_stop"] - tables.arrays["m_c_start"]).tolist()
    totals: dict[str, list[Any]] = {}
    for m, treaty in enumerate(tables.treaties):
        w = weights[m] or 1
        acc = totals.get(treaty)
        if acc is None:
            acc = totals[treaty] = [np.zeros(cohesion.shape[0]), 0.0]
        acc[0] = acc[0] + cohesion[:, m] * w
        acc[1] += w
    for treaty, (total, w) in totals.items():
        counts = tally.cohesion.setdefault(treaty, Counter())
        exact = tally.cohesion_sum.setdefault(treaty, ExactSum())
        for value in (total / w).tolist():
            counts[round(value, 4)] += 1
            exact.add(value)
