"""A Monte Carlo worker's memory against the number of runs it has played.

    python benchmarks/bench_memory.py [--runs 20000] [--step 2500]
                                      [--scenario scenarios/baltic-2027.yaml] [--memos] [--kernel]

Plays the runs of one plan of the scenario (seed 0, the reference engine) in ONE
process, as a worker of `casus run --workers 1 --reference` does, `--step` runs at a
time through `engine.montecarlo.run_chunk`, and after each step prints the runs
played, the CPU seconds so far and the resident memory (/proc/self/statm; the peak
from `resource` where /proc is missing). What a worker keeps across its runs is the
engine's memos shared by the games of a batch; each is bounded, so the memory should
level off rather than grow with the runs.

`--kernel` plays them through the compiled kernel instead (`engine.kernel.run_chunk`, as a
worker of `casus run` does when the plan is in its scope), its tables prepared first (the
first line), and prints beside each step how many tables after a turn of war it keeps and
how many states it has met without compiling them (both bounded, engine.kernel.resume).

`--memos` also prints, after each step, the entries every memo holds, nested entries
counted (a memo of memos counts its own entries and theirs): the module-level memos of
engine/ (IdentityMemo, dict and list attributes), and the scenario's shared scratch
(engine.doctrine.readings.shared_scratch) key by key, so growth can be attributed.
Counting walks every memo, so it costs a little CPU time of its own.
"""
from __future__ import annotations

import argparse
import dataclasses
import os
import resource
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from engine import montecarlo as mc  # noqa: E402
from engine.doctrine import readings as rd  # noqa: E402
from engine.model import Scenario  # noqa: E402
from engine.scenario import load  # noqa: E402
from engine.world import IdentityMemo, World  # noqa: E402

TEACHING = ROOT / "scenarios" / "baltic-2027.yaml"
_PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096
# How deep nested entries are counted: a memo of memos of tuples is three levels.
_DEPTH = 4


def resident_mib() -> float:
    """Resident memory now (statm), or the peak so far where /proc is missing."""
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * _PAGE / (1 << 20)
    except OSError:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def entries(obj: Any, seen: set[int], depth: int = _DEPTH) -> int:
    """The entries `obj` holds, nested memos' entries counted, each memo once across the calls that
    share `seen`: a dict's keys, and within its values the dicts, IdentityMemos and records' fields
    that are dicts (a memo kept inside a record)."""
    if depth == 0 or id(obj) in seen:
        return 0
    seen.add(id(obj))
    if isinstance(obj, IdentityMemo):
        return sum(1 + entries(memo, seen, depth - 1) for _, memo in vars(obj)["_entries"].values())
    if isinstance(obj, dict):
        return len(obj) + sum(entries(v, seen, depth - 1) for v in obj.values() if _may_hold(v))
    if isinstance(obj, (list, tuple)):
        return sum(entries(v, seen, depth - 1) for v in obj if _may_hold(v))
    if dataclasses.is_dataclass(obj) and not isinstance(obj, (type, World)):
        return sum(entries(getattr(obj, f.name), seen, depth - 1) for f in dataclasses.fields(obj))
    return sum(entries(v, seen, depth - 1) for v in _slots(obj) if isinstance(v, dict))


def _slots(obj: Any) -> list[Any]:
    """The values of an object's slots (a memo kept in a slotted object: an index, a reading)."""
    return [getattr(obj, n, None) for c in type(obj).__mro__ for n in getattr(c, "__slots__", ())]


def footprint(obj: Any, seen: set[int], depth: int = 8) -> int:
    """The bytes of `obj` and of what it holds (sys.getsizeof, each object once across the calls that
    share `seen`): containers, numbers and strings, and the fields of records; the scenario's objects
    and the worlds are left out (they are the batch's, not a memo's)."""
    if id(obj) in seen or depth == 0 or isinstance(obj, (type, World, Scenario, ModuleType)):
        return 0
    seen.add(id(obj))
    size = sys.getsizeof(obj)
    if isinstance(obj, dict):
        return size + sum(footprint(k, seen, depth - 1) + footprint(v, seen, depth - 1) for k, v in obj.items())
    if isinstance(obj, (list, tuple, set, frozenset)):
        return size + sum(footprint(v, seen, depth - 1) for v in obj)
    if isinstance(obj, IdentityMemo):
        return size + sum(footprint(memo, seen, depth - 1) for _, memo in vars(obj)["_entries"].values())
    held = _slots(obj) + list(getattr(obj, "__dict__", {}).values())
    return size + sum(footprint(v, seen, depth - 1) for v in held if not callable(v))


def _may_hold(value: Any) -> bool:
    return isinstance(value, (dict, IdentityMemo, list, tuple)) or hasattr(type(value), "__slots__") or (
        dataclasses.is_dataclass(value) and not isinstance(value, (type, World)))


def _engine_modules() -> Iterator[ModuleType]:
    for name, module in sorted(sys.modules.items()):
        if module is not None and (name == "engine" or name.startswith("engine.")) and \
                not name.startswith("engine.kernel"):
            yield module


def memo_counts(scenario: Scenario) -> dict[str, tuple[int, int]]:
    """Every memo's entries, nested counted, and its bytes, by name; the scenario's shared scratch by
    its keys."""
    counts: dict[str, tuple[int, int]] = {}
    seen = {id(o) for o in _scenario_objects(scenario)}
    counted: set[int] = set()
    for module in _engine_modules():
        for attr, value in vars(module).items():
            if attr.startswith("__") or not isinstance(value, (IdentityMemo, dict, list)) or value is rd.MEMO:
                continue
            n = entries(value, counted)
            if n > 64:  # the tables built at import (doctrine.json, enums' ranks) are small
                counts[f"{module.__name__}.{attr}"] = (n, footprint(value, seen))
    shared = rd.MEMO.scratch(scenario)
    by_key: dict[str, tuple[int, int]] = {}
    for key, value in shared.items():
        name = key if isinstance(key, str) else str(key[0]) if isinstance(key, tuple) else type(key).__name__
        n, size = by_key.get(name, (0, 0))
        by_key[name] = (n + 1 + entries(value, counted), size + footprint(key, seen) + footprint(value, seen))
    for name, found in by_key.items():
        counts[f"shared[{name}]"] = found
    return counts


def _scenario_objects(scenario: Scenario) -> Iterator[object]:
    """The scenario's strings and records, which memos' keys share: counted as the scenario's."""
    yield scenario
    for s in scenario.states:
        yield s
        yield s.id
    for t in scenario.treaties:
        yield t
        yield t.id
    for i in scenario.injects:
        yield i
        yield i.id


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=20_000)
    ap.add_argument("--step", type=int, default=2_500)
    ap.add_argument("--scenario", type=Path, default=TEACHING)
    ap.add_argument("--memos", action="store_true", help="print each memo's entries after each step")
    ap.add_argument("--kernel", action="store_true", help="play the runs through the compiled kernel")
    args = ap.parse_args(argv)
    scenario = load(args.scenario)
    plan = mc.Plan(scenario, args.runs, seed=0)
    engine = "the kernel" if args.kernel else "the reference engine"
    print(f"{args.scenario.name}: {args.runs} runs in one process on {engine}, resident memory every {args.step}")
    play, kept = _player(plan, args.kernel)
    print(f"{'runs':>8} {'cpu s':>8} {'MiB':>8}", flush=True)
    print(f"{0:>8} {0.0:>8.1f} {resident_mib():>8.1f}{kept()}", flush=True)
    start = time.process_time()
    done = 0
    while done < args.runs:
        stop = min(args.runs, done + args.step)
        play(plan, done, stop)
        done = stop
        print(f"{done:>8} {time.process_time() - start:>8.1f} {resident_mib():>8.1f}{kept()}", flush=True)
        if args.memos:
            counts = memo_counts(scenario)
            total, size = (sum(found[i] for found in counts.values()) for i in (0, 1))
            print(f"{'':>8} memos: {total} entries, nested counted, {size / (1 << 20):.1f} MiB", flush=True)
            for name, (n, size) in sorted(counts.items(), key=lambda item: -item[1][1]):
                print(f"{'':>10} {n:>9} {size / (1 << 20):>7.2f} MiB {name}", flush=True)
    return 0


def _player(plan: mc.Plan, kernel: bool) -> tuple[Callable[[mc.Plan, int, int], Any], Callable[[], str]]:
    """How a chunk of runs is played, and what the kernel keeps across them (in words; nothing for
    the reference engine). The kernel's tables are prepared here, before the first step."""
    if not kernel:
        return mc.run_chunk, str
    from engine import kernel as compiled
    tables = compiled.prepare(plan).tables
    if tables is None:
        raise SystemExit(f"the kernel does not play this plan: {compiled.prepare(plan).reason}")
    return compiled.run_chunk, lambda: f"   tables after a war {len(tables.after)}, states met {len(tables.met)}"


if __name__ == "__main__":
    raise SystemExit(main())
