"""fairbench vs lm-eval's own crows_pairs scoring, same rows, same model, one process.

    python bench/crows_religion.py --csv ../shared/peer/crows_pairs_anonymized.csv [--subset religion]

Runs lm-eval's crows_pairs_english_<subset> config (lm-eval's YAML and scoring, dataset read
from the local CSV) and fairbench (the same rows as a user file, through fairbench.runner with
its bootstrap CIs) on one loaded model, alternating, and prints examples/s for both, their
ratio, the pct_stereotype each reports, and tokens/s against this machine's fp32 matmul
roofline (2 x parameters FLOPs per token at the measured GFLOP/s).
"""

from __future__ import annotations

import argparse
import csv
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("HF_DATASETS_OFFLINE", "1")


def matmul_gflops(n: int = 1024, reps: int = 20) -> float:
    import torch

    a, b = torch.randn(n, n), torch.randn(n, n)
    for _ in range(3):
        a @ b
    t0 = time.perf_counter()
    for _ in range(reps):
        a @ b
    return 2 * n**3 * reps / (time.perf_counter() - t0) / 1e9


def subset_csv(src: Path, subset: str | None, dst: Path) -> int:
    """The rows lm-eval's crows_pairs_english_<subset> keeps (bias_type prefix), as a CSV."""
    with open(src, newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        rows = [r for r in reader if not subset or r["bias_type"].startswith(subset.replace("_", "-"))]
        fields = reader.fieldnames
    with open(dst, "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=fields)
        w.writeheader()
        w.writerows(rows)
    return len(rows)


def count_tokens(lm, path: Path) -> int:
    """Tokens the model scores: each sentence after the prefix token, both sentences per pair."""
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    return sum(len(lm.tok_encode(r[k])) for r in rows for k in ("sent_more", "sent_less"))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--csv", required=True, type=Path)
    ap.add_argument("--subset", default="religion", help="lm-eval crows_pairs_english subset; 'all' for every row")
    ap.add_argument("--model", default="smollm2-135m")
    ap.add_argument("--batch-size", type=int, default=16)
    ap.add_argument("--device", default="cpu")
    ap.add_argument("--repeats", type=int, default=2)
    args = ap.parse_args()
    subset = None if args.subset == "all" else args.subset

    import logging

    import lm_eval
    from lm_eval.tasks import TaskManager

    from fairbench.models import load_lm, resolve_model
    from fairbench.runner import Settings, run
    from fairbench.tasks import resolve_tasks

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from peer import lm_eval_crows_pairs_config  # bench/, beside this script

    logging.getLogger("lm_eval").setLevel(logging.ERROR)
    spec = resolve_model(args.model)
    lm = load_lm(spec, device=args.device, batch_size=args.batch_size)
    n_params = sum(p.numel() for p in lm.model.parameters())
    tmp = Path(tempfile.mkdtemp(prefix="fairbench-bench-"))
    rows_csv = tmp / f"crows_{args.subset}.csv"
    n = subset_csv(args.csv, subset, rows_csv)
    tokens = count_tokens(lm, rows_csv)
    ref_cfg = lm_eval_crows_pairs_config(args.csv, subset=subset)
    tasks = resolve_tasks(str(rows_csv))
    manager = TaskManager(include_defaults=False)

    times = {"lm-eval": [], "fairbench": []}
    values = {}
    for _ in range(args.repeats):
        t0 = time.perf_counter()
        out = lm_eval.simple_evaluate(model=lm, tasks=[ref_cfg], task_manager=manager, bootstrap_iters=0)
        times["lm-eval"].append(time.perf_counter() - t0)
        (name,) = out["results"]
        values["lm-eval"] = 100 * out["results"][name]["pct_stereotype,none"]
        t0 = time.perf_counter()
        _, res = run(lm, spec, tasks, settings=Settings(batch_size=args.batch_size), output=tmp / "out")
        times["fairbench"].append(time.perf_counter() - t0)
        values["fairbench"] = res["tasks"][tasks[0].name]["metrics"]["pct_stereotype"]["value"]

    gflops = matmul_gflops()
    roofline = gflops * 1e9 / (2 * n_params)
    print(f"\nrows: {n} pairs ({2 * n} requests, {tokens} scored tokens), model {spec.spec} "
          f"({n_params / 1e6:.1f}M params), batch {args.batch_size}, {args.device}, "
          f"{os.cpu_count()} cores, median of {args.repeats}")
    print(f"{'runner':10} {'pct_stereotype':>15} {'seconds':>8} {'examples/s':>11} {'tokens/s':>9} {'of roofline':>12}")
    for who in ("lm-eval", "fairbench"):
        t = statistics.median(times[who])
        print(f"{who:10} {values[who]:15.4f} {t:8.2f} {n / t:11.2f} {tokens / t:9.0f} {tokens / t / roofline:11.0%}")
    ratio = statistics.median(times["lm-eval"]) / statistics.median(times["fairbench"])
    print(f"fairbench speed / lm-eval speed: {ratio:.3f}  (fp32 matmul {gflops:.0f} GFLOP/s -> roofline {roofline:.0f} tokens/s)")
    print(f"same pct_stereotype: {abs(values['lm-eval'] - values['fairbench']) < 1e-9}")
    return 0 if abs(values["lm-eval"] - values["fairbench"]) < 1e-9 else 1


if __name__ == "__main__":
    sys.exit(main())
