"""Monte Carlo: many stochastic plays of a scenario, summarised and aggregated.

One run is `Game.new(scenario, seed=run_seed, stochastic=True, verbose=False)`
played to the end, the doctrine sampling every decision with the game's seeded
generator. A run is boiled down at once to a compact `RunSummary` (who answered
what, who honoured, cohesion, how far the war spread); summaries are added into
a `Tally`, a mergeable partial aggregate of counts and exact sums, and the
event log is dropped. Workers return tallies of chunks of runs and the caller
merges them, so memory does not grow with the number of runs.

This module plans and plays the runs; the tally is `engine.mc_tally`, its
statistics `engine.mc_stats`, the results' layout (JSON, CSV) `engine.mc_results`
and the HTML page `engine.mc_html`. Every name is also importable from here.

Reproducibility. Run `i` of master seed `S` is seeded from a hash of (S, i),
and its varied weights are drawn from a generator seeded the same way, so a run
does not depend on which worker played it or in which chunk. A tally holds only
integer counts and exact float sums (Shewchuk's partials, read with
`math.fsum`), so merging is order-independent to the last bit: the same master
seed gives byte-identical results whatever the number of workers or the chunk
size.

Definitions (each the same in the JSON, the CSV and the report):

* a *decision* is the answer that stands for (attack, state), as the game's
  fold keeps it (`GameState.decisions`): the umpire's override if any, else
  the state's last DECISION event; `bound` counts the
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
* an inject's *fired* share is the share of runs in which it fired, and `turn` splits
  it by the turn it fired on (each a share of all runs): an option its actor may or may
  not take, or an inject that waits on another, fires in some runs and not others.
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
import gc
import hashlib
import math
import random
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from .doctrine import FACTORS, Doctrine
from .events import (
    Breach,
    DecisionTaken,
    Event,
    GameStarted,
    Honoured,
    IndicatorsMeasured,
    InjectFired,
    ResolveSet,
    WarBegun,
)
from .game import Game
from .mc_html import report_html
from .mc_results import CSV_COLUMNS, Results
from .mc_stats import COHESION_BINS, QUANTILES, Z95, ExactSum, wilson
from .mc_tally import RunSummary, Tally
from .model import Decision, Mode, ObligationType, Response, Scenario
from .state import GameState, Status, fold

__all__ = [
    "Vary", "Plan", "RunSummary", "Tally", "Results", "ExactSum",
    "parse_vary", "run_seed", "run_weights", "reseed", "play_run", "summarise",
    "run_chunk", "chunks", "simulate", "wilson", "report_html", "CSV_COLUMNS", "Z95",
    "QUANTILES", "COHESION_BINS",
]

Key = tuple[str, str]  # (attack, state)

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
    if name not in FACTORS and not name.endswith(RESOLVE):  # ID.resolve: an option's resolve
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
    if name.endswith(RESOLVE) and not 0 <= low <= high <= 1:
        raise ValueError(f"{text!r}: a resolve runs from 0 to 1, e.g. {name}=0.3:0.9")
    return Vary(name, low, high)


RESOLVE = ".resolve"  # --vary ID.resolve=LOW:HIGH draws the resolve of the option ID per run


def _resolves(drawn: Mapping[str, float]) -> tuple[dict[str, float], list[Event]]:
    """The drawn doctrine weights, and an event setting each drawn option's resolve."""
    weights = {k: v for k, v in drawn.items() if not k.endswith(RESOLVE)}
    return weights, [ResolveSet(turn=0, inject=k[:-len(RESOLVE)], resolve=v, visibility="umpire",
                                reason=f"drawn for this run: {k}={v:.3f}")
                     for k, v in drawn.items() if k.endswith(RESOLVE)]


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
    first = events[0] if events else None
    if not isinstance(first, GameStarted):
        raise ValueError("a prefix of events must begin with the game-started event")
    return [dataclasses.replace(first, seed=seed, mode=Mode.PLAY, stochastic=True), *events[1:]]


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
        resolves = {i.id + RESOLVE for i in self.scenario.injects if i.option}
        unknown = sorted({*self.weights, *(v.name for v in self.vary)} - set(FACTORS) - resolves
                         - {v.name for v in self.vary if v.name in resolves})
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

def summarise(scenario: Scenario, events: Iterable[Event], index: int = 0,
              weights: Sequence[float] = (), *, state: GameState | None = None) -> RunSummary:
    """A finished game boiled down (see the module's definitions).

    The answers that stand are the fold's (`GameState.decisions`); `state`, the
    game's folded state when the caller holds it, saves folding the events again.
    """
    log = events if isinstance(events, Sequence) else tuple(events)
    gs = state if state is not None else fold(scenario, log)
    final = {key: (d.turn, _RANK[d.response], d.treaty is not None) for key, d in gs.decisions.items()}
    # The order answers were asked in is read only to match a script against.
    seen = _read(log, _READERS if scenario.script else _READERS_UNSCRIPTED)
    script = None
    if scenario.script:
        origins = {a: attack.origin for a, attack in gs.attacks.items()}
        script = _script_matches(scenario, seen.asked, final, origins)
    return RunSummary(
        index=index,
        decisions=tuple((a, s, t, r, b) for (a, s), (t, r, b) in final.items()),
        honour=tuple((a, s, ok) for (a, s), ok in seen.kept.items()),
        honoured=seen.honoured, tested=seen.tested,
        cohesion=tuple((t, total / n) for t, (total, n) in seen.cohesion.items() if n),
        belligerents=len(seen.belligerents), first_war=seen.first_war, script=script,
        weights=tuple(weights), injects=tuple(seen.fired))


@dataclass
class _Reading:
    """What a run's events say besides the answers that stand, read in one pass."""
    asked: list[tuple[str, str, int]] = field(default_factory=list)  # DECISION events, in log order
    kept: dict[Key, bool] = field(default_factory=dict)   # every commitment on (attack, state) kept
    honoured: int = 0
    tested: int = 0
    cohesion: dict[str, list[float]] = field(default_factory=dict)  # treaty -> [weighted sum, weight]
    belligerents: set[str] = field(default_factory=set)
    first_war: int | None = None
    fired: list[tuple[str, int]] = field(default_factory=list)  # (inject, turn), in log order

    def decision(self, e: DecisionTaken | Decision) -> None:
        """An answer given, as its event says it (or a kernel run's close, engine.kernel.close)."""
        self.asked.append((e.attack, e.state, e.turn))

    def commitment(self, e: Honoured | Breach) -> None:
        self.settled(e.attack, e.state, e.type, isinstance(e, Honoured))

    def settled(self, attack: str, state: str, kind: ObligationType, ok: bool) -> None:
        """A commitment accounted, as its event says it (or a kernel run's close, engine.resolve.Accounts)."""
        if kind is ObligationType.NONAGGRESSION:  # its breach is the attacker's own act, not an ally's answer
            return
        key = (attack, state)
        self.kept[key] = self.kept.get(key, True) and ok
        self.tested += 1
        self.honoured += ok

    def indicators(self, e: IndicatorsMeasured) -> None:
        if e.cohesion is not None:
            n = e.triggered or 1
            acc = self.cohesion.setdefault(e.treaty, [0.0, 0.0])
            acc[0] += e.cohesion * n
            acc[1] += n

    def inject(self, e: InjectFired) -> None:
        self.fired.append((e.inject, e.turn))

    def war(self, e: WarBegun) -> None:
        self.belligerents.update((e.aggressor, e.defender))
        if self.first_war is None:
            self.first_war = e.turn


# Most of a log (obligations, reputations, votes) says nothing new here.
_READERS: dict[type[Event], Callable[[_Reading, Any], None]] = {
    DecisionTaken: _Reading.decision, Honoured: _Reading.commitment, Breach: _Reading.commitment,
    IndicatorsMeasured: _Reading.indicators, WarBegun: _Reading.war, InjectFired: _Reading.inject,
}


_READERS_UNSCRIPTED = {kind: reader for kind, reader in _READERS.items() if kind is not DecisionTaken}
# A response's place on the scale (Response.rank, looked up rather than found in the scale).
_RANK = {r: r.rank for r in Response}


def _read(events: Iterable[Event], readers: Mapping[type[Event], Callable[[_Reading, Any], None]] = _READERS
          ) -> _Reading:
    seen = _Reading()
    for e in events:
        reader = readers.get(type(e))
        if reader is not None:
            reader(seen, e)
    return seen


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
            weights=dict(base.weights) | dict(overrides), cuts=base.cuts, bands=base.bands)
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
    weights, resolves = _resolves(drawn)
    doctrine = _PLAYERS.doctrine(scenario, dict(plan.weights) | weights)
    if plan.prefix:
        game = Game.from_log(scenario, reseed(plan.prefix, seed), verbose=False, doctrine=doctrine)
        game.push(resolves)
        if game.state.status is Status.OPEN:
            game.close_turn()
    else:
        game = Game.new(scenario, seed=seed, stochastic=True, verbose=False, doctrine=doctrine)
        game.push(resolves)
    game.play()
    return summarise(scenario, game.events, index, tuple(drawn.values()), state=game.state)


def run_chunk(plan: Plan, start: int, stop: int) -> Tally:
    """The tally of runs start..stop-1: what a worker sends back."""
    tally = Tally.empty(plan)
    with _FEWER_COLLECTIONS:
        for index in range(start, stop):
            tally.add(play_run(plan, index))
    return tally


class _FewerCollections:
    """The cyclic garbage collector's youngest generation made larger while runs are played.

    A run makes thousands of objects (events, decisions, worlds) and frees them by reference
    counting: it leaves no cycle behind (tests/test_batch_memos.py). With Python's default
    threshold of 700 the collector still ran every few hundred allocations, walking the objects
    a batch keeps (the scenario, the memos) each time, and took about a seventh of a run's time
    for nothing. Results do not depend on when it runs. Re-entrant and safe across threads (a
    Dask worker plays chunks in threads): the first to enter sets the threshold, the last to
    leave puts back what it found."""
    YOUNG = 50_000

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._inside = 0
        self._saved: tuple[int, int, int] = gc.get_threshold()

    def __enter__(self) -> None:
        with self._lock:
            if self._inside == 0:
                self._saved = gc.get_threshold()
                young, middle, old = self._saved
                if young:  # 0: the collector is off, and stays off
                    gc.set_threshold(max(young, self.YOUNG), middle, old)
            self._inside += 1

    def __exit__(self, *exc: object) -> None:
        with self._lock:
            self._inside -= 1
            if self._inside == 0:
                gc.set_threshold(*self._saved)


_FEWER_COLLECTIONS = _FewerCollections()


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

