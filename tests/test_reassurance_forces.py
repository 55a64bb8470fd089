"""A reassurance deployment carried out in play is a tripwire from then on: a deployment
option taken puts its actor's forces in the host, and an attacker weighing its next step
sees them. A scheduled deployment inject stays news, as it was before options existed."""
from __future__ import annotations

from engine import options
from engine.events import ForcesDeployed, dumps, loads
from engine.game import Game
from engine.model import Control, Deployment, ForceSize, Mode
from engine.narrative import event_line
from tests.builders import inject, make_scenario, treaty
from tests.test_options import RELATIONS, STATES


def _scenario(*, option: bool = True, target: str = "EST"):
    deploy = inject("reassure", "deployment", 1, "USA", target=target, option=option,
                    **({"until": 1, "resolve": 1.0} if option else {}))
    attack = inject("narva", "armed-attack", 2, "RUS", target="EST", option=True, until=2, resolve=0.8)
    return make_scenario(STATES, treaties=[treaty("nato", "USA GBR DEU EST")],
                         injects=[deploy, attack], relations=RELATIONS, turns=3)


def _played_to_turn_two(scenario, take: bool) -> Game:
    game = Game.new(scenario, mode=Mode.EXERCISE, controls={"USA": Control.PLAYER})
    game.open_turn()
    if take:
        game.override_option("reassure", True, "the council decides to reinforce")
    else:
        game.override_option("reassure", False, "the council holds back")
    game.close_turn()
    return game


def test_a_deployment_option_taken_puts_forces_in_the_host():
    game = _played_to_turn_two(_scenario(), take=True)
    deployed = [e for e in game.events if isinstance(e, ForcesDeployed)]
    assert [(e.state, e.host, e.size) for e in deployed] == [("USA", "EST", ForceSize.BATTALION)]
    assert game.state.world.deployments("USA", "EST") == (Deployment("USA", "EST"),)
    assert "Forces of" in event_line(game.scenario, deployed[0])


def test_forces_deployed_in_play_deter_the_next_step():
    scenario = _scenario()
    taken, declined = (_played_to_turn_two(scenario, take) for take in (True, False))
    p_taken = options.advice(taken.state, scenario.inject("narva"), taken.state.world).probability
    p_declined = options.advice(declined.state, scenario.inject("narva"), declined.state.world).probability
    assert p_taken < p_declined


def test_a_scheduled_deployment_inject_deploys_nothing():
    game = Game.new(_scenario(option=False))
    game.play()
    assert not any(isinstance(e, ForcesDeployed) for e in game.events)
    assert game.state.world.deployments("USA", "EST") == ()


def test_a_rebuilt_game_keeps_the_forces_deployed():
    game = _played_to_turn_two(_scenario(), take=True)
    rebuilt = Game.from_log(game.scenario, loads(dumps(game.events)))  # through the log's JSON
    assert rebuilt.state.world.deployments("USA", "EST") == game.state.world.deployments("USA", "EST")
