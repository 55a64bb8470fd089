"""The state of play, and the fold that builds it from events.

`GameState` is what the game looks like after some events. Only `apply`
changes it, one event at a time, so the same events always give the same
state: undo, branching and replay are all "fold these events".
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any

from .events import Event, Kind
from .model import Control, Decision, DecisionSource, InjectKind, Regime, Relation, Response, Scenario, State
from .network import Attack
from .world import INITIAL_REPUTATION, War, World, _members_at_start


class Mode(StrEnum):
    PLAY = "play"          # the doctrine plays every state, cells included
    REPLAY = "replay"      # the script answers where it can, the doctrine elsewhere
    EXERCISE = "exercise"  # player cells answer for their states; the doctrine for the rest


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
    requests: dict[Key, dict[str, Any]] = field(default_factory=dict)
    deferred: dict[Key, int] = field(default_factory=dict)         # answered by the record on a later turn
    indicators: dict[int, dict[str, Any]] = field(default_factory=dict)
    invocations: dict[tuple[str, str], bool] = field(default_factory=dict)  # (treaty, attack): declared
    states: dict[str, State] = field(default_factory=dict)
    relations: dict[tuple[str, str], Relation] = field(default_factory=dict)
    members_in_force: dict[str, frozenset[str]] = field(default_factory=dict)
    known_to: dict[str, frozenset[str]] = field(default_factory=dict)
    reputation: dict[str, float] = field(default_factory=dict)
    wars: list[War] = field(default_factory=list)
    _world: World | None = field(default=None, repr=False)
    _graph: Any = field(default=None, repr=False, compare=False)  # the AllianceGraph's indexes
    _stakes: Any = field(default=None, repr=False, compare=False)  # who cares for whom (turn.py)
    _facts: Any = field(default=None, repr=False, compare=False)   # the scenario's lookups (turn.py)

    @classmethod
    def initial(cls, scenario: Scenario) -> GameState:
        return cls(
            scenario=scenario,
            controls={s.id: s.control for s in scenario.states},
            states=dict(scenario.state_by_id),
            relations=dict(scenario.relation_by_pair),
            members_in_force={t.id: _members_at_start(scenario, t) for t in scenario.treaties},
            known_to={t.id: frozenset(t.members) for t in scenario.treaties},
            reputation={s.id: INITIAL_REPUTATION for s in scenario.states},
        )

    def copy(self) -> GameState:
        """An independent copy, cheaper than folding the log again (its size is the state's,
        not the log's): what a server does before trying an action on a shared game."""
        return replace(
            self, controls=dict(self.controls), fired=list(self.fired),
            awaiting_manual=dict(self.awaiting_manual), attacks=dict(self.attacks),
            attack_turn=dict(self.attack_turn), turn_attacks=list(self.turn_attacks),
            decisions=dict(self.decisions), turn_decisions=dict(self.turn_decisions),
            overrides=dict(self.overrides), requests={k: dict(v) for k, v in self.requests.items()},
            deferred=dict(self.deferred), indicators={t: dict(v) for t, v in self.indicators.items()},
            invocations=dict(self.invocations), states=dict(self.states),
            relations=dict(self.relations), members_in_force=dict(self.members_in_force),
            known_to=dict(self.known_to), reputation=dict(self.reputation), wars=list(self.wars))

    @property
    def world(self) -> World:
        """An immutable snapshot for the network and the doctrine, rebuilt after changes."""
        if self._world is None:
            self._world = World(
                scenario=self.scenario, turn=max(self.turn, 1), states=dict(self.states),
                relations=dict(self.relations), members_in_force=dict(self.members_in_force),
                known_to=dict(self.known_to), reputation=dict(self.reputation),
                wars=tuple(self.wars))
        return self._world

    def controller(self, state_id: str) -> Control:
        return self.controls.get(state_id, Control.NPC)

    def player_states(self) -> frozenset[str]:
        return frozenset(s for s, c in self.controls.items() if c is Control.PLAYER)

    def pending(self) -> list[Key]:
        """Requested decisions nobody has given yet this turn."""
        return [k for k in self.requests if k not in self.turn_decisions and k not in self.overrides]


def fold(scenario: Scenario, events: Iterable[Event]) -> GameState:
    state = GameState.initial(scenario)
    for event in events:
        apply(state, event)
    return state


def apply(gs: GameState, e: Event) -> None:
    """Apply one event to the state (the only place state changes)."""
    handler = _HANDLERS.get(e.kind)
    if handler is not None:
        handler(gs, e)


# --- handlers, one per kind that changes state ------------------------------------

def _world_changed(gs: GameState) -> None:
    gs._world = None


def _game_started(gs: GameState, e: Event) -> None:
    p = e.payload
    gs.seed = int(p.get("seed", 0))
    gs.mode = Mode(p.get("mode", "play"))
    for sid, control in (p.get("controls") or {}).items():
        gs.controls[sid] = Control(control)


def _turn_opened(gs: GameState, e: Event) -> None:
    gs.turn, gs.status = e.turn, Status.OPEN
    gs.turn_attacks, gs.turn_decisions, gs.overrides, gs.requests = [], {}, {}, {}
    _world_changed(gs)


def _inject_fired(gs: GameState, e: Event) -> None:
    inject_id = e.payload["inject"]
    gs.fired.append(inject_id)
    gs.awaiting_manual.pop(inject_id, None)


def _inject_awaiting(gs: GameState, e: Event) -> None:
    gs.awaiting_manual[e.payload["inject"]] = None


def _effect_applied(gs: GameState, e: Event) -> None:
    head, *rest = e.payload["path"].split(".")
    value = e.payload["value"]
    if head == "relations":
        src, dst, name = rest
        old = gs.relations.get((src, dst)) or Relation(src, dst)
        gs.relations[(src, dst)] = _replace(old, **{name: float(value)})
        gs._stakes = None  # read off the relations alone (turn.py)
    else:
        sid, name = rest
        cast = Regime if name == "regime" else float
        gs.states[sid] = _replace(gs.states[sid], **{name: cast(value)})
    _world_changed(gs)


def _replace(obj, **changes):
    return replace(obj, **changes)


def _treaty_in_force(gs: GameState, e: Event) -> None:
    t = e.payload["treaty"]
    gs.members_in_force[t] = gs.members_in_force.get(t, frozenset()) | frozenset(e.payload["members"])
    _world_changed(gs)


def _member_withdrew(gs: GameState, e: Event) -> None:
    t = e.payload["treaty"]
    gs.members_in_force[t] = gs.members_in_force.get(t, frozenset()) - {e.payload["member"]}
    _world_changed(gs)


def _disclosed(gs: GameState, e: Event) -> None:
    t = e.payload["treaty"]
    gs.known_to[t] = gs.known_to.get(t, frozenset()) | frozenset(e.payload["to"])
    _world_changed(gs)


def _attack(gs: GameState, e: Event) -> None:
    p = e.payload
    attack = attack_from_payload(p)
    gs.attacks[attack.id] = attack
    gs.attack_turn.setdefault(attack.id, e.turn)
    if p.get("round", 1) == 1 and attack.id not in gs.turn_attacks:
        gs.turn_attacks.append(attack.id)


def _requested(gs: GameState, e: Event) -> None:
    gs.requests[(e.payload["attack"], e.payload["state"])] = dict(e.payload)


def _decision(gs: GameState, e: Event) -> None:
    d = decision_from_payload(e.turn, e.payload)
    key = (d.attack, d.state)
    if key not in gs.overrides:  # the umpire's word stands over a later revision
        gs.decisions[key] = d
    gs.turn_decisions[key] = d
    gs.deferred.pop(key, None)


def _deferred(gs: GameState, e: Event) -> None:
    gs.deferred[(e.payload["attack"], e.payload["state"])] = int(e.payload["until"])


def _override(gs: GameState, e: Event) -> None:
    d = decision_from_payload(e.turn, e.payload)
    key = (d.attack, d.state)
    gs.overrides[key] = d
    gs.decisions[key] = d


def _war(gs: GameState, e: Event) -> None:
    gs.wars.append(War(e.payload["aggressor"], e.payload["defender"]))
    _world_changed(gs)


def _reputation(gs: GameState, e: Event) -> None:
    gs.reputation[e.payload["state"]] = float(e.payload["after"])
    _world_changed(gs)


def _invocation(gs: GameState, e: Event) -> None:
    gs.invocations[(e.payload["treaty"], e.payload["attack"])] = bool(e.payload["declared"])


def _indicators(gs: GameState, e: Event) -> None:
    gs.indicators.setdefault(e.turn, {})[e.payload["treaty"]] = dict(e.payload)


def _turn_closed(gs: GameState, e: Event) -> None:
    gs.status = Status.READY
    gs.requests = {}


def _game_ended(gs: GameState, e: Event) -> None:
    gs.status = Status.FINISHED


_HANDLERS = {
    Kind.GAME_STARTED: _game_started, Kind.TURN_OPENED: _turn_opened,
    Kind.INJECT_FIRED: _inject_fired, Kind.INJECT_AWAITING: _inject_awaiting,
    Kind.EFFECT_APPLIED: _effect_applied, Kind.TREATY_IN_FORCE: _treaty_in_force,
    Kind.MEMBER_WITHDREW: _member_withdrew, Kind.TREATY_DISCLOSED: _disclosed,
    Kind.ATTACK: _attack, Kind.DECISION_REQUESTED: _requested, Kind.DECISION: _decision,
    Kind.DECISION_DEFERRED: _deferred, Kind.OVERRIDE: _override, Kind.WAR: _war,
    Kind.REPUTATION: _reputation, Kind.INDICATORS: _indicators, Kind.INVOCATION: _invocation,
    Kind.TURN_CLOSED: _turn_closed, Kind.GAME_ENDED: _game_ended,
}


# --- payload codecs shared by the phases and the fold ------------------------------

def attack_payload(attack: Attack, round_: int = 1) -> dict[str, Any]:
    return {
        "attack": attack.id, "attackers": list(attack.attackers), "target": attack.target,
        "kind": str(attack.kind), "region": attack.region, "territory": attack.territory,
        "provoked": attack.provoked, "attribution": attack.attribution,
        "severity": attack.severity, "origin": attack.origin, "round": round_,
    }


# The fold decodes an answer or an attack per event of those kinds: enum members are
# looked up by value in these tables, faster than calling the enum (which still says
# what is wrong with a bad value).
_RESPONSES = {str(r): r for r in Response}
_SOURCES = {str(s): s for s in DecisionSource}
_KINDS = {str(k): k for k in InjectKind}


def _member(table: dict, enum: type, value: Any) -> Any:
    try:
        return table[value]
    except (KeyError, TypeError):
        pass
    return enum(value)


def attack_from_payload(p: dict[str, Any]) -> Attack:
    return Attack(
        id=p["attack"], attackers=tuple(p["attackers"]), target=p["target"],
        kind=_member(_KINDS, InjectKind, p["kind"]), region=p.get("region"), territory=p.get("territory"),
        provoked=bool(p.get("provoked")), attribution=float(p.get("attribution", 1.0)),
        severity=float(p.get("severity", 0.5)), origin=p.get("origin") or p["attack"])


def decision_payload(d: Decision) -> dict[str, Any]:
    return {
        "state": d.state, "attack": d.attack, "response": str(d.response),
        "source": str(d.source), "side": d.side, "treaty": d.treaty,
        "rationale": d.rationale, "statement": d.statement,
    }


def decision_from_payload(turn: int, p: dict[str, Any]) -> Decision:
    return Decision(
        turn=turn, state=p["state"], attack=p["attack"], response=_member(_RESPONSES, Response, p["response"]),
        source=_member(_SOURCES, DecisionSource, p["source"]), side=p.get("side"), treaty=p.get("treaty"),
        rationale=p.get("rationale", ""), statement=p.get("statement", ""))
