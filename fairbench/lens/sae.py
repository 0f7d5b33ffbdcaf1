"""Sparse autoencoders on one layer's residual stream: train (sae-lens), cache, load, measure.

Training feeds sae-lens' ``TopKTrainingSAE.training_forward_pass`` with activation batches we
extract ourselves (about 8x faster on CPU than the LanguageModelSAETrainingRunner path, and no
wandb: nothing is logged anywhere). Inputs are scaled to unit mean square per coordinate for
training and the scale is folded back into the weights, so the saved SAE takes raw activations
like any sae-lens SAE. Trained SAEs are cached under ``$FAIRBENCH_CACHE/sae/<model sha256>/
layer<L>/`` (default ``~/.cache/fairbench``) in sae-lens's inference format (``save_model``), read
back with ``SAE.load_from_disk``.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from fairbench.errors import UserError

META = "fairbench_sae.json"


@dataclass(frozen=True)
class SAETraining:
    """Training settings (the defaults are what docs/lens.md reports)."""

    expansion: int = 4  # d_sae = expansion x d_model
    k: int = 32  # active latents per token (TopK)
    steps: int = 1000
    batch_tokens: int = 512
    lr: float = 1e-3
    max_tokens: int = 80_000  # activation vectors extracted from the corpus (at most)
    eval_share: float = 0.1  # tokens held out to measure explained variance and L0
    dead_window: int = 200  # steps without firing before a latent counts as dead (aux loss)
    seed: int = 0


def cache_dir(model_sha: str, layer: int, root: Path | None = None) -> Path:
    from fairbench.models.registry import cache_root

    return (root or cache_root()) / "sae" / model_sha[:32] / f"layer{layer}"


def _import_sae_lens():
    os.environ.setdefault("WANDB_MODE", "disabled")
    try:
        import sae_lens  # noqa: F401
    except ImportError:
        raise UserError("BiasLens needs sae-lens: pip install sae-lens") from None
    import sae_lens

    return sae_lens


def corpus_texts() -> list[str]:
    """The SAE training corpus: the lens concept and neutral sentences plus every English text of
    fairbench's own prompt sets (pairs, QA contexts and questions, generation prompts)."""
    from fairbench.lens.concepts import load_concepts, load_neutral
    from fairbench.tasks.paths import data_dir

    texts = [s for c in load_concepts().values() for s in c.sentences] + list(load_neutral())
    for path in sorted(data_dir().glob("*.en.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            row = json.loads(line)
            for key in ("sent_more", "sent_less", "context", "question", "prompt"):
                if isinstance(row.get(key), str):
                    texts.append(row[key].replace("MASKED", "local"))
    return list(dict.fromkeys(texts))


def train_sae(acts: np.ndarray, *, opts: SAETraining = SAETraining(), hook: str = "", model_name: str = "",
              log=None) -> tuple[object, dict]:
    """Train a TopK SAE on ``acts`` ``(n_tokens, d)``; returns (inference SAE, quality dict)."""
    import torch

    _import_sae_lens()
    from sae_lens import SAE
    from sae_lens.saes.sae import TrainStepInput
    from sae_lens.saes.topk_sae import TopKTrainingSAE, TopKTrainingSAEConfig

    if len(acts) < 20:
        raise UserError(f"too few activations to train an SAE ({len(acts)} tokens)")
    t0 = time.time()
    g = torch.Generator().manual_seed(opts.seed)
    torch.manual_seed(opts.seed)
    x = torch.from_numpy(np.ascontiguousarray(acts, dtype=np.float32))
    perm = torch.randperm(len(x), generator=g)
    n_eval = max(10, int(opts.eval_share * len(x)))
    x_eval, x_train = x[perm[:n_eval]], x[perm[n_eval:]]
    d = x.shape[1]
    # unit mean square per coordinate, folded back into the weights after training
    scale = float(np.sqrt(d) / x_train.norm(dim=1).mean())
    cfg = TopKTrainingSAEConfig(d_in=d, d_sae=opts.expansion * d, k=opts.k, dtype="float32", device="cpu")
    cfg.metadata.hook_name = hook
    cfg.metadata.model_name = model_name
    sae = TopKTrainingSAE(cfg)
    with torch.no_grad():
        sae.b_dec.copy_((x_train * scale).mean(dim=0))
    opt = torch.optim.Adam(sae.parameters(), lr=opts.lr, betas=(0.9, 0.999))
    decay_from = int(0.8 * opts.steps)
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: 1.0 if s < decay_from else max(0.0, (opts.steps - s) / max(1, opts.steps - decay_from)))
    since_fired = torch.zeros(cfg.d_sae)
    bs = min(opts.batch_tokens, len(x_train))
    order = torch.randperm(len(x_train), generator=g)
    pos = 0
    sae.train()
    for step in range(opts.steps):
        if pos + bs > len(order):
            order, pos = torch.randperm(len(x_train), generator=g), 0
        batch = x_train[order[pos:pos + bs]] * scale
        pos += bs
        out = sae.training_forward_pass(TrainStepInput(
            sae_in=batch, coefficients={}, dead_neuron_mask=(since_fired > opts.dead_window),
            n_training_steps=step, is_logging_step=False))
        opt.zero_grad(set_to_none=True)
        out.loss.backward()
        opt.step()
        sched.step()
        with torch.no_grad():
            fired = (out.feature_acts > 0).any(dim=0)
            since_fired += 1
            since_fired[fired] = 0
        if log and (step + 1) % max(1, opts.steps // 10) == 0:
            log(f"  SAE step {step + 1}/{opts.steps}: mse {float(out.losses['mse_loss'].detach()):.4g} "
                f"({time.time() - t0:.0f} s)")
    sae.eval()
    with torch.no_grad():
        sae.fold_activation_norm_scaling_factor(scale)
    # round-trip through the inference format, which is what the cache holds
    tmp = Path(_tmpdir())
    try:
        sae.save_inference_model(tmp)
        inf = SAE.load_from_disk(tmp, device="cpu")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    quality = measure(inf, x_eval.numpy())
    quality.update({"train_time_s": round(time.time() - t0, 2), "train_tokens": int(len(x_train)),
                    "eval_tokens": int(n_eval), "dead_share": round(float((since_fired > opts.dead_window).float().mean()), 4),
                    "training": asdict(opts), "input_scale": scale})
    return inf, quality


def _tmpdir() -> str:
    import tempfile

    return tempfile.mkdtemp(prefix="fairbench-sae-")


def measure(sae, acts: np.ndarray) -> dict:
    """Reconstruction quality on ``acts``: explained variance (1 - SSE / total variance around the
    mean) and L0 (mean number of active latents per token)."""
    import torch

    with torch.no_grad():
        x = torch.from_numpy(np.ascontiguousarray(acts, dtype=np.float32))
        z = sae.encode(x)
        xh = sae.decode(z)
        sse = float(((x - xh) ** 2).sum())
        tot = float(((x - x.mean(dim=0)) ** 2).sum())
        l0 = float((z > 0).float().sum(dim=1).mean())
    return {"explained_variance": round(1.0 - sse / tot, 4) if tot > 0 else None, "l0": round(l0, 2),
            "d_sae": int(sae.cfg.d_sae), "d_in": int(sae.cfg.d_in)}


def encode(sae, acts: np.ndarray) -> np.ndarray:
    """SAE latents of ``acts`` ``(..., d)`` as float64 numpy."""
    import torch

    with torch.no_grad():
        return sae.encode(torch.from_numpy(np.ascontiguousarray(acts, dtype=np.float32))).double().numpy()


def save_cached(sae, quality: dict, model_sha: str, layer: int, root: Path | None = None) -> Path:
    """Write an SAE to the cache atomically (a folder renamed into place)."""
    dest = cache_dir(model_sha, layer, root)
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_name(dest.name + f".tmp{os.getpid()}")
    shutil.rmtree(tmp, ignore_errors=True)
    sae.save_model(tmp)
    (tmp / META).write_text(json.dumps({"model_sha256": model_sha, "layer": layer, **quality}, indent=1))
    shutil.rmtree(dest, ignore_errors=True)
    os.replace(tmp, dest)
    return dest


def load_sae(path: str | Path, *, d_model: int | None = None) -> tuple[object, dict]:
    """Load an SAE saved by sae-lens (``SAE.load_from_disk``); returns (sae, meta) where meta is
    fairbench's training record when the folder has one."""
    _import_sae_lens()
    from sae_lens import SAE

    path = Path(path).expanduser()
    if not (path / "cfg.json").is_file():
        raise UserError(f"{path}: not an sae-lens SAE folder (no cfg.json)")
    try:
        sae = SAE.load_from_disk(path, device="cpu")
    except Exception as e:  # a corrupt or foreign folder
        raise UserError(f"{path}: cannot load the SAE ({type(e).__name__}: {e})") from None
    if d_model is not None and sae.cfg.d_in != d_model:
        raise UserError(f"{path}: the SAE reads {sae.cfg.d_in}-dim activations but the model's residual stream is {d_model}-dim")
    meta_path = path / META
    meta = json.loads(meta_path.read_text()) if meta_path.is_file() else {}
    return sae.eval(), meta


def load_cached(model_sha: str, layer: int, root: Path | None = None):
    """The cached SAE for (model, layer), or None."""
    dest = cache_dir(model_sha, layer, root)
    if not (dest / "cfg.json").is_file():
        return None
    try:
        return load_sae(dest)
    except UserError as e:
        print(f"warning: ignoring a broken cached SAE ({e})", file=sys.stderr)
        return None


def sae_layer(sae) -> int | None:
    """The block index an SAE was trained on, from its hook name (``model.layers.N``)."""
    hook = getattr(sae.cfg.metadata, "hook_name", None) or ""
    tail = hook.rsplit(".", 1)[-1]
    return int(tail) if tail.isdigit() else None


def get_sae(model, tok, model_sha: str, layer: int, *, opts: SAETraining = SAETraining(), retrain: bool = False,
            batch_size: int = 16, log=None) -> tuple[object, dict]:
    """The cached SAE of (model, layer), training it once if needed; meta says which."""
    from fairbench.lens.activations import all_tokens, hook_name

    if not retrain:
        hit = load_cached(model_sha, layer)
        if hit is not None:
            sae, meta = hit
            return sae, {**meta, "source": "cache", "path": str(cache_dir(model_sha, layer))}
    texts = corpus_texts()
    if log:
        log(f"training an SAE on layer {layer} (one-time; cached under {cache_dir(model_sha, layer)})")
    t0 = time.time()
    acts = all_tokens(model, tok, texts, layer, batch_size=batch_size, max_tokens=opts.max_tokens)
    extract_s = time.time() - t0
    if log:
        log(f"  {len(acts)} token activations from {len(texts)} texts in {extract_s:.0f} s")
    sae, quality = train_sae(acts, opts=opts, hook=hook_name(model, layer), model_name=model_sha[:12], log=log)
    quality["extract_time_s"] = round(extract_s, 2)
    quality["corpus_texts"] = len(texts)
    path = save_cached(sae, quality, model_sha, layer)
    return sae, {**quality, "model_sha256": model_sha, "layer": layer, "source": "trained", "path": str(path)}
