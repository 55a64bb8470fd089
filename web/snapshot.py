"""The console's values: refusals with their HTTP status, shipped scenarios, and the
snapshot of an exercise that pages are rendered from (published once, never changed)."""
from __future__ import annotations

import datetime as dt
import sys
import threading
import time
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import engine
from engine.errors import CasusError
from engine.game import Game
from engine.model import Scenario
from engine.state import GameState

T = TypeVar("T")


class ConsoleError(CasusError):
    """An action the console refuses, with the HTTP status that says why."""
    status = 400


class Conflict(ConsoleError):
    status = 409


class NotFound(ConsoleError):
    status = 404


class Forbidden(ConsoleError):
    status = 403


# --- shipped scenarios ----------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class ShippedScenario:
    key: str          # what forms and the API name it by: the file's path under the scenario folder
    path: Path
    id: str
    title: str
    turns: int
    states: int
    players: tuple[str, ...]


def scenario_root() -> Path:
    """The scenario folder of a source checkout, else the one an installation shares."""
    here = Path(engine.__file__).resolve().parents[1] / "scenarios"
    return here if here.is_dir() else Path(sys.prefix) / "share" / "casus" / "scenarios"


def shipped_paths(root: Path | None = None) -> list[Path]:
    root = root or scenario_root()
    return sorted(root.glob("*.yaml")) + sorted((root / "history").glob("*.yaml"))


# --- snapshots ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Cell:
    name: str
    states: tuple[str, ...]
    token_hash: str
    nonce: int

    @property
    def viewer(self) -> frozenset[str]:
        return frozenset(self.states)


@dataclass(frozen=True)
class Snapshot:
    """An exercise as it stands: its meta, its scenario and the game folded from its log."""
    id: str
    meta: Mapping[str, Any]
    seq: int
    scenario: Scenario
    game: Game | None          # None until the umpire starts the exercise
    memo: dict[Hashable, Any] = field(default_factory=dict, compare=False, repr=False)

    @property
    def started(self) -> bool:
        return self.game is not None

    @property
    def state(self) -> GameState | None:
        return self.game.state if self.game else None

    @property
    def live(self) -> Game:
        """The game of a started exercise; Conflict before the start."""
        if self.game is None:
            raise Conflict("the exercise has not started: assign the cells and start it first")
        return self.game

    @property
    def title(self) -> str:
        return str(self.meta.get("title") or self.scenario.title)

    @property
    def cells(self) -> dict[str, Cell]:
        # Asked on every request (whose link is this?): built once per snapshot.
        return dict(self.memoised("cells", self._cells))

    def _cells(self) -> dict[str, Cell]:
        raw = self.meta.get("cells") or {}
        return {name: Cell(name, tuple(c.get("states", ())), c.get("token_hash", ""), int(c.get("nonce", 0)))
                for name, c in sorted(raw.items())}

    def cell_of_state(self, state: str) -> str | None:
        return next((c.name for c in self.cells.values() if state in c.states), None)

    @property
    def paused(self) -> bool:
        return bool(self.meta.get("paused"))

    @property
    def cell_advice(self) -> bool:
        return bool(self.meta.get("cell_advice"))

    def seconds_left(self, now: float | None = None) -> float | None:
        """Wall-clock seconds until the decision deadline (frozen while paused); None: no deadline."""
        if self.paused:
            left = self.meta.get("paused_left")
            return None if left is None else float(left)
        deadline = self.meta.get("deadline")
        if not deadline:
            return None
        when = dt.datetime.fromisoformat(deadline).timestamp()
        return max(0.0, when - (time.time() if now is None else now))

    def deadline_passed(self) -> bool:
        left = self.seconds_left()
        return left is not None and left <= 0 and not self.paused

    def memoised(self, key: Hashable, build: Callable[[], T]) -> T:
        """A value derived from this snapshot, computed once (the snapshot never changes)."""
        try:
            found: T = self.memo[key]
            return found
        except KeyError:
            value = self.memo[key] = build()
            return value


@dataclass(frozen=True, slots=True)
class Summary:
    id: str
    title: str
    scenario_id: str
    turn: int
    status: str
    seq: int
    created: str
    parent: str | None


# --- the published snapshots ------------------------------------------------------------------

class Snapshots:
    """The latest snapshot of each exercise, shared by all threads, and the ones the current
    request has read (a request sees one snapshot of an exercise throughout, its own writes
    included, and asks the store once).

    Each exercise counts the snapshots cached for it (its generation). A writer's snapshot,
    made of what it has just committed, always replaces the cached one; a reader's only if
    nothing was cached since the reader looked: a reader that read the store just before a
    writer published would otherwise put the cache behind the store, and the next reader
    would fold the whole log again."""

    def __init__(self) -> None:
        self._latest: dict[str, Snapshot] = {}
        self._generation: dict[str, int] = {}
        self._guard = threading.Lock()
        self._scope = threading.local()

    # the current request's
    def begin_request(self) -> None:
        self._scope.seen = {}

    def end_request(self) -> None:
        self._scope.seen = None

    def seen(self) -> dict[str, Snapshot] | None:
        """The snapshots this thread's request has read; None outside a request."""
        found: dict[str, Snapshot] | None = getattr(self._scope, "seen", None)
        return found

    def unsee(self, eid: str) -> None:
        """The request reads the exercise again (it has just changed it)."""
        seen = self.seen()
        if seen is not None:
            seen.pop(eid, None)

    # everyone's
    def latest(self, eid: str) -> Snapshot | None:
        """The exercise's cached snapshot (None: nothing cached)."""
        return self._latest.get(eid)

    def generation(self, eid: str) -> int:
        return self._generation.get(eid, 0)

    def offer(self, snap: Snapshot, generation: int) -> bool:
        """Cache a snapshot a reader built, unless another was cached since it looked."""
        with self._guard:
            if self._generation.get(snap.id, 0) != generation:
                return False
            self._latest[snap.id] = snap
            self._generation[snap.id] = generation + 1
            return True

    def publish(self, snap: Snapshot) -> Snapshot:
        """A writer's snapshot of what it has just committed: newer than any reader's."""
        with self._guard:
            self._latest[snap.id] = snap
            self._generation[snap.id] = self._generation.get(snap.id, 0) + 1
        seen = self.seen()
        if seen is not None:
            seen[snap.id] = snap
        return snap

    def forget(self, eid: str) -> None:
        """The store moved on without this process (a stale write): read it again."""
        with self._guard:
            self._latest.pop(eid, None)
            self._generation[eid] = self._generation.get(eid, 0) + 1
        self.unsee(eid)
