"""``fairbench lens``: the BiasLens score of one (target, r1, r2) triple, in CAV and SAE space."""

from __future__ import annotations

import argparse
import json
import sys
import time

from fairbench.errors import UserError


def score_one(model_spec: str, target: str, refs: str, *, layer: int | None = None, sae: str | None = None,
              use_sae: bool = True, boot: int = 100, device: str = "cpu", dtype: str = "auto", batch_size: int = 32,
              seed: int = 0, retrain_sae: bool = False, allow_download: bool = False, log=None) -> dict:
    """Everything ``fairbench lens`` prints, as a dict."""
    from fairbench.lens.concepts import Triple, concept, parse_refs
    from fairbench.lens.run import load_model, prepare, sae_info
    from fairbench.lens.score import Lens, percentile_ci, score_triple, top_features
    from fairbench.models.registry import resolve_model

    t = concept(target, role="target")
    r1, r2 = parse_refs(refs)
    if boot < 0:
        raise UserError("--boot must be >= 0")
    ms = resolve_model(model_spec, allow_download=allow_download)
    log = log or (lambda msg: print(msg, file=sys.stderr, flush=True))
    t0 = time.time()
    model, tok = load_model(ms, device=device, dtype=dtype, allow_download=allow_download)
    if layer is not None:
        from fairbench.lens.activations import check_layer

        check_layer(model, layer)
    lens = Lens(model, tok, ms.sha256, batch_size=batch_size, seed=seed, log=log, model_name=ms.name)
    lay, choice, sae_model, meta = prepare(lens, layer=layer, sae_path=sae, use_sae=use_sae, retrain=retrain_sae)
    names = [t.name, r1, r2]
    space = lens.space(names, lay, sae=sae_model, boot=boot)
    acc = lens.probe_accuracy(names, lay)
    rec = score_triple(space, Triple(f"{t.name}-{r1}-{r2}", t.name, r1, r2), t.valence)
    from fairbench.lens.activations import hook_name

    out = {"model": ms.to_dict(), "target": t.name, "r1": r1, "r2": r2, "layer": lay, "hook": hook_name(model, lay),
           "layer_rule": choice.rule if choice else ("--layer" if layer is not None else "the SAE's layer"),
           "accuracy_by_layer": dict(zip(choice.layers, choice.accuracy)) if choice else None,
           "probe_accuracy": acc, "sae_model": sae_info(meta), "concept_resamples": boot}
    for space_name in ("cav", "sae"):
        b = rec.get(f"bias_{space_name}")
        out[space_name] = None if b is None else {
            "align_r1": rec[f"align_r1_{space_name}"], "align_r2": rec[f"align_r2_{space_name}"], "bias": b,
            "abs_bias": abs(b), "ci": percentile_ci(rec.get(f"boot_{space_name}") or [])}
    out["top_features"] = {c: top_features(space.sae[c]) for c in space.sae}
    out["wall_time_s"] = round(time.time() - t0, 2)
    return out


def _f(x, nd=4, sign=False):
    return "n/a" if x is None else (f"{x:+.{nd}f}" if sign else f"{x:.{nd}f}")


def format_one(r: dict) -> str:
    from fairbench.report import text_table

    m = r["model"]
    lines = [f"BiasLens  model {m['spec']} ({m['sha256'][:12]})  target {r['target']}  refs {r['r1']} vs {r['r2']}",
             f"layer {r['layer']} ({r['hook']}; {r['layer_rule']})"]
    if r["accuracy_by_layer"]:
        lines.append("held-out probe accuracy by layer (mean over the concept library): "
                     + " ".join(f"{k}:{v:.2f}" for k, v in r["accuracy_by_layer"].items()))
    lines.append("held-out probe accuracy at this layer: "
                 + ", ".join(f"{k} {v:.2f}" for k, v in r["probe_accuracy"].items()))
    s = r["sae_model"]
    if s:
        lines.append(f"SAE ({s.get('source')}: {s.get('path')}): d_sae {s.get('d_sae', '?')}, explained variance "
                     f"{_f(s.get('explained_variance'), 3)}, L0 {s.get('l0', 'n/a')}")
    else:
        lines.append("SAE: not used (--no-sae)")
    rows = []
    for name in ("cav", "sae"):
        v = r[name]
        if v is None:
            rows.append([name.upper(), "n/a", "n/a", "n/a", "n/a", "n/a"])
            continue
        ci = v["ci"]
        rows.append([name.upper(), _f(v["align_r1"]), _f(v["align_r2"]), _f(v["bias"], sign=True),
                     "n/a" if not ci else f"[{ci[0]:+.4f}, {ci[1]:+.4f}]", _f(v["abs_bias"])])
    lines += ["", text_table(["space", f"align({r['target']}, {r['r1']})", f"align({r['target']}, {r['r2']})",
                          "bias", f"95% CI ({r['concept_resamples']} concept resamples)", "|bias|"], rows)]
    lines.append(f"bias = align(t, r1) - align(t, r2) (cosines): > 0 means {r['target']} sits closer to "
                 f"{r['r1']} than to {r['r2']} in the model's representations")
    if r["top_features"]:
        lines.append("\ntop SAE latents per concept (index: activation over neutral):")
        for c, feats in r["top_features"].items():
            lines.append(f"  {c}: " + (", ".join(f"#{i} ({v:.3g})" for i, v in feats) or "none above neutral"))
    return "\n".join(lines)


def cmd_lens(args: argparse.Namespace) -> int:
    if args.layer is not None and args.layer < 0:
        raise UserError(f"--layer {args.layer} is out of range (blocks are numbered from 0)")
    r = score_one(args.model, args.target, args.refs, layer=args.layer, sae=args.sae, use_sae=not args.no_sae,
                  boot=args.boot, device=args.device, dtype=args.dtype, batch_size=args.batch_size, seed=args.seed,
                  retrain_sae=args.retrain_sae, allow_download=args.allow_download)
    print(json.dumps(r, indent=1) if args.json else format_one(r))
    return 0


def add_parser(subparsers) -> None:
    p = subparsers.add_parser("lens", help="BiasLens: bias of a target between two groups from the model's representations")
    p.add_argument("--model", default="smollm2-135m", help="alias, .gguf, model folder or HF id (transformers)")
    p.add_argument("--target", required=True, help="target concept, e.g. doctor, criminal, clean (see data/lens)")
    p.add_argument("--refs", required=True, help="two reference groups, e.g. Brahmin,Dalit or Hindu,Muslim")
    p.add_argument("--layer", type=int, default=None, help="block to read (default: chosen by held-out probe accuracy)")
    p.add_argument("--sae", default=None, help="an sae-lens SAE folder to use instead of the cached/trained one")
    p.add_argument("--no-sae", action="store_true", help="CAV space only (no SAE training or loading)")
    p.add_argument("--retrain-sae", action="store_true", help="train the SAE again even if one is cached")
    p.add_argument("--boot", type=int, default=100, help="concept example-set resamples for the CIs")
    p.add_argument("--device", default="cpu")
    p.add_argument("--dtype", default="auto")
    p.add_argument("--batch-size", type=int, default=32)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--json", action="store_true", help="print the full result as JSON")
    p.add_argument("--allow-download", action="store_true")
    p.set_defaults(fn=cmd_lens)
