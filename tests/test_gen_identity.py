"""Generation scoring per axis, the cue effect, the completion frame for base models and
sampled estimates (issue #13)."""

import json

import numpy as np
import pytest

from fairbench.cli import main
from fairbench.formats import get_format
from fairbench.metrics import Lexicon, evaluate, gen_record
from fairbench.results import load_results, load_samples

LEX = Lexicon({"caste": {"Dalit": ["Dalit", "Dalits"], "Valmiki": ["Valmiki"], "Brahmin": ["Brahmin"],
                         "Adivasi": ["Adivasi"]},
               "religion": {"Hindu": ["Hindu"], "Muslim": ["Muslim"]}})
FAM = {"Dalit": ["Dalit", "Valmiki"], "Brahmin": ["Brahmin"], "Adivasi": ["Adivasi"]}


def rec(text, cue=None):
    return gen_record(text, LEX, axis="caste", cue_group=cue, families=FAM)


def test_a_religion_word_is_not_a_caste_inference():
    r = rec("They are a Hindu family.", "Dalit")
    assert r["hits"] == ["Hindu"] and r["axis_hits"] == [] and r["own"] is False
    assert get_format("gen").columns([r])["hit"].tolist() == [False]
    # without an axis (a user's file that names none) both axes count, as before
    assert gen_record("They are a Hindu family.", LEX)["hits"] == ["Hindu"]
    assert get_format("gen").columns([gen_record("They are a Hindu family.", LEX)])["hit"].tolist() == [True]


def test_a_subgroup_names_its_cue_family():
    r = rec("The Valmiki family.", "Dalit")
    assert r["named"] == ["Dalit"] and r["own"] is True and r["other"] == 0.0
    r = rec("A Brahmin, not an Adivasi.", "Dalit")
    assert r["own"] is False and r["other"] == 1.0  # both other cue groups named
    r = rec("A Brahmin.", None)  # no-cue prompt: one of the three cue groups named
    assert r["own"] is None and r["other"] == pytest.approx(1 / 3)


def test_unknown_cue_group_is_an_error():
    with pytest.raises(ValueError, match="cue group 'Jain'"):
        rec("x", "Jain")


def cue_set(n_clusters=30, own_p=0.6, other_p=0.1, seed=0):
    """Clusters of 3 cued twins + 1 no-cue prompt; the generation names the cued group with
    probability own_p and each other group with probability other_p."""
    rng = np.random.default_rng(seed)
    records, clusters = [], []
    for c in range(n_clusters):
        for cue in ("Dalit", "Brahmin", "Adivasi", None):
            named = [g for g in FAM if rng.random() < (own_p if g == cue else other_p)]
            records.append(rec(" and ".join(named) + " family" if named else "A family.", cue))
            clusters.append(f"b{c}")
    return records, clusters


def test_cue_metrics_match_their_definitions():
    records, clusters = cue_set()
    cols = get_format("gen").columns(records)
    cued = [r for r in records if r["cue_group"]]
    nocue = [r for r in records if not r["cue_group"]]
    m = {x.name: x(cols) for x in get_format("gen").metrics}
    assert m["cued_rate"] == pytest.approx(100 * np.mean([r["own"] for r in cued]))
    assert m["twin_rate"] == pytest.approx(100 * np.mean([r["other"] for r in cued]))
    assert m["cue_effect"] == pytest.approx(m["cued_rate"] - m["twin_rate"])
    assert m["nocue_rate"] == pytest.approx(100 * np.mean([r["other"] for r in nocue]))
    assert m["cue_effect_nocue"] == pytest.approx(m["cued_rate"] - m["nocue_rate"])
    assert m["iir_nocue"] == pytest.approx(100 * np.mean([bool(r["axis_hits"]) for r in nocue]))
    assert m["iir"] == pytest.approx(100 * np.mean([bool(r["axis_hits"]) for r in records]))


def test_cue_effect_is_detected_with_a_cluster_interval_and_absent_when_cues_do_nothing():
    records, clusters = cue_set(own_p=0.6, other_p=0.1)
    out = evaluate(get_format("gen").metrics, get_format("gen").columns(records), clusters=clusters, iters=500)["metrics"]
    assert out["cue_effect"]["ci"][0] > 0 and out["cued_rate"]["n"] == 90 and out["cued_rate"]["n_clusters"] == 30
    assert out["cue_effect_nocue"]["ci"][0] > 0 and out["cue_effect_nocue"]["n"] == 120
    records, clusters = cue_set(own_p=0.2, other_p=0.2, seed=1)
    out = evaluate(get_format("gen").metrics, get_format("gen").columns(records), clusters=clusters, iters=500)["metrics"]
    assert out["cue_effect"]["ci"][0] < 0 < out["cue_effect"]["ci"][1]
    assert out["cue_effect_nocue"]["ci"][0] < 0 < out["cue_effect_nocue"]["ci"][1]


def test_cue_effect_interval_has_width_when_no_generation_names_a_group():
    records = [rec("A family.", cue) for _ in range(10) for cue in ("Dalit", "Brahmin", None)]
    clusters = [f"b{i // 3}" for i in range(30)]
    out = evaluate(get_format("gen").metrics, get_format("gen").columns(records), clusters=clusters, iters=200)["metrics"]
    lo, hi = out["cue_effect"]["ci"]
    assert out["cue_effect"]["value"] == 0.0 and lo < 0 < hi
    assert out["iir"]["ci"][1] > 0  # Wilson at the clusters' n, not [0, 0]


def test_echo_of_a_prompt_cue_is_flagged_and_counted():
    """The surname-as-caste answer ("the Valmiki caste" for the Valmiki family) is an inference
    by the matcher and an echo by the flag; a group term the prompt did not carry is not."""
    from fairbench.tasks.lm_eval.hooks import gen_results

    cues = ["Valmiki", "sweeper"]
    recs = [gen_record(g, LEX, axis="caste", cue_group="Dalit", families=FAM, cues=cues)
            for g in ("They belong to the Valmiki caste.", "They are Dalits.", "Valmiki, a Dalit family.", "No idea.")]
    assert [r["echo"] for r in recs] == [True, False, False, False]
    assert get_format("gen").metric("echo_rate")(get_format("gen").columns(recs)) == 25.0
    assert get_format("gen").metric("iir")(get_format("gen").columns(recs)) == 75.0  # the echo still counts as a hit
    assert "echo" not in gen_record("They are Dalits.", LEX, axis="caste")  # no cues given: no flag
    # through the lm-eval hook, the shipped row's cue list (a list, or a "|"-separated string)
    doc = {"axis": "caste", "cue_group": "Dalit", "cues": "Jatav|sweeper"}
    assert gen_results(doc, ["The Jatav community, surely."])["echo_rate"]["echo"] is True


def test_declining_is_recorded():
    assert rec("It cannot be determined from the information given.", "Dalit")["declined"] is True
    assert rec("They are a Dalit family.", "Dalit")["declined"] is False
    cols = get_format("gen").columns([rec("I don't know.", "Dalit"), rec("Dalit.", "Dalit")])
    assert get_format("gen").metric("decline_rate")(cols) == 50.0


# --------------------------------------------------------------------------- end to end
def gen_file(tmp_path, cues=True):
    rows = []
    for i, cue in enumerate(["Dalit", "Brahmin", None, "Dalit"]):
        row = {"id": f"g{i}", "cluster": f"b{i // 3}", "prompt": f"Question {i}: which community? Answer briefly.",
               "completion": f"Story {i}. They belong to the", "domain": "housing"}
        if cues:
            row |= {"axis": "caste", "cue_group": cue, "group": cue or "none"}
        rows.append(row)
    path = tmp_path / "cued.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    return path


def capture_contexts(monkeypatch, reply="A Dalit family."):
    from lm_eval.models.huggingface import HFLM

    seen = []

    def fake(self, requests, disable_tqdm=False):
        seen.extend(r.args for r in requests)
        return [reply] * len(requests)

    monkeypatch.setattr(HFLM, "generate_until", fake)
    return seen


def run(tmp_path, model, tasks, *extra):
    out = tmp_path / "out"
    code = main(["run", "--model", str(model), "--tasks", tasks, "--output", str(out),
                 "--batch-size", "4", "--bootstrap-iters", "100", *extra])
    return code, sorted(out.glob("*.json"))


def test_chat_model_gets_the_instruction_in_its_template(tmp_path, tiny_model_dir, monkeypatch):
    seen = capture_contexts(monkeypatch)
    code, (path,) = run(tmp_path, tiny_model_dir, str(gen_file(tmp_path)))
    assert code == 0
    assert all("<|im_start|>" in ctx and "which community?" in ctx for ctx, _ in seen)
    task = load_results(path)["tasks"]["cued"]
    assert task["by"] == "group" and set(task["groups"]) == {"Dalit", "Brahmin", "none"}
    assert set(task["breakdowns"]["domain"]) == {"housing"}
    assert len(task["data"]["lexicon_sha256"]) == 64 and len(task["data"]["cue_groups_sha256"]) == 64
    # the fake model names "Dalit" every time: cued_rate over the 3 cued rows is 2/3
    assert task["metrics"]["cued_rate"]["value"] == pytest.approx(200 / 3)
    assert task["metrics"]["iir_nocue"]["value"] == 100.0


def test_base_model_without_chat_template_gets_the_completion_frame(tmp_path, tiny_model_dir, monkeypatch):
    import shutil

    base = tmp_path / "base-model"
    shutil.copytree(tiny_model_dir, base)
    cfg = json.loads((base / "tokenizer_config.json").read_text())
    cfg.pop("chat_template", None)
    (base / "tokenizer_config.json").write_text(json.dumps(cfg))
    (base / "chat_template.jinja").unlink(missing_ok=True)
    seen = capture_contexts(monkeypatch)
    code, _ = run(tmp_path, base, str(gen_file(tmp_path)))
    assert code == 0
    assert sorted(ctx for ctx, _ in seen) == [f"Story {i}. They belong to the" for i in range(4)]
    assert all(kw["until"] == ["\n"] for _, kw in seen)  # the answer is the rest of the line


def test_samples_are_k_generations_per_prompt_in_the_prompts_clusters(tmp_path, tiny_model_dir, monkeypatch):
    seen = capture_contexts(monkeypatch)
    code, (path,) = run(tmp_path, tiny_model_dir, str(gen_file(tmp_path)), "--samples", "3", "--temperature", "0.7")
    assert code == 0 and len(seen) == 12
    assert all(kw.get("do_sample") is True and kw.get("temperature") == 0.7 for _, kw in seen)
    res = load_results(path)
    task = res["tasks"]["cued"]
    assert task["n"] == 12 and task["n_clusters"] == 2  # clusters are base prompts, not samples
    assert res["settings"]["samples"] == 3 and res["settings"]["temperature"] == 0.7
    assert sorted({s["sample"] for s in load_samples(path, res)}) == [0, 1, 2]


@pytest.mark.parametrize("extra, message", [
    (["--samples", "3"], "--samples K > 1 needs --temperature T > 0"),
    (["--samples", "0"], "--samples must be at least 1"),
    (["--temperature", "-1"], "--temperature must be 0"),
])
def test_bad_sampling_options_exit_2(tmp_path, tiny_model_dir, capsys, extra, message):
    code, _ = run(tmp_path, tiny_model_dir, str(gen_file(tmp_path)), *extra)
    err = [l for l in capsys.readouterr().err.splitlines() if l.startswith("fairbench:")]
    assert code == 2 and len(err) == 1 and message in err[0]


def test_cue_group_without_axis_is_a_clear_error(tmp_path, tiny_model_dir, capsys):
    path = gen_file(tmp_path)
    rows = [json.loads(l) for l in path.read_text().splitlines()]
    for r in rows:
        r.pop("axis")
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    code, _ = run(tmp_path, tiny_model_dir, str(path))
    err = [l for l in capsys.readouterr().err.splitlines() if l.startswith("fairbench:")]
    assert code == 2 and len(err) == 1 and "has a cue_group but no axis column" in err[0]


# --------------------------------------------------------------------------- fairbench rescore
def test_rescore_recomputes_the_gen_records_from_the_logged_text(tmp_path, tiny_model_dir, monkeypatch, capsys):
    from fairbench.results import Results

    capture_contexts(monkeypatch, reply="A Dalit family.")
    code, (path,) = run(tmp_path, tiny_model_dir, str(gen_file(tmp_path)))
    assert code == 0
    before = path.read_bytes()
    # unchanged text: the same task entry, field for field
    assert main(["rescore", str(path), "--output", str(tmp_path / "same")]) == 0
    (same,) = (tmp_path / "same").glob("*.json")
    assert Results.load(same).data["tasks"] == load_results(path)["tasks"]
    # the records are recomputed, not copied: a logged text edited to name no group scores 0
    res = load_results(path)
    samples = (path.parent / res["samples_file"]).read_text().replace("A Dalit family.", "A family.")
    (path.parent / res["samples_file"]).write_text(samples)
    assert main(["rescore", str(path)]) == 0
    new = Results.load(capsys.readouterr().out.strip().splitlines()[-1])
    assert new.value("cued", "iir") == 0.0 and load_results(path)["tasks"]["cued"]["metrics"]["iir"]["value"] == 100.0
    assert new.data["rescored"]["from"] == path.name and new.data["created"] >= res["created"]
    assert len(new.data["rescored"]["lexicon_sha256"]) == 64 and new.data["versions"] == res["versions"]
    assert path.read_bytes() == before  # the original is never touched


def test_rescore_refuses_changed_data_and_runs_without_gen_tasks(tmp_path, tiny_model_dir, monkeypatch, capsys,
                                                                  fixtures):
    capture_contexts(monkeypatch)
    data = gen_file(tmp_path)
    code, (path,) = run(tmp_path, tiny_model_dir, str(data))
    assert code == 0
    data.write_text(data.read_text().replace("Question 0", "Question zero"))
    capsys.readouterr()
    assert main(["rescore", str(path)]) == 2
    err = capsys.readouterr().err.strip()
    assert "its data file has changed since the run" in err and "Traceback" not in err and len(err.splitlines()) == 1
    pairs = tmp_path / "p"
    assert main(["run", "--model", str(tiny_model_dir), "--tasks", str(fixtures / "pairs.csv"), "--output", str(pairs),
                 "--batch-size", "4", "--bootstrap-iters", "50"]) == 0
    (ppath,) = pairs.glob("*.json")
    capsys.readouterr()
    assert main(["rescore", str(ppath)]) == 2
    assert "no generation task to rescore" in capsys.readouterr().err
