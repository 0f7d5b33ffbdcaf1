"""A metric carries its own direction and unit, so the gate and leaderboard read them here."""

from __future__ import annotations

import dataclasses
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


def format_value(v: dict | None) -> str:
    """A value with its interval, one decimal: "46.5 [41.7, 51.5]"; "n/a" when undefined.

    >>> format_value({"value": 46.53, "ci": [41.71, 51.49]}), format_value({"value": None})
    ('46.5 [41.7, 51.5]', 'n/a')
    >>> format_value({"value": 0.0, "ci": None, "n_clusters": 1})
    '0.0 [no CI: one cluster]'
    """
    if v is None or v.get("value") is None:
        return "n/a"
    s = f"{v['value']:.1f}"
    if v.get("ci"):
        s += f" [{v['ci'][0]:.1f}, {v['ci'][1]:.1f}]"
    elif v.get("n_clusters") == 1:
        s += " [no CI: one cluster]"  # every item from one template: no spread to estimate
    return s
