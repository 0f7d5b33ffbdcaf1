"""Shared-context log-likelihoods against lm-eval's HFLM on the same requests, in one process.

Records the tokenised requests a fairbench run of TASKS sends, then scores them with HFLM and
with fairbench's SharedContextHFLM (same loaded model) twice each, printing the wall time of
each, their ratio and the largest relative difference of the log-likelihoods.

    python bench/shared_context.py smollm2-135m caste_qa 48 [--device cuda]
"""
import os
import sys
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import tempfile
import time
from pathlib import Path
import torch
from lm_eval.models.huggingface import HFLM
from fairbench.models.shared_context import SharedContextHFLM
from fairbench.models import resolve_model, load_lm
from fairbench.runner import run, Settings
from fairbench.tasks import resolve_tasks

class Recorder(HFLM):
    reqs = []
    def _loglikelihood_tokens(self, requests, disable_tqdm=False, override_bs=None):
        Recorder.reqs += list(requests)
        return [(0.0, False)] * len(requests)

args = [a for a in sys.argv[1:] if not a.startswith("--")]
device = "cuda" if "--device" in sys.argv and sys.argv[sys.argv.index("--device") + 1] == "cuda" else "cpu"
args = [a for a in args if a != "cuda"]
spec, tasks = args[0], args[1]
limit = int(args[2]) if len(args) > 2 else None
torch.set_num_threads(2)
ms = resolve_model(spec)
base = load_lm(ms, device=device, dtype="auto", batch_size=16)
rec = Recorder(pretrained=base.model, tokenizer=base.tokenizer, batch_size=16, device=device)
with tempfile.TemporaryDirectory() as d:
    run(rec, ms, resolve_tasks(tasks), settings=Settings(limit=limit, batch_size=16, bootstrap_iters=10), output=Path(d))
reqs = Recorder.reqs
print("requests", len(reqs), "contexts", len({tuple(c) for _, c, _ in reqs}))
hf = HFLM(pretrained=base.model, tokenizer=base.tokenizer, batch_size=16, device=device)
sc = SharedContextHFLM(pretrained=base.model, tokenizer=base.tokenizer, batch_size=16, device=device)
for rep in range(2):
    t0 = time.perf_counter(); a = hf._loglikelihood_tokens(reqs, disable_tqdm=True); t1 = time.perf_counter()
    b = sc._loglikelihood_tokens(reqs, disable_tqdm=True); t2 = time.perf_counter()
    print(f"hflm {t1-t0:.2f}s shared {t2-t1:.2f}s ratio {(t1-t0)/(t2-t1):.2f}")
rel = max(abs(x[0]-y[0]) / max(abs(x[0]), 1e-9) for x, y in zip(a, b))
print("max rel diff", rel, "greedy mismatches", sum(x[1] != y[1] for x, y in zip(a, b)))
