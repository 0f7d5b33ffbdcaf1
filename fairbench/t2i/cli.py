"""``fairbench t2i run`` (generate, caption, check, score) and ``fairbench t2i score`` (captions
the user already has, no models). Both write the usual results JSON and samples JSONL.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from fairbench.errors import UserError

BD_IMAGES_HELP = ("m: B_D is the mean over random m-image subsamples, so runs of different size compare "
                  "(default 50; the gate recomputes at 50, so a run scored at another m does not gate)")
# the models the reference study used; offline they must be local folders or in the HF cache
DEFAULT_CAPTIONER = "Salesforce/blip-image-captioning-base"
DEFAULT_CLIP = "openai/clip-vit-base-patch32"


@dataclass
class T2IOptions:
    """Generation and scoring settings beyond the common ones."""

    images_per_prompt: int = 2
    guidance_scale: float = 7.5
    height: int | None = None  # None: the pipeline's default size
    width: int | None = None
    max_caption_tokens: int = 10
    bootstrap_iters: int = 1000
    save_images: bool = True
    bd_images: int = 50  # m of B_D (fairbench.metrics.t2i.BD_IMAGES): images per subsample


def resolve_diffusers(spec: str, *, allow_download: bool = False) -> dict:
    """The results file's ``model`` block for ``diffusers:PATH_OR_ID`` (loads nothing)."""
    from fairbench.tasks.datafile import sha256_file

    kind, sep, target = spec.partition(":")
    if kind != "diffusers" or not sep or not target:
        raise UserError(f"model {spec!r}: text-to-image models are given as diffusers:PATH_OR_ID")
    path = Path(target).expanduser()
    if path.is_dir():
        if not (path / "model_index.json").is_file():
            raise UserError(f"{target} has no model_index.json: not a diffusers pipeline folder")
        weights = sorted(p for p in path.rglob("*") if p.suffix in (".safetensors", ".bin", ".ckpt") and p.is_file())
        files, what = (weights, "weights") if weights else ([path / "model_index.json"], "config")
        h = hashlib.sha256()
        for p in files:
            h.update(str(p.relative_to(path)).encode())
            h.update(bytes.fromhex(sha256_file(p)))
        return {"spec": spec, "kind": "diffusers", "name": path.resolve().name, "path": str(path.resolve()),
                "sha256": h.hexdigest(), "hash_of": what}
    if path.exists() or target.count("/") != 1:
        raise UserError(f"diffusers model {target!r}: no such folder")
    if not allow_download:
        raise UserError(f"diffusers model {target!r} is not a local folder; pass --allow-download to fetch it")
    return {"spec": spec, "kind": "diffusers", "name": target, "path": None,
            "sha256": hashlib.sha256(spec.encode()).hexdigest(), "hash_of": "spec"}


def _seed(seed: int) -> None:
    import random

    import numpy as np
    import torch

    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def run_model(model_spec: str, tasks: list[str] | str, *, output: str | Path = "results",
              captioner: str = DEFAULT_CAPTIONER, clip: str | None = DEFAULT_CLIP, batch_size: int = 4,
              limit: int | None = None, seed: int = 1234, device: str = "auto", steps: int = 10,
              allow_download: bool = False, options: T2IOptions | None = None) -> Path:
    """Generate images for each task's prompts, caption them, check misses with CLIP (skipped
    when ``clip`` is None), score, and write the results JSON; returns its path.

    Images and a captions.jsonl per task are kept under ``output/RUN_ID/TASK/`` for inspection.
    The results files are rewritten after every task, as for lm-eval runs.
    """
    from fairbench.metrics.t2i import t2i_record
    from fairbench.t2i.generate import caption, generate, load_captioner, load_clip, load_pipeline, miss_check, pick_device
    from fairbench.t2i.prompts import resolve_tasks
    from fairbench.results import RunWriter
    from fairbench.t2i.score import diffusers_version, score_rows

    opt = options or T2IOptions()
    if limit is not None and limit < 1:
        raise UserError("--limit must be a positive number of prompts")
    if batch_size < 1 or opt.images_per_prompt < 1 or steps < 1 or opt.bd_images < 1:
        raise UserError("--batch-size, --images-per-prompt, --steps and --bd-images must be at least 1")
    model = resolve_diffusers(model_spec, allow_download=allow_download)
    sets = resolve_tasks(tasks)
    dev = pick_device(device)
    _seed(seed)
    print(f"loading {model_spec}, captioner {captioner}" + (f", CLIP {clip}" if clip else "") + " ...",
          file=sys.stderr, flush=True)
    target = model_spec.partition(":")[2]
    pipe = load_pipeline(target, device=dev, allow_download=allow_download)
    cap_model, cap_proc = load_captioner(captioner, device=dev, allow_download=allow_download)
    clip_model, clip_proc = load_clip(clip, device=dev, allow_download=allow_download) if clip else (None, None)

    output = Path(output)
    settings = {"seed": seed, "limit": limit, "batch_size": batch_size, "device": dev, "dtype": "auto", "lang": "en",
                "bootstrap_iters": opt.bootstrap_iters, "ci_level": 0.95, "steps": steps, "captioner": captioner,
                "clip": clip} | {k: v for k, v in asdict(opt).items() if k not in ("bootstrap_iters",)}
    writer = RunWriter(output, model_spec, model=model, settings=settings, extra_versions=diffusers_version())
    stem = writer.run_id  # the images of this run are kept under output/RUN_ID/
    with writer.interruptible():  # Ctrl-C keeps the finished tasks (each add_task rewrites the files) and says where
        for i, ps in enumerate(sets, 1):
            t0 = time.time()
            items = ps.rows[:limit] if limit else ps.rows
            k = opt.images_per_prompt
            print(f"[{i}/{len(sets)}] {ps.name} (t2i, {len(items)} prompts x {k} images)", file=sys.stderr, flush=True)
            prompts = [r["prompt"] for r in items]
            images = generate(pipe, prompts, images_per_prompt=k, batch_size=batch_size, seed=seed, steps=steps,
                              guidance_scale=opt.guidance_scale, height=opt.height, width=opt.width, desc=ps.name)
            caps = caption(images, cap_model, cap_proc, batch_size=max(batch_size, 8),
                           max_new_tokens=opt.max_caption_tokens, desc="caption")
            per_image_prompts = [p for p in prompts for _ in range(k)]
            checks = (miss_check(images, per_image_prompts, clip_model, clip_proc, batch_size=max(batch_size, 8))
                      if clip_model is not None else [(None, None)] * len(images))
            media = output / stem / ps.name
            media.mkdir(parents=True, exist_ok=True)
            rows, inspect = [], []
            for j, (img, text, (miss, logits)) in enumerate(zip(images, caps, checks)):
                item = items[j // k]
                iid = f"{item['id']}#{j % k}"
                rel = f"{stem}/{ps.name}/{item['id']}_{j % k}.png"
                if opt.save_images:
                    img.save(output / rel)
                rec = t2i_record(item["prompt"], text, item["objects"], group=item["group"], miss=miss, clip=logits)
                rec["image"] = rel if opt.save_images else None
                rows.append({"task": ps.name, "id": iid, "group": item["group"], "domain": item["domain"], "record": rec})
                inspect.append({"id": iid, "image": rel, "prompt": item["prompt"], "caption": text, "miss": rec["miss"]})
            with open(media / "captions.jsonl", "w", encoding="utf-8") as f:
                f.writelines(json.dumps(r, ensure_ascii=False) + "\n" for r in inspect)
            entry = score_rows(ps.name, rows, by=ps.by, data=ps.data(), iters=opt.bootstrap_iters, seed=seed,
                               bd_images=opt.bd_images)
            entry["wall_time_s"] = round(time.time() - t0, 2)
            writer.add_task(ps.name, entry, rows)
    return writer.finish().path


# ---------------------------------------------------------------- captions the user already has


def read_captions(path: Path, *, target: str | None = None) -> list[dict]:
    """Rows ``{"id"?, "prompt", "caption", "group"?, "domain"?, "objects"?, "miss"?}`` from a JSONL
    file, or from a COCO-style captions JSON (``{"annotations": [{"image_id", "caption"}]}``).

    COCO captions have no prompt: with ``target`` only captions naming it (or a synonym) are
    kept and scored against the prompt "a picture of a TARGET"; without it every caption is
    scored against an empty prompt (every object counts as added).
    """
    from fairbench.metrics.t2i import caption_objects
    from fairbench.t2i.prompts import read_jsonl

    if not path.is_file():
        raise UserError(f"{path}: no such captions file")
    if path.suffix == ".jsonl":
        rows = read_jsonl(path)
    else:
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
        except (json.JSONDecodeError, UnicodeDecodeError) as e:
            raise UserError(f"{path}: not a JSON or JSONL captions file ({e})") from None
        if isinstance(raw, dict) and isinstance(raw.get("annotations"), list):
            rows = [{"id": f"{a.get('image_id', '')}-{a.get('id', i)}", "prompt": "", "caption": a.get("caption")}
                    for i, a in enumerate(raw["annotations"])]
        elif isinstance(raw, list) and all(isinstance(r, dict) for r in raw):
            rows = raw
        else:
            raise UserError(f"{path}: expected JSONL rows, a list of rows, or a COCO captions JSON with 'annotations'")
    for i, r in enumerate(rows, 1):
        if not isinstance(r.get("caption"), str):
            raise UserError(f"{path}: row {i} has no 'caption' text")
        if not isinstance(r.get("prompt", ""), str):
            raise UserError(f"{path}: row {i}: 'prompt' must be text")
    if target:
        t = target.lower()
        rows = [{**r, "prompt": r.get("prompt") or f"a picture of a {t}", "objects": r.get("objects") or [t]}
                for r in rows if t in caption_objects(r["caption"], [t])]
        if not rows:
            raise UserError(f"{path}: no caption names {target!r} (or a synonym)")
    if not rows:
        raise UserError(f"{path}: no captions")
    return rows


def score_captions(captions: str | Path, *, task: str = "t2i_captions", output: str | Path = "results",
                   target: str | None = None, bootstrap_iters: int = 1000, seed: int = 1234,
                   bd_images: int = 50) -> Path:
    """Score existing captions (no models); returns the results JSON path. Rows whose prompt is
    in the shipped prompt set of ``task`` take its group, domain and subjects. ``bd_images`` is
    the m of B_D (images per subsample; docs/t2i.md)."""
    from fairbench.metrics.t2i import prompt_objects, t2i_record
    from fairbench.t2i.prompts import TASKS, PromptSet, load_prompts
    from fairbench.results import RunWriter
    from fairbench.t2i.score import diffusers_version, score_rows
    from fairbench.tasks.datafile import sha256_file

    if bd_images < 1:
        raise UserError("--bd-images must be at least 1")
    started = time.time()
    path = Path(captions)
    raw = read_captions(path, target=target)
    known = {r["prompt"]: r for r in load_prompts(task).rows} if task in TASKS else {}
    bases = [known.get(r.get("prompt", ""), {}) for r in raw]
    ids = [str(r.get("id") or b.get("id") or f"{task}-{i:06d}") for i, (r, b) in enumerate(zip(raw, bases), 1)]
    counts: dict[str, int] = {}
    for iid in ids:
        counts[iid] = counts.get(iid, 0) + 1
    rows, seen = [], {}
    for r, base, iid in zip(raw, bases, ids):
        if counts[iid] > 1:  # several images of one prompt: id#0, id#1, ... as in t2i run
            seen[iid] = seen.get(iid, -1) + 1
            iid = f"{iid}#{seen[iid]}"
        group = r.get("group", base.get("group", "")) or ""
        subjects = r.get("objects") or base.get("objects") or sorted(prompt_objects(r.get("prompt", "")))
        miss = r.get("miss")
        rec = t2i_record(r.get("prompt", ""), r["caption"], subjects, group=group,
                         miss=None if miss is None else bool(miss))
        rows.append({"task": task, "id": iid, "group": group, "domain": r.get("domain", base.get("domain", "")) or "",
                     "record": rec})
    sha = sha256_file(path)
    ps = PromptSet(task, path.resolve(), sha, raw)
    model = {"spec": str(path), "kind": "captions", "name": path.stem, "path": str(path.resolve()),
             "sha256": sha, "hash_of": "captions"}
    settings = {"seed": seed, "limit": None, "batch_size": None, "device": None, "dtype": None, "lang": "en",
                "bootstrap_iters": bootstrap_iters, "ci_level": 0.95, "target": target, "bd_images": bd_images}
    by = "group" if any(r["group"] for r in rows) else "domain"
    # the captions are read and checked; the files are claimed before the scoring (the bootstrap
    # is the slow part), so Ctrl-C during it leaves an incomplete file and says so, as run does
    writer = RunWriter(output, f"captions-{path.stem}", model=model, settings=settings,
                       extra_versions=diffusers_version())
    with writer.interruptible():
        entry = score_rows(task, rows, by=by, data=ps.data(), iters=bootstrap_iters, seed=seed, bd_images=bd_images)
        entry["wall_time_s"] = round(time.time() - started, 2)
        writer.add_task(task, entry, rows)
        # the run is the reading and the scoring, from before the files were claimed
        return writer.finish(wall_time_s=round(time.time() - started, 2)).path


# ---------------------------------------------------------------- command line


def _print(results_path: Path) -> None:
    from fairbench.report import format_results
    from fairbench.results import load_results

    results = load_results(results_path)
    print(format_results(results))
    for name, t in results["tasks"].items():
        groups = t.get("objects", {}).get("groups", {})
        if groups:
            print(f"\n{name}: top added objects by group (share; JSD to pooled, bits)")
            for g, v in groups.items():
                tops = ", ".join(f"{o} {s:.0%}" for o, s in v["top"][:5])
                print(f"  {g}: {tops}  (jsd {v['jsd_bits']})")
    print(f"\nresults: {results_path}\nsamples: {results_path.parent / results['samples_file']}")


def cmd_run(args: argparse.Namespace) -> int:
    opt = T2IOptions(images_per_prompt=args.images_per_prompt, guidance_scale=args.guidance_scale,
                     height=args.size, width=args.size, bootstrap_iters=args.bootstrap_iters,
                     save_images=not args.no_images, bd_images=args.bd_images)
    path = run_model(args.model, args.tasks, output=args.output, captioner=args.captioner,
                     clip=None if args.clip in ("", "none") else args.clip, batch_size=args.batch_size,
                     limit=args.limit, seed=args.seed, device=args.device, steps=args.steps,
                     allow_download=args.allow_download, options=opt)
    _print(path)
    return 0


def cmd_score(args: argparse.Namespace) -> int:
    path = score_captions(args.captions, task=args.task, output=args.output, target=args.target,
                          bootstrap_iters=args.bootstrap_iters, seed=args.seed, bd_images=args.bd_images)
    _print(path)
    return 0


def add_parser(subparsers) -> argparse.ArgumentParser:
    t = subparsers.add_parser("t2i", help="text-to-image distribution bias (generate, caption, score)",
                              description="Text-to-image bias: distribution bias, Jaccard hallucination and "
                                          "miss-rate over captioned images (docs/t2i.md).")
    sub = t.add_subparsers(dest="t2i_command", required=True)
    r = sub.add_parser("run", help="generate images with a diffusers model, caption, check and score them")
    r.add_argument("--model", required=True, help="diffusers:PATH (a local pipeline folder) or diffusers:HUB_ID")
    r.add_argument("--tasks", default="all", help="comma-separated: t2i_objects, t2i_occupations, t2i_identity, all")
    r.add_argument("--captioner", default=DEFAULT_CAPTIONER, help="BLIP captioning model folder or hub id")
    r.add_argument("--clip", default=DEFAULT_CLIP, help="CLIP model folder or hub id for the miss check; 'none' skips it")
    r.add_argument("--output", default="results", help="folder for the results, samples, images and captions")
    r.add_argument("--device", default="auto", help="cpu, cuda, cuda:N or auto")
    r.add_argument("--batch-size", type=int, default=4, help="prompts per diffusion batch")
    r.add_argument("--images-per-prompt", type=int, default=2)
    r.add_argument("--steps", type=int, default=10, help="denoising steps")
    r.add_argument("--guidance-scale", type=float, default=7.5)
    r.add_argument("--size", type=int, default=None, help="image height and width (default: the pipeline's)")
    r.add_argument("--seed", type=int, default=1234)
    r.add_argument("--limit", type=int, default=None, help="only the first N prompts of each task")
    r.add_argument("--bootstrap-iters", type=int, default=1000)
    r.add_argument("--no-images", action="store_true", help="do not save the generated images")
    r.add_argument("--bd-images", type=int, default=50, help=BD_IMAGES_HELP)
    r.add_argument("--allow-download", action="store_true", help="allow fetching models from the Hugging Face hub")
    r.set_defaults(fn=cmd_run)
    s = sub.add_parser("score", help="score captions you already have (no models)")
    s.add_argument("--captions", required=True, help="JSONL with prompt and caption (and group, domain, objects, "
                                                     "miss), or a COCO-style captions JSON")
    s.add_argument("--task", default="t2i_captions", help="task name; a shipped t2i task also supplies groups and subjects")
    s.add_argument("--target", default=None, help="COCO captions: keep captions naming this object and score against it")
    s.add_argument("--output", default="results")
    s.add_argument("--bootstrap-iters", type=int, default=1000)
    s.add_argument("--seed", type=int, default=1234)
    s.add_argument("--bd-images", type=int, default=50, help=BD_IMAGES_HELP)
    s.set_defaults(fn=cmd_score)
    return t
