"""Observers: they see what the umpire sees, and every write route answers them 403.

The route × role matrix of the console (tests/test_web_auth.py) extended: an
observer of this exercise and one of another exercise, on every route, with the
routes of messages and observers added for every role.
"""
from __future__ import annotations

import pytest

from engine.store import MemoryStore
from tests.e2e.support import UMPIRE_TOKEN, bearer, cell_client, csrf, make_app, new_exercise, umpire_client
from tests.test_web_auth import API, PAGES, _path, expected

U, C, O = {"umpire"}, {"cell"}, {"observer"}
ROLES = ("anonymous", "cell", "other-cell", "umpire", "observer", "other-observer")

NEW_PAGES = [
    ("POST", "/x/E/messages", U), ("POST", "/x/E/channel", U), ("POST", "/x/E/cell/messages", C),
    ("POST", "/x/E/observers", U), ("POST", "/x/E/cells", U), ("GET", "/x/E/observer", U | O), ("GET", "/x/E/observer/poll", U | O),
]
NEW_API = [
    ("GET", "/api/v1/exercises/E/messages", U | C | O), ("POST", "/api/v1/exercises/E/messages", U | C),
    ("POST", "/api/v1/exercises/E/channel", U), ("POST", "/api/v1/exercises/E/cells", U),
    ("POST", "/api/v1/exercises/E/injects", U),
]
# What an observer may read besides its own page: the exercise and its messages, as the umpire does.
OBSERVER_READS = {"/api/v1/exercises", "/api/v1/exercises/E"}
ALL_PAGES = [(m, p, a | ({"observer"} if "observer" in a else set())) for m, p, a in PAGES + NEW_PAGES]
ALL_API = [(m, p, a | (O if m == "GET" and p in OBSERVER_READS else set())
            | ({"other-observer"} if (m, p) == ("GET", "/api/v1/exercises") else set()))
           for m, p, a in API + NEW_API]


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    return make_app(tmp_path_factory.mktemp("observers"), store=MemoryStore())


def observer_client(app, join_url: str):
    client = app.test_client()
    r = client.get("/" + join_url.split("://", 1)[-1].split("/", 1)[1])
    assert r.status_code == 303, r.get_data(as_text=True)
    return client


@pytest.fixture
def world(app):
    mine = new_exercise(app, cells={"Rome": ["ITA"], "Berlin": ["GER"]}, cell_advice=True,
                        observers=["Staff college", "Visitor"])
    other = new_exercise(app, "narva-drill.yaml", observers=["Elsewhere"])
    umpire = umpire_client(app)
    umpire.post(f"/x/{mine['id']}/open-turn", data={"csrf_token": csrf(umpire)})
    clients = {"anonymous": app.test_client(), "umpire": umpire,
               "cell": cell_client(app, mine["cells"]["Rome"]["join_url"]),
               "other-cell": cell_client(app, other["cells"]["Poland"]["join_url"]),
               "observer": observer_client(app, mine["observers"]["Visitor"]["join_url"]),
               "other-observer": observer_client(app, other["observers"]["Elsewhere"]["join_url"])}
    tokens = {"anonymous": None, "umpire": UMPIRE_TOKEN, "cell": mine["cells"]["Rome"]["token"],
              "other-cell": other["cells"]["Poland"]["token"], "observer": mine["observers"]["Visitor"]["token"],
              "other-observer": other["observers"]["Elsewhere"]["token"]}
    return app, mine["id"], clients, tokens


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("method,path,allowed", ALL_PAGES, ids=[f"{m} {p}" for m, p, _ in ALL_PAGES])
def test_pages_check_the_role(world, role, method, path, allowed):
    app, eid, clients, _ = world
    client = clients[role]
    url = _path(path, eid)
    response = client.get(url) if method == "GET" else client.post(url, data={"csrf_token": csrf(client)})
    want = expected(role, allowed)
    if want is None:
        assert response.status_code not in (401, 403), response.get_data(as_text=True)[:400]
    else:
        assert response.status_code == want


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("method,path,allowed", ALL_API, ids=[f"{m} {p}" for m, p, _ in ALL_API])
def test_api_checks_the_bearer_token(world, role, method, path, allowed):
    app, eid, _, tokens = world
    headers = bearer(tokens[role]) if tokens[role] else {}
    url = _path(path, eid)
    client = app.test_client()
    response = client.get(url, headers=headers) if method == "GET" else client.post(url, json={}, headers=headers)
    want = expected(role, allowed)
    if want is None:
        assert response.status_code not in (401, 403), response.get_data(as_text=True)[:400]
    else:
        assert response.status_code == want
        assert "error" in response.get_json()


@pytest.mark.parametrize("method,path", [(m, p) for m, p, _ in PAGES + NEW_PAGES + API + NEW_API if m == "POST"])
def test_every_write_route_answers_an_observer_403(world, method, path):
    app, eid, clients, tokens = world
    url = _path(path, eid)
    if path.startswith("/api/"):
        r = app.test_client().post(url, json={"to": "all", "text": "hi"}, headers=bearer(tokens["observer"]))
    else:
        r = clients["observer"].post(url, data={"csrf_token": csrf(clients["observer"])})
    assert r.status_code == 403


def test_an_observer_sees_what_the_umpire_sees(world):
    app, eid, clients, tokens = world
    umpire = app.test_client().get(f"/api/v1/exercises/{eid}", headers=bearer(UMPIRE_TOKEN)).get_json()
    seen = app.test_client().get(f"/api/v1/exercises/{eid}", headers=bearer(tokens["observer"])).get_json()
    assert seen == umpire and "cells" in seen
    # The secret pact a cell may not know of is on the observer's page, as on the umpire's.
    app.test_client().post(f"/api/v1/exercises/{eid}/messages", json={"to": ["Rome"], "text": "Rome only"},
                           headers=bearer(UMPIRE_TOKEN))
    page = clients["observer"].get(f"/x/{eid}/observer").get_data(as_text=True)
    assert "Rome only" in page and "cannot act" in page and 'name="text"' not in page


def test_the_setup_page_hands_out_observer_links(world):
    app, eid, clients, tokens = world
    umpire = clients["umpire"]
    r = umpire.post(f"/x/{eid}/observers", data={"csrf_token": csrf(umpire), "names": "Chief of staff, Press"})
    assert r.status_code == 303
    page = umpire.get(f"/x/{eid}/setup").get_data(as_text=True)
    assert "Chief of staff" in page and "/observe?token=" in page and tokens["observer"] in page
