"""Who is asking: the umpire, a cell, or nobody; CSRF tokens; security headers.

Three roles. The umpire holds the token `casus serve` prints; a cell holds the
token of its join link. In the browser either token is exchanged once for a
signed session cookie (HttpOnly, SameSite=Lax, Secure when configured); the
API takes them as bearer tokens and ignores cookies, so it needs no CSRF
token. Tokens are compared with `hmac.compare_digest` and only their hashes are
kept (cells' in the exercise meta, the umpire's in the session). A cell's
session names the token hash it joined with: a reissued link shuts out the old
one at the next request.
"""
from __future__ import annotations

import hmac
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from flask import abort, current_app, g, jsonify, render_template, request, session, url_for
from flask.typing import ResponseReturnValue

from .ids import token_hash, umpire_token_hash
from .service import Console
from .snapshot import Cell, NotFound

CSRF_FIELD = "csrf_token"
# Where links for other machines point when no address is configured: `casus serve`'s default.
DEFAULT_PUBLIC_URL = "http://127.0.0.1:5000"


def console() -> Console:
    found: Console = current_app.extensions["casus"]
    return found


def is_umpire() -> bool:
    held = session.get("umpire")
    return isinstance(held, str) and hmac.compare_digest(held, current_app.config["UMPIRE_TOKEN_HASH"])


def login_umpire(token: str) -> bool:
    if not token or not hmac.compare_digest(umpire_token_hash(token), current_app.config["UMPIRE_TOKEN_HASH"]):
        return False
    session["umpire"] = current_app.config["UMPIRE_TOKEN_HASH"]
    session.permanent = True
    return True


def cell_of_token(eid: str, token: str) -> str | None:
    """The cell of exercise `eid` whose join token this is, or None."""
    found = console().find_cell(token) if token else None
    if found is None or found[0] != eid:
        return None
    return found[1]


def join_cell(eid: str, name: str, token: str) -> None:
    """This browser plays cell `name` in exercise `eid` from now on (its token checked by the caller)."""
    cells = dict(session.get("cells") or {})
    cells[eid] = [name, token_hash(token)]
    session["cells"] = cells
    session.permanent = True


def replaced_message(cell: str) -> str:
    return f"The join link of {cell} has been replaced by a new one: ask the umpire for the new link."


def replaced_session_cell(eid: str) -> str | None:
    """The cell this browser joined in `eid` with a link the umpire has since replaced, if so."""
    entry = (session.get("cells") or {}).get(eid)
    if not entry or len(entry) != 2:
        return None
    try:
        cell = console().get(eid).cells.get(entry[0])
    except NotFound:
        return None
    if cell is None or hmac.compare_digest(cell.token_hash, str(entry[1])):
        return None
    return cell.name


def public_url(endpoint: str, **values: Any) -> str:
    """An absolute link for another machine (a join slip, a QR code): from the console's configured
    address (`casus serve` sets the one it listens on), never from the Host header a request claims."""
    base = str(current_app.config.get("PUBLIC_URL") or DEFAULT_PUBLIC_URL).rstrip("/")
    return base + url_for(endpoint, **values)


def session_cell(eid: str) -> Cell | None:
    """The cell this browser plays in exercise `eid`, if its join link still holds."""
    entry = (session.get("cells") or {}).get(eid)
    if not entry or len(entry) != 2:
        return None
    name, held = entry
    try:
        cell = console().get(eid).cells.get(name)
    except NotFound:
        return None
    if cell is None or not hmac.compare_digest(cell.token_hash, str(held)):
        return None
    return cell


def has_any_role() -> bool:
    return is_umpire() or bool(session.get("cells")) or bool(session.get("observers"))


# --- page decorators: 401 for nobody, 403 for the wrong role ---------------------------------

View = Callable[..., ResponseReturnValue]


def umpire_required(view: View) -> View:
    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> ResponseReturnValue:
        if not is_umpire():
            abort(403 if has_any_role() else 401)
        return view(*args, **kwargs)
    return wrapped


def cell_required(view: View) -> View:
    @wraps(view)
    def wrapped(eid: str, *args: Any, **kwargs: Any) -> ResponseReturnValue:
        cell = session_cell(eid)
        if cell is None:
            replaced = replaced_session_cell(eid)
            if replaced is not None:   # said plainly, to the page and to its poll
                message = replaced_message(replaced)
                if request.accept_mimetypes.best == "application/json" or request.path.endswith("/poll"):
                    return jsonify({"error": message, "replaced": True, "status": 403}), 403
                return render_template("error.html", code=403, heading="This join link has been replaced",
                                       message=message), 403
            abort(403 if has_any_role() else 401)
        g.cell = cell
        return view(eid, *args, **kwargs)
    return wrapped


# --- CSRF ---------------------------------------------------------------------------------------

def csrf_token() -> str:
    token = session.get("csrf")
    if not token:
        token = session["csrf"] = secrets.token_urlsafe(32)
    return token


def check_csrf() -> None:
    """Every state-changing form carries the session's CSRF token."""
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return
    sent = request.form.get(CSRF_FIELD) or request.headers.get("X-CSRF-Token") or ""
    held = session.get("csrf") or ""
    if not held or not hmac.compare_digest(str(sent), str(held)):
        abort(400, description="The form has expired or did not come from this console (CSRF check). "
                               "Reload the page and try again.")


# --- bearer tokens for the API --------------------------------------------------------------------

@dataclass(frozen=True)
class Caller:
    role: str                      # umpire | cell | observer
    exercise: str | None = None
    cell: str | None = None


def bearer() -> Caller | None:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        return None
    if hmac.compare_digest(umpire_token_hash(token), current_app.config["UMPIRE_TOKEN_HASH"]):
        return Caller("umpire")
    found = console().find_cell(token)
    if found is not None:
        return Caller("cell", *found)
    from .observers import find
    seen = find(console(), token)
    return Caller("observer", seen[0]) if seen is not None else None


SECURITY_HEADERS = {
    "Content-Security-Policy": ("default-src 'self'; img-src 'self' data:; style-src 'self'; "
                                "script-src 'self'; object-src 'none'; base-uri 'none'; "
                                "form-action 'self'; frame-ancestors 'none'"),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",   # join links carry tokens: never leak them onward
}
