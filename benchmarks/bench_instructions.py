"""Instructions per Monte Carlo run of the teaching scenario, counted by valgrind.

    python benchmarks/bench_instructions.py [--runs 100]
    python benchmarks/bench_instructions.py --decisions [--runs 300]
    python benchmarks/bench_instructions.py --decisions --instructions [--runs 20]
    python benchmarks/bench_instructions.py --decisions --cold [--runs 200]
    python benchmarks/bench_instructions.py --decisions --kernel [--runs 1000]
    python benchmarks/bench_instructions.py --kernel [--runs 200] [--warm 300]
    python benchmarks/bench_instructions.py --decisions --instructions --cache [--runs 20]

Each takes `--scenario NAME` for another shipped scenario (indo-pacific-2028) in place of the
teaching one.

Wall-clock time on a shared machine varies by tens of percent between identical
runs; the number of instructions does not. The script runs valgrind's callgrind
twice, on 10 and on 10 + `--runs` runs of `engine.montecarlo.run_chunk` in one
process, and prints the difference divided by `--runs`: start-up, imports and the
tables each scenario builds once (in its first runs) cancel out.

`--decisions` counts no instructions: it times, in this process, each option decision
of the doctrine (`engine.options.probability`, a batch run's chance, the option's case included) and each ally's
decision (`Doctrine.draw`, a batch run's answer) over `--runs` runs after 20, in the thread's CPU time (which
other processes on the machine move less than the wall clock), and prints the mean of each.
Both spans run from what the turn hands the decision to the chance or the answer: the
option's reads its case (the attacker's probes) and the world; the ally's reads the world
from a `Situation` the cascade built just before (a constructor call, outside the span),
and draws its answer from the keyed uniform the cascade made, as the option phase makes
its own; neither records an event. `--decisions --instructions` counts the instructions
inside the same two spans with callgrind instead (collection switched on only inside
them), `--runs` runs after 10: a count the machine's load does not move; with `--cache`,
callgrind also simulates the caches (a 1 MiB second level, as on the machine the performance
figures come from) and prints the second-level misses per decision beside. Either span
also counts the garbage collector's passes that happen to start inside it, so a change
that keeps more objects alive can move the other kind's span by a few thousand.

`--kernel` counts the instructions of `--runs` kernel runs of the teaching scenario (`casus run`'s
own path) after `--warm` (300) in one process, collected inside their `kernel.run_chunk` alone: some
13 minutes for 200. A worker's first thousands of runs still read and build tables (runs 300-340
mostly do); with `--warm 3000` the count is nearer the runs of a long batch.

`--decisions --kernel` times the same option decisions on `casus run`'s own path, the compiled
kernel (which hands a run's option phases to the reference engine), against each ally's answer
the compiled loops draw there: the loops' CPU time divided by the answers they draw (the votes,
honour and cohesion the skeleton's loop plays beside them included, the tables the reference
engine fills for them left out), over `--runs` runs after 300.

`--decisions --cold` times the same spans with the processor's caches emptied before
every decision of either kind (16 MiB written, outside the spans): both kinds then run
from memory, as an option does in a run (see docs/PERFORMANCE.md, "Options and their cost per
decision"), and the CPU time per instruction of the two can be compared.
"""
from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
TEACHING = ROOT / "scenarios" / "baltic-2027.yaml"
_DECIDING = """
import operator, sys
sys.path.insert(0, {root!r})
from engine import montecarlo as mc, options
from engine.doctrine.core import Doctrine
from engine.scenario import load
plan = mc.Plan(load({path!r}), 10 + {runs}, seed=0)
mc.run_chunk(plan, 0, 10)
made = [0]
if {kind!r} == "option":
    advice = options.probability
    def through(*args, **kwargs):
        made[0] += 1
        return operator.methodcaller("__call__", *args, **kwargs)(advice)
    options.probability = through
else:
    decide = Doctrine.draw
    def through(*args, **kwargs):
        made[0] += 1
        return operator.methodcaller("__call__", *args, **kwargs)(decide)
    Doctrine.draw = through
mc.run_chunk(plan, 10, 10 + {runs})
print("DECISIONS", made[0], file=sys.stderr)
"""
_CHILD = """
import sys
sys.path.insert(0, {root!r})
from engine import montecarlo as mc
from engine.scenario import load
plan = mc.Plan(load({path!r}), max({runs}, 1), seed=0)
mc.run_chunk(plan, 0, {runs})
"""


def instructions(runs: int) -> int:
    code = _CHILD.format(root=str(ROOT), path=str(TEACHING), runs=runs)
    with tempfile.TemporaryDirectory() as tmp:
        out = subprocess.run(
            ["valgrind", "--tool=callgrind", f"--callgrind-out-file={tmp}/cg.out", sys.executable, "-c", code],
            capture_output=True, text=True, check=True)
    found = re.search(r"Collected : (\d+)", out.stderr)
    if found is None:
        raise SystemExit(f"valgrind said no count:\n{out.stderr[-2000:]}")
    return int(found.group(1))


_KERNEL = """
import operator, sys
sys.path.insert(0, {root!r})
from engine import kernel
from engine import montecarlo as mc
from engine.scenario import load
plan = mc.Plan(load({path!r}), {warm} + {runs}, seed=0)
kernel.run_chunk(plan, 0, {warm})
operator.methodcaller("run_chunk", plan, {warm}, {warm} + {runs})(kernel)
"""


def kernel_instructions(runs: int, warm: int = 300) -> int:
    """The instructions of the teaching scenario's kernel runs warm..warm+`runs` of one process (its tables
    built and its memos filled in the first `warm`: a worker's first runs meet most of them, and read and
    build the rest), collected inside their `kernel.run_chunk` alone (called through an
    `operator.methodcaller`, as `decision_instructions` does)."""
    code = _KERNEL.format(root=str(ROOT), path=str(TEACHING), runs=runs, warm=warm)
    with tempfile.TemporaryDirectory() as tmp:
        out = subprocess.run(
            ["valgrind", "--tool=callgrind", "--collect-atstart=no", "--toggle-collect=methodcaller_call",
             f"--callgrind-out-file={tmp}/cg.out", sys.executable, "-c", code],
            capture_output=True, text=True, check=True)
    found = re.search(r"Collected : (\d+)", out.stderr)
    if found is None:
        raise SystemExit(f"valgrind said no count:\n{out.stderr[-2000:]}")
    return int(found.group(1))


def decision_instructions(runs: int, cache: bool = False) -> dict[str, tuple[int, int, int]]:
    """Per kind of decision: how many in `runs` runs after 10, the instructions inside them, and
    (`cache`) their second-level cache misses, instructions' and data's (else 0). Each decision is
    called through an `operator.methodcaller`, and callgrind collects only inside its C function
    (`methodcaller_call`, which the engine never calls: callgrind toggles collection on entering
    and leaving the function named, so one the engine calls inside a span, as the options' coalition
    calls `operator.call`, would switch it off there)."""
    found = {}
    simulate = ["--cache-sim=yes", "--LL=1048576,8,64"] if cache else []
    for kind in ("option", "ally"):
        code = _DECIDING.format(root=str(ROOT), path=str(TEACHING), runs=runs, kind=kind)
        with tempfile.TemporaryDirectory() as tmp:
            out = subprocess.run(
                ["valgrind", "--tool=callgrind", "--collect-atstart=no", "--toggle-collect=methodcaller_call",
                 *simulate, f"--callgrind-out-file={tmp}/cg.out", sys.executable, "-c", code],
                capture_output=True, text=True, check=True)
            written = Path(tmp, "cg.out").read_text(encoding="utf-8", errors="replace")
        made = re.search(r"DECISIONS (\d+)", out.stderr)
        events = re.search(r"^events: (.+)$", written, re.M)
        summary = re.search(r"^(?:summary|totals): (.+)$", written, re.M)
        if made is None or events is None or summary is None:
            raise SystemExit(f"valgrind said no count:\n{out.stderr[-2000:]}")
        counts = dict(zip(events.group(1).split(), map(int, summary.group(1).split()), strict=False))
        found[kind] = (int(made.group(1)), counts["Ir"], counts.get("ILmr", 0) + counts.get("DLmr", 0)
                       + counts.get("DLmw", 0))
    return found


Spent = dict[str, list[Any]]  # per kind of decision: [how many, CPU seconds]


def _timed(spent: Spent, kind: str, f: Callable[..., Any], counted: bool = True,
           before: Callable[[], None] | None = None) -> Callable[..., Any]:
    """`f`, its CPU time in this thread (and, `counted`, each call) added to `spent[kind]`; `before`
    is called first, outside the span."""
    def call(*args: Any, **kwargs: Any) -> Any:
        if before is not None:
            before()
        start = time.thread_time()
        try:
            return f(*args, **kwargs)
        finally:
            spent[kind][0] += counted
            spent[kind][1] += time.thread_time() - start
    return call


def _window(spent: Spent, run_chunk: Callable[[Any, int, int], Any], plan: Any, warm: int,
            runs: int) -> dict[str, tuple[int, float]]:
    """What `spent` gathers over runs warm..warm+runs of `plan`, played by `run_chunk` after the first."""
    run_chunk(plan, 0, warm)
    for kind in spent:
        spent[kind] = [0, 0.0]
    run_chunk(plan, warm, warm + runs)
    return {kind: (int(n), float(t)) for kind, (n, t) in spent.items()}


def per_decision(runs: int, cold: bool = False) -> dict[str, tuple[int, float]]:
    """Per kind of decision ('option', 'ally'): how many in `runs` runs, and CPU seconds in all;
    `cold`: with the caches emptied before each decision, outside its span."""
    sys.path.insert(0, str(ROOT))
    from engine import montecarlo as mc
    from engine import options
    from engine.doctrine.core import Doctrine
    from engine.scenario import load

    spent: Spent = {"option": [0, 0.0], "ally": [0, 0.0]}
    # Larger than the processor's caches; writing one byte per 64-byte line evicts them.
    flood, ones = bytearray(16 << 20), b"\x01" * ((16 << 20) // 64)

    def flush() -> None:
        flood[::64] = ones

    before = flush if cold else None
    options.probability = _timed(spent, "option", options.probability, before=before)  # type: ignore[assignment]
    Doctrine.draw = _timed(spent, "ally", Doctrine.draw, before=before)  # type: ignore[method-assign]
    return _window(spent, mc.run_chunk, mc.Plan(load(TEACHING), 20 + runs, seed=0), 20, runs)


def kernel_decisions(runs: int) -> dict[str, tuple[int, float]]:
    """On `casus run`'s own path, the compiled kernel, over `runs` runs after 300: each option decision
    (the reference engine's option phase, `options.probability`, as above) against each ally's answer the
    compiled loops draw (the skeleton's loop and the cascades' loop: their CPU time divided by the answers
    they draw, the votes, honour and cohesion the skeleton's loop plays beside included; the tables the
    reference engine fills for them when a run first meets an attack left out)."""
    sys.path.insert(0, str(ROOT))
    import numpy as np

    from engine import kernel, options
    from engine import montecarlo as mc
    from engine.kernel import war
    from engine.scenario import load

    spent: Spent = {"option": [0, 0.0], "ally": [0, 0.0]}
    play, result = kernel._play, war._Run.result

    def skeleton(*args: Any, **kwargs: Any) -> Any:
        start = time.thread_time()
        out = play(*args, **kwargs)
        spent["ally"][1] += time.thread_time() - start
        spent["ally"][0] += int((out[0] >= 0).sum())  # the ranks drawn
        return out

    def drawn(self: Any, *args: Any, **kwargs: Any) -> Any:
        n_answers, _ = war.war_loop.answers_and_wars(self.cursor)
        spent["ally"][0] += int(np.count_nonzero(self.answers[:n_answers, 3] == 0))  # not standing
        return result(self, *args, **kwargs)

    options.probability = _timed(spent, "option", options.probability)  # type: ignore[assignment]
    kernel._play = skeleton  # type: ignore[assignment]
    war._Run.go = _timed(spent, "ally", war._Run.go, counted=False)  # type: ignore[method-assign]
    war._Run.result = drawn  # type: ignore[method-assign]
    return _window(spent, kernel.run_chunk, mc.Plan(load(TEACHING), 300 + runs, seed=0), 300, runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=100)
    parser.add_argument("--decisions", action="store_true",
                        help="time an option decision against an ally's decision instead")
    parser.add_argument("--kernel", action="store_true",
                        help="the compiled kernel's runs (with --decisions: an ally's answer as its loops draw it)")
    parser.add_argument("--cold", action="store_true",
                        help="with --decisions: empty the caches before each decision (outside its span)")
    parser.add_argument("--instructions", action="store_true",
                        help="with --decisions: count each decision's instructions (callgrind), not its time")
    parser.add_argument("--cache", action="store_true",
                        help="with --decisions --instructions: count the second-level cache misses too")
    parser.add_argument("--warm", type=int, default=300,
                        help="with --kernel alone: the runs played before those counted (a worker's first runs "
                             "build the tables; past some thousands, a run seldom builds one)")
    parser.add_argument("--scenario", default="baltic-2027",
                        help="another shipped scenario with options (indo-pacific-2028) in place of the teaching one")
    args = parser.parse_args()
    global TEACHING
    TEACHING = ROOT / "scenarios" / f"{args.scenario}.yaml"  # every part reads the scenario from here
    if args.decisions and args.instructions:
        counted = decision_instructions(args.runs, args.cache)
        print(", ".join(f"{kind}: {n / args.runs:.1f} a run, {ir / max(n, 1) / 1e3:.0f} k instructions each"
                        + (f" ({missed / max(n, 1):.0f} second-level misses)" if args.cache else "")
                        for kind, (n, ir, missed) in counted.items()) + f" ({args.runs} runs after 10)")
        return
    if args.kernel and not args.decisions:
        counted = kernel_instructions(args.runs, args.warm)
        print(f"instructions per kernel run of {args.scenario}: {counted / args.runs / 1e6:.2f} M "
              f"({args.runs} runs after {args.warm}, one process)")
        return
    if args.decisions and args.kernel:
        found = kernel_decisions(args.runs)
        print(", ".join(f"{kind}: {n / args.runs:.1f} a run, {1e6 * t / max(n, 1):.1f} µs each"
                        for kind, (n, t) in found.items())
              + f" ({args.runs} runs of {args.scenario} after 300 on the compiled kernel's path, CPU time)")
        return
    if args.decisions:
        found = per_decision(args.runs, args.cold)
        print(", ".join(f"{kind}: {n / args.runs:.1f} a run, {1e6 * t / max(n, 1):.1f} µs each"
                        for kind, (n, t) in found.items())
              + f" ({args.runs} runs after 20, CPU time{', caches emptied before each' if args.cold else ''})")
        return
    warm = 10
    base, loaded = instructions(warm), instructions(warm + args.runs)
    per_run = (loaded - base) / args.runs
    print(f"instructions per run of the teaching scenario: {per_run / 1e6:.1f} M "
          f"({args.runs} runs after {warm}; start-up and the first {warm} runs {base / 1e6:.0f} M)")


if __name__ == "__main__":
    main()
