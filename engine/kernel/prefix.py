"""Runs started from a game's prefix (the console's what-if), in the kernel.

The reference engine plays run i of such a plan (`engine.montecarlo.play_run`) from the
prefix re-seeded (`reseed`: the run's seed, mode PLAY, stochastic), folded, with the run's
drawn resolves pushed, the open turn closed if the prefix ends inside one, then played to
the end; its summary reads the whole log, prefix included.

The prefix is the same for every run but for its seed, and nothing in it is drawn: its
state folded once (`Start`) is every run's state, but for the seed, which the kernel and
`resume` put in per run as they do after a turn of war. Its events are read once as
`summarise` reads them, and each run's reading goes on from a copy.

- Ended between turns (or before the first): the tables are built once from that state, and
  every run starts there in the compiled loop with that state's reputations; a run leaves
  and comes back (`resume`) as a run from the game's start does.
- Ended inside an open turn (some answers given, others due): the tables hold no turn and
  stop there (`tables_at`); each run's close of that turn is the reference engine's, from
  the prefix's state with the run's seed and resolves, and the run comes back to the kernel
  on tables cached by the shape of the state its close made (`resume.finish`). An open turn
  nobody has acted on yet is closed by the kernel, its tables built from there, as after a
  run's option phase.
- Ended with the game (its last turn closed, or ended by the umpire): every run's summary is
  the prefix's own.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..doctrine import Doctrine
from ..state import GameState, Status, fold
from .resume import _LAST, _Run
from .tables import Tables, build_tables, tables_at

if TYPE_CHECKING:
    from ..mc_tally import RunSummary
    from ..montecarlo import Plan, _Reading

__all__ = ["Start", "fold_prefix", "prefix_tables", "summaries"]


@dataclass(frozen=True)
class Start:
    """A plan's prefix as every run's game folds it (its seed aside) and as its summary reads it."""
    state: GameState
    reading: _Reading

    @property
    def ended(self) -> bool:
        """Nothing is left to play: `Game.play` plays no turn from here."""
        gs = self.state
        return gs.status is not Status.OPEN and (gs.status is Status.FINISHED or gs.turn >= gs.scenario.turns)

    def begun(self) -> _Run:
        """A run's reading of the prefix, its own to go on with (a copy of what is shared)."""
        from ..montecarlo import _Reading
        seen = self.reading
        run = _Run()
        run.seen = _Reading(asked=list(seen.asked), kept=dict(seen.kept), honoured=seen.honoured,
                            tested=seen.tested, cohesion={t: list(acc) for t, acc in seen.cohesion.items()},
                            belligerents=set(seen.belligerents), first_war=seen.first_war, fired=list(seen.fired))
        run.decisions = dict(self.state.decisions)
        run.invocations = dict(self.state.invocations)
        return run


def fold_prefix(plan: Plan) -> Start:
    """The plan's prefix re-seeded as `play_run` re-seeds it (any seed: each run puts in its own),
    folded and read once. A prefix that does not fold raises the engine's error."""
    from ..montecarlo import _read, reseed
    events = reseed(plan.prefix, 0)
    return Start(fold(plan.scenario, events), _read(events))


def prefix_tables(plan: Plan, doctrine: Doctrine, start: Start) -> Tables:
    """The tables every run from the prefix starts on (OutOfScope when the skeleton from there
    meets what the kernel does not compile)."""
    gs = start.state
    if gs.status is Status.OPEN and not _untouched(gs):
        return tables_at(plan.scenario, doctrine, gs, leave=True)
    if start.ended:
        return tables_at(plan.scenario, doctrine, gs, leave=False)
    return build_tables(plan.scenario, doctrine, gs)


def _untouched(gs: GameState) -> bool:
    """An open turn nobody has acted on since it opened: no answer given or overridden, no option
    left for the doctrine to choose at the close (each run's own draw), no close tried. Its close
    is then the skeleton's, as after a run's option phase (engine.kernel.resume)."""
    return not (gs.turn_decisions or gs.overrides or gs.options_due or gs.awaiting)


def summaries(plan: Plan, tables: Tables, start: Start, first: int, stop: int) -> list[tuple[RunSummary, bool]]:
    """The summaries of runs first..stop-1 from the prefix, each exactly `play_run`'s, and whether
    the reference engine played part of it."""
    from ..montecarlo import run_weights
    from . import _batches
    out: list[tuple[RunSummary, bool]] = []
    for batch in _batches(plan, tables, first, stop):
        for k in range(len(batch.seeds)):
            run = start.begun()
            if batch.bail[k] >= 0:
                out.append((batch.finish(plan, tables, k, run), True))
                continue
            index = batch.first + k
            run.kernel_part(tables, _LAST, batch.ranks[k], batch.honour[k], batch.cohesion[k], batch.declared[k],
                            None)
            out.append((run.summary(plan, index, run_weights(plan.seed, index, plan.vary), tables.origins), False))
    return out
