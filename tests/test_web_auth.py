"""Who may use which route: anonymous, a cell (of this exercise or another), the umpire.

Every route checks its role on the server. Nobody signed in gets 401; a role
that may not use the route gets 403; the role that may is let through (its
answer then depends on the state of play, but is never 401 or 403). Forms
carry a valid CSRF token here, so that what is tested is the role alone.
"""
from __future__ import annotations

import pytest

from engine.store import MemoryStore
from tests.e2e.support import UMPIRE_TOKEN, bearer, cell_client, csrf, make_app, new_exercise, umpire_client

ROLES = ("anonymous", "cell", "other-cell", "umpire", "observer", "other-observer")
U, C, O = {"umpire"}, {"cell"}, {"observer"}

# (method, path, roles allowed); E is the exercise, K one of its cells.
PAGES = [
    ("GET", "/x/E/setup", U), ("GET", "/x/E/links", U), ("GET", "/x/E", U), ("GET", "/x/E/poll", U),
    ("GET", "/x/E/history", U), ("GET", "/x/E/preview/K", U), ("GET", "/x/E/report", U),
    ("GET", "/x/E/report.md", U), ("GET", "/x/E/events.jsonl", U), ("GET", "/x/E/decisions.csv", U),
    ("GET", "/compare?x=E", U), ("GET", "/x/E/whatif", U),
    ("POST", "/exercises", U), ("POST", "/x/E/setup", U), ("POST", "/x/E/cells/K/reissue", U),
    ("POST", "/x/E/open-turn", U), ("POST", "/x/E/close-turn", U), ("POST", "/x/E/trigger", U),
    ("POST", "/x/E/fire", U), ("POST", "/x/E/override", U), ("POST", "/x/E/undo", U),
    ("POST", "/x/E/deadline", U), ("POST", "/x/E/pause", U), ("POST", "/x/E/resume", U),
    ("POST", "/x/E/note", U), ("POST", "/x/E/branch", U), ("POST", "/x/E/whatif", U),
    ("GET", "/x/E/cell", C), ("GET", "/x/E/cell/poll", C), ("GET", "/x/E/cell/advice?state=ITA&attack=war", C),
    ("POST", "/x/E/cell/decide", C),
    ("POST", "/x/E/messages", U), ("POST", "/x/E/channel", U), ("POST", "/x/E/cell/messages", C),
    ("POST", "/x/E/observers", U), ("POST", "/x/E/cells", U), ("GET", "/x/E/observer", U | O),
    ("GET", "/x/E/observer/poll", U | O),
]
API = [
    ("GET", "/api/v1/scenarios", U),
    ("GET", "/api/v1/exercises", U | C | O | {"other-cell", "other-observer"}),
    # An observer reads the exercise and its messages, as the umpire does, and writes nothing.
    ("POST", "/api/v1/exercises", U), ("GET", "/api/v1/exercises/E", U | C | O),
    ("GET", "/api/v1/exercises/E/export", U), ("POST", "/api/v1/exercises/E/decisions", C),
    ("POST", "/api/v1/exercises/E/override", U), ("POST", "/api/v1/exercises/E/open-turn", U),
    ("POST", "/api/v1/exercises/E/close-turn", U), ("POST", "/api/v1/exercises/E/undo", U),
    ("GET", "/api/v1/exercises/E/messages", U | C | O), ("POST", "/api/v1/exercises/E/messages", U | C),
    ("POST", "/api/v1/exercises/E/channel", U), ("POST", "/api/v1/exercises/E/cells", U),
    ("POST", "/api/v1/exercises/E/injects", U),
]


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    return make_app(tmp_path_factory.mktemp("auth"), store=MemoryStore())


def observer_client(app, join_url: str):
    client = app.test_client()
    r = client.get("/" + join_url.split("://", 1)[-1].split("/", 1)[1])
    assert r.status_code == 303, r.get_data(as_text=True)
    return client


@pytest.fixture
def world(app):
    """A fresh exercise (turn 1 open) for each case, so that one case's action cannot sway another;
    a cell and an observer of it, and of another exercise."""
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


def expected(role: str, allowed: set[str]) -> int | None:
    if role in allowed:
        return None
    return 401 if role == "anonymous" else 403


def _path(path: str, eid: str) -> str:
    return path.replace("/E", f"/{eid}").replace("x=E", f"x={eid}").replace("/K/", "/Rome/").replace(
        "/preview/K", "/preview/Rome")


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("method,path,allowed", PAGES, ids=[f"{m} {p}" for m, p, _ in PAGES])
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
@pytest.mark.parametrize("method,path,allowed", API, ids=[f"{m} {p}" for m, p, _ in API])
def test_api_checks_the_bearer_token(world, role, method, path, allowed):
    app, eid, _, tokens = world
    client = app.test_client()
    headers = bearer(tokens[role]) if tokens[role] else {}
    url = _path(path, eid)
    response = client.get(url, headers=headers) if method == "GET" else client.post(url, json={}, headers=headers)
    want = expected(role, allowed)
    if want is None:
        assert response.status_code not in (401, 403), response.get_data(as_text=True)[:400]
    else:
        assert response.status_code == want
        assert "error" in response.get_json()
    if want == 401:
        assert response.headers["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize("token", ["", "nonsense", UMPIRE_TOKEN + "x"])
def test_a_wrong_token_is_refused_everywhere(world, token):
    app, eid, _, _ = world
    client = app.test_client()
    assert client.get(f"/?token={token}").status_code == 401
    assert client.get(f"/x/{eid}/join?token={token}").status_code == 401
    assert client.get(f"/x/{eid}").status_code == 401
    assert client.get("/api/v1/exercises", headers=bearer(token) if token else {}).status_code == 401


def test_the_api_ignores_session_cookies(world):
    """A browser signed in as umpire cannot be made to act through the API (no CSRF there)."""
    _, eid, clients, _ = world
    assert clients["umpire"].post(f"/api/v1/exercises/{eid}/undo", json={}).status_code == 401


def test_forms_without_the_csrf_token_are_refused(world):
    _, eid, clients, _ = world
    for client, url in ((clients["umpire"], f"/x/{eid}/close-turn"), (clients["cell"], f"/x/{eid}/cell/decide")):
        assert client.post(url, data={}).status_code == 400
        assert client.post(url, data={"csrf_token": "forged"}).status_code == 400


def test_a_cell_token_works_only_in_its_own_exercise(world):
    app, eid, _, tokens = world
    client = app.test_client()
    assert client.get(f"/api/v1/exercises/{eid}", headers=bearer(tokens["other-cell"])).status_code == 403
    other_id = client.get("/api/v1/exercises", headers=bearer(tokens["other-cell"])).get_json()[0]["id"]
    assert client.get(f"/x/{other_id}/join?token={tokens['cell']}").status_code == 401


def test_a_replaced_join_link_shuts_out_the_old_session(world):
    app, eid, clients, tokens = world
    umpire = clients["umpire"]
    assert clients["cell"].get(f"/x/{eid}/cell").status_code == 200
    umpire.post(f"/x/{eid}/cells/Rome/reissue", data={"csrf_token": csrf(umpire)})
    assert clients["cell"].get(f"/x/{eid}/cell").status_code == 403
    assert app.test_client().get(f"/api/v1/exercises/{eid}", headers=bearer(tokens["cell"])).status_code == 401


def test_the_session_cookie_is_http_only_and_same_site(tmp_path):
    app = make_app(tmp_path, store=MemoryStore())
    response = app.test_client().get(f"/?token={UMPIRE_TOKEN}")
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie
    secure = make_app(tmp_path / "s", store=MemoryStore(), SESSION_COOKIE_SECURE=True)
    assert "Secure" in secure.test_client().get(f"/?token={UMPIRE_TOKEN}").headers["Set-Cookie"]


def test_pages_forbid_framing_scripts_from_elsewhere_and_referrers(world):
    _, eid, clients, _ = world
    headers = clients["umpire"].get(f"/x/{eid}").headers
    assert "script-src 'self'" in headers["Content-Security-Policy"]
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "no-referrer"
    assert headers["Cache-Control"] == "no-store"


# --- observers: they see what the umpire sees, and every write route answers them 403 ---

@pytest.mark.parametrize("method,path", [(m, p) for m, p, _ in PAGES + API if m == "POST"])
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
