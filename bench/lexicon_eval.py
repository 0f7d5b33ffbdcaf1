"""Precision and recall of the identity matcher (and the decline detector) on the hand-labelled
set, per axis, language and split, with Wilson 95% intervals; the misses and false hits are
listed by id so each can be read.

    python bench/lexicon_eval.py [data/lexicon_eval/labelled.jsonl] [--split test] [--json out.json]

Targets (issue 13): precision >= 0.95 and recall >= 0.90 per axis and language.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main(argv=None) -> int:
    from fairbench.metrics.decline import declines
    from fairbench.metrics.intervals import wilson
    from fairbench.metrics.lexicon import load_lexicon, matcher_accuracy
    from fairbench.tasks.paths import data_dir, lexicon_path

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("labelled", nargs="?", default=str(data_dir() / "lexicon_eval" / "labelled.jsonl"))
    ap.add_argument("--split", default=None, help="dev, test, test2, test3 or test4 (default: all, and each present)")
    ap.add_argument("--json")
    args = ap.parse_args(argv)
    rows = [json.loads(l) for l in Path(args.labelled).read_text(encoding="utf-8").splitlines() if l.strip()]
    lex = load_lexicon(lexicon_path())
    splits = [args.split] if args.split else [None, *dict.fromkeys(r.get("split") for r in rows)]
    out = []

    def fmt(k, n):
        if not n:
            return "n/a"
        lo, hi = wilson(k / n, n)
        return f"{k / n:.3f} [{lo:.2f}, {hi:.2f}]"

    print(f"{'split':5} {'axis':9} {'lang':4} {'n':>4} {'pos':>4} {'precision [95% CI]':>20} {'recall [95% CI]':>20}")
    for split in splits:
        part = [r for r in rows if split is None or r.get("split") == split]
        for axis in ("caste", "religion", "declined"):
            for lang in sorted({r.get("lang", "en") for r in part}):
                if axis == "declined":
                    sub = [r for r in part if r.get("lang", "en") == lang]
                    tp = sum(declines(r["generation"]) and r["declined"] for r in sub)
                    fp = sum(declines(r["generation"]) and not r["declined"] for r in sub)
                    fn = sum(r["declined"] and not declines(r["generation"]) for r in sub)
                    acc = {"axis": axis, "lang": lang, "n": len(sub), "tp": tp, "fp": fp, "fn": fn}
                else:
                    acc = matcher_accuracy(part, lex, axis, lang)
                acc["split"] = split or "all"
                out.append(acc)
                print(f"{acc['split']:5} {axis:9} {lang:4} {acc['n']:4d} {acc['tp'] + acc['fn']:4d} "
                      f"{fmt(acc['tp'], acc['tp'] + acc['fp']):>20} {fmt(acc['tp'], acc['tp'] + acc['fn']):>20}")
                for key in ("misses", "false_hits"):
                    if acc.get(key) and split is None:
                        print(f"      {key}: {', '.join(acc[key])}")
    if args.json:
        Path(args.json).write_text(json.dumps(out, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
