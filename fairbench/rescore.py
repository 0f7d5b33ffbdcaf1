"""``fairbench rescore RUN.json``: score a run's logged generations again with the current
identity lexicon and cue-group map, without generating anything.

What counts as naming a group is part of the generation metrics, and the lexicon improves
(data/lexicon_eval/ measures each change). A rescore recomputes every gen record from the
generation text the run logged and the task's prompt rows, then the metrics and intervals as a
run would; the pairs, QA and other tasks are copied unchanged. The result is a new results file
beside the old one (never an overwrite) with ``rescored`` saying from which file, when, and with
which lexicon; its ``created`` time is the rescore's, so the leaderboard prefers it over the
original run.

The prompt rows must be the ones the run used: the task's data file must still have the sha256
the run recorded, or the rescore stops with a one-line error (rerun the task instead).
"""

from __future__ import annotations

import argparse
import sys
from datetime import datetime, timezone
from pathlib import Path

from fairbench.errors import UserError


def _task_spec(name: str, entry: dict, label: str):
    from fairbench.tasks.registry import BUILTIN, resolve_tasks

    data = entry.get("data") or {}
    lang = data.get("lang") or "en"
    path = Path(data.get("path") or "")
    if name in BUILTIN:
        (spec,) = resolve_tasks(name, lang=lang)
    elif path.suffix in (".csv", ".jsonl") and path.is_file():
        (spec,) = resolve_tasks(str(path))
    else:
        raise UserError(f"{label}: the prompts of task {name!r} ({path}) are not available to rescore")
    if data.get("sha256") != spec.data_sha256:
        raise UserError(f"{label}: task {name!r}: its data file has changed since the run "
                        f"({str(data.get('sha256'))[:12]} then, {spec.data_sha256[:12]} now); rerun it instead")
    return spec


def rescore(path: str | Path, output: str | Path | None = None):
    """Rescore the gen tasks of the run at ``path``; returns the new ``Results``."""
    from fairbench.results import Results, RunWriter, versions
    from fairbench.runner import Settings, score_task, task_config
    from fairbench.tasks.datafile import sha256_file
    from fairbench.tasks.lm_eval.hooks import gen_doc_record, load_docs
    from fairbench.tasks.paths import lexicon_path

    old = Results.load(path)
    if not old.complete:
        raise UserError(f"{path}: run status is {old.status!r}; rescore finished runs only")
    gen = [t for t in old.tasks if old.task(t).format == "gen"]
    if not gen:
        raise UserError(f"{path}: no generation task to rescore (tasks: {', '.join(old.tasks)})")
    rows = old.samples()
    known = {k: v for k, v in old.settings.items() if k in Settings.__dataclass_fields__ and k != "extra"}
    settings = Settings(**known)
    # every check first (data unchanged, every item found), before any file is written
    specs = {}
    for name in gen:
        spec = specs[name] = _task_spec(name, old.data["tasks"][name], str(path))
        # the rows as the run's lm-eval task saw them (its axis, cue groups, cues)
        kwargs = task_config(spec).get("dataset_kwargs", {})
        docs = {str(d["id"]): d for d in load_docs(**{k: v for k, v in kwargs.items() if k != "frame"})["test"]}
        for r in rows:
            if r.get("task") != name:
                continue
            doc = docs.get(str(r["id"]))
            if doc is None:
                raise UserError(f"{path}: task {name!r}: item {r['id']!r} is not in {spec.data_path}")
            r["record"] = gen_doc_record(doc, r["record"]["generation"])
    out_dir = Path(output) if output is not None else old.path.parent
    stamp = datetime.now(timezone.utc)
    rescored = {"from": old.path.name, "from_run_id": old.data.get("run_id"), "tasks": gen,
                "at": stamp.isoformat(timespec="seconds"), "lexicon_sha256": sha256_file(lexicon_path()),
                "versions": versions()}  # the top-level "versions" stay the run's own
    # everything but the gen entries, the run id and the creation time is the old run's
    header = {k: v for k, v in old.data.items()
              if k not in ("status", "run_id", "created", "samples_file", "tasks", "wall_time_s")}
    writer = RunWriter(out_dir, stem=f"{old.data.get('run_id') or old.path.stem}_rescored-{stamp:%Y%m%d-%H%M%S}",
                       model=old.model, settings=old.settings,
                       header=header | {"created": rescored["at"], "rescored": rescored})
    # the tasks in the run's order, each written as it is done: Ctrl-C keeps those finished
    with writer.interruptible():
        for name in old.tasks:
            mine = [r for r in rows if r.get("task") == name]
            entry = old.data["tasks"][name]  # pairs, QA and the other tasks: copied unchanged
            if name in specs:
                entry = score_task(specs[name], mine, settings)
                for key in ("wall_time_s", "items"):  # how the run made them, not how they were scored
                    if key in old.data["tasks"][name]:
                        entry[key] = old.data["tasks"][name][key]
                print(f"{name}: {entry['headline']} {old.value(name):.1f} -> "
                      f"{entry['metrics'][entry['headline']]['value']:.1f}", file=sys.stderr)
            writer.add_task(name, entry, mine)
        return writer.finish(wall_time_s=old.data.get("wall_time_s"))  # how long the run took, not the rescoring


def cmd_rescore(args: argparse.Namespace) -> int:
    res = rescore(args.results, args.output)
    print(res.path)
    return 0


def add_parser(sub) -> None:
    p = sub.add_parser("rescore", help="score a run's logged generations again with the current lexicon",
                       description=__doc__.splitlines()[0])
    p.add_argument("results", help="a results JSON with generation tasks")
    p.add_argument("--output", default=None, help="folder for the new files (default: beside the run)")
    p.set_defaults(fn=cmd_rescore)
