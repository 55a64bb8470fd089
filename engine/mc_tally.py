"""What one run leaves behind, and the tally of many: counts and exact sums that merge exactly.

A `Tally` is a mergeable partial aggregate: workers tally chunks of runs and the
caller merges them. It holds only integer counts and exact float sums, so
merging is associative and commutative to the last bit.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .mc_stats import ExactSum, Moments

if TYPE_CHECKING:
    from .mc_results import Results
    from .montecarlo import Plan

__all__ = ["Entry", "RunSummary", "Tally", "NO_TURN", "ASKED", "FIRST_RESPONSE", "TESTED", "HONOURED", "FIRST_TURN",
           "BOUND"]

# What is counted of a run's answers and commitments: (attack, state, turn, level, bound) and (attack, state, kept).
Entry = tuple[str, str, int, int, bool] | tuple[str, str, bool]

NO_TURN = 10**9  # the first turn of a pair tested without a decision of its own

# The columns of a pair's row in `Tally.pairs`.
ASKED, FIRST_RESPONSE, TESTED, HONOURED, FIRST_TURN, BOUND = 0, 1, 6, 7, 8, 9
_SUMMED = (0, 1, 2, 3, 4, 5, 6, 7, 9)  # every column but the first turn


@dataclass(frozen=True, slots=True)
class RunSummary:
    """What one run leaves behind; its event log is dropped."""
    index: int
    decisions: tuple[tuple[str, str, int, int, bool], ...]  # (attack, state, turn, rank, bound)
    honour: tuple[tuple[str, str, bool], ...]         # (attack, state, every commitment kept)
    honoured: int                                      # commitments kept ...
    tested: int                                        # ... of those put to the test
    cohesion: tuple[tuple[str, float], ...]            # (treaty, cohesion) where tested
    belligerents: int
    first_war: int | None
    script: tuple[bool, ...] | None                    # per entry: matched the record
    weights: tuple[float, ...] = ()                    # the varied weights, in Plan.vary order
    injects: tuple[tuple[str, int], ...] = ()          # (inject, turn) of every inject that fired

    @property
    def honour_rate(self) -> float | None:
        return self.honoured / self.tested if self.tested else None

    @property
    def reproduced(self) -> bool | None:
        return None if self.script is None else all(self.script)


class Tally:
    """Counts and exact sums over some runs; `merge` is associative and commutative."""

    def __init__(self, n_vary: int, n_script: int) -> None:
        self.runs = 0
        # (attack, state) -> [asked, hostile..full (5), tested, honoured, first turn, bound]
        self.pairs: dict[tuple[str, str], list[int]] = {}
        self.cohesion: dict[str, Counter[float]] = {}    # treaty -> Counter(round(c, 4))
        self.cohesion_sum: dict[str, ExactSum] = {}
        self.spread: Counter[int] = Counter()            # belligerents -> runs
        self.first_war: Counter[int] = Counter()         # turn (0: no war) -> runs
        self.honour_rates = ExactSum()
        self.honour_runs = 0
        self.reproduced = 0
        self.entries = [0] * n_script
        self.moments = ([Moments(n_vary), Moments(n_vary)] if n_vary else [])
        self.peak_rss: dict[str, int] = {}               # worker -> max RSS in KiB (runner's)
        self.injects: dict[str, Counter[int]] = {}       # inject -> Counter(turn it fired)
        self.replayed = 0   # runs the compiled kernel handed to the reference engine (not a result)

    @classmethod
    def empty(cls, plan: Plan) -> Tally:
        return cls(len(plan.vary), len(plan.scenario.script))

    def add(self, run: RunSummary) -> None:
        self.add_all([run])

    def add_all(self, runs: list[RunSummary]) -> None:
        """Each run added, the answers and commitments counted all at once: the same tuples recur
        from run to run, so they are counted first (in C) and each one met is tallied once, times
        its count. The counts are the same whatever the order and however the runs are grouped."""
        self.runs += len(runs)
        seen: Counter[Entry] = Counter()
        for run in runs:
            seen.update(run.decisions)
            seen.update(run.honour)
            self._add_rest(run)
        self.add_counts(seen)

    def add_counts(self, seen: Mapping[Entry, int]) -> None:
        """Answers (attack, state, turn, level, bound) and commitments (attack, state, kept), each with
        the number of runs that gave it: of runs counted here, or elsewhere (`add_all`, or the run loop,
        which counts its answers by number and names them once, engine.kernel.counted)."""
        pairs = self.pairs
        for entry, n in seen.items():
            row = pairs.get((entry[0], entry[1]))
            if len(entry) == 5:
                _, _, turn, rank, bound = entry
                if row is None:
                    row = pairs[(entry[0], entry[1])] = [0, 0, 0, 0, 0, 0, 0, 0, turn, 0]
                row[ASKED] += n
                row[FIRST_RESPONSE + rank] += n
                row[BOUND] += bound * n
                if turn < row[FIRST_TURN]:
                    row[FIRST_TURN] = turn
            else:
                if row is None:  # tested without a decision of its own (a standing answer)
                    row = pairs[(entry[0], entry[1])] = [0, 0, 0, 0, 0, 0, 0, 0, NO_TURN, 0]
                row[TESTED] += n
                row[HONOURED] += entry[2] * n

    def add_fired(self, fired: Mapping[str, Mapping[int, int]]) -> None:
        """Per inject, the runs that fired it on each turn: of runs counted elsewhere (the run loop, which
        counts them by number, engine.kernel.counted)."""
        for inject, turns in fired.items():
            self.injects.setdefault(inject, Counter()).update(turns)

    def _add_rest(self, run: RunSummary) -> None:
        """What is tallied of a run besides its answers and commitments."""
        for treaty, value in run.cohesion:
            self.cohesion.setdefault(treaty, Counter())[round(value, 4)] += 1
            self.cohesion_sum.setdefault(treaty, ExactSum()).add(value)
        injects = self.injects
        for inject, turn in run.injects:
            counts = injects.get(inject)
            if counts is None:
                counts = injects[inject] = Counter()
            counts[turn] += 1
        self.spread[run.belligerents] += 1
        self.first_war[run.first_war or 0] += 1
        rate = run.honour_rate
        if rate is not None:
            self.honour_runs += 1
            self.honour_rates.add(rate)
        if run.script is not None:
            self.reproduced += all(run.script)
            for i, ok in enumerate(run.script):
                self.entries[i] += ok
        if self.moments:
            if rate is not None:
                self.moments[0].add(run.weights, rate)
            self.moments[1].add(run.weights, float(run.belligerents))

    def merge(self, other: Tally) -> Tally:
        self.runs += other.runs
        for key, row in other.pairs.items():
            mine = self.pairs.get(key)
            if mine is None:
                self.pairs[key] = list(row)
            else:
                for i in _SUMMED:
                    mine[i] += row[i]
                mine[FIRST_TURN] = min(mine[FIRST_TURN], row[FIRST_TURN])
        for treaty, counts in other.cohesion.items():
            self.cohesion.setdefault(treaty, Counter()).update(counts)
            self.cohesion_sum.setdefault(treaty, ExactSum()).merge(other.cohesion_sum[treaty])
        for inject, turns in other.injects.items():
            self.injects.setdefault(inject, Counter()).update(turns)
        self.spread.update(other.spread)
        self.first_war.update(other.first_war)
        self.honour_rates.merge(other.honour_rates)
        self.honour_runs += other.honour_runs
        self.replayed += other.replayed
        self.reproduced += other.reproduced
        self.entries = [a + b for a, b in zip(self.entries, other.entries)] or other.entries
        for ours, theirs in zip(self.moments, other.moments):
            ours.merge(theirs)
        for worker, rss in other.peak_rss.items():
            self.peak_rss[worker] = max(rss, self.peak_rss.get(worker, 0))
        return self

    def results(self, plan: Plan, *, interrupted: bool = False) -> Results:
        """The figures as reported (`engine.mc_results`, which reads the tally, not the reverse)."""
        from .mc_results import Results, results_data
        return Results(results_data(self, plan, interrupted))
