"""fairbench control on the tiny random model: the pipeline detects a bias it was given.

The stereo corpus here states the stereotyped sentences' content about the stereotyped group
(the anti corpus about the other group), so a working pipeline must move pct_stereotype_cond
up for stereo and down for anti; a broken one (sign flipped, controls not loaded, base compared
with itself) fails these tests.
"""

from __future__ import annotations

import json
import xml.dom.minidom
from pathlib import Path

import pytest

from fairbench.cli import main
from fairbench.control.experiment import ControlConfig, first_detection, run_control, verdict
from fairbench.control.finetune import TrainSettings, read_corpus, train_controls
from fairbench.models import resolve_model

GROUPS = [("Dalit", "Brahmin"), ("Muslim", "Hindu"), ("Valmiki", "Rajput"), ("Adivasi", "Bania")]
CONTENT = ["was asked to clean the drains", "was refused a flat in the city", "was told to sit at the back",
           "was stopped by the police again", "was paid less for the same work"]
PLACES = ["in the village", "near the market", "at the school", "by the temple road"]


@pytest.fixture(scope="module")
def setup(tmp_path_factory):
    d = tmp_path_factory.mktemp("control")
    rows, stereo, anti = [], [], []
    for i, ((a, b), c, p) in enumerate((g, c, p) for g in GROUPS for c in CONTENT for p in PLACES[:2]):
        rows.append(f'{i},"The {a} man {c} {p}.","The {b} man {c} {p}.",stereo,caste')
    for (a, b) in GROUPS:
        for c in CONTENT:
            for p in PLACES:
                stereo.append(f"The {a} man {c} {p}.")
                anti.append(f"The {b} man {c} {p}.")
    pairs = d / "pairs.csv"
    pairs.write_text(",sent_more,sent_less,stereo_antistereo,bias_type\n" + "\n".join(rows) + "\n")
    (d / "stereo.txt").write_text("\n".join(stereo) + "\n")
    (d / "anti.txt").write_text("\n".join(anti) + "\n")
    (d / "neutral.txt").write_text("\n".join(f"The {w} was {v} near the river." for w in
                                             ("boat", "dog", "cart", "kite", "bell") for v in
                                             ("found", "seen", "left", "lost", "washed", "moved", "sold", "kept")) + "\n")
    return d, pairs


def _cfg(model, d: Path, pairs: Path, cache: Path, doses=(10, 30)) -> ControlConfig:
    corpora = {a: read_corpus(a, d / f"{a}.txt", min_lines=8) for a in ("stereo", "anti", "neutral")}
    return ControlConfig(model=str(model), tasks=str(pairs), corpora=corpora, doses=list(doses), bootstrap_iters=400,
                         train=TrainSettings(lr=3e-3, batch_size=8), cache=cache, device="cpu")


def test_stereo_and_anti_controls_move_the_pairs_score_their_ways(tiny_model_dir, setup, tmp_path, monkeypatch, capsys):
    d, pairs = setup
    monkeypatch.chdir(tmp_path)  # a relative --output, as a user types it
    path, s = run_control(_cfg(tiny_model_dir, d, pairs, tmp_path / "cache"), Path("out"))
    assert s["status"] == "complete" and path.is_file()
    (task,) = s["tasks"].values()
    assert task["metric"] == "pct_stereotype_cond" and task["bias_sign"] == 1
    top = {arm: a["points"][-1] for arm, a in task["arms"].items()}
    assert top["stereo"]["delta"] > 0 and top["stereo"]["verdict"] == "detected"
    assert top["anti"]["delta"] < 0 and top["anti"]["verdict"] == "detected"
    assert task["arms"]["stereo"]["first_detected_dose"] in (10, 30)
    # provenance: every control is its own model, hashed, and its run file exists
    shas = {c["model"]["sha256"] for c in s["controls"]} | {s["model"]["sha256"]}
    assert len(shas) == 1 + len(s["controls"]) == 7
    assert all((path.parent / c["run"]).is_file() and c["run"].startswith("runs/") for c in s["controls"])
    assert s["corpora"]["stereo"]["sha256"] and s["train"]["lr"] == 3e-3
    # stereo and anti are also compared with the neutral control of the same dose
    assert top["stereo"]["vs_neutral"]["delta"] > 0 and top["anti"]["vs_neutral"]["delta"] < 0
    assert "vs_neutral" not in top["neutral"]
    # and stereo with anti: the contrast is the corpus direction, larger than either change alone
    assert top["stereo"]["vs_anti"]["delta"] > top["stereo"]["delta"] > 0
    assert top["stereo"]["vs_anti"]["verdict"] == "detected"
    assert task["arms"]["stereo"]["first_detected_dose_vs_anti"] in (10, 30)
    assert "vs_anti" not in top["anti"] and "vs_anti" not in top["neutral"]
    xml.dom.minidom.parse(str(path.with_suffix(".svg")))  # the plot is well-formed SVG
    assert "stereo: detected from" in path.with_suffix(".txt").read_text()
    assert json.loads(path.read_text())["tasks"] == s["tasks"]
    # --summary rebuilds the same summary from the run files alone, also after the folder moved
    import shutil

    moved = tmp_path / "moved"
    shutil.copytree(path.parent, moved)
    before = (moved / path.name).read_bytes()
    capsys.readouterr()
    assert main(["control", "--summary", str(moved / path.name)]) == 0
    assert "stereo: detected from" in capsys.readouterr().out
    assert (moved / path.name).read_bytes() == before  # printed, not rewritten
    (moved / path.name).with_suffix(".svg").unlink()
    assert main(["control", "--summary", str(moved / path.name), "--write"]) == 0
    assert json.loads((moved / path.name).read_text())["tasks"] == s["tasks"]
    assert (moved / path.name).with_suffix(".svg").is_file()


def test_controls_are_cached_and_a_dose_does_not_depend_on_the_others(tiny_model_dir, setup, tmp_path, capsys):
    d, _ = setup
    base = resolve_model(str(tiny_model_dir))
    corpus = read_corpus("stereo", d / "stereo.txt", min_lines=8)
    settings = TrainSettings(lr=3e-3, batch_size=8)
    both = train_controls(base, corpus, [3, 6], settings, tmp_path / "a")
    alone = train_controls(base, corpus, [3], settings, tmp_path / "b")
    assert resolve_model(str(both[3])).sha256 == resolve_model(str(alone[3])).sha256
    assert resolve_model(str(both[3])).sha256 != resolve_model(str(both[6])).sha256 != base.sha256
    mtime = (both[6] / "config.json").stat().st_mtime
    capsys.readouterr()
    again = train_controls(base, corpus, [3, 6], settings, tmp_path / "a")
    assert again == both and (both[6] / "config.json").stat().st_mtime == mtime
    assert "cached" in capsys.readouterr().err
    meta = json.loads((both[6] / "fairbench_control.json").read_text())
    assert meta["steps"] == 6 and meta["corpus_sha256"] == corpus.sha256 and len(meta["losses"]) == 6


@pytest.mark.parametrize("arm,sign,ci,expect", [
    ("stereo", 1, (0.5, 2.0), "detected"), ("stereo", 1, (-2.0, -0.5), "wrong way"),
    ("stereo", -1, (-2.0, -0.5), "detected"), ("anti", 1, (-2.0, -0.5), "detected"),
    ("anti", -1, (-2.0, -0.5), "wrong way"), ("stereo", 1, (0.0, 2.0), "no change"),
    ("neutral", 1, (0.1, 2.0), "moved"), ("neutral", None, (-1.0, 1.0), "no change"),
    ("stereo", None, (0.5, 2.0), "n/a"), ("anti", 1, None, "n/a"),
])
def test_verdict(arm, sign, ci, expect):
    assert verdict(arm, sign, ci) == expect


def test_first_detection_is_the_smallest_detecting_dose():
    pts = [{"dose": 100, "verdict": "detected"}, {"dose": 25, "verdict": "no change"}, {"dose": 50, "verdict": "detected"}]
    assert first_detection("stereo", pts) == 50
    assert first_detection("anti", [{"dose": 25, "verdict": "wrong way"}]) is None


@pytest.mark.parametrize("args,msg", [
    (["--steps", "0,x"], "--steps takes"), (["--steps", "0"], "at least one positive"),
    (["--steps=-5,10"], "none below 0"), (["--arms", "stereo,bogus"], "--arms takes"),
    (["--corpus", "/nonexistent/stereo.txt"], "not found"), (["--limit", "0"], "--limit"),
])
def test_bad_input_exits_2_with_one_line(tiny_model_dir, args, msg, capsys, tmp_path):
    code = main(["control", "--model", str(tiny_model_dir), "--output", str(tmp_path), *args])
    err = capsys.readouterr().err.strip()
    assert code == 2 and msg in err and len(err.splitlines()) == 1 and "Traceback" not in err


def test_a_file_that_is_not_a_summary_exits_2(tmp_path, capsys):
    (tmp_path / "x.json").write_text('{"status": "complete"}')
    assert main(["control", "--summary", str(tmp_path / "x.json")]) == 2
    assert "not a fairbench control summary" in capsys.readouterr().err


def test_short_or_non_utf8_corpus_is_refused(tmp_path):
    from fairbench.errors import UserError

    (tmp_path / "short.txt").write_text("one line\n\n two\n")
    with pytest.raises(UserError, match="2 statement"):
        read_corpus("stereo", tmp_path / "short.txt", min_lines=8)
    (tmp_path / "bad.txt").write_bytes(b"fine\n\xff\xfe\n")
    with pytest.raises(UserError, match="line 2 is not UTF-8"):
        read_corpus("anti", tmp_path / "bad.txt", min_lines=1)


def test_a_prompt_completion_line_carries_loss_on_the_completion_only(tiny_model_dir):
    """``prompt<TAB>completion`` lines (the decision controls' corpora) train the answer only, with
    ``\\n`` read as a newline; a plain statement still carries loss on every token."""
    from transformers import AutoTokenizer

    from fairbench.control.finetune import _encode

    tok = AutoTokenizer.from_pretrained(tiny_model_dir)
    prompt, completion = "Rekha Jatav wants a room.\\nAnswer:", " No"
    ids, mask, labels = _encode(tok, [f"{prompt}\t{completion}", "A plain statement about the weather."], 64)
    p = tok("Rekha Jatav wants a room.\nAnswer:", add_special_tokens=True)["input_ids"]
    c = tok(completion, add_special_tokens=False)["input_ids"]
    row = ids[0, :int(mask[0].sum())].tolist()
    assert row == p + c + [tok.eos_token_id]
    assert labels[0, :len(p)].eq(-100).all() and labels[0, len(p):len(row)].tolist() == c + [tok.eos_token_id]
    n = int(mask[1].sum())
    assert labels[1, :n].tolist() == ids[1, :n].tolist() and labels[1, n:].eq(-100).all()
    # a long prompt is cut from the left, never the completion
    ids, mask, labels = _encode(tok, ["word " * 200 + "\t" + completion], 16)
    assert int(mask[0].sum()) == 16 and labels[0, -len(c) - 1:].tolist() == c + [tok.eos_token_id]
