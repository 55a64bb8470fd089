"""A batch run's close of a turn, its cascade of wars and its councils' votes played by the compiled loops.

The reference engine closes a turn in three steps: the cascade (who answers each attack,
each answer, the wars those answers begin, round after round: `engine.cascade` asking
`engine.decide.Decider`), the options that lapse, and the resolution (the councils' votes,
the commitments accounted, honour and reputations, cohesion: `engine.resolve`). Here the
cascade is the loop's (`engine.kernel.war`, over tables the reference engine's own
functions fill), and so are the councils' votes and which commitments are tested and
accounted (`engine.kernel.accounts`): the loops hand the reference engine's close what
its Decider and its own reading of the rounds would give, the events of the answers
drawn, the rounds (`engine.cascade.CascadeResult`) and the votes and commitments
(`engine.resolve.Accounts`). The events of the verdicts, honour, reputations and cohesion
are the reference engine's own (`engine.turn.close_turn(cascading=...)`), so the state
and the events are the same, event for event (tests/test_kernel_close.py checks it turn by
turn). A kernel run keeps no log, so its closes settle the commitments with a ledger: the
same state, without the two events per commitment that half of a run's events are, and
the ledger says what those would have said. They also give the answers the loop drew in
the state as the fold gives them, without their events, noted in order for the run's
reading (both checked turn by turn too).

A turn the loop does not play (`OutOfScope`: a conditional obligation in its cascade, an
answer given before the close, an option due, a game that is not a batch run's) is closed
by the reference engine whole; the loop declines before any event is made.
"""
from __future__ import annotations

from ..cascade import CascadeResult
from ..events import Event
from ..model import Decision
from ..play import Context, Play, Step
from ..resolve import Accounts, Settled
from ..state import GameState, answered
from ..turn import close_turn
from ..world import IdentityMemo
from .accounts import accounts
from .scope import OutOfScope
from .war import CascadeTables, check

__all__ = ["close", "tables_of"]

_TABLES = IdentityMemo()


def tables_of(gs: GameState) -> CascadeTables:
    """The scenario's cascade tables, shared by every run of it in this process (the weights are
    the run's, not the tables')."""
    memo = _TABLES.scratch(gs.scenario)
    found: CascadeTables | None = memo.get("cascade")
    if found is None:
        found = memo["cascade"] = CascadeTables(gs.scenario)
    return found


def close(gs: GameState, ctx: Context, *, own: bool = False, ledger: list[Settled] | None = None,
          answers: list[Decision] | None = None) -> Step:
    """`engine.turn.close_turn`, its cascade played by the loop where the loop plays it.

    `ledger`: a kernel run's, which keeps no log: the commitments of a turn the loop plays are
    settled in the state without their events (engine.resolve.Accounts) and noted there, half of
    a run's events made and folded for nobody to read. `answers`: the same run's, where the
    answers the loop drew are given in the state as their DecisionTaken gives them
    (`engine.state.answered`) and noted, in their order, without those events."""
    try:
        check(gs, ctx)
    except OutOfScope:
        return close_turn(gs, ctx, own=own)
    tables = tables_of(gs)

    def cascading(play: Play) -> tuple[list[Event], CascadeResult, Accounts | None]:
        if not play.gs.turn_attacks:  # most turns: no attack, no round (engine.cascade's first test)
            return [], CascadeResult((), play.world, False), None
        # One cascade at a time on the scenario's tables: a process's threads share them (a Dask
        # worker's threads, say), and the loops' buffers with them.
        with tables.lock:
            run = tables.played(play)
            given: list[Decision] | None = None if answers is None else []
            events, result = run.result(tables, play, given)
            accounted = accounts(tables, run, play, ledger)
        if answers is not None and given:  # the turn is the loop's now (nothing declines it after this)
            for d in given:
                answered(play.gs, d)  # as the fold gives them, where their events would be run
            answers.extend(given)
        return events, result, accounted

    try:
        return close_turn(gs, ctx, own=own, cascading=cascading)
    except OutOfScope:  # declined before any event was run: the state is as it was
        return close_turn(gs, ctx, own=own)
