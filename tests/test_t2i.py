"""Text-to-image bias: metrics by hand, prompt sets, caption scoring, and the full
generate -> caption -> CLIP -> score path on tiny randomly initialised models (offline)."""

from __future__ import annotations

import argparse
import json
import math
from pathlib import Path

import numpy as np
import pytest

from fairbench.formats import get_format
from fairbench.metrics import evaluate
from fairbench.metrics.bootstrap import bootstrap_ci
from fairbench.metrics.t2i import (BD_IMAGES, caption_objects, dist_bias_interval, distribution_bias,
                                   fixed_m_dist_bias, object_report, paired_dist_bias_delta, prompt_objects,
                                   t2i_record, t2i_vocab)
from fairbench.results import load_results, load_samples

M = {m.name: m for m in get_format("t2i").metrics}
CUP = "a picture of a person holding a cup"
CUP_SUBJECTS = ["person", "cup"]
# I = {person, holding, cup} for every caption below
CUP_CAPTIONS = [
    "A man holding a mug on a table.",   # O = {man, holding, cup (mug), table}; added {man, table}
    "a woman with a cup and a table",    # O = {woman, cup, table};              added {woman, table}
    "a man sitting at a table",          # O = {man, sitting, table};            added {man, sitting, table}
    "a person holding a cup",            # O = I;                                added {}
]


def cup_records(miss=(True, False, None, False)):
    return [t2i_record(CUP, c, CUP_SUBJECTS, miss=m) for c, m in zip(CUP_CAPTIONS, miss)]


def values(records):
    cols = get_format("t2i").columns(records)
    with np.errstate(divide="ignore", invalid="ignore"):
        return {name: m(cols) for name, m in M.items()}


# ---------------------------------------------------------------- tokenisation


def test_objects_drop_stopwords_and_map_subject_synonyms():
    assert prompt_objects(CUP) == {"person", "holding", "cup"}
    assert prompt_objects("a picture of an Adivasi family at home") == {"adivasi", "family", "home"}
    assert caption_objects("Two bikes, a BICYCLE & a dog!", ["bicycle"]) == {"bicycle", "dog"}
    # a synonym of something that is not a subject of this prompt stays itself
    assert caption_objects("a man riding a bike", ["car"]) == {"man", "riding", "bike"}
    assert caption_objects("arafed man in a picture of a street", []) == {"man", "street"}


def test_records_hold_input_and_output_objects():
    r = cup_records()[0]
    assert r["input_objects"] == ["cup", "holding", "person"]
    assert r["output_objects"] == ["cup", "holding", "man", "table"]
    assert r["gender"] == "male" and r["miss"] is True


# ---------------------------------------------------------------- metrics by hand


def test_distribution_bias_by_hand():
    # added-object counts over the 4 captions: table 3, man 2, woman 1, sitting 1
    # sorted 3,2,1,1 -> min-max (c - 1) / 2 -> 1, .5, 0, 0
    # trapezoid, dx = 1: (1 + .5)/2 + (.5 + 0)/2 + (0 + 0)/2 = 1.0; 4 distinct objects -> 25%
    v = values(cup_records())
    assert v["dist_bias_full"] == pytest.approx(1.0)
    assert v["dist_bias_norm_full"] == pytest.approx(25.0)
    # fewer images than m: the one subsample is the whole run, so the headline is the same number
    assert v["dist_bias"] == pytest.approx(1.0)
    assert v["dist_bias_norm"] == pytest.approx(25.0)


def test_fixed_m_distribution_bias_by_hand():
    # m = 2 of the 4 cup captions; added {man, table}, {woman, table}, {man, sitting, table}, {}
    # pair (1,2): man 1, table 2, woman 1 -> sorted 2,1,1 -> 1,0,0 -> area .5  (k 3)
    # (1,3): man 2, table 2, sitting 1 -> 1,1,0 -> 1.5 (k 3);  (1,4): man 1, table 1 -> all 1 -> 1 (k 2)
    # (2,3): table 2, woman, man, sitting 1 -> 1,0,0,0 -> .5 (k 4);  (2,4): 1 (k 2);  (3,4): 1,1,1 -> 2 (k 3)
    # B_D at 2 images = mean over the 6 pairs = 6.5 / 6; normalised: mean of 100 B_D / k
    added = get_format("t2i").columns(cup_records())["added"]
    exact = 6.5 / 6
    exact_norm = 100 * (0.5 / 3 + 1.5 / 3 + 1 / 2 + 0.5 / 4 + 1 / 2 + 2 / 3) / 6
    # 20,000 random pairs: the pairs' B_D has sd .53, so the Monte Carlo error is .004 (tolerance 5x)
    assert float(fixed_m_dist_bias(added, 2, subsamples=20_000)) == pytest.approx(exact, abs=0.02)
    assert float(fixed_m_dist_bias(added, 2, normalised=True, subsamples=20_000)) == pytest.approx(exact_norm, abs=0.4)
    # subsamples are drawn without replacement: no image twice in one
    from fairbench.metrics.t2i import subsample_index

    idx = subsample_index(300, 50)
    assert idx.shape == (1000, 50) and all(len(set(r)) == 50 for r in idx.tolist())
    # at n <= m: no subsampling spread, so no interval; m records what was used
    e = dist_bias_interval(added)
    assert e["value"] == pytest.approx(1.0) and e["ci"] is None and e["m"] == 4


# ---------------------------------------------------------------- B_D and the number of images


def _zipf_images(n, rng, objects=40, per_image=3):
    """(n, 3) added-object ids: 3 distinct objects per image, Zipf (1/rank) over 40 (bench/t2i_size.py)."""
    p = 1.0 / np.arange(1, objects + 1)
    g = rng.gumbel(size=(n, objects)) + np.log(p / p.sum())
    return np.argpartition(-g, per_image, axis=1)[:, :per_image].astype(np.int32)


def test_fixed_m_distribution_bias_does_not_drift_with_run_size():
    # 60 independent runs of 60, 300 and 1,500 images from one distribution. dist_bias (m = 50) is
    # the mean over 50-image subsamples: unbiased for the mean B_D of 50 images at any n, so the
    # three means may differ only by noise. Measured here, the standard errors of the means are
    # B_D .074 / .028 / .015, normalised .21 / .084 / .041 at n = 60 / 300 / 1,500, so the largest
    # difference (60 vs 1,500) has an SE of .075 (B_D) and .22 (normalised): the tolerances .25 and
    # .75 are about 3.4 SE, and 7% of the value. Measured spreads: .04 and .13. The full-run value
    # fails the same check (here B_D 3.94 / 4.16 / 3.75, spread .41; normalised 11.2 / 10.4 / 9.4,
    # spread 1.9; bench/t2i_size.py over 200 runs: 3.89 / 4.24 / 3.78 and 11.2 / 10.5 / 9.4).
    rng = np.random.default_rng(2024)
    runs = {n: [{"added": _zipf_images(n, rng)} for _ in range(60)] for n in (60, 300, 1500)}

    def means(metric):
        vals = {n: np.array([metric(c) for c in cs]) for n, cs in runs.items()}
        return {n: v.mean() for n, v in vals.items()}, {n: v.std(ddof=1) / np.sqrt(len(v)) for n, v in vals.items()}

    def spread(mu):
        return max(mu.values()) - min(mu.values())

    for name, full_name, tol in (("dist_bias", "dist_bias_full", 0.25), ("dist_bias_norm", "dist_bias_norm_full", 0.75)):
        mu, se = means(M[name])
        assert spread(mu) < tol, (name, mu)
        assert se[60] < tol / 3, (name, se)  # the tolerance is several standard errors wide
        full, _ = means(M[full_name])
        assert spread(full) > tol, (full_name, full)  # the paper's full-run value does not agree
    full_norm, _ = means(M["dist_bias_norm_full"])
    assert full_norm[60] > full_norm[300] > full_norm[1500]  # normalised: falls as the run grows


def test_fixed_m_interval_is_centred_and_covers():
    from fairbench.metrics.t2i import DIST_BIAS_NORM_FULL

    rng = np.random.default_rng(7)
    # the target: the mean B_D of fresh 50-image runs (20,000 of them: SE .004 / .013)
    fresh = _zipf_images(BD_IMAGES * 20_000, rng).reshape(20_000, BD_IMAGES, 3)
    fb, fk = distribution_bias(object_counts_of(fresh))
    target = {False: fb.mean(), True: (100 * fb / fk).mean()}

    def above(v, ci):  # share of the interval above the estimate (0.5: centred)
        return (ci[1] - v) / (ci[1] - ci[0])

    old_above = []
    for n in (60, 300):
        covered = {False: 0, True: 0}
        for r in range(200):
            a = _zipf_images(n, rng)
            for norm in (False, True):
                e = dist_bias_interval(a, normalised=norm)
                lo, hi = e["ci"]
                covered[norm] += lo <= target[norm] <= hi
                # measured over 40 runs of each n: .47-.61; a third to two thirds means the longer
                # arm of the interval is at most twice the shorter
                assert 1 / 3 < above(e["value"], e["ci"]) < 2 / 3, (n, norm, e)
            if n == 60 and r < 20:  # the item bootstrap the full-run value used to get
                v = M["dist_bias_norm_full"]({"added": a})
                old_above.append(above(v, bootstrap_ci(DIST_BIAS_NORM_FULL, {"added": a}, iters=1000, seed=0)))
        # measured (bench/t2i_size.py, 200 runs): .93 / .96 at 60, .94 / .97 at 300 for B_D / normalised;
        # 200 runs give a binomial SE of .016, so [.88, .99] is 3-4 SE around the nominal .95
        for norm in (False, True):
            assert 0.88 <= covered[norm] / 200 <= 0.99, (n, norm, covered)
    # the old interval sat almost entirely above the estimate (measured median .88 at 60 images)
    assert np.median(old_above) > 0.75


def object_counts_of(added):
    from fairbench.metrics.t2i import object_counts

    return object_counts(added)


def test_paired_delta_uses_the_same_subsamples():
    rng = np.random.default_rng(3)
    a, b = _zipf_images(300, rng), _zipf_images(300, rng)
    same, ci = paired_dist_bias_delta(a, a)
    assert same == 0.0 and ci == (0.0, 0.0)
    delta, ci = paired_dist_bias_delta(a, b)
    # the same subsamples on both sides: the mean difference is the difference of the values
    assert delta == pytest.approx(M["dist_bias"]({"added": b}) - M["dist_bias"]({"added": a}))
    assert ci[0] <= delta <= ci[1]


def test_distribution_bias_edge_cases():
    # all counts equal: all normalised to 1, area = k - 1
    assert float(distribution_bias(np.array([2, 2, 0, 2]))[0]) == pytest.approx(2.0)
    # one object, or none: a single point has no area
    assert float(distribution_bias(np.array([5, 0]))[0]) == 0.0
    assert float(distribution_bias(np.array([0, 0]))[0]) == 0.0
    # the min is the smallest count of an object that appears, not 0: 4,2 -> 1,0 -> .5
    assert float(distribution_bias(np.array([0, 4, 2]))[0]) == pytest.approx(0.5)
    none = [t2i_record(CUP, "a person holding a cup", CUP_SUBJECTS)] * 2
    v = values(none)
    assert v["dist_bias"] == 0.0 and math.isnan(v["dist_bias_norm"])


def test_jaccard_added_and_omission_rates_by_hand():
    # per caption: |I & O|, |I | O| -> H_J terms 1 - 2/5, 1 - 1/5, 1 - 0/6, 1 - 3/3 = .6, .8, 1, 0
    # added |O - I| / |O|: 2/4, 2/3, 3/3, 0/3; omission |I - O| / |I|: 1/3, 2/3, 3/3, 0/3
    v = values(cup_records())
    assert v["jaccard_halluc"] == pytest.approx(100 * (0.6 + 0.8 + 1 + 0) / 4)
    assert v["added_rate"] == pytest.approx(100 * (2 / 4 + 2 / 3 + 1 + 0) / 4)
    assert v["omission_rate"] == pytest.approx(100 * (1 / 3 + 2 / 3 + 1 + 0) / 4)


def test_miss_rate_counts_only_checked_images():
    # misses True, False, (unchecked), False -> 1 of 3
    assert values(cup_records())["miss_rate"] == pytest.approx(100 / 3)
    assert math.isnan(values(cup_records(miss=(None,) * 4))["miss_rate"])


def test_male_share_among_single_gender_captions():
    # genders: male, female, male, none -> 2 of 3
    assert values(cup_records())["male_share"] == pytest.approx(200 / 3)
    assert M["male_share"].badness(60.0) == pytest.approx(10.0)


def test_object_jsd_by_hand():
    # group A adds {x}, {x}; group B adds {x}, {y} (x = lamp, y = broom): pooled x 3, y 1 -> q = (.75, .25)
    # A: p = (1, 0), m = (.875, .125): KL(p|m) = log2(1/.875) = .19265,
    #    KL(q|m) = .75 log2(.75/.875) + .25 log2(.25/.125) = .08321 -> JSD .13793
    # B: p = (.5, .5), m = (.625, .375): KL(p|m) = .04655, KL(q|m) = .05103 -> JSD .04879
    # mean (.13793 + .04879) / 2 = .09336 bits -> 9.336
    prompt = "a picture of a {} house"
    recs = [t2i_record(prompt.format(g), cap, ["house"], group=g)
            for g, cap in [("A", "a house with a lamp"), ("A", "lamp house"), ("B", "house lamp"), ("B", "a broom house")]]
    assert values(recs)["object_jsd"] == pytest.approx(9.336, abs=1e-3)
    rep = object_report(recs)
    assert rep["groups"]["A"]["top"] == [["lamp", 1.0]]
    assert rep["groups"]["A"]["jsd_bits"] == pytest.approx(0.13793, abs=1e-4)
    assert rep["groups"]["B"]["jsd_bits"] == pytest.approx(0.04879, abs=1e-4)
    assert rep["top"] == [["lamp", 0.75], ["broom", 0.25]]
    # one group only: no divergence to speak of
    assert math.isnan(values(recs[:2])["object_jsd"])


def test_metrics_reduce_resamples_like_one_at_a_time():
    # the bootstrap hands 2-D index-resampled columns; each row must score as its own sample
    recs = cup_records() + [t2i_record("a picture of a Dalit priest", "a man in a temple", ["priest"], group="Dalit"),
                            t2i_record("a picture of a Jain priest", "a woman at a temple door", ["priest"], group="Jain")]
    cols = get_format("t2i").columns(recs)
    idx = np.random.default_rng(0).integers(0, len(recs), size=(25, len(recs)))
    for m in get_format("t2i").metrics:
        with np.errstate(divide="ignore", invalid="ignore"):
            batched = np.asarray(m.fn({k: cols[k][idx] for k in m.needs}), dtype=float)
            one = np.array([m.fn({k: cols[k][i] for k in m.needs}) for i in idx], dtype=float)
        assert batched.shape == (25,), m.name
        np.testing.assert_allclose(batched, one, err_msg=m.name, equal_nan=True)
    lo, hi = bootstrap_ci(M["jaccard_halluc"], cols, iters=200, seed=1)
    assert 0 <= lo <= M["jaccard_halluc"](cols) <= hi <= 100


def test_vocab_names_match_column_ids():
    recs = cup_records()
    cols, vocab = get_format("t2i").columns(recs), t2i_vocab(recs)
    assert cols["added"].shape == (4, 3)
    assert sorted(vocab[i] for i in cols["added"][2] if i >= 0) == ["man", "sitting", "table"]
    assert list(cols["added"][3]) == [-1, -1, -1]


def test_format_is_registered_with_headline_first():
    assert get_format("t2i").metrics[0].name == "dist_bias"
    assert get_format("t2i").metric("miss_rate").direction == "lower"
    out = evaluate(get_format("t2i").metrics, get_format("t2i").columns(cup_records()), ["d"] * 4, iters=50)
    assert out["metrics"]["dist_bias"]["value"] == pytest.approx(1.0)
    assert get_format("t2i").metric("dist_bias_full").direction == "info"  # depends on n: not ranked
    assert out["groups"]["d"]["metrics"]["object_jsd"]["value"] is None


# ---------------------------------------------------------------- prompt sets


def test_prompt_sets_are_complete_and_consistent():
    from fairbench.metrics.t2i import load_synonyms
    from fairbench.t2i import load_prompts

    syn = load_synonyms()
    sizes = {}
    for name in ("t2i_objects", "t2i_occupations", "t2i_identity"):
        ps = load_prompts(name)
        sizes[name] = len(ps.rows)
        assert len({r["id"] for r in ps.rows}) == len(ps.rows)
        for r in ps.rows:
            assert set(r["objects"]) <= prompt_objects(r["prompt"]), r
            assert all(s in syn for s in r["objects"]), r
    assert sizes == {"t2i_objects": 300, "t2i_occupations": 120, "t2i_identity": 156}
    groups = {r["group"] for r in load_prompts("t2i_identity").rows}
    assert {"Brahmin", "Dalit", "Jatav", "Yadav", "Rajput", "Adivasi", "Hindu", "Muslim", "Christian", "Sikh",
            "Buddhist", "Jain", "Parsi"} == groups
    assert load_prompts("t2i_identity").by == "group" and load_prompts("t2i_objects").by == "domain"


# ---------------------------------------------------------------- scoring captions (no models)


def t2i_parser():
    from fairbench.t2i.cli import add_parser

    p = argparse.ArgumentParser(prog="fairbench")
    add_parser(p.add_subparsers(dest="command", required=True))
    return p


def recomputed(path: Path, task: str) -> dict:
    res = load_results(path)
    recs = [r["record"] for r in load_samples(path, res) if r["task"] == task]
    cols = get_format(res["tasks"][task]["format"]).columns(recs)
    with np.errstate(divide="ignore", invalid="ignore"):
        return {m.name: m(cols) for m in get_format("t2i").metrics}


def test_score_command_on_identity_captions(tmp_path, capsys):
    caps = tmp_path / "caps.jsonl"
    lines = [{"prompt": "a picture of a Dalit family at home", "caption": "a family sitting on a broom"},
             {"prompt": "a picture of a Dalit family at home", "caption": "a man with a broom and a bucket"},
             {"prompt": "a picture of a Brahmin family at home", "caption": "a family in a temple with a lamp"},
             {"prompt": "a picture of a Brahmin family at home", "caption": "a house with a temple", "miss": True}]
    caps.write_text("".join(json.dumps(l) + "\n" for l in lines))
    args = t2i_parser().parse_args(["t2i", "score", "--captions", str(caps), "--task", "t2i_identity",
                                    "--output", str(tmp_path / "out"), "--bootstrap-iters", "100"])
    assert args.fn(args) == 0
    printed = capsys.readouterr().out
    assert "Dalit: broom 40%" in printed  # 2 of its 5 added objects
    (path,) = (tmp_path / "out").glob("*.json")
    res = load_results(path)
    task = res["tasks"]["t2i_identity"]
    assert res["status"] == "complete" and res["model"]["kind"] == "captions"
    assert task["format"] == "t2i" and task["by"] == "group" and task["n"] == 4
    assert set(task["groups"]) == {"Brahmin", "Dalit"}
    # rows took their ids and subjects from the shipped prompt set; two images per prompt
    rows = load_samples(path, res)
    assert [r["id"] for r in rows] == ["t2i_identity-0013#0", "t2i_identity-0013#1",
                                       "t2i_identity-0001#0", "t2i_identity-0001#1"]
    # "house" is a synonym of the subject "home": Brahmin's 2nd caption adds only "temple"
    assert rows[3]["record"]["output_objects"] == ["home", "temple"]
    # Dalit adds broom 2, sitting 1, man 1, bucket 1; Brahmin temple 2, lamp 1 -> pooled 8 objects
    assert task["objects"]["groups"]["Dalit"]["top"][0] == ["broom", pytest.approx(0.4)]
    assert task["metrics"]["miss_rate"]["value"] == pytest.approx(100.0)  # the only checked image
    # the gate and leaderboard recompute every metric from the samples file
    again = recomputed(path, "t2i_identity")
    for name, m in task["metrics"].items():
        if m["value"] is None:
            assert math.isnan(again[name])
        else:
            assert again[name] == pytest.approx(m["value"]), name
    assert task["metrics"]["object_jsd"]["value"] > 0


def test_score_coco_captions_for_a_target(tmp_path):
    from fairbench.t2i import score_captions

    coco = tmp_path / "captions_val.json"
    coco.write_text(json.dumps({"images": [], "annotations": [
        {"image_id": 1, "id": 10, "caption": "A dog on a couch."},
        {"image_id": 1, "id": 11, "caption": "a puppy sleeping on a sofa"},
        {"image_id": 2, "id": 12, "caption": "a cat near a window"},
    ]}))
    path = score_captions(coco, target="dog", output=tmp_path / "out", bootstrap_iters=50)
    task = load_results(path)["tasks"]["t2i_captions"]
    # kept: the two dog captions (puppy -> dog); I = {dog}; O = {dog, couch}, {dog, sleeping, sofa}
    # H_J = 1 - 1/2 and 1 - 1/3; added couch, sleeping, sofa once each -> all 1 -> B_D = 2
    assert task["n"] == 2
    assert task["metrics"]["jaccard_halluc"]["value"] == pytest.approx(100 * (0.5 + 2 / 3) / 2)
    assert task["metrics"]["dist_bias"]["value"] == pytest.approx(2.0)
    with pytest.raises(Exception, match="no caption names"):
        score_captions(coco, target="elephant", output=tmp_path / "out")


def test_bad_inputs_are_user_errors(tmp_path):
    from fairbench.errors import UserError
    from fairbench.t2i import resolve_diffusers, score_captions

    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"prompt": "a picture of a cat"}\n')
    with pytest.raises(UserError, match="no 'caption'"):
        score_captions(bad, output=tmp_path)
    with pytest.raises(UserError, match="diffusers:PATH_OR_ID"):
        resolve_diffusers("hf:pretrained=x")
    with pytest.raises(UserError, match="allow-download"):
        resolve_diffusers("diffusers:someone/some-model")
    (tmp_path / "empty").mkdir()
    with pytest.raises(UserError, match="model_index.json"):
        resolve_diffusers(f"diffusers:{tmp_path / 'empty'}")


def test_score_rows_subsamples_b_d_and_records_m():
    from fairbench.t2i.score import score_rows

    rng = np.random.default_rng(11)
    words = np.array([f"thing{i}" for i in range(40)])
    ids = _zipf_images(120, rng)
    rows = [{"task": "t", "id": str(i), "group": "AB"[i % 3 == 0], "domain": "",
             "record": t2i_record("a picture of a cup", " ".join(["a cup with", *words[r]]), ["cup"], group="AB"[i % 3 == 0])}
            for i, r in enumerate(ids)]
    entry = score_rows("t", rows, by="group", data={}, iters=200)
    bd = entry["metrics"]["dist_bias"]
    assert list(entry["metrics"])[:4] == ["dist_bias", "dist_bias_norm", "dist_bias_full", "dist_bias_norm_full"]
    assert bd["m"] == BD_IMAGES and bd["n"] == 120 and bd["subsamples"] == 1000 and "subsamples" in bd["interval"]
    assert bd["ci"][0] < bd["value"] < bd["ci"][1] and bd["direction"] == "lower"
    full = entry["metrics"]["dist_bias_full"]
    assert full["ci"] is None and full["direction"] == "info"
    # what the gate checks: the registered metric recomputes the reported value from the samples
    cols = get_format("t2i").columns([r["record"] for r in rows])
    for name in ("dist_bias", "dist_bias_norm", "dist_bias_full", "jaccard_halluc"):
        assert M[name](cols) == pytest.approx(entry["metrics"][name]["value"], rel=1e-9), name
    # groups of 80 and 40 images: both at half the smaller size, so they compare and both subsample
    assert {g: v["n"] for g, v in entry["groups"].items()} == {"A": 80, "B": 40}
    for g in "AB":
        e = entry["groups"][g]["metrics"]["dist_bias"]
        assert e["m"] == 20 and e["ci"][0] < e["value"] < e["ci"][1], (g, e)
    assert entry["groups"]["A"]["metrics"]["jaccard_halluc"]["ci"] is not None  # the rest: item bootstrap
    assert score_rows("t", rows, by="group", data={}, iters=50, bd_images=30)["metrics"]["dist_bias"]["m"] == 30


def test_bootstrap_is_capped_for_huge_runs():
    from fairbench.t2i.score import affordable_iters

    assert affordable_iters({"added": np.zeros((600, 10), np.int32)}, 1000) == 1000
    assert affordable_iters({"added": np.zeros((2_000_000, 10), np.int32)}, 1000) < 20


# ---------------------------------------------------------------- tiny models, end to end


def _bytes_to_unicode() -> list[str]:
    # GPT-2/CLIP byte-level alphabet: printable bytes map to themselves, the rest above 255
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))
    cs = bs[:]
    extra = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + extra)
            extra += 1
    return [chr(c) for c in cs]


def _clip_tokenizer(folder: Path):
    from transformers import CLIPTokenizer

    chars = _bytes_to_unicode()
    merges = ["p i", "pi c", "t u", "r e</w>", "o f</w>"]
    vocab: dict[str, int] = {}
    for tok in chars + [c + "</w>" for c in chars] + [m.replace(" ", "") for m in merges]:
        vocab.setdefault(tok, len(vocab))
    vocab["<|startoftext|>"] = len(vocab)
    vocab["<|endoftext|>"] = len(vocab)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "vocab.json").write_text(json.dumps(vocab))
    (folder / "merges.txt").write_text("#version: 0.2\n" + "\n".join(merges) + "\n")
    return CLIPTokenizer.from_pretrained(str(folder), model_max_length=16)


def _tiny_text(tok) -> dict:
    return dict(vocab_size=len(tok), hidden_size=32, intermediate_size=37, num_hidden_layers=2, num_attention_heads=4,
                max_position_embeddings=16, bos_token_id=tok.bos_token_id, eos_token_id=tok.eos_token_id,
                pad_token_id=tok.pad_token_id)


def _tiny_vision() -> dict:
    return dict(hidden_size=32, intermediate_size=37, num_hidden_layers=2, num_attention_heads=4, image_size=32, patch_size=8)


@pytest.fixture(scope="module")
def tiny_models(tmp_path_factory):
    pytest.importorskip("diffusers", reason="diffusers is not installed (pip install 'fairbench[t2i]')")
    import torch
    from diffusers import AutoencoderKL, DDIMScheduler, StableDiffusionPipeline, UNet2DConditionModel
    from transformers import (BertTokenizer, BlipConfig, BlipForConditionalGeneration, BlipImageProcessor, BlipProcessor,
                              CLIPConfig, CLIPImageProcessor, CLIPModel, CLIPProcessor, CLIPTextConfig, CLIPTextModel)

    root = tmp_path_factory.mktemp("t2i_models")
    torch.manual_seed(0)
    tok = _clip_tokenizer(root / "tok")
    unet = UNet2DConditionModel(block_out_channels=(32, 64), layers_per_block=1, sample_size=16, in_channels=4,
                                out_channels=4, down_block_types=("DownBlock2D", "CrossAttnDownBlock2D"),
                                up_block_types=("CrossAttnUpBlock2D", "UpBlock2D"), cross_attention_dim=32)
    vae = AutoencoderKL(block_out_channels=[32, 64], in_channels=3, out_channels=3, latent_channels=4,
                        down_block_types=["DownEncoderBlock2D"] * 2, up_block_types=["UpDecoderBlock2D"] * 2)
    sched = DDIMScheduler(beta_start=0.00085, beta_end=0.012, beta_schedule="scaled_linear", clip_sample=False,
                          set_alpha_to_one=False, steps_offset=1)
    pipe = StableDiffusionPipeline(vae=vae, text_encoder=CLIPTextModel(CLIPTextConfig(**_tiny_text(tok), projection_dim=32)),
                                   tokenizer=tok, unet=unet, scheduler=sched, safety_checker=None, feature_extractor=None,
                                   requires_safety_checker=False)
    pipe.save_pretrained(root / "pipe")

    words = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "[DEC]", "a", "man", "woman", "riding", "bike", "dog", "on",
             "the", "road", "cup", "tree", "house", "family", "temple", "broom", "priest", "lamp", "book"]
    (root / "blip").mkdir()
    (root / "blip" / "vocab.txt").write_text("\n".join(words) + "\n")
    btok = BertTokenizer(str(root / "blip" / "vocab.txt"), bos_token="[DEC]", model_max_length=32)
    bcfg = BlipConfig(text_config=dict(vocab_size=len(words), hidden_size=32, intermediate_size=37, num_hidden_layers=2,
                                       num_attention_heads=4, max_position_embeddings=32, bos_token_id=5, pad_token_id=0,
                                       sep_token_id=3, eos_token_id=3, encoder_hidden_size=32),
                      vision_config=_tiny_vision(), projection_dim=32)
    BlipForConditionalGeneration(bcfg).save_pretrained(root / "blip")
    BlipProcessor(image_processor=BlipImageProcessor(size={"height": 32, "width": 32}), tokenizer=btok).save_pretrained(root / "blip")

    ctok = _clip_tokenizer(root / "clip")
    ccfg = CLIPConfig(text_config=_tiny_text(ctok), vision_config=_tiny_vision(), projection_dim=32)
    CLIPModel(ccfg).save_pretrained(root / "clip")
    CLIPProcessor(image_processor=CLIPImageProcessor(size={"shortest_edge": 32}, crop_size={"height": 32, "width": 32}),
                  tokenizer=ctok).save_pretrained(root / "clip")
    return root


def test_generated_images_do_not_depend_on_batch_size(tiny_models):
    from fairbench.t2i import generate, load_pipeline

    pipe = load_pipeline(str(tiny_models / "pipe"))
    prompts = ["a picture of a person looking at a dog", "a picture of a Sikh priest", "a picture of a cup"]
    one = generate(pipe, prompts, images_per_prompt=2, batch_size=1, seed=7, steps=2)
    three = generate(pipe, prompts, images_per_prompt=2, batch_size=3, seed=7, steps=2)
    assert len(one) == len(three) == 6 and one[0].size == (32, 32)
    a, b = (np.stack([np.asarray(i, dtype=float) for i in imgs]) for imgs in (one, three))
    assert np.abs(a - b).max() <= 2  # same seeds per image; batching only moves rounding
    assert np.abs(a[0] - a[1]).mean() > 1  # two images of one prompt differ


def test_run_model_end_to_end_on_tiny_models(tiny_models, tmp_path):
    from fairbench.t2i import T2IOptions, run_model

    out = tmp_path / "out"
    path = run_model(f"diffusers:{tiny_models / 'pipe'}", ["t2i_objects", "t2i_identity", "t2i_occupations"],
                     output=out, captioner=str(tiny_models / "blip"), clip=str(tiny_models / "clip"), batch_size=2,
                     limit=3, seed=3, device="cpu", steps=2, options=T2IOptions(bootstrap_iters=50))
    res = load_results(path)
    assert res["status"] == "complete" and res["schema_version"] == 1 and res["mitigation"] is None
    assert res["model"]["kind"] == "diffusers" and res["model"]["hash_of"] == "weights"
    assert len(res["model"]["sha256"]) == 64
    assert res["settings"]["steps"] == 2 and res["settings"]["images_per_prompt"] == 2
    assert list(res["tasks"]) == ["t2i_objects", "t2i_identity", "t2i_occupations"]
    rows = load_samples(path, res)
    assert len(rows) == 3 * 3 * 2
    ident = res["tasks"]["t2i_identity"]
    assert ident["by"] == "group" and set(ident["groups"]) == {"Brahmin"}  # first 3 prompts: Brahmin
    assert ident["data"]["n_rows"] == 156 and len(ident["data"]["sha256"]) == 64
    for r in rows:
        rec = r["record"]
        assert (out / rec["image"]).is_file()
        assert rec["miss"] in (True, False) and len(rec["clip"]) == 2
        assert rec["miss"] == (rec["clip"][1] > rec["clip"][0])
        assert set(rec["caption"].split()) <= {"a", "man", "woman", "riding", "bike", "dog", "on", "the", "road", "cup",
                                               "tree", "house", "family", "temple", "broom", "priest", "lamp", "book"}
    inspect = [json.loads(l) for l in (out / res["run_id"] / "t2i_objects" / "captions.jsonl").read_text().splitlines()]
    assert [i["caption"] for i in inspect] == [r["record"]["caption"] for r in rows if r["task"] == "t2i_objects"]
    for name, task in res["tasks"].items():
        again = recomputed(path, name)
        assert task["n"] == 6 and task["headline"] == "dist_bias"
        assert again["miss_rate"] == pytest.approx(task["metrics"]["miss_rate"]["value"])
        assert again["jaccard_halluc"] == pytest.approx(task["metrics"]["jaccard_halluc"]["value"])


def test_gate_recomputes_b_d_at_the_runs_own_number_of_images(tmp_path):
    """A run scored with --bd-images 3 is gated at m = 3: at the default m it would not
    reproduce its own reported value and the gate would call the files unrelated."""
    from fairbench.gate import compare, load_policy

    caps = tmp_path / "caps.jsonl"
    objs = ["broom", "bucket", "temple", "lamp", "cow", "book"]
    lines = [{"prompt": f"a picture of a {g} family at home", "caption": f"a family with a {objs[i % 6]} and a {objs[(i + 2) % 6]}"}
             for i, g in enumerate(["Dalit", "Brahmin"] * 4)]
    caps.write_text("".join(json.dumps(l) + "\n" for l in lines))
    args = t2i_parser().parse_args(["t2i", "score", "--captions", str(caps), "--task", "t2i_identity",
                                    "--output", str(tmp_path / "out"), "--bootstrap-iters", "50", "--bd-images", "3"])
    assert args.fn(args) == 0
    (path,) = (tmp_path / "out").glob("*.json")
    assert load_results(path)["tasks"]["t2i_identity"]["metrics"]["dist_bias"]["m"] == 3
    policy = tmp_path / "p.yaml"
    policy.write_text("tasks:\n  t2i_identity:\n    dist_bias: {}\n")
    (r,) = compare(path, path, policy=load_policy(policy), iters=50).results
    assert r.delta == 0.0 and r.verdict == "pass"


def _interrupt_on_call(monkeypatch, module, name: str, n: int) -> None:
    """``module.name`` raises KeyboardInterrupt on its n-th call (Ctrl-C there), runs otherwise."""
    real, calls = getattr(module, name), []

    def wrapped(*a, **k):
        calls.append(1)
        if len(calls) == n:
            raise KeyboardInterrupt
        return real(*a, **k)

    monkeypatch.setattr(module, name, wrapped)


def _fairbench_lines(capsys) -> list[str]:
    return [l for l in capsys.readouterr().err.splitlines() if l.startswith("fairbench:")]


def test_interrupted_t2i_run_keeps_finished_tasks(tiny_models, tmp_path, monkeypatch, capsys):
    """Ctrl-C while the second task is scored (issue #14): exit 130, one line naming the kept task
    and the file, which parses, stays incomplete and holds only that task; no temporary file."""
    import fairbench.t2i.score as t2i_score
    from fairbench.cli import main

    _interrupt_on_call(monkeypatch, t2i_score, "score_rows", 2)
    out = tmp_path / "out"
    code = main(["t2i", "run", "--model", f"diffusers:{tiny_models / 'pipe'}", "--tasks", "t2i_objects,t2i_identity",
                 "--captioner", str(tiny_models / "blip"), "--clip", "none", "--output", str(out), "--device", "cpu",
                 "--batch-size", "2", "--limit", "2", "--steps", "2", "--bootstrap-iters", "20", "--no-images"])
    (path,) = out.glob("*.json")
    assert code == 130
    assert _fairbench_lines(capsys) == [f"fairbench: interrupted; 1 finished task(s) (t2i_objects) kept in {path} "
                                        "(status incomplete)"]
    json.loads(path.read_text())
    res = load_results(path)
    assert res["status"] == "incomplete" and list(res["tasks"]) == ["t2i_objects"]
    assert len(load_samples(path, res)) == 2 * 2
    assert not list(out.rglob(".*.tmp"))


@pytest.mark.parametrize("where, n, kept", [("score_rows", 1, None), ("finish", 1, "t2i_identity")])
def test_interrupted_t2i_score_says_what_it_kept(tmp_path, monkeypatch, capsys, where, n, kept):
    """Ctrl-C while the captions are scored leaves the claimed file with the settings only, and
    after the task was written keeps it; either way exit 130, one line, status incomplete."""
    import fairbench.results as results
    import fairbench.t2i.score as t2i_score
    from fairbench.cli import main

    _interrupt_on_call(monkeypatch, t2i_score if where == "score_rows" else results.RunWriter, where, n)
    caps = tmp_path / "caps.jsonl"
    caps.write_text("".join(json.dumps({"prompt": f"a picture of a {g} family at home", "caption": c}) + "\n"
                            for g, c in [("Dalit", "a family with a broom"), ("Brahmin", "a family in a temple")]))
    out = tmp_path / "out"
    code = main(["t2i", "score", "--captions", str(caps), "--task", "t2i_identity", "--output", str(out),
                 "--bootstrap-iters", "20"])
    (path,) = out.glob("*.json")
    assert code == 130
    what = (f"1 finished task(s) ({kept}) kept in {path}" if kept
            else f"no task had finished; {path} holds the run's settings only")
    assert _fairbench_lines(capsys) == [f"fairbench: interrupted; {what} (status incomplete)"]
    json.loads(path.read_text())
    res = load_results(path)
    assert res["status"] == "incomplete" and list(res["tasks"]) == ([kept] if kept else [])
    assert len(load_samples(path, res)) == (2 if kept else 0)
    assert not list(out.glob(".*.tmp"))
