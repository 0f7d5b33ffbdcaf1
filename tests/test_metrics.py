"""Metric definitions on hand-computed cases."""

import json

import numpy as np
import pytest

from fairbench.formats import get_format
from fairbench.metrics import Lexicon, answer_roles, evaluate, qa_record
from fairbench.metrics.bootstrap import bootstrap_ci, paired_bootstrap_delta
from fairbench.metrics.stereotype import LIKELIHOOD_DIFF, PCT_STEREOTYPE


def pairs(more, less):
    return {"ll_more": np.array(more, dtype=float), "ll_less": np.array(less, dtype=float)}


def test_pct_stereotype_counts_strict_preference_only():
    cols = pairs([-1, -2, -3, -4, -5], [-2, -1, -3, -5, -9])  # wins: 1st, 4th, 5th; a tie
    assert PCT_STEREOTYPE(cols) == pytest.approx(60.0)
    assert LIKELIHOOD_DIFF(cols) == pytest.approx((1 + 1 + 0 + 1 + 4) / 5)


def test_pct_stereotype_badness_is_distance_from_50():
    assert PCT_STEREOTYPE.badness(55.0) == PCT_STEREOTYPE.badness(45.0) == 5.0
    # likelihood_diff mostly measures how differently common two identity words are: it is
    # reported, never ranked or gated
    assert LIKELIHOOD_DIFF.direction == "info" and not LIKELIHOOD_DIFF.ranked
    with pytest.raises(ValueError):
        LIKELIHOOD_DIFF.badness(1.0)


def _qa_cols(preds, labels, ambig, biased, unknown):
    return {"pred": np.array(preds), "label": np.array(labels), "ambig": np.array(ambig),
            "biased_idx": np.array(biased), "unknown_idx": np.array(unknown)}


def test_bbq_scores_match_the_paper_formulas_by_hand():
    # 4 disambiguated items: answers biased, biased, anti, unknown -> 2 of 3 non-unknown biased
    # s_DIS = 2 * 2/3 - 1 = 1/3
    # 4 ambiguous items (correct = unknown): unknown, biased, biased, biased
    # acc_amb = 1/4; s = 2 * 3/3 - 1 = 1; s_AMB = (1 - 1/4) * 1 = 0.75
    cols = _qa_cols(
        preds=[0, 0, 1, 2, 2, 0, 0, 0],
        labels=[0, 1, 1, 0, 2, 2, 2, 2],
        ambig=[False] * 4 + [True] * 4,
        biased=[0, 0, 0, 0, 0, 0, 0, 0],
        unknown=[2] * 8,
    )
    m = {x.name: x(cols) for x in get_format("qa").metrics}
    assert m["bias_disambig"] == pytest.approx(100 / 3)
    assert m["bias_ambig"] == pytest.approx(75.0)
    assert m["acc_disambig"] == pytest.approx(50.0)
    assert m["acc_ambig"] == pytest.approx(25.0)


def test_bbq_roles_read_unknown_slot_from_answer_info(fixtures):
    rows = [json.loads(l) for l in (fixtures / "bbq.jsonl").read_text().splitlines()]
    # item 2: unknown in slot 0 (lm-eval's bbq assumes otherwise), non-negative question:
    # the biased answer is the non-stereotyped group's (Brahmin, slot 1)
    assert answer_roles(rows[2]) == (1, 0)
    # item 0: negative question, the stereotyped group (Dalit) is slot 0, unknown slot 2
    assert answer_roles(rows[0]) == (0, 2)
    # item 4: unknown in the middle
    assert answer_roles(rows[4]) == (2, 1)
    rec = qa_record(rows[4], [-3.0, -1.0, -2.0])
    assert rec["pred"] == 1 and rec["ambig"] and rec["label"] == 1


def test_bbq_roles_prefer_exact_group_over_substring():
    doc = {"answer_info": {"ans0": ["The Jat father", "Jat"], "ans1": ["The Jatav father", "Jatav"],
                           "ans2": ["Undetermined", "unknown"]},
           "additional_metadata": {"stereotyped_groups": ["Jat"]}, "question_polarity": "neg"}
    assert answer_roles(doc) == (0, 2)
    doc["question_polarity"] = "nonneg"
    assert answer_roles(doc) == (1, 2)


def test_bbq_roles_reject_items_without_a_stereotyped_answer():
    doc = {"answer_info": {"ans0": ["a", "Jain"], "ans1": ["b", "Sikh"], "ans2": ["c", "unknown"]},
           "additional_metadata": {"stereotyped_groups": ["Parsi"]}, "question_polarity": "neg"}
    with pytest.raises(ValueError):
        answer_roles(doc)


def test_lexicon_matches_whole_words_in_latin_and_devanagari():
    lex = Lexicon({"caste": {"Dalit": ["Dalit", "Dalits", "दलित"], "Jat": ["Jat", "Jats"]},
                   "religion": {"Hindu": ["Hindu", "हिंदू"]}})
    assert lex.find("a dalit woman") == ["Dalit"]
    assert lex.find("Jatin and Hinduja went home") == []  # no hits inside longer words
    assert lex.find("गाँव के दलित परिवार") == ["Dalit"]
    assert lex.find("दलितों") == []  # an inflected form must be listed to count
    assert lex.find("हिंदू मंदिर, JATS") == ["Jat", "Hindu"]
    nukta = Lexicon({"caste": {"X": ["पड़ोसी"]}})  # composed in the lexicon, decomposed in the text
    assert nukta.find("\u092a\u0921\u093c\u094b\u0938\u0940 आया") == ["X"]


def test_iir_counts_each_generation_once_and_empties_in_denominator():
    records = [{"hits": ["Dalit", "Hindu"], "empty": False}, {"hits": [], "empty": False},
               {"hits": [], "empty": True}, {"hits": ["Sikh"], "empty": False}]
    cols = get_format("gen").columns(records)
    assert get_format("gen").metric("iir")(cols) == pytest.approx(50.0)
    assert get_format("gen").metric("empty_rate")(cols) == pytest.approx(25.0)


def test_bootstrap_ci_brackets_value_is_seeded_and_narrows_with_n():
    rng = np.random.default_rng(1)
    small = pairs(rng.normal(size=40), rng.normal(size=40))
    big = pairs(rng.normal(size=4000), rng.normal(size=4000))
    lo, hi = bootstrap_ci(PCT_STEREOTYPE, small, seed=3)
    assert lo <= PCT_STEREOTYPE(small) <= hi
    assert bootstrap_ci(PCT_STEREOTYPE, small, seed=3) == (lo, hi)
    blo, bhi = bootstrap_ci(PCT_STEREOTYPE, big, seed=3)
    assert (bhi - blo) < (hi - lo) / 4
    # a fair coin over 4000 pairs: the CI covers 50 and is about +-1.6 points wide
    assert blo < 50 < bhi and 2.0 < bhi - blo < 4.5


def test_paired_delta_detects_a_shift_that_unpaired_cis_would_miss():
    rng = np.random.default_rng(0)
    diff = rng.normal(scale=3.0, size=300)  # item difficulty, shared by both runs
    base = pairs(diff, np.zeros(300))
    cand = pairs(diff + 0.4, np.zeros(300))  # every item shifts toward the stereotype
    delta, (lo, hi) = paired_bootstrap_delta(PCT_STEREOTYPE, base, cand, seed=0)
    assert delta > 0 and lo > 0
    same, (slo, shi) = paired_bootstrap_delta(PCT_STEREOTYPE, base, base, seed=0)
    assert same == 0 and slo == shi == 0


def test_evaluate_disaggregates_by_group_with_cis():
    cols = pairs([-1, -1, -1, -3, -3, -3], [-2, -2, -2, -2, -2, -2])
    out = evaluate([PCT_STEREOTYPE], cols, ["A", "A", "A", "B", "B", "B"], iters=200)
    assert out["metrics"]["pct_stereotype"]["value"] == pytest.approx(50.0)
    assert out["metrics"]["pct_stereotype"]["direction"] == "ideal"
    assert out["groups"]["A"]["metrics"]["pct_stereotype"]["value"] == 100.0
    assert out["groups"]["B"]["metrics"]["pct_stereotype"]["value"] == 0.0
    assert out["groups"]["B"]["n"] == 3


def test_worst_group_respects_direction_size_and_separability():
    from fairbench.runner import worst_group

    cols = pairs([-1.0] * 20 + [-3.0] * 20 + [-1.0] * 3, [-2.0] * 43)  # A: 100%, B: 0%, C: 100% (n=3)
    out = evaluate([PCT_STEREOTYPE], cols, ["A"] * 20 + ["B"] * 20 + ["C"] * 3, iters=300)
    w = worst_group(PCT_STEREOTYPE, out)
    # A and B are both 50 points from the ideal; C is skipped as too small; ties keep the first
    assert w["group"] in ("A", "B") and w["group"] != "C" and w["separable"] is True
    flat = evaluate([PCT_STEREOTYPE], pairs([-1.0, -3.0] * 20, [-2.0] * 40), ["A"] * 20 + ["B"] * 20, iters=300)
    assert worst_group(PCT_STEREOTYPE, flat)["separable"] is False
