"""Kernel runs whose turns are closed with the cascade in the compiled loop, against the same runs
closed by the reference engine's close whole.

    python benchmarks/bench_kernel_close.py [--chunk 250] [--rounds 8] [SCENARIO ...]

A kernel run leaves the compiled run loop for its option phases and its turns of war, which
the reference engine's phases play (engine.kernel.resume); each close among them now has its
cascade played by the compiled loop (engine.kernel.close). In one process, after the plan is
prepared and two chunks of each kind have filled the tables and the memos, chunks of
`--chunk` kernel runs are played alternately with either close (`resume.close` swapped for
the reference engine's `close_turn`), `--rounds` times, each chunk on runs not played
before; prints per scenario each kind's runs per CPU-second of this process and their ratio.
Both give the same results (tests/test_kernel_close.py, tests/test_kernel.py).

With `--where`, the CPU time of the compiled close's parts per run instead (the loop, the
factor values read for new rows, the tables built, the events and rounds handed to the
close, the rest of the close).
"""
from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from engine import kernel  # noqa: E402
from engine import montecarlo as mc  # noqa: E402
from engine.kernel import close as kernel_close  # noqa: E402
from engine.kernel import resume, war  # noqa: E402
from engine.play import Context, Step  # noqa: E402
from engine.scenario import load  # noqa: E402
from engine.state import GameState  # noqa: E402
from engine.turn import close_turn  # noqa: E402

DEFAULT = ("baltic-2027", "indo-pacific-2028", "history/1914-july-crisis", "history/1973-yom-kippur")


def _reference_close(gs: GameState, ctx: Context, *, own: bool = False) -> Step:
    return close_turn(gs, ctx, own=own)


def alternate(name: str, chunk: int, rounds: int) -> str:
    plan = mc.Plan(load(ROOT / "scenarios" / f"{name}.yaml"), 10**9, seed=0)
    kernel.prepare(plan)
    kinds: dict[str, Callable[..., Step]] = {"loop": kernel_close.close, "reference": _reference_close}
    at = 0
    for close in kinds.values():  # tables, memos and caches filled by each kind
        resume.close = close  # type: ignore[assignment]
        kernel.run_chunk(plan, at, at + 2 * chunk)
        at += 2 * chunk
    spent = dict.fromkeys(kinds, 0.0)
    for r in range(rounds):
        for kind in (list(kinds) if r % 2 == 0 else list(reversed(kinds))):
            resume.close = kinds[kind]  # type: ignore[assignment]
            began = time.process_time()
            kernel.run_chunk(plan, at, at + chunk)
            spent[kind] += time.process_time() - began
            at += chunk
    resume.close = kernel_close.close  # type: ignore[assignment]
    runs = chunk * rounds
    return (f"{name:<28} loop's close {runs / spent['loop']:7.1f} runs/CPU-s, reference close "
            f"{runs / spent['reference']:7.1f} runs/CPU-s, x{spent['reference'] / spent['loop']:.3f}")


def where(name: str, chunk: int) -> str:
    plan = mc.Plan(load(ROOT / "scenarios" / f"{name}.yaml"), 10**9, seed=0)
    kernel.prepare(plan)
    kernel.run_chunk(plan, 0, 2 * chunk)
    spent: Counter[str] = Counter()
    undo: list[tuple[Any, str, Any]] = []

    def timed(owner: Any, attr: str, part: str) -> None:
        f = getattr(owner, attr)
        undo.append((owner, attr, f))

        def call(*args: Any, **kwargs: Any) -> Any:
            began = time.process_time()
            try:
                return f(*args, **kwargs)
            finally:
                spent[part] += time.process_time() - began
        setattr(owner, attr, call)

    for owner, attr, part in ((resume, "close", "close"), (war.CascadeTables, "played", "cascade"),
                              (war._Run, "go", "loop"), (war.CascadeTables, "_read", "factor values read"),
                              (war.CascadeTables, "_build", "tables built"), (war._Run, "result", "events and rounds")):
        timed(owner, attr, part)
    began = time.process_time()
    kernel.run_chunk(plan, 2 * chunk, 3 * chunk)
    total = time.process_time() - began
    for owner, attr, f in reversed(undo):
        setattr(owner, attr, f)
    spent["the close but its cascade"] = spent["close"] - spent["cascade"] - spent["events and rounds"]
    lines = [f"{name}: {total / chunk * 1e3:.2f} ms a run"]
    for part in ("close", "cascade", "loop", "factor values read", "tables built", "events and rounds",
                 "the close but its cascade"):
        lines.append(f"  {part:<28} {spent[part] / chunk * 1e3:6.3f} ms a run ({spent[part] / total:5.1%})")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("scenarios", nargs="*", default=list(DEFAULT))
    parser.add_argument("--chunk", type=int, default=250)
    parser.add_argument("--rounds", type=int, default=8)
    parser.add_argument("--where", action="store_true")
    args = parser.parse_args()
    for name in args.scenarios:
        print(where(name, args.chunk) if args.where else alternate(name, args.chunk, args.rounds), flush=True)


if __name__ == "__main__":
    main()
