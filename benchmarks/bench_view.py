"""What one poll of a cell costs the engine: `view_for` at a short and a long log.

    python benchmarks/bench_view.py
    python benchmarks/bench_view.py --sizes 500 3800 --reads 300

The thirty-cells exercise of `bench_console.py` is played turn after turn (each cell's
answer given by the doctrine, a message from the umpire to all each turn) until its log
holds about each size of events; then a cell's poll is timed as the console makes it: the
view from the last 20 events on (`since`), and the public decisions it is sent. A read that
costs the same at every size is the target: the log's length must not show. Then the same
poll through the console (`GET /api/v1/exercises/<id>?since=`, Flask's test client, CPU time
of the process), the exercise played there by the umpire's closes (the doctrine answering).
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.bench_console import many_cells_scenario  # noqa: E402
from engine.game import Game  # noqa: E402
from engine.model import Control, Mode  # noqa: E402
from engine.scenario import loads  # noqa: E402
from tests.e2e.support import UMPIRE_TOKEN  # noqa: E402

CELLS = 30


def game_of(size: int) -> Game:
    """The exercise played until its log holds at least `size` events."""
    turns = 400
    scenario = loads(many_cells_scenario(CELLS, turns=turns), "thirty-cells.yaml")
    controls = {s.id: Control.PLAYER for s in scenario.states if s.id.startswith("C")}
    game = Game.new(scenario, mode=Mode.EXERCISE, controls=controls, verbose=False)
    while len(game) < size and game.state.turn < turns:
        game.open_turn()
        game.message("umpire", None, "all", f"Turn {game.state.turn}: carry on.")
        game.answer_for_missing()
        game.close_turn()
    return game


def time_reads(game: Game, viewer: frozenset[str] | None, reads: int) -> float:
    """Median seconds of one poll's view (the last 20 events new to the reader)."""
    since = max(0, len(game) - 20)
    laps = []
    for _ in range(reads):
        t0 = time.perf_counter()
        game.view_for(viewer, since=since)
        laps.append(time.perf_counter() - t0)
    return statistics.median(laps)


def console_of() -> tuple[Any, str, dict[str, Any]]:
    from web import create_app
    tmp = Path(tempfile.mkdtemp())
    scenario = tmp / "thirty.yaml"
    scenario.write_text(many_cells_scenario(CELLS, turns=400), encoding="utf-8")
    app = create_app({"INSTANCE_PATH": str(tmp / "i"), "UMPIRE_TOKEN": UMPIRE_TOKEN, "SECRET_KEY": "k",
                      "DB": str(tmp / "casus.db"), "SCENARIO_PATHS": [str(scenario)]})
    client = app.test_client()
    umpire = {"Authorization": f"Bearer {UMPIRE_TOKEN}"}
    ex = client.post("/api/v1/exercises", headers=umpire, json={"scenario": "thirty.yaml"}).get_json()
    return client, ex["id"], ex


def time_polls(sizes: list[int], reads: int) -> None:
    """A cell's poll through the console, at each size of the log."""
    client, eid, ex = console_of()
    umpire = {"Authorization": f"Bearer {UMPIRE_TOKEN}"}
    cell = {"Authorization": f"Bearer {next(iter(ex['cells'].values()))['token']}"}
    for size in sizes:
        seq = ex["seq"]
        while seq < size:
            client.post(f"/api/v1/exercises/{eid}/open-turn", headers=umpire, json={})
            seq = client.post(f"/api/v1/exercises/{eid}/close-turn", headers=umpire,
                              json={"doctrine_answers_missing": True}).get_json()["seq"]
        path = f"/api/v1/exercises/{eid}?since={max(0, seq - 20)}"
        size_of = len(client.get(path, headers=cell).data)
        laps = []
        for _ in range(reads):
            t0 = time.process_time()
            assert client.get(path, headers=cell).status_code == 200
            laps.append(time.process_time() - t0)
        print(f"{seq:>7} events: a cell's poll {statistics.median(laps) * 1e3:.2f} ms of CPU, {size_of:,} bytes")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[500, 3800], help="log sizes, in events")
    parser.add_argument("--reads", type=int, default=300, help="reads to time at each size (default 300)")
    args = parser.parse_args()
    print(f"{'events':>7} {'turn':>5} {'public':>7} {'cell read':>10} {'umpire read':>12}")
    for size in args.sizes:
        game = game_of(size)
        cell = frozenset({"C01"})
        public = len(game.view_for(cell).public)
        print(f"{len(game):>7} {game.state.turn:>5} {public:>7} "
              f"{time_reads(game, cell, args.reads) * 1e3:>8.3f} ms "
              f"{time_reads(game, None, args.reads) * 1e3:>10.3f} ms")
    time_polls(args.sizes, args.reads)
    return 0


if __name__ == "__main__":
    sys.exit(main())
