"""Reading a game for people: who may see which payload, the after-action report, exports.

Pure functions of a scenario and an event log (or a folded `GameState`): the
web console, the CLI and tests all read a game the same way, and nothing here
knows of HTTP or files.

Fog of war. `Game.view` chooses the events a cell may see; `public_payload`
then chooses the fields of each: a decision event that a cell may see (a
doctrine's answer under an open treaty, say) still carries reasons meant for
the umpire (the doctrine's explanation, its probabilities, a cell's private
rationale), and those are removed for every viewer but the umpire and the
deciding state's own cell. `cell_events` adds one more guard: an event that
names a secret treaty the viewer does not know is withheld, whatever its
visibility says.
"""
from __future__ import annotations

import contextlib
import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from . import svg
from .doctrine import Advice, Doctrine
from .events import Event, Kind
from .game import advise
from .model import OBLIGATION_ORDER, RESPONSES, Control, Inject, ObligationType, Openness, Response, Scenario, Treaty
from .state import GameState, Status, apply

Viewer = frozenset[str] | None  # None: the umpire, who sees everything

# Fields of a decision payload meant for the umpire (and the deciding cell) only.
PRIVATE_DECISION_FIELDS = frozenset({"rationale", "probabilities", "predicted", "source_ref"})

OBLIGATION_COLOURS: Mapping[str, str] = {
    "defense": "#0072B2", "offense": "#E69F00", "neutrality": "#009E73",
    "consultation": "#56B4E9", "nonaggression": "#CC79A7",
}
WAR_COLOUR = "#C62828"
_STRENGTH = tuple(str(t) for t in OBLIGATION_ORDER)


# --- fog of war ----------------------------------------------------------------------------

def public_payload(event: Event, viewer: Viewer) -> dict[str, Any]:
    """The payload of `event` as `viewer` may read it (None: the umpire reads all of it)."""
    payload = dict(event.payload)
    if viewer is None:
        return payload
    if event.kind in (Kind.DECISION, Kind.OVERRIDE) and payload.get("state") not in viewer:
        for name in PRIVATE_DECISION_FIELDS:
            payload.pop(name, None)
    if event.kind is Kind.OVERRIDE:
        payload.pop("rationale", None)  # the umpire's reason is for the debrief
    return payload


def knows(gs: GameState, viewer: Viewer, treaty_id: str) -> bool:
    """Whether a cell playing `viewer` knows of the treaty (the umpire knows all)."""
    if viewer is None:
        return True
    treaty = gs.scenario.treaty_by_id.get(treaty_id)
    if treaty is None or not treaty.secret:
        return True
    return not viewer.isdisjoint(gs.known_to.get(treaty_id, frozenset(treaty.members)))


def knows_secret_terms(gs: GameState, viewer: Viewer, treaty: Treaty) -> bool:
    """Whether the viewer may read the treaty's secret obligations."""
    if viewer is None:
        return True
    return not viewer.isdisjoint(gs.known_to.get(treaty.id, frozenset(treaty.members)))


def cell_events(gs: GameState, events: Iterable[Event], viewer: Viewer) -> list[Event]:
    """The events `viewer` may see: the engine's visibility, and no unknown secret treaty named."""
    out = []
    for e in events:
        if not e.visible_to(viewer):
            continue
        treaty = e.payload.get("treaty") if isinstance(e.payload, Mapping) else None
        if viewer is not None and isinstance(treaty, str) and not knows(gs, viewer, treaty):
            continue
        out.append(e)
    return out


@dataclass(frozen=True, slots=True)
class TreatyView:
    treaty: Treaty
    obligations: tuple[int, ...]      # indexes of the articles the viewer may read
    members_in_force: tuple[str, ...]
    secret_terms_hidden: bool


def treaties_seen(gs: GameState, viewer: Viewer) -> list[TreatyView]:
    """The treaties a viewer knows of, each with the articles it may read."""
    out = []
    for t in gs.scenario.treaties:
        if not knows(gs, viewer, t.id):
            continue
        terms = knows_secret_terms(gs, viewer, t)
        arts = tuple(k for k, o in enumerate(t.obligations) if terms or not o.secret)
        members = tuple(m for m in t.members if m in gs.members_in_force.get(t.id, frozenset()))
        out.append(TreatyView(t, arts, members, len(arts) < len(t.obligations)))
    return out


# --- what the dashboard shows --------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class DueDecision:
    """A decision asked of a state this turn, and where it stands."""
    attack: str
    state: str
    treaty: str | None
    control: str                 # player | npc
    status: str                  # pending | decided | overridden
    response: str | None = None
    source: str | None = None
    rationale: str = ""
    statement: str = ""


def decisions_due(gs: GameState) -> list[DueDecision]:
    """This turn's requests, with the answer given so far (or none yet)."""
    out = []
    for (attack, state), req in gs.requests.items():
        key = (attack, state)
        control = str(req.get("control", "npc"))
        d = gs.overrides.get(key) or gs.turn_decisions.get(key)
        status = "overridden" if key in gs.overrides else ("decided" if d else "pending")
        out.append(DueDecision(attack, state, req.get("treaty"), control, status,
                               str(d.response) if d else None, str(d.source) if d else None,
                               d.rationale if d else "", _statement(gs, key)))
    return out


def _statement(gs: GameState, key: tuple[str, str]) -> str:
    d = gs.turn_decisions.get(key)
    return d.statement if d else ""


def waiting_on_cells(gs: GameState) -> list[tuple[str, str]]:
    """(attack, state) of player states that still owe an answer this turn."""
    return [(a, s) for a, s in gs.pending() if gs.controller(s) is Control.PLAYER
            and gs.mode.value == "exercise"]


@dataclass(frozen=True, slots=True)
class Upcoming:
    inject: Inject
    status: str     # awaiting (manual, due now) | scheduled | held (its requires did not fire)


def upcoming_injects(gs: GameState, events: Sequence[Event] = ()) -> list[Upcoming]:
    """What is still to come: manual injects awaiting the umpire, then scheduled ones."""
    held = {e.payload["inject"] for e in events if e.kind is Kind.INJECT_HELD}
    out = [Upcoming(gs.scenario.inject(i), "awaiting") for i in gs.awaiting_manual
           if i in gs.scenario.inject_by_id]
    fired = set(gs.fired) | set(gs.awaiting_manual)
    for inj in sorted(gs.scenario.injects, key=lambda i: i.turn):
        if inj.id in fired:
            continue
        if inj.turn > gs.turn or (inj.turn == gs.turn and gs.status is Status.READY and gs.turn == 0):
            out.append(Upcoming(inj, "scheduled"))
        elif inj.id in held:
            out.append(Upcoming(inj, "held"))
    return out


def latest_indicators(gs: GameState, viewer: Viewer = None) -> dict[str, Mapping[str, Any]]:
    """The most recent INDICATORS payload of each treaty the viewer knows."""
    out: dict[str, Mapping[str, Any]] = {}
    for turn in sorted(gs.indicators):
        for treaty, payload in gs.indicators[turn].items():
            if knows(gs, viewer, treaty):
                out[treaty] = dict(payload, turn=turn)
    return out


@dataclass(frozen=True, slots=True)
class PublicDecision:
    turn: int
    attack: str
    state: str
    response: str
    statement: str


def public_decisions(gs: GameState, events: Sequence[Event], viewer: Viewer) -> list[PublicDecision]:
    """Answers of closed turns that every state learns of: the response and the public statement.

    The engine keeps a cell's decision to its own cell while the turn is open
    (it may still revise it); once the turn closes, the answer that stands is
    public, as the doctrine's are, unless it was given under a secret treaty
    the viewer does not know. The private rationale never is.
    """
    closed = {e.turn for e in events if e.kind is Kind.TURN_CLOSED}
    statements: dict[tuple[str, str], str] = {}
    for e in events:
        if e.kind is Kind.DECISION:
            statements[(e.payload["attack"], e.payload["state"])] = e.payload.get("statement", "")
    out = []
    for (attack, state), d in gs.decisions.items():
        if d.turn not in closed or (d.treaty and not knows(gs, viewer, d.treaty)):
            continue
        out.append(PublicDecision(d.turn, attack, state, str(d.response),
                                  statements.get((attack, state), "")))
    return sorted(out, key=lambda p: (p.turn, p.attack, _order(gs.scenario, p.state)))


def _order(sc: Scenario, state: str) -> int:
    ids = [s.id for s in sc.states]
    return ids.index(state) if state in ids else len(ids)


# --- the alliance network as a drawing -------------------------------------------------------

def _main_type(gs: GameState, viewer: Viewer, treaty: Treaty) -> str:
    terms = knows_secret_terms(gs, viewer, treaty)
    types = {str(o.type) for o in treaty.obligations if terms or not o.secret}
    return next((t for t in _STRENGTH if t in types), "consultation")


def network_svg(gs: GameState, viewer: Viewer = None, *, width: int = 760, height: int = 620,
                highlight: frozenset[str] = frozenset()) -> str:
    """States round a circle, each treaty a hub joined to its members, wars in red."""
    sc, world = gs.scenario, gs.world
    treaties = [t for t in sc.treaties if knows(gs, viewer, t.id)]
    order = {s.id: k for k, s in enumerate(sc.states)}
    first = {s.id: next((k for k, t in enumerate(treaties) if s.id in t.members), len(treaties))
             for s in sc.states}
    ids = sorted(order, key=lambda s: (first[s], order[s]))
    legend_h = 44
    cx, cy = width / 2, (height - legend_h) / 2
    outer = min(width, height - legend_h) / 2 - 50
    pos = svg.circle_layout(ids, cx, cy, outer)
    belligerents = world.belligerents()
    nodes = []
    for s in sc.states:
        x, y = pos[s.id]
        tip = f"{s.name} ({s.id}); reputation {gs.reputation.get(s.id, 0.5):.2f}"
        if s.id in belligerents:
            tip += "; at war with " + ", ".join(sorted(world.enemies(s.id)))
        nodes.append(svg.Node(s.id, s.id, x, y, radius=17,
                              fill="#FFF3C4" if s.id in highlight else "#FFFFFF",
                              stroke=WAR_COLOUR if s.id in belligerents else "#444444",
                              stroke_width=3.0 if s.id in belligerents else 1.5, tooltip=tip))
    edges = []
    hubs = _hub_positions(treaties, pos, cx, cy, outer * 0.45)
    for t in treaties:
        hx, hy = hubs[t.id]
        colour = OBLIGATION_COLOURS[_main_type(gs, viewer, t)]
        in_force = gs.members_in_force.get(t.id, frozenset())
        nodes.append(svg.Node(f"treaty:{t.id}", t.id, hx, hy, radius=6, shape="square", fill=colour,
                              stroke=colour, tooltip=f"{t.name} ({t.openness}, {t.invocation})",
                              label_inside=False))
        for m in t.protected:
            member = m in t.members
            edges.append(svg.Edge(f"treaty:{t.id}", m, color=colour if m in in_force or not member else "#BBBBBB",
                                  width=1.6, dashed=t.openness is not Openness.OPEN,
                                  dotted=(member and m not in in_force) or not member,
                                  tooltip=f"{t.name}: {sc.state(m).name}"
                                          + ("" if member else " (beneficiary)")))
    for w in world.wars:
        edges.append(svg.Edge(w.aggressor, w.defender, color=WAR_COLOUR, width=3.5,
                              tooltip=f"war: {sc.state(w.aggressor).name} against {sc.state(w.defender).name}"))
    legend = [svg.LegendItem(k, v) for k, v in OBLIGATION_COLOURS.items()]
    legend += [svg.LegendItem("secret or partly secret", "#555555", dashed=True),
               svg.LegendItem("at war", WAR_COLOUR)]
    if highlight:
        legend.append(svg.LegendItem("played by a cell", "#E0B000", marker="square"))
    return svg.network(nodes, edges, width=width, height=height, title="Alliance network",
                       legend=legend, css_class="network")


def _hub_positions(treaties: Sequence[Treaty], pos: Mapping[str, tuple[float, float]],
                   cx: float, cy: float, radius: float) -> dict[str, tuple[float, float]]:
    """Treaty hubs on an inner circle, in the order of the mean direction of their members."""
    import math
    angles = []
    for t in treaties:
        xs = [pos[m][0] - cx for m in t.members if m in pos]
        ys = [pos[m][1] - cy for m in t.members if m in pos]
        angles.append((math.atan2(sum(ys), sum(xs)) if xs else 0.0, t.id))
    angles.sort()
    n = max(len(angles), 1)
    start = angles[0][0] if angles else 0.0
    return {tid: (cx + radius * math.cos(start + 2 * math.pi * k / n),
                  cy + radius * math.sin(start + 2 * math.pi * k / n))
            for k, (_, tid) in enumerate(angles)}


# --- events in words ---------------------------------------------------------------------------

# Kinds that carry little for a reader of the log, shown only in full logs.
QUIET_KINDS = frozenset({Kind.REPUTATION, Kind.INDICATORS, Kind.DECISION_REQUESTED, Kind.GAME_STARTED,
                         Kind.TURN_CLOSED, Kind.INJECT_HELD, Kind.EFFECT_APPLIED, Kind.VOTE, Kind.DECISION,
                         Kind.HONOURED, Kind.BREACH})


def is_quiet(event: Event) -> bool:
    if event.kind is Kind.OBLIGATION:
        return not event.payload.get("triggered")
    return event.kind in QUIET_KINDS


def name_of(sc: Scenario, state: str | None) -> str:
    s = sc.state_by_id.get(state) if state else None
    return s.name if s else (state or "—")


def event_line(sc: Scenario, event: Event, payload: Mapping[str, Any] | None = None) -> str:
    """One line of words for an event, from the payload the reader may see."""
    p = event.payload if payload is None else payload
    k = event.kind
    if k is Kind.TURN_OPENED:
        return f"Turn {event.turn} opens ({str(p.get('date', ''))[:10]})"
    if k is Kind.INJECT_FIRED:
        text = p.get("text") or ""
        return f"[{p.get('kind')}] {text}".strip() if text else f"[{p.get('kind')}] {p.get('inject')}"
    if k in (Kind.DECISION, Kind.OVERRIDE):
        who = name_of(sc, p.get("state"))
        head = "Umpire sets" if k is Kind.OVERRIDE else "Decision:"
        line = f"{head} {who} — {p.get('response')} ({p.get('source')}) on {p.get('attack')}"
        if p.get("statement"):
            line += f": “{p['statement']}”"
        return line
    if k is Kind.NOTE:
        if p.get("truncated"):
            return event.reason
        return ("Bookmark: " if p.get("bookmark") else "Note: ") + str(p.get("text", ""))
    if k is Kind.INJECT_AWAITING:
        return f"Manual inject {p.get('inject')} waits for the umpire"
    if k is Kind.AWAITING:
        return "Waiting for: " + ", ".join(f"{name_of(sc, x['state'])} on {x['attack']}"
                                           for x in p.get("pending", []))
    return event.reason or str(k)


# --- after-action report --------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class DecisionRow:
    turn: int
    attack: str
    state: str
    state_name: str
    treaty: str | None
    treaty_name: str
    response: str                 # the answer that stood
    source: str                   # player | doctrine | script | umpire
    rationale: str                # the decider's own reasons (a cell's private rationale)
    statement: str
    revisions: int                # how often a cell changed its answer before the close
    cell_response: str | None     # a cell's answer when the umpire overrode it
    override_reason: str
    doctrine_response: str | None
    doctrine_probabilities: tuple[float, ...]
    doctrine_view: str            # the doctrine's reasons in words
    doctrine_basis: str           # how the doctrine's view was obtained


@dataclass(frozen=True, slots=True)
class CommitmentRow:
    turn: int
    state: str
    state_name: str
    treaty: str
    treaty_name: str
    article: str
    partner_name: str
    response: str | None
    honoured: bool


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    kind: str
    text: str


@dataclass(frozen=True, slots=True)
class TurnRecord:
    turn: int
    date: str
    entries: tuple[TimelineEntry, ...]


@dataclass(frozen=True)
class AfterAction:
    title: str
    scenario_id: str
    scenario_title: str
    turns_played: int
    finished: bool
    timeline: tuple[TurnRecord, ...]
    decisions: tuple[DecisionRow, ...]
    commitments: tuple[CommitmentRow, ...]
    indicators: Mapping[str, tuple[tuple[int, float | None, float | None], ...]]
    treaty_names: Mapping[str, str] = field(default_factory=dict)
    wars: tuple[str, ...] = ()

    @property
    def honoured(self) -> int:
        return sum(c.honoured for c in self.commitments)

    @property
    def abandoned(self) -> int:
        return sum(not c.honoured for c in self.commitments)


_TIMELINE_KINDS = {
    Kind.INJECT_FIRED: "inject", Kind.ATTACK: "attack", Kind.INVOCATION: "council", Kind.WAR: "war",
    Kind.TREATY_IN_FORCE: "treaty", Kind.MEMBER_WITHDREW: "treaty", Kind.TREATY_DISCLOSED: "disclosure",
    Kind.OVERRIDE: "override", Kind.NOTE: "note", Kind.CASCADE_ROUND: "cascade", Kind.CONFLICT: "conflict",
}


def after_action(scenario: Scenario, events: Sequence[Event], *, title: str | None = None,
                 doctrine: Doctrine | None = None) -> AfterAction:
    """The debrief of a game: timeline, decisions beside the doctrine's view, commitments, indicators."""
    doctrine = doctrine or Doctrine.for_scenario(scenario)
    final = _final_decision_events(events)
    gs = GameState.initial(scenario)
    advice: dict[int, Advice] = {}
    for i, e in enumerate(events):
        if i in final and e.kind in (Kind.DECISION, Kind.OVERRIDE) and e.payload.get("source") in ("player", "umpire"):
            with contextlib.suppress(KeyError, StopIteration):
                advice[i] = advise(gs, doctrine, e.payload["state"], e.payload["attack"])
        apply(gs, e)
    decisions = _decision_rows(scenario, events, final, advice)
    return AfterAction(
        title=title or scenario.title, scenario_id=scenario.id, scenario_title=scenario.title,
        turns_played=gs.turn, finished=gs.status is Status.FINISHED,
        timeline=tuple(_timeline(scenario, events)), decisions=tuple(decisions),
        commitments=tuple(_commitments(scenario, events)), indicators=_indicator_series(events),
        treaty_names={t.id: t.name for t in scenario.treaties},
        wars=tuple(e.reason for e in events if e.kind is Kind.WAR))


def _final_decision_events(events: Sequence[Event]) -> set[int]:
    """Indexes of the last DECISION and the last OVERRIDE of each (turn, attack, state)."""
    last: dict[tuple[Kind, int, str, str], int] = {}
    for i, e in enumerate(events):
        if e.kind in (Kind.DECISION, Kind.OVERRIDE):
            last[(e.kind, e.turn, e.payload["attack"], e.payload["state"])] = i
    return set(last.values())


def _decision_rows(sc: Scenario, events: Sequence[Event], final: set[int],
                   advice: Mapping[int, Advice]) -> list[DecisionRow]:
    revisions: dict[tuple[int, str, str], int] = {}
    decided: dict[tuple[int, str, str], int] = {}
    overridden: dict[tuple[int, str, str], int] = {}
    for i, e in enumerate(events):
        if e.kind not in (Kind.DECISION, Kind.OVERRIDE):
            continue
        key = (e.turn, e.payload["attack"], e.payload["state"])
        if e.kind is Kind.DECISION:
            revisions[key] = revisions.get(key, 0) + 1
        if i in final:
            (decided if e.kind is Kind.DECISION else overridden)[key] = i
    rows = []
    for key in sorted(set(decided) | set(overridden), key=lambda k: min(decided.get(k, 10**9),
                                                                         overridden.get(k, 10**9))):
        cell = decided.get(key)
        chosen = overridden.get(key, cell)
        basis = cell if cell is not None and cell in advice else chosen
        rows.append(_row(sc, events[chosen], events[cell] if key in overridden and cell is not None else None,
                         revisions.get(key, 0), advice.get(basis)))
    return sorted(rows, key=lambda r: (r.turn, _first_seen(events, r.attack), _order(sc, r.state)))


def _first_seen(events: Sequence[Event], attack: str) -> int:
    return next((i for i, e in enumerate(events) if e.kind is Kind.ATTACK and e.payload["attack"] == attack),
                len(events))


def _row(sc: Scenario, e: Event, cell: Event | None, revisions: int, advice: Advice | None) -> DecisionRow:
    """A decision that stood; `cell` is the answer an override replaced, if any."""
    p = e.payload
    own = cell.payload if cell is not None else p
    treaty = p.get("treaty")
    if p.get("source") in ("doctrine", "script") and p.get("probabilities"):
        probs = tuple(float(x) for x in p["probabilities"])
        d_resp = p.get("predicted") or (p["response"] if p["source"] == "doctrine" else None)
        view = p.get("rationale", "") if p["source"] == "doctrine" else ""
        basis = "the doctrine decided" if p["source"] == "doctrine" else "the doctrine's prediction at the time"
    elif advice is not None:
        probs, d_resp, view = advice.probabilities, str(advice.response), advice.explain()
        basis = "computed from the log as it stood when the decision was given"
    else:
        probs, d_resp, view, basis = (), None, "", ""
    is_override = e.kind is Kind.OVERRIDE
    return DecisionRow(
        turn=e.turn, attack=p["attack"], state=p["state"], state_name=name_of(sc, p["state"]),
        treaty=treaty, treaty_name=sc.treaty_by_id[treaty].name if treaty in sc.treaty_by_id else "",
        response=p["response"], source=p["source"],
        rationale=own.get("rationale", "") if (cell is not None or not is_override) else "",
        statement=own.get("statement", ""), revisions=revisions,
        cell_response=cell.payload["response"] if cell is not None else None,
        override_reason=p.get("rationale", "") if is_override else "",
        doctrine_response=d_resp, doctrine_probabilities=tuple(round(x, 4) for x in probs),
        doctrine_view=view, doctrine_basis=basis)


def _timeline(sc: Scenario, events: Sequence[Event]) -> list[TurnRecord]:
    by_turn: dict[int, list[TimelineEntry]] = {}
    dates: dict[int, str] = {}
    for e in events:
        if e.kind is Kind.TURN_OPENED:
            dates[e.turn] = str(e.payload.get("date", ""))[:10]
            by_turn.setdefault(e.turn, [])
        kind = _TIMELINE_KINDS.get(e.kind)
        if kind is None or e.turn == 0:
            continue
        if e.kind is Kind.ATTACK and (e.payload.get("round", 1) != 1 or e.payload.get("reopened")):
            continue
        by_turn.setdefault(e.turn, []).append(TimelineEntry(kind, event_line(sc, e)))
    return [TurnRecord(t, dates.get(t, sc.date_of(t).date().isoformat()), tuple(by_turn[t]))
            for t in sorted(by_turn)]


def _commitments(sc: Scenario, events: Sequence[Event]) -> list[CommitmentRow]:
    out = []
    for e in events:
        if e.kind not in (Kind.HONOURED, Kind.BREACH):
            continue
        p = e.payload
        treaty = sc.treaty_by_id.get(p["treaty"])
        label = treaty.obligations[p["article"]].label if treaty else str(p.get("type"))
        out.append(CommitmentRow(e.turn, p["state"], name_of(sc, p["state"]), p["treaty"],
                                 treaty.name if treaty else p["treaty"], label,
                                 name_of(sc, p.get("partner")), p.get("response"),
                                 e.kind is Kind.HONOURED))
    return out


def _indicator_series(events: Sequence[Event]) -> dict[str, tuple[tuple[int, float | None, float | None], ...]]:
    series: dict[str, dict[int, tuple[int, float | None, float | None]]] = {}
    for e in events:
        if e.kind is Kind.INDICATORS:
            p = e.payload
            series.setdefault(p["treaty"], {})[e.turn] = (e.turn, p.get("cohesion"), p.get("credibility"))
    return {t: tuple(v[k] for k in sorted(v)) for t, v in sorted(series.items())}


def indicator_charts(aar: AfterAction, *, width: int = 520, height: int = 250) -> list[tuple[str, str]]:
    """(treaty name, SVG line chart of cohesion and credibility per turn) for each treaty with data."""
    out = []
    for treaty, points in aar.indicators.items():
        if not any(c is not None or r is not None for _, c, r in points):
            continue
        series = [svg.Series("cohesion", [(t, c) for t, c, _ in points], svg.PALETTE[0]),
                  svg.Series("credibility", [(t, r) for t, _, r in points], svg.PALETTE[1], dashed=True)]
        turns = [t for t, _, _ in points]
        ticks = [(t, str(t)) for t in turns] if len(turns) <= 16 else None
        name = aar.treaty_names.get(treaty, treaty)
        out.append((name, svg.line_chart(series, width=width, height=height, title=name,
                                         x_label="turn", y_label="0 to 1", y_range=(0.0, 1.0),
                                         x_ticks=ticks)))
    return out


# --- exports -------------------------------------------------------------------------------------

DECISION_COLUMNS = ("turn", "attack", "state", "state_name", "treaty", "response", "source",
                    "cell_response", "override_reason", "revisions", "rationale", "statement",
                    "doctrine_response", *(f"p_{r}" for r in RESPONSES))


def decisions_csv(aar: AfterAction) -> str:
    """One row per decision that stood, with the doctrine's probabilities beside it."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(DECISION_COLUMNS)
    for d in aar.decisions:
        probs = list(d.doctrine_probabilities) or [""] * len(RESPONSES)
        w.writerow([d.turn, d.attack, d.state, d.state_name, d.treaty or "", d.response, d.source,
                    d.cell_response or "", d.override_reason, d.revisions, d.rationale, d.statement,
                    d.doctrine_response or "", *probs])
    return buf.getvalue()


def _md(text: object) -> str:
    """Text safe inside a Markdown table cell."""
    return str(text).replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ").strip()


def to_markdown(aar: AfterAction) -> str:
    lines = [f"# After-action report: {_md(aar.title)}", "",
             f"Scenario: {_md(aar.scenario_title)} (`{aar.scenario_id}`). Turns played: {aar.turns_played}"
             + (" (finished)." if aar.finished else " (in progress)."), "",
             f"Commitments honoured: {aar.honoured}; abandoned: {aar.abandoned}.", ""]
    lines += ["## Timeline", ""]
    for rec in aar.timeline:
        lines.append(f"### Turn {rec.turn} — {rec.date}")
        lines.append("")
        lines += [f"- **{e.kind}**: {_md(e.text)}" for e in rec.entries] or ["- (nothing happened)"]
        lines.append("")
    lines += ["## Decisions", "",
              "| turn | state | on | treaty | answer | by | rationale | doctrine |",
              "|---|---|---|---|---|---|---|---|"]
    for d in aar.decisions:
        by = d.source + (f" (cell said {d.cell_response}; reason: {d.override_reason})" if d.cell_response
                         else (f" (reason: {d.override_reason})" if d.override_reason else ""))
        doc = f"{d.doctrine_response} — {d.doctrine_view}" if d.doctrine_response else ""
        lines.append(f"| {d.turn} | {_md(d.state_name)} | {_md(d.attack)} | {_md(d.treaty_name)} | "
                     f"{d.response} | {_md(by)} | {_md(d.rationale)} | {_md(doc)} |")
    lines += ["", "## Commitments", "", "| turn | state | treaty | article | toward | answer | kept |",
              "|---|---|---|---|---|---|---|"]
    for c in aar.commitments:
        lines.append(f"| {c.turn} | {_md(c.state_name)} | {_md(c.treaty_name)} | {_md(c.article)} | "
                     f"{_md(c.partner_name)} | {c.response or ''} | {'honoured' if c.honoured else 'abandoned'} |")
    lines += ["", "## Indicators per turn", ""]
    for treaty, points in aar.indicators.items():
        lines += [f"### {_md(aar.treaty_names.get(treaty, treaty))}", "", "| turn | cohesion | credibility |",
                  "|---|---|---|"]
        lines += [f"| {t} | {_num(c)} | {_num(r)} |" for t, c, r in points]
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def _num(x: float | None) -> str:
    return "" if x is None else f"{x:.2f}"


# --- comparing exercises ---------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class ComparisonRow:
    turn: int
    attack: str
    state: str
    state_name: str
    answers: tuple[str | None, ...]     # per exercise: "response (source)" or None
    diverges: bool


def compare(scenario: Scenario, games: Sequence[GameState]) -> list[ComparisonRow]:
    """Decision by decision, what each game's states answered (rows: turn, attack, state)."""
    keys: dict[tuple[str, str], int] = {}
    for gs in games:
        for key, d in gs.decisions.items():
            keys[key] = min(keys.get(key, d.turn), d.turn)
    rows = []
    for (attack, state), turn in keys.items():
        answers = tuple(_answer(gs, attack, state) for gs in games)
        responses = {a.split(" ")[0] if a else None for a in answers}
        rows.append(ComparisonRow(turn, attack, state, name_of(scenario, state), answers, len(responses) > 1))
    return sorted(rows, key=lambda r: (r.turn, r.attack, _order(scenario, r.state)))


def _answer(gs: GameState, attack: str, state: str) -> str | None:
    d = gs.decisions.get((attack, state))
    return f"{d.response} ({d.source})" if d else None


def events_of_turn(events: Iterable[Event], turn: int) -> list[Event]:
    return [e for e in events if e.turn == turn]


def response_choices() -> tuple[Response, ...]:
    return RESPONSES


def obligation_types() -> tuple[str, ...]:
    return tuple(str(t) for t in ObligationType)
