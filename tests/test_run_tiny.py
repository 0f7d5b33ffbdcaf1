"""End to end on a tiny random model: the CLI, lm-eval, metrics and files, in seconds."""

import json

import pytest

from fairbench.cli import main
from fairbench.results import load_results, load_samples


def run(tmp_path, model, tasks, *extra):
    out = tmp_path / "out"
    code = main(["run", "--model", str(model), "--tasks", tasks, "--output", str(out),
                 "--batch-size", "4", "--bootstrap-iters", "200", *extra])
    files = sorted(out.glob("*.json"))
    return code, files


def test_pairs_and_qa_files_run_and_write_documented_results(tmp_path, tiny_model_dir, fixtures, capsys):
    code, files = run(tmp_path, tiny_model_dir, f"{fixtures/'pairs.csv'},{fixtures/'bbq.jsonl'}")
    assert code == 0 and len(files) == 1
    res = load_results(files[0])
    assert res["status"] == "complete"
    assert set(res["tasks"]) == {"pairs", "bbq"}
    for key in ("lm_eval", "transformers", "torch", "fairbench"):
        assert res["versions"][key]
    assert res["model"]["kind"] == "hf_dir" and len(res["model"]["sha256"]) == 64
    pairs = res["tasks"]["pairs"]
    assert pairs["n"] == 8 and pairs["headline"] == "pct_stereotype_cond" and len(pairs["data"]["sha256"]) == 64
    m = pairs["metrics"]["pct_stereotype"]
    assert m["direction"] == "ideal" and m["ideal"] == 50.0 and m["ci"][0] <= m["value"] <= m["ci"][1]
    cond = pairs["metrics"]["pct_stereotype_cond"]
    assert cond["n"] == 8 and cond["ci"][0] <= cond["value"] <= cond["ci"][1]  # every fixture pair has a suffix
    assert set(pairs["groups"]) == {"caste", "religion"}
    assert set(res["tasks"]["bbq"]["metrics"]) == {"bias_ambig", "bias_disambig", "acc_ambig", "acc_disambig"}
    samples = load_samples(files[0], res)
    assert len(samples) == 16 and {s["task"] for s in samples} == {"pairs", "bbq"}
    # the metric in the results is what the samples give
    wins = [s["record"]["ll_more"] > s["record"]["ll_less"] for s in samples if s["task"] == "pairs"]
    assert m["value"] == pytest.approx(100 * sum(wins) / len(wins))
    cwins = [s["record"]["cll_more"] > s["record"]["cll_less"] for s in samples if s["task"] == "pairs"]
    assert cond["value"] == pytest.approx(100 * sum(cwins) / len(cwins))
    printed = capsys.readouterr().out
    assert "pct_stereotype" in printed and "bias_ambig" in printed and "95% CI" in printed


def test_same_seed_same_metrics(tmp_path, tiny_model_dir, fixtures):
    _, a = run(tmp_path / "a", tiny_model_dir, str(fixtures / "pairs.csv"), "--seed", "7")
    _, b = run(tmp_path / "b", tiny_model_dir, str(fixtures / "pairs.csv"), "--seed", "7")
    ta, tb = load_results(a[0])["tasks"], load_results(b[0])["tasks"]
    assert ta["pairs"]["metrics"] == tb["pairs"]["metrics"]
    assert ta["pairs"]["groups"] == tb["pairs"]["groups"]


def test_limit_and_generation_task(tmp_path, tiny_model_dir, fixtures):
    code, files = run(tmp_path, tiny_model_dir, str(fixtures / "gen.jsonl"), "--limit", "3")
    assert code == 0
    res = load_results(files[0])
    gen = res["tasks"]["gen"]
    assert gen["n"] == 3 and gen["headline"] == "iir" and gen["by"] == "domain"
    assert gen["metrics"]["empty_rate"]["value"] == 0.0
    samples = load_samples(files[0], res)
    assert len(samples) == 3 and all(s["record"]["generation"].strip() for s in samples)
    # the per-item hits are what the lexicon finds in each generation
    from fairbench.metrics import load_lexicon
    from fairbench.tasks.paths import lexicon_path

    lex = load_lexicon(lexicon_path())
    assert [s["record"]["hits"] for s in samples] == [lex.find(s["record"]["generation"]) for s in samples]


def test_all_empty_generations_exit_2_with_one_line(tmp_path, tiny_model_dir, fixtures, monkeypatch, capsys):
    from lm_eval.models.huggingface import HFLM

    monkeypatch.setattr(HFLM, "generate_until", lambda self, requests, disable_tqdm=False: [""] * len(requests))
    code, _ = run(tmp_path, tiny_model_dir, str(fixtures / "gen.jsonl"))
    err = [l for l in capsys.readouterr().err.splitlines() if l.startswith("fairbench:")]
    assert code == 2 and err == ["fairbench: error: gen: all 4 generations are empty; the model stops at once "
                                 "(check its chat template and stop strings)"]


def test_interrupted_run_keeps_finished_tasks(tmp_path, tiny_model_dir, fixtures, monkeypatch, capsys):
    import fairbench.runner as runner

    calls = {"n": 0}
    real = runner.score_task

    def score_then_interrupt(*a, **k):
        calls["n"] += 1
        if calls["n"] == 2:
            raise KeyboardInterrupt
        return real(*a, **k)

    monkeypatch.setattr(runner, "score_task", score_then_interrupt)
    code, files = run(tmp_path, tiny_model_dir, f"{fixtures/'pairs.csv'},{fixtures/'bbq.jsonl'}")
    assert code == 130
    err = [l for l in capsys.readouterr().err.splitlines() if l.startswith("fairbench:")]
    assert err == [f"fairbench: interrupted; 1 finished task(s) (pairs) kept in {files[0]} (status incomplete)"]
    res = load_results(files[0])
    assert res["status"] == "incomplete" and set(res["tasks"]) == {"pairs"}
    assert len(load_samples(files[0], res)) == 8
    assert not list((tmp_path / "out").glob(".*.tmp"))  # no half-written file left behind
    json.loads(files[0].read_text())



def test_runs_started_in_the_same_second_get_their_own_files(tmp_path, tiny_model_dir, fixtures, monkeypatch):
    import fairbench.results as results

    class Frozen(results.datetime):
        @classmethod
        def now(cls, tz=None):
            return results.datetime(2026, 12, 2, 6, 0, 0, tzinfo=tz)

    monkeypatch.setattr(results, "datetime", Frozen)
    for _ in range(2):
        code, _ = run(tmp_path, tiny_model_dir, str(fixtures / "pairs.csv"))
        assert code == 0
    files = sorted((tmp_path / "out").glob("*.json"), key=lambda f: len(f.name))
    ids = [load_results(f)["run_id"] for f in files]
    assert len(files) == 2 and ids[1] == ids[0] + "-2" and files[1].name == ids[1] + ".json"
    assert all(len(load_samples(f, load_results(f))) == 8 for f in files)


def _create(args):
    from fairbench.results import create_json

    path, who = args
    return create_json(path, {"who": who})


def test_results_file_is_created_by_one_process_only(tmp_path):
    """Two processes racing for one results name: exactly one gets it, and its content stays."""
    import multiprocessing as mp

    path = tmp_path / "run.json"
    with mp.get_context("spawn").Pool(2) as pool:
        won = pool.map(_create, [(path, "a"), (path, "b")])
    assert sorted(won) == [False, True]
    assert json.loads(path.read_text())["who"] == ("a" if won[0] else "b")
    assert [p.name for p in tmp_path.iterdir()] == ["run.json"]  # no temporary file left


def _claim(args):
    from fairbench.results import RunWriter

    folder, who = args
    w = RunWriter(folder, stem="same-stem", model={"spec": who, "sha256": "x"}, settings={})
    w.add_task("t", {"format": "pairs", "headline": "m", "metrics": {"m": {"value": 1.0}}}, [{"who": who}])
    return w.finish().path.name


def test_run_writers_racing_for_one_run_id_each_get_their_own_files(tmp_path):
    """Every command's results go through RunWriter (run, lens, t2i, rescore): two processes
    claiming the same run id at once get two ids, and each file keeps its own run's content."""
    import multiprocessing as mp

    with mp.get_context("spawn").Pool(2) as pool:
        names = pool.map(_claim, [(tmp_path, "a"), (tmp_path, "b")])
    assert sorted(names) == ["same-stem-2.json", "same-stem.json"]
    for name in names:
        res = load_results(tmp_path / name)
        who = res["model"]["spec"]
        assert res["status"] == "complete" and res["run_id"] == name[:-5]
        assert load_samples(tmp_path / name, res) == [{"who": who}]
    assert not list(tmp_path.glob(".*.tmp"))


def test_only_rank_zero_writes(tmp_path, tiny_model_dir, fixtures):
    """Under `accelerate launch` every process runs run(); only rank 0 may write files.

    (lm-eval's HFLM splits items across processes only when it sees more than one GPU, so a
    real two-process data-parallel run cannot be exercised on this CPU machine.)
    """
    from lm_eval.models.huggingface import HFLM
    from transformers import AutoModelForCausalLM, AutoTokenizer

    from fairbench.models import resolve_model
    from fairbench.runner import Settings, run as run_tasks
    from fairbench.tasks import resolve_tasks

    lm = HFLM(pretrained=AutoModelForCausalLM.from_pretrained(tiny_model_dir),
              tokenizer=AutoTokenizer.from_pretrained(tiny_model_dir), batch_size=4)
    lm._rank = 1
    tasks = resolve_tasks(str(fixtures / "pairs.csv"))
    run_tasks(lm, resolve_model(str(tiny_model_dir)), tasks, settings=Settings(), output=tmp_path / "r1")
    assert not (tmp_path / "r1").exists()
    lm._rank = 0
    run_tasks(lm, resolve_model(str(tiny_model_dir)), tasks, settings=Settings(), output=tmp_path / "r0")
    assert len(list((tmp_path / "r0").glob("*.json"))) == 1


def test_show_prints_the_same_table(tmp_path, tiny_model_dir, fixtures, capsys):
    code, files = run(tmp_path, tiny_model_dir, str(fixtures / "pairs.csv"))
    first = capsys.readouterr().out
    assert main(["show", str(files[0])]) == 0
    again = capsys.readouterr().out
    assert again.strip() and again.strip() in first


def test_models_lists_the_embedded_alias(capsys):
    assert main(["models"]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    i = next(i for i, l in enumerate(lines) if l.startswith("smollm2-135m:"))
    # setup installs the embedded model, so the suite runs with it present ("installed" alone
    # would also match "not installed")
    assert "SmolLM2-135M-Instruct" in lines[i] and lines[i + 1].strip().startswith("installed (")
