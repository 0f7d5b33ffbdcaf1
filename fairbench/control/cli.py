"""``fairbench control``: build control models and show each task's dose response."""

from __future__ import annotations

import argparse
from pathlib import Path

from fairbench.errors import UserError


def _doses(text: str) -> list[int]:
    try:
        doses = sorted({int(x) for x in text.split(",") if x.strip()})
    except ValueError:
        raise UserError(f"--steps takes comma-separated whole numbers of fine-tuning steps, got {text!r}") from None
    if not doses or doses[0] < 0 or doses[-1] == 0:
        raise UserError(f"--steps needs at least one positive number of steps and none below 0, got {text!r}")
    return [d for d in doses if d > 0]  # 0 is the base model, always run


def cmd_control(args: argparse.Namespace) -> int:
    from fairbench.control.experiment import ARMS, ControlConfig, format_summary, resummarise, run_control
    from fairbench.control.finetune import TrainSettings, read_corpus
    from fairbench.tasks.paths import data_dir

    if args.summary:
        print(format_summary(resummarise(Path(args.summary), write=args.write)))
        return 0
    doses = _doses(args.steps)
    arms = [a.strip() for a in args.arms.split(",") if a.strip()]
    bad = [a for a in arms if a not in ARMS]
    if bad or not arms:
        raise UserError(f"--arms takes some of {', '.join(ARMS)}, got {args.arms!r}")
    if args.lr <= 0 or args.train_batch_size < 1:
        raise UserError("--lr must be above 0 and --train-batch-size at least 1")
    if args.limit is not None and args.limit < 1:
        raise UserError("--limit must be a positive number of items")
    given = {"stereo": args.corpus, "anti": args.anti_corpus, "neutral": args.neutral_corpus}
    corpora = {a: read_corpus(a, given[a] or data_dir() / "control" / f"{a}.txt", min_lines=args.train_batch_size)
               for a in arms}
    cfg = ControlConfig(
        model=args.model, tasks=args.tasks, corpora=corpora, doses=doses, lang=args.lang, limit=args.limit,
        seed=args.seed, batch_size=args.batch_size, threads=args.threads, device=args.device,
        bootstrap_iters=args.bootstrap_iters,
        train=TrainSettings(lr=args.lr, batch_size=args.train_batch_size, seed=args.train_seed),
        cache=Path(args.cache) if args.cache else None, allow_download=args.allow_download,
    )
    if args.threads:
        import torch

        torch.set_num_threads(args.threads)
    path, summary = run_control(cfg, Path(args.output))
    print(format_summary(summary))
    print(f"\nsummary: {path}\nplot:    {path.with_suffix('.svg')}")
    return 0


def add_parser(subparsers) -> argparse.ArgumentParser:
    p = subparsers.add_parser("control", help="positive controls: fine-tune on stereotyped/anti/neutral text, "
                                              "show each task's dose response")
    p.add_argument("--model", default="smollm2-135m", help="the base model (alias, .gguf or model folder)")
    p.add_argument("--tasks", default="caste", help="as for run: caste, religion, caste_pairs, ..., or a BYO file")
    p.add_argument("--steps", default="0,25,50,100", help="doses: fine-tuning steps per control (0 = the base model)")
    p.add_argument("--arms", default="stereo,anti,neutral", help="which controls to build")
    p.add_argument("--corpus", default=None, help="stereotyped statements, one per line (default data/control/stereo.txt)")
    p.add_argument("--anti-corpus", default=None, help="anti-stereotyped statements (default data/control/anti.txt)")
    p.add_argument("--neutral-corpus", default=None, help="neutral statements (default data/control/neutral.txt)")
    p.add_argument("--output", default="results/control", help="folder for the runs, the summary JSON and the plot")
    p.add_argument("--lang", default="en")
    p.add_argument("--limit", type=int, default=None, help="items per task (as for run)")
    p.add_argument("--seed", type=int, default=1234, help="evaluation seed (items, bootstrap)")
    p.add_argument("--batch-size", type=int, default=32, help="evaluation batch size")
    p.add_argument("--threads", type=int, default=None)
    p.add_argument("--device", default="cpu")
    p.add_argument("--bootstrap-iters", type=int, default=1000)
    p.add_argument("--lr", type=float, default=1e-4, help="fine-tuning learning rate (constant)")
    p.add_argument("--train-batch-size", type=int, default=8, help="statements per fine-tuning step")
    p.add_argument("--train-seed", type=int, default=0)
    p.add_argument("--cache", default=None, help="where trained controls are kept (default ~/.cache/fairbench/controls)")
    p.add_argument("--allow-download", action="store_true")
    p.add_argument("--summary", default=None,
                   help="recompute and print an existing summary JSON from its run files (trains and runs nothing)")
    p.add_argument("--write", action="store_true",
                   help="with --summary: also rewrite that summary's JSON, plot and tables in place")
    p.set_defaults(fn=cmd_control)
    return p
