"""Errors a facilitator can act on.

Each problem names the file, the line and column where the offending value
stands, the JSON path to it, and what was expected, in the manner of
jsonschema's `best_match`. The loader collects every problem of a file before
it raises, so one run of `casus validate` shows them all.
"""
from __future__ import annotations

from dataclasses import dataclass


class CasusError(Exception):
    """Base of every error the engine raises on purpose."""


@dataclass(frozen=True, slots=True)
class Problem:
    file: str
    line: int          # 1-based; 0 when the problem has no place in the file
    column: int        # 1-based
    path: str          # JSON path such as states[4].regime, or "" for the file itself
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}:{self.column}" if self.line else self.file
        return f"{where}: {self.path}: {self.message}" if self.path else f"{where}: {self.message}"


class ScenarioError(CasusError):
    """A scenario file that cannot be used; carries every problem found in it."""

    def __init__(self, problems: list[Problem] | tuple[Problem, ...]):
        self.problems = tuple(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class GameError(CasusError):
    """An action that the rules do not allow at this moment of play."""


class WrongMoment(GameError):
    """Not now: no turn is open, a turn is still open, every turn has been played, or cells
    must answer first. The facilitator waits or takes the step that comes first."""


class NotDue(GameError):
    """The action names a decision or inject that is not due: nothing is asked of that state
    on that attack this turn, the umpire has already decided it, or the inject is not waiting."""


class UnknownName(GameError):
    """The action names a state, inject or attack that this game does not have."""


class InvalidAction(GameError):
    """The action is malformed: an override without a reason, a turn out of range, an id taken."""


class NotPermitted(GameError):
    """The one asking may not take this action (a cell answering for a state it does not play)."""


class ScenarioInternalError(CasusError):
    """The loader failed on a file: its own fault, not the file's (which gets a ScenarioError).

    No file should provoke one; it names the file so that the report of the bug can
    attach it, and keeps the original exception as its cause."""

    def __init__(self, file: str, cause: BaseException):
        self.file = file
        self.cause = cause
        super().__init__(f"{file}: the loader failed on this file ({type(cause).__name__}); "
                         f"this is a bug in Casus, not in the file: please report it with the file")
