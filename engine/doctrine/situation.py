"""What a decision is about, and one reason behind its answer."""
from __future__ import annotations

from dataclasses import dataclass

from ..frozen import quick
from ..model import Response
from ..network import Attack
from ..world import World


# Built for every decision the doctrine takes (quick: engine.frozen).
@quick
@dataclass(frozen=True, slots=True)
class Situation:
    """What the deciding state knows when it decides.

    `partner` is the state it may come to: the attacked victim, or for offense
    and neutrality owed to an attacker, that attacker. `article` indexes the
    treaty's obligations. `triggered` is the alliance graph's verdict on the
    casus foederis (False: a non-ally or a void obligation, which may still act).
    """
    world: World
    ally: str
    partner: str
    attack: Attack
    treaty: str | None = None
    article: int | None = None
    leader_response: Response | None = None
    triggered: bool = True


@dataclass(frozen=True, slots=True)
class Factor:
    """One reason: the factor's value, its weight, and plain words to read out."""
    name: str
    value: float
    weight: float
    text: str

    @property
    def contribution(self) -> float:
        return self.value * self.weight
