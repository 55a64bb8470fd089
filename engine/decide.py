"""Phase 3 of a turn: who answers an attack, and each answer (a cell, the record or the doctrine).

The cascade of wars (`engine.network.cascade`) asks a `Decider` for the answers to
each attack it meets. Bound allies answer first, the alliance's leader before the
others (allies follow the major power's lead), then states with a stake. A cell's
state waits for its cell: the decider notes it and answers nothing further, and the
turn records that it waits (`AwaitingDecisions`); nothing is thrown.
"""
from __future__ import annotations

import hashlib
from collections.abc import Iterator, Sequence

from .attack import toward as toward  # re-exported: readers of the record (the backtest) import it here
from .doctrine import Situation
from .events import AttackMade, DecisionDeferred, DecisionRequested, DecisionTaken, Event
from .model import (
    UMPIRE,
    Control,
    Decision,
    DecisionSource,
    Mode,
    ObligationType,
    Response,
    ScriptEntry,
    weightiest,
)
from .network import Attack, Trigger
from .numeric import unit_float
from .play import Play, decision_visibility, first
from .state import GameState, Key
from .world import World

_NONAGGRESSION = ObligationType.NONAGGRESSION
_HOSTILE, _LIMITED, _FULL = Response.HOSTILE, Response.LIMITED, Response.FULL
_REPLAY, _EXERCISE, _NPC, _PLAYER = Mode.REPLAY, Mode.EXERCISE, Control.NPC, Control.PLAYER
_RECORD = Control.RECORD
_DOCTRINE, _SCRIPT = DecisionSource.DOCTRINE, DecisionSource.SCRIPT


def answerers(play: Play, attack: Attack, binding: Sequence[Trigger]) -> list[tuple[str, Trigger | None]]:
    """Who answers the attack, leaders first: bound allies, then states with a stake."""
    gs = play.gs
    owed: dict[str, list[Trigger]] = {}
    for t in binding:
        if t.ally not in attack.attackers and t.type is not _NONAGGRESSION:
            owed.setdefault(t.ally, []).append(t)
    strongest = {s: weightiest(ts, _type_of) for s, ts in owed.items()}
    treaties, rank = gs.scenario.treaty_by_id, play.facts.rank
    leaders = {treaties[t.treaty].leader for t in strongest.values() if t is not None}
    bound = sorted(strongest, key=lambda s: (s not in leaders, rank(s)))
    out: list[tuple[str, Trigger | None]] = [(s, strongest[s]) for s in bound]
    out += [(s, None) for s in _stakeholders(play, attack) if s not in strongest]
    return out


def _type_of(t: Trigger) -> ObligationType:
    return t.type


def _stakeholders(play: Play, attack: Attack) -> list[str]:
    gs = play.gs
    involved = {*attack.attackers, attack.target}
    if attack.threat and gs.mode is not _REPLAY:
        return []  # a threat is answered by the states it binds (consultation), and in a replay by the record
    if gs.mode is _REPLAY:
        # The record's answers outside any treaty; one under a treaty answers only where it binds.
        named = {e.state for e in gs.scenario.script if e.treaty is None and entry_matches(e, attack)
                 and _same_victim(gs, e, attack)}
        return [s.id for s in gs.scenario.states if s.id in named and s.id not in involved]
    friends, fearful = play.stakes()
    stake = set(friends.get(attack.target, ()))
    for x in attack.attackers:
        stake.update(fearful.get(x, ()))
    return sorted(stake - involved, key=play.facts.rank)


def control(gs: GameState, state: str) -> Control:
    """Who answers for a state: its cell in an exercise, the engine otherwise."""
    return gs.controller(state) if gs.mode is _EXERCISE else _NPC


class Draw:
    """The uniform draw of one decision, a hash of the game's seed and the decision's place
    (turn, attack, state): a counter-based generator (Salmon et al. 2011, as JAX's keys). A
    draw does not depend on the draws before it, on the order decisions are taken or on the
    process taking them, and costs one hash rather than seeding a generator per decision."""
    __slots__ = ("u",)

    def __init__(self, key: str) -> None:
        digest = hashlib.blake2b(key.encode(), digest_size=8, person=b"casus-decision").digest()
        self.u = unit_float(int.from_bytes(digest, "big") >> 11)  # 53 bits: a double in [0, 1)

    def random(self) -> float:
        return self.u


class Decider:
    """Answers for every state the cascade asks, in order, and remembers what it decided."""

    def __init__(self, play: Play) -> None:
        self.play, self.gs, self.ctx = play, play.gs, play.ctx
        self.new: list[tuple[Event, ...]] = []
        self.missing: list[Key] = []
        self.bound_by: dict[str, set[str]] = {}
        self.asked: dict[str, Attack] = {}  # every attack the cascade asked about, by id
        # One answer per victim and turn: a state that has chosen its side in a war keeps it
        # when a further enemy joins, rather than being asked (and credited) once per attacker.
        gs = self.gs
        # An answer to a threat is no side taken in a war.
        self.stands: dict[tuple[str, str], Response] = {
            (gs.attacks[a].target, s): toward(d.response, d.side, gs.attacks[a], gs.attacks[a].target)
            for (a, s), d in gs.turn_decisions.items() if not gs.attacks[a].threat}
        self.done: set[tuple[str, str]] = set()  # (attack, state) answered in this cascade

    def __call__(self, attack: Attack, world: World, binding: tuple[Trigger, ...]) -> list[Decision]:
        if self.missing:
            return []  # waiting for cells: the cascade ends here and the turn records the wait
        self.asked.setdefault(attack.id, attack)
        out: list[Decision] = []
        leader_says: dict[str, Response] = {}
        self.bound_by = {}
        for t in binding:
            self.bound_by.setdefault(t.ally, set()).add(t.treaty)
        for state, trigger in answerers(self.play, attack, binding):
            if (attack.id, state) in self.done:
                continue  # asked again for an obligation that waited on others' answers
            d = (self._standing(attack, world, state, trigger)
                 or self._answer(attack, world, state, trigger, leader_says))
            if d is None:
                continue
            self.done.add((attack.id, state))
            # A stand is kept as seen from the attacked: support for an attacking partner
            # is hostility toward its victim.
            if not attack.threat:
                self.stands.setdefault((attack.target, state), toward(d.response, d.side, attack, attack.target))
            if trigger and self.gs.scenario.treaty_by_id[trigger.treaty].leader == state:
                leader_says[trigger.treaty] = d.response
            out.append(d)
        return out

    def _standing(self, attack: Attack, world: World, state: str, trigger: Trigger | None) -> Decision | None:
        """An answer the state has already given: its side in this war, or a war it is in.
        The record's own answer to this link of the chain comes first in a replay."""
        gs, key = self.gs, (attack.id, state)
        if key in gs.overrides or key in gs.turn_decisions:
            return None
        if gs.mode is _REPLAY and script_entry(gs, attack, state, trigger,
                                                   self.bound_by.get(state, set())) is not None:
            return None
        if attack.threat:
            return None  # a threat is answered on its own, whatever the wars
        response = self.stands.get((attack.target, state))
        if response is None and attack.attackers and world.enemies(state).issuperset(attack.attackers):
            response = _FULL  # already fighting the attacker: nothing left to decide
        if response is None:
            return None
        return Decision(turn=gs.turn, state=state, attack=attack.id, response=response,
                        source=_DOCTRINE, side=attack.target)

    def _answer(self, attack: Attack, world: World, state: str, trigger: Trigger | None,
                leader_says: dict[str, Response]) -> Decision | None:
        gs, key = self.gs, (attack.id, state)
        if key in gs.overrides:
            return gs.overrides[key]
        if key in gs.turn_decisions:
            return gs.turn_decisions[key]
        if key in gs.decisions or (key in gs.deferred and gs.deferred[key] > gs.turn):
            return None  # answered on an earlier turn, or the record has it answer later
        if gs.mode is _EXERCISE and control(gs, state) is _PLAYER:
            self.missing.append(key)
            if key not in gs.requests:
                self.new.append(tuple(request(gs, attack, state, trigger, round_=2)))
            return None
        by_record = control(gs, state) is _RECORD
        entry = (script_entry(gs, attack, state, trigger, self.bound_by.get(state, set()))
                 if gs.mode is _REPLAY or by_record else None)
        # An exercise does not hold a decision over for a later turn: the record's answer comes now.
        if entry is not None and entry.turn > gs.turn and not by_record:
            self.new.append((DecisionDeferred(
                turn=gs.turn, attack=attack.id, state=state, until=entry.turn, actor=state,
                visibility=UMPIRE, reason=f"the record has {self.play.facts.name(state)} answer "
                                          f"on turn {entry.turn}"),))
            return None
        treaty = trigger.treaty if trigger else None
        situation = Situation(world=world, ally=state, partner=trigger.partner if trigger else attack.target,
                              attack=attack, treaty=treaty, article=trigger.article if trigger else None,
                              leader_response=leader_says.get(treaty) if treaty else None,
                              triggered=trigger is not None)
        return self._decide(situation, state, entry, attack, trigger)

    def _decide(self, situation: Situation, state: str, entry: ScriptEntry | None, attack: Attack,
                trigger: Trigger | None) -> Decision:
        gs, ctx = self.gs, self.ctx
        draw = Draw(f"{gs.seed}|{gs.turn}|{attack.id}|{state}") if ctx.stochastic else None
        response, advice = ctx.doctrine.decide(situation, draw)
        # The probabilities explain the answer; a batch run tallies answers alone.
        probabilities = tuple(round(p, 4) for p in advice.probabilities) if ctx.verbose else None
        predicted: Response | None = None
        source_ref: str | None = None
        if entry is not None:
            source, rationale = _SCRIPT, entry.note or ""
            predicted, source_ref, response = response, entry.source, entry.response
            reason = f"the record: {entry.note}" if entry.note else "the historical record"
        else:
            source = _DOCTRINE
            rationale = advice.explain() if ctx.verbose else ""
            reason = ("the script is silent; the doctrine decides" if gs.mode is _REPLAY
                      else "the doctrine decides")
        # The record's `side` says whose side the answer is on (Romania beside Germany in 1941).
        side = entry.side if entry is not None and entry.side else (
            trigger.partner if trigger else attack.target)
        decision = Decision(turn=gs.turn, state=state, attack=attack.id, response=response, source=source,
                            side=side,
                            treaty=trigger.treaty if trigger else None, rationale=rationale)
        self.new.append((DecisionTaken(
            turn=gs.turn, state=state, attack=attack.id, response=response, source=source,
            side=decision.side, treaty=decision.treaty, rationale=rationale, probabilities=probabilities,
            predicted=predicted, source_ref=source_ref, actor=state,
            visibility=decision_visibility(gs, decision), reason=reason),))
        return decision

    def events(self) -> Iterator[Event]:
        for group in self.new:
            yield from group

    def unrecorded(self, gs: GameState) -> Iterator[Event]:
        """When the turn waits for cells: the wars this cascade began that the log does not hold
        yet, for the answers already given on them (the finished cascade records them again)."""
        for attack in self.asked.values():
            if attack.id not in gs.attacks:
                yield AttackMade(turn=gs.turn, attack=attack, round=2, actor=first(attack.attackers),
                                 reason="a war begun this turn draws in further obligations")


def request(gs: GameState, attack: Attack, state: str, trigger: Trigger | None, *,
            round_: int) -> Iterator[Event]:
    """Ask a state for its answer (a cascade asking a cell first shows it the attack)."""
    if attack.id not in gs.attacks:
        yield AttackMade(turn=gs.turn, attack=attack, round=round_, actor=first(attack.attackers),
                         reason="a war begun this turn draws in further obligations")
    yield DecisionRequested(turn=gs.turn, attack=attack.id, state=state,
                            treaty=trigger.treaty if trigger else None, round=round_,
                            control=control(gs, state), actor=state, visibility=(state,),
                            reason=trigger.reason if trigger else "a state with a stake in the attack")


# --- the record -------------------------------------------------------------------------------

def script_entry(gs: GameState, attack: Attack, state: str, trigger: Trigger | None,
                 treaties: set[str]) -> ScriptEntry | None:
    """The record's answer: the latest entry up to now, else the first one still to come.

    An entry naming a treaty answers only where that treaty binds the state in
    this attack; an entry without one answers for a state with a stake, or for a
    bound state when the record names no treaty for it."""
    entries = [e for e in gs.scenario.script if e.state == state and entry_matches(e, attack)]
    named = [e for e in entries if e.treaty is not None and e.treaty in treaties]
    if trigger is not None and named:
        first_named = [e for e in named if e.treaty == trigger.treaty]
        entries = first_named or named
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


def entry_matches(entry: ScriptEntry, attack: Attack) -> bool:
    """An entry answers the attack it names, or any link of the chain that attack began."""
    return entry.inject is None or entry.inject in (attack.id, attack.origin)
