"""A crash of the facilitator's laptop: `casus serve` killed with SIGKILL mid-exercise.

Restarted on the same database, it serves every exercise where it was: the
game is folded again from the stored events, and the cells' links still work.
"""
from __future__ import annotations

from tests.e2e.support import Server, write_scenarios


def test_a_killed_server_restarts_with_every_exercise_where_it_was(tmp_path):
    scenarios = write_scenarios(tmp_path / "scenarios")
    db, instance = tmp_path / "casus.db", tmp_path / "instance"
    server = Server(db, scenarios, instance)
    try:
        assert "?token=" in server.banner
        ex = server.api("POST", "/exercises", {"scenario": "narva-drill.yaml"})
        eid, usa = ex["id"], ex["cells"]["United States"]["token"]
        for action in ("open-turn", "close-turn", "open-turn"):
            server.api("POST", f"/exercises/{eid}/{action}", {})
        server.api("POST", f"/exercises/{eid}/decisions",
                   {"state": "USA", "attack": "narva", "response": "full", "rationale": "hold"}, token=usa)
        before = server.api("GET", f"/exercises/{eid}")
        cell_before = server.api("GET", f"/exercises/{eid}", token=usa)
        server.kill()
        server = Server(db, scenarios, instance, port=server.port)
        after = server.api("GET", f"/exercises/{eid}")
        assert after == before
        assert after["turn"] == 2 and after["status"] == "open"
        assert server.api("GET", f"/exercises/{eid}", token=usa) == cell_before
        closing = server.api("POST", f"/exercises/{eid}/close-turn", {})
        assert closing["waiting"] == [{"attack": "narva", "state": "POL"}]
    finally:
        server.stop()
