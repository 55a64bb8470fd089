"""Reading a game for people: what the console shows, the after-action report, comparisons.

Pure functions of a scenario and an event log (or a folded `GameState`): the
web console, the CLI and tests all read a game the same way, and nothing here
knows of HTTP or files. This module gathers the readers under one name; their
homes are `engine.view` (who may see what: the engine's one rule of fog of war), `engine.network_picture`,
`engine.narrative` (events in words), `engine.aar` (the after-action report's
data) and `engine.aar_write` (its Markdown and CSV).
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from .aar import AfterAction, CommitmentRow, DecisionRow, TimelineEntry, TurnRecord, after_action
from .aar_write import DECISION_COLUMNS, decisions_csv, indicator_charts, to_markdown
from .events import Event, InjectHeld
from .model import RESPONSES, Inject, ObligationType, Response, Scenario
from .narrative import QUIET_KINDS, AttackDigest, DigestLine, attack_label, digest, event_line, is_quiet
from .network_picture import OBLIGATION_COLOURS, WAR_COLOUR, network_svg, treaty_svg
from .state import GameState, Status
from .view import (
    PRIVATE_DECISION_FIELDS,
    DueDecision,
    PublicDecision,
    TreatyView,
    Viewer,
    decisions_due,
    knows,
    knows_secret_terms,
    latest_indicators,
    public_decisions,
    public_fields,
    treaties_seen,
    visible_events,
    waiting_on_cells,
)
from .words import name_of

__all__ = [
    # fog of war
    "Viewer", "PRIVATE_DECISION_FIELDS", "public_fields", "knows", "knows_secret_terms", "visible_events",
    "TreatyView", "treaties_seen",
    # the dashboard
    "DueDecision", "decisions_due", "waiting_on_cells", "Upcoming", "upcoming_injects", "latest_indicators",
    "PublicDecision", "public_decisions",
    # the network, events in words
    "OBLIGATION_COLOURS", "WAR_COLOUR", "network_svg", "QUIET_KINDS", "is_quiet", "name_of", "event_line",
    "AttackDigest", "DigestLine", "digest", "treaty_svg", "attack_label",
    # the after-action report
    "DecisionRow", "CommitmentRow", "TimelineEntry", "TurnRecord", "AfterAction", "after_action",
    "indicator_charts", "DECISION_COLUMNS", "decisions_csv", "to_markdown",
    # comparing exercises
    "ComparisonRow", "compare", "events_of_turn", "response_choices", "obligation_types",
]


# --- what the dashboard shows --------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Upcoming:
    inject: Inject
    status: str     # awaiting (manual, due now) | scheduled | held (its requires did not fire)


def upcoming_injects(gs: GameState, events: Sequence[Event] = ()) -> list[Upcoming]:
    """What is still to come: manual injects awaiting the umpire, then scheduled ones; nothing once
    the game has ended (an unfired manual inject can no longer fire)."""
    if gs.status is Status.FINISHED:
        return []
    held = {e.inject for e in events if isinstance(e, InjectHeld)}
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

