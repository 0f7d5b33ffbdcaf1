"""A batch of contexts that share one growing continuation, each with its KV cache.

AMBEDKAR's verifier reads the same continuation under the prompt and under its counterfactuals;
putting those contexts in one left-padded batch lets one forward pass score a whole draft for
all of them. The cache is kept in step with whatever continuation the caller asks about by
cropping to the longest common prefix, so rejected drafts and probed candidates never need
bookkeeping in the decoder.
"""

from __future__ import annotations


class Prefix:
    """The KV cache of a token prefix many prompts share (a system prompt), computed once."""

    def __init__(self, model, ids: list[int]):
        import torch
        from transformers import DynamicCache

        self.ids = list(ids)
        self.cache = DynamicCache()
        if self.ids:
            with torch.inference_mode():
                model(input_ids=torch.tensor([self.ids], device=next(model.parameters()).device),
                      cache=self.cache, use_cache=True)

    def starts(self, prompts: list[list[int]]) -> bool:
        n = len(self.ids)
        return n > 0 and all(len(p) > n and p[:n] == self.ids for p in prompts)

    def expand(self, rows: int):
        from transformers import DynamicCache

        cache = DynamicCache()
        for i, layer in enumerate(self.cache.layers):
            # update() concatenates into new tensors, so the shared prefix is never written to
            cache.update(layer.keys.repeat_interleave(rows, 0), layer.values.repeat_interleave(rows, 0), i)
        return cache


class Rows:
    def __init__(self, model, prompts: list[list[int]], pad_id: int, prefix: Prefix | None = None):
        import torch
        from transformers import DynamicCache

        if any(len(p) == 0 for p in prompts):
            raise ValueError("empty prompt")
        self.model = model
        self.device = next(model.parameters()).device
        self.n = len(prompts)
        # a shared prefix comes from its own cache; the padding then sits between it and each
        # row's own tokens (a hole in the attention mask; positions skip it)
        self.start = len(prefix.ids) if prefix is not None and prefix.starts(prompts) else 0
        self.cache = prefix.expand(self.n) if self.start else DynamicCache()
        prompts = [p[self.start:] for p in prompts]
        width = max(len(p) for p in prompts)
        self.pad = torch.tensor([width - len(p) for p in prompts], device=self.device)
        # the prompt's last token stays out of the cache, so the first call yields the
        # distribution after the prompt (each row's own last token)
        self.tail = torch.tensor([[p[-1]] for p in prompts], device=self.device)
        self.cont: list[int] | None = None  # continuation in the cache; None: prompt tail not fed
        if width > 1:
            ids = torch.tensor([[pad_id] * (width - len(p)) + p[:-1] for p in prompts], device=self.device)
            self._forward(ids)

    def select(self, rows: list[int]) -> "Rows":
        """Some of the rows, as their own Rows, from this one's cache (no second prefill)."""
        import copy

        import torch
        from transformers import DynamicCache

        idx = torch.tensor(rows, dtype=torch.long, device=self.device)
        sub = copy.copy(self)
        sub.n, sub.pad, sub.tail = len(rows), self.pad[idx], self.tail[idx]
        sub.cont = None if self.cont is None else list(self.cont)
        sub.cache = DynamicCache()
        for i, layer in enumerate(self.cache.layers):
            # index_select copies, so neither Rows ever writes the other's tensors
            sub.cache.update(layer.keys.index_select(0, idx), layer.values.index_select(0, idx), i)
        return sub

    def _length(self) -> int:
        return self.cache.get_seq_length()

    def _forward(self, ids):
        import torch

        start = self._length()
        total = start + ids.shape[1]
        cols = torch.arange(total, device=self.device)[None, :]
        hole = (cols >= self.start) & (cols < self.start + self.pad[:, None])
        # no padding: no mask, so attention takes its plain causal path
        mask = (~hole).long() if bool(hole.any()) else None
        pos = (cols[:, start:] - self.pad[:, None]).clamp(min=0)
        with torch.inference_mode():
            out = self.model(input_ids=ids, attention_mask=mask, position_ids=pos, cache=self.cache, use_cache=True)
        return out.logits.float().log_softmax(-1)

    def _shared(self, target: list[int]) -> int:
        """How many continuation tokens the cache already holds of ``target`` (-1: not even
        the prompt's tail)."""
        if self.cont is None:
            return -1
        n = 0
        while n < min(len(self.cont), len(target)) and self.cont[n] == target[n]:
            n += 1
        return n

    def _crop_to(self, keep: int) -> None:
        """Keep the prompt and ``keep`` continuation tokens (-1: drop the prompt's tail too)."""
        have = -1 if self.cont is None else len(self.cont)
        if keep < have:
            self.cache.crop(-(have - keep))
            self.cont = None if keep < 0 else self.cont[:keep]

    def after(self, cont: list[int], extra: list[int] = ()):
        """Log-probs (rows, 1 + len(extra), vocab): next-token distributions after ``cont``,
        then after each prefix of ``extra``, all from one forward pass."""
        import torch

        target = list(cont) + list(extra)
        common = min(self._shared(target), len(cont) - 1)  # re-feed at least the last token of cont
        self._crop_to(common)
        new = torch.tensor([target[max(common, 0):]] * self.n, dtype=torch.long, device=self.device)
        ids = torch.cat([self.tail, new], 1) if common < 0 else new
        logp = self._forward(ids)
        self.cont = target
        first = len(cont) - 1 - common if common >= 0 else len(cont)
        return logp[:, first:]

    def tree(self, cont: list[int], branches: list[tuple[int, int]], need: list[int] = ()):
        """One pass that catches the rows up on ``cont`` and scores side branches off it.

        ``branches``: ``(at, token)`` pairs, each read as ``cont[:at] + [token]`` (``at`` may
        be ``len(cont)``); ``need``: indices ``i`` of ``cont`` whose next-token distribution,
        after ``cont[:i + 1]``, is wanted. Returns log-probs ``(rows, len(need), vocab)`` and
        ``(rows, len(branches), vocab)``.

        A branch token takes the position ``cont[at]`` would have and attends to the context
        before it and to itself only (a tree attention mask), so each branch costs one token
        in the pass, not a copy of every row. Branches leave the cache after the pass; it then
        holds ``cont``.
        """
        import torch

        # everything a branch or a needed distribution hangs off must be read in this pass
        common = min([self._shared(cont)] + [at for at, _ in branches] + list(need))
        self._crop_to(common)
        base, off = max(common, 0), int(common < 0)  # cont[i] sits at fed index i - base + off
        fed = torch.tensor([list(cont[base:])] * self.n, dtype=torch.long, device=self.device)
        if off:
            fed = torch.cat([self.tail, fed], 1)
        p, k = fed.shape[1], len(branches)
        at = torch.tensor([a - base + off for a, _ in branches], dtype=torch.long, device=self.device)
        tokens = torch.tensor([[t for _, t in branches]] * self.n, dtype=torch.long, device=self.device)
        start = self._length()
        cols = torch.arange(start + p + k, device=self.device)
        hole = (cols[None] >= self.start) & (cols[None] < self.start + self.pad[:, None])  # (rows, total)
        # fed tokens: causal; branch j: the cache, the fed tokens before its point, and itself
        fed_sees = cols[None] <= start + torch.arange(p, device=self.device)[:, None]
        branch_sees = (cols[None] < start + at[:, None]) | (cols[None] == start + p + torch.arange(k, device=self.device)[:, None])
        allowed = torch.cat([fed_sees, branch_sees])[None] & ~hole[:, None, :]  # (rows, p + k, total)
        dtype = next(self.model.parameters()).dtype
        mask = torch.zeros(allowed.shape, dtype=dtype, device=self.device)
        mask.masked_fill_(~allowed, torch.finfo(dtype).min)
        q_cols = torch.cat([cols[start:start + p], start + at])
        pos = (q_cols[None] - self.pad[:, None]).clamp(min=0)
        keep = torch.tensor([i - base + off for i in need] + list(range(p, p + k)), dtype=torch.long,
                            device=self.device)
        with torch.inference_mode():
            out = self.model(input_ids=torch.cat([fed, tokens], 1), attention_mask=mask[:, None],
                             position_ids=pos, cache=self.cache, use_cache=True, logits_to_keep=keep)
        if k:
            self.cache.crop(-k)
        self.cont = list(cont)
        logp = out.logits.float().log_softmax(-1)
        return logp[:, :len(need)], logp[:, len(need):]

    def probe(self, prefix: list[int], candidates: list[int]):
        """Log-probs (rows, len(candidates), vocab) after ``prefix + [c]`` for each candidate,
        in one pass over rows x candidates; call ``settle`` next."""
        import torch

        if self.cont is None or self.cont[: len(prefix)] != list(prefix):
            self.after(prefix[:-1] if prefix else [], prefix[-1:])
        self._crop_to(len(prefix))
        k = len(candidates)
        self.cache.batch_repeat_interleave(k)
        self.pad = self.pad.repeat_interleave(k)
        ids = torch.tensor(candidates * self.n, device=self.device)[:, None]
        logp = self._forward(ids)
        self.pad = self.pad[::k]
        self._probe = (list(prefix), list(candidates))
        return logp.view(self.n, k, -1)

    def settle(self, choice: int) -> None:
        """Keep the probed rows of ``choice`` (or the plain prefix when it was not probed)."""
        import torch

        prefix, candidates = self._probe
        k = len(candidates)
        idx = candidates.index(choice) if choice in candidates else 0
        self.cache.batch_select_indices(torch.arange(self.n, device=self.device) * k + idx)
        self.cont = prefix + [candidates[idx]]
        if choice not in candidates:
            self._crop_to(len(prefix))
        del self._probe
