"""Concept activation vectors: logistic-regression probes on last-token activations.

A concept's probe separates its example sentences (label 1) from the neutral corpus (label 0);
the unit weight vector, pointing towards the concept, is its CAV. Features are divided by one
scalar per layer (the neutral corpus's mean norm over sqrt(d_model)), so one regularisation
strength suits every layer; a scalar leaves the direction unchanged, so the CAV is the same
direction in raw activation space.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from fairbench.errors import UserError

C = 1.0  # inverse L2 strength, on features scaled to unit mean square per coordinate
HOLDOUT = 0.25  # share of each class held out to measure probe accuracy
TOL = 0.01  # blocks within this much of the best mean held-out accuracy count as equally good


def layer_scale(neutral: np.ndarray) -> float:
    """sqrt(d) / mean L2 norm of the neutral activations at one layer (``(m, d)``)."""
    norm = float(np.linalg.norm(neutral, axis=-1).mean())
    return float(np.sqrt(neutral.shape[-1]) / norm) if norm > 0 else 1.0


def _probe(X: np.ndarray, y: np.ndarray, seed: int):
    from sklearn.linear_model import LogisticRegression

    # liblinear: about twice as fast as lbfgs on these small, wide problems (n ~ 150, d ~ 600)
    return LogisticRegression(C=C, solver="liblinear", max_iter=1000, class_weight="balanced",
                              random_state=seed).fit(X, y)


def _xy(pos: np.ndarray, neg: np.ndarray, scale: float) -> tuple[np.ndarray, np.ndarray]:
    X = np.concatenate([pos, neg]).astype(np.float64) * scale
    y = np.r_[np.ones(len(pos)), np.zeros(len(neg))]
    return X, y


def split(n_pos: int, n_neg: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """A stratified train/test split of (pos + neg) rows: boolean test mask."""
    rng = np.random.default_rng(seed)
    test = np.zeros(n_pos + n_neg, dtype=bool)
    for lo, n in ((0, n_pos), (n_pos, n_neg)):
        k = max(1, int(round(HOLDOUT * n)))
        test[lo + rng.choice(n, size=k, replace=False)] = True
    return ~test, test


def concept_seed(name: str, seed: int = 0) -> int:
    """The held-out split's seed for a concept: fixed per name, so a concept's accuracy is the
    same whichever other concepts are probed with it."""
    import zlib

    return (zlib.crc32(name.encode()) + seed) % (2**31)


def heldout(pos: np.ndarray, neg: np.ndarray, *, scale: float, seed: int) -> tuple[float, float]:
    """(balanced held-out accuracy, held-out log-loss) of one probe."""
    from sklearn.metrics import balanced_accuracy_score, log_loss

    X, y = _xy(pos, neg, scale)
    tr, te = split(len(pos), len(neg), seed)
    clf = _probe(X[tr], y[tr], seed)
    p = clf.predict_proba(X[te])[:, 1]
    return float(balanced_accuracy_score(y[te], p >= 0.5)), float(log_loss(y[te], p, labels=[0, 1]))


def fit_cav(pos: np.ndarray, neg: np.ndarray, *, scale: float = 1.0, seed: int = 0) -> np.ndarray:
    """Unit-norm CAV of a concept, pointing from the neutral corpus towards the concept.

    >>> rng = np.random.default_rng(0)
    >>> neg = rng.normal(size=(40, 8)); pos = rng.normal(size=(40, 8)); pos[:, 2] += 3.0
    >>> v = fit_cav(pos, neg)
    >>> round(float(np.linalg.norm(v)), 6), int(np.argmax(v))
    (1.0, 2)
    """
    if len(pos) < 2 or len(neg) < 2:
        raise UserError("a concept probe needs at least two example and two neutral sentences")
    X, y = _xy(pos, neg, scale)
    w = _probe(X, y, seed).coef_[0]
    norm = np.linalg.norm(w)
    if norm == 0:
        raise UserError("the concept probe learned nothing (all weights zero); the examples are not separable")
    return (w / norm).astype(np.float64)


RULE = (f"the shallowest block whose mean held-out accuracy over the library's concepts is within {TOL} "
        "of the best block's")


def pick_layer(layers: list[int], accuracy: list[float], tol: float = TOL) -> int:
    """The shallowest layer within ``tol`` of the best mean held-out accuracy: deeper blocks cost
    more (the forward pass stops at the layer read) and add nothing the probes can measure.

    >>> pick_layer([0, 1, 2, 3], [0.70, 0.985, 0.99, 0.995])
    1
    """
    best = max(accuracy)
    return next(l for l, a in zip(layers, accuracy) if a >= best - tol - 1e-12)


@dataclass
class LayerChoice:
    """Which layer the probes read, and why (held-out accuracy per layer)."""

    layer: int
    layers: list[int]
    accuracy: list[float]  # mean held-out balanced accuracy over concepts, per layer
    logloss: list[float]  # mean held-out log-loss over concepts, per layer
    by_concept: dict[str, list[float]] = field(default_factory=dict)  # held-out accuracy per layer
    rule: str = RULE

    def accuracy_at(self, layer: int) -> float:
        return self.accuracy[self.layers.index(layer)]

    def to_dict(self) -> dict:
        return {"layer": self.layer, "rule": self.rule, "layers": self.layers,
                "accuracy": [round(a, 4) for a in self.accuracy], "logloss": [round(x, 4) for x in self.logloss],
                "by_concept": {k: [round(a, 4) for a in v] for k, v in self.by_concept.items()}}

    @classmethod
    def from_dict(cls, d: dict) -> "LayerChoice":
        # the rule is applied again to the stored accuracies, so a changed rule needs no re-probing
        return cls(pick_layer(d["layers"], d["accuracy"]), d["layers"], d["accuracy"], d["logloss"],
                   d.get("by_concept", {}))


def select_layer(concepts: dict[str, np.ndarray], neutral: np.ndarray, layers: list[int], *, seed: int = 0) -> LayerChoice:
    """Held-out probe accuracy for every concept at every layer, and the layer to use.

    ``concepts``: name -> ``(n, len(layers), d)``; ``neutral``: ``(m, len(layers), d)``.
    """
    acc = np.zeros((len(concepts), len(layers)))
    loss = np.zeros_like(acc)
    for j in range(len(layers)):
        scale = layer_scale(neutral[:, j])
        for i, (name, X) in enumerate(concepts.items()):
            acc[i, j], loss[i, j] = heldout(X[:, j], neutral[:, j], scale=scale, seed=concept_seed(name, seed))
    mean_acc, mean_loss = acc.mean(axis=0), loss.mean(axis=0)
    return LayerChoice(pick_layer(list(layers), mean_acc.tolist()), list(layers), mean_acc.tolist(),
                       mean_loss.tolist(), {name: acc[i].tolist() for i, name in enumerate(concepts)})


def bootstrap_cavs(pos: np.ndarray, neg: np.ndarray, pos_idx: np.ndarray, neg_idx: np.ndarray, *,
                   scale: float, seed: int = 0) -> np.ndarray:
    """CAVs refitted on resampled example sets: ``pos_idx`` ``(B, n)`` and ``neg_idx`` ``(B, m)``
    index rows of ``pos`` and ``neg``; returns ``(B, d)`` unit vectors."""
    out = np.zeros((len(pos_idx), pos.shape[-1]))
    for b in range(len(pos_idx)):
        p, n = pos[pos_idx[b]], neg[neg_idx[b]]
        out[b] = fit_cav(p, n, scale=scale, seed=seed)
    return out
