"""A run's arrays of fixed size in three pools (integers, floats, flags), each array a view of its pool.

numba reads each array handed to it from Python, some 0.1-0.2 us each, and the compiled opening
(`engine.kernel.open_loop.open_turns`) is called some six times a run: so it is handed the pools
and the arrays' spans, four arrays, not eighteen, and views them (`viewed`). The run loop
(engine.kernel.run_loop.RunState) reads and writes the same arrays through its own views, and hands
them one by one to the loops called less often.
"""
from __future__ import annotations

from collections.abc import Mapping
from math import prod
from typing import Any

import numpy as np

from .compiled import jit

__all__ = ["INTS", "FLOATS", "FLAGS", "Pooled", "viewed", "counters"]

# The arrays pooled, by pool, in their order in the spans (2: a matrix).
INTS = (("log", 2), ("made", 1), ("new", 1), ("ranks", 2), ("began", 2), ("war_list", 2), ("enemy_rows", 2),
        ("out", 1), ("cursor", 1), ("at", 1))
FLOATS = (("reputation", 1), ("probes", 1), ("option_resolves", 1), ("given", 1))
FLAGS = (("fired_mask", 1), ("counts", 2), ("lapsed_mask", 1), ("adjacent", 2))
_AT = 9  # the counters' place in the spans


class Pooled:
    """The layout of a plan's runs' pools (their arrays' shapes and first values are the plan's), and
    the pools as each run starts them: copied from a template, viewed as laid out."""

    def __init__(self, shapes: Mapping[str, tuple[int, ...]], fills: Mapping[str, Any]) -> None:
        """`shapes`: every name of INTS, FLOATS and FLAGS; `fills`: the first values of those not zeros."""
        self.spans = np.zeros((len(INTS) + len(FLOATS) + len(FLAGS), 4), dtype=np.int64)
        self._slices: list[tuple[int, int, int, tuple[int, ...] | None]] = []
        templates: list[Any] = []
        row = 0
        for names, dtype in ((INTS, np.int64), (FLOATS, np.float64), (FLAGS, np.bool_)):
            pool = np.zeros(sum(prod(shapes[name]) for name, _ in names), dtype=dtype)
            start = 0
            for name, dims in names:
                shape = shapes[name]
                assert len(shape) == dims, name
                stop = start + prod(shape)
                self.spans[row] = start, stop, shape[0], shape[1] if dims == 2 else 0
                self._slices.append((len(templates), start, stop, shape if dims == 2 else None))
                if name in fills:
                    pool[start:stop].reshape(shape)[...] = fills[name]
                start, row = stop, row + 1
            templates.append(pool)
        self._templates = tuple(templates)

    def made(self) -> tuple[list[Any], tuple[Any, Any, Any, Any]]:
        """A run's arrays, in the order of INTS, FLOATS and FLAGS (views of its pools, as the template
        holds them), and the pools with the spans, as `viewed` takes them."""
        pools = [t.copy() for t in self._templates]
        views = [pools[k][a:b] if shape is None else pools[k][a:b].reshape(shape) for k, a, b, shape in self._slices]
        return views, (pools[0], pools[1], pools[2], self.spans)


def _viewed(ints: Any, floats: Any, flags: Any, spans: Any) -> Any:
    """The arrays of the pools, in the order of INTS, FLOATS and FLAGS."""
    s = spans
    return (ints[s[0, 0]:s[0, 1]].reshape((s[0, 2], s[0, 3])), ints[s[1, 0]:s[1, 1]], ints[s[2, 0]:s[2, 1]],
            ints[s[3, 0]:s[3, 1]].reshape((s[3, 2], s[3, 3])), ints[s[4, 0]:s[4, 1]].reshape((s[4, 2], s[4, 3])),
            ints[s[5, 0]:s[5, 1]].reshape((s[5, 2], s[5, 3])), ints[s[6, 0]:s[6, 1]].reshape((s[6, 2], s[6, 3])),
            ints[s[7, 0]:s[7, 1]], ints[s[8, 0]:s[8, 1]], ints[s[9, 0]:s[9, 1]],
            floats[s[10, 0]:s[10, 1]], floats[s[11, 0]:s[11, 1]], floats[s[12, 0]:s[12, 1]], floats[s[13, 0]:s[13, 1]],
            flags[s[14, 0]:s[14, 1]], flags[s[15, 0]:s[15, 1]].reshape((s[15, 2], s[15, 3])),
            flags[s[16, 0]:s[16, 1]], flags[s[17, 0]:s[17, 1]].reshape((s[17, 2], s[17, 3])))


viewed = jit(_viewed)


def counters(ints: Any, spans: Any) -> Any:
    """The run's counters (`at`), viewed in Python."""
    return ints[spans[_AT, 0]:spans[_AT, 1]]
