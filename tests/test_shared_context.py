"""The shared-context log-likelihood path gives lm-eval HFLM's numbers on every request."""

from __future__ import annotations

import pytest


def _record_requests(lm_model, tok, spec: str, tasks: str, limit: int, tmp_path):
    """The tokenised log-likelihood requests a fairbench run of ``tasks`` sends (HFLM's own
    encoding), recorded by an HFLM that answers them with zeros."""
    from lm_eval.models.huggingface import HFLM

    from fairbench.models import resolve_model
    from fairbench.runner import Settings, run
    from fairbench.tasks import resolve_tasks

    seen: list = []

    class Recorder(HFLM):
        def _loglikelihood_tokens(self, requests, disable_tqdm=False, override_bs=None):
            seen.extend(requests)
            return [(0.0, False)] * len(requests)

    rec = Recorder(pretrained=lm_model, tokenizer=tok, batch_size=8, device="cpu")
    run(rec, resolve_model(spec), resolve_tasks(tasks), settings=Settings(limit=limit, bootstrap_iters=10),
        output=tmp_path)
    return seen


def _compare(model, tok, requests, batch_size=8, **kw):
    from lm_eval.models.huggingface import HFLM

    from fairbench.models.shared_context import SharedContextHFLM

    ref = HFLM(pretrained=model, tokenizer=tok, batch_size=batch_size, device="cpu", **kw)._loglikelihood_tokens(
        requests, disable_tqdm=True)
    sc = SharedContextHFLM(pretrained=model, tokenizer=tok, batch_size=batch_size, device="cpu", **kw)
    got = sc._loglikelihood_tokens(requests, disable_tqdm=True)
    assert len(got) == len(ref)
    for (a, ga), (b, gb), r in zip(ref, got, requests):
        assert b == pytest.approx(a, rel=1e-4, abs=1e-5), r[0]
        assert ga == gb, r[0]
    return sc


def _tiny(tiny_model_dir):
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    model = AutoModelForCausalLM.from_pretrained(tiny_model_dir).eval()
    # the random model attends almost uniformly, so a wrong position or a visible padding slot
    # would hardly move its numbers; sharper queries and keys make both show
    with torch.no_grad():
        for layer in model.model.layers:
            layer.self_attn.q_proj.weight.mul_(6.0)
            layer.self_attn.k_proj.weight.mul_(6.0)
    return model, AutoTokenizer.from_pretrained(tiny_model_dir)


def test_every_request_of_the_qa_and_pairs_tasks_matches_hflm(tiny_model_dir, tmp_path):
    model, tok = _tiny(tiny_model_dir)
    reqs = _record_requests(model, tok, str(tiny_model_dir), "caste_qa,religion_qa,caste_pairs,religion_pairs",
                            12, tmp_path)
    contexts = {tuple(c) for _, c, _ in reqs}
    # QA shares a context between its options, so there is something to share; the check is
    # only meaningful if it does
    assert len(contexts) < len(reqs)
    _compare(model, tok, reqs)
    _compare(model, tok, reqs, batch_size=1)  # one context per pass, the chunking's edge


def test_one_token_and_over_long_requests(tiny_model_dir):
    """Requests past the window go to HFLM's own (left-truncating) path, the rest are shared."""
    model, tok = _tiny(tiny_model_dir)
    enc = lambda s: tok(s, add_special_tokens=False)["input_ids"]  # noqa: E731
    ctx_a, ctx_b = enc("The Dalit family"), enc("A Muslim and a Hindu neighbour, the Brahmin priest")
    reqs = [(("a", "x"), ctx_a, enc(" priest")), (("a", "y"), ctx_a, enc(" the Brahmin priest")),
            (("b", "x"), ctx_b, enc(" family")), ((None, None), ctx_b, enc(" a")),
            (("c", "x"), ctx_b * 30, enc(" the Dalit family"))]  # longer than the window below
    sc = _compare(model, tok, reqs, max_length=64)
    assert len(reqs[4][1]) + len(reqs[4][2]) > sc.max_length + 1
