"""A batch run played by the run loop (engine.kernel.run_loop) is the reference engine's run.

The run loop holds a run as arrays and plain values, not as a game's state and events, and asks
the reference engine's own functions and the compiled loops for every rule. Its summary of each
run is the reference engine's (`engine.montecarlo.play_run`), field for field: the answers that
stand, honour, cohesion, the wars, the injects fired and when, a script's entries; over the
shipped scenarios, varied weights and resolves, and random crises from the builders. A run the
loop cannot play (a conditional obligation in a cascade) is said, and played by the kernel's
other path with the same results.
"""
from __future__ import annotations

import json
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

from engine import kernel
from engine import montecarlo as mc
from engine.game import Game
from engine.model import Scenario
from engine.scenario import load

pytest.importorskip("numba")

from engine.kernel import open_loop, opening, run_arrays, run_loop, run_plan, turn_loop, war  # noqa: E402
from engine.kernel.scope import OutOfScope, loop_scope  # noqa: E402
from engine.kernel.setting import Transitions  # noqa: E402
from tests.test_kernel import LONG, fresh_tables, scenarios  # noqa: E402,F401  (a fixture)
from tests.test_kernel_options import crises  # noqa: E402
from tests.test_kernel_war import cascades  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = sorted(p.relative_to(ROOT / "scenarios").with_suffix("").as_posix()
                 for p in (ROOT / "scenarios").rglob("*.yaml"))
# Every run of the suite: both teaching scenarios (options of every kind, ceasefires), a war from
# the first turn with a script (1914), a council's vote (Grenada), two attacks on one state (1911).
QUICK = ("baltic-2027", "indo-pacific-2028", "history/1914-july-crisis", "history/1983-grenada",
         "history/1911-italo-turkish")


def compare(plan: mc.Plan) -> tuple[int, int]:
    """Each run's summary, the run loop's against the reference engine's: (runs played by the loop,
    runs it declined). Fails at the first difference, naming the run and the field."""
    loop = run_loop.RunLoop(plan)
    played = declined = 0
    for index in range(plan.runs):
        expected = mc.play_run(plan, index)
        try:
            found = run_loop.play(plan, loop, index)
        except OutOfScope:
            declined += 1
            continue
        for field in expected.__dataclass_fields__:
            assert getattr(found, field) == getattr(expected, field), f"run {index}: {field}"
        played += 1
    return played, declined


# What the run loop declines yet, by scenario: its cascades meet a conditional obligation.
NOT_YET = ("history/1940-italy-greece",)


@pytest.mark.parametrize("name", SHIPPED if LONG else QUICK)
def test_each_run_of_a_shipped_scenario_is_the_reference_engines(name: str) -> None:
    plan = mc.Plan(load(ROOT / "scenarios" / f"{name}.yaml"), 60 if LONG else 25, seed=3)
    played, declined = compare(plan)
    assert played + declined == plan.runs
    assert (declined > 0) if name in NOT_YET else (declined == 0)


@pytest.mark.parametrize("name, vary", [
    ("baltic-2027", (mc.Vary("narva-incursion.resolve", 0.2, 0.9), mc.Vary("reputation", 0.5, 1.5))),
    ("indo-pacific-2028", (mc.Vary("senkaku-landing.resolve", 0.1, 0.9), mc.Vary("cost_of_war", -1.0, 1.0))),
])
def test_varied_weights_and_resolves_are_each_runs_own(name: str, vary: tuple[mc.Vary, ...]) -> None:
    plan = mc.Plan(load(ROOT / "scenarios" / f"{name}.yaml"), 30, seed=11, vary=vary)
    assert compare(plan) == (plan.runs, 0)


@settings(max_examples=40 if LONG else 12, deadline=None, suppress_health_check=list(HealthCheck))
@given(crises())
def test_random_crises_with_an_option_of_every_kind(sc: Scenario) -> None:
    played, declined = compare(mc.Plan(sc, 12, seed=2))
    assert played + declined == 12


@settings(max_examples=30 if LONG else 10, deadline=None, suppress_health_check=list(HealthCheck))
@given(cascades())
def test_random_cascades_of_alliances(sc: Scenario) -> None:
    played, declined = compare(mc.Plan(sc, 10, seed=4))
    assert played + declined == 10


@settings(max_examples=30 if LONG else 10, deadline=None, suppress_health_check=list(HealthCheck))
@given(scenarios())
def test_random_scenarios_within_the_kernels_scope(sc: Scenario) -> None:
    played, declined = compare(mc.Plan(sc, 10, seed=6))
    assert played + declined == 10


def test_a_conditional_obligation_is_declined_and_the_results_are_the_same() -> None:
    """1940's cascade meets a conditional obligation, which the loops do not play yet: the loop says so,
    and the kernel's other path plays those runs, with the same results to the byte."""
    plan = mc.Plan(load(ROOT / "scenarios" / "history" / "1940-italy-greece.yaml"), 20, seed=1)
    loop = run_loop.RunLoop(plan)
    with pytest.raises(OutOfScope, match="conditional obligation"):
        run_loop.play(plan, loop, 0)
    compiled = kernel.run_chunk(plan, 0, plan.runs)
    reference = mc.run_chunk(plan, 0, plan.runs)
    assert json.dumps(compiled.results(plan).to_dict()) == json.dumps(reference.results(plan).to_dict())
    assert compiled.replayed == plan.runs


def test_runs_from_a_prefix_are_left_to_the_prefix_path() -> None:
    sc = load(ROOT / "scenarios" / "baltic-2027.yaml")
    game = Game.new(sc, seed=0, stochastic=True, verbose=False)
    game.play(turns=2)
    assert loop_scope(mc.Plan(sc, 4, seed=1)) is None
    plan = mc.Plan(sc, 4, seed=1, prefix=tuple(game.events))
    assert loop_scope(plan) == "a run from a game's prefix"
    assert kernel.prepare(plan).loop is None


def test_a_version_no_longer_kept_is_reached_again_with_the_same_results(monkeypatch: pytest.MonkeyPatch) -> None:
    """The states kept per version of the setting start afresh past their bound (memory flat in the
    number of runs), and a worker's threads share them: a run whose version is no longer kept
    reaches it again by its injects. Here every state kept is dropped after each turn."""
    close = run_loop.RunState.close
    reached: list[int] = []
    reach = Transitions.reach

    def forgetting(self: run_loop.RunState) -> None:
        close(self)
        transitions = self.loop.transitions
        transitions.states, transitions.found = {transitions.start.setting: transitions.start}, {}

    def noted(self: Transitions, fired: list[object]) -> int:
        reached.append(len(fired))
        return reach(self, fired)  # type: ignore[arg-type]

    monkeypatch.setattr(run_loop.RunState, "close", forgetting)
    monkeypatch.setattr(Transitions, "reach", noted)
    plan = mc.Plan(load(ROOT / "scenarios" / "indo-pacific-2028.yaml"), 15, seed=5)
    assert compare(plan) == (plan.runs, 0)
    assert reached  # runs reached their versions again


@pytest.mark.parametrize("owner, bound, kept", [
    (Transitions, "KEPT", lambda loop: len(loop.transitions.states)),  # the states kept per version
    (opening, "TABLES_KEPT", lambda loop: len(loop.openings.first)),  # the options' tables, mid-run
])
def test_what_the_plan_keeps_starts_afresh_past_its_bound(owner: object, bound: str,
                                                          kept: Callable[[run_loop.RunLoop], int],
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(owner, bound, 3)
    plan = mc.Plan(load(ROOT / "scenarios" / "indo-pacific-2028.yaml"), 15, seed=5)
    assert compare(plan) == (plan.runs, 0)
    loop = run_loop.RunLoop(plan)
    for index in range(plan.runs):
        run_loop.play(plan, loop, index)
        assert kept(loop) <= 3


def test_answers_keep_their_numbers_when_the_cascade_tables_start_afresh(monkeypatch: pytest.MonkeyPatch) -> None:
    """Past their bound the cascade tables start afresh, rows numbered anew, in the middle of runs; the
    answers a run holds are numbered by the plan, not by the rows, so they stand as they were."""
    monkeypatch.setattr(run_loop, "ROWS_KEPT", 60)
    monkeypatch.setattr(turn_loop, "ROWS_KEPT", 60)
    emptied = []
    empty = war.CascadeTables._empty

    def counted(self: war.CascadeTables) -> None:
        emptied.append(1)
        empty(self)

    monkeypatch.setattr(war.CascadeTables, "_empty", counted)
    plan = mc.Plan(load(ROOT / "scenarios" / "baltic-2027.yaml"), 12, seed=8)
    assert compare(plan) == (plan.runs, 0)
    assert len(emptied) > plan.runs  # (more than once a run, so in the middle of runs)


def test_a_run_begun_under_other_numbers_is_played_again(monkeypatch: pytest.MonkeyPatch) -> None:
    """Past their bound the plan numbers its answers afresh as a run begins (memory flat however many
    runs); a run another thread was playing then holds the old numbers, and is played again from its
    start, with the reference engine's summary. Here a run begins in another thread on turn 3."""
    monkeypatch.setattr(run_plan, "GIVEN_KEPT", 40)
    close = run_loop.RunState.close
    begun: list[int] = []

    def another_begins(self: run_loop.RunState) -> None:
        close(self)
        if self.turn == 3 and len(begun) < 5:
            with self.loop.cascade.lock:
                begun.append(self.loop.numbers())

    monkeypatch.setattr(run_loop.RunState, "close", another_begins)
    plan = mc.Plan(load(ROOT / "scenarios" / "baltic-2027.yaml"), 8, seed=2)
    assert compare(plan) == (plan.runs, 0)
    assert begun == [1, 2, 3, 4, 5]  # (numbered afresh each time: each run played again)
    loop = run_loop.RunLoop(plan)
    for index in range(plan.runs):
        run_loop.play(plan, loop, index)
        assert len(loop.given) < 40 + 300  # (the bound, and one run's answers past it; unbounded: 756)
    assert loop.numbering > 0


def test_a_chunk_counting_answers_by_number_across_numberings_tallies_the_reference_engines(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A chunk counts its runs' answers, commitments and injects fired by number and names them at its end
    (engine.kernel.counted); the plan numbering afresh every 40 answers, in the middle of the chunk,
    each count is named by the numbers it was made under: the results are the reference engine's."""
    monkeypatch.setattr(run_plan, "GIVEN_KEPT", 40)
    plan = mc.Plan(load(ROOT / "scenarios" / "baltic-2027.yaml"), 10, seed=6)
    reference = mc.run_chunk(plan, 0, plan.runs).results(plan).to_dict()
    compiled = kernel.run_chunk(plan, 0, plan.runs)
    assert json.dumps(compiled.results(plan).to_dict()) == json.dumps(reference)
    loop = kernel.prepare(plan).loop
    assert loop is not None and loop.numbering >= 3  # (numbered afresh within the chunk)


def test_runs_played_in_threads_sharing_the_plan_are_the_reference_engines(monkeypatch: pytest.MonkeyPatch) -> None:
    """A worker's threads share its plan's tables and numbers (a Dask worker of several threads; the
    compiled loops release the GIL). Runs played four at a time, the plan numbering afresh every 300
    answers (some two runs' worth) so that it may do so under runs in flight, have the reference
    engine's summaries."""
    monkeypatch.setattr(run_plan, "GIVEN_KEPT", 300)
    plan = mc.Plan(load(ROOT / "scenarios" / "baltic-2027.yaml"), 24, seed=13)
    loop = run_loop.RunLoop(plan)
    with ThreadPoolExecutor(4) as pool:
        found = list(pool.map(lambda index: run_loop.play(plan, loop, index), range(plan.runs)))
    assert found == [mc.play_run(plan, index) for index in range(plan.runs)]
    assert loop.numbering >= 2


@pytest.mark.usefixtures("fresh_tables")
def test_the_run_loop_is_compiled_where_the_kernels_compile_is_reported() -> None:
    """`prepare` (whose time `casus run` reports as the kernel's compile) compiles the run loop's parts
    too, by playing the plan's first run: a cold compile is no silent pause in each worker after it."""
    plan = mc.Plan(load(ROOT / "scenarios" / "baltic-2027.yaml"), 5, seed=0)
    prepared = kernel.prepare(plan)
    assert prepared.loop is not None
    assert prepared.loop.given, "no run played by the run loop in prepare"


# --- the turn's opening, compiled (engine.kernel.open_loop) --------------------------------------------

def test_the_opening_stops_for_what_the_plan_has_not_met_and_not_once_it_has(monkeypatch: pytest.MonkeyPatch) -> None:
    """The compiled turn loop stops where the plan has not met a transition of the setting or an option's
    table, has it read by the reference engine, and goes on; a run played again meets them all, and what
    its closes read is kept: it is played in one call, its ceasefires and closes made in the loop."""
    stops: list[int] = []
    turns = turn_loop.play_turns

    def counted(*args: object) -> tuple[int, int]:
        status, detail = turns(*args)
        stops.append(status)
        return status, detail

    monkeypatch.setattr(turn_loop, "play_turns", counted)
    plan = mc.Plan(load(ROOT / "scenarios" / "baltic-2027.yaml"), 6, seed=9)
    loop = run_loop.RunLoop(plan)
    first = run_loop.play(plan, loop, 0)
    assert {open_loop.NO_TRANSITION, open_loop.NO_TABLE, open_loop.OPENED} <= set(stops)
    assert {i.id for i in plan.scenario.injects if i.kind.traits.ends_war} & {x for x, _ in first.injects}
    stops.clear()
    assert run_loop.play(plan, loop, 0) == first == mc.play_run(plan, 0)
    assert stops == [open_loop.PLAYED]


def test_the_openings_go_on_through_the_turns_that_made_no_attack(monkeypatch: pytest.MonkeyPatch) -> None:
    """The compiled turn loop returns a turn opened for a close only at a turn that made attacks (a turn
    that made none has an empty cascade), opens the next turn in the same call, and says when the last
    turn is opened: the runs are the reference engine's, with fewer closes made in Python than turns."""
    returned: list[tuple[int, int]] = []
    turns = turn_loop.play_turns

    def counted(*args: Any) -> tuple[int, int]:
        status, detail = turns(*args)
        opening = args[1]
        made = int(run_arrays.counters(opening[2], opening[5])[open_loop.NEW])
        returned.append((status, made))
        return status, detail

    monkeypatch.setattr(turn_loop, "play_turns", counted)
    plan = mc.Plan(load(ROOT / "scenarios" / "baltic-2027.yaml"), 6, seed=21)
    loop = run_loop.RunLoop(plan)
    assert [run_loop.play(plan, loop, k) for k in range(plan.runs)] == [mc.play_run(plan, k) for k in range(plan.runs)]
    closes = [made for status, made in returned if status == open_loop.OPENED]
    assert closes and all(made > 0 for made in closes)
    assert sum(status == open_loop.PLAYED for status, _ in returned) == plan.runs
    assert len(closes) < plan.runs * plan.scenario.turns


def test_versions_past_their_bound_are_numbered_afresh_with_the_plan(monkeypatch: pytest.MonkeyPatch) -> None:
    """The versions of the setting a plan numbers are bounded too: past the bound the plan numbers afresh
    as a run begins (a run in flight is played again)."""
    monkeypatch.setattr(opening, "VERSIONS_KEPT", 4)
    plan = mc.Plan(load(ROOT / "scenarios" / "baltic-2027.yaml"), 10, seed=4)
    assert compare(plan) == (plan.runs, 0)
    loop = run_loop.RunLoop(plan)
    for index in range(plan.runs):
        run_loop.play(plan, loop, index)
    assert loop.numbering > 0
    assert len(loop.openings.versions) < 4 + 40  # (the bound, and one run's versions past it)


def test_an_option_whose_kind_has_no_compiled_chance_is_read_by_the_engine(monkeypatch: pytest.MonkeyPatch) -> None:
    """A kind the doctrine reads through its case has no compiled chance: the opening hands it back, the
    reference engine's own reading gives it, and the draw is the same. Here every kind is so read."""
    monkeypatch.setattr(opening, "KIND_CODES", {})
    plan = mc.Plan(load(ROOT / "scenarios" / "baltic-2027.yaml"), 8, seed=12)
    loop = run_loop.RunLoop(plan)
    assert set(loop.openings.kind.tolist()) == {open_loop.READ_IN_PYTHON}
    assert compare(plan) == (plan.runs, 0)
