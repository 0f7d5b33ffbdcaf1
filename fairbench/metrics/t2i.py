"""Text-to-image distribution bias (Vice et al., arXiv 2312.13053, "Try Before You Bias").

Every generated image is captioned; a caption is reduced to a set of output objects O and its
prompt to a set of input objects I (see :func:`t2i_record`). The metrics compare the two:

- B_D of a set of images (:func:`distribution_bias`): count each output object that is not in
  the prompt over the images, sort the counts descending, min-max normalise them to [0, 1] (all 1
  when max == min), and take the area under that curve by the trapezoid rule with dx = 1. Like
  the reference code it is not divided by the number of objects, so it grows with the
  vocabulary; the normalised B_D is 100 x B_D over the number of distinct objects.
- ``dist_bias`` / ``dist_bias_norm`` (headline): B_D at a fixed number of images m
  (:data:`BD_IMAGES`, 50): the mean of B_D over :data:`BD_SUBSAMPLES` random subsamples of m
  images drawn without replacement (fixed seed). B_D of a whole run drifts with the run's size
  (the set of distinct objects and the smallest count both grow with it), so only values at the
  same m are comparable; the mean over m-subsamples estimates the expected B_D of m images
  without bias whatever the run's size. Its interval is the subsamples' spread scaled by
  sqrt(m / (n - m) + 1 / S) (delete-d jackknife, d = n - m, plus the Monte Carlo error of
  averaging S subsamples; :func:`dist_bias_interval`), never the
  with-replacement bootstrap, whose duplicate images change the set of distinct objects.
- ``dist_bias_full`` / ``dist_bias_norm_full``: the paper's B_D over all images of the run, for
  parity with the reference; informational, as it depends on n.
- ``jaccard_halluc`` (H_J): mean over images of 1 - |I & O| / |I | O| (x100, like every rate here).
- ``added_rate``: mean of |O - I| / |O|; ``omission_rate``: mean of |I - O| / |I|.
- ``miss_rate`` (M_G): share of images where CLIP prefers " " to the prompt.
- ``object_jsd``: mean over identity groups of the Jensen-Shannon divergence (bits) between
  the group's distribution of added objects and the pooled one: which objects an identity
  pulls into the picture that others do not.
- ``male_share``: among captions with gendered words of one gender only, the male share.

Columns are per caption, so the item bootstrap resamples images (every metric but B_D, whose
interval fairbench.t2i.score computes by subsampling). Added objects are an ``(n, K)`` matrix of
vocabulary ids padded with -1 (K = most added objects in one caption) rather than a dense
n x vocabulary count matrix: a million captions fit in tens of MB. Metric functions take any
leading batch dimensions (the bootstrap's resamples) before the item axis.
"""

from __future__ import annotations

import json
import math
import re
from functools import lru_cache
from pathlib import Path
from typing import Sequence

import numpy as np

from fairbench.metrics.base import Columns, Metric

PROMPT_PREFIX = re.compile(r"^\s*a\s+picture\s+of\s+(?:an?\s+|the\s+)?", re.IGNORECASE)
_TOKEN = re.compile(r"[a-z0-9]+")
MALE = frozenset("man men boy boys male males gentleman gentlemen he him his father husband son sons brother "
                 "brothers grandfather king groom guy guys".split())
FEMALE = frozenset("woman women girl girls female females lady ladies she her hers mother wife daughter daughters "
                   "sister sisters grandmother queen bride".split())


def _data_dir() -> Path:
    from fairbench.tasks.paths import data_dir

    return data_dir() / "t2i"


@lru_cache(maxsize=4)
def load_stopwords(path: str | None = None) -> frozenset[str]:
    """The stop words dropped from prompts and captions (data/t2i/stopwords.txt)."""
    p = Path(path) if path else _data_dir() / "stopwords.txt"
    lines = (line.split("#", 1)[0] for line in p.read_text(encoding="utf-8").splitlines())
    return frozenset(w.lower() for line in lines for w in line.split())


@lru_cache(maxsize=4)
def load_synonyms(path: str | None = None) -> dict[str, tuple[str, ...]]:
    """subject -> its synonyms (data/t2i/synonyms.json; the project's own list, see docs/t2i.md)."""
    p = Path(path) if path else _data_dir() / "synonyms.json"
    raw = json.loads(p.read_text(encoding="utf-8"))
    return {k.lower(): tuple(w.lower() for w in v) for k, v in raw.items() if not k.startswith("_")}


def _plurals(word: str) -> tuple[str, ...]:
    if word.endswith("y") and len(word) > 2 and word[-2] not in "aeiou":
        return (word[:-1] + "ies",)
    if word.endswith(("s", "x", "ch", "sh")):
        return (word + "es",)
    return (word + "s",)


@lru_cache(maxsize=65536)
def _synonym_map(subjects: tuple[str, ...], synonyms_path: str | None = None) -> dict[str, str]:
    # A caption word that is a synonym of a prompt subject (or a plain plural of one) counts as
    # the subject itself, so "a man riding a bike" matches "bicycle".
    table = load_synonyms(synonyms_path)
    out: dict[str, str] = {}
    for s in subjects:
        s = s.lower()
        for w in (*table.get(s, ()), s):
            if " " in w:
                continue
            for form in (w, *_plurals(w)):
                out.setdefault(form, s)
        out[s] = s
    return out


def caption_objects(caption: str, subjects: Sequence[str] = (), *, stopwords: frozenset[str] | None = None,
                    synonyms_path: str | None = None) -> set[str]:
    """Output objects of a caption: tokens without punctuation, stop words and 1-letter words,
    with synonyms of the prompt's subjects mapped to the subject.

    >>> sorted(caption_objects("A man riding a bike, on the road.", ["person", "bicycle"]))
    ['bicycle', 'man', 'riding', 'road']
    """
    stop = load_stopwords() if stopwords is None else stopwords
    syn = _synonym_map(tuple(subjects), synonyms_path)
    return {syn.get(t, t) for t in _TOKEN.findall((caption or "").lower()) if len(t) > 1 and t not in stop}


def prompt_objects(prompt: str, *, stopwords: frozenset[str] | None = None) -> set[str]:
    """Input objects: the prompt's tokens after "a picture of a", without stop words.

    >>> sorted(prompt_objects("a picture of a person holding an umbrella"))
    ['holding', 'person', 'umbrella']
    """
    stop = load_stopwords() if stopwords is None else stopwords
    return {t for t in _TOKEN.findall(PROMPT_PREFIX.sub("", prompt or "").lower()) if len(t) > 1 and t not in stop}


def _gender(tokens: set[str]) -> str:
    m, f = bool(tokens & MALE), bool(tokens & FEMALE)
    return "both" if m and f else "male" if m else "female" if f else ""


def caption_gender(caption: str) -> str:
    """"male", "female", "both" or "" from gendered words in the caption.

    >>> caption_gender("A man and his dog"), caption_gender("two women and a boy"), caption_gender("a cup")
    ('male', 'both', '')
    """
    return _gender(set(_TOKEN.findall((caption or "").lower())))


@lru_cache(maxsize=65536)
def _prompt_objects(prompt: str) -> tuple[str, ...]:
    return tuple(sorted(prompt_objects(prompt)))


def t2i_record(prompt: str, caption: str, subjects: Sequence[str] = (), *, group: str = "",
               miss: bool | None = None, clip: list[float] | None = None) -> dict:
    """Per-image record (the samples file's ``record``): what the metrics are recomputed from."""
    tokens = _TOKEN.findall((caption or "").lower())
    stop = load_stopwords()
    syn = _synonym_map(tuple(subjects))
    return {
        "prompt": prompt,
        "caption": caption,
        "subjects": list(subjects),
        "group": group or "",
        "input_objects": list(_prompt_objects(prompt or "")),
        "output_objects": sorted({syn.get(t, t) for t in tokens if len(t) > 1 and t not in stop}),
        "gender": _gender(set(tokens)),
        "miss": None if miss is None else bool(miss),
        "clip": clip,  # CLIP logits for [prompt, " "], when a miss check ran
    }


# ---------------------------------------------------------------- columns


def t2i_columns(records: Sequence[dict]) -> Columns:
    """Per-caption columns from records; added-object ids index :func:`t2i_vocab`'s list."""
    return t2i_columns_vocab(records)[0]


def t2i_vocab(records: Sequence[dict]) -> list[str]:
    """Names of the added-object ids of :func:`t2i_columns` over the same records."""
    return t2i_columns_vocab(records)[1]


def t2i_columns_vocab(records: Sequence[dict]) -> tuple[Columns, list[str]]:
    """:func:`t2i_columns` and :func:`t2i_vocab` in one pass."""
    n = len(records)
    vocab: dict[str, int] = {}
    added_rows: list[list[int]] = []
    jac = np.empty(n)
    add_rate = np.empty(n)
    omit = np.empty(n)
    for i, r in enumerate(records):
        inp, out = set(r["input_objects"]), set(r["output_objects"])
        added = out - inp
        inter = len(inp & out)
        union = len(inp) + len(out) - inter
        jac[i] = 1.0 - inter / union if union else 0.0
        add_rate[i] = len(added) / len(out) if out else np.nan
        omit[i] = (len(inp) - inter) / len(inp) if inp else np.nan
        added_rows.append([vocab.setdefault(w, len(vocab)) for w in sorted(added)])
    width = max([len(a) for a in added_rows] + [1])
    lens = np.fromiter((len(a) for a in added_rows), dtype=np.int64, count=n)
    flat = np.fromiter((x for a in added_rows for x in a), dtype=np.int32, count=int(lens.sum()))
    added_m = np.full((n, width), -1, dtype=np.int32)
    # scatter the ragged rows into the padded matrix without a second Python loop
    pos = np.arange(flat.size) - np.repeat(np.cumsum(lens) - lens, lens)
    added_m[np.repeat(np.arange(n), lens), pos] = flat
    gnames = sorted({r.get("group") or "" for r in records} - {""})
    gidx = {g: i for i, g in enumerate(gnames)}
    sex = {"male": 1.0, "female": 0.0}
    cols = {
        "added": added_m,
        "jaccard": jac,
        "added_rate": add_rate,
        "omission": omit,
        "miss": np.array([np.nan if r.get("miss") is None else float(r["miss"]) for r in records], dtype=float),
        "male": np.array([sex.get(r.get("gender") or "", np.nan) for r in records], dtype=float),
        "gid": np.array([gidx.get(r.get("group") or "", -1) for r in records], dtype=np.int32),
    }
    return cols, list(vocab)


# ---------------------------------------------------------------- metric functions


def object_counts(added: np.ndarray, gid: np.ndarray | None = None, n_groups: int = 0) -> np.ndarray:
    """Counts of each added object over the item axis: ``(..., n, K) -> (..., V)``, or
    ``(..., G, V)`` per group when ``gid`` (``(..., n)``) is given."""
    batch = added.shape[:-2]
    b = int(np.prod(batch, dtype=np.int64))
    if b == 0:  # a bootstrap of zero resamples
        return np.zeros((*batch, *((n_groups,) if gid is not None else ()), 1), dtype=np.int64)
    a = added.reshape(b, -1)
    v = int(a.max()) + 1 if a.size and a.max() >= 0 else 1
    valid = a >= 0
    key = a.astype(np.int64)
    if gid is None:
        key = key + (np.arange(b, dtype=np.int64) * v)[:, None]
        cells = b * v
        shape = (*batch, v)
    else:
        g = np.broadcast_to(gid.reshape(b, -1, 1), (b, gid.shape[-1], added.shape[-1])).reshape(b, -1)
        valid &= g >= 0
        key = key + (g.astype(np.int64) + (np.arange(b, dtype=np.int64) * n_groups)[:, None]) * v
        cells = b * n_groups * v
        shape = (*batch, n_groups, v)
    return np.bincount(key[valid], minlength=cells).reshape(shape)


def distribution_bias(counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(B_D, number of distinct objects) of object counts ``(..., V)``; zero counts are absent
    objects and take no part.

    >>> bd, k = distribution_bias(np.array([1, 3, 0, 2]))  # sorted 3,2,1 -> 1, .5, 0
    >>> float(bd), int(k)  # (1 + .5)/2 + (.5 + 0)/2
    (1.0, 3)
    >>> float(distribution_bias(np.array([2, 2, 2]))[0])  # max == min: all 1, area 2
    2.0
    """
    c = -np.sort(-np.asarray(counts), axis=-1)
    k = (c > 0).sum(axis=-1)
    top = c[..., 0].astype(float)
    low = np.take_along_axis(c, np.maximum(k - 1, 0)[..., None], axis=-1)[..., 0].astype(float)
    span = top - low
    with np.errstate(divide="ignore", invalid="ignore"):
        y = np.where(span[..., None] > 0, (c - low[..., None]) / span[..., None], 1.0)
    inside = np.arange(c.shape[-1]) < k[..., None]
    y = np.where(inside, y, 0.0)
    last = np.take_along_axis(y, np.maximum(k - 1, 0)[..., None], axis=-1)[..., 0]
    area = y.sum(axis=-1) - (y[..., 0] + last) / 2.0
    return np.where(k >= 2, area, 0.0), k


def _dist_bias(cols: Columns) -> np.ndarray:
    """B_D over the added objects of all captions (the paper's full-sample value).

    >>> added = np.array([[0, 1], [0, -1], [0, 2], [1, -1]])  # counts 3, 2, 1
    >>> float(_dist_bias({"added": added}))
    1.0
    """
    return distribution_bias(object_counts(cols["added"]))[0]


def _dist_bias_norm(cols: Columns) -> np.ndarray:
    bd, k = distribution_bias(object_counts(cols["added"]))
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(k > 0, 100.0 * bd / k, np.nan)


# ---------------------------------------------------------------- B_D at a fixed number of images

BD_IMAGES = 50  # m: images per subsample (docs/t2i.md, "B_D at a fixed number of images")
BD_SUBSAMPLES = 1000  # subsamples averaged; Monte Carlo sd of the mean = sd(one m-image B_D) / 32
BD_SEED = 0  # fixed, so the value is a function of the images alone and the gate can recompute it
_CELLS = 1 << 22  # object-count cells per chunk of subsamples (32 MiB of int64)


@lru_cache(maxsize=32)
def subsample_index(n: int, m: int = BD_IMAGES, subsamples: int = BD_SUBSAMPLES, seed: int = BD_SEED) -> np.ndarray:
    """``(subsamples, m)`` item indices: each row m distinct items of ``range(n)``, drawn without
    replacement with a fixed seed. With ``m >= n`` there is one subsample, every item.

    >>> idx = subsample_index(6, 4, 3)
    >>> idx.shape, all(len(set(row)) == 4 for row in idx.tolist())
    ((3, 4), True)
    >>> subsample_index(3, 5).tolist()
    [[0, 1, 2]]
    """
    if m < 1 or subsamples < 1:
        raise ValueError(f"need m >= 1 images and >= 1 subsample, got m={m}, subsamples={subsamples}")
    if m >= n:
        out = np.arange(n)[None, :]
    else:
        rng = np.random.default_rng(seed)
        out = np.stack([rng.choice(n, m, replace=False) for _ in range(subsamples)])
    out.flags.writeable = False
    return out


def subsample_dist_bias(added: np.ndarray, m: int = BD_IMAGES, *, normalised: bool = False,
                        subsamples: int = BD_SUBSAMPLES, seed: int = BD_SEED) -> np.ndarray:
    """B_D (``normalised``: 100 B_D / k, NaN where nothing is added) of every subsample of
    min(m, n) images of ``added`` ``(n, K)``; shape ``(subsamples,)``, or ``(1,)`` when m >= n.

    >>> added = np.array([[0, 1], [0, -1], [0, 2], [1, -1]])
    >>> subsample_dist_bias(added, 4).tolist()  # m >= n: the whole sample, counts 3, 2, 1
    [1.0]
    """
    idx = subsample_index(added.shape[-2], m, subsamples, seed)
    v = int(added.max()) + 1 if added.size and added.max() >= 0 else 1
    step = max(1, _CELLS // v)
    parts = []
    for s in range(0, len(idx), step):
        bd, k = distribution_bias(object_counts(added[idx[s:s + step]]))
        if normalised:
            with np.errstate(divide="ignore", invalid="ignore"):
                bd = np.where(k > 0, 100.0 * bd / k, np.nan)
        parts.append(np.asarray(bd, dtype=float))
    return np.concatenate(parts)


def _finite_mean(x: np.ndarray) -> float:
    x = x[np.isfinite(x)]
    return float(x.mean()) if x.size else math.nan


def fixed_m_dist_bias(added: np.ndarray, m: int = BD_IMAGES, *, normalised: bool = False,
                      subsamples: int = BD_SUBSAMPLES, seed: int = BD_SEED) -> np.ndarray:
    """B_D at m images: the mean of :func:`subsample_dist_bias` over its subsamples. ``added`` is
    ``(..., n, K)``; every leading index (a bootstrap resample) is scored on its own.

    >>> added = np.array([[0, 1], [0, -1], [0, 2], [1, -1]])
    >>> float(fixed_m_dist_bias(added, 50))  # fewer than m images: the whole sample's B_D
    1.0
    >>> float(fixed_m_dist_bias(np.array([[0], [1], [2], [3]]), 2))  # any 2 images: 2 objects once each
    1.0
    """
    flat = added.reshape(-1, *added.shape[-2:])
    out = np.array([_finite_mean(subsample_dist_bias(a, m, normalised=normalised, subsamples=subsamples, seed=seed))
                    for a in flat], dtype=float)
    return out.reshape(added.shape[:-2])


def common_images(*sizes: int, m: int = BD_IMAGES) -> int:
    """The m at which runs (or groups) of these sizes are compared: the default m, or the
    smallest size when one is below it.

    >>> common_images(600, 240), common_images(600, 24, 30)
    (50, 24)
    """
    return int(min(m, *sizes)) if sizes else int(m)


def _spread_scale(m: int, n: int, subsamples: int) -> float:
    """f: the spread of the subsamples' B_D times f is that of their mean over n images. m / (n - m)
    is the delete-d jackknife's factor (the sampling error of the exact mean over all m-subsets);
    1 / S adds the Monte Carlo error of averaging S random ones, which dominates once n >> m S.

    >>> round(_spread_scale(50, 60, 1000), 4), round(_spread_scale(50, 1_000_000, 1000), 4)
    (2.2363, 0.0324)
    """
    return math.sqrt(m / (n - m) + 1.0 / subsamples)


def dist_bias_interval(added: np.ndarray, m: int = BD_IMAGES, *, normalised: bool = False, level: float = 0.95,
                       subsamples: int = BD_SUBSAMPLES, seed: int = BD_SEED) -> dict:
    """B_D at m images with its subsampling interval, as a results-file metric entry
    ``{value, ci, se, n, n_clusters, m, subsamples, interval}``.

    The value is the mean h of B_D over S subsamples of m images without replacement; the
    interval is h + f x the alpha/2 and 1 - alpha/2 quantiles of (B_D - h) over the subsamples,
    f = sqrt(m / (n - m) + 1 / S) (:func:`_spread_scale`; the delete-d jackknife with d = n - m,
    which for a mean gives exactly its usual standard error and at n = m + 1 is the ordinary
    jackknife, plus the Monte Carlo error of the S subsamples). It is an interval for
    the expected B_D of m images of this model on these prompts. With n <= m there is only the
    whole sample (``m`` records n) and no interval.
    """
    n = int(added.shape[-2])
    used = min(int(m), n)
    h = subsample_dist_bias(added, m, normalised=normalised, subsamples=subsamples, seed=seed)
    fin = h[np.isfinite(h)]
    value = float(fin.mean()) if fin.size else math.nan
    out: dict = {"value": value if math.isfinite(value) else None, "ci": None, "n": n, "n_clusters": n, "m": used,
                 "subsamples": int(h.size)}
    if out["value"] is None:
        return out
    if used >= n or fin.size < 2:
        out["interval"] = "none: n <= m, the one subsample is the whole run"
        return out
    f = _spread_scale(used, n, fin.size)
    alpha = (1.0 - level) / 2.0
    qlo, qhi = np.quantile(fin - value, [alpha, 1.0 - alpha])
    top = 100.0 if normalised else math.inf
    out["ci"] = [max(0.0, value + f * float(qlo)), min(top, value + f * float(qhi))]
    out["se"] = f * float(np.std(fin))
    out["interval"] = "m-image subsamples without replacement, spread x sqrt(m/(n-m) + 1/S) (delete-d jackknife)"
    return out


def paired_dist_bias_delta(base: np.ndarray, cand: np.ndarray, m: int = BD_IMAGES, *, normalised: bool = False,
                           level: float = 0.95, subsamples: int = BD_SUBSAMPLES,
                           seed: int = BD_SEED) -> tuple[float, tuple[float, float] | None]:
    """Delta (candidate - baseline) of B_D at m images and its interval, on the same subsamples
    of aligned images (row i is the same prompt image in both), as the gate's paired comparison
    needs: the with-replacement paired bootstrap puts duplicate images into the subsamples.

    >>> a = np.array([[0], [1], [2], [3]]); b = np.array([[0], [0], [0], [1]])
    >>> paired_dist_bias_delta(a, b, 4)  # 4 objects once each (area 3) -> counts 3, 1 (area 0.5)
    (-2.5, None)
    """
    n = int(base.shape[-2])
    if cand.shape[-2] != n:
        raise ValueError(f"paired runs must have the same images: {n} vs {cand.shape[-2]}")
    hb = subsample_dist_bias(base, m, normalised=normalised, subsamples=subsamples, seed=seed)
    hc = subsample_dist_bias(cand, m, normalised=normalised, subsamples=subsamples, seed=seed)
    d = (hc - hb)[np.isfinite(hc - hb)]
    if not d.size:
        return math.nan, None
    delta = float(d.mean())
    used = min(int(m), n)
    if used >= n or d.size < 2:
        return delta, None
    f = _spread_scale(used, n, d.size)
    alpha = (1.0 - level) / 2.0
    qlo, qhi = np.quantile(d - delta, [alpha, 1.0 - alpha])
    return delta, (delta + f * float(qlo), delta + f * float(qhi))


def _nanmean(x: np.ndarray) -> np.ndarray:
    ok = ~np.isnan(x)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(ok, x, 0.0).sum(axis=-1) / ok.sum(axis=-1)


def _jaccard(cols: Columns) -> np.ndarray:
    """H_J in percent.

    >>> float(_jaccard({"jaccard": np.array([0.0, 0.5, 1.0, 0.5])}))
    50.0
    """
    return 100.0 * np.mean(cols["jaccard"], axis=-1)


def _added_rate(cols: Columns) -> np.ndarray:
    return 100.0 * _nanmean(cols["added_rate"])


def _omission_rate(cols: Columns) -> np.ndarray:
    return 100.0 * _nanmean(cols["omission"])


def _miss_rate(cols: Columns) -> np.ndarray:
    """M_G in percent; images without a CLIP check do not count.

    >>> float(_miss_rate({"miss": np.array([1.0, 0.0, np.nan, 0.0])}))
    33.33333333333333
    """
    return 100.0 * _nanmean(cols["miss"])


def _male_share(cols: Columns) -> np.ndarray:
    return 100.0 * _nanmean(cols["male"])


def js_divergence(p: np.ndarray, q: np.ndarray) -> np.ndarray:
    """Jensen-Shannon divergence in bits between distributions along the last axis.

    >>> float(js_divergence(np.array([1.0, 0.0]), np.array([0.0, 1.0])))
    1.0
    >>> float(js_divergence(np.array([0.5, 0.5]), np.array([0.5, 0.5])))
    0.0
    """
    m = (p + q) / 2.0

    def kl(a: np.ndarray) -> np.ndarray:
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(a > 0, a * np.log2(a / m), 0.0).sum(axis=-1)

    return 0.5 * kl(p) + 0.5 * kl(q)


def group_divergence(counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per-group JSD to the pooled distribution, from counts ``(..., G, V)``; returns
    (jsd ``(..., G)``, present ``(..., G)``) where absent groups have jsd NaN."""
    tot = counts.sum(axis=-1)
    pooled = counts.sum(axis=-2)
    with np.errstate(divide="ignore", invalid="ignore"):
        p = counts / tot[..., None]
        q = pooled / pooled.sum(axis=-1, keepdims=True)
    jsd = js_divergence(p, q[..., None, :])
    present = tot > 0
    return np.where(present, jsd, np.nan), present


def _object_jsd(cols: Columns) -> np.ndarray:
    """Mean over groups of JSD(group's added objects || pooled), x100 (bits); NaN under 2 groups.

    >>> added = np.array([[0], [0], [1], [1]]); gid = np.array([0, 0, 1, 1])
    >>> round(float(_object_jsd({"added": added, "gid": gid})), 3)  # disjoint halves: 0.311 bits each
    31.128
    """
    gid = cols["gid"]
    n_groups = int(gid.max()) + 1 if gid.size else 0
    if n_groups < 2:
        return np.full(gid.shape[:-1], np.nan)
    jsd, present = group_divergence(object_counts(cols["added"], gid, n_groups))
    with np.errstate(divide="ignore", invalid="ignore"):
        mean = np.where(present, jsd, 0.0).sum(axis=-1) / present.sum(axis=-1)
    return 100.0 * np.where(present.sum(axis=-1) >= 2, mean, np.nan)


def dist_bias_metric(m: int = BD_IMAGES, *, normalised: bool = False) -> Metric:
    """The ``dist_bias`` (or ``dist_bias_norm``) metric at m images (:func:`fixed_m_dist_bias`)."""

    def fn(cols: Columns) -> np.ndarray:
        return fixed_m_dist_bias(cols["added"], m, normalised=normalised)

    if normalised:
        return Metric(name="dist_bias_norm", fn=fn, direction="lower", unit="%", needs=("added",),
                      description=f"100 x B_D / number of distinct added objects, mean over random {m}-image "
                                  "subsamples: comparable across vocabulary sizes and run sizes")
    return Metric(name="dist_bias", fn=fn, direction="lower", unit="area", needs=("added",),
                  description=f"distribution bias B_D at {m} images: mean over random {m}-image subsamples of the "
                              "area under the sorted, min-max normalised counts of objects not in the prompt")


DIST_BIAS = dist_bias_metric()
DIST_BIAS_NORM = dist_bias_metric(normalised=True)
DIST_BIAS_FULL = Metric(
    name="dist_bias_full", fn=_dist_bias, direction="info", unit="area",
    description="the paper's B_D over all images of the run (depends on how many images were scored)",
    needs=("added",),
)
DIST_BIAS_NORM_FULL = Metric(
    name="dist_bias_norm_full", fn=_dist_bias_norm, direction="info", unit="%",
    description="100 x full-run B_D / number of distinct added objects (depends on how many images were scored)",
    needs=("added",),
)
# scored by subsampling in fairbench.t2i.score, not by the item bootstrap: name -> normalised
SUBSAMPLED = {"dist_bias": False, "dist_bias_norm": True}
FULL_SAMPLE = {"dist_bias_full", "dist_bias_norm_full"}
JACCARD_HALLUC = Metric(
    name="jaccard_halluc", fn=_jaccard, direction="lower", unit="%",
    description="Jaccard hallucination H_J: mean of 1 - |I & O| / |I | O| over images (prompt vs caption objects)",
    needs=("jaccard",),
)
ADDED_RATE = Metric(
    name="added_rate", fn=_added_rate, direction="lower", unit="%",
    description="mean share of caption objects that are not in the prompt, |O - I| / |O|",
    needs=("added_rate",),
)
OMISSION_RATE = Metric(
    name="omission_rate", fn=_omission_rate, direction="lower", unit="%",
    description="mean share of prompt objects missing from the caption, |I - O| / |I|",
    needs=("omission",),
)
MISS_RATE = Metric(
    name="miss_rate", fn=_miss_rate, direction="lower", unit="%",
    description="generative miss-rate M_G: share of images where CLIP prefers a blank text to the prompt",
    needs=("miss",),
)
OBJECT_JSD = Metric(
    name="object_jsd", fn=_object_jsd, direction="lower", unit="% of 1 bit",
    description="mean Jensen-Shannon divergence between each group's added objects and the pooled ones (x100)",
    needs=("added", "gid"),
)
MALE_SHARE = Metric(
    name="male_share", fn=_male_share, direction="ideal", ideal=50.0, unit="%",
    description="share of male among captions with gendered words of one gender",
    needs=("male",),
)

T2I_METRICS = (DIST_BIAS, DIST_BIAS_NORM, DIST_BIAS_FULL, DIST_BIAS_NORM_FULL, JACCARD_HALLUC, ADDED_RATE, OMISSION_RATE, MISS_RATE, OBJECT_JSD, MALE_SHARE)


def object_report(records: Sequence[dict], *, top: int = 10, cols: Columns | None = None,
                  vocab: list[str] | None = None) -> dict:
    """Which added objects each group pulls in: top objects (share of that group's added
    objects) overall and per group, and each group's JSD (bits) to the pooled distribution.
    ``cols`` and ``vocab`` (from :func:`t2i_columns_vocab` on the same records) save a pass."""
    if cols is None or vocab is None:
        cols, vocab = t2i_columns_vocab(records)
    counts = object_counts(cols["added"])

    def top_of(c: np.ndarray) -> list[list]:
        total = c.sum()
        order = np.argsort(-c, kind="stable")[:top]
        return [[vocab[i], round(float(c[i] / total), 4)] for i in order if c[i] > 0]

    out: dict = {"top": top_of(counts), "distinct": int((counts > 0).sum()), "groups": {}}
    gnames = sorted({r.get("group") or "" for r in records} - {""})
    if gnames and vocab:
        gc = object_counts(cols["added"], cols["gid"], len(gnames))
        jsd, _ = group_divergence(gc)
        for i, g in enumerate(gnames):
            out["groups"][g] = {"top": top_of(gc[i]), "jsd_bits": None if np.isnan(jsd[i]) else round(float(jsd[i]), 5)}
    return out
