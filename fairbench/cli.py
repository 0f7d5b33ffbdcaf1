"""The ``fairbench`` command: run, tasks, models, show.

User errors (bad model, task, file, data) print one line and exit 2; Ctrl-C exits 130 and
keeps every results file already written.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from fairbench.errors import UserError


def _offline(allow_download: bool) -> None:
    # Offline unless asked: no hub look-ups at all (otherwise each load tries DNS first).
    if not allow_download:
        for var in ("HF_HUB_OFFLINE", "HF_DATASETS_OFFLINE", "TRANSFORMERS_OFFLINE"):
            os.environ.setdefault(var, "1")
    os.environ.setdefault("WANDB_MODE", "disabled")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    # lm-eval's warnings about passing a loaded model and custom datasets are expected here and
    # only noise for fairbench users; LMEVAL_LOG_LEVEL=INFO brings them back for debugging
    import logging

    logging.getLogger("lm_eval").setLevel(os.environ.get("LMEVAL_LOG_LEVEL", "ERROR").upper())


def _run_t2i(args: argparse.Namespace) -> int:
    """``fairbench run --model diffusers:...`` is the text-to-image adapter's run (lm-eval has no
    image generation); the shared options carry over, the rest keep ``fairbench t2i run``'s defaults."""
    argv = ["t2i", "run", "--model", args.model, "--tasks", args.tasks, "--output", args.output,
            "--device", args.device, "--batch-size", str(args.batch_size), "--seed", str(args.seed),
            "--bootstrap-iters", str(args.bootstrap_iters)]
    for flag, value in (("--limit", args.limit), ("--captioner", args.captioner), ("--clip", args.clip)):
        if value is not None:
            argv += [flag, str(value)]
    if args.allow_download:
        argv.append("--allow-download")
    args = build_parser().parse_args(argv)
    return args.fn(args)


def _run_lens(args: argparse.Namespace) -> int:
    """``--tasks lens_caste,lens_religion``: representation analysis, no lm-eval requests."""
    from fairbench.lens import run_lens_tasks
    from fairbench.report import format_results
    from fairbench.runner import Settings

    if args.mitigation != "none":
        raise UserError("--mitigation changes decoding; lens tasks read representations and do not decode")
    settings = Settings(seed=args.seed, limit=args.limit, batch_size=args.batch_size, device=args.device,
                        dtype=args.dtype, lang=args.lang, bootstrap_iters=args.bootstrap_iters)
    path, results = run_lens_tasks(args.model, args.tasks, output=Path(args.output), settings=settings,
                                   allow_download=args.allow_download)
    print(format_results(results))
    print(f"\nresults: {path}\nsamples: {path.parent / results['samples_file']}")
    return 0


def cmd_run(args: argparse.Namespace) -> int:
    out = Path(args.output)
    if out.exists() and not out.is_dir():  # before any model loads
        raise UserError(f"--output {out} is a file, not a folder")
    if args.model.startswith("diffusers:"):
        return _run_t2i(args)
    names = [t.strip() for t in args.tasks.split(",") if t.strip()]
    if any(n == "lens" or n.startswith("lens_") for n in names):
        if not all(n == "lens" or n.startswith("lens_") for n in names):
            raise UserError("run lens tasks on their own: they read representations, the others run through lm-eval")
        return _run_lens(args)
    from fairbench.api import evaluate
    from fairbench.report import format_results

    res = evaluate(args.model, args.tasks, lang=args.lang, mitigation=args.mitigation, limit=args.limit,
                   seed=args.seed, batch_size=args.batch_size, device=args.device, dtype=args.dtype,
                   threads=args.threads, bootstrap_iters=args.bootstrap_iters, samples=args.samples,
                   temperature=args.temperature, output=args.output, allow_download=args.allow_download,
                   payload=args.payload, draft_model=args.draft_model, verifier_model=args.verifier_model,
                   form=args.form)
    if res.main:
        print(format_results(res.data))
        print(f"\nresults: {res.path}\nsamples: {res.samples_path}")
    return 0


def cmd_tasks(args: argparse.Namespace) -> int:
    from fairbench.formats import get_format
    from fairbench.report import text_table
    from fairbench.tasks import BUILTIN, LANGS, resolve_tasks
    from fairbench.tasks.registry import CASCADE, CHOICE

    rows = []
    entries = [(n, LANGS) for n in BUILTIN + CHOICE] + [(n, ("en",)) for n in CASCADE]  # cascade is English only
    for name, langs in entries:
        for lang in langs:
            try:
                (t,) = resolve_tasks(name, lang=lang)
            except UserError as e:
                rows.append([name, "-", lang, "-", "-", f"unavailable: {e}"])
                continue
            groups = t.groups
            shown = ", ".join(groups[:6]) + (f", ... ({len(groups)})" if len(groups) > 6 else "")
            metrics = ", ".join(m.name for m in get_format(t.fmt).metrics)
            rows.append([name, t.fmt, lang, str(len(t.rows)), metrics, shown])
    print(text_table(["task", "format", "lang", "items", "metrics (headline first)", "groups"], rows))
    print("\ngroups of tasks: caste, religion, cascade, all (caste and religion); or pass a "
          "CrowS-Pairs/BBQ .csv/.jsonl file. The *_choice tasks are the generative forms of the pairs, QA and decisions "
          "tasks (--form choice; chat API models get them by default). Text-to-image tasks: fairbench t2i run --help")
    return 0


def cmd_models(args: argparse.Namespace) -> int:
    from fairbench.models import ALIASES, resolve_model

    for name, alias in ALIASES.items():
        try:
            ms = resolve_model(name)
            state = f"installed ({ms.path})"
        except UserError:
            state = f"not installed: {alias.install}"
        print(f"{name}: {alias.description}\n    {state}")
    print("\nalso: a .gguf file, a local Hugging Face model folder, an HF id in the local cache "
          "(--allow-download to fetch), or an lm-eval backend string such as "
          "hf:pretrained=PATH or vllm:pretrained=PATH,tensor_parallel_size=2")
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    from fairbench.report import format_results
    from fairbench.results import Results

    print(format_results(Results.load(args.results).data))
    return 0


# Modules that add their own subcommand: each has ``add_parser(subparsers)`` which sets
# ``fn`` on its parser. Their heavy imports stay inside their command functions.
COMMAND_MODULES: tuple[str, ...] = ("fairbench.gate", "fairbench.leaderboard_cmd", "fairbench.t2i.cli", "fairbench.cascade.cli",
                                     "fairbench.lens.cli", "fairbench.control.cli", "fairbench.rescore")


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="fairbench", description="Caste and religion bias evaluation for language models.")
    sub = p.add_subparsers(dest="command", required=True)

    r = sub.add_parser("run", help="evaluate a model on tasks")
    r.add_argument("--model", default="smollm2-135m", help="alias, .gguf, model folder, HF id or lm-eval backend:args")
    r.add_argument("--tasks", default="caste", help="comma-separated: caste, religion, caste_pairs, ..., all, or a file")
    r.add_argument("--lang", default="en", help="prompt language of the built-in sets: en or hi")
    r.add_argument("--output", default="results", help="folder for the results JSON and samples JSONL")
    r.add_argument("--device", default="auto", help="cpu, cuda, cuda:N or auto")
    r.add_argument("--dtype", default="auto", help="float32, bfloat16, float16 or auto (the checkpoint's)")
    # 32: fastest of 4/8/16/32 on the 2-core CPU for the embedded model, same results (bench/batch_threads.py)
    r.add_argument("--form", default="auto",
                   help="pairs, QA and decisions tasks: loglik (log-likelihoods), choice (generative: the "
                        "answer parsed from text), or auto (choice for chat-completions API models)")
    r.add_argument("--batch-size", type=int, default=32)
    r.add_argument("--seed", type=int, default=1234)
    r.add_argument("--limit", type=int, default=None, help="evaluate N items of each task, spread over its groups and domains (chosen by --seed; the results list them)")
    r.add_argument("--samples", type=int, default=1,
                   help="generation tasks: generations per prompt, sampled at --temperature (default 1, greedy)")
    r.add_argument("--temperature", type=float, default=0.0, help="generation tasks: sampling temperature (0: greedy)")
    r.add_argument("--threads", type=int, default=None, help="CPU threads for torch (default: torch's own choice)")
    r.add_argument("--bootstrap-iters", type=int, default=1000)
    r.add_argument("--mitigation", default="none",
                   help="inference-time mitigation: none, ambedkar, uddia, with options as ambedkar:alpha=1.0,k=5")
    r.add_argument("--draft-model", default=None,
                   help="ambedkar: the draft (a --model spec, 'self' or 'plain'; default plain: the wrapped model without the constitution)")
    r.add_argument("--verifier-model", default=None,
                   help="ambedkar: the verifier (a --model spec; default: the --model itself)")
    r.add_argument("--payload", default=None,
                   help="cascade tasks: the payload to detect, e.g. ads:brand=NAME,url=DOMAIN (docs/cascade.md)")
    r.add_argument("--captioner", default=None, help="text-to-image runs only: BLIP captioner folder")
    r.add_argument("--clip", default=None, help="text-to-image runs only: CLIP folder for the miss check, or none")
    r.add_argument("--allow-download", action="store_true", help="allow fetching a model from the Hugging Face hub")
    r.set_defaults(fn=cmd_run)

    sub.add_parser("tasks", help="list tasks with format, size, groups and metrics").set_defaults(fn=cmd_tasks)
    sub.add_parser("models", help="list model aliases").set_defaults(fn=cmd_models)
    s = sub.add_parser("show", help="print the table of a results JSON again")
    s.add_argument("results")
    s.set_defaults(fn=cmd_show)

    import importlib

    for module in COMMAND_MODULES:
        importlib.import_module(module).add_parser(sub)
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    _offline(getattr(args, "allow_download", False))
    try:
        return args.fn(args)
    except UserError as e:
        print(f"fairbench: error: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt as e:
        # a run says what it kept and where (results.Interrupted)
        print(f"fairbench: {e.args[0] if e.args else 'interrupted'}", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
