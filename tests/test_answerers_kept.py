"""Who answers an attack, as kept across the games of a batch, is who answers it read afresh.

The bound allies of an attack (leaders first, each with the obligation its answer is judged by)
depend on its binding triggers, its attackers and the scenario alone, and the decider keeps them
by the binding triggers' tuple, which the alliance graph shares across games; the states with a
stake depend on the stakes (one reading per version of the setting), the attack's target and its
attackers, and are kept by those. These tests ask,
at every attack answered in seeded games (batch and explained, several scenarios, and a game
whose cell the umpire answers for, then undone), for the same list as a reading afresh.
"""
from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine import decide
from engine import turn as turn_phase
from engine.game import Game
from engine.model import Scenario
from engine.network import Attack, Trigger
from engine.play import Play
from engine.scenario import load
from tests.umpired import Umpired

ROOT = Path(__file__).resolve().parents[1]
TEACHING = ROOT / "scenarios" / "baltic-2027.yaml"
SCENARIOS = [TEACHING, *sorted((ROOT / "scenarios" / "history").glob("*.yaml"))[::5]]


class Checked:
    """Every call of `answerers` compared with the rule read afresh (no kept reading)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.calls = 0
        kept = decide.answerers

        def checked(play: Play, attack: Attack, binding: Sequence[Trigger]) -> list[tuple[str, Trigger | None]]:
            found = kept(play, attack, binding)
            bound, named = decide._read_bound(play, attack, binding)
            afresh = [*bound, *((s, None) for s in decide._stakeholders(play, attack, kept=False)
                                            if s not in named)]
            assert found == afresh
            self.calls += 1
            return found
        monkeypatch.setattr(decide, "answerers", checked)
        monkeypatch.setattr(turn_phase, "answerers", checked)


def play(scenario: Scenario, seed: int, verbose: bool) -> None:
    Game.new(scenario, seed=seed, stochastic=True, verbose=verbose).play()


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
@pytest.mark.parametrize("verbose", [False, True], ids=["batch", "explained"])
def test_kept_answerers_are_those_read_afresh(path: Path, verbose: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    scenario, checked = load(path), Checked(monkeypatch)
    for seed in range(3):
        play(scenario, seed, verbose)
    assert checked.calls > 0 or path != TEACHING


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(min_value=0, max_value=2**32 - 1))
def test_any_seeded_batch_game_meets_the_answerers_read_afresh(seed: int, monkeypatch: pytest.MonkeyPatch) -> None:
    checked = Checked(monkeypatch)
    play(load(TEACHING), seed, False)
    assert checked.calls > 0


def test_the_kept_answerers_follow_the_umpire_and_an_undo(monkeypatch: pytest.MonkeyPatch) -> None:
    scenario = load(TEACHING)
    for seed in range(3):  # other games first, so that the reading is kept
        play(scenario, seed, False)
    checked = Checked(monkeypatch)
    Umpired(scenario).undone().play()
    assert checked.calls > 0
