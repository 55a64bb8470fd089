"""What an attack is, and what the casus foederis makes of it: `Attack` and `Trigger`.

The value types the alliance graph, the cascade, the turn and the doctrine
share. What an attack of each kind means in law (whether it starts a war,
whether it reaches the armed-attack threshold) is read from the one table of
inject-kind traits, `engine.model.KIND_TRAITS`.
"""
from __future__ import annotations

from dataclasses import dataclass

from .frozen import quick
from .model import Inject, InjectKind, ObligationType, Response

# SCENARIO_FORMAT.md, inject `attribution`: "confidence that actor did it (grey zone
# below 0.5)". Below this confidence allies cannot name the attacker.
GREY_ZONE = 0.5


@quick
@dataclass(frozen=True, slots=True)
class Attack:
    """An attack that may trigger commitments: an inject, or a war a decision began.

    `id` is the inject's id for an inject, and `ORIGIN/STATE>TARGET` for a war
    that a state's decision began during a cascade. `origin` is always the id
    of the inject the chain started from, so a script entry that names that
    inject can answer every link of the chain.
    """
    id: str
    attackers: tuple[str, ...]
    target: str
    kind: InjectKind = InjectKind.ARMED_ATTACK
    region: str | None = None
    territory: str | None = None   # None: the target's own territory
    provoked: bool = False
    attribution: float = 1.0
    severity: float = 0.5
    origin: str = ""
    resisted: bool = True   # False: the target is occupied without a war (Luxembourg 1914)

    @classmethod
    def from_inject(cls, inject: Inject) -> Attack:
        """An attack inject, or a threat (a statement, intelligence report, mobilization or
        deployment with an actor and a target), which travels the same road with fewer rights."""
        assert (inject.is_attack or inject.is_threat) and inject.target is not None
        return cls(
            id=inject.id, attackers=inject.actors, target=inject.target, kind=inject.kind,
            region=inject.region, territory=inject.territory, provoked=inject.provoked,
            attribution=inject.attribution, severity=inject.severity, origin=inject.id,
            resisted=inject.resisted,
        )

    @property
    def threat(self) -> bool:
        """A threat short of an attack: it triggers consultation (NATO art. 4), and obligations
        that say `trigger: mobilization` for a mobilization; its answers begin no war."""
        return self.kind.traits.threat

    @property
    def territory_of(self) -> str:
        return self.territory if self.territory is not None else self.target

    @property
    def starts_war(self) -> bool:
        """Whether the attack by itself makes the attacker and the target belligerents
        (an armed attack does; a terrorist attack, a cyber attack or a border incident does not),
        unless its target does not resist: then it occupies without a war (Luxembourg 1914)."""
        return self.kind.traits.starts_war and self.resisted

    @property
    def short_of_armed_attack(self) -> bool:
        """A cyber attack, hybrid campaign or border incident: no armed attack in law (UN
        Charter art. 51). It calls for consultation, not for defense or offense (see
        engine.casus_foederis), and the doctrine answers it with no combat forces (see
        engine.doctrine). A terrorist attack can reach the threshold, though it starts no
        war with a state by itself."""
        return not self.kind.traits.armed_attack


@quick
@dataclass(frozen=True, slots=True)
class Trigger:
    """One obligation examined against one attack: binding or not, and why.

    `ally` owes the obligation (article `article`, an index into the treaty's
    obligations) to `partner`: the attacked state for defense, consultation
    and neutrality owed to a victim; the attacking member for offense and for
    neutrality owed to a partner that attacks. For a non-aggression pact the
    attack breaks, `ally` is the attacker and `partner` its target.
    """
    treaty: str
    article: int
    ally: str
    partner: str
    attack: str
    type: ObligationType
    triggered: bool
    reason: str


def toward(response: Response, side: str | None, attack: Attack, partner: str) -> Response:
    """A response read toward `partner`: as given when it was given on the partner's side,
    mirrored when it was given on the other side of the attack (aid to the victim is
    hostility toward an attacking partner, and the reverse)."""
    side = side or attack.target
    if side == partner or (side in attack.attackers) == (partner in attack.attackers):
        return response
    if response is Response.HOSTILE:
        return Response.FULL
    if response in (Response.LIMITED, Response.FULL):
        return Response.HOSTILE
    return response
