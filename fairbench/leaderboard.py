"""``fairbench leaderboard``: results files -> leaderboard.md, leaderboard.csv, groups.csv, index.html.

A row is one model (by weights hash) with one mitigation and one set of settings. Several runs
of the same row on the same task data are merged, each task's cell coming from the newest run
that has it; runs whose task data differ become separate rows and are flagged, and a cell whose
data differs from its column's reference version (the one most rows ran) is not ranked.
"Best" in a column follows the metric's own direction (``Metric.badness``), so an ideal-valued
metric's best is the one closest to its ideal.

Output depends only on the files' contents, never on the order they are given in.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from fairbench.errors import UserError
from fairbench.metrics.base import badness, direction_text, format_value
from fairbench.results import Results

# settings that do not change what a run measures; runs differing only in these are merged
# (batching and CPU threads change only the order of fp32 sums: bench/batch_threads.py found the
# same results at every batch size and thread count it ran)
IGNORED_SETTINGS = ("device", "batch_size", "threads", "form")
# (``form`` also: the generative forms are tasks of their own names, caste_pairs_choice, so a
# run's form is in its columns already)


@dataclass
class Run:
    path: str
    res: dict

    @property
    def order(self) -> tuple:
        """Newest first: by creation time, then run id and path so ties are still stable."""
        return (str(self.res.get("created", "")), str(self.res.get("run_id", "")), self.path)


@dataclass
class Column:
    task: str
    metric: str
    fmt: str
    direction: str
    ideal: float | None
    unit: str
    reference_sha: str | None = None

    @property
    def generative(self) -> bool:
        """A generative (choice) form: answers parsed from text, not log-likelihoods."""
        return self.fmt.endswith("_choice")

    @property
    def label(self) -> str:
        return self.task + (" (generative)" if self.generative else "")

    def badness(self, value: float) -> float:
        from fairbench.formats import get_format

        try:
            return get_format(self.fmt).metric(self.metric).badness(value)
        except KeyError:  # a metric this fairbench does not define: use the file's own metadata
            return badness(self.direction, self.ideal, value)

    @property
    def direction_text(self) -> str:
        return direction_text(self.direction, self.ideal)


@dataclass
class Row:
    model: str
    model_sha: str
    mitigation: str | None
    mitigation_key: str
    settings: dict
    runs: list[Run] = field(default_factory=list)
    cells: dict[str, tuple[dict, Run]] = field(default_factory=dict)  # task -> (task results, run)
    flags: list[str] = field(default_factory=list)
    best: set[str] = field(default_factory=set)        # tasks where this row is best
    off_reference: set[str] = field(default_factory=set)  # tasks on non-reference data

    def uninformative(self, task: str) -> bool:
        """A cell whose model fails its format's reading check (a QA model at chance on
        disambiguated questions, a decisions model that ignores the qualification): its headline
        says nothing."""
        return task in self.cells and self.cells[task][0].get("informative") is False

    @property
    def identity(self) -> tuple:
        return (self.model_sha, self.mitigation_key, json.dumps(self.settings, sort_keys=True))

    def data_sha(self, task: str) -> str | None:
        return (self.cells[task][0].get("data") or {}).get("sha256")

    @property
    def data_id(self) -> str:
        """A short id of the task data this row ran on (differs between data versions)."""
        blob = json.dumps(sorted((t, self.data_sha(t)) for t in self.cells))
        return hashlib.sha256(blob.encode()).hexdigest()[:8]

    @property
    def settings_text(self) -> str:
        keys = ("lang", "limit", "seed", "dtype")
        shown = {**self.settings, "limit": self.settings.get("limit") or "all"}
        return " ".join(f"{k}={shown.get(k)}" for k in keys if k in self.settings)

    @property
    def sort_key(self) -> tuple:
        return (self.model.lower(), self.model, self.model_sha, self.mitigation is not None,
                (self.mitigation or "").lower(), self.mitigation_key, json.dumps(self.settings, sort_keys=True),
                self.data_id)

    def value(self, col: Column) -> dict | None:
        if col.task not in self.cells:
            return None
        m = self.cells[col.task][0].get("metrics", {}).get(col.metric)
        return m if isinstance(m, dict) else None


def _collect(paths: list[str]) -> list[Run]:
    files: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            files += sorted(x for x in p.glob("*.json"))
        else:
            files.append(p)
    if not files:
        raise UserError("no results files given (pass results/*.json or a folder)")
    runs = []
    for f in dict.fromkeys(files):
        res = Results.load(f).data  # checked: mappings, model sha256, a headline per task
        # a task in another language is another column (caste_pairs (hi)), not another data
        # version of the English one
        res["tasks"] = {_column_key(name, task, res): task for name, task in res["tasks"].items()}
        runs.append(Run(str(f), res))
    return runs


def _column_key(name: str, task: dict, res: dict) -> str:
    lang = (task.get("data") or {}).get("lang") or res["settings"].get("lang") or "en"
    return name if lang == "en" else f"{name} ({lang})"


def _row_for(run: Run) -> Row:
    res = run.res
    mit = res.get("mitigation")  # null or a mapping (checked by the reader)
    model = res["model"]
    settings = {k: v for k, v in res["settings"].items() if k not in IGNORED_SETTINGS}
    return Row(model=str(model.get("name") or model.get("spec") or "?"), model_sha=str(model["sha256"]),
               mitigation=None if mit is None else str(mit.get("name")),
               mitigation_key=json.dumps(mit, sort_keys=True, default=str), settings=settings)


def merge(runs: list[Run]) -> list[Row]:
    """Group runs into rows: same model, mitigation and settings on the same task data."""
    rows: list[Row] = []
    for run in sorted(runs, key=lambda r: r.order, reverse=True):
        new = _row_for(run)
        home = None
        for row in rows:
            if row.identity != new.identity:
                continue
            shared = set(row.cells) & set(run.res["tasks"])
            if all(row.data_sha(t) == (run.res["tasks"][t].get("data") or {}).get("sha256") for t in shared):
                home = row
                break
        if home is None:
            home = new
            rows.append(home)
        home.runs.append(run)
        for t, task in run.res["tasks"].items():
            home.cells.setdefault(t, (task, run))  # newest first, so the first one stays
    versions = Counter(r.identity for r in rows)
    for row in rows:
        if versions[row.identity] > 1:
            row.flags.append(f"same model/mitigation/settings also ran on other data (this: data {row.data_id})")
        if any(run.res.get("status") != "complete" for _, run in row.cells.values()):
            row.flags.append("from an incomplete run")
    # one model, one name: runs of the same weights loaded by alias and by path can carry
    # different names, so each row takes the name most of that model's runs carry
    names: dict[str, Counter] = {}
    for run in runs:
        m = run.res["model"]
        names.setdefault(str(m["sha256"]), Counter())[str(m.get("name") or m.get("spec") or "?")] += 1
    for row in rows:
        row.model = min(names[row.model_sha].items(), key=lambda kv: (-kv[1], kv[0]))[0]
    return sorted(rows, key=lambda r: r.sort_key)


def columns(rows: list[Row]) -> list[Column]:
    """One column per task (its headline metric), with the reference data version per task."""
    from fairbench.formats import get_format

    newest: dict[str, tuple[tuple, dict]] = {}
    shas: dict[str, Counter] = {}
    for row in rows:
        for t, (task, run) in row.cells.items():
            if t not in newest or run.order > newest[t][0]:
                newest[t] = (run.order, task)
            shas.setdefault(t, Counter())[str((task.get("data") or {}).get("sha256"))] += 1
    cols = []
    for t in sorted(newest):
        task = newest[t][1]
        name, fmt = task["headline"], str(task.get("format"))
        meta = task["metrics"][name]
        try:
            m = get_format(fmt).metric(name)
            direction, ideal, unit = m.direction, m.ideal, m.unit
        except KeyError:
            direction, ideal, unit = meta.get("direction", "lower"), meta.get("ideal"), meta.get("unit", "")
        newest_sha = str((task.get("data") or {}).get("sha256"))
        # the version most rows ran; on a tie, the newest run's
        ref = max(shas[t].items(), key=lambda kv: (kv[1], kv[0] == newest_sha, kv[0]))[0]
        cols.append(Column(t, name, fmt, direction, ideal, unit, ref))
    return cols


def rank(rows: list[Row], cols: list[Column]) -> None:
    """Mark, per column, the best rows among those on the column's reference data."""
    for col in cols:
        scored = []
        for row in rows:
            v = row.value(col)
            if col.task in row.cells and str(row.data_sha(col.task)) != col.reference_sha:
                row.off_reference.add(col.task)
                continue
            if v is not None and v.get("value") is not None and not row.uninformative(col.task):
                scored.append((col.badness(float(v["value"])), row))
        if scored:
            best = min(b for b, _ in scored)
            for b, row in scored:
                if abs(b - best) <= 1e-9 * max(1.0, abs(best)):
                    row.best.add(col.task)


def build(paths: list[str]) -> tuple[list[Row], list[Column]]:
    rows = merge(_collect(paths))
    cols = columns(rows)
    rank(rows, cols)
    return rows, cols


# ---------------------------------------------------------------------------------------------
# text outputs


def md_text(text) -> str:
    # a results file is untrusted: no table breaks, no raw HTML in renderers that allow it
    return (str(text).replace("\\", "\\\\").replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;")
            .replace("\n", " ").replace("\r", " "))


def csv_text(text) -> str:
    # spreadsheet formula injection: a cell starting with these runs as a formula in Excel et al.
    s = str(text)
    return "'" + s if s[:1] in ("=", "+", "-", "@", "\t", "\r") else s


def groups_of(rows: list[Row], col: Column) -> list[str]:
    return sorted({g for row in rows if col.task in row.cells for g in (row.cells[col.task][0].get("groups") or {})})


def group_value(row: Row, col: Column, group: str) -> tuple[dict | None, int | None]:
    g = (row.cells[col.task][0].get("groups") or {}).get(group)
    if not isinstance(g, dict):
        return None, None
    m = (g.get("metrics") or {}).get(col.metric)
    return (m if isinstance(m, dict) else None), g.get("n")


def to_markdown(rows: list[Row], cols: list[Column]) -> str:
    head = ["model", "mitigation", "settings", "data", "runs merged"]
    head += [f"{c.label}: {c.metric} ({c.direction_text}, {c.unit})" for c in cols]
    out = ["# fairbench leaderboard", "",
           "Headline metric per task, value [95% CI]. **Bold**: best in its column by the metric's own "
           "direction (for an ideal value, the closest to it). †: ran on task data other than the column's "
           "reference version, so not ranked. ‡: uninformative, not ranked: a QA model at chance on "
           "disambiguated questions, or a decisions model whose decisions the applicant's qualification does "
           "not move more than the name, or a forced-choice model that gives one letter to over 3/4 of the askings. (generative): the task's generative form, the answer parsed from the "
           "model's text (chat and API models).", "",
           "| " + " | ".join(md_text(h) for h in head) + " |", "|" + "---|" * len(head)]
    for row in rows:
        cells = [md_text(row.model), md_text(row.mitigation or "none"), md_text(row.settings_text), row.data_id, str(len(row.runs))]
        for c in cols:
            s = md_text(format_value(row.value(c))) if c.task in row.cells else "-"
            if c.task in row.best:
                s = f"**{s}**"
            if c.task in row.off_reference:
                s += " †"
            if row.uninformative(c.task):
                s += " ‡"
            cells.append(s)
        out.append("| " + " | ".join(cells) + " |")
    flagged = [(row, f) for row in rows for f in row.flags]
    if flagged:
        out += ["", "Flags:", ""] + [f"- {md_text(row.model)} ({md_text(row.mitigation or 'none')}): {md_text(f)}" for row, f in flagged]
    for c in cols:
        groups = groups_of(rows, c)
        if not groups:
            continue
        out += ["", f"## {md_text(c.task)}: {md_text(c.metric)} by group ({c.direction_text})", "",
                "| model | mitigation | " + " | ".join(md_text(g) for g in groups) + " |", "|" + "---|" * (len(groups) + 2)]
        for row in rows:
            if c.task not in row.cells:
                continue
            vals = []
            for g in groups:
                v, n = group_value(row, c, g)
                vals.append("-" if n is None else f"{md_text(format_value(v))} (n={n})")
            out.append(f"| {md_text(row.model)} | {md_text(row.mitigation or 'none')} | " + " | ".join(vals) + " |")
    return "\n".join(out) + "\n"


def to_csv(rows: list[Row], cols: list[Column]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    head = ["model", "model_sha256", "mitigation", "settings", "data", "runs_merged", "flags"]
    for c in cols:
        k = f"{c.task}:{c.metric}"
        head += [k, f"{k}:ci_low", f"{k}:ci_high", f"{k}:n", f"{k}:best", f"{k}:reference_data", f"{k}:informative"]
    w.writerow(head)
    for row in rows:
        line = [csv_text(row.model), row.model_sha, csv_text(row.mitigation or "none"), row.settings_text,
                row.data_id, len(row.runs), csv_text("; ".join(row.flags))]
        for c in cols:
            v = row.value(c)
            ci = (v or {}).get("ci") or [None, None]
            present = c.task in row.cells
            line += [(v or {}).get("value"), ci[0], ci[1], (v or {}).get("n"),
                     int(c.task in row.best) if present else None,
                     int(c.task not in row.off_reference) if present else None,
                     int(not row.uninformative(c.task)) if present else None]
        w.writerow(["" if x is None else x for x in line])
    return buf.getvalue()


def groups_csv(rows: list[Row], cols: list[Column]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["model", "mitigation", "data", "task", "metric", "group", "n", "value", "ci_low", "ci_high"])
    for c in cols:
        for row in rows:
            if c.task not in row.cells:
                continue
            for g in groups_of(rows, c):
                v, n = group_value(row, c, g)
                if n is None:
                    continue
                ci = (v or {}).get("ci") or [None, None]
                w.writerow(["" if x is None else x for x in (csv_text(row.model), csv_text(row.mitigation or "none"),
                            row.data_id, c.task, c.metric, csv_text(g), n, (v or {}).get("value"), ci[0], ci[1])])
    return buf.getvalue()
