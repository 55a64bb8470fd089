"""The run loop (engine/kernel/run_loop.py): a run's CPU time, and an option decision against an ally's answer.

    python benchmarks/bench_run_loop.py [--scenario baltic-2027] [--warm 3000] [--runs 2000] [--parts]

Plays `--warm` runs in one process through the run loop (the tables built, the memos filled), their
answers, commitments and injects counted as a worker's chunk counts them, then times the next `--runs`
(the process's CPU time) and prints the runs per CPU-second. With `--parts` it also times, in a second
window, the parts of a run. There every close is made by the run loop in Python, as a worker's first
runs make it, not in the compiled turn loop (engine.kernel.turn_loop: its kept lookups are withheld), so
that the turn loop's calls time the openings alone: each turn's injects due fired, each ceasefire's wars
ended, each open option's chance read off its table and the run's state, its keyed draw, the option
fired when taken (numba's reading of the call's arguments, some 150 arrays, measured on a compiled
function that does nothing with them, is taken off each call). Then the closes of the turns that made
attacks, and in them each cascade (its loop, the councils' votes, the answers given, the commitments
settled: `RunState.cascade`); the run's summary. The cascades' time divided by the answers they drew is
an ally's answer on this path, with what its cascade costs around it; the openings' time divided by the
options they decided is an option decision's, at most (the same calls fire the injects due and end the
ceasefires' wars). Timing the parts costs a little time of its own, so the runs per CPU-second are
printed from the first window, untimed by parts; the parts are timed with the wall clock
(`time.perf_counter`, far cheaper to read than the process's CPU clock: run it on an idle machine), and
the clock's own cost, measured here, is taken off each span.
"""
from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from casus.runner import lean_gc  # noqa: E402
from engine import montecarlo as mc  # noqa: E402
from engine.kernel import run_arrays, run_loop, turn_loop  # noqa: E402
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
    """Per part, how many calls and their seconds: each call of the compiled turn loop, its closes made in
    Python (and the option decisions it made), each close (its cascade inside it, also apart), each run's
    summary, and the answers the cascades drew."""
    names = ("option", "close", "cascade", "summary", "answers", "decided")
    spent: dict[str, list[float]] = {name: [0, 0.0] for name in names}
    clock = time.perf_counter
    began = clock()
    for _ in range(100_000):
        clock()
    tick = (clock() - began) / 100_000  # what reading the clock costs, taken off each span
    state = run_loop.RunState
    kept = {name: getattr(state, name) for name in ("close", "cascade")}
    opening, summarise, for_now = turn_loop.play_turns, run_loop.summarise, turn_loop.ClosesKept.for_now

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

    def timed_summary(*args: Any) -> Any:
        began = clock()
        found = summarise(*args)
        spent["summary"][1] += clock() - began - tick
        spent["summary"][0] += 1
        return found

    def withheld(self: turn_loop.ClosesKept, generation: int, numbering: int) -> turn_loop.ClosesKept:
        return turn_loop.ClosesKept(self.n_states, self.n_treaties)  # (what the closes keep is dropped)

    reading: list[float] = []  # numba's reading of a call's arguments, measured once (`_read_arguments`)

    def timed_opening(*args: Any) -> Any:
        at = run_arrays.counters(args[1][2], args[1][5])  # (the run's counters, in its pool of integers)
        decided = int(at[run_loop.DECIDED])
        if not reading:
            reading.append(_read_arguments(args, clock, tick))
        began = clock()
        found = opening(*args)
        spent["option"][1] += clock() - began - tick - reading[0]
        spent["option"][0] += 1
        spent["decided"][0] += int(at[run_loop.DECIDED]) - decided
        return found

    for name in kept:
        setattr(state, name, timed(name, name))
    turn_loop.play_turns, run_loop.summarise, turn_loop.ClosesKept.for_now = timed_opening, timed_summary, withheld
    try:
        window(plan, loop, start, runs)
    finally:
        for name, inner in kept.items():
            setattr(state, name, inner)
        turn_loop.play_turns, run_loop.summarise, turn_loop.ClosesKept.for_now = opening, summarise, for_now
    return {k: (int(n), t) for k, (n, t) in spent.items()}


def _read_arguments(args: tuple[Any, ...], clock: Callable[[], float], tick: float) -> float:
    """What numba takes to read the turn loop's arguments (some 150 arrays in tuples) on a call: a compiled
    function that does nothing, called with the same arguments, timed."""
    import numba

    @numba.njit
    def nothing(*given: Any) -> int:
        return 0

    nothing(*args)
    began = clock()
    for _ in range(1000):
        nothing(*args)
    return (clock() - began) / 1000 - tick


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
            line("option", "the turn loop's calls, the openings alone (the injects due, ceasefires, option decisions)")
            line("close", "the closes of the turns that made attacks, made in Python")
            line("cascade", "  of which cascades (their loops, the votes, the answers given, the settling)")
            line("summary", "the run's summary")
            cascades, t = found["cascade"]
            answers = found["answers"][0]
            print(f"  an ally's answer, its cascade's loops and what the run keeps of it: "
                  f"{t / max(answers, 1) * 1e6:.2f} us ({answers / args.runs:.1f} a run)")
            decided, t = found["decided"][0], found["option"][1]
            print(f"  an option decision, at most (the openings' time over the options they decided): "
                  f"{t / max(decided, 1) * 1e6:.2f} us ({decided / args.runs:.1f} a run)")

if __name__ == "__main__":
    main()
