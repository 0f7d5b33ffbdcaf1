"""``fairbench rescore`` stopped by Ctrl-C (issue #14): it keeps the tasks it wrote, as run does."""

import json

from fairbench.cli import main
from fairbench.results import load_results, load_samples


def _gen_file(path, stem):
    rows = [{"id": f"{stem}{i}", "prompt": f"Question {i}: which community? Answer briefly.", "domain": "housing",
             "completion": f"Story {i}. They belong to the", "axis": "caste", "cue_group": cue, "group": cue or "none"}
            for i, cue in enumerate(["Dalit", "Brahmin", None, "Dalit"])]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


def test_interrupted_rescore_keeps_the_finished_tasks(tmp_path, tiny_model_dir, monkeypatch, capsys):
    import fairbench.runner as runner
    from lm_eval.models.huggingface import HFLM

    monkeypatch.setattr(HFLM, "generate_until", lambda self, requests, disable_tqdm=False: ["A Dalit family."] * len(requests))
    files = [_gen_file(tmp_path / f"{stem}.jsonl", stem) for stem in ("first", "second")]
    assert main(["run", "--model", str(tiny_model_dir), "--tasks", ",".join(map(str, files)), "--output",
                 str(tmp_path / "run"), "--batch-size", "4", "--bootstrap-iters", "50"]) == 0
    (run,) = (tmp_path / "run").glob("*.json")
    assert list(load_results(run)["tasks"]) == ["first", "second"]

    real, calls = runner.score_task, []

    def score_then_interrupt(*a, **k):  # Ctrl-C while the second task is rescored
        calls.append(1)
        if len(calls) == 2:
            raise KeyboardInterrupt
        return real(*a, **k)

    monkeypatch.setattr(runner, "score_task", score_then_interrupt)
    capsys.readouterr()
    out = tmp_path / "rescored"
    code = main(["rescore", str(run), "--output", str(out)])
    (path,) = out.glob("*.json")
    err = [l for l in capsys.readouterr().err.splitlines() if l.startswith("fairbench:")]
    assert code == 130
    assert err == [f"fairbench: interrupted; 1 finished task(s) (first) kept in {path} (status incomplete)"]
    json.loads(path.read_text())
    res = load_results(path)
    assert res["status"] == "incomplete" and list(res["tasks"]) == ["first"]
    assert res["rescored"]["from"] == run.name
    assert {r["task"] for r in load_samples(path, res)} == {"first"} and len(load_samples(path, res)) == 4
    assert not list(out.glob(".*.tmp"))
    assert load_results(run)["status"] == "complete"  # the original is untouched
