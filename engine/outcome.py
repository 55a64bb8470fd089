"""Where a game stands, in outcomes rather than decisions: the comparison of syndicates.

Two syndicates may answer alike and end apart (or the reverse): the wars begun,
the commitments honoured and abandoned, and each treaty's latest indicators say
how each game came out.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .events import Breach, Event, Honoured
from .state import GameState
from .words import name_of


@dataclass(frozen=True, slots=True)
class TreatyOutcome:
    treaty: str
    name: str
    turn: int                       # when last measured
    cohesion: float | None
    credibility: float | None


@dataclass(frozen=True, slots=True)
class Outcome:
    wars: tuple[str, ...]           # "Russia against Estonia", in the order they began
    honoured: int
    abandoned: int
    treaties: tuple[TreatyOutcome, ...]


def outcome(gs: GameState, events: Sequence[Event]) -> Outcome:
    sc = gs.scenario
    wars = tuple(f"{name_of(sc, w.aggressor)} against {name_of(sc, w.defender)}" for w in gs.wars)
    honoured = sum(1 for e in events if isinstance(e, Honoured))
    abandoned = sum(1 for e in events if isinstance(e, Breach))
    latest: dict[str, TreatyOutcome] = {}
    for turn in sorted(gs.indicators):
        for treaty, m in gs.indicators[turn].items():
            t = sc.treaty_by_id.get(treaty)
            latest[treaty] = TreatyOutcome(treaty, t.name if t else treaty, turn, m.cohesion, m.credibility)
    order = [t.id for t in sc.treaties]
    return Outcome(wars, honoured, abandoned,
                   tuple(sorted(latest.values(), key=lambda o: order.index(o.treaty) if o.treaty in order else 0)))
