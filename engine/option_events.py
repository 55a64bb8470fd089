"""The events of options and of the end of wars (SCENARIO_FORMAT.md, "Options"; engine.options).

Registered with the other events by engine.events, which imports this module and names its
classes: read them from engine.events as any other event.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .events import Event, Kind, Phase, _kind
from .model import DecisionSource, ForceSize


@_kind(Kind.OPTION_OFFERED, Phase.DECISIONS)
@dataclass(frozen=True, slots=True, kw_only=True)
class OptionOffered(Event):
    """An option of a state its cell plays: the turn waits for the cell's choice."""
    inject: str
    state: str


@dataclass(frozen=True, slots=True, kw_only=True)
class OptionChoice(Event):
    """A state's choice on one of its options this turn, and who made it (engine.options)."""
    inject: str
    state: str
    source: DecisionSource
    probability: float | None = None           # the doctrine's chance of taking it, when explained
    rationale: str = ""

    def data(self) -> dict[str, Any]:
        out = Event.data(self)
        if out["probability"] is None:
            del out["probability"]
        return out


@_kind(Kind.OPTION_TAKEN, Phase.DECISIONS)
@dataclass(frozen=True, slots=True, kw_only=True)
class OptionTaken(OptionChoice):
    pass


@_kind(Kind.OPTION_DECLINED, Phase.DECISIONS)
@dataclass(frozen=True, slots=True, kw_only=True)
class OptionDeclined(OptionChoice):
    pass


@_kind(Kind.OPTION_LAPSED, Phase.RESOLUTION)
@dataclass(frozen=True, slots=True, kw_only=True)
class OptionLapsed(Event):
    inject: str
    state: str | None = None


@_kind(Kind.WAR_ENDED, Phase.RESOLUTION)
@dataclass(frozen=True, slots=True, kw_only=True)
class WarEnded(Event):
    """Belligerency between two states ends: a ceasefire between them, or one that ends the
    war their war came from (`ceasefire` names the inject)."""
    aggressor: str
    defender: str
    ceasefire: str
    origins: tuple[str, ...] = ()              # the attacks whose wars end with it


@_kind(Kind.RESOLVE_SET, Phase.SETUP)
@dataclass(frozen=True, slots=True, kw_only=True)
class ResolveSet(Event):
    """An option's resolve in this game instead of the scenario's: what `--vary ID.resolve=LOW:HIGH`
    draws for each Monte Carlo run, kept in the log so the game replays exactly."""
    inject: str
    resolve: float


@_kind(Kind.FORCES_DEPLOYED, Phase.INJECTS)
@dataclass(frozen=True, slots=True, kw_only=True)
class ForcesDeployed(Event):
    """A reassurance deployment carried out in play (a `deployment` option taken, to an ally):
    from now on the forces of `state` in `host` are a tripwire, as a deployment the scenario
    lists is (DOCTRINE.md, tripwire)."""
    state: str
    host: str
    size: ForceSize = ForceSize.BATTALION
