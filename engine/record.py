"""What the reports read off the record: the fields of event payloads they use, in one place.

The Monte Carlo summary and the after-action report read a game from its
events. Every field they take from a payload is read by a function here, so
that a change of the event format changes this module and not the readers.
Fields are read as the engine writes them (`engine.turn`); the optional ones
with their defaults.

Which answer stands is not decided here: that is the fold's rule
(`GameState.decisions`, `engine.state`), and the reports read it there.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from .events import Event, Kind

__all__ = ["Answer", "Commitment", "Indicator", "answer", "answer_key", "commitment", "tested", "indicator",
           "war", "attack_id", "first_round", "opened_on", "held_inject", "named_treaty"]

Key = tuple[str, str]  # (attack, state)


@dataclass(frozen=True, slots=True)
class Answer:
    """A DECISION or OVERRIDE event: an answer given, with the reasons it carries."""
    turn: int
    attack: str
    state: str
    response: str
    source: str                       # player | doctrine | script | umpire
    treaty: str | None
    rationale: str                    # the decider's reasons (the umpire's, for an override)
    statement: str
    probabilities: tuple[float, ...]  # the doctrine's, where the log kept them
    predicted: str | None             # the doctrine's answer where the record decided


def answer_key(e: Event) -> Key:
    """(attack, state) of an answer, a request or a deferral."""
    return e.payload["attack"], e.payload["state"]


def answer(e: Event) -> Answer:
    p = e.payload
    return Answer(turn=e.turn, attack=p["attack"], state=p["state"], response=p["response"],
                  source=p["source"], treaty=p.get("treaty"), rationale=p.get("rationale", ""),
                  statement=p.get("statement", ""),
                  probabilities=tuple(float(x) for x in p.get("probabilities") or ()),
                  predicted=p.get("predicted"))


@dataclass(frozen=True, slots=True)
class Commitment:
    """A HONOURED or BREACH event: one article of a treaty put to the test."""
    turn: int
    state: str
    treaty: str
    article: int
    type: str | None                  # the obligation's type (defense, nonaggression, ...)
    attack: str
    partner: str | None
    response: str | None              # the answer it was judged by (none for a pact broken)
    kept: bool


def commitment(e: Event) -> Commitment:
    p = e.payload
    return Commitment(turn=e.turn, state=p["state"], treaty=p["treaty"], article=p.get("article", 0),
                      type=p.get("type"), attack=p.get("attack", ""), partner=p.get("partner"),
                      response=p.get("response"), kept=e.kind is Kind.HONOURED)


def tested(e: Event) -> tuple[str, str, str | None]:
    """(attack, state, obligation type) of a HONOURED or BREACH event: all a batch run
    tallies of the commitment, read without building a `Commitment` (a run has hundreds)."""
    p = e.payload
    return p.get("attack", ""), p["state"], p.get("type")


@dataclass(frozen=True, slots=True)
class Indicator:
    """An INDICATORS event: a treaty's cohesion and credibility at the end of a turn."""
    turn: int
    treaty: str
    cohesion: float | None
    credibility: float | None
    triggered: int                    # commitments tested that turn (0: not given)


def indicator(e: Event) -> Indicator:
    p = e.payload
    return Indicator(turn=e.turn, treaty=p["treaty"], cohesion=p.get("cohesion"),
                     credibility=p.get("credibility"), triggered=p.get("triggered") or 0)


def war(e: Event) -> tuple[str, str]:
    """(aggressor, defender) of a WAR event."""
    return e.payload["aggressor"], e.payload["defender"]


def attack_id(e: Event) -> str:
    return str(e.payload["attack"])


def first_round(e: Event) -> bool:
    """Whether an ATTACK event is an attack's first showing (not a cascade's, not reopened)."""
    return bool(e.payload.get("round", 1) == 1 and not e.payload.get("reopened"))


def opened_on(e: Event) -> str:
    """The date (YYYY-MM-DD) of a TURN_OPENED event."""
    return str(e.payload.get("date", ""))[:10]


def held_inject(e: Event) -> str:
    """The inject of an INJECT_HELD event."""
    return str(e.payload["inject"])


def named_treaty(e: Event) -> str | None:
    """The treaty an event names, if any (what the fog of war looks for)."""
    treaty = e.payload.get("treaty") if isinstance(e.payload, Mapping) else None
    return treaty if isinstance(treaty, str) else None
