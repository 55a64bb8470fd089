"""Console speed: the dashboard's server time, and 30 cells polling and deciding at once.

    python benchmarks/bench_console.py              # 60 s load run
    python benchmarks/bench_console.py --duration 10

1. Dashboard of the teaching scenario (turn 3 open, the cells' decisions in):
   median server time with Flask's test client, cold (the first render after
   a change) and warm, then over HTTP against `casus serve` (waitress).
2. Load: 30 cells on loopback, each polling once a second and submitting (or
   revising) what its state has due, for --duration seconds, while the umpire
   closes a turn every --close-every seconds (the doctrine answering for the cells
   that did not) and opens the next. Prints the latency percentiles and errors,
   then checks the store: every accepted submission is exactly one decision
   event, and each state's last answer on each turn is the one its cell last sent.
Targets: dashboard median < 30 ms and under 300 KB; load p99 < 300 ms with no error.
"""
from __future__ import annotations

import argparse
import http.client
import json
import random
import re
import sqlite3
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.e2e.support import UMPIRE_TOKEN, Server  # noqa: E402

TEACHING = ROOT / "scenarios" / "baltic-2027.yaml"
CELLS = 30
RESPONSES = ("neutral", "diplomatic", "limited", "full")


def many_cells_scenario(n: int, turns: int = 2) -> str:
    states = "\n".join(f"  - {{id: C{i:02d}, name: Ally {i:02d}, power: 2, regime: democracy, region: europe, "
                       f"control: player}}" for i in range(1, n + 1))
    members = ", ".join(f"C{i:02d}" for i in range(1, n + 1))
    return f"""format: casus/1
id: thirty-cells
title: Thirty cells
start: 2027-03-02
turns: {turns}
states:
{states}
  - {{id: EST, name: Estonia, power: 0.3, regime: democracy, region: europe}}
  - {{id: RUS, name: Russia, power: 40, regime: autocracy, region: europe}}
treaties:
  - id: pact
    name: The Pact
    members: [{members}, EST]
    obligations: [{{type: defense, article: "5"}}, {{type: consultation, article: "4"}}]
injects:
  - {{id: attack, turn: 1, kind: armed-attack, actor: RUS, target: EST, text: "An attack."}}
""" + "".join(f"  - {{id: probe-{t}, turn: {t}, kind: cyber-attack, actor: RUS, target: EST, "
              f"text: \"A cyber attack.\"}}\n" for t in range(2, turns + 1))


def queued_for_a_thread(srv: Server) -> int:
    """Requests that waited for a free thread, as waitress warned of them ("Task queue depth"),
    counting the warnings `casus serve` held back (it lets one through per 10 s, with the count of
    the others). The test server reads the server's output: a pipe left unread would fill at
    64 KB, and then the next log line would block waitress's task queue, and every request."""
    count = 0
    for line in list(srv.output):
        if "Task queue depth" in line:
            held = re.search(r"and (\d+) such warnings", line)
            count += 1 + (int(held.group(1)) if held else 0)
    return count


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


# --- 1. the dashboard ------------------------------------------------------------------------------

def teaching_exercise(app) -> str:
    client = app.test_client()
    auth = {"Authorization": f"Bearer {UMPIRE_TOKEN}"}
    ex = client.post("/api/v1/exercises", headers=auth, json={"scenario": "baltic-2027.yaml"}).get_json()
    eid = ex["id"]
    for turn in range(3):
        client.post(f"/api/v1/exercises/{eid}/open-turn", headers=auth, json={})
        view = client.get(f"/api/v1/exercises/{eid}", headers=auth).get_json()
        for d in view["waiting"]:
            cell = next(n for n, c in ex["cells"].items() if d["state"] in c["states"])
            client.post(f"/api/v1/exercises/{eid}/decisions", json={**d, "response": "limited"},
                        headers={"Authorization": f"Bearer {ex['cells'][cell]['token']}"})
        if turn < 2:
            client.post(f"/api/v1/exercises/{eid}/close-turn", headers=auth, json={})
    return eid


def bench_dashboard(runs: int) -> None:
    from web import create_app
    tmp = Path(tempfile.mkdtemp())
    app = create_app({"INSTANCE_PATH": str(tmp / "i"), "UMPIRE_TOKEN": UMPIRE_TOKEN, "SECRET_KEY": "k",
                      "DB": str(tmp / "casus.db"), "SCENARIO_PATHS": [str(TEACHING)]})
    eid = teaching_exercise(app)
    client = app.test_client()
    client.get(f"/?token={UMPIRE_TOKEN}")
    console = app.extensions["casus"]
    cold, warm = [], []
    weight = len(client.get(f"/x/{eid}").data)
    for _ in range(runs):
        console.get(eid).memo.clear()        # as after any change: everything derived is rebuilt
        t = time.perf_counter()
        assert client.get(f"/x/{eid}").status_code == 200
        cold.append(time.perf_counter() - t)
        t = time.perf_counter()
        client.get(f"/x/{eid}")
        warm.append(time.perf_counter() - t)
    print(f"dashboard, test client ({runs} runs): median cold {statistics.median(cold) * 1000:.1f} ms, "
          f"warm {statistics.median(warm) * 1000:.1f} ms; p95 cold {pct(cold, 0.95) * 1000:.1f} ms; "
          f"page weight {weight / 1024:.0f} KB (target: median under 30 ms, under 300 KB)")

    srv = Server(tmp / "casus.db", [TEACHING], tmp / "i")
    try:
        conn = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=10)
        conn.request("GET", f"/?token={UMPIRE_TOKEN}")
        r = conn.getresponse()
        r.read()
        cookie = r.getheader("Set-Cookie").split(";", 1)[0]
        times = []
        for _ in range(runs):
            t = time.perf_counter()
            conn.request("GET", f"/x/{eid}", headers={"Cookie": cookie})
            r = conn.getresponse()
            r.read()
            times.append(time.perf_counter() - t)
            assert r.status == 200
        print(f"dashboard over HTTP (waitress, {runs} runs): median {statistics.median(times) * 1000:.1f} ms, "
              f"p95 {pct(times, 0.95) * 1000:.1f} ms (first {times[0] * 1000:.1f} ms: fold and render)")
    finally:
        srv.stop()


# --- 2. thirty cells ---------------------------------------------------------------------------------

# As the cell's page does (web/static/casus.js): its polls come a fifth early or late at random,
# and after a change it waits a moment of its own, under RELOAD_SPREAD seconds, before reading.
POLL_JITTER = 0.2
RELOAD_SPREAD = 1.0


class CellClient(threading.Thread):
    """A cell's browser and its player: polls once a second and answers (or revises) whatever
    its state has due this turn; a turn the umpire closed meanwhile answers 409, a refusal.
    Spread as the page spreads its polls and reloads, unless `in_step` (every cell on the same
    beat, reading at once after a change: the clients before the page spread them)."""

    def __init__(self, port: int, eid: str, state: str, token: str, join: str, until: float,
                 in_step: bool = False):
        super().__init__(daemon=True)
        self.port, self.eid, self.state, self.token, self.until = port, eid, state, token, until
        self.in_step = in_step
        self.rng = random.Random(state)
        self.join_path = join.split(f":{port}", 1)[1]
        self.latencies: list[float] = []
        self.errors: list[str] = []
        self.accepted = 0
        self.refused = 0                       # answers to a turn the umpire had closed: 409
        self.last_sent: str | None = None
        self.last_turn: dict[int, str] = {}    # turn -> the last answer accepted on it

    def _request(self, conn, method, path, body=None, headers=None):
        t = time.perf_counter()
        conn.request(method, path, body=body, headers=headers or {})
        r = conn.getresponse()
        data = r.read()
        self.latencies.append(time.perf_counter() - t)
        return r, data

    def run(self) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            r, _ = self._request(conn, "GET", self.join_path)
        except (OSError, http.client.HTTPException) as exc:
            self.errors.append(f"join {exc!r}")
            return
        cookie = r.getheader("Set-Cookie").split(";", 1)[0]
        k = 0
        seen_version: object = None
        read_to = 0
        view: dict[str, Any] = {}
        due: list[dict[str, Any]] = []
        while time.monotonic() < self.until:
            start = time.monotonic()
            try:
                r, data = self._request(conn, "GET", f"/x/{self.eid}/cell/poll", headers={"Cookie": cookie})
                if r.status != 200:
                    self.errors.append(f"poll {r.status}")
                auth = {"Authorization": f"Bearer {self.token}", "Content-Type": "application/json"}
                version = json.loads(data).get("version")
                if version != seen_version:  # what the cell sees has changed: read what is new
                    if not self.in_step and seen_version is not None:
                        time.sleep(self.rng.random() * RELOAD_SPREAD)
                    r, data = self._request(conn, "GET", f"/api/v1/exercises/{self.eid}?since={read_to}",
                                            headers=auth)
                    view, seen_version = json.loads(data), version
                    read_to = view.get("seq", read_to)
                    due = [d for d in view.get("due", []) if d["state"] == self.state
                           and d["status"] != "overridden"]
                if due:
                    response = RESPONSES[k % len(RESPONSES)]
                    body = json.dumps({"state": self.state, "attack": due[0]["attack"], "response": response,
                                       "rationale": f"{self.state} round {k}"})
                    r, data = self._request(conn, "POST", f"/api/v1/exercises/{self.eid}/decisions", body, auth)
                    if r.status == 201:
                        self.accepted += 1
                        self.last_sent = response
                        self.last_turn[view["turn"]] = response
                    elif r.status == 409:
                        self.refused += 1
                    else:
                        self.errors.append(f"decide {r.status} {data[:120]!r}")
            except (OSError, http.client.HTTPException) as exc:
                self.errors.append(repr(exc))
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
            k += 1
            every = 1.0 if self.in_step else 1.0 + POLL_JITTER * (2 * self.rng.random() - 1)
            time.sleep(max(0.0, every - (time.monotonic() - start)))


class Umpire(threading.Thread):
    """Closes the turn every `every` seconds (the doctrine answering for the cells that did not,
    as at a deadline) and opens the next."""

    def __init__(self, srv: Server, eid: str, every: float, until: float):
        super().__init__(daemon=True)
        self.srv, self.eid, self.every, self.until = srv, eid, every, until
        self.latencies: list[float] = []
        self.errors: list[str] = []
        self.closed = 0

    def run(self) -> None:
        while time.monotonic() + self.every < self.until:
            time.sleep(self.every)
            for path, body in (("close-turn", {"doctrine_answers_missing": True}), ("open-turn", {})):
                t = time.perf_counter()
                try:
                    self.srv.api("POST", f"/exercises/{self.eid}/{path}", body)
                except Exception as exc:  # the bench reports every failure, whatever it is
                    self.errors.append(f"{path} {exc!r}")
                self.latencies.append(time.perf_counter() - t)
            self.closed += 1


def bench_load(duration: float, close_every: float, in_step: bool = False) -> bool:
    tmp = Path(tempfile.mkdtemp())
    scenario = tmp / "thirty.yaml"
    scenario.write_text(many_cells_scenario(CELLS, turns=2 + int(duration // close_every)), encoding="utf-8")
    srv = Server(tmp / "casus.db", [scenario], tmp / "i")
    try:
        ex = srv.api("POST", "/exercises", {"scenario": "thirty.yaml"})
        eid = ex["id"]
        srv.api("POST", f"/exercises/{eid}/open-turn", {})
        until = time.monotonic() + duration
        clients = [CellClient(srv.port, eid, c["states"][0], c["token"], c["join_url"], until, in_step)
                   for c in ex["cells"].values()]
        umpire = Umpire(srv, eid, close_every, until)
        for c in (*clients, umpire):
            c.start()
        for c in (*clients, umpire):
            c.join(duration + 30)
        lat = [x for c in (*clients, umpire) for x in c.latencies]
        errors = [e for c in (*clients, umpire) for e in c.errors]
        print(f"load: {len(clients)} cells for {duration:.0f} s, the umpire closing a turn every "
              f"{close_every:.0f} s ({umpire.closed} closed); {sum(c.refused for c in clients)} answers refused "
              f"because their turn had closed: {len(lat)} requests, "
              f"median {statistics.median(lat) * 1000:.1f} ms, p95 {pct(lat, 0.95) * 1000:.1f} ms, "
              f"p99 {pct(lat, 0.99) * 1000:.1f} ms, max {max(lat) * 1000:.1f} ms, errors {len(errors)}")
        for e in errors[:5]:
            print("  error:", e)
        print(f"server: {queued_for_a_thread(srv)} requests waited for a free thread (waitress's "
              f"\"task queue depth\" warnings)")
    finally:
        srv.stop()
    db = sqlite3.connect(tmp / "casus.db")
    counts: dict[str, int] = {}
    last: dict[tuple[str, int], str] = {}
    for (body,) in db.execute("SELECT body FROM events WHERE game=? ORDER BY seq", (eid,)):
        e = json.loads(body)
        if e["kind"] == "decision" and e["payload"]["source"] == "player":   # the cells' own answers
            state = e["payload"]["state"]
            counts[state] = counts.get(state, 0) + 1
            last[(state, e["turn"])] = e["payload"]["response"]
    lost_or_doubled = [c.state for c in clients if counts.get(c.state, 0) != c.accepted]
    wrong_last = [c.state for c in clients
                  if any(last.get((c.state, turn)) != sent for turn, sent in c.last_turn.items())]
    print(f"store: {sum(counts.values())} decision events for {sum(c.accepted for c in clients)} accepted "
          f"submissions; lost or doubled: {lost_or_doubled or 'none'}; last answer differs: {wrong_last or 'none'}")
    return not errors and not lost_or_doubled and not wrong_last and pct(lat, 0.99) < 0.3


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duration", type=float, default=60.0, help="seconds of load (default 60)")
    parser.add_argument("--runs", type=int, default=50, help="dashboard renders to time (default 50)")
    parser.add_argument("--skip-dashboard", action="store_true")
    parser.add_argument("--dashboard-only", action="store_true", help="time the dashboard, skip the load run")
    parser.add_argument("--in-step", action="store_true",
                        help="the cells poll on one beat and read at once after a change (no spread)")
    parser.add_argument("--close-every", type=float, default=5.0, help="seconds between the umpire's turn closes")
    args = parser.parse_args()
    if not args.skip_dashboard:
        bench_dashboard(args.runs)
    if args.dashboard_only:
        return 0
    ok = bench_load(args.duration, args.close_every, args.in_step)
    print("load target met" if ok else "load target NOT met")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
