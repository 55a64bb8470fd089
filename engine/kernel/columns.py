"""A column of the compiled loops' tables that grows as tables are added, as the loops read it."""
from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

__all__ = ["Column"]


class Column:
    """Rows are kept in a list as they come and written into a NumPy array of twice the room when
    a loop next reads it (a view): tables are built a row at a time, between calls of the loop."""

    def __init__(self, dtype: Any, shape: tuple[int, ...] = ()) -> None:
        self.data: npt.NDArray[Any] = np.zeros((16, *shape), dtype=dtype)
        self.n = 0              # rows in `data`
        self.pending: list[Any] = []

    def __len__(self) -> int:
        return self.n + len(self.pending)

    def append(self, value: Any) -> None:
        self.pending.append(value)

    def extend(self, values: Any) -> None:
        self.pending.extend(values)

    def set(self, i: int, value: Any) -> None:
        self.view()[i] = value

    def view(self) -> npt.NDArray[Any]:
        if self.pending:
            need = self.n + len(self.pending)
            if need > self.data.shape[0]:
                grown = np.zeros((2 * need, *self.data.shape[1:]), dtype=self.data.dtype)
                grown[:self.n] = self.data[:self.n]
                self.data = grown
            self.data[self.n:need] = self.pending
            self.n = need
            self.pending = []
        return self.data[:self.n]
