"""A game: a scenario and its event log.

Like python-chess's `Board.push()` / `pop()`, every action pushes events and
`undo()` pops a whole turn; the state is always `fold(scenario, events)`.
Undo, branching a what-if and replaying a record are one mechanism: choose the
events, fold them.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence

from . import turn as phases
from .doctrine import Advice, Doctrine, Situation
from .errors import GameError
from .events import Event, Kind, Phase
from .model import Control, Decision, DecisionSource, Inject, Response, Scenario
from .state import GameState, Mode, Status, apply, fold
from .turn import Context


class Game:
    def __init__(self, scenario: Scenario, events: Iterable[Event] = (), *,
                 doctrine: Doctrine | None = None, stochastic: bool = False, verbose: bool = True):
        self.scenario = scenario
        self.ctx = Context(doctrine or Doctrine.for_scenario(scenario), stochastic, verbose)
        self._events: list[Event] = list(events)
        self.state: GameState = fold(scenario, self._events)

    @classmethod
    def new(cls, scenario: Scenario, *, seed: int = 0, mode: Mode = Mode.PLAY,
            controls: Mapping[str, Control] | None = None, stochastic: bool = False,
            verbose: bool = True, doctrine: Doctrine | None = None) -> Game:
        game = cls(scenario, doctrine=doctrine, stochastic=stochastic, verbose=verbose)
        unknown = sorted(set(controls or {}) - set(scenario.state_by_id))
        if unknown:
            raise GameError(f"no such state in {scenario.id}: {', '.join(unknown)}")
        payload = {"scenario": scenario.id, "seed": seed, "mode": str(mode), "stochastic": stochastic,
                   "controls": {s: str(c) for s, c in (controls or {}).items()}}
        game.push([Event(0, Phase.SETUP, Kind.GAME_STARTED, payload, actor="umpire",
                         reason=f"{scenario.title}: a new game ({mode})")])
        return game

    def copy(self) -> Game:
        """An independent game with the same log and state (no fold: see GameState.copy)."""
        other = object.__new__(Game)
        other.scenario, other.ctx = self.scenario, self.ctx
        other._events = list(self._events)
        other.state = self.state.copy()
        return other

    # --- the log ----------------------------------------------------------------------
    @property
    def events(self) -> tuple[Event, ...]:
        return tuple(self._events)

    def __len__(self) -> int:
        return len(self._events)

    def push(self, events: Iterable[Event]) -> list[Event]:
        pushed = []
        for e in events:
            apply(self.state, e)
            self._events.append(e)
            pushed.append(e)
        return pushed

    def _run(self, phase: Iterator[Event]) -> list[Event]:
        """Drive a phase, applying each event before the phase goes on (see engine.turn)."""
        out: list[Event] = []
        for e in phase:
            apply(self.state, e)
            self._events.append(e)
            out.append(e)
        return out

    # --- actions ----------------------------------------------------------------------
    def open_turn(self) -> list[Event]:
        return self._run(phases.open_turn(self.state, self.ctx))

    def close_turn(self) -> list[Event]:
        return self._run(phases.close_turn(self.state, self.ctx))

    def play_turn(self) -> list[Event]:
        """Open and close the next turn with nobody waiting for cells (headless play)."""
        events = self.open_turn()
        events += self.close_turn()
        if self.state.status is Status.OPEN:
            raise GameError("cells must decide before the turn can close: "
                            + ", ".join(f"{s} on {a}" for a, s in self.state.pending()))
        return events

    def play(self, turns: int | None = None) -> list[Event]:
        """Play on to the end of the scenario, or `turns` more turns."""
        out: list[Event] = []
        last = self.scenario.turns if turns is None else min(self.scenario.turns, self.state.turn + turns)
        while self.state.turn < last and self.state.status is not Status.FINISHED:
            out += self.play_turn()
        return out

    def submit(self, state: str, attack: str, response: Response | str, *, rationale: str = "",
               statement: str = "") -> list[Event]:
        d = Decision(turn=self.state.turn, state=state, attack=attack, response=Response(response),
                     source=DecisionSource.PLAYER, side=self._side(attack),
                     treaty=self._request_treaty(attack, state), rationale=rationale, statement=statement)
        return self._run(phases.submit(self.state, d))

    def override(self, state: str, attack: str, response: Response | str, reason: str) -> list[Event]:
        d = Decision(turn=self.state.turn, state=state, attack=attack, response=Response(response),
                     source=DecisionSource.UMPIRE, side=self._side(attack),
                     treaty=self._request_treaty(attack, state), rationale=reason)
        return self._run(phases.override(self.state, d, reason))

    def trigger(self, inject_id: str) -> list[Event]:
        return self._run(phases.trigger_inject(self.state, inject_id, self.ctx))

    def fire(self, inject: Inject) -> list[Event]:
        return self._run(phases.fire_adhoc(self.state, inject, self.ctx))

    def note(self, text: str, *, bookmark: bool = False) -> list[Event]:
        return self.push([Event(self.state.turn, Phase.ADJUDICATION, Kind.NOTE,
                                {"text": text, "bookmark": bookmark}, actor="umpire",
                                visibility="umpire", reason="the umpire's note")])

    # --- undo, branch, replay ------------------------------------------------------------
    def turn_start(self, turn: int) -> int:
        """Index in the log where `turn` opened (the log's length if it has not)."""
        for i, e in enumerate(self._events):
            if e.kind is Kind.TURN_OPENED and e.turn == turn:
                return i
        return len(self._events)

    def undo(self) -> list[Event]:
        """Drop the last turn (open or closed) and fold again; returns what was dropped."""
        if self.state.turn == 0:
            raise GameError("nothing to undo: no turn has been played")
        cut = self.turn_start(self.state.turn)
        dropped = self._events[cut:]
        self._events = self._events[:cut]
        self.state = fold(self.scenario, self._events)
        return dropped

    def branch(self, turn: int) -> Game:
        """A what-if: a new game with this one's events before `turn` opened."""
        if not 1 <= turn <= max(self.state.turn, 1):
            raise GameError(f"can branch from turns 1 to {max(self.state.turn, 1)}, not {turn}")
        return Game(self.scenario, self._events[:self.turn_start(turn)], doctrine=self.ctx.doctrine,
                    stochastic=self.ctx.stochastic, verbose=self.ctx.verbose)

    def at(self, turn: int) -> GameState:
        """The state as it stood when `turn` closed (for stepping through a finished game)."""
        return fold(self.scenario, self._events[:self.turn_start(turn + 1)])

    # --- reading ----------------------------------------------------------------------
    def view(self, states: frozenset[str] | None) -> list[Event]:
        """The events a cell playing `states` may see (None: the umpire, who sees all)."""
        return [e for e in self._events if e.visible_to(states)]

    def advise(self, state: str, attack: str) -> Advice:
        """What the doctrine would answer for `state` now (the console's advice panel)."""
        if attack not in self.state.attacks:
            raise GameError(f"no attack {attack!r} in this game")
        return advise(self.state, self.ctx.doctrine, state, attack)

    def _side(self, attack: str) -> str | None:
        a = self.state.attacks.get(attack)
        return a.target if a else None

    def _request_treaty(self, attack: str, state: str) -> str | None:
        return (self.state.requests.get((attack, state)) or {}).get("treaty")


def advise(gs: GameState, doctrine: Doctrine, state: str, attack: str) -> Advice:
    """What the doctrine would answer for `state` on `attack` in the game state `gs`
    (now, or any past state of a game: the after-action report asks both)."""
    treaty = (gs.requests.get((attack, state)) or {}).get("treaty")
    trig = None
    if treaty:
        owed = [t for t in phases.alliance_graph(gs).binding(gs.attacks[attack])
                if t.ally == state and t.treaty == treaty]
        # The weightiest article in play, as the decision itself is taken (defense before consultation).
        trig = min(owed, key=lambda t: phases.STRENGTH[t.type], default=None)
    return doctrine.advise(Situation(
        world=gs.world, ally=state, partner=trig.partner if trig else gs.attacks[attack].target,
        attack=gs.attacks[attack], treaty=treaty, article=trig.article if trig else None,
        triggered=trig is not None))


def replay(scenario: Scenario, events: Sequence[Event], **kwargs) -> Game:
    """A game folded from recorded events (a saved exercise, a golden log)."""
    return Game(scenario, events, **kwargs)
