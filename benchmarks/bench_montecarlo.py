"""Monte Carlo benchmarks: throughput and memory of `casus run`, where the time goes, and scaling.

    python benchmarks/bench_montecarlo.py [--runs 10000] [--workers 2] [--quick]
                                          [--skip-scaling] [--skip-profile] [--reference-only]

Target: 10,000 runs of the teaching scenario with 2 workers at 500 runs per
second or more, under 1 GB of peak memory summed over the processes. Prints
the throughput (wall clock and CPU per run) and the peak memory of the engine
`casus run` chooses (the compiled kernel when the scenario is within its scope),
then of the reference engine (`casus run --reference`) in the same sitting; a
profile of one process of the reference engine summarised by module and by
function; and its runs per second against the number of states and of turns
(synthetic scenarios from benchmarks/generate.py).
"""
from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.generate import generate_scenario  # noqa: E402
from casus import runner  # noqa: E402
from engine import montecarlo as mc  # noqa: E402
from engine.scenario import from_data, load  # noqa: E402

TEACHING = ROOT / "scenarios" / "baltic-2027.yaml"
TARGET_RATE = 500.0
TARGET_BYTES = 1 << 30


def bench_throughput(runs: int, workers: int, reference: bool) -> dict:
    """`casus run`'s throughput: its choice of engine (the tables built before the clock starts, as
    `casus run` builds them before its workers start), or the reference engine."""
    plan = mc.Plan(load(TEACHING), runs, seed=0)
    engine = runner.choose_engine(plan, reference=reference)
    before = os.times()
    outcome = runner.run(plan, workers=workers, engine=engine)
    after = os.times()
    cpu = (after.user - before.user) + (after.system - before.system) + \
          (after.children_user - before.children_user) + (after.children_system - before.children_system)
    return {"runs": outcome.done, "workers": outcome.workers, "wall_s": outcome.elapsed,
            "rate": outcome.rate, "cpu_ms_per_run": 1000 * cpu / max(outcome.done, 1),
            "peak_bytes": outcome.peak_rss_bytes, "processes": len(outcome.tally.peak_rss),
            "each_mib": sorted(round(kib / 1024) for kib in outcome.tally.peak_rss.values()),
            "load": os.getloadavg()[0], "engine": engine.name}


def report(r: dict) -> None:
    ok_rate = "met" if r["rate"] >= TARGET_RATE else "NOT met"
    ok_mem = "met" if r["peak_bytes"] < TARGET_BYTES else "NOT met"
    print(f"teaching scenario, {r['runs']} runs, {r['workers']} workers, engine {r['engine']}: "
          f"{r['wall_s']:.1f} s wall, {r['rate']:.1f} runs/s [target >= {TARGET_RATE:.0f}: {ok_rate}]; "
          f"{r['cpu_ms_per_run']:.1f} ms CPU per run")
    print(f"  peak memory, sum over {r['processes']} processes: {r['peak_bytes'] / 2**20:.0f} MiB "
          f"(each {', '.join(str(m) for m in r['each_mib'])} MiB) "
          f"[target < 1024 MiB: {ok_mem}]; load average during the run {r['load']:.1f} "
          f"on {os.cpu_count()} cores")


def profile_one(runs: int, top: int = 18) -> None:
    plan = mc.Plan(load(TEACHING), runs, seed=0)
    mc.run_chunk(plan, 0, 2)  # warm the per-process caches, as a worker is warm
    profiler = cProfile.Profile()
    start = time.process_time()
    profiler.enable()
    mc.run_chunk(plan, 0, runs)
    profiler.disable()
    cpu = time.process_time() - start
    stats = pstats.Stats(profiler)
    by_module: dict[str, float] = {}
    for (path, _, _), (_, _, own, _, _) in stats.stats.items():
        name = "builtins" if path == "~" else Path(path).name
        by_module[name] = by_module.get(name, 0.0) + own
    total = sum(by_module.values())
    whole = max(cum for (_, _, _, cum, _) in stats.stats.values())
    print(f"\nprofile of {runs} runs in one process ({1000 * cpu / runs:.0f} ms CPU per run under the profiler):")
    print("  own time by module:  " + ", ".join(
        f"{name} {share / total:.0%}" for name, share in sorted(by_module.items(), key=lambda kv: -kv[1])[:9]))
    print("  by function, cumulative (the phases) and own time (the hot spots):")
    rows = sorted(stats.stats.items(), key=lambda kv: -kv[1][3])
    shown = 0
    for (path, line, func), (_, calls, own, cum, _) in rows:
        if "engine" not in path or shown >= top:
            continue
        shown += 1
        print(f"    {min(cum / whole, 1.0):6.1%} cum {own / total:5.1%} own {calls / runs:9.0f} calls/run  "
              f"{Path(path).name}:{line} {func}")


def rate_of(scenario, runs: int) -> tuple[float, float]:
    """(runs per second, events per run) in this process."""
    from engine.game import Game
    plan = mc.Plan(scenario, runs, seed=0)
    mc.run_chunk(plan, 0, 1)
    start = time.process_time()
    mc.run_chunk(plan, 0, runs)
    cpu = time.process_time() - start
    game = Game.new(scenario, seed=mc.run_seed(0, 0), stochastic=True, verbose=False)
    game.play()
    return runs / cpu, len(game.events)


def bench_scaling(quick: bool) -> None:
    print("\nscaling, one process (CPU time), synthetic scenarios (benchmarks/generate.py):")
    print(f"  {'states':>6} {'treaties':>8} {'injects':>7} {'turns':>5} {'runs/s':>8} {'ms/run':>8} {'events/run':>10}")
    for n in (10, 50, 100, 200):
        scenario = from_data(generate_scenario(n, max(2, n // 2), 100, seed=1), f"scale-{n}")
        rate, events = rate_of(scenario, 5 if quick else (20 if n <= 50 else 8))
        print(f"  {n:>6} {max(2, n // 2):>8} {100:>7} {scenario.turns:>5} {rate:8.1f} {1000 / rate:8.1f} {events:>10}")
    for turns in (10, 20, 40, 80):
        scenario = from_data(generate_scenario(50, 25, 10 * turns, seed=1), f"turns-{turns}")
        rate, events = rate_of(scenario, 5 if quick else 10)
        print(f"  {50:>6} {25:>8} {10 * turns:>7} {scenario.turns:>5} {rate:8.1f} {1000 / rate:8.1f} {events:>10}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--quick", action="store_true", help="1,000 runs and small samples")
    parser.add_argument("--skip-scaling", action="store_true")
    parser.add_argument("--skip-profile", action="store_true")
    parser.add_argument("--reference-only", action="store_true", help="the reference engine's throughput alone")
    args = parser.parse_args()
    runs = 1000 if args.quick and args.runs == 10_000 else args.runs
    for reference in ((True,) if args.reference_only else (False, True)):
        report(bench_throughput(runs, args.workers, reference))
    if not args.skip_profile:
        profile_one(20 if args.quick else 60)
    if not args.skip_scaling:
        bench_scaling(args.quick)
    print(f"\npython {sys.version.split()[0]}, {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
