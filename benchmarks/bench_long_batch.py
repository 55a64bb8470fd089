"""A long batch in one process: the runs per CPU-second of a later window, and what the memos read again.

    python benchmarks/bench_long_batch.py [--scenario baltic-2027] [--warm 6300] [--runs 6000] [--reference]

A worker of a large batch plays thousands of runs in one process, and the readings it keeps
(the doctrine's factor values, the kernel's cascade tables, the options' coalitions) are
kept by the version of the setting and bounded, so a batch's later runs can differ from its
first ones: a bound reached too soon, or a setting renumbered, has everything read again.
This plays `--warm` runs first (the tables built, the memos filled), then times the next
`--runs` runs (the process's CPU time) and prints, for that window, the runs per
CPU-second, the factor values read afresh, the cascade tables the kernel built and the
process's peak memory. Run it on two checkouts, alternated, to compare them
(docs/PERFORMANCE.md, "The setting's numbers kept when the histories start afresh").
"""
from __future__ import annotations

import argparse
import resource
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from engine import kernel  # noqa: E402
from engine import montecarlo as mc  # noqa: E402
from engine.doctrine import factors  # noqa: E402
from engine.kernel import war  # noqa: E402
from engine.scenario import load  # noqa: E402

HISTORY = ROOT / "scenarios" / "history"


def counted(owner: Any, name: str, tally: list[int]) -> None:
    """Count the calls of `owner.name` in `tally[0]`."""
    inner = getattr(owner, name)

    def call(*args: Any, **kwargs: Any) -> Any:
        tally[0] += 1
        return inner(*args, **kwargs)
    setattr(owner, name, call)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", default="baltic-2027")
    parser.add_argument("--warm", type=int, default=6_300, help="runs played before the window")
    parser.add_argument("--runs", type=int, default=6_000, help="runs timed")
    parser.add_argument("--reference", action="store_true", help="the reference engine, not the kernel")
    args = parser.parse_args()
    path = ROOT / "scenarios" / f"{args.scenario}.yaml"
    plan = mc.Plan(load(path if path.exists() else HISTORY / f"{args.scenario}.yaml"), 10**9, seed=0)
    values, tables = [0], [0]
    counted(factors, "_settled", values)          # a situation's factor values read afresh
    counted(war.CascadeTables, "_build", tables)  # a cascade table built
    play = mc.run_chunk
    if not args.reference:
        prepared = kernel.prepare(plan)
        if prepared.reason is not None:
            raise SystemExit(f"the kernel does not play {args.scenario}: {prepared.reason}")
        play = kernel.run_chunk
    play(plan, 0, args.warm)
    values[0] = tables[0] = 0
    began = time.process_time()
    play(plan, args.warm, args.warm + args.runs)
    spent = time.process_time() - began
    engine = "reference" if args.reference else "kernel"
    print(f"{args.scenario}, {engine}, runs {args.warm:,}-{args.warm + args.runs:,} of one process: "
          f"{args.runs / spent:.1f} runs per CPU-second; factor values read {values[0]:,}; cascade tables built "
          f"{tables[0]:,}; peak memory {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024} MB")


if __name__ == "__main__":
    main()
