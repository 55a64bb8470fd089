"""The network picture: treaty by treaty with the states' names, a legend that explains every
line style; and no manual inject lingers once the game has ended."""
from __future__ import annotations

from pathlib import Path

import pytest

from engine import report
from engine.game import Game
from engine.network_picture import network_picture, treaty_picture
from engine.scenario import load, loads
from tests.e2e.support import SECRET_PACT, csrf, make_app, narva_under_way

TEACHING = Path(__file__).resolve().parents[1] / "scenarios" / "baltic-2027.yaml"


@pytest.fixture(scope="module")
def game() -> Game:
    g = Game.new(load(TEACHING))
    g.play(2)
    return g


def test_the_legend_explains_the_dotted_edges(game):
    picture = network_picture(game.state)
    dotted = [item for item in picture.legend if item.dotted]
    assert dotted and "not yet in force" in dotted[0].label
    assert 'stroke-dasharray="2 3"' in report.network_svg(game.state).split('class="legend"')[1]


@pytest.mark.parametrize("treaty", ["nato", "csto"])
def test_one_treaty_shows_its_states_by_name(game, treaty):
    t = game.scenario.treaty(treaty)
    picture = treaty_picture(game.state, None, treaty)
    labels = {n.label for n in picture.nodes if not n.id.startswith("treaty:")}
    assert labels == {game.scenario.state(s).name for s in t.protected}
    assert all(e.source == f"treaty:{treaty}" or e.color == report.WAR_COLOUR for e in picture.edges)


def test_a_treaty_a_viewer_does_not_know_is_not_drawn_for_it():
    g = Game.new(loads(SECRET_PACT, "secret-pact.yaml"))
    with pytest.raises(KeyError):
        treaty_picture(g.state, frozenset({"GER"}), "zanardelli-pact")
    assert {n.label for n in treaty_picture(g.state, frozenset({"ITA"}), "zanardelli-pact").nodes} >= {"Italy"}


def test_the_console_offers_the_treaty_by_treaty_view(tmp_path):
    app = make_app(tmp_path)
    ex, umpire = narva_under_way(app)
    dash = umpire.get(f"/x/{ex['id']}").get_data(as_text=True)
    assert 'id="treaty-by-treaty"' in dash
    page = umpire.get(f"/x/{ex['id']}/network?treaty=nato").get_data(as_text=True)
    assert "Estonia" in page and "United States" in page and 'aria-current="page"' in page
    assert umpire.get(f"/x/{ex['id']}/network?treaty=nope").status_code == 404


def test_no_manual_inject_lingers_after_the_end(tmp_path):
    app = make_app(tmp_path)
    ex, umpire = narva_under_way(app)            # the drones wait for the umpire on turn 2
    assert "Manual inject awaiting you" in umpire.get(f"/x/{ex['id']}").get_data(as_text=True)
    for path in ("close-by-doctrine", "open-turn", "close-by-doctrine"):
        assert umpire.post(f"/x/{ex['id']}/{path}", data={"csrf_token": csrf(umpire)}).status_code == 303
    snap = app.extensions["casus"].get(ex["id"])
    assert snap.game.state.status.value == "finished"
    assert report.upcoming_injects(snap.game.state, snap.game.events) == []
    assert "Manual inject awaiting you" not in umpire.get(f"/x/{ex['id']}").get_data(as_text=True)
