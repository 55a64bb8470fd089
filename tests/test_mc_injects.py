"""The injects tally of a Monte Carlo batch: in how many runs each inject fired, and on which turn."""
from __future__ import annotations

from collections import Counter

import pytest

from casus.commands.run import table
from engine import montecarlo as mc
from engine.model import Scenario
from tests.builders import defense, inject, make_scenario, treaty


def _scenario() -> Scenario:
    return make_scenario(
        "A B C",
        treaties=[treaty("pact", "A C", defense())],
        injects=[inject("talks", "statement", turn=1, actor="C", target="B"),
                 inject("strike", "armed-attack", turn=2, actor="B", target="A"),
                 inject("umpire-call", "statement", turn=2, actor="C", manual=True),
                 inject("follow-up", "statement", turn=3, actor="C", requires="umpire-call")],
        turns=3)


@pytest.fixture(scope="module")
def results() -> dict:
    return mc.simulate(_scenario(), runs=20, seed=3).to_dict()


@pytest.mark.parametrize("inject_id, fired, turns", [
    ("talks", 1.0, {"1": 1.0}),
    ("strike", 1.0, {"2": 1.0}),
    ("umpire-call", 0.0, {}),   # a manual inject waits for an umpire no batch run has
    ("follow-up", 0.0, {}),     # ... and what requires it is held
])
def test_every_inject_has_its_share_of_runs_and_turns(results: dict, inject_id: str, fired: float,
                                                      turns: dict) -> None:
    assert results["injects"][inject_id] == {"fired": fired, "turn": turns}


def test_injects_are_listed_in_the_scenarios_order(results: dict) -> None:
    assert list(results["injects"]) == ["talks", "strike", "umpire-call", "follow-up"]


def test_a_run_summary_names_each_inject_fired_with_its_turn() -> None:
    plan = mc.Plan(_scenario(), runs=1, seed=0)
    assert mc.play_run(plan, 0).injects == (("talks", 1), ("strike", 2))


def test_tallies_of_chunks_merge_to_the_whole() -> None:
    plan = mc.Plan(_scenario(), runs=6, seed=1)
    merged = mc.run_chunk(plan, 0, 2).merge(mc.run_chunk(plan, 2, 6))
    assert merged.results(plan).to_dict() == mc.run_chunk(plan, 0, 6).results(plan).to_dict()


def test_a_share_that_is_neither_all_nor_none_is_reported_as_it_is() -> None:
    plan = mc.Plan(_scenario(), runs=4, seed=0)
    tally = mc.run_chunk(plan, 0, 4)
    tally.injects["follow-up"] = Counter({3: 1})
    data = tally.results(plan).to_dict()
    assert data["injects"]["follow-up"] == {"fired": 0.25, "turn": {"3": 0.25}}


def test_the_table_and_the_report_show_the_injects(results: dict) -> None:
    text = table(results)
    assert "Injects: % of the runs" in text
    assert "strike" in text and "t2 100" in text
    html = mc.report_html(mc.Results(results))
    assert "<h2>Which injects fired</h2>" in html and "turn 2: 100.0%" in html
