"""Leaving the kernel and coming back (engine.kernel.resume): what the shape a phase made is kept by, and
when the states after a close are no longer looked up."""
from __future__ import annotations

from dataclasses import dataclass
from types import SimpleNamespace

import pytest

from engine import kernel
from engine import montecarlo as mc
from engine.events import TurnOpened
from engine.kernel import resume
from tests.test_kernel import with_options, without_run_loop  # noqa: F401  (a fixture)


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


@pytest.mark.parametrize(("looked", "found", "pays"), [
    (0, 0, True), (resume.CLOSE_TRIAL - 1, 0, True),                  # still on trial
    (resume.CLOSE_TRIAL, 0, False), (1000, 99, False),                # fewer than one in ten found
    (1000, 100, True), (1000, 900, True)])
def test_states_after_a_close_are_looked_up_while_enough_are_found(looked: int, found: int, pays: bool) -> None:
    tables = SimpleNamespace(closes_looked=looked, closes_found=found)
    assert resume._closes_pay(tables) is pays  # type: ignore[arg-type]


@pytest.mark.usefixtures("without_run_loop")
def test_the_teaching_runs_stop_looking_up_their_states_after_a_close() -> None:
    """On the teaching scenario a state after a turn of war is seldom met again (each run's wars are its
    own): after the trial, the runs play on without reading it, with the same results. (Its options
    narrowed: as shipped, an option may be open on every turn, and its runs play on from the first.)"""
    plan = mc.Plan(with_options("baltic-2027", narrowed=True), 900, seed=0)
    prepared = kernel.prepare(plan)
    played = kernel.summaries(plan, prepared, 0, plan.runs)
    root = prepared.tables
    assert root is not None
    assert root.closes_looked == resume.CLOSE_TRIAL  # the trial, then no more
    assert root.closes_found * resume.CLOSE_PAYBACK < root.closes_looked
    assert [s for s, _ in played[-40:]] == [mc.play_run(plan, i) for i in range(plan.runs - 40, plan.runs)]
