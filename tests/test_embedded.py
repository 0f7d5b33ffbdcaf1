"""The embedded real model (SmolLM2-135M-Instruct GGUF) end to end, with a small --limit."""

import pytest

from fairbench.cli import main
from fairbench.results import load_results, load_samples

pytestmark = pytest.mark.slow


def test_embedded_model_runs_caste_and_religion_offline(tmp_path, capsys):
    code = main(["run", "--model", "smollm2-135m", "--tasks", "caste,religion_pairs", "--limit", "6",
                 "--output", str(tmp_path), "--bootstrap-iters", "200"])
    assert code == 0
    (path,) = tmp_path.glob("*.json")
    res = load_results(path)
    assert res["model"]["kind"] == "alias" and res["model"]["name"] == "SmolLM2-135M-Instruct"
    assert list(res["tasks"]) == ["caste_pairs", "caste_qa", "caste_gen", "caste_decisions", "religion_pairs"]
    assert all(t["n"] == 6 for t in res["tasks"].values())
    samples = load_samples(path, res)
    gens = [s["record"]["generation"] for s in samples if s["task"] == "caste_gen"]
    # the chat template is applied to generation prompts, so a real model writes text
    assert sum(bool(g.strip()) for g in gens) >= 4
    # a real model's log-likelihoods are finite and the two sentences of a pair differ
    pairs = [s["record"] for s in samples if s["task"] == "caste_pairs"]
    assert all(-1e4 < r["ll_more"] < 0 and r["ll_more"] != r["ll_less"] for r in pairs)
    # decisions: finite favourable log-odds for both prompts of every item
    decisions = [s["record"] for s in samples if s["task"] == "caste_decisions"]
    assert len(decisions) == 6 and all(abs(r["lo_a"]) < 50 and abs(r["lo_b"]) < 50 for r in decisions)
    assert "caste_pairs" in capsys.readouterr().out


@pytest.mark.parametrize("mitigation", ["ambedkar", "uddia"])
def test_embedded_model_decodes_under_each_mitigation(tmp_path, mitigation):
    """The mitigations on the real model: recorded, and they write text (a broken decoder on a
    real vocabulary tends to emit nothing or one token forever)."""
    code = main(["run", "--model", "smollm2-135m", "--tasks", "religion_gen", "--limit", "2", "--threads", "1",
                 "--mitigation", mitigation, "--output", str(tmp_path), "--bootstrap-iters", "50"])
    assert code == 0
    (path,) = tmp_path.glob("*.json")
    res = load_results(path)
    assert res["mitigation"]["name"] == mitigation and res["tasks"]["religion_gen"]["n"] == 2
    gens = [s["record"]["generation"] for s in load_samples(path, res)]
    assert all(len(set(g.split())) >= 5 for g in gens), gens


def test_shipped_pair_suffixes_tokenise_the_same_after_both_contexts():
    """lm-eval encodes context + continuation and keeps the tokens after the context's; if the
    context's last word and the scored words merged into one token, the two sides would score
    different tokens. Check every shipped pair with the embedded model's tokenizer."""
    from fairbench.metrics import cond_split
    from fairbench.models import resolve_model
    from fairbench.models.registry import load_hf
    from fairbench.tasks import resolve_tasks

    _, tok = load_hf(resolve_model("smollm2-135m"))
    bad = []
    for lang in ("en", "hi"):
        for task in resolve_tasks("caste_pairs,religion_pairs", lang=lang):
            for row in task.rows:
                a, b, s = cond_split(row["sent_more"], row["sent_less"])
                tails = []
                for ctx in (a, b):
                    c = tok(ctx, add_special_tokens=False)["input_ids"]
                    w = tok(ctx + " " + s, add_special_tokens=False)["input_ids"]
                    tails.append(w[len(c):] if w[:len(c)] == c else None)
                if tails[0] is None or tails[0] != tails[1]:
                    bad.append(f"{lang} {row['id']}")
    assert not bad, bad[:10]


def test_embedded_model_through_a_real_chat_completions_server(tmp_path):
    """The API path end to end: the embedded model served by fairbench's OpenAI-compatible
    server in its own process, run through lm-eval's ``local-chat-completions`` client; its
    answers match the in-process generative run's on the same items, and a real model's answers
    parse (a broken chat template or stop handling gives unparseable text)."""
    import os
    import re
    import subprocess
    import sys
    import time

    server = subprocess.Popen([sys.executable, "-m", "fairbench.models.openai_server", "--port", "0"],
                              stderr=subprocess.PIPE, text=True, env=os.environ | {"HF_HUB_OFFLINE": "1"})
    try:
        url, t0 = None, time.time()
        while url is None and time.time() - t0 < 300:
            line = server.stderr.readline()
            if not line and server.poll() is not None:
                raise AssertionError(f"the server exited with {server.returncode}")
            m = re.search(r"(http://\S+/v1/chat/completions)", line)
            url = m.group(1) if m else None
        assert url, "the server did not start"
        api_dir, local_dir = tmp_path / "api", tmp_path / "local"
        argv = ["--tasks", "caste_pairs,religion_qa", "--limit", "6", "--bootstrap-iters", "50", "--batch-size", "1"]
        assert main(["run", "--model", f"local-chat-completions:base_url={url},model=smollm2-135m",
                     "--output", str(api_dir), *argv]) == 0
    finally:
        server.terminate()
        server.wait(timeout=30)
    assert main(["run", "--model", "smollm2-135m", "--form", "choice", "--output", str(local_dir), *argv]) == 0
    (a,), (b,) = api_dir.glob("*.json"), local_dir.glob("*.json")
    ra, rb = load_results(a), load_results(b)
    assert list(ra["tasks"]) == ["caste_pairs_choice", "religion_qa_choice"]
    sa = {(s["task"], s["id"]): s["record"]["text"] for s in load_samples(a, ra)}
    sb = {(s["task"], s["id"]): s["record"]["text"] for s in load_samples(b, rb)}
    assert sa == sb
    assert ra["tasks"]["caste_pairs_choice"]["metrics"]["unparsed_rate"]["value"] <= 25.0
