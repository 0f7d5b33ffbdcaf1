"""The Python API is the run command: same files, same numbers, typed access."""

import pytest

import fairbench
from fairbench.errors import UserError
from fairbench.results import load_results


def test_evaluate_writes_the_run_and_reads_back(tmp_path, tiny_model_dir, fixtures):
    res = fairbench.evaluate(str(tiny_model_dir), str(fixtures / "pairs.csv"), output=tmp_path / "o",
                             batch_size=4, bootstrap_iters=100, seed=7)
    assert isinstance(res, fairbench.Results) and res.status == "complete" and res.tasks == ["pairs"]
    assert res.data == load_results(res.path)
    m = res.metric("pairs")
    assert m is res.data["tasks"]["pairs"]["metrics"]["pct_stereotype_cond"]
    assert res.value("pairs", "pct_stereotype") == res.data["tasks"]["pairs"]["metrics"]["pct_stereotype"]["value"]
    assert len(res.samples()) == 8 and res.samples_path.is_file()
    assert fairbench.Results.load(res.path) == fairbench.Results(res.path, res.data)
    with pytest.raises(KeyError, match="no task 'qa'"):
        res.metric("qa")


def test_results_give_a_typed_view_of_each_task(tmp_path, tiny_model_dir, fixtures):
    res = fairbench.evaluate(str(tiny_model_dir), str(fixtures / "pairs.csv"), output=tmp_path / "o",
                             batch_size=4, bootstrap_iters=100, seed=7)
    t = res.task("pairs")
    raw = res.data["tasks"]["pairs"]
    assert (t.format, t.headline, t.n, t.lang) == ("pairs", "pct_stereotype_cond", 8, "en")
    assert t.metric() is raw["metrics"]["pct_stereotype_cond"] and t.groups == raw["groups"]
    assert res.complete and res.model["sha256"] == res.data["model"]["sha256"] and res.mitigation is None


def _write(path, data):
    import json

    path.write_text(json.dumps(data), encoding="utf-8")
    return path


@pytest.mark.parametrize("change, message", [
    (lambda d: d.update(tasks=[]), "'tasks' must be a mapping"),
    (lambda d: d["model"].pop("sha256"), "model has no sha256"),
    (lambda d: d.update(mitigation="ambedkar"), "'mitigation' must be null or a mapping"),
    (lambda d: d["tasks"]["pairs"].update(headline="nope"), "task 'pairs' has no metrics or no headline"),
    (lambda d: d["tasks"]["pairs"].pop("format"), "task 'pairs' has no format"),
    (lambda d: d.update(schema_version=99), "schema_version 99 is not supported"),
])
def test_the_one_reader_rejects_broken_results_files(tmp_path, change, message):
    data = {"schema_version": 1, "status": "complete", "model": {"name": "m", "sha256": "0" * 64},
            "settings": {}, "mitigation": None,
            "tasks": {"pairs": {"format": "pairs", "headline": "pct_stereotype_cond",
                                "metrics": {"pct_stereotype_cond": {"value": 50.0, "ci": [40.0, 60.0]}}}}}
    assert fairbench.Results.load(_write(tmp_path / "ok.json", data)).task("pairs").format == "pairs"
    change(data)
    with pytest.raises(UserError, match=message):
        fairbench.Results.load(_write(tmp_path / "bad.json", data))


def test_cli_run_is_evaluate(tmp_path, tiny_model_dir, fixtures):
    from fairbench.cli import main

    args = ["--batch-size", "4", "--bootstrap-iters", "100", "--seed", "7"]
    assert main(["run", "--model", str(tiny_model_dir), "--tasks", str(fixtures / "pairs.csv"),
                 "--output", str(tmp_path / "cli"), *args]) == 0
    (cli_path,) = (tmp_path / "cli").glob("*.json")
    res = fairbench.evaluate(str(tiny_model_dir), str(fixtures / "pairs.csv"), output=tmp_path / "api",
                             batch_size=4, bootstrap_iters=100, seed=7)
    cli = load_results(cli_path)
    assert cli["tasks"]["pairs"]["metrics"] == res.data["tasks"]["pairs"]["metrics"]
    assert cli["settings"] == res.data["settings"]


@pytest.mark.parametrize("kwargs, message", [
    ({"limit": 0}, "--limit"), ({"samples": 2}, "needs --temperature"),
    ({"mitigation": "nope"}, "unknown mitigation"), ({"draft_model": "x"}, "go with --mitigation ambedkar"),
])
def test_bad_arguments_raise_before_a_model_loads(kwargs, message, fixtures):
    with pytest.raises(UserError, match=message):
        fairbench.evaluate("no-such-model", str(fixtures / "pairs.csv"), **kwargs)


@pytest.mark.parametrize("mitigation,counter", [("uddia", "debias_triggered"), ("ambedkar:gamma=3", "drafted")])
def test_results_file_records_the_mitigations_counters(tmp_path, tiny_model_dir, fixtures, mitigation, counter):
    import json

    res = fairbench.evaluate(str(tiny_model_dir), str(fixtures / "gen.jsonl"), output=tmp_path, limit=2,
                             mitigation=mitigation, bootstrap_iters=20)
    stats = json.loads(res.path.read_text())["mitigation"]["stats"]
    assert stats["tokens" if mitigation == "uddia" else "steps"] > 0 and counter in stats
