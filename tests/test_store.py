"""The event store's contract, held by the in-memory store and by SQLite alike."""
from __future__ import annotations

import gzip
import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest

from engine.events import Event, Note
from engine.game import Game
from engine.scenario import load
from engine.store import GameExists, MemoryStore, StaleWrite, UnknownGame
from storage.sqlite import SQLiteStore


def _events(n: int, start: int = 0) -> list[Event]:
    return [Note(turn=1, text=f"note {i}") for i in range(start, start + n)]


@pytest.fixture(params=["memory", "sqlite"])
def store(request, tmp_path):
    if request.param == "memory":
        return MemoryStore()
    return SQLiteStore(tmp_path / "casus.db")


def test_append_then_read_back(store):
    store.create("g1", {"scenario": "baltic-2027"})
    assert store.append("g1", _events(3), 0) == 3
    assert store.append("g1", _events(2, 3), 3) == 5
    assert store.events("g1") == _events(5)
    assert store.events("g1", since=3) == _events(2, 3)
    assert store.seq("g1") == 5


def test_a_stale_writer_is_refused_and_nothing_is_written(store):
    store.create("g1", {})
    store.append("g1", _events(2), 0)
    with pytest.raises(StaleWrite, match="reload"):
        store.append("g1", _events(1), 1)
    assert store.seq("g1") == 2


def test_undo_keeps_what_it_drops(store):
    store.create("g1", {})
    store.append("g1", _events(5), 0)
    dropped = store.truncate("g1", 2, 5)
    assert dropped == _events(3, 2)
    assert store.events("g1") == _events(2)
    assert store.append("g1", _events(1, 9), 2) == 3


def test_unknown_games_are_named(store):
    with pytest.raises(UnknownGame, match="nope"):
        store.events("nope")


def test_a_taken_id_is_refused_and_the_game_kept(store):
    store.create("g1", {"title": "first"})
    store.append("g1", _events(2), 0)
    with pytest.raises(GameExists, match="g1"):
        store.create("g1", {"title": "second"})
    assert store.meta("g1")["title"] == "first" and store.seq("g1") == 2


def test_meta_and_listing(store):
    store.create("a", {"title": "A"})
    store.create("b", {"title": "B"})
    store.update_meta("a", {"paused": True})
    assert store.meta("a") == {"title": "A", "paused": True}
    assert [g.id for g in store.games()] == ["a", "b"]


def test_sqlite_keeps_everything_across_a_reopen(tmp_path):
    path = tmp_path / "casus.db"
    first = SQLiteStore(path)
    first.create("g", {"x": 1})
    first.append("g", _events(4), 0)
    first.close()
    again = SQLiteStore(path)
    assert again.events("g") == _events(4)
    assert again.meta("g") == {"x": 1}


def test_the_console_keeps_its_store_without_the_command_line(tmp_path):
    """The store sits beside the console and the CLI: the console never imports the CLI package."""
    code = ("import sys; from web import create_app; "
            f"app = create_app({{'INSTANCE_PATH': {str(tmp_path / 'i')!r}, 'UMPIRE_TOKEN': 't'}}); "
            "assert type(app.extensions['casus'].store).__module__ == 'storage.sqlite'; "
            "assert not [m for m in sys.modules if m == 'casus' or m.startswith('casus.')], 'casus imported'")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert importlib.util.find_spec("casus.sqlite_store") is None   # one store, no copy left behind


def test_an_exercise_stored_in_the_untyped_format_opens_and_plays_on(tmp_path):
    """A database written before typed events: its log is read through the migration, and events
    appended now (in the current format) read back beside the old ones."""
    root = Path(__file__).resolve().parents[1]
    with gzip.open(root / "tests/fixtures/logs-v0/baltic-2027-exercise.jsonl.gz", "rt") as f:
        old = f.read().splitlines()
    store = SQLiteStore(tmp_path / "casus.db")
    store.create("g", {})
    with store._tx() as db:  # as the older version wrote them: the JSON lines, verbatim
        db.executemany("INSERT INTO events (game, seq, body) VALUES (?, ?, ?)",
                       [("g", i, line) for i, line in enumerate(old)])
        db.execute("UPDATE games SET seq=? WHERE id=?", (len(old), "g"))
    assert json.loads(old[0]).get("payload", {}).get("format") is None
    sc = load(root / "scenarios/baltic-2027.yaml")
    game = Game(sc, store.events("g"))
    new = game.open_turn()
    store.append("g", new, len(old))
    again = Game(sc, store.events("g"))
    assert again.events == game.events and again.state == game.state
