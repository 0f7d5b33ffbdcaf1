"""BiasLens scores: concept representations (CAV and SAE space) and the bias of a triple.

Bias(t; r1, r2) = cos(C_t, C_r1) - cos(C_t, C_r2): positive when the target concept sits
closer to r1 than to r2. The same difference is taken in CAV space (unit probe weight vectors)
and in SAE space (each concept's mean SAE latents over its examples minus the neutral corpus's,
negative entries dropped, top ``TOP_K`` kept). Uncertainty comes from resampling every concept's
example sentences and the neutral corpus with replacement and recomputing everything.
"""

from __future__ import annotations

import json
import sys
import time
from dataclasses import dataclass, field
from typing import Sequence

import numpy as np

from fairbench.lens import cav as cavs
from fairbench.lens.concepts import Triple, library_sha, load_concepts, load_neutral

TOP_K = 64  # SAE latents kept per concept representation
TOP_SHOW = 8  # latents listed per concept in reports
DEFAULT_BOOT = 100  # concept example-set resamples


def cosine(u: np.ndarray, v: np.ndarray) -> np.ndarray:
    """Cosine similarity along the last axis; 0 where either vector is zero.

    >>> float(cosine(np.array([1.0, 0.0]), np.array([1.0, 1.0])).round(4))
    0.7071
    """
    nu, nv = np.linalg.norm(u, axis=-1), np.linalg.norm(v, axis=-1)
    with np.errstate(divide="ignore", invalid="ignore"):
        c = (u * v).sum(axis=-1) / (nu * nv)
    return np.where((nu > 0) & (nv > 0), c, 0.0)


def bias(t: np.ndarray, r1: np.ndarray, r2: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(align(t, r1), align(t, r2), their difference) along the last axis.

    >>> a1, a2, b = bias(np.array([1.0, 0.2]), np.array([1.0, 0.0]), np.array([0.0, 1.0]))
    >>> bool(b > 0), bool(bias(np.array([1.0, 0.2]), np.array([0.0, 1.0]), np.array([1.0, 0.0]))[2] < 0)
    (True, True)
    """
    a1, a2 = cosine(t, r1), cosine(t, r2)
    return a1, a2, a1 - a2


def sae_concept(z_pos: np.ndarray, z_neg: np.ndarray, *, top_k: int = TOP_K) -> np.ndarray:
    """A concept in SAE space: mean latents of its examples minus the neutral mean, clipped at
    zero (latents the concept turns on), top ``top_k`` kept. Works on leading batch axes:
    ``z_pos`` ``(..., n, S)``, ``z_neg`` ``(..., m, S)`` -> ``(..., S)``.

    >>> z = sae_concept(np.array([[3.0, 1.0, 0.0]]), np.array([[1.0, 1.0, 1.0]]), top_k=1)
    >>> z.tolist()
    [2.0, 0.0, 0.0]
    """
    diff = np.clip(z_pos.mean(axis=-2) - z_neg.mean(axis=-2), 0.0, None)
    if top_k and top_k < diff.shape[-1]:
        cut = -np.partition(-diff, top_k - 1, axis=-1)[..., top_k - 1:top_k]
        diff = np.where(diff >= cut, diff, 0.0)
    return diff


@dataclass
class Space:
    """Concept representations at one layer, with resampled replicates."""

    layer: int
    cav: dict[str, np.ndarray]
    cav_boot: dict[str, np.ndarray]  # (B, d)
    sae: dict[str, np.ndarray] = field(default_factory=dict)
    sae_boot: dict[str, np.ndarray] = field(default_factory=dict)  # (B, S)
    probe_acc: dict[str, float] = field(default_factory=dict)


def build_space(pos: dict[str, np.ndarray], neutral: np.ndarray, *, layer: int, boot: int = DEFAULT_BOOT,
                seed: int = 0, z_pos: dict[str, np.ndarray] | None = None, z_neutral: np.ndarray | None = None,
                top_k: int = TOP_K) -> Space:
    """CAVs (and SAE representations when latents are given) for every concept in ``pos``.

    ``pos``: name -> ``(n, d)`` activations at ``layer``; ``neutral`` ``(m, d)``; ``z_*`` the
    SAE latents of the same rows. Replicate b resamples each concept's rows and the neutral rows
    (one neutral resample shared by all concepts in that replicate).
    """
    rng = np.random.default_rng(seed)
    scale = cavs.layer_scale(neutral)
    neg_idx = rng.integers(0, len(neutral), size=(boot, len(neutral)))
    space = Space(layer, {}, {})
    for i, (name, X) in enumerate(pos.items()):
        space.cav[name] = cavs.fit_cav(X, neutral, scale=scale, seed=seed)
        pos_idx = rng.integers(0, len(X), size=(boot, len(X)))
        space.cav_boot[name] = cavs.bootstrap_cavs(X, neutral, pos_idx, neg_idx, scale=scale, seed=seed)
        if z_pos is not None:
            zp, zn = z_pos[name], z_neutral
            space.sae[name] = sae_concept(zp, zn, top_k=top_k)
            # resampled means without materialising (B, n, S): counts of each row per replicate
            cp = np.stack([np.bincount(r, minlength=len(zp)) for r in pos_idx] or [np.zeros(len(zp))]) / len(zp)
            cn = np.stack([np.bincount(r, minlength=len(zn)) for r in neg_idx] or [np.zeros(len(zn))]) / len(zn)
            cp, cn = cp[:boot], cn[:boot]
            diff = np.clip(cp @ zp - cn @ zn, 0.0, None)
            if top_k and top_k < diff.shape[-1]:
                cut = -np.partition(-diff, top_k - 1, axis=-1)[:, top_k - 1:top_k]
                diff = np.where(diff >= cut, diff, 0.0)
            space.sae_boot[name] = diff
    return space


def top_features(rep: np.ndarray, n: int = TOP_SHOW) -> list[list]:
    """[[latent index, value], ...] of the strongest latents of a concept representation."""
    idx = [int(i) for i in np.argsort(-rep)[:n] if rep[i] > 0]
    return [[i, round(float(rep[i]), 4)] for i in idx]


def score_triple(space: Space, t: Triple, valence: int = 0) -> dict:
    """The per-triple record written to the samples file (cosines, not x100)."""
    rec = {"target": t.target, "r1": t.r1, "r2": t.r2, "valence": valence, "layer": space.layer}
    a1, a2, b = bias(space.cav[t.target], space.cav[t.r1], space.cav[t.r2])
    rec.update(align_r1_cav=round(float(a1), 6), align_r2_cav=round(float(a2), 6), bias_cav=round(float(b), 6))
    bb = bias(space.cav_boot[t.target], space.cav_boot[t.r1], space.cav_boot[t.r2])[2]
    rec["boot_cav"] = [round(float(x), 6) for x in bb]
    if space.sae:
        a1, a2, b = bias(space.sae[t.target], space.sae[t.r1], space.sae[t.r2])
        rec.update(align_r1_sae=round(float(a1), 6), align_r2_sae=round(float(a2), 6), bias_sae=round(float(b), 6))
        bb = bias(space.sae_boot[t.target], space.sae_boot[t.r1], space.sae_boot[t.r2])[2]
        rec["boot_sae"] = [round(float(x), 6) for x in bb]
    else:
        rec.update(align_r1_sae=None, align_r2_sae=None, bias_sae=None, boot_sae=[])
    return rec


def percentile_ci(values: Sequence[float], level: float = 0.95) -> list[float] | None:
    v = np.asarray([x for x in values if x is not None], dtype=float)
    v = v[np.isfinite(v)]
    if v.size < 2:
        return None
    a = (1 - level) / 2
    lo, hi = np.quantile(v, [a, 1 - a])
    return [float(lo), float(hi)]


# ------------------------------------------------------------------------------ the engine


class Lens:
    """A loaded model plus everything BiasLens computes from it (activations, layer, SAE).

    Activations and the layer choice are memoised; the layer choice and the SAE are also cached
    on disk, keyed by the model's weights sha256.
    """

    def __init__(self, model, tok, model_sha: str, *, batch_size: int = 32, seed: int = 0, log=None,
                 model_name: str = ""):
        from fairbench.lens.activations import n_layers

        self.model, self.tok, self.sha = model.eval(), tok, model_sha
        self.batch_size, self.seed = batch_size, seed
        self.log = log or (lambda msg: print(msg, file=sys.stderr, flush=True))
        self.n_layers = n_layers(model)
        self.model_name = model_name
        self._acts: dict[tuple[str, int], np.ndarray] = {}
        self.timings: dict[str, float] = {}

    # -- activations
    def _texts(self, name: str) -> tuple[str, ...]:
        return load_neutral() if name == "__neutral__" else load_concepts()[name].sentences

    def acts(self, names: Sequence[str], layers: Sequence[int]) -> dict[str, np.ndarray]:
        """name -> ``(n, len(layers), d)``; ``"__neutral__"`` is the neutral corpus."""
        from fairbench.lens.activations import last_token

        missing = [(n, l) for n in names for l in layers if (n, l) not in self._acts]
        if missing:
            need_names = list(dict.fromkeys(n for n, _ in missing))
            need_layers = sorted({l for _, l in missing})
            texts = [t for n in need_names for t in self._texts(n)]
            t0 = time.time()
            out = last_token(self.model, self.tok, texts, need_layers, batch_size=self.batch_size)
            self.timings["activations_s"] = self.timings.get("activations_s", 0.0) + time.time() - t0
            pos = 0
            for n in need_names:
                k = len(self._texts(n))
                for j, l in enumerate(need_layers):
                    self._acts[(n, l)] = out[pos:pos + k, j]
                pos += k
        return {n: np.stack([self._acts[(n, l)] for l in layers], axis=1) for n in names}

    # -- layer choice
    def _layer_cache(self):
        from fairbench.models.registry import cache_root

        return cache_root() / "lens" / self.sha[:32] / f"layers-{library_sha()[:12]}.json"

    def choose_layer(self) -> cavs.LayerChoice:
        """Held-out probe accuracy of every library concept at every block; cached on disk."""
        path = self._layer_cache()
        if path.is_file():
            try:
                return cavs.LayerChoice.from_dict(json.loads(path.read_text()))
            except (KeyError, ValueError):
                pass
        names = list(load_concepts())
        layers = list(range(self.n_layers))
        self.log(f"choosing the layer: probes for {len(names)} concepts at {len(layers)} blocks (once per model)")
        a = self.acts(names + ["__neutral__"], layers)
        t0 = time.time()
        neutral = a.pop("__neutral__")
        choice = cavs.select_layer(a, neutral, layers, seed=self.seed)
        self.timings["layer_probes_s"] = time.time() - t0
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(".tmp")
            tmp.write_text(json.dumps(choice.to_dict()))
            tmp.replace(path)
        except OSError:
            pass
        return choice

    def probe_accuracy(self, names: Sequence[str], layer: int) -> dict[str, float]:
        a = self.acts(list(names) + ["__neutral__"], [layer])
        neutral = a.pop("__neutral__")[:, 0]
        scale = cavs.layer_scale(neutral)
        return {n: cavs.heldout(X[:, 0], neutral, scale=scale, seed=cavs.concept_seed(n, self.seed))[0] for n, X in a.items()}

    # -- representations
    def space(self, names: Sequence[str], layer: int, *, sae=None, boot: int = DEFAULT_BOOT) -> Space:
        from fairbench.lens.sae import encode

        a = self.acts(list(names) + ["__neutral__"], [layer])
        neutral = a.pop("__neutral__")[:, 0]
        pos = {n: X[:, 0] for n, X in a.items()}
        z_pos = z_neutral = None
        if sae is not None:
            z_pos = {n: encode(sae, X) for n, X in pos.items()}
            z_neutral = encode(sae, neutral)
        t0 = time.time()
        sp = build_space(pos, neutral, layer=layer, boot=boot, seed=self.seed, z_pos=z_pos, z_neutral=z_neutral)
        self.timings["probes_s"] = self.timings.get("probes_s", 0.0) + time.time() - t0
        return sp


def resolve_layer(lens: Lens, layer: int | None, sae=None) -> tuple[int, cavs.LayerChoice | None]:
    """The layer to read: ``layer`` if given, else the SAE's own layer, else the chosen one."""
    from fairbench.lens.activations import check_layer
    from fairbench.lens.sae import sae_layer

    if layer is not None:
        return check_layer(lens.model, layer), None
    if sae is not None and sae_layer(sae) is not None:
        return check_layer(lens.model, sae_layer(sae)), None
    choice = lens.choose_layer()
    return choice.layer, choice
