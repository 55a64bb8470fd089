"""Typed events: every step of play, with who saw it and why.

A game is its event log. The state of play is a fold over the log (see
`engine.state`), so undo, branching and replay all come down to choosing which
events to fold. Each kind of event is a frozen dataclass with typed fields
(python-chess keeps its moves, the eventsourcing library its domain events, the
same way): a reader names the field it wants and a type checker follows it.

Events serialise to one JSON object per line, with sorted keys and no incidental
whitespace, so that the same game gives the same bytes. The first event of every
log, `GameStarted`, names the event format's version and every setting that
changes play, so a game rebuilt from its log continues exactly like the live one.
Logs of the untyped format before version 1 are migrated on load
(`engine.migrate`), never rewritten in place.
"""
from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, fields, is_dataclass
from enum import StrEnum
from typing import Any, ClassVar, TypeVar

from .frozen import constructor, quick
from .model import (
    ALL,
    UMPIRE,
    Control,
    Decision,
    DecisionSource,
    InjectKind,
    Invocation,
    Mode,
    ObligationType,
    Response,
)
from .network import Attack

# Version 1: typed events, and the settings of play in the first event.
FORMAT_VERSION = 1


class Phase(StrEnum):
    SETUP = "setup"
    TURN = "turn"
    INJECTS = "injects"
    CASUS_FOEDERIS = "casus-foederis"
    DECISIONS = "decisions"
    ADJUDICATION = "adjudication"
    INVOCATION = "invocation"
    RESOLUTION = "resolution"
    INDICATORS = "indicators"


class Kind(StrEnum):
    GAME_STARTED = "game-started"
    TURN_OPENED = "turn-opened"
    INJECT_FIRED = "inject-fired"
    INJECT_HELD = "inject-held"              # its `requires` have not fired
    INJECT_AWAITING = "inject-awaiting"      # manual: waits for the umpire
    EFFECT_APPLIED = "effect-applied"
    TREATY_IN_FORCE = "treaty-in-force"      # a treaty, or a member's part in it, begins
    MEMBER_WITHDREW = "member-withdrew"
    TREATY_DISCLOSED = "treaty-disclosed"
    ATTACK = "attack"
    OBLIGATION = "obligation"                # one obligation examined against one attack
    CONFLICT = "conflict"                    # a state bound to both sides
    DECISION_REQUESTED = "decision-requested"
    DECISION = "decision"
    DECISION_DEFERRED = "decision-deferred"  # the record has the state answer on a later turn
    OVERRIDE = "override"
    VOTE = "vote"
    INVOCATION = "invocation"
    CASCADE_ROUND = "cascade-round"
    CASCADE_TRUNCATED = "cascade-truncated"  # stopped after MAX_CASCADE_ROUNDS
    WAR = "war"
    BREACH = "breach"                        # an obligation abandoned or broken
    HONOURED = "honoured"
    REPUTATION = "reputation"
    INDICATORS = "indicators"
    AWAITING = "awaiting-decisions"          # the turn cannot close before these answer
    TURN_CLOSED = "turn-closed"
    GAME_ENDED = "game-ended"
    NOTE = "note"                            # the umpire's note or bookmark
    WHAT_IF = "what-if"                      # a Monte Carlo what-if's results, for the umpire
    MESSAGE = "message"                      # from the umpire or a cell, to cells or the umpire
    CHANNEL = "channel"                      # the umpire opens or closes messages between cells
    CONTROL = "control"                      # a state passes to a cell (or back) during play
    OPTION_OFFERED = "option-offered"        # an option waits for its actor's cell this turn
    OPTION_TAKEN = "option-taken"            # its actor carries the option out (it fires now)
    OPTION_DECLINED = "option-declined"      # not this turn (it may come again before `until`)
    OPTION_LAPSED = "option-lapsed"          # its window closed without its actor taking it
    WAR_ENDED = "war-ended"                  # a ceasefire ends belligerency between two states
    RESOLVE_SET = "resolve-set"              # an option's resolve for this game (a Monte Carlo draw)
    FORCES_DEPLOYED = "forces-deployed"      # a deployment option taken: the actor's forces in the host


Visibility = str | tuple[str, ...]
_DECISION = constructor(Decision)  # (engine.frozen.constructor: the fold makes one per answer)


@dataclass(frozen=True, slots=True, kw_only=True)
class Event:
    """What every event has: when, in which phase, by whom, seen by whom, and why.

    `visibility` is ALL, UMPIRE, or the states that see the event (their cells)."""
    KIND: ClassVar[Kind]
    PHASE: ClassVar[Phase]
    turn: int
    actor: str | None = None
    visibility: Visibility = ALL
    reason: str = ""

    @property
    def kind(self) -> Kind:
        return self.KIND

    @property
    def phase(self) -> Phase:
        return self.PHASE

    def visible_to(self, states: frozenset[str] | None) -> bool:
        """Whether a cell playing `states` sees this event (None: the umpire sees all)."""
        if states is None or self.visibility == ALL:
            return True
        if self.visibility == UMPIRE:
            return False
        return not states.isdisjoint(self.visibility)

    def data(self) -> dict[str, Any]:
        """The fields of this kind (not the common ones) as JSON values."""
        return {name: _encode(getattr(self, name)) for name in _own_fields(type(self))}

    def to_dict(self) -> dict[str, Any]:
        vis = self.visibility
        return {"turn": self.turn, "phase": str(self.PHASE), "kind": str(self.KIND), "actor": self.actor,
                "visibility": vis if isinstance(vis, str) else list(vis),
                "payload": self.data(), "reason": self.reason}

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), sort_keys=True, separators=(",", ":"), ensure_ascii=False)


_E = TypeVar("_E", bound=type[Event])
_V = TypeVar("_V", bound=Event)
EVENT_TYPES: dict[Kind, type[Event]] = {}


def _kind(kind: Kind, phase: Phase) -> Callable[[_E], _E]:
    """Register an event class for its kind (one class per kind, checked at import).

    A registered class is built by `engine.frozen.quick`: still a frozen dataclass, at about
    half the cost (a batch run builds about a thousand events)."""
    def register(cls: _E) -> _E:
        if kind in EVENT_TYPES:
            raise TypeError(f"two event classes for {kind}")
        cls.KIND, cls.PHASE = kind, phase
        EVENT_TYPES[kind] = quick(cls)
        return cls
    return register


def builder(cls: type[_V]) -> Callable[..., _V]:
    """A registered event class's constructor, called without the class call: `builder(cls)(cls,
    field=value, ...)` makes what `cls(field=value, ...)` makes. Calling a class puts its keyword
    arguments in a dict before the constructor reads them (type.__call__), which is half or more
    of an event's cost; the hot paths of a batch run (a few hundred answers and reputations a
    run) call the constructor itself."""
    new = cls.__dict__.get("__new__")
    if cls not in EVENT_TYPES.values() or not isinstance(new, staticmethod):
        return _called
    made: Callable[..., _V] = new.__func__
    return made


def _called(cls: type[_V], **values: Any) -> _V:
    return cls(**values)


# --- the setup and the clock --------------------------------------------------------------

@_kind(Kind.GAME_STARTED, Phase.SETUP)
@dataclass(frozen=True, slots=True, kw_only=True)
class GameStarted(Event):
    """The first event of every log: every setting that changes play."""
    scenario: str
    seed: int = 0
    mode: Mode = Mode.PLAY
    stochastic: bool = False                   # sample the doctrine's answers (seeded draws)
    verbose: bool = True                       # explanations in the log (False: a batch run)
    controls: Mapping[str, Control] = field(default_factory=dict)  # states played by cells
    weights: Mapping[str, float] = field(default_factory=dict)     # the doctrine's, every factor
    cuts: tuple[float, ...] = ()
    bands: tuple[float, ...] = ()              # the deterministic answer's bands (none: defaults)
    format: int = FORMAT_VERSION


@_kind(Kind.TURN_OPENED, Phase.TURN)
@dataclass(frozen=True, slots=True, kw_only=True)
class TurnOpened(Event):
    date: str


@_kind(Kind.TURN_CLOSED, Phase.TURN)
@dataclass(frozen=True, slots=True, kw_only=True)
class TurnClosed(Event):
    pass


@_kind(Kind.GAME_ENDED, Phase.TURN)
@dataclass(frozen=True, slots=True, kw_only=True)
class GameEnded(Event):
    pass


@_kind(Kind.NOTE, Phase.ADJUDICATION)
@dataclass(frozen=True, slots=True, kw_only=True)
class Note(Event):
    """The umpire's note; a bookmark marks a moment for the debrief."""
    text: str
    bookmark: bool = False


# --- injects --------------------------------------------------------------------------------

@_kind(Kind.INJECT_FIRED, Phase.INJECTS)
@dataclass(frozen=True, slots=True, kw_only=True)
class InjectFired(Event):
    inject: str
    inject_kind: InjectKind
    text: str = ""
    actors: tuple[str, ...] = ()
    target: str | None = None
    treaty: str | None = None
    adhoc: bool = False                        # written by the umpire during play


@_kind(Kind.INJECT_HELD, Phase.INJECTS)
@dataclass(frozen=True, slots=True, kw_only=True)
class InjectHeld(Event):
    inject: str
    missing: tuple[str, ...]


@_kind(Kind.INJECT_AWAITING, Phase.INJECTS)
@dataclass(frozen=True, slots=True, kw_only=True)
class InjectAwaiting(Event):
    inject: str


@_kind(Kind.EFFECT_APPLIED, Phase.INJECTS)
@dataclass(frozen=True, slots=True, kw_only=True)
class EffectApplied(Event):
    inject: str
    path: str                                  # "relations.A.B.threat" or "states.A.power"
    value: float | str


@_kind(Kind.TREATY_IN_FORCE, Phase.INJECTS)
@dataclass(frozen=True, slots=True, kw_only=True)
class TreatyInForce(Event):
    treaty: str
    members: tuple[str, ...]


@_kind(Kind.MEMBER_WITHDREW, Phase.INJECTS)
@dataclass(frozen=True, slots=True, kw_only=True)
class MemberWithdrew(Event):
    treaty: str
    member: str


@_kind(Kind.TREATY_DISCLOSED, Phase.INJECTS)
@dataclass(frozen=True, slots=True, kw_only=True)
class TreatyDisclosed(Event):
    treaty: str
    to: tuple[str, ...]


# --- the casus foederis ---------------------------------------------------------------------

@_kind(Kind.ATTACK, Phase.CASUS_FOEDERIS)
@dataclass(frozen=True, slots=True, kw_only=True)
class AttackMade(Event):
    """An attack that may trigger commitments: an inject, or a war a cascade began (round > 1)."""
    attack: Attack
    round: int = 1
    reopened: bool = False                     # answered by the record on a later turn

    def data(self) -> dict[str, Any]:
        # Flat, as the untyped format had it: an attack's fields beside its round.
        a = self.attack
        out = {"attack": a.id, "attackers": list(a.attackers), "target": a.target, "kind": str(a.kind),
               "region": a.region, "territory": a.territory, "provoked": a.provoked,
               "attribution": a.attribution, "severity": a.severity, "origin": a.origin, "round": self.round}
        if self.reopened:
            out["reopened"] = True
        if not a.resisted:
            out["resisted"] = False
        return out


@dataclass(frozen=True, slots=True)
class TriggerRef:
    """One obligation, as a conflict names it."""
    treaty: str
    article: int
    partner: str
    type: ObligationType


@_kind(Kind.OBLIGATION, Phase.CASUS_FOEDERIS)
@dataclass(frozen=True, slots=True, kw_only=True)
class ObligationExamined(Event):
    treaty: str
    article: int
    ally: str
    partner: str
    attack: str
    type: ObligationType
    triggered: bool


@_kind(Kind.CONFLICT, Phase.CASUS_FOEDERIS)
@dataclass(frozen=True, slots=True, kw_only=True)
class Conflict(Event):
    attack: str
    state: str
    victim_side: tuple[TriggerRef, ...]
    attacker_side: tuple[TriggerRef, ...]


# --- decisions ------------------------------------------------------------------------------

@_kind(Kind.DECISION_REQUESTED, Phase.DECISIONS)
@dataclass(frozen=True, slots=True, kw_only=True)
class DecisionRequested(Event):
    attack: str
    state: str
    treaty: str | None = None
    round: int = 1
    control: Control = Control.NPC


@dataclass(frozen=True, slots=True, kw_only=True)
class Answer(Event):
    """A state's answer as an event (a decision or the umpire's override of one)."""
    state: str
    attack: str
    response: Response
    source: DecisionSource
    side: str | None = None
    treaty: str | None = None
    rationale: str = ""
    statement: str = ""

    @property
    def decision(self) -> Decision:
        # Positional, by the constructor itself (engine.frozen.constructor): the fold asks this of
        # every decision, and keywords cost a dict per call.
        return _DECISION(Decision, self.turn, self.state, self.attack, self.response, self.source, self.side,
                         self.treaty, self.rationale, self.statement)


@_kind(Kind.DECISION, Phase.DECISIONS)
@dataclass(frozen=True, slots=True, kw_only=True)
class DecisionTaken(Answer):
    probabilities: tuple[float, ...] | None = None  # the doctrine's distribution, when explained
    predicted: Response | None = None               # replay: what the doctrine would have answered
    source_ref: str | None = None                   # replay: the record's source

    def data(self) -> dict[str, Any]:
        out = Answer.data(self)
        for optional in ("probabilities", "predicted", "source_ref"):
            if out[optional] is None:
                del out[optional]
        return out


@_kind(Kind.OVERRIDE, Phase.ADJUDICATION)
@dataclass(frozen=True, slots=True, kw_only=True)
class Overridden(Answer):
    pass


@_kind(Kind.DECISION_DEFERRED, Phase.DECISIONS)
@dataclass(frozen=True, slots=True, kw_only=True)
class DecisionDeferred(Event):
    attack: str
    state: str
    until: int


@dataclass(frozen=True, slots=True)
class Pending:
    attack: str
    state: str


@_kind(Kind.AWAITING, Phase.DECISIONS)
@dataclass(frozen=True, slots=True, kw_only=True)
class AwaitingDecisions(Event):
    """The turn cannot close before these cells answer: a state of the game, not an error."""
    pending: tuple[Pending, ...]


# --- invocation and resolution --------------------------------------------------------------

@_kind(Kind.VOTE, Phase.INVOCATION)
@dataclass(frozen=True, slots=True, kw_only=True)
class VoteCast(Event):
    treaty: str
    attack: str
    member: str
    vote: bool
    source: str                                # whose answer the vote follows, or "attacked"


@_kind(Kind.INVOCATION, Phase.INVOCATION)
@dataclass(frozen=True, slots=True, kw_only=True)
class InvocationResolved(Event):
    treaty: str
    attack: str
    declared: bool
    yes: tuple[str, ...]
    no: tuple[str, ...]
    rule: Invocation
    needed: int
    blocked_by: tuple[str, ...]


@_kind(Kind.CASCADE_ROUND, Phase.RESOLUTION)
@dataclass(frozen=True, slots=True, kw_only=True)
class CascadeRound(Event):
    round: int
    attacks: tuple[str, ...]


@_kind(Kind.CASCADE_TRUNCATED, Phase.RESOLUTION)
@dataclass(frozen=True, slots=True, kw_only=True)
class CascadeTruncated(Event):
    rounds: int


@_kind(Kind.WAR, Phase.RESOLUTION)
@dataclass(frozen=True, slots=True, kw_only=True)
class WarBegun(Event):
    aggressor: str
    defender: str
    round: int = 1


@dataclass(frozen=True, slots=True, kw_only=True)
class _Commitment(Event):
    state: str
    treaty: str
    article: int
    attack: str
    partner: str
    type: ObligationType
    response: Response | None                  # None: a non-aggression pact broken by attacking


@_kind(Kind.HONOURED, Phase.RESOLUTION)
@dataclass(frozen=True, slots=True, kw_only=True)
class Honoured(_Commitment):
    pass


@_kind(Kind.BREACH, Phase.RESOLUTION)
@dataclass(frozen=True, slots=True, kw_only=True)
class Breach(_Commitment):
    pass


@_kind(Kind.REPUTATION, Phase.RESOLUTION)
@dataclass(frozen=True, slots=True, kw_only=True)
class ReputationChanged(Event):
    state: str
    before: float
    after: float
    treaty: str


@_kind(Kind.INDICATORS, Phase.INDICATORS)
@dataclass(frozen=True, slots=True, kw_only=True)
class IndicatorsMeasured(Event):
    """A treaty's indicators at the close of a turn. A batch run measures cohesion alone."""
    treaty: str
    cohesion: float | None
    triggered: int
    adversary: str | None = None
    credibility: float | None = None
    abandonment: Mapping[str, float] | None = None
    entrapment: Mapping[str, float] | None = None

    def data(self) -> dict[str, Any]:
        out = Event.data(self)
        if self.abandonment is None:  # a batch run's: cohesion alone
            for name in ("adversary", "credibility", "abandonment", "entrapment"):
                del out[name]
        return out


@_kind(Kind.WHAT_IF, Phase.ADJUDICATION)
@dataclass(frozen=True, slots=True, kw_only=True)
class WhatIfPlayed(Event):
    """A what-if played on from here: the request and its results; changes nothing in play."""
    request: Mapping[str, Any] = field(default_factory=dict)   # runs, seed, vary, seconds
    results: Mapping[str, Any] = field(default_factory=dict)   # engine.mc_results.Results.data


# --- messages --------------------------------------------------------------------------------

@_kind(Kind.MESSAGE, Phase.ADJUDICATION)
@dataclass(frozen=True, slots=True, kw_only=True)
class MessageSent(Event):
    """A message of the exercise. `sender` and `to` name cells, "umpire" or "all"; who reads
    it is its visibility (the states of the cells it concerns), as for every event."""
    sender: str
    to: tuple[str, ...]
    text: str


@_kind(Kind.CHANNEL, Phase.ADJUDICATION)
@dataclass(frozen=True, slots=True, kw_only=True)
class ChannelSet(Event):
    """The umpire opens (or closes) the diplomatic channel: cells may write to each other."""
    open: bool


@_kind(Kind.CONTROL, Phase.SETUP)
@dataclass(frozen=True, slots=True, kw_only=True)
class ControlChanged(Event):
    """Who answers for a state from now on: a cell joins after the start (or leaves)."""
    state: str
    control: Control


# The events of options and of the end of wars live in engine.option_events, which registers
# its kinds here; they are read from here as every other event is.
from .option_events import ForcesDeployed as ForcesDeployed  # noqa: E402
from .option_events import OptionChoice as OptionChoice  # noqa: E402
from .option_events import OptionDeclined as OptionDeclined  # noqa: E402
from .option_events import OptionLapsed as OptionLapsed  # noqa: E402
from .option_events import OptionOffered as OptionOffered  # noqa: E402
from .option_events import OptionTaken as OptionTaken  # noqa: E402
from .option_events import ResolveSet as ResolveSet  # noqa: E402
from .option_events import WarEnded as WarEnded  # noqa: E402

_MISSING = set(Kind) - set(EVENT_TYPES)
if _MISSING:  # pragma: no cover - fails at import, by design
    raise ImportError(f"no event class for: {', '.join(sorted(_MISSING))}")


# --- JSON (the encoding; reading a log back is engine.codec's) -----------------------------

def _own_fields(cls: type[Event]) -> tuple[str, ...]:
    return _OWN.get(cls) or _own_fields_of(cls)


_COMMON = frozenset(("turn", "actor", "visibility", "reason"))
_OWN: dict[type[Event], tuple[str, ...]] = {}


def _own_fields_of(cls: type[Event]) -> tuple[str, ...]:
    names = tuple(f.name for f in fields(cls) if f.name not in _COMMON)
    _OWN[cls] = names
    return names


def _encode(value: Any) -> Any:
    if isinstance(value, StrEnum):
        return str(value)
    if isinstance(value, tuple):
        return [_encode(v) for v in value]
    if isinstance(value, Mapping):
        return {str(k): _encode(v) for k, v in value.items()}
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: _encode(getattr(value, f.name)) for f in fields(value)}
    return value


def iter_visible(events: Iterable[Event], states: frozenset[str] | None) -> Iterator[Event]:
    return (e for e in events if e.visible_to(states))


# Reading a log back lives in engine.codec (it needs every class above); its names are
# read from here as well, where the format is.
from .codec import EventFormatError, attack_from_data, dumps, from_dict, loads  # noqa: E402

__all__ = ["EVENT_TYPES", "FORMAT_VERSION", "Event", "EventFormatError", "Kind", "Phase", "Visibility",
           "attack_from_data", "dumps", "from_dict", "iter_visible", "loads"]
