"""A metric carries its own direction and unit, so the gate and leaderboard read them here."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Literal

import numpy as np

Columns = dict[str, np.ndarray]
Direction = Literal["lower", "higher", "ideal"]


@dataclass(frozen=True)
class Metric:
    """One task-level statistic over per-item columns.

    ``fn`` reduces along the last axis, so the same function scores one sample (1-D columns)
    and a whole bootstrap at once (2-D columns, one row per resample).
    """

    name: str
    fn: Callable[[Columns], np.ndarray | float]
    direction: Direction
    unit: str
    description: str
    ideal: float | None = None
    # columns the metric reads; the gate and bootstrap only gather these
    needs: tuple[str, ...] = field(default_factory=tuple)

    def __call__(self, cols: Columns) -> float:
        return float(self.fn(cols))

    def meta(self) -> dict:
        """The metadata written next to every value in the results file."""
        out = {"direction": self.direction, "unit": self.unit, "description": self.description}
        if self.ideal is not None:
            out["ideal"] = self.ideal
        return out

    def badness(self, value: float) -> float:
        """Map a value to "higher is worse", for ranking and regression checks."""
        if self.direction == "lower":
            return value
        if self.direction == "higher":
            return -value
        return abs(value - float(self.ideal))


def mean_pct(key: str) -> Callable[[Columns], np.ndarray]:
    """Percentage of items whose 0/1 column ``key`` is 1."""

    def fn(cols: Columns) -> np.ndarray:
        return 100.0 * np.mean(cols[key], axis=-1)

    return fn
