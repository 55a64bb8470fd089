"""An attack's expected coalition is read from a layout made once per set of defences (every state
of the scenario in id order, grouped by the treaties and tripwires that bring it). Whatever path
reads it (kept by the versions of the setting and the wars, for a batch run or with words, or
afresh), it must be the coalition the rule gives, written out here state by state: each member a
defending treaty brings comes at the greatest chance a treaty gives it (the treaty's credibility,
raised by its tripwire in the target), a treaty that deters nobody brings nobody, and a state at
war with the attackers comes for sure; and the balance and nuclear weight must be those summed over
that coalition alone. At every phase of sampled games, after an override and after an undo."""
from __future__ import annotations

import copy
import dataclasses

import pytest

from engine.options import expected_coalition, options_of
from engine.options.coalition import _defences, balance_and_nuclear, weigh, weigh_coalition
from engine.options.doctrine import exposure_of
from engine.options.wars import wars_of
from engine.options.weights import WEIGHTS
from engine.scenario import load
from engine.state import GameState
from engine.world import World
from tests.phases import OPTION_SCENARIOS, SCENARIOS, every_phase
from tests.test_options_versions import answered_earlier_by_an_ally, overridden_to_neutral


def the_rule(world: World, attackers: tuple[str, ...], target: str) -> dict[str, float]:
    """The coalition state by state, as the rule says it (no layout, no memo)."""
    pull = WEIGHTS["attack"].settings["tripwire_pull"]
    out: dict[str, float] = {}
    for defence in _defences(world, attackers, target).treaties:
        members = defence.credibility.members
        mean = sum(world.reputation[m] for m in members) / len(members)
        cred = defence.credibility.given(mean)
        if cred <= 0.0:
            continue
        for member, skin in defence.members:
            out[member] = max(out.get(member, 0.0), cred + (1.0 - cred) * pull * skin if skin else cred)
    wars = wars_of(world)
    for attacker in attackers:
        for enemy in wars.of(attacker):
            if enemy != target and enemy not in attackers:
                out[enemy] = 1.0
    return {m: out[m] for m in sorted(out)}


def every_attack_as_the_rule_says(gs: GameState) -> int:
    """Every attack option of the scenario: its coalition, balance and nuclear weight read by every
    path, against the rule's; returns how many were read."""
    world, read = gs.played_world(), 0
    for inject in options_of(gs.scenario):
        if not inject.kind.is_attack:
            continue
        attackers, target, exposure = tuple(inject.actors), inject.target or "", exposure_of(inject)
        rule = the_rule(world, attackers, target)
        weighed = (rule, *balance_and_nuclear(world, attackers, target, rule, exposure))
        assert weigh_coalition(world, attackers, target, exposure, gs.setting, gs.warfare) == weighed, inject.id
        assert weigh(world, attackers, target, exposure, gs.setting, gs.warfare)[:2] == weighed[1:], inject.id
        fresh = dataclasses.replace(world, scenario=copy.copy(gs.scenario))
        assert expected_coalition(fresh, attackers, target) == rule, inject.id
        assert expected_coalition(world, attackers, target) == rule, inject.id
        read += 1
    return read


@pytest.mark.parametrize("name", OPTION_SCENARIOS)
@pytest.mark.parametrize("seed", range(3))
def test_the_laid_out_coalition_is_the_rules_at_every_phase(name: str, seed: int) -> None:
    at_war = 0
    for game in every_phase(name, seed):
        every_attack_as_the_rule_says(game.state)
        at_war += bool(game.state.wars)
    if name.startswith("baltic"):
        assert at_war  # the attackers' enemies at war were read


def test_the_laid_out_coalition_follows_an_override_and_an_undo() -> None:
    game, d = answered_earlier_by_an_ally(load(SCENARIOS / "baltic-2027.yaml"))
    assert every_attack_as_the_rule_says(game.state)
    game.push([overridden_to_neutral(game, d)])
    every_attack_as_the_rule_says(game.state)
    game.close_turn()
    every_attack_as_the_rule_says(game.state)
    game.undo()
    every_attack_as_the_rule_says(game.state)
    game.undo()
    every_attack_as_the_rule_says(game.state)
    game.open_turn()
    every_attack_as_the_rule_says(game.state)
