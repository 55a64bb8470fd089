"""Monte Carlo: many stochastic plays of a scenario, summarised and aggregated.

One run is `Game.new(scenario, seed=run_seed, stochastic=True, verbose=False)`
played to the end, the doctrine sampling every decision with the game's seeded
generator. A run is boiled down at once to a compact `RunSummary` (who answered
what, who honoured, cohesion, how far the war spread); summaries are added into
a `Tally`, a mergeable partial aggregate of counts and exact sums, and the
event log is dropped. Workers return tallies of chunks of runs and the caller
merges them, so memory does not grow with the number of runs.

Reproducibility. Run `i` of master seed `S` is seeded from a hash of (S, i),
and its varied weights are drawn from a generator seeded the same way, so a run
does not depend on which worker played it or in which chunk. A tally holds only
integer counts and exact float sums (Shewchuk's partials, read with
`math.fsum`), so merging is order-independent to the last bit: the same master
seed gives byte-identical results whatever the number of workers or the chunk
size.

Definitions (each the same in the JSON, the CSV and the report):

* a *decision* is the answer that stands for (attack, state): the umpire's
  override if any, else the state's last DECISION event; `bound` counts the
  runs in which it answered under a treaty (the others had only a stake). Attacks are the
  injects' attacks and the wars decisions begin in cascades (`ORIGIN/A>B`).
  Response probabilities are conditional on the state being asked; `asked` says
  in how many runs it was.
* (attack, state) is *honoured* in a run when at least one of the state's
  commitments on that attack was put to the test (a HONOURED or BREACH event)
  and every one was kept. Non-aggression pacts are left out: their breach is
  the attacker's own act, not an ally's answer. A run's *honour rate* is its
  honoured commitments over those put to the test.
* a treaty's *cohesion* in a run is the mean of its per-turn INDICATORS
  cohesion, weighted by the commitments tested that turn; runs in which the
  treaty was never tested are left out (`runs` says how many count).
* *war spread* is the number of belligerents at the end; *first clash* the
  turn of the first WAR event (none: no war in the run).
* *history reproduced*: every script entry's decision in the run equals the
  recorded response. An entry naming an inject is matched by the state's
  decision on that attack, else on the first war begun from it; an entry with
  no inject by the state's first decision on the entry's turn. A state the run
  never asked does not reproduce its entry. Runs are in PLAY mode, so this
  compares the doctrine's sampled answers with the record.
* *sensitivity*: with varied weights, the correlation of each weight with the
  run's honour rate and with the war spread, and the standardized regression
  coefficient (beta) of each weight in a linear regression on all the varied
  weights together.

Intervals are 95% Wilson score intervals.
"""
from __future__ import annotations

import dataclasses
import hashlib
import math
import random
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from .doctrine import FACTORS, Doctrine
from .events import Event, Kind
from .game import Game
from .model import RESPONSES, Scenario
from .state import Status

__all__ = [
    "Vary", "Plan", "RunSummary", "Tally", "Results", "ExactSum",
    "parse_vary", "run_seed", "run_weights", "reseed", "play_run", "summarise",
    "run_chunk", "chunks", "simulate", "wilson", "report_html", "CSV_COLUMNS", "Z95",
]

Z95 = 1.959963984540054  # the normal quantile of 0.975
QUANTILES = (0.05, 0.25, 0.5, 0.75, 0.95)
COHESION_BINS = 10
_LEVELS = tuple(str(r) for r in RESPONSES)


# --- what varies, and how runs are seeded ------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Vary:
    """A doctrine weight drawn uniformly from [low, high] for each run."""
    name: str
    low: float
    high: float

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "low": self.low, "high": self.high}


def parse_vary(text: str) -> Vary:
    """`NAME=LOW:HIGH` (e.g. `reputation=0.5:1.5`); ValueError says what was expected."""
    name, eq, span = text.partition("=")
    name = name.strip()
    if not eq or not name:
        raise ValueError(f"{text!r}: expected NAME=LOW:HIGH, e.g. reputation=0.5:1.5")
    if name not in FACTORS:
        raise ValueError(f"unknown doctrine weight {name!r}; the known weights are: "
                         f"{', '.join(FACTORS)}")
    low_text, colon, high_text = span.partition(":")
    try:
        low, high = float(low_text), float(high_text)
    except ValueError:
        raise ValueError(f"{text!r}: expected NAME=LOW:HIGH with two numbers, "
                         f"e.g. {name}=0.5:1.5") from None
    if not colon or not (math.isfinite(low) and math.isfinite(high)) or low > high:
        raise ValueError(f"{text!r}: expected finite LOW <= HIGH, e.g. {name}=0.5:1.5")
    return Vary(name, low, high)


def run_seed(master: int, index: int) -> int:
    """The game seed of run `index`: a hash, so neighbouring runs share no stream."""
    digest = hashlib.blake2b(f"casus-run|{master}|{index}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") >> 1


def run_weights(master: int, index: int, vary: Sequence[Vary]) -> dict[str, float]:
    """The varied weights of run `index`, drawn in the order given."""
    if not vary:
        return {}
    rng = random.Random(f"casus-vary|{master}|{index}")
    return {v.name: rng.uniform(v.low, v.high) for v in vary}


def reseed(events: Sequence[Event], seed: int) -> list[Event]:
    """A game's events with a new seed in GAME_STARTED, played by the doctrine throughout.

    Decisions are seeded from the game's seed (engine.turn), so a branch of one
    exercise must be re-seeded per run to give different futures; the mode
    becomes PLAY so that nobody waits for a player cell.
    """
    if not events or events[0].kind is not Kind.GAME_STARTED:
        raise ValueError("a prefix of events must begin with the game-started event")
    first = events[0]
    payload = dict(first.payload) | {"seed": seed, "mode": "play", "stochastic": True}
    return [dataclasses.replace(first, payload=payload), *events[1:]]


@dataclass(frozen=True)
class Plan:
    """What to simulate: everything a worker needs to play any run by its index."""
    scenario: Scenario
    runs: int
    seed: int = 0
    weights: Mapping[str, float] = field(default_factory=dict)  # fixed overrides
    vary: tuple[Vary, ...] = ()
    prefix: tuple[Event, ...] = ()

    def __post_init__(self) -> None:
        if self.runs < 0:
            raise ValueError(f"the number of runs must be 0 or more, got {self.runs}")
        unknown = sorted({*self.weights, *(v.name for v in self.vary)} - set(FACTORS))
        if unknown:
            raise ValueError(f"unknown doctrine weight(s) {', '.join(unknown)}; "
                             f"the known weights are: {', '.join(FACTORS)}")
        names = [v.name for v in self.vary]
        if len(set(names)) != len(names):
            raise ValueError("each weight may be varied once")
        if self.prefix:
            reseed(self.prefix, 0)  # checks the prefix's shape once, up front


def chunks(runs: int, size: int, start: int = 0) -> list[tuple[int, int]]:
    """[start, stop) ranges of at most `size` run indices covering start..runs-1."""
    size = max(1, int(size))
    return [(a, min(a + size, runs)) for a in range(start, runs, size)]


# --- one run -----------------------------------------------------------------------------------

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

    @property
    def honour_rate(self) -> float | None:
        return self.honoured / self.tested if self.tested else None

    @property
    def reproduced(self) -> bool | None:
        return None if self.script is None else all(self.script)


def summarise(scenario: Scenario, events: Iterable[Event], index: int = 0,
              weights: Sequence[float] = ()) -> RunSummary:
    """One pass over a finished game's events (see the module's definitions)."""
    decided: dict[tuple[str, str], tuple[int, int, bool]] = {}
    overridden: dict[tuple[str, str], tuple[int, int, bool]] = {}
    kept: dict[tuple[str, str], bool] = {}
    honoured = tested = 0
    cohesion: dict[str, list[float]] = {}
    belligerents: set[str] = set()
    first_war: int | None = None
    origins: dict[str, str] = {}
    order: list[tuple[str, str, int]] = []  # decisions in log order, for the script
    rank = _RANK
    for e in events:
        kind = e.kind
        if kind in _SKIP:  # most of a log (OBLIGATION, REPUTATION, VOTE) says nothing new here
            continue
        p = e.payload
        if kind is Kind.DECISION:
            key = (p["attack"], p["state"])
            decided[key] = (e.turn, rank[p["response"]], p.get("treaty") is not None)
            order.append((p["attack"], p["state"], e.turn))
        elif kind is Kind.HONOURED or kind is Kind.BREACH:
            if p["type"] == "nonaggression":
                continue
            ok = kind is Kind.HONOURED
            key = (p["attack"], p["state"])
            kept[key] = kept.get(key, True) and ok
            tested += 1
            honoured += ok
        elif kind is Kind.INDICATORS:
            value = p.get("cohesion")
            if value is not None:
                n = p.get("triggered") or 1
                acc = cohesion.setdefault(p["treaty"], [0.0, 0.0])
                acc[0] += value * n
                acc[1] += n
        elif kind is Kind.WAR:
            belligerents.add(p["aggressor"])
            belligerents.add(p["defender"])
            if first_war is None:
                first_war = e.turn
        elif kind is Kind.ATTACK:
            origins.setdefault(p["attack"], p.get("origin") or p["attack"])
        elif kind is Kind.OVERRIDE:
            overridden[(p["attack"], p["state"])] = (e.turn, rank[p["response"]],
                                                     p.get("treaty") is not None)
    decided.update(overridden)
    final = decided
    script = _script_matches(scenario, order, final, origins) if scenario.script else None
    return RunSummary(
        index=index,
        decisions=tuple((a, s, t, r, b) for (a, s), (t, r, b) in final.items()),
        honour=tuple((a, s, ok) for (a, s), ok in kept.items()),
        honoured=honoured, tested=tested,
        cohesion=tuple((t, total / n) for t, (total, n) in cohesion.items() if n),
        belligerents=len(belligerents), first_war=first_war, script=script,
        weights=tuple(weights))


_RANK = {str(r): r.rank for r in RESPONSES}
_READ = frozenset({Kind.DECISION, Kind.HONOURED, Kind.BREACH, Kind.INDICATORS, Kind.WAR, Kind.ATTACK,
                   Kind.OVERRIDE})
_SKIP = frozenset(Kind) - _READ


def _script_matches(scenario: Scenario, order: list[tuple[str, str, int]],
                    final: Mapping[tuple[str, str], tuple[int, int, bool]],
                    origins: Mapping[str, str]) -> tuple[bool, ...]:
    out = []
    for entry in scenario.script:
        found: tuple[str, str] | None = None
        if entry.inject is not None:
            if (entry.inject, entry.state) in final:
                found = (entry.inject, entry.state)
            else:
                found = next(((a, s) for a, s, _ in order
                              if s == entry.state and origins.get(a, a) == entry.inject), None)
        else:
            found = next(((a, s) for a, s, t in order
                          if s == entry.state and t == entry.turn), None)
        out.append(found is not None and final[found][1] == entry.response.rank)
    return tuple(out)


class _Players:
    """Per-process memo of doctrines: building one per run would redo the same checks.

    The base is the game's own default for the scenario (`Doctrine.for_scenario`),
    so a plan without overrides plays exactly the game `casus play` would. Entries
    hold their scenario, so a reused id() cannot hand out another's doctrine, and
    every lookup reads one entry, so threads sharing the memo (a Dask worker) are safe.
    """
    LIMIT = 64  # varied weights make every run's doctrine new: keep a few, not all

    def __init__(self) -> None:
        self._memo: dict[tuple[int, tuple[tuple[str, float], ...]], tuple[Scenario, Doctrine]] = {}

    def doctrine(self, scenario: Scenario, overrides: Mapping[str, float]) -> Doctrine:
        key = (id(scenario), tuple(sorted(overrides.items())))
        entry = self._memo.get(key)
        if entry is not None and entry[0] is scenario:
            return entry[1]
        base = Doctrine.for_scenario(scenario)
        doctrine = base if not overrides else Doctrine(
            weights=dict(base.weights) | dict(overrides), cuts=base.cuts,
            vote_threshold=base.vote_threshold, vote_rule=base.vote_rule)
        if len(self._memo) >= self.LIMIT:
            self._memo.clear()
        self._memo[key] = (scenario, doctrine)
        return doctrine


_PLAYERS = _Players()


def play_run(plan: Plan, index: int) -> RunSummary:
    """Play run `index` of the plan to the end and summarise it."""
    scenario = plan.scenario
    seed = run_seed(plan.seed, index)
    drawn = run_weights(plan.seed, index, plan.vary)
    doctrine = _PLAYERS.doctrine(scenario, dict(plan.weights) | drawn)
    if plan.prefix:
        game = Game(scenario, reseed(plan.prefix, seed), doctrine=doctrine,
                    stochastic=True, verbose=False)
        if game.state.status is Status.OPEN:
            game.close_turn()
    else:
        game = Game.new(scenario, seed=seed, stochastic=True, verbose=False, doctrine=doctrine)
    game.play()
    return summarise(scenario, game.events, index, tuple(drawn.values()))


def run_chunk(plan: Plan, start: int, stop: int) -> Tally:
    """The tally of runs start..stop-1: what a worker sends back."""
    tally = Tally.empty(plan)
    for index in range(start, stop):
        tally.add(play_run(plan, index))
    return tally


# --- exact sums -------------------------------------------------------------------------------

class ExactSum:
    """A float sum kept exact as non-overlapping partials (Shewchuk 1997).

    `value` is the correctly rounded total, whatever the order in which values
    were added or sums merged: what makes results independent of the workers.
    """
    __slots__ = ("partials",)

    def __init__(self, partials: Iterable[float] = ()) -> None:
        self.partials: list[float] = list(partials)

    def add(self, x: float) -> None:
        partials, i = self.partials, 0
        for y in partials:
            if abs(x) < abs(y):
                x, y = y, x
            hi = x + y
            lo = y - (hi - x)
            if lo:
                partials[i] = lo
                i += 1
            x = hi
        partials[i:] = [x]

    def merge(self, other: ExactSum) -> None:
        for p in other.partials:
            self.add(p)

    @property
    def value(self) -> float:
        return math.fsum(self.partials)

    def __getstate__(self):
        return self.partials

    def __setstate__(self, state) -> None:
        self.partials = list(state)


class _Moments:
    """Sums for correlations and a regression of one outcome on the varied weights."""
    __slots__ = ("n", "x", "xx", "y", "yy", "xy")

    def __init__(self, k: int) -> None:
        self.n = 0
        self.x = [ExactSum() for _ in range(k)]
        self.xx = [ExactSum() for _ in range(k * (k + 1) // 2)]  # upper triangle, row-major
        self.y, self.yy = ExactSum(), ExactSum()
        self.xy = [ExactSum() for _ in range(k)]

    def add(self, xs: Sequence[float], y: float) -> None:
        self.n += 1
        self.y.add(y)
        self.yy.add(y * y)
        t = 0
        for i, xi in enumerate(xs):
            self.x[i].add(xi)
            self.xy[i].add(xi * y)
            for xj in xs[i:]:
                self.xx[t].add(xi * xj)
                t += 1

    def merge(self, other: _Moments) -> None:
        self.n += other.n
        for mine, theirs in zip(self._all(), other._all()):
            mine.merge(theirs)

    def _all(self) -> list[ExactSum]:
        return [*self.x, *self.xx, self.y, self.yy, *self.xy]

    def __getstate__(self):
        return (self.n, self.x, self.xx, self.y, self.yy, self.xy)

    def __setstate__(self, state) -> None:
        self.n, self.x, self.xx, self.y, self.yy, self.xy = state

    def analyse(self) -> list[dict[str, float | None]]:
        """Per weight: Pearson's r with the outcome, and the standardized beta."""
        k, n = len(self.x), self.n
        if n < 3:
            return [{"r": None, "beta": None} for _ in range(k)]
        mx = [s.value / n for s in self.x]
        my = self.y.value / n
        vy = self.yy.value / n - my * my
        cov = [[0.0] * k for _ in range(k)]
        t = 0
        for i in range(k):
            for j in range(i, k):
                cov[i][j] = cov[j][i] = self.xx[t].value / n - mx[i] * mx[j]
                t += 1
        cxy = [self.xy[i].value / n - mx[i] * my for i in range(k)]
        sd = [math.sqrt(c[i]) if c[i] > 0 else 0.0 for i, c in enumerate(cov)]
        sy = math.sqrt(vy) if vy > 0 else 0.0
        r = [cxy[i] / (sd[i] * sy) if sd[i] and sy else None for i in range(k)]
        beta: list[float | None] = [None] * k
        usable = [i for i in range(k) if sd[i]]
        if sy and usable and n > len(usable) + 1:
            corr = [[cov[i][j] / (sd[i] * sd[j]) for j in usable] for i in usable]
            solved = _solve(corr, [r[i] or 0.0 for i in usable])
            if solved is not None:
                for i, b in zip(usable, solved):
                    beta[i] = b
        return [{"r": _round(r[i]), "beta": _round(beta[i])} for i in range(k)]


def _solve(a: list[list[float]], b: list[float]) -> list[float] | None:
    """Gaussian elimination with partial pivoting; None for a singular system."""
    n = len(b)
    m = [row[:] + [b[i]] for i, row in enumerate(a)]
    for col in range(n):
        pivot = max(range(col, n), key=lambda r: abs(m[r][col]))
        if abs(m[pivot][col]) < 1e-12:
            return None
        m[col], m[pivot] = m[pivot], m[col]
        for r in range(col + 1, n):
            f = m[r][col] / m[col][col]
            for c in range(col, n + 1):
                m[r][c] -= f * m[col][c]
    x = [0.0] * n
    for r in range(n - 1, -1, -1):
        x[r] = (m[r][n] - sum(m[r][c] * x[c] for c in range(r + 1, n))) / m[r][r]
    return x


# --- the tally: a mergeable partial aggregate ---------------------------------------------------

class Tally:
    """Counts and exact sums over some runs; `merge` is associative and commutative."""

    def __init__(self, n_vary: int, n_script: int) -> None:
        self.runs = 0
        # (attack, state) -> [asked, hostile..full (5), tested, honoured, first turn, bound]
        self.pairs: dict[tuple[str, str], list[int]] = {}
        self.cohesion: dict[str, Counter] = {}          # treaty -> Counter(round(c, 4))
        self.cohesion_sum: dict[str, ExactSum] = {}
        self.spread: Counter = Counter()                # belligerents -> runs
        self.first_war: Counter = Counter()             # turn (0: no war) -> runs
        self.honour_rates = ExactSum()
        self.honour_runs = 0
        self.reproduced = 0
        self.entries = [0] * n_script
        self.moments = ([_Moments(n_vary), _Moments(n_vary)] if n_vary else [])
        self.peak_rss: dict[str, int] = {}              # worker -> max RSS in KiB (runner's)

    @classmethod
    def empty(cls, plan: Plan) -> Tally:
        return cls(len(plan.vary), len(plan.scenario.script))

    def add(self, run: RunSummary) -> None:
        self.runs += 1
        pairs = self.pairs
        for attack, state, turn, rank, bound in run.decisions:
            row = pairs.get((attack, state))
            if row is None:
                row = pairs[(attack, state)] = [0, 0, 0, 0, 0, 0, 0, 0, turn, 0]
            row[0] += 1
            row[1 + rank] += 1
            row[9] += bound
            if turn < row[8]:
                row[8] = turn
        for attack, state, ok in run.honour:
            row = pairs.get((attack, state))
            if row is None:  # tested without a decision of its own (a standing answer)
                row = pairs[(attack, state)] = [0, 0, 0, 0, 0, 0, 0, 0, 10**9, 0]
            row[6] += 1
            row[7] += ok
        for treaty, value in run.cohesion:
            self.cohesion.setdefault(treaty, Counter())[round(value, 4)] += 1
            self.cohesion_sum.setdefault(treaty, ExactSum()).add(value)
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
                for i in (0, 1, 2, 3, 4, 5, 6, 7, 9):
                    mine[i] += row[i]
                mine[8] = min(mine[8], row[8])
        for treaty, counts in other.cohesion.items():
            self.cohesion.setdefault(treaty, Counter()).update(counts)
            self.cohesion_sum.setdefault(treaty, ExactSum()).merge(other.cohesion_sum[treaty])
        self.spread.update(other.spread)
        self.first_war.update(other.first_war)
        self.honour_rates.merge(other.honour_rates)
        self.honour_runs += other.honour_runs
        self.reproduced += other.reproduced
        self.entries = [a + b for a, b in zip(self.entries, other.entries)] or other.entries
        for mine, theirs in zip(self.moments, other.moments):
            mine.merge(theirs)
        for worker, rss in other.peak_rss.items():
            self.peak_rss[worker] = max(rss, self.peak_rss.get(worker, 0))
        return self

    def results(self, plan: Plan, *, interrupted: bool = False) -> Results:
        return Results(_results_dict(self, plan, interrupted))


# --- statistics ---------------------------------------------------------------------------------

def wilson(successes: int, n: int, z: float = Z95) -> tuple[float, float]:
    """The Wilson score interval of a proportion; (0, 1) when n is 0."""
    if n <= 0:
        return 0.0, 1.0
    p = successes / n
    z2 = z * z
    centre = (p + z2 / (2 * n)) / (1 + z2 / n)
    half = z * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / (1 + z2 / n)
    # At 0 and n the bound is exactly 0 or 1; the formula would leave rounding dust.
    low = 0.0 if successes <= 0 else max(0.0, centre - half)
    high = 1.0 if successes >= n else min(1.0, centre + half)
    return low, high


def _proportion(successes: int, n: int) -> dict[str, Any]:
    low, high = wilson(successes, n)
    return {"n": n, "count": successes, "p": _round(successes / n if n else None),
            "low": _round(low), "high": _round(high)}


def _quantiles(counts: Mapping[float, int], qs: Sequence[float] = QUANTILES) -> dict[str, float | None]:
    """Quantiles of a distribution given as value -> count (linear interpolation, as numpy's default)."""
    items = sorted(counts.items())
    n = sum(c for _, c in items)
    out: dict[str, float | None] = {}
    for q in qs:
        name = f"p{round(q * 100)}"
        if n == 0:
            out[name] = None
            continue
        h = (n - 1) * q
        lo = math.floor(h)
        a, b = _nth(items, lo), _nth(items, min(lo + 1, n - 1))
        out[name] = _round(a + (h - lo) * (b - a))
    return out


def _nth(items: Sequence[tuple[float, int]], k: int) -> float:
    seen = 0
    for value, count in items:
        seen += count
        if k < seen:
            return value
    return items[-1][0]


def _mean(counts: Mapping[float, int]) -> float | None:
    n = sum(counts.values())
    return _round(math.fsum(v * c for v, c in sorted(counts.items())) / n) if n else None


def _bins(counts: Mapping[float, int], bins: int = COHESION_BINS) -> list[list[float]]:
    """(low, high, count) over [0, 1]; the last bin includes 1."""
    cells = [0] * bins
    for value, count in counts.items():
        cells[min(int(value * bins), bins - 1) if value >= 0 else 0] += count
    return [[round(k / bins, 4), round((k + 1) / bins, 4), cells[k]] for k in range(bins)]


def _round(x: float | None, digits: int = 6) -> float | None:
    return None if x is None else round(x, digits)


def _results_dict(t: Tally, plan: Plan, interrupted: bool) -> dict[str, Any]:
    sc = plan.scenario
    order = sc.state_order
    rows = sorted(t.pairs.items(), key=lambda kv: (kv[1][8], kv[0][0], order.get(kv[0][1], 10**6)))
    decisions = []
    for (attack, state), row in rows:
        asked = row[0]
        decisions.append({
            "attack": attack, "state": state, "turn": row[8] if row[8] < 10**9 else None,
            "scenario_attack": attack in sc.inject_by_id,
            "asked": _proportion(asked, t.runs),
            "bound": _proportion(row[9], asked),
            "responses": {lvl: _proportion(row[1 + k], asked) for k, lvl in enumerate(_LEVELS)},
            "honour": _proportion(row[7], row[6]),
        })
    cohesion = []
    for treaty in sc.treaties:
        counts = t.cohesion.get(treaty.id, Counter())
        n = sum(counts.values())
        total = t.cohesion_sum.get(treaty.id)
        cohesion.append({
            "treaty": treaty.id, "name": treaty.name, "runs": n,
            "mean": _round(total.value / n) if n and total else None,
            "quantiles": _quantiles(counts), "histogram": _bins(counts)})
    spread = {str(k): v for k, v in sorted(t.spread.items())}
    wars = {k: v for k, v in sorted(t.first_war.items()) if k}
    out: dict[str, Any] = {
        "scenario": sc.id, "title": sc.title,
        "runs": t.runs, "requested": plan.runs, "interrupted": interrupted, "seed": plan.seed,
        "weights": dict(sorted(plan.weights.items())),
        "vary": [v.to_dict() for v in plan.vary],
        "branch": {"events": len(plan.prefix)} if plan.prefix else None,
        "honour_rate": {"runs": t.honour_runs,
                        "mean": _round(t.honour_rates.value / t.honour_runs) if t.honour_runs else None},
        "decisions": decisions,
        "cohesion": cohesion,
        "war_spread": {"counts": spread, "mean": _mean(t.spread), "quantiles": _quantiles(t.spread)},
        "first_war": {"counts": {str(k): v for k, v in wars.items()},
                      "none": t.first_war.get(0, 0), "war": _proportion(sum(wars.values()), t.runs),
                      "mean": _mean(wars), "quantiles": _quantiles(wars)},
        "history": None,
        "sensitivity": None,
    }
    if sc.script:
        out["history"] = {
            "reproduced": _proportion(t.reproduced, t.runs),
            "entries": [{"turn": e.turn, "state": e.state, "inject": e.inject,
                         "response": str(e.response), "matched": _proportion(m, t.runs)}
                        for e, m in zip(sc.script, t.entries)],
        }
    if plan.vary and t.moments:
        honour, spread_m = t.moments[0].analyse(), t.moments[1].analyse()
        rows_s = [{"weight": v.name, "low": v.low, "high": v.high,
                   "honour_rate": h, "war_spread": s}
                  for v, h, s in zip(plan.vary, honour, spread_m)]
        rows_s.sort(key=lambda r: (-abs(_first_number(r["honour_rate"])), r["weight"]))
        out["sensitivity"] = {"runs": t.moments[0].n, "weights": rows_s}
    return out


def _first_number(stats: Mapping[str, float | None]) -> float:
    for key in ("beta", "r"):
        if stats.get(key) is not None:
            return float(stats[key])
    return 0.0


@dataclass(frozen=True)
class Results:
    """Aggregated results, as plain data (`data`) with readers for the usual questions."""
    data: Mapping[str, Any]

    @property
    def runs(self) -> int:
        return int(self.data["runs"])

    def to_dict(self) -> dict[str, Any]:
        return dict(self.data)

    def decision(self, attack: str, state: str) -> Mapping[str, Any] | None:
        return next((d for d in self.data["decisions"]
                     if d["attack"] == attack and d["state"] == state), None)

    def csv_rows(self) -> list[dict[str, Any]]:
        """One row per (attack, state): response and honour probabilities with intervals."""
        rows = []
        for d in self.data["decisions"]:
            row: dict[str, Any] = {"attack": d["attack"], "state": d["state"], "turn": d["turn"],
                                   "runs": self.runs, "asked": d["asked"]["count"],
                                   "p_asked": d["asked"]["p"], "bound": d["bound"]["count"]}
            for lvl in _LEVELS:
                r = d["responses"][lvl]
                row |= {f"p_{lvl}": r["p"], f"p_{lvl}_low": r["low"], f"p_{lvl}_high": r["high"]}
            h = d["honour"]
            row |= {"tested": h["n"], "honoured": h["count"], "p_honour": h["p"],
                    "p_honour_low": h["low"], "p_honour_high": h["high"]}
            rows.append(row)
        return rows


CSV_COLUMNS: tuple[str, ...] = (
    "attack", "state", "turn", "runs", "asked", "p_asked", "bound",
    *(f"p_{lvl}{suffix}" for lvl in _LEVELS for suffix in ("", "_low", "_high")),
    "tested", "honoured", "p_honour", "p_honour_low", "p_honour_high",
)


# --- the what-if entry point ---------------------------------------------------------------------

def simulate(scenario: Scenario, runs: int, seed: int = 0, weights: Mapping[str, float] | None = None,
             vary: Sequence[Vary | str] | None = None,
             events_prefix: Sequence[Event] | None = None) -> Results:
    """`runs` stochastic plays in this process, aggregated.

    `weights` override the scenario's doctrine weights for every run; `vary`
    draws weights per run (Vary or "NAME=LOW:HIGH"); `events_prefix` (a game's
    events, from its game-started event on) starts every run from that game's
    state, re-seeded per run and played on by the doctrine (a what-if branch).
    """
    plan = Plan(scenario, runs, seed, dict(weights or {}),
                tuple(v if isinstance(v, Vary) else parse_vary(v) for v in (vary or ())),
                tuple(events_prefix or ()))
    return run_chunk(plan, 0, runs).results(plan)


# --- the HTML report -----------------------------------------------------------------------------

def report_html(results: Results, *, max_attacks: int = 12) -> str:
    """A self-contained page: tables and SVG charts of the results (no scripts, no fetches)."""
    from . import svg
    d = results.data
    esc = svg.text
    parts = [
        "<!doctype html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{esc(d['title'])}: {d['runs']} runs</title>",
        "<style>body{font-family:system-ui,sans-serif;margin:2em;max-width:1100px;color:#222}"
        "table{border-collapse:collapse;margin:1em 0}td,th{padding:2px 8px;border-bottom:1px solid #ddd;"
        "text-align:right}td:first-child,th:first-child,.l{text-align:left}figure{margin:1em 0}"
        "h2{margin-top:2em}.note{color:#555}</style></head><body>",
        f"<h1>{esc(d['title'])}</h1>",
        f"<p>{d['runs']} runs of {d['requested']} (master seed {d['seed']})"
        + (" &mdash; <strong>interrupted</strong>" if d["interrupted"] else "")
        + (", weights varied: " + ", ".join(esc(f"{v['name']} {v['low']:g}:{v['high']:g}")
                                            for v in d["vary"]) if d["vary"] else "")
        + ". Intervals are 95% Wilson intervals.</p>",
    ]
    parts += _html_honour(d, svg, max_attacks)
    parts += _html_cohesion(d, svg)
    parts += _html_wars(d, svg)
    parts += _html_history(d, svg)
    parts += _html_sensitivity(d, svg)
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


def _html_honour(d: Mapping[str, Any], svg, max_attacks: int) -> list[str]:
    esc = svg.text
    out = ["<h2>Who honours, attack by attack</h2>",
           '<p class="note">Probability that the state kept every commitment put to the test, '
           "in the runs where one was.</p>"]
    by_attack: dict[str, list[Mapping[str, Any]]] = {}
    for row in d["decisions"]:
        if row["scenario_attack"] and row["honour"]["n"]:
            by_attack.setdefault(row["attack"], []).append(row)
    for attack, rows in list(by_attack.items())[:max_attacks]:
        bars = [svg.Bar(r["state"], r["honour"]["p"], r["honour"]["low"], r["honour"]["high"])
                for r in rows]
        out.append("<figure>" + svg.bar_chart(
            bars, width=max(560, 46 * len(bars) + 80), title=f"{attack}: P(honoured)",
            y_label="probability", y_range=(0.0, 1.0)) + "</figure>")
    if len(by_attack) > max_attacks:
        out.append(f'<p class="note">{len(by_attack) - max_attacks} more attacks in the JSON and CSV.</p>')
    out.append("<table><tr><th>turn</th><th class=l>attack</th><th class=l>state</th><th>asked</th>"
               + "".join(f"<th>{lvl}</th>" for lvl in _LEVELS) + "<th>honoured [95%]</th></tr>")
    for row in d["decisions"]:
        if not row["scenario_attack"]:
            continue
        h = row["honour"]
        honour = (f"{h['p']:.2f} [{h['low']:.2f}&ndash;{h['high']:.2f}] of {h['n']}" if h["n"] else "&ndash;")
        out.append(f"<tr><td>{row['turn']}</td><td class=l>{esc(row['attack'])}</td>"
                   f"<td class=l>{esc(row['state'])}</td><td>{row['asked']['p']:.2f}</td>"
                   + "".join(f"<td>{row['responses'][lvl]['p']:.2f}</td>" if row['responses'][lvl]['p']
                             is not None else "<td>&ndash;</td>" for lvl in _LEVELS)
                   + f"<td>{honour}</td></tr>")
    out.append("</table>")
    return out


def _html_cohesion(d: Mapping[str, Any], svg) -> list[str]:
    esc = svg.text
    out = ["<h2>Cohesion by treaty</h2>",
           "<table><tr><th>treaty</th><th>id</th><th>runs</th><th>mean</th><th>p5</th><th>p50</th><th>p95</th></tr>"]
    for c in d["cohesion"]:
        q = c["quantiles"]
        cells = "".join(f"<td>{v:.2f}</td>" if v is not None else "<td>&ndash;</td>"
                        for v in (c["mean"], q["p5"], q["p50"], q["p95"]))
        out.append(f"<tr><td class=l>{esc(c['name'])}</td><td class=l>{esc(c['treaty'])}</td>"
                   f"<td>{c['runs']}</td>{cells}</tr>")
    out.append("</table>")
    for c in d["cohesion"]:
        if c["runs"]:
            out.append("<figure>" + svg.histogram(
                counts=[tuple(cell) for cell in c["histogram"]], title=f"{c['treaty']}: cohesion per run",
                x_label="cohesion", y_label="runs") + "</figure>")
    return out


def _html_wars(d: Mapping[str, Any], svg) -> list[str]:
    spread, first = d["war_spread"], d["first_war"]
    out = ["<h2>How far the war spreads, and when it starts</h2>"]
    n = max(d["runs"], 1)
    bars = [svg.Bar(k, v / n) for k, v in spread["counts"].items()]
    if bars:
        out.append("<figure>" + svg.bar_chart(
            bars, width=max(560, 30 * len(bars) + 80), title="belligerents at the end",
            x_label="states at war", y_label="share of runs", y_range=(0.0, 1.0)) + "</figure>")
    bars = [svg.Bar(k, v / n) for k, v in first["counts"].items()]
    bars.append(svg.Bar("none", first["none"] / n, color=svg.PALETTE[1]))
    out.append("<figure>" + svg.bar_chart(
        bars, width=max(560, 30 * len(bars) + 80), title="turn of the first armed clash",
        x_label="turn", y_label="share of runs", y_range=(0.0, 1.0)) + "</figure>")
    return out


def _html_history(d: Mapping[str, Any], svg) -> list[str]:
    h = d.get("history")
    if not h:
        return []
    r = h["reproduced"]
    bars = [svg.Bar(f"{e['state']} t{e['turn']}", e["matched"]["p"] or 0.0, e["matched"]["low"],
                    e["matched"]["high"]) for e in h["entries"]]
    return ["<h2>History</h2>",
            f"<p>Every script entry reproduced in {r['count']} of {r['n']} runs "
            f"({r['p']:.3f}, 95% interval {r['low']:.3f}&ndash;{r['high']:.3f}).</p>",
            "<figure>" + svg.bar_chart(bars, width=max(560, 40 * len(bars) + 80),
                                       title="share of runs matching each recorded decision",
                                       y_label="probability", y_range=(0.0, 1.0)) + "</figure>"]


def _html_sensitivity(d: Mapping[str, Any], svg) -> list[str]:
    s = d.get("sensitivity")
    if not s:
        return []
    bars = [svg.Bar(w["weight"], _first_number(w["honour_rate"])) for w in s["weights"]]
    out = ["<h2>Which factor moves the outcome most</h2>",
           f'<p class="note">Standardized regression coefficient of each varied weight on the run\'s '
           f"honour rate ({s['runs']} runs); the table adds correlations and the war spread.</p>",
           "<figure>" + svg.bar_chart(bars, width=max(560, 70 * len(bars) + 80),
                                      title="effect on the honour rate (beta)") + "</figure>",
           "<table><tr><th>weight</th><th>range</th><th>honour r</th><th>beta</th>"
           "<th>spread r</th><th>beta</th></tr>"]
    for w in s["weights"]:
        cells = "".join(f"<td>{v:.3f}</td>" if v is not None else "<td>&ndash;</td>" for v in
                        (w["honour_rate"]["r"], w["honour_rate"]["beta"],
                         w["war_spread"]["r"], w["war_spread"]["beta"]))
        out.append(f"<tr><td class=l>{svg.text(w['weight'])}</td><td>{w['low']:g}:{w['high']:g}</td>{cells}</tr>")
    out.append("</table>")
    return out
