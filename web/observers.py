"""Observers: directing staff and visitors who see what the umpire sees and cannot act.

An observer holds a join link like a cell's (a token derived from the server's
secret, only its hash kept in the exercise meta). In the browser it opens a
read-only page; through the API it is the `observer` role, let through to read
routes only: every write route answers it 403 (`web.api.role`).
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import time
from collections.abc import Iterable
from typing import Any

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue

from . import views
from .ids import token_hash
from .security import check_csrf, console, is_umpire, public_url, umpire_required
from .service import Console
from .snapshot import ConsoleError, NotFound, Snapshot

bp = Blueprint("observers", __name__)
MAX_OBSERVERS = 40



@bp.errorhandler(ConsoleError)
def _refused(exc: ConsoleError) -> ResponseReturnValue:
    return render_template("error.html", code=exc.status, message=str(exc)), exc.status


# --- tokens -------------------------------------------------------------------------------------

def observer_token(eid: str, name: str, nonce: int = 0) -> str:
    """An observer's token: derived from the server's secret (never stored), apart from cells' tokens."""
    secret = str(current_app.config["SECRET_KEY"]).encode("utf-8")
    mac = hmac.new(secret, f"observer\0{eid}\0{name}\0{nonce}".encode(), hashlib.sha256)
    return base64.urlsafe_b64encode(mac.digest()[:24]).decode("ascii")


def observers_of(snap: Snapshot) -> dict[str, dict[str, Any]]:
    return dict(snap.meta.get("observers") or {})


def add(c: Console, eid: str, names: Iterable[str]) -> dict[str, dict[str, str]]:
    """Observers `names` for the exercise (their links, new or kept): {name: {"token", "join_url"}}."""
    snap = c.get(eid)
    held = observers_of(snap)
    for raw in names:
        name = " ".join(str(raw).split())[:60]
        if not name or name in held:
            continue
        if name in snap.cells:
            raise ConsoleError(f"{name!r} is a cell of this exercise: give the observer another name")
        held[name] = {"nonce": 0, "token_hash": token_hash(observer_token(eid, name))}
    if len(held) > MAX_OBSERVERS:
        raise ConsoleError(f"an exercise has at most {MAX_OBSERVERS} observers")
    c.update_meta(eid, {"observers": held})
    index = _index()
    for name, entry in held.items():
        index[str(entry["token_hash"])] = (eid, name)
    return links(eid, held)


def _index() -> dict[str, Any]:
    """Token hash -> (exercise, observer); "" holds when it was last rebuilt from the store."""
    found: dict[str, Any] = current_app.extensions.setdefault("casus-observers", {"": 0.0})
    return found


def links(eid: str, held: dict[str, dict[str, Any]]) -> dict[str, dict[str, str]]:
    out = {}
    for name, entry in held.items():
        token = observer_token(eid, name, int(entry.get("nonce", 0)))
        out[name] = {"token": token, "join_url": public_url("observers.join", eid=eid, token=token)}
    return out


def find(c: Console, token: str) -> tuple[str, str] | None:
    """(exercise, observer) whose token this is, or None."""
    h = token_hash(token)
    index = _index()   # rebuilt at most once a second when a token is not in it
    found: tuple[str, str] | None = index.get(h)
    if found is None and time.monotonic() - index[""] > 1.0:
        index[""] = time.monotonic()
        for rec in c.store.games():
            for name, entry in (rec.meta.get("observers") or {}).items():
                index[str(entry.get("token_hash", ""))] = (rec.id, name)
        found = index.get(h)
    if found is None:
        return None
    try:
        entry = observers_of(c.get(found[0])).get(found[1])
    except NotFound:
        return None
    if entry is None or not hmac.compare_digest(str(entry.get("token_hash", "")), h):
        return None
    return found


def session_observer(eid: str) -> str | None:
    """The observer this browser is in exercise `eid`, if its link still holds."""
    entry = (session.get("observers") or {}).get(eid)
    if not entry or len(entry) != 2:
        return None
    try:
        held = observers_of(console().get(eid)).get(entry[0])
    except NotFound:
        return None
    if held is None or not hmac.compare_digest(str(held.get("token_hash", "")), str(entry[1])):
        return None
    return str(entry[0])


# --- pages ----------------------------------------------------------------------------------------

@bp.get("/x/<eid>/observe")
def join(eid: str) -> ResponseReturnValue:
    token = request.args.get("token", "")
    found = find(console(), token) if token else None
    if found is None or found[0] != eid:
        return render_template("login.html", cell_link=True,
                               message="This observer link is not valid for this exercise: ask the umpire."), 401
    held = dict(session.get("observers") or {})
    held[eid] = [found[1], token_hash(token)]
    session["observers"] = held
    session.permanent = True
    return redirect(url_for("observers.page", eid=eid), code=303)   # the token leaves the address bar


def _may_observe(eid: str) -> str:
    if is_umpire():
        return "the umpire"
    name = session_observer(eid)
    if name is None:
        abort(403 if session.get("cells") or session.get("observers") else 401)
    return name


@bp.get("/x/<eid>/observer")
def page(eid: str) -> ResponseReturnValue:
    who = _may_observe(eid)
    snap = console().get(eid)
    return render_template("observer.html", snap=snap, who=who, gs=snap.state, left=snap.seconds_left(),
                           dash=views.dashboard(snap) if snap.game is not None else None,
                           name=lambda s: views.name(snap.scenario, s), version=views.view_version(snap, None))


@bp.get("/x/<eid>/observer/poll")
def poll(eid: str) -> ResponseReturnValue:
    _may_observe(eid)
    return views.poll_json(console().get(eid), None)


@bp.post("/x/<eid>/observers")
@umpire_required
def create(eid: str) -> ResponseReturnValue:
    check_csrf()
    names = [n for n in request.form.get("names", "").replace(";", ",").split(",") if n.strip()]
    if not names:
        raise ConsoleError("write one or more observers' names, separated by commas")
    add(console(), eid, names)
    flash(f"Observer link{'s' if len(names) > 1 else ''} ready for {', '.join(n.strip() for n in names)}.")
    return redirect(url_for("umpire.setup", eid=eid) + "#observers", code=303)


@bp.app_context_processor
def _panel() -> dict[str, Any]:
    return {"observer_links": lambda snap: links(snap.id, observers_of(snap))}
