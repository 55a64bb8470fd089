"""Leaving the kernel and coming back (engine.kernel.resume): what an option phase's shape is kept by."""
from __future__ import annotations

from dataclasses import dataclass

from engine.events import TurnOpened
from engine.kernel import resume


@dataclass(frozen=True)
class _Unhashable:
    """An event whose values cannot be hashed (a list), as no event of the engine has today."""
    turn: int
    listed: list[str]


def test_an_option_phase_is_kept_by_its_events_and_equal_events_find_it() -> None:
    tables = object()
    first = resume._made(tables, [TurnOpened(turn=2, date="", reason="turn 2 opens")])  # type: ignore[arg-type]
    again = resume._made(tables, [TurnOpened(turn=2, date="", reason="turn 2 opens")])  # type: ignore[arg-type]
    other = resume._made(tables, [TurnOpened(turn=3, date="", reason="turn 3 opens")])  # type: ignore[arg-type]
    assert first[0] is tables
    assert first[1] == again[1] and hash(first[1]) == hash(again[1])  # found again by equal events
    assert first[1] != other[1]


def test_events_that_cannot_be_hashed_are_kept_by_a_digest_of_their_words() -> None:
    tables = object()
    one = resume._made(tables, [_Unhashable(1, ["a"])])  # type: ignore[arg-type, list-item]
    same = resume._made(tables, [_Unhashable(1, ["a"])])  # type: ignore[arg-type, list-item]
    other = resume._made(tables, [_Unhashable(1, ["b"])])  # type: ignore[arg-type, list-item]
    assert isinstance(one[1], bytes) and one[1] == same[1] and one[1] != other[1]
