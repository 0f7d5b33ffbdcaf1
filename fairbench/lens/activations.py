"""Residual-stream activations of a Hugging Face causal LM, read with forward hooks.

Layer ``L`` is the output of decoder block ``L`` (0-based), the module sae-lens calls
``model.layers.L`` through HookedProxyLM, so probes and SAEs see the same vectors. The forward
pass stops after the deepest block asked for (the blocks above and the LM head are never run).
"""

from __future__ import annotations

from typing import Sequence

import numpy as np

from fairbench.errors import UserError


class _Stop(Exception):
    pass


def decoder_layers(model):
    """The ModuleList of decoder blocks (Llama, Mistral, Qwen, GPT-2, ...)."""
    import torch

    n = getattr(model.config, "num_hidden_layers", None)
    for path in ("model.layers", "transformer.h", "gpt_neox.layers", "model.decoder.layers"):
        obj = model
        for part in path.split("."):
            obj = getattr(obj, part, None)
        if isinstance(obj, torch.nn.ModuleList) and (n is None or len(obj) == n):
            return obj
    for _, mod in model.named_modules():
        if isinstance(mod, torch.nn.ModuleList) and n is not None and len(mod) == n:
            return mod
    raise UserError(f"cannot find the decoder blocks of {type(model).__name__}")


def hook_name(model, layer: int) -> str:
    """The module name of block ``layer`` (what sae-lens' HookedProxyLM takes as hook_name)."""
    target = decoder_layers(model)[layer]
    for name, mod in model.named_modules():
        if mod is target:
            return name
    return f"model.layers.{layer}"


def n_layers(model) -> int:
    return len(decoder_layers(model))


def check_layer(model, layer: int) -> int:
    n = n_layers(model)
    if not isinstance(layer, (int, np.integer)) or not 0 <= layer < n:
        raise UserError(f"layer {layer!r} is out of range: this model has blocks 0..{n - 1}")
    return int(layer)


def _run(model, tok, texts: Sequence[str], layers: Sequence[int], batch_size: int, on_batch) -> None:
    import torch

    blocks = decoder_layers(model)
    captured: dict[int, "torch.Tensor"] = {}
    deepest = max(layers)

    def make(i):
        def hook(_mod, _inp, out):
            captured[i] = out[0] if isinstance(out, tuple) else out
            if i == deepest:
                raise _Stop

        return hook

    handles = [blocks[i].register_forward_hook(make(i)) for i in sorted(set(layers))]
    device = next(model.parameters()).device
    if tok.pad_token is None:
        tok.pad_token = tok.eos_token
    side = tok.padding_side
    tok.padding_side = "right"
    # longest first, so each batch pads little
    order = sorted(range(len(texts)), key=lambda i: -len(texts[i]))
    try:
        with torch.inference_mode():
            for s in range(0, len(order), batch_size):
                idx = order[s:s + batch_size]
                enc = tok([texts[i] for i in idx], return_tensors="pt", padding=True).to(device)
                captured.clear()
                try:
                    model(**enc, use_cache=False)
                except _Stop:
                    pass
                on_batch(idx, enc["attention_mask"], captured)
    finally:
        tok.padding_side = side
        for h in handles:
            h.remove()


def last_token(model, tok, texts: Sequence[str], layers: Sequence[int], *, batch_size: int = 32) -> np.ndarray:
    """Last-token activations, shape ``(len(texts), len(layers), d_model)``, float32."""
    layers = [check_layer(model, l) for l in layers]
    d = model.config.hidden_size
    out = np.zeros((len(texts), len(layers), d), dtype=np.float32)

    def on_batch(idx, mask, captured):
        last = mask.sum(dim=1) - 1
        rows = np.asarray(idx)
        for j, l in enumerate(layers):
            h = captured[l]
            out[rows, j] = h[range(h.shape[0]), last].float().cpu().numpy()

    if texts:
        _run(model, tok, texts, layers, batch_size, on_batch)
    return out


def all_tokens(model, tok, texts: Sequence[str], layer: int, *, batch_size: int = 16, skip_first: int = 1,
               max_tokens: int | None = None) -> np.ndarray:
    """Activations of every token at ``layer`` (without the first ``skip_first`` positions,
    whose attention-sink norms are far larger than the rest), shape ``(n_tokens, d_model)``."""
    layer = check_layer(model, layer)
    chunks: list[np.ndarray] = []
    total = 0

    def on_batch(idx, mask, captured):
        nonlocal total
        h = captured[layer].float()
        keep = mask.bool().clone()
        keep[:, :skip_first] = False
        rows = h[keep].cpu().numpy()
        chunks.append(rows)
        total += len(rows)

    for s in range(0, len(texts), batch_size * 8):
        _run(model, tok, texts[s:s + batch_size * 8], [layer], batch_size, on_batch)
        if max_tokens is not None and total >= max_tokens:
            break
    acts = np.concatenate(chunks) if chunks else np.zeros((0, model.config.hidden_size), dtype=np.float32)
    return acts[:max_tokens] if max_tokens is not None else acts
