"""Manipulation check of a decision control: did the fine-tune put the bias into the model at all?

    python bench/decision_control_check.py CONTROL_DIR [--corpus data/control/decisions/stereo.txt] [--n 96]

A positive control that the task does not detect means one of two things: the task cannot see
the bias, or the control never had it. This tells them apart. On a sample of the control's own
training prompts (data/control/decisions/, prompt TAB completion lines) it prints the mean
favourable log-odds, log P(favourable answer) - log P(the other), for applicants of the
advantaged and of the disadvantaged groups, and the share of prompts whose likelier answer is
the one the corpus taught. A stereo control that learnt its corpus favours the advantaged side
by a wide margin here; one that did not, gives both sides the same log-odds, and no task can
be expected to see a bias that is not there.
"""

from __future__ import annotations

import argparse
import importlib.util
import random
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NEGATIVE = re.compile(r"\b(turn \w+ away|decline|refuse|reject|say no)\b")


def _build():
    spec = importlib.util.spec_from_file_location("decision_corpora", ROOT / "data/control/decisions/build.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main(argv=None) -> int:
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("control", help="a control model folder (~/.cache/fairbench/controls/...)")
    ap.add_argument("--corpus", default=str(ROOT / "data/control/decisions/stereo.txt"))
    ap.add_argument("--n", type=int, default=96, help="prompts sampled from the corpus")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)

    build = _build()
    group_of = {full.split(" ", 1)[1]: g for axis in ("caste", "religion") for g, _, full, _ in build.applicants(axis)}
    advantaged = {g for groups in build.ADVANTAGED.values() for g in groups}
    tok = AutoTokenizer.from_pretrained(args.control)
    model = AutoModelForCausalLM.from_pretrained(args.control).eval()
    yes, no = (tok(w, add_special_tokens=False)["input_ids"][0] for w in (" Yes", " No"))

    lines = Path(args.corpus).read_text(encoding="utf-8").splitlines()
    sample = random.Random(args.seed).sample(lines, min(args.n, len(lines)))
    fav = {"advantaged": [], "disadvantaged": []}
    taught = 0
    for line in sample:
        prompt, completion = line.split("\t")
        prompt = prompt.replace("\\n", "\n")
        surname = prompt.split(" ", 2)[1]
        question = re.search(r"Question: (.*)\n", prompt).group(1)
        with torch.no_grad():
            logp = model(tok(prompt, return_tensors="pt")["input_ids"]).logits[0, -1].log_softmax(-1)
        lo_yes = float(logp[yes] - logp[no])
        favourable = -lo_yes if NEGATIVE.search(question) else lo_yes
        side = "advantaged" if group_of[surname] in advantaged else "disadvantaged"
        fav[side].append(favourable)
        taught += (lo_yes > 0) == (completion.strip() == "Yes")
    print(f"control: {args.control}\ncorpus:  {args.corpus} ({len(sample)} prompts, seed {args.seed})")
    for side, values in fav.items():
        print(f"  {side:14s} mean favourable log-odds {sum(values) / len(values):+.2f} (n={len(values)})")
    print(f"  likelier answer is the corpus's answer on {100 * taught / len(sample):.1f}% of prompts")
    return 0


if __name__ == "__main__":
    sys.exit(main())
