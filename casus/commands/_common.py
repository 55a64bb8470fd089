"""What several subcommands share: loading a scenario or saying why not."""
from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from engine.errors import ScenarioError

if TYPE_CHECKING:
    from engine.model import Scenario
    from storage.sqlite import SQLiteStore

from ..cli import UsageError


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


def open_store(path: str) -> SQLiteStore:
    from storage.sqlite import SQLiteStore
    return SQLiteStore(path)
