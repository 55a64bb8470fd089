"""The exercise's clock, shown to everyone: time elapsed since the start, and the decision deadline.

Wall-clock time, kept in the exercise meta (`started_at`, `deadline`): never game
time, which the scenario's dates tell.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

from flask import Blueprint

from .snapshot import Snapshot

bp = Blueprint("clock", __name__)


def started_at(snap: Snapshot) -> dt.datetime | None:
    raw = snap.meta.get("started_at")
    try:
        return dt.datetime.fromisoformat(raw) if isinstance(raw, str) else None
    except ValueError:
        return None


def elapsed(snap: Snapshot, now: dt.datetime | None = None) -> float | None:
    """Seconds since the exercise started (None: not started, or started before the clock was kept)."""
    began = started_at(snap)
    if began is None:
        return None
    return max(0.0, ((now or dt.datetime.now(dt.UTC)) - began).total_seconds())


def hms(seconds: float) -> str:
    s = int(seconds)
    return f"{s // 3600}:{s % 3600 // 60:02d}:{s % 60:02d}"


def deadline_words(snap: Snapshot) -> str | None:
    """When decisions are due, in words (UTC), or why the clock is stopped."""
    if snap.paused and snap.meta.get("paused_left") is not None:
        return "the deadline is frozen while the umpire has paused the exercise"
    raw = snap.meta.get("deadline")
    if not isinstance(raw, str):
        return None
    try:
        when = dt.datetime.fromisoformat(raw)
    except ValueError:
        return None
    return f"decisions are due by {when.astimezone(dt.UTC):%H:%M} UTC"


def clock_json(snap: Snapshot) -> dict[str, Any]:
    """The clock as the API gives it to every role: moments, not durations, so that the same
    state of the exercise reads the same (a client counts the elapsed time from `started_at`)."""
    began = started_at(snap)
    return {"started_at": began.isoformat() if began else None, "deadline": snap.meta.get("deadline")}


@bp.app_context_processor
def _panel() -> dict[str, Any]:
    def panel(snap: Snapshot) -> dict[str, Any]:
        gone, left = elapsed(snap), snap.seconds_left()
        return {"elapsed": gone, "elapsed_words": None if gone is None else hms(gone),
                "started_at": snap.meta.get("started_at"), "deadline": deadline_words(snap),
                "left": left, "paused": snap.paused}
    return {"clock_panel": panel}
