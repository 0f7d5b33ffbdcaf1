"""How much wider are the intervals when clusters are resampled instead of rows?

For every task of a results file, the headline metric's 95% interval three ways on the same
samples: the percentile bootstrap over rows (treating rows as independent, as fairbench did
before clusters), the percentile bootstrap over clusters (templates, base prompts), and the
interval fairbench reports (Wilson at the cluster-adjusted effective n for shares).

    python bench/cluster_ci.py results/RUN.json [more.json ...]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main(argv=None) -> int:
    from fairbench.formats import FORMATS, get_format
    from fairbench.metrics import bootstrap_ci
    from fairbench.results import load_results, load_samples

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("results", nargs="+")
    ap.add_argument("--iters", type=int, default=1000)
    args = ap.parse_args(argv)
    print(f"{'run':34} {'task':16} {'metric':20} {'value':>6} {'rows CI':>16} {'clusters CI':>16} "
          f"{'reported':>16} {'x wider':>7}")
    for path in args.results:
        res = load_results(path)
        samples = load_samples(path, res)
        for name, task in res["tasks"].items():
            if task["format"] not in FORMATS:
                continue
            rows = [s for s in samples if s["task"] == name]
            m = get_format(task["format"]).metric(task["headline"])
            cols = get_format(task["format"]).columns([r["record"] for r in rows])
            seed = res["settings"].get("seed", 0)
            by_row = bootstrap_ci(m, cols, iters=args.iters, seed=seed)
            by_clu = bootstrap_ci(m, cols, clusters=[r.get("cluster") or r["id"] for r in rows],
                                  iters=args.iters, seed=seed)
            rep = task["metrics"][m.name]
            fmt = lambda ci: "n/a" if not ci else f"[{ci[0]:.1f}, {ci[1]:.1f}]"  # noqa: E731
            wider = ((rep["ci"][1] - rep["ci"][0]) / (by_row[1] - by_row[0])
                     if rep.get("ci") and by_row and by_row[1] > by_row[0] else float("nan"))
            value = rep.get("value")
            print(f"{Path(path).stem[:34]:34} {name:16} {m.name:20} "
                  f"{'n/a' if value is None else f'{value:.1f}':>6} {fmt(by_row):>16} {fmt(by_clu):>16} "
                  f"{fmt(rep.get('ci')):>16} {wider:7.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
