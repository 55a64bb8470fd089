"""The state of play, and the fold that builds it from events.

`GameState` is what the game looks like after some events. Only `apply`
changes it, one event at a time, so the same events always give the same
state: undo, branching and replay are all "fold these events". It holds data
only: what is derived from it (the world the doctrine reads, the alliance
graph, lookups) is computed by whoever needs it, or memoised outside it
(`engine.turn` keeps a phase's derived values on the phase's own working copy).
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum
from itertools import count
from typing import Any, TypeVar, cast

from .events import (
    AttackMade,
    AwaitingDecisions,
    ChannelSet,
    ControlChanged,
    DecisionDeferred,
    DecisionRequested,
    DecisionTaken,
    EffectApplied,
    Event,
    ForcesDeployed,
    GameEnded,
    GameStarted,
    IndicatorsMeasured,
    InjectAwaiting,
    InjectFired,
    InvocationResolved,
    MemberWithdrew,
    MessageSent,
    OptionDeclined,
    OptionLapsed,
    OptionOffered,
    OptionTaken,
    Overridden,
    ReputationChanged,
    ResolveSet,
    TreatyDisclosed,
    TreatyInForce,
    TurnClosed,
    TurnOpened,
    WarBegun,
    WarEnded,
)
from .model import Control, Decision, DecisionSource, Deployment, Mode, Regime, Relation, Scenario, State
from .network import Attack
from .world import INITIAL_REPUTATION, IdentityMemo, War, World, _members_at_start

__all__ = ["GameState", "Key", "Mode", "Status", "answered", "apply", "fold", "restate_answers"]


class Status(StrEnum):
    READY = "ready"        # between turns
    OPEN = "open"          # a turn is under way
    FINISHED = "finished"


Key = tuple[str, str]  # (attack id, state id)


@dataclass
class GameState:
    scenario: Scenario
    seed: int = 0
    mode: Mode = Mode.PLAY
    controls: dict[str, Control] = field(default_factory=dict)
    turn: int = 0
    status: Status = Status.READY
    fired: list[str] = field(default_factory=list)
    awaiting_manual: dict[str, None] = field(default_factory=dict)  # ordered set
    attacks: dict[str, Attack] = field(default_factory=dict)
    attack_turn: dict[str, int] = field(default_factory=dict)
    turn_attacks: list[str] = field(default_factory=list)          # this turn's first-round attacks
    decisions: dict[Key, Decision] = field(default_factory=dict)   # the answer that stands
    turn_decisions: dict[Key, Decision] = field(default_factory=dict)
    overrides: dict[Key, Decision] = field(default_factory=dict)   # this turn's
    requests: dict[Key, DecisionRequested] = field(default_factory=dict)
    awaiting: tuple[Key, ...] = ()                                 # cells the turn waits for
    deferred: dict[Key, int] = field(default_factory=dict)         # answered by the record on a later turn
    indicators: dict[int, dict[str, IndicatorsMeasured]] = field(default_factory=dict)
    invocations: dict[tuple[str, str], bool] = field(default_factory=dict)  # (treaty, attack): declared
    states: dict[str, State] = field(default_factory=dict)
    relations: dict[tuple[str, str], Relation] = field(default_factory=dict)
    members_in_force: dict[str, frozenset[str]] = field(default_factory=dict)
    known_to: dict[str, frozenset[str]] = field(default_factory=dict)
    reputation: dict[str, float] = field(default_factory=dict)
    wars: list[War] = field(default_factory=list)
    channel_open: bool = False         # cells may write to each other (the umpire's choice)
    # Options (engine.options): offered to a cell this turn (inject -> state), this turn's
    # choices (inject -> taken), and those whose window closed untaken.
    options_due: dict[str, str] = field(default_factory=dict)
    option_choices: dict[str, bool] = field(default_factory=dict)
    lapsed: dict[str, None] = field(default_factory=dict)          # ordered set
    war_began: dict[frozenset[str], int] = field(default_factory=dict)  # the turn each war began
    ceased: dict[str, None] = field(default_factory=dict)          # attacks whose wars a ceasefire ended
    resolves: dict[str, float] = field(default_factory=dict)       # options' resolves set for this game
    truces: dict[frozenset[str], str] = field(default_factory=dict)  # wars a ceasefire ended: its inject
    forces: list[Deployment] = field(default_factory=list)         # deployed in play (ForcesDeployed)
    # What engine.view reads, kept as the events are folded so that a read costs the same however
    # long the log. `published` and `messages` are replaced rather than changed in place: a view
    # that holds them (engine.view.View works its lists out when first read) never sees them change.
    published: Mapping[int, tuple[tuple[Decision, str], ...]] = field(default_factory=dict)
    # ^ a closed turn -> the answers given on it that stand, each with its public statement
    late: frozenset[str] = frozenset()
    # ^ the attacks given an answer on a turn other than the one they were made on (the record
    # answers late, the umpire replaces an answer): every other attack's answers that stand are
    # given on its own turn, and once that turn closes are in its entry of `published`, made anew
    # when one changes (what the probes read, engine.options.probes). Replaced, never changed in place.
    statements: dict[Key, str] = field(default_factory=dict)      # the last public statement given
    messages: tuple[MessageSent, ...] = ()                         # the exercise's messages, oldest first
    # Versions of what the options' doctrine reads (engine.options), data the fold maintains like
    # the rest: `setting` names the states, relations, treaties in force, who knows which treaty and
    # the forces deployed in play; `warfare` names the wars. The fold gives each a new number only
    # on the few events that change it (about 20 and 60 of a run's 800): the setting the same number
    # for the same values, however the game reached them, the wars the same number for the same
    # changes made in the same order from the scenario's start (see _SUCCESSORS), so two states of
    # one scenario with the same version hold the same values and a reading kept by version is
    # checked by one integer compare. A scenario's setting at its start has the number of its values
    # (`_start_setting`); the wars' 0 is no war. The fold is their only
    # writer, as it is of the values they name. Left out of a state's equality: two folds of the same
    # events compare equal in any process, whatever numbers that process gave.
    setting: int = field(default=0, compare=False)
    warfare: int = field(default=0, compare=False)

    @classmethod
    def initial(cls, scenario: Scenario) -> GameState:
        gs = cls(
            scenario=scenario,
            controls={s.id: s.control for s in scenario.states},
            states=dict(scenario.state_by_id),
            relations=dict(scenario.relation_by_pair),
            members_in_force={t.id: _members_at_start(scenario, t) for t in scenario.treaties},
            known_to={t.id: frozenset(t.members) for t in scenario.treaties},
            reputation={s.id: INITIAL_REPUTATION for s in scenario.states},
        )
        gs.setting = _start_setting(gs)
        return gs

    def copy(self) -> GameState:
        """An independent copy, cheaper than folding the log again (its size is the state's,
        not the log's): what a phase works on, and what a server tries an action on."""
        # Every phase of every Monte Carlo run starts with one: field by field, not through
        # dataclasses.replace (which calls __init__ with every field by name).
        data = dict(self.__dict__)
        for name in _CONTAINERS:
            data[name] = data[name].copy()
        data["indicators"] = {t: dict(v) for t, v in self.indicators.items()}
        other = object.__new__(GameState)
        other.__dict__.update(data)
        return other

    @property
    def world(self) -> World:
        """An immutable snapshot for the network and the doctrine (built on each call)."""
        return self.snapshot(None)

    def played_world(self) -> World:
        """The snapshot with the version of its setting (World.setting), for the turn's phases,
        whose state only the fold has changed: the doctrine's readings of it are shared with
        every world of the same version. (A state changed by hand, as a test or a what-if may,
        has a setting its version does not name: read it through `world`.)"""
        return self.snapshot(self.setting)

    def snapshot(self, setting: int | None) -> World:
        return World.of(
            scenario=self.scenario, turn=max(self.turn, 1), states=dict(self.states),
            relations=dict(self.relations), members_in_force=dict(self.members_in_force),
            known_to=dict(self.known_to), reputation=dict(self.reputation), wars=tuple(self.wars),
            forces=tuple(self.forces), setting=setting)

    def controller(self, state_id: str) -> Control:
        return self.controls.get(state_id, Control.NPC)

    def player_states(self) -> frozenset[str]:
        return frozenset(s for s, c in self.controls.items() if c is Control.PLAYER)

    def pending(self) -> list[Key]:
        """Requested decisions nobody has given yet this turn."""
        return [k for k in self.requests if k not in self.turn_decisions and k not in self.overrides]


# The fields that hold a dict or a list: a copy of the state copies each (their values are
# immutable: frozen dataclasses, strings, numbers).
_CONTAINERS = ("controls", "fired", "awaiting_manual", "attacks", "attack_turn", "turn_attacks", "decisions",
               "turn_decisions", "overrides", "requests", "deferred", "invocations", "states", "relations",
               "members_in_force", "known_to", "reputation", "wars", "forces", "options_due", "option_choices",
               "lapsed", "war_began", "ceased", "resolves", "truces", "published", "statements")


def fold(scenario: Scenario, events: Iterable[Event]) -> GameState:
    state = GameState.initial(scenario)
    for event in events:
        apply(state, event)
    return state


def apply(gs: GameState, e: Event) -> bool:
    """Apply one event to the state (the only place state changes). Returns whether the
    world the doctrine reads changed, so that a reader holding a snapshot knows to renew it."""
    handler = HANDLERS.get(type(e))
    if handler is None:
        return False
    return handler(gs, e) is WORLD_CHANGED


# A handler returns WORLD_CHANGED when it changed what `GameState.world` shows.
WORLD_CHANGED = object()

# Each version's successors, by the version and the change made (a flat tuple: the version, a tag,
# the event's values). A handler looks its successor up in place (`... or _new_setting(key, gs)`):
# one tuple and one dict look-up on the events that change what a version names, nothing on the
# others (an answer, a vote, a reputation). A history of the setting not met before is given the
# number of the values it leads to (`_BY_VALUES`): histories that differ in order or timing but
# reach the same setting (a deployment made on turn 4 or on turn 6, before or after a treaty is
# signed) share its number, and with it every reading kept by it; a history of the wars has a
# number of its own (`_new_version`). Numbers start at 1 and are never given twice in a process:
# once the tables are emptied, values met again get a new number, and what was kept by the old
# one is simply not found again.
_SUCCESSORS: dict[tuple[object, ...], int] = {}
_BY_VALUES: dict[tuple[object, ...], int] = {}
_SUCCESSORS_KEPT = 1 << 16
# Settings kept by their values: a key holds a tuple of every state and relation (some kilobytes), so
# fewer are kept; past the bound they start afresh alone (values met again get a new number, which
# names the same values: a number never names two).
_VALUES_KEPT = 1024
_FRESH = count(1)


def _new_setting(key: tuple[object, ...], gs: GameState) -> int:
    """The number of a history of the setting not met before in this process, once its change is
    made in `gs`: the number of the values it leads to."""
    _room()
    found = _SUCCESSORS[key] = _numbered(gs)
    return found


def _numbered(gs: GameState) -> int:
    """The number of the setting `gs` holds. Its values are compared whole and in their order (the
    dicts' items as they iterate, the forces as deployed), so two states of one number read the
    same in every reading, whatever it iterates."""
    values = (tuple(gs.states.items()), tuple(gs.relations.items()), tuple(gs.members_in_force.items()),
              tuple(gs.known_to.items()), tuple(gs.forces))
    found = _BY_VALUES.get(values)
    if found is None:
        if len(_BY_VALUES) >= _VALUES_KEPT:
            _BY_VALUES.clear()
        found = _BY_VALUES[values] = next(_FRESH)
    return found


_STARTS = IdentityMemo()


def _start_setting(gs: GameState) -> int:
    """The number of a scenario's setting at its start, the number of its values (read once per
    scenario). Not one number for every scenario's start: a change made from the start of two
    scenarios would then have one successor in both, and a scenario whose other history reaches
    the values the first one's led to would hold two settings under one number."""
    memo = _STARTS.scratch(gs.scenario)
    found: int | None = memo.get("setting")
    if found is None:
        found = memo["setting"] = _numbered(gs)
    return found


def _new_version(key: tuple[object, ...]) -> int:
    """The number of a history of the wars not met before in this process: each its own."""
    _room()
    found = _SUCCESSORS[key] = next(_FRESH)
    return found


def _room() -> None:
    """At the bound, the successors start afresh; the settings kept by their values stay (they have
    a bound of their own), so a history met again is given the number its values had, and what was
    kept by that number is found again. (Emptied with the successors, every setting came back
    under a new number: the histories of the wars, one number each, fill the successors in some
    1,800 runs of the teaching scenario, and every reading kept by a setting was read again.)"""
    if len(_SUCCESSORS) >= _SUCCESSORS_KEPT:
        _SUCCESSORS.clear()


def _game_started(gs: GameState, e: GameStarted) -> None:
    gs.seed, gs.mode = e.seed, e.mode
    gs.controls.update(e.controls)


def _turn_opened(gs: GameState, e: TurnOpened) -> object:
    gs.turn, gs.status = e.turn, Status.OPEN
    gs.turn_attacks, gs.turn_decisions, gs.overrides, gs.requests = [], {}, {}, {}
    gs.awaiting = ()
    if gs.options_due or gs.option_choices:
        gs.options_due, gs.option_choices = {}, {}
    return WORLD_CHANGED  # the world's turn


def _inject_fired(gs: GameState, e: InjectFired) -> None:
    gs.fired.append(e.inject)
    gs.awaiting_manual.pop(e.inject, None)


def _inject_awaiting(gs: GameState, e: InjectAwaiting) -> None:
    gs.awaiting_manual[e.inject] = None


def _effect_applied(gs: GameState, e: EffectApplied) -> object:
    head, *rest = e.path.split(".")
    if head == "relations":
        src, dst, name = rest
        old = gs.relations.get((src, dst))
        # (a relation the scenario lacks is made here, once: nothing to share it with)
        gs.relations[(src, dst)] = (_changed(old, name, float(e.value)) if old is not None
                                    else Relation(src, dst, **{name: float(e.value)}))
    else:
        sid, name = rest
        value: Any = Regime(str(e.value)) if name == "regime" else float(e.value)
        gs.states[sid] = _changed(gs.states[sid], name, value)
    gs.setting = _SUCCESSORS.get(k := (gs.setting, "effect", e.path, e.value)) or _new_setting(k, gs)
    return WORLD_CHANGED


# A state or relation an effect made, by what it was made from (the object it replaces, kept with it,
# the field and the value): they are frozen, so the games of a batch that apply the same effect share
# one, as they share the scenario's own. Bounded: memory stays flat whatever the effects.
_CHANGED: dict[tuple[int, str, object], tuple[object, Any]] = {}
_Frozen = TypeVar("_Frozen", State, Relation)
_CHANGED_KEPT = 4096


def _changed(old: _Frozen, name: str, value: object) -> _Frozen:
    """`replace(old, name=value)`, made once per (old, name, value)."""
    if value == 0.0:  # (-0.0 and 0.0 are one key but two values: made each time)
        return replace(old, **{name: value})  # type: ignore[arg-type]
    key = (id(old), name, value)
    found = _CHANGED.get(key)
    if found is None or found[0] is not old:
        if len(_CHANGED) >= _CHANGED_KEPT:
            _CHANGED.clear()
        found = _CHANGED[key] = (old, replace(old, **{name: value}))  # type: ignore[arg-type]
    return cast(_Frozen, found[1])


def _treaty_in_force(gs: GameState, e: TreatyInForce) -> object:
    gs.members_in_force[e.treaty] = gs.members_in_force.get(e.treaty, frozenset()) | frozenset(e.members)
    gs.setting = _SUCCESSORS.get(k := (gs.setting, "in force", e.treaty, e.members)) or _new_setting(k, gs)
    return WORLD_CHANGED


def _member_withdrew(gs: GameState, e: MemberWithdrew) -> object:
    gs.members_in_force[e.treaty] = gs.members_in_force.get(e.treaty, frozenset()) - {e.member}
    gs.setting = _SUCCESSORS.get(k := (gs.setting, "withdrew", e.treaty, e.member)) or _new_setting(k, gs)
    return WORLD_CHANGED


def _disclosed(gs: GameState, e: TreatyDisclosed) -> object:
    gs.known_to[e.treaty] = gs.known_to.get(e.treaty, frozenset()) | frozenset(e.to)
    gs.setting = _SUCCESSORS.get(k := (gs.setting, "disclosed", e.treaty, e.to)) or _new_setting(k, gs)
    return WORLD_CHANGED


def _attack(gs: GameState, e: AttackMade) -> None:
    attack = e.attack
    gs.attacks[attack.id] = attack
    gs.attack_turn.setdefault(attack.id, e.turn)
    if e.round == 1 and attack.id not in gs.turn_attacks:
        gs.turn_attacks.append(attack.id)


def _requested(gs: GameState, e: DecisionRequested) -> None:
    gs.requests[(e.attack, e.state)] = e


def _decision(gs: GameState, e: DecisionTaken) -> None:
    answered(gs, e.decision)


def answered(gs: GameState, d: Decision) -> None:
    """An answer given: the fold of its DecisionTaken, and where a kernel run's close, which keeps no
    log, gives the answers its loop drew without their events (engine.kernel.close)."""
    key = (d.attack, d.state)
    if d.statement or key in gs.statements:   # most answers have none: the map stays small
        gs.statements[key] = d.statement
    if key not in gs.overrides:  # the umpire's word stands over a later revision
        _stands(gs, key, d)
    gs.turn_decisions[key] = d
    gs.deferred.pop(key, None)


def _deferred(gs: GameState, e: DecisionDeferred) -> None:
    gs.deferred[(e.attack, e.state)] = e.until


def _override(gs: GameState, e: Overridden) -> None:
    d = e.decision
    key = (d.attack, d.state)
    gs.overrides[key] = d
    _stands(gs, key, d)


def _stands(gs: GameState, key: Key, d: Decision) -> None:
    """`d` becomes the answer that stands for `key`; one of a closed turn that it replaces is
    public no more (the new one will be once its own turn closes)."""
    old = gs.decisions.get(key)
    gs.decisions[key] = d
    # (The cascade records an attack after its answers, on their turn: not made yet is on time.)
    if gs.attack_turn.get(d.attack, d.turn) != d.turn:
        gs.late = gs.late | {d.attack}
    if not gs.published:   # no turn has closed: nothing public to change (every Monte Carlo turn 1)
        return
    if d.turn in gs.published:
        _publish(gs, d.turn, [key])
    if old is not None and old.turn != d.turn and old.turn in gs.published:
        _publish(gs, old.turn)


def _publish(gs: GameState, turn: int, keys: Iterable[Key] = ()) -> None:
    """The answers given on `turn` that stand, with their statements: those already published
    and `keys`, as they stand now."""
    wanted = dict.fromkeys([*((d.attack, d.state) for d, _ in gs.published.get(turn, ())), *keys])
    stand = [gs.decisions[k] for k in wanted if k in gs.decisions]
    entry = tuple((d, gs.statements.get((d.attack, d.state), "")) for d in stand if d.turn == turn)
    gs.published = {**gs.published, turn: entry}


def restate_answers(gs: GameState, decisions: dict[Key, Decision]) -> None:
    """The answers that stand replaced by `decisions`: the same keys, each given on the same turn
    (a batch run's own answers over a state shared by runs, engine.kernel); what is published of
    them holds the new ones in the same places."""
    gs.decisions = decisions
    gs.published = {turn: tuple((decisions[(d.attack, d.state)], said) for d, said in entry)
                    for turn, entry in gs.published.items()}


def _awaiting(gs: GameState, e: AwaitingDecisions) -> None:
    gs.awaiting = tuple((p.attack, p.state) for p in e.pending)


def _war(gs: GameState, e: WarBegun) -> object:
    gs.wars.append(War(e.aggressor, e.defender))
    pair = frozenset((e.aggressor, e.defender))
    gs.war_began.setdefault(pair, e.turn)
    if gs.truces:
        gs.truces.pop(pair, None)  # at war again
    gs.warfare = _SUCCESSORS.get(k := (gs.warfare, "begun", e.aggressor, e.defender)) or _new_version(k)
    return WORLD_CHANGED


def _war_ended(gs: GameState, e: WarEnded) -> object:
    pair = frozenset((e.aggressor, e.defender))
    a, d = e.aggressor, e.defender  # w.pair != pair, without a set made for every war
    gs.wars = [w for w in gs.wars
               if not ((w.aggressor == a and w.defender == d) or (w.aggressor == d and w.defender == a))]
    gs.war_began.pop(pair, None)
    gs.truces[pair] = e.ceasefire
    for origin in e.origins:
        gs.ceased[origin] = None
    gs.warfare = _SUCCESSORS.get(k := (gs.warfare, "ended", e.aggressor, e.defender)) or _new_version(k)
    return WORLD_CHANGED


def _option_offered(gs: GameState, e: OptionOffered) -> None:
    gs.options_due[e.inject] = e.state


def _option_taken(gs: GameState, e: OptionTaken) -> None:
    gs.option_choices[e.inject] = True
    if e.source is DecisionSource.UMPIRE:
        gs.options_due.pop(e.inject, None)  # the umpire's word settles it: the cell no longer chooses


def _option_declined(gs: GameState, e: OptionDeclined) -> None:
    gs.option_choices[e.inject] = False
    if e.source is DecisionSource.UMPIRE:
        gs.options_due.pop(e.inject, None)


def _option_lapsed(gs: GameState, e: OptionLapsed) -> None:
    gs.lapsed[e.inject] = None


def _resolve_set(gs: GameState, e: ResolveSet) -> None:
    gs.resolves[e.inject] = e.resolve


def _forces_deployed(gs: GameState, e: ForcesDeployed) -> object:
    gs.forces.append(Deployment(e.state, e.host, e.size))
    gs.setting = _SUCCESSORS.get(k := (gs.setting, "forces", e.state, e.host, e.size)) or _new_setting(k, gs)
    return WORLD_CHANGED


def _reputation(gs: GameState, e: ReputationChanged) -> object:
    gs.reputation[e.state] = e.after
    return WORLD_CHANGED


def _invocation(gs: GameState, e: InvocationResolved) -> None:
    gs.invocations[(e.treaty, e.attack)] = e.declared


def _indicators(gs: GameState, e: IndicatorsMeasured) -> None:
    gs.indicators.setdefault(e.turn, {})[e.treaty] = e


def _turn_closed(gs: GameState, e: TurnClosed) -> None:
    gs.status = Status.READY
    _publish(gs, e.turn, [*gs.turn_decisions, *gs.overrides])
    gs.requests, gs.awaiting = {}, ()


def _message(gs: GameState, e: MessageSent) -> None:
    gs.messages = (*gs.messages, e)


def _game_ended(gs: GameState, e: GameEnded) -> None:
    gs.status = Status.FINISHED


def _channel(gs: GameState, e: ChannelSet) -> None:
    gs.channel_open = e.open


def _control(gs: GameState, e: ControlChanged) -> None:
    gs.controls[e.state] = e.control


HANDLERS: dict[type[Event], Callable[[GameState, Any], object]] = {
    GameStarted: _game_started, TurnOpened: _turn_opened,
    InjectFired: _inject_fired, InjectAwaiting: _inject_awaiting,
    EffectApplied: _effect_applied, TreatyInForce: _treaty_in_force,
    MemberWithdrew: _member_withdrew, TreatyDisclosed: _disclosed,
    AttackMade: _attack, DecisionRequested: _requested, DecisionTaken: _decision,
    DecisionDeferred: _deferred, Overridden: _override, AwaitingDecisions: _awaiting, WarBegun: _war,
    ReputationChanged: _reputation, IndicatorsMeasured: _indicators, InvocationResolved: _invocation,
    TurnClosed: _turn_closed, GameEnded: _game_ended, ChannelSet: _channel, ControlChanged: _control,
    WarEnded: _war_ended, OptionOffered: _option_offered, OptionTaken: _option_taken,
    OptionDeclined: _option_declined, OptionLapsed: _option_lapsed, ResolveSet: _resolve_set,
    ForcesDeployed: _forces_deployed, MessageSent: _message,
}
