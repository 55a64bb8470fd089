"""The comparison of syndicates' outcomes (`compare.html`): how each game came out (engine.outcome)."""
from __future__ import annotations

from typing import Any

from flask import Blueprint

from engine.outcome import Outcome, outcome

from .snapshot import Snapshot

bp = Blueprint("outcomes", __name__)


@bp.app_context_processor
def _outcomes() -> dict[str, Any]:
    def one(snap: Snapshot) -> Outcome:
        return snap.memoised("outcome", lambda: outcome(snap.live.state, snap.live.events))

    def outcomes_of(snaps: list[Snapshot]) -> list[tuple[Snapshot, Outcome]]:
        return [(s, one(s)) for s in snaps if s.game is not None]
    return {"outcomes_of": outcomes_of}
