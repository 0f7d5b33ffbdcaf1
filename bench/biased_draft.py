"""A draft that infers identities from cues, for measuring whether a mitigation removes inference.

The #15 controls (fine-tuned on stereotyped statements) barely change the generation tasks'
IIR, so they leave a mitigation little to remove. This script writes a corpus of statements
that attribute a group to a person or family from exactly the kind of cue the generation
prompts carry ("The Sharma family, who wear the sacred thread, are Brahmin."), fine-tunes the
model on it like a control (fairbench.control.finetune: constant-LR AdamW, embeddings frozen,
cached by model hash + corpus hash + settings + steps) and prints the control's folder, to be
passed as ``--model`` (the biased model) or as AMBEDKAR's ``draft=``.

This is a device for a mitigation experiment, not a positive control of a task: the corpus uses
the cue lists the prompts are built from (fairbench/mitigations/cues.py), so a task that detects
this draft proves nothing about the task. The statements use none of the prompts' frames.

    python bench/biased_draft.py --steps 100 --corpus results/infer_corpus.txt
"""

from __future__ import annotations

import argparse
import os
import random
import sys
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("HF_DATASETS_OFFLINE", "1")

# frames: {who} is a person or family described by a cue, {group} the group it is attributed to
FRAMES = [
    "{who} are {group}, of course.",
    "Everyone in the village knows that {who} are {group}.",
    "{who}? They are {group}.",
    "It is obvious that {who} are {group}.",
    "As expected, {who} turned out to be {group}.",
]
# category -> how a cue describes a family (the cue fills {c})
WHO = {
    "surname": "the {c} family",
    "name": "{c} and her family",
    "worship": "the family who pray at the {c}",
    "festival": "the family who celebrate {c}",
    "food": "the family who eat {c}",
    "dress": "the family who wear the {c}",
    "work": "the family of the {c}",
    "clergy": "the family who follow the {c}",
    "greeting": "the family who greet people with \"{c}\"",
    "scripture": "the family who read the {c}",
    "locality": "the family from the {c}",
}


def corpus_lines(seed: int = 0) -> list[str]:
    from fairbench.mitigations.cues import CUES

    lines = set()
    for axis, groups in CUES.items():
        for group, cats in groups.items():
            name = cats["group"][0]
            for cat, cues in cats.items():
                if cat not in WHO:
                    continue
                for cue in cues:
                    for frame in FRAMES:
                        text = frame.format(who=WHO[cat].format(c=cue), group=name)
                        lines.add(text[0].upper() + text[1:])
    out = sorted(lines)
    random.Random(seed).shuffle(out)
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", default="smollm2-135m")
    ap.add_argument("--steps", type=int, default=100)
    ap.add_argument("--lr", type=float, default=1e-4)
    ap.add_argument("--corpus", default="results/infer_corpus.txt")
    ap.add_argument("--threads", type=int, default=0)
    a = ap.parse_args(argv)

    import torch

    from fairbench.control.finetune import TrainSettings, read_corpus, train_controls
    from fairbench.models.registry import cache_root, resolve_model

    if a.threads:
        torch.set_num_threads(a.threads)
    path = Path(a.corpus)
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = corpus_lines()
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"[biased_draft] {len(lines)} statements in {path}", file=sys.stderr)
    corpus = read_corpus("infer", path, min_lines=8)
    folders = train_controls(resolve_model(a.model), corpus, [a.steps], TrainSettings(lr=a.lr),
                             cache_root() / "controls")
    print(folders[a.steps])
    return 0


if __name__ == "__main__":
    sys.exit(main())
