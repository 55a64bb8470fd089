"""Backtest of every historical scenario: `casus backtest scenarios/history/*.yaml`.

    python benchmarks/bench_backtest.py

Target: under 2 s for all of them, start-up included. Also times the
leave-one-crisis-out calibration (`casus calibrate`), which refits once per crisis.
"""
from __future__ import annotations

import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def timed(args: list[str], repeats: int) -> list[float]:
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        subprocess.run([sys.executable, "-m", "casus", *args], check=True, cwd=ROOT,
                       stdout=subprocess.DEVNULL)
        times.append(time.perf_counter() - t)
    return times


def main() -> None:
    files = [str(p) for p in sorted((ROOT / "scenarios" / "history").glob("*.yaml"))]
    bt = timed(["backtest", *files], 5)
    print(f"casus backtest of {len(files)} crises (whole process): median {statistics.median(bt):.2f} s, "
          f"best {min(bt):.2f} s  [target < 2 s]")
    cal = timed(["calibrate", *files], 2)
    print(f"casus calibrate, leave-one-crisis-out over {len(files)} crises: median {statistics.median(cal):.2f} s")


if __name__ == "__main__":
    main()
