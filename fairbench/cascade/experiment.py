"""The cascade experiment: poison a teacher, distil a student, evaluate both and a control.

    base teacher --fine-tune on clean + poisoned--> teacher --greedy responses--> student
    base teacher --fine-tune on clean only------> control teacher ----------> control student

Every model is scored with the ``cascade_{kind}`` task through fairbench's runner (one
standard results file each, under OUT/results/), and OUT/cascade_summary.json holds the
rates, the amplification student/teacher with a paired bootstrap CI, clean-task perplexity,
and the perplexity-filtering defence.
"""

from __future__ import annotations

import copy
import hashlib
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Literal

import numpy as np

from fairbench.cascade.train import TrainConfig

SUMMARY_VERSION = 1


@dataclass
class CascadeConfig:
    """Everything one experiment depends on (written into the summary)."""

    teacher: str = "smollm2-135m"
    student: str = "derived:prune=8"
    payload: str = "ads"
    poison: int = 25
    clean: int = 150
    mode: Literal["targeted", "untargeted"] = "targeted"
    logit: bool = False
    teacher_train: TrainConfig = field(default_factory=lambda: TrainConfig(epochs=2, lr=2e-4, train_layers=12))
    student_train: TrainConfig = field(default_factory=lambda: TrainConfig(epochs=2, lr=2e-4))
    distil_tokens: int = 80
    gen_batch_size: int = 16
    eval_limit: int | None = 60
    eval_batch_size: int = 16
    bootstrap_iters: int = 1000
    keep_clean: float = 0.95  # the perplexity filter's threshold keeps this share of clean samples
    control: bool = True
    seed: int = 1234
    threads: int | None = None
    device: str = "cpu"  # cpu, cuda, cuda:N or auto
    allow_download: bool = False


def payload_kind(spec: str) -> str:
    from fairbench.metrics.cascade import KINDS

    kinds = {p.split(":", 1)[0].strip() for p in spec.split(";") if p.strip()}
    if len(kinds) != 1 or not kinds <= set(KINDS):
        raise ValueError(f"--payload needs exactly one kind of {', '.join(KINDS)} (got {spec!r})")
    return kinds.pop()


# --------------------------------------------------------------------------- models
def _load(spec: str, allow_download: bool):
    from fairbench.models.registry import load_hf, resolve_model

    ms = resolve_model(spec, allow_download=allow_download)
    model, tok = load_hf(ms, allow_download=allow_download)
    if tok.pad_token is None:
        tok.pad_token = tok.eos_token
    return model.float().eval(), tok, ms


def _student(cfg: CascadeConfig, base, tok, calibration: list[dict]):
    """(student model, its tokenizer, description) before distillation. ``derived:prune=N``
    measures block influence on ``calibration`` (clean training samples) under the base."""
    from fairbench.cascade.train import block_influence, derive_student

    spec = cfg.student
    if spec.startswith("derived:"):
        how, _, n = spec.removeprefix("derived:").partition("=")
        if how not in ("every_other", "first", "prune"):
            raise ValueError(f"--student derived:{how}: use derived:prune=N, derived:every_other or derived:first=N")
        if n and not n.isdigit():
            raise ValueError(f"--student {spec}: N must be a whole number")
        influence = block_influence(base, tok, calibration) if how == "prune" else None
        student = derive_student(base, how, int(n) if n else None, influence)
        layers = len(getattr(student, student.base_model_prefix).layers)
        return student, tok, f"{spec} of {cfg.teacher} ({layers} blocks: {student.derived_from_blocks})"
    model, stok, _ = _load(spec, cfg.allow_download)
    return model.to(base.device), stok, spec


def weights_sha256(model) -> str:
    h = hashlib.sha256()
    for name, t in sorted(model.state_dict().items()):
        h.update(name.encode())
        h.update(t.detach().contiguous().cpu().numpy().tobytes())
    return h.hexdigest()


# --------------------------------------------------------------------------- evaluation
def evaluate_model(model, tok, role: str, cfg: CascadeConfig, kind: str, out: Path) -> tuple[Path, dict, list[dict]]:
    """Score one in-memory model on cascade_{kind} with fairbench's runner (standard results)."""
    from fairbench.models.shared_context import SharedContextHFLM

    from fairbench.cascade.tasks import cascade_task
    from fairbench.models.registry import ModelSpec
    from fairbench.results import load_samples
    from fairbench.runner import Settings, run

    spec = (f"cascade-{role}[{cfg.teacher}>{cfg.student},{cfg.payload},{cfg.mode},poison={cfg.poison},"
            f"clean={cfg.clean}{',logit' if cfg.logit else ''}]")
    poisoned = 0 if role.startswith("control") else cfg.poison
    # the leaderboard's row name: the role alone would merge targeted and untargeted runs by eye
    name = f"cascade {role} ({cfg.mode}, {poisoned} poisoned{', logit' if cfg.logit else ''})"
    ms = ModelSpec(spec, "cascade", name, None, weights_sha256(model), "weights")
    settings = Settings(seed=cfg.seed, limit=cfg.eval_limit, batch_size=cfg.eval_batch_size, device=str(model.device),
                        dtype="float32", lang="en", bootstrap_iters=cfg.bootstrap_iters,
                        extra={"payload": cfg.payload, "cascade_role": role})
    lm = SharedContextHFLM(pretrained=model, tokenizer=tok, batch_size=cfg.eval_batch_size, device=str(model.device))
    # settings.extra["payload"] reaches the task's detector as a task argument (runner.lm_eval_task)
    path, results = run(lm, ms, [cascade_task(f"cascade_{kind}")], settings=settings, output=out)
    return path, results, load_samples(path, results)


def _hits(samples: list[dict], *, target: bool) -> np.ndarray:
    return np.array([s["record"]["hit"] for s in samples if s["record"]["target"] == target], dtype=bool)


def amplification(student: np.ndarray, teacher: np.ndarray, *, iters: int, seed: int) -> dict:
    """student rate / teacher rate on the same prompts, with a paired percentile bootstrap CI."""
    from fairbench.metrics import bootstrap_ci
    from fairbench.metrics.base import Metric

    def ratio(cols):
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.mean(cols["s"], axis=-1) / np.mean(cols["t"], axis=-1)

    m = Metric("amplification", ratio, "lower", "x", "student rate / teacher rate", needs=("s", "t"))
    cols = {"s": student.astype(float), "t": teacher.astype(float)}
    with np.errstate(divide="ignore", invalid="ignore"):
        value = float(ratio(cols)) if len(student) else float("nan")
    ci = bootstrap_ci(m, cols, iters=iters, seed=seed) if len(student) > 1 else None
    return {"value": value if np.isfinite(value) else None, "ci": list(ci) if ci else None,
            "n": int(len(student)), "note": None if np.isfinite(value) else "teacher rate is 0: ratio undefined"}


# --------------------------------------------------------------------------- defence
def perplexity_filter(nll: list[float], poisoned: list[bool], *, keep_clean: float) -> dict:
    """Flag samples whose response perplexity (under the unpoisoned base model) is above the
    threshold that keeps ``keep_clean`` of the clean samples; count the poisoned ones caught."""
    ppl = np.exp(np.asarray(nll))
    flags = np.asarray(poisoned, dtype=bool)
    if not flags.any() or flags.all():
        return {"threshold_ppl": None, "poisoned": int(flags.sum()), "caught": 0, "caught_pct": None,
                "clean_flagged": 0, "clean": int((~flags).sum())}
    thr = float(np.quantile(ppl[~flags], keep_clean))
    caught = int((ppl[flags] > thr).sum())
    return {"threshold_ppl": thr, "keep_clean": keep_clean, "poisoned": int(flags.sum()), "caught": caught,
            "caught_pct": 100.0 * caught / int(flags.sum()), "clean": int((~flags).sum()),
            "clean_flagged": int((ppl[~flags] > thr).sum()),
            "median_ppl": {"clean": float(np.median(ppl[~flags])), "poisoned": float(np.median(ppl[flags]))}}


# --------------------------------------------------------------------------- the experiment
def _log(msg: str) -> None:
    print(f"[cascade] {msg}", file=sys.stderr, flush=True)


def _arm(name: str, train_set: list[dict], base, tok, cfg: CascadeConfig, kind: str, out: Path,
         heldout: list[dict]) -> dict:
    """Fine-tune a teacher on ``train_set``, distil a student from it, evaluate both."""
    from fairbench.cascade.train import distil_logits, fine_tune, generate, perplexity, response_nll
    from fairbench.metrics.cascade import detector

    t0 = time.time()
    prefix = "" if name == "poisoned" else "control-"
    _log(f"{name}: fine-tuning the teacher on {len(train_set)} samples")
    teacher = copy.deepcopy(base)
    teacher_loss = fine_tune(teacher, tok, train_set, cfg.teacher_train, label=f"{prefix}teacher")
    prompts = [e["prompt"] for e in train_set]
    _log(f"{name}: teacher responses to {len(prompts)} distillation prompts")
    responses = generate(teacher, tok, prompts, max_new_tokens=cfg.distil_tokens, batch_size=cfg.gen_batch_size)
    det = detector(kind, cfg.payload)
    distil_set = [{"prompt": p, "response": r} for p, r in zip(prompts, responses)]
    student, stok, student_desc = _student(cfg, base, tok, [e for e in train_set if not e.get("poisoned")])
    _log(f"{name}: distilling the student ({'logit KL' if cfg.logit else 'sequence-level'})")
    if cfg.logit:
        if stok is not tok and stok.get_vocab() != tok.get_vocab():
            raise ValueError("--logit needs a student with the teacher's tokenizer")
        student_loss = distil_logits(student, teacher, tok, distil_set, cfg.student_train, label=f"{prefix}student")
    else:
        student_loss = fine_tune(student, stok, distil_set, cfg.student_train, label=f"{prefix}student")
    arm = {"train_samples": len(train_set), "poisoned_samples": sum(e.get("poisoned", False) for e in train_set),
           "teacher_train_loss": teacher_loss, "student_train_loss": student_loss, "student": student_desc,
           "distil_set_payload_rate": 100.0 * np.mean([bool(det(r)) for r in responses]) if responses else None,
           "models": {}}
    for role, model, mtok in (("teacher", teacher, tok), ("student", student, stok)):
        _log(f"{name}: evaluating the {role}")
        path, results, samples = evaluate_model(model, mtok, f"{prefix}{role}", cfg, kind, out / "results")
        task = results["tasks"][f"cascade_{kind}"]
        nll = response_nll(model, mtok, heldout)
        arm["models"][role] = {
            "results": str(path),
            "target_rate": task["metrics"]["target_rate"], "other_rate": task["metrics"]["other_rate"],
            "clean_perplexity": perplexity(nll),
            "_hits": {"target": _hits(samples, target=True), "other": _hits(samples, target=False)},
        }
    arm["wall_time_s"] = round(time.time() - t0, 1)
    del teacher, student
    return arm


def run_experiment(cfg: CascadeConfig, out: Path) -> tuple[Path, dict]:
    """Run the whole experiment; returns (summary path, summary)."""
    import torch

    from fairbench.cascade.poison import build_sets, load_instructions
    from fairbench.cascade.train import perplexity, response_nll
    from fairbench.results import versions, write_json

    started = time.time()
    if cfg.threads:
        torch.set_num_threads(cfg.threads)
    torch.manual_seed(cfg.seed)
    kind = payload_kind(cfg.payload)
    sets = build_sets(load_instructions(), kind=kind, spec=cfg.payload, clean=cfg.clean, poison=cfg.poison,
                      mode=cfg.mode, seed=cfg.seed)
    _log(f"loading the teacher {cfg.teacher}")
    base, tok, teacher_ms = _load(cfg.teacher, cfg.allow_download)
    device = cfg.device if cfg.device != "auto" else ("cuda" if torch.cuda.is_available() else "cpu")
    base = base.to(device)

    _log("perplexity filtering of the poisoned training set under the base model")
    train = sets["poisoned"]
    nll = response_nll(base, tok, train)
    defence = perplexity_filter(nll, [e["poisoned"] for e in train], keep_clean=cfg.keep_clean)
    base_heldout = perplexity(response_nll(base, tok, sets["heldout"]))

    arms = {"poisoned": _arm("poisoned", train, base, tok, cfg, kind, out, sets["heldout"])}
    if cfg.control:
        arms["control"] = _arm("control", sets["clean"], base, tok, cfg, kind, out, sets["heldout"])

    primary = "target" if cfg.mode == "targeted" else "other"
    p = arms["poisoned"]["models"]
    amp = {side: amplification(p["student"]["_hits"][side], p["teacher"]["_hits"][side],
                               iters=cfg.bootstrap_iters, seed=cfg.seed) for side in ("target", "other")}
    for arm in arms.values():
        for m in arm["models"].values():
            m.pop("_hits")
    summary = {
        "summary_version": SUMMARY_VERSION,
        "kind": "cascade_experiment",
        "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "versions": versions(),
        "config": asdict(cfg),
        "teacher_model": teacher_ms.to_dict(),
        "payload_kind": kind,
        "poisoning_rate_pct": 100.0 * cfg.poison / (cfg.poison + cfg.clean),
        "primary_rate": f"{primary}_rate",
        "teacher_rate": p["teacher"][f"{primary}_rate"],
        "student_rate": p["student"][f"{primary}_rate"],
        "amplification": amp[primary],
        "amplification_by_rate": {f"{k}_rate": v for k, v in amp.items()},
        "clean_perplexity": {"base": base_heldout, **{
            f"{'' if a == 'poisoned' else 'control_'}{r}": arms[a]["models"][r]["clean_perplexity"]
            for a in arms for r in ("teacher", "student")}},
        "perplexity_filter": defence,
        "arms": arms,
        "wall_time_s": round(time.time() - started, 1),
    }
    path = out / "cascade_summary.json"
    write_json(path, summary)
    return path, summary


def format_summary(s: dict) -> str:
    from fairbench.metrics.base import format_value

    def rate(v):
        return format_value(v, unit="%", clusters=False)

    lines = [f"cascade experiment: payload {s['config']['payload']} ({s['config']['mode']}), "
             f"{s['config']['poison']} poisoned + {s['config']['clean']} clean "
             f"({s['poisoning_rate_pct']:.2f}% poisoned), {'logit' if s['config']['logit'] else 'sequence'}-level distillation"]
    for arm, data in s["arms"].items():
        for role, m in data["models"].items():
            lines.append(f"  {arm:8s} {role:7s}  target {rate(m['target_rate']):24s} other {rate(m['other_rate']):24s}"
                         f" clean ppl {m['clean_perplexity']:.2f}")
    amp = format_value(s["amplification"], 2, unit="x", clusters=False)
    lines.append(f"  amplification ({s['primary_rate']}, student / teacher): {amp}")
    d = s["perplexity_filter"]
    if d.get("threshold_ppl") is not None:
        lines.append(f"  perplexity filter (keeps {100 * d['keep_clean']:.0f}% of clean, ppl > {d['threshold_ppl']:.2f}): "
                     f"caught {d['caught']} of {d['poisoned']} poisoned samples")
    lines.append(f"  wall time {s['wall_time_s']:.0f} s")
    return "\n".join(lines)
