"""Bias metrics: plain functions over per-item columns, each carrying its direction and unit.

Each metrics module defines one format's metrics (the first is the headline), its per-item
record and the reader that turns records into columns; ``fairbench.formats`` puts them
together as one ``Format`` per format, which the runner, the gate and the leaderboard read.
"""

from __future__ import annotations

from fairbench.metrics.base import Columns, Metric
from fairbench.metrics.bbq import answer_roles, qa_record
from fairbench.metrics.bootstrap import bootstrap_ci, paired_bootstrap_delta
from fairbench.metrics.cascade import cascade_record, detector
from fairbench.metrics.decision import decision_record
from fairbench.metrics.grouped import evaluate
from fairbench.metrics.identity import Lexicon, gen_record, load_lexicon
from fairbench.metrics.stereotype import cond_split, pair_record, split_pair
from fairbench.metrics.t2i import t2i_record

__all__ = [
    "Columns", "Metric", "evaluate",
    "bootstrap_ci", "paired_bootstrap_delta", "pair_record", "split_pair", "cond_split", "qa_record", "answer_roles",
    "gen_record", "Lexicon", "load_lexicon", "t2i_record",
    "cascade_record", "detector", "decision_record",
]
