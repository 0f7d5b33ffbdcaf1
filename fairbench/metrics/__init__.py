"""Bias metrics: plain functions over per-item columns, each carrying its direction and unit.

Every task format has a tuple of metrics (the first is the headline) and a way to turn the
per-item records of a results samples file into columns. The runner, the gate and the
leaderboard all go through ``FORMAT_METRICS`` and ``to_columns``.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np

from fairbench.metrics.base import Columns, Metric
from fairbench.metrics.bbq import QA_METRICS, answer_roles, qa_record
from fairbench.metrics.bootstrap import bootstrap_ci, paired_bootstrap_delta
from fairbench.metrics.cascade import CASCADE_METRICS, cascade_columns, cascade_record, detector
from fairbench.metrics.grouped import evaluate
from fairbench.metrics.identity import GEN_METRICS, Lexicon, gen_columns, gen_record, load_lexicon
from fairbench.metrics.lens import LENS_METRICS, lens_columns
from fairbench.metrics.stereotype import PAIRS_METRICS, cond_split, pair_record, split_pair
from fairbench.metrics.t2i import T2I_METRICS, t2i_columns, t2i_record

FORMAT_METRICS: dict[str, tuple[Metric, ...]] = {
    "pairs": PAIRS_METRICS,
    "qa": QA_METRICS,
    "gen": GEN_METRICS,
    "t2i": T2I_METRICS,
    "lens": LENS_METRICS,
    "cascade": CASCADE_METRICS,
}


def metric_by_name(fmt: str, name: str) -> Metric:
    for m in FORMAT_METRICS[fmt]:
        if m.name == name:
            return m
    raise KeyError(f"format {fmt!r} has no metric {name!r}; it has {[m.name for m in FORMAT_METRICS[fmt]]}")


def to_columns(fmt: str, records: Sequence[dict]) -> Columns:
    """Per-item records (as in the samples file) -> the numpy columns the metrics read."""
    if fmt == "pairs":
        # cll_*: the suffix log-likelihoods; None (no shared suffix, or a file from before they
        # existed) becomes NaN, which the conditional metrics leave out
        return {k: np.array([np.nan if r.get(k) is None else r[k] for r in records], dtype=float)
                for k in ("ll_more", "ll_less", "cll_more", "cll_less")}
    if fmt == "qa":
        cols = {k: np.array([r[k] for r in records], dtype=int) for k in ("pred", "label", "biased_idx", "unknown_idx")}
        cols["ambig"] = np.array([bool(r["ambig"]) for r in records], dtype=bool)
        return cols
    if fmt == "gen":
        return gen_columns(records)
    if fmt == "t2i":
        return t2i_columns(records)
    if fmt == "lens":
        return lens_columns(records)
    if fmt == "cascade":
        return cascade_columns(records)
    raise KeyError(f"unknown format {fmt!r}")


__all__ = [
    "Columns", "Metric", "FORMAT_METRICS", "metric_by_name", "to_columns", "evaluate",
    "bootstrap_ci", "paired_bootstrap_delta", "pair_record", "split_pair", "cond_split", "qa_record", "answer_roles",
    "gen_record", "Lexicon", "load_lexicon", "t2i_record",
    "cascade_record", "detector",
]
