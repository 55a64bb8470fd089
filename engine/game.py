"""A game: a scenario and its event log.

Like python-chess's `Board.push()` / `pop()`, every action pushes events and
`undo()` pops a whole turn; the state is always `fold(scenario, events)`.
Undo, branching a what-if and replaying a record are one mechanism: choose the
events, fold them. The log's first event records every setting that changes
play, so a game rebuilt from any prefix of its own log continues exactly as the
live game would.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import replace

from . import deadline, messages
from . import turn as phases
from .doctrine import Advice, Doctrine, Situation
from .errors import GameError, InvalidAction, UnknownName, WrongMoment
from .events import ControlChanged, Event, GameStarted, Note, TurnOpened
from .model import Control, Decision, DecisionSource, Inject, Mode, Response, Scenario, weightiest
from .play import Context, Play, Step
from .state import GameState, Status, apply, fold
from .view import View, view_for

__all__ = ["Game", "Mode", "advise", "replay"]


class Game:
    """A scenario and its event log, with the actions of play."""

    def __init__(self, scenario: Scenario, events: Iterable[Event], *, doctrine: Doctrine | None = None) -> None:
        """`doctrine`, when given, is the decision model object to play with (one that also
        records what it sees, for calibration); its weights must be those the log records."""
        self.scenario = scenario
        self._events: list[Event] = list(events)
        if not self._events or not isinstance(self._events[0], GameStarted):
            raise InvalidAction("a game's log begins with its game-started event (use Game.new)")
        self.started: GameStarted = self._events[0]
        self.ctx = _context(self.started, scenario, doctrine)
        self.state: GameState = fold(scenario, self._events)

    @classmethod
    def new(cls, scenario: Scenario, *, seed: int = 0, mode: Mode = Mode.PLAY,
            controls: Mapping[str, Control] | None = None, stochastic: bool = False,
            verbose: bool = True, doctrine: Doctrine | None = None) -> Game:
        unknown = sorted(set(controls or {}) - set(scenario.state_by_id))
        if unknown:
            raise UnknownName(f"no such state in {scenario.id}: {', '.join(unknown)}")
        doctrine = doctrine or Doctrine.for_scenario(scenario)
        started = GameStarted(
            turn=0, scenario=scenario.id, seed=seed, mode=mode, stochastic=stochastic, verbose=verbose,
            controls={s: Control(c) for s, c in (controls or {}).items()}, weights=dict(doctrine.weights),
            cuts=tuple(doctrine.cuts), bands=tuple(doctrine.bands), actor="umpire",
            reason=f"{scenario.title}: a new game ({mode})")
        return cls(scenario, [started], doctrine=doctrine)

    @classmethod
    def from_log(cls, scenario: Scenario, events: Sequence[Event], **settings: object) -> Game:
        """A game rebuilt from a log, with some settings of its first event changed (a Monte
        Carlo run from a what-if's prefix: its own seed, no explanations, varied weights). The
        new game's log records the settings it plays with."""
        started = events[0]
        if not isinstance(started, GameStarted):
            raise InvalidAction("a game's log begins with its game-started event")
        doctrine = settings.pop("doctrine", None)
        if isinstance(doctrine, Doctrine):
            settings |= {"weights": dict(doctrine.weights), "cuts": tuple(doctrine.cuts),
                         "bands": tuple(doctrine.bands)}
        return cls(scenario, [replace(started, **settings), *events[1:]],  # type: ignore[arg-type]
                   doctrine=doctrine if isinstance(doctrine, Doctrine) else None)

    def copy(self) -> Game:
        """An independent game with the same log and state (no fold: see GameState.copy)."""
        other = object.__new__(Game)
        other.scenario, other.started, other.ctx = self.scenario, self.started, self.ctx
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
        """Append events to the log and fold them in (the umpire's notes; a stored log)."""
        pushed = list(events)
        for e in pushed:
            apply(self.state, e)
        self._events += pushed
        return pushed

    def _take(self, step: Step) -> list[Event]:
        self._events += step.events
        self.state = step.state
        return list(step.events)

    # --- actions ----------------------------------------------------------------------
    def open_turn(self) -> list[Event]:
        return self._own(phases.open_turn)

    def close_turn(self) -> list[Event]:
        return self._own(phases.close_turn)

    def _own(self, phase: Callable[..., Step]) -> list[Event]:
        """Run a phase on the game's own state (no copy: the game takes the step's state). Were
        the phase to fail half-way, the state is folded again from the log, which it did not touch."""
        try:
            return self._take(phase(self.state, self.ctx, own=True))
        except GameError:
            raise  # refused before it began: the state is as it was
        except BaseException:
            self.state = fold(self.scenario, self._events)
            raise

    def play_turn(self) -> list[Event]:
        """Open and close the next turn with nobody waiting for cells (headless play)."""
        events = self.open_turn()
        events += self.close_turn()
        if self.state.awaiting:
            raise WrongMoment("cells must decide before the turn can close: "
                              + ", ".join(f"{s} on {a}" for a, s in self.state.awaiting))
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
        d = self._decision(state, attack, response, DecisionSource.PLAYER, rationale, statement)
        return self._take(phases.submit(self.state, d, self.ctx))

    def override(self, state: str, attack: str, response: Response | str, reason: str) -> list[Event]:
        d = self._decision(state, attack, response, DecisionSource.UMPIRE, reason, "")
        return self._take(phases.override(self.state, d, reason, self.ctx))

    def choose_option(self, state: str, inject: str, take: bool, *, rationale: str = "") -> list[Event]:
        """A cell's choice on an option offered to it (engine.options)."""
        return self._take(phases.choose_option(self.state, inject, state, take, self.ctx, rationale=rationale))

    def override_option(self, inject: str, take: bool, reason: str) -> list[Event]:
        """The umpire decides an option for its actor this turn, with a logged reason."""
        return self._take(phases.override_option(self.state, inject, take, reason, self.ctx))

    def answer_for_missing(self) -> list[Event]:
        """At the deadline: the doctrine answers for each cell that has not (engine.deadline), its
        options first (an option taken may ask further answers)."""
        chosen = self._take(phases.choose_for_missing(self.state, self.ctx)) if self.state.options_due else []
        return chosen + self._take(deadline.answer_for_missing(self.state, self.ctx))

    def trigger(self, inject_id: str) -> list[Event]:
        return self._take(phases.trigger_inject(self.state, inject_id, self.ctx))

    def fire(self, inject: Inject) -> list[Event]:
        return self._take(phases.fire_adhoc(self.state, inject, self.ctx))

    def note(self, text: str, *, bookmark: bool = False, turn: int | None = None) -> list[Event]:
        """The umpire's note, at this turn or an earlier one (a debrief note on a past turn)."""
        at = self.state.turn if turn is None else max(0, min(turn, self.state.turn))
        return self.push([Note(turn=at, text=text, bookmark=bookmark, actor="umpire",
                               visibility="umpire", reason="the umpire's note")])

    def message(self, sender: str, sender_states: frozenset[str] | None,
                to: Mapping[str, frozenset[str]] | str, text: str) -> list[Event]:
        """A message from the umpire (`sender_states` None) or a cell: see engine.messages."""
        return self.push([messages.compose(self.state, sender=sender, sender_states=sender_states,
                                           to=to, text=text)])

    def set_channel(self, open_: bool) -> list[Event]:
        """The umpire opens or closes the diplomatic channel between cells."""
        return self.push([messages.channel(self.state, open_)])

    def assign(self, states: Iterable[str], control: Control) -> list[Event]:
        """States pass to a cell (or back to the doctrine) during an exercise: decisions asked
        from now on go to their new controller; answers already given stand."""
        if self.state.mode is not Mode.EXERCISE:
            raise InvalidAction("only an exercise has cells: states pass to cells in an exercise")
        wanted = list(dict.fromkeys(states))
        unknown = [s for s in wanted if s not in self.scenario.state_by_id]
        if unknown:
            raise UnknownName(f"no such state in {self.scenario.id}: {', '.join(unknown)}")
        if not wanted:
            raise InvalidAction("name at least one state")
        already = [s for s in wanted if self.state.controller(s) is control]
        if already:
            raise InvalidAction(f"{', '.join(already)} already answer as {control}")
        return self.push([ControlChanged(turn=self.state.turn, actor="umpire", state=s, control=control,
                                         reason=f"{self.scenario.state(s).name} is played by "
                                                + ("a cell" if control is Control.PLAYER else "the doctrine")
                                                + " from now on")
                          for s in wanted])

    def _decision(self, state: str, attack: str, response: Response | str, source: DecisionSource,
                  rationale: str, statement: str) -> Decision:
        a = self.state.attacks.get(attack)
        req = self.state.requests.get((attack, state))
        return Decision(turn=self.state.turn, state=state, attack=attack, response=Response(response),
                        source=source, side=a.target if a else None, treaty=req.treaty if req else None,
                        rationale=rationale, statement=statement)

    # --- undo, branch, replay ------------------------------------------------------------
    def turn_start(self, turn: int) -> int:
        """Index in the log where `turn` opened (the log's length if it has not)."""
        for i, e in enumerate(self._events):
            if isinstance(e, TurnOpened) and e.turn == turn:
                return i
        return len(self._events)

    def undo(self) -> list[Event]:
        """Drop the last turn (open or closed) and fold again; returns what was dropped."""
        if self.state.turn == 0:
            raise WrongMoment("nothing to undo: no turn has been played")
        cut = self.turn_start(self.state.turn)
        dropped = self._events[cut:]
        self._events = self._events[:cut]
        self.state = fold(self.scenario, self._events)
        return dropped

    def branch(self, turn: int) -> Game:
        """A what-if: a new game with this one's events before `turn` opened."""
        if not 1 <= turn <= max(self.state.turn, 1):
            raise InvalidAction(f"can branch from turns 1 to {max(self.state.turn, 1)}, not {turn}")
        return Game(self.scenario, self._events[:self.turn_start(turn)], doctrine=self.ctx.doctrine)

    def at(self, turn: int) -> GameState:
        """The state as it stood when `turn` closed (for stepping through a finished game)."""
        return fold(self.scenario, self._events[:self.turn_start(turn + 1)])

    # --- reading ----------------------------------------------------------------------
    def view(self, states: frozenset[str] | None) -> list[Event]:
        """The events a cell playing `states` may see (None: the umpire, who sees all)."""
        return [e for e in self._events if e.visible_to(states)]

    def view_for(self, viewer: frozenset[str] | None, *, since: int = 0) -> View:
        """All a cell playing `viewer` sees now (None: the umpire): see engine.view. `since`: the
        events from that place in the log on only."""
        return view_for(self.state, self._events, viewer, since=since)

    def advise(self, state: str, attack: str) -> Advice:
        """What the doctrine would answer for `state` now (the console's advice panel)."""
        if attack not in self.state.attacks:
            raise UnknownName(f"no attack {attack!r} in this game")
        return advise(self.state, self.ctx.doctrine, state, attack)


def advise(gs: GameState, doctrine: Doctrine, state: str, attack: str) -> Advice:
    """What the doctrine would answer for `state` on `attack` in the game state `gs`
    (now, or any past state of a game: the after-action report asks both)."""
    req = gs.requests.get((attack, state))
    treaty = req.treaty if req else None
    trig = None
    play = Play(gs, Context(doctrine))
    if treaty:
        owed = [t for t in play.graph.binding(gs.attacks[attack]) if t.ally == state and t.treaty == treaty]
        # The weightiest article in play, as the decision itself is taken (defense before consultation).
        trig = weightiest(owed, lambda t: t.type)
    return doctrine.advise(Situation(
        world=play.world, ally=state, partner=trig.partner if trig else gs.attacks[attack].target,
        attack=gs.attacks[attack], treaty=treaty, article=trig.article if trig else None,
        triggered=trig is not None))


def _context(started: GameStarted, scenario: Scenario, doctrine: Doctrine | None) -> Context:
    """The settings the log records, played with `doctrine` when one is given (its weights and
    cuts must be those recorded)."""
    if doctrine is None:
        return Context.of(started, scenario)
    given = (dict(doctrine.weights), tuple(doctrine.cuts), tuple(doctrine.bands))
    # A Monte Carlo run records the doctrine it is given: the same weights and cuts, so no
    # second doctrine need be built from the log to compare with.
    if given != (dict(started.weights), tuple(started.cuts), tuple(started.bands)):
        recorded = Context.of(started, scenario).doctrine
        if given != (dict(recorded.weights), tuple(recorded.cuts), tuple(recorded.bands)):
            raise InvalidAction("the doctrine given is not the one this game's log records")
    return Context(doctrine, started.stochastic, started.verbose)


def replay(scenario: Scenario, events: Sequence[Event]) -> Game:
    """A game folded from recorded events (a saved exercise, a golden log)."""
    return Game(scenario, events)
