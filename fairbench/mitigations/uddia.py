"""UDDIA (Yang et al., ICLR 2023, arXiv 2210.04492): per-token adaptive optimisation.

For every generated token, a fresh Adam takes ``steps`` steps on zero-initialised bias vectors
added (by forward hooks) to the outputs of the upper ``layers`` blocks and of the final norm,
then the biases are reset. Llama-family models have no bias terms to tune, hence the added
vectors; the past KV cache keeps the original model's states, so only the current token sees
the biases, as in the reference implementation.

- Debias (per axis: caste, religion): a token attribute p(a|x) from the first principal
  direction of the model's own input embeddings of paired identity words (cues.PAIRS); the
  Hellinger trigger |H(p_t, q_0) - H(p_t, q_1)| > threshold with q_a proportional to
  freq(x) p(a|x) 1[p(a|x) > assoc]; then the mutual-information loss
  sum_x p_t(x) [KL(p(a|x,c) || p(a|x)) + 1/2 KL(p(a|x) || U)]. The public code overwrites this
  loss with the detox loss; here it is the loss that is optimised (tests check it moves p_t).
  freq(x) is the token frequency of everyday text, estimated as the model's mean next-token
  distribution over every position of a neutral corpus (data/control/neutral.txt: no groups,
  no identity cues). Raw token counts of a corpus that size would give most of the
  vocabulary, identity words included, frequency 0.
- Detox: a linear head on the mean final hidden state (context and current token), fitted on
  detox_data.py; cross-entropy toward "non-toxic". The reference's one-step look-ahead input
  (p_t . W_E) is left out: it costs another forward pass per token. Detox is adaptive like
  debias: it is optimised only when the head's P(toxic) exceeds ``detox_threshold``, which keeps
  untriggered tokens at the cost of plain decoding.
- The update: by default a plain gradient step, bias -= lr_sgd * grad, so each term's weight
  sets its share of the step. A fresh Adam per token (``optimizer=adam``, the earlier
  behaviour) makes its first step lr * sign(grad), whatever the scale of the loss: a lone
  debias term's weight then has no effect.
- After the token is chosen, the cache gets the original model's keys and values for it
  (saved before tuning), so later tokens and the redo perplexity see the original model.
- Fused distribution p ∝ p_tuned^fuse p_orig^(1-fuse); greedy unless the task samples (then
  nucleus top-p). Redo: if the continuation's perplexity under the original model exceeds
  ``redo_ppl``, decode again with ``redo_step`` fewer tuned blocks; at 0, keep the lowest.

Log-likelihood requests pass through to the wrapped model unchanged.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

from fairbench.mitigations.base import Request, Stopper, encode, hf_parts, wrap_lm
from fairbench.mitigations.cues import PAIRS
from fairbench.mitigations.detox_data import NON_TOXIC, TOXIC


@dataclass
class UddiaOptions:
    layers: int = 0  # tuned upper blocks T0; 0: half the blocks (the paper's 18 of 36)
    steps: int = 1
    optimizer: str = "sgd"  # sgd: bias -= lr_sgd * grad; adam: a fresh Adam per token at lr
    lr: float = 0.06
    lr_sgd: float = 20.0  # with debias_weight 0.05: a total-variation shift of about 0.2 on a triggered token of the embedded model
    debias_threshold: float = 0.1
    debias_weight: float = 0.05
    assoc: float = 0.75
    temperature: float = 0.1  # of the token attribute classifier
    detox: bool = True
    detox_threshold: float = 0.5
    redo_ppl: float = 30.0
    redo_step: int = 3
    fuse: float = 0.9
    top_p: float = 0.9

    def __post_init__(self):
        if self.layers < 0 or self.steps < 1 or self.redo_step < 1:
            raise ValueError("layers must be >= 0, steps and redo_step >= 1")
        if not 0 <= self.fuse <= 1:
            raise ValueError("fuse must be in [0, 1]")
        if self.optimizer not in ("sgd", "adam"):
            raise ValueError("optimizer must be sgd or adam")


class Attribute:
    """One axis's token-level group attribute on the model's input embeddings."""

    def __init__(self, emb, tokenizer, pairs: list[tuple[str, str]], opts: UddiaOptions, freq):
        import torch

        def word(w):
            ids = tokenizer.encode(" " + w, add_special_tokens=False)
            return emb[ids].mean(0)

        rows = []
        for a, b in pairs:
            ea, eb = word(a), word(b)
            mid = (ea + eb) / 2
            rows += [ea - mid, eb - mid]
        x = torch.stack(rows)
        v = torch.linalg.svd(x, full_matrices=False).Vh[0]
        if (x[0::2] @ v).mean() < 0:  # group 0 (the first word of each pair) on the + side
            v = -v
        self.v = v / v.norm()
        self.emb, self.opts = emb, opts
        self.norm = emb.norm(dim=-1).clamp(min=1e-8)
        self.p0 = self._p0(emb @ self.v / self.norm)  # p(a=0 | x) for every token
        q = []
        for pa in (self.p0, 1 - self.p0):
            w = freq * pa * (pa > opts.assoc)
            q.append(w / w.sum() if w.sum() > 0 else None)
        self.q = q
        self.kl_uniform = _kl2(self.p0, torch.full_like(self.p0, 0.5))

    def _p0(self, cos):
        # p(a|x) = softmax over the two groups of (1 +- cos) / 2, at temperature T
        return ((cos) / self.opts.temperature).sigmoid()

    def delta(self, p) -> float:
        """|Hellinger(p_t, q_0) - Hellinger(p_t, q_1)|, or 0 if a group has no marked tokens."""
        if self.q[0] is None or self.q[1] is None:
            return 0.0
        h = [((p.sqrt() - q.sqrt()) ** 2).sum().clamp(min=0).mul(0.5).sqrt() for q in self.q]
        return float((h[0] - h[1]).abs())

    def weights(self, ctx_sum, n_ctx: int):
        """Per-token weight w(x): L_b = sum_x p_t(x) w(x) (the MI loss; w does not depend on p_t)."""
        m = ctx_sum / max(n_ctx, 1)
        # e(x, c) = (L m + e_x) / (L + 1); its cosine with v, for every token at once
        dot = (n_ctx * (m @ self.v) + self.emb @ self.v) / (n_ctx + 1)
        sq = (n_ctx ** 2 * (m @ m) + 2 * n_ctx * (self.emb @ m) + self.norm ** 2) / (n_ctx + 1) ** 2
        p_ctx = self._p0(dot / sq.clamp(min=1e-12).sqrt())
        return _kl2(p_ctx, self.p0) + 0.5 * self.kl_uniform


def token_prior(model, tokenizer, texts: list[str], batch: int = 16):
    """Mean next-token distribution over every position of ``texts``: a smooth estimate of how
    often each token occurs in text like it."""
    import torch

    dev = next(model.parameters()).device
    total, n = None, 0
    pad = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else tokenizer.eos_token_id
    with torch.inference_mode():
        for i in range(0, len(texts), batch):
            rows = [tokenizer.encode(t, add_special_tokens=False) for t in texts[i:i + batch]]
            width = max(len(r) for r in rows)
            ids = torch.tensor([r + [pad] * (width - len(r)) for r in rows], device=dev)
            mask = torch.tensor([[1] * len(r) + [0] * (width - len(r)) for r in rows], device=dev)
            probs = model(input_ids=ids, attention_mask=mask).logits.float().softmax(-1)
            part = (probs * mask[..., None]).sum((0, 1))
            total = part if total is None else total + part
            n += int(mask.sum())
    return total / n


def _kl2(p, q):
    """KL between Bernoulli(p) and Bernoulli(q), elementwise."""
    eps = 1e-9
    p, q = p.clamp(eps, 1 - eps), q.clamp(eps, 1 - eps)
    return p * (p / q).log() + (1 - p) * ((1 - p) / (1 - q)).log()


class UddiaDecoder:
    def __init__(self, model, tokenizer, opts: UddiaOptions, prior_texts: list[str]):
        import torch

        self.model, self.tok, self.opts = model, tokenizer, opts
        self.blocks = model.model.layers
        self.n_layers = len(self.blocks)
        self.t0 = opts.layers or self.n_layers // 2
        d = model.config.hidden_size
        dev = next(model.parameters()).device
        dtype = next(model.parameters()).dtype
        self.bias = [torch.zeros(d, device=dev, dtype=dtype) for _ in range(self.n_layers + 1)]
        self.active: list[int] = []
        self.enabled = False  # hooks do nothing while the wrapped LM serves other requests
        self._h = None
        self._hooks = []
        for i, block in enumerate(self.blocks):
            self._hooks.append(block.register_forward_hook(self._hook(i)))
        self._hooks.append(model.model.norm.register_forward_hook(self._hook(self.n_layers, capture=True)))
        emb = model.get_input_embeddings().weight.detach().float()
        self.emb = emb
        freq = token_prior(model, tokenizer, prior_texts)
        self.axes = {axis: Attribute(emb, tokenizer, pairs, opts, freq) for axis, pairs in PAIRS.items()}
        self.enabled = True
        try:
            self.head = self._fit_head(tokenizer) if opts.detox else None
        finally:
            self.enabled = False
        self.stats = {"tokens": 0, "debias_triggered": 0, "detox_triggered": 0, "redos": 0}

    def close(self):
        for h in self._hooks:
            h.remove()

    def _hook(self, i: int, capture: bool = False):
        def hook(module, args, output):
            if not self.enabled:
                return None
            hidden = output[0] if isinstance(output, tuple) else output
            if i in self.active:
                hidden = hidden + self.bias[i]
            if capture:
                self._h = hidden
            return (hidden,) + tuple(output[1:]) if isinstance(output, tuple) else hidden

        return hook

    def _fit_head(self, tokenizer):
        """Logistic regression on the mean final hidden state of each labelled sentence."""
        import torch

        feats = []
        with torch.inference_mode():
            for text in TOXIC + NON_TOXIC:
                ids = tokenizer.encode(text, add_special_tokens=False)
                self.model(torch.tensor([ids], device=self.emb.device))
                feats.append(self._h[0].float().mean(0))
        x = torch.stack(feats).clone()
        y = torch.tensor([1.0] * len(TOXIC) + [0.0] * len(NON_TOXIC), device=x.device)
        mu, sd = x.mean(0), x.std(0).clamp(min=1e-6)
        w = torch.zeros(x.shape[1], device=x.device, requires_grad=True)
        b = torch.zeros((), device=x.device, requires_grad=True)
        opt = torch.optim.Adam([w, b], lr=0.05)
        with torch.enable_grad():
            for _ in range(200):
                logit = ((x - mu) / sd) @ w + b
                loss = torch.nn.functional.binary_cross_entropy_with_logits(logit, y) + 1e-3 * (w * w).sum()
                opt.zero_grad()
                loss.backward()
                opt.step()
        w_eff = (w / sd).detach()
        return w_eff, float(b.detach() - (mu * w_eff).sum())

    def toxicity_logit(self, h_mean):
        w, b = self.head
        return h_mean.float() @ w + b

    # -- one token ---------------------------------------------------------------------------
    def _forward(self, last: int, cache, pos: int):
        import torch

        ids = torch.tensor([[last]], device=self.emb.device)
        out = self.model(input_ids=ids, position_ids=torch.tensor([[pos]], device=ids.device), cache=cache,
                         use_cache=True)
        for layer in cache.layers:  # keep no autograd graph in the cache
            layer.keys, layer.values = layer.keys.detach(), layer.values.detach()
        return out.logits[0, -1].float().log_softmax(-1), self._h[0, -1]

    def token(self, last: int, cache, pos: int, ctx: dict):
        """(log p_orig, log p_tuned, info) for the next token; the cache grows by one, with the
        original model's keys and values for it."""
        import torch

        opts = self.opts
        grads = bool(self.active)
        for i in self.active:
            self.bias[i] = torch.zeros_like(self.bias[i], requires_grad=True)
        with torch.set_grad_enabled(grads):
            logp, h = self._forward(last, cache, pos)
            p = logp.exp()
            fire = [a for a, attr in self.axes.items() if attr.delta(p.detach()) > opts.debias_threshold]
            h_mean = (ctx["h_sum"] + h) / (ctx["n_h"] + 1)
            toxic = self.head is not None and float(self.toxicity_logit(h_mean.detach()).sigmoid()) > opts.detox_threshold
        orig, h_orig = logp.detach(), h.detach()
        info = {"debias": fire, "detox": toxic, "h": h_orig}
        if not grads or not (fire or toxic):
            self._reset()
            return orig, orig, info
        # this token's keys and values under the original model: put back after tuning
        kept = [(layer.keys[..., -1:, :].clone(), layer.values[..., -1:, :].clone()) for layer in cache.layers]
        params = [self.bias[i] for i in self.active]
        optim = torch.optim.Adam(params, lr=opts.lr) if opts.optimizer == "adam" else None
        for step in range(opts.steps):
            with torch.enable_grad():
                loss = self.loss(p, h_mean, fire, toxic, ctx)
                if optim is not None:
                    optim.zero_grad()
                    loss.backward()
                else:
                    grads_ = torch.autograd.grad(loss, params)
            if optim is not None:
                optim.step()
            else:
                with torch.no_grad():
                    for b, g in zip(params, grads_):
                        b -= opts.lr_sgd * g
            cache.crop(-1)
            with torch.set_grad_enabled(step + 1 < opts.steps):
                logp, h = self._forward(last, cache, pos)
                p = logp.exp()
                h_mean = (ctx["h_sum"] + h) / (ctx["n_h"] + 1)
        cache.crop(-1)
        for layer, (k, v) in zip(cache.layers, kept):
            layer.keys = torch.cat([layer.keys, k], dim=-2)
            layer.values = torch.cat([layer.values, v], dim=-2)
        self._reset()
        return orig, logp.detach(), info

    def loss(self, p, h_mean, fire, toxic, ctx):
        import torch

        loss = torch.zeros((), device=p.device)
        for axis in fire:
            loss = loss + self.opts.debias_weight * (p * self.axes[axis].weights(ctx["e_sum"], ctx["n_e"])).sum()
        if toxic:
            # cross-entropy toward "non-toxic": -log(1 - sigmoid(z)) = softplus(z)
            loss = loss + torch.nn.functional.softplus(self.toxicity_logit(h_mean))
        return loss

    def _reset(self):
        import torch

        for i in self.active:
            self.bias[i] = torch.zeros_like(self.bias[i])

    # -- one request ---------------------------------------------------------------------------
    def decode(self, ids: list[int], stop: Stopper, *, do_sample=False, temperature=1.0, generator=None):
        self.enabled = True
        try:
            return self._redo(ids, stop, do_sample, temperature, generator)
        finally:
            self.enabled, self.active, self._h = False, [], None

    def _redo(self, ids, stop, do_sample, temperature, generator):
        t, best = self.t0, None
        while True:
            out, ppl = self._decode(ids, stop, t, do_sample, temperature, generator)
            if best is None or ppl < best[1]:
                best = (out, ppl)
            if ppl <= self.opts.redo_ppl or t == 0:
                return best[0]
            self.stats["redos"] += 1
            t = max(t - self.opts.redo_step, 0)

    def _decode(self, ids, stop, t, do_sample, temperature, generator):
        import torch
        from transformers import DynamicCache

        self.active = list(range(self.n_layers - t, self.n_layers + 1)) if t > 0 else []
        dev = self.emb.device
        cache = DynamicCache()
        ctx = {"h_sum": torch.zeros(self.emb.shape[1], device=dev), "n_h": 0,
               "e_sum": self.emb[ids].sum(0), "n_e": len(ids)}
        saved, self.active = self.active, []
        with torch.inference_mode():
            if len(ids) > 1:
                self.model(input_ids=torch.tensor([ids[:-1]], device=dev), cache=cache, use_cache=True)
                ctx["h_sum"] = self._h[0].float().sum(0).clone()
                ctx["n_h"] = len(ids) - 1
        self.active = saved
        out, lp_orig = [], []
        last, pos = ids[-1], len(ids) - 1
        while True:
            orig, tuned, info = self.token(last, cache, pos, ctx)
            self.stats["tokens"] += 1
            self.stats["debias_triggered"] += bool(info["debias"])
            self.stats["detox_triggered"] += info["detox"]
            fused = self.opts.fuse * tuned + (1 - self.opts.fuse) * orig
            nxt = _pick(fused, do_sample, temperature, self.opts.top_p, generator)
            lp_orig.append(float(orig[nxt]))
            ctx["h_sum"] = ctx["h_sum"] + info["h"].float()
            ctx["n_h"] += 1
            ctx["e_sum"] = ctx["e_sum"] + self.emb[nxt]
            ctx["n_e"] += 1
            out, done = stop.cut(out + [nxt])
            if done:
                n = max(len(lp_orig), 1)
                return out, math.exp(-sum(lp_orig) / n)
            last, pos = nxt, pos + 1


def _pick(logp, do_sample, temperature, top_p, generator) -> int:
    import torch

    if not do_sample:
        return int(logp.argmax())
    probs = (logp / temperature).softmax(-1)
    sorted_p, idx = probs.sort(descending=True)
    keep = sorted_p.cumsum(-1) - sorted_p < top_p
    sorted_p = sorted_p * keep
    return int(idx[torch.multinomial(sorted_p / sorted_p.sum(), 1, generator=generator)])


class Uddia:
    name = "uddia"

    def __init__(self, opts: UddiaOptions | None = None):
        self.opts = opts or UddiaOptions()
        self.decoder: UddiaDecoder | None = None

    def settings(self) -> dict:
        return asdict(self.opts) | {"loglikelihood": "passthrough", "decoding": "greedy unless the task samples"}

    def wrap(self, lm):
        model, tok, _ = hf_parts(lm, self.name)
        for p in model.parameters():
            p.requires_grad_(False)
        from fairbench.tasks.paths import data_dir

        neutral = (data_dir() / "control" / "neutral.txt").read_text(encoding="utf-8").split("\n")
        self.decoder = UddiaDecoder(model, tok, self.opts, [t for t in neutral if t.strip()])
        return wrap_lm(lm, lambda req: self.generate(lm, req), self.name, self.settings())

    def generate(self, lm, req: Request) -> str:
        stop = Stopper(lm.tokenizer, req.until, req.max_gen_toks)
        ids = self.decoder.decode(encode(lm, req.prompt.text), stop, do_sample=req.do_sample,
                                  temperature=req.temperature)
        return stop.text(ids)
