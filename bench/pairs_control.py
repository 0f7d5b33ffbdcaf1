"""Positive and neutral control for the pairs score, at the model interface.

Wraps the model so the suffix request after a pair's stereotyped group (request idx 2, P + A)
gets +delta nats: an injected preference for the stereotype content after the stereotyped
group. caste_pairs then runs three ways on the same stratified items: unchanged; positive
(delta after the stereotyped group only: pct_stereotype_cond must rise, paired CI excluding 0);
neutral (delta after both groups of every pair: it must not move).

This is a control of the measurement pipeline (requests, split, scoring, intervals), not of a
fine-tuned model: the injected bias is exact and known.

    python bench/pairs_control.py --limit 200 --delta 1.0
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main(argv=None) -> int:
    import tempfile

    from lm_eval.api.model import LM

    from fairbench.formats import get_format
    from fairbench.metrics import paired_bootstrap_delta
    from fairbench.models import load_lm, resolve_model
    from fairbench.results import load_samples
    from fairbench.runner import Settings, run
    from fairbench.tasks import resolve_tasks

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", default="smollm2-135m")
    ap.add_argument("--task", default="caste_pairs")
    ap.add_argument("--limit", type=int, default=200)
    ap.add_argument("--delta", type=float, default=1.0)
    args = ap.parse_args(argv)

    (task,) = resolve_tasks(args.task)
    ms = resolve_model(args.model)
    base = load_lm(ms, device="cpu", dtype="auto", batch_size=16)

    class Shifted(LM):
        def __init__(self, sides):
            super().__init__()
            self.sides = sides  # request idx that get +delta: 2 = after P + A, 3 = after P + B

        def loglikelihood(self, requests, disable_tqdm=False):
            out = base.loglikelihood(requests, disable_tqdm=disable_tqdm)
            return [(ll + (args.delta if r.idx in self.sides else 0.0), g) for (ll, g), r in zip(out, requests)]

        def loglikelihood_rolling(self, requests, disable_tqdm=False):
            return base.loglikelihood_rolling(requests, disable_tqdm)

        def generate_until(self, requests, disable_tqdm=False):
            return base.generate_until(requests, disable_tqdm)

    m = get_format("pairs").metric("pct_stereotype_cond")
    cols, clusters = {}, None
    with tempfile.TemporaryDirectory() as tmp:
        for name, sides in (("unchanged", ()), ("positive", (2,)), ("neutral", (2, 3))):
            path, res = run(Shifted(sides), ms, [task], settings=Settings(limit=args.limit, bootstrap_iters=1000),
                            output=Path(tmp) / name)
            rows = sorted(load_samples(path, res), key=lambda r: r["id"])
            cols[name] = get_format("pairs").columns([r["record"] for r in rows])
            clusters = [r["cluster"] for r in rows]
    print(f"{args.task}, {args.limit} stratified pairs, delta {args.delta} nats")
    for name in ("unchanged", "positive", "neutral"):
        print(f"  {name:9} pct_stereotype_cond {m(cols[name]):5.1f}")
    for name in ("positive", "neutral"):
        d, ci = paired_bootstrap_delta(m, cols["unchanged"], cols[name], clusters=clusters, iters=1000)
        print(f"  {name} - unchanged: {d:+.1f} [{ci[0]:+.1f}, {ci[1]:+.1f}] (paired, templates resampled)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
