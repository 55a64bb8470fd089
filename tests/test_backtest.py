"""The backtest scores one decision per script entry, read on the attacked state's side.

Every entry is the answer of its state to the inject it names; it is scored once,
whether or not its treaty binds at that moment, or listed as skipped with its
reason. A recorded answer is never re-used on a later link of the war chain.
"""
from __future__ import annotations

import dataclasses
import functools
import json
from collections import Counter
from pathlib import Path
from types import SimpleNamespace

import pytest

from casus.cli import main
from engine.backtest import backtest, pushed_hardest, recorded_toward, summarise
from engine.doctrine import FACTORS, Advice, Factor
from engine.model import RESPONSES, Response, ScriptEntry
from engine.scenario import load
from tests.builders import attack, defense, inject, make_scenario, offense, treaty

HISTORY = Path(__file__).resolve().parents[1] / "scenarios" / "history"
CRISES = sorted(HISTORY.glob("*.yaml"))
# The only reasons an entry may go unscored: it is no decision, or another entry answers.
REASONS = ("the state is the attacker itself", "the state is the attacked state itself",
           "answered by the entry under")


@functools.cache
def _backtest(path: Path):
    scenario = load(path)
    return scenario, backtest(scenario)


def _key(x) -> tuple:
    return (x.turn, x.state, x.inject, x.treaty)


@pytest.mark.parametrize("path", CRISES, ids=lambda p: p.stem)
def test_every_script_entry_is_scored_once_or_skipped_with_its_reason(path):
    scenario, result = _backtest(path)
    entries = Counter(_key(e) for e in scenario.script)
    seen = Counter(_key(p) for p in result.predictions) + Counter(_key(s) for s in result.skipped)
    assert seen == entries
    assert len(result.predictions) + len(result.skipped) == len(scenario.script)
    for s in result.skipped:
        assert s.reason.startswith(REASONS), s


@pytest.mark.parametrize("path", CRISES, ids=lambda p: p.stem)
def test_each_wrong_prediction_names_the_factor_that_pushed_toward_it(path):
    _, result = _backtest(path)
    for p in result.predictions:
        if p.predicted is p.historical:
            assert p.pushed_by is None
        elif p.pushed_by is not None:
            name, contribution = p.pushed_by.split(" ")
            assert name in FACTORS
            assert (float(contribution.strip("()")) > 0) == (p.predicted.rank > p.historical.rank), p


def _chain(extra=()):
    """A attacks B; C joins A under an offensive alliance; D is bound to B; E's treaty
    with B covers another adversary only; A's own entry and a second entry of D."""
    return make_scenario(
        states="A B C D E X",
        treaties=[treaty("axis", "A C", offense()), treaty("pact", "B D", defense()),
                  treaty("entente", "B D", defense()), treaty("far", "B E", defense(adversaries="X"))],
        injects=[inject("strike", actor="A", target="B", turn=1)],
        script=(ScriptEntry(turn=1, state="C", response=Response.FULL, inject="strike", treaty="axis"),
                ScriptEntry(turn=1, state="D", response=Response.FULL, inject="strike", treaty="pact"),
                ScriptEntry(turn=1, state="D", response=Response.FULL, inject="strike", treaty="entente"),
                ScriptEntry(turn=1, state="E", response=Response.DIPLOMATIC, inject="strike", treaty="far"),
                ScriptEntry(turn=1, state="A", response=Response.FULL, inject="strike"), *extra),
        turns=2)


def test_a_chain_scores_each_entry_once_on_its_own_link():
    result = backtest(_chain())
    scored = [(p.state, p.treaty, p.obligation, p.historical) for p in result.predictions]
    assert scored == [("C", "axis", "offense", Response.FULL), ("D", "pact", "defense", Response.FULL),
                      ("E", "far", None, Response.DIPLOMATIC)]
    reasons = {(s.state, s.treaty): s.reason for s in result.skipped}
    assert reasons[("A", None)] == "the state is the attacker itself"
    assert reasons[("D", "entente")].startswith("answered by the entry under pact")
    assert len(result.predictions) + len(result.skipped) == len(_chain().script)


def test_an_entry_whose_treaty_does_not_bind_is_asked_as_a_state_with_a_stake():
    (e,) = [p for p in backtest(_chain()).predictions if p.state == "E"]
    assert e.obligation is None and abs(sum(e.probabilities) - 1) < 1e-5


def test_an_answer_on_the_attackers_side_reads_on_the_victims_scale():
    hit = attack("A", "B")
    beside_attacker = SimpleNamespace(response=Response.FULL, side="A")
    beside_victim = SimpleNamespace(response=Response.FULL, side="B")
    no_side = SimpleNamespace(response=Response.LIMITED)
    assert recorded_toward(beside_attacker, hit, "B") is Response.HOSTILE
    assert recorded_toward(beside_victim, hit, "B") is Response.FULL
    assert recorded_toward(no_side, hit, "B") is Response.LIMITED


def test_a_script_entry_with_a_side_is_scored_toward_the_victim():
    if "side" not in {f.name for f in dataclasses.fields(ScriptEntry)}:
        pytest.skip("script entries have no `side` in this version of the model")
    joined = ScriptEntry(turn=1, state="X", response=Response.FULL, inject="strike", side="A")  # type: ignore[call-arg]
    (x,) = [p for p in backtest(_chain((joined,))).predictions if p.state == "X"]
    assert x.historical is Response.HOSTILE and x.obligation is None


@pytest.mark.parametrize("predicted,historical,expected", [
    (Response.FULL, Response.NEUTRAL, "casus_foederis (+1.50)"),
    (Response.NEUTRAL, Response.FULL, "cost_of_war (-0.90)"),
    (Response.LIMITED, Response.LIMITED, None),
])
def test_the_factor_named_is_the_one_pushing_hardest_toward_the_wrong_answer(predicted, historical, expected):
    factors = (Factor("casus_foederis", 1.0, 1.5, ""), Factor("commitment", 1.0, 0.4, ""),
               Factor("cost_of_war", 1.0, -0.9, ""), Factor("distance", 1.0, -0.2, ""))
    advice = Advice((0.2,) * 5, factors, 0.0)
    assert pushed_hardest(advice, predicted, historical) == expected


def test_the_calibration_table_sets_predicted_against_observed_for_each_level():
    preds = [p for path in CRISES[:6] for p in _backtest(path)[1].predictions]
    table = summarise(preds)["calibration"]
    assert [row["level"] for row in table] == [str(r) for r in RESPONSES]
    assert sum(row["count"] for row in table) == len(preds)
    assert sum(row["observed"] for row in table) == pytest.approx(1, abs=1e-3)
    assert sum(row["predicted"] for row in table) == pytest.approx(1, abs=1e-3)


def test_the_json_keeps_its_shape_and_lists_what_it_skipped(capsys):
    path = HISTORY / "1870-franco-prussian.yaml"
    assert main(["backtest", "--json", str(path)]) == 0
    out = json.loads(capsys.readouterr().out)
    assert set(out) == {"decisions", "summary", "skipped"}
    summary = out["summary"]
    assert {"n", "exact", "within_one", "honour_agreement", "brier", "calibration",
            "baseline_all_honour", "baseline_all_neutral", "historical_honour_rate"} <= set(summary)
    for baseline in ("baseline_all_honour", "baseline_all_neutral"):
        assert set(summary[baseline]) == {"n", "exact", "within_one", "honour_agreement", "brier"}
    assert summary["n"] == len(out["decisions"])
    assert summary["n"] + len(out["skipped"]) == len(load(path).script)
    assert out["skipped"] and all(s["reason"] for s in out["skipped"])
    assert {"scenario", "turn", "state", "treaty", "inject", "historical", "predicted", "probabilities",
            "pushed_by"} <= set(out["decisions"][0])


def test_the_text_shows_the_skipped_entries_and_the_factor_of_each_miss(capsys):
    path = HISTORY / "1870-franco-prussian.yaml"
    assert main(["backtest", str(path)]) == 0
    text = capsys.readouterr().out
    _, result = _backtest(path)
    assert f"{len(result.skipped)} script entries not scored" in text
    for s in result.skipped:
        assert s.reason in text
    for p in result.predictions:
        if p.pushed_by:
            assert p.pushed_by in text
