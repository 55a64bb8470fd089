"""What the options' doctrine remembers across worlds answers as a cold reading would, to the bit.

A batch run meets the same defences and coalitions again and again, so engine.options
keeps them per scenario by what they are read from; a ceasefire reads the reasons of
every war at once, over numbers (`engine.numeric.wars_ended`, which the kernel compiles). These tests play the shipped scenarios with the doctrine sampling,
and at each turn compare the remembered answer with one read afresh.
"""
from __future__ import annotations

import copy
from pathlib import Path

import pytest

from engine import montecarlo as mc
from engine.doctrine import standing
from engine.game import Game
from engine.model import Inject, InjectKind, Response
from engine.options import expected_coalition, war_reasons
from engine.options.rules import wars_ended
from engine.scenario import load
from engine.state import GameState, Status
from engine.world import War, World

SCENARIOS = sorted((Path(__file__).resolve().parents[1] / "scenarios").glob("*.yaml"))


def worlds(path: Path, games: int = 12) -> list[tuple[GameState, World]]:
    """The state and world at the close of every turn of `games` sampled games."""
    scenario = load(path)
    seen: list[tuple[GameState, World]] = []
    for i in range(games):
        game = Game.new(scenario, seed=mc.run_seed(11, i), stochastic=True, verbose=False)
        while game.state.turn < scenario.turns and game.state.status is not Status.FINISHED:
            game.play_turn()
            seen.append((game.state.copy(), game.state.world))  # the game's own state moves on
    return seen


def cold(world: World) -> World:
    """The same world over a copy of its scenario: nothing remembered for it yet."""
    return World(scenario=copy.copy(world.scenario), turn=world.turn, states=world.states,
                 relations=world.relations, members_in_force=world.members_in_force,
                 known_to=world.known_to, reputation=world.reputation, wars=world.wars,
                 forces=world.forces)


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_a_remembered_coalition_is_the_one_read_afresh(path: Path) -> None:
    attacks = [i for i in load(path).injects if i.option and i.kind.is_attack and i.target]
    if not attacks:
        pytest.skip("no attack options in this scenario")
    compared = 0
    for _, world in worlds(path):
        for inject in attacks:
            attackers = tuple(inject.actors)
            warm = expected_coalition(world, attackers, inject.target or "")
            assert warm == expected_coalition(cold(world), attackers, inject.target or "")
            compared += 1
    assert compared > 0


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_credibility_is_its_terms_with_the_mean_reputation(path: Path) -> None:
    for _, world in worlds(path, games=4):
        for treaty in world.scenario.treaties:
            for adversary in ("RUS", "CHN", "BLR", "PRK"):
                if adversary not in world.states:
                    continue
                terms = standing.credibility_terms(world, treaty.id, adversary)
                written_out = 0.0 if terms is None else terms.given(
                    sum(world.reputation[m] for m in terms.members) / len(terms.members))
                assert standing.credibility(world, treaty.id, adversary) == written_out


def reasons_one_by_one(gs: GameState, pair: frozenset[str]) -> frozenset[str]:
    """war_reasons as the rule reads: an attack of one on the other that began a war, or an
    answer of one in arms against the other."""
    out: set[str] = set()
    for attack in gs.attacks.values():
        if attack.starts_war and attack.target in pair and (pair - {attack.target}) <= set(attack.attackers):
            out.add(attack.origin or attack.id)
    for (aid, state), d in gs.decisions.items():
        found = gs.attacks.get(aid)
        if state not in pair or d.response is not Response.FULL or found is None or found.threat:
            continue
        enemies = {found.target} if d.side in found.attackers else set(found.attackers)
        if pair - {state} <= enemies:
            out.add(found.origin or found.id)
    return frozenset(out)


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_the_reasons_of_every_war_read_at_once_are_each_wars_own(path: Path) -> None:
    found = 0
    for gs, _ in worlds(path):
        ids = list(gs.scenario.state_by_id)
        for pair in {w.pair for w in gs.wars} | {frozenset((a, b)) for a in ids[:6] for b in ids if a != b}:
            expected = reasons_one_by_one(gs, pair)
            assert war_reasons(gs, pair) == expected
            found += bool(expected)
    assert found > 0


def wars_ended_by_sets(gs: GameState, inject: Inject) -> tuple[War, tuple[str, ...], list[War]] | None:
    """The end of wars as the rule reads, over sets: the parties' war and the attacks that began it,
    then each other war fought only over attacks whose wars have ended."""
    pair = frozenset((inject.actors[0], inject.target or ""))
    war = next((w for w in gs.wars if w.pair == pair), None)
    if war is None:
        return None
    origins = frozenset(a.id for a in gs.attacks.values() if a.id == (a.origin or a.id) and a.starts_war
                        and a.target in pair and (pair - {a.target}) <= set(a.attackers))
    ended = set(gs.ceased) | origins
    others = [w for w in gs.wars if w.pair != pair and (reasons := reasons_one_by_one(gs, w.pair))
              and reasons <= ended]
    return war, tuple(sorted(origins)), others


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_the_wars_a_ceasefire_ends_are_the_rules_reading_over_sets(path: Path) -> None:
    """engine.numeric.wars_ended, over numbers (the kernel compiles it), reads as the rule over sets,
    for a ceasefire between every two states at war and some that are not, at every turn's close."""
    ended = 0
    for gs, _ in worlds(path):
        pairs = {tuple(sorted(w.pair)) for w in gs.wars} | {tuple(sorted(gs.scenario.state_by_id))[:2]}
        for a, b in sorted(pairs):
            for actor, target in ((a, b), (b, a)):
                inject = Inject(id="truce", turn=gs.turn, kind=InjectKind.CEASEFIRE, actors=(actor,), target=target)
                expected = wars_ended_by_sets(gs, inject)
                assert wars_ended(gs, inject) == expected
                ended += expected is not None and bool(expected[2])
    assert ended > 0 or not any(i.kind is InjectKind.CEASEFIRE for i in load(path).injects)
