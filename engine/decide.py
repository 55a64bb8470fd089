"""Phase 3 of a turn: who answers an attack, and each answer (a cell, the record or the doctrine).

The cascade of wars (`engine.network.cascade`) asks a `Decider` for the answers to
each attack it meets. Bound allies answer first, the alliance's leader before the
others (allies follow the major power's lead), then states with a stake. A cell's
state waits for its cell: the decider notes it and answers nothing further, and the
turn records that it waits (`AwaitingDecisions`); nothing is thrown.
"""
from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator, Mapping, Sequence
from collections.abc import Set as AbstractSet
from itertools import chain
from operator import attrgetter

from .attack import toward as toward  # re-exported: readers of the record (the backtest) import it here
from .doctrine import Advice, Situation
from .events import AttackMade, DecisionDeferred, DecisionRequested, DecisionTaken, Event, builder
from .frozen import constructor
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
from .world import IdentityMemo, World

_NONAGGRESSION = ObligationType.NONAGGRESSION
_HOSTILE, _LIMITED, _FULL = Response.HOSTILE, Response.LIMITED, Response.FULL
_REPLAY, _EXERCISE, _NPC, _PLAYER = Mode.REPLAY, Mode.EXERCISE, Control.NPC, Control.PLAYER
_RECORD = Control.RECORD
_DOCTRINE, _SCRIPT = DecisionSource.DOCTRINE, DecisionSource.SCRIPT
_DECISION_TAKEN = builder(DecisionTaken)  # (events.builder: made for every answer)
# Built for every answer too, by their constructors called directly (engine.frozen.constructor).
_DECISION = constructor(Decision)
_SITUATION = constructor(Situation)


def answerers(play: Play, attack: Attack, binding: Sequence[Trigger]) -> list[tuple[str, Trigger | None]]:
    """Who answers the attack, leaders first: bound allies, then states with a stake."""
    bound, named = _bound(play, attack, binding)
    return [*bound, *((s, None) for s in _stakeholders(play, attack) if s not in named)]


# The bound allies of an attack depend on its binding triggers, its attackers and the scenario
# alone. The alliance graph keeps each attack's binding triggers per scenario (the same tuple for
# the same attack and alliances, in run after run of a batch), so they are kept here by that
# tuple, which each entry holds (its id cannot name another while kept). Kept per scenario, at
# most _BOUND_KEPT tuples (then afresh).
_BOUND = IdentityMemo()
_BOUND_KEPT = 4096
Bound = tuple[list[tuple[str, Trigger]], dict[str, Trigger]]


def _bound(play: Play, attack: Attack, binding: Sequence[Trigger]) -> Bound:
    kept: dict[int, tuple[Sequence[Trigger], tuple[str, ...], Bound]] = _BOUND.scratch(play.gs.scenario)
    entry = kept.get(id(binding))
    if entry is not None and entry[0] is binding and entry[1] == attack.attackers:
        return entry[2]
    found = _read_bound(play, attack, binding)
    if len(kept) >= _BOUND_KEPT:
        kept.clear()
    kept[id(binding)] = (binding, attack.attackers, found)
    return found


def _read_bound(play: Play, attack: Attack, binding: Sequence[Trigger]) -> Bound:
    """The states bound to answer, leaders first, each with the obligation its answer is judged
    by; and that obligation by state."""
    owed: dict[str, list[Trigger]] = {}
    for t in binding:
        if t.ally not in attack.attackers and t.type is not _NONAGGRESSION:
            owed.setdefault(t.ally, []).append(t)
    strongest: dict[str, Trigger] = {}
    for s, ts in owed.items():
        found = weightiest(ts, _type_of)
        assert found is not None  # (each list holds a trigger)
        strongest[s] = found
    treaties, rank = play.gs.scenario.treaty_by_id, play.facts.rank
    leaders = {treaties[t.treaty].leader for t in strongest.values()}
    # Leaders first, each group in the scenario's order (a sort by rank, which calls no Python
    # function, then a stable split).
    ranked = sorted(strongest, key=rank)
    out = [(s, strongest[s]) for s in ranked if s in leaders]
    out += [(s, strongest[s]) for s in ranked if s not in leaders]
    return out, strongest


# A trigger's obligation type, read in C (weightiest asks it of every trigger of an ally bound twice).
_type_of: Callable[[Trigger], ObligationType] = attrgetter("type")


def _stakeholders(play: Play, attack: Attack, *, kept: bool = True) -> list[str]:
    """`kept`: as kept for the games of a batch (False: read afresh)."""
    gs = play.gs
    if attack.threat and gs.mode is not _REPLAY:
        return []  # a threat is answered by the states it binds (consultation), and in a replay by the record
    if gs.mode is _REPLAY:
        # The record's answers outside any treaty; one under a treaty answers only where it binds.
        named = {e.state for e in gs.scenario.script if e.treaty is None and answers(gs, e, attack, None)}
        involved = {*attack.attackers, attack.target}
        return [s.id for s in gs.scenario.states if s.id in named and s.id not in involved]
    return _kept_stakeholders(play, attack) if kept else _read_stakeholders(play, attack)


# The states with a stake in an attack depend on the stakes (who holds whom dear, who fears whom:
# one object per version of the setting, Play.stakes), the attack's target and its attackers alone:
# so they are kept per scenario by those, each entry holding its stakes (whose id then names no other).
# Never changed by a reader (answerers copies them); at most _STAKEHOLDERS_KEPT, then afresh.
_STAKEHOLDERS = IdentityMemo()
_STAKEHOLDERS_KEPT = 4096


def _kept_stakeholders(play: Play, attack: Attack) -> list[str]:
    stakes = play.stakes()
    kept: dict[tuple[int, str, tuple[str, ...]], tuple[object, list[str]]] = _STAKEHOLDERS.scratch(
        play.gs.scenario)
    key = (id(stakes), attack.target, attack.attackers)
    entry = kept.get(key)
    if entry is not None and entry[0] is stakes:
        return entry[1]
    found = _read_stakeholders(play, attack)
    if len(kept) >= _STAKEHOLDERS_KEPT:
        kept.clear()
    kept[key] = (stakes, found)
    return found


def _read_stakeholders(play: Play, attack: Attack) -> list[str]:
    """The states outside the attack that hold its target dear or fear an attacker, in the
    scenario's order, read off the stakes afresh (for a game that is no replay)."""
    friends, fearful = play.stakes()
    stake = set(friends.get(attack.target, ()))
    for x in attack.attackers:
        stake.update(fearful.get(x, ()))
    return sorted(stake - {*attack.attackers, attack.target}, key=play.facts.rank)


def control(gs: GameState, state: str) -> Control:
    """Who answers for a state: its cell in an exercise, the engine otherwise."""
    return gs.controller(state) if gs.mode is _EXERCISE else _NPC


PERSON = b"casus-decision"  # the draws' personalisation (the compiled kernel's draws use it too)
_HASHER = hashlib.blake2b(digest_size=8, person=PERSON)


class Draw:
    """The uniform draw of one decision, a hash of the game's seed and the decision's place
    (turn, attack, state): a counter-based generator (Salmon et al. 2011, as JAX's keys). A
    draw does not depend on the draws before it, on the order decisions are taken or on the
    process taking them, and costs one hash rather than seeding a generator per decision."""
    __slots__ = ("u",)

    def __init__(self, key: str) -> None:
        self.u = _uniform(_HASHER, key)

    def random(self) -> float:
        return self.u


def _uniform(hasher: hashlib.blake2b, rest: str) -> float:
    """The draw of the key `hasher` has read so far followed by `rest`."""
    hasher = hasher.copy()  # (a copy of the set-up hash, rather than its keywords read again)
    hasher.update(rest.encode())
    return unit_float(int.from_bytes(hasher.digest(), "big") >> 11)  # 53 bits: a double in [0, 1)


class TurnDraws:
    """The draws of one turn of one game, `draws(f"{attack}|{state}")` being
    `Draw(f"{seed}|{turn}|{attack}|{state}")`: the hash reads the seed and the turn once, not once
    per decision (a hash reads its input as a stream, so the key read in two parts is the same key)."""
    __slots__ = ("_hasher",)

    def __init__(self, seed: int, turn: int) -> None:
        self._hasher = _HASHER.copy()
        self._hasher.update(f"{seed}|{turn}|".encode())

    def __call__(self, rest: str) -> Draw:
        draw = object.__new__(Draw)  # (its fields set here, without the class call's __init__)
        draw.u = _uniform(self._hasher, rest)
        return draw


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
        # In a replay the record's answer stands until the record says otherwise (an entry
        # for the new link comes first), whatever the turn it was given on.
        gs = self.gs
        decided = gs.decisions if gs.mode is _REPLAY else gs.turn_decisions
        # An answer to a threat is no side taken in a war.
        self.stands: dict[tuple[str, str], Response] = {
            (gs.attacks[a].target, s): toward(d.response, d.side, gs.attacks[a], gs.attacks[a].target)
            for (a, s), d in decided.items() if not gs.attacks[a].threat}
        # In a replay, the answers given on an attacking partner's side, by (partner, state).
        self.beside: dict[tuple[str, str], Response] = {}
        if gs.mode is _REPLAY:
            for (a, s), d in decided.items():
                self._keep_beside(gs.attacks[a], s, d)
        self.done: set[tuple[str, str]] = set()  # (attack, state) answered in this cascade
        self.given: dict[Key, tuple[Attack, Decision]] = {}  # this cascade's answers, for the record
        self.draws = TurnDraws(gs.seed, gs.turn) if self.ctx.stochastic else None

    def __call__(self, attack: Attack, world: World, binding: tuple[Trigger, ...]) -> list[Decision]:
        if self.missing:
            return []  # waiting for cells: the cascade ends here and the turn records the wait
        self.asked.setdefault(attack.id, attack)
        out: list[Decision] = []
        leader_says: dict[str, Response] = {}
        mode = self.gs.mode
        if mode is _REPLAY or mode is _EXERCISE:  # the record answers only in these (script_entry)
            self.bound_by = {}
            for t in binding:
                self.bound_by.setdefault(t.ally, set()).add(t.treaty)
        # Read once for the attack's answerers, not once for each.
        done, given, stands, target = self.done, self.given, self.stands, attack.target
        threat, replay, treaties = attack.threat, mode is _REPLAY, self.gs.scenario.treaty_by_id
        for state, trigger in answerers(self.play, attack, binding):
            key = (attack.id, state)
            if key in done:
                continue  # asked again for an obligation that waited on others' answers
            # A threat is answered on its own, whatever the wars: no standing answer.
            d = ((None if threat else self._standing(attack, world, state, trigger))
                 or self._answer(attack, world, state, trigger, leader_says))
            if d is None:
                continue
            done.add(key)
            given[key] = (attack, d)
            # A stand is kept as seen from the attacked: support for an attacking partner
            # is hostility toward its victim.
            if not threat and (target, state) not in stands:
                stands[target, state] = toward(d.response, d.side, attack, target)
                if replay:
                    self._keep_beside(attack, state, d)
            if trigger and treaties[trigger.treaty].leader == state:
                leader_says[trigger.treaty] = d.response
            out.append(d)
        return out

    def _standing(self, attack: Attack, world: World, state: str, trigger: Trigger | None) -> Decision | None:
        """An answer the state has already given: its side in this war, or a war it is in.
        The record's own answer to this link of the chain comes first in a replay. Asked of an
        attack, never of a threat (answered on its own, whatever the wars: `__call__`)."""
        gs, key = self.gs, (attack.id, state)
        if key in gs.overrides or key in gs.turn_decisions:
            return None
        if gs.mode is _REPLAY and script_entry(gs, attack, state, trigger, self.bound_by.get(state, set()),
                                                   self.given) is not None:
            return None
        response = self.stands.get((attack.target, state))
        if response is None and attack.attackers and world.enemies(state).issuperset(attack.attackers):
            response = _FULL  # already fighting the attacker: nothing left to decide
        if response is None:
            return self._kept_beside(attack, world, state) if gs.mode is _REPLAY else None
        # Positional: Decision's fields in order (quicker than keywords, built hundreds of times a run).
        return _DECISION(Decision, gs.turn, state, attack.id, response, _DOCTRINE, attack.target)

    def _keep_beside(self, attack: Attack, state: str, d: Decision) -> None:
        if not attack.threat and d.side in attack.attackers:
            self.beside.setdefault((d.side, state), d.response)

    def _kept_beside(self, attack: Attack, world: World, state: str) -> Decision | None:
        """In a replay, the side the record put a state on when the record has no answer to
        this link: beside an attacking partner it answered for before (France's neutrality
        toward Austria in 1866, whomever Austria fights), or against a victim it is already
        at war with (the states Mecklenburg attacked, when Austria joins the war on it)."""
        gs = self.gs
        for x in attack.attackers:
            response = self.beside.get((x, state))
            if response is not None:
                return Decision(turn=gs.turn, state=state, attack=attack.id, response=response,
                                source=_DOCTRINE, side=x)
        if attack.attackers and attack.target in world.enemies(state):
            return Decision(turn=gs.turn, state=state, attack=attack.id, response=_FULL,
                            source=_DOCTRINE, side=first(attack.attackers))
        return None

    def _answer(self, attack: Attack, world: World, state: str, trigger: Trigger | None,
                leader_says: dict[str, Response]) -> Decision | None:
        gs, key = self.gs, (attack.id, state)
        if key in gs.overrides:
            return gs.overrides[key]
        if key in gs.turn_decisions:
            return gs.turn_decisions[key]
        if key in gs.decisions or (key in gs.deferred and gs.deferred[key] > gs.turn):
            return None  # answered on an earlier turn, or the record has it answer later
        # control(gs, state), read once: a cell's or the record's in an exercise, else the engine's.
        controller = gs.controller(state) if gs.mode is _EXERCISE else _NPC
        if controller is _PLAYER:
            self.missing.append(key)
            if key not in gs.requests:
                self.new.append(tuple(request(gs, attack, state, trigger, round_=2)))
            return None
        by_record = controller is _RECORD
        entry = (script_entry(gs, attack, state, trigger, self.bound_by.get(state, set()), self.given)
                 if gs.mode is _REPLAY or by_record else None)
        # An exercise does not hold a decision over for a later turn: the record's answer comes now.
        if entry is not None and entry.turn > gs.turn and not by_record:
            self.new.append((DecisionDeferred(
                turn=gs.turn, attack=attack.id, state=state, until=entry.turn, actor=state,
                visibility=UMPIRE, reason=f"the record has {self.play.facts.name(state)} answer "
                                          f"on turn {entry.turn}"),))
            return None
        treaty = trigger.treaty if trigger else None
        # Positional, in the order of Situation's fields: world, ally, partner, attack, treaty, article,
        # leader_response, triggered.
        situation = _SITUATION(Situation, world, state, trigger.partner if trigger else attack.target, attack,
                               treaty, trigger.article if trigger else None,
                               leader_says.get(treaty) if treaty else None, trigger is not None)
        return self._decide(situation, state, entry, attack, trigger)

    def _decide(self, situation: Situation, state: str, entry: ScriptEntry | None, attack: Attack,
                trigger: Trigger | None) -> Decision:
        gs, ctx, draws = self.gs, self.ctx, self.draws
        draw = draws(f"{attack.id}|{state}") if draws is not None else None
        advice: Advice | None = None
        if draw is not None and not ctx.verbose:
            response = ctx.doctrine.draw(situation, draw)  # a batch run tallies answers alone
        else:
            response, advice = ctx.doctrine.decide(situation, draw)
        # The probabilities explain the answer (its reasons too, below, when the doctrine's).
        probabilities = tuple(round(p, 4) for p in advice.probabilities) if advice is not None and ctx.verbose else None
        predicted: Response | None = None
        source_ref: str | None = None
        if entry is not None:
            source, rationale = _SCRIPT, entry.note or ""
            predicted, source_ref, response = response, entry.source, entry.response
            reason = f"the record: {entry.note}" if entry.note else "the historical record"
        else:
            source = _DOCTRINE
            rationale = advice.explain() if advice is not None and ctx.verbose else ""
            reason = "the script is silent; the doctrine decides" if gs.mode is _REPLAY else DOCTRINE_DECIDES
        # The record's `side` says whose side the answer is on (Romania beside Germany in 1941).
        side = entry.side if entry is not None and entry.side else (
            trigger.partner if trigger else attack.target)
        # Positional, in the order of Decision's fields: turn, state, attack, response, source, side,
        # treaty, rationale.
        decision = _DECISION(Decision, gs.turn, state, attack.id, response, source, side,
                             trigger.treaty if trigger else None, rationale)
        self.new.append((taken(gs, decision, self.play.facts.secret, reason, probabilities, predicted, source_ref),))
        return decision

    def events(self) -> Iterator[Event]:
        return chain.from_iterable(self.new)

    def unrecorded(self, gs: GameState) -> Iterator[Event]:
        """When the turn waits for cells: the wars this cascade began that the log does not hold
        yet, for the answers already given on them (the finished cascade records them again)."""
        for attack in self.asked.values():
            if attack.id not in gs.attacks:
                yield AttackMade(turn=gs.turn, attack=attack, round=2, actor=first(attack.attackers),
                                 reason="a war begun this turn draws in further obligations")


DOCTRINE_DECIDES = "the doctrine decides"  # the reason of an answer the doctrine gives in a game that is no replay


def taken(gs: GameState, decision: Decision, secret: AbstractSet[str], reason: str,
          probabilities: tuple[float, ...] | None = None, predicted: Response | None = None,
          source_ref: str | None = None) -> DecisionTaken:
    """The event of an answer given at the close of the open turn (`secret`: the scenario's secret
    treaties, which decide who sees it). The compiled kernel's turn of war makes its answers' events
    here too."""
    return _DECISION_TAKEN(
        DecisionTaken, turn=gs.turn, state=decision.state, attack=decision.attack, response=decision.response,
        source=decision.source, side=decision.side, treaty=decision.treaty, rationale=decision.rationale,
        probabilities=probabilities, predicted=predicted, source_ref=source_ref, actor=decision.state,
        visibility=decision_visibility(gs, decision, secret), reason=reason)


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
#
# A script entry is one state's answer to one decision: the inject it names (without one, an
# attack fired on the entry's turn), read on one side. Its side is the one it names (`side`),
# else the named inject's victim. It answers a link of that inject's chain only where that side
# is in play: the link's victim, or an attacking partner its treaty binds the state to (an
# offense pact, neutrality owed to a partner that attacks). A later link with another victim
# gets no entry (Egypt's answer for Kuwait in 1990 is no answer on Iraq's side), and an entry
# answers once: once the state has answered for that side in this chain, a further enemy
# joining finds the state's stand (`Decider._standing`), not the entry again. A decision no
# entry answers falls back as any unscripted one does: the state's stand in that war (kept
# from any turn in a replay), else the doctrine decides ("the script is silent").

Given = Mapping[Key, tuple[Attack, Decision]]


def script_entry(gs: GameState, attack: Attack, state: str, trigger: Trigger | None,
                 treaties: set[str], given: Given | None = None) -> ScriptEntry | None:
    """The record's answer to this decision: the latest entry up to now, else the first one
    still to come. `given` holds the answers of the cascade under way, not yet in `gs`.

    An entry naming a treaty answers only where that treaty binds the state in this attack
    (the trigger's treaty first); an entry without one answers for a state with a stake, or
    for a bound state when the record names no treaty for it."""
    partner = trigger.partner if trigger is not None else None
    entries = [e for e in gs.scenario.script if e.state == state and answers(gs, e, attack, partner)]
    named = [e for e in entries if e.treaty is not None and e.treaty in treaties]
    if trigger is not None and named:
        entries = [e for e in named if e.treaty == trigger.treaty] or named
    else:
        entries = [e for e in entries if e.treaty is None]
    entries = [e for e in entries if not _spent(gs, e, attack, given or {})]
    past = [e for e in entries if e.turn <= gs.turn]
    if past:
        return max(past, key=lambda e: e.turn)
    return min(entries, key=lambda e: e.turn) if entries else None


def answers(gs: GameState, entry: ScriptEntry, attack: Attack, partner: str | None) -> bool:
    """Whether the entry is the record's answer to this link of a chain (see above), for a state
    that answers for `partner` (the trigger's; None for a state with a stake)."""
    if entry.inject is None:
        return attack.id == attack.origin and gs.attack_turn.get(attack.id, gs.turn) == entry.turn
    if entry.inject != attack.origin:
        return False
    return _reads_on(gs, entry, attack, partner)


def _reads_on(gs: GameState, entry: ScriptEntry, attack: Attack, partner: str | None) -> bool:
    """Whether the side the entry is read on is in play in this link: its victim, or the
    attacking partner the state answers for (`partner`); on the named inject itself, any
    party (Romania's war beside Germany in 1941 is its answer to the attack on the Soviet Union)."""
    if entry.side is None:
        named = gs.scenario.inject_by_id.get(entry.inject) if entry.inject else None
        return named is None or named.target == attack.target
    if entry.side == attack.target or (entry.side in attack.attackers and entry.side == partner):
        return True
    return attack.id == entry.inject and entry.side in attack.attackers


def _spent(gs: GameState, entry: ScriptEntry, attack: Attack, given: Given) -> bool:
    """Whether the state has already answered, on another link of the entry's chain, for the
    side the entry is read on: the entry was that answer."""
    for (link_id, state), decision in gs.decisions.items():
        link = gs.attacks.get(link_id)
        if state == entry.state and link is not None and _same_answer(gs, entry, attack, link, decision):
            return True
    return any(state == entry.state and _same_answer(gs, entry, attack, link, decision)
               for (_, state), (link, decision) in given.items())


def _same_answer(gs: GameState, entry: ScriptEntry, attack: Attack, link: Attack, decision: Decision) -> bool:
    """Whether `decision`, on `link`, was the entry's answer (the record's words, on its side)."""
    return (decision.source is _SCRIPT and link.id != attack.id and link.origin == attack.origin
            and decision.response is entry.response and decision.rationale == (entry.note or "")
            and answers(gs, entry, link, decision.side))
