"""The options' doctrine keeps what it reads off the world by the versions of the world's setting
and wars that the fold maintains (engine.state.GameState.setting, .warfare): a reading found by
version is the reading made afresh, at every phase of sampled games, after an answer is overridden,
and in any game that reaches the same version; and the versions move on the events that change
what they name, and on no other."""
from __future__ import annotations

import copy
import dataclasses
import math

import pytest

from engine.events import (
    EffectApplied,
    ForcesDeployed,
    MemberWithdrew,
    Overridden,
    TreatyDisclosed,
    TreatyInForce,
    WarBegun,
    WarEnded,
)
from engine.game import Game
from engine.model import Decision, DecisionSource, ForceSize, Response, Scenario, State
from engine.options import advise, case, options_of
from engine.options.doctrine import OptionAdvice
from engine.scenario import load
from engine.state import GameState, apply, fold
from tests.phases import OPTION_SCENARIOS, SCENARIOS, every_phase

SETTING = (EffectApplied, TreatyInForce, MemberWithdrew, TreatyDisclosed, ForcesDeployed)
WARFARE = (WarBegun, WarEnded)


def afresh(gs: GameState, inject_id: str, say: bool) -> OptionAdvice:
    """The advice read off a world of a scenario no reading has been kept for (a copy of the game's,
    so every memo keyed by the scenario starts empty), without versions."""
    kept = case(gs, gs.scenario.inject(inject_id), say=say)
    world = dataclasses.replace(kept.world, scenario=copy.copy(gs.scenario))
    return advise(dataclasses.replace(kept, world=world, setting=None, warfare=None))


def same_as_afresh(gs: GameState) -> int:
    """Every option of the scenario, weighed now by version and afresh: the same chance, factors
    and words. Returns how many were weighed."""
    weighed = 0
    for inject in options_of(gs.scenario):
        for say in (False, True):
            kept = advise(case(gs, inject, say=say))
            assert kept == afresh(gs, inject.id, say), (inject.id, gs.turn, say)
            weighed += 1
    return weighed


@pytest.mark.parametrize("name", OPTION_SCENARIOS)
@pytest.mark.parametrize("seed", range(3))
def test_a_reading_kept_by_version_is_the_reading_afresh_at_every_phase(name: str, seed: int) -> None:
    settings: set[int] = set()
    wars: set[int] = set()
    for game in every_phase(name, seed):
        settings.add(game.state.setting)
        wars.add(game.state.warfare)
        assert same_as_afresh(game.state)
    assert len(settings) > 1 and len(wars) > 1  # the games changed the setting and the wars


def test_an_answer_overridden_on_a_later_turn_is_read_at_once() -> None:
    """The umpire replaces an answer to an earlier attack: the versions stay (no setting or war
    changes), and the attacker's options read the new answer as a reading afresh does."""
    game, d = answered_earlier_by_an_ally(load(SCENARIOS / "baltic-2027.yaml"))
    before = (game.state.setting, game.state.warfare)
    game.push([overridden_to_neutral(game, d)])
    assert game.state.decisions[(d.attack, d.state)].response is Response.NEUTRAL
    assert (game.state.setting, game.state.warfare) == before
    same_as_afresh(game.state)
    game.close_turn()
    game.open_turn()
    same_as_afresh(game.state)


@pytest.mark.parametrize("seed", range(3))
def test_the_versions_move_on_the_events_that_change_what_they_name_alone(seed: int) -> None:
    sc = load(SCENARIOS / "baltic-2027.yaml")
    game = Game.new(sc, seed=seed, stochastic=True, verbose=False)
    game.play()
    gs = GameState.initial(sc)
    assert (gs.setting, gs.warfare) == (GameState.initial(sc).setting, 0)  # the scenario's own, no war
    moved = {"setting": 0, "warfare": 0}
    for e in game.events:
        before = (gs.setting, gs.warfare)
        apply(gs, e)
        assert (gs.setting != before[0]) is isinstance(e, SETTING), type(e).__name__
        assert (gs.warfare != before[1]) is isinstance(e, WARFARE), type(e).__name__
        moved["setting"] += gs.setting != before[0]
        moved["warfare"] += gs.warfare != before[1]
    assert moved["setting"] and moved["warfare"]
    assert (gs.setting, gs.warfare) == (game.state.setting, game.state.warfare)


def test_the_same_changes_give_the_same_version_and_others_another() -> None:
    """Two folds of one log reach the same versions (a reading kept in one game serves the other);
    a log without one of its effects reaches another version where the setting it leads to differs,
    and the same where a later effect set the same value again."""
    sc = load(SCENARIOS / "baltic-2027.yaml")
    game = Game.new(sc, seed=0, stochastic=True, verbose=False)
    game.play()
    a, b = fold(sc, game.events), fold(sc, game.events)
    assert (a.setting, a.warfare) == (b.setting, b.warfare) != (0, 0)
    differs = same = 0
    for effect in (e for e in game.events if isinstance(e, EffectApplied)):
        other = fold(sc, [e for e in game.events if e is not effect])
        if (other.states, other.relations) == (a.states, a.relations):
            assert other.setting == a.setting
            same += 1
        else:
            assert other.setting != a.setting
            differs += 1
    assert differs and same


@pytest.mark.parametrize("path, value", [
    ("states.RUS.power", 40.0),    # the attacker's side
    ("states.EST.power", 20.0),    # the target
    ("states.DEU.power", 0.5),     # an expected ally's power
    ("states.DEU.nuclear", 1.0),   # an expected ally's arms
])
def test_the_balance_kept_per_setting_reads_a_changed_power_or_arsenal_at_once(path: str, value: float) -> None:
    """An attack keeps, per version of the setting, the two sides' powers and arms and the expected
    allies' powers and arms in the coalition's order; an effect on one of them is a new setting, and
    the attacker's options then read it as a reading afresh does, in every game that reaches it."""
    sc = load(SCENARIOS / "baltic-2027.yaml")
    attacks = [i for i in options_of(sc) if i.kind.is_attack]
    moved = False
    for seed in range(3):
        game = Game.new(sc, seed=seed, stochastic=True, verbose=False)
        game.play(2)
        game.open_turn()
        before = {i.id: advise(case(game.state, i, say=False)).probability for i in attacks}
        game.push([EffectApplied(turn=game.state.turn, inject="umpire", path=path, value=value,
                                 reason="a test's effect")])
        assert same_as_afresh(game.state)
        after = {i.id: advise(case(game.state, i, say=False)).probability for i in attacks}
        moved = moved or after != before
        game.close_turn()
        assert same_as_afresh(game.state)
    assert moved  # the change reached the attacker's reading


def answered_earlier_by_an_ally(sc: Scenario) -> tuple[Game, Decision]:
    """A game opened on turn 4 in which a treaty ally gave more than `neutral` to an earlier
    attack of Russia's: the answer an umpire's override of an earlier turn replaces."""
    for seed in range(20):
        game = Game.new(sc, seed=seed, stochastic=True, verbose=False)
        game.play(3)
        game.open_turn()
        gs = game.state
        answered = [d for (a, _), d in gs.decisions.items()
                    if d.treaty is not None and gs.attack_turn[a] < gs.turn and d.response is not Response.NEUTRAL
                    and "RUS" in gs.attacks[a].attackers]
        if answered:
            return game, answered[0]
    pytest.fail("no game answered an earlier attack of Russia's with a treaty")


def overridden_to_neutral(game: Game, d: Decision) -> Overridden:
    """The umpire's ruling that `d` was `neutral`, as a log may hold it (the console overrides
    this turn's answers only)."""
    return Overridden(turn=game.state.turn, state=d.state, attack=d.attack, response=Response.NEUTRAL,
                      source=DecisionSource.UMPIRE, side=d.side, treaty=d.treaty, rationale="ruled")


def test_histories_that_reach_the_same_setting_share_its_version() -> None:
    """A deployment made before or after an effect, or on another turn, leads to the same setting:
    the same version, so the readings kept for one serve the other; a setting that differs in any
    value has a version of its own."""
    sc = load(SCENARIOS / "baltic-2027.yaml")
    deployed = ForcesDeployed(turn=1, state="USA", host="EST", size=ForceSize.BRIGADE, reason="")
    effect = EffectApplied(turn=1, inject="umpire", path="states.RUS.power", value=30.0, reason="")
    first, second = GameState.initial(sc), GameState.initial(sc)
    for e in (deployed, effect):
        apply(first, e)
    for e in (effect, dataclasses.replace(deployed, turn=3)):
        apply(second, e)
    assert first.setting == second.setting != 0
    other = GameState.initial(sc)
    for e in (effect, dataclasses.replace(deployed, size=ForceSize.BATTALION)):
        apply(other, e)
    assert other.setting not in (0, first.setting)


def test_a_setting_keeps_its_version_when_the_histories_start_afresh(monkeypatch: pytest.MonkeyPatch) -> None:
    """The histories of the wars, a version each, fill the successors' table in a couple of
    thousand runs and it starts afresh; a setting met again after that keeps its version (its
    values are kept apart), so what was kept by that version is found again."""
    from engine import state
    monkeypatch.setattr(state, "_SUCCESSORS_KEPT", 8)
    sc = load(SCENARIOS / "baltic-2027.yaml")
    deployed = ForcesDeployed(turn=1, state="USA", host="EST", size=ForceSize.BRIGADE, reason="")
    first = GameState.initial(sc)
    apply(first, deployed)
    for i, (a, b) in enumerate([("RUS", "EST"), ("RUS", "LVA"), ("BLR", "POL"), ("RUS", "LTU")] * 3):
        apply(first, WarBegun(turn=2, aggressor=a, defender=b, round=i + 1, reason=""))  # histories of the wars
    assert len(state._SUCCESSORS) < 8  # it started afresh at least once
    again = GameState.initial(sc)
    apply(again, dataclasses.replace(deployed, turn=4))
    assert again.setting == first.setting != 0


def test_games_that_apply_the_same_effect_share_the_state_it_makes() -> None:
    """A state an effect makes is frozen: two games that apply the same effect hold one object, the
    scenario's state with that field changed; another value makes another; a zero keeps its sign
    (0.0 and -0.0 are equal as keys, not as values)."""
    sc = load(SCENARIOS / "baltic-2027.yaml")

    def changed(value: float) -> State:
        game = Game.new(sc, seed=0, stochastic=True, verbose=False)
        game.open_turn()
        game.push([EffectApplied(turn=1, inject="umpire", path="states.DEU.power", value=value,
                                 reason="a test's effect")])
        return game.state.states["DEU"]

    first, second = changed(0.25), changed(0.25)
    assert first is second and first == dataclasses.replace(sc.state_by_id["DEU"], power=0.25)
    assert changed(0.5) is not first and changed(0.5) == dataclasses.replace(first, power=0.5)
    assert [math.copysign(1.0, changed(zero).power) for zero in (-0.0, 0.0)] == [-1.0, 1.0]


def test_an_option_open_beyond_the_last_turn_is_open_to_the_end() -> None:
    """The options are indexed by the turns of their window (a batch run asks every turn), up to the
    game's last turn for a window that outlasts it, and by the turn their window closes."""
    from engine.options import rules
    from tests.builders import inject, make_scenario
    sc = make_scenario("AAA BBB", injects=[
        inject("strike", "armed-attack", turn=2, actor="AAA", target="BBB", option=True, resolve=0.9, until=10**9),
        inject("talk", "statement", turn=1, actor="AAA", option=True, resolve=0.2, until=2)], turns=3)
    held, closing = rules._by_turn(sc)
    assert {t: [i.id for i in x] for t, x in held.items()} == {1: ["talk"], 2: ["strike", "talk"], 3: ["strike"]}
    assert {t: [i.id for i in x] for t, x in closing.items()} == {10**9: ["strike"], 2: ["talk"]}


@pytest.mark.parametrize(("turn", "fired", "lapsed", "may"), [
    (1, (), (), True),             # talk's window holds turn 1
    (3, (), (), True),             # strike's holds turn 3
    (3, ("strike",), (), False),   # carried out: not open again
    (2, ("strike",), ("talk",), False),
    (2, ("strike",), (), True),    # talk still may be
    (4, (), (), False),            # after the last turn: none
])
def test_an_option_may_be_open_on_a_later_turn_while_its_window_holds_it_and_it_is_neither_fired_nor_lapsed(
        turn: int, fired: tuple[str, ...], lapsed: tuple[str, ...], may: bool) -> None:
    """What a kernel run reads before coming back to its tables after an option phase (engine.kernel.resume)."""
    from engine.options import may_open
    from tests.builders import inject, make_scenario
    sc = make_scenario("AAA BBB", injects=[
        inject("strike", "armed-attack", turn=2, actor="AAA", target="BBB", option=True, resolve=0.9, until=10**9),
        inject("talk", "statement", turn=1, actor="AAA", option=True, resolve=0.2, until=2)], turns=3)
    gs = GameState(sc)
    gs.fired = list(fired)
    gs.lapsed = {i: None for i in lapsed}
    assert may_open(gs, turn) is may


def test_a_version_names_one_setting_whatever_the_scenarios_played_before_in_the_process() -> None:
    """Each scenario's setting at its start has the version of its own values, not one number shared
    by every scenario: else a change made from the start of two scenarios that differ would be
    given one version in both, and a scenario whose other history reaches the first one's values
    would hold two settings under one version (a process that plays several scenarios: a console
    hosting exercises, a test session)."""
    from tests.builders import make_scenario, relation
    apart, close = (make_scenario("AAA BBB", relations=[relation("AAA", "BBB", affinity=value)])
                    for value in (0.5, 0.9))
    power = EffectApplied(turn=1, inject="umpire", path="states.AAA.power", value=2.0, reason="")
    affinity = EffectApplied(turn=1, inject="umpire", path="relations.AAA.BBB.affinity", value=0.5, reason="")
    first = GameState.initial(apart)
    apply(first, power)                       # the first scenario, its power changed
    changed = GameState.initial(close)
    apply(changed, power)                     # the second, the same change from its own start
    both = GameState.initial(close)
    apply(both, affinity)
    apply(both, power)                        # the second, now holding the first's values
    assert (both.states, both.relations) == (first.states, first.relations)
    assert (changed.states, changed.relations) != (both.states, both.relations)
    assert changed.setting != both.setting
    assert both.setting == first.setting  # the same values, the same version
