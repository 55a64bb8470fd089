"""The umpire's and the cells' pages, driven as a facilitator would drive them."""
from __future__ import annotations

import io
import json
import re

import pytest

from engine.events import loads as load_events
from engine.scenario import MAX_BYTES
from tests.e2e.support import NARVA, bearer, cell_client, csrf, make_app, narva_under_way, umpire_client


@pytest.fixture
def app(tmp_path):
    return make_app(tmp_path)   # the real SQLite store


@pytest.fixture
def drill(app):
    return narva_under_way(app)


def post(client, url, **data):
    return client.post(url, data={"csrf_token": csrf(client), **data})


def test_create_from_a_shipped_scenario_then_set_up_cells_and_start(app):
    umpire = umpire_client(app)
    r = post(umpire, "/exercises", scenario="narva-drill.yaml", title="Syndicate A")
    assert r.status_code == 303
    eid = r.headers["Location"].rstrip("/").split("/")[-2]
    page = umpire.get(f"/x/{eid}/setup").get_data(as_text=True)
    assert 'value="United States"' in page and "/join?token=" in page
    r = post(umpire, f"/x/{eid}/setup", **{"cell-USA": "Washington", "cell-POL": "Washington",
                                            "cell-EST": "Tallinn", "start": "1"})
    assert r.status_code == 303 and r.headers["Location"].endswith(f"/x/{eid}")
    view = app.test_client().get(f"/api/v1/exercises/{eid}", headers=bearer("umpire-token-for-tests")).get_json()
    assert view["cells"] == {"Tallinn": ["EST"], "Washington": ["USA", "POL"]}
    assert view["title"] == "Syndicate A"
    started = view["events"][0]["payload"]["controls"]
    assert started["EST"] == "player" and started["GBR"] == "npc"
    post(umpire, f"/x/{eid}/setup", **{"cell-GBR": "London"})      # the cells are fixed once started
    again = app.test_client().get(f"/api/v1/exercises/{eid}", headers=bearer("umpire-token-for-tests")).get_json()
    assert again["cells"] == view["cells"]


def test_an_uploaded_scenario_with_mistakes_shows_every_located_problem(app):
    umpire = umpire_client(app)
    bad = NARVA.replace("regime: democracy, region: north-america", "regime: democrazy, region: north-america") \
               .replace("turns: 3", "turns: 3\ndeploymints: []")
    r = umpire.post("/exercises", data={"csrf_token": csrf(umpire),
                                        "file": (io.BytesIO(bad.encode()), "drill.yaml")},
                    content_type="multipart/form-data")
    assert r.status_code == 422
    page = r.get_data(as_text=True)
    assert "drill.yaml:6:" in page and "deploymints" in page and "deployments" in page
    assert "states[0].regime" in page
    good = umpire.post("/exercises", data={"csrf_token": csrf(umpire),
                                           "file": (io.BytesIO(NARVA.encode()), "drill.yaml")},
                       content_type="multipart/form-data")
    assert good.status_code == 303


def test_an_upload_over_five_megabytes_is_refused(app):
    umpire = umpire_client(app)
    big = b"# " + b"x" * (MAX_BYTES + 100 * 1024) + b"\n"
    r = umpire.post("/exercises", data={"csrf_token": csrf(umpire), "file": (io.BytesIO(big), "big.yaml")},
                    content_type="multipart/form-data")
    assert r.status_code == 413
    assert "5 MB" in r.get_data(as_text=True)


def test_scenario_text_is_escaped_everywhere(app):
    umpire = umpire_client(app)
    evil = NARVA.replace("Moscow warns Tallinn.", "<script>alert(1)</script>").replace(
        "name: Poland", 'name: "Poland <b onmouseover=x>"')
    r = umpire.post("/exercises", data={"csrf_token": csrf(umpire),
                                        "file": (io.BytesIO(evil.encode()), "evil.yaml")},
                    content_type="multipart/form-data")
    eid = r.headers["Location"].rstrip("/").split("/")[-2]
    post(umpire, f"/x/{eid}/setup", **{"cell-POL": "Warsaw", "start": "1"})
    post(umpire, f"/x/{eid}/open-turn")
    for url in (f"/x/{eid}", f"/x/{eid}/report", f"/x/{eid}/history", f"/x/{eid}/setup", f"/x/{eid}/preview/Warsaw"):
        body = umpire.get(url).get_data(as_text=True)
        assert "<script>alert" not in body and "<b onmouseover" not in body, url
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in umpire.get(f"/x/{eid}").get_data(as_text=True)


def test_a_turn_waits_for_the_cells_and_the_umpire_overrides_the_missing_one(app, drill):
    ex, umpire = drill
    eid = ex["id"]
    usa = cell_client(app, ex["cells"]["United States"]["join_url"])
    page = usa.get(f"/x/{eid}/cell").get_data(as_text=True)
    assert "Russian forces cross at Narva." in page and 'value="narva"' in page
    r = post(usa, f"/x/{eid}/cell/decide", state="USA", attack="narva", response="limited",
             rationale="wait for the council", statement="We stand with Estonia.", turn="2")
    assert r.status_code == 303
    r = post(usa, f"/x/{eid}/cell/decide", state="USA", attack="narva", response="full", turn="2")  # a revision
    assert r.status_code == 303
    r = post(umpire, f"/x/{eid}/close-turn")
    dash = umpire.get(r.headers["Location"]).get_data(as_text=True)
    assert "The turn cannot close yet" in dash and "Waiting for the cells" in dash and "Poland" in dash
    r = post(umpire, f"/x/{eid}/override", state="POL", attack="narva", response="limited", reason=" ")
    assert r.status_code == 400 and "needs a reason" in r.get_data(as_text=True)
    assert post(umpire, f"/x/{eid}/override", state="POL", attack="narva", response="limited",
                reason="Warsaw's cell is at lunch").status_code == 303
    post(umpire, f"/x/{eid}/close-turn")
    view = app.test_client().get(f"/api/v1/exercises/{eid}", headers=bearer("umpire-token-for-tests")).get_json()
    assert view["status"] == "ready" and view["turn"] == 2
    report = umpire.get(f"/x/{eid}/report").get_data(as_text=True)
    assert "Warsaw&#39;s cell is at lunch" in report and "wait for the council" not in report  # revised away
    assert "2 versions" in report
    poland = cell_client(app, ex["cells"]["Poland"]["join_url"]).get(f"/x/{eid}/cell").get_data(as_text=True)
    assert "We stand with Estonia." not in poland   # the statement was dropped by the revision
    assert "Your answers" in poland and "set by the umpire" in poland   # its own answer, as it stands


def test_a_cell_cannot_decide_when_paused_after_the_deadline_or_for_a_past_turn(app, drill):
    ex, umpire = drill
    eid = ex["id"]
    usa = cell_client(app, ex["cells"]["United States"]["join_url"])
    decide = dict(state="USA", attack="narva", response="full", turn="2")
    post(umpire, f"/x/{eid}/pause")
    r = post(usa, f"/x/{eid}/cell/decide", **decide)
    assert r.status_code == 409 and "paused" in r.get_data(as_text=True)
    post(umpire, f"/x/{eid}/resume")
    post(umpire, f"/x/{eid}/deadline", minutes="5")
    poll = usa.get(f"/x/{eid}/cell/poll").get_json()
    assert 290 <= poll["seconds_left"] <= 300
    post(umpire, f"/x/{eid}/pause")
    assert 290 <= usa.get(f"/x/{eid}/cell/poll").get_json()["seconds_left"] <= 300  # frozen while paused
    post(umpire, f"/x/{eid}/resume")
    app.extensions["casus"].update_meta(eid, {"deadline": "2000-01-01T00:00:00+00:00"})
    r = post(usa, f"/x/{eid}/cell/decide", **decide)
    assert r.status_code == 409 and "deadline has passed" in r.get_data(as_text=True)
    post(umpire, f"/x/{eid}/deadline", minutes="")
    assert post(usa, f"/x/{eid}/cell/decide", **{**decide, "turn": "1"}).status_code == 409
    assert post(usa, f"/x/{eid}/cell/decide", **decide).status_code == 303


def test_a_stale_page_is_refused_with_409(app, drill):
    ex, umpire = drill
    eid = ex["id"]
    r = post(umpire, f"/x/{eid}/close-turn", expected_seq="3")
    assert r.status_code == 409 and "moved on" in r.get_data(as_text=True)


def test_manual_and_adhoc_injects_fire_and_undo_sets_the_turn_aside(app, drill):
    ex, umpire = drill
    eid = ex["id"]
    dash = umpire.get(f"/x/{eid}").get_data(as_text=True)
    assert "Manual inject awaiting you" in dash and "Drones strike the battlegroup" in dash
    assert post(umpire, f"/x/{eid}/trigger", inject="drones").status_code == 303
    assert post(umpire, f"/x/{eid}/trigger", inject="drones").status_code == 409
    r = post(umpire, f"/x/{eid}/fire", kind="cyber-attack", actor="RUS", target="POL", severity="0.4",
             attribution="0.5", text="Warsaw's power grid fails.", visibility="all")
    assert r.status_code == 303
    assert post(umpire, f"/x/{eid}/fire", kind="armed-attack", actor="", target="POL", text="x").status_code == 400
    events = umpire.get(f"/x/{eid}/events.jsonl").get_data(as_text=True)
    fired = [e.inject for e in load_events(events) if e.kind == "inject-fired"]
    assert fired[-2:] == ["drones", "adhoc-2-1"]
    r = post(umpire, f"/x/{eid}/undo")
    assert r.status_code == 303
    after = load_events(umpire.get(f"/x/{eid}/events.jsonl").get_data(as_text=True))
    assert max(e.turn for e in after) == 1 and after[-1].kind == "turn-closed"


def test_branch_history_notes_and_compare(app, drill):
    ex, umpire = drill
    eid = ex["id"]
    api = app.test_client()
    for cell, answer in (("United States", "full"), ("Poland", "limited")):
        state = ex["cells"][cell]["token"]
        api.post(f"/api/v1/exercises/{eid}/decisions", headers=bearer(state),
                 json={"state": {"United States": "USA", "Poland": "POL"}[cell], "attack": "narva",
                       "response": answer})
    post(umpire, f"/x/{eid}/close-turn")
    r = post(umpire, f"/x/{eid}/note", text="the council split", bookmark="on", turn="1", back="history")
    assert r.status_code == 303 and "turn=1" in r.headers["Location"]
    page = umpire.get(f"/x/{eid}/history?turn=1").get_data(as_text=True)
    assert "the council split" in page and "Moscow warns Tallinn." in page
    assert "Russian forces cross at Narva." in umpire.get(f"/x/{eid}/history?turn=2").get_data(as_text=True)
    assert umpire.get(f"/x/{eid}/history?turn=99").status_code == 200   # clamped to the last turn
    r = post(umpire, f"/x/{eid}/branch", turn="2")
    what_if = r.headers["Location"].rstrip("/").split("/")[-2]
    setup = umpire.get(f"/x/{what_if}/setup").get_data(as_text=True)
    new_links = re.findall(r'value="(http://127.0.0.1:5000/x/[^"]+/join\?token=[^"]+)"', setup)
    assert new_links and all(f"/x/{what_if}/" in link for link in new_links)
    post(umpire, f"/x/{what_if}/open-turn")
    api.post(f"/api/v1/exercises/{what_if}/override", headers=bearer("umpire-token-for-tests"),
             json={"state": "USA", "attack": "narva", "response": "neutral", "reason": "what if Washington stays out"})
    api.post(f"/api/v1/exercises/{what_if}/override", headers=bearer("umpire-token-for-tests"),
             json={"state": "POL", "attack": "narva", "response": "limited", "reason": "as before"})
    post(umpire, f"/x/{what_if}/close-turn")
    page = umpire.get(f"/compare?x={eid}&x={what_if}&diverging=1").get_data(as_text=True)
    rows = re.findall(r'<tr class="diverges">(.*?)</tr>', page, re.S)
    assert any("United States" in row and "full" in row and "neutral" in row for row in rows)
    assert not any("Poland" in row for row in rows)


def test_exports_and_the_report(app, drill):
    ex, umpire = drill
    eid = ex["id"]
    for state in ("USA", "POL"):
        post(umpire, f"/x/{eid}/override", state=state, attack="narva", response="full", reason="for the test")
    post(umpire, f"/x/{eid}/close-turn")
    md = umpire.get(f"/x/{eid}/report.md")
    assert md.headers["Content-Disposition"].startswith("attachment;")
    assert md.get_data(as_text=True).startswith("# After-action report: Narva drill")
    csv_text = umpire.get(f"/x/{eid}/decisions.csv").get_data(as_text=True)
    assert csv_text.splitlines()[0].startswith("turn,attack,state,state_name")
    lines = umpire.get(f"/x/{eid}/events.jsonl").get_data(as_text=True).splitlines()
    assert json.loads(lines[0])["kind"] == "game-started"
    html = umpire.get(f"/x/{eid}/report").get_data(as_text=True)
    assert "Timeline" in html and "Commitments" in html and "<svg" in html


def test_the_cell_poll_changes_only_with_what_the_cell_can_see(app, drill):
    ex, umpire = drill
    eid = ex["id"]
    usa = cell_client(app, ex["cells"]["United States"]["join_url"])
    before = usa.get(f"/x/{eid}/cell/poll").get_json()["version"]
    post(umpire, f"/x/{eid}/note", text="for the umpire only")
    assert usa.get(f"/x/{eid}/cell/poll").get_json()["version"] == before
    post(umpire, f"/x/{eid}/trigger", inject="drones")
    assert usa.get(f"/x/{eid}/cell/poll").get_json()["version"] != before


def test_cells_may_ask_the_doctrine_only_when_the_umpire_allows_it(app, drill):
    ex, umpire = drill
    eid = ex["id"]
    usa = cell_client(app, ex["cells"]["United States"]["join_url"])
    url = f"/x/{eid}/cell/advice?state=USA&attack=narva"
    assert usa.get(url).status_code == 403
    post(umpire, f"/x/{eid}/setup", cell_advice="on")
    page = usa.get(url)
    assert page.status_code == 200 and "doctrine&#39;s answer is" in page.get_data(as_text=True)
    assert usa.get(f"/x/{eid}/cell/advice?state=POL&attack=narva").status_code == 403


def test_an_id_already_taken_is_drawn_again(app, monkeypatch):
    # Ids carry 24 random bits: a console with thousands of games of one scenario meets a
    # taken one now and then, and the new exercise (or what-if) must not fail on it.
    import web.ids as ids
    draws = iter(["aaaaaa", "aaaaaa", "aaaaaa", "bbbbbb", "cccccc"])
    monkeypatch.setattr(ids.secrets, "token_hex", lambda n: next(draws))
    api = app.test_client()
    made = [api.post("/api/v1/exercises", json={"scenario": "narva-drill.yaml"},
                     headers=bearer("umpire-token-for-tests")) for _ in range(3)]
    assert [r.status_code for r in made] == [201, 201, 201]
    assert [r.get_json()["id"] for r in made] == ["narva-drill-aaaaaa", "narva-drill-bbbbbb",
                                                  "narva-drill-cccccc"]


def test_a_console_out_of_ids_says_what_to_do(app, monkeypatch):
    import web.ids as ids
    monkeypatch.setattr(ids.secrets, "token_hex", lambda n: "aaaaaa")
    api = app.test_client()
    first = api.post("/api/v1/exercises", json={"scenario": "narva-drill.yaml"},
                     headers=bearer("umpire-token-for-tests"))
    again = api.post("/api/v1/exercises", json={"scenario": "narva-drill.yaml"},
                     headers=bearer("umpire-token-for-tests"))
    assert first.status_code == 201
    assert again.status_code != 500 and "no free id" in again.get_data(as_text=True)
