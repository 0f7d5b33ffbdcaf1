"""An lm-eval HFLM that computes each distinct context once for its log-likelihoods.

lm-eval's HFLM runs the whole context + continuation for every request, so a QA item with three
options computes its (long) context three times. Here the requests are grouped by their context
tokens; one forward pass over a batch of distinct contexts (right-padded) gives every row's key
and value cache and the distribution of the first continuation token, and one more pass over the
continuations (each row reading its own context's cache, selected by index) gives the rest.
Tokenisation is HFLM's own (``loglikelihood`` encodes, this only overrides
``_loglikelihood_tokens``), so the requests, their order and the numbers are HFLM's; a test
compares every request within 1e-4 relative.

Requests longer than the model's window, contexts too short or too rarely shared to pay for the
second pass, seq2seq models and mixed-precision runs go to HFLM's own path unchanged.
"""

from __future__ import annotations

from lm_eval.models.huggingface import HFLM

# rows per forward pass when HFLM's batch size is "auto" (its memory probe is for its own
# request layout, not this one)
_AUTO_ROWS = 16


class SharedContextHFLM(HFLM):
    """HFLM with shared-context log-likelihoods; everything else is HFLM's."""

    def _loglikelihood_tokens(self, requests, disable_tqdm: bool = False, override_bs: int | None = None):
        import torch

        if self.backend != "causal" or self.mixed_precision_dtype is not None:
            return super()._loglikelihood_tokens(requests, disable_tqdm=disable_tqdm, override_bs=override_bs)
        out: list = [None] * len(requests)
        groups: dict[tuple, list[int]] = {}
        for i, (_, ctx, cont) in enumerate(requests):
            if len(ctx) + len(cont) <= self.max_length + 1:
                groups.setdefault(tuple(ctx), []).append(i)
        # sharing pays only when the context tokens it saves outweigh the second pass: a context
        # read by one continuation, or short beside its continuations (the pairs' few shared
        # words), goes to HFLM's own path (measured: pairs ran at 0.6x HFLM when all were shared)
        groups = {ctx: idx for ctx, idx in groups.items()
                  if (len(idx) - 1) * len(ctx) > sum(len(requests[i][2]) for i in idx)}
        shared = {i for idx in groups.values() for i in idx}
        rest = [i for i in range(len(requests)) if i not in shared]
        if rest:
            for i, r in zip(rest, super()._loglikelihood_tokens([requests[i] for i in rest], disable_tqdm=True,
                                                                override_bs=override_bs)):
                out[i] = r
        rows = override_bs or (self.batch_size if isinstance(self.batch_size, int) else _AUTO_ROWS)
        # longest contexts first, so a pass pads little and a memory error comes early
        ordered = sorted(groups.items(), key=lambda kv: -len(kv[0]))
        chunk: list = []
        n = 0
        with torch.no_grad():
            for ctx, idx in ordered:
                if chunk and n + len(idx) > rows:
                    self._score_chunk(chunk, requests, out)
                    chunk, n = [], 0
                chunk.append((ctx, idx))
                n += len(idx)
            if chunk:
                self._score_chunk(chunk, requests, out)
        for i, (req, _, _) in enumerate(requests):
            if req is not None and i in shared:
                self.cache_hook.add_partial("loglikelihood", req, out[i])
        return out

    def _score_chunk(self, chunk, requests, out) -> None:
        import torch
        import torch.nn.functional as F
        from transformers import DynamicCache

        dev = self.device
        lens = [len(ctx) for ctx, _ in chunk]
        lc = max(lens)
        pad = self.tokenizer.pad_token_id or 0
        ctx_ids = torch.full((len(chunk), lc), pad, dtype=torch.long, device=dev)
        ctx_mask = torch.zeros((len(chunk), lc), dtype=torch.long, device=dev)
        for g, (ctx, _) in enumerate(chunk):
            ctx_ids[g, : len(ctx)] = torch.tensor(ctx, dtype=torch.long)
            ctx_mask[g, : len(ctx)] = 1
        past = DynamicCache()
        first = self.model(input_ids=ctx_ids, attention_mask=ctx_mask, cache=past, use_cache=True)
        # the distribution after each context's last real token: the first continuation token's
        first_logits = first.logits[torch.arange(len(chunk), device=dev), torch.tensor(lens, device=dev) - 1]

        row_group = [g for g, (_, idx) in enumerate(chunk) for _ in idx]
        row_req = [i for _, idx in chunk for i in idx]
        conts = [requests[i][2] for i in row_req]
        lk = max(len(k) for k in conts) - 1
        rest = None
        if lk > 0:
            sel = torch.tensor(row_group, dtype=torch.long, device=dev)
            past.reorder_cache(sel)  # each continuation row reads its own context's keys and values
            cont_ids = torch.full((len(row_req), lk), pad, dtype=torch.long, device=dev)
            cont_mask = torch.zeros((len(row_req), lk), dtype=torch.long, device=dev)
            for r, k in enumerate(conts):
                if len(k) > 1:
                    cont_ids[r, : len(k) - 1] = torch.tensor(k[:-1], dtype=torch.long)
                    cont_mask[r, : len(k) - 1] = 1
            # the padding after a short context sits in the cache; the mask hides it, and the
            # continuation's positions start where its own context ended
            mask = torch.cat([ctx_mask[sel], cont_mask], dim=1)
            pos = torch.tensor([lens[g] for g in row_group], device=dev)[:, None] + torch.arange(lk, device=dev)
            rest = self.model(input_ids=cont_ids, attention_mask=mask, position_ids=pos,
                              cache=past, use_cache=False).logits
        for r, (i, k) in enumerate(zip(row_req, conts)):
            logits = first_logits[row_group[r]][None]
            if len(k) > 1:
                logits = torch.cat([logits, rest[r, : len(k) - 1]], dim=0)
            logp = F.log_softmax(logits, dim=-1, dtype=self.softmax_dtype)
            target = torch.tensor(k, dtype=torch.long, device=dev)
            greedy = bool((logp.argmax(dim=-1) == target).all())
            out[i] = (float(logp.gather(1, target[:, None]).sum()), greedy)
