"""Reading a game for people: what the console shows, the after-action report, comparisons.

Pure functions of a scenario and an event log (or a folded `GameState`): the
web console, the CLI and tests all read a game the same way, and nothing here
knows of HTTP or files. This module gathers the readers under one name; their
homes are `engine.fog` (who may see what), `engine.network_picture`,
`engine.narrative` (events in words), `engine.aar` (the after-action report's
data) and `engine.aar_write` (its Markdown and CSV).
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from . import record
from .aar import AfterAction, CommitmentRow, DecisionRow, TimelineEntry, TurnRecord, after_action
from .aar_write import DECISION_COLUMNS, decisions_csv, indicator_charts, to_markdown
from .events import Event, Kind
from .fog import (
    PRIVATE_DECISION_FIELDS,
    TreatyView,
    Viewer,
    cell_events,
    knows,
    knows_secret_terms,
    public_payload,
    treaties_seen,
)
from .model import RESPONSES, Control, Inject, ObligationType, Response, Scenario
from .narrative import QUIET_KINDS, event_line, is_quiet, name_of
from .network_picture import OBLIGATION_COLOURS, WAR_COLOUR, network_svg
from .state import GameState, Status

__all__ = [
    # fog of war
    "Viewer", "PRIVATE_DECISION_FIELDS", "public_payload", "knows", "knows_secret_terms", "cell_events",
    "TreatyView", "treaties_seen",
    # the dashboard
    "DueDecision", "decisions_due", "waiting_on_cells", "Upcoming", "upcoming_injects", "latest_indicators",
    "PublicDecision", "public_decisions",
    # the network, events in words
    "OBLIGATION_COLOURS", "WAR_COLOUR", "network_svg", "QUIET_KINDS", "is_quiet", "name_of", "event_line",
    # the after-action report
    "DecisionRow", "CommitmentRow", "TimelineEntry", "TurnRecord", "AfterAction", "after_action",
    "indicator_charts", "DECISION_COLUMNS", "decisions_csv", "to_markdown",
    # comparing exercises
    "ComparisonRow", "compare", "events_of_turn", "response_choices", "obligation_types",
]


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
    held = {record.held_inject(e) for e in events if e.kind is Kind.INJECT_HELD}
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
    statements = {record.answer_key(e): record.answer(e).statement for e in events if e.kind is Kind.DECISION}
    out = []
    for (attack, state), d in gs.decisions.items():
        if d.turn not in closed or (d.treaty and not knows(gs, viewer, d.treaty)):
            continue
        out.append(PublicDecision(d.turn, attack, state, str(d.response),
                                  statements.get((attack, state), "")))
    return sorted(out, key=lambda p: (p.turn, p.attack, _order(gs.scenario, p.state)))


def _order(sc: Scenario, state: str) -> int:
    return sc.state_order.get(state, len(sc.states))


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

