"""The compiled Monte Carlo kernel: the runs of a plan over flat tables, at machine speed.

The rules stay in the reference engine. The tables (`tables`) are read off the
engine's own phases and functions, the arithmetic is `engine.numeric` compiled as
it is (`compiled`), and the kernel holds the run loop alone (`loop`). A run gives
the same `RunSummary` whichever plays it, so the tallies, and the results' bytes,
are the same (tests/test_kernel.py checks it run by run).

The scope (`scope.kernel_scope`) is a first one: no cascades of wars (a run whose
answer begins a war is played again by the reference engine), no options, scripts,
effects, treaty injects, conditional obligations, --vary or prefixes.
"""
from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from ..mc_tally import RunSummary, Tally
from .scope import OutOfScope, kernel_scope

if TYPE_CHECKING:
    from ..montecarlo import Plan
    from .tables import Tables

__all__ = ["Prepared", "OutOfScope", "kernel_scope", "prepare", "run_chunk", "summaries"]

# Runs handed to the compiled loop at once: its outputs are runs x slots, so memory stays
# bounded whatever the chunk a worker is given.
BATCH = 2048


@dataclass
class Prepared:
    """A plan's tables and the compiled loop, or why the plan goes to the reference engine."""
    tables: Tables | None
    reason: str | None
    compile_seconds: float = 0.0   # the loop's first compile (or its load from the disk cache)
    build_seconds: float = 0.0


_MEMO: dict[tuple[int, tuple[tuple[str, float], ...]], tuple[Any, Prepared]] = {}
_LOCK = threading.Lock()


def prepare(plan: Plan) -> Prepared:
    """The tables of the plan (built once per scenario and weights, in this process), or the reason
    the kernel does not play it. Call before forking workers: they inherit what is built."""
    reason = kernel_scope(plan.scenario, plan)
    if reason is not None:
        return Prepared(None, reason)
    key = (id(plan.scenario), tuple(sorted(plan.weights.items())))
    with _LOCK:
        found = _MEMO.get(key)
        if found is not None and found[0] is plan.scenario:
            return found[1]
        prepared = _prepare(plan)
        if len(_MEMO) > 16:
            _MEMO.clear()
        _MEMO[key] = (plan.scenario, prepared)
        return prepared


def _prepare(plan: Plan) -> Prepared:
    from ..montecarlo import _PLAYERS
    from .tables import build_tables
    began = time.perf_counter()
    try:
        tables = build_tables(plan.scenario, _PLAYERS.doctrine(plan.scenario, dict(plan.weights)))
    except OutOfScope as exc:
        return Prepared(None, str(exc))
    built = time.perf_counter()
    _warm(tables)
    return Prepared(tables, None, compile_seconds=time.perf_counter() - built, build_seconds=built - began)


def _warm(tables: Tables) -> None:
    """Compile the loop (or load it from numba's disk cache) by playing no run."""
    _play(tables, np.zeros(0, dtype=np.int64))


def _play(tables: Tables, seeds: Any) -> tuple[Any, Any, Any, Any]:
    from .loop import COLUMNS, play_runs
    from .tables import REPUTATION_FACTOR
    arrays = tables.arrays
    n = seeds.shape[0]
    ranks = np.empty((n, len(tables.slots)), dtype=np.int64)
    honour = np.empty((n, arrays["r_slot"].shape[0]), dtype=np.int8)
    cohesion = np.zeros((n, arrays["m_c_start"].shape[0]), dtype=np.float64)
    bail = np.zeros(n, dtype=np.bool_)
    play_runs(seeds, tables.weights, tables.cuts, REPUTATION_FACTOR, tuple(arrays[c] for c in COLUMNS),
              ranks, honour, cohesion, bail)
    return ranks, honour, cohesion, bail


def summaries(plan: Plan, prepared: Prepared, start: int, stop: int) -> list[tuple[RunSummary, bool]]:
    """The summaries of runs start..stop-1, each exactly what the reference engine's would be,
    and whether the reference engine played it (an answer began a war)."""
    from ..montecarlo import play_run, run_seed
    tables = prepared.tables
    assert tables is not None, prepared.reason
    out: list[tuple[RunSummary, bool]] = []
    for a in range(start, stop, BATCH):
        b = min(stop, a + BATCH)
        seeds = np.asarray([run_seed(plan.seed, i) for i in range(a, b)], dtype=np.int64)
        ranks, honour, cohesion, bail = _play(tables, seeds)
        for k, index in enumerate(range(a, b)):
            if bail[k]:
                out.append((play_run(plan, index), True))
            else:
                out.append((_summary(plan, tables, index, ranks[k], honour[k], cohesion[k]), False))
    return out


def _summary(plan: Plan, tables: Tables, index: int, ranks: Any, honour: Any, cohesion: Any) -> RunSummary:
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
        belligerents=tables.belligerents, first_war=tables.first_war, script=script, weights=(),
        injects=tables.fired)


def run_chunk(plan: Plan, start: int, stop: int) -> Tally:
    """The tally of runs start..stop-1 played by the kernel (what a worker sends back)."""
    prepared = prepare(plan)
    if prepared.tables is None:
        raise OutOfScope(prepared.reason or "out of the kernel's scope")
    tally = Tally.empty(plan)
    for summary, replayed in summaries(plan, prepared, start, stop):
        tally.add(summary)
        tally.replayed += replayed
    return tally
