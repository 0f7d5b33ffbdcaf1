"""Shared-context log-likelihoods against lm-eval's HFLM on the same requests, in one process.

Records the tokenised requests a fairbench run of TASKS sends, then scores them with HFLM and
with fairbench's SharedContextHFLM (same loaded model) `--repeats` times each, printing the wall
time of each, their ratio and the largest relative difference of the log-likelihoods.

    python bench/shared_context.py --model smollm2-135m --tasks caste_qa --limit 48 [--device cuda]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main(argv=None) -> int:
    import torch
    from lm_eval.models.huggingface import HFLM

    from fairbench.models import load_lm, resolve_model
    from fairbench.models.shared_context import SharedContextHFLM
    from fairbench.runner import Settings, run
    from fairbench.tasks import resolve_tasks

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", default="smollm2-135m")
    ap.add_argument("--tasks", default="caste_qa")
    ap.add_argument("--limit", type=int, default=None)
    ap.add_argument("--device", default="cpu")
    ap.add_argument("--batch-size", type=int, default=16)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--repeats", type=int, default=2)
    args = ap.parse_args(argv)
    torch.set_num_threads(args.threads)
    seen: list = []

    class Recorder(HFLM):
        def _loglikelihood_tokens(self, requests, disable_tqdm=False, override_bs=None):
            seen.extend(requests)
            return [(0.0, False)] * len(requests)

    ms = resolve_model(args.model)
    base = load_lm(ms, device=args.device, dtype="auto", batch_size=args.batch_size)
    kw = {"pretrained": base.model, "tokenizer": base.tokenizer, "batch_size": args.batch_size, "device": args.device}
    with tempfile.TemporaryDirectory() as d:
        run(Recorder(**kw), ms, resolve_tasks(args.tasks),
            settings=Settings(limit=args.limit, batch_size=args.batch_size, bootstrap_iters=10), output=Path(d))
    print("requests", len(seen), "contexts", len({tuple(c) for _, c, _ in seen}))
    hf, sc = HFLM(**kw), SharedContextHFLM(**kw)
    for _ in range(args.repeats):
        t0 = time.perf_counter()
        a = hf._loglikelihood_tokens(seen, disable_tqdm=True)
        t1 = time.perf_counter()
        b = sc._loglikelihood_tokens(seen, disable_tqdm=True)
        t2 = time.perf_counter()
        print(f"hflm {t1 - t0:.2f}s shared {t2 - t1:.2f}s ratio {(t1 - t0) / (t2 - t1):.2f}")
    rel = max(abs(x[0] - y[0]) / max(abs(x[0]), 1e-9) for x, y in zip(a, b))
    print("max rel diff", rel, "greedy mismatches", sum(x[1] != y[1] for x, y in zip(a, b)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
