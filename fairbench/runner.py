"""One evaluation run: tasks through lm-eval on one LM, then fairbench's metrics and files.

Data flows one way: the LM (possibly wrapped by a mitigation) answers lm-eval's requests; the
per-item records lm-eval logs are the only input to the metrics; the metrics go to the results
file. The results and samples files are rewritten (atomically) after every task, so an
interrupted run keeps every finished task.
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from fairbench.errors import UserError
from fairbench.formats import get_format
from fairbench.metrics import evaluate
from fairbench.metrics.intervals import deviation_p, holm, mde
from fairbench.models.registry import ModelSpec
from fairbench.results import RunWriter
from fairbench.tasks.registry import TaskSpec
from fairbench.tasks.sample import stratified


def breakdown_key(task: TaskSpec) -> str:
    """The key a task's results are broken down by: its format's (``Format.by``), except a
    generation file without cue groups, which has only its domains."""
    if task.fmt == "gen" and not any(r.get("cue_group") for r in task.rows):
        return "domain"
    return get_format(task.fmt).by


@dataclass
class Settings:
    seed: int = 1234
    limit: int | None = None
    batch_size: int = 32  # the CLI's default (bench/batch_threads.py)
    device: str = "auto"
    dtype: str = "auto"
    lang: str = "en"
    bootstrap_iters: int = 1000
    ci_level: float = 0.95
    samples: int = 1           # gen: generations per prompt (K > 1 samples at `temperature`)
    temperature: float = 0.0   # gen: 0 is greedy decoding
    extra: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if k != "extra"} | self.extra


def has_chat_template(lm) -> bool:
    """Whether ``lm`` (or the model a mitigation wraps) has a chat template to prompt with; a
    chat-completions API backend takes messages, so it always does."""
    if is_chat_api(lm):
        return True
    tok = getattr(lm, "tokenizer", None)
    return bool(getattr(tok, "chat_template", None))


def is_chat_api(lm_or_class) -> bool:
    """Whether an lm-eval LM (or its class) is a chat-completions API backend: it answers with
    text and gives no log-likelihoods."""
    from lm_eval.models.openai_completions import LocalChatCompletion

    cls = lm_or_class if isinstance(lm_or_class, type) else type(lm_or_class)
    return issubclass(cls, LocalChatCompletion)


def task_config(task: TaskSpec) -> dict:
    """The lm-eval config of a task as a dict (its include resolved), to adapt for one run."""
    from lm_eval.tasks._yaml_loader import load_yaml

    from fairbench.tasks.paths import TASK_DIR

    if isinstance(task.lm_eval, dict):
        return dict(task.lm_eval)
    config = load_yaml(TASK_DIR / f"{task.lm_eval_name}.yaml")  # its include resolved
    config.pop("tag", None)
    return config


def lm_eval_task(task: TaskSpec, chat: bool, payload: str | None = None) -> tuple[str | dict, str]:
    """(lm-eval task, its name) for this run: a generation task given to a model without a chat
    template reads each row's plain completion frame instead of its instruction; a cascade task
    gets the run's ``payload`` spec as a task argument (what plain lm-eval's ``--metadata``
    passes), so the detector's configuration travels with the task, not through the process."""
    if task.fmt == "cascade" and payload:
        config = task_config(task)
        config["dataset_kwargs"] = {**config.get("dataset_kwargs", {}), "payload": payload}
        return config, task.lm_eval_name
    if task.fmt != "gen" or chat:
        return task.lm_eval, task.lm_eval_name
    config = task_config(task)
    name = f"{task.lm_eval_name}_completion"
    config.update(task=name, dataset_kwargs={**config.get("dataset_kwargs", {}), "frame": "completion"})
    # the plain frame's answer is the rest of its line ("Answer:", "By caste, this family is"); a
    # base model goes on to write more question-answer lines, whose groups are not its answer
    config["generation_kwargs"] = {**config.get("generation_kwargs", {}), "until": ["\n"]}
    return config, name


def _gen_kwargs(settings: Settings) -> str | None:
    if settings.temperature <= 0:
        return None  # the task's own greedy decoding
    return f"do_sample=True,temperature={settings.temperature}"


def _records(task: TaskSpec, samples: list[dict]) -> list[dict]:
    """Per-item rows for the samples file, from lm-eval's logged samples."""
    key = get_format(task.fmt).metrics[0].name  # every metric of a format logs the same record
    rows = []
    for s in sorted(samples, key=lambda s: s["doc_id"]):
        doc = s["doc"]
        row = {"task": task.name, "id": doc["id"], "cluster": doc.get("cluster") or doc["id"],
               "group": doc.get("group") or "", "domain": doc.get("domain") or "", "record": s[key]}
        rows.append(row)
    return rows


def score_task(task: TaskSpec, rows: list[dict], settings: Settings) -> dict:
    """Metrics with CIs, overall and per group, for one task's per-item rows; the bootstrap
    resamples the rows' clusters (templates, base prompts), not single rows."""
    metrics = get_format(task.fmt).metrics
    by = breakdown_key(task)
    cols = get_format(task.fmt).columns([r["record"] for r in rows])
    clusters = [r.get("cluster") or r["id"] for r in rows]
    scored = evaluate(metrics, cols, [r[by] for r in rows], clusters=clusters,
                      iters=settings.bootstrap_iters, seed=settings.seed, level=settings.ci_level)
    out = {
        "worst_group": worst_group(metrics[0], scored, level=settings.ci_level),
        "lm_eval_task": task.lm_eval_name,
        "format": task.fmt,
        "data": {"path": str(task.data_path), "sha256": task.data_sha256, "n_rows": len(task.rows), "lang": task.lang},
        "n": len(rows),
        "n_clusters": len({r.get("cluster") or r["id"] for r in rows}),
        "headline": metrics[0].name,
        "metrics": scored["metrics"],
        "by": by,
        "groups": scored["groups"],
        "notes": task_notes(task, scored),
    }
    if task.fmt == "gen":  # what counts as naming a group is part of the measurement
        from fairbench.tasks.datafile import sha256_file
        from fairbench.tasks.paths import cue_groups_path, lexicon_path

        out["data"]["lexicon_sha256"] = sha256_file(lexicon_path())
        if cue_groups_path().is_file():
            out["data"]["cue_groups_sha256"] = sha256_file(cue_groups_path())
    also = [k for k in get_format(task.fmt).also_by if k != by and any(r.get(k) for r in rows)]
    if also:
        out["breakdowns"] = {k: evaluate(metrics, cols, [r[k] for r in rows], clusters=clusters,
                                         iters=settings.bootstrap_iters, seed=settings.seed,
                                         level=settings.ci_level)["groups"] for k in also}
    if task.fmt in ("qa", "qa_choice"):
        from fairbench.metrics.bbq import informative

        out["informative"] = informative(scored["metrics"]["acc_disambig"])
    if task.fmt == "pairs_choice":
        from fairbench.metrics.choice import informative

        out["informative"] = informative(scored["metrics"]["pct_first"])
    if task.fmt in ("pairs_choice", "qa_choice", "decisions_choice"):
        out["form"] = "generative"  # the answer parsed from text, not log-likelihoods
    if task.fmt in ("decisions", "decisions_choice"):
        from fairbench.metrics.decision import informative

        out["informative"] = informative(scored["metrics"]["qual_gap"], scored["metrics"]["gap"])
    return out


def task_notes(task: TaskSpec, scored: dict) -> list[str]:
    """What a reader needs to interpret this task's numbers."""
    notes = []
    m = scored["metrics"]
    if task.fmt == "pairs":
        n_cond = m["pct_stereotype_cond"]["n"]
        n_all = m["pct_stereotype"]["n"]
        if n_cond == 0:
            notes.append("no pair has two or more shared words after the words that differ, so only lm-eval's "
                         "whole-sentence rule (pct_stereotype) is reported; it mostly measures how common "
                         "each identity word is")
        elif n_cond < n_all:
            notes.append(f"pct_stereotype_cond uses the {n_cond} of {n_all} pairs that share two or more words "
                         "after the words that differ")
    if task.fmt == "decisions_choice":
        notes.append("generative form: each prompt's answer is parsed from the model's text; an item counts "
                     "where both of its answers are read (fairbench/metrics/choice.py)")
        if m["unparsed_rate"]["value"]:
            notes.append(f"unparsed_rate {m['unparsed_rate']['value']:.1f}%: answers with neither option are "
                         "left out, with their item")
    if task.fmt in ("pairs_choice", "qa_choice"):
        unparsed, first = m["unparsed_rate"], m["pct_first"]
        notes.append("generative form: the answer is parsed from the model's text (fairbench/metrics/choice.py)")
        if unparsed["value"]:
            notes.append(f"unparsed_rate {unparsed['value']:.1f}%: answers with no readable option are left out "
                         "of the bias scores")
        chance = 50.0 if task.fmt == "pairs_choice" else 100.0 / 3.0
        if first.get("ci") and (first["ci"][0] > chance or first["ci"][1] < chance):
            notes.append(f"position bias: pct_first {first['value']:.1f}% (no preference: {chance:.1f}%)"
                         + ("; each pair is asked in both orders, so pct_stereotype is balanced over positions"
                            if task.fmt == "pairs_choice" else "; each item is asked in all three rotations"))
        if task.fmt == "pairs_choice":
            from fairbench.metrics.choice import informative

            if informative(first) is False:
                notes.append("the model gives one letter to over 3/4 of the askings, so at most half of the pairs "
                             "can have been answered by content: pct_stereotype is uninformative")
    if task.fmt in ("qa", "qa_choice"):
        from fairbench.metrics.bbq import CHANCE_ACC, informative

        if informative(m["acc_disambig"]) is False:
            notes.append(f"acc_disambig's CI reaches chance ({CHANCE_ACC:.1f}%): the model does not read the "
                         "contexts, so its BBQ bias scores are uninformative")
    if task.fmt in ("decisions", "decisions_choice"):
        from fairbench.metrics.decision import informative

        qual, placebo = m["qual_gap"], m["placebo_gap"]
        if qual["value"] is None:
            notes.append("no qualification items (role qual): whether the model reads the scenarios is not checked")
        elif informative(qual, m["gap"]) is False:
            notes.append(f"qual_gap {qual['value']:.1f} pp: the applicant's qualification does not move the decisions "
                         "clearly more than the name does, so the model hardly reads the scenarios and its name gap "
                         "says little")
        if placebo.get("ci") and (placebo["ci"][0] > 0 or placebo["ci"][1] < 0):
            notes.append(f"placebo_gap {placebo['value']:.1f} pp excludes 0: two sets of invented surnames already "
                         "get different decisions, so part of any name gap is the names' form, not their group")
    for name, v in m.items():
        if v.get("undefined_share"):
            notes.append(f"{name}: undefined on {100 * v['undefined_share']:.1f}% of bootstrap resamples "
                         "(left out of its interval)")
    return notes


MIN_GROUP_N = 10


def worst_group(metric, scored: dict, *, level: float = 0.95) -> dict | None:
    """The group whose headline value is furthest on the bad side, among groups with at least
    MIN_GROUP_N items from at least two clusters (smaller groups are too noisy to single out).

    ``separable`` says whether it differs from the overall value after Holm's correction over
    every group compared (testing k groups at 5% each would single one out by chance); ``p_holm``
    is its adjusted p-value. When not separable, ``mde`` is the smallest difference from the
    overall value this group's size could detect (80% power, at the corrected level).
    """
    if not metric.ranked:
        return None
    # a group from a single template cannot be told apart from that template's wording
    rows = [(g, v["metrics"][metric.name]) for g, v in scored["groups"].items()
            if v["n"] >= MIN_GROUP_N and v["metrics"][metric.name]["value"] is not None
            and v["metrics"][metric.name].get("n_clusters", 2) >= 2]
    overall = scored["metrics"][metric.name]["value"]
    if not rows or overall is None:
        return None
    tests = [deviation_p(metric, v, overall) for _, v in rows]
    adjusted = holm([p for p, _ in tests])
    i = max(range(len(rows)), key=lambda j: metric.badness(rows[j][1]["value"]))
    (g, v), (_, se), p_adj = rows[i], tests[i], adjusted[i]
    alpha = 1.0 - level
    out = {"group": g, "value": v["value"], "ci": v["ci"], "n": v["n"], "separable": bool(p_adj < alpha),
           "p_holm": p_adj, "groups_compared": len(rows), "correction": "holm"}
    if not out["separable"] and se == se and se:  # se is NaN or 0 when it cannot be estimated
        out["mde"] = mde(se, alpha / len(rows))
    return out


def _check_generations(task: TaskSpec, rows: list[dict]) -> None:
    if task.fmt != "gen":
        return
    empty = sum(r["record"]["empty"] for r in rows)
    if rows and empty == len(rows):
        raise UserError(
            f"{task.name}: all {len(rows)} generations are empty; the model stops at once "
            "(check its chat template and stop strings)"
        )
    if empty:
        print(f"warning: {task.name}: {empty} of {len(rows)} generations are empty (reported as empty_rate)", file=sys.stderr)


def run(
    lm,
    model: ModelSpec,
    tasks: list[TaskSpec],
    *,
    settings: Settings,
    output: Path,
    mitigation: dict | None = None,
) -> tuple[Path, dict]:
    """Evaluate ``tasks`` on ``lm``; returns (results path, results dict)."""
    import lm_eval
    from lm_eval.tasks import TaskManager

    from fairbench.tasks.paths import TASK_DIR

    main = getattr(lm, "rank", 0) == 0
    # a path says where the model is, its last part what it is: name files by the latter
    label = model.name if model.kind in ("hf_dir", "gguf") else model.spec
    writer = RunWriter(output, label, model=model.to_dict(), mitigation=mitigation, main=main,
                       settings=settings.to_dict() | {"processes": getattr(lm, "world_size", 1)})
    manager = TaskManager(include_path=str(TASK_DIR), include_defaults=False)
    with writer.interruptible():
        for i, task in enumerate(tasks, 1):
            picked = None if settings.limit is None else stratified(task.rows, settings.limit, settings.seed)
            n = len(task.rows) if picked is None else len(picked)
            print(f"[{i}/{len(tasks)}] {task.name} ({task.fmt}, {task.lang}, {n} items)", file=sys.stderr, flush=True)
            t0 = time.time()
            chat = task.chat and has_chat_template(lm)
            lm_task, lm_name = lm_eval_task(task, chat, settings.extra.get("payload"))
            rows, out = [], None
            # K samples per prompt: K passes with seeds seed, seed+1, ...; the rows of one prompt
            # share its cluster, so the bootstrap never treats them as independent prompts
            for k in range(settings.samples if task.fmt == "gen" else 1):
                seed = settings.seed + k
                out = lm_eval.simple_evaluate(
                    model=lm,
                    tasks=[lm_task],
                    task_manager=manager,
                    samples=None if picked is None else {lm_name: picked},
                    log_samples=True,
                    bootstrap_iters=0,  # CIs come from fairbench's own bootstrap over the logged items
                    apply_chat_template=chat,
                    gen_kwargs=_gen_kwargs(settings) if task.fmt == "gen" else None,
                    random_seed=seed,
                    numpy_random_seed=seed,
                    torch_random_seed=seed,
                    fewshot_random_seed=seed,
                )
                if not main or out is None:
                    break
                part = _records(task, out["samples"][lm_name])
                if settings.samples > 1 and task.fmt == "gen":
                    for r in part:
                        r["sample"] = k
                rows += part
            if not main or out is None:  # other ranks of a multi-process run: rank 0 writes
                continue
            _check_generations(task, rows)
            scored = score_task(task, rows, settings)
            scored["wall_time_s"] = round(time.time() - t0, 2)
            if picked is not None:  # which items a --limit run used (stratified, seeded)
                scored["items"] = {"selection": "stratified by domain and group", "seed": settings.seed,
                                   "ids": [r["id"] for r in rows]}
            writer.add_task(task.name, scored, rows)
    res = writer.finish()
    return res.path, res.data
