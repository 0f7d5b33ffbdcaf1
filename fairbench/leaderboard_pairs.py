"""Paired comparisons between leaderboard rows: for each column, every two rows that ran the
same task data are compared on the items both ran, with the gate's machinery (items aligned by
id, clusters resampled together), so a difference between two models is tested as a paired
change, not read off two overlapping intervals.

One family of tests for the whole board: Holm-adjusted two-sided p-values on "which row is
closer to the metric's ideal (or lower, or higher)", and next to every "no difference" the
smallest difference that comparison would have detected (80% power at the Holm-adjusted level).
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations

import numpy as np

from fairbench.errors import UserError
from fairbench.leaderboard import Column, Row, csv_text, md_text
from fairbench.metrics.base import format_interval, format_number

ALPHA = 0.05  # the board's family-wise error rate (two-sided)
ITERS = 2000


@dataclass
class Comparison:
    col: Column
    a: Row
    b: Row
    n: int                       # shared items
    n_clusters: int
    value_a: float               # the metric on the shared items
    value_b: float
    delta: float                 # b - a, in the metric's unit
    delta_ci: tuple[float, float] | None
    worse: float                 # how much worse b is than a (badness b - badness a)
    worse_ci: tuple[float, float] | None
    p: float | None              # two-sided, unadjusted
    sd: float | None = None      # bootstrap SD of ``worse``
    mde: float | None = None     # of ``worse`` at the Holm-adjusted level
    p_holm: float | None = None

    @property
    def better(self) -> Row | None:
        """The row that is significantly better (after Holm), else None."""
        if self.p_holm is None or self.p_holm >= ALPHA:
            return None
        return self.b if self.worse < 0 else self.a

    @property
    def verdict(self) -> str:
        if self.p_holm is None:
            return "untested (fewer than 2 clusters, or the metric is undefined on the shared items)"
        if self.better is not None:
            return f"{row_name(self.better)} better"
        unit = {"%": " points", "": ""}.get(self.col.unit, f" {self.col.unit}")  # a difference of percentages
        return "no difference detected" + ("" if self.mde is None else f" (detectable: {self.mde:.2g}{unit})")


def row_name(row: Row) -> str:
    return f"{row.model} + {row.mitigation or 'none'} ({row.settings_text})"


def _samples(run, cache: dict) -> list[dict] | None:
    from fairbench.results import load_samples

    if run.path not in cache:
        try:
            cache[run.path] = load_samples(run.path, run.res)
        except UserError:
            cache[run.path] = None  # a results file without its samples: its cells are not paired
    return cache[run.path]


def _two_sided(draws: np.ndarray) -> float | None:
    from fairbench.metrics.bootstrap import one_sided_p

    up, down = one_sided_p(draws), one_sided_p(-draws)
    return None if up is None else min(1.0, 2.0 * min(up, down))


def _compare(col: Column, a: Row, b: Row, cache: dict, seed: int) -> Comparison | str:
    """One comparison, or the reason it cannot be made."""
    from fairbench.formats import get_format
    from fairbench.gate import pair_task
    from fairbench.metrics.bootstrap import paired_bootstrap_draws, percentiles

    ra, rb = a.cells[col.task][1], b.cells[col.task][1]
    rows_a, rows_b = _samples(ra, cache), _samples(rb, cache)
    if rows_a is None or rows_b is None:
        return "a samples file is missing"
    task = col.task.split(" (")[0]  # a column of another language is "NAME (hi)"; its samples say NAME
    try:
        metric = get_format(col.fmt).metric(col.metric)
        pt = pair_task(task, col.fmt, rows_a, rows_b, (row_name(a), row_name(b)))
    except (KeyError, UserError) as e:
        return str(e.args[0]) if e.args else type(e).__name__
    with np.errstate(divide="ignore", invalid="ignore"):
        for row, cols in ((a, pt.base_all), (b, pt.cand_all)):
            reported, again = (row.value(col) or {}).get("value"), float(metric.fn(cols))
            if reported is None or abs(reported - again) > 1e-6 * max(1.0, abs(again)):
                return f"the samples of {row_name(row)} give {again:.6g}, not the reported {reported}"
        va, vb = float(metric.fn(pt.base)), float(metric.fn(pt.cand))
        delta, draws = paired_bootstrap_draws(metric, pt.base, pt.cand, clusters=pt.clusters, iters=ITERS, seed=seed)
        worse, wdraws = paired_bootstrap_draws(metric.as_badness(), pt.base, pt.cand, clusters=pt.clusters,
                                               iters=ITERS, seed=seed)
    finite = None if wdraws is None else wdraws[np.isfinite(wdraws)]
    ok = finite is not None and finite.size > 1 and np.isfinite(worse)
    return Comparison(col, a, b, len(pt.ids), len(set(pt.clusters)), va, vb, float(delta),
                      None if draws is None else percentiles(draws, 0.95), float(worse),
                      None if wdraws is None else percentiles(wdraws, 0.95), _two_sided(finite) if ok else None,
                      sd=float(np.std(finite, ddof=1)) if ok else None)


def _representatives(rows: list[Row], col: Column) -> list[Row]:
    """One row per model and mitigation for a column: rows that differ only in settings such as
    --limit are the same configuration measured on more or fewer items (greedy decoding gives the
    same answers on the shared ones), so comparing them tests nothing; the one with the most items
    stands for it."""
    best: dict[tuple, Row] = {}
    for r in rows:
        if col.task not in r.cells or r.uninformative(col.task):
            continue
        key = (r.model_sha, r.mitigation_key)
        if key not in best or _n(r, col) > _n(best[key], col):
            best[key] = r
    chosen = {id(r) for r in best.values()}
    return [r for r in rows if id(r) in chosen]


def _n(row: Row, col: Column) -> int:
    return int(row.cells[col.task][0].get("n") or 0)


def compare_rows(rows: list[Row], cols: list[Column], *, seed: int = 1234) -> tuple[list[Comparison], list[str]]:
    """All paired comparisons on the board, Holm-adjusted as one family, and notes on the pairs
    that could not be compared."""
    from fairbench.metrics.intervals import holm, mde

    cache: dict = {}
    out: list[Comparison] = []
    notes: list[str] = []
    for col in cols:
        for a, b in combinations(_representatives(rows, col), 2):
            if a.data_sha(col.task) != b.data_sha(col.task):
                continue  # other data: not the same items, nothing to pair
            got = _compare(col, a, b, cache, seed)
            if isinstance(got, str):
                notes.append(f"{col.label}: {row_name(a)} vs {row_name(b)} not compared: {got}")
            else:
                out.append(got)
    tested = [c for c in out if c.p is not None]
    alpha = ALPHA / max(1, len(tested))  # Holm's first step: what every comparison is sure to detect
    for c, adjusted in zip(tested, holm([c.p for c in tested])):
        c.p_holm = adjusted
        c.mde = mde(c.sd, alpha)
    return out, notes


INTRO = ("Every two rows that ran a column's task on the same data, compared on the items both ran "
         "(paired, the clusters resampled together, {iters} draws). a and b: the headline on the shared "
         "items; b - a with its 95% CI. Verdict: the row closer to the ideal (or lower / higher, by the "
         "metric's direction), two-sided, Holm-adjusted over all {k} comparisons on the board at "
         "{alpha:g}; a \"no difference\" gives the difference that comparison detects with 80% power. "
         "Cells marked ‡ are left out.")


def to_markdown(comps: list[Comparison], notes: list[str]) -> str:
    out = ["## Paired comparisons", "", INTRO.format(iters=ITERS, k=sum(c.p is not None for c in comps), alpha=ALPHA), ""]
    if not comps:
        out.append("No two rows share items on any column.")
    else:
        out += ["| column | a | b | items (clusters) | a | b | b - a [95% CI] | Holm p | verdict |",
                "|---|---|---|---|---|---|---|---|---|"]

        def num(x, signed=False):  # a non-finite value (an empty share on the shared items) is n/a
            return format_number(x, signed=signed, na_for="nonfinite")

        for c in comps:
            p = "n/a" if c.p_holm is None else f"{c.p_holm:.3g}"
            out.append(f"| {md_text(c.col.label)}: {md_text(c.col.metric)} | {md_text(row_name(c.a))} | {md_text(row_name(c.b))} | "
                       f"{c.n} ({c.n_clusters}) | {num(c.value_a)} | {num(c.value_b)} | "
                       f"{num(c.delta, signed=True)}{format_interval(c.delta_ci, signed=True, missing=' [n/a]')} | "
                       f"{p} | {md_text(c.verdict)} |")
    if notes:
        out += ["", "Not compared:", ""] + [f"- {md_text(n)}" for n in notes]
    return "\n".join(out) + "\n"


def to_csv(comps: list[Comparison]) -> str:
    import csv
    import io

    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["task", "metric", "row_a", "row_b", "model_a_sha256", "model_b_sha256", "n_items", "n_clusters",
                "value_a", "value_b", "delta", "delta_ci_low", "delta_ci_high", "b_worse_by", "worse_ci_low",
                "worse_ci_high", "p", "p_holm", "mde", "better"])
    for c in comps:
        lo, hi = c.delta_ci or (None, None)
        wlo, whi = c.worse_ci or (None, None)
        better = "" if c.better is None else ("a" if c.better is c.a else "b")
        w.writerow([c.col.task, c.col.metric, csv_text(row_name(c.a)), csv_text(row_name(c.b)), c.a.model_sha, c.b.model_sha,
                    c.n, c.n_clusters, c.value_a, c.value_b, c.delta, lo, hi, c.worse, wlo, whi, c.p, c.p_holm,
                    c.mde, better])
    return buf.getvalue()

