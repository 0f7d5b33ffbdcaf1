"""fairbench gives lm-eval's numbers on the same rows and model, and its tasks load in plain lm-eval."""

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from fairbench.cli import main
from fairbench.results import load_results, load_samples
from fairbench.tasks.paths import TASK_DIR


def _bench_peer():
    # bench/peer.py is a bench script's helper, not part of the package: loaded by its path
    path = Path(__file__).resolve().parents[1] / "bench" / "peer.py"
    spec = importlib.util.spec_from_file_location("fairbench_bench_peer", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


lm_eval_crows_pairs_config = _bench_peer().lm_eval_crows_pairs_config


@pytest.fixture(scope="module")
def tiny_lm(tiny_model_dir):
    from lm_eval.models.huggingface import HFLM
    from transformers import AutoModelForCausalLM, AutoTokenizer

    model = AutoModelForCausalLM.from_pretrained(tiny_model_dir)
    tok = AutoTokenizer.from_pretrained(tiny_model_dir)
    return HFLM(pretrained=model, tokenizer=tok, batch_size=4)


def test_pct_stereotype_equals_lm_eval_crows_pairs(tmp_path, tiny_lm, tiny_model_dir, fixtures):
    import lm_eval
    from lm_eval.tasks import TaskManager

    csv = fixtures / "pairs.csv"
    ref = lm_eval.simple_evaluate(model=tiny_lm, tasks=[lm_eval_crows_pairs_config(csv)], log_samples=True,
                                  task_manager=TaskManager(include_defaults=False), bootstrap_iters=0)
    (name,) = ref["results"]
    ref_pct = ref["results"][name]["pct_stereotype,none"]
    ref_lls = {s["doc"]["sent_more"]: [r[0] for r in s["filtered_resps"]] for s in ref["samples"][name]}

    assert main(["run", "--model", str(tiny_model_dir), "--tasks", str(csv), "--output", str(tmp_path)]) == 0
    (path,) = tmp_path.glob("*.json")
    res = load_results(path)
    assert res["tasks"]["pairs"]["metrics"]["pct_stereotype"]["value"] == pytest.approx(100 * ref_pct, abs=1e-9)
    # not only the aggregate: every pair's two log-likelihoods agree with lm-eval's, up to fp32
    # noise from different batch padding (lm-eval's run and ours batch the requests differently)
    rows = {json.dumps(s["id"]): s for s in load_samples(path, res)}
    assert len(rows) == len(ref_lls) == 8
    import csv as csvmod

    with open(csv, newline="") as f:
        for line, row in enumerate(csvmod.DictReader(f), 2):
            rec = rows[json.dumps(f"pairs-{line}")]["record"]
            assert [rec["ll_more"], rec["ll_less"]] == pytest.approx(ref_lls[row["sent_more"]], rel=1e-6)  # fp32 batching noise


def test_fairbench_task_loads_in_plain_lm_eval_cli(tmp_path, tiny_model_dir):
    if not (TASK_DIR.parent.parent.parent / "data" / "caste_pairs.en.jsonl").exists():
        pytest.skip("built-in data not present")
    env = dict(os.environ, HF_HUB_OFFLINE="1", HF_DATASETS_OFFLINE="1")
    p = subprocess.run(
        [sys.executable, "-m", "lm_eval", "run", "--model", "hf", "--model_args", f"pretrained={tiny_model_dir}",
         "--include_path", str(TASK_DIR), "--tasks", "fairbench_caste_pairs", "--limit", "4",
         "--batch_size", "4", "--device", "cpu", "--output_path", str(tmp_path)],
        capture_output=True, text=True, env=env, timeout=300,
    )
    assert p.returncode == 0, p.stderr[-2000:]
    assert "fairbench_caste_pairs" in p.stdout and "pct_stereotype" in p.stdout


def test_decisions_task_gives_the_same_gap_in_plain_lm_eval(tmp_path, tiny_model_dir):
    """Plain lm-eval runs fairbench_caste_decisions and its aggregation is fairbench's gap on the
    same items (the per-item records it logs)."""
    import json

    from fairbench.formats import get_format

    env = dict(os.environ, HF_HUB_OFFLINE="1", HF_DATASETS_OFFLINE="1")
    p = subprocess.run(
        [sys.executable, "-m", "lm_eval", "run", "--model", "hf", "--model_args", f"pretrained={tiny_model_dir}",
         "--include_path", str(TASK_DIR), "--tasks", "fairbench_caste_decisions", "--limit", "12",
         "--batch_size", "4", "--device", "cpu", "--output_path", str(tmp_path), "--log_samples"],
        capture_output=True, text=True, env=env, timeout=300,
    )
    assert p.returncode == 0, p.stderr[-2000:]
    results = json.loads(next(tmp_path.rglob("results_*.json")).read_text())["results"]["fairbench_caste_decisions"]
    samples = [json.loads(line) for line in next(tmp_path.rglob("samples_*.jsonl")).read_text().splitlines()]
    assert len(samples) == 12
    fmt = get_format("decisions")
    records = [s["gap"] for s in sorted(samples, key=lambda s: s["doc_id"])]
    assert results["gap,none"] == pytest.approx(fmt.metric("gap")(fmt.columns(records)))
    # the first 12 rows of scenario 1: per qualification level its 4 name pairs and its placebo
    # pair, then 2 of its qualification checks
    assert [r["role"] for r in records] == (["name"] * 4 + ["placebo"]) * 2 + ["qual"] * 2


def _plain_lm_eval_chat(tmp_path, model_dir, task: str) -> None:
    """Plain lm-eval on the first 6 docs of ``task``, with the chat template and samples logged."""
    env = dict(os.environ, HF_HUB_OFFLINE="1", HF_DATASETS_OFFLINE="1")
    p = subprocess.run(
        [sys.executable, "-m", "lm_eval", "run", "--model", "hf", "--model_args", f"pretrained={model_dir}",
         "--include_path", str(TASK_DIR), "--tasks", task, "--limit", "6",
         "--batch_size", "4", "--device", "cpu", "--output_path", str(tmp_path), "--log_samples",
         "--apply_chat_template"],
        capture_output=True, text=True, env=env, timeout=300,
    )
    assert p.returncode == 0, p.stderr[-2000:]


def test_generative_pairs_task_runs_in_plain_lm_eval_with_a_chat_template(tmp_path, tiny_model_dir):
    """The generative form loads in plain lm-eval (--apply_chat_template) and its aggregation is
    fairbench's pct_stereotype over the records it logs; both orders of each pair are asked."""
    import json

    from fairbench.formats import get_format

    _plain_lm_eval_chat(tmp_path, tiny_model_dir, "fairbench_caste_pairs_choice")
    results = json.loads(next(tmp_path.rglob("results_*.json")).read_text())["results"]["fairbench_caste_pairs_choice"]
    samples = [json.loads(line) for line in next(tmp_path.rglob("samples_*.jsonl")).read_text().splitlines()]
    records = [s["unparsed_rate"] for s in sorted(samples, key=lambda s: s["doc_id"])]
    assert [r["order"] for r in records] == ["more_first", "less_first"] * 3
    fmt = get_format("pairs_choice")
    assert results["unparsed_rate,none"] == pytest.approx(fmt.metric("unparsed_rate")(fmt.columns(records)))


def test_generative_decisions_task_runs_in_plain_lm_eval_and_pairs_its_askings(tmp_path, tiny_model_dir):
    """fairbench_caste_decisions_choice in plain lm-eval: each item's two prompts are asked as
    two docs, and the aggregation (which pairs them by unit) is fairbench's gap over the logged
    records."""
    import json

    from fairbench.formats import get_format

    _plain_lm_eval_chat(tmp_path, tiny_model_dir, "fairbench_caste_decisions_choice")
    results = json.loads(next(tmp_path.rglob("results_*.json")).read_text())["results"]
    results = results["fairbench_caste_decisions_choice"]
    samples = [json.loads(line) for line in next(tmp_path.rglob("samples_*.jsonl")).read_text().splitlines()]
    records = [s["gap"] for s in sorted(samples, key=lambda s: s["doc_id"])]
    assert [r["side"] for r in records] == ["a", "b"] * 3 and records[0]["unit"] == records[1]["unit"]
    fmt = get_format("decisions_choice")
    for name in ("unparsed_rate", "fav_rate"):
        assert results[f"{name},none"] == pytest.approx(fmt.metric(name)(fmt.columns(records)), nan_ok=True)


@pytest.mark.parametrize("fmt", ["pairs", "qa", "gen", "decisions", "pairs_choice", "qa_choice", "decisions_choice"])
def test_task_templates_list_the_formats_metrics_with_their_direction(fmt):
    """The lm-eval templates carry each format's metrics in fairbench's order, and lm-eval's
    higher_is_better is true exactly for the metrics whose direction is higher."""
    import re

    from fairbench.formats import get_format

    text = (TASK_DIR / f"_{fmt}_template").read_text(encoding="utf-8")
    listed = re.findall(r"- metric: (\w+)\n\s+aggregation: !function hooks\.agg_(\w+)\n\s+higher_is_better: (\w+)", text)
    # a generative form's aggregations carry its prefix (agg_choice_pct_stereotype)
    prefix = {"pairs_choice": "choice_", "qa_choice": "qa_choice_", "decisions_choice": "decisions_choice_"}.get(fmt, "")
    assert [(m, a) for m, a, _ in listed] == [(m.name, prefix + m.name) for m in get_format(fmt).metrics]
    for (name, _, flag), metric in zip(listed, get_format(fmt).metrics):
        assert (flag == "true") == (metric.direction == "higher"), name
