"""Typed events: every step of play, with who saw it and why.

A game is its event log. The state of play is a fold over the log (see
`engine.game`), so undo, branching and replay all come down to choosing which
events to fold. Events serialise to one JSON object per line, with sorted keys
and no incidental whitespace, so that the same game gives the same bytes.
"""
from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field, fields
from enum import StrEnum
from typing import Any

from .model import ALL, UMPIRE


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
    WAR = "war"
    BREACH = "breach"                        # an obligation abandoned or broken
    HONOURED = "honoured"
    REPUTATION = "reputation"
    INDICATORS = "indicators"
    AWAITING = "awaiting-decisions"          # the turn cannot close before these answer
    TURN_CLOSED = "turn-closed"
    GAME_ENDED = "game-ended"
    NOTE = "note"                            # the umpire's note or bookmark


Visibility = str | tuple[str, ...]


class _NoPayload:
    """`payload` left out: each event gets an empty dict of its own."""
    __slots__ = ()

    def __repr__(self) -> str:
        return "{}"


_NO_PAYLOAD: Any = _NoPayload()


@dataclass(frozen=True, slots=True, init=False)
class Event:
    turn: int
    phase: Phase
    kind: Kind
    payload: Mapping[str, Any] = field(default_factory=dict)
    actor: str | None = None
    visibility: Visibility = ALL
    reason: str = ""

    def __init__(self, turn: int, phase: Phase, kind: Kind, payload: Mapping[str, Any] = _NO_PAYLOAD,
                 actor: str | None = None, visibility: Visibility = ALL, reason: str = "") -> None:
        # A game makes thousands of events. The frozen dataclass's own __init__ sets each
        # field through object.__setattr__ by name; setting the slots directly does the
        # same at two thirds of the cost (_SLOTS is filled in below the class).
        turn_, phase_, kind_, payload_, actor_, visibility_, reason_ = _SLOTS
        turn_(self, turn)
        phase_(self, phase)
        kind_(self, kind)
        payload_(self, {} if payload is _NO_PAYLOAD else payload)
        actor_(self, actor)
        visibility_(self, visibility)
        reason_(self, reason)

    def visible_to(self, states: frozenset[str] | None) -> bool:
        """Whether a cell playing `states` sees this event (None: the umpire sees all)."""
        if states is None:
            return True
        if self.visibility == ALL:
            return True
        if self.visibility == UMPIRE:
            return False
        return not states.isdisjoint(self.visibility)

    def to_dict(self) -> dict[str, Any]:
        return {
            "turn": self.turn, "phase": str(self.phase), "kind": str(self.kind),
            "actor": self.actor,
            "visibility": self.visibility if isinstance(self.visibility, str) else list(self.visibility),
            "payload": dict(self.payload), "reason": self.reason,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Event:
        vis = data.get("visibility", ALL)
        return cls(
            turn=int(data["turn"]), phase=Phase(data["phase"]), kind=Kind(data["kind"]),
            payload=dict(data.get("payload") or {}), actor=data.get("actor"),
            visibility=vis if isinstance(vis, str) else tuple(vis), reason=data.get("reason", ""),
        )

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), sort_keys=True, separators=(",", ":"), ensure_ascii=False)

    @classmethod
    def from_json(cls, line: str) -> Event:
        return cls.from_dict(json.loads(line))


# The setters of Event's slots, in field order (see Event.__init__).
_SLOTS = tuple(Event.__dict__[f.name].__set__ for f in fields(Event))


def dumps(events: Iterable[Event]) -> str:
    """Events as JSON lines (one per line, final newline)."""
    return "".join(e.to_json() + "\n" for e in events)


def loads(text: str) -> list[Event]:
    return [Event.from_json(line) for line in text.splitlines() if line.strip()]


def iter_visible(events: Iterable[Event], states: frozenset[str] | None) -> Iterator[Event]:
    return (e for e in events if e.visible_to(states))
