"""Briefings and objectives (SCENARIO_FORMAT.md, "Additions"): every cell reads the scenario's
briefing, only a state's own cell reads its briefing, and the objectives head the debrief."""
from __future__ import annotations

import yaml

from engine import debrief, report
from engine.game import Game
from engine.scenario import loads
from engine.view import view_for
from tests.e2e.support import NARVA, cell_client, make_app


def _scenario():
    data = yaml.safe_load(NARVA)
    data["briefing"] = "Russian forces mass at the border. Every capital is watching."
    data["objectives"] = ["See when Article 5 binds and when it does not"]
    for state in data["states"]:
        if state["id"] == "USA":
            state["briefing"] = "Washington's eyes only: the President will not send troops first."
    return data


def test_the_engine_says_who_reads_which_briefing():
    sc = loads(yaml.safe_dump(_scenario()), "drill.yaml")
    game = Game.new(sc)
    washington = view_for(game.state, game.events, frozenset({"USA"})).briefings
    warsaw = view_for(game.state, game.events, frozenset({"POL"})).briefings
    umpire = view_for(game.state, game.events, None).briefings
    assert [w for w, _ in washington] == ["Everyone", "United States"]
    assert [w for w, _ in warsaw] == ["Everyone"] and "eyes only" not in str(warsaw)
    assert len(umpire) == 2


def test_the_objectives_head_the_debrief():
    sc = loads(yaml.safe_dump(_scenario()), "drill.yaml")
    game = Game.new(sc)
    game.play(2)
    a = report.after_action(sc, game.events)
    brief = debrief.debrief(sc, a, game.events)
    assert brief.objectives == ("See when Article 5 binds and when it does not",)
    lines = debrief.to_markdown(brief, str, str)
    assert lines.index("- See when Article 5 binds and when it does not") < lines.index("### The decisions taken in the room")


def test_a_cell_reads_its_briefing_before_turn_1(tmp_path):
    app = make_app(tmp_path)
    made = app.test_client().post("/api/v1/exercises", headers={"Authorization": "Bearer umpire-token-for-tests"},
                                  json={"yaml": yaml.safe_dump(_scenario()), "name": "drill.yaml",
                                        "cells": {"Washington": ["USA"], "Warsaw": ["POL"]}, "start": False})
    assert made.status_code == 201, made.get_json()
    body = made.get_json()
    pages = {}
    for cell in ("Washington", "Warsaw"):
        client = cell_client(app, body["cells"][cell]["join_url"])
        pages[cell] = client.get(f"/x/{body['id']}/cell").get_data(as_text=True)
    assert "Every capital is watching" in pages["Washington"] and "Every capital is watching" in pages["Warsaw"]
    assert "eyes only" in pages["Washington"] and "eyes only" not in pages["Warsaw"]
