"""What a phase of a turn works on: its own copy of the state, and what is derived from it.

A phase is a function of the state, the settings and the seed that returns its
events (`engine.turn`). Inside, it works on a `Play`: a private copy of the state
to which each event is applied as it is made, so that a later step of the phase
sees what an earlier one did (a treaty signed this turn binds an attack later in
the same turn), without touching the caller's state. The values derived from the
state (the world snapshot the doctrine reads, the alliance graph, who holds whom
dear) are kept on the Play and renewed when an event changes what they read;
what depends on the scenario alone is memoised on the scenario (`facts`).
"""
from __future__ import annotations

import contextlib
import weakref
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass

from .doctrine import Doctrine
from .events import EffectApplied, Event, GameStarted, ObligationExamined, Visibility
from .model import ALL, UMPIRE, Decision, Inject, Relation, Scenario, turn_date
from .network import AllianceGraph, Trigger
from .state import HANDLERS, WORLD_CHANGED, GameState
from .world import IdentityMemo, World

# A state outside the treaties still answers an attack when it has a real stake: it holds
# the victim dear, or fears the attacker (Walt 1987: balancing against threat), on the
# relations scale of SCENARIO_FORMAT.md (affinity and threat, 0..1; the upper band).
STAKE_AFFINITY = 0.6
STAKE_THREAT = 0.75


@dataclass(frozen=True)
class Context:
    """The settings of play a phase reads besides the state (recorded in GameStarted)."""
    doctrine: Doctrine
    stochastic: bool = False   # sample the doctrine's decisions, each draw a hash of the seed
    # Explanations in the events. A batch run (Monte Carlo) turns them off and logs what
    # it tallies: no entry per obligation examined or per vote, no wording, no probabilities.
    verbose: bool = True

    @classmethod
    def of(cls, started: GameStarted, scenario: Scenario) -> Context:
        """The settings a log's first event records (a log migrated from format 0 recorded no
        weights: the scenario's are used, as that version did)."""
        doctrine = (Doctrine(dict(started.weights), started.cuts or None, bands=started.bands or None)
                    if started.weights
                    else Doctrine.for_scenario(scenario))
        return cls(doctrine, started.stochastic, started.verbose)


@dataclass(frozen=True)
class Step:
    """What a phase returns: its events, and the state they lead to."""
    events: tuple[Event, ...]
    state: GameState


class Play:
    """A phase's working copy of the state; see the module's docstring."""
    __slots__ = ("_graph", "_stakes", "_world", "ctx", "events", "facts", "gs")

    def __init__(self, gs: GameState, ctx: Context, *, own: bool = False) -> None:
        """`own`: the caller hands the state over and will not use it again (a game replacing
        its state with the step's), so the copy is skipped; otherwise the state is left alone."""
        self.gs, self.ctx = (gs if own else gs.copy()), ctx
        self.events: list[Event] = []
        self.facts = facts(gs.scenario)  # the scenario's lookups, read by almost every event
        self._world: World | None = None
        self._graph: AllianceGraph | None = None
        self._stakes: Stakes | None = None

    def run(self, events: Iterable[Event]) -> Step:
        """Apply each event as it comes (a generator sees its own earlier events), then return all.

        The fold's `apply`, written out: a batch run passes a thousand events through here."""
        gs, made, handlers = self.gs, self.events, HANDLERS
        for e in events:
            handler = handlers.get(type(e))
            if handler is not None and handler(gs, e) is WORLD_CHANGED:
                self._world = None  # what is derived from the world is renewed when next read
                if type(e) is EffectApplied:
                    self._stakes = None
            made.append(e)
        return Step(tuple(made), gs)

    def world_changed(self) -> None:
        """The state's world changed without an event (engine.resolve's commitments settled for a
        kernel run): what is derived from it is renewed when next read, as after an event."""
        self._world = None

    @property
    def world(self) -> World:
        if self._world is None:
            self._world = self.gs.played_world()
        return self._world

    @property
    def graph(self) -> AllianceGraph:
        """The alliance graph of the world as it stands (its indexes are built once per scenario)."""
        world, graph = self.world, self._graph
        if graph is None:
            graph = self._graph = AllianceGraph(world)
        elif graph.world is not world:
            graph = self._graph = graph.at(world)
        return graph

    def stakes(self) -> Stakes:
        """Who holds each state dear, and who fears it (read, never changed): read off the
        relations once per version of the setting (GameState.setting), which every effect
        renews, so the games of a batch that reach the same setting read it once."""
        if self._stakes is None:
            gs = self.gs
            kept: dict[int, Stakes] = _STAKES.scratch(gs.scenario)
            found = kept.get(gs.setting)
            if found is None:
                if len(kept) >= _STAKES_KEPT:
                    kept.clear()
                found = kept[gs.setting] = _read_stakes(gs.relations)
            self._stakes = found
        return self._stakes


# (friends, fearful): who holds each state dear, who fears it, in the order of the relations.
Stakes = tuple[dict[str, list[str]], dict[str, list[str]]]
_STAKES = IdentityMemo()  # per scenario: the stakes by version of the setting
_STAKES_KEPT = 4096


def _read_stakes(relations: Mapping[tuple[str, str], Relation]) -> Stakes:
    friends: dict[str, list[str]] = {}
    fearful: dict[str, list[str]] = {}
    for (src, dst), r in relations.items():
        if r.affinity >= STAKE_AFFINITY:
            friends.setdefault(dst, []).append(src)
        if r.threat >= STAKE_THREAT:
            fearful.setdefault(dst, []).append(src)
    return friends, fearful


# --- what the phases look up about a scenario ------------------------------------------------

_LAST = 10**6  # the place in order of a state the scenario does not list


class _Names(dict[str | None, str]):
    """A state's name by its id; an id the scenario does not list is its own name."""
    __slots__ = ()

    def __missing__(self, state: str | None) -> str:
        return state or "?"


class _Ranks(dict[str, int]):
    """A state's place in the scenario's order; one it does not list comes last."""
    __slots__ = ()

    def __missing__(self, state: str) -> int:
        return _LAST


class Facts:
    """What the phases look up about a scenario for almost every event, read once:
    the scenario is frozen, so its games and runs share one copy."""
    __slots__ = ("_dates", "_length", "_start", "commitments", "hidden", "injects_at", "name", "rank", "secret")

    def __init__(self, scenario: Scenario) -> None:
        names = _Names({s.id: s.name for s in scenario.states})
        # `name` and `rank` are dict lookups without a Python call: sorting keys, read
        # hundreds of times a run.
        self.name: Callable[[str | None], str] = names.__getitem__
        self.rank: Callable[[str], int] = _Ranks(scenario.state_order).__getitem__
        self.secret = frozenset(t.id for t in scenario.treaties if t.secret)
        # (treaty, article) whose obligation is known only to those who know the treaty
        self.hidden = frozenset((t.id, i) for t in scenario.treaties
                                for i, ob in enumerate(t.obligations) if t.secret or ob.secret)
        # "the North Atlantic Treaty art. 5 (defense)", as the honour events word it
        self.commitments = {(t.id, i): f"{t.name} {ob.label}" for t in scenario.treaties
                            for i, ob in enumerate(t.obligations)}
        # Scenario.injects_at, asked once per turn that has injects (each opening asked it of every
        # inject of the scenario)
        self.injects_at: Mapping[int, tuple[Inject, ...]] = {
            t: scenario.injects_at(t) for t in dict.fromkeys(i.turn for i in scenario.injects)}
        # What Scenario.date_of reads (not the scenario itself, which the facts must not keep alive)
        self._start, self._length = scenario.start, scenario.turn_length
        self._dates: dict[int, str] = {}

    def date(self, turn: int) -> str:
        """The day a turn opens, as its opening records it (Scenario.date_of, in ISO format):
        worked out once per turn of the scenario rather than once per turn of every game."""
        found = self._dates.get(turn)
        if found is None:
            found = self._dates[turn] = turn_date(self._start, self._length, turn).isoformat()
        return found

    def names_of(self, states: Iterable[str]) -> str:
        return ", ".join(map(self.name, states))


_FACTS = IdentityMemo()
_last: tuple[Callable[[], Scenario | None], Facts | None] = (lambda: None, None)


def facts(scenario: Scenario) -> Facts:
    """The scenario's facts (asked a few hundred times a run, mostly for the same scenario:
    the last one answered is checked first)."""
    global _last
    ref, found = _last
    if ref() is scenario and found is not None:
        return found
    memo = _FACTS.scratch(scenario)
    found = memo.get("facts")
    if found is None:
        found = memo["facts"] = Facts(scenario)
    assert isinstance(found, Facts)
    with contextlib.suppress(TypeError):  # not weakly referenceable: no shortcut
        _last = (weakref.ref(scenario), found)
    return found


# --- who sees what ------------------------------------------------------------------------------

def treaty_visibility(gs: GameState, treaty_id: str) -> Visibility:
    """A secret treaty's events are seen by those who know it; an open one's by all."""
    if treaty_id not in facts(gs.scenario).secret:
        return ALL
    treaty = gs.scenario.treaty(treaty_id)
    return tuple(sorted(gs.known_to.get(treaty_id, frozenset(treaty.members))))


def obligation_visibility(gs: GameState, t: Trigger) -> Visibility:
    if (t.treaty, t.article) not in facts(gs.scenario).hidden:
        return ALL
    treaty = gs.scenario.treaty(t.treaty)
    return tuple(sorted(gs.known_to.get(t.treaty, frozenset(treaty.members))))


def decision_visibility(gs: GameState, d: Decision, secret: AbstractSet[str] | None = None) -> Visibility:
    """A decision under a secret commitment is known to those who know the commitment. `secret`:
    the scenario's secret treaties, where the caller holds its facts already (once per answer)."""
    if d.treaty and d.treaty in (facts(gs.scenario).secret if secret is None else secret):
        return tuple(sorted(gs.known_to.get(d.treaty, frozenset())))
    return ALL


def obligations(gs: GameState, triggers: Sequence[Trigger]) -> Iterator[Event]:
    """An event per obligation examined (casus foederis, in the first round of an attack and in
    each round of a cascade): the commonest event of all."""
    turn, hidden = gs.turn, facts(gs.scenario).hidden
    for t in triggers:
        vis = obligation_visibility(gs, t) if (t.treaty, t.article) in hidden else ALL
        yield ObligationExamined(turn=turn, treaty=t.treaty, article=t.article, ally=t.ally, partner=t.partner,
                                 attack=t.attack, type=t.type, triggered=t.triggered, actor=t.ally,
                                 visibility=vis, reason=t.reason)


def inject_visibility(vis: str | Iterable[str]) -> Visibility:
    return vis if isinstance(vis, str) else tuple(vis)


def first(xs: tuple[str, ...] | list[str]) -> str | None:
    return xs[0] if xs else None


__all__ = ["ALL", "UMPIRE", "Context", "Facts", "Play", "Step", "decision_visibility", "facts",
           "first", "inject_visibility", "obligation_visibility", "obligations", "treaty_visibility"]
