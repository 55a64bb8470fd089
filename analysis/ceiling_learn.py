"""Flexible learners on the doctrine's factors, scored as the shipped doctrine is.

Every learner goes through the same leave-one-crisis-out folds as `casus calibrate`: each
crisis is held out in turn, its hyper-parameters are chosen by inner folds that split the
training crises only (whole crises, GroupKFold), each training decision carries the crisis
weight of the shipped fit where the learner takes weights, and the held-out crisis is
predicted once. The answer is the most probable level (the rule that maximises the exact
level); short of an armed attack `full` is folded into `limited`, as the doctrine does.
Scores come from engine.backtest.summarise, so their definitions are the engine's.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from ceiling_data import Row
from sklearn.ensemble import GradientBoostingClassifier, RandomForestClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold
from sklearn.neighbors import KNeighborsClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import PolynomialFeatures, StandardScaler

from engine.backtest import Prediction
from engine.model import RESPONSES, Response

INNER_FOLDS = 3
_LIMITED, _FULL = Response.LIMITED.rank, Response.FULL.rank


@dataclass(frozen=True)
class Learner:
    name: str
    make: Callable[[Any], Any]        # a fresh estimator for one grid value
    grid: tuple[Any, ...]
    weighted: bool = True             # takes the crisis weights (k-NN does not)


def learners() -> list[Learner]:
    def logit(pairs: bool) -> Callable[[float], Any]:
        def make(c: float) -> Any:
            steps: list[Any] = [PolynomialFeatures(2, interaction_only=True, include_bias=False)] if pairs else []
            return make_pipeline(*steps, StandardScaler(), LogisticRegression(C=c, max_iter=3000))
        return make
    return [
        Learner("multinomial logit, factors only", logit(False), (0.03, 0.3, 3.0)),
        Learner("multinomial logit, pairwise interactions", logit(True), (0.003, 0.03, 0.3)),
        Learner("gradient-boosted trees", lambda depth: GradientBoostingClassifier(
            n_estimators=100, max_depth=depth, learning_rate=0.05, subsample=0.8, random_state=0), (1, 2, 3)),
        Learner("random forest", lambda leaf: RandomForestClassifier(
            n_estimators=150, min_samples_leaf=leaf, max_features="sqrt", random_state=0, n_jobs=1), (1, 4, 12)),
        Learner("k nearest neighbours", lambda k: KNeighborsClassifier(n_neighbors=k), (5, 15, 40), weighted=False),
    ]


def arrays(rows: Sequence[Row]) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    x = np.array([r.features for r in rows], dtype=float)
    y = np.array([r.level.rank for r in rows])
    groups = np.array([r.crisis for r in rows])
    capped = np.array([r.capped for r in rows])
    return x, y, groups, capped


def _fit(learner: Learner, value: Any, x: np.ndarray, y: np.ndarray, groups: np.ndarray) -> Any:
    est = learner.make(value)
    if not learner.weighted:
        return est.fit(x, y)
    sw = _crisis_weights(groups)   # recomputed on each training set, as the shipped fit does
    last = est.steps[-1][0] + "__sample_weight" if hasattr(est, "steps") else "sample_weight"
    return est.fit(x, y, **{last: sw})


def _crisis_weights(groups: np.ndarray) -> np.ndarray:
    """N / (C n_c) for each decision of the subset: every crisis weighs the same."""
    counts = Counter(groups.tolist())
    return np.array([len(groups) / (len(counts) * counts[g]) for g in groups.tolist()])


def probabilities(est: Any, x: np.ndarray, capped: np.ndarray) -> np.ndarray:
    """P(level) over the five levels (a level no training decision had gets 0), `full` folded
    into `limited` short of an armed attack."""
    raw = est.predict_proba(x)
    p = np.zeros((len(x), len(RESPONSES)))
    p[:, est.classes_] = raw
    p[capped, _LIMITED] += p[capped, _FULL]
    p[capped, _FULL] = 0.0
    return p


def _exact(p: np.ndarray, y: np.ndarray) -> float:
    return float((p.argmax(axis=1) == y).mean())


def _brier(p: np.ndarray, y: np.ndarray) -> float:
    onehot = np.eye(len(RESPONSES))[y]
    return float(((p - onehot) ** 2).sum(axis=1).mean())


def tune(learner: Learner, x: np.ndarray, y: np.ndarray, groups: np.ndarray,
         capped: np.ndarray) -> tuple[Any, np.ndarray]:
    """The grid value with the best inner-fold exact level (ties: the lower Brier score), the
    inner folds splitting these training crises only; with its inner-fold probabilities."""
    best: tuple[float, float, int] | None = None
    inner: list[np.ndarray] = []
    for i, value in enumerate(learner.grid):
        preds = np.zeros((len(x), len(RESPONSES)))
        for tr, te in GroupKFold(n_splits=INNER_FOLDS).split(x, y, groups):
            est = _fit(learner, value, x[tr], y[tr], groups[tr])
            preds[te] = probabilities(est, x[te], capped[te])
        inner.append(preds)
        key = (-_exact(preds, y), _brier(preds, y), i)
        best = key if best is None or key < best else best
    assert best is not None
    return learner.grid[best[2]], inner[best[2]]


def expected_level(p: np.ndarray) -> np.ndarray:
    return p @ np.arange(len(RESPONSES))


def bands(p: np.ndarray, y: np.ndarray) -> list[float]:
    """Answer bands on the expected level, as engine.calibrate.answer_bands sets them on the
    score: each edge where history's share of the levels below it ends among these decisions
    (the training crises' inner-fold predictions), so each level is answered about as often
    as history chose it."""
    scores = np.sort(expected_level(p))
    edges: list[float] = []
    below = 0
    for level in range(_FULL):
        below += int((y == level).sum())
        i = min(max(below, 1), len(scores) - 1)
        edge = float((scores[i - 1] + scores[i]) / 2)
        edges.append(edge if not edges or edge > edges[-1] else edges[-1] + 1e-6)
    return edges


def answered_in_bands(p: np.ndarray, edges: Sequence[float], capped: np.ndarray) -> np.ndarray:
    level = (expected_level(p)[:, None] > np.asarray(edges)[None, :]).sum(axis=1)
    return np.where(capped & (level == _FULL), _LIMITED, level)


def as_predictions(rows: Sequence[Row], p: np.ndarray, answers: np.ndarray | None = None) -> list[Prediction]:
    """Predictions answering the most probable level, or `answers` where given."""
    chosen = p.argmax(axis=1) if answers is None else answers
    return [Prediction(r.crisis, r.turn, r.decider, r.treaty or None, "", r.level,
                       RESPONSES[int(k)], tuple(float(q) for q in row),
                       None if r.obligation == "none" else r.obligation)
            for r, row, k in zip(rows, p, chosen)]


def held_out(learner: Learner, rows: Sequence[Row]) -> tuple[list[Prediction], list[Prediction], Counter[Any]]:
    """Leave-one-crisis-out predictions of every row (the most probable level; the level banded
    as the shipped doctrine answers), and how often each grid value was chosen."""
    x, y, groups, capped = arrays(rows)
    p = np.zeros((len(rows), len(RESPONSES)))
    in_bands = np.zeros(len(rows), dtype=int)
    chosen: Counter[Any] = Counter()
    for crisis in dict.fromkeys(groups.tolist()):
        test = groups == crisis
        train = ~test
        value, inner = tune(learner, x[train], y[train], groups[train], capped[train])
        chosen[value] += 1
        est = _fit(learner, value, x[train], y[train], groups[train])
        p[test] = probabilities(est, x[test], capped[test])
        in_bands[test] = answered_in_bands(p[test], bands(inner, y[train]), capped[test])
    return as_predictions(rows, p), as_predictions(rows, p, in_bands), chosen


def in_sample(learner: Learner, rows: Sequence[Row], value: Any) -> list[Prediction]:
    """Fitted on every crisis with `value` and scored on the same decisions (how separable they are)."""
    x, y, groups, capped = arrays(rows)
    est = _fit(learner, value, x, y, groups)
    return as_predictions(rows, probabilities(est, x, capped))
