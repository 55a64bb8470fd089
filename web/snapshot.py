"""The console's values: refusals with their HTTP status, shipped scenarios, and the
snapshot of an exercise that pages are rendered from (published once, never changed)."""
from __future__ import annotations

import datetime as dt
import sys
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
