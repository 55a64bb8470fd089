"""The console's what-if on the compiled kernel against the reference engine, in one process.

    nice python benchmarks/bench_kernel_prefix.py [--runs 1000] [--rounds 3]

A what-if of `--runs` runs played on from a game (the doctrine playing every state, seed 1)
after its third turn, and from its fourth turn open, for 2001 (Article 5) and the teaching
scenario, in chunks of web.whatif.WHAT_IF_CHUNK runs as the console plays them. Kernel and
reference alternate, `--rounds` times each; the kernel's time includes folding the prefix
and building its tables (once per what-if), not the compile of its loop (loaded first, as the
console's background thread does). Prints runs/s, the load average, and whether the results'
bytes agree.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from engine import kernel  # noqa: E402
from engine import montecarlo as mc  # noqa: E402
from engine.events import Event  # noqa: E402
from engine.game import Game  # noqa: E402
from engine.kernel import warm  # noqa: E402
from engine.scenario import load  # noqa: E402
from web.whatif import WHAT_IF_CHUNK  # noqa: E402

SCENARIOS = {"2001 (Article 5)": ROOT / "scenarios" / "history" / "2001-article-5.yaml",
             "teaching (Baltic 2027)": ROOT / "scenarios" / "baltic-2027.yaml"}


def prefix(path: Path, turns: int, open_next: bool) -> tuple[mc.Plan, tuple[Event, ...]]:
    scenario = load(path)
    game = Game.new(scenario, seed=1, stochastic=True, verbose=True)
    game.play(turns)
    if open_next:
        game.open_turn()
    return mc.Plan(scenario, 0), game.events


def play(plan: mc.Plan, compiled: bool) -> tuple[float, str]:
    kernel._MEMO.clear()  # each what-if folds its prefix and builds its tables anew
    began = time.perf_counter()
    tally = mc.Tally.empty(plan)
    for a, b in mc.chunks(plan.runs, WHAT_IF_CHUNK):
        tally.merge(kernel.run_chunk(plan, a, b) if compiled else mc.run_chunk(plan, a, b))
    seconds = time.perf_counter() - began
    return plan.runs / seconds, json.dumps(tally.results(plan).to_dict())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    warm.ensure_loaded()
    print(f"load average before: {os.getloadavg()[0]:.2f}")
    for name, path in SCENARIOS.items():
        for open_next in (False, True):
            base, events = prefix(path, 3, open_next)
            plan = mc.Plan(base.scenario, args.runs, seed=7, prefix=events)
            rates: dict[bool, list[float]] = {True: [], False: []}
            found: dict[bool, str] = {}
            for _ in range(args.rounds):
                for compiled in (True, False):
                    rate, data = play(plan, compiled)
                    rates[compiled].append(rate)
                    found[compiled] = data
            cut = "turn 4 open" if open_next else "after turn 3"
            k, r = max(rates[True]), max(rates[False])
            print(f"{name}, {cut}, {args.runs} runs: kernel {k:,.0f} runs/s "
                  f"({', '.join(f'{x:,.0f}' for x in rates[True])}), reference {r:,.0f} runs/s "
                  f"({', '.join(f'{x:,.0f}' for x in rates[False])}), x{k / r:.1f}; "
                  f"same bytes: {found[True] == found[False]}")
    print(f"load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
