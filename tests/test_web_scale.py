"""A scenario of the size of the whole ATOP system in the console: pages that stay readable
(no hairball picture, the events list paged), the report and the log streamed."""
from __future__ import annotations

import yaml

from benchmarks.generate import generate_scenario
from engine.network_picture import MAX_DRAWN_STATES
from tests.e2e.support import bearer, make_app, umpire_client
from web.views import UPCOMING_SHOWN

UMPIRE = bearer("umpire-token-for-tests")


def _big_exercise(app) -> str:
    data = generate_scenario(MAX_DRAWN_STATES + 20, 60, 400, seed=3)
    made = app.test_client().post("/api/v1/exercises", headers=UMPIRE,
                                  json={"yaml": yaml.safe_dump(data, sort_keys=False), "name": "big.yaml"})
    assert made.status_code == 201, made.get_json()
    eid = made.get_json()["id"]
    assert app.test_client().post(f"/api/v1/exercises/{eid}/open-turn", headers=UMPIRE, json={}).status_code == 200
    return eid


def test_a_network_too_big_to_read_is_not_drawn_and_the_events_list_is_paged(tmp_path):
    app = make_app(tmp_path)
    eid = _big_exercise(app)
    umpire = umpire_client(app)
    page = umpire.get(f"/x/{eid}").get_data(as_text=True)
    assert 'class="network"' not in page and "treaty-by-treaty view" in page
    assert "more to come" in page and _rows(page) == UPCOMING_SHOWN
    everything = umpire.get(f"/x/{eid}?upcoming=all").get_data(as_text=True)
    assert _rows(everything) > UPCOMING_SHOWN and "more to come" not in everything


def _rows(page: str) -> int:
    """Injects listed as still to come (scheduled, or held for an inject they require)."""
    return page.count('<tr class="scheduled"') + page.count('<tr class="held"')


def test_the_report_and_the_log_are_streamed(tmp_path):
    app = make_app(tmp_path)
    eid = _big_exercise(app)
    umpire = umpire_client(app)
    for path in (f"/x/{eid}/report", f"/x/{eid}/events.jsonl"):
        response = umpire.get(path)
        assert response.status_code == 200 and response.is_streamed, path
        assert response.get_data(as_text=True)
