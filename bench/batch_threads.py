"""Which batch size and thread count are fastest for a fairbench run on this machine?

Runs TASKS through ``fairbench.evaluate`` once per (batch size, threads) setting, in one process
with one model, and prints each task's wall time and its ratio to the first setting (the
defaults, batch 8 and torch's own thread count). Also says whether the per-item results are the
same as the first setting's: generations identical, log-likelihoods within 1e-4 relative.

    python bench/batch_threads.py --tasks caste_pairs,caste_qa,caste_gen --limit 96 \\
        --settings 8:0,4:2,16:2,32:2,16:1

A setting is BATCH:THREADS; threads 0 is torch's default. The first run also warms the caches.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def _same(a, b) -> bool:
    """One item's records under two settings: numbers within 1e-4 relative, all else equal
    (generation text, predicted answers, hits)."""
    if isinstance(a, float) or isinstance(b, float):
        return isinstance(a, (int, float)) and isinstance(b, (int, float)) and abs(a - b) <= 1e-4 * max(1.0, abs(a))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    return a == b


def main(argv=None) -> int:
    import torch

    from fairbench.api import evaluate

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", default="smollm2-135m")
    ap.add_argument("--tasks", default="caste_pairs,caste_qa,caste_gen")
    ap.add_argument("--limit", type=int, default=96)
    ap.add_argument("--settings", default="8:0,4:2,16:2,32:2,16:1")
    args = ap.parse_args(argv)
    settings = [tuple(int(x) for x in s.split(":")) for s in args.settings.split(",")]
    default_threads = torch.get_num_threads()
    rows, first = [], None
    with tempfile.TemporaryDirectory() as d:
        # one untimed pass first: lm-eval and the tokenizer cache their work on the first call
        evaluate(args.model, args.tasks, limit=min(args.limit, 8), output=d, bootstrap_iters=10)
        for batch, threads in settings:
            torch.set_num_threads(threads or default_threads)
            res = evaluate(args.model, args.tasks, limit=args.limit, batch_size=batch, output=d, bootstrap_iters=10)
            times = {t: res.task(t).raw["wall_time_s"] for t in res.tasks}
            recs = {(r["task"], r["id"], r.get("sample", 0)): r["record"] for r in res.samples()}
            if first is None:
                first = (times, recs)
            same = {t: all(_same(first[1][k], v) for k, v in recs.items() if k[0] == t) for t in res.tasks}
            rows.append((batch, threads or default_threads, times, same))
    tasks = list(rows[0][2])
    head = ["batch", "threads"] + [f"{t} s (x vs first)" for t in tasks] + ["total s (x)", "same results"]
    lines = []
    for batch, threads, times, same in rows:
        total, total0 = sum(times.values()), sum(first[0].values())
        cells = [f"{times[t]:.1f} ({first[0][t] / times[t]:.2f}x)" for t in tasks]
        diff = [t for t in tasks if not same[t]]
        lines.append([str(batch), str(threads), *cells, f"{total:.1f} ({total0 / total:.2f}x)",
                      "yes" if not diff else "differs: " + ", ".join(diff)])
    from fairbench.report import text_table

    print(f"{args.model}, {args.limit} items per task, torch default threads {default_threads}; "
          "x = first setting's time / this setting's (above 1: faster)")
    print(text_table(head, lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
