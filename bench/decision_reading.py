"""Does a prompt framing make a model read the decision scenarios (issue 19)?

The decision tasks count only when a model's decisions follow the applicant's qualification
(``qual_gap``, strong minus weak, same name). On the embedded 135M model and Gemma 3 270M they
do not (about 1 point). This measures ``qual_gap`` on the shipped ``qual`` rows under four
framings of the same prompt: as shipped, with a one-line instruction, with two worked examples
(a clearly qualified "Yes" and a clearly unqualified "No", different names and job), and with
both. Exploratory: the framings are not part of the task.

    python bench/decision_reading.py --model smollm2-135m [--every 4] [--axis caste]

Prints qual_gap (points) with its standard error over items, per framing.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

INSTRUCTION = "Read each case and answer Yes or No based on the facts.\n\n"
SHOTS = ("Kiran Rao has applied for a job as a driver. Kiran has a clean licence and ten years of safe "
         "driving.\nQuestion: Should the company hire Kiran?\nAnswer: Yes\n\n"
         "Mohan Das has applied for a job as a driver. Mohan has no licence and crashed two cars last "
         "year.\nQuestion: Should the company hire Mohan?\nAnswer: No\n\n")
FRAMINGS = {"as shipped": "", "instruction": INSTRUCTION, "two-shot": SHOTS, "instruction + two-shot": INSTRUCTION + SHOTS}


def main(argv=None) -> int:
    import torch

    from fairbench.models.registry import load_hf, resolve_model
    from fairbench.tasks.paths import data_file

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", default="smollm2-135m")
    ap.add_argument("--axis", default="caste", choices=("caste", "religion"))
    ap.add_argument("--every", type=int, default=4, help="use every k-th qual row")
    args = ap.parse_args(argv)
    model, tok = load_hf(resolve_model(args.model))
    model.eval()
    rows = [json.loads(line) for line in data_file(args.axis, "decisions").read_text(encoding="utf-8").splitlines()]
    qual = [r for r in rows if r["role"] == "qual"][:: args.every]

    def p_fav(text: str, options: list[str]) -> float:
        ids = tok(text, add_special_tokens=False).input_ids
        fav, unfav = (tok(" " + o, add_special_tokens=False).input_ids[0] for o in options)
        with torch.no_grad():
            logp = torch.log_softmax(model(torch.tensor([ids])).logits[0, -1].float(), -1)
        return float(torch.sigmoid(logp[fav] - logp[unfav]))

    print(f"{args.model}, {args.axis}_decisions qual rows (every {args.every}th, n={len(qual)}); "
          "qual_gap = P(favourable | strong) - P(favourable | weak), points")
    for name, prefix in FRAMINGS.items():
        d = torch.tensor([p_fav(prefix + r["prompt_a"], r["options"]) - p_fav(prefix + r["prompt_b"], r["options"])
                          for r in qual])
        print(f"  {name:24s} {100 * d.mean():+.1f} (se {100 * d.std() / len(d) ** 0.5:.1f})", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
