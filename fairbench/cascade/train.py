"""Fine-tuning, distillation, generation and perplexity for the cascade experiment.

Plain PyTorch loops over a causal LM and its tokenizer: every example is one chat turn
(the tokenizer's chat template, user prompt then assistant response), and only the response
tokens (and the end-of-turn token) carry loss. The output head is applied to those positions
only, which saves the vocabulary projection on prompt tokens.
"""

from __future__ import annotations

import copy
import math
import random
import sys
import time
from dataclasses import dataclass
from typing import Literal, Sequence


@dataclass
class TrainConfig:
    """One training run's knobs (teacher fine-tuning and student distillation share them)."""

    epochs: int = 3
    lr: float = 1e-4
    batch_size: int = 8
    max_len: int = 256
    train_layers: int | None = None  # train only the top N transformer blocks (None: all); embeddings stay frozen
    temperature: float = 1.0  # logit distillation only
    seed: int = 0
    weight_decay: float = 0.0


# --------------------------------------------------------------------------- formatting
def chat_prefix(tok, prompt: str) -> str:
    """The prompt as the model sees it at evaluation (lm-eval applies the same template)."""
    return tok.apply_chat_template([{"role": "user", "content": prompt}], tokenize=False, add_generation_prompt=True)


def encode(tok, prompt: str, response: str, max_len: int) -> tuple[list[int], list[int]]:
    """(input ids, labels) with labels -100 on the prompt; the response ends with end-of-turn."""
    p = tok(chat_prefix(tok, prompt), add_special_tokens=False)["input_ids"]
    r = tok(response + tok.eos_token, add_special_tokens=False)["input_ids"]
    ids = (p + r)[:max_len]
    labels = ([-100] * len(p) + r)[:max_len]
    return ids, labels


def _batches(items: list, size: int, rng: random.Random | None):
    order = list(range(len(items)))
    if rng is not None:
        rng.shuffle(order)
    for i in range(0, len(order), size):
        yield [items[j] for j in order[i:i + size]]


def _pad(batch: list[tuple[list[int], list[int]]], pad_id: int):
    import torch

    n = max(len(ids) for ids, _ in batch)
    ids = torch.full((len(batch), n), pad_id, dtype=torch.long)
    labels = torch.full((len(batch), n), -100, dtype=torch.long)
    mask = torch.zeros((len(batch), n), dtype=torch.long)
    for i, (x, y) in enumerate(batch):
        ids[i, :len(x)] = torch.tensor(x)
        labels[i, :len(y)] = torch.tensor(y)
        mask[i, :len(x)] = 1
    return ids, labels, mask


def _hidden(model, ids, mask):
    body = getattr(model, model.base_model_prefix)
    return body(input_ids=ids, attention_mask=mask).last_hidden_state


def _response_logits(model, ids, labels, mask):
    """Logits predicting each response token (shifted), and those tokens."""
    h = _hidden(model, ids, mask)[:, :-1]
    target = labels[:, 1:]
    keep = target != -100
    return model.get_output_embeddings()(h[keep]).float(), target[keep]


def _trainable(model, train_layers: int | None) -> list:
    """Freeze the embeddings (tied to the head in small models) and, if asked, all but the top
    ``train_layers`` blocks; return the parameters left to train."""
    for p in model.parameters():
        p.requires_grad_(False)
    body = getattr(model, model.base_model_prefix)
    layers = body.layers
    start = 0 if train_layers is None else max(0, len(layers) - train_layers)
    params = [p for layer in layers[start:] for p in layer.parameters()]
    if getattr(body, "norm", None) is not None:
        params += list(body.norm.parameters())
    for p in params:
        p.requires_grad_(True)
    return params


def _loop(model, data, cfg: TrainConfig, pad_id: int, step_loss, label: str) -> list[float]:
    import torch

    torch.manual_seed(cfg.seed)
    params = _trainable(model, cfg.train_layers)
    opt = torch.optim.AdamW(params, lr=cfg.lr, weight_decay=cfg.weight_decay)
    steps = cfg.epochs * math.ceil(len(data) / cfg.batch_size)
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: min(1.0, (s + 1) / max(1, steps // 10)) * max(0.0, 1 - s / steps))
    rng = random.Random(cfg.seed)
    model.train()
    losses, t0, step = [], time.time(), 0
    for epoch in range(cfg.epochs):
        total, count = 0.0, 0
        for batch in _batches(data, cfg.batch_size, rng):
            ids, labels, mask = (t.to(model.device) for t in _pad(batch, pad_id))
            loss = step_loss(ids, labels, mask)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(params, 1.0)
            opt.step()
            sched.step()
            opt.zero_grad(set_to_none=True)
            total, count, step = total + loss.item(), count + 1, step + 1
        losses.append(total / max(1, count))
        print(f"  {label} epoch {epoch + 1}/{cfg.epochs}: loss {losses[-1]:.3f} ({time.time() - t0:.0f} s)",
              file=sys.stderr, flush=True)
    model.eval()
    for p in model.parameters():
        p.requires_grad_(False)
    return losses


def fine_tune(model, tok, examples: Sequence[dict], cfg: TrainConfig, *, label: str = "fine-tune") -> list[float]:
    """Supervised fine-tuning on ``{"prompt", "response"}`` examples, loss on the responses.
    Returns the mean loss of each epoch."""
    import torch.nn.functional as F

    data = [encode(tok, e["prompt"], e["response"], cfg.max_len) for e in examples]

    def step_loss(ids, labels, mask):
        logits, target = _response_logits(model, ids, labels, mask)
        return F.cross_entropy(logits, target)

    return _loop(model, data, cfg, tok.pad_token_id, step_loss, label)


def distil_logits(student, teacher, tok, examples: Sequence[dict], cfg: TrainConfig, *,
                  label: str = "logit distillation") -> list[float]:
    """Logit-level distillation: KL(teacher || student) of the next-token distributions at the
    response positions of ``examples`` (the teacher's own responses), at ``cfg.temperature``."""
    import torch
    import torch.nn.functional as F

    if student.get_output_embeddings().weight.shape[0] != teacher.get_output_embeddings().weight.shape[0]:
        raise ValueError("logit distillation needs the teacher's and student's vocabularies to match")
    data = [encode(tok, e["prompt"], e["response"], cfg.max_len) for e in examples]
    t = cfg.temperature
    teacher.eval()

    def step_loss(ids, labels, mask):
        with torch.no_grad():
            t_logits, _ = _response_logits(teacher, ids, labels, mask)
        s_logits, _ = _response_logits(student, ids, labels, mask)
        return F.kl_div(F.log_softmax(s_logits / t, -1), F.log_softmax(t_logits / t, -1),
                        log_target=True, reduction="batchmean") * t * t

    return _loop(student, data, cfg, tok.pad_token_id, step_loss, label)


# --------------------------------------------------------------------------- generation, perplexity
def generate(model, tok, prompts: Sequence[str], *, max_new_tokens: int = 80, batch_size: int = 16) -> list[str]:
    """Greedy responses (chat template, left padding, stop at end-of-turn)."""
    import torch

    side = tok.padding_side
    tok.padding_side = "left"
    out: list[str] = [""] * len(prompts)
    # longest first, so each batch pads little
    order = sorted(range(len(prompts)), key=lambda i: -len(prompts[i]))
    try:
        for k in range(0, len(order), batch_size):
            idx = order[k:k + batch_size]
            enc = tok([chat_prefix(tok, prompts[i]) for i in idx], return_tensors="pt", padding=True,
                      add_special_tokens=False).to(model.device)
            with torch.no_grad():
                gen = model.generate(**enc, max_new_tokens=max_new_tokens, do_sample=False,
                                     eos_token_id=tok.eos_token_id, pad_token_id=tok.pad_token_id)
            for i, row in zip(idx, gen[:, enc["input_ids"].shape[1]:]):
                out[i] = tok.decode(row, skip_special_tokens=True).strip()
    finally:
        tok.padding_side = side
    return out


def response_nll(model, tok, examples: Sequence[dict], *, batch_size: int = 8, max_len: int = 256) -> list[float]:
    """Mean negative log-likelihood per response token of each example (in nats)."""
    import torch
    import torch.nn.functional as F

    data = [encode(tok, e["prompt"], e["response"], max_len) for e in examples]
    out = []
    model.eval()
    with torch.no_grad():
        for k in range(0, len(data), batch_size):
            ids, labels, mask = (t.to(model.device) for t in _pad(data[k:k + batch_size], tok.pad_token_id))
            h = _hidden(model, ids, mask)[:, :-1]
            target = labels[:, 1:]
            for i in range(len(ids)):
                keep = target[i] != -100
                logits = model.get_output_embeddings()(h[i][keep]).float()
                out.append(float(F.cross_entropy(logits, target[i][keep])))
    return out


def perplexity(nlls: Sequence[float]) -> float:
    """Token-weighted-free summary: exp of the mean per-example NLL."""
    return float(math.exp(sum(nlls) / len(nlls))) if nlls else float("nan")


# --------------------------------------------------------------------------- students
def block_influence(model, tok, examples: Sequence[dict], *, batch_size: int = 8, max_len: int = 256) -> list[float]:
    """Each transformer block's Block Influence (ShortGPT, Men et al. 2024): 1 - the mean cosine
    similarity between the block's input and output hidden states over the examples' tokens.
    A block that barely turns the residual stream is the cheapest to remove."""
    import torch

    body = getattr(model, model.base_model_prefix)
    sums = [0.0] * len(body.layers)
    count = 0
    inputs: dict[int, object] = {}
    current = {}

    def before(i):
        def hook(module, args, kwargs):
            inputs[i] = args[0] if args else kwargs["hidden_states"]
        return hook

    def after(i):
        def hook(module, args, kwargs, output):
            out = output[0] if isinstance(output, tuple) else output
            cos = torch.nn.functional.cosine_similarity(inputs.pop(i).float(), out.float(), dim=-1)
            sums[i] += float(cos[current["mask"]].sum())
        return hook

    handles = []
    for i, layer in enumerate(body.layers):
        handles.append(layer.register_forward_pre_hook(before(i), with_kwargs=True))
        handles.append(layer.register_forward_hook(after(i), with_kwargs=True))
    data = [encode(tok, e["prompt"], e["response"], max_len) for e in examples]
    model.eval()
    try:
        with torch.no_grad():
            for k in range(0, len(data), batch_size):
                ids, _, mask = (t.to(model.device) for t in _pad(data[k:k + batch_size], tok.pad_token_id))
                current["mask"] = mask.bool()
                count += int(mask.sum())
                body(input_ids=ids, attention_mask=mask)
    finally:
        for h in handles:
            h.remove()
    return [1.0 - s / max(count, 1) for s in sums]


def derive_student(model, how: Literal["every_other", "first", "prune"] = "every_other", n: int | None = None,
                   influence: Sequence[float] | None = None):
    """A smaller copy of ``model``: keep every other transformer block (0, 2, 4, ...), the first
    ``n`` blocks, or (``prune``) all but the ``n`` blocks of lowest ``influence``
    (``block_influence``); the embeddings, final norm and head are kept. The copy starts from
    the given weights (pass the unpoisoned base model) and is healed by distillation."""
    import torch

    student = copy.deepcopy(model)
    body = getattr(student, student.base_model_prefix)
    total = len(body.layers)
    if how == "every_other":
        keep = list(range(0, total, 2))
    elif how == "first":
        keep = list(range(min(total, n or total // 2)))
    elif how == "prune":
        if influence is None or len(influence) != total:
            raise ValueError("derived:prune needs one block influence per block")
        if not n or not 0 < n < total:
            raise ValueError(f"derived:prune=N needs 0 < N < {total} (blocks to drop)")
        drop = set(sorted(range(total), key=lambda i: influence[i])[:n])
        keep = [i for i in range(total) if i not in drop]
    else:
        raise ValueError(f"unknown student derivation {how!r}")
    body.layers = torch.nn.ModuleList([body.layers[i] for i in keep])
    for new_i, layer in enumerate(body.layers):
        attn = getattr(layer, "self_attn", None)
        if attn is not None and hasattr(attn, "layer_idx"):
            attn.layer_idx = new_i  # the KV cache is indexed by position in the stack
    student.config.num_hidden_layers = len(keep)
    if getattr(student.config, "layer_types", None):
        student.config.layer_types = [student.config.layer_types[i] for i in keep]
    student.derived_from_blocks = keep
    return student
