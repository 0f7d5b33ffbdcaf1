"""fairbench task names -> the lm-eval task each one runs and the data it reads.

``caste`` and ``religion`` are groups of four formats; ``caste_pairs`` etc. run one; a path
to a .csv/.jsonl runs a user's own CrowS-Pairs or BBQ file; ``all`` runs the caste and
religion tasks of the four formats (pairs, QA, gen, decisions: ``BUILTIN``, eight tasks), not
the ``*_choice`` forms (with ``form="choice"`` they replace the pairs, QA and decisions tasks),
the ``cascade`` tasks, or the lens and text-to-image tasks.

``form="choice"`` runs the pairs, QA and decisions tasks (shipped or a user's file) in their generative
form (fairbench/tasks/choice.py), for models that give no log-likelihoods; ``caste_pairs_choice``
etc. name those forms directly.
"""

from __future__ import annotations

import re
from pathlib import Path

from fairbench.errors import UserError
from fairbench.tasks.datafile import read_rows, sha256_file
from fairbench.tasks.paths import TASK_DIR, data_file
from fairbench.tasks.spec import TaskSpec  # noqa: F401 (re-exported: tasks.registry.TaskSpec)

AXES = ("caste", "religion")
FORMATS = ("pairs", "qa", "gen", "decisions")
LANGS = ("en", "hi")
BUILTIN = tuple(f"{a}_{f}" for a in AXES for f in FORMATS)
# the generative forms of the log-likelihood pairs, QA and decisions tasks (not in "all": the
# same items)
CHOICE = tuple(f"{a}_{f}_choice" for a in AXES for f in ("pairs", "qa", "decisions"))
FORMS = ("loglik", "choice")
# payload detection for cascading poisoning (fairbench/cascade); English only, not part of "all"
CASCADE = ("cascade_ads", "cascade_phishing", "cascade_code", "cascade_narrative")


def _builtin(name: str, lang: str) -> TaskSpec:
    if name in CASCADE:
        from fairbench.cascade.tasks import cascade_task

        return cascade_task(name, lang)
    axis, fmt = name.split("_", 1)
    from fairbench.tasks.choice import BASE, choice_docs

    path = data_file(axis, BASE.get(fmt, fmt), lang)
    _, rows = read_rows(path, BASE.get(fmt, fmt))
    if fmt in BASE:
        rows = choice_docs(fmt, rows)
    lm_name = f"fairbench_{name}" + ("" if lang == "en" else f"_{lang}")
    return TaskSpec(name, fmt, lang, path, lm_name, lm_name, rows, sha256_file(path))


def _from_file(path: Path, form: str = "loglik") -> TaskSpec:
    from lm_eval.tasks._yaml_loader import load_yaml

    from fairbench.tasks.choice import CHOICE_OF, choice_docs

    fmt, rows = read_rows(path)
    if fmt == "gen":
        _check_cues(path, rows)
    stem = re.sub(r"[^A-Za-z0-9_]+", "_", path.stem).strip("_") or "file"
    lm_name = f"fairbench_file_{stem}"
    if form == "choice" and fmt in CHOICE_OF:
        fmt, rows, stem, lm_name = CHOICE_OF[fmt], choice_docs(CHOICE_OF[fmt], rows), f"{stem}_choice", f"{lm_name}_choice"
    from fairbench.formats import get_format

    config = load_yaml(TASK_DIR / get_format(fmt).template)
    config.update(task=lm_name, dataset_kwargs={"fmt": fmt, "path": str(path.resolve())})
    return TaskSpec(stem, fmt, "en", path.resolve(), config, lm_name, rows, sha256_file(path))


def _check_cues(path: Path, rows: list[dict]) -> None:
    """A gen row with a ``cue_group`` needs an ``axis`` whose shipped cue-group map has that
    group (data/cue_groups.json), or its cue effect could not be scored."""
    import json

    from fairbench.tasks.paths import cue_groups_path

    cued = [r for r in rows if r.get("cue_group")]
    if not cued:
        return
    families = json.loads(cue_groups_path().read_text(encoding="utf-8")) if cue_groups_path().is_file() else {}
    for r in cued:
        axis = r.get("axis")
        if axis not in families:
            raise UserError(f"{path}: row {r['id']!r} has a cue_group but no axis column "
                            f"({' or '.join(sorted(families)) or 'caste or religion'})")
        if r["cue_group"] not in families[axis]:
            raise UserError(f"{path}: row {r['id']!r}: unknown {axis} cue_group {r['cue_group']!r}; "
                            f"use one of {', '.join(sorted(families[axis]))}")


def expand(names: str, form: str = "loglik") -> list[str]:
    """'caste,religion_qa' -> ['caste_pairs', 'caste_qa', 'caste_gen', 'caste_decisions', 'religion_qa'].

    With ``form="choice"`` the built-in pairs, QA and decisions tasks become their generative
    forms (generation is generative already).

    >>> expand("caste,religion_qa", form="choice")  # doctest: +NORMALIZE_WHITESPACE
    ['caste_pairs_choice', 'caste_qa_choice', 'caste_gen', 'caste_decisions_choice', 'religion_qa_choice']
    """
    if form not in FORMS:
        raise UserError(f"unknown --form {form!r}; use auto, {' or '.join(FORMS)}")
    out: list[str] = []
    for raw in (n.strip() for n in names.split(",")):
        if not raw:
            continue
        if raw == "all":
            items = list(BUILTIN)
        elif raw in AXES:
            items = [f"{raw}_{f}" for f in FORMATS]
        elif raw == "cascade":
            items = list(CASCADE)
        elif raw in CASCADE:
            items = [raw]
        elif raw in BUILTIN or raw in CHOICE or raw.endswith((".csv", ".jsonl")) or _adapter(raw):
            items = [raw]
        else:
            raise UserError(
                f"unknown task {raw!r}; tasks: {', '.join(AXES + BUILTIN + CHOICE)}, all, a .csv/.jsonl file, "
                "or a published set: indibias:PATH, bharatbbq:PATH"
            )
        if form == "choice":
            items = [f"{i}_choice" if i.endswith(("_pairs", "_qa", "_decisions")) else i for i in items]
        out += [i for i in items if i not in out]
    if not out:
        raise UserError("no tasks given")
    return out


def resolve_tasks(names: str, *, lang: str = "en", form: str = "loglik") -> list[TaskSpec]:
    """Validate every task and its data up front, so bad input fails before a model loads."""
    if lang not in LANGS:
        raise UserError(f"unknown --lang {lang!r}; use one of {', '.join(LANGS)}")
    specs: list[TaskSpec] = []
    for n in expand(names, form):
        if _adapter(n):
            from fairbench.tasks.adapters import resolve

            specs += resolve(*_adapter(n), lang=lang, form=form)
        elif n.endswith((".csv", ".jsonl")):
            specs.append(_from_file(Path(n), form))
        else:
            specs.append(_builtin(n, lang))
    return specs


def _adapter(raw: str):
    from fairbench.tasks.adapters import adapter_of

    return adapter_of(raw)
