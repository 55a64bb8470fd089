"""The decision model: how a state the engine plays answers an attack (DOCTRINE.md).

Twenty-two factors from the alliance literature are read off the world, each
scaled to [0, 1] or [-1, 1]. Their weighted sum is a latent score, linear in
the weights so that a calibration can refit them; an ordered logit turns the
score into a probability for each level of the response scale:

    P(response <= level k) = logistic(cuts[k] - score)

The weights and cut points are data (`engine/doctrine.json`, each with its
source), overridable per scenario. Every answer carries its reasons in plain
words, so a facilitator can read out why a state did what it did.

Two further outputs stay apart from the honouring decision, as the seed paper
asks: a treaty's credibility as an adversary sees it (what deters), and each
member's fears of abandonment and entrapment (Snyder's security dilemma).

The house, one seam per module:

    data.py       doctrine.json, read and checked at import
    situation.py  what a decision is about (Situation) and one reason (Factor)
    readings.py   what the doctrine reads off a world, cached per world
    factors.py    the twenty-two factors' values (numbers only: the hot path)
    logit.py      the ordered logit and sampling (numbers only)
    explain.py    the factors in plain words
    advice.py     an answer: its distribution and its reasons
    standing.py   a treaty's credibility and its members' fears
    core.py       the Doctrine, tying them together

To add a factor: its row in doctrine.json (weight, prior, range, intuition,
source) and its name in data.FACTORS, in the same place (checked at import);
its value in factors.values, at that place in the tuple; its words in
explain._SAY (checked at import); a case in tests/test_doctrine.py's
FACTOR_CASES; then `casus calibrate --update-defaults` to refit the weights.
"""
from __future__ import annotations

from .advice import Advice
from .core import Doctrine
from .data import (
    DATA,
    DEFAULT_CUTS,
    DEFAULT_WEIGHTS,
    FACTORS,
    KIND_CLARITY,
    PRIOR_CUTS,
    PRIOR_WEIGHTS,
    TREATY_FACTORS,
)
from .logit import Uniform, within_threshold
from .situation import Factor, Situation

__all__ = [
    "DATA", "DEFAULT_CUTS", "DEFAULT_WEIGHTS", "FACTORS", "KIND_CLARITY", "PRIOR_CUTS",
    "PRIOR_WEIGHTS", "TREATY_FACTORS", "Advice", "Doctrine", "Factor",
    "Situation", "Uniform", "within_threshold",
]
