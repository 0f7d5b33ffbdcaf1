#!/usr/bin/env python3
"""Does BiasLens move with the model's behaviour when a bias is put in on purpose? (issue #15)

Reads ``bench/lens_validation.py --json`` reports of a base model and of its controls
(``fairbench control`` models), and per control prints, over the 78 triples:

- the mean change (control - base) of the behavioural bias and of the CAV and SAE scores;
- Spearman's rho between the per-triple change of BiasLens and the per-triple change of
  behaviour, with a 95% bootstrap CI over triples: a second validation beside
  lens_validation's (which correlates levels within one model), here on changes caused by
  fine-tuning.

    python bench/lens_controls.py --base base.json --control stereo=s.json --control anti=a.json \\
        --control neutral=n.json

Behaviour and BiasLens share one sign convention (positive: the target sits nearer r1, the
dominant group), so a stereo control should move both the same way on stereotyped targets.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from lens_validation import fmt_rho, spearman, spearman_ci  # noqa: E402  (bench/, beside this script)


def _report(path: str) -> tuple[dict[str, dict], int | None]:
    """(triples by id, the layer BiasLens chose) of one lens_validation report."""
    rep = json.loads(Path(path).read_text())
    return {r["id"]: r for r in rep["triples"]}, rep.get("layer")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--base", required=True, help="lens_validation --json report of the base model")
    ap.add_argument("--control", action="append", default=[], metavar="NAME=REPORT")
    ap.add_argument("--json", default=None, help="write the figures here")
    args = ap.parse_args(argv)
    base, base_layer = _report(args.base)
    out = {}
    print("per control, over triples: mean change (control - base) and Spearman rho of the changes, "
          "BiasLens vs behaviour (95% bootstrap CI over triples)")
    for spec in args.control:
        name, _, path = spec.partition("=")
        ctl, layer = _report(path)
        ids = [i for i in base if i in ctl]
        d = {k: np.array([ctl[i][k] - base[i][k] for i in ids]) for k in ("beh", "cav", "sae")}
        entry = {"n": len(ids), "layer": layer, "base_layer": base_layer,
                 **{f"mean_delta_{k}": float(v.mean()) for k, v in d.items()}}
        # a control whose chosen layer differs is read in another space: say so beside its figures
        where = f"layer {layer}" + ("" if layer == base_layer else f" (base: {base_layer})")
        line = [f"{name:10s} n={len(ids)} {where}  mean change: behaviour {d['beh'].mean():+.3f}, "
                f"CAV {d['cav'].mean():+.3f}, SAE {d['sae'].mean():+.3f}"]
        for sp in ("cav", "sae"):
            rho, ci = spearman(d[sp], d["beh"]), spearman_ci(d[sp], d["beh"])
            entry[f"rho_{sp}"] = {"rho": rho, "ci": ci}
            line.append(f"rho {sp.upper()} {fmt_rho(rho, ci)}")
        out[name] = entry
        print("  " + "; ".join(line))
    if args.json:
        Path(args.json).write_text(json.dumps(out, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
