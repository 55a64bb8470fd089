"""Fitting the doctrine on past crises, honestly.

The procedure, reproducible and deterministic:

1. Replay each historical scenario. For every script entry scored by the
   backtest (`engine.backtest.scored_entries`: one per entry, read on the
   attacked state's side), take the doctrine's factor values in the world as
   history made it up to then (`Doctrine.features`) together with the recorded
   response: one observation.
   The factor values do not depend on the weights, so the fit is a plain
   ordered-logit regression.
2. Fit the weights and the four cut points by maximum likelihood, each crisis
   weighing the same in the likelihood however many decisions it records (the
   Falklands' 45 answers count as much as Kargil's 5 together, not nine times
   as much: the fit must generalise to the next crisis, not to the crisis with
   the longest script). The weights are penalised toward the documented priors
   (`engine/doctrine.json`) with strength `ridge`, and each is kept on the side
   of zero its prior is on: a historian must be able to accept the sign of
   every factor, and a handful of crises cannot overturn the literature's
   direction. The honouring cut point (diplomatic|limited) is penalised toward
   the value a published base rate gives (doctrine.json, cuts.prior_rate);
   the cut points stay ordered.
3. Report leave-one-crisis-out figures: for each crisis, fit on all the others
   and predict it; the scores are computed over every held-out decision,
   beside the two naive baselines. Never fit and test on the same crisis.
"""
from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeAlias

from .backtest import Prediction, Skipped, scored_entries, summarise
from .calibrate_interval import Interval, crisis_intervals
from .doctrine import FACTORS, PRIOR_CUTS, PRIOR_WEIGHTS, Doctrine, within_threshold
from .doctrine.logit import banded, logistic
from .floats import total
from .model import RESPONSES, Response, Scenario

# Pull toward the priors, in units of squared weight (the likelihood's weights sum to the
# number of decisions). Chosen among 1, 2, 4 and 10 on the leave-one-crisis-out scores
# (docs/DOCTRINE.md); at 2 the data move some weights far (affinity from 1.0 to about 2.5),
# the signs stay the literature's.
RIDGE = 2.0
# Pull of the honouring cut point toward the published base rate's (doctrine.json,
# cuts.prior_rate), in the same units; the other cut points are left to the data.
CUT_RIDGE = 2.0
_HONOUR_CUT = 2      # diplomatic|limited: the cut point the base rate speaks to
# At most this many projected gradient steps; the search stops sooner once a step shrinks
# below _SMALLEST_STEP.
ITERATIONS = 600
_FIRST_STEP = 0.05   # a step small against weights of order 1
_GROW, _SHRINK = 1.2, 0.5   # grow while a step pays, halve when it does not
_SMALLEST_STEP = 1e-7       # converged: steps this small have stopped lowering the loss
_MIN_GAP = 0.05      # between successive cut points, so that every level keeps some probability
_FLOOR = 1e-12       # a probability never taken as 0, so that its log stays finite
_TOP = len(RESPONSES) - 1   # the rank of `full`: no cut point above it


@dataclass(frozen=True, slots=True)
class Observation:
    scenario: str
    turn: int
    state: str
    treaty: str | None
    inject: str
    obligation: str | None
    historical: Response
    features: tuple[float, ...]
    capped: bool = False   # short of an armed attack: `full` is no answer (Attack.short_of_armed_attack)


def observe(scenario: Scenario) -> tuple[list[Observation], list[Skipped]]:
    """One observation per scored script entry of `scenario` (engine.backtest.scored_entries),
    and the entries not scored, with their reasons."""
    doctrine = prior_doctrine()  # factor values do not depend on the weights
    scored, skipped = scored_entries(scenario, doctrine)
    return [Observation(scenario.id, s.entry.turn, s.entry.state, s.entry.treaty, s.entry.inject or "",
                        s.obligation, s.historical, tuple(doctrine.features(s.situation).values()),
                        s.situation.attack.short_of_armed_attack)
            for s in scored], skipped


def observations(scenario: Scenario) -> list[Observation]:
    return observe(scenario)[0]


# --- the ordered logit ------------------------------------------------------------------

def _cdf(cuts: Sequence[float], score: float, capped: bool = False) -> list[float]:
    """P(answer <= level) for each level from below hostile to full. Short of an armed
    attack `full` is folded into `limited`, so `limited` already takes every case."""
    inner = [logistic(c - score) for c in cuts]
    if capped:
        inner[-1] = 1.0
    return [0.0, *inner, 1.0]


def crisis_shares(obs: Sequence[Observation]) -> list[float]:
    """Each observation's weight in the likelihood: every crisis weighs the same, and the
    weights sum to the number of observations (so that `ridge` keeps its scale)."""
    counts: dict[str, int] = {}
    for o in obs:
        counts[o.scenario] = counts.get(o.scenario, 0) + 1
    return [len(obs) / (len(counts) * counts[o.scenario]) for o in obs]


def _nll_and_grad(obs: Sequence[Observation], w: list[float], cuts: list[float],
                  prior: Sequence[float], ridge: float, shares: Sequence[float] | None = None,
                  cut_prior: float | None = None,
                  cut_ridge: float = CUT_RIDGE) -> tuple[float, list[float], list[float]]:
    gw = [0.0] * len(w)
    gc = [0.0] * len(cuts)
    nll = 0.0
    for n, o in enumerate(obs):
        share = 1.0 if shares is None else shares[n]
        s = total(wi * xi for wi, xi in zip(w, o.features))
        F = _cdf(cuts, s, o.capped)
        k = o.historical.rank
        p = max(F[k + 1] - F[k], _FLOOR)
        nll -= share * math.log(p)
        # The logistic's density at each bound; none where a bound is fixed at 0 or 1.
        dens_hi = F[k + 1] * (1 - F[k + 1]) if k < _TOP else 0.0
        dens_lo = F[k] * (1 - F[k]) if k > 0 else 0.0
        ds = share * (dens_hi - dens_lo) / p   # d(-log p)/ds
        for i, x in enumerate(o.features):
            gw[i] += ds * x
        if k < _TOP:
            gc[k] -= share * dens_hi / p
        if k > 0:
            gc[k - 1] += share * dens_lo / p
    if cut_prior is not None:
        gap = cuts[_HONOUR_CUT] - cut_prior
        nll += cut_ridge * gap * gap
        gc[_HONOUR_CUT] += 2 * cut_ridge * gap
    return _with_ridge(nll, gw, w, prior, ridge), gw, gc


def _with_ridge(nll: float, gw: list[float], w: Sequence[float], prior: Sequence[float],
                ridge: float) -> float:
    """The penalty toward the priors added to the loss (returned) and to its gradient `gw`."""
    for i, (wi, pi) in enumerate(zip(w, prior)):
        nll += ridge * (wi - pi) ** 2
        gw[i] += 2 * ridge * (wi - pi)
    return nll


def _project(w: list[float], cuts: list[float], prior: Sequence[float]) -> None:
    """Keep every weight on its prior's side of zero, and the cut points ordered."""
    for i, pi in enumerate(prior):
        if pi > 0 and w[i] < 0 or pi < 0 and w[i] > 0:
            w[i] = 0.0
    for j in range(1, len(cuts)):
        cuts[j] = max(cuts[j], cuts[j - 1] + _MIN_GAP)


def fit(obs: Sequence[Observation], prior: Doctrine | None = None, *, ridge: float = RIDGE,
        iterations: int = ITERATIONS, cut_ridge: float = CUT_RIDGE) -> Doctrine:
    """The doctrine whose weights and cuts best explain `obs` (see the module docstring)."""
    prior = prior or prior_doctrine()
    p = [prior.weights[f] for f in FACTORS]
    w, cuts = list(p), list(prior.cuts)
    shares, anchor = crisis_shares(obs), prior.cuts[_HONOUR_CUT]
    step = _FIRST_STEP
    loss, gw, gc = _nll_and_grad(obs, w, cuts, p, ridge, shares, anchor, cut_ridge)
    for _ in range(iterations):
        # Projected gradient descent with a step that grows while it pays and halves when it does not.
        nw = [wi - step * g for wi, g in zip(w, gw)]
        nc = [ci - step * g for ci, g in zip(cuts, gc)]
        _project(nw, nc, p)
        new_loss, ngw, ngc = _nll_and_grad(obs, nw, nc, p, ridge, shares, anchor, cut_ridge)
        if new_loss <= loss:
            w, cuts, loss, gw, gc = nw, nc, new_loss, ngw, ngc
            step *= _GROW
        else:
            step *= _SHRINK
            if step < _SMALLEST_STEP:
                break
    fitted = Doctrine(dict(zip(FACTORS, (round(x, 4) for x in w))), [round(c, 4) for c in cuts])
    return Doctrine(dict(fitted.weights), fitted.cuts, bands=answer_bands(fitted, obs))


def answer_bands(doctrine: Doctrine, obs: Sequence[Observation]) -> list[float]:
    """The edges of the deterministic answer's bands on the score: the training decisions
    sorted by score, each edge put where history's share of the levels below it ends, so
    that on these crises each level is the answer as often as it was history's. (The most
    probable level never gives a level whose cut points lie close together, and the median
    gives the middle of the scale far more often than history did.)"""
    scores = sorted(doctrine.score(o.features) for o in obs)
    if not scores:
        return list(doctrine.bands)
    edges: list[float] = []
    below = 0
    for level in range(_TOP):
        below += sum(1 for o in obs if o.historical.rank == level)
        i = min(max(below, 1), len(scores) - 1)
        edge = round((scores[i - 1] + scores[i]) / 2 if len(scores) > 1 else scores[0], 4)
        if edges and edge <= edges[-1]:
            edge = round(edges[-1] + _MIN_GAP, 4)   # a level history never chose keeps a band
        edges.append(edge)
    return edges


def predict(doctrine: Doctrine, obs: Iterable[Observation]) -> list[Prediction]:
    out = []
    for o in obs:
        probs = doctrine.distribution(doctrine.score(o.features))
        if o.capped:
            probs = within_threshold(probs)
        answer = banded(doctrine.bands, doctrine.score(o.features), o.capped)
        out.append(Prediction(o.scenario, o.turn, o.state, o.treaty, o.inject, o.historical,
                              answer, tuple(round(x, 6) for x in probs), o.obligation))
    return out


# What engine.backtest.summarise gives: scores by predictor ("doctrine", the baselines).
Summary: TypeAlias = dict[str, Any]


@dataclass(frozen=True)
class Calibration:
    doctrine: Doctrine                       # fitted on every crisis
    in_sample: Summary
    leave_one_out: Summary
    prior: Summary                           # the uncalibrated defaults, scored the same way
    per_crisis: Mapping[str, Summary]        # held-out scores of each crisis
    n_observations: int
    skipped: tuple[Skipped, ...] = ()        # script entries not scored, with their reasons
    per_era: Mapping[str, Summary] = field(default_factory=dict)   # held-out scores by era
    # 95% intervals of the held-out figures, whole crises resampled (engine.calibrate_interval)
    intervals: Mapping[str, Interval] = field(default_factory=dict)


def held_out_doctrines(scenarios: Sequence[Scenario], corpus: Sequence[Scenario], *,
                       ridge: float = RIDGE) -> dict[str, Doctrine]:
    """Each scenario's doctrine fitted on the crises of `corpus` but itself (by id): the one the
    leave-one-crisis-out figures score it with, so that a backtest with it is out of sample. The
    corpus is replayed once, whatever the number of scenarios."""
    observed = {sc.id: observations(sc) for sc in corpus}
    fitted: dict[str, Doctrine] = {}
    for scenario in scenarios:
        others = [o for crisis, obs in observed.items() if crisis != scenario.id for o in obs]
        if not others:
            raise ValueError(f"no crisis other than {scenario.id!r} to fit the doctrine on")
        fitted[scenario.id] = fit(others, ridge=ridge)
    return fitted

# The eras of the published rates (PUBLISHED_RATES): a crisis belongs to the era of its start.
ERAS = (("before 1945", 1945), ("Cold War, 1945-1991", 1992), ("after 1991", 10_000))


def era(scenario: Scenario) -> str:
    """The era a crisis belongs to, by the year it starts."""
    return next(name for name, until in ERAS if scenario.start.year < until)


def calibrate(scenarios: Sequence[Scenario], *, ridge: float = RIDGE) -> Calibration:
    observed = {sc.id: observe(sc) for sc in scenarios}
    by_crisis = {crisis: obs for crisis, (obs, _) in observed.items()}
    everything = [o for obs in by_crisis.values() for o in obs]
    fitted = fit(everything, ridge=ridge)
    held_out: list[Prediction] = []
    per_crisis = {}
    for crisis, obs in by_crisis.items():
        others = [o for c, os in by_crisis.items() if c != crisis for o in os]
        preds = predict(fit(others, ridge=ridge), obs)
        per_crisis[crisis] = summarise(preds)["doctrine"]
        held_out += preds
    era_of = {sc.id: era(sc) for sc in scenarios}
    per_era = {name: summarise([p for p in held_out if era_of[p.scenario] == name])
               for name, _ in ERAS if any(era_of[p.scenario] == name for p in held_out)}
    return Calibration(fitted, summarise(predict(fitted, everything)), summarise(held_out),
                       summarise(predict(prior_doctrine(), everything)), per_crisis, len(everything),
                       tuple(k for _, skipped in observed.values() for k in skipped), per_era,
                       crisis_intervals(held_out))


# The population rates a backtest report shows beside its own (DOCTRINE.md).
PUBLISHED_RATES = (
    ("Leeds, Long & Mitchell 2000: commitments honoured in war, 1816-1944", 0.745),
    ("Berkemeier & Fuhrmann 2018: honoured before 1945", 0.66),
    ("Berkemeier & Fuhrmann 2018: honoured after 1945", 0.22),
    ("Leeds & Anac 2005: 137 wartime cases", 0.68),
)


def weights_document(cal: Calibration, sources: Sequence[str], ridge: float = RIDGE) -> dict[str, Any]:
    """What `casus calibrate --out` writes: the weights, the cuts and how they were made."""
    return {
        "doctrine": {"weights": dict(cal.doctrine.weights)},
        "x-cuts": list(cal.doctrine.cuts),
        "x-calibration": {
            "procedure": "penalised ordered logit, weights kept on their prior's side of zero "
                         f"(ridge {ridge} toward the priors of engine/doctrine.json), "
                         "leave-one-crisis-out scores",
            "crises": list(sources), "observations": cal.n_observations,
            "in_sample": cal.in_sample["doctrine"], "leave_one_out": cal.leave_one_out,
        },
    }


def prior_doctrine() -> Doctrine:
    """The literature's weights and cuts, before any fit."""
    # Its answer is the median under the prior cuts (bands at the cuts): nothing fitted,
    # so that the replays the observations come from never depend on a fit.
    return Doctrine(dict(PRIOR_WEIGHTS), PRIOR_CUTS, bands=PRIOR_CUTS)
