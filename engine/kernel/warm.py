"""Which engine plays a what-if inside a request: the kernel once it is compiled in this process.

The first use of the kernel in a process compiles its loop: some 15 s when numba's disk
cache is cold, half a second when it is warm. The console's what-if runs inside a request
with a 30 s budget (web.whatif.WHAT_IF_SECONDS), so it must not wait for a cold compile: the
loop is compiled in a background thread, started by the first what-if (or by the console at
its start, `load_in_background`). A what-if waits for it a moment (`GRACE_SECONDS`, enough
for a warm cache), and plays on the reference engine when it is not ready by then. Both give
the same bytes, so which one played changes only how many runs fit in the budget.
"""
from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

if TYPE_CHECKING:
    from ..mc_tally import Tally
    from ..montecarlo import Plan
    from .tables import Tables

__all__ = ["GRACE_SECONDS", "ChunkPlayer", "chunk_player", "ensure_loaded", "load_in_background", "loaded"]

GRACE_SECONDS = 2.0  # a warm disk cache loads in about 0.5 s; a cold compile takes some 15 s

_LOADED = threading.Event()       # the loop is compiled (or loaded from the disk cache) in this process
_STARTED = [False]                # the background compile was started (once per process)
_FAILED: list[str] = []           # why the compile failed, if it did
_GUARD = threading.Lock()


@dataclass(frozen=True)
class ChunkPlayer:
    """What plays a plan's chunks of runs, and why."""
    engine: str                                  # "kernel" | "reference"
    reason: str
    play: Callable[[Plan, int, int], Tally]      # (plan, start, stop) -> the tally of those runs


def loaded() -> bool:
    """Whether the compiled loop is ready in this process."""
    return _LOADED.is_set()


def ensure_loaded() -> None:
    """Compile the loop (or load it from numba's cache) in this thread, if not done yet."""
    if not _LOADED.is_set():
        _load()


def load_in_background() -> None:
    """Start compiling the loop in a background thread, once per process (a daemon: it never
    holds the process open)."""
    with _GUARD:
        if _STARTED[0] or _LOADED.is_set():
            return
        _STARTED[0] = True
    threading.Thread(target=_load, name="casus-kernel-compile", daemon=True).start()


def chunk_player(plan: Plan, grace: float | None = None) -> ChunkPlayer:
    """The kernel when its loop is ready (waiting at most `grace` seconds for the background
    compile) and the plan is within its scope, else the reference engine, with the reason."""
    from ..montecarlo import run_chunk as reference
    from . import prepare, run_chunk
    if not _LOADED.is_set():
        load_in_background()
        if not _LOADED.wait(GRACE_SECONDS if grace is None else grace):
            why = _FAILED[0] if _FAILED else "the compiled kernel is still being compiled in the background"
            return ChunkPlayer("reference", why, reference)
    prepared = prepare(plan)
    if prepared.tables is None:
        return ChunkPlayer("reference", prepared.reason or "outside the kernel's scope", reference)
    return ChunkPlayer("kernel", "the plan is within its scope", run_chunk)


def _load() -> None:
    """The loop compiled over tables of no turn (the same types as every table's)."""
    from . import _warm
    try:
        _warm(_empty_tables())
    except Exception as exc:  # a compile that fails leaves the reference engine to play
        _FAILED.append(f"the compiled kernel could not be compiled: {exc}")
        return
    _LOADED.set()


def _empty_tables() -> Tables:
    from ..doctrine import FACTORS
    from .tables import _COLUMNS, _DTYPES, _EMPTY_SHAPES, Tables
    arrays: dict[str, npt.NDArray[Any]] = {
        name: np.zeros(_EMPTY_SHAPES.get(name, (0,)), dtype=_DTYPES.get(name.split("_", 1)[1], np.int64))
        for name in _COLUMNS}
    arrays["x_leaders"] = np.ones(1, dtype=np.int64)
    arrays["reputation"] = np.zeros(0, dtype=np.float64)
    arrays["key_bytes"] = np.zeros(1, dtype=np.uint8)
    arrays["person"] = np.zeros(16, dtype=np.uint8)
    arrays["gain_loss"] = np.zeros(2, dtype=np.float64)
    return Tables(states=[], slots=[], pairs=[], treaties=[], fired=(), belligerents=0, first_war=None, origins={},
                  arrays=arrays, weights=np.zeros(len(FACTORS), dtype=np.float64), cuts=np.zeros(4, dtype=np.float64),
                  opened=[], votes=[], wars=())
