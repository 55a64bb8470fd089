"""The engine's core contract: a game is a fold over typed events, a phase is a pure function.

- the fold of a game's log equals the state built step by step;
- a game rebuilt from any prefix of its own log (through JSON lines) and continued gives the
  same bytes as the live game continued: the log's first event carries every setting of play;
- every phase drained as a plain function gives the events the game drove, and leaves the
  state it was given untouched.
"""
from __future__ import annotations

import copy
import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine import options
from engine import turn as phases
from engine.errors import GameError, NotDue
from engine.events import FORMAT_VERSION, GameStarted, dumps, loads
from engine.game import Game
from engine.model import Control, Mode
from engine.scenario import load
from engine.state import fold
from tests.builders import consultation, defense, inject, make_scenario, neutrality, relation, treaty

TEACHING = Path(__file__).resolve().parents[1] / "scenarios" / "baltic-2027.yaml"
IDS = ["AAA", "BBB", "CCC", "DDD", "EEE", "FFF"]
ids_ = st.sampled_from(IDS)


@st.composite
def scenarios(draw):
    treaties = []
    for i in range(draw(st.integers(0, 5))):
        members = draw(st.lists(ids_, min_size=2, max_size=4, unique=True))
        ob = draw(st.sampled_from([defense(), neutrality(), consultation(), defense(non_provocation=True)]))
        invocation = draw(st.sampled_from(["member", "consensus", "majority"]))
        treaties.append(treaty(f"t{i}", members, ob, invocation=invocation, leader=members[0]))
    injects = []
    for i in range(draw(st.integers(1, 5))):
        a, t = draw(st.lists(ids_, min_size=2, max_size=2, unique=True))
        kind = draw(st.sampled_from(["armed-attack", "armed-attack", "cyber-attack", "border-incident"]))
        injects.append(inject(f"i{i}", kind, actor=a, target=t, turn=draw(st.integers(1, 3)),
                              provoked=draw(st.booleans()), attribution=draw(st.sampled_from([0.4, 0.8, 1.0]))))
    if treaties and draw(st.booleans()):  # a treaty that begins in play, before an attack of the same turn
        injects.insert(0, inject("sign", "treaty-signed", turn=draw(st.integers(1, 3)), treaty=treaties[-1].id))
        treaties[-1] = treaty(treaties[-1].id, treaties[-1].members, *treaties[-1].obligations, signed=dt.date(2030, 1, 1))
    for i in range(draw(st.integers(0, 2))):  # options: attacks their actor decides, and ceasefires
        a, t = draw(st.lists(ids_, min_size=2, max_size=2, unique=True))
        kind = draw(st.sampled_from(["armed-attack", "cyber-attack", "ceasefire"]))
        if kind == "ceasefire" and draw(st.booleans()):  # between the parties of the first attack
            first_attack = next(i for i in injects if i.actors and i.target)
            a, t = first_attack.actors[0], first_attack.target
        first = draw(st.integers(1, 3))
        injects.append(inject(f"o{i}", kind, actor=a, target=t, turn=first, option=True,
                              until=draw(st.integers(first, 3)), resolve=draw(st.sampled_from([0.0, 0.5, 1.0]))))
    relations = [relation(a, b, affinity=0.8) for a, b in draw(st.lists(st.tuples(ids_, ids_), max_size=3)) if a != b]
    return make_scenario(IDS, treaties=treaties, injects=injects, relations=relations, turns=3)


@dataclass(frozen=True)
class Setup:
    seed: int
    mode: Mode
    stochastic: bool
    verbose: bool
    players: tuple[str, ...]


setups = st.builds(Setup, st.integers(0, 2**31), st.sampled_from([Mode.PLAY, Mode.EXERCISE]), st.booleans(),
                   st.booleans(), st.lists(ids_, max_size=2, unique=True).map(tuple))
# What a console does between the phases: answer, override, note (each picks a pending decision).
actions = st.lists(st.sampled_from(["submit", "override", "note", "close"]), max_size=6)


def new_game(sc, s: Setup) -> Game:
    return Game.new(sc, seed=s.seed, mode=s.mode, stochastic=s.stochastic, verbose=s.verbose,
                    controls={p: Control.PLAYER for p in s.players})


def act(game: Game, action: str, k: int) -> None:
    """One action of the console: deterministic given the game, so a rebuilt game repeats it. A cell's
    option waiting is chosen (submit) or decided by the umpire (override) before any answer."""
    pending, offered = game.state.pending(), options.waiting(game.state)
    if offered and action in ("submit", "override"):  # a cell's option comes before the answers
        inject_id, state = offered[k % len(offered)]
        if action == "submit":
            game.choose_option(state, inject_id, k % 2 == 0, rationale="r")
        else:
            game.override_option(inject_id, k % 2 == 1, reason="umpire")
    elif action == "close" or not pending:
        game.close_turn()
    elif action == "submit":
        attack, state = pending[k % len(pending)]
        game.submit(state, attack, ["full", "limited", "neutral"][k % 3], rationale="r", statement="s")
    elif action == "override":
        attack, state = pending[k % len(pending)]
        game.override(state, attack, "diplomatic", reason="umpire")
    else:
        game.note(f"note {k}", bookmark=bool(k % 2))


def script(game: Game, plan: list[list[str]]) -> list[tuple[int, str, int]]:
    """The actions of a whole game as (turn, action, k), ending each turn with closes until it closes."""
    return [(t, a, k) for t, turn_actions in enumerate(plan, 1) for k, a in enumerate([*turn_actions, *["close"] * 8])]


def drive(game: Game, steps: list[tuple[int, str, int]], marks: list[int] | None = None) -> None:
    for turn, action, k in steps:
        if game.state.turn < turn and game.state.status.value == "ready" and game.state.turn < game.scenario.turns:
            game.open_turn()
        if game.state.turn == turn and game.state.status.value == "open":
            act(game, action, k)
        if marks is not None:
            marks.append(len(game))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios(), setups, st.lists(actions, min_size=3, max_size=3), st.data())
def test_a_game_rebuilt_from_any_prefix_of_its_log_continues_like_the_live_one(sc, setup, plan, data):
    live = new_game(sc, setup)
    steps = script(live, plan)
    marks: list[int] = []
    drive(live, steps, marks)
    assert fold(sc, live.events) == live.state
    i = data.draw(st.integers(0, len(steps) - 1))
    rebuilt = Game(sc, loads(dumps(live.events[:marks[i]])))
    assert fold(sc, rebuilt.events) == rebuilt.state
    drive(rebuilt, steps[i + 1:])
    assert dumps(rebuilt.events) == dumps(live.events)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios(), setups)
def test_each_phase_is_a_pure_function_of_the_state(sc, setup):
    game = new_game(sc, setup)
    while game.state.turn < sc.turns:
        for phase in (phases.open_turn, phases.close_turn):
            before = copy.deepcopy(game.state)
            drained = list(phase(game.state, game.ctx).events)   # a plain call, nothing applied
            assert game.state == before                           # the state given is untouched
            driven = game.open_turn() if phase is phases.open_turn else game.close_turn()
            assert dumps(driven) == dumps(drained)
            assert fold(sc, game.events) == game.state
        while game.state.status.value == "open":                  # cells that have not answered
            for inject_id, _ in options.waiting(game.state):
                game.override_option(inject_id, False, reason="the deadline passed")
            for attack, state in game.state.pending():
                game.override(state, attack, "neutral", reason="the deadline passed")
            game.close_turn()


def test_the_first_event_records_every_setting_of_play():
    sc = load(TEACHING)
    game = Game.new(sc, seed=7, mode=Mode.EXERCISE, stochastic=True, verbose=False,
                    controls={"POL": Control.PLAYER})
    started = game.events[0]
    assert isinstance(started, GameStarted)
    assert (started.format, started.seed, started.mode, started.stochastic, started.verbose) == (
        FORMAT_VERSION, 7, Mode.EXERCISE, True, False)
    assert started.controls == {"POL": Control.PLAYER}
    assert dict(started.weights) == dict(game.ctx.doctrine.weights) and started.cuts == game.ctx.doctrine.cuts


def test_a_stochastic_game_rebuilt_from_its_log_plays_on_as_the_live_one():
    sc = load(TEACHING)
    live = Game.new(sc, seed=7, stochastic=True)
    live.play(3)
    rebuilt = Game(sc, loads(dumps(live.events)))
    live.play()
    rebuilt.play()
    assert dumps(rebuilt.events) == dumps(live.events)


def test_weights_other_than_the_defaults_travel_with_the_log():
    sc = load(TEACHING)
    live = Game.from_log(sc, Game.new(sc).events, weights={**Game.new(sc).ctx.doctrine.weights, "tripwire": 3.0})
    assert Game(sc, loads(dumps(live.events))).ctx.doctrine.weights["tripwire"] == 3.0


def test_a_cell_cannot_answer_once_the_umpire_has_decided():
    sc = load(TEACHING)
    # Russia's moves are its cell's options in the teaching scenario: here the doctrine plays it.
    game = Game.new(sc, mode=Mode.EXERCISE, controls={"USA": Control.PLAYER, "RUS": Control.NPC})
    while not game.state.pending():  # the United States is asked at Narva
        game.open_turn()
        game.close_turn()
    attack, state = game.state.pending()[0]
    game.override(state, attack, "limited", reason="the umpire decides")
    with pytest.raises(NotDue, match="umpire has decided"):
        game.submit(state, attack, "full")


def test_game_errors_are_types_a_caller_can_tell_apart():
    game = Game.new(load(TEACHING))
    with pytest.raises(GameError) as caught:
        game.close_turn()
    assert type(caught.value).__name__ == "WrongMoment"


@pytest.mark.parametrize("fields,message", [
    ({"kind": "armed-attack", "actors": ("RUS",), "target": None}, "needs a target"),
    ({"kind": "cyber-attack", "actors": (), "target": "EST"}, "needs an actor"),
    ({"kind": "armed-attack", "actors": ("XXX",), "target": "EST"}, "no state 'XXX'"),
    ({"kind": "statement", "actors": ("RUS",), "visibility": ("EST", "ZZZ")}, "no state 'ZZZ'"),
    ({"kind": "treaty-signed", "actors": ("EST",), "treaty": "nothing"}, "names a treaty"),
])
def test_the_engine_checks_an_umpires_adhoc_inject(fields, message):
    from engine.model import Inject, InjectKind
    game = Game.new(load(TEACHING))
    game.open_turn()
    inject = Inject(id="adhoc-1", turn=1, **{**fields, "kind": InjectKind(fields["kind"])})
    with pytest.raises(GameError, match=message):
        game.fire(inject)


def test_a_terrorist_attack_may_have_no_named_author():
    from engine.model import Inject, InjectKind
    game = Game.new(load(TEACHING))
    game.open_turn()
    assert game.fire(Inject(id="adhoc-1", turn=1, kind=InjectKind.TERRORIST_ATTACK, target="EST"))


def test_a_copy_of_the_state_copies_every_container():
    from dataclasses import fields

    from engine.state import _CONTAINERS, GameState
    game = Game.new(load(TEACHING))
    game.play(3)
    copy_ = game.state.copy()
    assert copy_ == game.state
    for f in fields(GameState):
        value = getattr(game.state, f.name)
        if isinstance(value, dict | list):
            assert f.name in (*_CONTAINERS, "indicators") and getattr(copy_, f.name) is not value, f.name
