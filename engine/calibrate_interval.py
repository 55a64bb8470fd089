"""How sure the held-out figures are: intervals from resampling whole crises.

A leave-one-crisis-out figure is an average over a few dozen crises, and the
decisions of one crisis are not independent of one another (the allies of 1866
went to war together, the Falklands' American states voted together). So the
uncertainty is measured the way the figure was made, by crisis: draw as many
crises as there are, with replacement, score the held-out predictions of the
crises drawn, and repeat (the cluster bootstrap; Cameron, Gelbach & Miller 2008).
The 2.5th and 97.5th percentiles of the draws bound each figure. The draws come
from a fixed seed, so the same predictions give the same intervals.
"""
from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from .backtest import Prediction, came, squared_error
from .floats import total
from .model import Response

__all__ = ["DRAWS", "Interval", "crisis_intervals"]

DRAWS = 2000
SEED = 0


@dataclass(frozen=True)
class Interval:
    low: float
    high: float

    def to_dict(self) -> dict[str, float]:
        return {"low": self.low, "high": self.high}


@dataclass(frozen=True)
class _Tally:
    """One crisis's held-out predictions, summed: what every score below is made of."""
    n: int
    exact: int
    agree: int
    brier: float
    all_honour: int     # exact answers of the baseline "every bound ally honours" (always `full`)
    all_neutral: int    # ... and of "every ally stays out" (always `neutral`)


def _tally(predictions: Sequence[Prediction]) -> _Tally:
    exact = agree = honour = neutral = 0
    brier = 0.0
    for p in predictions:
        exact += p.predicted is p.historical
        agree += came(p.predicted, p.obligation) == came(p.historical, p.obligation)
        brier += squared_error(p.probabilities, p.historical)
        honour += p.historical is Response.FULL
        neutral += p.historical is Response.NEUTRAL
    return _Tally(len(predictions), exact, agree, brier, honour, neutral)


def _scores(drawn: Sequence[_Tally]) -> dict[str, float]:
    n = sum(t.n for t in drawn) or 1
    exact = sum(t.exact for t in drawn) / n
    better = max(sum(t.all_honour for t in drawn), sum(t.all_neutral for t in drawn)) / n
    return {"exact": exact, "honour_agreement": sum(t.agree for t in drawn) / n,
            "brier": total(t.brier for t in drawn) / n, "exact_over_better_baseline": exact - better}


def _percentile(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def crisis_intervals(held_out: Sequence[Prediction], *, draws: int = DRAWS,
                     seed: int = SEED) -> Mapping[str, Interval]:
    """95% intervals of the doctrine's held-out exact level, honour agreement, Brier score and
    lead in exact level over the better baseline, by resampling whole crises."""
    by_crisis: dict[str, list[Prediction]] = {}
    for p in held_out:
        by_crisis.setdefault(p.scenario, []).append(p)
    tallies = [_tally(ps) for _, ps in sorted(by_crisis.items())]
    if not tallies:
        return {}
    rng = random.Random(seed)
    samples: dict[str, list[float]] = {}
    for _ in range(draws):
        drawn = [tallies[rng.randrange(len(tallies))] for _ in tallies]
        for name, value in _scores(drawn).items():
            samples.setdefault(name, []).append(value)
    return {name: Interval(round(_percentile(v, 0.025), 4), round(_percentile(v, 0.975), 4))
            for name, v in samples.items()}
