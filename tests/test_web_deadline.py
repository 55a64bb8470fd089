"""A live session's deadline and overrides, as the cell and the umpire meet them.

An override is umpire-only in the log, yet the overridden cell is told without a
reload; at the deadline the cell's form closes, and the umpire can close the turn
with the doctrine answering for the cells that did not, logged as such.
"""
from __future__ import annotations

import pytest

from engine.events import DecisionTaken
from engine.model import DecisionSource
from tests.e2e.support import cell_client, csrf, make_app, narva_under_way

PAST = "2000-01-01T00:00:00+00:00"


@pytest.fixture
def app(tmp_path):
    return make_app(tmp_path)


def _cells(app, ex):
    return {name: cell_client(app, c["join_url"]) for name, c in ex["cells"].items()}


def test_an_overridden_cell_learns_of_it_from_its_poll_without_the_umpires_reason(app):
    ex, umpire = narva_under_way(app)
    cells = _cells(app, ex)
    poll = f"/x/{ex['id']}/cell/poll"
    before = {n: c.get(poll).get_json() for n, c in cells.items()}
    assert before["Poland"]["decided_by_umpire"] == []
    r = umpire.post(f"/x/{ex['id']}/override", data={
        "csrf_token": csrf(umpire), "state": "POL", "attack": "narva", "response": "limited",
        "reason": "secret umpire reasoning"})
    assert r.status_code == 303
    after = {n: c.get(poll).get_json() for n, c in cells.items()}
    told = after["Poland"]["decided_by_umpire"]
    assert [(d["state"], d["attack"]) for d in told] == [("POL", "narva")]
    assert "umpire has decided for Poland" in told[0]["notice"]
    assert "secret umpire reasoning" not in str(after["Poland"])
    assert after["Poland"]["version"] != before["Poland"]["version"]        # a clean page reloads
    assert after["United States"]["decided_by_umpire"] == []                # not another cell's business
    assert after["United States"]["version"] == before["United States"]["version"]


def test_at_the_deadline_the_poll_says_so_and_the_cells_form_is_closed(app):
    ex, _ = narva_under_way(app)
    us = _cells(app, ex)["United States"]
    assert us.get(f"/x/{ex['id']}/cell/poll").get_json()["deadline_passed"] is False
    app.extensions["casus"].update_meta(ex["id"], {"deadline": PAST})
    assert us.get(f"/x/{ex['id']}/cell/poll").get_json()["deadline_passed"] is True
    page = us.get(f"/x/{ex['id']}/cell").get_data(as_text=True)
    assert "The deadline has passed: the umpire decides now" in page
    assert 'class="stack decide-form closed" data-closed-by="deadline"' in page


def test_the_umpire_closes_the_turn_with_the_doctrine_answering_for_the_late_cells(app):
    ex, umpire = narva_under_way(app)
    us = _cells(app, ex)["United States"]
    assert us.post(f"/x/{ex['id']}/cell/decide", data={
        "csrf_token": csrf(us), "state": "USA", "attack": "narva", "response": "full", "turn": "2"}
    ).status_code == 303
    dash = umpire.get(f"/x/{ex['id']}").get_data(as_text=True)
    assert "the doctrine answers for the cells that did not" in dash
    r = umpire.post(f"/x/{ex['id']}/close-by-doctrine", data={"csrf_token": csrf(umpire)},
                    follow_redirects=True)
    assert r.status_code == 200
    assert "The doctrine answered for the cells that did not" in r.get_data(as_text=True)
    game = app.extensions["casus"].get(ex["id"]).game
    assert game.state.status.value in ("ready", "finished") and game.state.turn == 2
    taken = {(e.state, e.source): e for e in game.events if isinstance(e, DecisionTaken) and e.attack == "narva"}
    poland = taken[("POL", DecisionSource.DOCTRINE)]
    assert "Poland did not answer by the deadline" in poland.reason
    assert ("USA", DecisionSource.PLAYER) in taken                          # the answer given stands
    assert not any(s == "USA" and src is DecisionSource.DOCTRINE for s, src in taken)


def test_closing_by_the_doctrine_needs_the_umpire(app):
    ex, _ = narva_under_way(app)
    us = _cells(app, ex)["United States"]
    r = us.post(f"/x/{ex['id']}/close-by-doctrine", data={"csrf_token": csrf(us)})
    assert r.status_code in (401, 403)
