"""``fairbench run --tasks lens_caste,lens_religion``: BiasLens batteries into the usual results files.

No lm-eval here: BiasLens reads representations, it sends no requests. The results JSON and
samples JSONL follow docs/results-schema.md like every other run (format ``lens``; one sample
row per triple), so ``fairbench show``, the gate and the leaderboard read them unchanged.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Sequence

import numpy as np

from fairbench.errors import UserError
from fairbench.lens.concepts import LENS_TASKS, Battery, load_battery, load_concepts
from fairbench.lens.score import DEFAULT_BOOT, Lens, Space, percentile_ci, resolve_layer, score_triple, top_features


def is_lens_task(name: str) -> bool:
    return name in LENS_TASKS or name == "lens"


def expand(task_names: Sequence[str] | str) -> list[str]:
    names = [t.strip() for t in (task_names.split(",") if isinstance(task_names, str) else task_names) if t.strip()]
    out: list[str] = []
    for n in names:
        for x in (LENS_TASKS if n == "lens" else (n,)):
            if x not in LENS_TASKS:
                raise UserError(f"unknown lens task {x!r}; known: lens, {', '.join(LENS_TASKS)}")
            if x not in out:
                out.append(x)
    if not out:
        raise UserError("no lens task given")
    return out


def battery_rows(battery: Battery, space: Space) -> list[dict]:
    lib = load_concepts()
    rows = []
    for t in battery.triples:
        rec = score_triple(space, t, lib[t.target].valence)
        rows.append({"task": battery.name, "id": t.id, "group": t.refs, "refs": t.refs, "domain": t.target,
                     "record": rec})
    return rows


def _ci_concepts(metric, rows: list[dict], boot: int, level: float) -> list[float] | None:
    """CI of an aggregate over the concept example-set resamples: replicate b of every triple
    forms one resampled battery (metric functions reduce the last axis, so all B at once)."""
    if boot < 2 or not rows:
        return None
    cols = {"valence": np.array([[float(r["record"]["valence"]) for r in rows]] * boot)}
    for space in ("cav", "sae"):
        reps = [r["record"].get(f"boot_{space}") or [] for r in rows]
        cols[f"bias_{space}"] = (np.array(reps, dtype=float).T if all(len(x) == boot for x in reps)
                                 else np.full((boot, len(rows)), np.nan))
    with np.errstate(invalid="ignore"):
        return percentile_ci(np.asarray(metric.fn(cols), dtype=float), level)


def score_battery(battery: Battery, rows: list[dict], *, iters: int, seed: int, level: float, boot: int,
                  info: dict) -> dict:
    """The results-file task entry: metrics over triples (CI over triples, plus ``ci_concepts``
    over concept example sets), per reference pair, and per triple with concept-set CIs."""
    from fairbench.formats import get_format
    from fairbench.metrics import evaluate
    from fairbench.runner import worst_group

    fmt = get_format("lens")
    metrics = fmt.metrics
    cols = fmt.columns([r["record"] for r in rows])
    # triples that share a target concept share its probe, so they resample together; broken
    # down by reference pair (``refs``, "Brahmin|Dalit")
    scored = evaluate(metrics, cols, [r[fmt.by] for r in rows], clusters=[r["record"]["target"] for r in rows],
                      iters=iters, seed=seed, level=level)
    for m in metrics:
        scored["metrics"][m.name]["ci_concepts"] = _ci_concepts(m, rows, boot, level)
    triples = {}
    for r in rows:
        rec = r["record"]
        entry = {"target": rec["target"], "r1": rec["r1"], "r2": rec["r2"]}
        for space in ("cav", "sae"):
            v = rec.get(f"bias_{space}")
            entry[f"bias_{space}"] = {
                "value": None if v is None else 100.0 * v,
                "ci": None if v is None else (lambda c: c and [100.0 * c[0], 100.0 * c[1]])(
                    percentile_ci(rec.get(f"boot_{space}") or [], level)),
                "align_r1": rec.get(f"align_r1_{space}"), "align_r2": rec.get(f"align_r2_{space}")}
        triples[r["id"]] = entry
    return {
        "worst_group": worst_group(metrics[0], scored),
        "lm_eval_task": None,  # representation analysis, not lm-eval requests
        "format": "lens",
        "data": {"path": str(battery.path), "sha256": battery.sha256, "n_rows": len(battery.triples), "lang": "en"},
        "n": len(rows),
        "headline": metrics[0].name,
        "metrics": scored["metrics"],
        "by": fmt.by,
        "groups": scored["groups"],
        "triples": triples,
        "lens": info,
    }


def load_model(ms, *, device: str = "cpu", dtype: str = "auto", allow_download: bool = False):
    import torch

    from fairbench.models.registry import cast, load_hf

    if ms.kind == "lm_eval" and not ms.path:
        raise UserError(f"BiasLens needs a local transformers model; {ms.spec!r} is an lm-eval backend string "
                        "without a local folder")
    if device == "auto":
        device = "cuda" if torch.cuda.is_available() else "cpu"
    if ms.kind == "lm_eval":  # hf:pretrained=LOCAL: load the folder itself
        from transformers import AutoModelForCausalLM, AutoTokenizer

        model, tok = AutoModelForCausalLM.from_pretrained(ms.path), AutoTokenizer.from_pretrained(ms.path)
    else:
        model, tok = load_hf(ms, allow_download=allow_download)
    return cast(model, dtype).to(device).eval(), tok


def prepare(lens: Lens, *, layer: int | None = None, sae_path: str | None = None, use_sae: bool = True,
            retrain: bool = False, sae_opts=None):
    """Pick the layer and the SAE (user's, cached or trained once). Returns (layer, choice, sae, sae_meta)."""
    from fairbench.lens.sae import SAETraining, get_sae, load_sae

    sae = meta = None
    if sae_path:
        sae, meta = load_sae(sae_path, d_model=lens.model.config.hidden_size)
        meta = {**{k: v for k, v in meta.items() if k not in ("source", "path")}, "source": "user", "path": str(sae_path)}
    layer, choice = resolve_layer(lens, layer, sae)
    if sae is None and use_sae:
        t0 = time.time()
        sae, meta = get_sae(lens.model, lens.tok, lens.sha, layer, opts=sae_opts or SAETraining(), retrain=retrain,
                            log=lens.log)
        lens.timings["sae_s"] = time.time() - t0
    return layer, choice, sae, meta


def sae_info(meta: dict | None) -> dict | None:
    if meta is None:
        return None
    keys = ("source", "path", "explained_variance", "l0", "d_sae", "d_in", "train_time_s", "extract_time_s",
            "train_tokens", "eval_tokens", "dead_share", "layer")
    return {k: meta[k] for k in keys if k in meta}


def run_lens_tasks(model_spec, task_names: Sequence[str] | str, *, output: str | Path = "results", settings=None,
                   sae: str | None = None, layer: int | None = None, boot: int | None = None,
                   use_sae: bool = True, allow_download: bool = False, sae_opts=None, log=None) -> tuple[Path, dict]:
    """Score BiasLens batteries on a model and write the results JSON and samples JSONL.

    ``model_spec``: a ``--model`` string or a resolved ModelSpec. ``settings``: runner.Settings
    (seed, limit = first N triples, batch_size, device, dtype, bootstrap_iters, ci_level; its
    ``extra`` may hold ``lens_boot``, ``lens_layer``, ``lens_sae``). ``sae_opts``: SAE training
    settings when one has to be trained. Returns (results path, results).
    """
    from fairbench.models.registry import ModelSpec, resolve_model
    from fairbench.results import RunWriter
    from fairbench.runner import Settings

    settings = settings or Settings()
    extra = dict(getattr(settings, "extra", {}) or {})
    boot = int(boot if boot is not None else extra.get("lens_boot", DEFAULT_BOOT))
    layer = layer if layer is not None else extra.get("lens_layer")
    sae = sae or extra.get("lens_sae")
    if boot < 0:
        raise UserError("the number of concept resamples must be >= 0")
    if settings.limit is not None and settings.limit < 1:
        raise UserError("--limit must be a positive number of triples")
    names = expand(task_names)
    batteries = [load_battery(n, limit=settings.limit) for n in names]
    ms = model_spec if isinstance(model_spec, ModelSpec) else resolve_model(model_spec, allow_download=allow_download)
    log = log or (lambda msg: print(msg, file=sys.stderr, flush=True))

    extra_versions = {}
    try:
        from importlib.metadata import version

        extra_versions = {"sae_lens": version("sae-lens"), "scikit_learn": version("scikit-learn")}
    except Exception:
        pass
    run_settings = settings.to_dict() | {"lens_boot": boot, "lens_layer": layer, "lens_sae": sae, "lens_use_sae": use_sae}
    writer = RunWriter(output, ms.spec, model=ms.to_dict(), settings=run_settings, extra_versions=extra_versions)

    # from here on the run's file exists: Ctrl-C (while loading, training the SAE or scoring)
    # keeps the finished batteries, leaves the status incomplete and says so
    with writer.interruptible():
        log(f"loading {ms.spec} ...")
        import torch

        torch.manual_seed(settings.seed)
        model, tok = load_model(ms, device=settings.device, dtype=settings.dtype, allow_download=allow_download)
        lens = Lens(model, tok, ms.sha256, batch_size=max(1, settings.batch_size) * 4, seed=settings.seed, log=log,
                    model_name=ms.name)
        t0 = time.time()
        lay, choice, sae_model, sae_meta = prepare(lens, layer=layer, sae_path=sae, use_sae=use_sae, sae_opts=sae_opts)
        setup_s = time.time() - t0
        for i, battery in enumerate(batteries, 1):
            log(f"[{i}/{len(batteries)}] {battery.name} (lens, {len(battery.triples)} triples, layer {lay}, "
                f"{boot} concept resamples)")
            t1 = time.time()
            space = lens.space(battery.concepts, lay, sae=sae_model, boot=boot)
            space.probe_acc = lens.probe_accuracy(battery.concepts, lay)
            rows = battery_rows(battery, space)
            info = {"layer": lay, "hook": _hook(model, lay), "layer_choice": choice.to_dict() if choice else None,
                    "layer_rule": choice.rule if choice else ("--layer" if layer is not None else "the SAE's layer"),
                    "probe_accuracy": {k: round(v, 4) for k, v in space.probe_acc.items()},
                    "sae": sae_info(sae_meta), "concept_resamples": boot,
                    "top_features": {c: top_features(space.sae[c]) for c in space.sae},
                    "setup_time_s": round(setup_s, 2) if i == 1 else 0.0}
            entry = score_battery(battery, rows, iters=settings.bootstrap_iters, seed=settings.seed,
                                  level=settings.ci_level, boot=boot, info=info)
            entry["wall_time_s"] = round(time.time() - t1 + (setup_s if i == 1 else 0.0), 2)
            writer.add_task(battery.name, entry, rows)
    res = writer.finish(timings={k: round(v, 2) for k, v in lens.timings.items()})
    return res.path, res.data


def _hook(model, layer: int) -> str:
    from fairbench.lens.activations import hook_name

    return hook_name(model, layer)
