"""What the compiled kernel plays, and why a plan goes to the reference engine instead.

Until an option is open, what fires on each turn is the same in every batch run:
scheduled injects fire, manual ones wait for an umpire no batch run has (and what
requires them is held), effects and treaty signatures, withdrawals and disclosures
change the world the same way. So these are in scope: the skeleton play of the
tables meets them as every run does. Options are in scope too: the tables stop at
the first turn on which one is open, each run's option phase is the reference
engine's, and the run comes back on the tables of the state its choices made
(where that pays: `engine.kernel.resume`). So
are conditional obligations: the tables stop at a turn whose close meets one (whether
it binds is the run's answers' doing), the reference engine closes it, and the run
comes back after it. So are runs from a game's prefix (the console's what-if): its
state is every run's start but for the seed (`engine.kernel.prefix`), and a turn it
leaves open with answers given is closed by the reference engine for each run.

`kernel_scope` reads the scenario and the plan alone (cheap, no tables). Building
the tables can still find a plan outside the scope (`OutOfScope`), and a run in
scope can still leave it (an answer begins a war: the skeleton's tables do not follow the
wars), in which case the reference engine closes that run's turn of war, its cascade and
councils' votes played by the compiled loops (`engine.kernel.close`), and the run comes
back to the kernel after it where it can (`engine.kernel.resume`), as after an option phase.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from ..model import Scenario

if TYPE_CHECKING:
    from ..montecarlo import Plan

__all__ = ["OutOfScope", "kernel_scope", "loop_scope"]


class OutOfScope(Exception):
    """The plan asks for something the kernel does not compile; the message says what."""


def kernel_scope(scenario: Scenario, plan: Plan) -> str | None:
    """None when the kernel plays this plan, else the reason it does not (in words). Every plan
    is in scope today; the tables can still find one outside it (`OutOfScope`)."""
    return None


def loop_scope(plan: Plan) -> str | None:
    """Why the run loop (engine.kernel.run_loop) does not play the plan's runs that leave the tables
    (the older path does: engine.kernel.resume), else None."""
    if plan.prefix:
        return "a run from a game's prefix"
    return None
