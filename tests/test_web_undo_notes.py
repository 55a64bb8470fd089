"""Undo takes back a turn of the game, never the umpire's notes: they are the facilitator's record."""
from __future__ import annotations

import pytest

from tests.e2e.support import bearer, csrf, make_app, narva_under_way

UMPIRE = bearer("umpire-token-for-tests")


@pytest.fixture
def drill(tmp_path):
    app = make_app(tmp_path)
    ex, umpire = narva_under_way(app)       # turn 2 open
    return app, ex["id"], umpire


def post(client, url, **data):
    return client.post(url, data={"csrf_token": csrf(client), **data})


def _notes(app, eid):
    view = app.test_client().get(f"/api/v1/exercises/{eid}", headers=UMPIRE).get_json()
    return view, [(e["turn"], e["payload"]["text"], e["payload"]["bookmark"])
                  for e in view["events"] if e["kind"] == "note" and "text" in e["payload"]]


def test_a_bookmarked_note_made_during_a_turn_survives_its_undo(drill):
    app, eid, umpire = drill
    post(umpire, f"/x/{eid}/note", text="the council split", bookmark="on")
    post(umpire, f"/x/{eid}/note", text="ask about Article 4", turn="1", back="history")
    r = post(umpire, f"/x/{eid}/undo")
    assert r.status_code == 303
    view, notes = _notes(app, eid)
    assert view["turn"] == 1
    # Each note stays, bookmark and all; one written during the undone turn now stands at the turn before.
    assert sorted(notes) == [(1, "ask about Article 4", False), (1, "the council split", True)]
    dashboard = umpire.get(f"/x/{eid}").get_data(as_text=True)
    assert "the council split" in dashboard and "2 notes kept" in dashboard
    history = umpire.get(f"/x/{eid}/history?turn=1").get_data(as_text=True)
    assert "the council split" in history


def test_the_undone_turn_is_still_gone_and_kept_aside(drill):
    app, eid, umpire = drill
    post(umpire, f"/x/{eid}/note", text="the council split", bookmark="on")
    post(umpire, f"/x/{eid}/undo")
    view, _ = _notes(app, eid)
    assert not any(e["kind"] == "turn-opened" and e["turn"] == 2 for e in view["events"])
    assert post(umpire, f"/x/{eid}/open-turn").status_code == 303      # turn 2 plays again
    _, notes = _notes(app, eid)
    assert notes == [(1, "the council split", True)]


def test_notes_survive_undo_after_undo_and_through_the_api(drill):
    app, eid, umpire = drill
    post(umpire, f"/x/{eid}/note", text="first impressions")
    r = app.test_client().post(f"/api/v1/exercises/{eid}/undo", json={}, headers=UMPIRE)
    assert r.status_code == 200 and r.get_json()["notes_kept"] == 1
    post(umpire, f"/x/{eid}/undo")
    _, notes = _notes(app, eid)
    assert notes == [(0, "first impressions", False)]


def test_the_undo_confirmation_says_notes_are_kept(drill):
    _, eid, umpire = drill
    page = umpire.get(f"/x/{eid}").get_data(as_text=True)
    confirm = page.split('id="undo-form"', 1)[1].split("data-confirm=\"", 1)[1].split('"', 1)[0]
    assert "set aside" in confirm and "notes are kept" in confirm
