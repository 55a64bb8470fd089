"""What the pages show, assembled from a snapshot with the engine's reading functions.

No rule of the game here: who may see what comes from `Game.view` and
`engine.report`; this module only arranges it for the templates, and memoises
what is costly on the snapshot (which never changes once published).
"""
from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import segno
from flask import Flask, jsonify
from flask import Response as FlaskResponse
from markupsafe import Markup

from engine import debrief, report, svg, words
from engine.assess import assess
from engine.assess_text import side_by_side
from engine.doctrine import Advice
from engine.errors import GameError
from engine.events import Answer, Event, Kind, Note, ObligationExamined
from engine.game import Game
from engine.model import RESPONSES, InjectKind, Scenario
from engine.network_picture import legible
from engine.state import GameState, Status
from engine.view import TreatyView, View, briefings, waiting_on_cells

from .snapshot import Cell, Snapshot
from .whatif import MAX_WHAT_IF_RUNS, WHAT_IF_RUNS, WhatIf

# What each level means comes from the engine, beside the scale itself.
RESPONSE_HELP = {str(r): r.meaning for r in RESPONSES}


def register_filters(app: Flask) -> None:
    app.jinja_env.filters["pct"] = lambda x: "" if x is None else f"{float(x) * 100:.0f}%"
    app.jinja_env.filters["num"] = lambda x: "" if x is None else f"{float(x):.2f}"
    app.jinja_env.filters["measure"] = lambda x: "—" if x is None else words.measure(float(x))
    app.jinja_env.filters["reworded"] = lambda text: words.reword(str(text or ""))
    app.jinja_env.filters["qr"] = qr_svg
    app.jinja_env.globals.update(RESPONSES=[str(r) for r in RESPONSES], RESPONSE_HELP=RESPONSE_HELP,
                                 DEFINITIONS=words.DEFINITIONS, OPENNESS=words.OPENNESS,
                                 attack_label=report.attack_label,
                                 INJECT_KINDS=[str(k) for k in InjectKind],
                                 WHAT_IF_RUNS=WHAT_IF_RUNS, MAX_WHAT_IF_RUNS=MAX_WHAT_IF_RUNS)


def qr_svg(url: str) -> Markup:
    """A join link as a QR code for the printed slips: inline SVG sized by the style sheet
    (no image request, no inline style for the CSP to refuse). Error correction level M
    survives a creased or smudged slip."""
    code = segno.make(url, error="m", micro=False)
    return Markup(code.svg_inline(border=4, omitsize=True, title=None, svgclass="qr", lineclass=None))


def game_date(sc: Scenario, gs: GameState | None) -> str:
    turn = gs.turn if gs and gs.turn else 1
    return sc.date_of(turn).strftime("%-d %B %Y") if sc.turn_length.delta.days or sc.turn_length.months \
        else sc.date_of(turn).strftime("%-d %B %Y, %H:%M")


def status_words(snap: Snapshot) -> str:
    gs = snap.state
    if gs is None:
        return "not started"
    if gs.status is Status.FINISHED:
        return "finished"
    if gs.turn == 0:
        return "ready to open turn 1"
    return f"turn {gs.turn} open" if gs.status is Status.OPEN else f"turn {gs.turn} closed"


@dataclass(frozen=True)
class Line:
    turn: int
    kind: str
    text: str
    quiet: bool


def lines(sc: Scenario, events: Sequence[Event], viewer: frozenset[str] | None) -> list[Line]:
    return [Line(e.turn, str(e.kind), report.event_line(sc, e),
                 report.is_quiet(e)) for e in events if e.kind is not Kind.GAME_STARTED]


def name(sc: Scenario, state: str | None) -> str:
    return report.name_of(sc, state)


# --- the umpire's dashboard ----------------------------------------------------------------------

# Injects still to come listed on the dashboard before "and N more" (a scenario of the whole
# ATOP system has ten thousand): the next turns are what a facilitator plans for.
UPCOMING_SHOWN = 40


def dashboard(snap: Snapshot, *, all_upcoming: bool = False) -> dict[str, Any]:
    return snap.memoised(("dashboard", all_upcoming), lambda: _dashboard(snap, all_upcoming))


def _dashboard(snap: Snapshot, all_upcoming: bool) -> dict[str, Any]:
    game, sc = snap.live, snap.scenario
    gs = game.state
    events = list(game.events)
    upcoming = report.upcoming_injects(gs, events)
    seen = game.view_for(None)
    due = list(seen.due)
    advice: dict[tuple[str, str], str] = {}
    for d in due:
        if d.status != "overridden":
            found = _advice(game, d.state, d.attack)
            if found is not None:
                advice[(d.attack, d.state)] = words.advice(found)
    now = [e for e in events if e.turn == gs.turn and gs.turn > 0]
    cells_waiting: dict[str, list[tuple[str, str]]] = {}
    for attack, state in waiting_on_cells(gs):
        cells_waiting.setdefault(snap.cell_of_state(state) or state, []).append((attack, state))
    notes = [e for e in events if isinstance(e, Note)]
    return {
        "date": game_date(sc, gs), "status": status_words(snap),
        "network": report.network_svg(gs, None, highlight=gs.player_states()) if legible(gs) else "",
        "turn_digest": report.digest(sc, now),
        "upcoming": upcoming[:UPCOMING_SHOWN] if not all_upcoming else upcoming,
        "upcoming_more": 0 if all_upcoming else max(0, len(upcoming) - UPCOMING_SHOWN),
        "due": due, "advice": advice, "waiting": waiting_on_cells(gs), "cells_waiting": cells_waiting,
        "due_notes": decision_notes(sc, gs, seen),
        "indicators": _indicators(seen),
        "fears": words.fears(_indicators(seen)),
        "player_fears": words.fears(_indicators(seen), gs.player_states()),
        "framework": side_by_side([assess(gs)]),
        "attack_names": attack_names(sc, gs),
        "notes": notes, "last_awaiting": _last_awaiting(events, gs),
        "can_open": gs.status is Status.READY and gs.turn < sc.turns,
        "can_close": gs.status is Status.OPEN,
    }


def decision_notes(sc: Scenario, gs: GameState, seen: View) -> dict[tuple[str, str], list[str]]:
    """What a due decision answers beyond the attack's name, from what the viewer sees: a threat
    or an occupation, the conditions of the obligation in play, the side the answer is on."""
    due = {(d.attack, d.state): d for d in seen.due}
    articles: dict[tuple[str, str], int] = {}
    sides: dict[tuple[str, str], tuple[str, str]] = {}
    for e in seen.events:
        if isinstance(e, ObligationExamined) and e.triggered and (e.attack, e.ally) in due:
            if due[(e.attack, e.ally)].treaty == e.treaty:
                articles.setdefault((e.attack, e.ally), e.article)
        elif isinstance(e, Answer) and (e.attack, e.state) in due and e.side:
            sides[(e.attack, e.state)] = (e.side, str(e.response))

    def named(s: str) -> str:
        return name(sc, s)

    out: dict[tuple[str, str], list[str]] = {}
    for key, d in due.items():
        attack = gs.attacks.get(d.attack)
        notes = words.attack_notes(attack, named) if attack is not None else []
        if key in articles and d.treaty is not None:
            notes += words.conditions(sc.treaty(d.treaty).obligations[articles[key]], named)
        if key in sides:
            notes.append(_side_words(gs, d.attack, *sides[key]))
        out[key] = notes
    return out


def attack_names(sc: Scenario, gs: GameState) -> dict[str, str]:
    """Each attack of the game by the names of its states, for pages that would show its id."""
    return {aid: words.attack_name(sc, a, aid) for aid, a in gs.attacks.items()}


def _advice(game: Game, state: str, attack: str) -> Advice | None:
    try:
        return game.advise(state, attack)
    except (GameError, KeyError, StopIteration):
        return None


def _last_awaiting(events: list[Event], gs: GameState) -> Event | None:
    if gs.status is not Status.OPEN:
        return None
    for e in reversed(events):
        if e.kind is Kind.TURN_OPENED:
            return None
        if e.kind is Kind.AWAITING:
            return e
    return None


def _indicators(seen: View) -> dict[str, dict[str, Any]]:
    """The latest indicators of each treaty the viewer knows, as the templates read them."""
    return {tid: dict(measured.data(), turn=turn) for tid, (turn, measured) in seen.indicators.items()}


def treaty_rows(gs: GameState, treaties: Sequence[TreatyView]) -> list[dict[str, Any]]:
    """The treaties a viewer sees (engine.view decides which, and which articles), in words."""
    out = []
    for tv in treaties:
        t = tv.treaty
        arts = [t.obligations[k] for k in tv.obligations]
        out.append({"id": t.id, "name": t.name, "openness": str(t.openness), "invocation": str(t.invocation),
                    "members": [name(gs.scenario, m) for m in t.members],
                    "in_force": [name(gs.scenario, m) for m in tv.members_in_force],
                    "articles": [f"{o.label}{' — secret' if o.secret else ''}, {o.commitment}" for o in arts],
                    "hidden": tv.secret_terms_hidden})
    return out


# --- a cell's page ----------------------------------------------------------------------------------

def cell_page(snap: Snapshot, cell: Cell) -> dict[str, Any]:
    return snap.memoised(("cell", cell.name, cell.states), lambda: _cell_page(snap, cell))


def _cell_page(snap: Snapshot, cell: Cell) -> dict[str, Any]:
    sc, viewer = snap.scenario, cell.viewer
    if snap.game is None:
        return {"started": False, "date": game_date(sc, None), "status": "not started",
                "briefings": briefings(sc, viewer)}
    game = snap.game
    gs = game.state
    seen = game.view_for(viewer)
    log = [ln for ln in lines(sc, seen.events, viewer) if not ln.quiet]
    due = list(seen.due)
    return {
        "started": True, "date": game_date(sc, gs), "status": status_words(snap), "turn": gs.turn,
        "briefings": seen.briefings,
        "open": gs.status is Status.OPEN,
        "due": due,
        "digest_now": report.digest(sc, [e for e in seen.events if e.turn == gs.turn]),
        "digest_before": [(t, report.digest(sc, [e for e in seen.events if e.turn == t]))
                          for t in range(gs.turn - 1, 0, -1)],
        "log_now": [ln for ln in log if ln.turn == gs.turn],
        "treaties": treaty_rows(gs, seen.treaties),
        "public": _grouped(sc, [p for p in seen.public if p.state not in viewer]),
        "mine": _own_answers(gs, viewer),
        "network": report.network_svg(gs, viewer, highlight=viewer, width=560, height=500) if legible(gs) else "",
        "indicators": _indicators(seen),
        "fears": words.fears(_indicators(seen), viewer),
        "framework": side_by_side([assess(gs, viewer, game.events)]),  # only what its states know of
        "attack_names": attack_names(sc, gs),
        "attacks": {d.attack: _attack_words(gs, d.attack) for d in due},
        "due_notes": decision_notes(sc, gs, seen),
    }


@dataclass(frozen=True)
class OwnAnswer:
    turn: int
    attack: str
    state: str
    response: str
    by_umpire: bool
    side: str = ""      # whose side the answer is on, in words


def _own_answers(gs: GameState, viewer: frozenset[str]) -> list[OwnAnswer]:
    """The answers that stand for the cell's own states, the umpire's overrides included."""
    out = [OwnAnswer(d.turn, attack, gs.scenario.state(state).name, str(d.response), str(d.source) == "umpire",
                     _side_words(gs, attack, d.side, str(d.response)))
           for (attack, state), d in gs.decisions.items() if state in viewer]
    return sorted(out, key=lambda a: (-a.turn, a.attack, a.state))


def _side_words(gs: GameState, attack_id: str, side: str | None, response: str) -> str:
    attack = gs.attacks.get(attack_id)
    if side is None or attack is None:
        return ""
    return words.side(name(gs.scenario, side), side in attack.attackers, response)


@dataclass(frozen=True)
class AnswerGroup:
    turn: int
    attack: str
    levels: tuple[tuple[str, tuple[str, ...]], ...]      # (response, state names), strongest first
    statements: tuple[tuple[str, str], ...]              # (state name, statement)


def _grouped(sc: Scenario, public: list[report.PublicDecision]) -> list[AnswerGroup]:
    """Other states' public answers by attack, newest first, grouped by level."""
    keys: dict[tuple[int, str], list[report.PublicDecision]] = {}
    for p in public:
        keys.setdefault((p.turn, p.attack), []).append(p)
    out = []
    for (turn, attack), items in keys.items():
        levels = tuple((str(r), tuple(name(sc, p.state) for p in items if p.response == str(r)))
                       for r in reversed(RESPONSES))
        out.append(AnswerGroup(turn, attack, tuple(x for x in levels if x[1]),
                               tuple((name(sc, p.state), p.statement) for p in items if p.statement)))
    return sorted(out, key=lambda g: -g.turn)


def _attack_words(gs: GameState, attack_id: str) -> str:
    a = gs.attacks.get(attack_id)
    if a is None:
        return attack_id
    who = ", ".join(name(gs.scenario, x) for x in a.attackers) or "unknown attackers"
    return f"{who} → {name(gs.scenario, a.target)} ({a.kind}, attribution {a.attribution:.0%})"


def view_version(snap: Snapshot, viewer: frozenset[str] | None) -> str:
    """Changes whenever what this viewer sees changes, and only then (no hint of hidden events)."""
    def build() -> str:
        gs = snap.state
        count = visible_count(snap, viewer)
        left = snap.meta.get("deadline") or ""
        # An override is umpire-only in the log, yet the overridden cell must learn of it.
        if gs is not None and viewer is not None:
            count += sum(1 for k in gs.overrides if k[1] in viewer)
        return (f"{count}.{gs.turn if gs else 0}.{gs.status if gs else 'setup'}.{left}."
                f"{int(snap.paused)}.{int(snap.cell_advice)}.{snap.meta.get('paused_left')}")
    return snap.memoised(("version", viewer), build)


# (exercise, viewer) -> (the last event counted, the log's length then, the events visible then).
_COUNTED: dict[tuple[str, frozenset[str] | None], tuple[Event, int, int]] = {}
_COUNTED_KEPT = 4096


def visible_count(snap: Snapshot, viewer: frozenset[str] | None) -> int:
    """len(game.view(viewer)), counting only the events appended since this viewer's last count.

    Every write makes a new snapshot, and every cell polls once a second: counting the whole
    log each time costs in the log's length. An earlier count stands while the event it
    ended on is still, as the same object, at the same place (an undo puts new objects
    there); each event's visibility is the engine's (`Event.visible_to`)."""
    if snap.game is None:
        return 0
    events = snap.game.events
    key = (snap.id, viewer)
    found = _COUNTED.get(key)
    if found is not None and 0 < found[1] <= len(events) and events[found[1] - 1] is found[0]:
        start, count = found[1], found[2]
    else:
        start, count = 0, 0
    count += sum(1 for e in events[start:] if e.visible_to(viewer))
    if events:
        if len(_COUNTED) >= _COUNTED_KEPT:
            _COUNTED.clear()
        _COUNTED[key] = (events[-1], len(events), count)
    return count


def poll_json(snap: Snapshot, viewer: frozenset[str] | None) -> FlaskResponse:
    gs = snap.state
    left = snap.seconds_left()
    body: dict[str, Any] = {"version": view_version(snap, viewer), "turn": gs.turn if gs else 0,
                            "status": str(gs.status) if gs else "setup", "paused": snap.paused,
                            "seconds_left": None if left is None else round(left),
                            "deadline_passed": snap.deadline_passed()}
    if viewer is not None:
        body["decided_by_umpire"] = decided_by_umpire(snap, viewer)
    return jsonify(body)


def decided_by_umpire(snap: Snapshot, viewer: frozenset[str]) -> list[dict[str, str]]:
    """The cell's decisions of this turn the umpire has taken over (never the umpire's reason),
    so that an open page closes their forms without a reload."""
    if snap.game is None:
        return []
    return snap.memoised(("by-umpire", viewer), lambda: _decided_by_umpire(snap, viewer))


def _decided_by_umpire(snap: Snapshot, viewer: frozenset[str]) -> list[dict[str, str]]:
    assert snap.game is not None
    # engine.view's due decisions alone (not the whole view): a poll comes every second per cell.
    return [{"state": d.state, "attack": d.attack,
             "notice": f"The umpire has decided for {name(snap.scenario, d.state)} on this one: "
                       f"your answer is no longer needed. What you typed is kept below."}
            for d in report.decisions_due(snap.game.state, viewer) if d.status == "overridden"]


# --- a Monte Carlo what-if -------------------------------------------------------------------------

MAX_ATTACK_CHARTS = 12   # past a dozen attacks the charts stop and the tables go on
_SHARE = (0.0, 1.12)     # a probability axis, with room above 1 for the value written over a bar
_WIDEST = 960            # px: a chart stays within the page on a tablet held sideways


@dataclass(frozen=True)
class AttackResults:
    attack: str
    turn: int | None
    text: str                          # the inject's text (scenario text: escaped by the template)
    rows: tuple[Mapping[str, Any], ...]  # Results' decision rows, in the scenario's order of states
    chart: str | None                  # P(honoured) with 95% intervals, where a commitment was tested


def what_if_page(sc: Scenario, w: WhatIf) -> dict[str, Any]:
    """Results of a what-if arranged for the page: tables' rows and SVG charts (all text escaped)."""
    d = w.results.data
    runs = max(int(d["runs"]), 1)
    # The future only: the turns already played are the same in every run (100% or 0%).
    future = w.turn if w.status == "open" else w.turn + 1
    grouped: dict[str, list[Mapping[str, Any]]] = {}
    for row in d["decisions"]:
        if row["scenario_attack"] and (row["turn"] is None or row["turn"] >= future):
            grouped.setdefault(row["attack"], []).append(row)
    attacks = []
    for k, (attack, rows) in enumerate(grouped.items()):
        tested = [r for r in rows if r["honour"]["n"]]
        chart = None
        if tested and k < MAX_ATTACK_CHARTS:
            chart = _bars([svg.Bar(r["state"], r["honour"]["p"], r["honour"]["low"], r["honour"]["high"])
                           for r in tested], f"{attack}: P(honoured), 95% interval", "", "probability", slot=56)
        inject = sc.inject_by_id.get(attack)
        attacks.append(AttackResults(attack, rows[0]["turn"], inject.text if inject else "", tuple(rows), chart))
    spread = {int(k): v for k, v in d["war_spread"]["counts"].items()}
    first = {int(k): v for k, v in d["first_war"]["counts"].items()}
    spread_bars = [svg.Bar(str(k), spread.get(k, 0) / runs)
                   for k in range(min(spread, default=0), max(spread, default=0) + 1)]
    first_bars = [svg.Bar(str(t), first.get(t, 0) / runs) for t in range(max(future, 1), sc.turns + 1)]
    earlier = sum(n for t, n in first.items() if t < future)
    if earlier:
        first_bars.insert(0, svg.Bar("before", earlier / runs, color=svg.PALETTE[2]))
    first_bars.append(svg.Bar("none", d["first_war"]["none"] / runs, color=svg.PALETTE[1]))
    return {
        "attacks": attacks,
        "charted": min(len(attacks), MAX_ATTACK_CHARTS),
        "cascades": sum(1 for row in d["decisions"] if not row["scenario_attack"]),
        "spread_chart": _bars(spread_bars, "states at war at the end", "belligerents", "share of runs"),
        "first_chart": _bars(first_bars, "turn of the first armed clash", "turn", "share of runs"),
        "future": future,
        "cohesion": [c | {"chart": svg.histogram(counts=[tuple(cell) for cell in c["histogram"]], width=420,
                                                  height=240, title=_fit(c["name"], 420), x_label="cohesion",
                                                  y_label="runs") if c["runs"] else None}
                     for c in d["cohesion"]],
        "sensitivity": d.get("sensitivity"),
    }


def _bars(bars: list[svg.Bar], title: str, x_label: str, y_label: str, slot: int = 34) -> str:
    """Shares (0 to 1) as bars, written as percentages; wide enough for the bars, never wider than the page."""
    width = min(_WIDEST, max(420, slot * len(bars) + 90))
    return svg.bar_chart(bars, width=width, height=260, title=_fit(title, width), x_label=x_label,
                         y_label=y_label, y_range=_SHARE, value_format="{:.0%}")


def _fit(title: str, width: int) -> str:
    """A chart title cut to what its width shows (about 9 px a character in bold 14 px)."""
    room = max(12, int(width / 9))
    return title if len(title) <= room else title[:room - 1].rstrip() + "…"


# --- exports -----------------------------------------------------------------------------------------

def after_action(snap: Snapshot) -> report.AfterAction:
    return snap.memoised("aar", lambda: report.after_action(
        snap.scenario, list(snap.game.events) if snap.game else [], title=snap.title,
        doctrine=snap.game.ctx.doctrine if snap.game else None))


def debrief_of(snap: Snapshot) -> debrief.Debrief:
    """The report's first page (engine.debrief)."""
    def build() -> debrief.Debrief:
        events = list(snap.game.events) if snap.game else []
        players = snap.game.state.player_states() if snap.game else frozenset()
        return debrief.debrief(snap.scenario, after_action(snap), events, players)
    return snap.memoised("debrief", build)


def events_jsonl(snap: Snapshot) -> Iterator[str]:
    """The log as JSON lines, one at a time (a long exercise's log is large; it is streamed)."""
    return (e.to_json() + "\n" for e in (snap.game.events if snap.game else ()))


def form_int(form: Mapping[str, Any], key: str) -> int | None:
    raw = form.get(key)
    if raw in (None, ""):
        return None
    try:
        return int(raw)
    except (TypeError, ValueError):
        return None
