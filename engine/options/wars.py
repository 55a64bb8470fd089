"""Who is at war with whom, and the forces deployed in play, as the options' doctrine reads them:
once per list of wars or of forces, not once per world.

A game builds a new `World` whenever the state changes, and each world works out its
wars afresh (`World._enemies`) when first asked. An option is weighed first in a turn,
often before anything else has asked the turn's new world, so it would pay for that
again and again although the wars rarely change from one world to the next. Here the
reading of the same list of `War` objects is kept and shared by every world that holds
it: the same map `World` makes, from the same code, read once.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import cached_property
from typing import cast

from ..doctrine import readings as rd
from ..model import Deployment
from ..world import War, World

_NOBODY: frozenset[str] = frozenset()
_NO_WARS: Mapping[str, frozenset[str]] = {}
_KEY = "options: wars"
_BY_VERSION = "options: wars by version"
_LIMIT = 1024


class Wars:
    """The enemies of every state at war, and each state's side, for one list of wars."""
    __slots__ = ("_sides", "enemies", "wars")

    def __init__(self, wars: tuple[War, ...], enemies: Mapping[str, frozenset[str]]) -> None:
        self.wars = wars              # held, so that no other War can take one of their ids
        self.enemies = enemies
        self._sides: dict[str, frozenset[str]] = {}

    def of(self, state: str) -> frozenset[str]:
        return self.enemies.get(state, _NOBODY)

    def at_war(self, a: str, b: str) -> bool:
        return b in self.enemies.get(a, ())

    def side(self, state: str) -> frozenset[str]:
        """`state` and the states fighting its enemies alongside it (as engine.numeric.side_power counts
        a side)."""
        found = self._sides.get(state)
        if found is None:
            enemies = self.enemies
            friends = {state}
            for foe in enemies.get(state, _NOBODY):
                friends |= enemies[foe]
            found = self._sides[state] = frozenset(friends)
        return found


_PEACE = Wars((), _NO_WARS)
# World's own reading of its wars (the body of its cached `_enemies`), called without caching it
# on the world: one definition of who is at war with whom.
_READ: Callable[[World], Mapping[str, frozenset[str]]] = cast(
    "cached_property[Mapping[str, frozenset[str]]]", vars(World)["_enemies"]).func


def wars_of(world: World, shared: rd.Memo | None = None, warfare: int | None = None) -> Wars:
    """The reading of `world`'s wars, shared by every world of the scenario with the very same
    War objects (in the same order: the map is the same either way, the key simpler), or with the
    same version of the wars (engine.state.GameState.warfare) where the caller knows it."""
    wars = world.wars
    if not wars:
        return _PEACE
    scratch = rd.shared_scratch(world) if shared is None else shared
    if warfare is not None:
        # The version names the wars' values: one integer look-up, whichever game made them.
        by_version: dict[int, Wars] = scratch.setdefault(_BY_VERSION, {})
        found = by_version.get(warfare)
        if found is None:
            if len(by_version) >= _LIMIT:
                by_version.clear()
            found = by_version[warfare] = wars_of(world, scratch)
        return found
    memo: dict[tuple[int, ...], Wars] = scratch.setdefault(_KEY, {})
    # Identity is enough: the entry holds its War objects, so no other object can have their ids.
    key = tuple(map(id, wars))
    found = memo.get(key)
    if found is None:
        if len(memo) >= _LIMIT:
            memo.clear()
        found = memo[key] = Wars(wars, _READ(world))
    return found


_FORCES = "options: forces"
Forces = tuple[tuple[str, str, str], ...]


def forces_of(world: World, shared: rd.Memo | None = None) -> Forces:
    """The forces deployed in play, as plain (state, host, size) values: what the options' memos are
    keyed by. A Deployment hashes and compares through Python code, and a memo's key is hashed on
    every look-up and compared with keys made from other games' Deployment objects; strings are not.
    Read once per tuple of the very same Deployment objects."""
    forces = world.forces
    if not forces:
        return ()
    memo: dict[tuple[int, ...], tuple[tuple[Deployment, ...], Forces]] = (
        rd.shared_scratch(world) if shared is None else shared).setdefault(_FORCES, {})
    key = tuple(map(id, forces))  # the entry holds the Deployments: no other object can take their ids
    found = memo.get(key)
    if found is None:
        if len(memo) >= _LIMIT:
            memo.clear()
        found = memo[key] = (forces, tuple((d.state, d.host, d.size.value) for d in forces))
    return found[1]
