"""Turn engine benchmarks: a general war on a large system, the teaching scenario
from the command line, and the size of a long game in the SQLite store.

    python benchmarks/bench_engine.py [--quick]

Targets: one turn of general war on 200 states and 1,000 treaties, cascade
included, under 100 ms; `casus play` of the teaching scenario, start-up
included, under 0.5 s; bytes per event of a 1,000-turn game reported.
"""
from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.generate import generate_scenario  # noqa: E402
from engine.game import Game  # noqa: E402
from engine.scenario import from_data  # noqa: E402
from storage.sqlite import SQLiteStore  # noqa: E402


def general_war(n_states: int = 200, n_treaties: int = 1000, n_attacks: int = 20, seed: int = 1):
    """A scenario whose first turn opens with `n_attacks` armed attacks at once."""
    data = generate_scenario(n_states, n_treaties, 10, seed=seed)
    rng = random.Random(seed)
    ids = [s["id"] for s in data["states"]]
    data["injects"] = []
    for i in range(n_attacks):
        actor, target = rng.sample(ids, 2)
        data["injects"].append({"id": f"war-{i}", "turn": 1, "kind": "armed-attack", "actor": actor,
                                "target": target, "severity": 0.8})
    data["script"] = []
    data["turns"] = 2
    return from_data(data, "general-war")


def bench_general_war(repeats: int) -> dict:
    scenario = general_war()
    times, events, wars = [], 0, 0
    for _ in range(repeats):
        game = Game.new(scenario, verbose=False)
        t = time.perf_counter()
        game.play_turn()
        times.append(time.perf_counter() - t)
        events, wars = len(game.events), len(game.state.wars)
    verbose = Game.new(scenario)
    t = time.perf_counter()
    verbose.play_turn()
    verbose_time = time.perf_counter() - t
    return {"median_ms": statistics.median(times) * 1000, "min_ms": min(times) * 1000,
            "verbose_ms": verbose_time * 1000, "events": events, "wars": wars}


def bench_cli_play(repeats: int) -> dict:
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        subprocess.run([sys.executable, "-m", "casus", "play", str(ROOT / "scenarios/baltic-2027.yaml")],
                       check=True, stdout=subprocess.DEVNULL, cwd=ROOT)
        times.append(time.perf_counter() - t)
    return {"median_s": statistics.median(times), "min_s": min(times)}


def bench_store(turns: int) -> dict:
    data = generate_scenario(30, 40, turns * 10, seed=3)
    data["turns"] = turns
    for inject in data["injects"]:
        inject["turn"] = min(inject["turn"], turns)
    scenario = from_data(data, "long-game")
    game = Game.new(scenario)
    t = time.perf_counter()
    game.play()
    play_s = time.perf_counter() - t
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "casus.db"
        store = SQLiteStore(path)
        store.create("long", {"scenario": scenario.id})
        t = time.perf_counter()
        cut = 0
        for n in range(1, turns + 1):  # one transaction per turn, as the console appends
            end = game.turn_start(n + 1)
            store.append("long", game.events[cut:end], cut)
            cut = end
        append_s = time.perf_counter() - t
        store.close()
        size = sum(f.stat().st_size for f in Path(tmp).iterdir())
        json_bytes = sum(len(e.to_json()) + 1 for e in game.events)
    n = len(game.events)
    return {"turns": turns, "events": n, "play_s": play_s, "append_s": append_s,
            "db_bytes": size, "bytes_per_event": size / n, "json_bytes_per_event": json_bytes / n}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="fewer repeats, a shorter long game")
    args = parser.parse_args()
    war = bench_general_war(3 if args.quick else 10)
    print(f"general war, 200 states / 1,000 treaties / 20 attacks, one turn with cascade: "
          f"median {war['median_ms']:.1f} ms (min {war['min_ms']:.1f} ms; with explanations "
          f"{war['verbose_ms']:.1f} ms), {war['events']} events, {war['wars']} wars  [target < 100 ms]")
    cli = bench_cli_play(2 if args.quick else 5)
    print(f"casus play baltic-2027 (whole process): median {cli['median_s']:.3f} s "
          f"(min {cli['min_s']:.3f} s)  [target < 0.5 s]")
    store = bench_store(100 if args.quick else 1000)
    print(f"{store['turns']}-turn game: {store['events']} events, played in {store['play_s']:.2f} s, "
          f"appended in {store['append_s']:.2f} s; SQLite {store['db_bytes'] / 1e6:.2f} MB = "
          f"{store['bytes_per_event']:.0f} bytes per event ({store['json_bytes_per_event']:.0f} bytes of JSON)")
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
