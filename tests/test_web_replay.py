"""Replay mode: the cells answer first; after the close, history's answer and the doctrine's appear.

A past crisis in miniature: the record says the United States sent materiel and
Poland protested; the cells answer first, and nothing of the record shows before
the turn closes. After, each cell sees its own decisions beside history's (with
the record's source and note) and the doctrine's prediction at that moment.
"""
from __future__ import annotations

import pytest

from engine.game import Game
from engine.model import Control, Mode
from engine.reveal import reveals
from engine.scenario import loads as load_scenario
from engine.store import MemoryStore
from tests.e2e.support import NARVA, UMPIRE_TOKEN, bearer, cell_client, csrf, make_app, umpire_client

RECORD = NARVA.replace("title: Narva drill", "title: Narva remembered").replace("id: narva-drill", "id: narva-record") + """\
script:
  - {turn: 2, state: USA, inject: narva, treaty: nato, response: limited, note: "Airlift of materiel, no troops.", source: "Narva commission report, ch. 3"}
  - {turn: 2, state: POL, inject: narva, treaty: nato, response: diplomatic, note: "A protest at the council.", source: "Polish white paper"}
  - {turn: 2, state: GBR, inject: narva, treaty: nato, response: hostile, note: "London looked away.", source: "Cabinet minutes"}
"""


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    return make_app(tmp_path_factory.mktemp("replay"), store=MemoryStore())


def create(app, text: str = RECORD, **body):
    r = app.test_client().post("/api/v1/exercises", json={"yaml": text, "name": "record.yaml", **body},
                               headers=bearer(UMPIRE_TOKEN))
    return r


def step(client, eid: str, action: str) -> None:
    assert client.post(f"/x/{eid}/{action}", data={"csrf_token": csrf(client)}).status_code == 303


def decide(client, eid: str, state: str, response: str) -> None:
    r = client.post(f"/x/{eid}/cell/decide", data={"csrf_token": csrf(client), "state": state,
                                                  "attack": "narva", "response": response})
    assert r.status_code == 303, r.get_data(as_text=True)


def test_the_record_shows_only_after_the_cells_have_answered_and_the_turn_closed(app):
    ex = create(app, replay=True).get_json()
    eid = ex["id"]
    umpire = umpire_client(app)
    usa, pol = (cell_client(app, ex["cells"][n]["join_url"]) for n in ("United States", "Poland"))
    for action in ("open-turn", "close-turn", "open-turn"):
        step(umpire, eid, action)
    decide(usa, eid, "USA", "full")
    decide(pol, eid, "POL", "neutral")
    for page in (usa.get(f"/x/{eid}/cell"), umpire.get(f"/x/{eid}")):
        text = page.get_data(as_text=True)
        assert "What history did" in text and "Narva commission" not in text and "Airlift" not in text
    step(umpire, eid, "close-turn")

    mine = usa.get(f"/x/{eid}/cell").get_data(as_text=True)
    assert "Airlift of materiel, no troops." in mine and "Narva commission report, ch. 3" in mine
    assert "Polish white paper" not in mine                       # Poland's record is Poland's page's
    theirs = pol.get(f"/x/{eid}/cell").get_data(as_text=True)
    assert "Polish white paper" in theirs and "A protest at the council." in theirs
    dash = umpire.get(f"/x/{eid}").get_data(as_text=True)
    assert "Polish white paper" in dash and "Narva commission report" in dash


def test_the_reveal_sets_each_answer_beside_the_record_and_the_doctrine_at_that_moment():
    sc = load_scenario(RECORD, "record.yaml")
    game = Game.new(sc, mode=Mode.EXERCISE, controls={"USA": Control.PLAYER, "POL": Control.PLAYER})
    game.play_turn()
    game.open_turn()
    advice = {s: game.advise(s, "narva") for s in ("USA", "POL")}   # the doctrine when the cells are asked
    game.submit("USA", "narva", "full")
    game.submit("POL", "narva", "neutral")
    assert reveals(sc, game.events, game.ctx.doctrine, {"USA", "POL"}) == []   # the turn is still open
    game.close_turn()
    found = {r.state: r for r in reveals(sc, game.events, game.ctx.doctrine, {"USA", "POL"})}
    assert set(found) == {"USA", "POL"}
    usa, pol = found["USA"], found["POL"]
    assert (usa.answer, usa.answered_by, str(usa.history.response), usa.matches_history) == \
        ("full", "player", "limited", False)
    assert (pol.answer, str(pol.history.response), pol.history.source) == ("neutral", "diplomatic", "Polish white paper")
    for state, r in found.items():
        assert r.predicted == str(advice[state].response)
        assert r.confidence == pytest.approx(advice[state].probabilities[advice[state].response.rank])
    assert usa.answer_side.startswith("on ") and usa.answer_side.endswith("'s side")   # the victim's side
    assert reveals(sc, game.events, game.ctx.doctrine, {"USA"})[0].state == "USA"


@pytest.mark.parametrize("replay,source,response", [(True, "script", "hostile"), (False, "doctrine", None)])
def test_in_replay_mode_the_states_no_cell_plays_answer_as_the_record_says(app, replay, source, response):
    ex = create(app, replay=replay).get_json()
    eid = ex["id"]
    umpire = umpire_client(app)
    for action in ("open-turn", "close-turn", "open-turn"):
        step(umpire, eid, action)
    for cell, state in (("United States", "USA"), ("Poland", "POL")):
        decide(cell_client(app, ex["cells"][cell]["join_url"]), eid, state, "full")
    step(umpire, eid, "close-turn")
    view = app.test_client().get(f"/api/v1/exercises/{eid}", headers=bearer(UMPIRE_TOKEN)).get_json()
    gbr = [e["payload"] for e in view["events"] if e["kind"] == "decision" and e["payload"]["state"] == "GBR"
           and e["payload"]["attack"] == "narva"]
    assert [d["source"] for d in gbr] == [source]
    if response is not None:
        assert gbr[0]["response"] == response and gbr[0]["source_ref"] == "Cabinet minutes"


def test_replay_mode_needs_a_record(app):
    r = create(app, NARVA, replay=True)
    assert r.status_code == 400 and "script" in r.get_json()["error"]


def test_the_umpire_turns_replay_mode_on_from_the_setup_page(app):
    ex = create(app, start=False).get_json()
    umpire = umpire_client(app)
    assert "Turn replay mode on" in umpire.get(f"/x/{ex['id']}/setup").get_data(as_text=True)
    r = umpire.post(f"/x/{ex['id']}/replay-mode", data={"csrf_token": csrf(umpire), "replay": "1"})
    assert r.status_code == 303
    assert "Turn replay mode off" in umpire.get(f"/x/{ex['id']}/setup").get_data(as_text=True)
