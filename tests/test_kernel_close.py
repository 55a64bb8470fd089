"""A batch run's close of a turn with its cascade and its councils' votes in the compiled loops
(engine.kernel.close).

For every turn of seeded batch runs, the close whose cascade, votes and commitments the loops
play makes the reference engine's events, event for event, and so the same state: the answers
drawn, the rounds' attacks and wars, the councils' verdicts, honour and reputations, cohesion.
A turn the loop does not play is the reference engine's whole, with the same events. With a
ledger (a kernel run's close), the same state and the same events but the answers', the
commitments' and the reputations', which the ledger and the answers noted say instead. The loops
really play the turns they can: the reference engine's decider is never asked on them, nor its
own reading of the rounds' commitments.
"""
from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine import montecarlo as mc
from engine import resolve as resolve_rules
from engine.decide import Decider
from engine.events import Breach, DecisionTaken, Honoured, ReputationChanged
from engine.game import Game
from engine.kernel import close as kernel_close
from engine.kernel import war
from engine.kernel.scope import OutOfScope
from engine.model import Decision, Scenario
from engine.play import Context, Step
from engine.resolve import Settled
from engine.scenario import load
from engine.state import GameState, Status
from engine.turn import close_turn, open_turn
from tests.test_kernel import scenarios
from tests.test_kernel_war import QUICK, SHIPPED, cascades

ROOT = Path(__file__).resolve().parents[1]


def compare_closes(scenario: Scenario, runs: int, seed: int = 0) -> tuple[int, int]:
    """Every close of `runs` batch runs, the loop's against the reference engine's: (closes with
    attacks whose cascade the loop played, closes with attacks in all). Fails at the first
    difference, naming the run, the turn and the event."""
    doctrine = mc._PLAYERS.doctrine(scenario, {})
    ctx = Context(doctrine, stochastic=True, verbose=False)
    played = attacked = 0
    for index in range(runs):
        gs = Game.new(scenario, seed=mc.run_seed(seed, index), stochastic=True, verbose=False,
                      doctrine=doctrine).state
        while gs.turn < scenario.turns and gs.status is not Status.FINISHED:
            gs = open_turn(gs, ctx).state
            expected = close_turn(gs, ctx)
            found = kernel_close.close(gs, ctx)
            for i, (a, b) in enumerate(zip(expected.events, found.events, strict=False)):
                assert a == b, f"run {index}, turn {gs.turn}, event {i}: {a!r} against {b!r}"
            assert len(expected.events) == len(found.events), f"run {index}, turn {gs.turn}"
            assert found.state.reputation == expected.state.reputation
            assert found.state.decisions == expected.state.decisions
            assert found.state.wars == expected.state.wars
            settles_like(gs, ctx, expected, f"run {index}, turn {gs.turn}")
            if gs.turn_attacks:
                attacked += 1
                try:
                    war.check(gs, ctx)
                except OutOfScope:
                    pass
                else:
                    played += 1
            gs = expected.state
    return played, attacked


_SETTLED = (Honoured, Breach, ReputationChanged)  # what a close with a ledger makes no event of
_LEFT_OUT = (*_SETTLED, DecisionTaken)             # ... and with its answers noted


def settles_like(gs: GameState, ctx: Context, expected: Step, where: str) -> None:
    """The close with a ledger and answers noted (a kernel run's, which keeps no log) against the
    reference engine's: the same state, the same events but the answers', the commitments' and the
    reputations', and the ledger and the answers say what those events say, in their order. A turn
    the loop does not play keeps them all."""
    ledger: list[Settled] = []
    answers: list[Decision] = []
    found = kernel_close.close(gs, ctx, ledger=ledger, answers=answers)
    assert found.state == expected.state, where
    said = [(e.attack, e.state, e.type, isinstance(e, Honoured)) for e in expected.events
            if isinstance(e, (Honoured, Breach))]
    given = [e.decision for e in expected.events if isinstance(e, DecisionTaken)]
    if ledger or answers:
        assert found.events == tuple(e for e in expected.events if not isinstance(e, _LEFT_OUT)), where
        assert ledger == said, where
        assert answers == given, where
    else:
        assert found.events == expected.events, where


@pytest.mark.parametrize("name", [pytest.param(n, marks=() if n in QUICK else pytest.mark.slow) for n in SHIPPED])
def test_the_loops_close_makes_the_reference_engines_events(name: str) -> None:
    played, attacked = compare_closes(load(ROOT / "scenarios" / f"{name}.yaml"), 8 if name in QUICK else 4)
    assert played or not attacked


def test_the_teaching_scenarios_turns_of_war_are_closed_by_the_loop(monkeypatch: pytest.MonkeyPatch) -> None:
    """Whenever the loops play a turn, the reference engine's decider is never asked, nor does its
    resolution read the rounds' commitments itself; given a ledger and a list for the answers, it
    settles the commitments and gives the answers without events."""
    scenario = load(ROOT / "scenarios" / "baltic-2027.yaml")
    doctrine = mc._PLAYERS.doctrine(scenario, {})
    ctx = Context(doctrine, stochastic=True, verbose=False)
    asked: list[str] = []
    reference = Decider.__call__

    def counted(self: Decider, *args: object) -> object:
        asked.append(self.gs.scenario.id)
        return reference(self, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(Decider, "__call__", counted)
    read = resolve_rules._invocations_and_honour

    def reading(*args: object) -> object:
        asked.append("commitments")
        return read(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(resolve_rules, "_invocations_and_honour", reading)
    wars = settled = given = 0
    for index in range(12):
        gs = Game.new(scenario, seed=mc.run_seed(5, index), stochastic=True, verbose=False, doctrine=doctrine).state
        while gs.turn < scenario.turns and gs.status is not Status.FINISHED:
            gs = open_turn(gs, ctx).state
            before = len(gs.wars)
            ledger: list[Settled] = []
            answers: list[Decision] = []
            step = kernel_close.close(gs, ctx, own=True, ledger=ledger, answers=answers)
            assert not any(isinstance(e, _LEFT_OUT) for e in step.events)
            gs = step.state
            wars += len(gs.wars) > before
            settled += len(ledger)
            given += len(answers)
    assert wars >= 8 and settled >= 8 * 10 and given >= 8 * 10 and not asked


def test_a_turn_the_loop_declines_is_the_reference_engines_whole() -> None:
    """Italy and Greece, 1940: a cascade meeting a conditional obligation (engine.kernel.war's scope)."""
    scenario = load(ROOT / "scenarios" / "history" / "1940-italy-greece.yaml")
    doctrine = mc._PLAYERS.doctrine(scenario, {})
    ctx = Context(doctrine, stochastic=True, verbose=False)
    declined = 0
    for index in range(3):
        gs = Game.new(scenario, seed=mc.run_seed(0, index), stochastic=True, verbose=False, doctrine=doctrine).state
        while gs.turn < scenario.turns and gs.status is not Status.FINISHED:
            gs = open_turn(gs, ctx).state
            tables = kernel_close.tables_of(gs)
            before = len(tables.declined)
            expected = close_turn(gs, ctx)
            assert kernel_close.close(gs, ctx).events == expected.events
            declined += len(tables.declined) > before
            gs = expected.state
    assert declined


def test_an_explained_game_is_closed_by_the_reference_engine() -> None:
    scenario = load(ROOT / "scenarios" / "baltic-2027.yaml")
    game = Game.new(scenario, seed=1)
    game.open_turn()
    ctx = game.ctx
    with pytest.raises(OutOfScope):
        war.check(game.state, ctx)
    assert kernel_close.close(game.state, ctx).events == close_turn(game.state, ctx).events


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios(), st.integers(0, 2**31))
def test_random_scenarios_closes_are_the_reference_engines(scenario: Scenario, seed: int) -> None:
    compare_closes(scenario, 6, seed)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cascades(), st.integers(0, 2**31))
def test_cascading_scenarios_closes_are_the_reference_engines(scenario: Scenario, seed: int) -> None:
    compare_closes(scenario, 6, seed)


def test_the_tables_start_afresh_at_their_bound_and_the_closes_are_the_same(monkeypatch: pytest.MonkeyPatch) -> None:
    """A worker's memory stays flat: past `ROWS_KEPT` rows (or tables) the cascade's tables start
    afresh, and the closes made on the tables built again are the reference engine's still."""
    monkeypatch.setattr(war, "ROWS_KEPT", 40)
    scenario = load(ROOT / "scenarios" / "baltic-2027.yaml")
    sizes: list[int] = []
    doctrine = mc._PLAYERS.doctrine(scenario, {})
    ctx = Context(doctrine, stochastic=True, verbose=False)
    for index in range(6):
        gs = Game.new(scenario, seed=mc.run_seed(9, index), stochastic=True, verbose=False, doctrine=doctrine).state
        while gs.turn < scenario.turns and gs.status is not Status.FINISHED:
            gs = open_turn(gs, ctx).state
            expected = close_turn(gs, ctx)
            assert kernel_close.close(gs, ctx).events == expected.events
            tables = kernel_close.tables_of(gs)
            sizes.append(len(tables.situations))
            gs = expected.state
    # a turn's cascade may add its rows past the bound; the next turn starts afresh
    assert any(later < earlier for earlier, later in zip(sizes, sizes[1:], strict=False))
    assert max(sizes) < 40 + 800


def test_a_rule_of_the_resolution_changed_behind_the_loops_back_fails_the_check(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The reference engine's reading of a round's commitments changed (the first of each treaty's
    left out), the loop's not: the closes differ, and the check says so."""
    original = resolve_rules._tested

    def forgetful(gs: object, triggers: list[object], *rest: object) -> object:
        return original(gs, triggers[1:], *rest)  # type: ignore[arg-type]

    monkeypatch.setattr(resolve_rules, "_tested", forgetful)
    with pytest.raises(AssertionError, match="run"):
        compare_closes(load(ROOT / "scenarios" / "baltic-2027.yaml"), 4)


def test_threads_sharing_a_scenario_close_their_turns_apart(monkeypatch: pytest.MonkeyPatch) -> None:
    """A process's threads (a Dask worker's, say) share a scenario's tables: each close plays its
    cascade on them in turn, and every run is the reference engine's, however the threads interleave."""
    import sys
    import threading

    from engine import kernel
    monkeypatch.setattr(sys, "getswitchinterval", sys.getswitchinterval)
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # switch threads as often as the interpreter can
    plan = mc.Plan(load(ROOT / "scenarios" / "baltic-2027.yaml"), 48, seed=11)
    prepared = kernel.prepare(plan)
    found: dict[int, object] = {}
    failed: list[BaseException] = []

    def play(first: int) -> None:
        try:
            for summary, _ in kernel.summaries(plan, prepared, first, first + 12):
                found[summary.index] = summary
        except BaseException as exc:  # (reported below: a thread's exception is otherwise lost)
            failed.append(exc)

    try:
        threads = [threading.Thread(target=play, args=(first,)) for first in range(0, 48, 12)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        sys.setswitchinterval(interval)
    assert not failed, failed
    assert [found[i] for i in range(48)] == [mc.play_run(plan, i) for i in range(48)]
