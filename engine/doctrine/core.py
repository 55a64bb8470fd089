"""The Doctrine: one set of weights and cut points, and the decisions they give."""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from types import MappingProxyType

from .. import numeric
from ..model import Response, Scenario
from ..world import World
from . import logit, standing
from .advice import Advice, Pending
from .data import DEFAULT_BANDS, DEFAULT_CUTS, DEFAULT_WEIGHTS, FACTORS
from .factors import values
from .situation import Situation

# A council's vote follows each member's own answer (engine.turn), not these two settings.
# They are still accepted, checked and kept so that callers that pass a doctrine's settings
# through (engine/montecarlo.py) keep working; they decide nothing.
_VOTE_THRESHOLD = 0.5
VOTE_RULES: tuple[str, ...] = ("honour", "support")


class Doctrine:
    """Weights and cut points of the decision model, and the decisions they give."""

    def __init__(self, weights: Mapping[str, float] | None = None,
                 cuts: Sequence[float] | None = None, *,
                 bands: Sequence[float] | None = None,
                 vote_threshold: float = _VOTE_THRESHOLD,
                 vote_rule: str = VOTE_RULES[0]) -> None:
        merged = dict(DEFAULT_WEIGHTS)
        unknown = sorted(set(weights or {}) - set(FACTORS))
        if unknown:
            raise ValueError(f"unknown doctrine weight(s) {', '.join(unknown)}; "
                             f"the known weights are: {', '.join(FACTORS)}")
        for name, value in (weights or {}).items():
            merged[name] = logit.finite(value, f"doctrine weight {name}")
        self.weights: Mapping[str, float] = MappingProxyType(merged)
        self.cuts: tuple[float, ...] = logit.check_cuts(DEFAULT_CUTS if cuts is None else cuts)
        # The deterministic answer's bands on the score (logit.banded): fitted so that on the
        # training crises each level is the answer about as often as history chose it.
        self.bands: tuple[float, ...] = logit.check_cuts(DEFAULT_BANDS if bands is None else bands)
        self.vote_threshold = logit.finite(vote_threshold, "vote threshold")
        if vote_rule not in VOTE_RULES:
            raise ValueError(f"unknown vote rule {vote_rule!r}; the rules are: "
                             f"{', '.join(VOTE_RULES)}")
        self.vote_rule = vote_rule
        self._vector = tuple(merged[name] for name in FACTORS)

    @classmethod
    def for_scenario(cls, scenario: Scenario) -> Doctrine:
        """The defaults with the scenario's `doctrine.weights` applied."""
        return cls(weights=scenario.doctrine_weights)

    def __repr__(self) -> str:
        changed = {k: v for k, v in self.weights.items() if v != DEFAULT_WEIGHTS[k]}
        return f"Doctrine(weights={changed}, cuts={self.cuts})"

    # --- the ordered logit ---------------------------------------------------------
    def distribution(self, score: float) -> tuple[float, ...]:
        """P(response = level) for each level, from the latent score."""
        return logit.distribution(self.cuts, score)

    def score(self, values: Sequence[float]) -> float:
        """The latent score of factor values given in documentation order."""
        return logit.score(self._vector, values)

    # --- deciding --------------------------------------------------------------
    def features(self, situation: Situation) -> dict[str, float]:
        """The factor values before weighting, in documentation order (for calibration)."""
        return dict(zip(FACTORS, values(situation)))

    def advise(self, situation: Situation) -> Advice:
        """The distribution over the response scale in `situation`, with its reasons."""
        found, score, probabilities, capped = self._read(situation)
        toward = "honouring" if situation.treaty is not None else "support"
        return Advice(probabilities, Pending(situation, found, self._vector), score, toward,
                      ceiling=Response.LIMITED if capped else None,
                      answer=logit.banded(self.bands, score, capped))

    def draw(self, situation: Situation, rng: logit.Uniform) -> Response:
        """The answer drawn with a single rng.random() from the distribution `advise` gives, without
        the advice that explains it: a batch run's answer (engine.decide), which tallies answers alone."""
        return logit.draw(self._read(situation)[2], rng)

    def _read(self, situation: Situation) -> tuple[tuple[float, ...], float, tuple[float, ...], bool]:
        """The factor values, the latent score, the distribution (short of an armed attack, `full`'s
        share given to `limited`) and whether it was so capped: what `advise` explains and `draw`
        draws from."""
        found = values(situation)
        # self.score and self.distribution, one call each rather than three (every decision asks).
        score = numeric.score(self._vector, found)
        probabilities = numeric.distribution(self.cuts, score)
        capped = situation.attack.short_of_armed_attack
        if capped:
            probabilities = numeric.cap_full(probabilities)
        return found, score, probabilities, capped

    def decide(self, situation: Situation,
               rng: logit.Uniform | None = None) -> tuple[Response, Advice]:
        """The banded answer (rng None, Advice.response), or one drawn with a single rng.random()."""
        advice = self.advise(situation)
        if rng is None:
            return advice.response, advice
        return logit.draw(advice.probabilities, rng), advice

    # --- credibility and fears ---------------------------------------------------------
    def credibility(self, world: World, treaty: str, adversary: str) -> float:
        """The treaty's credibility in `adversary`'s eyes, 0..1 (doctrine.json 'credibility')."""
        return standing.credibility(world, treaty, adversary)

    def fears(self, world: World, treaty: str, member: str) -> tuple[float, float]:
        """(fear of abandonment, fear of entrapment), 0..1 each (doctrine.json 'fears')."""
        return standing.fears(world, treaty, member)
