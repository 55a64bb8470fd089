"""An option's chance compiled (engine.kernel.options) against the reference engine's batch reading.

    nice python benchmarks/bench_kernel_options.py [--runs 200] [--scenario baltic-2027] [--repeat 200]

Plays `--runs` Monte Carlo runs of the scenario on the reference engine, noting each option
it weighs (every kind: attack, deployment, ceasefire, treaty signed and left), with its table
and the run's reputations, wars, probes, turns of war and resolve, and the CPU time of the
reference engine's reading of it. Then weighs the same options again with the compiled chance,
`--repeat` times over, from inside a compiled loop (what a run loop would pay, no call from
Python); and, for scale, draws options' choices (the keyed BLAKE2b draw against the chance) and
allies' answers with the loop's own `draw_rank` (the factors' score, the ordered logit and the
keyed draw). Prints the cost of each, per decision, and checks that the compiled chances are the
reference engine's, bit for bit.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from engine import montecarlo as mc  # noqa: E402
from engine.kernel.compiled import jit  # noqa: E402
from engine.kernel.loop import draw_rank  # noqa: E402
from engine.kernel.options import (  # noqa: E402
    attack_chance,
    ceasefire_chance,
    deployment_chance,
    option_key,
    option_taken,
    reading_of,
    signed_chance,
    withdrawal_chance,
)
from engine.options import rules  # noqa: E402
from engine.options.weights import family  # noqa: E402
from engine.scenario import load  # noqa: E402

_KINDS = ("attack", "deployment", "ceasefire", "treaty-signed", "treaty-withdrawal")


class Collected:
    """The options of the kinds compiled weighed in a set of reference runs: by kind and table, each
    decision's run data (the arguments of the kind's compiled chance after its table), the reference
    engine's chance, and its CPU time."""

    def __init__(self) -> None:
        self.tables: dict[tuple[object, ...], Any] = {}
        self.cases: dict[tuple[object, ...], list[tuple[Any, ...]]] = {}
        self.chances: dict[str, list[float]] = {k: [] for k in _KINDS}
        self.spent: dict[str, float] = dict.fromkeys(_KINDS, 0.0)

    def wrap(self, kind: str, reference: Any) -> Any:
        def timed(gs: Any, inject: Any, world: Any) -> float:
            began = time.thread_time()
            found: float = reference(gs, inject, world)
            self.spent[kind] += time.thread_time() - began
            self.note(kind, gs, inject, world)
            self.chances[kind].append(found)
            return found
        return timed

    def note(self, kind: str, gs: Any, inject: Any, world: Any) -> None:
        found, key, _, args = reading_of(gs, inject, world, self.tables)
        assert found == kind
        self.cases.setdefault(key, []).append(args)


def collect(name: str, runs: int) -> Collected:
    found = Collected()
    saved = rules._FLAT
    rules._FLAT = {k: (found.wrap(family(k), f) if family(k) in _KINDS else f) for k, f in saved.items()}
    try:
        mc.run_chunk(mc.Plan(load(ROOT / "scenarios" / f"{name}.yaml"), runs, seed=0), 0, runs)
    finally:
        rules._FLAT = saved
    return found


def _weigh_attacks(tab: Any, reputations: Any, enemies: Any, probes: Any, probe_start: Any, probe_stop: Any,
                   resolves: Any, repeat: int, out: Any) -> None:
    """Every case of one attack table, `repeat` times over, inside one compiled call."""
    for _ in range(repeat):
        for c in range(resolves.shape[0]):
            out[c] = attack_chance(tab, reputations[c], enemies[c], probes[probe_start[c]:probe_stop[c]],
                                   resolves[c])


def _weigh_deployments(tab: Any, reputations: Any, resolves: Any, repeat: int, out: Any) -> None:
    for _ in range(repeat):
        for c in range(resolves.shape[0]):
            out[c] = deployment_chance(tab, reputations[c], resolves[c])


def _weigh_signed(tab: Any, reputations: Any, resolves: Any, repeat: int, out: Any) -> None:
    for _ in range(repeat):
        for c in range(resolves.shape[0]):
            out[c] = signed_chance(tab, reputations[c], resolves[c])


def _weigh_left(tab: Any, reputations: Any, enemies: Any, aggressors: Any, resolves: Any, repeat: int,
               out: Any) -> None:
    for _ in range(repeat):
        for c in range(resolves.shape[0]):
            out[c] = withdrawal_chance(tab, reputations[c], enemies[c], aggressors[c], resolves[c])


def _weigh_ceasefires(tab: Any, enemies: Any, turns: Any, resolves: Any, repeat: int, out: Any) -> None:
    for _ in range(repeat):
        for c in range(resolves.shape[0]):
            out[c] = ceasefire_chance(tab, enemies[c], turns[c], resolves[c])


def _arguments(kind: str, rows: list[tuple[Any, ...]]) -> tuple[Any, ...]:
    """The run data of a table's cases (`reading_of`'s, case by case) as the kind's compiled loop
    reads them: stacked, the probes of the attacks laid end to end."""
    resolves = np.asarray([r[-1] for r in rows])
    if kind == "attack":
        lengths = np.asarray([r[2].shape[0] for r in rows], dtype=np.int64)
        stop = np.cumsum(lengths)
        probes = np.concatenate([r[2] for r in rows])
        return np.stack([r[0] for r in rows]), np.stack([r[1] for r in rows]), probes, stop - lengths, stop, resolves
    if kind == "ceasefire":
        return np.stack([r[0] for r in rows]), np.asarray([r[1] for r in rows], dtype=np.int64), resolves
    return (*(np.stack([r[k] for r in rows]) for k in range(len(rows[0]) - 1)), resolves)


def _draw_all(weights: Any, values: Any, cuts: Any, key: Any, person: Any, n: int) -> int:
    """`n` allies' answers as the run loop draws them (score, ordered logit, keyed BLAKE2b draw)."""
    buf = np.zeros(64 + key.shape[0], dtype=np.uint8)
    acc = 0
    for i in range(n):
        buf[0] = 48 + i % 10
        acc += draw_rank(weights, values, cuts, False, buf, 8, key, 0, key.shape[0], person)
    return acc


def _draw_options(key: Any, person: Any, n: int) -> int:
    """`n` options' choices drawn as the option phase draws them (the keyed BLAKE2b draw against a
    chance), for the draw's own cost."""
    buf = np.zeros(64 + key.shape[0], dtype=np.uint8)
    buf[:8] = 49
    taken = 0
    for i in range(n):
        buf[0] = 48 + i % 10
        taken += option_taken(0.5, buf, 8, key, 0, key.shape[0], person)
    return taken


_WEIGH = {"attack": jit(_weigh_attacks), "deployment": jit(_weigh_deployments), "ceasefire": jit(_weigh_ceasefires),
          "treaty-signed": jit(_weigh_signed), "treaty-withdrawal": jit(_weigh_left)}
draw_all = jit(_draw_all)
draw_options = jit(_draw_options)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--scenario", default="baltic-2027")
    parser.add_argument("--repeat", type=int, default=200)
    args = parser.parse_args()
    found = collect(args.scenario, args.runs)
    print(f"{args.scenario}, {args.runs} runs (µs a decision; the compiled chance from inside a compiled loop, "
          f"{args.repeat} times over):")
    same = True
    for kind in _KINDS:
        chances = found.chances[kind]
        if not chances:
            continue
        spent, weighed, compiled = 0.0, 0, []
        for key, rows in found.cases.items():
            if key[0] != kind:
                continue
            arguments = _arguments(kind, rows)
            out = np.empty(len(rows))
            _WEIGH[kind](found.tables[key], *arguments, 1, out)  # compiled (or loaded) before timing
            compiled.extend(out.tolist())
            began = time.perf_counter()
            _WEIGH[kind](found.tables[key], *arguments, args.repeat, out)
            spent += time.perf_counter() - began
            weighed += len(rows) * args.repeat
        kept = sorted(compiled) == sorted(chances)
        same = same and kept
        print(f"  {kind:<17} {len(chances) / args.runs:5.2f} a run, "
              f"{len([k for k in found.tables if k[0] == kind]):3} tables; reference engine "
              f"{found.spent[kind] / len(chances) * 1e6:6.2f}, compiled {spent / weighed * 1e6:5.2f}; "
              f"the same chances, bit for bit: {kept}")
    values = np.linspace(-0.5, 0.5, 12)
    weights = np.linspace(0.2, 1.2, 12)
    cuts = np.asarray([-2.0, -0.5, 0.5, 2.0])
    key = np.frombuffer(b"narva|EST|attack", dtype=np.uint8).copy()
    person = np.zeros(16, dtype=np.uint8)
    draw_all(weights, values, cuts, key, person, 10)
    many = 200_000
    began = time.perf_counter()
    draw_all(weights, values, cuts, key, person, many)
    per = (time.perf_counter() - began) / many * 1e9
    option = np.frombuffer(option_key("narva"), dtype=np.uint8).copy()
    draw_options(option, person, 10)
    began = time.perf_counter()
    draw_options(option, person, many)
    drawn = (time.perf_counter() - began) / many * 1e9
    print(f"  an option's choice drawn (its keyed BLAKE2b draw against the chance): {drawn / 1e3:.2f}, to add to "
          f"its chance")
    print(f"  for scale, an ally's answer's arithmetic in such a loop (score, logit, BLAKE2b draw): {per / 1e3:.2f}")
    if not same:
        raise SystemExit("the compiled chances differ from the reference engine's")


if __name__ == "__main__":
    main()
