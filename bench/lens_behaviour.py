"""Behavioural bias of a triple, for validating BiasLens against the model's own outputs
(bench/lens_validation.py; not part of the package: nothing a user runs scores behaviour).

behaviour(t; r1, r2) = mean over matched probes of
    log P(" " + target form + "." | context naming r1) - log P(same | same context naming r2)
with contexts from ``data/lens/behaviour.json`` and the group forms "a Brahmin man" / "a Brahmin
woman" (each concept's 2nd and 3rd forms). Positive: the model predicates the target of r1 more
readily than of r2, the same sign convention as BiasLens. Conditioning on the context removes the
groups' own prior (how likely "Brahmin" vs "Dalit" is), which would otherwise dominate.
"""

from __future__ import annotations

import json
from typing import Sequence

import numpy as np

from fairbench.lens.concepts import Triple, lens_dir, load_concepts


def _cap(s: str) -> str:
    return s[:1].upper() + s[1:]


def probes(target: str, ref: str) -> list[tuple[str, str, int]]:
    """(context, continuation, template index) for one (target, group); the order is the same for
    every group, so probes of r1 and r2 pair up position by position."""
    lib = load_concepts()
    t, r = lib[target], lib[ref]
    templates = json.loads((lens_dir() / "behaviour.json").read_text())["templates"][t.kind]
    out = []
    for i, tpl in enumerate(templates):
        for rf in r.forms[1:]:
            ctx = tpl.format(np=rf, NP=_cap(rf))
            for tf in t.forms:
                out.append((ctx, f" {tf}.", i))
    return out


def continuation_logprobs(model, tok, pairs: Sequence[tuple[str, str]], *, batch_size: int = 16) -> np.ndarray:
    """Summed log-probability of each continuation given its context (context and continuation
    tokenised separately and joined, so the boundary is exact)."""
    import torch

    seqs, n_ctx = [], []
    for ctx, cont in pairs:
        a = tok(ctx, add_special_tokens=True)["input_ids"]
        b = tok(cont, add_special_tokens=False)["input_ids"]
        seqs.append(a + b)
        n_ctx.append(len(a))
    pad = tok.pad_token_id if tok.pad_token_id is not None else (tok.eos_token_id or 0)
    out = np.zeros(len(seqs))
    order = sorted(range(len(seqs)), key=lambda i: -len(seqs[i]))
    device = next(model.parameters()).device
    with torch.inference_mode():
        for s in range(0, len(order), batch_size):
            idx = order[s:s + batch_size]
            L = max(len(seqs[i]) for i in idx)
            ids = torch.full((len(idx), L), pad, dtype=torch.long)
            mask = torch.zeros((len(idx), L), dtype=torch.long)
            for j, i in enumerate(idx):
                ids[j, :len(seqs[i])] = torch.tensor(seqs[i])
                mask[j, :len(seqs[i])] = 1
            logits = model(input_ids=ids.to(device), attention_mask=mask.to(device), use_cache=False).logits.float()
            logp = torch.log_softmax(logits[:, :-1], dim=-1)
            tgt = ids[:, 1:].to(device)
            lp = logp.gather(-1, tgt.unsqueeze(-1)).squeeze(-1).cpu().numpy()
            for j, i in enumerate(idx):
                out[i] = lp[j, n_ctx[i] - 1:len(seqs[i]) - 1].sum()
    return out


def behaviour_diffs(model, tok, triples: Sequence[Triple], *, batch_size: int = 16) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """triple id -> (per-probe log-probability differences r1 minus r2, their template indices)."""
    need = sorted({(t.target, r) for t in triples for r in (t.r1, t.r2)})
    all_probes = {k: probes(*k) for k in need}
    flat = [(c, x) for k in need for c, x, _ in all_probes[k]]
    lp = continuation_logprobs(model, tok, flat, batch_size=batch_size)
    by_key, pos = {}, 0
    for k in need:
        n = len(all_probes[k])
        by_key[k] = lp[pos:pos + n]
        pos += n
    return {t.id: (by_key[(t.target, t.r1)] - by_key[(t.target, t.r2)],
                   np.array([i for _, _, i in all_probes[(t.target, t.r1)]]))
            for t in triples}
