"""Situations to read the doctrine's factors in, for the tests of the memos that share its
readings: every state's situation toward every attack made so far, and the world read afresh.

    for s in situations(game, world):
        assert values(s) == values(Situation(unversioned(world), s.ally, ...))
"""
from __future__ import annotations

from collections.abc import Iterator

from engine.doctrine import Situation
from engine.game import Game
from engine.model import Response
from engine.world import War, World


def unversioned(world: World, wars: tuple[War, ...] | None = None) -> World:
    """The world (with these wars, else its own) and no version of its setting: read into a
    scratch of its own, so afresh."""
    return World(scenario=world.scenario, turn=world.turn, states=world.states, relations=world.relations,
                 members_in_force=world.members_in_force, known_to=world.known_to,
                 reputation=world.reputation, wars=world.wars if wars is None else wars, forces=world.forces)


def situations(game: Game, world: World) -> Iterator[Situation]:
    """Every state's situation toward every attack made so far, under each treaty it belongs to."""
    scenario = game.scenario
    for attack in game.state.attacks.values():
        for state in scenario.states:
            if state.id == attack.target or state.id in attack.attackers:
                continue
            yield Situation(world, state.id, attack.target, attack)
            for treaty in scenario.treaties:
                if state.id in treaty.members:
                    for leader in (None, Response.FULL):
                        yield Situation(world, state.id, attack.target, attack, treaty.id, 0, leader)
