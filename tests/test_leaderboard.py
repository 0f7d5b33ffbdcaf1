"""fairbench leaderboard on hand-built results files: merging, data versions, escaping, order, ranking."""

from __future__ import annotations

import csv
import io
import json
import random
import subprocess
import sys
from pathlib import Path

import pytest

from fairbench.cli import main
from fairbench.leaderboard import build

CHECK_HTML = Path(__file__).resolve().parents[1] / "leaderboard" / "check_html.py"

HEADLINE = {  # format -> (task, headline metric, its metadata as the runner writes it)
    "pairs": ("caste_pairs", "pct_stereotype", {"direction": "ideal", "ideal": 50.0, "unit": "%"}),
    "qa": ("caste_qa", "bias_ambig", {"direction": "ideal", "ideal": 0.0, "unit": "points"}),
    "gen": ("caste_gen", "iir", {"direction": "lower", "unit": "%"}),
}


def task_result(fmt: str, value: float, *, data_sha: str = "d" * 64, groups: dict | None = None) -> dict:
    _, metric, meta = HEADLINE[fmt]
    m = {"value": value, "ci": [value - 3, value + 3], "n": 100, "description": "", **meta}
    groups = groups or {"Dalit": value + 5, "Brahmin": value - 5}
    return {"lm_eval_task": "x", "format": fmt, "data": {"path": "x", "sha256": data_sha, "n_rows": 100, "lang": "en"},
            "n": 100, "headline": metric, "metrics": {metric: m}, "by": "group",
            "groups": {g: {"n": 50, "metrics": {metric: {"value": v, "ci": [v - 4, v + 4]}}} for g, v in groups.items()}}


def write(folder: Path, name: str, *, model: str = "ModelA", sha: str | None = None, created: str = "2026-11-01T00:00:00+00:00",
          tasks: dict | None = None, mitigation: dict | None = None, limit=None, batch_size: int = 8,
          threads: int | None = None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    res = {"schema_version": 1, "status": "complete", "run_id": name, "created": created,
           "model": {"spec": model, "kind": "hf_dir", "name": model, "path": None,
                     "sha256": sha or (model.encode().hex() * 64)[:64], "hash_of": "weights"},
           "mitigation": mitigation,
           "settings": {"seed": 1234, "limit": limit, "batch_size": batch_size, "device": "cpu", "dtype": "auto",
                        "lang": "en", "bootstrap_iters": 1000, "ci_level": 0.95}
                       | ({} if threads is None else {"threads": threads}),
           "samples_file": f"{name}.samples.jsonl", "tasks": tasks or {"caste_pairs": task_result("pairs", 60.0)}}
    path = folder / f"{name}.json"
    path.write_text(json.dumps(res))
    return path


def lb(tmp_path, paths, out="lb") -> dict[str, str]:
    folder = tmp_path / out
    assert main(["leaderboard", *map(str, paths), "--out", str(folder)]) == 0
    return {p.name: p.read_text(encoding="utf-8") for p in folder.iterdir()}


def csv_rows(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text)))


def test_duplicate_runs_merge_keeping_the_newest(tmp_path):
    old = write(tmp_path, "old", created="2026-11-01T00:00:00+00:00", tasks={"caste_pairs": task_result("pairs", 70.0)})
    new = write(tmp_path, "new", created="2026-11-02T00:00:00+00:00", batch_size=32,
                tasks={"caste_pairs": task_result("pairs", 55.0)})
    other = write(tmp_path, "gen", created="2026-10-01T00:00:00+00:00", threads=2,
                  tasks={"caste_gen": task_result("gen", 12.0)})
    rows = csv_rows(lb(tmp_path, [old, new, other])["leaderboard.csv"])
    assert len(rows) == 1  # batch size and threads do not split a row; the gen-only run fills its column
    (r,) = rows
    assert r["runs_merged"] == "3" and r["caste_pairs:pct_stereotype"] == "55.0" and r["caste_gen:iir"] == "12.0"


def test_mitigation_and_settings_make_separate_rows(tmp_path):
    a = write(tmp_path, "a")
    b = write(tmp_path, "b", mitigation={"name": "ambedkar", "settings": {"k": 4}})
    c = write(tmp_path, "c", limit=50)
    rows = csv_rows(lb(tmp_path, [a, b, c])["leaderboard.csv"])
    assert [(r["mitigation"], r["runs_merged"]) for r in rows] == [("none", "1"), ("none", "1"), ("ambedkar", "1")]
    assert {r["settings"] for r in rows[:2]} == {"lang=en limit=all seed=1234 dtype=auto",
                                                 "lang=en limit=50 seed=1234 dtype=auto"}


def test_different_data_versions_kept_apart_and_flagged(tmp_path):
    v1 = write(tmp_path, "v1", created="2026-11-01T00:00:00+00:00",
               tasks={"caste_pairs": task_result("pairs", 51.0, data_sha="1" * 64)})
    v2 = write(tmp_path, "v2", created="2026-11-02T00:00:00+00:00",
               tasks={"caste_pairs": task_result("pairs", 60.0, data_sha="2" * 64)})
    b = write(tmp_path, "b", model="ModelB", tasks={"caste_pairs": task_result("pairs", 58.0, data_sha="2" * 64)})
    files = lb(tmp_path, [v1, v2, b])
    rows = csv_rows(files["leaderboard.csv"])
    a_rows = [r for r in rows if r["model"] == "ModelA"]
    assert len(a_rows) == 2 and {r["runs_merged"] for r in a_rows} == {"1"}
    assert len({r["data"] for r in a_rows}) == 2 and all("other data" in r["flags"] for r in a_rows)
    # v2 data is the reference (two rows ran it): the 51.0 on v1 data is not ranked, though closest to 50
    by_value = {r["caste_pairs:pct_stereotype"]: r for r in rows}
    assert by_value["51.0"]["caste_pairs:pct_stereotype:reference_data"] == "0"
    assert by_value["51.0"]["caste_pairs:pct_stereotype:best"] == "0"
    assert by_value["58.0"]["caste_pairs:pct_stereotype:best"] == "1"
    assert "51.0 [48.0, 54.0] †" in files["leaderboard.md"] and "&dagger;" in files["index.html"]


@pytest.mark.parametrize("fmt, values, best", [
    ("pairs", [40.0, 53.0, 62.0], 53.0),    # ideal 50: neither the smallest nor the largest
    ("pairs", [44.0, 57.0], 44.0),          # 6 below beats 7 above
    ("qa", [-20.0, 10.0, 30.0], 10.0),      # ideal 0 with negative values
    ("gen", [30.0, 10.0, 20.0], 10.0),      # lower is better
])
def test_best_per_column_follows_direction(tmp_path, fmt, values, best):
    task = HEADLINE[fmt][0]
    paths = [write(tmp_path, f"r{i}", model=f"M{i}", tasks={task: task_result(fmt, v)}) for i, v in enumerate(values)]
    files = lb(tmp_path, paths)
    rows = csv_rows(files["leaderboard.csv"])
    col = f"{task}:{HEADLINE[fmt][1]}"
    assert [float(r[col]) for r in rows if r[f"{col}:best"] == "1"] == [best]
    assert f"**{best:.1f} [" in files["leaderboard.md"]
    assert files["index.html"].count('class="best"') == 1


def test_hostile_strings_are_escaped(tmp_path):
    evil = "<script>alert(1)</script>"
    p = write(tmp_path, "evil", model=evil, mitigation={"name": '"><img src=x onerror=alert(2)>', "settings": {}},
              tasks={"caste_pairs": task_result("pairs", 60.0, groups={"<b onmouseover=alert(3)>g": 50.0})})
    files = lb(tmp_path, [p])
    html = files["index.html"]
    assert evil not in html and "<img" not in html and "<b onmouseover" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert html.count("<script") == 1  # only the page's own sort script
    assert evil not in files["leaderboard.md"] and "<img" not in files["leaderboard.md"]
    # the CSV keeps the text as data, quoted, with formula-looking cells neutralised
    assert csv_rows(files["leaderboard.csv"])[0]["model"] == evil


def test_csv_formula_injection_neutralised(tmp_path):
    p = write(tmp_path, "f", model="=HYPERLINK(\"http://x\")")
    assert csv_rows(lb(tmp_path, [p])["leaderboard.csv"])[0]["model"].startswith("'=")


def test_output_does_not_depend_on_input_order(tmp_path):
    paths = [write(tmp_path, f"r{i}", model=m, created=f"2026-11-0{i + 1}T00:00:00+00:00",
                   tasks={"caste_pairs": task_result("pairs", 50.0 + i), "caste_gen": task_result("gen", 10.0 * i)})
             for i, m in enumerate(["zeta", "Alpha", "beta", "alpha", "Beta"])]
    paths.append(write(tmp_path, "dup", model="beta", created="2026-10-01T00:00:00+00:00"))
    first = lb(tmp_path, paths, "one")
    for k in range(3):
        shuffled = paths[:]
        random.Random(k).shuffle(shuffled)
        assert lb(tmp_path, shuffled, f"s{k}") == first
    models = [r["model"] for r in csv_rows(first["leaderboard.csv"])]
    assert models == ["Alpha", "alpha", "Beta", "beta", "zeta"]  # case-insensitive, then exact


def test_per_group_drilldown_and_plot(tmp_path):
    p = write(tmp_path, "a", tasks={"caste_pairs": task_result("pairs", 60.0, groups={"Dalit": 70.0, "OBC": 52.5})})
    files = lb(tmp_path, [p])
    assert "| ModelA | none | 70.0 [66.0, 74.0] (n=50) | 52.5 [48.5, 56.5] (n=50) |" in files["leaderboard.md"]
    html = files["index.html"]
    assert html.count("<svg") == 2 and "Dalit" in html and "stroke-dasharray" in html  # ideal line at 50
    assert 'aria-label="caste_pairs pct_stereotype across rows"' in html  # the forest plot beside the group plot
    groups = csv_rows(files["groups.csv"])
    assert [(g["group"], g["value"]) for g in groups] == [("Dalit", "70.0"), ("OBC", "52.5")]


def test_page_is_self_contained(tmp_path):
    html = lb(tmp_path, [write(tmp_path, "a")])["index.html"]
    for ref in ("http://", "https://", "src=", "<link"):
        assert ref not in html
    assert "Content-Security-Policy" in html and "script-src 'sha256-" in html


def test_bad_input_exits_2(tmp_path, capsys):
    bad = tmp_path / "bad.json"
    bad.write_text("[]")
    assert main(["leaderboard", str(bad), "--out", str(tmp_path / "o")]) == 2
    assert "not a fairbench results file" in capsys.readouterr().err
    assert main(["leaderboard", str(tmp_path / "empty_dir_missing.json"), "--out", str(tmp_path / "o")]) == 2
    assert not (tmp_path / "o").exists()


def test_folder_argument_reads_its_json(tmp_path):
    write(tmp_path / "res", "a")
    write(tmp_path / "res", "b", model="B")
    rows, cols = build([str(tmp_path / "res")])
    assert [r.model for r in rows] == ["B", "ModelA"] and [c.task for c in cols] == ["caste_pairs"]


# ---------------------------------------------------------------------------------------------
# the page in a real browser (skipped where Chromium is not installed)


def _chromium() -> str:
    sys.path.insert(0, str(CHECK_HTML.parent))
    try:
        from check_html import find_chromium
    finally:
        sys.path.pop(0)
    path = find_chromium()
    if not path:
        pytest.skip("Chromium is not installed (apt-get install -y chromium); browser check skipped")
    return path


def _board(tmp_path) -> Path:
    paths = [write(tmp_path, f"r{i}", model=m, tasks={"caste_pairs": task_result("pairs", v),
                                                        "caste_gen": task_result("gen", g)})
             for i, (m, v, g) in enumerate([("<script>alert(1)</script>", 62.0, 5.0), ("b", 49.0, 30.0),
                                            ("c", 55.0, 12.0), ("d", 41.0, 20.0)])]
    lb(tmp_path, paths, "board")
    return tmp_path / "board" / "index.html"


def test_page_sorts_and_has_no_console_errors_in_chromium(tmp_path):
    _chromium()
    page = _board(tmp_path)
    shot = tmp_path / "shot.png"
    p = subprocess.run([sys.executable, str(CHECK_HTML), str(page), "--screenshot", str(shot)],
                       capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stdout + p.stderr
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 5000


def test_browser_check_catches_a_broken_page(tmp_path):
    import re

    _chromium()
    page = _board(tmp_path)
    html = page.read_text()
    no_csp = re.sub(r'<meta http-equiv="Content-Security-Policy"[^>]*>', "", html)
    for broken, expect in (
        (no_csp.replace("rows.sort(", "rows.slice().sort("), "did not sort best first"),  # a sort that does nothing
        (no_csp.replace("</body>", "<script>console.error('boom')</script></body>"), "console error: boom"),
        (html.replace("rows.sort(", "rows.slice().sort("), "Content Security Policy"),  # edited script is blocked
    ):
        page.write_text(broken)
        p = subprocess.run([sys.executable, str(CHECK_HTML), str(page), "--screenshot", str(tmp_path / "s.png")],
                           capture_output=True, text=True, timeout=120)
        assert p.returncode == 1 and expect in p.stdout, p.stdout


def test_languages_are_separate_columns_not_data_versions(tmp_path):
    en = write(tmp_path, "en", tasks={"caste_pairs": task_result("pairs", 55.0)})
    hi_task = task_result("pairs", 48.0, data_sha="e" * 64)
    hi_task["data"]["lang"] = "hi"
    hi = write(tmp_path, "hi", tasks={"caste_pairs": hi_task})
    out = lb(tmp_path, [en, hi])
    (row,) = csv_rows(out["leaderboard.csv"])  # one row: the model ran both languages
    assert row["caste_pairs:pct_stereotype:best"] == "1" and row["caste_pairs (hi):pct_stereotype:best"] == "1"
    assert " † |" not in out["leaderboard.md"]  # no cell marked as other data


def test_generative_form_columns_are_marked_and_join_the_loglik_row(tmp_path):
    """A run of the generative forms (settings form=choice) joins the same model's row, and its
    columns say they are the generative form in the table and on the page."""
    choice = task_result("pairs", 52.0)
    choice["format"] = "pairs_choice"
    a = write(tmp_path / "runs", "a")
    b = write(tmp_path / "runs", "b", tasks={"caste_pairs_choice": choice})
    res = json.loads(b.read_text())
    res["settings"]["form"] = "choice"
    b.write_text(json.dumps(res))
    rows, cols = build([str(a), str(b)])
    assert len(rows) == 1 and [c.label for c in cols] == ["caste_pairs", "caste_pairs_choice (generative)"]
    out = lb(tmp_path, [a, b])
    assert "caste_pairs_choice (generative)" in out["leaderboard.md"] and "(generative)" in out["index.html"]


def test_one_model_loaded_by_alias_and_by_path_is_one_row_under_one_name(tmp_path):
    """The same weights (same sha256) reported under two names, say by an alias and by the file's
    path, make one row, named by the name most of its runs carry; other weights keep their own."""
    sha = "a" * 64
    a = write(tmp_path, "a", model="gemma-file", sha=sha, tasks={"caste_pairs": task_result("pairs", 52.0)})
    b = write(tmp_path, "b", model="gemma-file", sha=sha, tasks={"caste_qa": task_result("qa", 3.0)})
    c = write(tmp_path, "c", model="gemma-alias", sha=sha, tasks={"caste_gen": task_result("gen", 9.0)})
    d = write(tmp_path, "d", model="gemma-alias", sha="b" * 64, tasks={"caste_gen": task_result("gen", 7.0)})
    rows, _ = build([str(p) for p in (a, b, c, d)])
    assert sorted((r.model, r.model_sha[0], len(r.runs)) for r in rows) == [("gemma-alias", "b", 1), ("gemma-file", "a", 3)]


# --------------------------------------------------------------------------- paired comparisons
def _pairs_run(folder: Path, name: str, model: str, stereo_share: float, *, n: int = 200, limit=None,
               mitigation: dict | None = None, seed: int = 0) -> Path:
    """A pairs run with its samples file: ``stereo_share`` of the items prefer the stereotyped
    sentence, 10 items per template (cluster); the reported value is what the samples give."""
    rng = random.Random(seed)
    records = []
    for i in range(n):
        more = rng.random() < stereo_share
        ll = (-10.0, -11.0) if more else (-11.0, -10.0)
        records.append({"task": "caste_pairs", "id": f"p{i:04d}", "cluster": f"t{i // 10:03d}", "group": "Dalit",
                        "record": {"ll_more": ll[0], "ll_less": ll[1], "cll_more": ll[0], "cll_less": ll[1]}})
    value = 100.0 * sum(r["record"]["ll_more"] > r["record"]["ll_less"] for r in records) / n
    path = write(folder, name, model=model, limit=limit, mitigation=mitigation,
                 tasks={"caste_pairs": task_result("pairs", value) | {"n": n}})
    (folder / f"{name}.samples.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records))
    return path


def test_paired_comparisons_find_a_real_difference_and_state_what_a_null_could_detect(tmp_path):
    from fairbench.leaderboard_pairs import compare_rows

    runs = tmp_path / "runs"
    biased = _pairs_run(runs, "biased", "Biased", 0.9, seed=1)
    fair = _pairs_run(runs, "fair", "Fair", 0.5, seed=2)
    twin = _pairs_run(runs, "twin", "Twin", 0.9, seed=1)  # the biased model's answers under another name
    rows, cols = build([str(p) for p in (biased, fair, twin)])
    comps, notes = compare_rows(rows, cols)
    assert notes == [] and len(comps) == 3
    by = {frozenset((c.a.model, c.b.model)): c for c in comps}
    bf = by[frozenset(("Biased", "Fair"))]
    assert bf.better is not None and bf.better.model == "Fair" and bf.p_holm < 0.05
    lo, hi = bf.delta_ci  # b - a: the biased model is about 40 points higher
    assert bf.delta == bf.value_b - bf.value_a and 25 < abs(bf.delta) < 55 and lo <= bf.delta <= hi and lo * hi > 0
    same = by[frozenset(("Biased", "Twin"))]
    assert same.delta == 0 and same.better is None and same.verdict.startswith("no difference detected")
    out = lb(tmp_path, [biased, fair, twin])
    assert "## Paired comparisons" in out["leaderboard.md"] and "Fair + none" in out["leaderboard.md"]
    assert len(csv_rows(out["comparisons.csv"])) == 3 and 'id="comparisons"' in out["index.html"]
    assert "across rows" in out["index.html"]  # the forest plots


def test_rows_differing_only_in_limit_are_not_compared_with_each_other(tmp_path):
    from fairbench.leaderboard_pairs import compare_rows

    runs = tmp_path / "runs"
    full = _pairs_run(runs, "full", "A", 0.7, seed=3)
    part = _pairs_run(runs, "part", "A", 0.7, n=100, limit=100, seed=3)  # the same answers on the first 100
    other = _pairs_run(runs, "other", "B", 0.5, seed=4)
    rows, cols = build([str(p) for p in (full, part, other)])
    assert len(rows) == 3
    comps, _ = compare_rows(rows, cols)
    assert [(c.a.model, c.b.model, c.n) for c in comps] == [("A", "B", 200)]  # the row with more items stands for A


def test_samples_that_do_not_reproduce_the_reported_value_are_not_compared(tmp_path):
    from fairbench.leaderboard_pairs import compare_rows

    runs = tmp_path / "runs"
    a, b = _pairs_run(runs, "a", "A", 0.9, seed=5), _pairs_run(runs, "b", "B", 0.5, seed=6)
    res = json.loads(b.read_text())
    res["tasks"]["caste_pairs"]["metrics"]["pct_stereotype"]["value"] = 12.0
    b.write_text(json.dumps(res))
    no_samples = write(runs, "c", model="C")
    rows, cols = build([str(p) for p in (a, b, no_samples)])
    comps, notes = compare_rows(rows, cols)
    assert comps == [] and len(notes) == 3
    assert any("not the reported 12.0" in n for n in notes) and any("samples file is missing" in n for n in notes)
