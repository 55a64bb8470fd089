"""The doctrine against history, out of sample.

The leave-one-crisis-out figures are computed here from the shipped historical
scenarios, so they cannot drift from the code: for each crisis the doctrine is
fitted on the others and scored on it. The doctrine must beat both naive
baselines ("every bound ally honours", "every ally stays out") on every score.
"""
from __future__ import annotations

import functools
import math
from pathlib import Path

import pytest

from engine.backtest import summarise
from engine.calibrate import (
    Observation,
    _nll_and_grad,
    calibrate,
    crisis_shares,
    fit,
    observations,
    predict,
    prior_doctrine,
)
from engine.doctrine import DEFAULT_CUTS, DEFAULT_WEIGHTS, FACTORS, PRIOR_CUTS, PRIOR_WEIGHTS, Doctrine
from engine.model import Response
from engine.scenario import load

HISTORY = Path(__file__).resolve().parents[1] / "scenarios" / "history"
# Every test that reads `_calibration()` waits for a refit per crisis (about 30 s alone):
# `python -m pytest -m "not slow"` leaves them out of a quick run.
SLOW = pytest.mark.slow


@functools.cache
def _calibration():
    scenarios = [load(p) for p in sorted(HISTORY.glob("*.yaml"))]
    if len(scenarios) < 3:
        pytest.skip("fewer than three historical scenarios: nothing to leave out")
    return calibrate(scenarios)


@pytest.mark.parametrize("score,better", [
    ("exact", max), ("within_one", max), ("honour_agreement", max), ("brier", min)])
@pytest.mark.parametrize("baseline", ["baseline_all_honour", "baseline_all_neutral"])
@SLOW
def test_out_of_sample_the_doctrine_beats_the_naive_baselines(score, better, baseline):
    loo = _calibration().leave_one_out
    ours, theirs = loo["doctrine"][score], loo[baseline][score]
    assert better(ours, theirs) == ours and ours != theirs, (score, ours, baseline, theirs)


@SLOW
def test_every_script_entry_is_one_decision_or_skipped_with_its_reason():
    cal = _calibration()
    entries = sum(len(load(p).script) for p in sorted(HISTORY.glob("*.yaml")))
    assert cal.leave_one_out["doctrine"]["n"] == cal.n_observations >= 100
    assert cal.n_observations + len(cal.skipped) == entries
    assert all(k.reason for k in cal.skipped)


@SLOW
def test_the_left_out_predictions_carry_a_calibration_table_for_each_level():
    table = _calibration().leave_one_out["calibration"]
    assert [row["level"] for row in table] == [str(r) for r in Response]
    assert sum(row["count"] for row in table) == _calibration().n_observations


@pytest.mark.parametrize("level", list(Response))
@SLOW
def test_on_the_training_crises_each_level_is_answered_about_as_often_as_it_happened(level):
    """The doctrine's deterministic answers (in sample, every crisis) against the record:
    each level is reachable, and its share of the answers within 10 points of history's."""
    row = next(r for r in _calibration().in_sample["calibration"] if r["level"] == str(level))
    assert row["answered"] > 0, f"{level} is never the doctrine's answer"
    assert abs(row["answered"] - row["observed"]) <= 0.10, row


@pytest.mark.parametrize("level", list(Response))
@SLOW
def test_out_of_sample_each_level_is_still_an_answer(level):
    row = next(r for r in _calibration().leave_one_out["calibration"] if r["level"] == str(level))
    assert row["answered"] > 0, f"{level} is never the doctrine's answer on a left-out crisis"


def test_the_leave_one_out_procedure_on_four_crises():
    """The short profile of the slow tests above: the same procedure on four small crises."""
    names = ("1897-greco-turkish.yaml", "1999-kargil.yaml", "1962-sino-indian.yaml", "2023-karabakh.yaml")
    cal = calibrate([load(HISTORY / n) for n in names])
    assert set(cal.per_crisis) == {load(HISTORY / n).id for n in names}
    assert cal.leave_one_out["doctrine"]["n"] == cal.n_observations == sum(
        s["n"] for s in cal.per_crisis.values())
    assert sum(s["doctrine"]["n"] for s in cal.per_era.values()) == cal.n_observations
    assert list(cal.doctrine.bands) == sorted(cal.doctrine.bands)


def test_the_honouring_cut_prior_is_the_published_base_rate_it_cites():
    """A triggered ally, every other factor at zero, honours at cuts.prior_rate under the priors."""
    from engine.doctrine import DATA
    rate = DATA["cuts"]["prior_rate"]
    honour = 1 - 1 / (1 + math.exp(-(PRIOR_CUTS[2] - PRIOR_WEIGHTS["casus_foederis"])))
    assert honour == pytest.approx(rate, abs=0.005)


def test_the_fit_weighs_each_crisis_the_same():
    obs = observations(load(HISTORY / "1999-kargil.yaml")) + observations(load(HISTORY / "1982-falklands.yaml"))
    shares = crisis_shares(obs)
    assert sum(shares) == pytest.approx(len(obs))
    kargil = sum(w for w, o in zip(shares, obs) if o.scenario == obs[0].scenario)
    assert kargil == pytest.approx(len(obs) / 2)


def test_the_honouring_cut_point_is_pulled_toward_the_published_base_rate():
    obs = observations(load(HISTORY / "1999-kargil.yaml"))
    loose, held = fit(obs, iterations=200, cut_ridge=0.0), fit(obs, iterations=200, cut_ridge=50.0)
    anchor = PRIOR_CUTS[2]
    assert abs(held.cuts[2] - anchor) < abs(loose.cuts[2] - anchor)


@SLOW
def test_fitted_weights_keep_the_sign_of_the_literature():
    for name, weight in _calibration().doctrine.weights.items():
        assert weight * PRIOR_WEIGHTS[name] >= 0, name


@SLOW
def test_the_shipped_defaults_are_the_fit_on_the_shipped_crises():
    """`casus calibrate --update-defaults` wrote engine/doctrine.json from these scenarios."""
    cal = _calibration()
    for name in FACTORS:
        assert DEFAULT_WEIGHTS[name] == pytest.approx(cal.doctrine.weights[name], abs=1e-3), name
    assert pytest.approx(cal.doctrine.cuts, abs=1e-3) == DEFAULT_CUTS


@SLOW
def test_held_out_scores_are_given_by_era_and_cover_every_decision():
    per_era = _calibration().per_era
    assert set(per_era) <= {"before 1945", "Cold War, 1945-1991", "after 1991"} and len(per_era) == 3
    assert sum(s["doctrine"]["n"] for s in per_era.values()) == _calibration().n_observations


@SLOW
def test_the_fit_improves_on_the_priors_in_sample():
    cal = _calibration()
    assert cal.in_sample["doctrine"]["brier"] < cal.prior["doctrine"]["brier"]


def test_fitting_is_deterministic():
    obs = observations(load(HISTORY / "2001-article-5.yaml")) + observations(load(HISTORY / "1939-poland.yaml"))
    one, two = fit(obs, iterations=80), fit(obs, iterations=80)
    assert dict(one.weights) == dict(two.weights) and one.cuts == two.cuts


def test_predictions_come_from_the_fitted_probabilities():
    obs = observations(load(HISTORY / "1939-poland.yaml"))
    preds = predict(prior_doctrine(), obs)
    assert len(preds) == len(obs)
    for p in preds:
        assert abs(sum(p.probabilities) - 1) < 1e-5  # each rounded to six places
        below = sum(p.probabilities[:p.predicted.rank])
        assert below < 0.5 + 1e-5 and below + p.probabilities[p.predicted.rank] >= 0.5 - 1e-5
    assert summarise(preds)["doctrine"]["n"] == len(obs)


@pytest.mark.parametrize("historical", [Response.NEUTRAL, Response.DIPLOMATIC, Response.LIMITED])
def test_short_of_an_armed_attack_limited_takes_the_mass_of_full(historical):
    """A capped observation is scored as the doctrine answers it: `limited` means
    `limited or more`, so the top cut point plays no part."""
    cuts, weights = [-4.0, -2.0, 0.5, 2.0], [0.0] * len(FACTORS)
    weights[0] = 1.0
    obs = Observation("x", 1, "DEU", "pact", "jam", "defense", historical,
                      tuple([0.8] + [0.0] * (len(FACTORS) - 1)), capped=True)
    nll, _, grad_cuts = _nll_and_grad([obs], weights, cuts, weights, ridge=0.0)
    F = [0.0] + [1 / (1 + math.exp(-(c - 0.8))) for c in cuts[:3]] + [1.0, 1.0]
    k = historical.rank
    assert math.isclose(nll, -math.log(F[k + 1] - F[k]))
    assert grad_cuts[3] == 0.0
    (prediction,) = predict(Doctrine(dict(zip(FACTORS, weights)), cuts), [obs])
    assert prediction.probabilities[4] == 0.0 and math.isclose(sum(prediction.probabilities), 1.0, abs_tol=1e-5)


def test_the_held_out_figures_carry_intervals_from_resampling_whole_crises():
    """Each interval holds its figure."""
    names = ("1897-greco-turkish.yaml", "1999-kargil.yaml", "1962-sino-indian.yaml", "2023-karabakh.yaml")
    cal = calibrate([load(HISTORY / n) for n in names])
    loo = cal.leave_one_out
    better = max(loo["baseline_all_honour"]["exact"], loo["baseline_all_neutral"]["exact"])
    point = {"exact": loo["doctrine"]["exact"], "honour_agreement": loo["doctrine"]["honour_agreement"],
             "brier": loo["doctrine"]["brier"], "exact_over_better_baseline": loo["doctrine"]["exact"] - better}
    assert set(cal.intervals) == set(point)
    for name, value in point.items():
        assert cal.intervals[name].low <= value + 1e-3 and value - 1e-3 <= cal.intervals[name].high, name


def test_crises_that_all_score_alike_give_an_interval_of_one_point():
    """Resampling crises moves a figure only as far as the crises differ."""
    from engine.backtest import Prediction
    from engine.calibrate_interval import crisis_intervals
    one_hot = tuple(1.0 if r is Response.DIPLOMATIC else 0.0 for r in Response)
    preds = [Prediction(f"crisis-{c}", 1, s, "t", "i", Response.DIPLOMATIC if s == "A" else Response.FULL,
                        Response.DIPLOMATIC, one_hot, "defense") for c in range(5) for s in ("A", "B")]
    intervals = crisis_intervals(preds, draws=200)
    assert intervals["exact"].low == intervals["exact"].high == 0.5
    assert intervals == crisis_intervals(preds, draws=200)
    varied = crisis_intervals(preds[:2] + [Prediction("crisis-x", 1, "A", "t", "i", Response.NEUTRAL,
                                                      Response.DIPLOMATIC, one_hot, "defense")], draws=200)
    assert varied["exact"].low < varied["exact"].high


def _script_never_silent(scenario):
    from engine.events import DecisionTaken
    from engine.game import Game
    from engine.model import DecisionSource, Mode
    game = Game.new(scenario, mode=Mode.REPLAY)
    game.play()
    return not any(isinstance(e, DecisionTaken) and e.source is DecisionSource.DOCTRINE for e in game.events)


def test_a_backtest_held_out_scores_each_crisis_as_the_leave_one_out_figures_do():
    """`casus backtest --held-out DIR` predicts each crisis with the fit on the others in DIR: the
    same predictions, decision by decision, as the leave-one-crisis-out figures are made of, on a
    crisis whose script is never silent. (Where it is, the replay asks the doctrine, and the
    figures' replays ask the unfitted one, so that what is observed does not depend on a fit.)"""
    from engine.backtest import run_all
    from engine.calibrate import held_out_doctrines
    names = ("1897-greco-turkish.yaml", "1999-kargil.yaml", "1962-sino-indian.yaml", "2023-karabakh.yaml")
    corpus = [load(HISTORY / n) for n in names]
    per_crisis = calibrate(corpus).per_crisis
    complete = [sc for sc in corpus if _script_never_silent(sc)]
    assert complete, "no crisis of the four has a script that is never silent: pick another"
    doctrines = held_out_doctrines(complete, corpus)
    for sc in complete:
        preds, _ = run_all([sc], doctrines[sc.id])
        assert summarise(preds)["doctrine"] == per_crisis[sc.id], sc.id


def test_a_crisis_alone_has_nothing_to_be_held_out_from():
    sc = load(HISTORY / "1999-kargil.yaml")
    from engine.calibrate import held_out_doctrines
    with pytest.raises(ValueError, match="no crisis other than"):
        held_out_doctrines([sc], [sc])
