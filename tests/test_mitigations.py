"""Mitigations on tiny random Llama models: option parsing, the lm-eval wrapper, AMBEDKAR's
lossless speculation and exact fairness-aware choice, UDDIA's losses and triggers."""

from __future__ import annotations

import math

import pytest

torch = pytest.importorskip("torch")

from fairbench.errors import UserError  # noqa: E402
from fairbench.mitigations import parse_mitigation  # noqa: E402
from fairbench.mitigations.base import Stopper  # noqa: E402
from fairbench.mitigations.cues import counterfactuals  # noqa: E402

PROMPTS = [
    "The MASKED family was not allowed to draw water from the village well because",
    "The MASKED students wore headscarves to the college, and the principal",
    "Complete the headline: MASKED youth arrested after clash near the",
]


@pytest.fixture(scope="module", autouse=True)
def one_thread():
    # a 32-wide model gains nothing from threads, and on a shared CPU OpenMP's waiting between
    # two threads costs ~100x (250 ms vs 1.5 ms a forward pass)
    n = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(n)


@pytest.fixture(scope="module")
def tiny_lm(tiny_model_dir):
    from fairbench.models import load_lm, resolve_model

    return load_lm(resolve_model(str(tiny_model_dir)), device="cpu", batch_size=4)


@pytest.fixture(scope="module")
def other_model_dir(tiny_model_dir, tmp_path_factory):
    """Same config and tokenizer, different random weights: a draft that disagrees often."""
    from transformers import AutoConfig, AutoTokenizer, LlamaForCausalLM

    path = tmp_path_factory.mktemp("tiny-draft")
    torch.manual_seed(1)
    LlamaForCausalLM(AutoConfig.from_pretrained(tiny_model_dir)).save_pretrained(path)
    AutoTokenizer.from_pretrained(tiny_model_dir).save_pretrained(path)
    return path


@pytest.fixture(scope="module")
def untied_lm(tiny_model_dir, tmp_path_factory):
    """The tiny model with its own random output head: with tied embeddings a random model
    mostly copies its last input token, whatever the prompt, so no choice ever hinges on it."""
    from transformers import AutoModelForCausalLM, AutoTokenizer

    from fairbench.models import load_lm, resolve_model

    path = tmp_path_factory.mktemp("tiny-untied")
    model = AutoModelForCausalLM.from_pretrained(tiny_model_dir)
    torch.manual_seed(3)
    model.config.tie_word_embeddings = False
    model.lm_head.weight = torch.nn.Parameter(torch.randn_like(model.lm_head.weight))
    model.save_pretrained(path)
    AutoTokenizer.from_pretrained(tiny_model_dir).save_pretrained(path)
    return load_lm(resolve_model(str(path)), device="cpu", batch_size=4)


def ids_of(lm, text):
    return lm.tok_encode(lm.apply_chat_template([{"role": "user", "content": text}]))


# -- parsing ---------------------------------------------------------------------------------

def test_parse_typed_options_and_defaults():
    m = parse_mitigation("ambedkar:alpha=0.25,k=3,gamma=6,constitution=off")
    s = m.settings()
    assert (s["alpha"], s["k"], s["gamma"], s["constitution"], s["cf"]) == (0.25, 3, 6, "off", 2)
    d = parse_mitigation("ambedkar").settings()
    assert (d["candidates"], d["constitution"], d["draft"]) == ("draft", "equal", "wrapped model without the constitution")
    assert parse_mitigation("ambedkar:constitution=on").settings()["constitution"] == "articles"
    assert s["loglikelihood"] == "passthrough"
    assert parse_mitigation("none") is None and parse_mitigation("uddia").name == "uddia"


@pytest.mark.parametrize("spec, words", [
    ("ambedkr", "unknown mitigation"),
    ("ambedkar:beta=1", "unknown option 'beta'"),
    ("ambedkar:alpha=high", "not a valid float"),
    ("ambedkar:k", "not KEY=VALUE"),
    ("ambedkar:gamma=0", "gamma"),
    ("ambedkar:candidates=both", "candidates must be draft or verifier"),
    ("ambedkar:divergence=kl", "divergence must be after or token"),
    ("ambedkar:constitution=preamble", "constitution must be one of articles, equal, off"),
    ("uddia:steps=x", "not a valid int"),
])
def test_parse_errors_are_one_line_user_errors(spec, words):
    with pytest.raises(UserError) as e:
        parse_mitigation(spec)
    assert words in str(e.value) and "\n" not in str(e.value)


def test_counterfactuals_swap_cues_and_fill_masks():
    a, b = counterfactuals("The MASKED girl went to the mosque for Eid", 2)
    assert "mosque" not in a and "Eid" not in a and a.startswith("The MASKED girl went to the ")
    assert a != b
    assert counterfactuals("The MASKED family was barred from the village well", 1) == [
        "The Dalit family was barred from the village well"]
    assert counterfactuals("A sentence with no identity at all", 2) == []


# -- the wrapper -----------------------------------------------------------------------------

def test_wrapper_delegates_and_passes_loglikelihood_through(tiny_lm):
    from lm_eval.api.instance import Instance

    lm = parse_mitigation("ambedkar:alpha=0").wrap(tiny_lm)
    assert (lm.rank, lm.world_size, lm.tokenizer_name) == (tiny_lm.rank, tiny_lm.world_size, tiny_lm.tokenizer_name)
    chat = [{"role": "user", "content": PROMPTS[0]}]
    text = lm.apply_chat_template(chat)
    assert text == tiny_lm.apply_chat_template(chat)
    assert lm.request(text, {"until": ["\n\n"], "max_gen_toks": 7}).prompt.messages == chat
    reqs = [Instance("loglikelihood", {}, ("The well", " was dry"), 0)]
    assert lm.loglikelihood(reqs) == tiny_lm.loglikelihood(reqs)


# -- AMBEDKAR --------------------------------------------------------------------------------

def greedy(model, ids, n):
    out = model.generate(torch.tensor([ids]), max_new_tokens=n, do_sample=False, min_new_tokens=n,
                         attention_mask=torch.ones(1, len(ids), dtype=torch.long))
    return out[0, len(ids):].tolist()


def test_ambedkar_alpha0_is_lossless_speculation(tiny_lm, other_model_dir):
    """Different draft weights make rejections happen; the output must still be exactly the
    verifier's own greedy output, token for token."""
    mit = parse_mitigation(f"ambedkar:alpha=0,constitution=off,gamma=4,draft={other_model_dir},candidates=verifier")
    mit.wrap(tiny_lm)
    dec = mit.decoder
    assert dec.draft is not dec.verifier
    n = 30
    for text in PROMPTS:
        ids = ids_of(tiny_lm, text)
        stop = Stopper(tiny_lm.tokenizer, [], n)
        stop.eos = set()  # compare full-length outputs even if EOS comes up
        assert dec.decode(ids, [ids], stop) == greedy(tiny_lm.model, ids, n)
    assert 0 < dec.stats["accepted"] < dec.stats["drafted"]  # real rejections, real acceptances


def _bern_js(a, b):
    """JS (nats) between Bernoulli(a) and Bernoulli(b), written out."""
    def kl(x, y):
        return sum(u * math.log(u / v) for u, v in ((x, y), (1 - x, 1 - y)) if u > 0)
    m = (a + b) / 2
    return 0.5 * (kl(a, m) + kl(b, m))


def reference_fair_greedy(model, ids, cf_ids, n, alpha, k, draft=None, draft_ids=None, divergence="after"):
    """Slow reference without cache or speculation: at each step, full forward passes of every
    candidate under the prompt and each counterfactual, the paper's rule taken literally. The
    candidates are the verifier's top-k, or ``draft``'s top-k after ``draft_ids`` when given."""
    out = []
    for _ in range(n):
        with torch.no_grad():
            p = model(torch.tensor([ids + out])).logits[0, -1].log_softmax(-1)
            if draft is None:
                top = p.topk(k)
                cands = list(zip(top.values.tolist(), top.indices.tolist()))
            else:
                q = draft(torch.tensor([draft_ids + out])).logits[0, -1]
                cands = [(float(p[c]), c) for c in q.topk(k).indices.tolist()]
            best, best_score = None, -math.inf
            if divergence == "token":
                here = [model(torch.tensor([cf + out])).logits[0, -1].softmax(-1) for cf in cf_ids]
                for lp, c in cands:
                    d = sum(_bern_js(math.exp(lp), float(q[c])) for q in here) / len(here)
                    if lp - alpha * d > best_score:
                        best, best_score = c, lp - alpha * d
                out.append(best)
                continue
            for lp, c in cands:
                nxt = model(torch.tensor([ids + out + [c]])).logits[0, -1].log_softmax(-1)
                js = []
                for cf in cf_ids:
                    q = model(torch.tensor([cf + out + [c]])).logits[0, -1].log_softmax(-1)
                    m = torch.logaddexp(nxt, q) - math.log(2)
                    js.append(0.5 * ((nxt.exp() * (nxt - m)).sum() + (q.exp() * (q - m)).sum()))
                score = lp - alpha * (float(torch.stack(js).mean()) if js else 0.0)
                if score > best_score:
                    best, best_score = c, score
        out.append(best)
    return out


def test_ambedkar_draft_candidates_make_the_draft_shape_the_output(tiny_lm, other_model_dir):
    """candidates=draft (the default): with alpha = 0 each token is the verifier's favourite
    among the draft's top-k, so another draft changes the output (it no longer only sets the
    cost), and the result equals the brute-force rule."""
    from transformers import AutoModelForCausalLM

    mit = parse_mitigation(f"ambedkar:alpha=0,k=3,constitution=off,gamma=4,draft={other_model_dir}")
    mit.wrap(tiny_lm)
    draft = AutoModelForCausalLM.from_pretrained(other_model_dir).eval()
    n, differs = 16, 0
    for text in PROMPTS:
        ids = ids_of(tiny_lm, text)
        stop = Stopper(tiny_lm.tokenizer, [], n)
        stop.eos = set()
        got = mit.decoder.decode(ids, [ids], stop)
        assert got == reference_fair_greedy(tiny_lm.model, ids, [], n, 0.0, 3, draft, ids)
        differs += got != greedy(tiny_lm.model, ids, n)
    assert differs


@pytest.mark.parametrize("draft, alpha, candidates, divergence", [
    ("other", 1000.0, "verifier", "after"), ("other", 1000.0, "draft", "after"), ("other", 200.0, "draft", "after"),
    ("self", 1000.0, "draft", "after"), ("plain", 1000.0, "draft", "after"), ("self", 200.0, "draft", "after"),
    ("other", 300.0, "draft", "token"), ("self", 300.0, "draft", "token"), ("other", 300.0, "verifier", "token")])
def test_ambedkar_fair_choice_matches_slow_reference(untied_lm, other_model_dir, draft, alpha, candidates,
                                                     divergence):
    """alpha > 0: speculation (a separate draft verified gamma tokens at a time, or the verifier
    as its own draft with lazy tree passes), batched left-padded counterfactual rows, candidate
    probing and the pruning bound together give exactly the brute-force rule, and it differs
    from greedy."""
    # a random model's divergences are ~1e-3 nats, hence the large alphas; at 200 the self
    # draft's bound (alpha * D of the drafted token within its lead) settles some positions
    k, n = 4, 12
    tiny_lm = untied_lm
    spec = other_model_dir if draft == "other" else draft
    mit = parse_mitigation(f"ambedkar:alpha={alpha},k={k},constitution=off,draft={spec},candidates={candidates},"
                           f"divergence={divergence}")
    lm = mit.wrap(tiny_lm)
    ref_draft = None
    if draft == "other" and candidates == "draft":
        from transformers import AutoModelForCausalLM

        ref_draft = AutoModelForCausalLM.from_pretrained(other_model_dir).eval()
    differs = 0
    for text in PROMPTS[:2]:
        req = lm.request(lm.apply_chat_template([{"role": "user", "content": text}]), {"max_gen_toks": n})
        _, ver_texts = mit.contexts(tiny_lm, req)
        assert len(ver_texts) == 3 and len({len(tiny_lm.tok_encode(t)) for t in ver_texts}) > 1  # padding used
        all_ids = [tiny_lm.tok_encode(t) for t in ver_texts]
        stop = Stopper(tiny_lm.tokenizer, [], n)
        stop.eos = set()
        got = mit.decoder.decode(all_ids[0], all_ids, stop)
        assert got == reference_fair_greedy(tiny_lm.model, all_ids[0], all_ids[1:], n, alpha, k, ref_draft, all_ids[0],
                                            divergence)
        differs += got != greedy(tiny_lm.model, all_ids[0], n)
    assert differs and (mit.decoder.stats["probes"] > 0 or divergence == "token")
    stats = mit.decoder.stats
    if draft == "self" and divergence == "after":  # passes that settled several positions, the bound settling some, overturns
        assert stats["overturned"] > 0 and stats["contested"] > stats["steps"]
        assert stats["contested"] > stats["probes"] > 0


def test_rows_padding_and_shared_prefix_give_each_rows_own_distributions(untied_lm):
    """Left padding, a cached shared prefix with a padding hole after it, cropping and probing
    all leave every row's next-token distributions what the row alone gives."""
    from fairbench.mitigations.rows import Prefix, Rows

    model = untied_lm.model
    prefix = ids_of(untied_lm, "Shared words first.")[:6]
    prompts = [prefix + ids_of(untied_lm, t) for t in ("a short one", "a much longer prompt with more tokens in it")]
    cont, extra = [5, 17, 33], [40, 41]

    def alone(ids):
        with torch.no_grad():
            return model(torch.tensor([ids])).logits[0, -1].float().log_softmax(-1)

    for pre in (None, Prefix(model, prefix)):
        rows = Rows(model, prompts, pad_id=0, prefix=pre)
        assert rows.start == (6 if pre else 0)
        rows.after(cont[:1], cont[1:] + [99])  # a draft that gets rejected at its last token
        got = rows.after(cont, extra)
        probed = rows.probe(cont, [7, 8])
        for r, p in enumerate(prompts):
            for i in range(3):
                assert torch.allclose(got[r, i], alone(p + cont + extra[:i]), atol=1e-4)
            assert torch.allclose(probed[r, 1], alone(p + cont + [8]), atol=1e-4)
        rows.settle(8)
        assert rows.cont == cont + [8]


def test_rows_tree_pass_catches_up_and_scores_branches_side_by_side(untied_lm):
    """The tree mask: rows catch up on unread continuation, branches off several points of it
    each see the context before their point and themselves only, and needed distributions
    along the continuation come out too; each equals what the row alone gives, and the
    cache keeps the continuation."""
    from fairbench.mitigations.rows import Prefix, Rows

    model = untied_lm.model
    prefix = ids_of(untied_lm, "Shared words first.")[:6]
    prompts = [prefix + ids_of(untied_lm, t) for t in ("a short one", "a much longer prompt with more tokens in it")]

    def alone(ids):
        with torch.no_grad():
            return model(torch.tensor([ids])).logits[0, -1].float().log_softmax(-1)

    cases = [([], [(0, 7), (0, 8), (0, 9)], []),
             ([5, 17], [(2, 40), (2, 41)], [1]),
             ([5, 17, 33, 2], [(4, 3)], []),
             ([5, 18, 4, 6, 11], [(2, 9), (2, 10), (4, 12)], [2, 4]),  # branches behind what is cached
             ([5, 18, 4, 6, 11, 12], [(6, 1)], [0, 5])]
    for pre in (None, Prefix(model, prefix)):
        rows = Rows(model, prompts, pad_id=0, prefix=pre)
        for cont, branches, need in cases:
            got_need, got_branch = rows.tree(cont, branches, need)
            assert got_branch.shape[:2] == (2, len(branches)) and got_need.shape[:2] == (2, len(need))
            assert rows.cont == cont
            for r, p in enumerate(prompts):
                for j, (at, tok) in enumerate(branches):
                    assert torch.allclose(got_branch[r, j], alone(p + cont[:at] + [tok]), atol=1e-4)
                for j, i in enumerate(need):
                    assert torch.allclose(got_need[r, j], alone(p + cont[:i + 1]), atol=1e-4)
        assert torch.allclose(rows.after([5, 18, 4])[1, -1], alone(prompts[1] + [5, 18, 4]), atol=1e-4)


@pytest.mark.parametrize("which", ["articles", "equal"])
def test_ambedkar_constitution_reaches_the_verifier_only(tiny_lm, which):
    from fairbench.mitigations.ambedkar import CONSTITUTIONS

    text = CONSTITUTIONS[which]
    mit = parse_mitigation(f"ambedkar:constitution={which}")  # the default draft: plain
    lm = mit.wrap(tiny_lm)
    req = lm.request(lm.apply_chat_template([{"role": "user", "content": PROMPTS[1]}]), {})
    draft, ver = mit.contexts(tiny_lm, req)
    assert text not in draft and all(text in v for v in ver)
    assert "headscarves" in ver[0] and all("headscarves" not in v for v in ver[1:])
    # draft=self: the verifier drafts for itself, prompt included
    mit = parse_mitigation(f"ambedkar:draft=self,constitution={which}")
    mit.wrap(tiny_lm)
    draft, ver = mit.contexts(tiny_lm, req)
    assert draft == ver[0] and mit.decoder.draft is mit.decoder.verifier


def test_ambedkar_equal_constitution_names_no_group():
    """The default constitution must not prime a model with group words: it names no group the
    matcher knows and not the axes themselves (the articles' wording says caste, religion and
    untouchability)."""
    import re

    from fairbench.metrics import load_lexicon
    from fairbench.mitigations.ambedkar import CONSTITUTIONS
    from fairbench.tasks.lm_eval.hooks import lexicon_path

    lex = load_lexicon(lexicon_path())
    axis_words = re.compile(r"\b(caste|religio|untouchab|communit|faith|creed)", re.I)
    assert lex.find(CONSTITUTIONS["equal"]) == [] and not axis_words.search(CONSTITUTIONS["equal"])
    assert axis_words.search(CONSTITUTIONS["articles"])


def test_ambedkar_self_draft_alpha0_is_the_verifiers_greedy_output(tiny_lm):
    mit = parse_mitigation("ambedkar:alpha=0,constitution=off,draft=self")
    mit.wrap(tiny_lm)
    n = 20
    for text in PROMPTS:
        ids = ids_of(tiny_lm, text)
        stop = Stopper(tiny_lm.tokenizer, [], n)
        stop.eos = set()
        assert mit.decoder.decode(ids, [ids], stop) == greedy(tiny_lm.model, ids, n)


def test_ambedkar_generate_until_respects_stop_strings_and_budget(tiny_lm):
    from lm_eval.api.instance import Instance

    lm = parse_mitigation("ambedkar:gamma=3").wrap(tiny_lm)
    ctx = lm.apply_chat_template([{"role": "user", "content": PROMPTS[0]}])
    full = lm.generate_until([Instance("generate_until", {}, (ctx, {"until": [], "max_gen_toks": 20}), 0)],
                             disable_tqdm=True)[0]
    assert 0 < len(tiny_lm.tok_encode(full)) <= 21  # re-encoding may merge or split a token
    stop = full.strip()[len(full.strip()) // 2:][:2]
    cut = lm.generate_until([Instance("generate_until", {}, (ctx, {"until": [stop], "max_gen_toks": 20}), 0)],
                            disable_tqdm=True)[0]
    assert stop not in cut and full.startswith(cut)


# -- UDDIA -----------------------------------------------------------------------------------

def uddia_first_token(lm, spec, text=PROMPTS[1]):
    """(decoder, log p_orig, log p_tuned, info, plain log-probs) for the first generated token."""
    from transformers import DynamicCache

    mit = parse_mitigation(spec)
    mit.wrap(lm)
    dec = mit.decoder
    ids = ids_of(lm, text)
    with torch.no_grad():
        plain = lm.model(torch.tensor([ids])).logits[0, -1].float().log_softmax(-1)
    dec.enabled, dec.active = True, list(range(dec.n_layers - dec.t0, dec.n_layers + 1))
    cache = DynamicCache()
    with torch.no_grad():
        lm.model(torch.tensor([ids[:-1]]), cache=cache, use_cache=True)
    ctx = {"h_sum": torch.zeros(lm.model.config.hidden_size), "n_h": 0,
           "e_sum": dec.emb[ids].sum(0), "n_e": len(ids)}
    orig, tuned, info = dec.token(ids[-1], cache, len(ids) - 1, ctx)
    assert cache.get_seq_length() == len(ids)  # one token added, however many steps were taken
    assert all(float(dec.bias[i].abs().max()) == 0 for i in dec.active)  # reset after the token
    loss = {name: float((lp.exp() * sum(dec.axes[a].weights(ctx["e_sum"], ctx["n_e"]) for a in info["debias"])).sum())
            for name, lp in (("orig", orig), ("tuned", tuned))} if info["debias"] else None
    dec.enabled, dec.active = False, []
    dec.last_cache = cache
    return dec, orig, tuned, info, plain, loss


def test_uddia_debias_loss_moves_the_distribution_when_triggered(tiny_lm):
    dec, orig, tuned, info, plain, loss = uddia_first_token(tiny_lm, "uddia:debias_threshold=-1,detox=off,steps=2")
    dec.close()
    assert set(info["debias"]) == {"caste", "religion"} and not info["detox"]
    assert torch.allclose(orig, plain, atol=1e-5)
    assert float((tuned - orig).abs().max()) > 1e-3  # the MI loss is active, not overwritten
    assert loss["tuned"] < loss["orig"]  # and the steps went downhill on it


def test_uddia_untriggered_token_is_the_plain_distribution(tiny_lm):
    dec, orig, tuned, info, plain, _ = uddia_first_token(tiny_lm, "uddia:debias_threshold=10,detox=off")
    dec.close()
    assert info["debias"] == [] and not info["detox"]
    assert torch.equal(orig, tuned) and torch.allclose(tuned, plain, atol=1e-5)


def test_uddia_detox_head_fits_and_its_trigger_moves_the_distribution(tiny_lm):
    from fairbench.mitigations.detox_data import NON_TOXIC, TOXIC

    dec, orig, tuned, info, _, _ = uddia_first_token(tiny_lm, "uddia:debias_threshold=10,detox_threshold=0,steps=3")
    assert info["detox"] and float((tuned - orig).abs().max()) > 1e-3
    # the probe separates most of its own training sentences (a random model: not all)
    dec.enabled = True
    right = 0
    with torch.no_grad():
        for label, texts in ((1, TOXIC), (0, NON_TOXIC)):
            for t in texts:
                tiny_lm.model(torch.tensor([tiny_lm.tokenizer.encode(t)]))
                right += (float(dec.toxicity_logit(dec._h[0].float().mean(0))) > 0) == label
    dec.close()
    assert right >= 0.75 * (len(TOXIC) + len(NON_TOXIC))


def test_uddia_cache_keeps_the_original_models_keys_and_values(tiny_lm):
    from transformers import DynamicCache

    dec, orig, tuned, info, plain, _ = uddia_first_token(tiny_lm, "uddia:debias_threshold=-1,detox=off,steps=3")
    dec.close()
    assert float((tuned - orig).abs().max()) > 1e-3  # the token was tuned
    ids = ids_of(tiny_lm, PROMPTS[1])
    ref = DynamicCache()
    with torch.no_grad():
        tiny_lm.model(torch.tensor([ids]), cache=ref, use_cache=True)
    for got, want in zip(dec.last_cache.layers, ref.layers):
        assert got.keys.shape == want.keys.shape
        assert torch.allclose(got.keys, want.keys, atol=1e-5) and torch.allclose(got.values, want.values, atol=1e-5)


def test_uddia_debias_weight_scales_the_step_with_sgd_but_not_with_a_fresh_adam(tiny_lm):
    def shift(spec):
        dec, orig, tuned, *_ = uddia_first_token(tiny_lm, spec)
        dec.close()
        return float((tuned - orig).abs().max())

    base = "uddia:debias_threshold=-1,detox=off,steps=1"
    # a small step, where the change is linear in the step: ten times the weight, ten times the shift
    small, large = shift(base + ",lr_sgd=0.01,debias_weight=0.05"), shift(base + ",lr_sgd=0.01,debias_weight=0.5")
    assert 5 * small < large < 20 * small and small > 0
    a_small = shift(base + ",debias_weight=0.05,optimizer=adam")
    a_large = shift(base + ",debias_weight=0.5,optimizer=adam")
    assert a_small == pytest.approx(a_large, rel=1e-4)  # Adam's first step is lr * sign(grad)


def test_uddia_token_prior_is_a_dense_distribution_of_everyday_text(tiny_lm):
    from fairbench.mitigations.uddia import token_prior

    prior = token_prior(tiny_lm.model, tiny_lm.tokenizer, ["The bus was late again today.", "It rained all week."])
    assert float(prior.sum()) == pytest.approx(1.0, abs=1e-4) and float(prior.min()) > 0
    mit = parse_mitigation("uddia")
    mit.wrap(tiny_lm)
    assert all(attr.q[0] is not None and attr.q[1] is not None for attr in mit.decoder.axes.values())
    mit.decoder.close()


def test_uddia_redo_with_fewer_layers_and_generate_until(tiny_lm):
    from lm_eval.api.instance import Instance

    mit = parse_mitigation("uddia:redo_ppl=0,redo_step=1,debias_threshold=-1")
    lm = mit.wrap(tiny_lm)
    ctx = lm.apply_chat_template([{"role": "user", "content": PROMPTS[0]}])
    out = lm.generate_until([Instance("generate_until", {}, (ctx, {"until": ["\n\n"], "max_gen_toks": 8}), 0)],
                            disable_tqdm=True)[0]
    assert isinstance(out, str) and "\n\n" not in out
    # perplexity is never <= 0, so it redoes until no layer is tuned: t0 = 1 of 2 blocks
    assert mit.decoder.stats["redos"] == 1 and mit.decoder.stats["debias_triggered"] > 0
    mit.decoder.close()


# -- through the runner, as `fairbench run --mitigation` wires it -----------------------------

@pytest.mark.parametrize("spec", ["ambedkar:gamma=3", "uddia"])
def test_runner_records_the_mitigation_and_scores_its_generations(tmp_path, tiny_model_dir, tiny_lm, fixtures, spec):
    from fairbench.models import resolve_model
    from fairbench.runner import Settings, run
    from fairbench.tasks import resolve_tasks

    mit = parse_mitigation(spec)
    lm = mit.wrap(tiny_lm)
    tasks = resolve_tasks(str(fixtures / "gen.jsonl"))
    path, res = run(lm, resolve_model(str(tiny_model_dir)), tasks, settings=Settings(limit=2, bootstrap_iters=50),
                    output=tmp_path, mitigation={"name": mit.name, "settings": mit.settings()})
    assert res["status"] == "complete" and res["mitigation"]["name"] == mit.name
    assert res["mitigation"]["settings"]["loglikelihood"] == "passthrough"
    assert res["tasks"]["gen"]["n"] == 2
    if mit.name == "ambedkar":
        assert mit.decoder.stats["drafted"] > 0  # generations went through the speculative decoder
    else:
        assert mit.decoder.stats["tokens"] > 0
        mit.decoder.close()


def test_cli_draft_and_verifier_model_flags_reach_ambedkar(tmp_path, tiny_model_dir, other_model_dir, fixtures):
    import json

    from fairbench.cli import main

    out = tmp_path / "out"
    assert main(["run", "--model", str(tiny_model_dir), "--tasks", str(fixtures / "gen.jsonl"), "--limit", "2",
                 "--mitigation", "ambedkar:gamma=2", "--draft-model", str(other_model_dir),
                 "--bootstrap-iters", "20", "--output", str(out)]) == 0
    res = json.loads(next(out.glob("*.json")).read_text())
    assert res["mitigation"]["settings"]["draft"] == str(other_model_dir)
    assert res["mitigation"]["settings"]["verifier"] == "wrapped model"
