"""The world as it stands at a moment of play: what injects and wars have changed.

A `World` is an immutable snapshot. The scenario says how things were at turn 1;
the world says how they are now (effects applied, treaties signed or left,
secrets disclosed, wars begun, reputations earned or lost). The alliance graph
and the doctrine read the world, never the game's event log, so both can be
tested on a world built by hand.
"""
from __future__ import annotations

import weakref
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields, replace
from functools import cached_property
from typing import Any

from .frozen import quick
from .model import Deployment, InjectKind, Relation, Scenario, State, Treaty

# Reputation runs 0..1; every state starts with an unremarkable record.
INITIAL_REPUTATION = 0.5
_NOBODY: frozenset[str] = frozenset()
# What a version of the setting names (World.setting).
_SETTING = frozenset(("scenario", "states", "relations", "members_in_force", "known_to", "forces"))


class IdentityMemo:
    """Scratch dicts keyed by object identity, dropped when the object dies.

    A World or a Scenario holds dicts, so it cannot be hashed; id() alone could be
    reused by a later object, so each entry keeps a weak reference to prove it is the
    same one. Both are immutable, so nothing cached from them can go stale.
    """

    def __init__(self) -> None:
        self._entries: dict[int, tuple[weakref.ref[object], dict[Any, Any]]] = {}

    def scratch(self, obj: object, make: Callable[[Any], dict[Any, Any]] | None = None) -> dict[Any, Any]:
        """The object's dict: a new empty one, or `make(obj)`'s, when the object is first met."""
        key = id(obj)
        entry = self._entries.get(key)
        if entry is not None and entry[0]() is obj:
            return entry[1]
        entries = self._entries

        def forget(ref: weakref.ref[object], key: int = key) -> None:
            current = entries.get(key)
            if current is not None and current[0] is ref:
                del entries[key]

        memo: dict[Any, Any] = {} if make is None else make(obj)
        try:
            ref = weakref.ref(obj, forget)
        except TypeError:  # not weakly referenceable: work uncached rather than risk staleness
            return memo
        entries[key] = (ref, memo)
        return memo


@quick
@dataclass(frozen=True, slots=True)
class War:
    """Two states at war, with the side that struck first."""
    aggressor: str
    defender: str

    @property
    def pair(self) -> frozenset[str]:
        return frozenset((self.aggressor, self.defender))


@dataclass(frozen=True)
class World:
    scenario: Scenario
    turn: int = 1
    states: Mapping[str, State] = field(default_factory=dict)
    relations: Mapping[tuple[str, str], Relation] = field(default_factory=dict)
    members_in_force: Mapping[str, frozenset[str]] = field(default_factory=dict)
    known_to: Mapping[str, frozenset[str]] = field(default_factory=dict)
    reputation: Mapping[str, float] = field(default_factory=dict)
    wars: tuple[War, ...] = ()
    forces: tuple[Deployment, ...] = ()    # deployed in play, beside the scenario's deployments
    # The version of the setting this world shows (engine.state.GameState.setting: its states,
    # relations, treaties in force, who knows which treaty, its forces), None when unknown. Two
    # worlds of one scenario with the same setting, turn and wars share what the doctrine reads off
    # them (engine.doctrine.readings.scratch), across the games of a Monte Carlo batch.
    setting: int | None = field(default=None, compare=False)

    @classmethod
    def initial(cls, scenario: Scenario) -> World:
        """The world at turn 1, before any inject has fired."""
        return cls(
            scenario=scenario,
            states=dict(scenario.state_by_id),
            relations=dict(scenario.relation_by_pair),
            members_in_force={t.id: _members_at_start(scenario, t) for t in scenario.treaties},
            known_to={t.id: frozenset(t.members) for t in scenario.treaties},
            reputation={s.id: INITIAL_REPUTATION for s in scenario.states},
        )

    @classmethod
    def of(cls, **values: Any) -> World:
        """A world from the values of all its fields, as the constructor makes it, without the
        frozen dataclass's `object.__setattr__` per field: a batch run makes one per phase
        and per round of war. Anything but every field, by name, goes to the constructor."""
        if cls is not World or values.keys() != _FIELDS:
            return cls(**values)
        world = object.__new__(World)
        world.__dict__.update(values)
        return world

    def evolve(self, **changes: Any) -> World:
        if "setting" not in changes and not _SETTING.isdisjoint(changes):
            changes["setting"] = None  # another setting, whose version nobody has given
        if type(self) is not World or not _FIELDS.issuperset(changes):
            return replace(self, **changes)  # (replace names a field the world does not have)
        # The fields alone: what a cached property keeps belongs to this world, not the new one.
        own = self.__dict__
        return World.of(**{name: own[name] for name in _FIELDS_IN_ORDER} | changes)

    # --- reading -------------------------------------------------------------
    def state(self, state_id: str) -> State:
        return self.states[state_id]

    def name(self, state_id: str | None) -> str:
        """A state's name, or its id for a state the scenario does not know ("?" for none)."""
        found = self.states.get(state_id or "")
        return found.name if found is not None else (state_id or "?")

    def relation(self, source: str, target: str) -> Relation:
        """How `source` sees `target` now; a missing dyad is all zeros."""
        return self.relations.get((source, target)) or Relation(source, target)

    def treaty(self, treaty_id: str) -> Treaty:
        return self.scenario.treaty(treaty_id)

    def in_force(self, treaty_id: str, member: str | None = None) -> bool:
        """Whether the treaty (or `member`'s part in it) binds at this moment."""
        members = self.members_in_force.get(treaty_id, frozenset())
        return member in members if member is not None else len(members) >= 2

    def knows(self, state_id: str, treaty_id: str) -> bool:
        """Whether `state_id` knows of the treaty (members always do)."""
        return state_id in self.known_to.get(treaty_id, frozenset())

    @cached_property
    def _deployments(self) -> Mapping[tuple[str, str], tuple[Deployment, ...]]:
        out: dict[tuple[str, str], list[Deployment]] = {}
        for d in (*self.scenario.deployments, *self.forces):
            out.setdefault((d.state, d.host), []).append(d)
        return {k: tuple(v) for k, v in out.items()}

    def all_deployments(self) -> tuple[Deployment, ...]:
        """The scenario's deployments and those made in play, in that order."""
        return (*self.scenario.deployments, *self.forces)

    def deployments(self, state_id: str, host: str) -> tuple[Deployment, ...]:
        return self._deployments.get((state_id, host), ())

    # The world is frozen, so what is derived from its wars is computed once.
    @cached_property
    def _enemies(self) -> Mapping[str, frozenset[str]]:
        out: dict[str, set[str]] = {}
        for w in self.wars:
            out.setdefault(w.aggressor, set()).add(w.defender)
            out.setdefault(w.defender, set()).add(w.aggressor)
        return {s: frozenset(e) for s, e in out.items()}

    def at_war(self, a: str, b: str) -> bool:
        return b in self._enemies.get(a, ())

    def belligerents(self) -> frozenset[str]:
        return frozenset(self._enemies)

    def enemies_by_state(self) -> Mapping[str, frozenset[str]]:
        """Each belligerent's enemies."""
        return self._enemies

    def enemies(self, state_id: str) -> frozenset[str]:
        return self._enemies.get(state_id, _NOBODY)


_FIELDS_IN_ORDER = tuple(f.name for f in fields(World))
_FIELDS = frozenset(_FIELDS_IN_ORDER)
_AT_START = IdentityMemo()


def _members_at_start(scenario: Scenario, treaty: Treaty) -> frozenset[str]:
    """Members bound at turn 1: a treaty signed in play binds nobody yet, and a
    member who accedes by a `treaty-signed` inject with an actor waits for it."""
    # Asked for every treaty by every new game (a Monte Carlo run is one): read once per scenario.
    memo = _AT_START.scratch(scenario)
    found = memo.get(treaty.id)
    if found is None:
        found = memo[treaty.id] = _read_members_at_start(scenario, treaty)
    return found


def _read_members_at_start(scenario: Scenario, treaty: Treaty) -> frozenset[str]:
    later = [i for i in scenario.injects
             if i.kind is InjectKind.TREATY_SIGNED and i.treaty == treaty.id]
    if any(not i.actors for i in later):
        return frozenset()
    acceding = {a for i in later for a in i.actors}
    return frozenset(m for m in treaty.members if m not in acceding)
