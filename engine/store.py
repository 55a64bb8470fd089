"""Where games are kept: a small interface, and an in-memory store for tests and runs.

The console and the CLI's `--db` use the SQLite implementation in
`storage.sqlite`; both honour the same contract, checked by the same tests:

- `append` adds a batch of events atomically, after the sequence number the
  writer last saw; a writer whose view is stale is refused (`StaleWrite`), so
  two umpire tabs cannot interleave half-turns.
- `truncate` (undo) never destroys: the dropped events are kept as undone.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from .errors import CasusError
from .events import Event


class StaleWrite(CasusError):
    """The log moved on since the writer read it; reload and try again."""


class UnknownGame(CasusError):
    """No game of that id in the store."""


class GameExists(CasusError):
    """A game of that id is in the store already; a new game needs another id."""


@dataclass(frozen=True, slots=True)
class GameRecord:
    id: str
    meta: Mapping[str, Any]
    seq: int          # number of events
    created: str      # ISO timestamp (wall clock: bookkeeping only, never game time)


class EventStore(Protocol):
    def create(self, game_id: str, meta: Mapping[str, Any]) -> None: ...
    def append(self, game_id: str, events: Sequence[Event], expected_seq: int) -> int: ...
    def events(self, game_id: str, since: int = 0) -> list[Event]: ...
    def seq(self, game_id: str) -> int: ...
    def truncate(self, game_id: str, keep: int, expected_seq: int) -> list[Event]: ...
    def games(self) -> list[GameRecord]: ...
    def meta(self, game_id: str) -> Mapping[str, Any]: ...
    def update_meta(self, game_id: str, changes: Mapping[str, Any]) -> None: ...


@dataclass
class MemoryStore:
    """The contract in a few lines; for tests and headless runs."""
    _logs: dict[str, list[Event]] = field(default_factory=dict)
    _meta: dict[str, dict[str, Any]] = field(default_factory=dict)
    _undone: dict[str, list[Event]] = field(default_factory=dict)

    def create(self, game_id: str, meta: Mapping[str, Any]) -> None:
        if game_id in self._logs:
            raise GameExists(f"a game {game_id!r} exists already")
        self._logs[game_id], self._meta[game_id], self._undone[game_id] = [], dict(meta), []

    def _log(self, game_id: str) -> list[Event]:
        try:
            return self._logs[game_id]
        except KeyError:
            raise UnknownGame(f"no game {game_id!r}") from None

    def append(self, game_id: str, events: Sequence[Event], expected_seq: int) -> int:
        log = self._log(game_id)
        if len(log) != expected_seq:
            raise StaleWrite(f"game {game_id!r} is at event {len(log)}, not {expected_seq}: reload it")
        log.extend(events)
        return len(log)

    def events(self, game_id: str, since: int = 0) -> list[Event]:
        return list(self._log(game_id)[since:])

    def seq(self, game_id: str) -> int:
        return len(self._log(game_id))

    def truncate(self, game_id: str, keep: int, expected_seq: int) -> list[Event]:
        log = self._log(game_id)
        if len(log) != expected_seq:
            raise StaleWrite(f"game {game_id!r} is at event {len(log)}, not {expected_seq}: reload it")
        dropped = log[keep:]
        del log[keep:]
        self._undone[game_id].extend(dropped)
        return dropped

    def games(self) -> list[GameRecord]:
        return [GameRecord(g, dict(self._meta[g]), len(self._logs[g]), "") for g in self._logs]

    def meta(self, game_id: str) -> Mapping[str, Any]:
        self._log(game_id)
        return dict(self._meta[game_id])

    def update_meta(self, game_id: str, changes: Mapping[str, Any]) -> None:
        self._log(game_id)
        self._meta[game_id].update(changes)
