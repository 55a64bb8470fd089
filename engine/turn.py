"""The phases of a turn, in the order of DESIGN.md.

1. injects fire (each seen only by those in its visibility);
2. casus foederis: every obligation each attack triggers, or why not;
3. decisions: bound allies and states with a stake answer (a cell, the
   doctrine or the script); the alliance leader answers first;
4. adjudication: the umpire may override any decision, with a logged reason;
5. resolution: votes on invocation, honoured or abandoned commitments,
   reputations, wars and their cascade through further obligations, then the
   indicators.

Each phase is a generator of events over a `GameState`. The caller applies
every event before the generator resumes (`engine.game.Game._run`), so a
phase always sees the world its own earlier events made (a treaty signed this
turn binds an attack later in the same turn), and the same state always
yields the same events.
"""
from __future__ import annotations

import hashlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from .doctrine import Doctrine, Situation
from .errors import GameError
from .events import Event, Kind, Phase
from .model import (
    ALL,
    OBLIGATION_ORDER,
    UMPIRE,
    Control,
    Decision,
    DecisionSource,
    Inject,
    InjectKind,
    Invocation,
    ObligationType,
    Response,
    ScriptEntry,
    honours,
)
from .network import AllianceGraph, Attack, Trigger, cascade
from .state import GameState, Key, Mode, Status, attack_payload, decision_payload
from .world import IdentityMemo, World

MAX_CASCADE_ROUNDS = 12
# Honouring earns a little standing; abandoning costs more (allies remember
# broken promises longer than kept ones: Crescenzi 2018, Berkemeier & Fuhrmann 2018).
REPUTATION_GAIN = 0.10
REPUTATION_LOSS = 0.25
# A state outside the treaties still answers an attack when it has a real stake.
STAKE_AFFINITY = 0.6
STAKE_THREAT = 0.75

_CALLS_TO_ARMS = frozenset({ObligationType.DEFENSE, ObligationType.OFFENSE})
STRENGTH = {t: i for i, t in enumerate(OBLIGATION_ORDER)}
_LAST = 10**6  # the place in order of a state the scenario does not list
# `honours` for every (obligation type, response): asked for each commitment tested, a
# thousand times a run, so looked up rather than worked out.
_HONOURS = {(t, r): honours(t, r) for t in ObligationType for r in Response}
# Enum members read for most events and decisions, bound once: on Python 3.11 reading a
# member through its class passes the enum metaclass's __getattr__ hook, some twenty times
# the cost of reading a global.
_NONAGGRESSION, _MEMBER = ObligationType.NONAGGRESSION, Invocation.MEMBER
_HOSTILE, _LIMITED, _FULL = Response.HOSTILE, Response.LIMITED, Response.FULL
_REPLAY, _EXERCISE, _NPC, _PLAYER = Mode.REPLAY, Mode.EXERCISE, Control.NPC, Control.PLAYER
_DOCTRINE, _SCRIPT = DecisionSource.DOCTRINE, DecisionSource.SCRIPT
_CASUS_FOEDERIS, _DECISIONS, _INVOCATION, _RESOLUTION, _INDICATORS = (
    Phase.CASUS_FOEDERIS, Phase.DECISIONS, Phase.INVOCATION, Phase.RESOLUTION, Phase.INDICATORS)
_ATTACK, _OBLIGATION, _DECISION_REQUESTED, _DECISION, _VOTE, _HONOURED, _BREACH, _REPUTATION = (
    Kind.ATTACK, Kind.OBLIGATION, Kind.DECISION_REQUESTED, Kind.DECISION, Kind.VOTE, Kind.HONOURED,
    Kind.BREACH, Kind.REPUTATION)


@dataclass(frozen=True)
class Context:
    """What a phase needs besides the state: the decision model and how much to say."""
    doctrine: Doctrine
    stochastic: bool = False   # sample the doctrine's decisions, each draw a hash of the seed (_Draw)
    # Explanations in the events. A batch run (Monte Carlo) turns them off and logs what
    # it tallies: no entry per obligation examined or per vote, no wording, no probabilities.
    verbose: bool = True


# --- 1. injects ---------------------------------------------------------------------

def open_turn(gs: GameState, ctx: Context) -> Iterator[Event]:
    if gs.status is Status.OPEN:
        raise GameError(f"turn {gs.turn} is still open: close it first")
    if gs.status is Status.FINISHED or gs.turn >= gs.scenario.turns:
        raise GameError(f"the scenario has {gs.scenario.turns} turns and all have been played")
    turn = gs.turn + 1
    date = gs.scenario.date_of(turn).isoformat()
    yield Event(turn, Phase.TURN, Kind.TURN_OPENED, {"date": date}, reason=f"turn {turn} opens")
    # Answers the record gives on this turn to earlier attacks come first, so that a new
    # attack on the same victim meets the side those states have taken.
    yield from _reopen_deferred(gs, ctx)
    for inject in gs.scenario.injects_at(turn):
        if inject.manual:
            yield Event(turn, Phase.INJECTS, Kind.INJECT_AWAITING, {"inject": inject.id},
                        visibility=UMPIRE, reason="manual: fires when the umpire triggers it")
            continue
        yield from _fire_if_ready(gs, inject, ctx)


def trigger_inject(gs: GameState, inject_id: str, ctx: Context) -> Iterator[Event]:
    """The umpire fires a manual inject now."""
    _require_open(gs)
    if inject_id not in gs.awaiting_manual:
        raise GameError(f"inject {inject_id!r} is not waiting for the umpire "
                        f"(waiting: {', '.join(gs.awaiting_manual) or 'none'})")
    yield from _fire_if_ready(gs, gs.scenario.inject(inject_id), ctx, by_umpire=True)


def fire_adhoc(gs: GameState, inject: Inject, ctx: Context) -> Iterator[Event]:
    """The umpire fires an inject that is not in the scenario's events list."""
    _require_open(gs)
    if inject.id in gs.scenario.inject_by_id or inject.id in gs.fired:
        raise GameError(f"an inject named {inject.id!r} exists already: choose another id")
    for sid in (*inject.actors, *([inject.target] if inject.target else [])):
        if sid not in gs.scenario.state_by_id:
            raise GameError(f"no state {sid!r} in this scenario")
    yield from _fire(gs, inject, ctx, adhoc=True)


def _fire_if_ready(gs: GameState, inject: Inject, ctx: Context, by_umpire: bool = False) -> Iterator[Event]:
    missing = [r for r in inject.requires if r not in gs.fired]
    if missing:
        yield Event(gs.turn, Phase.INJECTS, Kind.INJECT_HELD, {"inject": inject.id, "missing": missing},
                    visibility=UMPIRE, reason=f"requires {', '.join(missing)}, which has not fired")
        return
    yield from _fire(gs, inject, ctx, by_umpire=by_umpire)


def _fire(gs: GameState, inject: Inject, ctx: Context, *, adhoc: bool = False,
          by_umpire: bool = False) -> Iterator[Event]:
    turn, vis = gs.turn, _visibility(inject.visibility)
    payload = {"inject": inject.id, "kind": str(inject.kind), "text": inject.text,
               "actors": list(inject.actors), "target": inject.target, "treaty": inject.treaty}
    if adhoc:
        payload["adhoc"] = True
    reason = "fired by the umpire" if (adhoc or by_umpire) else f"scheduled for turn {inject.turn}"
    yield Event(turn, Phase.INJECTS, Kind.INJECT_FIRED, payload, actor=_first(inject.actors),
                visibility=vis, reason=reason)
    for effect in inject.effects:
        yield Event(turn, Phase.INJECTS, Kind.EFFECT_APPLIED,
                    {"inject": inject.id, "path": effect.path, "value": effect.value},
                    visibility=UMPIRE, reason=f"effect of {inject.id}")
    yield from _treaty_change(gs, inject)
    if inject.is_attack and inject.target:
        yield from examine(gs, Attack.from_inject(inject), ctx, round_=1, visibility=vis)


def _treaty_change(gs: GameState, inject: Inject) -> Iterator[Event]:
    if inject.treaty is None or inject.treaty not in gs.scenario.treaty_by_id:
        return
    treaty, turn = gs.scenario.treaty(inject.treaty), gs.turn
    tvis = _treaty_visibility(gs, treaty.id)
    if inject.kind is InjectKind.TREATY_SIGNED:
        members = list(inject.actors) or list(treaty.members)
        yield Event(turn, Phase.INJECTS, Kind.TREATY_IN_FORCE, {"treaty": treaty.id, "members": members},
                    visibility=tvis, reason=f"{inject.id}: {treaty.name} binds {', '.join(members)}")
    elif inject.kind is InjectKind.TREATY_WITHDRAWAL:
        for member in inject.actors:
            yield Event(turn, Phase.INJECTS, Kind.MEMBER_WITHDREW, {"treaty": treaty.id, "member": member},
                        visibility=tvis, reason=f"{inject.id}: {member} leaves {treaty.name}")
    elif inject.kind is InjectKind.DISCLOSURE:
        to = sorted(gs.scenario.state_by_id) if inject.visibility == ALL else (
            [] if inject.visibility == UMPIRE else list(inject.visibility))
        yield Event(turn, Phase.INJECTS, Kind.TREATY_DISCLOSED, {"treaty": treaty.id, "to": to},
                    visibility=inject.visibility if inject.visibility != ALL else ALL,
                    reason=f"{inject.id}: the terms of {treaty.name} are revealed")


def _reopen_deferred(gs: GameState, ctx: Context) -> Iterator[Event]:
    """Attacks some state answers only now, by the record (Britain on 3 September 1939)."""
    due = sorted({attack for (attack, _), until in gs.deferred.items() if until == gs.turn})
    for attack_id in due:
        if attack_id not in gs.turn_attacks:
            yield Event(gs.turn, Phase.CASUS_FOEDERIS, Kind.ATTACK,
                        attack_payload(gs.attacks[attack_id]) | {"reopened": True},
                        actor=_first(gs.attacks[attack_id].attackers),
                        reason="still at issue: the record has a state answer it on this turn")


# --- 2. casus foederis ------------------------------------------------------------------

def examine(gs: GameState, attack: Attack, ctx: Context, *, round_: int,
            visibility=ALL) -> Iterator[Event]:
    """The attack, every obligation it brings into play, conflicts, and the answers due."""
    turn = gs.turn
    yield Event(turn, _CASUS_FOEDERIS, _ATTACK, attack_payload(attack, round_),
                actor=_first(attack.attackers), visibility=visibility,
                reason=f"{_names(gs, attack.attackers) or 'unknown attackers'} "
                       f"{'attacks' if len(attack.attackers) == 1 else 'attack'} {_name(gs, attack.target)}")
    graph = alliance_graph(gs)
    # A batch run (no explanations) reads only what binds, and logs none of it: what
    # binds shows again in the requests, decisions and honour events it leads to.
    triggers = graph.triggers(attack) if ctx.verbose else graph.binding(attack)
    if ctx.verbose:
        yield from _obligations(gs, triggers)
    for c in graph.conflicts(attack, triggers):
        yield Event(turn, Phase.CASUS_FOEDERIS, Kind.CONFLICT,
                    {"attack": attack.id, "state": c.state,
                     "victim_side": [_trigger_ref(t) for t in c.honour_victim],
                     "attacker_side": [_trigger_ref(t) for t in c.honour_attacker]},
                    actor=c.state, visibility=UMPIRE, reason=c.text)
    binding = tuple(t for t in triggers if t.triggered) if ctx.verbose else triggers
    for state, trigger in answerers(gs, attack, binding):
        if (attack.id, state) in gs.decisions:
            continue
        yield Event(turn, _DECISIONS, _DECISION_REQUESTED,
                    {"attack": attack.id, "state": state, "treaty": trigger.treaty if trigger else None,
                     "round": round_, "control": str(_control(gs, state))},
                    actor=state, visibility=(state,),
                    reason=trigger.reason if trigger else "a state with a stake in the attack")


def _obligations(gs: GameState, triggers: Sequence[Trigger]) -> Iterator[Event]:
    """An event per obligation examined: the commonest event of all."""
    turn, hidden = gs.turn, _facts(gs).hidden
    for t in triggers:
        vis = _obligation_visibility(gs, t) if (t.treaty, t.article) in hidden else ALL
        # actor, visibility and reason given by position, here and in the other hottest
        # loops: keyword arguments cost a dict per event
        yield Event(turn, _CASUS_FOEDERIS, _OBLIGATION, _trigger_payload(t), t.ally, vis, t.reason)


def answerers(gs: GameState, attack: Attack, binding: Sequence[Trigger]) -> list[tuple[str, Trigger | None]]:
    """Who answers the attack, leaders first: bound allies, then states with a stake."""
    strongest: dict[str, Trigger] = {}
    for t in sorted(binding, key=lambda t: STRENGTH[t.type]):
        if t.ally not in attack.attackers and t.type is not _NONAGGRESSION:
            strongest.setdefault(t.ally, t)
    treaties, order = gs.scenario.treaty_by_id, gs.scenario.state_order
    leaders = {treaties[t.treaty].leader for t in strongest.values()}
    bound = sorted(strongest, key=lambda s: (s not in leaders, order.get(s, _LAST)))
    out: list[tuple[str, Trigger | None]] = [(s, strongest[s]) for s in bound]
    for s in _stakeholders(gs, attack):
        if s not in strongest:
            out.append((s, None))
    return out


def _stakeholders(gs: GameState, attack: Attack) -> list[str]:
    involved = {*attack.attackers, attack.target}
    if gs.mode is _REPLAY:
        # The record's answers outside any treaty; one under a treaty answers only where it binds.
        named = {e.state for e in gs.scenario.script if e.treaty is None and _entry_matches(e, attack)
                 and _same_victim(gs, e, attack)}
        return [s.id for s in gs.scenario.states if s.id in named and s.id not in involved]
    friends, fearful = _stake_index(gs)
    stake = set(friends.get(attack.target, ()))
    for x in attack.attackers:
        stake.update(fearful.get(x, ()))
    order = gs.scenario.state_order
    return sorted(stake - involved, key=lambda s: order.get(s, _LAST))


def _stake_index(gs: GameState) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """Who holds each state dear, and who fears it: read off the relations once, again
    only when an effect changes them (engine.state)."""
    if gs._stakes is None:
        friends: dict[str, list[str]] = {}
        fearful: dict[str, list[str]] = {}
        for (src, dst), r in gs.relations.items():
            if r.affinity >= STAKE_AFFINITY:
                friends.setdefault(dst, []).append(src)
            if r.threat >= STAKE_THREAT:
                fearful.setdefault(dst, []).append(src)
        gs._stakes = (friends, fearful)
    return gs._stakes


# --- 3. and 4. decisions and adjudication ---------------------------------------------------

def submit(gs: GameState, decision: Decision) -> Iterator[Event]:
    """A cell's answer, which it may revise until the turn closes."""
    _require_open(gs)
    key = (decision.attack, decision.state)
    if key not in gs.requests:
        raise GameError(f"{_name(gs, decision.state)} has no decision due on {decision.attack!r} this turn")
    yield Event(gs.turn, Phase.DECISIONS, Kind.DECISION, decision_payload(decision), actor=decision.state,
                visibility=(decision.state,), reason="decided by its cell")


def override(gs: GameState, decision: Decision, reason: str) -> Iterator[Event]:
    _require_open(gs)
    if not reason.strip():
        raise GameError("an override needs a reason: it is logged for the debrief")
    key = (decision.attack, decision.state)
    if key not in gs.requests and key not in gs.turn_decisions:
        raise GameError(f"{_name(gs, decision.state)} has no decision on {decision.attack!r} this turn")
    payload = decision_payload(decision) | {"source": str(DecisionSource.UMPIRE), "rationale": reason}
    yield Event(gs.turn, Phase.ADJUDICATION, Kind.OVERRIDE, payload, actor="umpire",
                visibility=UMPIRE, reason=reason)


# --- 5. resolution --------------------------------------------------------------------------

class _Awaiting(Exception):
    def __init__(self, keys: list[Key]):
        self.keys = keys


def close_turn(gs: GameState, ctx: Context) -> Iterator[Event]:
    _require_open(gs)
    attacks = [gs.attacks[a] for a in gs.turn_attacks]
    decider = _Decider(gs, ctx)
    try:
        result = cascade(gs.world, attacks, decider, MAX_CASCADE_ROUNDS, graph=alliance_graph(gs),
                         all_triggers=ctx.verbose)
    except _Awaiting as waiting:
        yield from decider.events()
        yield Event(gs.turn, Phase.DECISIONS, Kind.AWAITING,
                    {"pending": [{"attack": a, "state": s} for a, s in waiting.keys]},
                    visibility=UMPIRE, reason="cells still to decide: " + ", ".join(
                        _name(gs, s) for _, s in waiting.keys))
        return
    yield from decider.events()
    yield from _resolve(gs, ctx, result)


def _resolve(gs: GameState, ctx: Context, result) -> Iterator[Event]:
    turn = gs.turn
    at_war = {w.pair for w in gs.wars}  # kept up to date with the WAR events below
    for rnd in result.rounds:
        if rnd.number > 1:
            yield Event(turn, Phase.RESOLUTION, Kind.CASCADE_ROUND,
                        {"round": rnd.number, "attacks": [a.id for a in rnd.attacks]},
                        reason=f"round {rnd.number}: the new wars bring further obligations into play")
            for attack in rnd.attacks:
                yield Event(turn, Phase.CASUS_FOEDERIS, Kind.ATTACK, attack_payload(attack, rnd.number),
                            actor=_first(attack.attackers),
                            reason=f"{_names(gs, attack.attackers)} now at war with {_name(gs, attack.target)}")
            if ctx.verbose:
                yield from _obligations(gs, rnd.triggers)
        for war in rnd.wars_begun:
            if war.pair not in at_war:
                yield Event(turn, Phase.RESOLUTION, Kind.WAR,
                            {"aggressor": war.aggressor, "defender": war.defender, "round": rnd.number},
                            actor=war.aggressor,
                            reason=f"{_name(gs, war.aggressor)} and {_name(gs, war.defender)} are at war")
                at_war.add(war.pair)
        yield from _invocations_and_honour(gs, ctx, rnd)
    if result.truncated:
        yield Event(turn, Phase.RESOLUTION, Kind.NOTE, {"truncated": True}, visibility=UMPIRE,
                    reason=f"the cascade was stopped after {MAX_CASCADE_ROUNDS} rounds")
    yield from _indicators(gs, ctx, result)
    yield Event(turn, Phase.TURN, Kind.TURN_CLOSED, {}, reason=f"turn {turn} closes")
    if turn >= gs.scenario.turns:
        yield Event(turn, Phase.TURN, Kind.GAME_ENDED, {}, reason="the last turn of the scenario is played")


def _invocations_and_honour(gs: GameState, ctx: Context, rnd) -> Iterator[Event]:
    """Votes where a treaty's council declares the casus foederis; then who honoured what."""
    bound: dict[tuple[str, str], list[Trigger]] = {}
    for t in rnd.triggers:
        if t.triggered:
            bound.setdefault((t.treaty, t.attack), []).append(t)
    for (treaty_id, attack_id), triggers in bound.items():
        # The council votes on the call to arms; consultation and neutrality are owed regardless.
        armed = [t for t in triggers if t.type in _CALLS_TO_ARMS]
        declared = (yield from _invocation(gs, ctx, treaty_id, attack_id, armed)) if armed else False
        owed = [t for t in triggers if _answered_now(gs, t) and (declared or t.type not in _CALLS_TO_ARMS)]
        if owed:
            yield from _honour(gs, ctx, owed)


def _answered_now(gs: GameState, t: Trigger) -> bool:
    """Accounted once: an answer given this turn, or a non-aggression pact broken by a new attack."""
    if t.type is _NONAGGRESSION:
        return gs.attack_turn.get(t.attack, gs.turn) == gs.turn and t.attack == gs.attacks[t.attack].origin
    key = (t.attack, t.ally)
    return key in gs.turn_decisions or key in gs.overrides


def _invocation(gs: GameState, ctx: Context, treaty_id: str, attack_id: str, triggers: list[Trigger]):
    """The council's vote, taken once per treaty and attack: each member votes for the call
    to arms when its answer honours it (in a replay, its answer as the record gives it).
    A batch run logs the outcome alone, which names who voted each way."""
    treaty = gs.scenario.treaty(treaty_id)
    if treaty.invocation is _MEMBER:
        return True
    if (treaty_id, attack_id) in gs.invocations:
        return gs.invocations[(treaty_id, attack_id)]
    attack = gs.attacks[attack_id]
    order = gs.scenario.state_order
    voters = sorted(gs.members_in_force.get(treaty_id, frozenset()) - set(attack.attackers),
                    key=lambda s: order.get(s, _LAST))
    owed_by: dict[str, list[Trigger]] = {}
    for t in triggers:
        owed_by.setdefault(t.ally, []).append(t)
    # Votes change neither what is known of the treaty nor anyone's decision: read both once.
    vis, name = _treaty_visibility(gs, treaty_id), _facts(gs).name
    yes, no = [], []
    for member in voters:
        owed = owed_by.get(member, [])
        response, source = _vote_basis(gs, attack, member, owed, treaty_id)
        aye = member == attack.target or (response is not None and bool(owed) and all(
            _HONOURS[t.type, _toward(response, response_side(gs, attack, member, owed[0]), attack, t.partner)]
            for t in owed))
        (yes if aye else no).append(member)
        if ctx.verbose:
            yield Event(gs.turn, _INVOCATION, _VOTE,  # actor, visibility, reason (see _obligations)
                        {"treaty": treaty_id, "attack": attack_id, "member": member, "vote": aye,
                         "source": "attacked" if member == attack.target else source}, member, vis,
                        f"{name(member)} votes {'for' if aye else 'against'} invoking {treaty.name}")
    need = {"consensus": len(voters), "two-thirds": -(-2 * len(voters) // 3),
            "majority": len(voters) // 2 + 1}[treaty.invocation]
    declared = len(yes) >= need
    blocked = [] if declared else no
    yield Event(gs.turn, _INVOCATION, Kind.INVOCATION,
                {"treaty": treaty_id, "attack": attack_id, "declared": declared, "yes": yes, "no": no,
                 "rule": str(treaty.invocation), "needed": need, "blocked_by": blocked},
                visibility=vis,
                reason=(f"{treaty.name}: casus foederis declared ({len(yes)} of {len(voters)}, "
                        f"{treaty.invocation} needs {need})") if declared else
                       (f"{treaty.name}: casus foederis not declared ({len(yes)} of {len(voters)}, "
                        f"{treaty.invocation} needs {need}); blocked by {_names(gs, blocked)}"))
    return declared


def _vote_basis(gs: GameState, attack: Attack, member: str, owed: list[Trigger],
                treaty_id: str) -> tuple[Response | None, str]:
    d = gs.decisions.get((attack.id, member))
    if d is not None:
        return d.response, str(d.source)
    if gs.mode is _REPLAY and owed:
        entry = _script_entry(gs, attack, member, owed[0], {treaty_id})
        if entry is not None:
            return entry.response, "script"
    return None, "absent"


def response_side(gs: GameState, attack: Attack, member: str, trigger: Trigger | None) -> str:
    d = gs.decisions.get((attack.id, member))
    if d is not None and d.side:
        return d.side
    return trigger.partner if trigger else attack.target


def _honour(gs: GameState, ctx: Context, triggers: list[Trigger]) -> Iterator[Event]:
    # Half of a batch run's events come from here: names and wordings are looked up, not
    # rebuilt, and a batch run (no explanations) goes without them.
    facts = _facts(gs)
    name, hidden, say = facts.name, facts.hidden, ctx.verbose
    turn, reputation = gs.turn, dict(gs.reputation)
    for t in triggers:
        ally, treaty, kind = t.ally, t.treaty, t.type
        if kind is _NONAGGRESSION:
            kept, d = False, None
        else:
            d = gs.decisions[(t.attack, ally)]
            kept = _HONOURS[kind, _toward(d.response, d.side, gs.attacks[t.attack], t.partner)]
        payload = {"state": ally, "treaty": treaty, "article": t.article, "attack": t.attack,
                   "partner": t.partner, "type": str(kind), "response": str(d.response) if d else None}
        vis = _obligation_visibility(gs, t) if (treaty, t.article) in hidden else ALL
        ally_name = name(ally) if say else ""
        verb = "honours" if kept else "abandons"
        yield Event(turn, _RESOLUTION, _HONOURED if kept else _BREACH, payload, ally, vis,  # (see _obligations)
                    f"{ally_name} {verb} {facts.commitments[treaty, t.article]} toward {name(t.partner)}"
                    if say else "")
        before = reputation[ally]
        after = round(before + REPUTATION_GAIN * (1 - before) if kept else before * (1 - REPUTATION_LOSS), 6)
        reputation[ally] = after
        yield Event(turn, _RESOLUTION, _REPUTATION,
                    {"state": ally, "before": before, "after": after, "treaty": treaty}, ally, vis,
                    f"{ally_name}'s reputation as an ally {'rises' if kept else 'falls'} to {after:.2f}"
                    if say else "")


def _toward(response: Response, side: str | None, attack: Attack, partner: str) -> Response:
    """A response read toward `partner`: as given when it was given on the partner's side,
    mirrored when it was given on the other side of the attack (aid to the victim is
    hostility toward an attacking partner, and the reverse)."""
    side = side or attack.target
    if side == partner or (side in attack.attackers) == (partner in attack.attackers):
        return response
    if response is _HOSTILE:
        return _FULL
    if response in (_LIMITED, _FULL):
        return _HOSTILE
    return response


def _indicators(gs: GameState, ctx: Context, result) -> Iterator[Event]:
    world, doctrine = result.world, ctx.doctrine
    honoured: dict[str, list[tuple[float, bool]]] = {}
    decisions, attacks, states, turn = gs.decisions, gs.attacks, world.states, gs.turn
    for rnd in result.rounds:
        for t in rnd.triggers:
            d = decisions.get((t.attack, t.ally))
            if t.triggered and d is not None and d.turn == turn and t.type is not _NONAGGRESSION:
                kept = _HONOURS[t.type, _toward(d.response, d.side, attacks[t.attack], t.partner)]
                honoured.setdefault(t.treaty, []).append((states[t.ally].power, kept))
    attackers = [x for a in result.rounds[0].attacks for x in a.attackers] if result.rounds else []
    for treaty in gs.scenario.treaties:
        cases = honoured.get(treaty.id, [])
        # Batch runs (no explanations) need cohesion only, and only where something was at stake.
        if not world.in_force(treaty.id) or not (ctx.verbose or cases):
            continue
        weight = sum(p for p, _ in cases)
        cohesion = (sum(p for p, kept in cases if kept) / weight if weight else
                    (sum(kept for _, kept in cases) / len(cases) if cases else None))
        payload = {"treaty": treaty.id, "cohesion": _r(cohesion), "triggered": len(cases)}
        if ctx.verbose:
            payload |= _deterrence(world, doctrine, treaty.id, sorted(
                world.members_in_force[treaty.id], key=lambda s: _order(gs, s)), attackers)
        yield Event(gs.turn, _INDICATORS, Kind.INDICATORS, payload,
                    visibility=_treaty_visibility(gs, treaty.id), reason=f"indicators of {treaty.name}")


def _deterrence(world: World, doctrine: Doctrine, treaty_id: str, members: list[str],
                attackers: list[str]) -> dict:
    """Credibility as the adversary sees it, and each member's fears (Snyder's alliance dilemma)."""
    adversary = _main_adversary(world, treaty_id, members, attackers)
    fears = {m: doctrine.fears(world, treaty_id, m) for m in members}
    return {"adversary": adversary,
            "credibility": _r(doctrine.credibility(world, treaty_id, adversary)) if adversary else None,
            "abandonment": {m: _r(f[0]) for m, f in fears.items()},
            "entrapment": {m: _r(f[1]) for m, f in fears.items()}}


def _main_adversary(world: World, treaty_id: str, members: list[str], attackers: list[str]) -> str | None:
    """Whose eyes credibility is judged through: this turn's attacker of a member, else the top threat."""
    for x in attackers:
        if x not in members:
            return x
    threats: dict[str, float] = {}
    for m in members:
        for s in world.scenario.states:
            if s.id not in members:
                threats[s.id] = threats.get(s.id, 0.0) + world.relation(m, s.id).threat
    best = max(sorted(threats), key=lambda s: threats[s], default=None)
    return best if best and threats[best] > 0 else None


# --- the decision callback of the cascade ------------------------------------------------------

class _Draw:
    """The uniform draw of one decision, a hash of the game's seed and the decision's place
    (turn, attack, state): a counter-based generator (Salmon et al. 2011, as JAX's keys). A
    draw does not depend on the draws before it, on the order decisions are taken or on the
    process taking them, and costs one hash rather than seeding a generator per decision."""
    __slots__ = ("u",)

    def __init__(self, key: str) -> None:
        digest = hashlib.blake2b(key.encode(), digest_size=8, person=b"casus-decision").digest()
        self.u = (int.from_bytes(digest, "big") >> 11) * _2_TO_MINUS_53  # 53 bits: a double in [0, 1)

    def random(self) -> float:
        return self.u


_2_TO_MINUS_53 = 2.0 ** -53


class _Decider:
    """Answers for every state the cascade asks, in order, and remembers what it decided."""

    def __init__(self, gs: GameState, ctx: Context):
        self.gs, self.ctx = gs, ctx
        self.new: list[tuple[Event, ...]] = []
        self.missing: list[Key] = []
        self.bound_by: dict[str, set[str]] = {}
        # One answer per victim and turn: a state that has chosen its side in a war keeps it
        # when a further enemy joins, rather than being asked (and credited) once per attacker.
        self.stands: dict[tuple[str, str], Response] = {
            (gs.attacks[a].target, s): _toward(d.response, d.side, gs.attacks[a], gs.attacks[a].target)
            for (a, s), d in gs.turn_decisions.items()}

    def _standing(self, attack: Attack, world: World, state: str, trigger: Trigger | None) -> Decision | None:
        """An answer the state has already given: its side in this war, or a war it is in.
        The record's own answer to this link of the chain comes first in a replay."""
        gs, key = self.gs, (attack.id, state)
        if key in gs.overrides or key in gs.turn_decisions:
            return None
        if gs.mode is _REPLAY and _script_entry(gs, attack, state, trigger,
                                                    self.bound_by.get(state, set())) is not None:
            return None
        response = self.stands.get((attack.target, state))
        if response is None and attack.attackers and world.enemies(state).issuperset(attack.attackers):
            response = _FULL  # already fighting the attacker: nothing left to decide
        if response is None:
            return None
        return Decision(turn=gs.turn, state=state, attack=attack.id, response=response,
                        source=_DOCTRINE, side=attack.target)

    def __call__(self, attack: Attack, world: World, binding: tuple[Trigger, ...]) -> list[Decision]:
        out: list[Decision] = []
        leader_says: dict[str, Response] = {}
        self.bound_by = {}
        for t in binding:
            self.bound_by.setdefault(t.ally, set()).add(t.treaty)
        for state, trigger in answerers(self.gs, attack, binding):
            d = (self._standing(attack, world, state, trigger)
                 or self._answer(attack, world, state, trigger, leader_says))
            if d is None:
                continue
            # A stand is kept as seen from the attacked: support for an attacking partner
            # is hostility toward its victim.
            self.stands.setdefault((attack.target, state), _toward(d.response, d.side, attack, attack.target))
            if trigger and self.gs.scenario.treaty_by_id[trigger.treaty].leader == state:
                leader_says[trigger.treaty] = d.response
            out.append(d)
        if self.missing:
            raise _Awaiting(self.missing)
        return out

    def _answer(self, attack, world, state, trigger, leader_says) -> Decision | None:
        gs, key = self.gs, (attack.id, state)
        if key in gs.overrides:
            return gs.overrides[key]
        if key in gs.turn_decisions:
            return gs.turn_decisions[key]
        if key in gs.decisions or (key in gs.deferred and gs.deferred[key] > gs.turn):
            return None  # answered on an earlier turn, or the record has it answer later
        treaty = trigger.treaty if trigger else None
        situation = Situation(world=world, ally=state, partner=trigger.partner if trigger else attack.target,
                              attack=attack, treaty=treaty, article=trigger.article if trigger else None,
                              leader_response=leader_says.get(treaty) if treaty else None,
                              triggered=trigger is not None)
        if gs.mode is _EXERCISE and _control(gs, state) is _PLAYER:
            self.missing.append(key)
            if key not in gs.requests:
                self.new.append(tuple(examine_request(gs, attack, state, trigger)))
            return None
        entry = (_script_entry(gs, attack, state, trigger, self.bound_by.get(state, set()))
                 if gs.mode is _REPLAY else None)
        if entry is not None and entry.turn > gs.turn:
            self.new.append((Event(gs.turn, Phase.DECISIONS, Kind.DECISION_DEFERRED,
                                   {"attack": attack.id, "state": state, "until": entry.turn},
                                   actor=state, visibility=UMPIRE,
                                   reason=f"the record has {_name(gs, state)} answer on turn {entry.turn}"),))
            return None
        return self._decide(situation, state, entry, attack, trigger)

    def _decide(self, situation, state, entry, attack, trigger) -> Decision:
        gs, ctx = self.gs, self.ctx
        draw = _Draw(f"{gs.seed}|{gs.turn}|{attack.id}|{state}") if ctx.stochastic else None
        response, advice = ctx.doctrine.decide(situation, draw)
        # The probabilities explain the answer; a batch run tallies answers alone.
        payload_extra = {"probabilities": [round(p, 4) for p in advice.probabilities]} if ctx.verbose else {}
        if entry is not None:
            source, rationale = _SCRIPT, entry.note or ""
            payload_extra |= {"predicted": str(response), "source_ref": entry.source}
            response = entry.response
            reason = f"the record: {entry.note}" if entry.note else "the historical record"
        else:
            source = _DOCTRINE
            rationale = advice.explain() if ctx.verbose else ""
            reason = ("the script is silent; the doctrine decides" if gs.mode is _REPLAY
                      else "the doctrine decides")
        decision = Decision(turn=gs.turn, state=state, attack=attack.id, response=response, source=source,
                            side=trigger.partner if trigger else attack.target,
                            treaty=trigger.treaty if trigger else None,
                            rationale=rationale)
        payload = decision_payload(decision) | payload_extra
        self.new.append((Event(gs.turn, _DECISIONS, _DECISION, payload, actor=state,
                               visibility=_decision_visibility(gs, decision), reason=reason),))
        return decision

    def events(self) -> Iterator[Event]:
        for group in self.new:
            yield from group


def examine_request(gs: GameState, attack: Attack, state: str, trigger: Trigger | None) -> Iterator[Event]:
    """A cascade asks a cell: show it the attack it is answering, then ask."""
    if attack.id not in gs.attacks:
        yield Event(gs.turn, Phase.CASUS_FOEDERIS, Kind.ATTACK, attack_payload(attack, 2),
                    actor=_first(attack.attackers), reason="a war begun this turn draws in further obligations")
    yield Event(gs.turn, Phase.DECISIONS, Kind.DECISION_REQUESTED,
                {"attack": attack.id, "state": state, "treaty": trigger.treaty if trigger else None,
                 "round": 2, "control": str(_control(gs, state))},
                actor=state, visibility=(state,), reason=trigger.reason if trigger else "a state with a stake")


# --- helpers ----------------------------------------------------------------------------------

def _script_entry(gs: GameState, attack: Attack, state: str, trigger: Trigger | None,
                  treaties: set[str]) -> ScriptEntry | None:
    """The record's answer: the latest entry up to now, else the first one still to come.

    An entry naming a treaty answers only where that treaty binds the state in
    this attack; an entry without one answers for a state with a stake, or for a
    bound state when the record names no treaty for it."""
    entries = [e for e in gs.scenario.script if e.state == state and _entry_matches(e, attack)]
    named = [e for e in entries if e.treaty is not None and e.treaty in treaties]
    if trigger is not None and named:
        first = [e for e in named if e.treaty == trigger.treaty]
        entries = first or named
    else:
        entries = [e for e in entries if e.treaty is None and _same_victim(gs, e, attack)]
    past = [e for e in entries if e.turn <= gs.turn]
    if past:
        return max(past, key=lambda e: e.turn)
    return min(entries, key=lambda e: e.turn) if entries else None


def _same_victim(gs: GameState, entry: ScriptEntry, attack: Attack) -> bool:
    """A state with a stake but no treaty answered for the victim its entry names, not for
    every state the chain later reaches (Russia stood by Serbia, not by whoever was attacked next)."""
    named = gs.scenario.inject_by_id.get(entry.inject) if entry.inject else None
    return named is None or named.target == attack.target


def _entry_matches(entry: ScriptEntry, attack: Attack) -> bool:
    """An entry answers the attack it names, or any link of the chain that attack began."""
    return entry.inject is None or entry.inject in (attack.id, attack.origin)


def _control(gs: GameState, state: str) -> Control:
    return gs.controller(state) if gs.mode is _EXERCISE else _NPC


def _require_open(gs: GameState) -> None:
    if gs.status is not Status.OPEN:
        raise GameError("no turn is open: open the next turn first")


def _visibility(vis):
    return vis if isinstance(vis, str) else tuple(vis)


class _Facts:
    """What the phases look up about a scenario for almost every event, read once:
    the scenario is frozen, so its games and runs share one copy."""
    __slots__ = ("commitments", "hidden", "names", "secret")

    def __init__(self, scenario) -> None:
        self.names = {s.id: s.name for s in scenario.states}
        self.secret = frozenset(t.id for t in scenario.treaties if t.secret)
        # (treaty, article) whose obligation is known only to those who know the treaty
        self.hidden = frozenset((t.id, i) for t in scenario.treaties
                                for i, ob in enumerate(t.obligations) if t.secret or ob.secret)
        # "the North Atlantic Treaty art. 5 (defense)", as the honour events word it
        self.commitments = {(t.id, i): f"{t.name} {ob.label}" for t in scenario.treaties
                            for i, ob in enumerate(t.obligations)}

    def name(self, state: str | None) -> str:
        if not state:
            return "?"
        name = self.names.get(state)
        return state if name is None else name


_FACTS = IdentityMemo()


def _facts(gs: GameState) -> _Facts:
    facts = gs._facts
    if facts is None:
        memo = _FACTS.scratch(gs.scenario)
        facts = memo.get("facts")
        if facts is None:
            facts = memo["facts"] = _Facts(gs.scenario)
        gs._facts = facts
    return facts


def _treaty_visibility(gs: GameState, treaty_id: str):
    if treaty_id not in _facts(gs).secret:
        return ALL
    treaty = gs.scenario.treaty(treaty_id)
    return tuple(sorted(gs.known_to.get(treaty_id, frozenset(treaty.members))))


def _obligation_visibility(gs: GameState, t: Trigger):
    if (t.treaty, t.article) not in _facts(gs).hidden:
        return ALL
    treaty = gs.scenario.treaty(t.treaty)
    return tuple(sorted(gs.known_to.get(t.treaty, frozenset(treaty.members))))


def _decision_visibility(gs: GameState, d: Decision):
    """A decision under a secret commitment is known to those who know the commitment."""
    if d.treaty and d.treaty in _facts(gs).secret:
        return tuple(sorted(gs.known_to.get(d.treaty, frozenset())))
    return ALL


def _trigger_payload(t: Trigger) -> dict:
    return {"treaty": t.treaty, "article": t.article, "ally": t.ally, "partner": t.partner,
            "attack": t.attack, "type": str(t.type), "triggered": t.triggered}


def _trigger_ref(t: Trigger) -> dict:
    return {"treaty": t.treaty, "article": t.article, "partner": t.partner, "type": str(t.type)}


def _order(gs: GameState, state: str) -> int:
    return gs.scenario.state_order.get(state, _LAST)


def alliance_graph(gs: GameState) -> AllianceGraph:
    """The alliance graph of the world as it stands; its indexes are built once per scenario,
    and the graph once per world."""
    world, graph = gs.world, gs._graph
    if graph is None:
        graph = gs._graph = AllianceGraph(world)
    elif graph.world is not world:
        graph = gs._graph = graph.at(world)
    return graph


def _name(gs: GameState, state: str | None) -> str:
    return _facts(gs).name(state)


def _names(gs: GameState, states) -> str:
    name = _facts(gs).name
    return ", ".join(name(s) for s in states)


def _first(xs):
    return xs[0] if xs else None


def _r(x: float | None) -> float | None:
    return None if x is None else round(float(x), 4)
