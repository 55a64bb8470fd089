"""What the doctrine reads off a world: sides, members, terms, deployments.

The factors' values, their words and the credibility of a treaty all read the
same things, so each reading is computed once and kept in a scratch dict. What
is derived from a world's setting and turn (its members in force, their leader,
the major allies, ties) is kept in the scratch of its setting and turn
(`scratch`), whatever its wars; what reads its wars too (sides, coalitions,
threats) in that of its setting, turn and wars (`war_scratch`); what the
scenario alone decides (its treaties' wording, its deployments, its calendar)
in the scenario's, for all its worlds.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypeAlias

from .. import numeric
from ..floats import total
from ..model import (
    Commitment,
    Formality,
    Governance,
    Obligation,
    ObligationType,
    Openness,
    Regime,
    Response,
    Treaty,
)
from ..network import Attack
from ..world import IdentityMemo, World
from .data import LEADER
from .situation import Situation

Memo: TypeAlias = dict[Any, Any]
MEMO = IdentityMemo()

# The scales of DOCTRINE.md's table (doctrine.json, the formality and regime factors):
# evenly spaced from the weakest form, the most secret terms, the least democratic regime.
FORM = {Formality.TREATY: 1.0, Formality.EXECUTIVE_AGREEMENT: 2 / 3,
        Formality.DECLARATION: 1 / 3, Formality.VERBAL: 0.0}
OPEN = {Openness.OPEN: 1.0, Openness.PARTIALLY_SECRET: 0.5, Openness.SECRET: 0.0}
DEMOCRACY = {Regime.DEMOCRACY: 1.0, Regime.HYBRID: 0.5, Regime.AUTOCRACY: 0.0}
# A secret article of a public treaty: its terms are partly secret (doctrine.json, formality).
_SECRET_ARTICLE_OPENNESS = OPEN[Openness.PARTIALLY_SECRET]
# The Julian year, the astronomers' and the calendar's mean: ages in years of 365.25 days.
_DAYS_PER_YEAR = 365.25

# Read for every decision, so looked up once (and an enum member read through its class
# is slow on Python 3.11).
COERCIVE = Governance.COERCIVE
RANK = {r: r.rank for r in Response}
_LIMITED_RANK = Response.LIMITED.rank
MAJOR_ALLIES = int(LEADER["major_allies"])


def scratch(world: World) -> Memo:
    """The world's scratch dict: what is read off its setting and turn, never off its wars or its
    reputations (the wars of the games of a batch part at once, and the reputations move with
    every commitment tested; what reads them is kept in `war_scratch`, or read afresh). Worlds of
    one scenario with the same version of the setting (World.setting) and turn share one, so the
    games of a batch read it once, whatever their wars."""
    memo: Memo = MEMO.scratch(world, _calm)
    return memo


def war_scratch(world: World) -> Memo:
    """The scratch dict of what is read off the world's wars as well (sides, coalitions, threats):
    shared by the worlds of one scenario with the same version of the setting, turn and wars."""
    memo: Memo = _AT_WAR.scratch(world, _at_war)
    return memo


_AT_WAR = IdentityMemo()
# Scratch dicts by (setting, turn) and by (setting, turn, wars), per scenario: at most this many
# of each, then they start afresh.
_CALM, _WORLDS = "readings: settings", "readings: worlds"
_WORLDS_KEPT = 256


def _calm(world: World) -> Memo:
    """The scratch dict of the worlds with this one's setting and turn (its own when the setting
    is unknown)."""
    return _kept(world, _CALM, (world.setting, world.turn))


def _at_war(world: World) -> Memo:
    """The scratch dict of the worlds with this one's setting, turn and wars (its own when the
    setting is unknown)."""
    return _kept(world, _WORLDS, (world.setting, world.turn, world.wars))


def renew_settings(world: World) -> None:
    """Start the scratch dicts of the scenario's settings and turns afresh (a memo that keeps more
    in them than their count bounds calls this when it has kept enough); a world already read
    keeps its own until it dies."""
    shared_scratch(world).pop(_CALM, None)


def _kept(world: World, table: str, key: tuple[object, ...]) -> Memo:
    if world.setting is None:
        return {}
    kept: dict[tuple[object, ...], Memo] = shared_scratch(world).setdefault(table, {})
    memo = kept.get(key)
    if memo is None:
        if len(kept) >= _WORLDS_KEPT:
            kept.clear()
        memo = kept[key] = {}
    return memo


def shared_scratch(world: World) -> Memo:
    """The scratch dict of the world's scenario, shared by all its worlds."""
    memo: Memo = MEMO.scratch(world.scenario)
    return memo


# --- sides and forces -------------------------------------------------------------

# `part`'s share of `part` and `other` (powers): the numeric core's, which the kernel compiles.
share_of = numeric.share_of


def opponents(attack: Attack, partner: str) -> tuple[str, ...]:
    """The other side: the attackers, or the target when the partner is an attacker."""
    return (attack.target,) if partner in attack.attackers else attack.attackers


def tripwire(world: World, shared: Memo, ally: str, host: str) -> float:
    """`ally`'s skin in the game in `host`. `shared` is the scenario's scratch: one answer for
    all its worlds with the same forces deployed in play (usually none)."""
    key = ("tripwire", ally, host, world.forces)
    found: float | None = shared.get(key)
    if found is None:
        found = shared[key] = min(1.0, total(d.size.weight for d in world.deployments(ally, host)))
    return found


def side_power(world: World, core: tuple[str, ...]) -> tuple[float, bool]:
    """Power of `core` and everyone fighting alongside any of them; whether any is nuclear (the
    numeric core's reading, which the kernel compiles, over the world's states in id order)."""
    memo = war_scratch(world)
    key = ("side", core)
    found: tuple[float, bool] | None = memo.get(key)
    if found is None:
        at, rows, powers, nuclear = _numbered(world, memo)
        found = memo[key] = numeric.side_power([at[c] for c in core], rows, powers, nuclear, [False] * len(powers))
    return found


@dataclass(frozen=True, slots=True)
class IdOrder:
    """A setting's states in the order of their ids (the order a side's powers are summed in)."""
    ids: tuple[str, ...]
    at: dict[str, int]
    powers: tuple[float, ...]
    nuclear: tuple[bool, ...]


def in_id_order(world: World) -> IdOrder:
    """The world's states numbered in id order, with their powers: kept per setting and turn."""
    memo = scratch(world)
    found: IdOrder | None = memo.get("id order")
    if found is None:
        states = world.states
        ids = tuple(sorted(states))
        found = memo["id order"] = IdOrder(ids, {s: i for i, s in enumerate(ids)},
                                           tuple(states[s].power for s in ids), tuple(states[s].nuclear for s in ids))
    return found


_NO_ENEMY: tuple[int, ...] = ()
Numbered = tuple[dict[str, int], list[tuple[int, ...]], tuple[float, ...], tuple[bool, ...]]


def _numbered(world: World, memo: Memo) -> Numbered:
    """What `numeric.side_power` reads of the world (`memo`: its war_scratch): the states' numbers
    in id order, each state's enemies by number, the powers and the nuclear weapons, read once."""
    found: Numbered | None = memo.get("numbered")
    if found is None:
        order = in_id_order(world)
        at = order.at
        rows = [_NO_ENEMY] * len(at)
        for state, foes in world.enemies_by_state().items():
            rows[at[state]] = tuple(at[f] for f in foes)
        found = memo["numbered"] = (at, rows, order.powers, order.nuclear)
    return found


def our_side(s: Situation, memo: Memo, treaty: Treaty | None) -> tuple[str, ...]:
    """Who would fight beside the deciding state: the partner, and a leader that has come in."""
    leader = leader_of(s.world, memo, treaty) if treaty is not None else None
    if (leader is not None and s.leader_response is not None
            and RANK[s.leader_response] >= _LIMITED_RANK
            and leader != s.ally and leader != s.partner):
        return (s.ally, s.partner, leader)
    return (s.ally, s.partner)


def war_region(world: World, attack: Attack) -> str | None:
    """Where the fighting is, for entrapment: the attack's region, else the region of the
    state whose territory is struck. (Whether an article's `regions` cover the attack is
    the alliance graph's rule, engine.network, which defaults to the target's region.)"""
    if attack.region is not None:
        return attack.region
    owner = world.states.get(attack.territory_of)
    return owner.region if owner is not None else None


# --- a treaty's members -------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Survey:
    """A treaty's members in force now: their ranking, and what changed since the treaty was
    signed (its `at_signing`), else since the game's start."""
    ranked: tuple[str, ...]        # most powerful first (ties by id), the leader at the head
    power_change: float            # largest relative change in a member's power since signing
    power_member: str | None
    regime_change: float           # largest change in a member's democracy (0, 1/2 or 1)
    regime_member: str | None


def survey(world: World, memo: Memo, treaty: Treaty) -> Survey:
    key = ("survey", treaty.id)
    found: Survey | None = memo.get(key)
    if found is None:
        found = memo[key] = _survey_members(world, treaty)
    return found


def _survey_members(world: World, treaty: Treaty) -> Survey:
    # Members' states rarely change in play, so the last survey of this treaty is
    # reused while the members in force and their State objects are the very same.
    members = world.members_in_force.get(treaty.id, frozenset())
    states = world.states
    shared = shared_scratch(world)
    key = ("survey", treaty.id)
    last = shared.get(key)
    if last is not None:
        basis, found = last
        if basis[0] == members and all(states[m] is state for m, state in basis[1]):
            survey_: Survey = found
            return survey_
    ranked = tuple(sorted(members, key=lambda m: (m != treaty.leader, -states[m].power, m)))
    survey_ = Survey(ranked, *_drift(world, treaty, members))
    shared[key] = ((members, tuple((m, states[m]) for m in ranked)), survey_)
    return survey_


def _drift(world: World, treaty: Treaty,
           members: frozenset[str]) -> tuple[float, str | None, float, str | None]:
    """The largest change in a member's power (relative) and democracy since the treaty was
    signed where its `at_signing` says how things stood then, else since the game's start,
    and who changed: (power change, member, regime change, member)."""
    states, original = world.states, world.scenario.state_by_id
    power_then, regime_then = dict(treaty.power_at_signing), dict(treaty.regime_at_signing)
    power, power_member, regime, regime_member = 0.0, None, 0.0, None
    for m in sorted(members):
        now, start = states[m], original[m]
        if now is start and m not in power_then and m not in regime_then:
            continue  # untouched by any effect and nothing known of its signing: no drift
        then = power_then.get(m, start.power)
        top = max(now.power, then)
        change = abs(now.power - then) / top if top > 0 else 0.0
        if change > power:
            power, power_member = change, m
        shift = abs(DEMOCRACY[now.regime] - DEMOCRACY[regime_then.get(m, start.regime)])
        if shift > regime:
            regime, regime_member = shift, m
    return power, power_member, regime, regime_member


def leader_of(world: World, memo: Memo, treaty: Treaty) -> str | None:
    """The designated leader if in force, else the most powerful member in force."""
    ranked = survey(world, memo, treaty).ranked
    return ranked[0] if ranked else None


def majors(world: World, memo: Memo, treaty: Treaty, ally: str,
           partner: str) -> tuple[tuple[str, ...], float]:
    """The major allies (doctrine.json, leader: `major_allies` of them, leader first) other
    than `ally` and `partner`, and their mean affinity for `partner`."""
    key = ("majors", treaty.id, ally, partner)
    found: tuple[tuple[str, ...], float] | None = memo.get(key)
    if found is None:
        chosen: list[str] = []
        for m in survey(world, memo, treaty).ranked:
            if len(chosen) == MAJOR_ALLIES:
                break
            if m != ally and m != partner:
                chosen.append(m)
        relations = world.relations
        alignment = 0.0
        for m in chosen:
            r = relations.get((m, partner))
            alignment += r.affinity if r is not None else 0.0
        alignment = alignment / len(chosen) if chosen else 0.0
        found = memo[key] = (tuple(chosen), alignment)
    return found


def years(world: World, treaty: Treaty) -> float:
    """The treaty's age at the game's date, in years (0 when its signature is unknown)."""
    if treaty.signed is None:
        return 0.0
    # The date is the scenario's calendar at this turn: the same in every world of that turn.
    shared = shared_scratch(world)
    key = ("years", treaty.id, world.turn)
    found: float | None = shared.get(key)
    if found is None:
        today = world.scenario.date_of(world.turn).date()
        found = shared[key] = max(0.0, (today - treaty.signed).days / _DAYS_PER_YEAR)
    return found


# --- a commitment's terms -----------------------------------------------------------

Terms: TypeAlias = tuple[Obligation | None, float, float, float]


def terms(shared: Memo, treaty: Treaty, article: int | None, ally: str) -> Terms:
    """The commitment in play and what its wording alone gives: (obligation, formality,
    commitment, publicity). A scenario's treaties never change, so `shared` is the
    scenario's scratch."""
    key = ("terms", treaty.id, article, ally)
    found: Terms | None = shared.get(key)
    if found is None:
        ob = obligation(treaty, article, ally)
        commitment = 1.0 if ob is not None and ob.commitment == Commitment.AUTOMATIC else 0.0
        found = shared[key] = (ob, formality(treaty, ob), commitment, publicity(treaty, ob))
    return found


def obligation(treaty: Treaty, article: int | None, ally: str) -> Obligation | None:
    """The obligation in play: the article named, else the first defense one binding `ally`."""
    obligations = treaty.obligations
    if article is not None and 0 <= article < len(obligations):
        return obligations[article]
    binding = [o for o in obligations if o.binds(ally)]
    for o in binding:
        if o.type == ObligationType.DEFENSE:
            return o
    return binding[0] if binding else None


def formality(treaty: Treaty, ob: Obligation | None) -> float:
    """The mean of the form and the openness of the commitment (doctrine.json, formality)."""
    openness = OPEN[treaty.openness]
    if ob is not None and ob.secret:
        openness = min(openness, _SECRET_ARTICLE_OPENNESS)
    return 0.5 * (FORM[treaty.formality] + openness)  # the mean of the two scales


def publicity(treaty: Treaty, ob: Obligation | None) -> float:
    """How far the public knows the commitment (what makes abandoning it costly at home)."""
    if treaty.secret or (ob is not None and ob.secret):
        return 0.0
    return OPEN[treaty.openness]


# --- beyond the treaty in play ------------------------------------------------------

def standing(world: World, memo: Memo, state: str) -> float:
    """`state`'s power against the strongest state of the world, 0..1: how far it is a great
    power, with interests, and the means to defend them, beyond its own borders."""
    key = ("strongest",)
    strongest: float | None = memo.get(key)
    if strongest is None:
        strongest = memo[key] = max((s.power for s in world.states.values()), default=0.0)
    return world.states[state].power / strongest if strongest > 0 else 0.0


def shared_treaties(world: World, ally: str, opponents: tuple[str, ...]) -> list[Treaty]:
    """The treaties in force of which `ally` and an opponent are both members, in the scenario's order."""
    found = []
    for treaty in world.scenario.treaties:
        members = world.members_in_force.get(treaty.id, frozenset())
        if ally in members and any(x in members for x in opponents):
            found.append(treaty)
    return found


def binds_to_opponent(treaty: Treaty, opponents: tuple[str, ...], partner: str) -> bool:
    """Whether a treaty `ally` shares with an opponent ties it to that opponent (the ties factor).
    Not a guarantee whose beneficiaries the opponents are not: its guarantors owe one another
    nothing (ATOP codes no alliance among co-guarantors; the London treaty of 1839). Not a treaty
    that protects the partner under attack as well: it binds the deciding state to both sides, it
    is the treaty the attack breaks, and it pulls toward neither (the League, the Budapest
    memorandum, the OAS Charter)."""
    if treaty.beneficiaries and not any(x in treaty.beneficiaries for x in opponents):
        return False
    return partner not in treaty.protected


def ties(world: World, memo: Memo, ally: str, opponents: tuple[str, ...], partner: str) -> tuple[float, float]:
    """(ties, bloc): 1 when `ally` shares a treaty in force with an opponent that binds it to the
    opponent (`binds_to_opponent`); 1 when an opponent leads (designated, else the most powerful
    member) a coercive alliance `ally` belongs to. Treaties in force change only with an inject,
    so this is kept per world."""
    key = ("ties", ally, opponents, partner)
    found: tuple[float, float] | None = memo.get(key)
    if found is None:
        tied = bloc = 0.0
        for treaty in shared_treaties(world, ally, opponents):
            if binds_to_opponent(treaty, opponents, partner):
                tied = 1.0
            if treaty.governance == COERCIVE and leader_of(world, memo, treaty) in opponents:
                bloc = 1.0
        found = memo[key] = (tied, bloc)
    return found


def invited(world: World, shared: Memo, attack: Attack, ally: str, partner: str) -> bool:
    """Whether `partner`, the target of the attack `ally` is deciding on, asked `ally` to come
    to its help (the attack inject's `invites`). An attack a decision began in a cascade is
    the inject's only when it strikes the inject's own target."""
    if partner != attack.target:
        return False
    key = ("invited", attack.origin, partner, ally)
    found: bool | None = shared.get(key)
    if found is None:
        inject = world.scenario.inject_by_id.get(attack.origin)
        found = shared[key] = (inject is not None and inject.target == partner
                               and ally in inject.invites)
    return found
