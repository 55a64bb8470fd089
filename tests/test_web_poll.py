"""A page knows which state of play it shows, so its first poll can tell it has fallen behind."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.e2e.support import bearer, cell_client, csrf, make_app, new_exercise, umpire_client


@pytest.fixture
def app(tmp_path):
    return make_app(tmp_path)


def _version(html: str) -> str:
    found = re.search(r'<body[^>]*\sdata-version="([^"]+)"', html)
    assert found, "the page names the version of the state it shows"
    return found.group(1)


@pytest.mark.parametrize("who", ["cell", "umpire"])
def test_a_page_carries_the_version_its_poll_compares_with(app, who):
    ex = new_exercise(app, "narva-drill.yaml")
    umpire = umpire_client(app)
    if who == "cell":
        client = cell_client(app, ex["cells"]["United States"]["join_url"])
        page, poll = f"/x/{ex['id']}/cell", f"/x/{ex['id']}/cell/poll"
    else:
        client, page, poll = umpire, f"/x/{ex['id']}", f"/x/{ex['id']}/poll"
    shown = _version(client.get(page).get_data(as_text=True))
    assert client.get(poll).get_json()["version"] == shown                  # nothing moved: no reload
    umpire.post(f"/x/{ex['id']}/open-turn", data={"csrf_token": csrf(umpire)})
    assert client.get(poll).get_json()["version"] != shown                  # the page is behind: reload


def test_the_script_takes_its_baseline_from_the_page_not_from_its_first_poll():
    js = (Path(__file__).resolve().parents[1] / "web" / "static" / "casus.js").read_text()
    assert 'getAttribute("data-version")' in js


def test_the_api_and_a_preview_carry_no_poll(app):
    ex = new_exercise(app, "narva-drill.yaml")
    preview = umpire_client(app).get(f"/x/{ex['id']}/preview/United%20States").get_data(as_text=True)
    assert "data-poll" not in preview
    assert app.test_client().get(f"/api/v1/exercises/{ex['id']}",
                                 headers=bearer("umpire-token-for-tests")).status_code == 200
