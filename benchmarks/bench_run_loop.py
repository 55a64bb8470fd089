"""The run loop (engine/kernel/run_loop.py): a run's CPU time, and an option decision against an ally's answer.

    python benchmarks/bench_run_loop.py [--scenario baltic-2027] [--warm 3000] [--runs 2000] [--parts]

Plays `--warm` runs in one process through the run loop (the tables built, the memos filled), their
answers, commitments and injects counted as a worker's chunk counts them, then times the next `--runs`
(the process's CPU time) and prints the runs per CPU-second. With `--parts` it also times, in a second
window, the parts of a run: the compiled opening's calls (`open_turns`: each turn's injects due fired,
each open option's chance read off its table and the run's state, its keyed draw, the option fired when
taken; the turns that made no attack opened in the same call); each ceasefire's wars ended; the closes
of the turns that made attacks, and in them each cascade (its loop, the councils' votes, the answers
given, the commitments settled: `RunState.cascade`); the run's summary. The cascades' time divided
by the answers they drew is an ally's answer on this path, with what its cascade costs around it;
the compiled opening's time divided by the options it decided is an option decision's, at most
(the same calls fire the injects due). Timing the parts costs a little time of its own, so the runs
per CPU-second are printed from the first window, untimed by parts; the parts are timed with the wall
clock (`time.perf_counter`, far cheaper to read than the process's CPU clock: run it on an idle
machine), and the clock's own cost, measured here, is taken off each span.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from casus.runner import lean_gc  # noqa: E402
from engine import montecarlo as mc  # noqa: E402
from engine.kernel import run_arrays, run_loop  # noqa: E402
from engine.kernel.counted import Counted  # noqa: E402
from engine.scenario import load  # noqa: E402


def scenario_path(name: str) -> Path:
    found = ROOT / "scenarios" / f"{name}.yaml"
    return found if found.exists() else ROOT / "scenarios" / "history" / f"{name}.yaml"


def window(plan: mc.Plan, loop: run_loop.RunLoop, start: int, runs: int) -> float:
    """The CPU seconds of runs start..start+runs, their answers and commitments counted by number as a
    worker's chunk counts them (engine.kernel.run_chunk)."""
    counted = Counted()
    began = time.process_time()
    for index in range(start, start + runs):
        run_loop.play(plan, loop, index, counted)
    return time.process_time() - began


def parts(plan: mc.Plan, loop: run_loop.RunLoop, start: int, runs: int) -> dict[str, tuple[int, float]]:
    """Per part, how many calls and their seconds: each call of the compiled opening (and the option
    decisions it made), each ceasefire, each close (its cascade inside it, also apart), each run's
    summary, and the answers the cascades drew."""
    names = ("option", "ceasefire", "close", "cascade", "summary", "answers", "decided")
    spent: dict[str, list[float]] = {name: [0, 0.0] for name in names}
    clock = time.perf_counter
    began = clock()
    for _ in range(100_000):
        clock()
    tick = (clock() - began) / 100_000  # what reading the clock costs, taken off each span
    state = run_loop.RunState
    kept = {name: getattr(state, name) for name in ("ceasefire", "close", "cascade", "summary")}
    opening = run_loop.open_turns

    def timed(name: str, part: str) -> Any:
        inner = kept[name]

        def call(self: Any, *args: Any) -> Any:
            answers = int(self.at[run_loop.ASKED])
            began = clock()
            found = inner(self, *args)
            spent[part][1] += clock() - began - tick
            spent[part][0] += 1
            if part == "cascade":
                spent["answers"][0] += int(self.at[run_loop.ASKED]) - answers
            return found
        return call

    def timed_opening(*args: Any) -> Any:
        at = run_arrays.counters(args[3], args[6])  # (the run's counters, in its pool of integers)
        decided = int(at[run_loop.DECIDED])
        began = clock()
        found = opening(*args)
        spent["option"][1] += clock() - began - tick
        spent["option"][0] += 1
        spent["decided"][0] += int(at[run_loop.DECIDED]) - decided
        return found

    for name, part in (("ceasefire", "ceasefire"), ("close", "close"), ("cascade", "cascade"),
                       ("summary", "summary")):
        setattr(state, name, timed(name, part))
    run_loop.open_turns = timed_opening
    try:
        window(plan, loop, start, runs)
    finally:
        for name, inner in kept.items():
            setattr(state, name, inner)
        run_loop.open_turns = opening
    return {k: (int(n), t) for k, (n, t) in spent.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scenario", default="baltic-2027")
    parser.add_argument("--warm", type=int, default=3000)
    parser.add_argument("--runs", type=int, default=2000)
    parser.add_argument("--parts", action="store_true", help="also time option decisions and cascades")
    args = parser.parse_args()
    plan = mc.Plan(load(scenario_path(args.scenario)), 10**9, seed=0)
    loop = run_loop.RunLoop(plan)
    with lean_gc():
        window(plan, loop, 0, args.warm)
        seconds = window(plan, loop, args.warm, args.runs)
        print(f"{args.scenario}: {args.runs:,} runs after {args.warm:,} through the run loop, one process: "
              f"{seconds / args.runs * 1e6:.0f} us a run, {args.runs / seconds:.0f} runs per CPU-second")
        if args.parts:
            found = parts(plan, loop, args.warm + args.runs, args.runs)

            def line(name: str, what: str) -> None:
                n, t = found[name]
                print(f"  {what}: {t / args.runs * 1e6:.0f} us a run ({n / args.runs:.1f} a run, "
                      f"{t / max(n, 1) * 1e6:.2f} us each)")
            line("option", "the compiled opening's calls (the turns' injects due, the option decisions)")
            line("ceasefire", "ceasefires' wars ended")
            line("close", "the closes of the turns that made attacks")
            line("cascade", "  of which cascades (their loops, the votes, the answers given, the settling)")
            line("summary", "the run's summary")
            cascades, t = found["cascade"]
            answers = found["answers"][0]
            print(f"  an ally's answer, its cascade's loops and what the run keeps of it: "
                  f"{t / max(answers, 1) * 1e6:.2f} us ({answers / args.runs:.1f} a run)")
            decided, t = found["decided"][0], found["option"][1]
            print(f"  an option decision, at most (the compiled opening's time over the options it decided): "
                  f"{t / max(decided, 1) * 1e6:.2f} us ({decided / args.runs:.1f} a run)")

if __name__ == "__main__":
    main()
