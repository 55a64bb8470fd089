"""An attack option read in a batch run (`advice(..., say=False)`): the factors of
`doctrine.attack_values` and the chance of `doctrine.chance`, from one record per option.

A Monte Carlo run weighs an attack option about seven times, each time from memory the rest
of the run has pushed out of the caches. The record holds what the option fixes (its
attackers, target and exposure) beside the coalition's readings of that attack by the
version of the setting, so a reading looks up the record, the version and the members'
mean reputations; the factors and the chance are the explained path's own functions.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..doctrine import readings as rd
from ..model import Inject
from ..state import GameState
from ..world import World
from .coalition import ATTACKS, AtSettings, settings_of, weigh_at
from .doctrine import attack_factors, chance, exposure_of
from .probes import probes as read_probes


@dataclass(frozen=True, slots=True)
class _Record:
    """What an attack option fixes, for its readings: the option itself (its record is found by its
    identity), its actor, the attackers and the target, how much of the coalition it feels, and the
    coalition's readings of the attack by the version of the setting (shared with the explained
    path's)."""
    inject: Inject
    actor: str
    attackers: tuple[str, ...]
    target: str
    exposure: float
    settings: AtSettings


def attack_chance(gs: GameState, inject: Inject, world: World) -> float:
    """The chance that the option's actor takes the attack now, as `doctrine.chance` gives it for
    `doctrine.attack_values`' factors with the game's resolve and the actor's probes."""
    shared = rd.shared_scratch(world)
    records: dict[int, _Record] | None = shared.get(ATTACKS)
    if records is None:
        records = shared[ATTACKS] = {}
    record = records.get(id(inject))
    if record is None or record.inject is not inject:
        record = records[id(inject)] = _record(shared, inject)
    probes = read_probes(gs, record.actor)
    balance, nuclear, _, _ = weigh_at(world, shared, record.settings, record.attackers, record.target,
                                      record.exposure, gs.setting, gs.warfare)
    # The factors and the chance by the explained path's own functions: the rule is written once.
    return chance("attack", attack_factors(inject, gs.resolves.get(inject.id, inject.resolve), balance, nuclear,
                                           probes))


def _record(shared: rd.Memo, inject: Inject) -> _Record:
    actor = inject.actors[0] if inject.actors else ""
    attackers, target = tuple(inject.actors) or (actor,), inject.target or ""
    return _Record(inject, actor, attackers, target, exposure_of(inject), settings_of(shared, attackers, target))
