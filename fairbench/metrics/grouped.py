"""Disaggregation: every metric overall and per subgroup, each with a bootstrap CI.

Subgroups are data (the values of one key in the per-item records), never separate metric
names, so a new caste or religion in the data needs no code.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np

from fairbench.metrics.base import Columns, Metric
from fairbench.metrics.bootstrap import DEFAULT_ITERS, DEFAULT_LEVEL, bootstrap_ci


def _value(metric: Metric, cols: Columns, *, iters: int, seed: int, level: float) -> dict:
    n = len(next(iter(cols.values())))
    with np.errstate(divide="ignore", invalid="ignore"):
        value = metric(cols)
    ci = bootstrap_ci(metric, cols, iters=iters, seed=seed, level=level)
    return {"value": None if not np.isfinite(value) else value, "ci": None if ci is None else list(ci), "n": n}


def evaluate(
    metrics: Sequence[Metric],
    cols: Columns,
    groups: Sequence[str] | None = None,
    *,
    iters: int = DEFAULT_ITERS,
    seed: int = 0,
    level: float = DEFAULT_LEVEL,
) -> dict:
    """Score ``metrics`` overall and per group.

    Returns ``{"metrics": {name: {value, ci, n, direction, ...}}, "groups": {g: {"n", "metrics"}}}``.
    A value is None where the metric is undefined on that slice (e.g. a BBQ bias score with no
    non-unknown answers).
    """
    out = {"metrics": {}, "groups": {}}
    for m in metrics:
        out["metrics"][m.name] = {**_value(m, cols, iters=iters, seed=seed, level=level), **m.meta()}
    if groups is None:
        return out
    groups = np.asarray(groups, dtype=object)
    for g in sorted({str(x) for x in groups if x not in (None, "")}):
        mask = groups == g
        sub = {k: v[mask] for k, v in cols.items()}
        out["groups"][g] = {
            "n": int(mask.sum()),
            "metrics": {m.name: {k: v for k, v in _value(m, sub, iters=iters, seed=seed, level=level).items() if k != "n"}
                        for m in metrics},
        }
    return out
