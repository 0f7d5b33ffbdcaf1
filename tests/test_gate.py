"""fairbench gate on hand-built results pairs: verdicts, directions, ceilings, fail-closed input."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pytest

from fairbench.cli import main
from fairbench.errors import UserError
from fairbench.gate import compare, load_policy
from fairbench.runner import Settings, score_task
from fairbench.tasks.registry import TaskSpec

FIXTURES = Path(__file__).parent / "fixtures"


# ---------------------------------------------------------------------------------------------
# building runs


def pairs_rows(task: str, stereo) -> list[dict]:
    return [{"task": task, "id": f"{task}-{i:04d}", "group": "AB"[i % 2], "domain": "",
             "record": {"ll_more": -1.0 if s else -2.0, "ll_less": -2.0 if s else -1.0,
                        "cll_more": -1.0 if s else -2.0, "cll_less": -2.0 if s else -1.0}}
            for i, s in enumerate(stereo)]


def gen_rows(task: str, hits) -> list[dict]:
    return [{"task": task, "id": f"{task}-{i:04d}", "group": "", "domain": "xy"[i % 2],
             "record": {"generation": "text", "hits": ["Dalit"] if h else [], "empty": False}}
            for i, h in enumerate(hits)]


def qa_rows(task: str, correct) -> list[dict]:
    # ambiguous items: the right answer is "unknown" (slot 2); a wrong answer picks the biased slot
    return [{"task": task, "id": f"{task}-{i:04d}", "group": "AB"[i % 2], "domain": "",
             "record": {"lls": [0.0, 0.0, 0.0], "pred": 2 if c else 0, "label": 2, "ambig": True,
                        "biased_idx": 0, "unknown_idx": 2}}
            for i, c in enumerate(correct)]


FORMAT_OF = {"pairs": pairs_rows, "gen": gen_rows, "qa": qa_rows}


def write_run(folder: Path, name: str, tasks: dict[str, tuple[str, list[dict]]], *,
              data_sha: dict[str, str] | None = None, status: str = "complete", seed: int = 1234) -> Path:
    """A results JSON + samples JSONL scored by the runner's own ``score_task``."""
    folder.mkdir(parents=True, exist_ok=True)
    settings = Settings(seed=seed, bootstrap_iters=200)
    results = {"schema_version": 1, "status": status, "run_id": name, "created": "2026-11-28T13:00:00+00:00",
               "model": {"spec": name, "kind": "hf_dir", "name": name, "path": None, "sha256": "a" * 64,
                         "hash_of": "weights"},
               "mitigation": None, "settings": settings.to_dict(), "samples_file": f"{name}.samples.jsonl",
               "tasks": {}}
    all_rows = []
    for task, (fmt, rows) in tasks.items():
        sha = (data_sha or {}).get(task, "d" * 64)
        spec = TaskSpec(task, fmt, "en", Path(f"/data/{task}.jsonl"), task, task, [], sha)
        results["tasks"][task] = score_task(spec, rows, settings)
        all_rows += rows
    path = folder / f"{name}.json"
    path.write_text(json.dumps(results))
    (folder / f"{name}.samples.jsonl").write_text("".join(json.dumps(r) + "\n" for r in all_rows))
    return path


def flags(n: int, k: int, seed: int = 0) -> list[bool]:
    """n items, exactly k of them True, in a random order."""
    out = np.zeros(n, dtype=bool)
    out[np.random.default_rng(seed).choice(n, size=k, replace=False)] = True
    return out.tolist()


def flip(base: list[bool], to_true: int, to_false: int, seed: int = 1) -> list[bool]:
    """The same items with ``to_true`` False->True and ``to_false`` True->False changes."""
    rng = np.random.default_rng(seed)
    out = list(base)
    f = [i for i, b in enumerate(base) if not b]
    t = [i for i, b in enumerate(base) if b]
    for i in rng.choice(f, size=to_true, replace=False):
        out[i] = True
    for i in rng.choice(t, size=to_false, replace=False):
        out[i] = False
    return out


def gate(tmp_path, base, cand, *extra) -> int:
    return main(["gate", "--baseline", str(base), "--candidate", str(cand), *extra])


@pytest.fixture
def gen_pair(tmp_path):
    """A baseline with IIR 20% and builder for candidates on the same 400 items."""
    base_hits = flags(400, 80)
    base = write_run(tmp_path, "base", {"gen_task": ("gen", gen_rows("gen_task", base_hits))})

    def make(name: str, hits) -> Path:
        return write_run(tmp_path, name, {"gen_task": ("gen", gen_rows("gen_task", hits))})
    return base, base_hits, make


# ---------------------------------------------------------------------------------------------
# verdicts


def test_clear_regression_fails_with_exit_1(tmp_path, gen_pair, capsys):
    base, hits, make = gen_pair
    cand = make("cand", flip(hits, to_true=40, to_false=0))  # IIR 20% -> 30%
    assert gate(tmp_path, base, cand) == 1
    out = capsys.readouterr().out
    assert "regressed" in out and "gate FAILED" in out and "+10.00" in out
    (r,) = compare(base, cand).results
    assert r.verdict == "regressed" and r.delta == pytest.approx(10.0) and r.worse_ci[0] > 0


def test_noise_within_ci_passes(tmp_path, gen_pair, capsys):
    base, hits, make = gen_pair
    cand = make("cand", flip(hits, to_true=11, to_false=8))  # net +3 items of 400: noise
    assert gate(tmp_path, base, cand) == 0
    (r,) = compare(base, cand).results
    assert r.verdict == "pass" and r.delta == pytest.approx(0.75) and r.ci[0] < 0 < r.ci[1]
    assert "gate passed" in capsys.readouterr().out


def test_noise_rarely_fails_and_real_shift_always_does(tmp_path):
    # candidates drawn independently from the same 20% process: a sound gate fails about 2.5% of
    # them (one side of a 95% CI); a rise to 35% (about 5 standard errors) must fail every time
    base_hits = flags(400, 80)
    base = write_run(tmp_path, "base", {"t": ("gen", gen_rows("t", base_hits))})
    rng = np.random.default_rng(42)
    false_alarms = misses = 0
    for k in range(30):
        noisy = (rng.random(400) < 0.2).tolist()
        cand = write_run(tmp_path / f"n{k}", "cand", {"t": ("gen", gen_rows("t", noisy))})
        false_alarms += compare(base, cand, iters=500).failed
        worse = (rng.random(400) < 0.35).tolist()
        cand = write_run(tmp_path / f"w{k}", "cand", {"t": ("gen", gen_rows("t", worse))})
        misses += not compare(base, cand, iters=500).failed
    assert false_alarms <= 3 and misses == 0


def _six(folder: Path, name: str, rates: list[float], rng) -> Path:
    return write_run(folder, name, {f"t{j}": ("gen", gen_rows(f"t{j}", (rng.random(200) < r).tolist()))
                                    for j, r in enumerate(rates)})


def test_six_checks_keep_the_family_wise_false_alarm_rate(tmp_path):
    # six checks at 2.5% each would fail about 14% of equivalent candidates; Holm keeps the whole
    # gate at 2.5%, so 40 equivalent candidates fail at most a few times (expected 1; P(>4) < 0.1%)
    rng = np.random.default_rng(7)
    base = _six(tmp_path, "base", [0.2] * 6, rng)
    failed = 0
    for k in range(40):
        report = compare(base, _six(tmp_path / f"n{k}", "cand", [0.2] * 6, rng), iters=400)
        failed += report.failed
        for r in report.results:
            assert r.p_holm >= r.p and (r.verdict != "regressed" or r.p_holm < report.alpha)
    assert failed <= 4


def test_holm_keeps_a_clear_regression_among_six_checks(tmp_path):
    rng = np.random.default_rng(8)
    base = _six(tmp_path, "base", [0.2] * 6, rng)
    report = compare(base, _six(tmp_path / "w", "cand", [0.2] * 5 + [0.45], rng), iters=400)
    assert [r.check.task for r in report.results if r.verdict == "regressed"] == ["t5"]


def test_each_check_states_what_it_can_detect(tmp_path, gen_pair, capsys):
    base, hits, make = gen_pair
    cand = make("cand", flip(hits, to_true=11, to_false=8))
    (r,) = compare(base, cand).results
    assert r.mde is not None and 0 < r.mde < 20
    assert gate(tmp_path, base, cand) == 0
    out = capsys.readouterr().out
    assert "detects >=" in out and f"{r.mde:.2f}" in out and "Holm" in out


def test_improvement_passes(tmp_path, gen_pair, capsys):
    base, hits, make = gen_pair
    cand = make("cand", flip(hits, to_true=0, to_false=40))  # IIR 20% -> 10%
    assert gate(tmp_path, base, cand) == 0
    assert compare(base, cand).results[0].verdict == "improved"
    assert "improved" in capsys.readouterr().out


def test_higher_is_better_drop_regresses(tmp_path):
    correct = flags(300, 240)
    base = write_run(tmp_path, "base", {"bbq": ("qa", qa_rows("bbq", correct))})
    cand = write_run(tmp_path, "cand", {"bbq": ("qa", qa_rows("bbq", flip(correct, 0, 60)))})  # 80% -> 60%
    policy = tmp_path / "p.yaml"
    policy.write_text("tasks:\n  bbq:\n    acc_ambig: {}\n")
    (r,) = compare(base, cand, policy=load_policy(policy)).results
    assert r.delta == pytest.approx(-20.0) and r.worse == pytest.approx(20.0) and r.verdict == "regressed"
    assert gate(tmp_path, base, cand, "--policy", str(policy)) == 1
    # the other way round it is an improvement
    assert compare(cand, base, policy=load_policy(policy)).results[0].verdict == "improved"


@pytest.mark.parametrize("before, after, verdict", [(500, 580, "regressed"), (500, 420, "regressed"),
                                                     (580, 520, "improved"), (580, 420, "pass")])
def test_ideal_value_is_distance_both_ways(tmp_path, before, after, verdict):
    # pct_stereotype (ideal 50) over 1000 pairs: 50 -> 58 and 50 -> 42 are both worse; 58 -> 52 is
    # better; 58 -> 42 is as far from 50 as before, so neither (though its raw delta is large)
    base_s = flags(1000, before)
    cand_s = flip(base_s, max(after - before, 0), max(before - after, 0))
    base = write_run(tmp_path, "base", {"p": ("pairs", pairs_rows("p", base_s))})
    cand = write_run(tmp_path, "cand", {"p": ("pairs", pairs_rows("p", cand_s))})
    (r,) = compare(base, cand).results
    assert (r.baseline, r.candidate) == pytest.approx((before / 10, after / 10))
    assert r.verdict == verdict
    assert gate(tmp_path, base, cand) == (1 if verdict == "regressed" else 0)


def test_tolerance_lets_a_small_real_change_pass(tmp_path, gen_pair):
    base, hits, make = gen_pair
    cand = make("cand", flip(hits, to_true=20, to_false=0))  # +5 points, clearly real
    policy = tmp_path / "p.yaml"
    assert compare(base, cand).results[0].verdict == "regressed"
    policy.write_text("tasks:\n  gen_task:\n    iir: {tolerance: 6}\n")
    assert gate(tmp_path, base, cand, "--policy", str(policy)) == 0
    policy.write_text("defaults: {tolerance: 4}\ntasks:\n  gen_task: [iir]\n")
    assert gate(tmp_path, base, cand, "--policy", str(policy)) == 1


def test_ceilings_fail_even_without_a_change(tmp_path, gen_pair, capsys):
    base, hits, make = gen_pair  # IIR 20%
    cand = make("cand", hits)
    policy = tmp_path / "p.yaml"
    policy.write_text("tasks:\n  gen_task:\n    iir: {max: 19.5}\n")
    assert gate(tmp_path, base, cand, "--policy", str(policy)) == 1
    out = capsys.readouterr().out
    assert "ceiling-failed" in out and "above max 19.5" in out
    policy.write_text("tasks:\n  gen_task:\n    iir: {max: 20}\n    empty_rate: {max: 0}\n")
    assert gate(tmp_path, base, cand, "--policy", str(policy)) == 0


def test_max_distance_from_ideal(tmp_path):
    s = flags(200, 130)  # 65%
    base = write_run(tmp_path, "base", {"p": ("pairs", pairs_rows("p", s))})
    policy = tmp_path / "p.yaml"
    policy.write_text("tasks:\n  p:\n    pct_stereotype: {max_distance: 10}\n")
    assert compare(base, base, policy=load_policy(policy)).results[0].verdict == "ceiling-failed"
    policy.write_text("tasks:\n  p:\n    pct_stereotype: {max_distance: 15}\n")
    assert compare(base, base, policy=load_policy(policy)).results[0].verdict == "pass"


def test_items_only_in_one_run_are_dropped_and_counted(tmp_path, capsys):
    s = flags(300, 60)
    base = write_run(tmp_path, "base", {"g": ("gen", gen_rows("g", s))})
    cand = write_run(tmp_path, "cand", {"g": ("gen", gen_rows("g", s)[:290])})
    report = compare(base, cand)
    (r,) = report.results
    assert (r.n_shared, r.only_base, r.only_cand) == (290, 10, 0)
    assert r.baseline == pytest.approx(100 * sum(s[:290]) / 290)
    assert gate(tmp_path, base, cand) == 0
    assert "dropped 10 only in the baseline, 0 only in the candidate" in capsys.readouterr().out


def test_default_checks_headline_of_every_shared_task(tmp_path):
    base = write_run(tmp_path, "base", {"p": ("pairs", pairs_rows("p", flags(50, 25))),
                                        "g": ("gen", gen_rows("g", flags(50, 5))),
                                        "only_base": ("gen", gen_rows("only_base", flags(50, 5)))})
    cand = write_run(tmp_path, "cand", {"p": ("pairs", pairs_rows("p", flags(50, 25))),
                                        "g": ("gen", gen_rows("g", flags(50, 5)))})
    assert [(r.check.task, r.check.metric) for r in compare(base, cand).results] == [("p", "pct_stereotype_cond"), ("g", "iir")]


# ---------------------------------------------------------------------------------------------
# fail closed


def _one_error_line(capsys, expect: str) -> None:
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("fairbench: error:") and expect in err[0], err


@pytest.mark.parametrize("policy, expect", [
    ("tasks:\n  nope: {}\n", "has no task 'nope'"),
    ("tasks:\n  g:\n    acc_ambig: {}\n", "has no metric 'acc_ambig'"),
    ("tasks:\n  g:\n    iir: {tolerence: 1}\n", "unknown option 'tolerence'"),
    ("tasks:\n  g:\n    iir: {max: high}\n", "expected a number"),
    ("tasks: {}\n", "non-empty 'tasks:'"),
    ("tasks: [\n", "not valid YAML"),
    ("tasks:\n  g:\n    iir: {max_distance: 3}\n", "max_distance needs an ideal-valued metric"),
])
def test_bad_policy_exits_2(tmp_path, capsys, policy, expect):
    s = flags(40, 8)
    base = write_run(tmp_path, "base", {"g": ("gen", gen_rows("g", s))})
    p = tmp_path / "p.yaml"
    p.write_text(policy)
    assert gate(tmp_path, base, base, "--policy", str(p)) == 2
    _one_error_line(capsys, expect)


def test_task_missing_from_candidate_fails_closed(tmp_path, capsys):
    base = write_run(tmp_path, "base", {"g": ("gen", gen_rows("g", flags(40, 8))),
                                        "h": ("gen", gen_rows("h", flags(40, 8)))})
    cand = write_run(tmp_path, "cand", {"g": ("gen", gen_rows("g", flags(40, 8)))})
    p = tmp_path / "p.yaml"
    p.write_text("tasks:\n  h: {}\n")
    assert gate(tmp_path, base, cand, "--policy", str(p)) == 2
    _one_error_line(capsys, "has no task 'h'")
    other = write_run(tmp_path / "o", "other", {"x": ("gen", gen_rows("x", flags(40, 8)))})
    assert gate(tmp_path, base, other) == 2
    _one_error_line(capsys, "no task in common")


def test_data_sha_mismatch_refused_unless_allowed(tmp_path, capsys):
    s = flags(100, 20)
    base = write_run(tmp_path, "base", {"g": ("gen", gen_rows("g", s))})
    cand = write_run(tmp_path, "cand", {"g": ("gen", gen_rows("g", s))}, data_sha={"g": "e" * 64})
    assert gate(tmp_path, base, cand) == 2
    _one_error_line(capsys, "ran on different data")
    assert gate(tmp_path, base, cand, "--allow-data-mismatch") == 0
    assert "compared anyway" in capsys.readouterr().out


def _malformed(tmp_path: Path, good: Path) -> dict[str, tuple[Path, str]]:
    data = json.loads(good.read_text())
    cases = {}

    def put(name, text):
        p = tmp_path / f"{name}.json"
        p.write_text(text)
        return p
    cases["not json"] = (put("notjson", "{oops"), "not a JSON results file")
    cases["list"] = (put("list", "[1, 2]"), "not a fairbench results file")
    cases["no schema"] = (put("noschema", json.dumps({"tasks": {}})), "no schema_version")
    cases["schema 2"] = (put("schema2", json.dumps({**data, "schema_version": 2})), "schema_version 2")
    cases["no tasks"] = (put("notasks", json.dumps({k: v for k, v in data.items() if k != "tasks"})), "lacks 'tasks'")
    cases["incomplete"] = (put("incomplete", json.dumps({**data, "status": "incomplete"})), "not 'complete'")
    cases["no samples"] = (put("nosamples", json.dumps({**data, "samples_file": "gone.jsonl"})), "samples file gone.jsonl is missing")
    bad_fmt = json.loads(json.dumps(data))
    bad_fmt["tasks"]["g"]["format"] = "poem"
    cases["bad format"] = (put("badfmt", json.dumps(bad_fmt)), "no known format")
    wrong = json.loads(json.dumps(data))
    wrong["tasks"]["g"]["metrics"]["iir"]["value"] = 99.0
    cases["samples of another run"] = (put("wrong", json.dumps(wrong)), "do not belong together")
    cases["missing"] = (tmp_path / "absent.json", "no such results file")
    return cases


def test_malformed_files_exit_2_with_one_line(tmp_path, capsys):
    good = write_run(tmp_path, "good", {"g": ("gen", gen_rows("g", flags(40, 8)))})
    for name, (path, expect) in _malformed(tmp_path, good).items():
        for args in ((good, path), (path, good)):
            assert gate(tmp_path, *args) == 2, name
            _one_error_line(capsys, expect)


def test_malformed_samples_exit_2(tmp_path, capsys):
    good = write_run(tmp_path, "good", {"g": ("gen", gen_rows("g", flags(40, 8)))})
    samples = tmp_path / "good.samples.jsonl"
    lines = samples.read_text().splitlines()
    samples.write_text("\n".join(lines + [lines[0]]) + "\n")
    assert gate(tmp_path, good, good) == 2
    _one_error_line(capsys, "appears twice")
    samples.write_text("\n".join(lines[:1] + ["{broken"]) + "\n")
    assert gate(tmp_path, good, good) == 2
    _one_error_line(capsys, "not valid JSON")


def test_cli_prints_no_traceback(tmp_path):
    import subprocess
    import sys

    bad = tmp_path / "bad.json"
    bad.write_text("{oops")
    p = subprocess.run([sys.executable, "-m", "fairbench", "gate", "--baseline", str(bad), "--candidate", str(bad)],
                       capture_output=True, text=True, timeout=120)
    assert p.returncode == 2 and "Traceback" not in p.stderr and p.stderr.count("\n") == 1


# ---------------------------------------------------------------------------------------------
# output formats


def test_junit_is_xml_with_one_testcase_per_check(tmp_path, gen_pair, capsys):
    base, hits, make = gen_pair
    cand = make("cand", flip(hits, to_true=40, to_false=0))
    p = tmp_path / "p.yaml"
    p.write_text("tasks:\n  gen_task:\n    iir: {}\n    empty_rate: {}\n")
    assert gate(tmp_path, base, cand, "--policy", str(p), "--format", "junit") == 1
    root = ET.fromstring(capsys.readouterr().out)
    suite = root.find("testsuite")
    cases = suite.findall("testcase")
    assert suite.get("tests") == "2" and suite.get("failures") == "1"
    assert [c.get("name") for c in cases] == ["iir", "empty_rate"]
    assert cases[0].find("failure").get("type") == "regressed" and cases[1].find("failure") is None


def test_github_annotations_and_step_summary(tmp_path, gen_pair, capsys, monkeypatch):
    base, hits, make = gen_pair
    cand = make("cand", flip(hits, to_true=40, to_false=0))
    summary = tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    assert gate(tmp_path, base, cand, "--format", "github") == 1
    out = capsys.readouterr().out.splitlines()
    errors = [line for line in out if line.startswith("::error ")]
    assert len(errors) == 1 and "gen_task iir" in errors[0] and "regressed" in errors[0]
    md = summary.read_text()
    assert "## fairbench gate: FAILED" in md and "| gen_task | iir |" in md and "**regressed**" in md


# ---------------------------------------------------------------------------------------------
# --candidate-model (tiny random model, seconds)


def test_candidate_model_reruns_baseline_tasks_and_settings(tmp_path, tiny_model_dir, capsys):
    out = tmp_path / "base"
    assert main(["run", "--model", str(tiny_model_dir), "--tasks", str(FIXTURES / "pairs.csv"), "--output", str(out),
                 "--batch-size", "4", "--bootstrap-iters", "200", "--seed", "7", "--limit", "6"]) == 0
    (base,) = out.glob("*.json")
    capsys.readouterr()
    cand_out = tmp_path / "cand"
    code = main(["gate", "--baseline", str(base), "--candidate-model", str(tiny_model_dir), "--output", str(cand_out)])
    assert code == 0
    (cand,) = cand_out.glob("*.json")
    res = json.loads(cand.read_text())
    assert res["settings"]["seed"] == 7 and res["settings"]["limit"] == 6 and res["settings"]["bootstrap_iters"] == 200
    assert list(res["tasks"]) == ["pairs"] and res["tasks"]["pairs"]["n"] == 6
    printed = capsys.readouterr().out
    assert "pairs" in printed and "pct_stereotype" in printed and "gate passed" in printed
    assert main(["gate", "--baseline", str(base), "--candidate", str(cand), "--candidate-model", "x"]) == 2


def test_candidate_model_reruns_a_choice_form_task_in_its_form(tmp_path, tiny_model_dir, capsys):
    """A baseline of a user's pairs file asked in its generative form is rerun in that form (it was
    rerun as a log-likelihood pairs task, which the comparison then refused)."""
    out = tmp_path / "base"
    assert main(["run", "--model", str(tiny_model_dir), "--tasks", str(FIXTURES / "pairs.csv"), "--form", "choice",
                 "--output", str(out), "--batch-size", "4", "--bootstrap-iters", "200", "--limit", "4"]) == 0
    (base,) = out.glob("*.json")
    (task,) = json.loads(base.read_text())["tasks"]
    cand_out = tmp_path / "cand"
    capsys.readouterr()
    assert main(["gate", "--baseline", str(base), "--candidate-model", str(tiny_model_dir), "--output", str(cand_out)]) in (0, 1)
    (cand,) = cand_out.glob("*.json")
    res = json.loads(cand.read_text())
    assert list(res["tasks"]) == [task] and res["tasks"][task]["format"] == "pairs_choice"


@pytest.mark.parametrize("argv, message", [
    (["--baseline", "b.json"], "give exactly one of --candidate FILE or --candidate-model MODEL"),
    (["--baseline", "b.json", "--candidate", "c.json", "--ci-level", "0.2"], "--ci-level must be in [0.5, 1)"),
    (["--baseline", "b.json", "--candidate", "c.json", "--iters", "5"], "--iters must be at least 100"),
])
def test_gate_argument_errors_are_one_line(argv, message, capsys):
    assert main(["gate", *argv]) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err and len(err.strip().splitlines()) == 1


def test_policy_that_is_not_utf8_is_one_line(tmp_path, capsys):
    policy = tmp_path / "policy.yaml"
    policy.write_bytes(b"tasks:\n  caste_pairs: {max_increase: 2}\n# \xff\xfe\n")
    with pytest.raises(UserError, match="not a UTF-8 text file"):
        load_policy(policy)
