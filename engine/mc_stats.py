"""The statistics of the Monte Carlo runs: exact sums, Wilson intervals, quantiles, regression.

Nothing here knows of games or scenarios. Sums are kept exact (Shewchuk's
partials), so that a total does not depend on the order in which runs were
added or partial totals merged: what makes the results of a batch independent
of its workers and chunks.
"""
from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from typing import TypeVar

from .floats import total

__all__ = ["Z95", "QUANTILES", "COHESION_BINS", "ExactSum", "Moments", "wilson", "quantiles",
           "mean", "bins", "round6"]

Z95 = 1.959963984540054  # the normal quantile of 0.975
QUANTILES = (0.05, 0.25, 0.5, 0.75, 0.95)
COHESION_BINS = 10

N = TypeVar("N", int, float)  # the values of a distribution counted value -> runs


def round6(x: float | None, digits: int = 6) -> float | None:
    """A figure as reported: six decimals, None kept."""
    return None if x is None else round(x, digits)


# --- exact sums -------------------------------------------------------------------------------

class ExactSum:
    """A float sum kept exact as non-overlapping partials (Shewchuk 1997).

    `value` is the correctly rounded total, whatever the order in which values
    were added or sums merged: what makes results independent of the workers.
    """
    __slots__ = ("partials",)

    def __init__(self, partials: Iterable[float] = ()) -> None:
        self.partials: list[float] = list(partials)

    def add(self, x: float) -> None:
        partials, i = self.partials, 0
        for y in partials:
            if abs(x) < abs(y):
                x, y = y, x
            hi = x + y
            lo = y - (hi - x)
            if lo:
                partials[i] = lo
                i += 1
            x = hi
        partials[i:] = [x]

    def merge(self, other: ExactSum) -> None:
        for p in other.partials:
            self.add(p)

    @property
    def value(self) -> float:
        return math.fsum(self.partials)

    def __getstate__(self) -> list[float]:
        return self.partials

    def __setstate__(self, state: Iterable[float]) -> None:
        self.partials = list(state)


# --- correlation and regression on the varied weights ------------------------------------------

Stats = dict[str, float | None]  # {"r": Pearson's r, "beta": standardized coefficient}
_MomentsState = tuple[int, list[ExactSum], list[ExactSum], ExactSum, ExactSum, list[ExactSum]]


class Moments:
    """Sums for correlations and a regression of one outcome on the varied weights."""
    __slots__ = ("n", "x", "xx", "y", "yy", "xy")

    def __init__(self, k: int) -> None:
        self.n = 0
        self.x = [ExactSum() for _ in range(k)]
        self.xx = [ExactSum() for _ in range(k * (k + 1) // 2)]  # upper triangle, row-major
        self.y, self.yy = ExactSum(), ExactSum()
        self.xy = [ExactSum() for _ in range(k)]

    def add(self, xs: Sequence[float], y: float) -> None:
        self.n += 1
        self.y.add(y)
        self.yy.add(y * y)
        t = 0
        for i, xi in enumerate(xs):
            self.x[i].add(xi)
            self.xy[i].add(xi * y)
            for xj in xs[i:]:
                self.xx[t].add(xi * xj)
                t += 1

    def merge(self, other: Moments) -> None:
        self.n += other.n
        for mine, theirs in zip(self._all(), other._all()):
            mine.merge(theirs)

    def _all(self) -> list[ExactSum]:
        return [*self.x, *self.xx, self.y, self.yy, *self.xy]

    def __getstate__(self) -> _MomentsState:
        return (self.n, self.x, self.xx, self.y, self.yy, self.xy)

    def __setstate__(self, state: _MomentsState) -> None:
        self.n, self.x, self.xx, self.y, self.yy, self.xy = state

    def analyse(self) -> list[Stats]:
        """Per weight: Pearson's r with the outcome, and the standardized beta."""
        k, n = len(self.x), self.n
        if n < 3:
            return [{"r": None, "beta": None} for _ in range(k)]
        cov, cxy, vy = self._covariances()
        sd = [math.sqrt(c[i]) if c[i] > 0 else 0.0 for i, c in enumerate(cov)]
        sy = math.sqrt(vy) if vy > 0 else 0.0
        r = [cxy[i] / (sd[i] * sy) if sd[i] and sy else None for i in range(k)]
        beta = self._betas(cov, sd, sy, r)
        return [{"r": round6(r[i]), "beta": round6(beta[i])} for i in range(k)]

    def _covariances(self) -> tuple[list[list[float]], list[float], float]:
        """The weights' covariance matrix, their covariances with the outcome, its variance."""
        k, n = len(self.x), self.n
        mx = [s.value / n for s in self.x]
        my = self.y.value / n
        vy = self.yy.value / n - my * my
        cov = [[0.0] * k for _ in range(k)]
        t = 0
        for i in range(k):
            for j in range(i, k):
                cov[i][j] = cov[j][i] = self.xx[t].value / n - mx[i] * mx[j]
                t += 1
        cxy = [self.xy[i].value / n - mx[i] * my for i in range(k)]
        return cov, cxy, vy

    def _betas(self, cov: list[list[float]], sd: list[float], sy: float,
               r: list[float | None]) -> list[float | None]:
        """Standardized coefficients of the weights that varied, when the system is solvable."""
        k = len(sd)
        beta: list[float | None] = [None] * k
        usable = [i for i in range(k) if sd[i]]
        if sy and usable and self.n > len(usable) + 1:
            corr = [[cov[i][j] / (sd[i] * sd[j]) for j in usable] for i in usable]
            solved = _solve(corr, [r[i] or 0.0 for i in usable])
            if solved is not None:
                for i, b in zip(usable, solved):
                    beta[i] = b
        return beta


def _solve(a: list[list[float]], b: list[float]) -> list[float] | None:
    """Gaussian elimination with partial pivoting; None for a singular system."""
    n = len(b)
    m = [row[:] + [b[i]] for i, row in enumerate(a)]
    for col in range(n):
        pivot = max(range(col, n), key=lambda r: abs(m[r][col]))
        if abs(m[pivot][col]) < 1e-12:
            return None
        m[col], m[pivot] = m[pivot], m[col]
        for r in range(col + 1, n):
            f = m[r][col] / m[col][col]
            for c in range(col, n + 1):
                m[r][c] -= f * m[col][c]
    x = [0.0] * n
    for r in range(n - 1, -1, -1):
        x[r] = (m[r][n] - total(m[r][c] * x[c] for c in range(r + 1, n))) / m[r][r]
    return x


# --- proportions and distributions ---------------------------------------------------------------

def wilson(successes: int, n: int, z: float = Z95) -> tuple[float, float]:
    """The Wilson score interval of a proportion; (0, 1) when n is 0."""
    if n <= 0:
        return 0.0, 1.0
    p = successes / n
    z2 = z * z
    centre = (p + z2 / (2 * n)) / (1 + z2 / n)
    half = z * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / (1 + z2 / n)
    # At 0 and n the bound is exactly 0 or 1; the formula would leave rounding dust.
    low = 0.0 if successes <= 0 else max(0.0, centre - half)
    high = 1.0 if successes >= n else min(1.0, centre + half)
    return low, high


def quantiles(counts: Mapping[N, int], qs: Sequence[float] = QUANTILES) -> dict[str, float | None]:
    """Quantiles of a distribution given as value -> count (linear interpolation, as numpy's default)."""
    items = sorted(counts.items())
    n = sum(c for _, c in items)
    out: dict[str, float | None] = {}
    for q in qs:
        name = f"p{round(q * 100)}"
        if n == 0:
            out[name] = None
            continue
        h = (n - 1) * q
        lo = math.floor(h)
        a, b = _nth(items, lo), _nth(items, min(lo + 1, n - 1))
        out[name] = round6(a + (h - lo) * (b - a))
    return out


def _nth(items: Sequence[tuple[N, int]], k: int) -> N:
    seen = 0
    for value, count in items:
        seen += count
        if k < seen:
            return value
    return items[-1][0]


def mean(counts: Mapping[N, int]) -> float | None:
    n = sum(counts.values())
    return round6(math.fsum(v * c for v, c in sorted(counts.items())) / n) if n else None


def bins(counts: Mapping[float, int], k: int = COHESION_BINS) -> list[list[float]]:
    """(low, high, count) over [0, 1]; the last bin includes 1."""
    cells = [0] * k
    for value, count in counts.items():
        cells[min(int(value * k), k - 1) if value >= 0 else 0] += count
    return [[round(i / k, 4), round((i + 1) / k, 4), cells[i]] for i in range(k)]
