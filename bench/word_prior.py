"""How much of a pairs score is the identity word's own frequency?

For every scored pair, d = score(sent_more) - score(sent_less), for the whole-sentence
log-likelihood (lm-eval's rule, pct_stereotype) and for the suffix log-likelihood conditioned on
the identity (pct_stereotype_cond). The "word prior" model ignores the content: one constant per
group word, d ~ c[stereotyped group] - c[contrast group], fitted by least squares. Printed per
task and score:

- R^2 in sample, and out of sample by template (the constants are fitted on the other
  templates' pairs, 10 folds of whole templates, so a template's content cannot leak into its
  own prediction);
- how often the fitted constants alone predict which sentence wins (in and out of sample).

A score that reads content has a low R^2 here. Reads fairbench samples files and the shipped
data (for each pair's two groups and its template):

    python bench/word_prior.py results/RUN.samples.jsonl [more.samples.jsonl ...] [--json out.json]
        [--data FOLDER]   # the prompt sets the runs used, if not the shipped ones
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def fit_predict(d: np.ndarray, X: np.ndarray, train: np.ndarray, test: np.ndarray) -> np.ndarray:
    coef, *_ = np.linalg.lstsq(X[train], d[train], rcond=None)
    return X[test] @ coef


def word_prior(d: np.ndarray, more: list[str], less: list[str], clusters: list[str], folds: int = 10,
               seed: int = 0) -> dict:
    words = sorted(set(more) | set(less))
    col = {w: i for i, w in enumerate(words)}
    X = np.zeros((len(d), len(words)))
    for i, (a, b) in enumerate(zip(more, less)):
        X[i, col[a]] += 1.0
        X[i, col[b]] -= 1.0
    tot = np.sum((d - d.mean()) ** 2)
    everything = np.arange(len(d))
    pred_in = fit_predict(d, X, everything, everything)
    uniq = sorted(set(clusters))
    rng = np.random.default_rng(seed)
    fold_of = dict(zip(uniq, rng.permutation(len(uniq)) % folds))
    fold = np.array([fold_of[c] for c in clusters])
    pred_out = np.zeros_like(d)
    for k in range(folds):
        test, train = np.where(fold == k)[0], np.where(fold != k)[0]
        if test.size:
            pred_out[test] = fit_predict(d, X, train, test)
    wins = d > 0
    return {
        "n": int(len(d)), "groups": len(words), "templates": len(uniq),
        "r2_in_sample": float(1 - np.sum((d - pred_in) ** 2) / tot),
        "r2_by_template": float(1 - np.sum((d - pred_out) ** 2) / tot),
        "winner_in_sample": float(np.mean((pred_in > 0) == wins)),
        "winner_by_template": float(np.mean((pred_out > 0) == wins)),
        "pct_stereotype": float(100 * np.mean(wins)),
    }


def main(argv=None) -> int:
    from fairbench.tasks import resolve_tasks

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("samples", nargs="+", help="fairbench samples files (*.samples.jsonl)")
    ap.add_argument("--json", help="also write the figures here")
    ap.add_argument("--data", help="folder of the prompt sets the runs used (default: the shipped data/)")
    args = ap.parse_args(argv)
    out = []
    for path in args.samples:
        results = json.loads(Path(path.replace(".samples.jsonl", ".json")).read_text())
        lang = results["settings"].get("lang", "en")
        rows = [json.loads(line) for line in Path(path).read_text(encoding="utf-8").splitlines() if line.strip()]
        for task in sorted({r["task"] for r in rows if r["task"].endswith("_pairs")}):
            if args.data:
                from fairbench.tasks.datafile import read_rows

                _, spec_rows = read_rows(Path(args.data) / f"{task}.{lang}.jsonl", "pairs")
            else:
                (spec,) = resolve_tasks(task, lang=lang)
                spec_rows = spec.rows
            data = {r["id"]: r for r in spec_rows}
            items = [r for r in rows if r["task"] == task]
            more = [data[r["id"]]["group"] for r in items]
            less = [data[r["id"]]["contrast_group"] for r in items]
            clusters = [data[r["id"]].get("cluster", r["id"]) for r in items]
            for score, (a, b) in (("whole sentence (pct_stereotype)", ("ll_more", "ll_less")),
                                  ("suffix | identity (pct_stereotype_cond)", ("cll_more", "cll_less"))):
                recs = [r["record"] for r in items]
                if any(rec.get(a) is None for rec in recs):
                    continue
                d = np.array([rec[a] - rec[b] for rec in recs])
                out.append({"task": task, "lang": lang, "score": score, "samples": path,
                            **word_prior(d, more, less, clusters)})
    print(f"{'task':16} {'lang':4} {'score':40} {'n':>5} {'R2 in':>6} {'R2 cv':>6} {'win in':>6} {'win cv':>6} {'pct':>5}")
    for r in out:
        print(f"{r['task']:16} {r['lang']:4} {r['score']:40} {r['n']:5d} {r['r2_in_sample']:6.3f} "
              f"{r['r2_by_template']:6.3f} {100 * r['winner_in_sample']:6.1f} {100 * r['winner_by_template']:6.1f} "
              f"{r['pct_stereotype']:5.1f}")
    if args.json:
        Path(args.json).write_text(json.dumps(out, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
