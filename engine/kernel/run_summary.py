"""A run of the run loop summarised (engine.montecarlo.summarise), read off the run's own state
(engine.kernel.run_loop.RunState): its answers that stand, its commitments kept and broken, each
treaty's cohesion, the states that went to war, the turn of its first war, the injects fired, and
for a scripted crisis which entries of the record it reproduced.

In a worker's chunk the answers, commitments and injects fired are counted by number
(engine.kernel.counted) rather than named in each summary: the same counts, named once a chunk.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ..mc_tally import RunSummary
from .counted import Counted
from .open_loop import FIRED
from .settle_loop import ANSWERED, ASKED, FIRST_WAR, PAIRS, TREATIES

if TYPE_CHECKING:
    from .run_loop import RunState

__all__ = ["summarise"]


def summarise(run: RunState, index: int, drawn: tuple[float, ...], counted: Counted | None = None) -> RunSummary:
    """Run `index`'s summary (`drawn`: its weights drawn). With `counted` (and no script to match), the
    answers, commitments and injects fired are counted there by number, not named in the summary."""
    loop, at = run.loop, run.at
    run.renumbered()
    order = run.pair_order[:at[PAIRS]]
    keys = run.key_order[:at[ANSWERED]]
    honour = 2 * order + run.pair_kept[order]
    script = None
    fired: tuple[tuple[str, int], ...] = ()
    if counted is not None and not loop.scenario.script:
        counted.add(loop, run.numbering, run.key_given[keys], honour, run.log[:at[FIRED]])
        decisions: tuple[tuple[str, str, int, int, bool], ...] = ()
        named: tuple[tuple[str, str, bool], ...] = ()
    else:
        decisions = tuple(map(loop.summaries.__getitem__, run.key_given[keys].tolist()))
        named = tuple(map(loop.honour.__getitem__, honour.tolist()))
        fired = tuple(run.fired)
    if loop.scenario.script:
        from ..montecarlo import _script_matches
        asked = [(*loop.keys[k], t) for k, t in run.asked[:at[ASKED]].tolist()]
        final = {loop.keys[k]: (t, r, b) for k, (_, _, t, r, b) in zip(keys.tolist(), decisions)}
        script = _script_matches(loop.scenario, asked, final, {a: x.origin for a, x in run.attacks.items()})
    first_war = int(at[FIRST_WAR])
    return RunSummary(
        index=index, decisions=decisions, honour=named,
        honoured=int(run.commitments[1]), tested=int(run.commitments[0]),
        cohesion=tuple((loop.treaty_ids[k], float(run.cohesion[k]) / int(run.cases[k]))
                       for k in run.treaty_order[:at[TREATIES]].tolist()),
        belligerents=int(np.count_nonzero(run.belligerent)), first_war=first_war if first_war >= 0 else None,
        script=script, weights=drawn, injects=fired)
