"""The ordered logit, numbers only: a latent score to a distribution over the response scale.

    P(response <= level k) = logistic(cuts[k] - score)

Nothing here knows a world or a treaty; the factors give the values, the weights
and cut points come from doctrine.json or a calibration.
"""
from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Protocol

from .. import numeric
from ..model import RESPONSES, Response


class Uniform(Protocol):
    """Where a sampled decision takes its one uniform draw: a `random.Random`, or the
    turn engine's per-decision hash (engine.turn._Draw)."""
    def random(self) -> float: ...


def logistic(z: float) -> float:
    """1 / (1 + e^-z), computed on the side where the exponential cannot overflow."""
    return numeric.logistic(z)


def score(weights: Sequence[float], values: Sequence[float]) -> float:
    """The latent score: the weighted sum of the factors' values, summed in factor order."""
    return numeric.score(weights, values)


def distribution(cuts: Sequence[float], latent: float) -> tuple[float, ...]:
    """P(response = level) for each level, from the latent score (engine.numeric: one copy
    of the arithmetic, the compiled Monte Carlo kernel runs the same)."""
    return numeric.distribution(cuts, latent)


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
    return numeric.cap_full(probabilities)


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
    return RESPONSES[numeric.draw_index(probabilities, rng.random())]


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
