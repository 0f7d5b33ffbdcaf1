"""AMBEDKAR (arXiv 2509.02133) as real speculative decoding with fairness-aware verification.

A draft proposes, a verifier under a constitution system prompt chooses. At each position the
candidates are the draft's top-k (``candidates=draft``, the paper's rule; ``candidates=verifier``
keeps the verifier's own top-k as a named option), and the verifier picks

    argmax over candidates y of  log P_v(y | x, y_<t) - alpha * D(y),
    D(y) = mean over counterfactuals x' of JS( P_v(. | x, y_<t, y) || P_v(. | x', y_<t, y) )

that is, the paper's D_bias of the continuation including the candidate, over full next-token
distributions, with the counterfactual contexts carrying the same continuation. So the output
keeps the draft's trajectory where its token is the fairest likely one, and is corrected to the
draft's next-best fair candidate where it is not: a biased draft changes what is written, not
only what it costs. JS lies in [0, ln 2], so a candidate whose log-probability trails the best
by more than alpha * ln 2 can never win and is dropped; a position with one candidate left is
uncontested and needs no divergence.

Drafts:

- ``draft=plain`` (default): the wrapped model without the constitution; or any model with the
  same vocabulary (``draft=PATH``, ``--draft-model``; the experiment that matters is a biased
  draft with the unbiased base as verifier). It proposes ``gamma`` tokens greedily with its KV
  cache, keeping its distribution at each; the verifier reads them under the prompt and its
  counterfactuals (one left-padded batch, one KV cache: rows.py) in one pass; positions are
  settled in order, a drafted token standing without further work when no other candidate can
  beat it, and the first replaced token ends the proposal. At contested positions one more
  pass (rows x other candidates) scores the others.
- ``draft=self``: the verifier drafts for itself under its own prompt, so every proposal is its
  own top choice and can only be overturned at a contested position. The counterfactual rows
  are read lazily: the draft runs on to the next contested position, and one pass with a tree
  attention mask (``Rows.tree``) catches every row up on the tokens drafted since the last one
  and scores all surviving candidates side by side. That pass's first row is also the draft's
  next step. A layer-skipped draft was measured and rejected: half of SmolLM2-135M's blocks
  agree with the full model on 1-8% of greedy tokens, 20 of 30 on at most 18%; without the
  constitution the full model agrees on 77%. With the constitution off, ``plain`` is ``self``.

The constitution turn, the same in every request, is cached once (rows.Prefix). With alpha = 0,
the constitution off and the verifier's candidates the output is exactly the verifier's greedy
output, and with alpha > 0 it equals a brute-force reference without caches or speculation,
for every draft and both candidate sets (tests/test_mitigations.py).

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
# The same duties without a single group word: equal treatment, no guessing a person's background
# from cues, no stereotypes. The articles' wording names caste, religion and untouchability, and a
# small model primed with those words names groups more (docs/mitigations.md measures both).
EQUAL = (
    "Treat every person as an equal, with the same respect and the same chances, whoever their "
    "family is. Never guess where a person or family comes from, or what they believe, from "
    "their name, work, food, dress, festivals or neighbourhood: it cannot be known from those, "
    "so say only what the text tells you. Describe people as individuals, without stereotypes."
)
CONSTITUTIONS = {"articles": CONSTITUTION, "equal": EQUAL}


@dataclass
class AmbedkarOptions:
    alpha: float = 1.0
    k: int = 5
    gamma: int = 3  # a separate draft: tokens per proposal; the self draft: contested positions per pass
    cf: int = 2  # counterfactual prompts per request
    # articles: Articles 14-17 by name (the paper's knowledge); equal: the same duties in words
    # that name no group (the articles' wording names caste and religion and primes a model to
    # name them); off
    constitution: str = "equal"
    # plain (default): the wrapped model without the constitution; self: the verifier itself,
    # under its own prompt; or any --model spec with the same vocabulary
    draft: str | None = None
    verifier: str | None = None  # default: the wrapped model, under the constitution
    # draft (default, the paper): the draft's top-k at each position are the candidates the
    # verifier scores, so the output follows the draft wherever the draft is fair; verifier: the
    # verifier's own top-k (the draft then only sets the cost, never the output)
    candidates: str = "draft"
    # after: D(y) is the JS between the verifier's next-token distributions after y under the
    # prompt and its counterfactuals (how much the identity steers what follows y); token: the JS
    # between the two-point distributions {y, not y}, i.e. how much the identity changes y's own
    # probability (the per-token term of the paper's public code), which is what singles out a
    # token written because of the identity, such as the cued group's name
    divergence: str = "after"

    def __post_init__(self):
        if self.alpha < 0:
            raise ValueError("alpha must be >= 0")
        if self.k < 1 or self.gamma < 1 or self.cf < 0:
            raise ValueError("k and gamma must be >= 1 and cf >= 0")
        if self.divergence not in ("after", "token"):
            raise ValueError(f"divergence must be after or token, not {self.divergence!r}")
        if self.candidates not in ("draft", "verifier"):
            raise ValueError(f"candidates must be draft or verifier, not {self.candidates!r}")
        aliases = {"on": "articles", "true": "articles", "1": "articles", "false": "off", "0": "off", "no": "off"}
        self.constitution = aliases.get(str(self.constitution).lower(), str(self.constitution).lower())
        if self.constitution not in CONSTITUTIONS and self.constitution != "off":
            raise ValueError(f"constitution must be one of {', '.join([*CONSTITUTIONS, 'off'])}, "
                             f"not {self.constitution!r}")


def js_token(p_log, q_log):
    """JS divergence (nats) between the two-point distributions {y, not y} of each candidate:
    ``p_log`` (candidates,) under the prompt, ``q_log`` (counterfactuals, candidates); the mean
    over counterfactuals. In [0, ln 2], like the full JS.

    >>> import torch
    >>> p = torch.tensor([0.5, 0.1]).log()
    >>> [round(float(v), 4) for v in js_token(p, p[None])], round(float(js_token(p[:1], torch.tensor([[1e-9]]).log())[0]), 4)
    ([0.0, 0.0], 0.2158)
    """
    import torch

    def bern(lp):  # (..., 2): log y, log not-y
        return torch.stack([lp, torch.log1p(-lp.exp().clamp(max=1 - 1e-7))], -1)

    return js_divergence(bern(p_log)[None], bern(q_log)).mean(0)


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
        # the self draft's lazy rows give distributions after each candidate, which the token
        # divergence does not use; it takes the separate-draft path (same weights, same prompt)
        if self.draft is self.verifier and draft_ids == verifier_ids[0] and (
                self.opts.divergence == "after" or not fair):
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
        the verifier reads them under every row in one pass, and each position is settled in
        turn until the first token the verifier replaces.

        candidates=draft (the paper): at each position the draft's top-k are scored by the
        verifier, log P_v(y) - alpha * D(y), so the draft's token stands wherever it is the
        fairest likely one and the replacement is the draft's next-best candidate that is.
        candidates=verifier: the verifier's own top-k; a fully accepted proposal then earns one
        more verifier token (with the draft's candidates it would need the draft's next
        distribution, which the next proposal computes anyway)."""
        opts = self.opts
        own = opts.candidates == "draft"
        draft = Rows(self.draft, [draft_ids], self.pad, self.prefixes.get("draft"))
        # the counterfactual rows ride along in the verification pass: on a CPU a forward pass
        # costs about the same for one row or a few (reading the weights dominates), so
        # passes, not rows, are what to save
        ver = Rows(self.verifier, verifier_ids if fair else verifier_ids[:1], self.pad, self.prefixes.get("verifier"))
        out: list[int] = []
        while True:
            proposal: list[int] = []
            drafts = []  # the draft's next-token distribution at each proposed position
            for _ in range(opts.gamma):
                logp = draft.after(out + proposal)[0, -1]
                drafts.append(logp)
                proposal.append(int(logp.argmax()))
                if proposal[-1] in stop.eos:
                    break
            logp = ver.after(out, proposal)  # (rows, 1 + len(proposal), vocab)
            self.stats["steps"] += 1
            self.stats["drafted"] += len(proposal)
            new: list[int] = []
            for j in range(len(proposal) + (0 if own else 1)):
                drafted = proposal[j] if j < len(proposal) else None
                nxt = logp[:, j + 1] if drafted is not None else None
                choice = self._choose(ver, out + new, logp[:, j], drafted, nxt, fair, do_sample, temperature,
                                      generator, drafts[j] if own else None)
                new.append(choice)
                if choice != drafted:
                    break
                self.stats["accepted"] += 1
            out, done = stop.cut(out + new)
            if done:
                return out

    def _choose(self, ver: Rows, prefix, logp, drafted, nxt, fair, do_sample, temperature, generator,
                draft_logp=None) -> int:
        """One position: the candidates (the draft's top-k when ``draft_logp`` is given, else
        the verifier's), each scored by the verifier as log P_v(y) - alpha * D(y); the drafted
        token's D is free (the verification pass read it in every row), the others' take one
        probe pass, skipped when no other candidate can beat the drafted token (D >= 0)."""
        import torch

        p = logp[0]
        if draft_logp is not None:
            top = draft_logp.topk(min(self.opts.k, draft_logp.shape[-1])).indices
            cands, scores = top.tolist(), p[top].clone()
            order = scores.argsort(descending=True)  # best verifier score first, as _candidates gives
            cands, scores = [cands[i] for i in order.tolist()], scores[order]
            if not do_sample and fair:
                keep = scores >= scores[0] - self.opts.alpha * math.log(2)
                cands, scores = [c for c, k in zip(cands, keep.tolist()) if k], scores[keep]
        elif not fair:
            if do_sample:
                return int(torch.multinomial((p / temperature).softmax(-1), 1, generator=generator))
            return int(p.argmax())
        else:
            cands, scores = self._candidates(p, do_sample)
        if len(cands) == 1:
            return cands[0]
        if not fair:  # the draft's candidates, alpha = 0 or no counterfactuals: the verifier's pick
            return self._pick(cands, scores, do_sample, temperature, generator)
        if self.opts.divergence == "token":  # every row's distribution here is already read: no probe
            idx = torch.tensor(cands, device=logp.device)
            div = js_token(logp[0, idx], logp[1:][:, idx])
            return self._pick(cands, scores - self.opts.alpha * div, do_sample, temperature, generator)
        div = torch.zeros(len(cands), device=scores.device)
        others = [c for c in cands if c != drafted]
        if drafted in cands:
            i = cands.index(drafted)
            div[i] = js_divergence(nxt[0], nxt[1:]).mean()
            rest = torch.cat([scores[:i], scores[i + 1:]])
            if not do_sample and float(scores[i] - self.opts.alpha * div[i]) >= float(rest.max()):
                return drafted  # no other candidate can beat it: their D is >= 0
        probed = ver.probe(prefix, others)  # (rows, len(others), vocab), one pass
        self.stats["probes"] += 1
        for i, c in enumerate(others):
            div[cands.index(c)] = js_divergence(probed[0, i], probed[1:, i]).mean()
        choice = self._pick(cands, scores - self.opts.alpha * div, do_sample, temperature, generator)
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
        plain = "wrapped model without the constitution"
        s["draft"] = {None: plain, "plain": plain, "self": "self (the verifier, lazy counterfactual rows)"}.get(
            self.opts.draft, self.opts.draft)
        s["verifier"] = self.opts.verifier or "wrapped model"
        return s | {"loglikelihood": "passthrough", "decoding": "greedy unless the task samples"}

    def wrap(self, lm):
        model, tok, device = hf_parts(lm, self.name)
        verifier = _load(self.opts.verifier, model, device)
        if self.self_draft:
            draft = verifier
        else:
            draft = _load(None if self.opts.draft in (None, "plain") else self.opts.draft, model, device)
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
        return self.opts.draft == "self"

    @property
    def constitution(self) -> str:
        """The system text the verifier reads ("" when off)."""
        return CONSTITUTIONS.get(self.opts.constitution, "")

    def contexts(self, lm, req: Request) -> tuple[str, list[str]]:
        """(draft prompt, [verifier prompt, counterfactual verifier prompts...])."""
        draft, verifier = self._contexts(lm, req)
        return (verifier[0] if self.self_draft else draft), verifier

    def _contexts(self, lm, req: Request) -> tuple[str, list[str]]:
        prompt, opts = req.prompt, self.opts
        if prompt.messages is None:
            texts = [prompt.text] + counterfactuals(prompt.text, opts.cf)
            system = self.constitution + "\n\n" if self.constitution else ""
            return prompt.text, [system + t for t in texts]
        msgs = prompt.messages
        last = max((i for i, m in enumerate(msgs) if m["role"] == "user"), default=None)
        variants = [msgs]
        if last is not None:
            for text in counterfactuals(msgs[last]["content"], opts.cf):
                variants.append(msgs[:last] + [msgs[last] | {"content": text}] + msgs[last + 1:])
        out = []
        for v in variants:
            if self.constitution:
                if v and v[0]["role"] == "system":
                    v = [v[0] | {"content": self.constitution + "\n\n" + v[0]["content"]}] + v[1:]
                else:
                    v = [{"role": "system", "content": self.constitution}] + v
            out.append(lm.apply_chat_template(v, prompt.add_generation_prompt))
        return prompt.text, out

    def generate(self, lm, req: Request) -> str:
        draft_text, ver_texts = self.contexts(lm, req)
        stop = Stopper(lm.tokenizer, req.until, req.max_gen_toks)
        ids = self.decoder.decode(encode(lm, draft_text), [encode(lm, t) for t in ver_texts], stop,
                                  do_sample=req.do_sample, temperature=req.temperature)
        return stop.text(ids)
