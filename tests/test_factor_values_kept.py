"""The factor values kept across the games of a batch are the values read afresh.

All but two of the doctrine's factors read a world's setting and turn alone, so `factors.values`
keeps them per situation in the scratch of that setting and turn, across games and whatever the
wars, and reads the deciding state's reputation and the cost of war each time. That holds only
while no other factor reads a reputation: the first reading of each situation is made off
reputations that note whether anyone read them, and fails loudly if anyone did. These tests
compare every decision of seeded games (batch and explained, several scenarios, an exercise the
umpire answers in, then undone) with a reading afresh, move every reputation under the factors,
and make a factor read a reputation to see the check fail.
"""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.doctrine import FACTORS, Situation, core, factors
from engine.doctrine import readings as rd
from engine.game import Game
from engine.model import Response
from engine.scenario import load
from engine.world import World
from tests.umpired import Umpired

ROOT = Path(__file__).resolve().parents[1]
TEACHING = ROOT / "scenarios" / "baltic-2027.yaml"
SCENARIOS = [TEACHING, *sorted((ROOT / "scenarios" / "history").glob("*.yaml"))[::7]]
REPUTATION = FACTORS.index("reputation")


def fresh(world: World, reputation: dict[str, float] | None = None) -> World:
    """The world with no version of its setting (read into a scratch of its own), and other
    reputations if given."""
    return World(scenario=world.scenario, turn=world.turn, states=world.states, relations=world.relations,
                 members_in_force=world.members_in_force, known_to=world.known_to,
                 reputation=world.reputation if reputation is None else reputation, wars=world.wars,
                 forces=world.forces)


def on(s: Situation, world: World) -> Situation:
    return Situation(world, s.ally, s.partner, s.attack, s.treaty, s.article, s.leader_response, s.triggered)


class Compared:
    """Every decision's factor values, compared with a reading afresh."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.calls = 0
        kept = factors.values

        def checked(s: Situation) -> tuple[float, ...]:
            found = kept(s)
            assert found == kept(on(s, fresh(s.world)))
            self.calls += 1
            return found
        monkeypatch.setattr(core, "values", checked)


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
@pytest.mark.parametrize("verbose", [False, True], ids=["batch", "explained"])
def test_kept_values_are_those_read_afresh(path: Path, verbose: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    scenario = load(path)
    for seed in range(3):  # the values kept by the games before are met by the next
        Game.new(scenario, seed=seed, stochastic=True, verbose=verbose).play()
    compared = Compared(monkeypatch)
    for seed in range(3, 6):
        Game.new(scenario, seed=seed, stochastic=True, verbose=verbose).play()
    assert compared.calls > 0 or path != TEACHING


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(min_value=0, max_value=2**32 - 1))
def test_any_seeded_batch_game_meets_the_values_read_afresh(seed: int, monkeypatch: pytest.MonkeyPatch) -> None:
    compared = Compared(monkeypatch)
    Game.new(load(TEACHING), seed=seed, stochastic=True, verbose=False).play()
    assert compared.calls > 0


def test_the_kept_values_follow_the_umpire_and_an_undo(monkeypatch: pytest.MonkeyPatch) -> None:
    scenario = load(TEACHING)
    for seed in range(3):
        Game.new(scenario, seed=seed, stochastic=True, verbose=False).play()
    compared = Compared(monkeypatch)
    Umpired(scenario).undone().play()
    assert compared.calls > 0


def situations(seed: int) -> Iterator[Situation]:
    """The situations of a seeded game's decisions, on the worlds they were taken in."""
    game = Game.new(load(TEACHING), seed=seed, stochastic=True, verbose=False)
    met: list[Situation] = []
    kept = factors.values

    def noted(s: Situation) -> tuple[float, ...]:
        met.append(s)
        return kept(s)
    with pytest.MonkeyPatch.context() as patched:
        patched.setattr(core, "values", noted)
        game.play()
    yield from met[::7]


@settings(max_examples=6, deadline=None)
@given(seed=st.integers(min_value=0, max_value=2**32 - 1),
       moved=st.lists(st.floats(min_value=0.0, max_value=1.0), min_size=1, max_size=8))
def test_no_factor_but_reputation_moves_when_every_reputation_moves(seed: int, moved: list[float]) -> None:
    for s in situations(seed):
        world = s.world
        others = {x: moved[i % len(moved)] for i, x in enumerate(sorted(world.reputation))}
        here, there = factors.values(on(s, fresh(world))), factors.values(on(s, fresh(world, others)))
        assert here[:REPUTATION] == there[:REPUTATION] and here[REPUTATION + 1:] == there[REPUTATION + 1:]
        assert there[REPUTATION] == 2.0 * others[s.ally] - 1.0


@contextmanager
def reading_a_reputation(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A factor (the threat and affinity one) that reads the partner's reputation as well."""
    relations = factors._relations

    def read(world: World, ally: str, partner: str, opponents: tuple[str, ...]) -> tuple[float, float, float]:
        threat, affinity, trade = relations(world, ally, partner, opponents)
        return threat, affinity * world.reputation.get(partner, 0.5), trade
    with monkeypatch.context() as patched:
        patched.setattr(factors, "_relations", read)
        yield


def test_a_factor_that_reads_a_reputation_fails_loudly(monkeypatch: pytest.MonkeyPatch) -> None:
    s = next(situations(4))
    with reading_a_reputation(monkeypatch), pytest.raises(factors.ReputationRead, match="read a reputation"):
        factors.values(on(s, fresh(s.world)))  # a world of its own: nothing kept, read now
    # In a batch: the first decision of a scenario loaded afresh, whose scratch keeps nothing yet.
    with reading_a_reputation(monkeypatch), pytest.raises(factors.ReputationRead):
        Game.new(load(TEACHING), seed=99, stochastic=True, verbose=False).play()


def test_the_leader_answer_and_the_reputation_are_read_each_time() -> None:
    s = next(situations(5))
    world = s.world
    first = factors.values(s)
    again = factors.values(on(s, world.evolve(reputation={**world.reputation, s.ally: 1.0})))
    assert again[REPUTATION] == 1.0 and again[:REPUTATION] == first[:REPUTATION]
    led = factors.values(Situation(world, s.ally, s.partner, s.attack, s.treaty, s.article, Response.FULL,
                                   s.triggered))
    assert led == factors.values(on(Situation(world, s.ally, s.partner, s.attack, s.treaty, s.article,
                                              Response.FULL, s.triggered), fresh(world)))


def test_the_values_kept_are_bounded_and_start_afresh(monkeypatch: pytest.MonkeyPatch) -> None:
    """Past the bound, the scenario's scratch dicts of settings start afresh, and the games read on
    as they read afresh."""
    monkeypatch.setattr(factors, "_VALUES_KEPT", 25)
    scenario = load(TEACHING)
    compared = Compared(monkeypatch)
    renewed = 0
    for seed in range(4):
        Game.new(scenario, seed=seed, stochastic=True, verbose=False).play()
        tables = rd.shared_scratch(World.initial(scenario)).get("readings: settings", {})
        kept = sum(1 for memo in tables.values() for key in memo if key[0] == factors._VALUES)
        assert kept < 25
        renewed += kept < compared.calls
    assert compared.calls > 100 and renewed


@settings(max_examples=4, deadline=None)
@given(seed=st.integers(min_value=0, max_value=2**32 - 1))
def test_the_kept_values_the_kernel_reads_are_the_values_but_the_two_read_each_time(seed: int) -> None:
    """The kernel's cascade reads `kept_values` and puts the reputation and the cost of war in itself."""
    cost = FACTORS.index("cost_of_war")
    for s in situations(seed):
        values, kept = factors.values(s), factors.kept_values(s)
        assert kept[REPUTATION] == kept[cost] == 0.0
        assert [v for f, v in enumerate(values) if f not in (REPUTATION, cost)] == \
            [v for f, v in enumerate(kept) if f not in (REPUTATION, cost)]
