"""The embedded event store: one SQLite file, write-ahead logged.

One transaction per appended batch, taken with BEGIN IMMEDIATE so that the
check of the sequence number and the insert are one step: a stale writer is
refused instead of interleaving. Undone events move to a table of their own;
nothing a facilitator did is ever lost.
"""
from __future__ import annotations

import datetime as dt
import json
import sqlite3
import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from engine.events import FORMAT_VERSION, Event
from engine.migrate import format_of, migrate
from engine.store import GameExists, GameRecord, StaleWrite, UnknownGame

SCHEMA = """
CREATE TABLE IF NOT EXISTS games (
    id TEXT PRIMARY KEY,
    meta TEXT NOT NULL,
    created TEXT NOT NULL,
    seq INTEGER NOT NULL DEFAULT 0   -- number of events: checked on every append
);
CREATE TABLE IF NOT EXISTS events (
    game TEXT NOT NULL REFERENCES games(id),
    seq INTEGER NOT NULL,
    body TEXT NOT NULL,
    PRIMARY KEY (game, seq)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS undone (
    game TEXT NOT NULL,
    seq INTEGER NOT NULL,
    body TEXT NOT NULL,
    undone_at TEXT NOT NULL
);
"""


class SQLiteStore:
    def __init__(self, path: str | Path):
        self.path = str(path)
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        self._local = threading.local()
        # The last meta read per game, as stored and as parsed: a reader that polls finds the
        # same text again and again, and skips parsing it (the scenario's text is in it).
        self._parsed: dict[str, tuple[str, Mapping[str, Any]]] = {}
        self._formats: dict[str, int] = {}
        self._db().executescript(SCHEMA)  # idempotent; executescript commits by itself

    # A connection per thread: waitress serves requests on several threads.
    def _db(self) -> sqlite3.Connection:
        db = getattr(self._local, "db", None)
        if db is None:
            db = sqlite3.connect(self.path, isolation_level=None, timeout=10, check_same_thread=False)
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            db.execute("PRAGMA foreign_keys=ON")
            self._local.db = db
        return db

    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        """One write transaction, taken at once (BEGIN IMMEDIATE); rolled back on any error."""
        db = self._db()
        db.execute("BEGIN IMMEDIATE")
        try:
            yield db
        except BaseException:
            db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")

    def close(self) -> None:
        db = getattr(self._local, "db", None)
        if db is not None:
            db.close()
            self._local.db = None

    def create(self, game_id: str, meta: Mapping[str, Any]) -> None:
        with self._tx() as db:
            if db.execute("SELECT 1 FROM games WHERE id=?", (game_id,)).fetchone():
                raise GameExists(f"a game {game_id!r} exists already")
            db.execute("INSERT INTO games (id, meta, created) VALUES (?, ?, ?)",
                       (game_id, json.dumps(dict(meta), sort_keys=True), _now()))

    def _seq(self, db: sqlite3.Connection, game_id: str) -> int:
        row = db.execute("SELECT seq FROM games WHERE id=?", (game_id,)).fetchone()
        if not row:
            raise UnknownGame(f"no game {game_id!r}")
        return int(row[0])

    def append(self, game_id: str, events: Sequence[Event], expected_seq: int) -> int:
        rows = [(game_id, expected_seq + i, e.to_json()) for i, e in enumerate(events)]  # before the lock
        with self._tx() as db:
            # The check and the move in one statement: the lock is held for as few as can be.
            moved = db.execute("UPDATE games SET seq=? WHERE id=? AND seq=?",
                               (expected_seq + len(events), game_id, expected_seq)).rowcount
            if not moved:
                seq = self._seq(db, game_id)
                raise StaleWrite(f"game {game_id!r} is at event {seq}, not {expected_seq}: reload it")
            db.executemany("INSERT INTO events (game, seq, body) VALUES (?, ?, ?)", rows)
            return expected_seq + len(events)

    def events(self, game_id: str, since: int = 0) -> list[Event]:
        db = self._db()
        self._seq(db, game_id)
        rows = db.execute("SELECT body FROM events WHERE game=? AND seq>=? ORDER BY seq",
                          (game_id, since)).fetchall()
        return migrate([json.loads(r[0]) for r in rows], self._format(db, game_id))

    def seq(self, game_id: str) -> int:
        return self._seq(self._db(), game_id)

    def head(self, game_id: str) -> tuple[int, Mapping[str, Any]]:
        """The game's number of events and its meta, read together in one statement (so the two
        agree). While the meta's text is unchanged the same parsed mapping is returned: callers
        must not change it, and may compare it by identity."""
        row = self._db().execute("SELECT seq, meta FROM games WHERE id=?", (game_id,)).fetchone()
        if not row:
            raise UnknownGame(f"no game {game_id!r}")
        seq, text = int(row[0]), str(row[1])
        known = self._parsed.get(game_id)
        if known is not None and known[0] == text:
            return seq, known[1]
        meta: Mapping[str, Any] = json.loads(text)
        self._parsed[game_id] = (text, meta)
        return seq, meta

    def _format(self, db: sqlite3.Connection, game_id: str) -> int:
        """The event format the game's log was begun in (older logs are read through engine.migrate).
        Known once the log has begun: its first event is never rewritten (undo keeps it)."""
        known = self._formats.get(game_id)
        if known is not None:
            return known
        row = db.execute("SELECT body FROM events WHERE game=? AND seq=0", (game_id,)).fetchone()
        if not row:
            return FORMAT_VERSION
        first = json.loads(row[0])
        version = format_of(first) if first.get("kind") == "game-started" else FORMAT_VERSION
        self._formats[game_id] = version
        return version

    def truncate(self, game_id: str, keep: int, expected_seq: int) -> list[Event]:
        with self._tx() as db:
            seq = self._seq(db, game_id)
            if seq != expected_seq:
                raise StaleWrite(f"game {game_id!r} is at event {seq}, not {expected_seq}: reload it")
            rows = db.execute("SELECT seq, body FROM events WHERE game=? AND seq>=? ORDER BY seq",
                              (game_id, keep)).fetchall()
            version, now = self._format(db, game_id), _now()
            db.executemany("INSERT INTO undone (game, seq, body, undone_at) VALUES (?, ?, ?, ?)",
                           [(game_id, s, b, now) for s, b in rows])
            db.execute("DELETE FROM events WHERE game=? AND seq>=?", (game_id, keep))
            if keep == 0:
                self._formats.pop(game_id, None)   # the log begins again: so may its format
            db.execute("UPDATE games SET seq=? WHERE id=?", (min(keep, seq), game_id))
            return migrate([json.loads(b) for _, b in rows], version)

    def games(self) -> list[GameRecord]:
        rows = self._db().execute(
            "SELECT id, meta, created, seq FROM games ORDER BY created, id").fetchall()
        return [GameRecord(r[0], json.loads(r[1]), r[3], r[2]) for r in rows]

    def meta(self, game_id: str) -> Mapping[str, Any]:
        row = self._db().execute("SELECT meta FROM games WHERE id=?", (game_id,)).fetchone()
        if not row:
            raise UnknownGame(f"no game {game_id!r}")
        meta: dict[str, Any] = json.loads(row[0])
        return meta

    def update_meta(self, game_id: str, changes: Mapping[str, Any]) -> None:
        with self._tx() as db:
            row = db.execute("SELECT meta FROM games WHERE id=?", (game_id,)).fetchone()
            if not row:
                raise UnknownGame(f"no game {game_id!r}")
            meta = json.loads(row[0]) | dict(changes)
            db.execute("UPDATE games SET meta=? WHERE id=?", (json.dumps(meta, sort_keys=True), game_id))


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
