"""The compiled kernel plays runs started from a game's prefix (the console's what-if) to the byte.

A what-if plays an exercise on from where it stands: its events re-seeded per run
(`engine.montecarlo.reseed`), the open turn closed if it ends inside one, then played to
the end by the doctrine. The kernel must give each run the summary the reference engine
gives it (`engine.montecarlo.play_run`), and so the same results' bytes, from any cut: before
the first turn, between turns, inside an open turn with some cells' answers given and others
due, after an umpire's override, after an undo, at the game's end; with and without varied
weights (a doctrine factor and an option's resolve). A prefix the kernel cannot play goes to
the reference engine with its reason, and the console's what-if plays through the kernel once
it is compiled in the process, else through the reference engine.

`CASUS_KERNEL=long` widens the checks (more runs, more cuts, more examples).
"""
from __future__ import annotations

import json
import os
import threading
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from casus import runner
from engine import kernel
from engine import montecarlo as mc
from engine.events import Event, WhatIfPlayed
from engine.game import Game
from engine.kernel import warm
from engine.model import RESPONSES, Control, Mode, Scenario
from engine.options import rules as option_rules
from engine.scenario import load
from engine.state import Status
from web import whatif

ROOT = Path(__file__).resolve().parents[1]
LONG = os.environ.get("CASUS_KERNEL") == "long"
RUNS = 120 if LONG else 40
TEACHING = "baltic-2027"


@pytest.fixture(autouse=True)
def fresh_tables() -> None:
    """Tables are memoised per plan; a test that changes a rule must not reuse another's."""
    kernel._MEMO.clear()


_SCENARIOS: dict[str, Scenario] = {}


def scenario(name: str) -> Scenario:
    """Each shipped scenario loaded once (the kernel's memo is keyed by the object)."""
    if name not in _SCENARIOS:
        _SCENARIOS[name] = load(ROOT / "scenarios" / f"{name}.yaml")
    return _SCENARIOS[name]


# --- an exercise played by cells, cut where the umpire asks for a what-if -----------------------

@dataclass(frozen=True)
class Cut:
    """Where the exercise stands when the what-if is asked."""
    turns: int                  # turns played and closed
    open: bool = False          # the next turn open
    answered: int = 0           # of its cells' answers due, those given (the rest still due)
    override: bool = False      # the umpire overrides a cell's answer of the last turn played
    undo: bool = False          # a further turn played, then undone, before the cut
    tried: bool = False         # the umpire tried to close the open turn, and it waits for cells again


def cells(scenario: Scenario) -> dict[str, Control]:
    """Two states played by cells: members of the scenario's treaties, so that they are asked."""
    members = list(dict.fromkeys(m for t in scenario.treaties for m in t.members))
    return {s: Control.PLAYER for s in members[:2]}


def _answer(game: Game, count: int | None, turn: int) -> None:
    """The cells choose their options and give `count` of their answers due (None: all of them;
    0: nothing, their options still to choose)."""
    if count == 0:
        return
    gs = game.state
    for k, (inject, state) in enumerate(option_rules.waiting(gs)):
        game.choose_option(state, inject, (k + turn) % 2 == 0)
    for k, (attack, state) in enumerate(game.state.pending()):
        if count is not None and k >= count:
            return
        game.submit(state, attack, RESPONSES[(k + turn) % len(RESPONSES)])


def _play_turn(game: Game, override: bool = False) -> None:
    game.open_turn()
    turn = game.state.turn
    first = next(iter(game.state.pending()), None)
    _answer(game, None, turn)
    if override and first is not None:
        game.override(first[1], first[0], "full", "the umpire steps in")
    for _ in range(8):
        game.close_turn()
        if game.state.status is not Status.OPEN:
            return
        _answer(game, None, turn)
    game.answer_for_missing()
    game.close_turn()


def exercise(name: str, cut: Cut, seed: int = 3) -> tuple[Scenario, tuple[Event, ...]]:
    """The scenario and the exercise's events at the cut, as the console hands them to a what-if."""
    sc = scenario(name)
    game = Game.new(sc, seed=seed, mode=Mode.EXERCISE, controls=cells(sc), stochastic=True, verbose=True)
    for t in range(cut.turns):
        if game.state.turn >= sc.turns:
            break
        _play_turn(game, override=cut.override and t == cut.turns - 1)
    if cut.undo and game.state.turn < sc.turns:
        _play_turn(game)
        game.undo()
    if cut.open and game.state.turn < sc.turns:
        game.open_turn()
        _answer(game, cut.answered, game.state.turn)
        if cut.tried:
            game.close_turn()
    return sc, tuple(e for e in game.events if not isinstance(e, WhatIfPlayed))


def plan_from(name: str, cut: Cut, *, runs: int = RUNS, seed: int = 7, vary: tuple[str, ...] = (),
              game_seed: int = 3) -> mc.Plan:
    sc, events = exercise(name, cut, game_seed)
    return mc.Plan(sc, runs, seed, vary=tuple(mc.parse_vary(v) for v in vary), prefix=tuple(events))


def check(plan: mc.Plan) -> kernel.Prepared:
    """Run by run and as whole results (json bytes), the kernel against the reference engine."""
    prepared = kernel.prepare(plan)
    assert prepared.tables is not None, prepared.reason
    reference = [mc.play_run(plan, i) for i in range(plan.runs)]
    found = kernel.summaries(plan, prepared, 0, plan.runs)
    for (summary, _), expected in zip(found, reference, strict=True):
        assert summary == expected
    tally = mc.Tally.empty(plan)
    for s in reference:
        tally.add(s)
    assert (json.dumps(kernel.run_chunk(plan, 0, plan.runs).results(plan).to_dict())
            == json.dumps(tally.results(plan).to_dict()))
    return prepared


# --- differential: several scenarios, several cuts -------------------------------------------------

AWAITING = Cut(10, open=True, answered=9, tried=True)  # of 1914: turn 11's close asks the cells again

# Cuts where the exercise's cells have answers due (a turn on which the scenario's attacks ask them;
# with this game's seed and these cells) or options to choose (the teaching scenario's first turn).
QUICK = [
    ("history/2001-article-5", Cut(3)), ("history/2001-article-5", Cut(0, open=True, answered=3)),
    ("history/2001-article-5", Cut(0, open=True)), ("history/1914-july-crisis", Cut(5, open=True)),
    ("history/2001-article-5", Cut(1, override=True)),
    ("history/1914-july-crisis", Cut(4)), ("history/1914-july-crisis", Cut(2, open=True, answered=1)),
    ("history/1914-july-crisis", Cut(6, undo=True)), ("history/1914-july-crisis", AWAITING),
    ("history/1973-yom-kippur", Cut(6, override=True)), ("history/1973-yom-kippur", Cut(5, open=True, answered=2)),
    ("indo-pacific-2028", Cut(4, undo=True)), ("indo-pacific-2028", Cut(4, open=True, answered=1)),
    (TEACHING, Cut(0)), (TEACHING, Cut(3)), (TEACHING, Cut(0, open=True)),
    (TEACHING, Cut(4, open=True, answered=3)), (TEACHING, Cut(5, override=True)),
    (TEACHING, Cut(0, open=True, answered=9, tried=True)), ("indo-pacific-2028", Cut(3, open=True, answered=9, tried=True)),
]
WIDE = QUICK + [(name, cut) for name in ("history/2001-article-5", "history/1914-july-crisis", "history/1973-yom-kippur",
                                         "indo-pacific-2028", TEACHING)
                for cut in (Cut(0), Cut(2), Cut(7, open=True, answered=1), Cut(8, undo=True, open=True),
                            Cut(9, override=True))]
BETWEEN, OPEN = Cut(3), Cut(0, open=True, answered=3)  # of 2001: its attack asks the cells on turn 1


@pytest.mark.parametrize("name, cut", WIDE if LONG else QUICK, ids=str)
def test_runs_from_a_prefix_are_the_reference_engines_to_the_byte(name: str, cut: Cut) -> None:
    check(plan_from(name, cut))


@pytest.mark.parametrize("name, cut, vary", [
    ("history/2001-article-5", BETWEEN, ("reputation=0.2:1.8",)),
    ("history/1973-yom-kippur", Cut(5, open=True, answered=2), ("cost_of_war=-1:1", "reputation=0.5:1.5")),
    (TEACHING, Cut(3), ("cable-cut.resolve=0.2:0.9", "reputation=0.5:1.5")),
    (TEACHING, Cut(4, open=True, answered=3), ("suwalki-offensive.resolve=0.1:0.9",)),
], ids=str)
def test_varied_weights_from_a_prefix_are_the_reference_engines(name: str, cut: Cut, vary: tuple[str, ...]) -> None:
    plan = plan_from(name, cut, vary=vary)
    check(plan)
    assert json.loads(json.dumps(kernel.run_chunk(plan, 0, plan.runs).results(plan).to_dict()))["sensitivity"]


def test_a_prefix_between_turns_is_played_in_the_kernel_from_its_state() -> None:
    """The tables start at the prefix's state (its reputations too); most runs never leave them."""
    plan = plan_from("history/2001-article-5", BETWEEN)
    prepared = check(plan)
    start, tables = prepared.start, prepared.tables
    assert start is not None and tables is not None
    assert int(tables.arrays["t_number"][0]) == start.state.turn + 1
    assert tables.arrays["reputation"].tolist() == [start.state.reputation[s] for s in tables.states]
    left = sum(gone for _, gone in kernel.summaries(plan, prepared, 0, plan.runs))
    assert left < plan.runs // 4


def test_a_prefix_inside_an_open_turn_closes_it_on_the_reference_engine_and_comes_back() -> None:
    """The cells' answers stand, the others are drawn per run; the turns after come back to the kernel."""
    plan = plan_from("history/2001-article-5", OPEN, runs=60)
    prepared = check(plan)
    tables, start = prepared.tables, prepared.start
    assert tables is not None and start is not None
    assert tables.stop is start.state and tables.arrays["t_number"].shape[0] == 0
    assert any(d.source.value == "player" for d in start.state.turn_decisions.values())
    assert [t for t in tables.after.values() if not isinstance(t, str)], "no run came back to the kernel"


def test_a_turn_whose_close_waits_for_cells_again_is_closed_on_the_reference_engine() -> None:
    plan = plan_from("history/1914-july-crisis", AWAITING)
    prepared = check(plan)
    assert prepared.start is not None and prepared.start.state.awaiting
    assert prepared.tables is not None and prepared.tables.stop is prepared.start.state


def test_an_open_turn_nobody_has_acted_on_is_closed_by_the_kernel() -> None:
    """The attack has asked the cells, who have not answered: the skeleton's close is every run's."""
    plan = plan_from("history/2001-article-5", Cut(0, open=True), runs=60)
    prepared = check(plan)
    tables, start = prepared.tables, prepared.start
    assert tables is not None and start is not None
    assert start.state.status is Status.OPEN and start.state.requests and not start.state.turn_decisions
    assert int(tables.arrays["t_number"][0]) == start.state.turn
    assert sum(gone for _, gone in kernel.summaries(plan, prepared, 0, plan.runs)) < plan.runs // 4


@pytest.mark.parametrize("name", ["history/2001-article-5", TEACHING])
def test_a_prefix_at_the_games_end_gives_its_own_summary_to_every_run(name: str) -> None:
    sc = scenario(name)
    plan = plan_from(name, Cut(sc.turns), runs=5)
    assert plan.prefix and check(plan).start is not None
    summaries = [s for s, _ in kernel.summaries(plan, kernel.prepare(plan), 0, plan.runs)]
    assert len({s.decisions for s in summaries}) == 1


def test_a_prefix_whose_open_turn_is_the_last_is_closed_and_ends() -> None:
    sc = scenario("history/2001-article-5")
    check(plan_from("history/2001-article-5", Cut(sc.turns - 1, open=True, answered=1)))


def test_the_prefix_is_folded_once_per_plan_and_its_chunks_share_it() -> None:
    plan = plan_from("history/2001-article-5", BETWEEN)
    assert kernel.prepare(plan) is kernel.prepare(plan)
    other = mc.Plan(plan.scenario, plan.runs, plan.seed, prefix=tuple(plan.prefix[:-1]))
    assert kernel.prepare(other) is not kernel.prepare(plan)


# --- a property over the cut of seeded games ------------------------------------------------------

@settings(max_examples=12 if LONG else 4, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow])
@given(name=st.sampled_from(["history/2001-article-5", "history/1914-july-crisis", "history/1983-grenada"]),
       game_seed=st.integers(0, 10_000), turns=st.integers(0, 12), open_=st.booleans(), answered=st.integers(0, 2))
def test_any_cut_of_a_seeded_game_gives_the_reference_engines_runs(
        name: str, game_seed: int, turns: int, open_: bool, answered: int) -> None:
    kernel._MEMO.clear()
    check(plan_from(name, Cut(turns, open=open_, answered=answered), runs=12, game_seed=game_seed,
                    seed=game_seed + 1))


# --- the fallback, and the choice of engine ------------------------------------------------------------

def test_a_prefix_is_within_the_scope() -> None:
    plan = plan_from("history/2001-article-5", BETWEEN, runs=5)
    assert kernel.kernel_scope(plan.scenario, plan) is None
    engine = runner.choose_engine(plan)
    assert engine.name == "kernel"


def test_a_prefix_the_kernel_cannot_play_goes_to_the_reference_engine_with_its_reason(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from engine.doctrine import factors
    plan = plan_from("history/1914-july-crisis", BETWEEN, runs=5)
    monkeypatch.setattr(factors, "_centred", lambda share: share)  # the kernel cannot put the reputation in
    reason = "the doctrine reads the reputation otherwise than the kernel puts it in"
    assert kernel.prepare(plan).reason == reason
    engine = runner.choose_engine(plan)
    assert (engine.name, engine.reason) == ("reference", reason)
    assert runner.run(plan, engine=engine).done == plan.runs


def test_the_console_plays_on_through_the_kernel_once_it_is_compiled(monkeypatch: pytest.MonkeyPatch) -> None:
    sc, events = exercise("history/2001-article-5", OPEN)
    request = whatif.WhatIfRequest(runs=50, seed=4, vary=mc.parse_vary("reputation=0.5:1.5"))
    expected = mc.simulate(sc, 50, 4, vary=[request.vary], events_prefix=events)
    warm.ensure_loaded()
    used: list[str] = []
    chosen = warm.chunk_player

    def spy(plan: mc.Plan, grace: float | None = None) -> warm.ChunkPlayer:
        found = chosen(plan, grace)
        used.append(found.engine)
        return found

    monkeypatch.setattr(warm, "chunk_player", spy)
    results = whatif.play_on(sc, request, events)
    assert used == ["kernel"]
    assert json.dumps(results.data) == json.dumps(expected.data)


def test_the_console_plays_on_the_reference_engine_while_the_kernel_compiles(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The first compile (some 15 s with a cold cache) must not eat a request's budget."""
    sc, events = exercise("history/2001-article-5", BETWEEN)
    started = threading.Event()
    monkeypatch.setattr(warm, "_LOADED", threading.Event())
    monkeypatch.setattr(warm, "_STARTED", [False])
    monkeypatch.setattr(warm, "_load", started.set)
    monkeypatch.setattr(warm, "GRACE_SECONDS", 0.0)
    plan = mc.Plan(sc, 10, 2, prefix=tuple(events))
    player = warm.chunk_player(plan)
    assert player.engine == "reference" and "compiled" in player.reason
    assert started.wait(5), "no compile was started in the background"
    expected = mc.simulate(sc, 10, 2, events_prefix=events)
    assert json.dumps(whatif.play_on(sc, whatif.WhatIfRequest(10, 2), events).data) == json.dumps(expected.data)
