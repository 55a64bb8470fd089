"""The console opened on a database the command line wrote (`casus play --db`, `casus replay --db`)."""
from __future__ import annotations

from pathlib import Path

import pytest

from casus.cli import main
from tests.e2e.support import bearer, make_app, new_exercise, umpire_client

ROOT = Path(__file__).resolve().parents[1]
RECORDED = [("play", ROOT / "scenarios" / "baltic-2027.yaml"),
            ("replay", ROOT / "scenarios" / "history" / "1939-poland.yaml")]


@pytest.fixture(params=RECORDED, ids=[c for c, _ in RECORDED])
def app(request, tmp_path, capsys):
    command, scenario = request.param
    db = tmp_path / "casus.db"
    assert main([command, str(scenario), "--turns", "2", "--db", str(db)]) == 0
    capsys.readouterr()
    return make_app(tmp_path, DB=str(db))


def test_the_home_page_opens_and_names_the_recorded_games(app):
    ex = new_exercise(app, "narva-drill.yaml")
    page = umpire_client(app).get("/")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert ex["id"] in text                                   # the exercise beside them
    assert "recorded on the command line" in text


def test_the_api_lists_only_exercises(app):
    ex = new_exercise(app, "narva-drill.yaml")
    listed = app.test_client().get("/api/v1/exercises", headers=bearer("umpire-token-for-tests"))
    assert listed.status_code == 200
    assert [x["id"] for x in listed.get_json()] == [ex["id"]]


def test_opening_a_recorded_game_says_what_it_is(app):
    store = app.extensions["casus"].store
    (recorded,) = store.games()
    umpire = umpire_client(app)
    r = umpire.get(f"/x/{recorded.id}")
    assert r.status_code == 404
    assert "casus play or casus replay" in r.get_data(as_text=True)
    api = app.test_client().get(f"/api/v1/exercises/{recorded.id}", headers=bearer("umpire-token-for-tests"))
    assert api.status_code == 404 and "casus play or casus replay" in api.get_json()["error"]
