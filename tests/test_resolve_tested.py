"""The indicators' cohesion reads every commitment tested in the turn, as the rule states it.

Resolution accounts each treaty's commitments toward each attack in turn (votes, honour,
reputation) and notes, as it goes, each commitment tested with an answer given this turn, for
the indicators. These tests hold that reading to the rule read afresh from the turn's cascade
once the turn is over: per treaty, every obligation that bound in any round of the cascade, not
a non-aggression pact, whose ally answered on this turn, in the order of the rounds' triggers:
the ally's power and whether its answer honoured the obligation. Batch and explained games of
several scenarios, and a game whose cell is answered for by the umpire (overrides) and undone.
"""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine import turn as turn_phase
from engine.attack import toward
from engine.events import Event, IndicatorsMeasured
from engine.game import Game
from engine.model import Control, ObligationType, Scenario
from engine.network import CascadeResult
from engine.numeric import cohesion
from engine.resolve import _HONOURS
from engine.scenario import load
from engine.state import GameState, Status
from tests.umpired import Umpired

ROOT = Path(__file__).resolve().parents[1]
TEACHING = ROOT / "scenarios" / "baltic-2027.yaml"
# The teaching scenario, and crises with councils that vote, pacts broken and cascades of wars.
SCENARIOS = [TEACHING, *sorted((ROOT / "scenarios" / "history").glob("*.yaml"))[::5]]

Cases = dict[str, list[tuple[float, bool]]]


def commitments_tested(gs: GameState, result: CascadeResult) -> Cases:
    """The rule: each commitment tested this turn, per treaty, read from the finished turn."""
    cases: Cases = {}
    for rnd in result.rounds:
        for t in rnd.triggers:
            d = gs.decisions.get((t.attack, t.ally))
            if t.triggered and d is not None and d.turn == gs.turn and t.type is not ObligationType.NONAGGRESSION:
                kept = _HONOURS[t.type, toward(d.response, d.side, gs.attacks[t.attack], t.partner)]
                cases.setdefault(t.treaty, []).append((result.world.states[t.ally].power, kept))
    return cases


class Cascades:
    """Each turn's cascade, as resolution is handed it."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.last: CascadeResult | None = None
        resolve = turn_phase.resolve

        def watched(play: Any, result: CascadeResult, max_rounds: int, accounts: Any = None) -> Iterator[Event]:
            self.last = result
            return resolve(play, result, max_rounds, accounts)
        monkeypatch.setattr(turn_phase, "resolve", watched)

    def check(self, game: Game, closed: list[Event]) -> int:
        """The turn's indicators against the rule; how many treaties were tested."""
        if not any(isinstance(e, IndicatorsMeasured) for e in closed):
            return 0
        assert self.last is not None
        cases = commitments_tested(game.state, self.last)
        measured = {e.treaty: e for e in closed if isinstance(e, IndicatorsMeasured)}
        for treaty, found in cases.items():
            if treaty not in measured:
                continue  # a treaty no longer in force is not measured
            e = measured[treaty]
            assert e.triggered == len(found)
            assert e.cohesion == round(cohesion([p for p, _ in found], [k for _, k in found]), 4)
        for treaty, e in measured.items():
            if treaty not in cases:
                assert e.triggered == 0 and e.cohesion is None
        return len(cases)


def play_checked(scenario: Scenario, seed: int, verbose: bool, cascades: Cascades) -> int:
    game = Game.new(scenario, seed=seed, stochastic=True, verbose=verbose)
    tested = 0
    while game.state.status is not Status.FINISHED and game.state.turn < scenario.turns:
        game.open_turn()
        tested += cascades.check(game, game.close_turn())
    return tested


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
@pytest.mark.parametrize("verbose", [False, True], ids=["batch", "explained"])
def test_the_indicators_read_every_commitment_tested_in_the_turn(
        path: Path, verbose: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    scenario, cascades = load(path), Cascades(monkeypatch)
    tested = sum(play_checked(scenario, seed, verbose, cascades) for seed in range(3))
    assert tested > 0 or path != TEACHING  # (some crises test no commitment in three games)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(min_value=0, max_value=2**32 - 1))
def test_any_seeded_batch_game_of_the_teaching_scenario_measures_by_the_rule(
        seed: int, monkeypatch: pytest.MonkeyPatch) -> None:
    assert play_checked(load(TEACHING), seed, False, Cascades(monkeypatch)) > 0


def test_answers_the_umpire_gave_are_measured_by_the_rule_and_after_an_undo(
        monkeypatch: pytest.MonkeyPatch) -> None:
    scenario, cascades = load(TEACHING), Cascades(monkeypatch)
    umpired = Umpired(scenario)
    game, cell = umpired.game, umpired.cell
    tested = sum(cascades.check(game, closed) for closed in umpired.turns())
    assert umpired.overridden > 0 and tested > 0
    game.undo()
    game.assign([cell], Control.NPC)
    game.open_turn()
    cascades.check(game, game.close_turn())
