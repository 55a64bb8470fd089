"""The ordered logit, numbers only: a latent score to a distribution over the response scale.

    P(response <= level k) = logistic(cuts[k] - score)

Nothing here knows a world or a treaty; the factors give the values, the weights
and cut points come from doctrine.json or a calibration.
"""
from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Protocol

from ..model import RESPONSES, Response

# math.exp overflows a float just above 709.78; the logistic is 0 or 1 to double
# precision long before, so clamping the exponent changes no result.
_EXP_LIMIT = 700.0


class Uniform(Protocol):
    """Where a sampled decision takes its one uniform draw: a `random.Random`, or the
    turn engine's per-decision hash (engine.turn._Draw)."""
    def random(self) -> float: ...


def logistic(z: float) -> float:
    """1 / (1 + e^-z), computed on the side where the exponential cannot overflow."""
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-min(z, _EXP_LIMIT)))
    e = math.exp(max(z, -_EXP_LIMIT))
    return e / (1.0 + e)


def score(weights: Sequence[float], values: Sequence[float]) -> float:
    """The latent score: the weighted sum of the factors' values, summed in factor order."""
    total = 0.0
    for w, x in zip(weights, values):
        total += w * x
    return total


def distribution(cuts: Sequence[float], latent: float) -> tuple[float, ...]:
    """P(response = level) for each level, from the latent score."""
    # The four cumulative probabilities, each `logistic(cut - latent)` computed exactly as
    # `logistic` does (every decision of every run comes here, so written out, not called).
    cumulative = []
    for c in cuts:
        z = c - latent
        if z >= 0:
            cumulative.append(1.0 / (1.0 + math.exp(-min(z, _EXP_LIMIT))))
        else:
            e = math.exp(max(z, -_EXP_LIMIT))
            cumulative.append(e / (1.0 + e))
    f0, f1, f2, f3 = cumulative
    # The logistic is monotone, so the differences are not negative; max()
    # only guards the last bit of rounding.
    return (f0, max(0.0, f1 - f0), max(0.0, f2 - f1), max(0.0, f3 - f2), 1.0 - f3)


# Combat forces answer an armed attack. A cyber operation, a hybrid campaign or a border
# incident is no armed attack in law (UN Charter art. 51; ICJ, Nicaragua v. United States,
# 1986, paras 195, 211 and 249: acts short of an armed attack open no right of collective
# self-defence to third states), and in this engine it starts no war between attacker and
# victim (engine.model.KIND_TRAITS). So the doctrine sends no combat forces to one
# (network.Attack.short_of_armed_attack): what the ordered logit gives `full` goes to
# `limited`, the most a state does short of war (Crimea 2014: arms and training, no
# troops). A terrorist attack keeps `full` open, as NATO held on 12 September 2001 and
# UN Security Council resolution 1368 allowed.
def within_threshold(probabilities: Sequence[float]) -> tuple[float, ...]:
    """The distribution with the probability of `full` given to `limited`."""
    *lower, limited, full = probabilities
    return (*lower, limited + full, 0.0)


def most_probable(probabilities: Sequence[float]) -> Response:
    """The most probable level; a tie goes to the lower level."""
    best = 0
    for k in range(1, len(probabilities)):
        if probabilities[k] > probabilities[best]:
            best = k
    return RESPONSES[best]


def median(probabilities: Sequence[float]) -> Response:
    """The median level: the lowest whose cumulative probability reaches one half.

    The deterministic answer. Under an ordered logit the median is the level whose band
    between two cut points holds the latent score, so every level is the answer somewhere
    (the most probable level is not: a narrow middle band is never the mode)."""
    cumulative = 0.0
    for response, p in zip(RESPONSES, probabilities):
        cumulative += p
        if cumulative >= 0.5:
            return response
    return RESPONSES[-1]


def banded(bands: Sequence[float], latent: float, capped: bool = False) -> Response:
    """The level whose answer band holds the latent score: the number of band edges below it
    (doctrine.json, cuts.answer_bands). Short of an armed attack `full` is no answer."""
    level = 0
    for edge in bands:
        if latent > edge:
            level += 1
    if capped and level == len(RESPONSES) - 1:
        level -= 1
    return RESPONSES[level]


def draw(probabilities: Sequence[float], rng: Uniform) -> Response:
    """A level drawn from the distribution with a single rng.random()."""
    u = rng.random()
    cumulative = 0.0
    for response, p in zip(RESPONSES, probabilities):
        cumulative += p
        if u < cumulative:
            return response
    return RESPONSES[-1]


def finite(value: object, what: str) -> float:
    """`value` as a float, or a ValueError naming `what` when it is no finite number."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise ValueError(f"{what} must be a finite number, got {value!r}")
    return float(value)


def check_cuts(cuts: Sequence[float]) -> tuple[float, ...]:
    """The cut points as floats: one between each pair of levels, strictly increasing."""
    values = tuple(finite(c, "cut point") for c in cuts)
    if len(values) != len(RESPONSES) - 1:
        raise ValueError(f"expected {len(RESPONSES) - 1} cut points (one between each pair of "
                         f"the levels {', '.join(RESPONSES)}), got {len(values)}")
    if any(b <= a for a, b in zip(values, values[1:])):
        raise ValueError(f"cut points must increase strictly, got {list(values)}")
    return values
