"""The compiled Monte Carlo kernel against the reference engine: runs per second, memory, scaling.

    nice python benchmarks/bench_kernel.py [--quick]

Prints, each measured in this session, kernel and `--reference` side by side:
the scenarios with options, the teaching one among them (1 and 2 workers); scenarios whose runs the kernel plays
itself (past crises in its scope), with 100,000 runs on two workers and the peak
memory at 10,000 and at 100,000 runs (flat: workers send back counts); the
scaling table against states and turns (synthetic scenarios); and the physical
limit, the compiled loop's own cost per decision times the decisions of a run.

    nice python benchmarks/bench_kernel.py --where [--runs 2000] [--scenario baltic-2027]

Where the CPU time of a kernel run of a scenario (the teaching one unless named) goes,
part by part: the compiled loop, the turns the reference engine opens (option phases)
and closes (with and without a war begun in them), leaving and coming back (the run's
state rebuilt, the tables after it found or built), and the rest (each run's summary
and tally); with what compiling the rest would have to hold (the attacks the cascades
reached, the answers asked of them).
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.generate import generate_scenario  # noqa: E402
from casus import runner  # noqa: E402
from engine import kernel  # noqa: E402
from engine import montecarlo as mc  # noqa: E402
from engine.model import Scenario  # noqa: E402
from engine.scenario import from_data, load  # noqa: E402

TEACHING = ROOT / "scenarios" / "baltic-2027.yaml"
HISTORY = ROOT / "scenarios" / "history"


def timed(plan: mc.Plan, workers: int, compiled: bool) -> dict[str, Any]:
    engine = runner.choose_engine(plan, reference=not compiled)
    outcome = runner.run(plan, workers=workers, engine=engine)
    return {"rate": outcome.rate, "runs": outcome.done, "replayed": outcome.replayed,
            "engine": engine.name, "mib": outcome.peak_rss_bytes / 2**20, "wall": outcome.elapsed}


def side_by_side(name: str, scenario: Scenario, kernel_runs: int, reference_runs: int, workers: int) -> None:
    k = timed(mc.Plan(scenario, kernel_runs, seed=0), workers, compiled=True)
    r = timed(mc.Plan(scenario, reference_runs, seed=0), workers, compiled=False)
    print(f"  {name:<28} {workers:>2} workers: kernel {k['rate']:9.0f} runs/s ({k['runs']} runs, "
          f"{k['replayed'] / max(k['runs'], 1):4.0%} left the kernel, engine {k['engine']}); reference "
          f"{r['rate']:6.0f} runs/s ({r['runs']} runs); x{k['rate'] / r['rate']:.1f}")


def with_options(quick: bool) -> None:
    """The scenarios with options: each run leaves the kernel for each option phase (and each turn of
    war) and comes back on the tables of the state it reached, where they were built."""
    runs = 300 if quick else 2_000
    print(f"\nscenarios with options ({runs:,} runs each way; load average before: "
          f"{', '.join(f'{x:.2f}' for x in os.getloadavg())}):")
    for path in (TEACHING, ROOT / "scenarios" / "indo-pacific-2028.yaml"):
        scenario = load(path)
        for workers in (1, 2):
            side_by_side(path.stem, scenario, runs, runs, workers)


def scaling(quick: bool) -> None:
    print("\nscaling, one process, synthetic scenarios (benchmarks/generate.py, half as many treaties as "
          "states):")
    print(f"  {'states':>6} {'turns':>5} {'kernel runs/s':>13} {'replayed':>8} {'reference runs/s':>16} "
          f"{'x':>6}  scope")
    rows = [(10, 10), (50, 10), (100, 10), (200, 10), (400, 10), (50, 20), (50, 40), (50, 80)]
    for states, turns in rows:
        data = generate_scenario(states, max(2, states // 2), 10 * turns if turns > 10 else 100, seed=1)
        scenario = from_data(data, f"scale-{states}-{turns}")
        reason = kernel.kernel_scope(scenario, mc.Plan(scenario, 1)) or kernel.prepare(mc.Plan(scenario, 1)).reason
        r = timed(mc.Plan(scenario, 4 if quick else 10, seed=0), 1, compiled=False)
        if reason is not None:
            print(f"  {states:>6} {scenario.turns:>5} {'-':>13} {'-':>8} {r['rate']:16.1f} {'-':>6}  {reason}")
            continue
        k = timed(mc.Plan(scenario, 50 if quick else 150, seed=0), 1, compiled=True)
        print(f"  {states:>6} {scenario.turns:>5} {k['rate']:13.1f} {k['replayed'] / k['runs']:8.0%} "
              f"{r['rate']:16.1f} {k['rate'] / r['rate']:6.1f}  in scope")


def physical_limit(name: str, scenario: Scenario, runs: int) -> None:
    """The compiled loop alone (no summaries, no replays): its cost per drawn decision."""
    plan = mc.Plan(scenario, runs, seed=0)
    prepared = kernel.prepare(plan)
    assert prepared.tables is not None, prepared.reason
    seeds = np.asarray([mc.run_seed(0, i) for i in range(runs)], dtype=np.int64)
    began = time.perf_counter()
    ranks, *_, bail, _ = kernel._play(prepared.tables, seeds)
    spent = time.perf_counter() - began
    decisions = int((ranks >= 0).sum())
    per = spent / max(decisions, 1) * 1e9
    print(f"  {name}: the loop alone {runs / spent:,.0f} runs/s, {decisions / runs:.1f} drawn decisions a run, "
          f"{per:.0f} ns per decision (logit, BLAKE2b draw, votes, honour, cohesion included); "
          f"{(bail >= 0).mean():.0%} of runs left it")


def cluster(runs: int, name: str) -> None:
    """`runs` runs on a Dask LocalCluster of two worker processes, timed (the cluster's start excluded)."""
    import distributed
    plan = mc.Plan(_scenario(name), runs, seed=0)
    engine = runner.choose_engine(plan)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                  dashboard_address=":0") as local:
        outcome = runner.run(plan, scheduler=local.scheduler_address, engine=engine)
    print(f"{name}: {outcome.done:,} runs on a LocalCluster of 2 workers in {outcome.elapsed:.1f} s "
          f"({outcome.rate:,.0f} runs/s, engine {engine.name}, {outcome.replayed} replayed), "
          f"peak memory {outcome.peak_rss_bytes / 2**20:.0f} MiB over {len(outcome.tally.peak_rss)} processes")


def _scenario(name: str) -> Scenario:
    """A shipped scenario by its name: the teaching ones, else a past crisis."""
    path = ROOT / "scenarios" / f"{name}.yaml"
    return load(path if path.exists() else HISTORY / f"{name}.yaml")


def where(runs: int, name: str) -> None:
    """The CPU time of kernel runs of a scenario by part (`runs` runs after 300, one process)."""
    from collections import Counter

    from engine.events import AttackMade, DecisionTaken, WarBegun
    from engine.kernel import resume
    spent: Counter[str] = Counter()
    calls: Counter[str] = Counter()
    attacks: set[tuple[str, ...]] = set()
    asked: set[tuple[str, ...]] = set()

    def timed(module: Any, attr: str, part: Callable[[Any], str]) -> None:
        inner = getattr(module, attr)

        def call(*args: Any, **kwargs: Any) -> Any:
            began = time.thread_time()
            out = inner(*args, **kwargs)
            # a close the loops play gives its answers in the list it is handed, not as events
            asked.update((d.attack, d.state) for d in kwargs.get("answers") or ())
            label = part(out)
            spent[label] += time.thread_time() - began
            calls[label] += 1
            return out
        setattr(module, attr, call)

    def closed(step: Any) -> str:
        for e in step.events:
            if isinstance(e, AttackMade):
                attacks.add((e.attack.origin, *e.attack.attackers, e.attack.target))
            elif isinstance(e, DecisionTaken):
                asked.add((e.attack, e.state))
        # (their cascades and councils' votes in the compiled loops where those play them)
        if any(isinstance(e, WarBegun) for e in step.events):
            return "turns closed by the reference engine, a war begun in them"
        return "turns closed by the reference engine, no war begun"

    plan = mc.Plan(_scenario(name), 300 + runs, seed=0)
    kernel.run_chunk(plan, 0, 300)  # tables built, the loop compiled, the memos filled
    # the reference engine's phases as the kernel's runs call them (engine.kernel.resume's names), and the
    # kernel's own parts
    timed(resume, "close", closed)
    timed(resume, "open_turn", lambda _: "turns opened by the reference engine (option phases, injects)")
    timed(resume, "_state_at", lambda _: "leaving the kernel: the run's state rebuilt")
    timed(resume, "_after", lambda _: "coming back: the tables after the state found (or built)")
    timed(kernel, "_play", lambda _: "the compiled loop")
    from engine.kernel import run_loop
    # (the run loop's own parts: benchmarks/bench_run_loop.py --parts)
    timed(run_loop, "play", lambda _: "runs that left the tables, played by the run loop from their start")
    # A run whose state after a turn was met too seldom to have tables of its own (resume.SIGHTINGS), or
    # whose coming back to them would cost more than it saves (an option may be open on the next turn
    # too; the states after closes seldom found again: resume.CLOSE_TRIAL), is
    # played on to its end by the reference engine: the turn it starts from, and the time inside (the
    # opens and closes above included, so it is printed apart).
    played_on: Counter[int] = Counter()
    inside = [0.0]
    play_on = resume._play_on

    def played(run: Any, gs: Any, ctx: Any) -> Any:
        played_on[gs.turn] += 1
        began = time.thread_time()
        try:
            return play_on(run, gs, ctx)
        finally:
            inside[0] += time.thread_time() - began
    resume._play_on = played  # type: ignore[assignment]
    began = time.thread_time()
    kernel.run_chunk(plan, 300, 300 + runs)
    total = time.thread_time() - began
    print(f"where a kernel run of {name} spends its CPU time ({runs:,} runs after 300, one process): "
          f"{total / runs * 1e3:.2f} ms a run, {runs / total:,.0f} runs/s")
    for label, seconds in spent.most_common():
        print(f"  {label:<62} {seconds / runs * 1e3:6.3f} ms a run {seconds / total:6.1%}  "
              f"({calls[label] / runs:5.2f} a run, {seconds / calls[label] * 1e6:7.1f} us each)")
    rest = total - sum(spent.values())
    print(f"  {'the rest (summaries, tallies, reading the events)':<62} {rest / runs * 1e3:6.3f} ms a run "
          f"{rest / total:6.1%}")
    starts = ", ".join(f"{turn}: {n / runs:.0%}" for turn, n in sorted(played_on.items()) if n >= runs / 100)
    print(f"  runs played on to their end by the reference engine (a state after a turn met too seldom to "
          f"tabulate, or coming back not paying): {sum(played_on.values()) / runs:.0%} "
          f"({inside[0] / runs * 1e3:.3f} ms a run, "
          f"{inside[0] / total:.1%} of the time, the parts above included; after turn {starts})")
    print(f"  the reference engine's turns made {len(attacks):,} distinct attacks (by origin, attackers, target) "
          f"and asked {len(asked):,} distinct (attack, state) answers in {runs:,} runs")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="fewer runs everywhere")
    parser.add_argument("--scaling", action="store_true", help="the scaling table alone")
    parser.add_argument("--options", action="store_true", help="the scenarios with options alone")
    parser.add_argument("--skip-scaling", action="store_true", help="everything but the scaling table")
    parser.add_argument("--cluster", type=int, metavar="RUNS",
                        help="only: RUNS runs of --scenario on a Dask LocalCluster of two workers")
    parser.add_argument("--scenario", help="a past crisis, or a teaching scenario (baltic-2027, indo-pacific-2028): "
                        "for --cluster (2001-article-5 unless named) and --where (baltic-2027 unless named)")
    parser.add_argument("--where", action="store_true",
                        help="only: where a kernel run of --scenario spends its CPU time, by part")
    parser.add_argument("--runs", type=int, default=2_000, help="runs for --where")
    args = parser.parse_args()
    q = args.quick
    began = time.perf_counter()
    if args.scaling:
        scaling(q)
        return
    if args.options:
        with_options(q)
        return
    if args.cluster:
        cluster(args.cluster, args.scenario or "2001-article-5")
        return
    if args.where:
        where(args.runs, args.scenario or "baltic-2027")
        return
    teaching = load(TEACHING)
    print("first use of the kernel in this process (tables, and the compiled loop loaded or compiled):")
    prepared = kernel.prepare(mc.Plan(teaching, 1))
    print(f"  tables {prepared.build_seconds:.2f} s, loop {prepared.compile_seconds:.2f} s "
          f"(cache {os.environ.get('NUMBA_CACHE_DIR')}){'; ' + prepared.reason if prepared.reason else ''}")
    with_options(q)
    print("\npast crises whose runs the kernel plays itself (no war begun by an answer in most runs):")
    for name in ("2001-article-5", "2025-sindoor", "1897-greco-turkish", "1938-munich"):
        scenario = load(HISTORY / f"{name}.yaml")
        for workers in (1, 2):
            side_by_side(name, scenario, 5_000 if q else 20_000, 200 if q else 600, workers)
    print("\npast crises whose runs begin wars or meet a conditional obligation (that turn on the reference "
          "engine, the turns after it back in the kernel on tables cached per state reached):")
    for name in ("1914-july-crisis", "1973-yom-kippur", "1939-poland", "2024-iran-israel", "1866-austro-prussian",
                 "1940-italy-greece"):
        scenario = load(HISTORY / f"{name}.yaml")
        for workers in (1, 2):
            side_by_side(name, scenario, 1_000 if q else 4_000, 100 if q else 400, workers)
    scenario = load(HISTORY / "2001-article-5.yaml")
    print("\nmemory, 2 workers, 2001-article-5 (peak resident memory summed over the processes):")
    for runs in (10_000, 100_000):
        k = timed(mc.Plan(scenario, runs, seed=0), 2, compiled=True)
        print(f"  {runs:>7} runs: {k['rate']:,.0f} runs/s, {k['wall']:.1f} s, {k['mib']:.0f} MiB")
    print("\nphysical limit:")
    physical_limit("2001-article-5", scenario, 20_000)
    physical_limit("1897-greco-turkish", load(HISTORY / "1897-greco-turkish.yaml"), 20_000)
    if not args.skip_scaling:
        scaling(q)
    print(f"\npython {sys.version.split()[0]}, {os.cpu_count()} cores, {time.perf_counter() - began:.0f} s in all")


if __name__ == "__main__":
    main()
