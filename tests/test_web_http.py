"""What the console answers at the HTTP level: errors, the icon, refused input."""
from __future__ import annotations

import pytest

from tests.e2e.support import bearer, csrf, make_app, narva_under_way, new_exercise, umpire_client

UMPIRE = bearer("umpire-token-for-tests")


@pytest.fixture
def app(tmp_path):
    return make_app(tmp_path)


def test_the_icon_is_served_so_no_browser_logs_a_404(app):
    page = umpire_client(app).get("/").get_data(as_text=True)
    assert 'rel="icon"' in page
    for path in ("/favicon.ico", "/favicon.svg"):
        r = app.test_client().get(path)
        assert r.status_code == 200 and r.headers["Content-Type"].startswith("image/svg+xml")
        assert r.get_data(as_text=True).lstrip().startswith("<svg")


@pytest.mark.parametrize("method,path,allowed", [
    ("DELETE", "/api/v1/exercises", {"GET", "POST"}),
    ("PUT", "/api/v1/scenarios", {"GET"}),
    ("GET", "/api/v1/exercises/x/undo", {"POST"}),
])
def test_an_api_405_names_the_allowed_methods_in_json(app, method, path, allowed):
    r = app.test_client().open(path, method=method, headers=UMPIRE)
    assert r.status_code == 405
    assert allowed <= {m.strip() for m in r.headers["Allow"].split(",")}
    assert r.get_json()["status"] == 405


def test_a_page_405_names_the_allowed_methods_too(app):
    r = umpire_client(app).get("/x/some/undo")
    assert r.status_code == 405 and "POST" in r.headers["Allow"]


def test_an_unexpected_failure_under_the_api_is_json_never_an_html_page(app, monkeypatch):
    def broken():
        raise RuntimeError("disk on fire")
    monkeypatch.setattr(app.extensions["casus"], "exercises", broken)
    r = app.test_client().get("/api/v1/exercises", headers=UMPIRE)
    assert r.status_code == 500 and r.is_json
    assert r.get_json()["status"] == 500 and "disk on fire" not in r.get_json()["error"]   # no internals leak


@pytest.mark.parametrize("path", ["/api/v1/nowhere", "/api/v1/exercises/none"])
def test_api_errors_are_json(app, path):
    r = app.test_client().get(path, headers=UMPIRE)
    assert r.status_code == 404 and r.is_json


@pytest.mark.parametrize("minutes", ["nan", "NaN", "inf", "-inf", "-5", "1e400", "100000", "1e308"])
def test_a_deadline_that_is_not_a_sensible_number_of_minutes_is_refused_plainly(app, minutes):
    ex, umpire = narva_under_way(app)
    r = umpire.post(f"/x/{ex['id']}/deadline", data={"csrf_token": csrf(umpire), "minutes": minutes})
    assert r.status_code == 400
    assert "minutes" in r.get_data(as_text=True)
    assert app.test_client().get(f"/api/v1/exercises/{ex['id']}", headers=UMPIRE).get_json()["seconds_left"] is None


@pytest.mark.parametrize("minutes,left", [("10", 600), ("", None), ("0", None), ("1.5", 90)])
def test_a_sensible_deadline_is_set_or_cleared(app, minutes, left):
    ex, umpire = narva_under_way(app)
    r = umpire.post(f"/x/{ex['id']}/deadline", data={"csrf_token": csrf(umpire), "minutes": minutes})
    assert r.status_code == 303
    got = app.test_client().get(f"/api/v1/exercises/{ex['id']}", headers=UMPIRE).get_json()["seconds_left"]
    assert got == left or (left is not None and abs(got - left) <= 2)


def test_the_history_stepper_uses_no_glyph_a_browser_may_lack(app):
    ex = new_exercise(app, "narva-drill.yaml")
    umpire = umpire_client(app)
    umpire.post(f"/x/{ex['id']}/open-turn", data={"csrf_token": csrf(umpire)})
    page = umpire.get(f"/x/{ex['id']}/history").get_data(as_text=True)
    stepper = page.split('class="row stepper"', 1)[1].split("</nav>", 1)[0]
    assert "First" in stepper and "Last" in stepper
    # Latin-1 and the single guillemets: in every font a browser falls back to, no media-control glyphs.
    assert all(ord(ch) < 0x100 or ch in "‹›" for ch in stepper), stepper
