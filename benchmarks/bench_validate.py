"""How long `casus validate` takes on a large scenario, and how much memory it needs.

Generates a scenario of 200 states, 1,000 treaties and 2,000 injects to a
temporary YAML file and times `casus validate` on it in-process (best and median
of several runs) and as a fresh subprocess (which includes interpreter start and
imports). Target: under 1 s and under 300 MB on 2 cores.

    python benchmarks/bench_validate.py [--states 200] [--treaties 1000] [--injects 2000]
"""
from __future__ import annotations

import argparse
import contextlib
import io
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import yaml  # noqa: E402

from benchmarks.generate import generate_scenario  # noqa: E402
from casus.cli import main  # noqa: E402

TARGET_SECONDS = 1.0
TARGET_MB = 300
_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


def _validate(path: str) -> int:
    with contextlib.redirect_stdout(io.StringIO()):
        return main(["validate", path])


def _in_process(path: str, runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        began = time.perf_counter()
        code = _validate(path)
        times.append(time.perf_counter() - began)
        if code != 0:
            raise SystemExit(f"the generated scenario is invalid (exit {code})")
    return times


def _traced_peak_mb(path: str) -> float:
    tracemalloc.start()
    _validate(path)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak / 2**20


_PEAK = """
import sys
from casus.cli import main
code = main(sys.argv[1:])
with open("/proc/self/status") as status:
    peak = [line.split()[1] for line in status if line.startswith("VmHWM")]
print("VmHWM", peak[0] if peak else 0, file=sys.stderr)
sys.exit(code)
"""


def _run(argv: list[str]) -> tuple[float, subprocess.CompletedProcess[str]]:
    began = time.perf_counter()
    done = subprocess.run(argv, cwd=ROOT, capture_output=True, text=True)
    return time.perf_counter() - began, done


def _subprocess(path: str, runs: int) -> tuple[list[float], list[float]]:
    """Wall times of `python -m casus validate FILE`, and of `python -m casus --help` (start-up)."""
    times, startup = [], []
    for _ in range(runs):
        took, done = _run([sys.executable, "-m", "casus", "validate", path])
        if done.returncode != 0:
            raise SystemExit(f"casus validate failed (exit {done.returncode}): {done.stdout}{done.stderr}")
        times.append(took)
        startup.append(_run([sys.executable, "-m", "casus", "--help"])[0])
    return times, startup


def _subprocess_peak_mb(path: str) -> float:
    """The child's own high-water resident set (VmHWM; ru_maxrss of children counts the fork)."""
    done = _run([sys.executable, "-c", _PEAK, "validate", path])[1]
    for line in done.stderr.splitlines():
        if line.startswith("VmHWM"):
            return int(line.split()[1]) / 1024
    return float("nan")


def main_bench() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--states", type=int, default=200)
    parser.add_argument("--treaties", type=int, default=1000)
    parser.add_argument("--injects", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    data = generate_scenario(args.states, args.treaties, args.injects, seed=0)
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "large.yaml")
        Path(path).write_text(yaml.dump(data, Dumper=_DUMPER, sort_keys=False, allow_unicode=True),
                              encoding="utf-8")
        size = os.path.getsize(path)
        lines = Path(path).read_text(encoding="utf-8").count("\n")
        _validate(path)  # warm: imports, schema, validator
        inproc = _in_process(path, args.runs)
        peak = _traced_peak_mb(path)
        sub, startup = _subprocess(path, args.runs)
        rss = _subprocess_peak_mb(path)

    own_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children_rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"scenario: {args.states} states, {args.treaties} treaties, {args.injects} injects; "
          f"{size / 2**20:.2f} MB, {lines:,} lines of YAML; cpus: {os.cpu_count()}")
    print(f"in-process validate: best {min(inproc):.3f} s, median {statistics.median(inproc):.3f} s "
          f"({args.runs} runs)")
    print(f"subprocess validate: best {min(sub):.3f} s, median {statistics.median(sub):.3f} s "
          f"(interpreter start and imports included; `casus --help` alone: "
          f"median {statistics.median(startup):.3f} s)")
    print(f"memory: tracemalloc peak {peak:.1f} MB (in-process validate); "
          f"peak RSS {rss:.1f} MB (subprocess's own VmHWM); ru_maxrss {own_rss:.1f} MB (this process), "
          f"{children_rss:.1f} MB (children, counting pages inherited at fork)")
    worst = max(statistics.median(inproc), statistics.median(sub))
    ok = worst < TARGET_SECONDS and rss < TARGET_MB
    print(f"target < {TARGET_SECONDS:.0f} s and < {TARGET_MB} MB: {'met' if ok else 'MISSED'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main_bench())
