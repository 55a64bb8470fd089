"""Messages between control and the cells: the pages' forms and `/api/v1/.../messages`.

The engine decides who may write to whom and who reads each message
(`engine.messages`, `engine.view`); this module names cells for it: a cell is
known to the engine by the states it plays.
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from flask import Blueprint, abort, flash, g, jsonify, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from engine.events import Event, MessageSent
from engine.model import ALL, UMPIRE

from .api import role
from .security import cell_required, check_csrf, console, umpire_required
from .service import Console
from .snapshot import ConsoleError, Forbidden, Snapshot

bp = Blueprint("messages", __name__)


@bp.errorhandler(ConsoleError)
def _refused(exc: ConsoleError) -> ResponseReturnValue:
    if request.path.startswith("/api/"):
        return jsonify({"error": str(exc), "status": exc.status}), exc.status
    return render_template("error.html", code=exc.status, message=str(exc)), exc.status


# --- the service ------------------------------------------------------------------------------

def send(c: Console, eid: str, sender: str | None, to: Sequence[str] | str, text: str) -> list[Event]:
    """A message from cell `sender` (None: the umpire) to cells `to`, "all" or "umpire"."""
    snap = c.get(eid)
    cells = {name: cell.viewer for name, cell in snap.cells.items()}
    if sender is not None and sender not in cells:
        raise Forbidden(f"no cell {sender!r} in this exercise")
    if isinstance(to, str):
        if to not in (ALL, UMPIRE):
            raise ConsoleError(f"a message goes to a list of cells, to {ALL!r} or to {UMPIRE!r}, not {to!r}")
        target: dict[str, frozenset[str]] | str = to
    else:
        unknown = [n for n in to if n not in cells]
        if unknown:
            raise ConsoleError(f"no cell {', '.join(map(repr, unknown))} in this exercise: "
                               f"the cells are {', '.join(cells)}")
        target = {n: cells[n] for n in to}
    sender_states = None if sender is None else cells[sender]
    return c.act(eid, lambda game: game.message(sender or UMPIRE, sender_states, target, text))


def set_channel(c: Console, eid: str, open_: bool) -> list[Event]:
    return c.act(eid, lambda game: game.set_channel(open_))


def readable(snap: Snapshot, viewer: frozenset[str] | None) -> tuple[MessageSent, ...]:
    """The messages `viewer` may read (None: the umpire or an observer), from the engine's view."""
    game = snap.game
    if game is None:
        return ()
    # Once per snapshot and reader: the page and its panels ask more than once.
    found: tuple[MessageSent, ...] = snap.memoised(("messages", viewer), lambda: game.view_for(viewer).messages)
    return found


def as_json(m: MessageSent, viewer: frozenset[str] | None) -> dict[str, Any]:
    out: dict[str, Any] = {"turn": m.turn, "from": m.sender, "to": list(m.to), "text": m.text}
    if viewer is None:
        vis = m.visibility
        out["readers"] = vis if isinstance(vis, str) else list(vis)
    return out


def channel_open(snap: Snapshot) -> bool:
    return bool(snap.game is not None and snap.game.state.channel_open)


# --- the API ------------------------------------------------------------------------------------

@bp.get("/api/v1/exercises/<eid>/messages")
@role("umpire", "cell", "observer")
def api_list(eid: str) -> ResponseReturnValue:
    snap = console().get(eid)
    viewer = _api_viewer(snap)
    return jsonify({"channel_open": channel_open(snap),
                    "messages": [as_json(m, viewer) for m in readable(snap, viewer)]})


@bp.post("/api/v1/exercises/<eid>/messages")
@role("umpire", "cell")
def api_send(eid: str) -> ResponseReturnValue:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        abort(400, description='the body must be a JSON object: {"to": [cell names] | "all" | "umpire", "text": …}')
    to, text = body.get("to"), body.get("text")
    if not isinstance(text, str):
        abort(400, description="text must be a string")
    if not (isinstance(to, str) or (isinstance(to, list) and all(isinstance(n, str) for n in to))):
        abort(400, description='to must be a list of cell names, "all" or "umpire"')
    sender = g.caller.cell if g.caller.role == "cell" else None
    events = send(console(), eid, sender, to, text)
    snap = console().get(eid)
    return jsonify({"seq": snap.seq, "message": as_json(_only(events), _api_viewer(snap))}), 201


@bp.post("/api/v1/exercises/<eid>/channel")
@role("umpire")
def api_channel(eid: str) -> ResponseReturnValue:
    body = request.get_json(silent=True)
    if not isinstance(body, dict) or not isinstance(body.get("open"), bool):
        abort(400, description='the body is {"open": true} or {"open": false}')
    set_channel(console(), eid, body["open"])
    return jsonify({"seq": console().get(eid).seq, "channel_open": body["open"]}), 201


def _api_viewer(snap: Snapshot) -> frozenset[str] | None:
    if g.caller.role != "cell":
        return None
    cell = snap.cells.get(g.caller.cell)
    if cell is None:
        abort(403)
    return cell.viewer


def _only(events: list[Event]) -> MessageSent:
    sent = [e for e in events if isinstance(e, MessageSent)]
    if len(sent) != 1:  # pragma: no cover - the engine pushes exactly one
        raise ConsoleError("the message was not recorded")
    return sent[0]


# --- the pages' forms ---------------------------------------------------------------------------

def _form_to() -> list[str] | str:
    chosen = request.form.getlist("to")
    if not chosen:
        raise ConsoleError("choose whom to write to")
    if ALL in chosen:
        return ALL
    if UMPIRE in chosen:
        return UMPIRE if len(chosen) == 1 else [n for n in chosen if n != UMPIRE]
    return chosen


@bp.post("/x/<eid>/messages")
@umpire_required
def umpire_send(eid: str) -> ResponseReturnValue:
    check_csrf()
    send(console(), eid, None, _form_to(), request.form.get("text", ""))
    flash("Message sent.")
    return redirect(url_for("umpire.dashboard", eid=eid) + "#messages", code=303)


@bp.post("/x/<eid>/channel")
@umpire_required
def umpire_channel(eid: str) -> ResponseReturnValue:
    check_csrf()
    set_channel(console(), eid, request.form.get("open") == "1")
    return redirect(url_for("umpire.dashboard", eid=eid) + "#messages", code=303)


@bp.post("/x/<eid>/cell/messages")
@cell_required
def cell_send(eid: str) -> ResponseReturnValue:
    check_csrf()
    send(console(), eid, g.cell.name, _form_to(), request.form.get("text", ""))
    flash("Message sent.")
    return redirect(url_for("cell.page", eid=eid) + "#messages", code=303)


@bp.app_context_processor
def _panel() -> dict[str, Any]:
    return {"messages_panel": messages_panel}


def messages_panel(snap: Snapshot, cell: Any = None, *, read_only: bool = False) -> dict[str, Any]:
    """What the messages panel shows to the umpire (`cell` None) or to a cell: what it may read
    (the engine's view) and whom it may write to now."""
    viewer = None if cell is None else cell.viewer
    open_ = channel_open(snap)
    others = [n for n in snap.cells if cell is None or n != cell.name]
    if cell is None:
        choices = [(ALL, "all cells")] + [(n, n) for n in others]
    else:
        choices = [(UMPIRE, "the umpire")] + ([(n, n) for n in others] + [(ALL, "all cells")] if open_ else [])
    return {"messages": readable(snap, viewer), "channel_open": open_, "choices": choices,
            "started": snap.game is not None, "read_only": read_only,
            "action": url_for("messages.umpire_send" if cell is None else "messages.cell_send", eid=snap.id)}
