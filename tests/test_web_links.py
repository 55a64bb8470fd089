"""Join links: where they point, what a replaced one says, and switching cells only when asked."""
from __future__ import annotations

import json
import re
import urllib.request

import pytest

from tests.e2e.support import UMPIRE_TOKEN, Server, bearer, csrf, make_app, new_exercise, umpire_client, write_scenarios

UMPIRE = bearer(UMPIRE_TOKEN)


@pytest.fixture
def app(tmp_path):
    return make_app(tmp_path, PUBLIC_URL="http://10.0.0.5:8080")


def _path(url: str) -> str:
    return "/" + url.split("://", 1)[1].split("/", 1)[1]


def _joined(app, url: str):
    client = app.test_client()
    assert client.get(_path(url)).status_code == 303
    return client


# --- where the links point ------------------------------------------------------------------------

def test_join_links_use_the_configured_address_never_the_requests_host(app):
    forged = {"Host": "evil.example"}
    r = app.test_client().post("/api/v1/exercises", json={"scenario": "secret-pact.yaml"},
                               headers=UMPIRE | forged)
    links = [c["join_url"] for c in r.get_json()["cells"].values()]
    assert links and all(u.startswith("http://10.0.0.5:8080/x/") for u in links)
    umpire = app.test_client()
    umpire.get(f"/?token={UMPIRE_TOKEN}", headers=forged)
    for page in ("setup", "links"):
        html = umpire.get(f"/x/{r.get_json()['id']}/{page}", headers=forged).get_data(as_text=True)
        assert "http://10.0.0.5:8080/x/" in html and "evil.example" not in html


def test_casus_serve_puts_its_bound_address_in_the_links(tmp_path):
    srv = Server(tmp_path / "casus.db", write_scenarios(tmp_path / "scenarios"), tmp_path / "instance")
    try:
        req = urllib.request.Request(srv.base + "/api/v1/exercises", method="POST",
                                     data=json.dumps({"scenario": "narva-drill.yaml"}).encode(),
                                     headers={"Authorization": f"Bearer {UMPIRE_TOKEN}", "Host": "evil.example",
                                              "Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=10) as answer:
            cells = json.loads(answer.read())["cells"]
    finally:
        srv.stop()
    assert all(c["join_url"].startswith(f"http://127.0.0.1:{srv.port}/x/") for c in cells.values())


# --- a replaced link ------------------------------------------------------------------------------

@pytest.fixture
def pact(app):
    ex = new_exercise(app, "secret-pact.yaml")
    return ex, umpire_client(app)


def _reissue(umpire, eid: str, cell: str) -> None:
    r = umpire.post(f"/x/{eid}/cells/{cell}/reissue", data={"csrf_token": csrf(umpire)})
    assert r.status_code == 303


def test_a_replaced_link_says_so_when_followed(app, pact):
    ex, umpire = pact
    (cell, entry), *_ = ex["cells"].items()
    _reissue(umpire, ex["id"], cell)
    r = app.test_client().get(_path(entry["join_url"]))
    assert r.status_code == 401
    text = r.get_data(as_text=True)
    assert f"The join link of {cell} has been replaced" in text and "ask the umpire" in text.lower()


def test_the_page_of_a_replaced_link_says_so_instead_of_failing_silently(app, pact):
    ex, umpire = pact
    (cell, entry), *_ = ex["cells"].items()
    browser = _joined(app, entry["join_url"])
    assert browser.get(f"/x/{ex['id']}/cell").status_code == 200
    _reissue(umpire, ex["id"], cell)
    page = browser.get(f"/x/{ex['id']}/cell")
    assert page.status_code == 403
    assert f"The join link of {cell} has been replaced" in page.get_data(as_text=True)
    poll = browser.get(f"/x/{ex['id']}/cell/poll")
    assert poll.status_code == 403 and poll.get_json()["replaced"] is True
    assert "replaced" in poll.get_json()["error"]


def test_the_page_script_reloads_when_its_poll_is_refused():
    """A refused poll (a replaced link, an expired session) reloads, so the page says why."""
    from pathlib import Path
    js = (Path(__file__).resolve().parents[1] / "web" / "static" / "casus.js").read_text()
    assert re.search(r"status === 403", js) and "location.reload" in js


# --- switching cells --------------------------------------------------------------------------------

def test_following_another_cells_link_asks_before_switching(app, pact):
    ex, _ = pact
    (first, one), (second, two) = list(ex["cells"].items())[:2]
    browser = _joined(app, one["join_url"])
    r = browser.get(_path(two["join_url"]))
    assert r.status_code == 200
    text = r.get_data(as_text=True)
    assert first in text and second in text and "Switch" in text
    assert _cell_heading(browser, ex["id"]) == first                  # nothing switched yet
    token = re.search(r'name="token" value="([^"]+)"', text).group(1)
    r = browser.post(f"/x/{ex['id']}/join", data={"csrf_token": csrf(browser), "token": token})
    assert r.status_code == 303
    assert _cell_heading(browser, ex["id"]) == second


def test_the_switch_needs_the_csrf_token(app, pact):
    ex, _ = pact
    (_, one), (_, two) = list(ex["cells"].items())[:2]
    browser = _joined(app, one["join_url"])
    token = two["join_url"].split("token=")[1]
    assert browser.post(f"/x/{ex['id']}/join", data={"token": token}).status_code == 400


def test_following_ones_own_link_again_asks_nothing(app, pact):
    ex, _ = pact
    (_, one), *_ = ex["cells"].items()
    browser = _joined(app, one["join_url"])
    assert browser.get(_path(one["join_url"])).status_code == 303


def _cell_heading(client, eid: str) -> str:
    html = client.get(f"/x/{eid}/cell").get_data(as_text=True)
    return re.search(r'<span class="turn">(.*?)</span>', html, re.S).group(1).strip()


@pytest.mark.parametrize("host,port,expected", [("127.0.0.1", 5000, "http://127.0.0.1:5000"),
                                                ("192.168.1.20", 8080, "http://192.168.1.20:8080"),
                                                ("::1", 5000, "http://[::1]:5000")])
def test_the_public_address_is_the_bound_one(host, port, expected):
    from casus.commands.serve import public_url
    assert public_url(host, port) == expected


def test_listening_everywhere_points_links_at_a_reachable_address():
    from casus.commands.serve import public_url
    url = public_url("0.0.0.0", 5000)
    assert url.startswith("http://") and url.endswith(":5000") and "0.0.0.0" not in url
