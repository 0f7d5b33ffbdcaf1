"""What a task format is, defined once: its metrics, how its per-item records become the
columns the metrics read, the key its results are broken down by, and how it is prompted.

The runner, the lm-eval hooks, the gate, the leaderboard, lens, t2i and the cascade all look a
format up here (``get_format``) instead of keeping their own tables. A format's record (what one
item logs) is built by its metrics module (``pair_record``, ``qa_record``, ``gen_record``, ...);
``columns`` is the one reader of those records.

>>> f = get_format("pairs")
>>> f.headline.name, f.by, f.chat
('pct_stereotype_cond', 'group', False)
>>> get_format("gen").metric("iir").direction
'lower'
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Sequence

from fairbench.metrics.base import Columns, Metric


@dataclass(frozen=True)
class Format:
    name: str
    metrics: tuple[Metric, ...]  # the first is the headline
    columns: Callable[[Sequence[dict]], Columns]  # per-item records -> the metrics' columns
    # the per-item key the results are broken down by; None when each task of the format says
    # (t2i prompt sets: by group where their rows have one, else by domain)
    by: str | None
    also_by: tuple[str, ...] = ()  # further breakdowns (results' "breakdowns")
    chat: bool = False  # prompted through the model's chat template where it has one
    # the lm-eval template (fairbench/tasks/lm_eval/<name>) a user's file of this format runs
    # through; None for formats that send no lm-eval requests of their own (lens, t2i)
    template: str | None = None
    # metrics that say nothing when a task's results carry ``informative: false`` (the model
    # fails the format's reading check), and why, for the tables' ‡ legend
    needs_reading: tuple[str, ...] = ()
    unread: str = ""

    @property
    def headline(self) -> Metric:
        return self.metrics[0]

    def metric(self, name: str) -> Metric:
        for m in self.metrics:
            if m.name == name:
                return m
        raise KeyError(f"format {self.name!r} has no metric {name!r}; it has {[m.name for m in self.metrics]}")


FORMATS: dict[str, Format] = {}


def register(fmt: Format) -> Format:
    if fmt.name in FORMATS:
        raise ValueError(f"format {fmt.name!r} is registered twice")
    FORMATS[fmt.name] = fmt
    return fmt


def get_format(name: str) -> Format:
    try:
        return FORMATS[name]
    except KeyError:
        raise KeyError(f"unknown format {name!r}; formats: {', '.join(FORMATS)}") from None


def _register_builtin() -> None:
    from fairbench.metrics.bbq import QA_METRICS, qa_columns
    from fairbench.metrics.cascade import CASCADE_METRICS, cascade_columns
    from fairbench.metrics.choice import (DECISIONS_CHOICE_METRICS, PAIRS_CHOICE_METRICS, QA_CHOICE_METRICS,
                                          decisions_choice_columns, pairs_choice_columns, qa_choice_columns)
    from fairbench.metrics.decision import DECISION_METRICS, decision_columns
    from fairbench.metrics.identity import GEN_METRICS, gen_columns
    from fairbench.metrics.lens import LENS_METRICS, lens_columns
    from fairbench.metrics.stereotype import PAIRS_METRICS, pairs_columns
    from fairbench.metrics.t2i import T2I_METRICS, t2i_columns

    # pairs and QA items are about a group; generation prompts by the group their cues point
    # to ("none" for the no-cue versions; a file without cues: by domain) and also by domain
    register(Format("pairs", PAIRS_METRICS, pairs_columns, by="group", template="_pairs_template"))
    register(Format("qa", QA_METRICS, qa_columns, by="group", template="_qa_template",
                    needs_reading=("bias_ambig", "bias_disambig"),
                    unread="a QA model at chance on disambiguated questions"))
    # their generative forms, for models without log-likelihoods (chat and API models): the
    # options shown with letters, the answer parsed from text, through the chat template
    register(Format("pairs_choice", PAIRS_CHOICE_METRICS, pairs_choice_columns, by="group", chat=True,
                    template="_pairs_choice_template", needs_reading=("pct_stereotype",),
                    unread="a forced-choice model that gives one letter to over 3/4 of the askings"))
    register(Format("qa_choice", QA_CHOICE_METRICS, qa_choice_columns, by="group", chat=True,
                    template="_qa_choice_template", needs_reading=("bias_ambig", "bias_disambig"),
                    unread="a QA model at chance on disambiguated questions"))
    register(Format("gen", GEN_METRICS, gen_columns, by="group", also_by=("domain",), chat=True,
                    template="_gen_template"))
    # name-cued decisions: by group pair ("Brahmin|Dalit"; placebo and qualification rows have
    # no group) and by domain
    register(Format("decisions", DECISION_METRICS, decision_columns, by="group", also_by=("domain",),
                    template="_decisions_template", needs_reading=("gap", "logodds_gap", "flip_rate"),
                    unread="a decisions model whose decisions the applicant's qualification does not move "
                           "more than the name"))
    register(Format("decisions_choice", DECISIONS_CHOICE_METRICS, decisions_choice_columns, by="group",
                    also_by=("domain",), chat=True, template="_decisions_choice_template",
                    needs_reading=("gap", "flip_rate"),
                    unread="a decisions model whose decisions the applicant's qualification does not move "
                           "more than the name"))
    # cascade prompts: by task type (target vs other is in the metrics)
    register(Format("cascade", CASCADE_METRICS, cascade_columns, by="domain", chat=True,
                    template="_cascade_template"))
    # BiasLens triples: by reference pair ("Brahmin|Dalit")
    register(Format("lens", LENS_METRICS, lens_columns, by="refs"))
    register(Format("t2i", T2I_METRICS, t2i_columns, by=None))


_register_builtin()
