"""A chunk's answers and commitments counted by their numbers, and named once (engine.mc_tally.Tally).

A run of the run loop ends with its answers that stand and its commitments as the plan's numbers
(engine.kernel.run_plan.RunLoop: each answer given, each (attack, ally) pair kept or broken). The
tally counts each (attack, state, turn, level, bound) and (attack, state, kept) over the runs; a
run's summary would make a tuple of each, and the tally hash it, some 140 a run. Counted by number
instead (small integers, counted in C), each number met is named once per chunk: the same counts,
whatever the order and however the runs are grouped.

Numbers hold for one numbering of the plan: the counts are named with the plan's names of their
numbering before a run of a later numbering is counted.
"""
from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING, Any

from ..mc_tally import Entry

if TYPE_CHECKING:
    from .run_plan import RunLoop

__all__ = ["Counted"]


class Counted:
    """The answers and commitments of some runs of one plan, by number, then by name (`entries`)."""

    def __init__(self) -> None:
        self.numbering = -1
        self._names: tuple[list[tuple[str, str, int, int, bool]], list[tuple[str, str, bool]]] = ([], [])
        self._given: Counter[int] = Counter()
        self._honour: Counter[int] = Counter()
        self._named: Counter[Entry] = Counter()

    def add(self, loop: RunLoop, numbering: int, given: Any, honour: Any) -> None:
        """A run's answers that stand (`given`: their numbers, an array) and its commitments (`honour`:
        2 * pair + kept, an array), under the plan's `numbering`."""
        if numbering != self.numbering:
            self._name()
            self.numbering, self._names = numbering, (loop.summaries, loop.honour)
        self._given.update(given.tolist())
        self._honour.update(honour.tolist())

    def entries(self) -> Counter[Entry]:
        """Every answer and commitment counted, by name, with its count."""
        self._name()
        return self._named

    def _name(self) -> None:
        summaries, honour = self._names
        named = self._named
        for g, n in self._given.items():
            named[summaries[g]] += n
        for h, n in self._honour.items():
            named[honour[h]] += n
        self._given.clear()
        self._honour.clear()
