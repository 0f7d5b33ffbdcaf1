"""Per-image rows -> the results JSON task entry (docs/results-schema.md), as for lm-eval tasks.

The rows are the samples file's lines (``{"task", "id", "group", "domain", "record"}``), so the
gate and leaderboard recompute every metric from them with ``to_columns("t2i", ...)``.
"""

from __future__ import annotations

import re
import sys
from datetime import datetime, timezone
from pathlib import Path

from fairbench.metrics import FORMAT_METRICS, evaluate
from fairbench.metrics.t2i import object_report, t2i_columns_vocab

# bytes one bootstrap may hold: the item index matrix and the gathered added-object ids
BOOTSTRAP_BYTES = 2 << 30


def affordable_iters(cols: dict, iters: int, budget: int = BOOTSTRAP_BYTES) -> int:
    """The most bootstrap resamples (<= iters) whose index and gathered matrices fit in budget.

    >>> import numpy as np
    >>> affordable_iters({"added": np.zeros((1_000_000, 8), dtype=np.int32)}, 1000)
    19
    """
    n, k = cols["added"].shape
    per = max(1, n * (16 + 12 * k))
    return int(min(iters, budget // per))


def score_rows(name: str, rows: list[dict], *, by: str, data: dict, iters: int = 1000, seed: int = 1234,
               level: float = 0.95) -> dict:
    """Metrics with CIs overall and per ``by`` value, plus which objects each group pulls in."""
    metrics = FORMAT_METRICS["t2i"]
    records = [r["record"] for r in rows]
    cols, vocab = t2i_columns_vocab(records)  # what to_columns("t2i", records) gives, plus the names
    used = affordable_iters(cols, iters) if rows else iters
    if used < iters:
        print(f"warning: {name}: {len(rows)} items; bootstrap limited to {used} resamples to fit in memory",
              file=sys.stderr)
    scored = evaluate(metrics, cols, [r[by] for r in rows], iters=used, seed=seed, level=level)
    entry = {
        "lm_eval_task": None,  # runs through fairbench's own text-to-image adapter
        "format": "t2i",
        "data": data,
        "n": len(rows),
        "headline": metrics[0].name,
        "metrics": scored["metrics"],
        "by": by,
        "groups": scored["groups"],
        "objects": object_report(records, cols=cols, vocab=vocab),
    }
    if used != iters:
        entry["bootstrap_iters"] = used
    return entry


def new_results(run_id: str, model: dict, settings: dict, samples_name: str) -> dict:
    from fairbench.results import SCHEMA_VERSION, versions

    v = versions()
    try:
        from importlib.metadata import version

        v["diffusers"] = version("diffusers")
    except Exception:
        v["diffusers"] = "not installed"
    return {
        "schema_version": SCHEMA_VERSION,
        "status": "incomplete",
        "run_id": run_id,
        "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "wall_time_s": 0.0,
        "versions": v,
        "model": model,
        "mitigation": None,
        "settings": settings,
        "samples_file": samples_name,
        "tasks": {},
    }


def run_stem(spec: str) -> str:
    """``{model_slug}_{YYYYmmdd-HHMMSS}``, the stem runner.py uses for lm-eval runs."""
    slug = re.sub(r"[^A-Za-z0-9_.-]+", "-", spec).strip("-")[:60] or "model"
    return f"{slug}_{datetime.now(timezone.utc):%Y%m%d-%H%M%S}"


def write(results_path: Path, results: dict, rows: list[dict]) -> None:
    from fairbench.results import write_json, write_jsonl

    write_jsonl(results_path.parent / results["samples_file"], rows)
    write_json(results_path, results)
