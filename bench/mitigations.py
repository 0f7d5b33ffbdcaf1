"""Mitigations against plain greedy decoding, in one run, on the masked-identity generation tasks.

For each task (caste_gen, religion_gen; --limit prompts spread over cue groups and domains, as
``fairbench run --limit`` picks them, by --seed) and each method (none,
then every --mitigation), with the tasks' own generation settings (chat template, greedy,
until "\\n\\n", --max-gen-toks):

- IIR (identity inference rate, %, names a group of the task's axis) and cued_rate (names the
  group the prompt's cues point to) with 95% CIs, and their change against none with a paired
  bootstrap CI, both resampling base prompts (clusters) (a reduction whose CI includes 0 is not
  a result);
- counterfactual gap: for the first --gap-limit prompts, the prompt is rewritten twice with only
  the identity changed (cues swapped, or the mask filled with two groups: mitigations/cues.py),
  both are generated, and the gap is 1 - word-level similarity of the two continuations (0: the
  identity changes nothing), mean with a bootstrap CI;
- quality cost: perplexity of the generations under the unmitigated model (pooled over tokens),
  or under --reference-model when given (the unbiased base, when --model is a biased draft:
  its plain generations then get a row of their own, "reference");
- speed: generated tokens/s, and its ratio to plain greedy decoding of the same prompts one at
  a time (how the mitigations decode); plain batched decoding (lm-eval's HFLM at --batch-size)
  is reported beside it. Methods are timed prompt by prompt in turn, so load from other
  processes hits them alike.

    python bench/mitigations.py --limit 40                 # CPU, the embedded model
    python bench/mitigations.py --device cuda --limit 200  # unchanged on a GPU machine
"""

from __future__ import annotations

import argparse
import difflib
import json
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("HF_DATASETS_OFFLINE", "1")

import numpy as np  # noqa: E402

GEN_KWARGS = {"until": ["\n\n"], "do_sample": False}


def _instance(context: str, kwargs: dict):
    from lm_eval.api.instance import Instance

    return Instance("generate_until", {}, (context, kwargs), 0)


def _gap(a: str, b: str) -> float:
    return 1.0 - difflib.SequenceMatcher(None, a.split(), b.split()).ratio()


def _mean_ci(values: list[float], iters: int, seed: int) -> dict:
    v = np.asarray(values, dtype=float)
    if len(v) < 2:
        return {"value": float(v.mean()) if len(v) else None, "ci": None}
    rng = np.random.default_rng(seed)
    boots = v[rng.integers(0, len(v), size=(iters, len(v)))].mean(1)
    return {"value": float(v.mean()), "ci": [float(np.percentile(boots, 2.5)), float(np.percentile(boots, 97.5))]}


def _perplexity(lm, contexts: list[str], gens: list[str]) -> float | None:
    from lm_eval.api.instance import Instance

    pairs = [(c, g) for c, g in zip(contexts, gens) if g.strip()]
    if not pairs:
        return None
    reqs = [Instance("loglikelihood", {}, (c, g), i) for i, (c, g) in enumerate(pairs)]
    lls = [ll for ll, _ in lm.loglikelihood(reqs, disable_tqdm=True)]
    n_tok = sum(len(lm.tok_encode(g)) for _, g in pairs)
    return float(np.exp(-sum(lls) / max(n_tok, 1)))


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", default="smollm2-135m")
    ap.add_argument("--mitigation", action="append", help="a --mitigation spec; repeatable (default: ambedkar, uddia)")
    ap.add_argument("--tasks", default="caste,religion")
    ap.add_argument("--lang", default="en")
    ap.add_argument("--reference-model", help="another model (the unbiased base when --model is a biased one): "
                    "its plain generations are a row of the table, and perplexity is computed under it")
    ap.add_argument("--limit", type=int, default=40)
    ap.add_argument("--gap-limit", type=int, default=10)
    ap.add_argument("--max-gen-toks", type=int, default=48)
    ap.add_argument("--device", default="auto")
    ap.add_argument("--dtype", default="auto")
    ap.add_argument("--batch-size", type=int, default=8)
    ap.add_argument("--threads", type=int, default=0, help="torch CPU threads (0: torch's default)")
    ap.add_argument("--bootstrap-iters", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=1234)
    ap.add_argument("--output", default="results/bench_mitigations.json")
    ap.add_argument("--rescore", help="re-score a report's logged generations with the current lexicon "
                                      "(IIR, cued_rate and their changes; timing, ppl and gap columns kept)")
    args = ap.parse_args(argv)
    if args.rescore:
        return rescore(Path(args.rescore), Path(args.output), args)

    import torch

    from fairbench.tasks.sample import stratified
    from fairbench.mitigations import parse_mitigation
    from fairbench.mitigations.cues import counterfactuals
    from fairbench.models import load_lm, resolve_model
    from fairbench.tasks.paths import data_file

    if args.threads:
        torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    t0 = time.time()
    inner = load_lm(resolve_model(args.model), device=args.device, dtype=args.dtype, batch_size=args.batch_size)
    specs = args.mitigation or ["ambedkar", "uddia"]
    methods = {"none": inner}
    settings = {"none": None}
    quality = inner  # perplexity is taken under this model
    if args.reference_model:
        quality = load_lm(resolve_model(args.reference_model), device=args.device, dtype=args.dtype,
                          batch_size=args.batch_size)
        methods["reference"] = quality
        settings["reference"] = {"model": args.reference_model, "mitigation": None}
    mits = {}
    for spec in specs:
        mit = mits[spec] = parse_mitigation(spec)
        methods[spec] = mit.wrap(inner)
        settings[spec] = mit.settings()
    print(f"loaded {args.model} and {len(specs)} mitigation(s) in {time.time() - t0:.1f} s "
          f"(device {inner.device}, {torch.get_num_threads()} threads)", file=sys.stderr)
    kwargs = GEN_KWARGS | {"max_gen_toks": args.max_gen_toks}

    def generate(lm, prompt: str) -> tuple[str, str, float]:
        ctx = lm.apply_chat_template([{"role": "user", "content": prompt}])
        t = time.perf_counter()
        out = lm.generate_until([_instance(ctx, kwargs)], disable_tqdm=True)[0]
        return ctx, out, time.perf_counter() - t

    report = {"model": args.model, "reference_model": args.reference_model, "lang": args.lang, "device": str(inner.device), "threads": torch.get_num_threads(),
              "limit": args.limit, "max_gen_toks": args.max_gen_toks, "settings": settings, "tasks": {}}
    for axis in [a.strip() for a in args.tasks.split(",") if a.strip()]:
        task = f"{axis}_gen"
        rows = [json.loads(line) for line in data_file(axis, "gen", args.lang).read_text(encoding="utf-8").splitlines()
                if line.strip()]
        rows = [rows[i] for i in stratified(rows, args.limit, args.seed)]
        prompts = [r["prompt"] for r in rows]
        gens = {m: [] for m in methods}
        secs = {m: 0.0 for m in methods}
        contexts = []
        for i, prompt in enumerate(prompts):
            for name, lm in methods.items():
                ctx, out, dt = generate(lm, prompt)
                gens[name].append(out)
                secs[name] += dt
            contexts.append(ctx)
            print(f"  {task} {i + 1}/{len(prompts)}", file=sys.stderr, flush=True)
        # plain decoding batched the way lm-eval runs it, for reference
        t = time.perf_counter()
        batched = inner.generate_until([_instance(c, kwargs) for c in contexts], disable_tqdm=True)
        batched_s = time.perf_counter() - t
        # counterfactual pairs: only the identity differs
        pairs = [(p, counterfactuals(p, 2)) for p in prompts]
        pairs = [(p, cf) for p, cf in pairs if len(cf) == 2][: args.gap_limit]
        gaps = {m: [] for m in methods}
        for _, (a, b) in pairs:
            for name, lm in methods.items():
                gaps[name].append(_gap(generate(lm, a)[1], generate(lm, b)[1]))

        def n_tokens(texts):
            return sum(len(inner.tok_encode(t)) for t in texts)

        plain_tps = n_tokens(gens["none"]) / max(secs["none"], 1e-9)
        res = {"n": len(prompts), "n_gap_pairs": len(pairs),
               "plain_batched_tokens_per_s": n_tokens(batched) / max(batched_s, 1e-9), "methods": {}}
        for name in methods:
            tps = n_tokens(gens[name]) / max(secs[name], 1e-9)
            entry = {
                "empty_rate": 100.0 * float(np.mean([not g.strip() for g in gens[name]])),
                "gap": _mean_ci(gaps[name], args.bootstrap_iters, args.seed),
                "ppl_under_plain": _perplexity(quality, contexts, gens[name]),
                "tokens": n_tokens(gens[name]),
                "seconds": secs[name],
                "tokens_per_s": tps,
                "speed_vs_plain": tps / plain_tps,
                "slowdown_vs_plain": plain_tps / tps if tps else None,
                "generations": gens[name],
                "ids": [r["id"] for r in rows],
            }
            res["methods"][name] = entry
        _score(res, rows, axis, args)  # IIR and cued_rate with CIs, and their paired changes
        report["tasks"][task] = res
        _print(task, res)
    # cumulative over the tasks, the counterfactual pairs included
    report["decoder_stats"] = {name: dict(mit.decoder.stats) for name, mit in mits.items()}
    report["perplexity_under"] = args.reference_model or args.model
    report["wall_time_s"] = time.time() - t0
    Path(args.output).parent.mkdir(parents=True, exist_ok=True)
    Path(args.output).write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {args.output}", file=sys.stderr)
    return 0


def _score(report_task: dict, rows: list[dict], axis: str, args) -> None:
    """IIR and cued_rate of every method, and their paired change against none, in place."""
    from fairbench.formats import get_format
    from fairbench.metrics import bootstrap_ci, gen_record, load_lexicon, paired_bootstrap_delta
    from fairbench.metrics.identity import CUED_RATE, IIR
    from fairbench.tasks.lm_eval.hooks import cue_families
    from fairbench.tasks.paths import lexicon_path

    lexicon, families = load_lexicon(lexicon_path()), cue_families(axis)
    clusters = [r.get("cluster") or r["id"] for r in rows]
    methods = report_task["methods"]
    cols = {m: get_format("gen").columns([gen_record(g, lexicon, axis=axis, cue_group=r.get("cue_group"), families=families,
                                             cues=r.get("cues"))
                                  for g, r in zip(e["generations"], rows)]) for m, e in methods.items()}
    for name, entry in methods.items():
        for metric in (IIR, CUED_RATE):
            entry[metric.name] = metric(cols[name])
            entry[f"{metric.name}_ci"] = bootstrap_ci(metric, cols[name], iters=args.bootstrap_iters, seed=args.seed,
                                                      clusters=clusters)
            if name != "none":
                d, ci = paired_bootstrap_delta(metric, cols["none"], cols[name], iters=args.bootstrap_iters,
                                               seed=args.seed, clusters=clusters)
                entry[f"{metric.name}_delta"], entry[f"{metric.name}_delta_ci"] = d, ci
        if name != "none":
            ci = entry["iir_delta_ci"]
            entry["significant"] = bool(ci and (ci[1] < 0 or ci[0] > 0))


def rescore(path: Path, output: Path, args) -> int:
    from fairbench.tasks.paths import data_file

    report = json.loads(path.read_text(encoding="utf-8"))
    for task, res in report["tasks"].items():
        axis = task.removesuffix("_gen")
        by_id = {r["id"]: r for r in (json.loads(line) for line in data_file(axis, "gen", report.get("lang", "en"))
                                      .read_text(encoding="utf-8").splitlines() if line.strip())}
        rows = [by_id[i] for i in res["methods"]["none"]["ids"]]
        _score(res, rows, axis, args)
        _print(task, res)
    report["rescored_from"] = path.name
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {output}", file=sys.stderr)
    return 0


def _fmt_ci(ci) -> str:
    return f"[{ci[0]:.1f}, {ci[1]:.1f}]" if ci else "n/a"


def _print(task: str, res: dict) -> None:
    print(f"\n{task} (n={res['n']}, gap pairs={res['n_gap_pairs']}; plain batched "
          f"{res['plain_batched_tokens_per_s']:.1f} tok/s)")
    head = f"| {'method':<40} | {'IIR % [95% CI]':<20} | {'delta pts [95% CI]':<22} | " \
           f"{'cued % [95% CI]':<20} | {'delta pts [95% CI]':<22} | {'empty %':>7} | " \
           f"{'cf gap [95% CI]':<22} | {'ppl':>6} | {'tok/s':>6} | {'x plain':>7} |"
    print(head)
    print("|" + "|".join("-" * (len(c)) for c in head.split("|")[1:-1]) + "|")
    for name, m in res["methods"].items():
        delta = f"{m['iir_delta']:+.1f} {_fmt_ci(m['iir_delta_ci'])}" if "iir_delta" in m else ""
        cdelta = f"{m['cued_rate_delta']:+.1f} {_fmt_ci(m['cued_rate_delta_ci'])}" if "cued_rate_delta" in m else ""
        cued = f"{m['cued_rate']:5.1f} {_fmt_ci(m['cued_rate_ci']):<14}" if m["cued_rate"] == m["cued_rate"] else "n/a"
        gap = m["gap"]
        gap_s = f"{gap['value']:.3f} [{gap['ci'][0]:.3f}, {gap['ci'][1]:.3f}]" if gap["ci"] else "n/a"
        ppl = f"{m['ppl_under_plain']:.2f}" if m["ppl_under_plain"] else "n/a"
        print(f"| {name:<40} | {m['iir']:5.1f} {_fmt_ci(m['iir_ci']):<14} | {delta:<22} | {cued:<20} | {cdelta:<22} | "
              f"{m['empty_rate']:7.1f} | "
              f"{gap_s:<22} | {ppl:>6} | {m['tokens_per_s']:6.1f} | {m['slowdown_vs_plain']:6.2f}x |")


if __name__ == "__main__":
    sys.exit(main())
