"""Messages between control and the cells: who may write to whom, who reads what.

A message is an event of the exercise; its visibility decides who reads it,
through the engine's view, so the API, the pages and the export agree.
"""
from __future__ import annotations

import json

import pytest

from engine.errors import InvalidAction, NotPermitted
from engine.events import ChannelSet, MessageSent, loads
from engine.game import Game
from engine.messages import compose
from engine.model import Mode
from engine.scenario import loads as load_scenario
from engine.store import MemoryStore
from tests.e2e.support import (
    SECRET_PACT,
    UMPIRE_TOKEN,
    bearer,
    cell_client,
    csrf,
    make_app,
    new_exercise,
    umpire_client,
)

ROME, BERLIN = frozenset({"ITA"}), frozenset({"GER"})
CELLS = {"Rome": ["ITA"], "Berlin": ["GER"]}


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    return make_app(tmp_path_factory.mktemp("messages"), store=MemoryStore())


@pytest.fixture
def ex(app):
    return new_exercise(app, cells=CELLS)


def post(app, ex, who: str, to, text: str = "hello"):
    token = UMPIRE_TOKEN if who == "umpire" else ex["cells"][who]["token"]
    return app.test_client().post(f"/api/v1/exercises/{ex['id']}/messages", json={"to": to, "text": text},
                                  headers=bearer(token))


def read(app, ex, who: str) -> list[dict]:
    token = UMPIRE_TOKEN if who == "umpire" else ex["cells"][who]["token"]
    r = app.test_client().get(f"/api/v1/exercises/{ex['id']}/messages", headers=bearer(token))
    assert r.status_code == 200, r.get_data(as_text=True)
    return r.get_json()["messages"]


def texts(messages: list[dict]) -> list[str]:
    return [m["text"] for m in messages]


# --- the engine's rules ---------------------------------------------------------------------------

@pytest.fixture
def game():
    return Game.new(load_scenario(SECRET_PACT, "secret-pact.yaml"), mode=Mode.EXERCISE)


@pytest.mark.parametrize("sender,states,to,readers", [
    ("umpire", None, {"Rome": ROME}, ("ITA",)),
    ("umpire", None, {"Rome": ROME, "Berlin": BERLIN}, ("ITA", "GER")),
    ("umpire", None, "all", "all"),
    ("Rome", ROME, "umpire", ("ITA",)),
])
def test_a_message_is_read_by_the_cells_it_concerns(game, sender, states, to, readers):
    (sent,) = game.message(sender, states, to, "  the line holds  ")
    assert isinstance(sent, MessageSent) and sent.visibility == readers and sent.text == "the line holds"
    assert game.view_for(None).messages == (sent,)   # the umpire reads every message
    for cell in (ROME, BERLIN):
        assert (sent in game.view_for(cell).messages) == (readers == "all" or not cell.isdisjoint(readers))


def test_cells_write_to_each_other_only_once_the_umpire_opens_the_channel(game):
    with pytest.raises(NotPermitted, match="channel"):
        game.message("Rome", ROME, {"Berlin": BERLIN}, "a deal?")
    with pytest.raises(NotPermitted):
        game.message("Rome", ROME, "all", "a deal?")
    (opened,) = game.set_channel(True)
    assert isinstance(opened, ChannelSet) and game.state.channel_open
    (sent,) = game.message("Rome", ROME, {"Berlin": BERLIN}, "a deal?")
    assert sent.visibility == ("ITA", "GER")
    game.set_channel(False)
    with pytest.raises(NotPermitted):
        game.message("Berlin", BERLIN, {"Rome": ROME}, "agreed")


@pytest.mark.parametrize("sender,states,to,text", [
    ("umpire", None, "umpire", "to myself"),
    ("umpire", None, {}, "to nobody"),
    ("umpire", None, "all", "   "),
    ("umpire", None, "all", "x" * 4001),
    ("umpire", None, "everyone", "a typo"),
])
def test_malformed_messages_are_refused_with_a_reason(game, sender, states, to, text):
    with pytest.raises(InvalidAction):
        compose(game.state, sender=sender, sender_states=states, to=to, text=text)


def test_messages_and_the_channel_survive_the_log_round_trip(game):
    game.set_channel(True)
    game.message("umpire", None, {"Rome": ROME}, "Rome only")
    again = Game(game.scenario, loads("".join(e.to_json() + "\n" for e in game.events)))
    assert again.events == game.events and again.state.channel_open


# --- the API --------------------------------------------------------------------------------------

def test_a_message_to_one_cell_is_not_seen_by_the_other(app, ex):
    r = post(app, ex, "umpire", ["Rome"], "Rome: hold your fleet")
    assert r.status_code == 201, r.get_data(as_text=True)
    assert r.get_json()["message"] == {"turn": 0, "from": "umpire", "to": ["Rome"],
                                       "text": "Rome: hold your fleet", "readers": ["ITA"]}
    assert texts(read(app, ex, "Rome")) == ["Rome: hold your fleet"]
    assert texts(read(app, ex, "Berlin")) == []
    assert texts(read(app, ex, "umpire")) == ["Rome: hold your fleet"]
    # Nor does the other cell learn of it by any other route.
    for who in ("Berlin",):
        body = app.test_client().get(f"/api/v1/exercises/{ex['id']}", headers=bearer(ex["cells"][who]["token"]))
        assert "hold your fleet" not in body.get_data(as_text=True)


def test_a_cell_writes_to_the_umpire_and_its_message_stays_between_them(app, ex):
    assert post(app, ex, "Berlin", "umpire", "Berlin asks for time").status_code == 201
    assert texts(read(app, ex, "umpire")) == ["Berlin asks for time"]
    assert texts(read(app, ex, "Berlin")) == ["Berlin asks for time"]
    assert texts(read(app, ex, "Rome")) == []


def test_the_diplomatic_channel_is_the_umpires_to_open(app, ex):
    assert post(app, ex, "Rome", ["Berlin"], "talk?").status_code == 403
    r = app.test_client().post(f"/api/v1/exercises/{ex['id']}/channel", json={"open": True},
                               headers=bearer(ex["cells"]["Rome"]["token"]))
    assert r.status_code == 403
    r = app.test_client().post(f"/api/v1/exercises/{ex['id']}/channel", json={"open": True},
                               headers=bearer(UMPIRE_TOKEN))
    assert r.status_code == 201
    assert post(app, ex, "Rome", ["Berlin"], "talk?").status_code == 201
    assert texts(read(app, ex, "Berlin")) == ["talk?"]


@pytest.mark.parametrize("body,status", [
    ({"to": ["Paris"], "text": "hi"}, 400),
    ({"to": "everyone", "text": "hi"}, 400),
    ({"to": ["Rome"], "text": ""}, 400),
    ({"to": ["Rome"], "text": 3}, 400),
    ({"to": 3, "text": "hi"}, 400),
    ({"text": "hi"}, 400),
])
def test_bad_messages_get_400_with_a_reason(app, ex, body, status):
    r = app.test_client().post(f"/api/v1/exercises/{ex['id']}/messages", json=body, headers=bearer(UMPIRE_TOKEN))
    assert r.status_code == status and r.get_json()["error"]


def test_messages_are_kept_in_the_export_and_the_report(app, ex):
    umpire = umpire_client(app)
    umpire.post(f"/x/{ex['id']}/open-turn", data={"csrf_token": csrf(umpire)})
    post(app, ex, "umpire", ["Rome"], "Rome: hold your fleet")
    lines = [json.loads(x) for x in umpire.get(f"/x/{ex['id']}/events.jsonl").get_data(as_text=True).splitlines()]
    assert any(x["kind"] == "message" and x["payload"]["text"] == "Rome: hold your fleet" for x in lines)
    assert "hold your fleet" in umpire.get(f"/x/{ex['id']}/report.md").get_data(as_text=True)


# --- the pages ------------------------------------------------------------------------------------

def test_the_pages_show_each_cell_its_messages_only(app, ex):
    umpire = umpire_client(app)
    r = umpire.post(f"/x/{ex['id']}/messages", data={"csrf_token": csrf(umpire), "to": ["Berlin"],
                                                     "text": "Berlin: the Kaiser calls"})
    assert r.status_code == 303
    assert "the Kaiser calls" in umpire.get(f"/x/{ex['id']}").get_data(as_text=True)
    berlin, rome = (cell_client(app, ex["cells"][n]["join_url"]) for n in ("Berlin", "Rome"))
    assert "the Kaiser calls" in berlin.get(f"/x/{ex['id']}/cell").get_data(as_text=True)
    assert "the Kaiser calls" not in rome.get(f"/x/{ex['id']}/cell").get_data(as_text=True)
    r = rome.post(f"/x/{ex['id']}/cell/messages", data={"csrf_token": csrf(rome), "to": "umpire",
                                                        "text": "Rome wants a word"})
    assert r.status_code == 303
    assert "Rome wants a word" in umpire.get(f"/x/{ex['id']}").get_data(as_text=True)
    assert "Rome wants a word" not in berlin.get(f"/x/{ex['id']}/cell").get_data(as_text=True)


def test_messages_and_a_late_cell_survive_an_undo_of_their_turn(app):
    """What passed in the room stays when the umpire takes a turn back: a message, the open
    channel, and a state handed to a cell whose join link is already out."""
    ex = new_exercise(app, "narva-drill.yaml", cells={"United States": ["USA"]})
    umpire = umpire_client(app)
    umpire.post(f"/x/{ex['id']}/open-turn", data={"csrf_token": csrf(umpire)})
    app.test_client().post(f"/api/v1/exercises/{ex['id']}/channel", json={"open": True}, headers=bearer(UMPIRE_TOKEN))
    app.test_client().post(f"/api/v1/exercises/{ex['id']}/cells", json={"name": "Warsaw", "states": ["POL"]},
                           headers=bearer(UMPIRE_TOKEN))
    post(app, ex, "umpire", "all", "Kept through the undo")
    assert umpire.post(f"/x/{ex['id']}/undo", data={"csrf_token": csrf(umpire)}).status_code == 303
    game = app.extensions["casus"].get(ex["id"]).live
    assert game.state.turn == 0 and game.state.channel_open
    assert [m.text for m in game.view_for(None).messages] == ["Kept through the undo"]
    assert game.state.controller("POL").value == "player"
