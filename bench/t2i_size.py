"""Measurement: does B_D depend on how many images were scored, and is its interval lopsided? (not a test)

    python bench/t2i_size.py [--runs 200] [--seed 0]

Synthetic captions from one fixed distribution: every image adds 3 distinct objects drawn from
a Zipf (1/rank) distribution over 40 objects, without replacement. For runs of 60, 300 and 1,500
images it prints

1. one run of each size: the full-run B_D ("before": the paper's value, what ``dist_bias`` was)
   with the item-bootstrap interval it used to get, and ``dist_bias`` at m = 50 images with its
   subsampling interval ("after");
2. the mean over ``--runs`` independent runs of each (what a value drifts to with the run's
   size, with its standard error), and the target: the mean B_D of 50-image runs;
3. how often each interval covers its target over those runs, and which share of the interval
   lies above the estimate (0.5: centred; the bootstrap's sits almost wholly above).

Takes about a minute on 2 cores. docs/t2i.md quotes its output.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

V, K, SIZES = 40, 3, (60, 300, 1500)


def synthetic(n: int, rng: np.random.Generator) -> np.ndarray:
    """``(n, 3)`` added-object ids: 3 distinct objects per image, Zipf(1) over 40 (Gumbel top-k)."""
    p = 1.0 / np.arange(1, V + 1)
    g = rng.gumbel(size=(n, V)) + np.log(p / p.sum())
    return np.argpartition(-g, K, axis=1)[:, :K].astype(np.int32)


def main() -> None:
    from fairbench.metrics.bootstrap import Resamples, percentiles
    from fairbench.metrics.t2i import (BD_IMAGES, DIST_BIAS_FULL, DIST_BIAS_NORM_FULL, dist_bias_interval,
                                       distribution_bias, object_counts)

    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=200)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--iters", type=int, default=1000, help="resamples of the old item bootstrap")
    args = ap.parse_args()
    m = BD_IMAGES
    rng = np.random.default_rng(args.seed)
    t0 = time.perf_counter()

    def old(added: np.ndarray, metric) -> tuple[float, tuple[float, float]]:
        cols = {"added": added}
        rs = Resamples(len(added), iters=args.iters, seed=0)
        return float(metric.fn(cols)), percentiles(rs.stats(metric, cols), 0.95)

    def fmt(v, ci) -> str:
        return f"{v:6.3f} [{ci[0]:6.3f}, {ci[1]:6.3f}]" if ci else f"{v:6.3f} [n/a]"

    def above(v, ci) -> float:
        return (ci[1] - v) / (ci[1] - ci[0]) if ci and ci[1] > ci[0] else float("nan")

    # targets: mean B_D of fresh m-image runs (what dist_bias estimates at any n)
    fresh = synthetic(m * 40_000, rng).reshape(40_000, m, K)
    fb, fk = distribution_bias(object_counts(fresh))
    target = {"B_D": float(fb.mean()), "norm": float((100.0 * fb / fk).mean())}
    print(f"target: mean over 40,000 fresh {m}-image runs: B_D {target['B_D']:.3f}, normalised {target['norm']:.3f}"
          f" (sd of one {m}-image run {fb.std():.3f} / {(100.0 * fb / fk).std():.3f})")

    print("\n1. one run of each size: value [95% interval]")
    print(f"{'n':>6}  {'before: full-run B_D, item bootstrap':<38} {'after: dist_bias, m = 50':<28} "
          f"{'before: full-run normalised':<30} after: dist_bias_norm")
    for n in SIZES:
        a = synthetic(n, rng)
        fb1, fn1 = old(a, DIST_BIAS_FULL), old(a, DIST_BIAS_NORM_FULL)
        nb, nn = dist_bias_interval(a, m), dist_bias_interval(a, m, normalised=True)
        print(f"{n:>6}  {fmt(*fb1):<38} {fmt(nb['value'], nb['ci']):<28} {fmt(*fn1):<30} {fmt(nn['value'], nn['ci'])}")

    print(f"\n2.-3. over {args.runs} independent runs of each size: mean (standard error of the mean); "
          "coverage of the target; mean share of the interval above the estimate")
    for label, normalised, full_metric in (("B_D", False, DIST_BIAS_FULL), ("normalised", True, DIST_BIAS_NORM_FULL)):
        key = "norm" if normalised else "B_D"
        rows = {}
        for n in SIZES:
            full, new, old_ci, new_ci = [], [], [], []
            for _ in range(args.runs):
                a = synthetic(n, rng)
                v, ci = old(a, full_metric)
                full.append(v)
                old_ci.append(ci)
                e = dist_bias_interval(a, m, normalised=normalised)
                new.append(e["value"])
                new_ci.append(e["ci"])
            rows[n] = (np.array(full), old_ci, np.array(new), new_ci)
        print(f"\n  {label}  (target of after: {target[key]:.3f}; target of before: the mean full-run value at that n)")
        for n, (full, old_ci, new, new_ci) in rows.items():
            t_full = full.mean()  # E[full-run value at n], estimated from the same runs
            cov_old = np.mean([lo <= t_full <= hi for lo, hi in old_ci])
            cov_new = np.mean([lo <= target[key] <= hi for lo, hi in new_ci])
            up_old = np.nanmean([above(v, c) for v, c in zip(full, old_ci)])
            up_new = np.nanmean([above(v, c) for v, c in zip(new, new_ci)])
            se = lambda x: x.std(ddof=1) / np.sqrt(len(x))  # noqa: E731
            print(f"  n={n:>5}: before {full.mean():7.3f} ({se(full):.3f}) cover {cov_old:.2f} above {up_old:.2f} | "
                  f"after {new.mean():7.3f} ({se(new):.3f}) cover {cov_new:.2f} above {up_new:.2f} "
                  f"width {np.mean([c[1] - c[0] for c in new_ci]):.3f}")
    print(f"\n{time.perf_counter() - t0:.0f}s")


if __name__ == "__main__":
    main()
