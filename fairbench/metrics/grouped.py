"""Disaggregation: every metric overall and per subgroup, each with a cluster-aware CI.

Subgroups are data (the values of one key in the per-item records), never separate metric
names, so a new caste or religion in the data needs no code.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np

from fairbench.metrics.base import Columns, Metric
from fairbench.metrics.bootstrap import DEFAULT_ITERS, DEFAULT_LEVEL, Resamples
from fairbench.metrics.intervals import interval


def evaluate(
    metrics: Sequence[Metric],
    cols: Columns,
    groups: Sequence[str] | None = None,
    *,
    clusters: Sequence | None = None,
    iters: int = DEFAULT_ITERS,
    seed: int = 0,
    level: float = DEFAULT_LEVEL,
) -> dict:
    """Score ``metrics`` overall and per group, resampling ``clusters`` (default: items).

    Returns ``{"metrics": {name: {value, ci, n, direction, ...}}, "groups": {g: {"n", "metrics"}}}``.
    A value is None where the metric is undefined on that slice (e.g. BBQ s_DIS when every
    disambiguated answer is "unknown").
    """
    n = len(next(iter(cols.values())))
    clusters = None if clusters is None else list(clusters)
    rs = Resamples(n, clusters, iters=iters, seed=seed)
    out = {"metrics": {}, "groups": {}}
    for m in metrics:
        out["metrics"][m.name] = {**interval(m, cols, rs, level=level), **m.meta()}
    if groups is None:
        return out
    groups = np.asarray(groups, dtype=object)
    for g in sorted({str(x) for x in groups if x not in (None, "")}):
        mask = groups == g
        sub = {k: v[mask] for k, v in cols.items()}
        sub_clusters = None if clusters is None else [c for c, keep in zip(clusters, mask) if keep]
        sub_rs = Resamples(int(mask.sum()), sub_clusters, iters=iters, seed=seed)
        out["groups"][g] = {
            "n": int(mask.sum()),
            "metrics": {m.name: interval(m, sub, sub_rs, level=level) for m in metrics},
        }
    return out
