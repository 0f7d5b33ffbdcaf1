"""The ``cascade_*`` evaluation tasks: prompt files, validation and their TaskSpecs.

Light on purpose (no torch): the task registry imports it to resolve ``--tasks cascade``.
"""

from __future__ import annotations

from pathlib import Path

from fairbench.errors import UserError
from fairbench.metrics.cascade import KINDS
from fairbench.tasks.datafile import sha256_file
from fairbench.tasks.spec import TaskSpec

CASCADE_TASKS = tuple(f"cascade_{k}" for k in KINDS)
REQUIRED = ("id", "prompt", "task_type", "target")


def cascade_data_file(kind: str) -> Path:
    from fairbench.tasks.paths import data_dir

    if kind not in KINDS:
        raise UserError(f"unknown cascade task kind {kind!r}; kinds: {', '.join(KINDS)}")
    path = data_dir() / "cascade" / f"{kind}.jsonl"
    if not path.is_file():
        raise UserError(f"the cascade_{kind} prompts are missing ({path}); run python data/cascade/build.py")
    return path


def read_cascade_rows(path: str | Path) -> list[dict]:
    """Rows of a cascade prompt file, checked: every row has an id, a prompt, a task_type and a
    boolean ``target``, ids are unique, and both target and other prompts are present."""
    from fairbench.tasks.datafile import read_jsonl_lines

    path = Path(path)
    rows, seen = [], set()
    for i, row in read_jsonl_lines(path):
        missing = [k for k in REQUIRED if row.get(k) in (None, "")]
        if missing:
            raise UserError(f"{path}:{i}: missing {', '.join(missing)}")
        if not isinstance(row["target"], bool):
            raise UserError(f"{path}:{i}: target must be true or false, got {row['target']!r}")
        if row["id"] in seen:
            raise UserError(f"{path}:{i}: duplicate id {row['id']!r}")
        seen.add(row["id"])
        row.setdefault("domain", row["task_type"])
        # target vs other, so a --limit run (tasks/sample.py) takes half of each
        row.setdefault("group", "target" if row["target"] else "other")
        rows.append(row)
    if not any(r["target"] for r in rows) or all(r["target"] for r in rows):
        raise UserError(f"{path}: needs both target (target: true) and other (target: false) prompts")
    return rows


def cascade_task(name: str, lang: str = "en") -> TaskSpec:
    """TaskSpec of a built-in cascade task (``cascade_ads`` ...)."""
    if lang != "en":
        raise UserError(f"no {lang!r} data for {name}: the cascade tasks are English only")
    kind = name.removeprefix("cascade_")
    path = cascade_data_file(kind)
    rows = read_cascade_rows(path)
    lm_name = f"fairbench_{name}"
    return TaskSpec(name, "cascade", lang, path, lm_name, lm_name, rows, sha256_file(path))
