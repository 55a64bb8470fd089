"""The historians' conditions where the shipped crises need them.

1914: the Franco-Russian military convention's art. 2 binds France to mobilize at the
news of a Triple Alliance mobilization (`trigger: mobilization`), and France's general
mobilization of 1 August answers Austria-Hungary's; the one-sided articles of the Triple
Alliance and of the Austro-Romanian treaty are owed to the members they name
(`owed_to`), not to every other member.
"""
from __future__ import annotations

import functools
from pathlib import Path

import pytest

from engine.events import Breach, DecisionTaken, Honoured, WarBegun
from engine.game import Game
from engine.model import ObligationTrigger, Response, Scenario
from engine.network import AllianceGraph
from engine.scenario import load
from engine.state import Mode
from engine.world import World
from tests.builders import attack

JULY_1914 = Path(__file__).resolve().parents[1] / "scenarios" / "history" / "1914-july-crisis.yaml"


@functools.cache
def _scenario() -> Scenario:
    return load(JULY_1914)


@functools.cache
def _replay() -> tuple:
    game = Game.new(_scenario(), mode=Mode.REPLAY)
    game.play()
    return tuple(game.events)


def _triggers(attackers: str, target: str, kind: str = "armed-attack") -> list:
    world = World.initial(_scenario())
    return list(AllianceGraph(world).triggers(attack(attackers, target, kind=kind)))


def test_the_1892_convention_is_triggered_by_a_mobilization() -> None:
    convention = _scenario().treaty("franco-russian-convention")
    assert [o.trigger for o in convention.obligations] == [ObligationTrigger.MOBILIZATION]
    mobilization = _scenario().inject("auh-general-mobilization")
    assert (mobilization.actors, mobilization.target) == (("AUH",), "RUS")


def test_austria_hungarys_mobilization_binds_france_to_mobilize_and_france_honours() -> None:
    bound = [t for t in _triggers("AUH", "RUS", "mobilization")
             if t.treaty == "franco-russian-convention" and t.triggered]
    assert [(t.ally, t.partner) for t in bound] == [("FRA", "RUS")]
    (answer,) = [e for e in _replay() if isinstance(e, DecisionTaken) and e.attack == "auh-general-mobilization"]
    assert (answer.state, answer.response, answer.source) == ("FRA", Response.LIMITED, "script")
    kept = [e for e in _replay() if isinstance(e, Honoured | Breach) and e.attack == "auh-general-mobilization"
            and e.treaty == "franco-russian-convention"]
    assert [(type(e), e.state) for e in kept] == [(Honoured, "FRA")]


def test_a_mobilization_begins_no_war() -> None:
    mobilized = {e.turn for e in _replay() if isinstance(e, WarBegun)}
    assert 9 not in mobilized   # Austria-Hungary's general mobilization, 31 July


@pytest.mark.parametrize("article, owed_to", [
    ("2 (Italy attacked by France)", ("ITA",)),
    ("2 (Germany attacked by France)", ("DEU",)),
    ("9-10 (North Africa)", ("ITA",)),
])
def test_the_triple_alliances_one_sided_articles_name_whom_they_are_owed_to(article: str,
                                                                             owed_to: tuple[str, ...]) -> None:
    (ob,) = [o for o in _scenario().treaty("triple-alliance").obligations if o.article == article]
    assert ob.owed_to == owed_to and ob.asymmetric_to is not None


@pytest.mark.parametrize("victim, bound", [("DEU", True), ("AUH", False)])
def test_italys_promise_under_art_2_is_owed_to_germany_alone(victim: str, bound: bool) -> None:
    """A French attack on Germany binds Italy under art. 2; one on Austria-Hungary does not,
    and the reason says to whom the article is owed."""
    (italy,) = [t for t in _triggers("FRA", victim) if t.ally == "ITA" and t.treaty == "triple-alliance"
                and t.article == 1]
    assert italy.triggered is bound
    if not bound:
        assert "owed only to German Empire" in italy.reason


def test_romanias_treaty_binds_germany_only_toward_romania() -> None:
    """Art. 2 (Romania attacked) is owed to Romania: a Russian attack on Austria-Hungary
    does not bring it into play for Germany, whatever else does."""
    (germany,) = [t for t in _triggers("RUS", "AUH") if t.ally == "DEU" and t.treaty == "austro-romanian"
                  and t.article == 0]
    assert not germany.triggered and "owed only to Romania" in germany.reason
