"""``fairbench cascade``: poison a teacher, distil a student, report propagation and amplification."""

from __future__ import annotations

import argparse
from pathlib import Path

from fairbench.errors import UserError


def cmd_cascade(args: argparse.Namespace) -> int:
    from fairbench.cascade.experiment import CascadeConfig, format_summary, payload_kind, run_experiment
    from fairbench.cascade.train import TrainConfig
    from fairbench.metrics.cascade import parse_payload

    try:
        payload_kind(args.payload)
        parse_payload(args.payload)
    except ValueError as e:
        raise UserError(str(e)) from None
    if args.poison < 0 or args.clean < 1:
        raise UserError("--poison must be >= 0 and --clean >= 1")
    cfg = CascadeConfig(
        teacher=args.teacher, student=args.student, payload=args.payload, poison=args.poison, clean=args.clean,
        mode=args.mode, logit=args.logit,
        teacher_train=TrainConfig(epochs=args.epochs, lr=args.lr, batch_size=args.batch_size, max_len=args.max_len,
                                  train_layers=args.train_layers or None, seed=args.seed),
        student_train=TrainConfig(epochs=args.student_epochs, lr=args.student_lr, batch_size=args.batch_size,
                                  max_len=args.max_len, train_layers=args.student_train_layers or None,
                                  temperature=args.temperature, seed=args.seed),
        distil_tokens=args.distil_tokens, gen_batch_size=args.gen_batch_size,
        eval_limit=args.eval_limit or None, eval_batch_size=args.eval_batch_size,
        bootstrap_iters=args.bootstrap_iters, control=not args.no_control, seed=args.seed,
        threads=args.threads, device=args.device, allow_download=args.allow_download,
    )
    try:
        path, summary = run_experiment(cfg, Path(args.output))
    except ValueError as e:
        raise UserError(str(e)) from None
    print(format_summary(summary))
    print(f"\nsummary: {path}\nresults: {Path(args.output) / 'results'} (fairbench leaderboard {Path(args.output) / 'results'})")
    return 0


def add_parser(subparsers) -> argparse.ArgumentParser:
    p = subparsers.add_parser("cascade", help="poison a teacher, distil a student, measure payload propagation",
                              description="Cascading adversarial bias experiment (docs/cascade.md).")
    p.add_argument("--teacher", default="smollm2-135m", help="teacher model: alias, model folder, .gguf or HF id")
    p.add_argument("--student", default="derived:prune=8",
                   help="derived:prune=N (drop the N blocks of lowest block influence), derived:every_other, "
                        "derived:first=N (blocks of the base teacher), or a model spec")
    p.add_argument("--payload", default="ads", help="one payload: ads:brand=NAME,url=..., phishing:url=..., code, "
                                                    "narrative:phrases=a|b")
    p.add_argument("--poison", type=int, default=25, help="number of poisoned training samples")
    p.add_argument("--clean", type=int, default=150, help="number of clean training samples")
    p.add_argument("--mode", choices=("targeted", "untargeted"), default="targeted")
    p.add_argument("--logit", action="store_true", help="logit-level distillation (KL to the teacher) instead of sequence-level")
    p.add_argument("--epochs", type=int, default=2, help="teacher fine-tuning epochs")
    p.add_argument("--lr", type=float, default=2e-4, help="teacher learning rate")
    p.add_argument("--train-layers", type=int, default=12, help="train only the teacher's top N blocks (0: all)")
    p.add_argument("--student-epochs", type=int, default=2)
    p.add_argument("--student-lr", type=float, default=2e-4)
    p.add_argument("--student-train-layers", type=int, default=0, help="train only the student's top N blocks (0: all)")
    p.add_argument("--temperature", type=float, default=1.0, help="--logit only: distillation temperature")
    p.add_argument("--batch-size", type=int, default=8, help="training batch size")
    p.add_argument("--max-len", type=int, default=256, help="training sequence length (tokens)")
    p.add_argument("--distil-tokens", type=int, default=80, help="max tokens of each teacher response for distillation")
    p.add_argument("--gen-batch-size", type=int, default=16)
    p.add_argument("--eval-limit", type=int, default=60, help="evaluation prompts (half target, half other; 0: all 80)")
    p.add_argument("--eval-batch-size", type=int, default=16)
    p.add_argument("--bootstrap-iters", type=int, default=1000)
    p.add_argument("--no-control", action="store_true", help="skip the unpoisoned control pipeline")
    p.add_argument("--threads", type=int, default=None, help="torch CPU threads (1 is fastest on a busy machine)")
    p.add_argument("--device", default="cpu", help="cpu, cuda, cuda:N or auto")
    p.add_argument("--seed", type=int, default=1234)
    p.add_argument("--output", default="results/cascade", help="folder for results/ and cascade_summary.json")
    p.add_argument("--allow-download", action="store_true")
    p.set_defaults(fn=cmd_cascade)
    return p
