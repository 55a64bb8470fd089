"""A what-if shows the future only, and is kept as an event of the exercise (for the umpire,
changing nothing in play), so that its results survive a restart of the console."""
from __future__ import annotations

import pytest

from engine.events import Kind, WhatIfPlayed
from engine.state import fold
from tests.e2e.support import cell_client, csrf, make_app, narva_under_way, umpire_client


@pytest.fixture
def played(tmp_path):
    """The Narva drill with turn 2 closed by the doctrine, and a what-if played from there."""
    app = make_app(tmp_path)
    ex, umpire = narva_under_way(app)
    assert umpire.post(f"/x/{ex['id']}/close-by-doctrine", data={"csrf_token": csrf(umpire)}).status_code == 303
    r = umpire.post(f"/x/{ex['id']}/whatif", data={"csrf_token": csrf(umpire), "runs": "20", "seed": "5"})
    assert r.status_code == 303
    return tmp_path, app, ex, umpire


def test_the_what_if_is_an_umpire_only_event_that_changes_nothing_in_play(played):
    _, app, ex, _ = played
    game = app.extensions["casus"].get(ex["id"]).game
    kept = [e for e in game.events if isinstance(e, WhatIfPlayed)]
    assert len(kept) == 1 and kept[0].visibility == "umpire"
    assert kept[0].request["runs"] == 20 and kept[0].results["runs"] == 20
    without = [e for e in game.events if e.kind is not Kind.WHAT_IF]
    assert fold(game.scenario, without) == game.state


def test_a_cell_does_not_see_the_what_if(played):
    _, app, ex, _ = played
    us = cell_client(app, ex["cells"]["United States"]["join_url"])
    assert us.get(f"/x/{ex['id']}/cell").status_code == 200
    game = app.extensions["casus"].get(ex["id"]).game
    assert not any(isinstance(e, WhatIfPlayed) for e in game.view(frozenset({"USA"})))


def test_the_what_if_survives_a_restart(played):
    tmp_path, app, ex, umpire = played
    before = umpire.get(f"/x/{ex['id']}/whatif").get_data(as_text=True)
    again = make_app(tmp_path)                      # a new console on the same store
    page = umpire_client(again).get(f"/x/{ex['id']}/whatif").get_data(as_text=True)
    assert 'id="what-if-summary"' in page and 'id="what-if-none"' not in page
    assert "20 runs" in page and "seed 5" in page
    assert 'id="what-if-stale"' not in page
    assert page.count("<tr data-attack") == before.count("<tr data-attack")


def test_the_what_if_shows_the_future_only(played):
    _, app, ex, umpire = played
    page = umpire.get(f"/x/{ex['id']}/whatif").get_data(as_text=True)
    assert "From turn 3 on" in page
    assert 'data-attack="narva"' not in page          # turn 2, already played: the same in every run
