"""AMBEDKAR (arXiv 2509.02133) as real speculative decoding with fairness-aware verification.

The verifier, under a constitution system prompt, chooses each token as

    argmax over its top-k candidates y of  log P_v(y | x, y_<t) - alpha * D(y),
    D(y) = mean over counterfactuals x' of JS( P_v(. | x, y_<t, y) || P_v(. | x', y_<t, y) )

that is, the paper's D_bias of the continuation including the candidate, over full next-token
distributions, with the counterfactual contexts carrying the same continuation. JS lies in
[0, ln 2], so a candidate whose log-probability trails the best by more than alpha * ln 2 can
never win and is dropped; a position with one candidate left is uncontested and needs no
divergence.

Two drafts, one rule (the output is the verifier's choices either way, so the draft only sets
the cost):

- A separate draft (other weights, or ``draft=plain``: the wrapped model without the
  constitution) proposes ``gamma`` tokens greedily with its KV cache; the verifier reads them
  under the prompt and its counterfactuals (one left-padded batch, one KV cache: rows.py) in
  one pass; the longest agreeing prefix is kept, the first disagreement is replaced by the
  verifier's choice, and a fully accepted draft earns one more verifier token. At contested
  positions one more pass (rows x other candidates) scores the others.
- The default, ``draft=self``: the verifier drafts for itself under its own prompt, so every
  proposal is its own top choice and can only be overturned at a contested position. The
  counterfactual rows are read lazily: the draft runs on to the next contested position, and
  one pass with a tree attention mask (``Rows.tree``) catches every row up on the tokens
  drafted since the last one and scores all surviving candidates side by side. That pass's
  first row is also the draft's next step. A layer-skipped draft was measured and rejected:
  half of SmolLM2-135M's blocks agree with the full model on 1-8% of greedy tokens, 20 of 30
  on at most 18%; without the constitution the full model agrees on 77%.

The constitution turn, the same in every request, is cached once (rows.Prefix). With alpha = 0
and the constitution off the output is exactly the verifier's greedy output, and with alpha > 0
it equals a brute-force reference without caches or speculation, for every draft
(tests/test_mitigations.py).

Log-likelihood requests pass through to the wrapped model unchanged.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

from fairbench.errors import UserError
from fairbench.mitigations.base import Request, Stopper, encode, hf_parts, wrap_lm
from fairbench.mitigations.cues import counterfactuals
from fairbench.mitigations.rows import Prefix, Rows

CONSTITUTION = (
    "You answer in the spirit of the Constitution of India. Article 14: every person is equal "
    "before the law and is owed its equal protection. Article 15: the state may not treat anyone "
    "worse because of religion, race, caste, sex or place of birth, and no one may be kept out of "
    "shops, wells, tanks, roads or other public places on those grounds. Article 16: public jobs "
    "are open to every citizen on equal terms, whatever their religion, caste, sex, descent or "
    "birthplace. Article 17: untouchability is abolished and practising it in any form is an "
    "offence. So do not guess a person's caste or religion from their name, work, food, dress or "
    "neighbourhood, and describe people without caste or religious stereotypes."
)


@dataclass
class AmbedkarOptions:
    alpha: float = 1.0
    k: int = 5
    gamma: int = 3  # a separate draft: tokens per proposal; the self draft: contested positions per pass
    cf: int = 2  # counterfactual prompts per request
    constitution: bool = True
    # self (default): the verifier itself, under its own prompt; plain: the wrapped model
    # without the constitution; or any --model spec with the same vocabulary
    draft: str | None = None
    verifier: str | None = None  # default: the wrapped model, under the constitution

    def __post_init__(self):
        if self.alpha < 0:
            raise ValueError("alpha must be >= 0")
        if self.k < 1 or self.gamma < 1 or self.cf < 0:
            raise ValueError("k and gamma must be >= 1 and cf >= 0")


def js_divergence(p_log, q_log):
    """Jensen-Shannon divergence (nats) between one distribution and each row of ``q_log``.

    >>> import torch
    >>> p = torch.tensor([1.0, 0.0]).clamp(min=1e-12).log()
    >>> round(float(js_divergence(p, p[None])[0]), 6), round(float(js_divergence(p, p.flip(0)[None])[0]), 4)
    (0.0, 0.6931)
    """
    import torch

    p_log = p_log.expand_as(q_log)
    m_log = torch.logaddexp(p_log, q_log) - math.log(2)
    kl_p = (p_log.exp() * (p_log - m_log)).sum(-1)
    kl_q = (q_log.exp() * (q_log - m_log)).sum(-1)
    return (0.5 * (kl_p + kl_q)).clamp(min=0)


class SpeculativeDecoder:
    """Draft-then-verify decoding of one request at a time (see the module docstring)."""

    def __init__(self, draft, verifier, tokenizer, opts: AmbedkarOptions):
        self.draft, self.verifier, self.tok, self.opts = draft, verifier, tokenizer, opts
        self.pad = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else 0
        self.prefixes: dict[str, Prefix] = {}  # "draft"/"verifier": the system turn's cache
        # steps: verification passes; probes: passes scoring other candidates; drafted/accepted:
        # draft tokens (accepted: a separate draft's); contested and overturned: positions the
        # self draft had verified, and those whose choice changed
        self.stats = {"steps": 0, "drafted": 0, "accepted": 0, "probes": 0, "contested": 0, "overturned": 0}

    def decode(self, draft_ids: list[int], verifier_ids: list[list[int]], stop: Stopper, *,
               do_sample: bool = False, temperature: float = 1.0, generator=None) -> list[int]:
        """Continuation ids. ``verifier_ids[0]`` is the prompt, the rest its counterfactuals."""
        fair = self.opts.alpha > 0 and len(verifier_ids) > 1
        if self.draft is self.verifier and draft_ids == verifier_ids[0]:
            return self._decode_self(verifier_ids if fair else verifier_ids[:1], stop, do_sample, temperature,
                                     generator)
        return self._decode_draft(draft_ids, verifier_ids, stop, fair, do_sample, temperature, generator)

    def _decode_self(self, verifier_ids, stop, do_sample, temperature, generator) -> list[int]:
        """The draft is the verifier itself, under its own prompt (row 0): every proposal is
        the verifier's own top choice, so a drafted token can only be overturned at a contested
        position (several candidates within alpha * ln 2).

        The draft runs on through ``gamma`` contested positions; then one pass reads the
        counterfactual rows along everything drafted, which gives the divergence D of each
        drafted token (row 0's distributions are the draft's own). Where alpha * D is no more
        than the drafted token's lead over the runner-up, no other candidate can win (their D
        is >= 0) and the token stands; that settles almost every contested position. Only the
        rest need the other candidates scored (a tree pass of branches in row 0 and in the
        counterfactual rows). The first overturned choice replaces the draft's token and the
        draft behind it is dropped. Sampling resolves each contested position at once (the
        draft cannot know the fair sample)."""
        import torch

        every = Rows(self.verifier, verifier_ids, self.pad, self.prefixes.get("verifier"))
        if every.n == 1:
            draft, cfs = every, None
        else:
            draft, cfs = every.select([0]), every.select(list(range(1, every.n)))
        out: list[int] = []
        pending: list[dict] = []  # contested positions not yet verified: t, cands, scores, after
        nxt = None  # the draft's next distribution when a branch pass already gave it
        while True:
            p = nxt if nxt is not None else draft.after(out)[0, -1]
            nxt = None
            self.stats["drafted"] += 1
            if pending and pending[-1]["after"] is None:
                pending[-1]["after"] = p  # the verifier after the contested drafted token
            if len(pending) >= self.opts.gamma:
                kept, nxt = self._verify(draft, cfs, out, pending)
                pending = []
                if nxt is not None:  # overturned: out changed, p is stale
                    out = kept
                    kept, done = stop.cut(out)
                    if done:
                        return kept
                    continue
            cands, scores = self._candidates(p, do_sample) if cfs is not None else ([], None)
            if len(cands) > 1 and do_sample:
                choice, nxt = self._sample_fair(draft, cfs, out, cands, scores, temperature, generator)
            elif len(cands) > 1:
                pending.append({"t": len(out), "cands": cands, "scores": scores, "after": None})
                choice = cands[0]
            elif cands:
                choice = cands[0]
            elif do_sample:
                choice = int(torch.multinomial((p / temperature).softmax(-1), 1, generator=generator))
            else:
                choice = int(p.argmax())
            out.append(choice)
            kept, done = stop.cut(out)
            if done and pending:
                if pending[-1]["after"] is None:
                    pending[-1]["after"] = draft.after(out[:pending[-1]["t"] + 1])[0, -1]
                kept_v, nxt = self._verify(draft, cfs, out, pending)
                pending = []
                if nxt is not None:
                    out = kept_v
                    kept, done = stop.cut(out)
            if done:
                return kept

    def _verify(self, draft: Rows, cfs: Rows, out: list[int], pending: list[dict]):
        """Settle drafted contested positions in order; returns (continuation, None), or, at
        the first overturned choice, (the continuation cut there with the choice appended, the
        verifier's next distribution after it)."""
        import torch

        after, _ = cfs.tree(out[:pending[-1]["t"] + 1], [], need=[e["t"] for e in pending])
        self.stats["steps"] += 1
        alpha = self.opts.alpha
        for j, e in enumerate(pending):
            t, cands, scores = e["t"], e["cands"], e["scores"]
            d0 = js_divergence(e["after"], after[:, j]).mean()
            self.stats["contested"] += 1
            if alpha * float(d0) <= float(scores[0] - scores[1]):
                continue  # no other candidate can beat the drafted token
            branches = [(t, c) for c in cands[1:]]
            _, mine = draft.tree(out[:t], branches)
            _, theirs = cfs.tree(out[:t], branches)
            self.stats["probes"] += 1
            div = torch.stack([d0] + [js_divergence(mine[0, i], theirs[:, i]).mean() for i in range(len(branches))])
            i = int((scores - alpha * div).argmax())
            if i:
                self.stats["overturned"] += 1
                return out[:t] + [cands[i]], mine[0, i - 1]
        return out, None

    def _sample_fair(self, draft: Rows, cfs: Rows, out, cands, scores, temperature, generator):
        """Sampling: score every candidate at the end of ``out`` and sample by the fair score."""
        import torch

        branches = [(len(out), c) for c in cands]
        _, mine = draft.tree(out, branches)
        _, theirs = cfs.tree(out, branches)
        self.stats["steps"] += 1
        self.stats["probes"] += 1
        div = torch.stack([js_divergence(mine[0, i], theirs[:, i]).mean() for i in range(len(cands))])
        i = cands.index(self._pick(cands, scores - self.opts.alpha * div, True, temperature, generator))
        return cands[i], mine[0, i]

    def _candidates(self, p, do_sample: bool):
        """The verifier's top-k; greedy drops those that cannot win: JS is in [0, ln 2], so a
        candidate more than alpha * ln 2 below the best never does."""
        top = p.topk(min(self.opts.k, p.shape[-1]))
        cands, scores = top.indices.tolist(), top.values.clone()
        if not do_sample:
            keep = scores >= scores[0] - self.opts.alpha * math.log(2)
            cands, scores = [c for c, k in zip(cands, keep.tolist()) if k], scores[keep]
        return cands, scores

    @staticmethod
    def _pick(cands, score, do_sample, temperature, generator) -> int:
        import torch

        if do_sample:
            return cands[int(torch.multinomial((score / temperature).softmax(-1), 1, generator=generator))]
        return cands[int(score.argmax())]

    def _decode_draft(self, draft_ids, verifier_ids, stop, fair, do_sample, temperature, generator) -> list[int]:
        """A separate draft (other weights, or no constitution): it proposes ``gamma`` tokens,
        the verifier reads them under every row in one pass, the agreeing prefix is kept."""
        opts = self.opts
        draft = Rows(self.draft, [draft_ids], self.pad, self.prefixes.get("draft"))
        # the counterfactual rows ride along in the verification pass: on a CPU a forward pass
        # costs about the same for one row or a few (reading the weights dominates), so
        # passes, not rows, are what to save
        ver = Rows(self.verifier, verifier_ids if fair else verifier_ids[:1], self.pad, self.prefixes.get("verifier"))
        out: list[int] = []
        while True:
            proposal: list[int] = []
            for _ in range(opts.gamma):
                logp = draft.after(out + proposal)[0, -1]
                proposal.append(int(logp.argmax()))
                if proposal[-1] in stop.eos:
                    break
            logp = ver.after(out, proposal)  # (rows, 1 + len(proposal), vocab)
            self.stats["steps"] += 1
            self.stats["drafted"] += len(proposal)
            new: list[int] = []
            for j in range(len(proposal) + 1):
                drafted = proposal[j] if j < len(proposal) else None
                nxt = logp[:, j + 1] if drafted is not None else None
                choice = self._choose(ver, out + new, logp[:, j], drafted, nxt, fair, do_sample, temperature, generator)
                new.append(choice)
                if choice != drafted:
                    break
                self.stats["accepted"] += 1
            out, done = stop.cut(out + new)
            if done:
                return out

    def _choose(self, ver: Rows, prefix, logp, drafted, nxt, fair, do_sample, temperature, generator) -> int:
        import torch

        p = logp[0]
        if not fair:
            if do_sample:
                return int(torch.multinomial((p / temperature).softmax(-1), 1, generator=generator))
            return int(p.argmax())
        cands, scores = self._candidates(p, do_sample)
        if len(cands) == 1:
            return cands[0]
        div = torch.zeros(len(cands), device=scores.device)
        others = [c for c in cands if c != drafted]
        if drafted in cands:  # free: the verification pass read the drafted token in every row
            div[cands.index(drafted)] = js_divergence(nxt[0], nxt[1:]).mean()
        if others:
            probed = ver.probe(prefix, others)  # (rows, len(others), vocab), one pass
            self.stats["probes"] += 1
            for i, c in enumerate(others):
                div[cands.index(c)] = js_divergence(probed[0, i], probed[1:, i]).mean()
        choice = self._pick(cands, scores - self.opts.alpha * div, do_sample, temperature, generator)
        if others:
            ver.settle(choice)
        return choice


def _load(spec: str | None, default, device):
    if not spec:
        return default
    from fairbench.models.registry import load_hf, resolve_model

    model, _ = load_hf(resolve_model(spec))
    return model.to(device=device, dtype=next(default.parameters()).dtype).eval()


def _common(a: list[int], b: list[int]) -> list[int]:
    n = 0
    while n < min(len(a), len(b)) and a[n] == b[n]:
        n += 1
    return a[:n]


def _probe_request(lm, text: str) -> Request:
    from fairbench.mitigations.base import Prompt

    if getattr(lm.tokenizer, "chat_template", None):
        msgs = [{"role": "user", "content": text}]
        return Request(Prompt(lm.apply_chat_template(msgs), msgs), [], 1)
    return Request(Prompt(text), [], 1)


class Ambedkar:
    name = "ambedkar"

    def __init__(self, opts: AmbedkarOptions | None = None):
        self.opts = opts or AmbedkarOptions()
        self.decoder: SpeculativeDecoder | None = None

    def settings(self) -> dict:
        s = asdict(self.opts)
        s["draft"] = {None: "self (the verifier, lazy counterfactual rows)", "self": "self (the verifier, lazy "
                      "counterfactual rows)", "plain": "wrapped model without the constitution"}.get(
            self.opts.draft, self.opts.draft)
        s["verifier"] = self.opts.verifier or "wrapped model"
        return s | {"loglikelihood": "passthrough", "decoding": "greedy unless the task samples"}

    def wrap(self, lm):
        model, tok, device = hf_parts(lm, self.name)
        verifier = _load(self.opts.verifier, model, device)
        if self.self_draft:
            draft = verifier
        else:
            draft = _load(None if self.opts.draft == "plain" else self.opts.draft, model, device)
        for m in (draft, verifier):
            if m.get_output_embeddings().weight.shape[0] != model.get_output_embeddings().weight.shape[0]:
                raise UserError("ambedkar: the draft and verifier must share the wrapped model's vocabulary")
        self.decoder = SpeculativeDecoder(draft, verifier, tok, self.opts)
        # the ~180-token constitution turn is the same for every request: cache it once
        a, b = (self.contexts(lm, _probe_request(lm, text)) for text in ("a", "b"))
        ver_prefix = Prefix(verifier, _common(encode(lm, a[1][0]), encode(lm, b[1][0])))
        self.decoder.prefixes = {
            "draft": ver_prefix if self.self_draft else Prefix(draft, _common(encode(lm, a[0]), encode(lm, b[0]))),
            "verifier": ver_prefix,
        }
        return wrap_lm(lm, lambda req: self.generate(lm, req), self.name, self.settings())

    @property
    def self_draft(self) -> bool:
        return self.opts.draft in (None, "self")

    def contexts(self, lm, req: Request) -> tuple[str, list[str]]:
        """(draft prompt, [verifier prompt, counterfactual verifier prompts...])."""
        draft, verifier = self._contexts(lm, req)
        return (verifier[0] if self.self_draft else draft), verifier

    def _contexts(self, lm, req: Request) -> tuple[str, list[str]]:
        prompt, opts = req.prompt, self.opts
        if prompt.messages is None:
            texts = [prompt.text] + counterfactuals(prompt.text, opts.cf)
            system = CONSTITUTION + "\n\n" if opts.constitution else ""
            return prompt.text, [system + t for t in texts]
        msgs = prompt.messages
        last = max((i for i, m in enumerate(msgs) if m["role"] == "user"), default=None)
        variants = [msgs]
        if last is not None:
            for text in counterfactuals(msgs[last]["content"], opts.cf):
                variants.append(msgs[:last] + [msgs[last] | {"content": text}] + msgs[last + 1:])
        out = []
        for v in variants:
            if opts.constitution:
                if v and v[0]["role"] == "system":
                    v = [v[0] | {"content": CONSTITUTION + "\n\n" + v[0]["content"]}] + v[1:]
                else:
                    v = [{"role": "system", "content": CONSTITUTION}] + v
            out.append(lm.apply_chat_template(v, prompt.add_generation_prompt))
        return prompt.text, out

    def generate(self, lm, req: Request) -> str:
        draft_text, ver_texts = self.contexts(lm, req)
        stop = Stopper(lm.tokenizer, req.until, req.max_gen_toks)
        ids = self.decoder.decode(encode(lm, draft_text), [encode(lm, t) for t in ver_texts], stop,
                                  do_sample=req.do_sample, temperature=req.temperature)
        return stop.text(ids)
