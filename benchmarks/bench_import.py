"""Benchmark: `casus import atop --year 1980`, every state of the system (~160).

Target: under 2 s from the command line. Prints the wall time of the command
run as a subprocess (interpreter start-up and imports included) and the
in-process time of reading the data sets, building the scenario and writing
its YAML, each as the best and the median of several runs.

    python benchmarks/bench_import.py [--data DIR] [--year 1980] [--runs 5]

The data directory defaults to $CASUS_DATA, else `shared/data` beside the
repository.
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from engine.importers import atop  # noqa: E402

TARGET_SECONDS = 2.0


def default_data() -> Path:
    if os.environ.get("CASUS_DATA"):
        return Path(os.environ["CASUS_DATA"])
    return ROOT.parent / "shared" / "data"


def subprocess_times(data: Path, year: int, runs: int) -> list[float]:
    times = []
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / f"atop-{year}.yaml"
        command = [sys.executable, "-m", "casus", "import", "atop", "--year", str(year),
                   "--data", str(data), "--out", str(out)]
        for _ in range(runs):
            start = time.perf_counter()
            done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
            times.append(time.perf_counter() - start)
            if done.returncode != 0:
                raise SystemExit(f"the command failed ({done.returncode}): {done.stderr.strip()}")
    return times


def in_process_times(data: Path, year: int, runs: int) -> tuple[list[float], dict]:
    paths = atop.DataPaths.under(data)
    times, scenario = [], {}
    for _ in range(runs):
        start = time.perf_counter()
        scenario = atop.import_atop(paths, atop.default_date(year))
        atop.to_yaml(scenario, "scenario.schema.json")
        times.append(time.perf_counter() - start)
    return times, scenario


def line(label: str, times: list[float]) -> str:
    return (f"{label:<34} best {min(times):7.3f} s   median {statistics.median(times):7.3f} s"
            f"   ({len(times)} runs)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=default_data())
    parser.add_argument("--year", type=int, default=1980)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    try:
        atop.check_files(atop.DataPaths.under(args.data))
    except atop.DataError as exc:
        print(f"cannot run: {exc}", file=sys.stderr)
        return 2
    inner, scenario = in_process_times(args.data, args.year, args.runs * 2)
    outer = subprocess_times(args.data, args.year, args.runs)
    print(f"casus import atop --year {args.year}: {len(scenario['states'])} states, "
          f"{len(scenario['treaties'])} treaties")
    print(line("in process (read, build, YAML)", inner))
    print(line("subprocess (the whole command)", outer))
    verdict = "meets" if statistics.median(outer) < TARGET_SECONDS else "MISSES"
    print(f"target: under {TARGET_SECONDS:.0f} s from the command line: {verdict}")
    return 0 if verdict == "meets" else 1


if __name__ == "__main__":
    sys.exit(main())
