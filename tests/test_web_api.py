"""The JSON API: the same actions as the pages, by bearer token; its OpenAPI description."""
from __future__ import annotations

import pytest

from engine.store import MemoryStore
from tests.e2e.support import NARVA, UMPIRE_TOKEN, bearer, make_app

UMPIRE = bearer(UMPIRE_TOKEN)


@pytest.fixture
def client(tmp_path):
    return make_app(tmp_path, store=MemoryStore()).test_client()


def test_a_whole_turn_through_the_api(client):
    scenarios = client.get("/api/v1/scenarios", headers=UMPIRE).get_json()
    assert {s["key"] for s in scenarios} == {"secret-pact.yaml", "narva-drill.yaml"}
    made = client.post("/api/v1/exercises", headers=UMPIRE, json={"yaml": NARVA, "name": "drill.yaml"})
    assert made.status_code == 201
    ex = made.get_json()
    eid, usa = ex["id"], bearer(ex["cells"]["United States"]["token"])
    assert client.post(f"/api/v1/exercises/{eid}/open-turn", headers=UMPIRE, json={}).get_json()["turn"] == 1
    client.post(f"/api/v1/exercises/{eid}/close-turn", headers=UMPIRE, json={})
    client.post(f"/api/v1/exercises/{eid}/open-turn", headers=UMPIRE, json={})
    mine = client.get(f"/api/v1/exercises/{eid}", headers=usa).get_json()
    assert [(d["state"], d["attack"], d["status"]) for d in mine["due"]] == [("USA", "narva", "pending")]
    r = client.post(f"/api/v1/exercises/{eid}/decisions", headers=usa,
                    json={"state": "USA", "attack": "narva", "response": "full", "turn": 2})
    assert r.status_code == 201
    bad = client.post(f"/api/v1/exercises/{eid}/decisions", headers=usa,
                      json={"state": "USA", "attack": "narva", "response": "total"})
    assert bad.status_code == 400 and "response scale" in bad.get_json()["error"]
    closing = client.post(f"/api/v1/exercises/{eid}/close-turn", headers=UMPIRE, json={}).get_json()
    assert closing["status"] == "open" and closing["waiting"] == [{"attack": "narva", "state": "POL"}]
    seq = client.get(f"/api/v1/exercises/{eid}", headers=UMPIRE).get_json()["seq"]
    stale = client.post(f"/api/v1/exercises/{eid}/override", headers=UMPIRE,
                        json={"state": "POL", "attack": "narva", "response": "limited", "reason": "r",
                              "expected_seq": seq - 1})
    assert stale.status_code == 409
    ok = client.post(f"/api/v1/exercises/{eid}/override", headers=UMPIRE,
                     json={"state": "POL", "attack": "narva", "response": "limited", "reason": "r",
                           "expected_seq": seq})
    assert ok.status_code == 201
    assert client.post(f"/api/v1/exercises/{eid}/close-turn", headers=UMPIRE, json={}).get_json()["status"] == "ready"
    for fmt, start in (("jsonl", '{"actor"'), ("csv", "turn,attack"), ("md", "# After-action")):
        assert client.get(f"/api/v1/exercises/{eid}/export?format={fmt}", headers=UMPIRE).get_data(
            as_text=True).startswith(start)
    undone = client.post(f"/api/v1/exercises/{eid}/undo", headers=UMPIRE, json={}).get_json()
    assert undone["turn"] == 1 and undone["dropped"] > 0


def test_an_invalid_scenario_gives_422_with_located_problems(client):
    r = client.post("/api/v1/exercises", headers=UMPIRE,
                    json={"yaml": NARVA.replace("turns: 3", "turns: 0"), "name": "drill.yaml"})
    assert r.status_code == 422
    problem = r.get_json()["problems"][0]
    assert problem["file"] == "drill.yaml" and problem["line"] == 5 and problem["path"] == "turns"


def test_malformed_bodies_are_400(client):
    ex = client.post("/api/v1/exercises", headers=UMPIRE, json={"scenario": "narva-drill.yaml"}).get_json()
    assert client.post("/api/v1/exercises", headers=UMPIRE, json=[1, 2]).status_code == 400
    assert client.post("/api/v1/exercises", headers=UMPIRE, json={"scenario": "narva-drill.yaml",
                                                                   "cells": {"A": "USA"}}).status_code == 400
    assert client.post(f"/api/v1/exercises/{ex['id']}/open-turn", headers=UMPIRE,
                       json={"expected_seq": "one"}).status_code == 400
    assert client.get("/api/v1/exercises/nope", headers=UMPIRE).status_code == 404


def test_the_openapi_document_lists_every_route(client):
    doc = client.get("/api/v1/openapi.json").get_json()
    assert doc["openapi"] == "3.1.0"
    app = client.application
    routes = {r.rule.removeprefix("/api/v1").replace("<eid>", "{eid}") for r in app.url_map.iter_rules()
              if r.rule.startswith("/api/v1")}
    assert routes == set(doc["paths"])
    assert doc["components"]["schemas"]["Response"]["enum"] == ["hostile", "neutral", "diplomatic", "limited", "full"]


def test_at_the_deadline_the_api_closes_the_turn_with_the_doctrine_answering_for_the_cells(client):
    ex = client.post("/api/v1/exercises", headers=UMPIRE, json={"yaml": NARVA, "name": "drill.yaml"}).get_json()
    eid = ex["id"]
    for _ in range(2):
        client.post(f"/api/v1/exercises/{eid}/open-turn", headers=UMPIRE, json={})
        waiting = client.post(f"/api/v1/exercises/{eid}/close-turn", headers=UMPIRE, json={}).get_json()
    assert waiting["status"] == "open" and waiting["waiting"]
    closed = client.post(f"/api/v1/exercises/{eid}/close-turn", headers=UMPIRE,
                         json={"doctrine_answers_missing": True}).get_json()
    assert closed["status"] == "ready" and closed["waiting"] == []
    events = client.get(f"/api/v1/exercises/{eid}", headers=UMPIRE).get_json()["events"]
    late = [e for e in events if e["kind"] == "decision" and "deadline" in e["reason"]]
    assert {e["payload"]["state"] for e in late} == {w["state"] for w in waiting["waiting"]}
    assert all(e["payload"]["source"] == "doctrine" for e in late)


def test_a_client_that_polls_reads_only_the_events_since_its_last_read(client):
    ex = client.post("/api/v1/exercises", headers=UMPIRE, json={"yaml": NARVA, "name": "drill.yaml"}).get_json()
    eid, usa = ex["id"], bearer(ex["cells"]["United States"]["token"])
    client.post(f"/api/v1/exercises/{eid}/open-turn", headers=UMPIRE, json={})
    for who in (UMPIRE, usa):
        first = client.get(f"/api/v1/exercises/{eid}", headers=who).get_json()
        client.post(f"/api/v1/exercises/{eid}/close-turn", headers=UMPIRE, json={})
        client.post(f"/api/v1/exercises/{eid}/open-turn", headers=UMPIRE, json={})
        new = client.get(f"/api/v1/exercises/{eid}?since={first['seq']}", headers=who).get_json()
        whole = client.get(f"/api/v1/exercises/{eid}", headers=who).get_json()
        assert new["since"] == first["seq"] and new["events"]
        assert first["events"] + new["events"] == whole["events"]
        assert new["due"] == whole["due"]
