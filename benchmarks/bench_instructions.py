"""Instructions per Monte Carlo run of the teaching scenario, counted by valgrind.

    python benchmarks/bench_instructions.py [--runs 100]

Wall-clock time on a shared machine varies by tens of percent between identical
runs; the number of instructions does not. The script runs valgrind's callgrind
twice, on 10 and on 10 + `--runs` runs of `engine.montecarlo.run_chunk` in one
process, and prints the difference divided by `--runs`: start-up, imports and the
tables each scenario builds once (in its first runs) cancel out.
"""
from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TEACHING = ROOT / "scenarios" / "baltic-2027.yaml"
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=100)
    args = parser.parse_args()
    warm = 10
    base, loaded = instructions(warm), instructions(warm + args.runs)
    per_run = (loaded - base) / args.runs
    print(f"instructions per run of the teaching scenario: {per_run / 1e6:.1f} M "
          f"({args.runs} runs after {warm}; start-up and the first {warm} runs {base / 1e6:.0f} M)")


if __name__ == "__main__":
    main()
