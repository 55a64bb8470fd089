"""`POST /api/v1/exercises/{id}/injects`: the umpire fires an ad-hoc inject, to every cell or to
chosen ones (the inject's visibility: the states those cells play; the engine checks the rest)."""
from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, jsonify, request
from flask.typing import ResponseReturnValue

from engine.events import InjectFired

from .api import role
from .injects import for_cells
from .security import console
from .snapshot import ConsoleError

bp = Blueprint("inject_api", __name__)
FIELDS: dict[str, type | tuple[type, ...]] = {
    "kind": str, "text": str, "actor": str, "target": str, "severity": (int, float),
    "attribution": (int, float), "cells": list, "expected_seq": int}


@bp.errorhandler(ConsoleError)
def _refused(exc: ConsoleError) -> ResponseReturnValue:
    return jsonify({"error": str(exc), "status": exc.status}), exc.status


@bp.post("/api/v1/exercises/<eid>/injects")
@role("umpire")
def fire(eid: str) -> ResponseReturnValue:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        abort(400, description='the body is an object: {"kind": …, "text": …, "cells": [cell names]}')
    for key, kind in FIELDS.items():
        if key in body and body[key] is not None and (not isinstance(body[key], kind) or isinstance(body[key], bool)):
            abort(400, description=f"{key} has the wrong type")
    if not all(isinstance(n, str) for n in body.get("cells") or []):
        abort(400, description="cells is a list of cell names")
    c = console()
    cells = {cell.name: cell.states for cell in c.get(eid).cells.values()}
    fields: dict[str, Any] = for_cells(cells, {k: v for k, v in body.items() if k != "expected_seq"})
    events = c.fire(eid, fields, body.get("expected_seq"))
    fired = [e for e in events if isinstance(e, InjectFired)]
    vis = fired[0].visibility if fired else "all"
    return jsonify({"seq": c.get(eid).seq, "inject": fired[0].inject if fired else None,
                    "readers": vis if isinstance(vis, str) else list(vis)}), 201
