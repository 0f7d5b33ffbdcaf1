"""A metric carries its own direction and unit, so the gate and leaderboard read them here."""

from __future__ import annotations

import dataclasses
import math
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
    # +1 when a higher value is more of the bias the metric measures (stereotype preference,
    # identity inference), -1 when a lower one is; None when neither. The ideal-valued metrics
    # need it: "worse" is the distance from 50, but only one side of 50 is the stereotype, and a
    # positive control must move toward that side (fairbench control)
    bias_sign: int | None = None

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

    def badness(self, value):
        """Map a value, or an array of values, to "higher is worse", for ranking and regression
        checks: the one rule the gate, the leaderboard and the runner all use."""
        if self.direction == "info":
            raise ValueError(f"{self.name} is informational: it has no better or worse side")
        return badness(self.direction, self.ideal, value)

    def as_badness(self) -> Metric:
        """This metric re-expressed as "higher is worse" (direction lower), so one paired
        bootstrap of the badness covers every direction.

        >>> from fairbench.metrics.stereotype import PCT_STEREOTYPE
        >>> cols = {"ll_more": np.array([-1.0, -1.0, -2.0, -3.0]), "ll_less": np.array([-2.0, -2.0, -1.0, -4.0])}
        >>> PCT_STEREOTYPE(cols), PCT_STEREOTYPE.as_badness()(cols)  # 75% -> 25 points from the ideal 50
        (75.0, 25.0)
        """
        if self.direction == "lower":
            bad = self.fn
        else:
            if self.direction == "ideal":
                float(self.ideal)  # an ideal metric without its ideal fails here, not in the bootstrap
            elif self.direction != "higher":
                raise ValueError(f"{self.name} is informational: it has no better or worse side")

            def bad(cols):
                return self.badness(np.asarray(self.fn(cols), dtype=float))
        return dataclasses.replace(self, name=f"{self.name}:badness", fn=bad, direction="lower", ideal=None)

    @property
    def direction_text(self) -> str:
        return direction_text(self.direction, self.ideal)


# The three rules every table, the gate and the leaderboard use, also for metadata read from a
# results file whose metric this fairbench does not define.
def badness(direction: str, ideal: float | None, value):
    """``value`` (a number or an array of them) as "higher is worse" for a metric of this direction.

    >>> badness("lower", None, 3.0), badness("higher", None, 3.0), badness("ideal", 50.0, 45.0)
    (3.0, -3.0, 5.0)
    """
    if direction == "lower":
        return value
    if direction == "higher":
        return -value
    if direction == "ideal":
        return abs(value - float(ideal))
    raise ValueError(f"direction {direction!r} has no better or worse side")


def direction_text(direction: str, ideal: float | None = None) -> str:
    """How a direction reads in a table.

    >>> direction_text("ideal", 50.0), direction_text("lower"), direction_text("info")
    ('ideal 50', 'lower is better', 'informational')
    """
    if direction == "ideal":
        return f"ideal {ideal:g}"
    return {"lower": "lower is better", "higher": "higher is better", "info": "informational"}.get(direction, direction)


def format_number(x: float | None, decimals: int = 1, *, signed: bool = False, na: str = "n/a",
                  na_for: Literal["none", "nan", "nonfinite"] = "none") -> str:
    """A number to ``decimals`` places, with its sign when ``signed``; ``na`` for an undefined
    one: None (results files store an undefined value as None), also NaN with ``na_for="nan"``,
    also an infinity with ``na_for="nonfinite"``. Every table's numbers go through here.

    >>> format_number(46.53), format_number(1.5, 2, signed=True), format_number(None)
    ('46.5', '+1.50', 'n/a')
    >>> nan, inf = float("nan"), float("inf")
    >>> format_number(nan), format_number(nan, na_for="nan"), format_number(inf, na_for="nan"), format_number(inf, na_for="nonfinite")
    ('nan', 'n/a', 'inf', 'n/a')
    """
    if x is None or (na_for != "none" and x != x) or (na_for == "nonfinite" and math.isinf(x)):
        return na
    return f"{x:{'+' if signed else ''}.{decimals}f}"


def format_interval(ci, decimals: int = 1, *, signed: bool = False, missing: str = "") -> str:
    """An interval as it follows its value, " [lo, hi]"; ``missing`` when there is none.

    >>> format_interval([41.71, 51.49]), format_interval((-1.0, 2.0), 2, signed=True), format_interval(None)
    (' [41.7, 51.5]', ' [-1.00, +2.00]', '')
    """
    if not ci:
        return missing
    return f" [{format_number(ci[0], decimals, signed=signed)}, {format_number(ci[1], decimals, signed=signed)}]"


def format_value(v: dict | None, decimals: int = 1, *, unit: str = "", clusters: bool = True) -> str:
    """A value with its interval, one decimal: "46.5 [41.7, 51.5]"; "n/a" when undefined. ``unit``
    follows the value ("%"); ``clusters``: say when an interval is missing because every item
    came from one cluster.

    >>> format_value({"value": 46.53, "ci": [41.71, 51.49]}), format_value({"value": None})
    ('46.5 [41.7, 51.5]', 'n/a')
    >>> format_value({"value": 0.0, "ci": None, "n_clusters": 1})
    '0.0 [no CI: one cluster]'
    >>> format_value({"value": 3.0, "ci": [2.5, 3.5]}, 2, unit="x")
    '3.00x [2.50, 3.50]'
    """
    if v is None or v.get("value") is None:
        return "n/a"
    s = format_number(v["value"], decimals) + unit
    if v.get("ci"):
        s += format_interval(v["ci"], decimals)
    elif clusters and v.get("n_clusters") == 1:
        s += " [no CI: one cluster]"  # every item from one template: no spread to estimate
    return s
