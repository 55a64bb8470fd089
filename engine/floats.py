"""Floats summed to the same bits on every Python the engine supports.

Python 3.12 made the builtin `sum` of floats compensated (Neumaier's algorithm); 3.11
adds each float to the running double in turn. A rule, an indicator or a report that
summed floats with `sum` would read other bits on another Python: another draw, another
game, another digit in a log that should be the same byte for byte. `total` adds left
to right on every Python: on 3.11 it is the builtin itself (its own fast loop, in C), on
later ones `functools.reduce` over `operator.add` (in C, one addition at a time).
tests/test_golden.py plays the golden games both ways and refuses a float summed by the
builtin in the engine. Counts (sums of ints and bools) are exact either way and keep it.
"""
from __future__ import annotations

import sys
from collections.abc import Callable, Iterable
from functools import reduce
from operator import add

__all__ = ["total", "left_to_right"]


def left_to_right(values: Iterable[float], start: float = 0) -> float:
    """`start` plus each value in turn, left to right: what Python 3.11's `sum` gives."""
    found: float = reduce(add, values, start)
    return found


total: Callable[[Iterable[float]], float] = sum if sys.version_info < (3, 12) else left_to_right
