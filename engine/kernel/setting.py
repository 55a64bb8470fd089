"""The versions of the world's setting a run's injects lead to, read by the reference engine's own
fold, for the compiled loops.

A run's setting (the states, relations, treaties in force, who knows which treaty, the forces
deployed: `engine.state.GameState.setting`) changes only when an inject fires: its effects,
a treaty it brings into force or leaves, a disclosure, a deployment. What it changes to is
a function of the version it fires at and the inject (in 300 reference runs each, every
(version, inject) met led to the same version every time: 53 of them on the teaching
scenario, 15 changing the setting, 13 versions; 262, 193 and 124 on Indo-Pacific). So the
compiled loops can hold a run's setting as its version and look up where an inject leads.

`Transitions.after` reads each pair once, the first time a run meets it, by firing the
inject with the reference engine's own phase (`engine.turn._fire`) in a state at that
version: the state the version was first reached in, kept. A version no transition has
reached is not known (the run loop starts from one it knows). tests/test_kernel_options.py
checks every transition met in runs of both teaching scenarios; the run loop
(`engine.kernel.run_loop`) holds a run's setting as its version and reads where each inject
leads it here.
"""
from __future__ import annotations

from ..model import Inject
from ..play import Context, Play
from ..state import GameState
from ..turn import _fire

__all__ = ["Transitions"]


class Transitions:
    """Where each inject leads the setting from each version a run has reached, read when first met.

    A state is kept per version reached (some tens of kilobytes each), at most `KEPT`; past that
    they start afresh from the game's start, so memory stays flat however many runs meet new
    versions. A run whose version is no longer kept reaches it again by its injects (`reach`)."""
    KEPT = 512

    def __init__(self, start: GameState, ctx: Context) -> None:
        self.ctx = ctx
        self.start = start.copy()
        self.states: dict[int, GameState] = {start.setting: self.start}  # a state at each version
        self.found: dict[tuple[int, str], int] = {}

    def after(self, setting: int, inject: Inject) -> int:
        """The version the setting is at once `inject` fires at version `setting` (one kept: else
        KeyError, and `reach` it)."""
        key = (setting, inject.id)
        found = self.found.get(key)
        if found is None:
            play = Play(self.states[setting], self.ctx)  # a copy: the kept state stays as it was
            state = play.run(_fire(play, inject)).state
            if len(self.states) >= self.KEPT:
                self.states, self.found = {self.start.setting: self.start}, {}
            found = self.found[key] = state.setting
            self.states.setdefault(found, state)
        return found

    def reach(self, fired: list[Inject]) -> int:
        """The version the setting reaches from the game's start once `fired` have fired, in order
        (each step read as `after` reads it, its state kept): a run's version made known again."""
        setting = self.start.setting
        for inject in fired:
            setting = self.after(setting, inject)
        return setting
