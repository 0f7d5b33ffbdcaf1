"""Functions the fairbench lm-eval task YAMLs point to (``!function hooks.NAME``).

lm-eval imports this file by path, so it only re-exports fairbench functions: the per-item
records and the aggregations are the same code fairbench's own scoring uses, and plain
``lm_eval --include_path`` runs report the same numbers as ``fairbench run``.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

from lm_eval.api.instance import Instance
from lm_eval.api.task import ConfigurableTask

from fairbench.formats import get_format
from fairbench.metrics import cond_split, decision_record, gen_record, load_lexicon, pair_record, qa_record
from fairbench.tasks.paths import cue_groups_path, data_file, lexicon_path

_QA_PROMPT = {"en": ("Q", "A"), "hi": ("प्रश्न", "उत्तर")}


def load_docs(fmt: str, axis: str | None = None, lang: str = "en", path: str | None = None,
              frame: str = "prompt", adapter: str | None = None, **_):
    """custom_dataset: the prompt set as a DatasetDict with one ``test`` split.

    ``frame="completion"`` (gen, for a model without a chat template) puts each row's plain
    completion text, where it has one, in ``prompt``; the instruction stays in ``instruction``.
    """
    import datasets

    from fairbench.tasks.datafile import read_rows

    from fairbench.tasks.choice import BASE, choice_docs

    base = BASE.get(fmt, fmt)  # a generative choice form reads its log-likelihood format's file
    if adapter:  # a published set in its own layout (fairbench/tasks/adapters.py)
        from fairbench.tasks.adapters import read

        rows = read(adapter, path, axis, lang)
    else:
        file = Path(path) if path else data_file(axis, base, lang)
        _, rows = read_rows(file, base)
    if fmt in BASE:
        rows = choice_docs(fmt, rows)
    for row in rows:
        row.setdefault("lang", lang)
        if fmt == "gen":
            row.setdefault("axis", axis)
            row.setdefault("cue_group", None)
            if frame == "completion" and row.get("completion"):
                row["instruction"], row["prompt"] = row["prompt"], row["completion"]
    return datasets.DatasetDict({"test": datasets.Dataset.from_list(rows)})


def pair_choices(doc: dict) -> list[str]:
    return [doc["sent_more"], doc["sent_less"]]


class _ExtraRequestsTask(ConfigurableTask):
    """A multiple-choice task that scores some more (context, continuation) pairs per doc after
    lm-eval's own requests; ``process_results`` reads them after the choices, in order."""

    def __init__(self, config: dict | None = None, **kwargs):
        # lm-eval hands the YAML's own ``class`` key on to the config, which TaskConfig refuses
        super().__init__(config={k: v for k, v in (config or {}).items() if k != "class"}, **kwargs)

    def extra_requests(self, doc: dict) -> list[tuple[str, str]]:
        raise NotImplementedError

    def construct_requests(self, doc: dict, ctx, **kwargs):
        first = super().construct_requests(doc, ctx, **kwargs)
        kwargs.pop("apply_chat_template", None)
        kwargs.pop("chat_template", None)
        return first + [Instance(request_type="loglikelihood", doc=doc, arguments=pair, idx=len(first) + i, **kwargs)
                        for i, pair in enumerate(self.extra_requests(doc))]


class PairsTask(_ExtraRequestsTask):
    """lm-eval's crows_pairs requests (each whole sentence after the prefix token), plus, for a
    pair with a shared suffix S = S1 S' after the differing words, S' scored after each sentence's
    own prefix, identity and first shared word: (P + A + S1, " " + S') and (P + B + S1, " " + S')
    (metrics.stereotype.cond_split). One pass gives both scores."""

    def extra_requests(self, doc: dict) -> list[tuple[str, str]]:
        split = cond_split(doc["sent_more"], doc["sent_less"])
        if split is None:
            return []
        more, less, suffix = split
        return [(more, " " + suffix), (less, " " + suffix)]


class DecisionTask(_ExtraRequestsTask):
    """Both prompts of a decision item scored with both answers: lm-eval's multiple-choice
    requests for prompt A (its ``doc_to_text``), and the same two answers after prompt B."""

    def extra_requests(self, doc: dict) -> list[tuple[str, str]]:
        return [(doc["prompt_b"], self.config.target_delimiter + opt) for opt in doc["options"]]


def decision_text(doc: dict) -> str:
    return doc["prompt_a"]


def decision_choices(doc: dict) -> list[str]:
    return list(doc["options"])


def decision_results(doc: dict, results: list) -> dict:
    (a_fav, _), (a_unfav, _), (b_fav, _), (b_unfav, _) = results[:4]
    try:
        record = decision_record(a_fav, a_unfav, b_fav, b_unfav, doc.get("role") or "name")
    except ValueError as e:
        raise ValueError(f"decision item {doc.get('id', '?')}: {e}") from None
    return _per_metric("decisions", record)


def qa_text(doc: dict) -> str:
    q, a = _QA_PROMPT.get(doc.get("lang") or "en", _QA_PROMPT["en"])
    return f"{doc['context']}\n\n{q}: {doc['question']}\n{a}:"


def qa_choices(doc: dict) -> list[str]:
    return [doc["ans0"], doc["ans1"], doc["ans2"]]


def pairs_choice_text(doc: dict) -> str:
    from fairbench.tasks.choice import pairs_choice_text as text

    return text(doc)


def qa_choice_text(doc: dict) -> str:
    from fairbench.tasks.choice import qa_choice_text as text

    return text(doc)


def decisions_choice_text(doc: dict) -> str:
    from fairbench.tasks.choice import decisions_choice_text as text

    return text(doc)


def decisions_choice_results(doc: dict, results: list) -> dict:
    from fairbench.metrics.choice import decisions_choice_record

    return _per_metric("decisions_choice", decisions_choice_record(doc, results[0]))


def pairs_choice_results(doc: dict, results: list) -> dict:
    from fairbench.metrics.choice import pairs_choice_record

    return _per_metric("pairs_choice", pairs_choice_record(doc, results[0]))


def qa_choice_results(doc: dict, results: list) -> dict:
    from fairbench.metrics.choice import qa_choice_record

    return _per_metric("qa_choice", qa_choice_record(doc, results[0]))


def gen_text(doc: dict) -> str:
    return doc["prompt"]


@lru_cache(maxsize=4)
def cue_families(axis: str | None) -> dict | None:
    """The shipped cue-group map of ``axis`` (None without an axis or a map)."""
    path = cue_groups_path()
    if axis is None or not path.is_file():
        return None
    return json.loads(path.read_text(encoding="utf-8")).get(axis)


def _per_metric(fmt: str, record: dict) -> dict:
    return {m.name: record for m in get_format(fmt).metrics}


def pairs_results(doc: dict, results: list) -> dict:
    (ll_more, _), (ll_less, _) = results[:2]
    cond = [ll for ll, _ in results[2:4]] or [None, None]
    try:
        record = pair_record(ll_more, ll_less, *cond)
    except ValueError as e:  # NaN: an error naming the item, never a silent "not stereotypical"
        raise ValueError(f"pair {doc.get('id', '?')}: {e}") from None
    return _per_metric("pairs", record)


def qa_results(doc: dict, results: list) -> dict:
    return _per_metric("qa", qa_record(doc, [ll for ll, _ in results]))


def gen_results(doc: dict, results: list) -> dict:
    return _per_metric("gen", gen_doc_record(doc, results[0]))


def gen_doc_record(doc: dict, generation: str) -> dict:
    """The record of one generation for its prompt row, with the shipped lexicon and cue-group
    map (what a run logs, and what ``fairbench rescore`` recomputes)."""
    axis = doc.get("axis") or None
    return gen_record(generation, load_lexicon(lexicon_path()), axis=axis, cue_group=doc.get("cue_group") or None,
                      families=cue_families(axis), cues=cue_list(doc))


def cue_list(doc: dict) -> list[str] | None:
    """The row's cues (shipped rows list them; a BYO row without them gets no echo flag)."""
    cues = doc.get("cues")
    if cues is None:
        return None
    return [c.strip() for c in cues.split("|") if c.strip()] if isinstance(cues, str) else list(cues)


def _aggregation(fmt: str, name: str):
    metric = next(m for m in get_format(fmt).metrics if m.name == name)

    def agg(records: list[dict]) -> float:
        import numpy as np

        with np.errstate(divide="ignore", invalid="ignore"):  # undefined (NaN) is a value here
            return metric(get_format(fmt).columns(records))

    agg.__name__ = f"agg_{name}"
    return agg


# the generative forms' aggregations (their metric names repeat the log-likelihood forms')
agg_choice_pct_stereotype = _aggregation("pairs_choice", "pct_stereotype")
agg_choice_pct_first = _aggregation("pairs_choice", "pct_first")
agg_choice_unparsed_rate = _aggregation("pairs_choice", "unparsed_rate")
agg_choice_refusal_rate = _aggregation("pairs_choice", "refusal_rate")
agg_qa_choice_bias_ambig = _aggregation("qa_choice", "bias_ambig")
agg_qa_choice_bias_disambig = _aggregation("qa_choice", "bias_disambig")
agg_qa_choice_acc_ambig = _aggregation("qa_choice", "acc_ambig")
agg_qa_choice_acc_disambig = _aggregation("qa_choice", "acc_disambig")
agg_qa_choice_pct_first = _aggregation("qa_choice", "pct_first")
agg_qa_choice_unparsed_rate = _aggregation("qa_choice", "unparsed_rate")
agg_qa_choice_refusal_rate = _aggregation("qa_choice", "refusal_rate")
agg_decisions_choice_gap = _aggregation("decisions_choice", "gap")
agg_decisions_choice_flip_rate = _aggregation("decisions_choice", "flip_rate")
agg_decisions_choice_placebo_gap = _aggregation("decisions_choice", "placebo_gap")
agg_decisions_choice_qual_gap = _aggregation("decisions_choice", "qual_gap")
agg_decisions_choice_fav_rate = _aggregation("decisions_choice", "fav_rate")
agg_decisions_choice_unparsed_rate = _aggregation("decisions_choice", "unparsed_rate")
agg_decisions_choice_refusal_rate = _aggregation("decisions_choice", "refusal_rate")


agg_pct_stereotype_cond = _aggregation("pairs", "pct_stereotype_cond")
agg_cond_gap = _aggregation("pairs", "cond_gap")
agg_pct_stereotype = _aggregation("pairs", "pct_stereotype")
agg_likelihood_diff = _aggregation("pairs", "likelihood_diff")
agg_bias_ambig = _aggregation("qa", "bias_ambig")
agg_bias_disambig = _aggregation("qa", "bias_disambig")
agg_acc_ambig = _aggregation("qa", "acc_ambig")
agg_acc_disambig = _aggregation("qa", "acc_disambig")
agg_gap = _aggregation("decisions", "gap")
agg_logodds_gap = _aggregation("decisions", "logodds_gap")
agg_flip_rate = _aggregation("decisions", "flip_rate")
agg_placebo_gap = _aggregation("decisions", "placebo_gap")
agg_qual_gap = _aggregation("decisions", "qual_gap")
agg_fav_rate = _aggregation("decisions", "fav_rate")
agg_iir = _aggregation("gen", "iir")
agg_empty_rate = _aggregation("gen", "empty_rate")
agg_cued_rate = _aggregation("gen", "cued_rate")
agg_cue_effect = _aggregation("gen", "cue_effect")
agg_twin_rate = _aggregation("gen", "twin_rate")
agg_iir_nocue = _aggregation("gen", "iir_nocue")
agg_cue_effect_nocue = _aggregation("gen", "cue_effect_nocue")
agg_nocue_rate = _aggregation("gen", "nocue_rate")
agg_decline_rate = _aggregation("gen", "decline_rate")
agg_echo_rate = _aggregation("gen", "echo_rate")
