"""Percentile bootstrap over clusters of items, plain and paired.

Items come in clusters (one pair template filled with several groups, one QA template in 16
rows, one base text in several frames). Items of a cluster share their wording, so they are not
independent draws: resampling rows would make intervals too narrow. Every resample here draws
whole clusters with replacement; with one item per cluster it is the ordinary item bootstrap.

When every cluster has the same size the resamples form one index matrix and the metric sees
them all at once (metric functions reduce along the last axis); otherwise each resample is
scored on its own (a Python loop over ``iters``; a few tens of ms for a thousand).
"""

from __future__ import annotations

from typing import Sequence

import numpy as np

from fairbench.metrics.base import Columns, Metric

DEFAULT_ITERS = 1000
DEFAULT_LEVEL = 0.95


def cluster_members(clusters: Sequence | None, n: int) -> list[np.ndarray]:
    """Item indices of each cluster, in order of first appearance (None: one item each).

    >>> [m.tolist() for m in cluster_members(["a", "b", "a", "c"], 4)]
    [[0, 2], [1], [3]]
    """
    if clusters is None:
        return [np.array([i]) for i in range(n)]
    if len(clusters) != n:
        raise ValueError(f"{len(clusters)} cluster labels for {n} items")
    order: dict = {}
    for i, c in enumerate(clusters):
        order.setdefault(c, []).append(i)
    return [np.array(v) for v in order.values()]


class Resamples:
    """``iters`` cluster-bootstrap resamples of ``n`` items, drawn once and reusable, so a
    paired comparison applies the very same resamples to both runs."""

    def __init__(self, n: int, clusters: Sequence | None = None, *, iters: int = DEFAULT_ITERS, seed: int = 0):
        self.n = n
        self.members = cluster_members(clusters, n)
        self.n_clusters = len(self.members)
        rng = np.random.default_rng(seed)
        draws = rng.integers(0, self.n_clusters, size=(iters, self.n_clusters))
        sizes = {len(m) for m in self.members}
        if len(sizes) == 1:  # equal sizes: one rectangular index matrix
            table = np.stack(self.members)
            self.matrix: np.ndarray | None = table[draws].reshape(iters, self.n_clusters * table.shape[1])
            self.rows: list[np.ndarray] | None = None
        else:
            self.matrix = None
            self.rows = [np.concatenate([self.members[c] for c in d]) for d in draws]

    def stats(self, metric: Metric, cols: Columns) -> np.ndarray:
        """The metric on every resample (NaN where it is undefined on a resample)."""
        # an optional column a metric reads when present (QA's ``parsed``) may be absent
        keys = tuple(k for k in metric.needs if k in cols) or tuple(cols)
        with np.errstate(divide="ignore", invalid="ignore"):
            if self.matrix is not None:
                return np.asarray(metric.fn({k: cols[k][self.matrix] for k in keys}), dtype=float).reshape(-1)
            return np.array([float(metric.fn({k: cols[k][r] for k in keys})) for r in self.rows])


def percentiles(stats: np.ndarray, level: float) -> tuple[float, float] | None:
    """Percentile interval of the finite resample statistics (None if there are none)."""
    stats = stats[np.isfinite(stats)]
    if stats.size == 0:
        return None
    alpha = (1.0 - level) / 2.0
    lo, hi = np.quantile(stats, [alpha, 1.0 - alpha])
    return float(lo), float(hi)


def bootstrap_ci(
    metric: Metric,
    cols: Columns,
    *,
    clusters: Sequence | None = None,
    iters: int = DEFAULT_ITERS,
    seed: int = 0,
    level: float = DEFAULT_LEVEL,
) -> tuple[float, float] | None:
    """Percentile CI of ``metric`` over clusters (default: items) resampled with replacement.

    Returns None when there are fewer than two clusters (no spread to estimate).

    >>> from fairbench.metrics.stereotype import PCT_STEREOTYPE
    >>> cols = {"ll_more": np.array([-1.0, -2.0, -3.0, -1.0]), "ll_less": np.array([-2.0, -1.0, -4.0, -2.0])}
    >>> lo, hi = bootstrap_ci(PCT_STEREOTYPE, cols, seed=0)
    >>> 0.0 <= lo <= 75.0 <= hi <= 100.0
    True
    """
    n = len(next(iter(cols.values())))
    rs = Resamples(n, clusters, iters=iters, seed=seed)
    if rs.n_clusters < 2:
        return None
    return percentiles(rs.stats(metric, cols), level)


def paired_bootstrap_draws(
    metric: Metric,
    base: Columns,
    cand: Columns,
    *,
    clusters: Sequence | None = None,
    iters: int = DEFAULT_ITERS,
    seed: int = 0,
) -> tuple[float, np.ndarray | None]:
    """Delta (candidate - baseline) and its resampled values (None with fewer than two
    clusters), the same clusters resampled for both runs.

    ``base`` and ``cand`` must be aligned item by item (row i is the same item in both).
    Pairing removes the item-difficulty variance both runs share, so a real change shows up
    with far fewer items than two independent CIs would need.
    """
    n = len(next(iter(base.values())))
    with np.errstate(divide="ignore", invalid="ignore"):
        delta = float(metric.fn(cand)) - float(metric.fn(base))
    rs = Resamples(n, clusters, iters=iters, seed=seed)
    if rs.n_clusters < 2:
        return delta, None
    return delta, rs.stats(metric, cand) - rs.stats(metric, base)


def paired_bootstrap_delta(
    metric: Metric,
    base: Columns,
    cand: Columns,
    *,
    clusters: Sequence | None = None,
    iters: int = DEFAULT_ITERS,
    seed: int = 0,
    level: float = DEFAULT_LEVEL,
) -> tuple[float, tuple[float, float] | None]:
    """Delta (candidate - baseline) and its percentile CI (see ``paired_bootstrap_draws``)."""
    delta, draws = paired_bootstrap_draws(metric, base, cand, clusters=clusters, iters=iters, seed=seed)
    return delta, None if draws is None else percentiles(draws, level)


def one_sided_p(draws: np.ndarray) -> float | None:
    """Bootstrap p-value of "the change is positive": the share of resampled changes at or below
    0, with the +1 of a permutation p so it is never 0. ``p < alpha`` exactly when the lower
    percentile bound at level ``1 - 2 alpha`` is above 0, so one check tested at
    ``alpha = (1 - level) / 2`` gives the same verdict as the CI rule.
    """
    draws = draws[np.isfinite(draws)]
    if draws.size == 0:
        return None
    return float((1 + np.sum(draws <= 0)) / (draws.size + 1))
