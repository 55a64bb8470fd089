"""The framework panel (engine.assess) on the umpire's dashboard, a cell's page and the report:
the umpire sees every treaty; a cell only those its states know, with reputations as it saw them
change."""
from __future__ import annotations

import re

import pytest

from engine.assess import assess
from engine.game import Game
from engine.scenario import loads
from engine.store import MemoryStore
from tests.e2e.support import SECRET_PACT, cell_client, csrf, make_app, new_exercise, umpire_client

PACT = "Prinetti Barrere Accord"


def _panel(html: str) -> str:
    m = re.search(r'<section class="panel" id="framework">(.*?)</section>', html, re.S)
    assert m, "no framework panel"
    return m.group(1)


@pytest.fixture
def exercise(tmp_path):
    app = make_app(tmp_path, store=MemoryStore())
    ex = new_exercise(app, cells={"Rome": ["ITA"], "Berlin": ["GER"]})
    umpire = umpire_client(app)
    token = csrf(umpire)
    for step in ("open-turn", "close-turn"):
        assert umpire.post(f"/x/{ex['id']}/{step}", data={"csrf_token": token}).status_code == 303
    return app, ex, umpire


def test_the_umpire_sees_every_treaty_assessed(exercise):
    app, ex, umpire = exercise
    panel = _panel(umpire.get(f"/x/{ex['id']}").get_data(as_text=True))
    assert PACT in panel and "Triple Alliance" in panel and "The alliance security dilemma" in panel


@pytest.mark.parametrize("cell, sees", [("Rome", True), ("Berlin", False)])
def test_a_cell_sees_the_framework_only_for_treaties_it_knows(exercise, cell, sees):
    app, ex, _ = exercise
    client = cell_client(app, ex["cells"][cell]["join_url"])
    panel = _panel(client.get(f"/x/{ex['id']}/cell").get_data(as_text=True))
    assert "Triple Alliance" in panel
    assert (PACT in panel) is sees


def test_the_report_ends_with_the_framework(exercise):
    app, ex, umpire = exercise
    html = umpire.get(f"/x/{ex['id']}/report").get_data(as_text=True)
    assert '<section id="framework">' in html
    assert html.rindex("<section") == html.index('<section id="framework">')
    assert "The framework: turn 1" in html


def test_a_breach_or_honour_under_a_secret_pact_leaves_no_trace_for_outsiders():
    sc = loads(SECRET_PACT)
    game = Game.new(sc)
    game.play()
    umpire, rome, berlin = (assess(game.state, v, game.events) for v in (None, frozenset({"ITA"}),
                                                                        frozenset({"GER"})))
    # Italy's reputation moved under the secret pact: the umpire and Rome see it ...
    assert umpire.state("ITA").answer("cohesion.reliability").verdict != "unremarkable"
    assert rome.state("ITA").answer("cohesion.reliability").verdict != "unremarkable"

    def triple_record(a):
        return a.treaty("triple").answer("cohesion.reliability").indicator("members_reputation")

    assert triple_record(rome) == triple_record(umpire)
    # ... Berlin, which does not know of the pact, never saw Italy's standing in the Triple Alliance move
    assert triple_record(berlin) == 0.5 != triple_record(umpire)
    assert "zanardelli-pact" not in [t.id for t in berlin.treaties]
