"""Draw generations for the identity matcher's hand-labelled set (data/lexicon_eval/).

Reads fairbench samples files and bench/mitigations.py reports, takes a seeded simple random
sample of N generations from each source (no look at what the matcher finds in them, so the
set measures precision and recall without selection on the matcher's output), assigns one
third of them to a "dev" split (the only part matcher changes may be tuned on) and writes them
without labels, for labelling by the guideline in data/lexicon_eval/GUIDELINE.md:

    python bench/lexicon_sample.py --out data/lexicon_eval/unlabelled.jsonl \\
        --source results/RUN.samples.jsonl:caste_gen:60 --source mit.json:religion_gen:ambedkar:15 ...

A samples source is FILE:TASK:N; a mitigation report source is FILE:TASK:METHOD:N.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def from_samples(path: Path, task: str) -> list[dict]:
    from fairbench.results import load_results, load_samples

    res = load_results(path.with_name(path.name.replace(".samples.jsonl", ".json")))
    model = res["model"]
    out = []
    for r in load_samples(path.with_name(path.name.replace(".samples.jsonl", ".json")), res):
        if r["task"] != task:
            continue
        out.append({"generation": r["record"]["generation"], "task": task,
                    "lang": res["settings"].get("lang", "en"), "model": model["name"],
                    "model_sha256": model["sha256"], "mitigation": (res.get("mitigation") or {}).get("name", "none"),
                    "item": r["id"], "run": res["run_id"]})
    return out


def from_report(path: Path, task: str, method: str) -> list[dict]:
    rep = json.loads(path.read_text(encoding="utf-8"))
    m = rep["tasks"][task]["methods"][method]
    return [{"generation": g, "task": task, "lang": rep.get("lang", "en"), "model": rep["model"], "model_sha256": None,
             "mitigation": method, "item": i, "run": path.name} for g, i in zip(m["generations"], m["ids"])]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--source", action="append", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--seed", type=int, default=2026)
    ap.add_argument("--split", default=None, help="put every row in this split (default: a third dev, the rest test)")
    ap.add_argument("--exclude", action="append", default=[],
                    help="a labelled or unlabelled file whose generations must not be drawn again")
    args = ap.parse_args(argv)
    rng = random.Random(args.seed)
    rows, seen = [], set()
    for path in args.exclude:
        seen.update(json.loads(line)["generation"] for line in Path(path).read_text(encoding="utf-8").splitlines()
                    if line.strip())
    for spec in args.source:
        parts = spec.split(":")
        path = Path(parts[0])
        if len(parts) == 3:
            pool, n = from_samples(path, parts[1]), int(parts[2])
        else:
            # a method's own name may hold colons ("ambedkar:alpha=0"): it is everything between
            pool, n = from_report(path, parts[1], ":".join(parts[2:-1])), int(parts[-1])
        pool = [p for p in pool if p["generation"].strip() and p["generation"] not in seen]
        pool = list({p["generation"]: p for p in reversed(pool)}.values())[::-1]  # one row per distinct text
        picked = rng.sample(pool, min(n, len(pool)))
        seen.update(p["generation"] for p in picked)
        rows += picked
        print(f"{spec}: {len(picked)} of {len(pool)}", file=sys.stderr)
    rng.shuffle(rows)  # the labeller sees sources mixed
    for i, r in enumerate(rows):
        r["id"] = "lx-" + hashlib.sha256(f"{r['run']}/{r['item']}/{r['mitigation']}".encode()).hexdigest()[:10]
        r["split"] = args.split or ("dev" if i % 3 == 0 else "test")
    Path(args.out).write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    print(f"wrote {len(rows)} rows to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
