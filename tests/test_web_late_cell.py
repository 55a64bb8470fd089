"""A cell added after the start plays its states from then on; the doctrine's answers so far stand."""
from __future__ import annotations

import pytest

from engine.errors import InvalidAction, UnknownName
from engine.events import ControlChanged
from engine.game import Game
from engine.model import Control, Mode
from engine.scenario import loads as load_scenario
from engine.store import MemoryStore
from tests.e2e.support import NARVA, UMPIRE_TOKEN, bearer, cell_client, csrf, make_app, new_exercise, umpire_client


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    return make_app(tmp_path_factory.mktemp("late"), store=MemoryStore())


def test_the_engine_hands_a_state_to_a_cell_from_the_next_decision_on():
    game = Game.new(load_scenario(NARVA, "narva.yaml"), mode=Mode.EXERCISE,
                    controls={"USA": Control.PLAYER, "POL": Control.NPC})
    game.play_turn()
    (changed,) = game.assign(["POL"], Control.PLAYER)
    assert isinstance(changed, ControlChanged) and game.state.controller("POL") is Control.PLAYER
    game.open_turn()                                     # the attack: Poland's answer now waits for its cell
    assert ("narva", "POL") in game.state.awaiting or ("narva", "POL") in game.state.pending()
    rebuilt = Game(game.scenario, game.events)
    assert rebuilt.state.controller("POL") is Control.PLAYER


@pytest.mark.parametrize("states,error", [(["XXX"], UnknownName), (["USA"], InvalidAction), ([], InvalidAction)])
def test_the_engine_refuses_a_wrong_hand_over(states, error):
    game = Game.new(load_scenario(NARVA, "narva.yaml"), mode=Mode.EXERCISE,
                    controls={"USA": Control.PLAYER, "POL": Control.NPC})
    with pytest.raises(error):
        game.assign(states, Control.PLAYER)


def test_a_late_cell_joins_through_the_api_and_decides(app):
    ex = new_exercise(app, "narva-drill.yaml", cells={"United States": ["USA"]})
    eid = ex["id"]
    umpire = umpire_client(app)
    for step in ("open-turn", "close-turn"):
        umpire.post(f"/x/{eid}/{step}", data={"csrf_token": csrf(umpire)})
    r = app.test_client().post(f"/api/v1/exercises/{eid}/cells", json={"name": "Warsaw", "states": ["POL"]},
                               headers=bearer(UMPIRE_TOKEN))
    assert r.status_code == 201, r.get_data(as_text=True)
    added = r.get_json()
    assert added["states"] == ["POL"] and added["name"] == "Warsaw"
    umpire.post(f"/x/{eid}/open-turn", data={"csrf_token": csrf(umpire)})
    warsaw = cell_client(app, added["join_url"])
    r = warsaw.post(f"/x/{eid}/cell/decide", data={"csrf_token": csrf(warsaw), "state": "POL", "attack": "narva",
                                                    "response": "limited"})
    assert r.status_code == 303, r.get_data(as_text=True)
    view = app.test_client().get(f"/api/v1/exercises/{eid}", headers=bearer(added["token"])).get_json()
    assert [(d["state"], d["response"], d["source"]) for d in view["due"]] == [("POL", "limited", "player")]


@pytest.mark.parametrize("body,status", [
    ({"name": "United States", "states": ["POL"]}, 400),   # a cell of that name exists
    ({"name": "Again", "states": ["USA"]}, 400),           # the state is a cell's already
    ({"name": "Nobody", "states": ["XXX"]}, 400),
    ({"name": "", "states": ["POL"]}, 400),
    ({"name": "Warsaw"}, 400),
])
def test_a_wrong_late_cell_is_refused_with_a_reason(app, body, status):
    ex = new_exercise(app, "narva-drill.yaml", cells={"United States": ["USA"]})
    r = app.test_client().post(f"/api/v1/exercises/{ex['id']}/cells", json=body, headers=bearer(UMPIRE_TOKEN))
    assert r.status_code == status and r.get_json()["error"]


def test_the_setup_page_adds_a_cell_after_the_start(app):
    ex = new_exercise(app, "narva-drill.yaml", cells={"United States": ["USA"]})
    umpire = umpire_client(app)
    page = umpire.get(f"/x/{ex['id']}/setup").get_data(as_text=True)
    assert "Add a cell now" in page and 'value="POL"' in page and 'name="states" value="USA"' not in page
    r = umpire.post(f"/x/{ex['id']}/cells", data={"csrf_token": csrf(umpire), "name": "Warsaw", "states": ["POL"]})
    assert r.status_code == 303
    assert "join link for Warsaw" in umpire.get(f"/x/{ex['id']}/setup").get_data(as_text=True)
