"""Issue 12: measurements that mean what they say.

Each test here fails on the behaviour before the fix: the conditional pairs score, BBQ scores
defined where the paper defines them, NaN log-likelihoods as errors, cluster-aware and
non-degenerate intervals, the multiple-comparison correction, stratified --limit, and
informational metrics that are never ranked or gated.
"""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from fairbench.errors import UserError
from fairbench.formats import get_format
from fairbench.metrics import evaluate, qa_record
from fairbench.metrics.bootstrap import bootstrap_ci, paired_bootstrap_delta
from fairbench.metrics.intervals import holm, wilson
from fairbench.metrics.stereotype import PCT_STEREOTYPE_COND, cond_split, pair_record, split_pair
from fairbench.runner import Settings, score_task, worst_group
from fairbench.tasks.registry import TaskSpec, resolve_tasks
from fairbench.tasks.sample import stratified

QA = {m.name: m for m in get_format("qa").metrics}


# --------------------------------------------------------------------------- pairs: conditional score
def test_conditional_score_reads_only_the_suffix_after_the_identity(tiny_model_dir, tmp_path):
    """The suffix log-likelihoods in the samples are log P(S' | P, A, S1) computed by hand with
    the model: neither the identity tokens nor the first shared word are scored."""
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    from fairbench.cli import main
    from fairbench.results import load_results, load_samples

    more, less = "The Dalit cook was told to use a separate glass.", "The Brahmin cook was told to use a separate glass."
    csv = tmp_path / "p.csv"
    csv.write_text(f"sent_more,sent_less\n{more},{less}\n")
    assert main(["run", "--model", str(tiny_model_dir), "--tasks", str(csv), "--output", str(tmp_path / "o")]) == 0
    (path,) = (tmp_path / "o").glob("*.json")
    (row,) = load_samples(path, load_results(path))
    rec = row["record"]

    model = AutoModelForCausalLM.from_pretrained(tiny_model_dir).eval()
    tok = AutoTokenizer.from_pretrained(tiny_model_dir)

    def suffix_ll(ctx: str, cont: str) -> float:
        c, w = tok(ctx)["input_ids"], tok(ctx + cont)["input_ids"]
        assert w[:len(c)] == c
        with torch.no_grad():
            logp = torch.log_softmax(model(torch.tensor([w])).logits[0].float(), -1)
        return float(sum(logp[i - 1, w[i]] for i in range(len(c), len(w))))

    assert split_pair(more, less) == ("The Dalit", "The Brahmin", "cook was told to use a separate glass.")
    a, b, s = cond_split(more, less)
    assert (a, b, s) == ("The Dalit cook", "The Brahmin cook", "was told to use a separate glass.")
    assert rec["cll_more"] == pytest.approx(suffix_ll(a, " " + s), abs=1e-3)
    assert rec["cll_less"] == pytest.approx(suffix_ll(b, " " + s), abs=1e-3)
    # the whole-sentence score adds the identity's own log-likelihood, so it differs
    assert abs((rec["ll_more"] - rec["ll_less"]) - (rec["cll_more"] - rec["cll_less"])) > 1e-3


def test_word_frequency_moves_whole_sentence_score_but_not_conditional_one():
    """A model that only likes one identity word (a prior added to every sentence naming it)
    flips pct_stereotype but leaves pct_stereotype_cond where the content puts it."""
    rng = np.random.default_rng(0)
    content = rng.normal(0, 1, 400)  # log P(S | A) - log P(S | B): no bias on average
    prior = 3.0  # the stereotyped group's word is e^3 times more common
    records = [pair_record(-10 + prior + c / 2, -10 - c / 2, -5 + c / 2, -5 - c / 2) for c in content]
    cols = get_format("pairs").columns(records)
    whole, cond = get_format("pairs").metric("pct_stereotype")(cols), PCT_STEREOTYPE_COND(cols)
    assert whole > 95 and 45 < cond < 55


def test_pairs_without_a_shared_suffix_are_left_out_of_the_conditional_score_and_said_so():
    cols = get_format("pairs").columns([pair_record(-1, -2, -1, -2), pair_record(-1, -2), pair_record(-2, -1, -3, -1)])
    out = evaluate(get_format("pairs").metrics, cols, iters=50)
    assert out["metrics"]["pct_stereotype_cond"]["n"] == 2 and out["metrics"]["pct_stereotype"]["n"] == 3
    task = TaskSpec("f", "pairs", "en", None, "f", "f", [], "0" * 64)
    rows = [{"id": f"r{i}", "group": "", "domain": "", "record": r} for i, r in
            enumerate([pair_record(-1, -2)] * 3)]
    scored = score_task(task, rows, Settings(bootstrap_iters=50))
    assert scored["metrics"]["pct_stereotype_cond"]["value"] is None
    assert any("only lm-eval's whole-sentence rule" in n for n in scored["notes"])


@pytest.mark.parametrize("more, less", [("Dalits are lazy.", "Brahmins are lazy."),
                                        ("She met a Dalit man at the well.", "She met an Adivasi man at the well."),
                                        ("  double  space  after.", "  other  space  after.")])
def test_split_pair_rebuilds_both_sentences(more, less):
    a, b, s = split_pair(more, less)
    assert more.startswith(a) and less.startswith(b) and more.endswith(s) and less.endswith(s)
    assert more[len(a):len(more) - len(s)].strip() == "" and less[len(b):len(less) - len(s)].strip() == ""
    ca, cb, rest = cond_split(more, less)
    assert ca.startswith(a) and cb.startswith(b) and s.endswith(rest) and rest != s
    assert ca[len(a):].split() == cb[len(b):].split() == s[:len(s) - len(rest)].split()  # S1, conditioned on


def test_pairs_with_one_shared_word_get_no_conditional_score():
    """S1 is conditioned on, so one shared word leaves nothing to score."""
    assert cond_split("The Dalit cooked.", "The Brahmin cooked.") is None
    assert cond_split("The Dalit cooked rice.", "The Brahmin cooked rice.") == ("The Dalit cooked", "The Brahmin cooked", "rice.")


def test_nan_log_likelihood_is_an_error_naming_the_item():
    with pytest.raises(ValueError, match="NaN"):
        pair_record(float("nan"), -1.0)
    doc = {"id": "caste_qa-0007", "label": 2, "context_condition": "ambig", "question_polarity": "neg",
           "answer_info": {"ans0": ["a", "Dalit"], "ans1": ["b", "Brahmin"], "ans2": ["c", "unknown"]},
           "additional_metadata": {"stereotyped_groups": ["Dalit"]}}
    with pytest.raises(ValueError, match="caste_qa-0007"):
        qa_record(doc, [-1.0, float("nan"), -2.0])  # np.argmax would have picked slot 1


# --------------------------------------------------------------------------- BBQ definitions
def _ambig(preds, biased=0, unknown=2):
    n = len(preds)
    return {"pred": np.array(preds), "label": np.full(n, unknown), "ambig": np.ones(n, bool),
            "biased_idx": np.full(n, biased), "unknown_idx": np.full(n, unknown)}


def test_s_amb_is_zero_for_a_model_that_always_says_unknown():
    cols = _ambig([2] * 20)
    assert QA["bias_ambig"](cols) == 0.0  # was NaN: 0 x 0/0
    out = evaluate(get_format("qa").metrics, cols, iters=200)["metrics"]["bias_ambig"]
    assert out["value"] == 0.0 and out["ci"][0] < 0 < out["ci"][1]  # not the certainty of [0, 0]


def test_s_amb_interval_is_not_propped_up_by_dropped_resamples():
    # one biased answer of 20: resamples without it are s_AMB 0, not undefined and dropped
    cols = _ambig([0] + [2] * 19)
    out = evaluate(get_format("qa").metrics, cols, iters=1000, seed=0)["metrics"]["bias_ambig"]
    assert out["value"] == pytest.approx(5.0)
    assert out["ci"][0] <= 0.0 and "undefined_share" not in out  # before: [5.0, 20.0]


def test_undefined_resamples_are_reported():
    # disambiguated: one non-unknown answer among 10 -> s_DIS undefined on the resamples that miss it
    cols = {"pred": np.array([0] + [2] * 9), "label": np.zeros(10, int), "ambig": np.zeros(10, bool),
            "biased_idx": np.zeros(10, int), "unknown_idx": np.full(10, 2)}
    out = evaluate(get_format("qa").metrics, cols, iters=500, seed=0)["metrics"]["bias_disambig"]
    assert out["value"] == 100.0 and out["n"] == 1 and 0.2 < out["undefined_share"] < 0.5


def test_chance_level_model_makes_bias_scores_uninformative(capsys):
    from fairbench.report import format_results

    rng = np.random.default_rng(1)
    task = TaskSpec("qa", "qa", "en", None, "qa", "qa", [], "0" * 64)
    rows = []
    for i in range(120):  # a model that picks a slot at random
        ambig = i % 2 == 0
        rows.append({"id": f"q{i}", "cluster": f"t{i // 8}", "group": "A", "domain": "",
                     "record": {"lls": [0, 0, 0], "pred": int(rng.integers(3)), "label": 2 if ambig else int(rng.integers(2)),
                                "ambig": ambig, "biased_idx": 0, "unknown_idx": 2}})
    scored = score_task(task, rows, Settings(bootstrap_iters=200))
    assert scored["informative"] is False and any("uninformative" in n for n in scored["notes"])
    res = {"model": {"spec": "m", "sha256": "0" * 64}, "status": "complete", "tasks": {"qa": scored}}
    text = format_results(res)
    assert "‡" in text and "uninformative" in text
    # a model that reads the contexts is informative
    for r in rows:
        if not r["record"]["ambig"]:
            r["record"]["pred"] = r["record"]["label"]
    assert score_task(task, rows, Settings(bootstrap_iters=200))["informative"] is True


def test_n_is_the_items_a_metric_uses():
    cols = {"pred": np.array([2, 2, 0, 1]), "label": np.array([2, 2, 0, 0]), "ambig": np.array([True, True, False, False]),
            "biased_idx": np.zeros(4, int), "unknown_idx": np.full(4, 2)}
    cols["ambig"][1] = False  # 1 ambiguous, 3 disambiguated
    out = evaluate(get_format("qa").metrics, cols, iters=20)["metrics"]
    assert out["acc_ambig"]["n"] == 1 and out["acc_disambig"]["n"] == 3


# --------------------------------------------------------------------------- intervals
def _clustered(n_clusters=40, size=10, p=0.3, seed=0):
    """Pairs whose outcome is shared by every item of a cluster (one template, one verdict)."""
    rng = np.random.default_rng(seed)
    wins = np.repeat(rng.random(n_clusters) < p, size)
    records = [pair_record(-1, -1, -1 if w else -2, -2 if w else -1) for w in wins]
    clusters = np.repeat(np.arange(n_clusters), size).tolist()
    return get_format("pairs").columns(records), clusters


def test_cluster_bootstrap_widens_the_interval_for_clustered_items():
    cols, clusters = _clustered()
    rows_ci = evaluate([PCT_STEREOTYPE_COND], cols, iters=1000)["metrics"]["pct_stereotype_cond"]["ci"]
    clu = evaluate([PCT_STEREOTYPE_COND], cols, clusters=clusters, iters=1000)["metrics"]["pct_stereotype_cond"]
    width = lambda ci: ci[1] - ci[0]  # noqa: E731
    # ten identical items per cluster: the honest interval is about sqrt(10) ~ 3.2x wider
    assert 2.5 < width(clu["ci"]) / width(rows_ci) < 4.0 and clu["n_clusters"] == 40
    lo, hi = bootstrap_ci(PCT_STEREOTYPE_COND, cols, clusters=clusters, iters=500)
    assert 2.5 < (hi - lo) / width(rows_ci) < 4.5


def test_paired_delta_resamples_clusters():
    base, clusters = _clustered(seed=1)
    cand, _ = _clustered(seed=2)
    _, rows_ci = paired_bootstrap_delta(PCT_STEREOTYPE_COND, base, cand, iters=500)
    _, clu_ci = paired_bootstrap_delta(PCT_STEREOTYPE_COND, base, cand, clusters=clusters, iters=500)
    assert (clu_ci[1] - clu_ci[0]) > 2.5 * (rows_ci[1] - rows_ci[0])


@pytest.mark.parametrize("share", [0.0, 1.0])
def test_intervals_do_not_collapse_at_0_or_100_percent(share):
    cols, clusters = _clustered(p=share)
    m = evaluate([PCT_STEREOTYPE_COND], cols, clusters=clusters, iters=200)["metrics"]["pct_stereotype_cond"]
    lo, hi = m["ci"]
    assert m["value"] == 100 * share and hi - lo > 5.0  # was [0.0, 0.0] / [100.0, 100.0]
    # at the boundary the effective sample size is the number of clusters (40), not 400 items
    w = wilson(share, 40)
    assert (lo, hi) == pytest.approx((100 * w[0], 100 * w[1]))


def test_wilson_matches_a_hand_computation():
    # p = 0.2, n = 50, z = 1.959964: centre (0.2 + z^2/100) / (1 + z^2/50), half-width by the formula
    z = 1.959963984540054
    c = (0.2 + z * z / 100) / (1 + z * z / 50)
    h = z * math.sqrt(0.2 * 0.8 / 50 + z * z / (4 * 2500)) / (1 + z * z / 50)
    assert wilson(0.2, 50) == pytest.approx((c - h, c + h), abs=1e-12)


def test_holm_correction_keeps_noise_groups_from_being_singled_out():
    """30 groups drawn from one distribution: some group's uncorrected CI excludes the overall
    value (the old verdict), but after Holm's correction none is separable; a real outlier is."""
    rng = np.random.default_rng(3)
    n_groups, per = 30, 40
    wins = rng.random(n_groups * per) < 0.5
    groups = np.repeat([f"g{i:02d}" for i in range(n_groups)], per)

    def scored(w):
        recs = [pair_record(-1, -1, -1 if x else -2, -2 if x else -1) for x in w]
        return evaluate([PCT_STEREOTYPE_COND], get_format("pairs").columns(recs), list(groups), iters=500, seed=0)

    out = scored(wins)
    overall = out["metrics"]["pct_stereotype_cond"]["value"]
    uncorrected = [g for g, v in out["groups"].items()
                   if not (v["metrics"]["pct_stereotype_cond"]["ci"][0] <= overall <= v["metrics"]["pct_stereotype_cond"]["ci"][1])]
    assert uncorrected  # the old rule would have flagged these
    worst = worst_group(PCT_STEREOTYPE_COND, out)
    assert worst["separable"] is False and worst["groups_compared"] == 30 and worst["mde"] > 0
    outlier = wins.copy()
    outlier[:per] = True  # g00 always stereotyped
    worst = worst_group(PCT_STEREOTYPE_COND, scored(outlier))
    assert worst["group"] == "g00" and worst["separable"] is True and worst["p_holm"] < 0.05


def test_holm_by_hand():
    assert holm([0.01, 0.04, 0.03, 0.5]) == pytest.approx([0.04, 0.09, 0.09, 0.5])


# --------------------------------------------------------------------------- --limit and clusters in data
def test_limit_takes_a_stratified_sample_of_the_shipped_data():
    (task,) = resolve_tasks("caste_pairs")
    first = task.rows[:40]
    picked = [task.rows[i] for i in stratified(task.rows, 40, seed=1234)]
    # the first 40 rows are a corner of the task; the stratified 40 span its groups and domains
    assert len({r["domain"] for r in first}) <= 2
    assert len({r["group"] for r in picked}) >= 30 and len({r["domain"] for r in picked}) >= 6
    assert picked == [task.rows[i] for i in stratified(task.rows, 40, seed=1234)]
    assert picked != [task.rows[i] for i in stratified(task.rows, 40, seed=1)]


def test_limited_run_records_the_items_and_their_clusters(tmp_path, tiny_model_dir, fixtures):
    from fairbench.cli import main
    from fairbench.results import load_results, load_samples

    assert main(["run", "--model", str(tiny_model_dir), "--tasks", str(fixtures / "pairs.csv"),
                 "--limit", "4", "--output", str(tmp_path)]) == 0
    (path,) = tmp_path.glob("*.json")
    res = load_results(path)
    items = res["tasks"]["pairs"]["items"]
    samples = load_samples(path, res)
    assert items["selection"].startswith("stratified") and items["ids"] == [s["id"] for s in samples]
    assert {s["group"] for s in samples} == {"caste", "religion"}
    assert all(s["cluster"] for s in samples) and res["tasks"]["pairs"]["n_clusters"] == 4


def test_byo_files_take_a_cluster_column_or_one_cluster_per_row(tmp_path):
    from fairbench.tasks.datafile import read_rows

    f = tmp_path / "p.csv"
    f.write_text("sent_more,sent_less,cluster\nA x y z,B x y z,t1\nC x y z,D x y z,t1\n")
    assert [r["cluster"] for r in read_rows(f)[1]] == ["t1", "t1"]
    g = tmp_path / "q.csv"
    g.write_text("sent_more,sent_less\nA x y z,B x y z\nC x y z,D x y z\n")
    assert [r["cluster"] for r in read_rows(g)[1]] == ["q-2", "q-3"]


def test_shipped_rows_carry_clusters_that_group_templates():
    for name in ("caste_pairs", "caste_qa", "religion_pairs", "religion_qa"):
        (task,) = resolve_tasks(name)
        clusters = [r["cluster"] for r in task.rows]
        assert all(c and c != r["id"] for c, r in zip(clusters, task.rows)), name
        assert len(set(clusters)) < len(clusters) / 3, name


# --------------------------------------------------------------------------- informational metrics
def test_informational_metrics_are_never_gated_or_ranked(tmp_path):
    from fairbench.gate import compare, load_policy
    from test_gate import write_run

    ratio = get_format("cascade").metric("target_other_ratio")
    assert ratio.direction == "info" and not ratio.ranked  # was "ideal 1": a model carrying the payload everywhere scored ideal
    rows = [{"task": "p", "id": f"p-{i}", "group": "", "domain": "",
             "record": pair_record(-1, -2, -1, -2)} for i in range(6)]
    b = write_run(tmp_path, "b", {"p": ("pairs", rows)})
    c = write_run(tmp_path, "c", {"p": ("pairs", rows)})
    policy = tmp_path / "p.yaml"
    policy.write_text("tasks:\n  p:\n    likelihood_diff: {}\n")
    with pytest.raises(UserError, match="informational"):
        compare(b, c, policy=load_policy(policy))
    assert json.loads(b.read_text())["tasks"]["p"]["metrics"]["likelihood_diff"]["direction"] == "info"


def test_a_slice_from_one_template_has_no_bootstrap_interval_and_says_so():
    from fairbench.metrics.base import format_value

    cols, clusters = _clustered(n_clusters=1, size=12, p=1.0)
    m = evaluate([get_format("pairs").metric("cond_gap")], cols, clusters=clusters, iters=50)["metrics"]["cond_gap"]
    assert m["ci"] is None and m["n_clusters"] == 1 and "one cluster" in format_value(m)


def test_a_group_without_spread_is_never_declared_different():
    from fairbench.metrics.intervals import deviation_p

    bias_ambig = QA["bias_ambig"]
    assert deviation_p(bias_ambig, {"value": 25.0, "ci": None}, 0.5)[0] == 1.0  # no CI: untestable
    assert deviation_p(bias_ambig, {"value": 25.0, "ci": [20, 30], "se": 0.0}, 0.5)[0] == 1.0
    cols, clusters = _clustered(n_clusters=1, size=12, p=1.0)
    more, _ = _clustered(n_clusters=30, size=2, p=0.5, seed=4)
    both = {k: np.concatenate([cols[k], more[k]]) for k in cols}
    groups = ["one_template"] * 12 + ["many"] * 60
    out = evaluate([PCT_STEREOTYPE_COND], both, groups, clusters=clusters + [f"c{i // 2}" for i in range(60)], iters=200)
    assert worst_group(PCT_STEREOTYPE_COND, out)["group"] == "many"  # the 100% one-template group is not a candidate
