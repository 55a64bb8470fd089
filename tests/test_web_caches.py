"""The console's caches serve what the store and the engine say, to each viewer, after every event.

The console keeps a snapshot per exercise (its game folded once), reads it once
per request, counts a poll's visible events from where the last count ended, and
encodes an event's common fields once. Each property below compares what the
running console answers with what a console that has cached nothing answers from
the same store, after every kind of event (decisions, overrides, closes, opens,
injects and messages to one cell, undo), and checks that no cell ever reads what
its states may not know.
"""
from __future__ import annotations

import json
import tempfile
import threading
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.view import public_fields
from tests.e2e.support import SECRETS, UMPIRE_TOKEN, bearer, cell_client, make_app, new_exercise
from web import api, encoded, views
from web.service import Console
from web.snapshot import Snapshot

ROME_ONLY = ("ROME-PRIVATE", "FOR-ROME-ONLY", "ROME-INJECT")   # what Berlin must never read
UMPIRE_ONLY = "UMPIRE-REASON"                                     # what no cell may read
CELLS = {"Rome": ["ITA"], "Berlin": ["GER"]}
ACTIONS = ("open", "close", "decide-Rome", "decide-Berlin", "override", "message", "inject", "undo", "note")
VOLATILE = ("seconds_left", "clock")   # wall-clock time: differs between two reads a moment apart


class Exercise:
    """The secret-pact exercise with two cells, played through the API as a facilitator would."""

    def __init__(self, folder: Path):
        self.app = make_app(folder)
        self.ex = new_exercise(self.app, cells=CELLS)
        self.eid = self.ex["id"]
        self.api = self.app.test_client()
        self.pages = {name: cell_client(self.app, c["join_url"]) for name, c in self.ex["cells"].items()}
        self.read_to = {name: 0 for name in CELLS}
        self.k = 0

    def post(self, path: str, body: dict[str, Any], token: str = UMPIRE_TOKEN) -> int:
        r = self.api.post(f"/api/v1/exercises/{self.eid}/{path}", json=body, headers=bearer(token))
        assert r.status_code < 500, r.get_data(as_text=True)
        return r.status_code

    def cell_view(self, name: str, since: int = 0) -> dict[str, Any]:
        token = self.ex["cells"][name]["token"]
        r = self.api.get(f"/api/v1/exercises/{self.eid}?since={since}", headers=bearer(token))
        assert r.status_code == 200
        return dict(r.get_json())

    def do(self, action: str) -> None:
        self.k += 1
        if action == "open":
            self.post("open-turn", {})
        elif action == "close":
            self.post("close-turn", {"doctrine_answers_missing": True})
        elif action.startswith("decide-"):
            name = action.split("-", 1)[1]
            for d in self.cell_view(name)["due"]:
                private = "ROME-PRIVATE" if name == "Rome" else "BERLIN-PRIVATE"
                self.post("decisions", {"state": d["state"], "attack": d["attack"],
                                        "response": ("neutral", "limited", "full")[self.k % 3],
                                        "rationale": f"{private} {self.k}"}, self.ex["cells"][name]["token"])
        elif action == "override":
            umpire = self.api.get(f"/api/v1/exercises/{self.eid}", headers=bearer(UMPIRE_TOKEN)).get_json()
            for d in umpire["due"][:1]:
                self.post("override", {"state": d["state"], "attack": d["attack"], "response": "diplomatic",
                                       "reason": f"{UMPIRE_ONLY} {self.k}"})
        elif action == "message":
            self.post("messages", {"to": ["Rome"], "text": f"FOR-ROME-ONLY {self.k}"})
        elif action == "inject":
            self.post("injects", {"kind": "intelligence", "text": f"ROME-INJECT {self.k}", "cells": ["Rome"]})
        elif action == "undo":
            self.post("undo", {})
        elif action == "note":   # the umpire's note, from the dashboard (no API route)
            self.app.extensions["casus"].note(self.eid, f"{UMPIRE_ONLY} note {self.k}")


def uncached(app: Any, eid: str) -> Snapshot:
    """The exercise as a console that has cached nothing reads it from the same store."""
    running: Console = app.extensions["casus"]
    fresh = Console(running.store, app.config["SECRET_KEY"], running._paths)
    return fresh.get(eid)


def expected_view(app: Any, snap: Snapshot, name: str, since: int = 0) -> dict[str, Any]:
    cell = snap.cells[name]
    with app.app_context():
        view = api._cell_view(snap, cell.viewer, name, since)
    return dict(json.loads(json.dumps(view)))


def expected_version(snap: Snapshot, name: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """The poll's version of a fresh snapshot with the events counted over the whole log, as
    the engine's Game.view lists them (the reference the running console's count must match)."""
    with monkeypatch.context() as m:
        m.setattr(views, "visible_count", lambda s, viewer: len(s.game.view(viewer)) if s.game else 0)
        return views.view_version(snap, snap.cells[name].viewer)


def without(view: dict[str, Any], *keys: str) -> dict[str, Any]:
    return {k: v for k, v in view.items() if k not in keys}


def check(x: Exercise, monkeypatch: pytest.MonkeyPatch) -> None:
    snap = uncached(x.app, x.eid)
    for name in CELLS:
        whole = x.cell_view(name)
        assert without(whole, *VOLATILE) == without(expected_view(x.app, snap, name), *VOLATILE), \
            f"{name}'s view differs from an uncached read of the store"
        since = x.read_to[name] if x.read_to[name] <= snap.seq else 0   # an undo moves the log back
        news = x.cell_view(name, since)
        assert without(news, *VOLATILE) == without(expected_view(x.app, snap, name, since), *VOLATILE)
        x.read_to[name] = news["seq"]
        poll = x.pages[name].get(f"/x/{x.eid}/cell/poll").get_json()
        assert poll["version"] == expected_version(snap, name, monkeypatch)
        text = json.dumps([whole, news, poll])
        assert UMPIRE_ONLY not in text, f"the umpire's words reach {name}"
        if name == "Berlin":
            for secret in (*SECRETS[:4], *ROME_ONLY):
                assert secret not in text, f"{secret!r} reaches Berlin"


@settings(max_examples=12, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from(ACTIONS), min_size=1, max_size=14))
def test_every_cell_reads_what_an_uncached_console_says_after_every_event(monkeypatch, actions):
    with tempfile.TemporaryDirectory() as folder:
        x = Exercise(Path(folder))
        check(x, monkeypatch)
        for action in actions:
            x.do(action)
            check(x, monkeypatch)


@pytest.mark.parametrize("actions", [
    ["open", "decide-Rome", "decide-Berlin", "close", "open", "decide-Rome", "message", "inject"],
    ["open", "override", "decide-Rome", "close", "undo", "open", "decide-Berlin", "undo", "undo"],
    ["open", "close", "open", "decide-Rome", "note", "undo", "open", "inject", "close", "undo"],
])
def test_a_polling_cell_follows_every_event_and_learns_no_secret(tmp_path, monkeypatch, actions):
    x = Exercise(tmp_path)
    versions = {name: x.pages[name].get(f"/x/{x.eid}/cell/poll").get_json()["version"] for name in CELLS}
    for action in actions:
        x.do(action)
        check(x, monkeypatch)
        for name in CELLS:
            versions[name] = x.pages[name].get(f"/x/{x.eid}/cell/poll").get_json()["version"]
    # A new turn moves every cell's version: a cached count that missed it would not.
    turn = x.cell_view("Rome")["turn"]
    x.do("close")
    x.do("open")
    assert x.cell_view("Rome")["turn"] == turn + 1
    for name in CELLS:
        assert x.pages[name].get(f"/x/{x.eid}/cell/poll").get_json()["version"] != versions[name]


def test_a_count_begun_before_an_undo_is_not_continued_after_it(tmp_path):
    """Undo, then a log that grows past its old length before the next poll: the count
    starts again (the event it had ended on is gone), it does not add to the old one."""
    app = make_app(tmp_path)
    ex = new_exercise(app, cells=CELLS)
    console: Console = app.extensions["casus"]
    eid, viewer = ex["id"], frozenset({"GER"})
    console.open_turn(eid)
    console.close_turn(eid)
    console.open_turn(eid)                       # Austria attacks France: a turn full of events
    before = console.get(eid)
    assert views.visible_count(before, viewer) == len(before.live.view(viewer))
    console.undo(eid)
    while console.get(eid).seq <= before.seq:   # the umpire's notes, which no cell sees
        console.note(eid, "a note for the debrief")
    after = console.get(eid)
    assert len(after.live.view(viewer)) < len(before.live.view(viewer))
    assert views.visible_count(after, viewer) == len(after.live.view(viewer))


# --- the snapshot cache under concurrent readers and writers -----------------------------------

def narva_opened(folder: Path) -> tuple[Console, str]:
    """A console with the Narva drill's first turn open, and the exercise's id."""
    app = make_app(folder)
    console: Console = app.extensions["casus"]
    eid = new_exercise(app, "narva-drill.yaml")["id"]
    console.open_turn(eid)
    return console, eid

def test_a_reader_that_read_before_a_write_never_caches_its_older_snapshot(tmp_path):
    console, eid = narva_opened(tmp_path)
    older = console.get(eid)
    generation = console.snapshots.generation(eid)
    console.note(eid, "a write")
    newer = console.get(eid)
    assert newer.seq > older.seq
    assert not console.snapshots.offer(older, generation)   # the slow reader comes back with what it read
    assert console.get(eid) is newer             # and the newer snapshot stays


def test_a_write_between_a_readers_two_reads_folds_nothing_again(tmp_path, monkeypatch):
    console, eid = narva_opened(tmp_path)
    console.get(eid)
    real_head, real_events = console.store.head, console.store.events
    folds: list[int] = []
    written = threading.Event()

    def head(game_id: str):
        found = real_head(game_id)
        if not written.is_set():                 # a writer commits and publishes mid-read
            written.set()
            console.note(eid, "written while a reader read")
        return found

    def events(game_id: str, since: int = 0):
        folds.append(since)
        return real_events(game_id, since)

    monkeypatch.setattr(console.store, "head", head)
    monkeypatch.setattr(console.store, "events", events)
    got = console.get(eid)
    assert got.seq == console.store.seq(eid)      # the reader sees the write
    assert 0 not in folds                         # and no one folded the whole log again


def test_concurrent_readers_and_writers_lose_nothing_and_see_the_last_write(tmp_path):
    console, eid = narva_opened(tmp_path)
    errors: list[BaseException] = []

    def write(k: int) -> None:
        try:
            for i in range(15):
                console.note(eid, f"writer {k} note {i}")
        except BaseException as exc:  # reported below, whatever it is
            errors.append(exc)

    def read() -> None:
        try:
            for _ in range(60):
                snap = console.get(eid)
                assert snap.game is not None and len(snap.game) == snap.seq
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(k,)) for k in range(3)] + \
              [threading.Thread(target=read) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    snap = console.get(eid)
    assert snap.seq == console.store.seq(eid)
    notes = [e for e in snap.live.events if getattr(e, "text", "").startswith("writer")]
    assert len(notes) == 45 and len({e.text for e in notes}) == 45   # each once, none lost


def test_a_request_reads_one_snapshot_and_its_own_writes(tmp_path):
    app = make_app(tmp_path)
    ex = new_exercise(app, "narva-drill.yaml")
    client = app.test_client()
    r = client.post(f"/api/v1/exercises/{ex['id']}/open-turn", json={}, headers=bearer(UMPIRE_TOKEN))
    assert r.status_code == 200
    console: Console = app.extensions["casus"]
    assert r.get_json()["seq"] == console.store.seq(ex["id"])   # the answer names the write just made
    assert console.snapshots.seen() is None                              # nothing held after the request


# --- an event's text, encoded once and shared ----------------------------------------------------

def engine_events(snap: Snapshot, viewer: frozenset[str] | None) -> list[dict[str, Any]]:
    """What the engine lets `viewer` read of the events, encoded afresh (no cache)."""
    out = []
    for e in snap.live.view_for(viewer).events:
        d = e.to_dict()
        d["payload"] = public_fields(e, viewer, d["payload"])
        if viewer is not None:
            d.pop("visibility", None)
        out.append(d)
    return out


def narva_missed(app: Any) -> dict[str, Any]:
    """The Narva drill at turn 3: neither cell answered the attack on Estonia on turn 2, and the
    doctrine answered for both at the close. Each such answer is public, and its reasoning is
    for the cell of its state (and the umpire) alone: two cells read the same event cut apart."""
    ex = new_exercise(app, "narva-drill.yaml")
    client = app.test_client()
    for step, body in (("open-turn", {}), ("close-turn", {}), ("open-turn", {}),
                       ("close-turn", {"doctrine_answers_missing": True}), ("open-turn", {})):
        r = client.post(f"/api/v1/exercises/{ex['id']}/{step}", json=body, headers=bearer(UMPIRE_TOKEN))
        assert r.status_code == 200, r.get_data(as_text=True)
    return ex


def answers(events: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {e["payload"]["state"]: e["payload"] for e in events if e["kind"] == "decision"}


@pytest.mark.parametrize("first", ["United States", "Poland", None])
def test_whoever_reads_an_event_first_each_reader_gets_what_the_engine_lets_it_see(tmp_path, first):
    """An event's text is shared by the readers who see the whole of it: the text the first
    reader was sent must never reach a reader from whom the engine withholds part of it."""
    app = make_app(tmp_path)
    ex = narva_missed(app)
    snap = uncached(app, ex["id"])
    names = list(ex["cells"])
    sent = {}
    for name in [first, *(n for n in [*names, None] if n != first)]:
        token = UMPIRE_TOKEN if name is None else ex["cells"][name]["token"]
        r = app.test_client().get(f"/api/v1/exercises/{ex['id']}", headers=bearer(token))
        viewer = None if name is None else snap.cells[name].viewer
        sent[name] = r.get_json()["events"]
        assert sent[name] == engine_events(snap, viewer)
    us, poland = answers(sent["United States"]), answers(sent["Poland"])
    assert "rationale" in us["USA"] and "rationale" not in poland["USA"]     # a cut is at stake
    assert "rationale" in poland["POL"] and "rationale" not in us["POL"]


def test_an_event_nobody_is_kept_from_is_encoded_once_for_all_cells(tmp_path):
    x = Exercise(tmp_path)
    for action in ("open", "close", "open"):
        x.do(action)
    snap = x.app.extensions["casus"].get(x.eid)
    rome, berlin = (snap.cells[name].viewer for name in CELLS)
    public = [e for e in snap.live.view_for(rome).events if e in snap.live.view_for(berlin).events
              and public_fields(e, rome) == public_fields(e, None)]
    assert public
    with x.app.app_context():
        for e in public:
            assert encoded.event_text(e, rome) is encoded.event_text(e, berlin)
            assert json.loads(encoded.event_text(e, rome)) == encoded.event_dict(e, berlin)
