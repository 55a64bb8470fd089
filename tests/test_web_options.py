"""Options in the console: a cell sees its options as choices, with the doctrine's advice when
the umpire allows it; the umpire decides an option with a reason."""
from __future__ import annotations

import json

import pytest

from engine.events import loads as load_events
from tests.e2e.support import NARVA, bearer, cell_client, csrf, make_app, new_exercise, umpire_client

# Russia's cell decides whether to cross at Narva, on turn 1 or 2.
OPTIONS = NARVA.replace("id: narva-drill", "id: narva-options").replace(
    "{id: RUS, name: Russia, power: 40, regime: autocracy, region: europe}",
    "{id: RUS, name: Russia, power: 40, regime: autocracy, region: europe, control: player}").replace(
    "{id: narva, turn: 2, kind: armed-attack, actor: RUS, target: EST, attribution: 0.9,",
    "{id: narva, turn: 1, until: 2, option: true, resolve: 0.7, kind: armed-attack, actor: RUS, target: EST,"
    " attribution: 0.9,")


@pytest.fixture
def app(tmp_path):
    path = tmp_path / "narva-options.yaml"
    path.write_text(OPTIONS, encoding="utf-8")
    probe = make_app(tmp_path)
    return make_app(tmp_path, SCENARIO_PATHS=[*probe.config["SCENARIO_PATHS"], str(path)])


def post(client, url, **data):
    return client.post(url, data={"csrf_token": csrf(client), **data})


def _log(app, eid):
    view = app.test_client().get(f"/api/v1/exercises/{eid}", headers=bearer("umpire-token-for-tests")).get_json()
    return view["events"]


def test_a_cell_takes_its_option_from_its_page_and_the_attack_fires(app):
    ex = new_exercise(app, "narva-options.yaml", cell_advice=True)
    umpire = umpire_client(app)
    assert post(umpire, f"/x/{ex['id']}/open-turn").status_code == 303
    moscow = cell_client(app, ex["cells"]["Russia"]["join_url"])
    page = moscow.get(f"/x/{ex['id']}/cell").get_data(as_text=True)
    assert "Your options" in page and "Take it now" in page and 'data-inject="narva"' in page
    advice = moscow.get(f"/x/{ex['id']}/cell/option-advice?inject=narva").get_data(as_text=True)
    assert "The doctrine's advice:</span> Russia strikes" in advice
    washington = cell_client(app, ex["cells"]["United States"]["join_url"])
    assert "Your options" not in washington.get(f"/x/{ex['id']}/cell").get_data(as_text=True)
    r = post(moscow, f"/x/{ex['id']}/cell/option", state="RUS", inject="narva", choice="take", rationale="now", turn="1")
    assert r.status_code == 303
    kinds = [(e["kind"], e["payload"].get("inject")) for e in _log(app, ex["id"])]
    assert ("option-taken", "narva") in kinds and ("inject-fired", "narva") in kinds


def test_the_umpire_decides_an_option_with_a_reason(app):
    ex = new_exercise(app, "narva-options.yaml")
    umpire = umpire_client(app)
    post(umpire, f"/x/{ex['id']}/open-turn")
    dash = umpire.get(f"/x/{ex['id']}").get_data(as_text=True)
    assert "Options this turn" in dash and "override-option" in dash
    seq = len(_log(app, ex["id"]))
    r = post(umpire, f"/x/{ex['id']}/override-option", inject="narva", choice="wait",
             reason="the exercise needs a quiet first day", expected_seq=str(seq))
    assert r.status_code == 303
    chosen = [e for e in load_events("\n".join(json.dumps(e) for e in _log(app, ex["id"])))
              if e.kind.value == "option-declined"]
    assert chosen and chosen[0].rationale == "the exercise needs a quiet first day"
    moscow = cell_client(app, ex["cells"]["Russia"]["join_url"])
    refused = post(moscow, f"/x/{ex['id']}/cell/option", state="RUS", inject="narva", choice="take", turn="1")
    assert refused.status_code == 409
