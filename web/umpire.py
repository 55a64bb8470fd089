"""The umpire's pages: exercises, setup, dashboard, history, report, comparison, Monte Carlo what-ifs."""
from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    stream_template,
    url_for,
)
from flask.typing import ResponseReturnValue

from engine import debrief, report
from engine.errors import ScenarioError
from engine.events import Kind, Note
from engine.scenario import MAX_BYTES
from engine.view import options_due

from . import views
from .exports import decisions_csv, safe_markdown, stream_response, text_response
from .injects import for_cells
from .security import check_csrf, console, has_any_role, is_umpire, login_umpire, public_url, umpire_required
from .snapshot import ConsoleError, Snapshot
from .whatif import WHAT_IF_SECONDS, WhatIf, doctrine_weights, what_if_request

bp = Blueprint("umpire", __name__)
bp.before_request(check_csrf)


@bp.errorhandler(ConsoleError)
def _refused(exc: ConsoleError) -> ResponseReturnValue:
    return render_template("error.html", code=exc.status, message=str(exc),
                           back=request.referrer and _same_site(request.referrer)), exc.status


def _same_site(url: str) -> str | None:
    return url if url.startswith(request.host_url) else None


def _snap(eid: str) -> Snapshot:
    return console().get(eid)


def _started(eid: str) -> Snapshot:
    snap = _snap(eid)
    if not snap.started:
        abort(409, description="The exercise has not started yet: assign the cells and start it.")
    return snap


def _seq() -> int | None:
    return views.form_int(request.form, "expected_seq")


def _to_dashboard(eid: str) -> ResponseReturnValue:
    return redirect(url_for("umpire.dashboard", eid=eid), code=303)


# --- signing in --------------------------------------------------------------------------------

@bp.get("/")
def home() -> ResponseReturnValue:
    token = request.args.get("token")
    if token is not None:
        if login_umpire(token):
            return redirect(url_for("umpire.home"), code=303)  # the token leaves the address bar
        return render_template("login.html", message="That umpire token is not valid."), 401
    if not is_umpire():
        if has_any_role():
            cells = session.get("cells") or {}
            if len(cells) == 1:
                return redirect(url_for("cell.page", eid=next(iter(cells))), code=303)
            abort(403)
        return render_template("login.html"), 401
    c = console()
    return render_template("home.html", exercises=c.exercises(), scenarios=c.scenarios(),
                           problems=c.scenario_problems(), max_mb=MAX_BYTES // (1024 * 1024),
                           upload_errors=None, recorded=c.recorded())


@bp.post("/login")
def login() -> ResponseReturnValue:
    if login_umpire(request.form.get("token", "").strip()):
        return redirect(url_for("umpire.home"), code=303)
    return render_template("login.html", message="That umpire token is not valid."), 401


@bp.post("/logout")
def logout() -> ResponseReturnValue:
    session.clear()
    return redirect(url_for("umpire.home"), code=303)


# --- creating and setting up -------------------------------------------------------------------

@bp.post("/exercises")
@umpire_required
def create() -> ResponseReturnValue:
    c = console()
    title = request.form.get("title", "").strip() or None
    upload = request.files.get("file")
    try:
        if upload is not None and upload.filename:
            data = upload.read(MAX_BYTES + 1)
            if len(data) > MAX_BYTES:
                abort(413)
            eid = c.create(data, _safe_name(upload.filename), title=title)
        else:
            shipped = c.shipped(request.form.get("scenario", ""))
            eid = c.create(shipped.path.read_bytes(), shipped.path.name, title=title)
    except ScenarioError as exc:
        return render_template("home.html", exercises=c.exercises(), scenarios=c.scenarios(),
                               problems=c.scenario_problems(), max_mb=MAX_BYTES // (1024 * 1024),
                               upload_errors=exc.problems, recorded=c.recorded()), 422
    return redirect(url_for("umpire.setup", eid=eid), code=303)


def _safe_name(filename: str) -> str:
    base = filename.replace("\\", "/").rsplit("/", 1)[-1][:100]
    return base if base.lower().endswith((".yaml", ".yml", ".json")) else base + ".yaml"


@bp.get("/x/<eid>/setup")
@umpire_required
def setup(eid: str) -> ResponseReturnValue:
    snap = _snap(eid)
    assigned = {s: c.name for c in snap.cells.values() for s in c.states}
    return render_template("setup.html", snap=snap, assigned=assigned, links=_links(snap))


def _links(snap: Snapshot) -> dict[str, str]:
    c = console()
    return {cell.name: public_url("cell.join", eid=snap.id, token=c.cell_token(snap.id, cell.name, cell.nonce))
            for cell in snap.cells.values()}


@bp.post("/x/<eid>/setup")
@umpire_required
def save_setup(eid: str) -> ResponseReturnValue:
    snap = _snap(eid)
    cells: dict[str, list[str]] = {}
    for s in snap.scenario.states:
        name = " ".join(request.form.get(f"cell-{s.id}", "").split())
        if name:
            cells.setdefault(name, []).append(s.id)
    c = console()
    if not snap.started:
        c.set_cells(eid, cells)
    c.update_meta(eid, {"cell_advice": request.form.get("cell_advice") == "on"})
    if request.form.get("start") == "1" and not snap.started:
        c.start(eid)
        flash("The exercise has started. Hand out the join links, then open turn 1.")
        return _to_dashboard(eid)
    flash("Saved.")
    return redirect(url_for("umpire.setup", eid=eid), code=303)


@bp.post("/x/<eid>/cells/<cell>/reissue")
@umpire_required
def reissue(eid: str, cell: str) -> ResponseReturnValue:
    console().reissue(eid, cell)
    flash(f"A new join link for {cell}: the old one no longer works.")
    return redirect(url_for("umpire.setup", eid=eid), code=303)


@bp.get("/x/<eid>/links")
@umpire_required
def links(eid: str) -> ResponseReturnValue:
    snap = _snap(eid)
    return render_template("links.html", snap=snap, links=_links(snap))


# --- the dashboard -------------------------------------------------------------------------------

@bp.get("/x/<eid>")
@umpire_required
def dashboard(eid: str) -> ResponseReturnValue:
    snap = _snap(eid)
    if not snap.started:
        return redirect(url_for("umpire.setup", eid=eid), code=303)
    return render_template("dashboard.html", snap=snap, gs=snap.state, sc=snap.scenario,
                           options=options_due(snap.state) if snap.state is not None else [],
                           dash=views.dashboard(snap, all_upcoming=request.args.get("upcoming") == "all"),
                           name=lambda s: views.name(snap.scenario, s),
                           left=snap.seconds_left(), version=views.view_version(snap, None))


@bp.get("/x/<eid>/poll")
@umpire_required
def poll(eid: str) -> ResponseReturnValue:
    return views.poll_json(_snap(eid), None)


@bp.post("/x/<eid>/open-turn")
@umpire_required
def open_turn(eid: str) -> ResponseReturnValue:
    _started(eid)
    console().open_turn(eid, _seq())
    return _to_dashboard(eid)


@bp.post("/x/<eid>/close-turn")
@umpire_required
def close_turn(eid: str) -> ResponseReturnValue:
    _started(eid)
    events = console().close_turn(eid, _seq())
    waiting = [e for e in events if e.kind is Kind.AWAITING]
    if waiting:
        flash("The turn cannot close yet. " + report.event_line(_snap(eid).scenario, waiting[-1])
              + ". Wait, or override the missing decisions.", "warning")
    return _to_dashboard(eid)


@bp.post("/x/<eid>/close-by-doctrine")
@umpire_required
def close_by_doctrine(eid: str) -> ResponseReturnValue:
    """At the deadline: the doctrine answers for the cells that did not, and the turn closes."""
    _started(eid)
    events = console().close_by_doctrine(eid, _seq())
    sc = _snap(eid).scenario
    late = [e for e in events if e.kind is Kind.DECISION and "deadline" in e.reason]
    if late:
        flash("The doctrine answered for the cells that did not: "
              + "; ".join(report.event_line(sc, e) for e in late) + ".")
    waiting = [e for e in events if e.kind is Kind.AWAITING]
    if waiting:
        flash("The war spread and asks the cells again. " + report.event_line(sc, waiting[-1]) + ".", "warning")
    return _to_dashboard(eid)


@bp.post("/x/<eid>/trigger")
@umpire_required
def trigger(eid: str) -> ResponseReturnValue:
    _started(eid)
    console().trigger(eid, request.form.get("inject", ""), _seq())
    return _to_dashboard(eid)


@bp.post("/x/<eid>/fire")
@umpire_required
def fire(eid: str) -> ResponseReturnValue:
    _started(eid)
    cells = {c.name: c.states for c in _snap(eid).cells.values()}
    console().fire(eid, for_cells(cells, request.form), _seq())
    flash("The inject has fired.")
    return _to_dashboard(eid)


@bp.post("/x/<eid>/override")
@umpire_required
def override(eid: str) -> ResponseReturnValue:
    _started(eid)
    f = request.form
    console().override(eid, f.get("state", ""), f.get("attack", ""), f.get("response", ""),
                       f.get("reason", ""), _seq())
    return _to_dashboard(eid)


@bp.post("/x/<eid>/override-option")
@umpire_required
def override_option(eid: str) -> ResponseReturnValue:
    """The umpire decides an option for its actor this turn, with a reason for the debrief."""
    _started(eid)
    f = request.form
    console().override_option(eid, f.get("inject", ""), f.get("choice") == "take", f.get("reason", ""), _seq())
    return _to_dashboard(eid)


@bp.post("/x/<eid>/undo")
@umpire_required
def undo(eid: str) -> ResponseReturnValue:
    _started(eid)
    undone = console().undo(eid, _seq())
    kept = len(undone.kept)
    flash(f"Turn {undone.turn} undone ({len(undone.dropped)} events set aside, not destroyed; "
          f"{kept} note{'s' if kept != 1 else ''} kept).")
    return _to_dashboard(eid)


@bp.post("/x/<eid>/deadline")
@umpire_required
def deadline(eid: str) -> ResponseReturnValue:
    raw = request.form.get("minutes", "").strip()
    try:
        minutes = float(raw) if raw else None
    except ValueError:
        raise ConsoleError(f"{raw!r} is not a number of minutes") from None
    console().set_deadline(eid, minutes)
    return _to_dashboard(eid)


@bp.post("/x/<eid>/pause")
@umpire_required
def pause(eid: str) -> ResponseReturnValue:
    console().pause(eid)
    return _to_dashboard(eid)


@bp.post("/x/<eid>/resume")
@umpire_required
def resume(eid: str) -> ResponseReturnValue:
    console().resume(eid)
    return _to_dashboard(eid)


@bp.post("/x/<eid>/note")
@umpire_required
def note(eid: str) -> ResponseReturnValue:
    _started(eid)
    turn = views.form_int(request.form, "turn")
    console().note(eid, request.form.get("text", ""), bookmark=request.form.get("bookmark") == "on", turn=turn)
    if request.form.get("back") == "history":
        return redirect(url_for("umpire.history", eid=eid, turn=turn), code=303)
    return _to_dashboard(eid)


@bp.post("/x/<eid>/branch")
@umpire_required
def branch(eid: str) -> ResponseReturnValue:
    turn = views.form_int(request.form, "turn")
    if turn is None:
        raise ConsoleError("name the turn to branch from")
    new = console().branch(eid, turn, request.form.get("title", "").strip() or None)
    flash("A what-if has been branched: new join links below (the original's no longer apply here).")
    return redirect(url_for("umpire.setup", eid=new), code=303)


@bp.get("/x/<eid>/whatif")
@umpire_required
def what_if(eid: str) -> ResponseReturnValue:
    """The exercise's latest what-if, and the form to play another."""
    snap = _snap(eid)
    last = console().last_what_if(eid)
    form = ({"runs": last.request.runs, "seed": last.request.seed, "vary": last.request.vary_text}
            if last else {})
    return _what_if_page(snap, last, form)


@bp.post("/x/<eid>/whatif")
@umpire_required
def run_what_if(eid: str) -> ResponseReturnValue:
    """Play the exercise on many times (inside this request, bounded), then show the results."""
    snap = _snap(eid)
    try:
        asked = what_if_request(request.form)
        console().what_if(eid, asked, seconds=float(current_app.config.get("WHATIF_SECONDS", WHAT_IF_SECONDS)))
    except ConsoleError as exc:   # the form again, as typed, with what is wrong
        form = {k: request.form.get(k, "")[:200] for k in ("runs", "seed", "vary")}
        return _what_if_page(snap, console().last_what_if(eid), form, error=str(exc)), exc.status
    return redirect(url_for("umpire.what_if", eid=eid), code=303)


def _what_if_page(snap: Snapshot, last: WhatIf | None, form: dict[str, Any], error: str | None = None) -> str:
    return render_template("whatif.html", snap=snap, sc=snap.scenario, gs=snap.state, w=last, form=form,
                           error=error, page=views.what_if_page(snap.scenario, last) if last else None,
                           weights=doctrine_weights(snap.scenario), name=lambda s: views.name(snap.scenario, s))


@bp.get("/x/<eid>/preview/<cell>")
@umpire_required
def preview(eid: str, cell: str) -> ResponseReturnValue:
    snap = _snap(eid)
    c = snap.cells.get(cell)
    if c is None:
        abort(404, description=f"no cell {cell!r} in this exercise")
    return render_template("cell.html", snap=snap, cell=c, p=views.cell_page(snap, c), preview=True,
                           name=lambda s: views.name(snap.scenario, s), left=snap.seconds_left(), advice=None)


# --- stepping through, the report, exports --------------------------------------------------------

@bp.get("/x/<eid>/history")
@umpire_required
def history(eid: str) -> ResponseReturnValue:
    snap = _started(eid)
    game, sc = snap.live, snap.scenario
    last = max(game.state.turn, 1)
    turn = request.args.get("turn", type=int) or last
    turn = max(1, min(turn, last))
    at = snap.memoised(("at", turn), lambda: game.at(turn))
    events = report.events_of_turn(game.events, turn)
    show_all = request.args.get("all") == "1"
    bookmarks = [e for e in game.events if isinstance(e, Note) and e.bookmark]
    return render_template(
        "history.html", snap=snap, sc=sc, turn=turn, last=last, at=at, show_all=show_all,
        lines=[ln for ln in views.lines(sc, events, None) if show_all or not ln.quiet],
        decisions=[d for d in at.decisions.values() if d.turn == turn],
        notes=[e for e in events if isinstance(e, Note)],
        bookmarks=bookmarks, network=snap.memoised(("net", turn), lambda: report.network_svg(
            at, None, highlight=at.player_states())),
        date=views.game_date(sc, at), name=lambda s: views.name(sc, s))


@bp.get("/x/<eid>/network")
@umpire_required
def network(eid: str) -> ResponseReturnValue:
    """The alliance network treaty by treaty: one treaty at a time, its states by name."""
    snap = _started(eid)
    gs, sc = snap.live.state, snap.scenario
    chosen = request.args.get("treaty") or (sc.treaties[0].id if sc.treaties else "")
    if chosen and chosen not in sc.treaty_by_id:
        abort(404, description=f"no treaty {chosen!r} in this scenario")
    picture = snap.memoised(("treaty-net", chosen), lambda: report.treaty_svg(
        gs, None, chosen, highlight=gs.player_states())) if chosen else ""
    return render_template("network.html", snap=snap, sc=sc, chosen=chosen, picture=picture)


@bp.get("/x/<eid>/report")
@umpire_required
def aar(eid: str) -> ResponseReturnValue:
    snap = _snap(eid)
    a = views.after_action(snap)
    charts = snap.memoised("charts", lambda: report.indicator_charts(a))
    # Streamed as the template renders it: a long exercise's report is megabytes of HTML.
    page = stream_template("report.html", snap=snap, a=a, charts=charts, brief=views.debrief_of(snap),
                           name=lambda s: views.name(snap.scenario, s))
    return Response(page, content_type="text/html; charset=utf-8")


@bp.get("/x/<eid>/report.md")
@umpire_required
def aar_markdown(eid: str) -> ResponseReturnValue:
    snap = _snap(eid)
    a, sc = views.after_action(snap), snap.scenario
    brief = debrief.to_markdown(views.debrief_of(snap), lambda s: views.name(sc, s),
                                lambda t: a.treaty_names.get(t, t))
    return text_response(safe_markdown(report.to_markdown(a, brief)), "text/markdown", f"{eid}-report.md")


@bp.get("/x/<eid>/events.jsonl")
@umpire_required
def export_events(eid: str) -> ResponseReturnValue:
    return stream_response(views.events_jsonl(_snap(eid)), "application/x-ndjson", f"{eid}-events.jsonl")


@bp.get("/x/<eid>/decisions.csv")
@umpire_required
def export_decisions(eid: str) -> ResponseReturnValue:
    return text_response(decisions_csv(views.after_action(_snap(eid))), "text/csv",
                         f"{eid}-decisions.csv")


@bp.get("/compare")
@umpire_required
def compare() -> ResponseReturnValue:
    c = console()
    all_ex = c.exercises()
    chosen = [x for x in request.args.getlist("x") if x]
    snaps = [c.get(x) for x in chosen]
    scenario_ids = {s.scenario.id for s in snaps}
    if len(scenario_ids) > 1:
        raise ConsoleError("only exercises of the same scenario can be compared")
    rows = []
    if snaps:
        snaps = [s for s in snaps if s.started]
        games = [s.live.state for s in snaps]
        rows = report.compare(snaps[0].scenario, games) if snaps else []
    return render_template("compare.html", exercises=all_ex, snaps=snaps, rows=rows, chosen=chosen,
                           only_diverging=request.args.get("diverging") == "1")

