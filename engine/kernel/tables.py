"""The kernel's tables, compiled from the reference engine itself.

Within the kernel's scope (`engine.kernel.scope`) the shape of a run does not depend
on its draws until an answer begins a war or an option is open: every inject fires on its turn, the same
states answer each attack in the same order under the same treaties, the same
councils vote, the same commitments come due. Only the answers, and through them
the votes, honour, reputations and cohesion, change from run to run.

So the tables are read off one *skeleton* play of the scenario by the engine's own
phases (`open_turn`, `cascade`, `resolve`), in which a recording decider notes who
answers what, under which trigger, with which factor values (one row per possible
answer of the treaty's leader), and every doctrine answer is `neutral` (it begins no
war, so the skeleton stays on the shape every kernel run shares). The votes' and the
commitments' verdicts for each possible answer come from the engine's functions
(`resolve._vote`, `honours`, `toward`); the reputation constants from `engine.resolve`.
The skeleton stops before the first turn on which an option is open (`Tables.stop`):
each run's choice is its own draw. The same skeleton play, started from a run's
state after a turn of war (between turns) or after its option phase (a turn open),
gives the tables of the turns after it (`build_tables(start=...)`, engine.kernel.resume).
Nothing the kernel reads is written twice; what it does with them (the run loop) is
checked against the reference engine run by run (tests/test_kernel.py).
"""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import numpy.typing as npt

from .. import resolve as resolve_rules
from ..attack import toward
from ..cascade import _enemies_from
from ..decide import PERSON as _PERSON  # engine.decide.Draw's personalisation
from ..decide import Decider
from ..doctrine import FACTORS, Doctrine, Situation
from ..doctrine.advice import Advice
from ..doctrine.factors import values as factor_values
from ..events import Event, IndicatorsMeasured, InjectFired, OptionDeclined, OptionOffered, OptionTaken, WarBegun
from ..game import Game
from ..model import RESPONSES, Decision, DecisionSource, Invocation, ObligationType, Response, Scenario
from ..network import Attack, Trigger
from ..play import Context, Play
from ..resolve import resolve
from ..state import GameState, Status
from ..turn import MAX_CASCADE_ROUNDS, _lapse, open_turn, turn_cascade
from ..world import World
from .accounts import Ballots
from .scope import OutOfScope

__all__ = ["Tables", "build_tables", "tables_at", "REPUTATION_FACTOR"]

REPUTATION_FACTOR = FACTORS.index("reputation")
_CALLS_TO_ARMS = (ObligationType.DEFENSE, ObligationType.OFFENSE)
_NA = ObligationType.NONAGGRESSION
_LEVELS = len(RESPONSES)
_CHOICES = (OptionTaken, OptionDeclined, OptionOffered)  # an option's actor chose (or is asked) this turn


class _Neutral(Doctrine):
    """The skeleton's doctrine: its factors as the engine reads them, its answer always neutral."""

    def decide(self, situation: Situation, rng: Any = None) -> tuple[Response, Advice]:
        return Response.NEUTRAL, self.advise(situation)


@dataclass
class _Answer:
    """One state asked about one attack: a drawn answer, or a standing one (already at war)."""
    attack: Attack
    state: str
    trigger: Trigger | None
    standing: int = -1                 # the fixed rank of a standing answer, else -1
    source: int = -1                   # a side kept: the earlier answer of the turn it keeps (in the book)
    kept_as: list[int] = field(default_factory=list)  # ... its rank for each rank of that answer
    values: list[tuple[float, ...]] = field(default_factory=list)  # per leader answer: none, then each level
    begins_war: bool = False           # a `full` answer would begin a war (the run leaves the kernel)

    @property
    def side(self) -> str:
        """The side the answer is on, as engine.decide gives it (a standing answer: the attacked)."""
        if self.standing < 0 and self.trigger is not None:
            return self.trigger.partner
        return self.attack.target


class _Recorder(Decider):
    """The engine's decider, noting who answers each attack and what the doctrine reads."""

    def __init__(self, play: Play, book: list[_Answer]) -> None:
        super().__init__(play)
        self.book = book
        if self.stands:
            raise OutOfScope("a side taken before the turn closes (a cell's answer) is not yet compiled")
        self.origin: dict[tuple[str, str], int] = {}  # (victim, state) -> the answer whose side it keeps

    def __call__(self, attack: Attack, world: World, binding: tuple[Trigger, ...]) -> list[Decision]:
        first = len(self.book)
        found = super().__call__(attack, world, binding)
        # engine.decide.Decider keeps each state's first side per victim (its `stands`): note
        # which answer set each, in the same order
        if not attack.threat:
            for i in range(first, len(self.book)):
                self.origin.setdefault((attack.target, self.book[i].state), i)
        return found

    def _standing(self, attack: Attack, world: World, state: str, trigger: Trigger | None) -> Decision | None:
        found = super()._standing(attack, world, state, trigger)
        if found is not None:
            answer = _Answer(attack, state, trigger, standing=found.response.rank)
            if (attack.target, state) in self.stands:  # the side taken on an earlier attack on this victim
                answer.source = self.origin[(attack.target, state)]
                kept = self.book[answer.source]
                answer.kept_as = [toward(level, kept.side, kept.attack, attack.target).rank for level in RESPONSES]
                answer.standing = -1
                full = Decision(turn=self.gs.turn, state=state, attack=attack.id, response=Response.FULL,
                                source=DecisionSource.DOCTRINE, side=attack.target)
                answer.begins_war = _begins_war(full, attack, world)
            elif _begins_war(found, attack, world):
                raise OutOfScope("a standing answer that begins a war is not yet compiled")
            self.book.append(answer)
        return found

    def _decide(self, situation: Situation, state: str, entry: Any, attack: Attack,
                trigger: Trigger | None) -> Decision:
        answer = _Answer(attack, state, trigger)
        variants = (None, *RESPONSES)
        answer.values = [factor_values(replace(situation, leader_response=r)) for r in variants]
        _check_reputation(replace(situation, leader_response=None), answer.values[0])
        full = Decision(turn=self.gs.turn, state=state, attack=attack.id, response=Response.FULL,
                        source=DecisionSource.DOCTRINE, side=answer.side)
        answer.begins_war = _begins_war(full, attack, situation.world)
        self.book.append(answer)
        return super()._decide(situation, state, entry, attack, trigger)


def _begins_war(decision: Decision, attack: Attack, world: World) -> bool:
    enemies, _ = _enemies_from(decision, attack)
    at_war = {w.pair for w in world.wars}
    return any(frozenset((decision.state, e)) not in at_war for e in enemies)


def _check_reputation(situation: Situation, found: tuple[float, ...]) -> None:
    """The kernel puts the run's reputation into one factor, centred: check the engine reads it so."""
    world = situation.world
    for probe in (0.0, 0.37, 1.0):
        moved = world.evolve(reputation={**world.reputation, situation.ally: probe})
        again = factor_values(replace(situation, world=moved))
        others_same = all(a == b for i, (a, b) in enumerate(zip(found, again)) if i != REPUTATION_FACTOR)
        if not others_same or again[REPUTATION_FACTOR] != 2.0 * probe - 1.0:
            raise OutOfScope("the doctrine reads the reputation otherwise than the kernel puts it in")


# --- the skeleton play ---------------------------------------------------------------------------

@dataclass
class _Turn:
    number: int
    answers: list[_Answer]
    triggers: tuple[Trigger, ...]      # what binds, in the round's order
    gs: GameState                      # the state after the answers, before the resolution
    play: Play
    measured: list[str]                # treaties whose indicators the turn measures, in order


class _Conditional(Exception):
    """The turn's close meets an obligation owed only once other members have honoured theirs
    (`conditional_on`): whether it binds depends on the run's answers."""


def _skeleton(scenario: Scenario, doctrine: Doctrine, start: GameState | None = None
              ) -> tuple[list[_Turn], list[Event], dict[str, float], list[GameState], GameState | None]:
    """The skeleton play from the game's start, or from `start` (a state between two turns, or
    once a turn is open), up to where each run's draws change what follows (the last thing
    returned; None when the play reached the end): a turn on which an option is open (the state
    before it opens), or a turn whose close meets a conditional obligation (the state once open)."""
    neutral = _Neutral(dict(doctrine.weights), doctrine.cuts)
    ctx = Context(neutral, stochastic=False, verbose=False)
    gs = (Game.new(scenario, seed=0, stochastic=False, verbose=False, doctrine=neutral).state
          if start is None else start.copy())
    reputation = dict(gs.reputation)
    turns: list[_Turn] = []
    events: list[Event] = []
    opened: list[GameState] = []   # each turn's state once open: where a run that leaves resumes
    while gs.status is Status.OPEN or gs.turn < scenario.turns:
        if gs.status is not Status.OPEN:  # else its options drawn already (by the reference engine, for one run)
            step = open_turn(gs, ctx)
            if any(isinstance(e, _CHOICES) for e in step.events):
                # each run's options are its own draw, from its own reputations and answers: the run
                # leaves the kernel here, and comes back on the tables of the state its options make
                return turns, events, reputation, opened, gs
            events += step.events
            gs = step.state
        try:
            turn, closed, made = _close(gs, ctx)
        except _Conditional:
            # the reference engine closes this turn for each run, which comes back after it
            return turns, events, reputation, opened, gs
        opened.append(gs.copy())
        gs = closed
        events += made
        turns.append(turn)
    return turns, events, reputation, opened, None


def _close(gs: GameState, ctx: Context) -> tuple[_Turn, GameState, list[Event]]:
    """engine.turn's close of a turn, with the recording decider, in two steps: the answers,
    then the resolution (so that the state between them can be kept)."""
    play = Play(gs, ctx)
    book: list[_Answer] = []
    decider = _Recorder(play, book)
    earlier = [(gs.attacks[a], d) for (a, _), d in gs.decisions.items() if d.turn < gs.turn]
    result = turn_cascade(play, decider, all_triggers=False, earlier=earlier)
    rnd = result.rounds[0] if result.rounds else None
    treaty = gs.scenario.treaty
    # the round holds a conditional obligation whether the skeleton's answers left it owed or not
    if rnd and any(treaty(t.treaty).obligations[t.article].conditional_on for t in rnd.triggers):
        raise _Conditional
    triggers = tuple(t for t in rnd.triggers if t.triggered) if rnd else ()
    if len(result.rounds) > 1 or result.truncated or decider.missing:
        raise OutOfScope("cascades of wars are not yet compiled")
    answered = play.run(decider.events())
    between = answered.state.copy()
    rest = Play(answered.state, ctx, own=True)
    closing = rest.run(_resolution(rest, result))
    measured = [e.treaty for e in closing.events if isinstance(e, IndicatorsMeasured)]
    turn = _Turn(gs.turn, book, triggers, between, play, measured)
    return turn, closing.state, [*answered.events, *closing.events]


def _resolution(play: Play, result: Any) -> Iterator[Event]:
    """engine.turn's close after the answers: the options whose window closes lapse, then the resolution."""
    yield from _lapse(play)
    yield from resolve(play, result, MAX_CASCADE_ROUNDS)


# --- the flat tables -----------------------------------------------------------------------------

@dataclass
class Tables:
    """Everything a kernel run reads, as flat arrays (indexes into the lists of names)."""
    states: list[str]
    slots: list[tuple[str, str, int, bool]]   # per drawn answer: (attack, state, turn, bound)
    pairs: list[tuple[str, str]]              # (attack, ally) of the commitments tested
    treaties: list[str]                       # per indicator measured
    fired: tuple[tuple[str, int], ...]        # every inject fired, with its turn (the same each run)
    belligerents: int
    first_war: int | None
    origins: dict[str, str]                   # attack -> the attack its chain began with
    arrays: dict[str, npt.NDArray[Any]]
    weights: npt.NDArray[np.float64]
    cuts: npt.NDArray[np.float64]
    # per turn, the skeleton's state once the turn is open, kept where an answer may begin a war
    opened: list[GameState | None]
    votes: list[tuple[str, str]]              # per (treaty, attack) group: its names
    wars: tuple[tuple[int, str, str], ...]    # every war begun (turn, aggressor, defender), in order
    script_slots: list[int | None] | None = None  # per script entry, the slot it reads (found once)
    # where every run leaves the kernel (engine.kernel.resume), None when the tables reach the end: the
    # state between turns before a turn on which an option is open (the reference engine opens that
    # turn), or a turn's state once open when its close meets a conditional obligation (it closes it)
    stop: GameState | None = None
    # the tables of the turns after a turn of war, by the shape of the run's state then (engine.kernel.resume),
    # or why the kernel does not play them
    after: dict[bytes, Tables | str] = field(default_factory=dict)
    met: dict[bytes, int] = field(default_factory=dict)  # the shapes met, not compiled: how often
    came_back: int = 0                                # runs that came back on tables of `after`
    closes_looked: int = 0     # states after a close looked up in `after`, and found (resume.CLOSE_TRIAL)
    closes_found: int = 0
    # the shape of the state an option phase from `stop` made, by that phase's events (or their digest:
    # engine.kernel.resume._made): the same events from the same shape make the same shape, read once
    made: dict[tuple[Event, ...] | bytes, bytes] = field(default_factory=dict)
    # each answer a run gave on these tables, by where they stopped (the id of that state; of None at their
    # end), its slot and its level (engine.kernel.resume): at most slots x levels x (turns + 2) decisions
    decided: dict[tuple[int, int, int], Decision] = field(default_factory=dict)


class _Builder:
    """Flattens the skeleton's turns into the arrays `engine.kernel.loop` reads."""

    def __init__(self, scenario: Scenario) -> None:
        self.scenario = scenario
        self.states = [s.id for s in scenario.states]
        self.index = {s: i for i, s in enumerate(self.states)}
        self.cols: dict[str, list[Any]] = {}
        self.rows: dict[str, int] = {}
        self.slots: list[tuple[str, str, int, bool]] = []
        self.pairs: list[tuple[str, str]] = []
        self.pair_index: dict[tuple[str, str], int] = {}
        self.treaties: list[str] = []
        self.key_bytes = bytearray()
        self.attack_ids: dict[str, int] = {}
        self.treaty_ids: dict[str, int] = {}
        self.votes: list[tuple[str, str]] = []

    def add(self, table: str, **row: Any) -> int:
        for name, value in row.items():
            self.cols.setdefault(f"{table}_{name}", []).append(value)
        self.rows[table] = self.rows.get(table, 0) + 1
        return self.rows[table] - 1

    def count(self, table: str) -> int:
        return self.rows.get(table, 0)

    def turn(self, t: _Turn) -> None:
        a_start = self.count("a")
        slot_of: dict[tuple[str, str], int] = {}    # (attack, state) -> drawn slot
        row_of: dict[tuple[str, str], int] = {}     # (attack, state) -> its answer's row
        answer_of: dict[tuple[str, str], _Answer] = {}
        for answer in t.answers:
            key = (answer.attack.id, answer.state)
            answer_of[key] = answer
            slot = -1
            if answer.standing < 0 and answer.source < 0:
                slot = len(self.slots)
                self.slots.append((answer.attack.id, answer.state, t.number, answer.trigger is not None))
                self._slot(answer, t.number)
                slot_of[key] = slot
            treaty = answer.trigger.treaty if answer.trigger else None
            leader = treaty is not None and self.scenario.treaty_by_id[treaty].leader == answer.state
            self.add("a", slot=slot, standing=answer.standing, attack=_id(answer.attack.id, self.attack_ids),
                     treaty=self._treaty(treaty), leader=leader,
                     source=a_start + answer.source if answer.source >= 0 else -1,
                     kept_as=answer.kept_as or [0] * _LEVELS, begins_war=answer.begins_war)
            row_of[key] = self.count("a") - 1
        g_start = self.count("g")
        self._groups(t, slot_of, answer_of, row_of)
        m_start = self.count("m")
        self._indicators(t, slot_of, answer_of)
        self.add("t", a_start=a_start, a_stop=self.count("a"), g_start=g_start,
                 g_stop=self.count("g"), m_start=m_start, m_stop=self.count("m"),
                 number=t.number)

    def _treaty(self, treaty: str | None) -> int:
        return -1 if treaty is None else _id(treaty, self.treaty_ids)

    def _slot(self, answer: _Answer, turn: int) -> None:
        suffix = f"|{answer.attack.id}|{answer.state}".encode()
        self.add("s", state=self.index[answer.state], capped=answer.attack.short_of_armed_attack,
                 begins_war=answer.begins_war, key_start=len(self.key_bytes), key_len=len(suffix),
                 turn=turn, values=answer.values)
        self.key_bytes += suffix

    def _groups(self, t: _Turn, slot_of: dict[tuple[str, str], int],
                answer_of: dict[tuple[str, str], _Answer], row_of: dict[tuple[str, str], int]) -> None:
        """Per (treaty, attack) bound, in the round's order: the council's vote and the commitments."""
        groups: dict[tuple[str, str], list[Trigger]] = {}
        for trig in t.triggers:
            groups.setdefault((trig.treaty, trig.attack), []).append(trig)
        gs = t.gs
        for (treaty_id, attack_id), triggers in groups.items():
            armed = [x for x in triggers if x.type in _CALLS_TO_ARMS]
            treaty = self.scenario.treaty(treaty_id)
            attack = gs.attacks[attack_id]
            v_start = self.count("v")
            need = 0
            if armed and treaty.invocation is not Invocation.MEMBER:
                need = self._voters(gs, t.play, treaty_id, attack, armed, row_of, answer_of)
            r_start = self.count("r")
            for x in triggers:
                self._trigger(x, gs, attack, slot_of, answer_of)
            self.votes.append((treaty_id, attack_id))
            self.add("g", armed=bool(armed), member_rule=treaty.invocation is Invocation.MEMBER, need=need,
                     v_start=v_start, v_stop=self.count("v"), r_start=r_start,
                     r_stop=self.count("r"))

    def _voters(self, gs: GameState, play: Play, treaty_id: str, attack: Attack, armed: list[Trigger],
                row_of: dict[tuple[str, str], int], answer_of: dict[tuple[str, str], _Answer]) -> int:
        if (treaty_id, attack.id) in gs.invocations:
            raise OutOfScope("a council voting again on an attack it voted on is not yet compiled")
        ballots = Ballots(play, gs.members_in_force.get(treaty_id, frozenset()), treaty_id, attack, armed)
        for member in ballots.voters:
            key = (attack.id, member)
            answer = answer_of.get(key)
            self.add("v", row=row_of.get(key, -1), absent=ballots.absent(member),
                     ayes=ballots.ayes(member, answer.side if answer is not None else attack.target))
        return ballots.need

    def _trigger(self, x: Trigger, gs: GameState, attack: Attack, slot_of: dict[tuple[str, str], int],
                 answer_of: dict[tuple[str, str], _Answer]) -> None:
        key = (attack.id, x.ally)
        answer = answer_of.get(key)
        side = answer.side if answer is not None else attack.target
        kept = [resolve_rules._HONOURS[x.type, toward(level, side, attack, x.partner)]
                for level in RESPONSES]
        if x.type is _NA:
            slot, pair = -1, -1
        else:
            slot = slot_of.get(key, -1)
            pair = self.pair_index.setdefault(key, len(self.pairs))
            if pair == len(self.pairs):
                self.pairs.append(key)
        # engine.resolve._answered_now: an answer drawn this turn, or a pact broken by a new attack
        now = resolve_rules._answered_now(gs, x)
        if now and x.type is not _NA and slot < 0:
            raise OutOfScope("a commitment due without an answer drawn this turn is not yet compiled")
        self.add("r", slot=slot, na=x.type is _NA, armed=x.type in _CALLS_TO_ARMS, ally=self.index[x.ally],
                 kept=kept, pair=pair, now=now)

    def _indicators(self, t: _Turn, slot_of: dict[tuple[str, str], int],
                    answer_of: dict[tuple[str, str], _Answer]) -> None:
        """engine.resolve._tested: per treaty measured, each commitment tested with a drawn answer."""
        states = t.gs.world.states
        cases: dict[str, list[Trigger]] = {}
        for x in t.triggers:
            if x.type is not _NA and (x.attack, x.ally) in slot_of:
                cases.setdefault(x.treaty, []).append(x)
        if any(treaty_id not in cases for treaty_id in t.measured):
            raise OutOfScope("the treaties measured are not those the kernel expects")
        for treaty_id in t.measured:
            c_start = self.count("c")
            for x in cases[treaty_id]:
                attack = t.gs.attacks[x.attack]
                answer = answer_of[(x.attack, x.ally)]
                kept = [resolve_rules._HONOURS[x.type, toward(level, answer.side, attack, x.partner)]
                        for level in RESPONSES]
                self.add("c", slot=slot_of[(x.attack, x.ally)], power=states[x.ally].power, kept=kept)
            self.treaties.append(treaty_id)
            self.add("m", treaty=len(self.treaties) - 1, c_start=c_start, c_stop=self.count("c"))


def _id(name: str, ids: dict[str, int]) -> int:
    return ids.setdefault(name, len(ids))


_DTYPES = {"values": np.float64, "power": np.float64, "kept": np.bool_, "ayes": np.bool_, "capped": np.bool_,
           "begins_war": np.bool_, "leader": np.bool_, "armed": np.bool_, "member_rule": np.bool_,
           "na": np.bool_, "absent": np.bool_, "answered": np.bool_, "now": np.bool_}
_EMPTY_SHAPES = {"s_values": (0, 1 + _LEVELS, len(FACTORS)), "r_kept": (0, _LEVELS), "c_kept": (0, _LEVELS),
                 "v_ayes": (0, _LEVELS), "a_kept_as": (0, _LEVELS)}
_COLUMNS = ("t_a_start", "t_a_stop", "t_g_start", "t_g_stop", "t_m_start", "t_m_stop", "t_number",
            "a_slot", "a_standing", "a_attack", "a_treaty", "a_leader", "a_source", "a_kept_as", "a_begins_war",
            "s_state", "s_capped", "s_begins_war", "s_key_start", "s_key_len", "s_turn", "s_values",
            "g_armed", "g_member_rule", "g_need", "g_v_start", "g_v_stop", "g_r_start", "g_r_stop",
            "v_row", "v_absent", "v_ayes",
            "r_slot", "r_na", "r_armed", "r_ally", "r_kept", "r_pair", "r_now",
            "m_treaty", "m_c_start", "m_c_stop", "c_slot", "c_power", "c_kept")


def build_tables(scenario: Scenario, doctrine: Doctrine, start: GameState | None = None) -> Tables:
    """The tables of one scenario and doctrine (raises OutOfScope when the skeleton shows
    something the kernel does not compile): of the whole game, or of the turns after `start`
    (a run's state once a turn in which a war began is closed)."""
    turns, events, reputation, opened, stop = _skeleton(scenario, doctrine, start)
    if not turns and stop is None:
        raise OutOfScope("no turn is left to play")
    return _flatten(scenario, doctrine, turns, events, reputation, opened, stop, start)


def tables_at(scenario: Scenario, doctrine: Doctrine, gs: GameState, *, leave: bool) -> Tables:
    """Tables of no turn at `gs`: every run leaves them at once for the reference engine, which
    plays on from `gs` (`leave`: a turn open, whose close is each run's own), or, the game
    over, every run ends there."""
    return _flatten(scenario, doctrine, [], [], dict(gs.reputation), [], gs if leave else None, gs)


def _flatten(scenario: Scenario, doctrine: Doctrine, turns: list[_Turn], events: list[Event],
             reputation: dict[str, float], opened: list[GameState], stop: GameState | None,
             start: GameState | None) -> Tables:
    """The skeleton's turns as the flat arrays the loop reads (`start`: where the skeleton began)."""
    b = _Builder(scenario)
    for t in turns:
        b.turn(t)
    arrays: dict[str, npt.NDArray[Any]] = {}
    for name in _COLUMNS:
        column = b.cols.get(name, [])
        dtype = _DTYPES.get(name.split("_", 1)[1], np.int64)
        arrays[name] = (np.asarray(column, dtype=dtype) if column
                        else np.zeros(_EMPTY_SHAPES.get(name, (0,)), dtype=dtype))
    arrays["x_leaders"] = np.asarray([max(1, len(b.treaty_ids))], dtype=np.int64)
    arrays["reputation"] = np.asarray([reputation.get(s, 0.0) for s in b.states], dtype=np.float64)
    arrays["key_bytes"] = np.frombuffer(bytes(b.key_bytes) or b"\0", dtype=np.uint8).copy()
    person = np.zeros(16, dtype=np.uint8)
    person[:len(_PERSON)] = np.frombuffer(_PERSON, dtype=np.uint8)
    arrays["person"] = person
    arrays["gain_loss"] = np.asarray([resolve_rules.REPUTATION_GAIN, resolve_rules.REPUTATION_LOSS])
    wars = [e for e in events if isinstance(e, WarBegun)]
    may_stop = arrays["a_begins_war"].copy()
    drawn = arrays["a_slot"] >= 0
    may_stop[drawn] |= arrays["s_begins_war"][arrays["a_slot"][drawn]]
    kept: list[GameState | None] = [
        gs if bool(may_stop[arrays["t_a_start"][i]:arrays["t_a_stop"][i]].any()) else None
        for i, gs in enumerate(opened)]
    fighting = {x for e in wars for x in (e.aggressor, e.defender)}
    return Tables(
        states=b.states, slots=b.slots, pairs=b.pairs, treaties=b.treaties,
        fired=tuple((e.inject, e.turn) for e in events if isinstance(e, InjectFired)),
        belligerents=len(fighting), first_war=wars[0].turn if wars else None,
        origins=_origins(turns[-1].gs if turns else start), arrays=arrays,
        weights=np.asarray([doctrine.weights[n] for n in FACTORS], dtype=np.float64),
        cuts=np.asarray(doctrine.cuts, dtype=np.float64), opened=kept, votes=b.votes,
        wars=tuple((e.turn, e.aggressor, e.defender) for e in wars), stop=stop)


def _origins(gs: GameState | None) -> dict[str, str]:
    """Per attack, the attack its chain began with, in the last state the skeleton read."""
    return {} if gs is None else {a: attack.origin for a, attack in gs.attacks.items()}
