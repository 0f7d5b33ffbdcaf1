"""Control models: a base model fine-tuned for a few steps on a corpus, cached on disk.

A plain causal-LM fine-tune (every token of a statement carries loss; embeddings frozen, as
they are tied to the output head in small models) at a constant learning rate, so the control
after d steps is the same model whatever larger doses the run also asks for: the cache key is
the base model's hash, the corpus's hash, the training settings and d.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from fairbench.errors import UserError

# bump when the training procedure changes, so old cached controls are not reused
TRAIN_VERSION = 1


@dataclass(frozen=True)
class TrainSettings:
    lr: float = 1e-4
    batch_size: int = 8
    max_len: int = 64
    seed: int = 0


@dataclass(frozen=True)
class Corpus:
    """One control's training text: its role (stereo, anti, neutral), lines and hash."""

    arm: str
    path: Path
    lines: tuple[str, ...]
    sha256: str


def read_corpus(arm: str, path: str | Path, *, min_lines: int) -> Corpus:
    """A corpus file: one statement per line, UTF-8; blank lines are skipped. A line with a tab
    is a prompt and its completion (see ``_encode``)."""
    path = Path(path)
    if not path.is_file():
        raise UserError(f"{arm} corpus {path} not found")
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        line = raw[:e.start].count(b"\n") + 1
        raise UserError(f"{arm} corpus {path}: line {line} is not UTF-8") from None
    lines = tuple(s.strip() for s in text.splitlines() if s.strip())
    if len(lines) < min_lines:
        raise UserError(f"{arm} corpus {path} has {len(lines)} statement(s); a control needs at least {min_lines} "
                        "(one training batch)")
    return Corpus(arm, path, lines, hashlib.sha256(raw).hexdigest())


def cache_key(base_sha: str, corpus: Corpus, settings: TrainSettings, dose: int) -> str:
    blob = json.dumps({"base": base_sha, "corpus": corpus.sha256, "settings": asdict(settings), "dose": dose,
                       "version": TRAIN_VERSION}, sort_keys=True)
    return hashlib.sha256(blob.encode()).hexdigest()


def control_dir(cache: Path, base_name: str, corpus: Corpus, settings: TrainSettings, base_sha: str, dose: int) -> Path:
    safe = "".join(c if c.isalnum() or c in "-_." else "-" for c in base_name)
    key = cache_key(base_sha, corpus, settings, dose)
    return cache / f"{safe}-{corpus.arm}-{dose}steps-{key[:12]}"


def _batches(lines: tuple[str, ...], size: int, seed: int):
    """An endless stream of batches: the corpus reshuffled each epoch with one seeded RNG."""
    rng = random.Random(seed)
    while True:
        order = list(range(len(lines)))
        rng.shuffle(order)
        for i in range(0, len(order) - size + 1, size):  # full batches only: every step sees `size` lines
            yield [lines[j] for j in order[i:i + size]]


def _encode_line(tok, line: str, max_len: int) -> tuple[list[int], int]:
    """Token ids of one corpus line (EOS appended) and how many leading ids carry no loss.

    A plain statement carries loss on every token. ``prompt<TAB>completion`` (``\\n`` in either
    part stands for a newline) carries it on the completion only, so a control can be taught an
    answer to a question, the way a task scores it, without also spending the steps on learning
    the question's text; the prompt is cut from the left when the line is too long."""
    if "\t" not in line:
        return tok(line, add_special_tokens=True)["input_ids"][: max_len - 1] + [tok.eos_token_id], 0
    prompt, completion = (part.replace("\\n", "\n") for part in line.split("\t", 1))
    p = tok(prompt, add_special_tokens=True)["input_ids"]
    c = tok(completion, add_special_tokens=False)["input_ids"][: max_len - 2] + [tok.eos_token_id]
    p = p[max(0, len(p) + len(c) - max_len):]
    return p + c, len(p)


def _encode(tok, batch: list[str], max_len: int):
    import torch

    rows = [_encode_line(tok, s, max_len) for s in batch]
    n = max(len(r) for r, _ in rows)
    pad = tok.pad_token_id if tok.pad_token_id is not None else tok.eos_token_id
    ids = torch.full((len(rows), n), pad, dtype=torch.long)
    mask = torch.zeros((len(rows), n), dtype=torch.long)
    labels = torch.full((len(rows), n), -100, dtype=torch.long)
    for i, (r, skip) in enumerate(rows):
        ids[i, :len(r)] = torch.tensor(r)
        mask[i, :len(r)] = 1
        labels[i, skip:len(r)] = ids[i, skip:len(r)]
    return ids, mask, labels


def _save(model, tok, final: Path, meta: dict) -> None:
    tmp = final.with_name(final.name + f".tmp{os.getpid()}")
    model.save_pretrained(tmp)
    tok.save_pretrained(tmp)
    (tmp / "fairbench_control.json").write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    os.replace(tmp, final)  # a half-written control never looks cached


def train_controls(base_spec, corpus: Corpus, doses: list[int], settings: TrainSettings, cache: Path, *,
                   device: str = "cpu", allow_download: bool = False) -> dict[int, Path]:
    """The control folder of every positive dose (trained once, then read from ``cache``)."""
    import torch

    from fairbench.models.registry import load_hf

    doses = sorted({d for d in doses if d > 0})
    folders = {d: control_dir(cache, base_spec.name, corpus, settings, base_spec.sha256, d) for d in doses}
    missing = [d for d in doses if not (folders[d] / "config.json").is_file()]
    for d in doses:
        if d not in missing:
            print(f"[control] {corpus.arm} {d} steps: cached in {folders[d]}", file=sys.stderr, flush=True)
    if not missing:
        return folders
    cache.mkdir(parents=True, exist_ok=True)
    model, tok = load_hf(base_spec, allow_download=allow_download)
    if tok.pad_token is None:
        tok.pad_token = tok.eos_token
    model = model.float().to(device)
    torch.manual_seed(settings.seed)
    embeddings = {id(p) for p in model.get_input_embeddings().parameters()}
    params = [p for p in model.parameters() if id(p) not in embeddings]
    for p in model.get_input_embeddings().parameters():
        p.requires_grad_(False)
    opt = torch.optim.AdamW(params, lr=settings.lr, weight_decay=0.0)
    model.train()
    losses: list[float] = []
    t0 = time.time()
    stream = _batches(corpus.lines, settings.batch_size, settings.seed)
    for step in range(1, max(missing) + 1):
        ids, mask, labels = (t.to(device) for t in _encode(tok, next(stream), settings.max_len))
        loss = model(input_ids=ids, attention_mask=mask, labels=labels).loss
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        opt.step()
        opt.zero_grad(set_to_none=True)
        losses.append(float(loss.item()))
        if step % 10 == 0 or step in missing:
            print(f"[control] {corpus.arm}: step {step}/{max(missing)}, loss {losses[-1]:.3f} "
                  f"({time.time() - t0:.0f} s)", file=sys.stderr, flush=True)
        if step in missing:
            model.eval()
            _save(model, tok, folders[step], {
                "base_model": base_spec.to_dict(), "arm": corpus.arm, "corpus": str(corpus.path),
                "corpus_sha256": corpus.sha256, "corpus_lines": len(corpus.lines), "steps": step,
                "settings": asdict(settings), "train_version": TRAIN_VERSION, "losses": losses[:],
            })
            model.train()
    model.eval()
    return folders
