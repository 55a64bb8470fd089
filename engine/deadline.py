"""The deadline: the doctrine answers for the cells that did not.

When the time to decide runs out, the umpire may close the turn with the
doctrine answering for each cell whose answer is still missing. The answers are
the doctrine's exactly as `engine.decide` takes them for a state no cell plays:
the cascade is run on a scratch copy of the state in which those states answer
by the doctrine, in the same order, with the same world, the same lead of the
alliance's leader and the same draw. Only the missing answers are kept, each
logged as the doctrine's, with a reason saying the cell did not answer in time.
The answers of the other states are left to the close of the turn, which takes
them again as it always does.
"""
from __future__ import annotations

from dataclasses import replace

from .decide import Decider
from .errors import WrongMoment
from .events import DecisionTaken, Event
from .model import Control
from .play import Context, Play, Step, facts
from .state import GameState, Key, Status
from .turn import turn_cascade
from .view import waiting_on_cells

__all__ = ["answer_for_missing", "missing_answers"]


def missing_answers(gs: GameState) -> list[Key]:
    """The answers asked of cells this turn that nobody has given (engine.view says which)."""
    return waiting_on_cells(gs)


def answer_for_missing(gs: GameState, ctx: Context) -> Step:
    """The doctrine's answer for each cell that has not answered (nothing when all have)."""
    if gs.status is not Status.OPEN:
        raise WrongMoment("no turn is open: the deadline applies to an open turn")
    late = set(missing_answers(gs))
    play = Play(gs, ctx)
    if not late:
        return play.run(())
    return play.run(_answers(gs, ctx, late))


def _answers(gs: GameState, ctx: Context, late: set[Key]) -> list[Event]:
    scratch = Play(gs, ctx)
    # On the scratch copy only: the late states answer as the engine answers for any state.
    scratch.gs.controls = {s: (Control.NPC if any(k[1] == s for k in late) else c)
                           for s, c in scratch.gs.controls.items()}
    decider = Decider(scratch)
    turn_cascade(scratch, decider, all_triggers=ctx.verbose)
    name = facts(gs.scenario).name
    out: list[Event] = []
    for e in decider.events():
        if isinstance(e, DecisionTaken) and (e.attack, e.state) in late:
            late.discard((e.attack, e.state))
            out.append(replace(e, reason=f"{name(e.state)} did not answer by the deadline: "
                                         "the doctrine answers for its cell"))
    return out
