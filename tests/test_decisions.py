"""The decisions format (issue #19): what its data mean, what its metrics compute, and that it
runs end to end through lm-eval.

The data tests read the shipped files and check them against sources written independently of
data/build.py: the cue lists (fairbench/mitigations/cues.py, whose surnames the cards source),
the identity lexicon and the caste categories of data/src/groups.py.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter, defaultdict

import numpy as np
import pytest

from test_data import AXES, DATA, LANGS, any_re, caste_sides, hits, lexicon, rows

from fairbench.metrics.decision import (FLIP_RATE, GAP, LOGODDS_GAP, PLACEBO_GAP, QUAL_GAP, decision_columns,
                                        decision_record, informative)

FILES = [(a, lang) for a in AXES for lang in LANGS]
KEYS = {"id", "cluster", "domain", "decision", "role", "qual", "group", "group_a", "group_b", "name_a",
        "name_b", "prompt_a", "prompt_b", "options"}
ANSWERS = {"en": ("Yes", "No"), "hi": ("हाँ", "नहीं")}
QUESTION = {"en": "\nQuestion: ", "hi": "\nप्रश्न: "}


def drows(axis, lang):
    return rows(axis, "decisions", lang)


def cue_names(axis):
    """group -> the first names and surnames fairbench's cue lists give it (both languages)."""
    from fairbench.mitigations.cues import CUES, CUES_HI

    out = {}
    for g in CUES[axis]:
        words = set()
        for table in (CUES, CUES_HI):
            for cat in ("surname", "name"):
                words |= set(table[axis][g].get(cat, []))
        out[g] = words
    return out


# --------------------------------------------------------------------------- data
@pytest.mark.parametrize("axis,lang", FILES)
def test_rows_have_the_schema_and_two_answers_favourable_first(axis, lang):
    data = drows(axis, lang)
    assert len(data) >= 200
    yes, no = ANSWERS[lang]
    for r in data:
        assert set(r) == KEYS, r["id"]
        assert re.fullmatch(rf"{axis}_decisions-\d{{4}}", r["id"])
        assert re.fullmatch(rf"{axis}_decisions-s\d{{2}}", r["cluster"])
        assert r["options"] in ([yes, no], [no, yes])
        assert r["role"] in ("name", "placebo", "qual")
        assert (r["group"] != "") == (r["role"] == "name")
        assert r["prompt_a"].endswith(("Answer:", "उत्तर:")) and r["prompt_b"][-7:] == r["prompt_a"][-7:]
        assert not re.search(r"[{}|]", r["prompt_a"] + r["prompt_b"]), r["id"]


@pytest.mark.parametrize("axis,lang", FILES)
def test_the_two_prompts_differ_only_in_the_name_or_only_in_the_qualification(axis, lang):
    for r in drows(axis, lang):
        a, b = r["prompt_a"], r["prompt_b"]
        if r["role"] == "qual":
            assert r["name_a"] == r["name_b"]
            head_a, head_b = a.split(QUESTION[lang])[0], b.split(QUESTION[lang])[0]
            assert a.split(QUESTION[lang])[1] == b.split(QUESTION[lang])[1]  # same question
            # the situation (first sentence) is shared; only the sentence after it differs
            first = re.compile(r"^.*?[.।](?= )")
            assert head_a != head_b, r["id"]
            assert first.match(head_a).group(0) == first.match(head_b).group(0), r["id"]
            continue
        assert r["name_a"] != r["name_b"]
        fa, fb = r["name_a"].split(" ")[0], r["name_b"].split(" ")[0]
        na = a.replace(r["name_a"], "<N>").replace(fa, "<F>")
        nb = b.replace(r["name_b"], "<N>").replace(fb, "<F>")
        assert na == nb, r["id"]
        assert "<N>" in na


@pytest.mark.parametrize("axis,lang", FILES)
def test_no_prompt_names_a_group_outside_the_name(axis, lang):
    pattern = any_re()
    for r in drows(axis, lang):
        for text, name in ((r["prompt_a"], r["name_a"]), (r["prompt_b"], r["name_b"])):
            rest = text.replace(name, " ").replace(name.split(" ")[0], " ")
            assert not hits(pattern, rest), (r["id"], rest)


@pytest.mark.parametrize("axis,lang", FILES)
def test_each_name_signals_its_group_and_no_other(axis, lang):
    """A name's words are in its group's cue names or surnames and its surname in no other
    group's of the axis; the placebo surnames are in no cue list and no lexicon."""
    cues = cue_names(axis)
    every_cue = set().union(*cues.values())
    terms = {t.lower() for table in lexicon().values() for ts in table.values() for t in ts}
    for r in drows(axis, lang):
        for side in "ab":
            group, words = r[f"group_{side}"], set(r[f"name_{side}"].split(" "))
            if group.startswith("placebo"):
                # both sides share the first name; the invented surnames signal nothing
                first, surname = r[f"name_{side}"].split(" ", 1)
                assert first == r["name_a"].split(" ")[0] == r["name_b"].split(" ")[0], r["id"]
                assert surname not in every_cue and surname.lower() not in terms, (r["id"], surname)
                continue
            assert words & cues[group], (r["id"], group, words)
            for other, theirs in cues.items():
                if other != group:
                    surname = r[f"name_{side}"].split(" ", 1)[1]
                    assert surname not in theirs, (r["id"], surname, other)


@pytest.mark.parametrize("axis", AXES)
def test_pairs_put_the_advantaged_group_first(axis):
    """gap = A - B is advantaged minus disadvantaged: caste A from the dominant castes and B an
    SC, ST or OBC group (data/src/groups.py categories); religion A the majority religion."""
    for r in drows(axis, "en"):
        if r["role"] != "name":
            continue
        if axis == "caste":
            dis, adv = caste_sides()
            assert r["group_a"] in adv and r["group_b"] in dis, r["group"]
        else:
            assert r["group_a"] == "Hindu" and r["group_b"] in {"Muslim", "Christian"}, r["group"]
        assert r["group"] == f"{r['group_a']}|{r['group_b']}"


@pytest.mark.parametrize("axis", AXES)
def test_design_is_balanced_over_scenarios_pairs_and_qualifications(axis):
    data = drows(axis, "en")
    by_cluster = defaultdict(list)
    for r in data:
        by_cluster[r["cluster"]].append(r)
    assert len(by_cluster) >= 20
    pairs = {r["group"] for r in data if r["role"] == "name"}
    favourable_no = 0
    for cluster, items in by_cluster.items():
        assert len({r["domain"] for r in items}) == 1 and len({r["decision"] for r in items}) == 1
        assert len({tuple(r["options"]) for r in items}) == 1
        favourable_no += items[0]["options"][0] == "No"
        got = Counter((r["group"], r["qual"]) for r in items if r["role"] == "name")
        assert got == Counter({(p, q): 1 for p in pairs for q in ("strong", "weak")}), cluster
        assert Counter(r["qual"] for r in items if r["role"] == "placebo") == {"strong": 1, "weak": 1}
        # every real group's name is checked against a strong/weak qualification swap
        real = {r["group_a"] for r in items if r["role"] == "name"} | {r["group_b"] for r in items if r["role"] == "name"}
        assert {r["group_a"] for r in items if r["role"] == "qual"} == real
        # one name variant per scenario, so one gender in all its prompts (the pronouns say which)
        words = {w for r in items for w in re.findall(r"\b(?:he|his|him|she|her)\b", (r["prompt_a"] + r["prompt_b"]).lower())}
        assert not (words & {"he", "his", "him"} and words & {"she", "her"}), cluster
        if axis == "caste":  # the caste names share the first name: only the surname differs
            assert len({r[k].split(" ")[0] for r in items for k in ("name_a", "name_b")}) == 1, cluster
    # a third of the questions ask the negative, so a leaning to "Yes" is no favour
    assert favourable_no == len(by_cluster) // 3
    assert len({r["decision"] for r in data}) == 8


@pytest.mark.parametrize("axis", AXES)
def test_languages_are_aligned(axis):
    en, hi = drows(axis, "en"), drows(axis, "hi")
    assert [r["id"] for r in en] == [r["id"] for r in hi]
    for a, b in zip(en, hi):
        for key in ("cluster", "domain", "decision", "role", "qual", "group", "group_a", "group_b"):
            assert a[key] == b[key], (a["id"], key)
        assert (a["options"][0] == "Yes") == (b["options"][0] == "हाँ"), a["id"]
        assert not re.search(r"[\u0900-\u097F]", a["prompt_a"]) and re.search(r"[\u0900-\u097F]", b["prompt_a"])


# --------------------------------------------------------------------------- metrics
def _cols(recs):
    return decision_columns([decision_record(*r) for r in recs])


def test_gap_is_advantaged_minus_disadvantaged_in_percentage_points():
    # A favoured with log-odds +2, B -2: P = 0.881 vs 0.119
    cols = _cols([(-0.1, -2.1, -2.1, -0.1, "name")] * 3 + [(-1.0, -1.0, -1.0, -1.0, "placebo")])
    p = 1 / (1 + math.exp(-2.0))
    assert GAP(cols) == pytest.approx(100 * (p - (1 - p)))
    assert LOGODDS_GAP(cols) == pytest.approx(4.0)
    assert FLIP_RATE(cols) == 100.0
    assert PLACEBO_GAP(cols) == 0.0
    assert math.isnan(QUAL_GAP(cols))  # no qualification items
    # swapping the sides flips the sign
    swapped = _cols([(-2.1, -0.1, -0.1, -2.1, "name")] * 3)
    assert GAP(swapped) == pytest.approx(-GAP(cols))


def test_gap_reads_only_name_items_and_qual_gap_only_qualification_items():
    cols = _cols([(-1.0, -1.0, -1.0, -1.0, "name"), (0.0, -3.0, -3.0, 0.0, "qual"),
                  (0.0, -3.0, -3.0, 0.0, "placebo")])
    assert GAP(cols) == 0.0 and FLIP_RATE(cols) == 0.0
    assert QUAL_GAP(cols) > 90 and PLACEBO_GAP(cols) > 90
    assert GAP.used(cols).tolist() == [True, False, False]


def test_bootstrap_columns_of_two_dimensions_give_one_value_per_resample():
    cols = _cols([(-1.0, -2.0, -2.0, -1.0, "name"), (-2.0, -1.0, -1.0, -2.0, "name")])
    idx = np.array([[0, 0], [1, 1], [0, 1]])
    values = GAP.fn({k: v[idx] for k, v in cols.items()})
    assert values.shape == (3,) and values[0] > 0 > values[1] and abs(values[2]) < 1e-9


def test_a_nan_log_likelihood_or_an_unknown_role_is_an_error():
    with pytest.raises(ValueError, match="NaN"):
        decision_record(float("nan"), -1.0, -1.0, -1.0, "name")
    with pytest.raises(ValueError, match="role"):
        decision_record(-1.0, -1.0, -1.0, -1.0, "other")


def test_informative_needs_the_qualification_to_move_decisions_more_than_the_name():
    assert informative({"ci": [10.0, 20.0]}, {"ci": [-2.0, 4.0]}) is True
    assert informative({"ci": [3.0, 20.0]}, {"ci": [-5.0, 4.0]}) is False  # not above |gap|'s CI
    assert informative({"ci": None}, {"ci": [-2.0, 4.0]}) is None


# --------------------------------------------------------------------------- end to end
def test_byo_decisions_file_runs_with_csv_options_and_bad_rows_fail_clearly(tmp_path):
    from fairbench.errors import UserError
    from fairbench.tasks.datafile import read_rows

    path = tmp_path / "mine.csv"
    path.write_text("prompt_a,prompt_b,options,group\n"
                    "\"A. Q: ok?\nA:\",\"B. Q: ok?\nA:\",Yes|No,x|y\n", encoding="utf-8")
    fmt, got = read_rows(path)
    assert fmt == "decisions" and got[0]["options"] == ["Yes", "No"] and got[0]["role"] == "name"
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps({"prompt_a": "A", "prompt_b": "B", "options": ["Yes"]}) + "\n", encoding="utf-8")
    with pytest.raises(UserError, match=r"bad.jsonl:1: options must be two different answers"):
        read_rows(bad)
    bad.write_text(json.dumps({"prompt_a": "A", "prompt_b": "B", "options": ["Yes", "No"], "role": "x"}) + "\n",
                   encoding="utf-8")
    with pytest.raises(UserError, match="role must be one of name, placebo, qual"):
        read_rows(bad)


def _loglik(model, tok, context: str, continuation: str) -> float:
    """log P(continuation | context) computed directly with the model, context and continuation
    tokenised separately (as lm-eval does)."""
    import torch

    ctx, cont = tok(context).input_ids, tok(continuation).input_ids
    with torch.no_grad():
        logp = torch.log_softmax(model(torch.tensor([ctx + cont])).logits[0].double(), -1)
    return float(sum(logp[len(ctx) - 1 + i, t] for i, t in enumerate(cont)))


def test_decisions_task_runs_end_to_end_and_logs_each_prompts_log_odds(tmp_path, tiny_model_dir, capsys):
    """The shipped task through the CLI and lm-eval on a tiny random model: every logged
    log-odds is the model's own ll(favourable) - ll(unfavourable) after that prompt."""
    from transformers import AutoModelForCausalLM, AutoTokenizer

    from fairbench.cli import main
    from fairbench.results import load_results, load_samples

    out = tmp_path / "out"
    code = main(["run", "--model", str(tiny_model_dir), "--tasks", "caste_decisions", "--limit", "30",
                 "--output", str(out), "--batch-size", "8", "--bootstrap-iters", "100"])
    assert code == 0
    path = sorted(out.glob("*.json"))[0]
    res = load_results(path)
    task = res["tasks"]["caste_decisions"]
    assert task["format"] == "decisions" and task["headline"] == "gap" and task["n"] == 30
    assert set(task["metrics"]) == {"gap", "logodds_gap", "flip_rate", "placebo_gap", "qual_gap", "fav_rate"}
    assert task["metrics"]["gap"]["direction"] == "ideal" and task["metrics"]["gap"]["ideal"] == 0.0
    assert task["informative"] in (True, False)
    assert set(task["groups"]) <= {"Brahmin|Dalit", "Thakur|Dalit", "Brahmin|Adivasi", "Brahmin|Yadav"}
    assert "domain" in task["breakdowns"]
    samples = load_samples(path, res)
    assert len(samples) == 30
    docs = {r["id"]: r for r in (json.loads(l) for l in (DATA / "caste_decisions.en.jsonl").open())}
    model = AutoModelForCausalLM.from_pretrained(tiny_model_dir).eval()
    tok = AutoTokenizer.from_pretrained(tiny_model_dir)
    for s in samples[:3]:
        doc = docs[s["id"]]
        fav, unfav = (" " + o for o in doc["options"])
        for side in "ab":
            want = _loglik(model, tok, doc[f"prompt_{side}"], fav) - _loglik(model, tok, doc[f"prompt_{side}"], unfav)
            assert s["record"][f"lo_{side}"] == pytest.approx(want, rel=1e-4, abs=1e-4), (s["id"], side)
    # the headline is what the samples give
    names = [s["record"] for s in samples if s["record"]["role"] == "name"]
    p = lambda lo: 1 / (1 + math.exp(-lo))  # noqa: E731
    assert task["metrics"]["gap"]["value"] == pytest.approx(100 * np.mean([p(r["lo_a"]) - p(r["lo_b"]) for r in names]))
    assert "gap" in capsys.readouterr().out
