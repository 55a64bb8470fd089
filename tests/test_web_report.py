"""The after-action report, the fog-of-war payload filter and the SVG builders, as pure functions."""
from __future__ import annotations

import csv
import io
import xml.etree.ElementTree as ET

import pytest

from engine import report, svg
from engine.events import DecisionTaken, Kind
from engine.game import Game
from engine.model import Control, DecisionSource, Response
from engine.scenario import loads
from engine.state import Mode
from tests.e2e.support import NARVA


@pytest.fixture
def played():
    sc = loads(NARVA, "drill.yaml")
    game = Game.new(sc, mode=Mode.EXERCISE, controls={"USA": Control.PLAYER, "POL": Control.PLAYER})
    game.play_turn()
    game.open_turn()
    game.submit("USA", "narva", "neutral", rationale="first thoughts")
    game.submit("USA", "narva", "full", rationale="Article 5 is the core", statement="We stand by Estonia")
    game.submit("POL", "narva", "diplomatic", rationale="Warsaw hesitates")
    game.override("POL", "narva", "limited", reason="teaching point")
    game.close_turn()
    return sc, game


def test_decisions_stand_beside_the_doctrines_view(played):
    sc, game = played
    aar = report.after_action(sc, game.events)
    rows = {(d.turn, d.state): d for d in aar.decisions}
    usa, pol, gbr = rows[(2, "USA")], rows[(2, "POL")], rows[(2, "GBR")]
    assert (usa.response, usa.source, usa.revisions, usa.rationale) == ("full", "player", 2, "Article 5 is the core")
    assert usa.doctrine_response and len(usa.doctrine_probabilities) == 5
    assert usa.doctrine_basis.startswith("computed from the log")
    assert (pol.response, pol.source, pol.cell_response, pol.override_reason) == (
        "limited", "umpire", "diplomatic", "teaching point")
    assert pol.rationale == "Warsaw hesitates"
    assert gbr.source == "doctrine" and gbr.doctrine_view.startswith("Answer:")
    assert abs(sum(gbr.doctrine_probabilities) - 1) < 1e-3


@pytest.mark.parametrize("order", ["override last", "cell revises after the override"])
def test_the_report_shows_the_answer_the_game_keeps(order):
    sc = loads(NARVA, "drill.yaml")
    game = Game.new(sc, mode=Mode.EXERCISE, controls={"USA": Control.PLAYER, "POL": Control.PLAYER})
    game.play_turn()
    game.open_turn()
    game.submit("USA", "narva", "full")
    game.submit("POL", "narva", "diplomatic", rationale="first")
    game.override("POL", "narva", "limited", reason="teaching point")
    if order == "cell revises after the override":
        # The engine refuses this now (engine.view.may_submit); logs written before it did not.
        game.push([DecisionTaken(turn=game.state.turn, state="POL", attack="narva", response=Response.NEUTRAL,
                                 source=DecisionSource.PLAYER, side="EST", rationale="second", actor="POL",
                                 visibility=("POL",), reason="decided by its cell")])
    game.close_turn()
    aar = report.after_action(sc, game.events)
    shown = {(d.attack, d.state): (d.response, d.source) for d in aar.decisions}
    kept = {key: (str(d.response), str(d.source)) for key, d in game.state.decisions.items()}
    assert shown == kept
    pol = next(d for d in aar.decisions if d.state == "POL")
    # The umpire's word stands; the cell's last word is shown beside it, with its count of answers.
    assert (pol.response, pol.cell_response, pol.override_reason) == (
        "limited", "diplomatic" if order == "override last" else "neutral", "teaching point")
    assert pol.revisions == (1 if order == "override last" else 2)


def test_the_advice_is_the_one_the_game_gave_at_that_moment(played):
    sc, game = played
    before = Game(sc, game.events[:game.turn_start(2)])
    before.open_turn()
    expected = before.advise("USA", "narva")
    row = next(d for d in report.after_action(sc, game.events).decisions if d.state == "USA" and d.turn == 2)
    assert row.doctrine_probabilities == tuple(round(p, 4) for p in expected.probabilities)


def test_commitments_timeline_and_exports(played):
    sc, game = played
    aar = report.after_action(sc, game.events)
    kept = {(c.state, c.article): c.honoured for c in aar.commitments}
    assert kept[("USA", "art. 4 (consultation)")] is True
    # Article 5 counts only if the council declared it, which turns on the doctrine's British answer.
    declared = any(e.kind is Kind.INVOCATION and e.declared for e in game.events)
    assert (("USA", "art. 5 (defense)") in kept) == declared
    assert [r.turn for r in aar.timeline] == [1, 2]
    assert any(e.kind == "override" for e in aar.timeline[1].entries)
    rows = list(csv.DictReader(io.StringIO(report.decisions_csv(aar))))
    assert {r["state"] for r in rows} >= {"USA", "POL", "GBR"}
    md = report.to_markdown(aar)
    assert "| 2 | United States | narva |" in md and "teaching point" in md
    assert report.to_markdown(aar) == md   # the same log, the same bytes


@pytest.mark.parametrize("viewer,keeps", [(None, True), (frozenset({"USA"}), True), (frozenset({"POL"}), False)])
def test_public_payload_keeps_the_rationale_for_the_umpire_and_the_deciding_cell(viewer, keeps):
    e = DecisionTaken(turn=2, state="USA", attack="narva", response=Response.FULL, source=DecisionSource.PLAYER,
                      rationale="private", probabilities=(0.2,) * 5)
    payload = report.public_fields(e, viewer)
    assert ("rationale" in payload) is keeps and ("probabilities" in payload) is keeps
    assert payload["response"] == "full" and e.rationale == "private"  # the event is not changed


def test_svg_builders_escape_text_and_are_well_formed():
    evil = '<script>"x" & y</script>'
    drawings = [
        svg.network([svg.Node("a", evil), svg.Node("b", "B", tooltip=evil)], [svg.Edge("a", "b", tooltip=evil)],
                    title=evil, legend=[svg.LegendItem(evil, "#000")]),
        svg.bar_chart([svg.Bar(evil, 0.4, 0.3, 0.5), svg.Bar("b", 0.7)], title=evil, y_range=(0, 1)),
        svg.histogram([0.1, 0.2, 0.2, 0.9], bins=4, title=evil, x_label=evil),
        svg.line_chart([svg.Series(evil, [(1, 0.5), (2, None), (3, 0.7)])], title=evil),
    ]
    for drawing in drawings:
        assert "<script>" not in drawing
        root = ET.fromstring(drawing)
        assert root.tag.endswith("svg")


def test_histogram_bins_count_every_value_once():
    values = [0.0, 0.05, 0.5, 0.99, 1.0]
    bins = svg.histogram_bins(values, bins=4, range_=(0, 1))
    assert [c for _, _, c in bins] == [2, 0, 1, 2]
    assert sum(c for _, _, c in bins) == len(values)


def test_the_network_marks_wars_and_hides_unknown_secret_treaties():
    from tests.e2e.support import SECRET_PACT
    sc = loads(SECRET_PACT, "pact.yaml")
    game = Game.new(sc)
    game.play()
    umpire = report.network_svg(game.state, None)
    german = report.network_svg(game.state, frozenset({"GER"}))
    assert "zanardelli-pact" in umpire and "zanardelli-pact" not in german
    assert report.WAR_COLOUR in german
    assert report.network_svg(game.state, None) == umpire
