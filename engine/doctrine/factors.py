"""The factors' values in one situation: the hot path of every decision.

One pass, numbers only: Monte Carlo draws thousands of decisions, and the words
that explain them are written apart (explain.py), only when someone reads them.
Each value is scaled to [0, 1] or [-1, 1] as doctrine.json's `range` says.
"""
from __future__ import annotations

from collections.abc import Iterator, Mapping

from .. import numeric
from ..model import Obligation, ObligationType, Response, State, Treaty
from ..network import Attack
from ..world import INITIAL_REPUTATION, World
from . import readings as rd
from .data import ATTRIB, COST, ENTRAP, FACTORS, KIND_CLARITY, LEADER, OBSOLETE
from .situation import Situation

# A factor with no commitment in play: the casus foederis fails (-1), the commitment's own
# factors are absent (0). Order: casus_foederis, formality, commitment, institutionalization,
# leader, regime, obsolescence, lesser_obligation, leader_attacked.
_NO_TREATY = (-1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0)
# Obligations that ask less than arms: to consult, to stay out, not to attack (ATOP's
# consultation, neutrality and non-aggression). Honouring one is a lower level of the scale.
_LESSER = frozenset({ObligationType.CONSULTATION, ObligationType.NEUTRALITY,
                     ObligationType.NONAGGRESSION})
# The middle of the response scale (diplomatic, rank 2) and its half-width: the leader's
# answer centred on [-1, 1] (hostile -1 ... full +1, doctrine.json, leader).
_MID_RANK, _HALF_SCALE = Response.DIPLOMATIC.rank, 2.0
_SEVERITY_FLOOR = float(ATTRIB["severity_floor"])
_AGE_FULL = float(OBSOLETE["age_years_full"])


def values(s: Situation) -> tuple[float, ...]:
    """The factor values before weighting, in documentation order (data.FACTORS)."""
    world = s.world
    # All but two factors read the world's setting and turn alone: what they give is kept in the
    # scratch the worlds of that setting and turn share (readings.scratch), across the games of a
    # batch and whatever their wars. The deciding state's reputation and the cost of war (which
    # reads the wars) are read each time, and put in at their places.
    memo = rd.scratch(world)
    before, after = _kept_of(s, memo)
    treaty = world.scenario.treaty_by_id.get(s.treaty) if s.treaty is not None else None
    cost = _cost_of_war(world, rd.our_side(s, memo, treaty), rd.opponents(s.attack, s.partner))
    return (*before, _centred(world.reputation.get(s.ally, INITIAL_REPUTATION)), cost, *after)


def kept_values(s: Situation) -> tuple[float, ...]:
    """`values` but the two read each time, the reputation and the cost of war, whose places hold 0.0: for
    a reader that puts them in itself (the kernel's cascade, which reads them from the run's state)."""
    before, after = _kept_of(s, rd.scratch(s.world))
    return (*before, 0.0, 0.0, *after)


def _kept_of(s: Situation, memo: rd.Memo) -> tuple[tuple[float, ...], tuple[float, ...]]:
    """The kept factors' values, before and after the places of the two read each time (`_settled`),
    kept in the scratch of the situation's setting and turn."""
    key = (_VALUES, s.attack, s.ally, s.partner, s.treaty, s.article, s.leader_response, s.triggered)
    found: tuple[tuple[float, ...], tuple[float, ...]] | None = memo.get(key)
    if found is None:
        found = memo[key] = _settled(s)
        _count_kept(s.world)
    return found


_VALUES = "factors: values"
# The places of the two factors `values` reads each time, next to each other.
REPUTATION_AT, COST_AT = FACTORS.index("reputation"), FACTORS.index("cost_of_war")
if COST_AT != REPUTATION_AT + 1:
    raise RuntimeError("factors.values puts the reputation and the cost of war in side by side")


# How many situations' values a scenario keeps, then its scratch dicts of settings start afresh:
# memory stays flat however many runs a batch plays. The teaching scenario's runs meet some 24,000
# situations in 6,000 runs, new ones ever fewer; at 16,384 they were all read again every 1,500
# runs or so (11 readings a run where 1.2 are new). Kept, they take some 0.7 KiB each: at most
# about 45 MiB at the bound, 6 MiB more than at 16,384 after 7,000 teaching runs.
_VALUES_KEPT = 1 << 16
_COUNT = "factors: values kept"


def _count_kept(world: World) -> None:
    shared = rd.shared_scratch(world)
    kept = shared[_COUNT] = shared.get(_COUNT, 0) + 1
    if kept >= _VALUES_KEPT:
        shared[_COUNT] = 0
        rd.renew_settings(world)


class ReputationRead(RuntimeError):
    """A factor other than `reputation` read a reputation: values kept across reputations would
    be wrong."""


def _settled(s: Situation) -> tuple[tuple[float, ...], tuple[float, ...]]:
    """The kept factors, before and after the reputation's and the cost's places, read off the
    world with reputations that say whether anyone read them: the values are kept whatever the
    reputations, so a factor that read one fails here, loudly, rather than leave a value wrong."""
    world = s.world
    watched = _Watched(world.reputation)
    found = _kept(Situation(world.evolve(reputation=watched), s.ally, s.partner, s.attack, s.treaty, s.article,
                            s.leader_response, s.triggered))
    if watched.read:
        raise ReputationRead(
            "a doctrine factor other than 'reputation' read a reputation, yet the factors' values are kept "
            "across reputations (engine/doctrine/factors.py, values): read reputations in that factor alone, "
            "or read the factor that reads them each time, as values reads the reputation")
    return found[:REPUTATION_AT], found[REPUTATION_AT:]


class _Watched(Mapping[str, float]):
    """A world's reputations that note whether anyone read them."""
    __slots__ = ("_of", "read")

    def __init__(self, of: Mapping[str, float]) -> None:
        self._of, self.read = of, False

    def __getitem__(self, state: str) -> float:
        self.read = True
        return self._of[state]

    def __iter__(self) -> Iterator[str]:
        self.read = True
        return iter(self._of)

    def __len__(self) -> int:
        self.read = True
        return len(self._of)


def _kept(s: Situation) -> tuple[float, ...]:
    """Every factor's value but the reputation's and the cost of war's, in documentation order."""
    world, attack, ally, partner = s.world, s.attack, s.ally, s.partner
    me, them = world.states[ally], world.states[partner]
    memo, shared = rd.scratch(world), rd.shared_scratch(world)
    opponents = rd.opponents(attack, partner)
    threat, affinity, trade = _relations(world, ally, partner, opponents)
    treaty = world.scenario.treaty_by_id.get(s.treaty) if s.treaty is not None else None
    casus, formality, commitment, institution, leader, regime, obsolete, lesser, led = (
        _NO_TREATY if treaty is None else _commitment(s, memo, shared, treaty, me))
    tied, bloc = rd.ties(world, memo, ally, opponents, partner)
    invited = rd.invited(world, shared, attack, ally, partner)
    return (
        casus, formality, commitment, institution, _tripwire(world, shared, attack, ally, partner),
        threat, affinity, leader, _centred(them.burden_sharing), regime,
        # (the reputation's and the cost of war's places: values puts them in)
        trade, _entrapment(world, attack, me, partner),
        0.0 if invited else _ambiguity(attack), obsolete,
        _stakes(world, memo, ally, casus, affinity), tied, bloc, _invitation(invited, casus), lesser,
        led,
    )


def _invitation(invited: bool, casus: float) -> float:
    """1 when the partner asked a state no obligation in play binds. Collective self-defence
    needs the victim's request (ICJ, Nicaragua 1986, para. 199): to a state outside the
    treaties the request is the legal ground to come; to an ally the treaty is that ground
    already, and its request adds nothing (allies sure of help seldom need to ask)."""
    return 1.0 if invited and casus <= 0.0 else 0.0


def _centred(share: float) -> float:
    """A share in [0, 1] on [-1, 1], its middle at 0: 2 * share - 1."""
    return 2.0 * share - 1.0


def _relations(world: World, ally: str, partner: str,
               opponents: tuple[str, ...]) -> tuple[float, float, float]:
    """(threat, affinity, interdependence): the highest threat and trade the ally has with an
    opponent, and half its affinity for the partner less that for the friendliest opponent."""
    relations = world.relations
    threat = trade = 0.0
    affinity_x = -1.0 if opponents else 0.0  # the friendliest opponent; none: neutral
    for x in opponents:
        r = relations.get((ally, x))
        if r is not None:
            threat = max(threat, r.threat)
            affinity_x = max(affinity_x, r.affinity)
            trade = max(trade, r.trade)
        else:
            affinity_x = max(affinity_x, 0.0)
    to_partner = relations.get((ally, partner))
    # Half the difference keeps it in [-1, 1] (doctrine.json, affinity).
    affinity = 0.5 * ((to_partner.affinity if to_partner is not None else 0.0) - affinity_x)
    return threat, affinity, trade


def _tripwire(world: World, shared: rd.Memo, attack: Attack, ally: str, partner: str) -> float:
    """The ally's forces in the partner, and in the attacked territory when it is another's."""
    found = rd.tripwire(world, shared, ally, partner)
    territory = attack.territory_of
    if territory != partner and partner == attack.target and territory in world.states:
        found = min(1.0, found + rd.tripwire(world, shared, ally, territory))
    return found


def _commitment(s: Situation, memo: rd.Memo, shared: rd.Memo, treaty: Treaty,
                me: State) -> tuple[float, float, float, float, float, float, float, float, float]:
    """The factors of the commitment in play, in the order of _NO_TREATY."""
    obligation, formality, commitment, publicity = rd.terms(shared, treaty, s.article, s.ally)
    holds = s.triggered and _holds(obligation, s.ally, s.partner, s.attack)
    lesser = 1.0 if holds and obligation is not None and obligation.type in _LESSER else 0.0
    return (1.0 if holds else -1.0, formality, commitment, treaty.institutionalization,
            _leader(s, memo, treaty), rd.DEMOCRACY[me.regime] * publicity,
            _obsolescence(s.world, memo, treaty), lesser,
            1.0 if rd.leader_of(s.world, memo, treaty) == s.partner else 0.0)


def _holds(obligation: Obligation | None, ally: str, partner: str, attack: Attack) -> bool:
    """The obligation binds the ally and no non-provocation clause voids it."""
    if obligation is None or not obligation.binds(ally):
        return False
    return not (obligation.non_provocation and attack.provoked and partner == attack.target)


def _leader(s: Situation, memo: rd.Memo, treaty: Treaty) -> float:
    """The major allies' mood toward the partner, mixed with the leader's answer once given."""
    _, alignment = rd.majors(s.world, memo, treaty, s.ally, s.partner)
    if s.leader_response is None or rd.leader_of(s.world, memo, treaty) == s.ally:
        return alignment
    share = LEADER["answer_share_coercive" if treaty.governance == rd.COERCIVE
                   else "answer_share_liberal"]
    answer = (rd.RANK[s.leader_response] - _MID_RANK) / _HALF_SCALE
    mixed: float = share * answer + (1.0 - share) * alignment
    return mixed


def _obsolescence(world: World, memo: rd.Memo, treaty: Treaty) -> float:
    """How far the treaty fits reality less: drift in its members' power and regime, and age."""
    key = ("obsolescence", treaty.id)
    found: float | None = memo.get(key)
    if found is None:
        survey = rd.survey(world, memo, treaty)
        age = min(1.0, rd.years(world, treaty) / _AGE_FULL)
        found = memo[key] = (OBSOLETE["power_change"] * survey.power_change
                             + OBSOLETE["regime_change"] * survey.regime_change + OBSOLETE["age"] * age)
    return found


def _cost_of_war(world: World, ours_core: tuple[str, ...], opponents: tuple[str, ...]) -> float:
    """The other side's share of the two sides' power, and whether it has nuclear weapons: the sides
    read off the world's wars, the formula the numeric core's (one copy, which numba compiles too)."""
    if not opponents:
        return 0.0
    ours, _ = rd.side_power(world, ours_core)
    theirs, nuclear = rd.side_power(world, opponents)
    return numeric.cost_of_war(ours, theirs, nuclear, _SHARE_WEIGHT, _NUCLEAR_WEIGHT)


_SHARE_WEIGHT, _NUCLEAR_WEIGHT = float(COST["power_share"]), float(COST["nuclear"])


def _entrapment(world: World, attack: Attack, me: State, partner: str) -> float:
    """A partner that provoked the attack, and a war outside the deciding state's region."""
    provoked = 1.0 if attack.provoked and partner == attack.target else 0.0
    region = rd.war_region(world, attack)
    outside = 1.0 if me.region is not None and region is not None and region != me.region else 0.0
    value: float = ENTRAP["provoked"] * provoked + ENTRAP["outside_region"] * outside
    return value


def _stakes(world: World, memo: rd.Memo, ally: str, casus: float, affinity: float) -> float:
    """A state no obligation binds: its standing as a power times its leaning to the partner
    (the affinity factor, when positive). Zero when an obligation in play binds it."""
    if casus > 0.0 or affinity <= 0.0:
        return 0.0
    return rd.standing(world, memo, ally) * affinity


def _ambiguity(attack: Attack) -> float:
    """(For a state the target has not asked in: the target's request names its attacker, so
    an invited state reads no ambiguity; ICJ, Nicaragua 1986, para. 199.)
    1 - attribution * clarity of its kind * (floor + (1 - floor) * severity), in [0, 1]."""
    # A threat (a statement, mobilization ... with an actor and a target) reads clearly as one.
    clarity = (attack.attribution * KIND_CLARITY.get(attack.kind, 1.0)
               * (_SEVERITY_FLOOR + (1.0 - _SEVERITY_FLOOR) * attack.severity))
    return clip01(1.0 - clarity)


clip01 = numeric.clip01
