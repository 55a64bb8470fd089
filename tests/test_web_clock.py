"""The exercise's clock: elapsed time and the decision deadline, visible to every role."""
from __future__ import annotations

import datetime as dt

import pytest

from engine.store import MemoryStore
from tests.e2e.support import UMPIRE_TOKEN, bearer, cell_client, csrf, make_app, new_exercise, umpire_client
from web.clock import hms


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    return make_app(tmp_path_factory.mktemp("clock"), store=MemoryStore())


@pytest.mark.parametrize("seconds,words", [(0, "0:00:00"), (59, "0:00:59"), (3600 + 62, "1:01:02"),
                                           (3 * 3600 + 59 * 60 + 59.9, "3:59:59")])
def test_elapsed_time_reads_as_hours_minutes_seconds(seconds, words):
    assert hms(seconds) == words


def test_every_role_sees_the_elapsed_time_and_the_deadline(app):
    ex = new_exercise(app, cells={"Rome": ["ITA"], "Berlin": ["GER"]}, observers=["Staff"])
    eid = ex["id"]
    umpire = umpire_client(app)
    umpire.post(f"/x/{eid}/open-turn", data={"csrf_token": csrf(umpire)})
    umpire.post(f"/x/{eid}/deadline", data={"csrf_token": csrf(umpire), "minutes": "10"})
    soon = dt.datetime.now(dt.UTC) + dt.timedelta(minutes=10)
    due = {soon.strftime("%H:%M"), (soon + dt.timedelta(seconds=5)).strftime("%H:%M")}  # a minute may turn
    for token in (UMPIRE_TOKEN, ex["cells"]["Rome"]["token"], ex["observers"]["Staff"]["token"]):
        clock = app.test_client().get(f"/api/v1/exercises/{eid}", headers=bearer(token)).get_json()["clock"]
        began = dt.datetime.fromisoformat(clock["started_at"])
        assert 0 <= (dt.datetime.now(dt.UTC) - began).total_seconds() < 60 and clock["deadline"]
    rome = cell_client(app, ex["cells"]["Rome"]["join_url"])
    pages = [rome.get(f"/x/{eid}/cell"), umpire.get(f"/x/{eid}"), umpire.get(f"/x/{eid}/observer")]
    for page in pages:
        text = page.get_data(as_text=True)
        assert "Exercise time" in text and "decisions are due by" in text
        assert any(f"due by {hhmm} UTC" in text for hhmm in due)


def test_an_exercise_not_yet_started_has_no_clock(app):
    ex = new_exercise(app, start=False)
    clock = app.test_client().get(f"/api/v1/exercises/{ex['id']}", headers=bearer(UMPIRE_TOKEN)).get_json()["clock"]
    assert clock == {"started_at": None, "deadline": None}
