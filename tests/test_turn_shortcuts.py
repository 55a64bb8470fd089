"""The shortcuts a batch run takes around the decisions give what the plain path gives: a quick
class's constructor called directly (`frozen.constructor`), a turn's draws from a hash that has read
the seed and the turn once (`decide.TurnDraws`), the days turns open on and their injects looked up
in the scenario's facts, a run's summary read without the order of its answers when no script
asks for it, and a world found to name and place its states as the scenario does by one compare."""
from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine import montecarlo as mc
from engine.decide import Draw, TurnDraws
from engine.doctrine import Situation
from engine.events import DecisionTaken, TurnOpened
from engine.frozen import constructor, quick
from engine.game import Game
from engine.model import Decision, DecisionSource, Response
from engine.network import AllianceGraph, Attack
from engine.play import facts
from engine.scenario import load
from engine.world import War, World

ROOT = Path(__file__).resolve().parents[1] / "scenarios"
TEACHING = ROOT / "baltic-2027.yaml"
SCRIPTED = ROOT / "history" / "1914-july-crisis.yaml"


# --- the constructor called directly ---------------------------------------------------------------

def test_the_constructor_builds_what_the_class_call_builds() -> None:
    made = constructor(Decision)(Decision, 3, "pl", "a1", Response.FULL, DecisionSource.DOCTRINE, "ee")
    plain = Decision(3, "pl", "a1", Response.FULL, DecisionSource.DOCTRINE, "ee")
    assert type(made) is Decision and made == plain and repr(made) == repr(plain)
    assert made.treaty is None and made.rationale == "" and made.statement == ""
    with pytest.raises(dataclasses.FrozenInstanceError):
        made.turn = 4  # type: ignore[misc]
    attack = constructor(Attack)(Attack, id="a", attackers=("ru",), target="ee", origin="a")
    assert attack == Attack(id="a", attackers=("ru",), target="ee", origin="a")
    assert constructor(War)(War, "ru", "ee") == War("ru", "ee")


def test_the_constructor_is_given_only_for_a_class_quick_made() -> None:
    @dataclasses.dataclass(frozen=True, slots=True)
    class Plain:
        x: int

    with pytest.raises(TypeError, match="quick"):
        constructor(Plain)

    @quick
    @dataclasses.dataclass(frozen=True, slots=True)
    class Base:
        x: int

    @dataclasses.dataclass(frozen=True, slots=True)
    class Sub(Base):  # not made quick itself: its inherited constructor builds a Base's way
        y: int = 0

    assert constructor(Base)(Base, 1) == Base(1)
    with pytest.raises(TypeError, match="quick"):
        constructor(Sub)


def test_every_situation_of_a_game_is_built_as_the_class_builds_it(monkeypatch: pytest.MonkeyPatch) -> None:
    """The situations the decider builds by the constructor equal those rebuilt by the class call."""
    import engine.decide as decide
    seen: list[Situation] = []
    real = decide._SITUATION

    def kept(cls: type[Situation], *values: object) -> Situation:
        made = real(cls, *values)
        seen.append(made)
        assert made == Situation(*values)  # type: ignore[arg-type]
        return made

    monkeypatch.setattr(decide, "_SITUATION", kept)
    Game.new(load(TEACHING), seed=3, stochastic=True, verbose=False).play()
    assert len(seen) > 50


# --- the turn's draws ----------------------------------------------------------------------------

_WORD = st.text(st.characters(blacklist_categories=("Cs",)), max_size=20)


@settings(max_examples=200, deadline=None)
@given(seed=st.integers(0, 2**64 - 1), turn=st.integers(0, 400), attack=_WORD, state=_WORD)
def test_a_turns_draw_is_the_draw_of_the_whole_key(seed: int, turn: int, attack: str, state: str) -> None:
    draws = TurnDraws(seed, turn)
    drawn = draws(f"{attack}|{state}")
    whole = Draw(f"{seed}|{turn}|{attack}|{state}")
    assert type(drawn) is Draw
    assert drawn.u == whole.u == drawn.random()
    assert draws(f"{attack}|{state}").u == drawn.u  # the set-up hash is copied, never worn


def test_the_draws_of_a_game_are_those_of_the_whole_keys(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every decision of a stochastic game is drawn with the u of its whole key."""
    import engine.decide as decide
    checked = [0]
    real = TurnDraws.__call__

    def draw(self: TurnDraws, rest: str) -> Draw:
        made = real(self, rest)
        game = games[-1]
        assert made.u == Draw(f"{game.state.seed}|{game.state.turn}|{rest}").u
        checked[0] += 1
        return made

    monkeypatch.setattr(decide.TurnDraws, "__call__", draw)
    games = [Game.new(load(TEACHING), seed=11, stochastic=True, verbose=False)]
    games[-1].play()
    assert checked[0] > 50


# --- the scenario's facts: the days turns open, their injects -----------------------------------------

@pytest.mark.parametrize("path", [TEACHING, SCRIPTED], ids=lambda p: p.stem)
def test_the_facts_give_each_turns_day_and_injects_as_the_scenario_does(path: Path) -> None:
    scenario = load(path)
    found = facts(scenario)
    for turn in range(0, scenario.turns + 2):
        assert found.injects_at.get(turn, ()) == scenario.injects_at(turn)
    for turn in range(1, scenario.turns + 1):
        assert found.date(turn) == scenario.date_of(turn).isoformat()
        assert found.date(turn) == scenario.date_of(turn).isoformat()  # asked again: the day kept


def test_a_game_opens_its_turns_on_the_scenarios_days() -> None:
    scenario = load(TEACHING)
    game = Game.new(scenario, seed=1, stochastic=True, verbose=False)
    game.play()
    opened = [e for e in game.events if isinstance(e, TurnOpened)]
    assert [e.turn for e in opened] == list(range(1, scenario.turns + 1))
    assert all(e.date == scenario.date_of(e.turn).isoformat() for e in opened)


# --- the summary without the answers' order ------------------------------------------------------------

@pytest.mark.parametrize("path", [TEACHING, SCRIPTED], ids=lambda p: p.stem)
def test_a_summary_is_the_summary_read_with_every_reader(path: Path) -> None:
    scenario = load(path)
    plan = mc.Plan(scenario, 6, seed=4)
    for index in range(plan.runs):
        game = Game.new(scenario, seed=mc.run_seed(plan.seed, index), stochastic=True, verbose=False)
        game.play()
        summary = mc.summarise(scenario, game.events, index, state=game.state)
        assert summary == mc.summarise(scenario, game.events, index)  # the state folded afresh
        seen = mc._read(game.events)  # every reader, the answers' order among them
        assert len(seen.asked) == sum(isinstance(e, DecisionTaken) for e in game.events)
        assert summary.honour == tuple((a, s, ok) for (a, s), ok in seen.kept.items())
        assert (summary.tested, summary.honoured) == (seen.tested, seen.honoured)
        assert summary.injects == tuple(seen.fired)
        assert (summary.script is not None) == bool(scenario.script)
        assert {(a, s): r for a, s, _, r, _ in summary.decisions} == {
            (d.attack, d.state): d.response.rank for d in game.state.decisions.values()}


# --- whether a world names and places its states as the scenario does ---------------------------------

def _named_and_placed_as_the_scenario(world: World) -> bool:
    original = world.scenario.state_by_id
    return original.keys() == world.states.keys() and all(
        (s.name, s.region) == (original[sid].name, original[sid].region) for sid, s in world.states.items())


def test_a_world_names_and_places_its_states_as_the_scenario_unless_changed() -> None:
    scenario = load(TEACHING)
    start = World.initial(scenario)
    some = next(iter(scenario.state_by_id))
    state = scenario.state_by_id[some]
    worlds = {
        "the scenario's own": start,
        "an equal copy of a state": start.evolve(states={**start.states, some: dataclasses.replace(state)}),
        "a state made stronger": start.evolve(states={**start.states, some: dataclasses.replace(state, power=9.0)}),
        "a state renamed": start.evolve(states={**start.states, some: dataclasses.replace(state, name="Elsewhere")}),
        "a state moved": start.evolve(states={**start.states, some: dataclasses.replace(state, region="nowhere")}),
        "a state gone": start.evolve(states={k: v for k, v in start.states.items() if k != some}),
    }
    verdicts = {why: AllianceGraph(world)._scenario_words for why, world in worlds.items()}
    assert verdicts == {why: _named_and_placed_as_the_scenario(world) for why, world in worlds.items()}
    assert [why for why, same in verdicts.items() if not same] == ["a state renamed", "a state moved", "a state gone"]


def test_every_world_of_a_game_names_and_places_its_states_as_the_scenario() -> None:
    game = Game.new(load(TEACHING), seed=2, stochastic=True, verbose=False)
    while game.state.turn < game.scenario.turns:
        game.play(1)
        world = game.state.played_world()
        assert AllianceGraph(world)._scenario_words is _named_and_placed_as_the_scenario(world) is True
