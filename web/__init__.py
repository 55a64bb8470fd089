"""The umpire console: a Flask application over the engine and an event store.

`create_app(config)` builds it. Configuration, later sources winning: the
defaults below, `instance/config.py` when present, the environment
(`CASUS_UMPIRE_TOKEN`, `CASUS_SECRET_KEY`, `CASUS_DB`, `CASUS_SECURE_COOKIES`),
then the `config` mapping given. The secret key, when none is given, is
generated once and kept in the instance folder, so sessions and cells' join
links survive a restart.
"""
from __future__ import annotations

import datetime as dt
import os
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask, Response, jsonify, render_template, request
from flask.typing import ResponseReturnValue
from werkzeug.exceptions import HTTPException

from engine.errors import ScenarioInternalError
from engine.scenario import MAX_BYTES

from .ids import umpire_token_hash
from .security import SECURITY_HEADERS, csrf_token, is_umpire
from .service import Console

__all__ = ["create_app"]

# The console's icon: a compass rose in the header's blue, small enough to inline.
ICON_SVG = ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32">'
            '<rect width="32" height="32" rx="6" fill="#18324f"/>'
            '<path d="M16 4l3.5 12L16 28l-3.5-12z" fill="#fff"/>'
            '<path d="M4 16l12-3.5L28 16l-12 3.5z" fill="#c9d6e6"/></svg>')


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    config = dict(config or {})
    app = Flask(__name__, instance_path=config.pop("INSTANCE_PATH", None) or os.environ.get("CASUS_INSTANCE")
                or None, instance_relative_config=True)
    app.config.update(
        # A scenario file may be 5 MB; the rest is room for the multipart envelope.
        MAX_CONTENT_LENGTH=MAX_BYTES + 64 * 1024,
        SESSION_COOKIE_NAME="casus_session",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=False,
        PERMANENT_SESSION_LIFETIME=dt.timedelta(hours=12),
        # Twelve hours from signing in or joining, not from the last request: re-signing and
        # re-compressing the cookie on every poll cost more than the poll itself.
        SESSION_REFRESH_EACH_REQUEST=False,
        SCENARIO_PATHS=None,
        DEBUG=False,
    )
    app.config.from_pyfile("config.py", silent=True)
    _from_environment(app)
    app.config.update(config)
    app.debug = False  # never: the debugger runs arbitrary code
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _persisted_secret(Path(app.instance_path) / "secret_key")
    if not app.config.get("UMPIRE_TOKEN"):
        app.config["UMPIRE_TOKEN"] = secrets.token_urlsafe(24)
    app.config["UMPIRE_TOKEN_HASH"] = umpire_token_hash(app.config["UMPIRE_TOKEN"])
    store = app.config.get("STORE")
    if store is None:
        from storage.sqlite import SQLiteStore
        store = SQLiteStore(app.config.get("DB") or Path(app.instance_path) / "casus.db")
    paths = app.config.get("SCENARIO_PATHS")
    app.extensions["casus"] = Console(store, app.config["SECRET_KEY"],
                                      [Path(p) for p in paths] if paths is not None else None)

    from . import announce, api, cell, clock, inject_api, late_cells, messaging, observers, outcomes, replay, umpire
    app.register_blueprint(umpire.bp)
    app.register_blueprint(cell.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(messaging.bp)
    app.register_blueprint(observers.bp)
    app.register_blueprint(replay.bp)
    app.register_blueprint(clock.bp)
    app.register_blueprint(late_cells.bp)
    app.register_blueprint(outcomes.bp)
    app.register_blueprint(announce.bp)
    app.register_blueprint(inject_api.bp)
    _install_hooks(app)
    return app


def _from_environment(app: Flask) -> None:
    env = os.environ
    if env.get("CASUS_UMPIRE_TOKEN"):
        app.config["UMPIRE_TOKEN"] = env["CASUS_UMPIRE_TOKEN"]
    if env.get("CASUS_SECRET_KEY"):
        app.config["SECRET_KEY"] = env["CASUS_SECRET_KEY"]
    if env.get("CASUS_PUBLIC_URL"):
        app.config["PUBLIC_URL"] = env["CASUS_PUBLIC_URL"]
    if env.get("CASUS_DB"):
        app.config["DB"] = env["CASUS_DB"]
    if env.get("CASUS_SECURE_COOKIES"):
        app.config["SESSION_COOKIE_SECURE"] = env["CASUS_SECURE_COOKIES"].lower() in ("1", "true", "yes")


def _persisted_secret(path: Path) -> str:
    if path.is_file():
        text = path.read_text(encoding="utf-8").strip()
        if text:
            return text
    key = secrets.token_urlsafe(48)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(key + "\n")
    return key


def _install_hooks(app: Flask) -> None:
    from .views import register_filters
    register_filters(app)

    casus: Console = app.extensions["casus"]

    @app.before_request
    def _one_snapshot() -> None:
        casus.snapshots.begin_request()   # each exercise read once per request: see Console.get

    @app.teardown_request
    def _done(_exc: BaseException | None) -> None:
        casus.snapshots.end_request()

    @app.context_processor
    def _globals() -> dict[str, Any]:
        return {"csrf_token": csrf_token, "is_umpire": is_umpire}

    @app.after_request
    def _headers(response: Response) -> Response:
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        if request.path.startswith("/static/"):
            response.headers.setdefault("Cache-Control", "public, max-age=3600")
        else:
            response.headers["Cache-Control"] = "no-store"
        return response

    @app.route("/favicon.ico")
    @app.route("/favicon.svg")
    def _icon() -> ResponseReturnValue:
        # Browsers ask for /favicon.ico whatever the page says: an answer, not a 404 in the log.
        return Response(ICON_SVG, content_type="image/svg+xml",
                        headers={"Cache-Control": "public, max-age=86400"})

    @app.errorhandler(HTTPException)
    @app.errorhandler(ScenarioInternalError)  # an upload the loader fails on: say so, not a bare 500
    def _error(exc: Exception) -> ResponseReturnValue:
        code = getattr(exc, "code", None) or 500
        message = getattr(exc, "description", None) or str(exc)
        if code == 413:
            message = f"The file is too large: a scenario may be at most {MAX_BYTES // (1024 * 1024)} MB."
        if request.path.startswith("/api/"):
            response = jsonify({"error": message, "status": code})
            if code == 401:
                response.headers["WWW-Authenticate"] = 'Bearer realm="casus"'
        elif code == 401:
            response = Response(render_template("login.html", message=None))
        else:
            response = Response(render_template("error.html", code=code, message=message))
        allowed = getattr(exc, "valid_methods", None)
        if code == 405 and allowed:
            response.headers["Allow"] = ", ".join(allowed)   # RFC 9110: a 405 names what is allowed
        return response, code

    @app.errorhandler(Exception)
    def _failure(exc: Exception) -> ResponseReturnValue:
        # Logged in full here; the caller learns only that it failed (no internals leak).
        app.logger.exception("unexpected failure on %s %s", request.method, request.path)
        message = "The console failed on this request; the failure is in the server's log."
        if request.path.startswith("/api/"):
            return jsonify({"error": message, "status": 500}), 500
        return render_template("error.html", code=500, message=message), 500
