"""Confidence intervals for one metric on one slice of items, and tests against the overall value.

Shares (IIR, pct_stereotype, accuracies, BBQ s_DIS as 2 x share - 1) get a Wilson score
interval with a cluster-adjusted effective sample size (Kish): n_eff = p(1-p) / Var*(p), where
Var* is the cluster bootstrap's variance of the share, kept between the number of clusters (every
item of a cluster alike) and the number of items (independent items). At 0% or 100% the
bootstrap has no spread, so n_eff is the number of clusters: the interval stays open on the
inner side (0 of 40 templates -> [0, 8.8]) instead of collapsing to [0, 0].

Other metrics get the cluster bootstrap's percentile interval; where every resample gives the
same value and the metric declares a bound from a share (BBQ s_AMB is at most the share of
non-unknown answers), the interval is that bound's Wilson interval instead of a point.
"""

from __future__ import annotations

import math
from statistics import NormalDist
from typing import Sequence

import numpy as np

from fairbench.metrics.base import Columns, Metric
from fairbench.metrics.bootstrap import Resamples, percentiles


def z_of(level: float) -> float:
    return NormalDist().inv_cdf(0.5 + level / 2.0)


def wilson(p: float, n: float, level: float = 0.95) -> tuple[float, float]:
    """Wilson score interval of a proportion ``p`` observed on ``n`` (possibly effective) items.

    >>> lo, hi = wilson(0.0, 40)
    >>> lo, round(hi, 4)
    (0.0, 0.0876)
    >>> [round(x, 4) for x in wilson(0.5, 100)]
    [0.4038, 0.5962]
    """
    if n <= 0:
        return 0.0, 1.0
    z = z_of(level)
    denom = 1.0 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    lo = 0.0 if p <= 0.0 else max(0.0, centre - half)  # exact ends where rounding would leave 1e-17
    hi = 1.0 if p >= 1.0 else min(1.0, centre + half)
    return lo, hi


def _clusters_used(rs: Resamples, mask: np.ndarray) -> int:
    return int(sum(bool(mask[m].any()) for m in rs.members))


def interval(metric: Metric, cols: Columns, rs: Resamples, *, level: float) -> dict:
    """``{value, ci, n, n_clusters, interval, ...}`` for ``metric`` on ``cols``.

    ``n`` counts the items the metric reads (acc_ambig: the ambiguous ones). ``undefined_share``
    appears when some resamples leave the metric undefined (they are left out of the interval).
    """
    mask = metric.used(cols)
    n_used = int(mask.sum())
    k_used = _clusters_used(rs, mask)
    with np.errstate(divide="ignore", invalid="ignore"):
        value = float(metric.fn(cols))
    out: dict = {"value": value if math.isfinite(value) else None, "ci": None, "n": n_used,
                 "n_clusters": k_used}
    if out["value"] is None or k_used < 1:
        return out
    stats = rs.stats(metric, cols) if rs.n_clusters >= 2 else np.array([])
    finite = stats[np.isfinite(stats)]
    if stats.size and finite.size < stats.size:
        out["undefined_share"] = round(1.0 - finite.size / stats.size, 4)
    if metric.share is not None:
        scale, offset = metric.share
        p = (value - offset) / scale
        var = float(np.var((finite - offset) / scale)) if finite.size > 1 else 0.0
        if 0.0 < p < 1.0 and var > 0.0:
            n_eff = min(max(p * (1 - p) / var, k_used), n_used)
        else:
            n_eff = float(k_used)
        lo, hi = sorted(offset + scale * x for x in wilson(p, n_eff, level))
        out.update(ci=[lo, hi], n_eff=round(n_eff, 2), interval="wilson, cluster n_eff")
        return out
    if finite.size < 2:
        return out
    lo, hi = percentiles(finite, level)
    out["se"] = float(np.std(finite))
    out["interval"] = "cluster bootstrap percentile"
    if hi - lo <= 1e-12 * max(1.0, abs(value)) and metric.bound is not None:
        share, scale = metric.bound(cols)
        b = scale * wilson(share, k_used, level)[1]
        lo, hi = min(lo, -b), max(hi, b)
        out["interval"] = "bound from a share (every resample equal)"
    out["ci"] = [lo, hi]
    return out


def _binomial_p(k: float, n: float, p0: float) -> float:
    """Exact two-sided binomial p-value of k successes in n trials under p0, through the
    regularised incomplete beta function, so an effective (non-integer) n and k work."""
    from scipy.special import betainc

    upper = 1.0 if k <= 0 else float(betainc(k, n - k + 1, p0))        # P(X >= k)
    lower = 1.0 if k >= n else float(betainc(n - k, k + 1, 1.0 - p0))  # P(X <= k)
    return min(1.0, 2.0 * min(upper, lower))


def deviation_p(metric: Metric, group: dict, overall: float) -> tuple[float, float]:
    """Two-sided p-value that a group's value differs from the overall value, and the standard
    error used: for shares an exact binomial test at the group's n_eff (a normal score test
    overstates rare events: 2 hits in 35 items against an overall 0.6%), the bootstrap SE's
    normal test otherwise.

    The overall value is treated as fixed; the group is part of it, so this errs towards "no
    difference".

    >>> from fairbench.metrics.identity import IIR
    >>> round(deviation_p(IIR, {"value": 100 * 2 / 35, "n_eff": 35.0}, 0.6)[0], 3)
    0.038
    """
    v = group.get("value")
    if v is None or overall is None:
        return 1.0, math.nan
    if metric.share is not None and "n_eff" in group:
        scale, offset = metric.share
        p0, p = (overall - offset) / scale, (v - offset) / scale
        n = max(group["n_eff"], 1e-9)
        se = abs(scale) * math.sqrt(max(p0 * (1 - p0), 0.0) / n)
        if not 0.0 < p0 < 1.0:
            return 1.0, se  # the overall share is 0% or 100%: every group equals it
        return _binomial_p(p * n, n, p0), se
    se = group.get("se", math.nan)
    if not se or not math.isfinite(se):
        # no spread to test against (one template): a difference cannot be shown, so it is
        # not claimed
        return 1.0, se
    return math.erfc(abs(v - overall) / se / math.sqrt(2.0)), se


def holm(pvalues: Sequence[float]) -> list[float]:
    """Holm-adjusted p-values (step-down, monotone), in the input order.

    >>> holm([0.01, 0.04, 0.03])
    [0.03, 0.06, 0.06]
    """
    k = len(pvalues)
    order = sorted(range(k), key=lambda i: pvalues[i])
    adj = [0.0] * k
    running = 0.0
    for rank, i in enumerate(order):
        running = max(running, min(1.0, (k - rank) * pvalues[i]))
        adj[i] = round(running, 12)
    return adj


def mde(se: float, alpha: float, power: float = 0.8) -> float:
    """Smallest true difference a two-sided test at ``alpha`` detects with ``power``."""
    return (NormalDist().inv_cdf(1 - alpha / 2) + NormalDist().inv_cdf(power)) * se
