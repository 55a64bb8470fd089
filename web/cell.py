"""A player cell's pages: its states' view of the crisis, and its decisions."""
from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from engine import options, words
from engine.errors import GameError
from engine.view import options_due

from . import views
from .security import cell_of_token, cell_required, check_csrf, console, join_cell, replaced_message, session_cell
from .snapshot import ConsoleError, Snapshot

bp = Blueprint("cell", __name__)
bp.before_request(check_csrf)


@bp.errorhandler(ConsoleError)
def _refused(exc: ConsoleError) -> ResponseReturnValue:
    back = url_for("cell.page", eid=request.view_args["eid"]) if request.view_args else None
    return render_template("error.html", code=exc.status, message=str(exc), back=back), exc.status


@bp.get("/x/<eid>/join")
def join(eid: str) -> ResponseReturnValue:
    token = request.args.get("token", "")
    name = cell_of_token(eid, token)
    if name is None:
        return _not_joined(eid, token)
    held = session_cell(eid)
    if held is not None and held.name != name:
        # Another cell's link in a browser that plays a cell here: switching is asked, never silent.
        return render_template("switch.html", eid=eid, held=held.name, new=name, token=token)
    join_cell(eid, name, token)
    return redirect(url_for("cell.page", eid=eid), code=303)  # the token leaves the address bar


@bp.post("/x/<eid>/join")
def switch(eid: str) -> ResponseReturnValue:
    """The confirmed switch to the cell of the token posted."""
    token = request.form.get("token", "")
    name = cell_of_token(eid, token)
    if name is None:
        return _not_joined(eid, token)
    join_cell(eid, name, token)
    flash(f"This browser now plays {name}.")
    return redirect(url_for("cell.page", eid=eid), code=303)


def _not_joined(eid: str, token: str) -> ResponseReturnValue:
    replaced = console().replaced_cell(eid, token) if token else None
    message = replaced_message(replaced) if replaced else \
        "This join link is not valid for this exercise: ask the umpire for the link of your cell."
    return render_template("login.html", cell_link=True, message=message), 401


def _render(eid: str, advice: dict[str, Any] | None = None, status: int = 200) -> ResponseReturnValue:
    snap = console().get(eid)
    mine = options_due(snap.state, g.cell.viewer) if snap.state is not None else []
    return render_template("cell.html", snap=snap, cell=g.cell, p=views.cell_page(snap, g.cell), preview=False,
                           options=mine,
                           name=lambda s: views.name(snap.scenario, s), left=snap.seconds_left(),
                           advice=advice, version=views.view_version(snap, g.cell.viewer),
                           deadline_passed=snap.deadline_passed()), status


@bp.get("/x/<eid>/cell")
@cell_required
def page(eid: str) -> ResponseReturnValue:
    return _render(eid)


@bp.get("/x/<eid>/cell/poll")
@cell_required
def poll(eid: str) -> ResponseReturnValue:
    return views.poll_json(console().get(eid), g.cell.viewer)


@bp.post("/x/<eid>/cell/decide")
@cell_required
def decide(eid: str) -> ResponseReturnValue:
    f = request.form
    turn = views.form_int(f, "turn")
    console().submit(eid, g.cell.name, f.get("state", ""), f.get("attack", ""), f.get("response", ""),
                     rationale=f.get("rationale", ""), statement=f.get("statement", ""), turn=turn)
    flash(f"Decision recorded for {views.name(console().get(eid).scenario, f.get('state'))}. "
          "You may revise it until the deadline or the umpire closes the turn.")
    return redirect(url_for("cell.page", eid=eid), code=303)


def _advice_open(eid: str) -> Snapshot:
    """The exercise, if its umpire lets cells ask the doctrine (else 403)."""
    snap = console().get(eid)
    if not snap.cell_advice:
        abort(403, description="The umpire has not opened the doctrine's advice to cells in this exercise.")
    return snap


@bp.get("/x/<eid>/cell/advice")
@cell_required
def advice(eid: str) -> ResponseReturnValue:
    snap = _advice_open(eid)
    state, attack = request.args.get("state", ""), request.args.get("attack", "")
    if state not in g.cell.states:
        abort(403, description="A cell may ask advice only for its own states.")
    if snap.game is None or (attack, state) not in snap.game.state.requests:
        abort(404, description="No such decision is due this turn.")
    try:
        text = snap.game.advise(state, attack)
    except GameError as exc:
        raise ConsoleError(str(exc)) from None
    return _render(eid, advice={"state": state, "attack": attack, "advice": text, "words": words.advice(text)})


@bp.post("/x/<eid>/cell/option")
@cell_required
def option(eid: str) -> ResponseReturnValue:
    """A cell's choice on one of its options: take it now, or not this turn."""
    f = request.form
    take = f.get("choice") == "take"
    console().choose_option(eid, g.cell.name, f.get("state", ""), f.get("inject", ""), take,
                            rationale=f.get("rationale", ""), turn=views.form_int(f, "turn"))
    flash(f"{'Carried out' if take else 'Not this turn'}: {f.get('inject', '')}."
          + ("" if take else " You may still take it until the deadline or the umpire closes the turn."))
    return redirect(url_for("cell.page", eid=eid), code=303)


@bp.get("/x/<eid>/cell/option-advice")
@cell_required
def option_advice(eid: str) -> ResponseReturnValue:
    snap = _advice_open(eid)
    inject = request.args.get("inject", "")
    if snap.state is None or snap.state.options_due.get(inject) not in g.cell.states:
        abort(404, description="No such option is open to your cell this turn.")
    said = options.advice(snap.state, snap.scenario.inject(inject))
    return _render(eid, advice={"inject": inject, "words": said.explain()})
