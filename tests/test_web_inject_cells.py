"""An ad-hoc inject the umpire writes during play can go to chosen cells only."""
from __future__ import annotations

import pytest

from engine.store import MemoryStore
from tests.e2e.support import UMPIRE_TOKEN, bearer, csrf, make_app, new_exercise, umpire_client


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    return make_app(tmp_path_factory.mktemp("inject-cells"), store=MemoryStore())


def seen_by(app, ex, cell: str) -> str:
    return app.test_client().get(f"/api/v1/exercises/{ex['id']}",
                                 headers=bearer(ex["cells"][cell]["token"])).get_data(as_text=True)


@pytest.mark.parametrize("chosen,readers", [
    (["Rome"], {"Rome"}), (["Berlin"], {"Berlin"}), (["Rome", "Berlin"], {"Rome", "Berlin"}), ([], {"Rome", "Berlin"}),
])
def test_an_adhoc_inject_reaches_the_chosen_cells_only(app, chosen, readers):
    ex = new_exercise(app, cells={"Rome": ["ITA"], "Berlin": ["GER"]})
    umpire = umpire_client(app)
    umpire.post(f"/x/{ex['id']}/open-turn", data={"csrf_token": csrf(umpire)})
    r = umpire.post(f"/x/{ex['id']}/fire", data={"csrf_token": csrf(umpire), "kind": "intelligence",
                                                 "text": "A courier is intercepted", "cells": chosen})
    assert r.status_code == 303, r.get_data(as_text=True)
    for cell in ("Rome", "Berlin"):
        assert ("A courier is intercepted" in seen_by(app, ex, cell)) == (cell in readers)


def test_an_unknown_cell_is_refused(app):
    ex = new_exercise(app, cells={"Rome": ["ITA"], "Berlin": ["GER"]})
    umpire = umpire_client(app)
    umpire.post(f"/x/{ex['id']}/open-turn", data={"csrf_token": csrf(umpire)})
    r = umpire.post(f"/x/{ex['id']}/fire", data={"csrf_token": csrf(umpire), "kind": "intelligence",
                                                 "text": "x", "cells": ["Paris"]})
    assert r.status_code == 400 and "Paris" in r.get_data(as_text=True)


def test_the_api_fires_an_inject_to_the_cells_named(app):
    ex = new_exercise(app, cells={"Rome": ["ITA"], "Berlin": ["GER"]})
    umpire = umpire_client(app)
    umpire.post(f"/x/{ex['id']}/open-turn", data={"csrf_token": csrf(umpire)})
    r = app.test_client().post(f"/api/v1/exercises/{ex['id']}/injects", headers=bearer(UMPIRE_TOKEN), json={
        "kind": "intelligence", "text": "Berlin reads the cable", "cells": ["Berlin"]})
    assert r.status_code == 201, r.get_data(as_text=True)
    assert r.get_json()["readers"] == ["GER"]
    assert "Berlin reads the cable" in seen_by(app, ex, "Berlin")
    assert "Berlin reads the cable" not in seen_by(app, ex, "Rome")
