"""Per-image rows -> the results JSON task entry (docs/results-schema.md), as for lm-eval tasks.

The rows are the samples file's lines (``{"task", "id", "group", "domain", "record"}``), so the
gate and leaderboard recompute every metric from them with ``get_format("t2i").columns(...)``.

Every metric but B_D gets the shared item bootstrap (``evaluate``). B_D does not: resampling
images with replacement duplicates some and drops others, which changes the set of distinct
objects B_D is made of, so its interval would sit almost wholly above the estimate. ``dist_bias``
and ``dist_bias_norm`` are scored here at a fixed number of images m with a subsampling interval
(:func:`fairbench.metrics.t2i.dist_bias_interval`); the full-run values are reported without one.
"""

from __future__ import annotations

import math
import sys

import numpy as np

from fairbench.formats import get_format
from fairbench.metrics import evaluate
from fairbench.metrics.base import Columns, Metric
from fairbench.metrics.t2i import (BD_IMAGES, FULL_SAMPLE, SUBSAMPLED, common_images, dist_bias_interval,
                                   dist_bias_metric, object_report, t2i_columns_vocab)

# bytes one bootstrap may hold: the item index matrix and the gathered added-object ids
BOOTSTRAP_BYTES = 2 << 30


def affordable_iters(cols: dict, iters: int, budget: int = BOOTSTRAP_BYTES) -> int:
    """The most bootstrap resamples (<= iters) whose index and gathered matrices fit in budget.

    >>> import numpy as np
    >>> affordable_iters({"added": np.zeros((1_000_000, 8), dtype=np.int32)}, 1000)
    19
    """
    n, k = cols["added"].shape
    per = max(1, n * (16 + 12 * k))
    return int(min(iters, budget // per))


def _full_run(metric: Metric, cols: Columns) -> dict:
    """A full-run B_D entry: the value only (any interval would be one for this n alone)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        v = float(metric.fn(cols))
    n = len(cols["added"])
    return {"value": v if math.isfinite(v) else None, "ci": None, "n": n, "n_clusters": n,
            "interval": "none: the full-run value depends on n; dist_bias is the comparable one"}


def _own(metric: Metric, cols: Columns, m: int, level: float) -> dict:
    if metric.name in SUBSAMPLED:
        return dist_bias_interval(cols["added"], m, normalised=SUBSAMPLED[metric.name], level=level)
    return _full_run(metric, cols)


def score_rows(name: str, rows: list[dict], *, by: str, data: dict, iters: int = 1000, seed: int = 1234,
               level: float = 0.95, bd_images: int = BD_IMAGES) -> dict:
    """Metrics with CIs overall and per ``by`` value, plus which objects each group pulls in.

    B_D is scored at ``bd_images`` images overall and, per group, at one m for every group, so
    groups compare with each other: ``bd_images``, or half the smallest group when that is less
    (at m = n there is nothing to subsample, and at m = n/2 the interval was measured to cover
    96-99%; docs/t2i.md). Each entry records its ``m``.
    The gate recomputes ``dist_bias`` at the default m (``BD_IMAGES``), so a run scored at
    another m does not gate (docs/t2i.md).
    """
    if bd_images < 1:
        raise ValueError(f"bd_images must be at least 1, got {bd_images}")
    metrics = get_format("t2i").metrics
    own = {m.name: m for m in metrics if m.name in SUBSAMPLED or m.name in FULL_SAMPLE}
    for k, normalised in SUBSAMPLED.items():
        if bd_images != BD_IMAGES and k in own:
            own[k] = dist_bias_metric(bd_images, normalised=normalised)
    records = [r["record"] for r in rows]
    labels = [r[by] for r in rows]
    cols, vocab = t2i_columns_vocab(records)  # what get_format("t2i").columns(records) gives, plus the names
    used = affordable_iters(cols, iters) if rows else iters
    if used < iters:
        print(f"warning: {name}: {len(rows)} items; bootstrap limited to {used} resamples to fit in memory",
              file=sys.stderr)
    scored = evaluate([m for m in metrics if m.name not in own], cols, labels, iters=used, seed=seed, level=level)
    entries = {k: {**_own(m, cols, bd_images, level), **m.meta()} for k, m in own.items()}
    scored["metrics"] = {m.name: entries.get(m.name) or scored["metrics"][m.name] for m in metrics}
    # the slices evaluate() made: every non-empty label
    arr = np.asarray(labels, dtype=object)
    masks = {g: arr == g for g in scored["groups"]}
    m_groups = common_images(*(max(1, int(mask.sum()) // 2) for mask in masks.values()), m=bd_images)
    for g, mask in masks.items():
        sub = {k: v[mask] for k, v in cols.items()}
        got = {k: _own(m, sub, m_groups, level) for k, m in own.items()}
        scored["groups"][g]["metrics"] = {m.name: got.get(m.name) or scored["groups"][g]["metrics"][m.name]
                                          for m in metrics}
    entry = {
        "lm_eval_task": None,  # runs through fairbench's own text-to-image adapter
        "format": "t2i",
        "data": data,
        "n": len(rows),
        "headline": metrics[0].name,
        "metrics": scored["metrics"],
        "by": by,
        "groups": scored["groups"],
        "objects": object_report(records, cols=cols, vocab=vocab),
    }
    if used != iters:
        entry["bootstrap_iters"] = used
    return entry


def diffusers_version() -> dict[str, str]:
    """The one version a t2i run adds to the usual ones (results.versions)."""
    try:
        from importlib.metadata import version

        return {"diffusers": version("diffusers")}
    except Exception:
        return {"diffusers": "not installed"}
