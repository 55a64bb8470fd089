"""A chunk's answers, commitments and injects fired counted by their numbers, and named once
(engine.mc_tally.Tally).

A run of the run loop ends with its answers that stand and its commitments as the plan's numbers
(engine.kernel.run_plan.RunLoop: each answer given, each (attack, ally) pair kept or broken). The
tally counts each (attack, state, turn, level, bound) and (attack, state, kept) over the runs; a
run's summary would make a tuple of each, and the tally hash it, some 140 a run. Counted by number
instead (each run's numbers added to an array of counts in one numpy call), each number met is named
once per chunk: the same counts, whatever the order and however the runs are grouped. So are the
injects fired, by (place, turn).

Numbers hold for one numbering of the plan: the counts are named with the plan's names of their
numbering before a run of a later numbering is counted.
"""
from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING, Any

import numpy as np

from ..mc_tally import Entry

if TYPE_CHECKING:
    from .run_plan import RunLoop

__all__ = ["Counted"]


class Counted:
    """The answers, commitments and injects fired of some runs of one plan, by number, then by name
    (`entries`, `fired`)."""

    def __init__(self) -> None:
        self.numbering = -1
        self._names: tuple[list[tuple[str, str, int, int, bool]], list[tuple[str, str, bool]]] = ([], [])
        # per number: the runs that gave it (the numbers index the plan's names of `numbering`)
        self._given = np.zeros(0, dtype=np.int64)
        self._honour = np.zeros(0, dtype=np.int64)
        self._named: Counter[Entry] = Counter()
        # per (inject, turn): the runs that fired it then (the injects' places are the plan's, never renumbered)
        self._injects: tuple[str, ...] = ()
        self._fired = np.zeros((0, 0), dtype=np.int64)

    def add(self, loop: RunLoop, numbering: int, given: Any, honour: Any, fired: Any) -> None:
        """A run's answers that stand (`given`: their numbers, an array) and its commitments (`honour`:
        2 * pair + kept, an array), under the plan's `numbering`; the injects it fired (`fired`: (place,
        turn) rows)."""
        if numbering != self.numbering:
            self._name()
            self.numbering, self._names = numbering, (loop.summaries, loop.honour)
        self._given = _counted(self._given, given, len(loop.summaries))
        self._honour = _counted(self._honour, honour, len(loop.honour))
        if not self._injects:
            self._injects = loop.options.injects
            self._fired = np.zeros((len(self._injects), loop.scenario.turns + 1), dtype=np.int64)
        np.add.at(self._fired, (fired[:, 0], fired[:, 1]), 1)

    def entries(self) -> Counter[Entry]:
        """Every answer and commitment counted, by name, with its count."""
        self._name()
        return self._named

    def fired(self) -> dict[str, Counter[int]]:
        """Per inject fired, the runs that fired it on each turn."""
        found: dict[str, Counter[int]] = {}
        for place, turn in np.argwhere(self._fired).tolist():
            found.setdefault(self._injects[place], Counter())[turn] = int(self._fired[place, turn])
        return found

    def _name(self) -> None:
        (summaries, honour), named = self._names, self._named
        for counts, names in ((self._given, summaries), (self._honour, honour)):
            found = np.flatnonzero(counts)
            for k, n in zip(found.tolist(), counts[found].tolist()):
                named[names[k]] += n
        self._given, self._honour = np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)


def _counted(counts: Any, numbers: Any, size: int) -> Any:
    """`counts` (grown to `size` if shorter) with one more for each of `numbers`."""
    if counts.shape[0] < size:
        grown = np.zeros(max(size, 2 * counts.shape[0]), dtype=np.int64)
        grown[:counts.shape[0]] = counts
        counts = grown
    np.add.at(counts, numbers, 1)
    return counts
