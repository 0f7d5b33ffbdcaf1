#!/usr/bin/env python3
"""Validate BiasLens against the model's behaviour, and time it.

    .venv/bin/python bench/lens_validation.py [--model smollm2-135m] [--retrain-sae] [--json out.json]

1. chooses the layer (held-out probe accuracy per block) and gets the SAE (trains it once,
   timed, unless cached; --retrain-sae forces a timed training);
2. runs each battery as ``fairbench run --tasks lens_*`` would (run_lens_tasks, timed, model
   load included);
3. measures the behavioural bias of every triple from log-likelihoods (bench/lens_behaviour.py);
4. prints Spearman's rho between BiasLens and behaviour over all triples (and per battery), CAV
   and SAE space, with 95% bootstrap CIs over triples, next to the paper's 0.85;
5. prints why a correlation can be low: split-half reliability of both measures (the ceiling on
   any correlation between them) and how many triples' concept-resampling CIs exclude 0.

Nothing here is tuned on the correlation: the method's settings are fixed in fairbench/lens.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("WANDB_MODE", "disabled")

PAPER_RHO = 0.85


def spearman(a, b) -> float:
    from scipy.stats import spearmanr

    a, b = np.asarray(a, float), np.asarray(b, float)
    ok = np.isfinite(a) & np.isfinite(b)
    if ok.sum() < 3 or np.ptp(a[ok]) == 0 or np.ptp(b[ok]) == 0:
        return float("nan")
    return float(spearmanr(a[ok], b[ok]).statistic)


def spearman_ci(a, b, *, iters: int = 2000, seed: int = 0, level: float = 0.95):
    a, b = np.asarray(a, float), np.asarray(b, float)
    rng = np.random.default_rng(seed)
    stats = [spearman(a[i], b[i]) for i in rng.integers(0, len(a), size=(iters, len(a)))]
    stats = np.array([s for s in stats if np.isfinite(s)])
    lo, hi = np.quantile(stats, [(1 - level) / 2, 1 - (1 - level) / 2])
    return float(lo), float(hi)


def fmt_rho(r, ci):
    return f"{r:+.3f} [{ci[0]:+.3f}, {ci[1]:+.3f}]"


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--model", default="smollm2-135m")
    p.add_argument("--retrain-sae", action="store_true", help="train the SAE again (timed) even if cached")
    p.add_argument("--boot", type=int, default=100, help="concept example-set resamples per battery")
    p.add_argument("--batch-size", type=int, default=16)
    p.add_argument("--json", default=None, help="also write every figure to this JSON file")
    args = p.parse_args(argv)

    import torch

    from lens_behaviour import behaviour_diffs  # bench/lens_behaviour.py, beside this script
    from fairbench.lens.cav import LayerChoice  # noqa: F401  (documented type of the layer choice)
    from fairbench.lens.concepts import LENS_TASKS, load_battery, load_concepts
    from fairbench.lens.run import load_model, run_lens_tasks
    from fairbench.lens.sae import get_sae
    from fairbench.lens.score import Lens, bias, build_space, percentile_ci
    from fairbench.models.registry import resolve_model
    from fairbench.runner import Settings

    report: dict = {"model": args.model, "threads": torch.get_num_threads(), "cpus": os.cpu_count(),
                    "loadavg_start": os.getloadavg()}
    log = lambda m: print(m, file=sys.stderr, flush=True)  # noqa: E731
    ms = resolve_model(args.model)
    t0 = time.time()
    model, tok = load_model(ms, device="cpu")
    report["load_s"] = round(time.time() - t0, 2)
    lens = Lens(model, tok, ms.sha256, batch_size=32, log=log)

    t0 = time.time()
    choice = lens.choose_layer()
    report["layer_choice_s"] = round(time.time() - t0, 2)
    report["layer"] = choice.layer
    report["accuracy_by_layer"] = dict(zip(choice.layers, [round(a, 4) for a in choice.accuracy]))
    print(f"layer {choice.layer} ({choice.rule}); choice took {report['layer_choice_s']} s "
          "(0 when cached from an earlier run)")
    print("held-out probe accuracy by block (mean over 26 concepts): "
          + " ".join(f"{l}:{a:.3f}" for l, a in report["accuracy_by_layer"].items()))
    acc_at = {c: v[choice.layers.index(choice.layer)] for c, v in choice.by_concept.items()}
    report["probe_accuracy_at_layer"] = {c: round(a, 4) for c, a in acc_at.items()}
    print(f"at block {choice.layer}: min {min(acc_at.values()):.3f} ({min(acc_at, key=acc_at.get)}), "
          f"mean {np.mean(list(acc_at.values())):.3f}")

    t0 = time.time()
    sae, meta = get_sae(model, tok, ms.sha256, choice.layer, retrain=args.retrain_sae, log=log)
    report["sae_get_s"] = round(time.time() - t0, 2)
    report["sae"] = {k: meta.get(k) for k in ("source", "path", "explained_variance", "l0", "d_sae", "train_time_s",
                                               "extract_time_s", "train_tokens", "eval_tokens", "dead_share")}
    s = report["sae"]
    total = (s.get("train_time_s") or 0) + (s.get("extract_time_s") or 0)
    print(f"SAE ({s['source']}): d_sae {s['d_sae']}, explained variance {s['explained_variance']}, L0 {s['l0']}, "
          f"dead {s['dead_share']}; one-time cost {total:.0f} s (extract {s['extract_time_s']} s + train "
          f"{s['train_time_s']} s on {s['train_tokens']} tokens)")

    results = {}
    with tempfile.TemporaryDirectory() as out:
        for name in LENS_TASKS:
            t0 = time.time()
            _, res = run_lens_tasks(ms, name, output=out, boot=args.boot, log=log,
                                    settings=Settings(device="cpu", batch_size=8))
            wall = time.time() - t0
            results[name] = res["tasks"][name]
            report[f"battery_{name}_s"] = round(wall, 2)
            report[f"battery_{name}_timings"] = res.get("timings")
            n = res["tasks"][name]["n"]
            print(f"battery {name}: {n} triples in {wall:.1f} s (model load included; {args.boot} concept resamples); "
                  f"stages {res.get('timings')}")

    triples = [t for n in LENS_TASKS for t in load_battery(n).triples]
    t0 = time.time()
    diffs = behaviour_diffs(model, tok, triples, batch_size=args.batch_size)
    report["behaviour_s"] = round(time.time() - t0, 2)
    print(f"behaviour: {sum(len(d) for d, _ in diffs.values())} paired probes for {len(triples)} triples "
          f"in {report['behaviour_s']} s")
    beh = {k: float(d.mean()) for k, (d, _) in diffs.items()}

    rows = []
    for name in LENS_TASKS:
        for tid, tri in results[name]["triples"].items():
            rows.append({"task": name, "id": tid, "cav": tri["bias_cav"]["value"], "sae": tri["bias_sae"]["value"],
                         "cav_ci": tri["bias_cav"]["ci"], "sae_ci": tri["bias_sae"]["ci"], "beh": beh[tid]})
    report["triples"] = rows
    print(f"\nSpearman rho, BiasLens vs behaviour (95% bootstrap CI over triples); paper: {PAPER_RHO}")
    report["spearman"] = {}
    for scope in ("all", *LENS_TASKS):
        sel = [r for r in rows if scope == "all" or r["task"] == scope]
        for space in ("cav", "sae"):
            a, b = [r[space] for r in sel], [r["beh"] for r in sel]
            rho, ci = spearman(a, b), spearman_ci(a, b)
            report["spearman"][f"{scope}/{space}"] = {"rho": rho, "ci": ci, "n": len(sel)}
            print(f"  {scope:14s} {space.upper()}  n={len(sel):3d}  rho {fmt_rho(rho, ci)}")

    # ---- why it may be low: per reference pair, and with each pair's mean removed (the pooled
    # rho also ranks the pairs' offsets, which representation and behaviour need not share)
    print("\nper reference pair (13 targets each) and within pairs (each pair's mean removed):")
    pairs = sorted({r["id"].split("-", 2)[2] for r in rows})
    report["per_pair"] = {}
    for pr in pairs:
        sel = [r for r in rows if r["id"].split("-", 2)[2] == pr]
        b = np.array([r["beh"] for r in sel])
        entry = {"beh_mean": float(b.mean()), **{f"{sp}_mean": float(np.mean([r[sp] for r in sel])) for sp in ("cav", "sae")},
                 **{f"rho_{sp}": spearman([r[sp] for r in sel], b) for sp in ("cav", "sae")}}
        report["per_pair"][pr] = entry
        print(f"  {pr:18s} behaviour mean {entry['beh_mean']:+.2f}  CAV mean {entry['cav_mean']:+.2f}  "
              f"rho CAV {entry['rho_cav']:+.2f}  SAE {entry['rho_sae']:+.2f}")
    key = [r["id"].split("-", 2)[2] for r in rows]

    def centred(vals):
        vals = np.asarray(vals, float)
        return vals - np.array([vals[[k2 == k for k2 in key]].mean() for k in key])

    for sp in ("cav", "sae"):
        a, b = centred([r[sp] for r in rows]), centred([r["beh"] for r in rows])
        rho, ci = spearman(a, b), spearman_ci(a, b)
        report["spearman"][f"within_pairs/{sp}"] = {"rho": rho, "ci": ci, "n": len(rows)}
        print(f"  within pairs   {sp.upper()}  n={len(rows):3d}  rho {fmt_rho(rho, ci)}")

    # ---- why it may be low: how reliable is each measure on its own?
    print("\nreliability (split halves; Spearman-Brown corrected), the ceiling on any correlation between them:")
    half_a = {k: float(d[np.isin(t, [0, 1])].mean()) for k, (d, t) in diffs.items()}
    half_b = {k: float(d[np.isin(t, [2, 3])].mean()) for k, (d, t) in diffs.items()}
    ids = [r["id"] for r in rows]
    r_beh = spearman([half_a[i] for i in ids], [half_b[i] for i in ids])
    report["reliability"] = {"behaviour_half": r_beh, "behaviour_sb": 2 * r_beh / (1 + r_beh)}
    lib = load_concepts()
    layer = choice.layer
    from fairbench.lens.sae import encode

    halves = {}
    for h, sl in (("a", slice(0, 15)), ("b", slice(15, 30))):  # templates 0-4 vs 5-9 (3 forms each)
        names = list(lib)
        acts = lens.acts(names + ["__neutral__"], [layer])
        neutral = acts.pop("__neutral__")[:, 0]
        pos = {n: X[sl, 0] for n, X in acts.items()}
        sp = build_space(pos, neutral, layer=layer, boot=0, z_pos={n: encode(sae, X) for n, X in pos.items()},
                         z_neutral=encode(sae, neutral))
        halves[h] = {t.id: {s: float(bias(getattr(sp, s)[t.target], getattr(sp, s)[t.r1], getattr(sp, s)[t.r2])[2])
                            for s in ("cav", "sae")} for t in triples}
    for space in ("cav", "sae"):
        r = spearman([halves["a"][i][space] for i in ids], [halves["b"][i][space] for i in ids])
        report["reliability"][f"{space}_half"] = r
        report["reliability"][f"{space}_sb"] = 2 * r / (1 + r)
    rel = report["reliability"]
    print(f"  behaviour (templates 0-1 vs 2-3): half {rel['behaviour_half']:+.3f}, full {rel['behaviour_sb']:+.3f}")
    for space in ("cav", "sae"):
        print(f"  BiasLens {space.upper()} (concept sentences of templates 0-4 vs 5-9): half "
              f"{rel[f'{space}_half']:+.3f}, full {rel[f'{space}_sb']:+.3f}")
    for space in ("cav", "sae"):
        sig = sum(1 for r in rows if r[f"{space}_ci"] and (r[f"{space}_ci"][0] > 0 or r[f"{space}_ci"][1] < 0))
        report[f"{space}_ci_excludes_0"] = sig
        print(f"  {space.upper()}: {sig} of {len(rows)} triples have a concept-resampling CI that excludes 0")
    sig = sum(1 for k, (d, _) in diffs.items() if (lambda c: c and (c[0] > 0 or c[1] < 0))(
        percentile_ci(np.random.default_rng(0).choice(d, size=(1000, len(d))).mean(axis=1))))
    report["behaviour_ci_excludes_0"] = sig
    print(f"  behaviour: {sig} of {len(rows)} triples have a probe-resampling CI that excludes 0")
    report["loadavg_end"] = os.getloadavg()
    print(f"\nload average at start {report['loadavg_start'][0]:.1f}, at end {report['loadavg_end'][0]:.1f} "
          f"on {report['cpus']} CPUs (a shared machine: other jobs slow every timing here)")
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=1, default=float))
    return 0


if __name__ == "__main__":
    sys.exit(main())
