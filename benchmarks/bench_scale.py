"""A scenario at the format's limits: 1,000 states, 5,000 treaties, 1,000 turns.

    python benchmarks/bench_scale.py                 # validate, 20 turns, the dashboard
    python benchmarks/bench_scale.py --turns 1000 --batch   # every turn, as casus run plays them
    python benchmarks/bench_scale.py --profile 16    # where turn 16 spends its time

Generates the scenario with `benchmarks/generate.py` (10,000 injects, hence
1,000 turns; about 4 MB of YAML) and prints:
1. the generator's time and the file's size;
2. `casus validate` of the file: in-process (best of three) and as a command;
3. the time of each turn as the console plays it (explanations on): median,
   worst and the slowest turns; with `--batch`, as `casus run` plays it instead;
4. the size of the umpire's dashboard HTML after turn 1, rendered with Flask's
   test client (skipped with its reason if the console cannot be built).
Targets: validation under 2 s, every turn under 2 s.
"""
from __future__ import annotations

import argparse
import contextlib
import cProfile
import io
import pstats
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import yaml  # noqa: E402

from benchmarks.generate import generate_scenario  # noqa: E402
from casus.cli import main  # noqa: E402
from engine.game import Game  # noqa: E402
from engine.scenario import load  # noqa: E402

STATES, TREATIES, INJECTS = 1000, 5000, 10_000
TARGET_VALIDATE_S = 2.0
TARGET_TURN_S = 2.0
_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


def write_scenario(folder: Path, seed: int) -> tuple[Path, float]:
    """The generated scenario as a YAML file, and the generator's time."""
    began = time.perf_counter()
    data = generate_scenario(STATES, TREATIES, INJECTS, seed=seed)
    generated = time.perf_counter() - began
    path = folder / "scale.yaml"
    path.write_text(yaml.dump(data, Dumper=_DUMPER, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path, generated


def bench_validate(path: Path) -> dict[str, float]:
    """Wall and CPU seconds (CPU time is what a busy machine's load does not inflate)."""
    times, cpu = [], []
    for _ in range(3):
        began, began_cpu = time.perf_counter(), time.process_time()
        with contextlib.redirect_stdout(io.StringIO()):
            code = main(["validate", str(path)])
        times.append(time.perf_counter() - began)
        cpu.append(time.process_time() - began_cpu)
        if code != 0:
            raise SystemExit(f"the generated scenario is invalid (exit {code})")
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    began = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "casus", "validate", str(path)], cwd=ROOT,
                          capture_output=True, text=True)
    command = time.perf_counter() - began
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"casus validate failed: {done.stderr.strip()}")
    return {"best": min(times), "median": statistics.median(times), "cpu": min(cpu), "command": command,
            "command_cpu": after.ru_utime + after.ru_stime - children.ru_utime - children.ru_stime}


def bench_turns(path: Path, turns: int, verbose: bool, profile: int | None) -> list[tuple[float, float]]:
    """(wall, CPU) seconds of each turn played."""
    game = Game.new(load(path), verbose=verbose)
    times = []
    for turn in range(1, turns + 1):
        began, began_cpu = time.perf_counter(), time.process_time()
        if turn == profile:
            profiler = cProfile.Profile()
            profiler.enable()
            game.play_turn()
            profiler.disable()
            pstats.Stats(profiler, stream=sys.stderr).sort_stats("cumulative").print_stats(20)
        else:
            game.play_turn()
        times.append((time.perf_counter() - began, time.process_time() - began_cpu))
        if game.state.status.value == "finished":
            break
    return times


def dashboard_bytes(path: Path, folder: Path) -> tuple[int, float] | str:
    """The umpire's dashboard HTML after turn 1: its size in bytes and its server time."""
    try:
        from tests.e2e.support import UMPIRE_TOKEN
        from web import create_app
    except ImportError as exc:
        return f"skipped: {exc}"
    app = create_app({"INSTANCE_PATH": str(folder / "instance"), "UMPIRE_TOKEN": UMPIRE_TOKEN,
                      "SECRET_KEY": "bench", "SCENARIO_PATHS": [str(path)], "DB": str(folder / "casus.db")})
    client = app.test_client()
    auth = {"Authorization": f"Bearer {UMPIRE_TOKEN}"}
    made = client.post("/api/v1/exercises", headers=auth,
                       json={"yaml": path.read_text(encoding="utf-8"), "name": path.name})
    if made.status_code != 201:
        return f"skipped: creating the exercise answered {made.status_code}"
    eid = made.get_json()["id"]
    client.post(f"/api/v1/exercises/{eid}/open-turn", headers=auth, json={})
    umpire = app.test_client()
    umpire.get(f"/?token={UMPIRE_TOKEN}")
    began = time.perf_counter()
    page = umpire.get(f"/x/{eid}")
    took = time.perf_counter() - began
    if page.status_code != 200:
        return f"skipped: the dashboard answered {page.status_code}"
    return len(page.get_data()), took


def _report_turns(times: list[tuple[float, float]], mode: str) -> None:
    wall = [w for w, _ in times]
    cpu = [c for _, c in times]
    slow = sorted(range(len(times)), key=lambda i: -cpu[i])[:5]
    over = sum(c > TARGET_TURN_S for c in cpu)
    print(f"turns ({mode}, {len(times)} played): median {statistics.median(wall):.2f} s "
          f"({statistics.median(cpu):.2f} s of CPU), "
          f"worst {max(wall):.2f} s ({max(cpu):.2f} s of CPU), {over} over {TARGET_TURN_S:.0f} s of CPU "
          f"[{'ok' if not over else 'NOT MET'}]")
    print("  slowest (CPU): " + ", ".join(f"turn {i + 1} {cpu[i]:.2f} s" for i in slow))


def main_(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--turns", type=int, default=20, help="turns to play (default 20; 1000 for all)")
    parser.add_argument("--batch", action="store_true",
                        help="play without explanations, as casus run does, instead of as the console")
    parser.add_argument("--profile", type=int, metavar="TURN", help="print a profile of that turn to stderr")
    parser.add_argument("--no-dashboard", action="store_true", help="skip the console's dashboard")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        path, generated = write_scenario(folder, args.seed)
        print(f"scenario: {STATES:,} states, {TREATIES:,} treaties, {INJECTS:,} injects, 1,000 turns; "
              f"{path.stat().st_size / 2**20:.1f} MiB of YAML, generated in {generated:.2f} s")
        v = bench_validate(path)
        print(f"validate: best {v['best']:.2f} s, median {v['median']:.2f} s in process ({v['cpu']:.2f} s of CPU); "
              f"{v['command']:.2f} s as a command ({v['command_cpu']:.2f} s of CPU) "
              f"[{'ok' if v['command_cpu'] < TARGET_VALIDATE_S else 'NOT MET'} on CPU time]")
        if args.turns:
            mode = "batch, as casus run" if args.batch else "explained, as the console"
            _report_turns(bench_turns(path, args.turns, not args.batch, args.profile), mode)
        if not args.no_dashboard:
            shown: Any = dashboard_bytes(path, folder)
            print(f"dashboard after turn 1: {shown[0] / 1024:,.0f} KiB of HTML, {shown[1]:.2f} s"
                  if isinstance(shown, tuple) else f"dashboard: {shown}")


if __name__ == "__main__":
    main_()
