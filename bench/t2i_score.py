"""Benchmark: score one million synthetic captions with the t2i metrics (not a test).

    python bench/t2i_score.py [--n 1000000] [--iters 1000]

Prints the time of each stage: caption -> record (tokenise, stop words, synonyms), records ->
columns, every metric overall and per group (point values), the object report, and a 1,000-
resample bootstrap of every metric on a 10,000-caption slice. Target: the first four under a
minute on 2 cores.
"""

from __future__ import annotations

import argparse
import time

import numpy as np


def synthetic(n: int, seed: int = 0) -> tuple[list[dict], list[str]]:
    """n captions for the identity prompts: 5-10 words from a 2,000-word object vocabulary, the
    prompt's subjects or their synonyms, and some stop words."""
    from fairbench.metrics.t2i import load_synonyms
    from fairbench.t2i.prompts import load_prompts

    rng = np.random.default_rng(seed)
    prompts = load_prompts("t2i_identity").rows
    syn = load_synonyms()
    vocab = np.array([f"obj{i}" for i in range(2000)] + ["man", "woman", "temple", "broom", "lamp", "book"])
    # a Zipf-like object distribution, as captions have
    w = 1.0 / np.arange(1, len(vocab) + 1)
    words = rng.choice(vocab, size=(n, 8), p=w / w.sum())
    lens = rng.integers(3, 9, size=n)
    which = rng.integers(0, len(prompts), size=n)
    stop = ["a", "the", "of", "in", "with", "on"]
    caps = []
    for i in range(n):
        row = prompts[which[i]]
        subj = row["objects"][0]
        head = syn.get(subj, (subj,))[i % len(syn.get(subj, (subj,)))] if i % 3 else subj
        caps.append(" ".join(["a", head, stop[i % 6], *words[i, : lens[i]]]))
    return [prompts[j] for j in which], caps


def main() -> None:
    from fairbench.formats import get_format
    from fairbench.metrics import evaluate
    from fairbench.metrics.t2i import object_report, t2i_columns_vocab, t2i_record

    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=1_000_000)
    ap.add_argument("--iters", type=int, default=1000)
    args = ap.parse_args()

    t = time.perf_counter()
    rows, caps = synthetic(args.n)
    print(f"synthesised {args.n:,} captions in {time.perf_counter() - t:.1f}s (not counted)")

    stages = {}
    t = time.perf_counter()
    records = [t2i_record(r["prompt"], c, r["objects"], group=r["group"]) for r, c in zip(rows, caps)]
    stages["records (tokenise)"] = time.perf_counter() - t
    t = time.perf_counter()
    cols, vocab = t2i_columns_vocab(records)  # = get_format("t2i").columns(records) plus object names
    stages["columns"] = time.perf_counter() - t
    t = time.perf_counter()
    out = evaluate(get_format("t2i").metrics, cols, [r["group"] for r in rows], iters=0)
    stages["metrics overall + 13 groups"] = time.perf_counter() - t
    t = time.perf_counter()
    rep = object_report(records, cols=cols, vocab=vocab)
    stages["object report"] = time.perf_counter() - t
    total = sum(stages.values())
    for k, v in stages.items():
        print(f"  {k:<30} {v:6.1f}s")
    print(f"scoring {args.n:,} captions: {total:.1f}s")

    m = 10_000
    sub = {k: v[:m] for k, v in cols.items()}
    t = time.perf_counter()
    out_b = evaluate(get_format("t2i").metrics, sub, None, iters=args.iters)
    print(f"bootstrap, {args.iters} resamples of {m:,} captions, all metrics: {time.perf_counter() - t:.1f}s")
    print("values:", {k: None if v["value"] is None else round(v["value"], 3) for k, v in out["metrics"].items()})
    print("distinct added objects:", rep["distinct"], "| ci of dist_bias on the slice:", out_b["metrics"]["dist_bias"]["ci"])


if __name__ == "__main__":
    main()
