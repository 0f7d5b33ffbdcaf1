"""A metric carries its own direction and unit, so the gate and leaderboard read them here."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Literal

import numpy as np

Columns = dict[str, np.ndarray]
# "info": reported with its CI but neither better nor worse either way (no gate, no ranking)
Direction = Literal["lower", "higher", "ideal", "info"]


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
    # which items the metric uses (a boolean mask over the last axis; None: all of them), so the
    # printed n and the interval's sample size are the items it actually read
    uses: Callable[[Columns], np.ndarray] | None = None
    # (scale, offset) when the value is ``scale * share + offset`` of a share of the used items
    # (pct: (100, 0); BBQ s_DIS: (200, -100)); such metrics get a Wilson interval (intervals.py)
    share: tuple[float, float] | None = None
    # for metrics that are not shares: a bound B with |value| <= B derived from a share, used when
    # every resample gives the same value (an interval of width 0 would claim certainty)
    bound: Callable[[Columns, float], float] | None = None

    def __call__(self, cols: Columns) -> float:
        return float(self.fn(cols))

    def meta(self) -> dict:
        """The metadata written next to every value in the results file."""
        out = {"direction": self.direction, "unit": self.unit, "description": self.description}
        if self.ideal is not None:
            out["ideal"] = self.ideal
        return out

    def used(self, cols: Columns) -> np.ndarray:
        """Boolean mask of the items this metric reads."""
        if self.uses is None:
            return np.ones(len(next(iter(cols.values()))), dtype=bool)
        return np.asarray(self.uses(cols), dtype=bool)

    @property
    def ranked(self) -> bool:
        """Whether the metric has a better side (an "info" metric is only reported)."""
        return self.direction != "info"

    def badness(self, value: float) -> float:
        """Map a value to "higher is worse", for ranking and regression checks."""
        if self.direction == "info":
            raise ValueError(f"{self.name} is informational: it has no better or worse side")
        if self.direction == "lower":
            return value
        if self.direction == "higher":
            return -value
        return abs(value - float(self.ideal))
