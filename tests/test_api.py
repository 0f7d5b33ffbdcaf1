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
