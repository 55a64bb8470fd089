"""Fog of war over HTTP: a cell never reads what its states do not know.

The German cell crawls every page and API endpoint it can reach, at every
stage of a game in which Italy holds a secret pact with France, hears a
whisper meant for Rome alone and writes a private rationale. None of it may
appear in any response to Berlin; the Italian cell's view shows that the
secrets exist, so the crawl would catch a leak.
"""
from __future__ import annotations

import re

import pytest

from engine.store import MemoryStore
from tests.e2e.support import (
    SECRETS,
    UMPIRE_TOKEN,
    bearer,
    cell_client,
    csrf,
    make_app,
    narva_under_way,
    new_exercise,
    umpire_client,
)

ROME_PRIVATE = "Rome-private-rationale-7731"


def crawl(app, client, token: str, eid: str) -> dict[str, str]:
    """Every GET a cell can make, by page (its session) and by API (its token)."""
    pages = [f"/x/{eid}/cell", f"/x/{eid}/cell/poll", f"/x/{eid}", f"/x/{eid}/setup", f"/x/{eid}/links",
             f"/x/{eid}/history", f"/x/{eid}/report", f"/x/{eid}/report.md", f"/x/{eid}/events.jsonl",
             f"/x/{eid}/decisions.csv", f"/x/{eid}/preview/Rome", f"/x/{eid}/preview/Berlin",
             f"/x/{eid}/poll", f"/compare?x={eid}", "/", f"/x/{eid}/join"]
    html = client.get(f"/x/{eid}/cell").get_data(as_text=True)
    for state, attack in re.findall(r'name="state" value="([^"]+)"><input type="hidden" name="attack" '
                                    r'value="([^"]+)"', html):
        pages.append(f"/x/{eid}/cell/advice?state={state}&attack={attack}")
    pages += [f"/x/{eid}/cell/advice?state=ITA&attack=war", f"/x/{eid}/cell/advice?state=GER&attack=war"]
    out = {p: client.get(p).get_data(as_text=True) for p in pages}
    api = app.test_client()
    for path in ("/api/v1/exercises", f"/api/v1/exercises/{eid}", f"/api/v1/exercises/{eid}/export",
                 "/api/v1/scenarios", "/api/v1/openapi.json"):
        out["API " + path] = api.get(path, headers=bearer(token)).get_data(as_text=True)
    return out


def assert_hidden(responses: dict[str, str], secrets: tuple[str, ...]) -> None:
    for where, body in responses.items():
        for secret in secrets:
            assert secret.lower() not in body.lower(), f"{secret!r} leaks in {where}"


@pytest.fixture
def game(tmp_path):
    app = make_app(tmp_path, store=MemoryStore())
    ex = new_exercise(app, cells={"Rome": ["ITA"], "Berlin": ["GER"]}, cell_advice=True)
    return app, ex


def test_a_non_member_cell_never_sees_the_secret_pact_its_terms_or_private_words(game):
    app, ex = game
    eid = ex["id"]
    umpire = umpire_client(app)
    rome = cell_client(app, ex["cells"]["Rome"]["join_url"])
    berlin = cell_client(app, ex["cells"]["Berlin"]["join_url"])
    berlin_token, rome_token = ex["cells"]["Berlin"]["token"], ex["cells"]["Rome"]["token"]
    token = csrf(umpire)
    secrets = SECRETS[:4] + (ROME_PRIVATE,)

    def step(url, **data):
        r = umpire.post(f"/x/{eid}/{url}", data={"csrf_token": token, **data})
        assert r.status_code == 303, r.get_data(as_text=True)

    assert_hidden(crawl(app, berlin, berlin_token, eid), secrets)
    step("open-turn")                      # the whisper, for Rome only
    assert_hidden(crawl(app, berlin, berlin_token, eid), secrets)
    step("close-turn")
    step("open-turn")                      # Austria attacks France: Italy's secret neutrality is in play
    rome_csrf = csrf(rome)
    r = rome.post(f"/x/{eid}/cell/decide", data={"csrf_token": rome_csrf, "state": "ITA", "attack": "war",
                                                  "response": "neutral", "rationale": ROME_PRIVATE,
                                                  "statement": "Italy keeps the peace.", "turn": "2"})
    assert r.status_code == 303
    assert_hidden(crawl(app, berlin, berlin_token, eid), secrets)
    step("note", text="Italy chose its side")
    step("close-turn")
    berlin_view = crawl(app, berlin, berlin_token, eid)
    assert_hidden(berlin_view, secrets)
    assert "art. XIV" in berlin_view[f"/x/{eid}/cell"]   # Germany, a member, reads the Dual Alliance's secret article

    # The same crawl as Rome shows what Berlin was spared: the test can fail.
    rome_view = crawl(app, rome, rome_token, eid)
    assert "Prinetti Barrere Accord" in rome_view[f"/x/{eid}/cell"]
    assert "Quai d&#39;Orsay" in rome_view[f"/x/{eid}/cell"] or "Quai d'Orsay" in rome_view[f"/x/{eid}/cell"]
    assert ROME_PRIVATE in rome_view[f"API /api/v1/exercises/{eid}"]
    assert "art. XIV" not in rome_view[f"/x/{eid}/cell"]                 # not a member of the Dual Alliance
    # An answer given under a secret commitment stays with those who know the commitment.
    assert "Italy keeps the peace" not in berlin_view[f"/x/{eid}/cell"]
    everything = umpire.get(f"/x/{eid}/report").get_data(as_text=True)
    assert ROME_PRIVATE in everything and "Prinetti" in everything


def test_a_cell_cannot_decide_for_a_state_it_does_not_play(game):
    app, ex = game
    eid = ex["id"]
    umpire = umpire_client(app)
    for _ in range(2):
        umpire.post(f"/x/{eid}/open-turn", data={"csrf_token": csrf(umpire)})
        umpire.post(f"/x/{eid}/close-turn", data={"csrf_token": csrf(umpire)}) if _ == 0 else None
    berlin = app.test_client()
    r = berlin.post(f"/api/v1/exercises/{eid}/decisions", json={"state": "ITA", "attack": "war",
                                                                 "response": "full"},
                    headers=bearer(ex["cells"]["Berlin"]["token"]))
    assert r.status_code == 403
    view = berlin.get(f"/api/v1/exercises/{eid}", headers=bearer(UMPIRE_TOKEN)).get_json()
    assert not [e for e in view["events"] if e["kind"] == "decision" and e["payload"]["state"] == "ITA"]


def test_the_doctrine_explains_itself_to_the_umpire_not_to_the_cells(tmp_path):
    app = make_app(tmp_path, store=MemoryStore())
    ex, umpire = narva_under_way(app)
    eid = ex["id"]
    app.test_client().post(f"/api/v1/exercises/{eid}/decisions", headers=bearer(ex["cells"]["United States"]["token"]),
                           json={"state": "USA", "attack": "narva", "response": "full", "rationale": "usa-private-9"})
    umpire.post(f"/x/{eid}/override", data={"csrf_token": csrf(umpire), "state": "POL", "attack": "narva",
                                             "response": "limited", "reason": "umpire-reason-5521"})
    umpire.post(f"/x/{eid}/close-turn", data={"csrf_token": csrf(umpire)})
    full = app.test_client().get(f"/api/v1/exercises/{eid}", headers=bearer(UMPIRE_TOKEN)).get_json()
    doctrine = [e for e in full["events"] if e["kind"] == "decision" and e["payload"]["source"] == "doctrine"]
    assert doctrine and all(e["payload"]["rationale"] for e in doctrine)
    poland = app.test_client().get(f"/api/v1/exercises/{eid}", headers=bearer(ex["cells"]["Poland"]["token"]))
    body = poland.get_data(as_text=True)
    assert "umpire-reason-5521" not in body and "usa-private-9" not in body
    for e in poland.get_json()["events"]:
        if e["kind"] == "decision" and e["payload"]["state"] != "POL":
            assert "rationale" not in e["payload"] and "probabilities" not in e["payload"]
    public = {p["state"]: p["response"] for p in poland.get_json()["public_decisions"]}
    assert public["USA"] == "full" and public["GBR"]          # answers are public once the turn closes
