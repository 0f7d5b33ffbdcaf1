"""Minimal detectable change of a generation task's IIR, at the size and cluster structure of a
real run, for a paired comparison (the same prompts, with and without a mitigation).

The run's own per-prompt hits are the baseline. A simulated mitigation removes a share r of the
hits, in one of two ways:

- prompt-level: each hit is removed independently with probability r;
- cluster-level: all hits of a base prompt's cluster are removed together with probability r
  (a mitigation that works on some scenarios and not others; the harder case).

Each simulated pair is tested as fairbench compares runs: a paired bootstrap over clusters,
two-sided 95% percentile interval of the IIR change; power is the share of simulations whose
interval excludes 0. Printed per task: IIR, n, clusters, the no-cue base rate, and the smallest
reduction (points) with power >= 0.8 under each model.

    python bench/gen_power.py results/RUN.json [--sims 200] [--iters 1000] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def detected(d_by_cluster: np.ndarray, n_by_cluster: np.ndarray, boot: np.ndarray) -> bool:
    """Whether the paired cluster-bootstrap 95% interval of the mean change excludes 0."""
    means = d_by_cluster[boot].sum(1) / n_by_cluster[boot].sum(1)
    lo, hi = np.percentile(means, [2.5, 97.5])
    return bool(hi < 0 or lo > 0)


def power(hits: np.ndarray, cluster_idx: np.ndarray, r: float, level: str, sims: int, iters: int,
          rng: np.random.Generator) -> tuple[float, float]:
    k = int(cluster_idx.max()) + 1
    n_by_cluster = np.bincount(cluster_idx, minlength=k).astype(float)
    boot = rng.integers(0, k, size=(iters, k))
    found, change = 0, 0.0
    for _ in range(sims):
        if level == "prompt":
            removed = hits & (rng.random(hits.size) < r)
        else:
            removed = hits & (rng.random(k) < r)[cluster_idx]
        d = -removed.astype(float)
        change += d.mean()
        found += detected(np.bincount(cluster_idx, weights=d, minlength=k), n_by_cluster, boot)
    return found / sims, 100 * change / sims


def mde(hits, cluster_idx, level, sims, iters, seed) -> float | None:
    """Smallest mean reduction (points) detected with power >= 0.8, over r in 0.02 .. 1."""
    rng = np.random.default_rng(seed)
    for r in np.arange(0.02, 1.0001, 0.02):
        p, change = power(hits, cluster_idx, float(r), level, sims, iters, rng)
        if p >= 0.8:
            return -change
    return None


def main(argv=None) -> int:
    from fairbench.formats import get_format
    from fairbench.results import load_results, load_samples

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("results", nargs="+")
    ap.add_argument("--sims", type=int, default=200)
    ap.add_argument("--iters", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--json")
    args = ap.parse_args(argv)
    out = []
    for path in args.results:
        res = load_results(Path(path))
        rows = load_samples(Path(path), res)
        for name, task in res["tasks"].items():
            if task["format"] != "gen":
                continue
            items = [r for r in rows if r["task"] == name]
            cols = get_format("gen").columns([r["record"] for r in items])
            hits = cols["hit"]
            _, cluster_idx = np.unique([r["cluster"] for r in items], return_inverse=True)
            m = task["metrics"]
            row = {"task": name, "lang": task["data"]["lang"], "results": path, "n": len(items),
                   "clusters": int(cluster_idx.max()) + 1, "iir": m["iir"]["value"], "iir_ci": m["iir"]["ci"],
                   "iir_nocue": (m.get("iir_nocue") or {}).get("value"),
                   "mde_prompt_level": mde(hits, cluster_idx, "prompt", args.sims, args.iters, args.seed),
                   "mde_cluster_level": mde(hits, cluster_idx, "cluster", args.sims, args.iters, args.seed)}
            out.append(row)
    fmt = lambda v: "n/a" if v is None else f"{v:.1f}"  # noqa: E731
    print(f"{'task':14} {'lang':4} {'n':>4} {'clust':>5} {'iir':>6} {'no-cue':>6} {'MDE prompt':>10} {'MDE cluster':>11}")
    for r in out:
        print(f"{r['task']:14} {r['lang']:4} {r['n']:4d} {r['clusters']:5d} {fmt(r['iir']):>6} {fmt(r['iir_nocue']):>6} "
              f"{fmt(r['mde_prompt_level']):>10} {fmt(r['mde_cluster_level']):>11}")
    print("MDE: smallest IIR reduction (points) a paired cluster-bootstrap 95% CI detects with 80% power")
    if args.json:
        Path(args.json).write_text(json.dumps(out, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
