"""BiasLens: CAV conventions, a constructed case with a known answer, the SAE cache, the results
file contract, and bad input. A tiny random Llama and a tiny SAE keep it to seconds."""

from __future__ import annotations

import json

import numpy as np
import pytest

from fairbench.errors import UserError
from fairbench.lens import cav as cavs
from fairbench.lens.score import bias, build_space, cosine, sae_concept, score_triple
from fairbench.lens.concepts import Triple

D = 24


def _cluster(rng, center, n=40, noise=0.3):
    return center + noise * rng.normal(size=(n, len(center)))


def _synthetic(seed=0):
    """Neutral activations around 0; r1 and r2 along their own directions; the target shares
    most of r1's direction and none of r2's, so the answer is known: bias > 0."""
    rng = np.random.default_rng(seed)
    e = np.eye(D)
    neutral = rng.normal(scale=0.3, size=(80, D))
    pos = {
        "r1": _cluster(rng, 2.0 * e[0]),
        "r2": _cluster(rng, 2.0 * e[1]),
        "t": _cluster(rng, 2.0 * (0.8 * e[0] + 0.6 * e[2])),
    }
    return pos, neutral


# ------------------------------------------------------------------------------ CAVs


def test_cav_is_unit_norm_and_points_towards_the_concept():
    rng = np.random.default_rng(1)
    neg = rng.normal(size=(60, D))
    pos = rng.normal(size=(60, D))
    pos[:, 5] += 2.5
    v = cavs.fit_cav(pos, neg, scale=cavs.layer_scale(neg))
    assert np.linalg.norm(v) == pytest.approx(1.0, abs=1e-9)
    assert int(np.argmax(np.abs(v))) == 5
    assert v[5] > 0  # towards the concept, not away from it
    # the concept's examples project higher on the CAV than the neutral ones
    assert (pos @ v).mean() > (neg @ v).mean() + 1.0


def test_scaling_the_features_leaves_the_cav_direction_unchanged():
    rng = np.random.default_rng(2)
    neg, pos = rng.normal(size=(50, D)), rng.normal(size=(50, D)) + 1.0
    a = cavs.fit_cav(pos, neg, scale=1.0)
    b = cavs.fit_cav(pos * 7.0, neg * 7.0, scale=1.0 / 7.0)
    assert np.allclose(a, b, atol=1e-6)


def test_layer_selection_picks_the_layer_where_probes_generalise():
    rng = np.random.default_rng(3)
    n_layers, m = 3, 80
    neutral = rng.normal(size=(m, n_layers, D))
    concepts = {}
    for k in range(4):
        X = rng.normal(size=(40, n_layers, D))
        X[:, 1, k] += 3.0  # separable only at layer 1
        concepts[f"c{k}"] = X
    choice = cavs.select_layer(concepts, neutral, [0, 1, 2], seed=0)
    assert choice.layer == 1
    assert choice.accuracy_at(1) > 0.9 > max(choice.accuracy_at(0), choice.accuracy_at(2))
    assert set(choice.by_concept) == set(concepts)
    assert cavs.LayerChoice.from_dict(json.loads(json.dumps(choice.to_dict()))).layer == 1


# ------------------------------------------------------------------------------ the score


def test_constructed_case_gives_positive_bias_and_swapping_refs_flips_the_sign():
    pos, neutral = _synthetic()
    # SAE-like latents: nonnegative codes that mirror the construction (t shares r1's latent 0)
    def z(x):
        return np.clip(x, 0.0, None)

    space = build_space(pos, neutral, layer=0, boot=30, seed=0, z_pos={k: z(v) for k, v in pos.items()},
                        z_neutral=z(neutral), top_k=4)
    fwd = score_triple(space, Triple("x", "t", "r1", "r2"))
    rev = score_triple(space, Triple("y", "t", "r2", "r1"))
    for s in ("cav", "sae"):
        assert fwd[f"align_r1_{s}"] > fwd[f"align_r2_{s}"]
        assert fwd[f"bias_{s}"] > 0.2
        assert rev[f"bias_{s}"] == pytest.approx(-fwd[f"bias_{s}"], abs=1e-9)
        # the concept-resampling CI stays on the known side
        assert np.quantile(fwd[f"boot_{s}"], 0.025) > 0
    assert len(fwd["boot_cav"]) == 30


def test_unrelated_target_has_bias_near_zero_and_swap_symmetry():
    rng = np.random.default_rng(4)
    e = np.eye(D)
    neutral = rng.normal(scale=0.3, size=(80, D))
    pos = {"r1": _cluster(rng, 2 * e[0]), "r2": _cluster(rng, 2 * e[1]), "t": _cluster(rng, 2 * e[3])}
    space = build_space(pos, neutral, layer=0, boot=0, seed=0)
    rec = score_triple(space, Triple("x", "t", "r1", "r2"))
    assert abs(rec["bias_cav"]) < 0.15
    assert rec["bias_sae"] is None and rec["boot_sae"] == []


def test_cosine_and_bias_conventions():
    assert float(cosine(np.zeros(3), np.ones(3))) == 0.0
    a1, a2, b = bias(np.array([1.0, 1.0, 0.0]), np.array([1.0, 0.0, 0.0]), np.array([0.0, 0.0, 1.0]))
    assert float(a1) == pytest.approx(2 ** -0.5) and float(a2) == 0.0 and float(b) == pytest.approx(2 ** -0.5)


def test_sae_concept_keeps_only_latents_above_neutral_and_the_top_k():
    zp = np.array([[5.0, 2.0, 0.0, 1.0], [3.0, 2.0, 0.0, 1.0]])
    zn = np.array([[1.0, 1.0, 1.0, 1.0]])
    rep = sae_concept(zp, zn, top_k=2)
    assert rep.tolist() == [3.0, 1.0, 0.0, 0.0]  # latent 2 is below neutral, latent 3 equal


def test_lens_metrics_from_records():
    from fairbench.formats import get_format

    recs = [{"bias_cav": 0.1, "bias_sae": -0.2, "valence": 1}, {"bias_cav": -0.3, "bias_sae": None, "valence": -1}]
    cols = get_format("lens").columns(recs)
    assert get_format("lens").metric("abs_bias_cav")(cols) == pytest.approx(20.0)
    assert get_format("lens").metric("bias_cav")(cols) == pytest.approx(-10.0)
    assert get_format("lens").metric("stereo_cav")(cols) == pytest.approx(20.0)  # (0.1 + 0.3) / 2
    assert np.isnan(get_format("lens").metric("abs_bias_sae")(cols))  # a triple without SAE score
    assert get_format("lens").metrics[0].name == "abs_bias_cav"
    # fn reduces the last axis: a (B, n) stack of resamples gives B values
    stacked = {k: np.stack([v, v]) for k, v in cols.items()}
    assert np.allclose(get_format("lens").metric("bias_cav").fn(stacked), [-10.0, -10.0])


# ------------------------------------------------------------------------------ concepts and input


def test_unknown_concepts_and_bad_refs_are_user_errors():
    from fairbench.lens.concepts import concept, load_battery, parse_refs

    assert concept("DOCTOR", role="target").name == "doctor"
    with pytest.raises(UserError, match="unknown target"):
        concept("astronaut", role="target")
    with pytest.raises(UserError, match="unknown reference"):
        parse_refs("Brahmin,Martian")
    with pytest.raises(UserError, match="exactly two"):
        parse_refs("Brahmin")
    with pytest.raises(UserError, match="same group"):
        parse_refs("Dalit,dalit")
    with pytest.raises(UserError, match="unknown lens task"):
        load_battery("lens_gender")


def test_batteries_have_at_least_30_triples_of_known_concepts():
    from fairbench.lens.concepts import LENS_TASKS, load_battery, load_concepts

    lib = load_concepts()
    for name in LENS_TASKS:
        b = load_battery(name)
        assert len(b.triples) >= 30
        assert len({t.id for t in b.triples}) == len(b.triples)
        for t in b.triples:
            assert lib[t.target].role == "target" and lib[t.r1].role == lib[t.r2].role == "reference"
            assert lib[t.r1].axis == lib[t.r2].axis == b.axis
        assert len(b.sha256) == 64


def test_lens_data_is_what_the_builder_writes():
    import subprocess
    import sys
    from pathlib import Path

    build = Path(__file__).resolve().parents[1] / "data" / "lens" / "build.py"
    assert subprocess.run([sys.executable, str(build), "--check"]).returncode == 0


def test_bad_layer_is_a_user_error(tiny_model_dir):
    from transformers import AutoModelForCausalLM

    from fairbench.lens.activations import check_layer, hook_name, n_layers

    model = AutoModelForCausalLM.from_pretrained(tiny_model_dir)
    assert n_layers(model) == 2 and hook_name(model, 1) == "model.layers.1"
    assert check_layer(model, 1) == 1
    for bad in (2, -1):
        with pytest.raises(UserError, match="out of range"):
            check_layer(model, bad)


def test_last_token_activations_match_the_models_hidden_states(tiny_model_dir):
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    from fairbench.lens.activations import last_token

    model = AutoModelForCausalLM.from_pretrained(tiny_model_dir).eval()
    tok = AutoTokenizer.from_pretrained(tiny_model_dir)
    texts = ["The Dalit family came.", "A Hindu neighbour lives in the house at the end of our street."]
    acts = last_token(model, tok, texts, [0, 1], batch_size=2)  # padded batch, longest first
    with torch.no_grad():
        for i, t in enumerate(texts):
            hs = model(**tok(t, return_tensors="pt"), output_hidden_states=True).hidden_states
            assert np.allclose(acts[i, 0], hs[1][0, -1].numpy(), atol=1e-4)  # block 0 output
    assert acts.shape == (2, 2, model.config.hidden_size)


# ------------------------------------------------------------------------------ SAE


def test_sae_cache_round_trip_keyed_by_model_hash_and_layer(tmp_path, monkeypatch):
    from fairbench.lens import sae as saes

    monkeypatch.setenv("FAIRBENCH_CACHE", str(tmp_path))
    rng = np.random.default_rng(0)
    # sparse data: each row mixes 2 of 24 fixed directions, far from the origin (scale ~50)
    atoms = rng.normal(size=(24, 16))
    codes = np.zeros((800, 24))
    for row in codes:
        row[rng.choice(24, 2, replace=False)] = rng.uniform(1, 3, size=2)
    acts = (50.0 * codes @ atoms).astype(np.float32)
    model, quality = saes.train_sae(acts, opts=saes.SAETraining(expansion=2, k=4, steps=150, batch_tokens=128,
                                                                lr=3e-3), hook="model.layers.1")
    assert quality["l0"] <= 4.0 and quality["d_sae"] == 32
    assert quality["explained_variance"] > 0.5  # sparse structure an SAE can find
    sha_a, sha_b = "a" * 64, "b" * 64
    path = saes.save_cached(model, quality, sha_a, 1)
    assert path == tmp_path / "sae" / ("a" * 32) / "layer1"
    assert saes.load_cached(sha_b, 1) is None  # another model
    assert saes.load_cached(sha_a, 0) is None  # another layer
    loaded, meta = saes.load_cached(sha_a, 1)
    assert meta["explained_variance"] == quality["explained_variance"] and meta["model_sha256"] == sha_a
    assert saes.sae_layer(loaded) == 1
    x = acts[:50]
    assert np.allclose(saes.encode(loaded, x), saes.encode(model, x), atol=1e-5)
    # the folded input scale: the SAE reconstructs raw activations, not scaled ones
    assert saes.measure(loaded, x)["explained_variance"] > 0.5


def test_loading_a_non_sae_folder_or_wrong_width_is_a_user_error(tmp_path):
    from fairbench.lens import sae as saes

    with pytest.raises(UserError, match="not an sae-lens SAE"):
        saes.load_sae(tmp_path)
    acts = np.random.default_rng(0).normal(size=(200, 8)).astype(np.float32)
    model, q = saes.train_sae(acts, opts=saes.SAETraining(expansion=2, k=2, steps=5, batch_tokens=64))
    model.save_model(tmp_path / "s")
    with pytest.raises(UserError, match="16-dim"):
        saes.load_sae(tmp_path / "s", d_model=16)


# ------------------------------------------------------------------------------ end to end


@pytest.fixture(scope="module")
def lens_run(tiny_model_dir, tmp_path_factory):
    import os

    from fairbench.lens.run import run_lens_tasks
    from fairbench.lens.sae import SAETraining
    from fairbench.runner import Settings

    cache = tmp_path_factory.mktemp("fbcache")
    old = os.environ.get("FAIRBENCH_CACHE")
    os.environ["FAIRBENCH_CACHE"] = str(cache)
    try:
        out = tmp_path_factory.mktemp("lens-results")
        path, res = run_lens_tasks(str(tiny_model_dir), ["lens_caste", "lens_religion"], output=out,
                                   settings=Settings(device="cpu", bootstrap_iters=200, limit=12), boot=8,
                                   sae_opts=SAETraining(expansion=2, k=4, steps=20, batch_tokens=128, max_tokens=2000),
                                   log=lambda m: None)
    finally:
        if old is None:
            os.environ.pop("FAIRBENCH_CACHE", None)
        else:
            os.environ["FAIRBENCH_CACHE"] = old
    return path, res, cache


def test_results_file_follows_the_schema_and_samples_reproduce_the_metrics(lens_run):
    from fairbench.formats import get_format
    from fairbench.results import load_results, load_samples

    path, res, _ = lens_run
    data = load_results(path)
    assert data["status"] == "complete" and data["mitigation"] is None and data["schema_version"] == 1
    assert set(data["tasks"]) == {"lens_caste", "lens_religion"}
    rows = load_samples(path, data)
    for name, task in data["tasks"].items():
        assert task["format"] == "lens" and task["by"] == "refs" and task["n"] == 12
        assert task["headline"] == "abs_bias_cav"
        assert len(task["data"]["sha256"]) == 64
        mine = [r for r in rows if r["task"] == name]
        assert len(mine) == 12 and len({r["id"] for r in mine}) == 12
        cols = get_format("lens").columns([r["record"] for r in mine])
        for m in get_format("lens").metrics:
            got = task["metrics"][m.name]
            assert got["direction"] == m.direction and got["unit"] == m.unit
            assert got["value"] == pytest.approx(m(cols))
        assert task["metrics"]["abs_bias_cav"]["ci"][0] <= task["metrics"]["abs_bias_cav"]["value"] <= \
            task["metrics"]["abs_bias_cav"]["ci"][1]
        assert task["metrics"]["abs_bias_cav"]["ci_concepts"] is not None
        # per triple: the value and its concept-resampling CI, x100 like the metrics
        tid, tri = next(iter(task["triples"].items()))
        rec = next(r["record"] for r in mine if r["id"] == tid)
        assert tri["bias_cav"]["value"] == pytest.approx(100 * rec["bias_cav"])
        assert len(rec["boot_cav"]) == 8
        info = task["lens"]
        assert info["layer"] in (0, 1) and info["sae"]["source"] in ("trained", "cache")
        assert info["sae"]["l0"] <= 4.0
        assert set(info["probe_accuracy"]) >= {"Brahmin", "Dalit"} or set(info["probe_accuracy"]) >= {"Hindu", "Muslim"}


def test_the_gate_accepts_a_lens_run_against_itself(lens_run):
    from fairbench.gate import compare

    path, _, _ = lens_run
    report = compare(path, path)
    assert report.results and all(r.verdict not in ("regressed", "ceiling-failed") for r in report.results)


def test_second_run_uses_the_cached_sae_and_layer(lens_run, tiny_model_dir, tmp_path, monkeypatch):
    from fairbench.lens.run import run_lens_tasks
    from fairbench.runner import Settings

    path, res, cache = lens_run
    monkeypatch.setenv("FAIRBENCH_CACHE", str(cache))
    first = res["tasks"]["lens_caste"]
    _, again = run_lens_tasks(str(tiny_model_dir), "lens_caste", output=tmp_path, boot=8, log=lambda m: None,
                              settings=Settings(device="cpu", bootstrap_iters=200, limit=12))
    t = again["tasks"]["lens_caste"]
    assert t["lens"]["sae"]["source"] == "cache"
    assert t["lens"]["layer"] == first["lens"]["layer"]
    assert t["metrics"]["abs_bias_sae"]["value"] == pytest.approx(first["metrics"]["abs_bias_sae"]["value"])


def test_lens_command_prints_both_spaces(tiny_model_dir, tmp_path, monkeypatch, capsys):
    import argparse

    from fairbench.lens.cli import add_parser

    monkeypatch.setenv("FAIRBENCH_CACHE", str(tmp_path))
    p = argparse.ArgumentParser()
    add_parser(p.add_subparsers())
    args = p.parse_args(["lens", "--model", str(tiny_model_dir), "--target", "doctor", "--refs", "Brahmin,Dalit",
                         "--layer", "1", "--no-sae", "--boot", "5"])
    assert args.fn(args) == 0
    out = capsys.readouterr().out
    assert "layer 1 (model.layers.1; --layer)" in out and "CAV" in out and "align(doctor, Brahmin)" in out
    assert "SAE: not used (--no-sae)" in out
    bad = p.parse_args(["lens", "--model", str(tiny_model_dir), "--target", "doctor", "--refs", "Brahmin,Dalit",
                        "--layer", "7", "--no-sae"])
    with pytest.raises(UserError, match="out of range"):
        bad.fn(bad)


def test_score_one_reports_the_sae_it_used_next_to_the_sae_space_score(tiny_model_dir, tmp_path, monkeypatch):
    from fairbench.lens.cli import format_one, score_one
    from fairbench.lens.sae import SAETraining, get_sae
    from fairbench.lens.run import load_model
    from fairbench.models.registry import resolve_model

    monkeypatch.setenv("FAIRBENCH_CACHE", str(tmp_path))
    ms = resolve_model(str(tiny_model_dir))
    model, tok = load_model(ms)
    get_sae(model, tok, ms.sha256, 1, opts=SAETraining(expansion=2, k=4, steps=10, batch_tokens=64, max_tokens=500))
    r = score_one(str(tiny_model_dir), "clean", "Hindu,Muslim", layer=1, boot=4, log=lambda m: None)
    assert r["sae_model"]["source"] == "cache" and r["sae_model"]["d_sae"] == 64
    assert r["sae"]["bias"] == pytest.approx(r["sae"]["align_r1"] - r["sae"]["align_r2"])
    assert "SAE (cache:" in format_one(r)


def test_interrupted_lens_run_keeps_finished_batteries(lens_run, tiny_model_dir, tmp_path, monkeypatch, capsys):
    """Ctrl-C after the first battery (issue #14): exit 130, one line naming the kept battery and
    the file, which parses and stays incomplete, and no temporary file left behind."""
    import fairbench.lens.run as lens_runmod
    from fairbench.cli import main
    from fairbench.results import load_results, load_samples

    monkeypatch.setenv("FAIRBENCH_CACHE", str(lens_run[2]))  # the SAE the fixture trained: no training here
    monkeypatch.setattr(lens_runmod, "DEFAULT_BOOT", 8)
    real, calls = lens_runmod.score_battery, []

    def score_then_interrupt(*a, **k):
        calls.append(1)
        if len(calls) == 2:
            raise KeyboardInterrupt
        return real(*a, **k)

    monkeypatch.setattr(lens_runmod, "score_battery", score_then_interrupt)
    out = tmp_path / "out"
    code = main(["run", "--model", str(tiny_model_dir), "--tasks", "lens_caste,lens_religion", "--output", str(out),
                 "--limit", "12", "--bootstrap-iters", "50", "--device", "cpu"])
    (path,) = out.glob("*.json")
    err = [l for l in capsys.readouterr().err.splitlines() if l.startswith("fairbench:")]
    assert code == 130
    assert err == [f"fairbench: interrupted; 1 finished task(s) (lens_caste) kept in {path} (status incomplete)"]
    json.loads(path.read_text())
    res = load_results(path)
    assert res["status"] == "incomplete" and list(res["tasks"]) == ["lens_caste"]
    assert {r["task"] for r in load_samples(path, res)} == {"lens_caste"}
    assert not list(out.glob(".*.tmp"))
