"""Replay mode in the console: the cells answer first, then history and the doctrine are revealed.

An exercise of a scenario with a `script` (a past crisis) may run in replay
mode (`"replay": true` at creation, or the setup page). After each turn closes,
the cells' pages and the dashboard show each decision asked of a cell's states
beside what the record says the state did (its source and note) and what the
doctrine predicted then (`engine.reveal`): nothing of the record shows before.
"""
from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, request, url_for
from flask.typing import ResponseReturnValue

from engine.reveal import Reveal, reveals

from .security import check_csrf, console, umpire_required
from .service import Console
from .snapshot import ConsoleError, Snapshot

bp = Blueprint("replay", __name__)


def set_replay(c: Console, eid: str, on: bool) -> Snapshot:
    snap = c.get(eid)
    if on and not snap.scenario.script:
        raise ConsoleError(f"{snap.scenario.title} has no record of a past crisis (no `script`): "
                           "replay mode needs one")
    return c.update_meta(eid, {"replay": bool(on)})


def is_replay(snap: Snapshot) -> bool:
    return bool(snap.meta.get("replay"))


def revealed(snap: Snapshot, states: frozenset[str] | None) -> list[Reveal]:
    """The reveals `states` may read (None: the umpire, every cell's states), once their turn closed."""
    if not is_replay(snap) or snap.game is None:
        return []
    wanted = states if states is not None else frozenset(s for c in snap.cells.values() for s in c.states)
    game = snap.game
    found: list[Reveal] = snap.memoised(("reveal", wanted), lambda: reveals(
        snap.scenario, game.events, game.ctx.doctrine, wanted))
    return found


@bp.post("/x/<eid>/replay-mode")
@umpire_required
def toggle(eid: str) -> ResponseReturnValue:
    check_csrf()
    on = request.form.get("replay") == "1"
    set_replay(console(), eid, on)
    flash("Replay mode is on: after each turn the cells see what history did." if on else "Replay mode is off.")
    return redirect(url_for("umpire.setup", eid=eid), code=303)


@bp.app_context_processor
def _panel() -> dict[str, Any]:
    return {"replay_panel": lambda snap, cell=None: {
        "on": is_replay(snap), "has_record": bool(snap.scenario.script),
        "reveals": revealed(snap, None if cell is None else cell.viewer)}}
