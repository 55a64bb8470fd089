"""What a live region says when a page reloads on a change: a new turn, or an override.

Screen readers do not read a reloaded page's content as news; the page carries
the headline of what it shows, and `announce.js` speaks it through a polite live
region when it differs from the one the browser last saw on this page.
"""
from __future__ import annotations

from typing import Any

from flask import Blueprint

from . import views
from .snapshot import Snapshot

bp = Blueprint("announce", __name__)


def headline(snap: Snapshot, cell: Any = None) -> str:
    """The state of play in one sentence, for the umpire (`cell` None) or a cell."""
    gs = snap.state
    if gs is None:
        return "The exercise has not started."
    parts = [f"{views.status_words(snap).capitalize()}."]
    game = snap.game
    if game is not None and cell is not None:
        viewer = cell.viewer
        due = snap.memoised(("due", viewer), lambda: game.view_for(viewer).due)
        for d in due:
            if d.status == "overridden":
                parts.append(f"The umpire has decided for {views.name(snap.scenario, d.state)}: {d.response}.")
    return " ".join(parts)


@bp.app_context_processor
def _panel() -> dict[str, Any]:
    return {"announce_headline": headline}
