"""Bad input: one line on stderr, exit code 2, no traceback, before any model loads."""

import subprocess
import sys

import pytest

from fairbench.cli import main

PAIRS = str(__import__("pathlib").Path(__file__).parent / "fixtures" / "pairs.csv")


@pytest.mark.parametrize(
    "argv, expect",
    [
        (["run", "--model", "no-such-model", "--tasks", PAIRS], "unknown model"),
        (["run", "--model", "missing.gguf", "--tasks", PAIRS], "not found"),
        (["run", "--tasks", "castes"], "unknown task"),
        (["run", "--tasks", "missing_file.csv"], "no such file"),
        (["run", "--tasks", "caste", "--lang", "fr"], "unknown --lang"),
        (["run", "--tasks", PAIRS, "--form", "bogus"], "unknown --form"),
        (["run", "--tasks", "caste", "--limit", "0"], "--limit"),
        (["show", "missing.json"], "no such results file"),
        (["run", "--tasks", "lens_caste,caste_pairs"], "run lens tasks on their own"),
        (["run", "--tasks", "lens_nope"], "unknown lens task"),
        (["run", "--tasks", PAIRS, "--mitigation", "ambedkar:alpha=x"], "alpha"),
        (["run", "--tasks", PAIRS, "--mitigation", "nope"], "unknown mitigation"),
        (["run", "--tasks", PAIRS, "--draft-model", "x"], "go with --mitigation ambedkar"),
        (["run", "--tasks", PAIRS, "--mitigation", "uddia", "--verifier-model", "x"], "go with --mitigation ambedkar"),
        (["run", "--model", "diffusers:/no/such/folder", "--tasks", "t2i_objects"], "diffusers model"),
        (["run", "--tasks", PAIRS, "--batch-size", "0"], "--batch-size must be at least 1"),
        (["run", "--tasks", "lens_caste", "--limit", "0"], "--limit must be a positive number of triples"),
        (["lens", "--target", "doctor", "--refs", "Brahmin,Dalit", "--boot", "-1"], "--boot must be >= 0"),
        (["t2i", "run", "--model", "diffusers:/no/such", "--limit", "0"], "--limit must be a positive number of prompts"),
        *[(["t2i", "run", "--model", "diffusers:/no/such", flag, "0"], "--steps and --bd-images must be at least 1")
          for flag in ("--batch-size", "--images-per-prompt", "--steps", "--bd-images")],
        (["t2i", "score", "--captions", "/no/such.jsonl"], "/no/such.jsonl: no such captions file"),
        (["t2i", "score", "--captions", "/no/such.jsonl", "--bd-images", "0"], "--bd-images must be at least 1"),
    ],
)
def test_bad_input_exits_2_with_one_line(argv, expect, capsys):
    assert main(argv) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("fairbench: error:") and expect in err[0]


@pytest.mark.parametrize("suffix", [".jsonl", ".csv"])
def test_data_file_that_is_not_utf8_names_the_line(tmp_path, capsys, suffix):
    bad = tmp_path / f"latin1{suffix}"
    text = ('{"sent_more": "a x", "sent_less": "b x"}\n{"sent_more": "caf\u00e9 x", "sent_less": "d x"}\n'
            if suffix == ".jsonl" else "sent_more,sent_less\na x,b x\ncaf\u00e9 x,d x\n")
    bad.write_bytes(text.encode("latin-1"))
    assert main(["run", "--tasks", str(bad)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    line = 2 if suffix == ".jsonl" else 3  # the csv header is line 1
    assert err == [f"fairbench: error: {bad}:{line}: not UTF-8 text (byte 0xe9); save the file as UTF-8"]


def test_output_that_is_a_file_is_one_line(tmp_path, tiny_model_dir, capsys):
    out = tmp_path / "taken"
    out.write_text("x")
    assert main(["run", "--model", str(tiny_model_dir), "--tasks", PAIRS, "--output", str(out)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [f"fairbench: error: --output {out} is a file, not a folder"]


def test_malformed_rows_name_the_line(tmp_path, capsys):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"sent_more": "a x", "sent_less": "b x"}\n{"sent_more": "c x"}\n')
    assert main(["run", "--tasks", str(bad)]) == 2
    assert f"{bad}:2: missing sent_less" in capsys.readouterr().err
    bad.write_text('{"sent_more": "a", "sent_less": "b"}\nnot json\n')
    assert main(["run", "--tasks", str(bad)]) == 2
    assert f"{bad}:2: not valid JSON" in capsys.readouterr().err
    empty = tmp_path / "empty.csv"
    empty.write_text("sent_more,sent_less\n")
    assert main(["run", "--tasks", str(empty)]) == 2
    assert "no rows" in capsys.readouterr().err
    odd = tmp_path / "odd.jsonl"
    odd.write_text('{"text": "hello"}\n')
    assert main(["run", "--tasks", str(odd)]) == 2
    assert "cannot tell the format" in capsys.readouterr().err


def test_bad_bbq_label_and_answer_info(tmp_path, fixtures, capsys):
    rows = (fixtures / "bbq.jsonl").read_text().splitlines()
    bad = tmp_path / "bbq.jsonl"
    bad.write_text(rows[0] + "\n" + rows[1].replace('"label": 1', '"label": 5') + "\n")
    assert main(["run", "--tasks", str(bad)]) == 2
    assert ":2: label must be 0, 1 or 2" in capsys.readouterr().err
    bad.write_text(rows[0].replace('"unknown"', '"Jain"') + "\n")
    assert main(["run", "--tasks", str(bad)]) == 2
    assert ":1: bad answer_info" in capsys.readouterr().err


def test_show_rejects_non_results_json(tmp_path, capsys):
    f = tmp_path / "x.json"
    f.write_text('{"a": 1}')
    assert main(["show", str(f)]) == 2
    assert "not a fairbench results file" in capsys.readouterr().err


def test_lens_api_rejects_negative_resamples_before_the_model():
    """``lens_boot`` has no flag on ``fairbench run``; a script sets it through the API."""
    from fairbench.errors import UserError
    from fairbench.lens import run_lens_tasks

    with pytest.raises(UserError, match="concept resamples must be >= 0") as e:
        run_lens_tasks("no-such-model", "lens_caste", boot=-1)
    assert "\n" not in str(e.value)


def test_no_free_run_id_is_one_line(tmp_path, monkeypatch, capsys):
    """Every run id of this second taken (999 of them): one line, exit 2, nothing overwritten."""
    import json

    import fairbench.results

    monkeypatch.setattr(fairbench.results, "run_stem", lambda label, stamp: "busy")
    out = tmp_path / "out"
    out.mkdir()
    for k in range(1, 1000):
        (out / ("busy.samples.jsonl" if k == 1 else f"busy-{k}.samples.jsonl")).write_text("taken\n")
    caps = tmp_path / "caps.jsonl"
    caps.write_text(json.dumps({"prompt": "a picture of a dog", "caption": "a dog on the road"}) + "\n")
    argv = ["t2i", "score", "--captions", str(caps), "--output", str(out), "--bootstrap-iters", "20", "--bd-images", "1"]
    assert main(argv) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [f"fairbench: error: {out}: no free run id for busy"]
    assert not list(out.glob("*.json")) and (out / "busy-999.samples.jsonl").read_text() == "taken\n"


def test_console_script_has_no_traceback_on_bad_input():
    p = subprocess.run([sys.executable, "-m", "fairbench", "run", "--tasks", "nope"], capture_output=True, text=True)
    assert p.returncode == 2 and "Traceback" not in p.stderr and p.stderr.count("\n") == 1
