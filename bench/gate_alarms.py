"""How often the gate fails an equivalent candidate, and how often it catches a real one.

False alarms: from a baseline run and a candidate run of the same tasks (for example the base
model and its neutral control from ``fairbench control``), equivalent candidates are made by
swapping the two runs' items cluster by cluster at random (a sign-flip permutation: under "no
difference" every swap pattern is as likely as the observed one). Each simulated pair goes
through the gate's test (one-sided cluster-bootstrap p of "worse" per headline, Holm over the
checks); the share of pairs with a failing check is the family-wise false-alarm rate, printed
beside the rate each check alone (no correction) would give.

Detection: for a candidate that really differs (a stereo control), the two runs' clusters are
resampled together; the share of resamples the gate fails estimates its power at that effect.

    python bench/gate_alarms.py BASE.json --null NEUTRAL.json [--null ...] --power STEREO.json [--power ...]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def _load(base_path: str, cand_path: str):
    from fairbench.gate import pair_task
    from fairbench.formats import get_format
    from fairbench.results import load_results, load_samples

    base, cand = load_results(base_path), load_results(cand_path)
    brows, crows = load_samples(base_path, base), load_samples(cand_path, cand)
    out = []
    for t, entry in base["tasks"].items():
        if t not in cand["tasks"]:
            continue
        metric = get_format(entry["format"]).metric(entry["headline"]).as_badness()
        out.append((t, metric, pair_task(t, entry["format"], brows, crows)))
    return out


def _p_values(checks, make, iters: int, seed: int) -> list[float | None]:
    from fairbench.metrics.bootstrap import one_sided_p, paired_bootstrap_draws

    ps = []
    for t, metric, pt in checks:
        b, c, clusters = make(pt)
        _, draws = paired_bootstrap_draws(metric, b, c, clusters=clusters, iters=iters, seed=seed)
        ps.append(None if draws is None else one_sided_p(draws))
    return ps


def _swap(rng):
    def make(pt):
        names = sorted(set(pt.clusters))
        flip = dict(zip(names, rng.random(len(names)) < 0.5))
        mask = np.array([flip[c] for c in pt.clusters])
        b = {k: np.where(mask, pt.cand[k], pt.base[k]) for k in pt.base}
        c = {k: np.where(mask, pt.base[k], pt.cand[k]) for k in pt.base}
        return b, c, pt.clusters
    return make


def _resample(rng):
    def make(pt):
        names = sorted(set(pt.clusters))
        members = {n: np.flatnonzero(np.array(pt.clusters) == n) for n in names}
        draw = rng.integers(0, len(names), size=len(names))
        idx = np.concatenate([members[names[d]] for d in draw])
        labels = np.concatenate([[f"{j}"] * len(members[names[d]]) for j, d in enumerate(draw)])
        return {k: v[idx] for k, v in pt.base.items()}, {k: v[idx] for k, v in pt.cand.items()}, list(labels)
    return make


def _rates(checks, make_factory, sims: int, iters: int, alpha: float, seed: int) -> tuple[float, float, list[float]]:
    from fairbench.metrics.intervals import holm

    rng = np.random.default_rng(seed)
    any_holm = any_raw = 0
    per_check = np.zeros(len(checks))
    for s in range(sims):
        ps = _p_values(checks, make_factory(rng), iters, seed + s)
        tested = [p for p in ps if p is not None]
        adjusted = holm(tested)
        any_holm += any(p < alpha for p in adjusted)
        any_raw += any(p < alpha for p in tested)
        per_check += [p is not None and p < alpha for p in ps]
    return any_holm / sims, any_raw / sims, list(per_check / sims)


def _wilson(k: float, n: int) -> str:
    from fairbench.metrics.intervals import wilson

    lo, hi = wilson(k, n)
    return f"{100 * k:.1f}% [{100 * lo:.1f}, {100 * hi:.1f}]"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("base")
    ap.add_argument("--null", action="append", default=[], help="an equivalent-by-construction candidate run")
    ap.add_argument("--power", action="append", default=[], help="a candidate that really differs")
    ap.add_argument("--sims", type=int, default=200)
    ap.add_argument("--iters", type=int, default=500)
    ap.add_argument("--level", type=float, default=0.95)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)
    alpha = (1 - args.level) / 2
    print(f"gate: one-sided alpha {alpha:g} per family (level {args.level}), {args.sims} simulations, "
          f"{args.iters} bootstrap resamples each; 95% Wilson intervals over simulations")
    for kind, paths, factory in (("false alarms", args.null, _swap), ("detection", args.power, _resample)):
        for path in paths:
            checks = _load(args.base, path)
            holm_rate, raw_rate, per = _rates(checks, factory, args.sims, args.iters, alpha, args.seed)
            print(f"\n{kind}: {Path(path).name} ({len(checks)} checks: {', '.join(t for t, _, _ in checks)})")
            print(f"  gate fails (Holm):           {_wilson(holm_rate, args.sims)}")
            print(f"  any check alone (no Holm):   {_wilson(raw_rate, args.sims)}")
            print("  per check: " + ", ".join(f"{t} {100 * r:.1f}%" for (t, _, _), r in zip(checks, per)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
