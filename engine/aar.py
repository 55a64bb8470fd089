"""The after-action report as data: timeline, decisions beside the doctrine's view,
commitments honoured and abandoned, indicators per turn.

Built from a scenario and an event log alone, so a saved game, a replay and a
live one give the same report. Which answer stands is the fold's rule
(`GameState.decisions`): the log is folded once, and an answer stands from the
moment the fold takes it in until another replaces it. For a cell's and the
umpire's answers the doctrine's view is computed from the state just before
the answer was given. Writing the report out is `engine.aar_write`'s.
"""
from __future__ import annotations

import contextlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from itertools import takewhile

from .assess import assess
from .assess_text import Group, side_by_side
from .doctrine import Advice, Doctrine
from .events import (
    Answer,
    AttackMade,
    Breach,
    DecisionTaken,
    Event,
    Honoured,
    IndicatorsMeasured,
    Kind,
    Overridden,
    TurnOpened,
)
from .game import advise
from .model import DecisionSource, Scenario
from .narrative import event_line
from .state import GameState, Status, apply, fold
from .words import name_of

__all__ = ["DecisionRow", "CommitmentRow", "TimelineEntry", "TurnRecord", "AfterAction", "after_action"]

Key = tuple[str, str]  # (attack, state)
IndicatorPoint = tuple[int, float | None, float | None]  # (turn, cohesion, credibility)


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
    indicators: Mapping[str, tuple[IndicatorPoint, ...]]
    treaty_names: Mapping[str, str] = field(default_factory=dict)
    wars: tuple[str, ...] = ()
    # The seed paper's framework (engine.assess) at the close of turn 1 beside the last turn played:
    # the turns, and per treaty and state each question with one answer per turn.
    framework_turns: tuple[int, ...] = ()
    framework: tuple[Group, ...] = ()

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
    Kind.MESSAGE: "message", Kind.CHANNEL: "message",
}


def after_action(scenario: Scenario, events: Sequence[Event], *, title: str | None = None,
                 doctrine: Doctrine | None = None) -> AfterAction:
    """The debrief of a game: timeline, decisions beside the doctrine's view, commitments, indicators."""
    gs, answered = _fold_answers(scenario, events, doctrine or Doctrine.for_scenario(scenario))
    turns, framework = _framework(scenario, events, gs)
    return AfterAction(
        title=title or scenario.title, scenario_id=scenario.id, scenario_title=scenario.title,
        turns_played=gs.turn, finished=gs.status is Status.FINISHED,
        timeline=tuple(_timeline(scenario, events)),
        decisions=tuple(_decision_rows(scenario, events, answered)),
        commitments=tuple(_commitments(scenario, events)), indicators=_indicator_series(events),
        treaty_names={t.id: t.name for t in scenario.treaties},
        wars=tuple(e.reason for e in events if e.kind is Kind.WAR),
        framework_turns=turns, framework=framework)


def _framework(sc: Scenario, events: Sequence[Event], last: GameState) -> tuple[tuple[int, ...], tuple[Group, ...]]:
    """The framework's answers at the close of turn 1 and at the end (one column when they are the same turn)."""
    if last.turn < 1:
        return (), ()
    first = fold(sc, takewhile(lambda e: e.turn <= 1, events))
    found = [assess(first)] + ([assess(last)] if last.turn > 1 else [])
    return tuple(a.turn for a in found), side_by_side(found)


# --- which answers stood, and what the doctrine made of them ------------------------------------------

@dataclass
class _Answered:
    """How a state answered an attack: the event that stands and the answers around it."""
    stood: int                  # the event whose answer the fold holds
    cell: int | None = None     # the last DECISION event: the answer an override replaced, if one did
    revisions: int = 0          # DECISION events: more than one when a cell changed its answer
    advice: dict[int, Advice] = field(default_factory=dict)  # event -> the doctrine's view just before


def _fold_answers(sc: Scenario, events: Sequence[Event], doctrine: Doctrine) -> tuple[GameState, dict[Key, _Answered]]:
    """The final state, and for each (attack, state) answered, the events that count."""
    gs = GameState.initial(sc)
    answered: dict[Key, _Answered] = {}
    for i, e in enumerate(events):
        if not isinstance(e, Answer):
            apply(gs, e)
            continue
        key = (e.attack, e.state)
        view = _advice(gs, doctrine, e)
        before = gs.decisions.get(key)
        apply(gs, e)
        entry = answered.get(key)
        if gs.decisions.get(key) is not before:  # the fold took this answer in: it stands
            entry = answered.setdefault(key, _Answered(i))
            entry.stood = i
        if entry is None:  # not so in a log the engine wrote: only an override is kept over an answer
            continue
        if isinstance(e, DecisionTaken):
            entry.cell, entry.revisions = i, entry.revisions + 1
        if view is not None:
            entry.advice[i] = view
    return gs, answered


def _advice(gs: GameState, doctrine: Doctrine, a: Answer) -> Advice | None:
    """What the doctrine would have answered just before a cell's or the umpire's answer."""
    if a.source not in (DecisionSource.PLAYER, DecisionSource.UMPIRE):
        return None
    with contextlib.suppress(KeyError, StopIteration):
        return advise(gs, doctrine, a.state, a.attack)
    return None


def _decision_rows(sc: Scenario, events: Sequence[Event], answered: Mapping[Key, _Answered]) -> list[DecisionRow]:
    rows = []
    for entry in sorted(answered.values(), key=lambda x: min(x.stood, 10**9 if x.cell is None else x.cell)):
        stood = events[entry.stood]
        cell = events[entry.cell] if entry.cell is not None and isinstance(stood, Overridden) else None
        assert isinstance(stood, Answer) and (cell is None or isinstance(cell, Answer))
        basis = entry.cell if entry.cell is not None and entry.cell in entry.advice else entry.stood
        rows.append(_row(sc, stood, cell, entry.revisions, entry.advice.get(basis)))
    first = _first_seen(events)
    return sorted(rows, key=lambda r: (r.turn, first.get(r.attack, len(events)),
                                       sc.state_order.get(r.state, len(sc.states))))


def _first_seen(events: Sequence[Event]) -> dict[str, int]:
    """Where each attack first shows in the log."""
    first: dict[str, int] = {}
    for i, e in enumerate(events):
        if isinstance(e, AttackMade):
            first.setdefault(e.attack.id, i)
    return first


def _row(sc: Scenario, a: Answer, replaced: Answer | None, revisions: int, advice: Advice | None) -> DecisionRow:
    """A decision that stood; `replaced` is the cell's answer an override replaced, if any."""
    own = replaced or a
    overridden = isinstance(a, Overridden)
    d_resp, probs, view, basis = _doctrine_view(a, advice)
    treaty = sc.treaty_by_id.get(a.treaty) if a.treaty else None
    return DecisionRow(
        turn=a.turn, attack=a.attack, state=a.state, state_name=name_of(sc, a.state),
        treaty=a.treaty, treaty_name=treaty.name if treaty else "",
        response=str(a.response), source=str(a.source),
        rationale=own.rationale if (replaced is not None or not overridden) else "",
        statement=own.statement, revisions=revisions,
        cell_response=str(replaced.response) if replaced is not None else None,
        override_reason=a.rationale if overridden else "",
        doctrine_response=d_resp, doctrine_probabilities=tuple(round(x, 4) for x in probs),
        doctrine_view=view, doctrine_basis=basis)


def _doctrine_view(a: Answer, advice: Advice | None) -> tuple[str | None, tuple[float, ...], str, str]:
    """The doctrine's answer, probabilities and reasons beside an answer, and how they were obtained."""
    if isinstance(a, DecisionTaken) and a.source in (DecisionSource.DOCTRINE, DecisionSource.SCRIPT) \
            and a.probabilities:
        decided = a.source is DecisionSource.DOCTRINE
        predicted = a.predicted or (a.response if decided else None)
        return (None if predicted is None else str(predicted), a.probabilities,
                a.rationale if decided else "",
                "the doctrine decided" if decided else "the doctrine's prediction at the time")
    if advice is not None:
        return (str(advice.response), tuple(advice.probabilities), advice.explain(),
                "computed from the log as it stood when the decision was given")
    return None, (), "", ""


# --- timeline, commitments, indicators ---------------------------------------------------------------

def _timeline(sc: Scenario, events: Sequence[Event]) -> list[TurnRecord]:
    by_turn: dict[int, list[TimelineEntry]] = {}
    dates: dict[int, str] = {}
    for e in events:
        if isinstance(e, TurnOpened):
            dates[e.turn] = e.date[:10]
            by_turn.setdefault(e.turn, [])
        kind = _TIMELINE_KINDS.get(e.kind)
        if kind is None or e.turn == 0:
            continue
        if isinstance(e, AttackMade) and (e.round != 1 or e.reopened):
            continue
        by_turn.setdefault(e.turn, []).append(TimelineEntry(kind, event_line(sc, e)))
    return [TurnRecord(t, dates.get(t, sc.date_of(t).date().isoformat()), tuple(by_turn[t]))
            for t in sorted(by_turn)]


def _commitments(sc: Scenario, events: Sequence[Event]) -> list[CommitmentRow]:
    out = []
    for c in events:
        if not isinstance(c, Honoured | Breach):
            continue
        treaty = sc.treaty_by_id.get(c.treaty)
        label = treaty.obligations[c.article].label if treaty else str(c.type)
        out.append(CommitmentRow(c.turn, c.state, name_of(sc, c.state), c.treaty,
                                 treaty.name if treaty else c.treaty, label, name_of(sc, c.partner),
                                 None if c.response is None else str(c.response), isinstance(c, Honoured)))
    return out


def _indicator_series(events: Sequence[Event]) -> dict[str, tuple[IndicatorPoint, ...]]:
    series: dict[str, dict[int, IndicatorPoint]] = {}
    for e in events:
        if isinstance(e, IndicatorsMeasured):
            series.setdefault(e.treaty, {})[e.turn] = (e.turn, e.cohesion, e.credibility)
    return {t: tuple(v[k] for k in sorted(v)) for t, v in sorted(series.items())}
