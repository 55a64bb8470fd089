"""The JSON API, `/api/v1`: the same service as the pages, with bearer tokens.

No cookies are read here, so a page elsewhere cannot make a browser act
through the API (no CSRF token is needed). No or an unknown token gives 401;
a token of the wrong role for the route gives 403.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import wraps
from typing import Any

from flask import Blueprint, abort, g, jsonify, request
from flask.typing import ResponseReturnValue

from engine import report
from engine.errors import ScenarioError
from engine.events import Event
from engine.model import RESPONSES, InjectKind
from engine.view import DueDecision, waiting_on_cells
from engine.view import View as EngineView

from . import encoded, observers, replay, views
from .clock import clock_json
from .exports import decisions_csv, safe_markdown, stream_response, text_response
from .security import bearer, console, public_url
from .snapshot import ConsoleError, Snapshot

bp = Blueprint("api", __name__, url_prefix="/api/v1")
View = Callable[..., ResponseReturnValue]


@bp.errorhandler(ConsoleError)
def _refused(exc: ConsoleError) -> ResponseReturnValue:
    return jsonify({"error": str(exc), "status": exc.status}), exc.status


@bp.errorhandler(ScenarioError)
def _invalid(exc: ScenarioError) -> ResponseReturnValue:
    return jsonify({"error": "the scenario has problems", "status": 422,
                    "problems": [{"file": p.file, "line": p.line, "column": p.column, "path": p.path,
                                  "message": p.message} for p in exc.problems]}), 422


def role(*allowed: str) -> Callable[[View], View]:
    def decorate(view: View) -> View:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> ResponseReturnValue:
            caller = bearer()
            if caller is None:
                abort(401, description="a bearer token is required: the umpire's or a cell's")
            if caller.role not in allowed:
                abort(403, description=f"this needs the {' or '.join(allowed)} role")
            eid = kwargs.get("eid")
            if caller.role in ("cell", "observer") and eid is not None and caller.exercise != eid:
                abort(403, description="a cell may act only in its own exercise")
            g.caller = caller
            return view(*args, **kwargs)
        return wrapped
    return decorate


def _body() -> dict[str, Any]:
    data = request.get_json(silent=True)
    if data is None:
        return {}
    if not isinstance(data, dict):
        abort(400, description="the body must be a JSON object")
    return data


def _seq(body: dict[str, Any]) -> int | None:
    raw = body.get("expected_seq")
    if raw is None:
        return None
    if not isinstance(raw, int) or isinstance(raw, bool):
        abort(400, description="expected_seq must be an integer")
    return raw


def _text(body: dict[str, Any], key: str, default: str = "") -> str:
    value = body.get(key, default)
    if value is None:
        return default
    if not isinstance(value, str):
        abort(400, description=f"{key} must be a string")
    return value


@bp.get("/openapi.json")
def openapi() -> ResponseReturnValue:
    from .openapi import spec
    return jsonify(spec(public_url("api.openapi").rsplit("/openapi.json", 1)[0]))


@bp.get("/scenarios")
@role("umpire")
def scenarios() -> ResponseReturnValue:
    return jsonify([{"key": s.key, "id": s.id, "title": s.title, "turns": s.turns, "states": s.states,
                     "players": list(s.players)} for s in console().scenarios()])


@bp.get("/exercises")
@role("umpire", "cell", "observer")
def exercises() -> ResponseReturnValue:
    items = console().exercises()
    if g.caller.role != "umpire":
        items = [x for x in items if x.id == g.caller.exercise]
    return jsonify([{"id": x.id, "title": x.title, "scenario": x.scenario_id, "turn": x.turn,
                     "status": x.status, "seq": x.seq, "parent": x.parent} for x in items])


@bp.post("/exercises")
@role("umpire")
def create() -> ResponseReturnValue:
    body = _body()
    c = console()
    cells = body.get("cells")
    if cells is not None and not (isinstance(cells, dict) and all(
            isinstance(v, list) and all(isinstance(s, str) for s in v) for v in cells.values())):
        abort(400, description="cells must map a cell's name to a list of state ids")
    if isinstance(body.get("yaml"), str):
        eid = c.create(body["yaml"], _text(body, "name", "upload.yaml") or "upload.yaml",
                       title=_text(body, "title") or None, cells=cells,
                       cell_advice=bool(body.get("cell_advice")))
    else:
        shipped = c.shipped(_text(body, "scenario"))
        eid = c.create(shipped.path.read_bytes(), shipped.path.name, title=_text(body, "title") or None,
                       cells=cells, cell_advice=bool(body.get("cell_advice")))
    names = body.get("observers") or []
    if not (isinstance(names, list) and all(isinstance(n, str) for n in names)):
        abort(400, description="observers must be a list of names")
    seen_by = observers.add(c, eid, names)
    if body.get("replay"):
        replay.set_replay(c, eid, True)
    if body.get("start", True):
        c.start(eid)
    snap = c.get(eid)
    return jsonify({"id": eid, "seq": snap.seq, "cells": {
        cell.name: {"states": list(cell.states),
                    "token": c.cell_token(eid, cell.name, cell.nonce),
                    "join_url": public_url("cell.join", eid=eid, token=c.cell_token(eid, cell.name, cell.nonce))}
        for cell in snap.cells.values()}, "observers": seen_by}), 201


@bp.get("/exercises/<eid>")
@role("umpire", "cell", "observer")
def exercise(eid: str) -> ResponseReturnValue:
    snap = console().get(eid)
    # A client that polls asks for the events from the last `seq` it read on (`since`).
    since = max(0, request.args.get("since", default=0, type=int) or 0)
    viewer: frozenset[str] | None = None
    if g.caller.role != "cell":   # an observer sees what the umpire sees
        head, events = _umpire_parts(snap, since)
    else:
        cell = snap.cells.get(g.caller.cell)
        if cell is None:
            abort(403)
        viewer = cell.viewer
        head, events = _cell_parts(snap, viewer, cell.name, since)
    # Each event's text is encoded once for all the readers who may see the whole of it.
    return encoded.json_response(head, "events", [encoded.event_text(e, viewer) for e in events])


def _head(snap: Snapshot) -> dict[str, Any]:
    gs = snap.state
    left = snap.seconds_left()
    return {"id": snap.id, "title": snap.title, "scenario": snap.scenario.id, "seq": snap.seq,
            "turn": gs.turn if gs else 0, "status": str(gs.status) if gs else "setup",
            "date": snap.scenario.date_of(max(gs.turn if gs else 1, 1)).isoformat(),
            "paused": snap.paused, "seconds_left": None if left is None else round(left),
            "cell_advice": snap.cell_advice, "clock": clock_json(snap)}


def _umpire_view(snap: Snapshot, since: int = 0) -> dict[str, Any]:
    """The umpire's (and an observer's) read of the exercise, as a mapping."""
    head, events = _umpire_parts(snap, since)
    return head | {"events": [encoded.event_dict(e, None) for e in events]}


def _umpire_parts(snap: Snapshot, since: int) -> tuple[dict[str, Any], Sequence[Event]]:
    out = _head(snap) | {"since": since}
    out["cells"] = {c.name: list(c.states) for c in snap.cells.values()}
    if snap.game is None:
        return out | {"due": [], "waiting": []}, []
    gs, seen = snap.game.state, snap.game.view_for(None, since=since)
    return out | {"due": [_due(d) for d in seen.due],
                  "waiting": [{"attack": a, "state": s} for a, s in waiting_on_cells(gs)],
                  "awaiting_injects": list(gs.awaiting_manual)}, seen.events


def _due(d: DueDecision) -> dict[str, Any]:
    return {"attack": d.attack, "state": d.state, "treaty": d.treaty, "control": d.control,
            "status": d.status, "response": d.response, "source": d.source,
            "rationale": d.rationale, "statement": d.statement}


def _cell_view(snap: Snapshot, viewer: frozenset[str], name: str, since: int = 0) -> dict[str, Any]:
    """A cell's read of the exercise, as a mapping."""
    head, events = _cell_parts(snap, viewer, name, since)
    return head | {"events": [encoded.event_dict(e, viewer) for e in events]}


def _cell_parts(snap: Snapshot, viewer: frozenset[str], name: str,
                since: int) -> tuple[dict[str, Any], Sequence[Event]]:
    out = _head(snap) | {"cell": name, "states": sorted(viewer), "since": since}
    if snap.game is None:
        return out | {"due": [], "treaties": [], "public_decisions": []}, []
    seen = snap.game.view_for(viewer, since=since)
    # The answers made public since the client last read (all of them without `since`): a
    # poll's answer grows with what is new, not with the game.
    return out | {
        "due": [_due(d) for d in seen.due],
        "treaties": snap.memoised(("api-treaties", viewer), lambda: _treaties(snap, seen)),
        "public_decisions": [{"turn": p.turn, "attack": p.attack, "state": p.state, "response": p.response,
                              "statement": p.statement}
                             for p in seen.public_since if p.state not in viewer],
    }, seen.events


def _treaties(snap: Snapshot, seen: EngineView) -> list[dict[str, Any]]:
    """The treaties a cell knows of, as words (the same on every poll of one snapshot)."""
    return [{"id": t["id"], "name": t["name"], "members": t["members"], "articles": t["articles"]}
            for t in views.treaty_rows(snap.live.state, seen.treaties)]


@bp.post("/exercises/<eid>/decisions")
@role("cell")
def decide(eid: str) -> ResponseReturnValue:
    body = _body()
    turn = body.get("turn")
    if turn is not None and (not isinstance(turn, int) or isinstance(turn, bool)):
        abort(400, description="turn must be an integer")
    events = console().submit(eid, g.caller.cell, _text(body, "state"), _text(body, "attack"),
                              _text(body, "response"), rationale=_text(body, "rationale"),
                              statement=_text(body, "statement"), turn=turn)
    return jsonify({"seq": console().get(eid).seq, "events": len(events)}), 201


@bp.post("/exercises/<eid>/override")
@role("umpire")
def override(eid: str) -> ResponseReturnValue:
    body = _body()
    console().override(eid, _text(body, "state"), _text(body, "attack"), _text(body, "response"),
                       _text(body, "reason"), _seq(body))
    return jsonify({"seq": console().get(eid).seq}), 201


@bp.post("/exercises/<eid>/open-turn")
@role("umpire")
def open_turn(eid: str) -> ResponseReturnValue:
    events = console().open_turn(eid, _seq(_body()))
    snap = console().get(eid)
    return jsonify({"seq": snap.seq, "turn": snap.live.state.turn, "events": len(events)})


@bp.post("/exercises/<eid>/close-turn")
@role("umpire")
def close_turn(eid: str) -> ResponseReturnValue:
    body = _body()
    if body.get("doctrine_answers_missing") is True:  # at the deadline: the engine's own rule, logged so
        console().close_by_doctrine(eid, _seq(body))
    else:
        console().close_turn(eid, _seq(body))
    snap = console().get(eid)
    gs = snap.live.state
    return jsonify({"seq": snap.seq, "turn": gs.turn, "status": str(gs.status),
                    "waiting": [{"attack": a, "state": s} for a, s in gs.awaiting]})


@bp.post("/exercises/<eid>/undo")
@role("umpire")
def undo(eid: str) -> ResponseReturnValue:
    undone = console().undo(eid, _seq(_body()))
    snap = console().get(eid)
    return jsonify({"seq": snap.seq, "turn": snap.live.state.turn, "dropped": len(undone.dropped),
                    "notes_kept": len(undone.kept)})


@bp.get("/exercises/<eid>/export")
@role("umpire")
def export(eid: str) -> ResponseReturnValue:
    snap = console().get(eid)
    fmt = request.args.get("format", "jsonl")
    if fmt == "jsonl":
        return stream_response(views.events_jsonl(snap), "application/x-ndjson")
    if fmt == "csv":
        return text_response(decisions_csv(views.after_action(snap)), "text/csv")
    if fmt == "md":
        return text_response(safe_markdown(report.to_markdown(views.after_action(snap))), "text/markdown")
    abort(400, description="format is one of jsonl, csv, md")


RESPONSE_VALUES = [str(r) for r in RESPONSES]
INJECT_KINDS = [str(k) for k in InjectKind]
