"""Every memo the games of a batch share is bounded by what it holds in all, nested memos counted,
so a worker's memory levels off however many runs it plays; and a memo that starts afresh at its
bound changes nothing the games do.

Each bound is made small, seeded games of the teaching scenario are played on one scenario (as a
worker plays its runs), and after every turn's opening and close the memo's entries, with those of
the memos kept inside it, must stay within the bound, and must have fallen back at least once (it
started afresh). The games must be those played at the default bounds on a scenario read afresh,
event for event.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest

from engine import decide, play, state
from engine.alliance_index import ScenarioIndex, index_of
from engine.doctrine import factors
from engine.doctrine import readings as rd
from engine.game import Game
from engine.model import Scenario
from engine.options import coalition, wars
from engine.options import doctrine as options_doctrine
from engine.scenario import load
from engine.state import Status
from engine.world import World

TEACHING = Path(__file__).resolve().parents[1] / "scenarios" / "baltic-2027.yaml"
SEEDS = range(6)
Held = Callable[[Scenario], int]


def shared(scenario: Scenario) -> dict[Any, Any]:
    return rd.shared_scratch(World.initial(scenario))


def coalition_held(scenario: Scenario) -> int:
    """The options' coalition: the readings by setting with their weighings, and the defences with
    their chances (a set of defences counted once, however many readings hold it)."""
    memo = shared(scenario)
    at = [a for settings in memo.get(coalition._AT, {}).values() for a in settings.values()]
    cache: dict[Any, Any] = memo.get(coalition._CACHE, {})
    defences = {id(d): d for d in cache.values()} | {id(a.defences): a.defences for a in at}
    return len(at) + sum(len(a.weighed) for a in at) + len(cache) + sum(
        len(d.chances) for d in defences.values())


def values_held(scenario: Scenario) -> int:
    """The factor values kept in the scratch dicts of every setting and turn."""
    tables: dict[Any, Any] = shared(scenario).get(rd._CALM, {})
    return sum(1 for memo in tables.values() for key in memo if key[0] == factors._VALUES)


def worlds_held(scenario: Scenario) -> int:
    """The scratch dicts of settings and turns, and of settings, turns and wars (the larger)."""
    memo = shared(scenario)
    return max(len(memo.get(rd._CALM, {})), len(memo.get(rd._WORLDS, {})))


def wars_held(scenario: Scenario) -> int:
    memo = shared(scenario)
    return max(len(memo.get(name, {})) for name in (wars._KEY, wars._BY_VERSION, wars._FORCES))


def options_held(scenario: Scenario) -> int:
    memo = shared(scenario)
    return max(len(memo.get(name, {})) for name in ("options: deployment", "options: ceasefire"))


def binding_held(scenario: Scenario) -> int:
    index = index_of(World.initial(scenario))
    return max(len(index.binding), len(index.remembered))


# (where the bound is, its name, a small value, what the memo holds)
BOUNDS: list[tuple[object, str, int, Held]] = [
    (coalition, "COALITION_KEPT", 16, coalition_held),
    (factors, "_VALUES_KEPT", 25, values_held),
    (rd, "_WORLDS_KEPT", 4, worlds_held),
    (state, "_SUCCESSORS_KEPT", 32, lambda scenario: len(state._SUCCESSORS)),
    (state, "_VALUES_KEPT", 3, lambda scenario: len(state._BY_VALUES)),
    (play, "_STAKES_KEPT", 3, lambda scenario: len(play._STAKES.scratch(scenario))),
    (decide, "_BOUND_KEPT", 3, lambda scenario: len(decide._BOUND.scratch(scenario))),
    (decide, "_STAKEHOLDERS_KEPT", 3, lambda scenario: len(decide._STAKEHOLDERS.scratch(scenario))),
    (ScenarioIndex, "BINDING_LIMIT", 6, binding_held),
    (wars, "_LIMIT", 3, wars_held),
    (options_doctrine, "MEMO_LIMIT", 3, options_held),
]


def phases(game: Game) -> Iterator[None]:
    """The game played to its end (Game.play, a phase at a time), after each turn's opening and
    close."""
    scenario = game.scenario
    while game.state.turn < scenario.turns and game.state.status is not Status.FINISHED:
        game.open_turn()
        yield
        game.close_turn()
        yield


def games(scenario: Scenario, seen: Callable[[], None] = lambda: None) -> list[tuple[object, ...]]:
    """The events of the seeded games played one after another on `scenario`; `seen` is called
    after every phase."""
    out = []
    for seed in SEEDS:
        game = Game.new(scenario, seed=seed, stochastic=True, verbose=False)
        for _ in phases(game):
            seen()
        out.append(tuple(game.events))
    return out


@pytest.fixture(scope="module")
def at_default_bounds() -> list[tuple[object, ...]]:
    return games(load(TEACHING))


@pytest.mark.parametrize(("owner", "name", "bound", "held"), BOUNDS, ids=[b[1] for b in BOUNDS])
def test_a_memo_past_its_bound_starts_afresh_and_the_games_are_the_same(
        owner: object, name: str, bound: int, held: Held, at_default_bounds: list[tuple[object, ...]],
        monkeypatch: pytest.MonkeyPatch) -> None:
    scenario = load(TEACHING)
    assert scenario is not load(TEACHING)  # a scenario read afresh shares no memo with it
    monkeypatch.setattr(owner, name, bound)
    state._SUCCESSORS.clear()  # the process's, filled by other games (a history met again is renumbered)
    state._BY_VALUES.clear()
    counts: list[int] = []
    played = games(scenario, lambda: counts.append(held(scenario)))
    assert max(counts) <= bound
    assert any(later < earlier for earlier, later in pairwise(counts)), "the memo never started afresh"
    assert played == at_default_bounds

