"""An attack option read in a batch run (`advice(..., say=False)`): the factors of
`doctrine.attack_values` and the chance of `doctrine.chance`, from one record per option.

A Monte Carlo run weighs an attack option about seven times, each time from memory the rest
of the run has pushed out of the caches. The record holds what the option fixes (its
attackers, target, exposure and deniability, and the weights of an attack) beside the
coalition's readings of that attack by the version of the setting, so a reading looks up
the record, the version and the members' mean reputations, and does the arithmetic:
the same floats, summed in the same order, as the explained path.
"""
from __future__ import annotations

from dataclasses import dataclass
from operator import mul

from ..doctrine import readings as rd
from ..model import Inject
from ..state import GameState
from ..world import World
from .coalition import ATTACKS, AtSettings, settings_of, weigh_at
from .doctrine import exposure_of, logistic
from .probes import probes as read_probes
from .weights import WEIGHTS


@dataclass(frozen=True, slots=True)
class _Record:
    """What an attack option fixes, for its readings: the option itself (its record is found by its
    identity), its actor, the attackers and the target, how much of the coalition it feels, its
    deniability factor, the attack's bias and weights, and the coalition's readings of the attack
    by the version of the setting (shared with the explained path's)."""
    inject: Inject
    actor: str
    attackers: tuple[str, ...]
    target: str
    exposure: float
    deniability: float
    bias: float
    weights: tuple[float, ...]
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
    read = 1.0 - 2.0 * sum(probes) / len(probes) if probes else 0.0
    values = (2.0 * gs.resolves.get(inject.id, inject.resolve) - 1.0, balance, nuclear, record.deniability, read)
    return logistic(record.bias + sum(map(mul, values, record.weights)))


def _record(shared: rd.Memo, inject: Inject) -> _Record:
    actor = inject.actors[0] if inject.actors else ""
    attackers, target = tuple(inject.actors) or (actor,), inject.target or ""
    table = WEIGHTS["attack"]
    return _Record(inject, actor, attackers, target, exposure_of(inject), 1.0 - inject.attribution, table.bias,
                   table.weights, settings_of(shared, attackers, target))
