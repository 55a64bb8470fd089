"""The shipped crises re-encoded with the format's additions read as the record does.

Munich (1938): the Soviet-Czechoslovak pact bound the Soviet Union only if France
came first (`conditional_on: [FRA]`); France did not, so no Soviet breach.
The July Crisis (1914): Luxembourg did not resist (`resisted: false`): occupied,
never at war, and its guarantors of 1867 were still tested.
Turkey and Syria (2012): the allies' answers to the missile threat are Article 4's.
"""
from __future__ import annotations

from functools import cache
from pathlib import Path

from engine.events import AttackMade, Breach, DecisionTaken, Honoured, WarBegun
from engine.game import Game
from engine.scenario import load
from engine.state import Mode

HISTORY = Path(__file__).resolve().parent.parent / "scenarios" / "history"


@cache
def _replay(name: str) -> tuple:
    game = Game.new(load(str(HISTORY / name)), mode=Mode.REPLAY)
    game.play()
    return tuple(game.events)


def test_munich_logs_no_soviet_breach():
    events = _replay("1938-munich.yaml")
    assert not [e for e in events if isinstance(e, Breach) and e.state == "SUN"]
    soviet = load(str(HISTORY / "1938-munich.yaml")).treaty("soviet-czechoslovak-1935").obligations[0]
    assert soviet.conditional_on == ("FRA",)


def test_luxembourg_is_occupied_without_a_war_and_its_guarantors_still_answer():
    events = _replay("1914-july-crisis.yaml")
    wars = {frozenset((e.aggressor, e.defender)) for e in events if isinstance(e, WarBegun)}
    assert frozenset(("DEU", "LUX")) not in wars
    assert any(isinstance(e, AttackMade) and e.attack.id == "ger-lux" and not e.attack.resisted for e in events)
    answered = {e.state for e in events if isinstance(e, DecisionTaken) and e.attack == "ger-lux"}
    assert {"GBR", "FRA"} <= answered


def test_the_patriots_for_turkey_honour_article_4():
    events = _replay("2012-turkey-syria.yaml")
    kept = {e.state for e in events if isinstance(e, Honoured) and e.attack == "missile-threat"
            and e.treaty == "nato"}
    assert kept == {"USA", "DEU", "NLD", "GBR", "FRA"}
    scripted = {e.state: e.response for e in events if isinstance(e, DecisionTaken)
                and e.attack == "missile-threat" and e.source == "script"}
    assert scripted["DEU"] == "limited" and scripted["GBR"] == "diplomatic"
