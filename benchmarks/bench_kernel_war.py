"""A turn's cascade of wars: the compiled loop (engine.kernel.war) against the reference engine's.

    python benchmarks/bench_kernel_war.py [--runs 60] [SCENARIO ...]

Plays `--runs` batch runs of each scenario on the reference engine and keeps the state of
every turn with attacks once open (the options chosen, before the close). Then, with the
loop's tables built and the memos filled by one pass over those states, times in this
thread's CPU time, twice each alternated, the best of two: the reference engine's cascade
(`turn_cascade` with the batch decider, on a copy of the state; the copies' cost, timed
alone, taken off) and the loop's (`CascadeTables.play`, from the state itself, its Python
around the compiled loop included). Prints per scenario the turns, their mean answers, and
each engine's time a turn. Neither side makes the turn's events or resolves it: this is
the cascade alone, the part of a turn of war the loop plays.
"""
from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from engine import montecarlo as mc  # noqa: E402
from engine.decide import Decider  # noqa: E402
from engine.game import Game  # noqa: E402
from engine.kernel import war  # noqa: E402
from engine.play import Context, Play  # noqa: E402
from engine.scenario import load  # noqa: E402
from engine.state import GameState, Status  # noqa: E402
from engine.turn import close_turn, open_turn, turn_cascade  # noqa: E402

DEFAULT = ("baltic-2027", "indo-pacific-2028", "history/1914-july-crisis", "history/1973-yom-kippur")


def turns_of(name: str, runs: int) -> tuple[list[GameState], Context]:
    scenario = load(ROOT / "scenarios" / f"{name}.yaml")
    doctrine = mc._PLAYERS.doctrine(scenario, {})
    ctx = Context(doctrine, stochastic=True, verbose=False)
    states = []
    for index in range(runs):
        gs = Game.new(scenario, seed=mc.run_seed(0, index), stochastic=True, verbose=False, doctrine=doctrine).state
        while gs.turn < scenario.turns and gs.status is not Status.FINISHED:
            gs = open_turn(gs, ctx).state
            if gs.status is Status.OPEN and gs.turn_attacks:
                states.append(gs.copy())
            gs = close_turn(gs, ctx).state
    return states, ctx


def measure(name: str, runs: int) -> str:
    states, ctx = turns_of(name, runs)
    tables = war.CascadeTables(states[0].scenario)
    played = [gs for gs in states if _plays(tables, gs, ctx)]
    answers = sum(len(tables.play(gs, ctx).answers) for gs in played)

    def reference() -> None:
        for gs in played:
            play = Play(gs.copy(), ctx)
            turn_cascade(play, Decider(play), all_triggers=False)

    def copies() -> None:
        for gs in played:
            gs.copy()

    def loop() -> None:
        for gs in played:
            tables.play(gs, ctx)

    reference()  # (the reference engine's memos filled as the loop's tables are)
    best: dict[str, float] = {}
    for timed in (reference, copies, loop, reference, copies, loop):
        best[timed.__name__] = min(best.get(timed.__name__, float("inf")), _cpu(timed))
    n = len(played)
    ref = (best["reference"] - best["copies"]) / n
    own = best["loop"] / n
    return (f"{name}: {n} turns with attacks of {len(states)} in the loop, {answers / n:.1f} answers each; "
            f"the reference engine's cascade {ref * 1e6:.0f} us a turn, the loop's {own * 1e6:.0f} us "
            f"({ref / own:.1f}x)")


def _plays(tables: war.CascadeTables, gs: GameState, ctx: Context) -> bool:
    try:
        tables.play(gs, ctx)
    except war.OutOfScope:
        return False
    return True


def _cpu(f: Callable[[], None]) -> float:
    start = time.thread_time()
    f()
    return time.thread_time() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("scenarios", nargs="*", default=list(DEFAULT))
    parser.add_argument("--runs", type=int, default=60)
    args = parser.parse_args()
    for name in args.scenarios:
        print(measure(name, args.runs), flush=True)


if __name__ == "__main__":
    main()
