"""What several subcommands share: loading a scenario or saying why not.

Exit codes of a command that loads a scenario: 1 the file has problems, 2 it
cannot be read (usage), INTERNAL_ERROR the loader itself failed on it (a bug to
report, never the file's fault).
"""
from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from engine.errors import ScenarioError, ScenarioInternalError

if TYPE_CHECKING:
    from engine.model import Scenario
    from storage.sqlite import SQLiteStore

from ..cli import UsageError

if TYPE_CHECKING:
    from engine.model import Scenario

INTERNAL_ERROR = 3


def apology(error: ScenarioInternalError) -> str:
    """One line for a loader failure, naming the file: no traceback for the facilitator."""
    return (f"casus: sorry, the loader failed on {error.file} ({type(error.cause).__name__}); "
            f"this is a bug in Casus, not in your file: please report it with the file attached")


def load_or_exit(path: str) -> Scenario:
    """The scenario at `path`; invalid files print their problems and exit 1."""
    from engine.scenario import load
    try:
        return load(path)
    except FileNotFoundError:
        raise UsageError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise UsageError(f"{path}: is a directory, not a scenario file") from None
    except PermissionError:
        raise UsageError(f"{path}: permission denied") from None
    except ScenarioError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        raise SystemExit(1) from None
    except ScenarioInternalError as exc:
        print(apology(exc), file=sys.stderr)
        raise SystemExit(INTERNAL_ERROR) from None


def open_store(path: str) -> SQLiteStore:
    from storage.sqlite import SQLiteStore
    return SQLiteStore(path)
