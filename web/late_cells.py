"""A cell added after the start: a latecomer takes states the doctrine has played so far.

The engine records the change of hands (`Game.assign`: a `control` event), so
decisions asked from then on wait for the new cell; the console gives the cell
its join link as it does at setup.
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from engine.model import Control

from .api import role
from .ids import token_hash
from .security import check_csrf, console, public_url, umpire_required
from .service import Console
from .snapshot import Conflict, ConsoleError

bp = Blueprint("late_cells", __name__)


@bp.errorhandler(ConsoleError)
def _refused(exc: ConsoleError) -> ResponseReturnValue:
    if request.path.startswith("/api/"):
        return jsonify({"error": str(exc), "status": exc.status}), exc.status
    return render_template("error.html", code=exc.status, message=str(exc)), exc.status


def add_cell(c: Console, eid: str, raw_name: str, states: Sequence[str]) -> dict[str, Any]:
    """A new cell playing `states` in a started exercise: its token and join link."""
    snap = c.get(eid)
    if not snap.started:
        raise Conflict("the exercise has not started: assign the cells on the setup page")
    name = " ".join(str(raw_name).split())[:60]
    if not name:
        raise ConsoleError("a new cell needs a name")
    if name in snap.cells:
        raise ConsoleError(f"there is a cell {name!r} already: choose another name")
    taken = {s: cell.name for cell in snap.cells.values() for s in cell.states}
    held = [f"{s} ({taken[s]})" for s in states if s in taken]
    if held:
        raise ConsoleError(f"already played by a cell: {', '.join(held)}")
    c.act(eid, lambda game: game.assign(states, Control.PLAYER))
    order = list(snap.scenario.state_by_id)
    cells = dict(c.get(eid).meta.get("cells") or {})
    cells[name] = {"states": sorted(dict.fromkeys(states), key=order.index), "nonce": 0,
                   "token_hash": token_hash(c.cell_token(eid, name, 0))}
    after = c.update_meta(eid, {"cells": cells})
    c._index_tokens(after)   # the link works at once, not at the next rebuild of the index
    token = c.cell_token(eid, name, 0)
    return {"states": cells[name]["states"], "token": token,
            "join_url": public_url("cell.join", eid=eid, token=token)}


@bp.post("/x/<eid>/cells")
@umpire_required
def create(eid: str) -> ResponseReturnValue:
    check_csrf()
    added = add_cell(console(), eid, request.form.get("name", ""), request.form.getlist("states"))
    flash(f"The new cell plays {', '.join(added['states'])} from now on: hand it its link below.")
    return redirect(url_for("umpire.setup", eid=eid), code=303)


@bp.post("/api/v1/exercises/<eid>/cells")
@role("umpire")
def api_create(eid: str) -> ResponseReturnValue:
    body = request.get_json(silent=True)
    if not isinstance(body, dict) or not isinstance(body.get("name"), str) or not (
            isinstance(body.get("states"), list) and all(isinstance(s, str) for s in body["states"])):
        abort(400, description='the body is {"name": "…", "states": ["state id", …]}')
    added = add_cell(console(), eid, body["name"], body["states"])
    return jsonify({"name": " ".join(body["name"].split())[:60], **added}), 201
