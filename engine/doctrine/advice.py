"""An answer of the doctrine: a distribution over the response scale, and why."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from ..floats import total
from ..model import RESPONSES, ObligationType, Response, honours
from . import explain
from .logit import median
from .situation import Factor, Situation


class Pending:
    """The makings of an advice's factor list, kept until someone reads it.

    Monte Carlo draws thousands of decisions nobody reads; the words cost far
    more than the numbers, so they are written on first reading only.
    """
    __slots__ = ("situation", "values", "weights")

    def __init__(self, situation: Situation, values: tuple[float, ...],
                 weights: tuple[float, ...]) -> None:
        self.situation, self.values, self.weights = situation, values, weights

    def __reduce__(self) -> tuple[Any, ...]:
        return (Pending, (self.situation, self.values, self.weights))

    def build(self) -> tuple[Factor, ...]:
        return explain.factors(self.situation, self.values, self.weights)


@dataclass(frozen=True, slots=True, init=False, eq=False)
class Advice:
    """A distribution over the response scale and the reasons behind it.

    `probabilities` is aligned with RESPONSES (hostile ... full). `factors` are
    sorted by the size of their contribution, largest first (ties by name).
    `toward` names what a positive contribution pushes toward: honouring a
    commitment, or support for a partner a state owes nothing.
    """
    probabilities: tuple[float, ...]
    score: float
    toward: str
    ceiling: Response | None
    answer: Response | None
    _factors: tuple[Factor, ...] | None = field(repr=False)
    _pending: Pending | None = field(repr=False)

    def __init__(self, probabilities: Sequence[float], factors: Sequence[Factor] | Pending,
                 score: float, toward: str = "honouring", *, ceiling: Response | None = None,
                 answer: Response | None = None) -> None:
        put = object.__setattr__
        put(self, "answer", answer)
        put(self, "probabilities", tuple(probabilities))
        put(self, "score", score)
        put(self, "toward", toward)
        put(self, "ceiling", ceiling)
        if isinstance(factors, Pending):
            put(self, "_factors", None)
            put(self, "_pending", factors)
        else:
            put(self, "_factors", tuple(factors))
            put(self, "_pending", None)

    @property
    def factors(self) -> tuple[Factor, ...]:
        found = self._factors
        if found is None:
            assert self._pending is not None  # one of the two is always set
            found = self._pending.build()
            object.__setattr__(self, "_factors", found)
            object.__setattr__(self, "_pending", None)
        return found

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Advice):
            return NotImplemented
        return ((self.probabilities, self.score, self.toward, self.ceiling, self.answer, self.factors)
                == (other.probabilities, other.score, other.toward, other.ceiling, other.answer,
                    other.factors))

    def __hash__(self) -> int:
        return hash((self.probabilities, self.score, self.toward))

    @property
    def response(self) -> Response:
        """The deterministic answer: the band of the score that the doctrine gave (Doctrine,
        logit.banded), else the median level (logit.median). Either way every level of the
        scale can be the answer, unlike the most probable level."""
        return self.answer if self.answer is not None else median(self.probabilities)

    @property
    def expected_rank(self) -> float:
        return total(k * p for k, p in enumerate(self.probabilities))

    def p_honour(self, obligation_type: ObligationType | str) -> float:
        """Probability that the answer honours an obligation of this type."""
        kind = ObligationType(obligation_type)
        return total(p for r, p in zip(RESPONSES, self.probabilities) if honours(kind, r))

    def explain(self, limit: int = 5) -> str:
        """The answer and its largest reasons, in words that can be read aloud."""
        top = [f for f in self.factors if f.contribution != 0.0][:max(limit, 0)]
        pro = [f"{f.text} ({f.contribution:+.2f})" for f in top if f.contribution > 0]
        con = [f"{f.text} ({f.contribution:+.2f})" for f in top if f.contribution < 0]
        best = self.response
        ceiling = (f" No combat forces: the attack is short of an armed attack, so {self.ceiling} "
                   f"support is the most it calls for." if self.ceiling is not None else "")
        # The answer is the band the score falls in (logit.banded), not always the likeliest level.
        return (f"Answer: {best} (p={self.probabilities[best.rank]:.2f}). "
                f"Pushing toward {self.toward}: {'; '.join(pro) or 'nothing'}; "
                f"against: {'; '.join(con) or 'nothing'}.{ceiling}")
