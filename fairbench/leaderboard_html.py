"""The leaderboard as one self-contained HTML page: inline CSS, a small sort script, inline SVG
plots. Works offline; every string from a results file is escaped, and a Content-Security-Policy
allows only the page's own script (by hash), so even a missed escape could not run code.
"""

from __future__ import annotations

import base64
import hashlib
import math
from html import escape

from fairbench.leaderboard import Column, Row, group_value, groups_of
from fairbench.leaderboard_pairs import ALPHA, INTRO, ITERS, Comparison, row_name
from fairbench.metrics.base import format_interval, format_number, format_value

PALETTE = ("#4269d0", "#efb118", "#ff725c", "#6cc5b0", "#3ca951", "#ff8ab7", "#a463f2", "#97bbf5", "#9c6b4e", "#9498a0")

CSS = """
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:2em auto;max-width:1200px;padding:0 1em;color:#222}
h1{font-size:1.5em}h2{font-size:1.15em;margin-top:2em}
table{border-collapse:collapse;margin:.5em 0 1em;font-variant-numeric:tabular-nums}
th,td{border-bottom:1px solid #ddd;padding:.3em .6em;text-align:left;vertical-align:top}
th.sortable{cursor:pointer;user-select:none;background:#f4f4f6}
th.sortable:hover{background:#e8e8ee}
th .dir{display:block;font-weight:normal;font-size:.8em;color:#666}
th[aria-sort=ascending]::after{content:" \\25B2"}th[aria-sort=descending]::after{content:" \\25BC"}
td.best{font-weight:700;background:#e6f4ea}
td.off{color:#888}
.flag{color:#b35c00;font-size:.85em}
.note{color:#555;font-size:.9em}
details{margin:.6em 0}summary{cursor:pointer;font-weight:600}
svg text{font:11px system-ui,sans-serif;fill:#333}
"""

# Sorts the table whose header was clicked; metric cells carry their badness in data-v, so
# ascending puts the best first. Blank keys (no value) always go last; ties keep page order.
JS = """
document.querySelectorAll("table.sortable").forEach(function (table) {
  var heads = table.querySelectorAll("th.sortable");
  heads.forEach(function (th, col) {
    th.addEventListener("click", function () {
      var asc = th.getAttribute("aria-sort") !== "ascending";
      heads.forEach(function (h) { h.removeAttribute("aria-sort"); });
      th.setAttribute("aria-sort", asc ? "ascending" : "descending");
      var body = table.tBodies[0];
      var rows = Array.prototype.slice.call(body.rows);
      var key = function (tr) {
        var v = tr.cells[col].getAttribute("data-v");
        if (v === null || v === "") return null;
        var num = Number(v);
        return isNaN(num) ? v : num;
      };
      rows.sort(function (a, b) {
        var x = key(a), y = key(b);
        if (x === null || y === null) {
          if (x === y) return a.dataset.i - b.dataset.i;
          return x === null ? 1 : -1;
        }
        var c = x < y ? -1 : x > y ? 1 : 0;
        return (asc ? c : -c) || a.dataset.i - b.dataset.i;
      });
      rows.forEach(function (tr) { body.appendChild(tr); });
    });
  });
});
"""


def _e(text) -> str:
    return escape(str(text), quote=True)


def _main_table(rows: list[Row], cols: list[Column]) -> str:
    heads = ["model", "mitigation", "settings", "data", "runs merged"]
    th = "".join(f'<th class="sortable" scope="col">{h}</th>' for h in heads)
    th += "".join(
        f'<th class="sortable" scope="col">{_e(c.label)}<br>{_e(c.metric)}'
        f'<span class="dir">{_e(c.direction_text)}{", " + _e(c.unit) if c.unit else ""}; click: best first</span></th>'
        for c in cols)
    body = []
    for i, row in enumerate(rows):
        texts = [row.model, row.mitigation or "none", row.settings_text, row.data_id]
        tds = (f'<td data-v="{_e(row.model.lower())}">{_e(row.model)}'
               + "".join(f'<br><span class="flag">{_e(f)}</span>' for f in row.flags) + "</td>")
        tds += "".join(f'<td data-v="{_e(t.lower())}">{_e(t)}</td>' for t in texts[1:])
        tds += f'<td data-v="{len(row.runs)}">{len(row.runs)}</td>'
        for c in cols:
            v = row.value(c)
            if c.task not in row.cells:
                tds += '<td data-v="">-</td>'
                continue
            has = v is not None and v.get("value") is not None
            key = f"{c.badness(float(v['value'])):.12g}" if has and c.task not in row.off_reference else ""
            cls = "best" if c.task in row.best else ("off" if c.task in row.off_reference else "")
            mark = ' <span title="ran on other data than this column\'s reference version">&dagger;</span>' \
                if c.task in row.off_reference else ""
            if row.uninformative(c.task):
                mark += (' <span title="fails the format\'s reading check (QA at chance on disambiguated '
                         'questions; decisions not moved by the qualification; a forced choice answered by position): '
                         'uninformative">&Dagger;</span>')
            n = f' title="n={_e(v.get("n"))}"' if v is not None and v.get("n") is not None else ""
            tds += f'<td class="{cls}" data-v="{key}"{n}>{_e(format_value(v))}{mark}</td>'
        body.append(f'<tr data-i="{i}">{tds}</tr>')
    return (f'<table class="sortable" id="leaderboard"><thead><tr>{th}</tr></thead>'
            f'<tbody>{"".join(body)}</tbody></table>')


def _label(row: Row) -> str:
    return row.model + (f" + {row.mitigation}" if row.mitigation else "") + (f" [{row.data_id}]" if row.flags else "")


def _step(span: float) -> float:
    """A round tick step (1, 2, 2.5 or 5 x 10^k) giving at most about five ticks."""
    raw = span / 4
    mag = 10 ** math.floor(math.log10(raw))
    return next(m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw)


def _axis(nums: list[float], unit: str) -> tuple[float, float, float]:
    """Axis limits on round ticks covering ``nums`` (a % axis always shows 0 to 100)."""
    lo, hi = min(nums), max(nums)
    if unit == "%":
        lo, hi = min(lo, 0.0), max(hi, 100.0)
    if hi <= lo:
        hi = lo + 1.0
    step = _step(hi - lo)
    return math.floor(lo / step) * step, math.ceil(hi / step) * step, step


def _ticks(x, lo: float, hi: float, step: float, y: float, left: float, width: float) -> list[str]:
    out = [f'<line x1="{left}" y1="{y}" x2="{left + width}" y2="{y}" stroke="#999"/>']
    for t in range(round((hi - lo) / step) + 1):
        val = lo + step * t
        out.append(f'<text x="{x(val):.1f}" y="{y + 14}" text-anchor="middle">{val:g}</text>')
    return out


def _forest(rows: list[Row], col: Column) -> str:
    """A forest plot of one column's headline: one line per row, the value as a dot and its 95%
    CI as a whisker, the ideal as a dashed line; cells marked ‡ are grey."""
    present = [r for r in rows if col.task in r.cells and (r.value(col) or {}).get("value") is not None]
    if not present:
        return ""
    nums: list[float] = [0.0] + ([float(col.ideal)] if col.ideal is not None else [])
    for r in present:
        v = r.value(col)
        nums += [float(v["value"])] + [float(c) for c in (v.get("ci") or [])]
    lo, hi, step = _axis(nums, col.unit)
    left, width, line = 330, 420, 18
    height = len(present) * line + 36
    x = lambda val: left + (val - lo) / (hi - lo) * width  # noqa: E731
    out = [f'<svg width="{left + width + 30}" height="{height}" role="img" '
           f'aria-label="{_e(col.task)} {_e(col.metric)} across rows">']
    for i, r in enumerate(present):
        v, y = r.value(col), 14 + line * i
        grey = r.uninformative(col.task) or col.task in r.off_reference
        colour = "#aaa" if grey else "#222"
        name = f"{r.model} + {r.mitigation or 'none'} ({r.settings_text})"
        out.append(f'<text x="{left - 8}" y="{y + 4}" text-anchor="end">{_e(name)}</text>')
        if v.get("ci"):
            a, b = (x(float(c)) for c in v["ci"])
            out.append(f'<path d="M{a:.1f} {y}H{b:.1f}M{a:.1f} {y - 4}V{y + 4}M{b:.1f} {y - 4}V{y + 4}" '
                       f'stroke="{colour}" stroke-width="1.2" fill="none"/>')
        tip = f"{name}: {format_value(v)}" + (" (uninformative or other data)" if grey else "")
        out.append(f'<circle cx="{x(float(v["value"])):.1f}" cy="{y}" r="4" fill="{colour}"><title>{_e(tip)}</title></circle>')
    axis_y = len(present) * line + 4
    out += _ticks(x, lo, hi, step, axis_y, left, width)
    if col.ideal is not None:
        out.append(f'<line x1="{x(float(col.ideal)):.1f}" y1="0" x2="{x(float(col.ideal)):.1f}" y2="{axis_y}" '
                   f'stroke="#c00" stroke-dasharray="4 3"><title>ideal {col.ideal:g}</title></line>')
    out.append("</svg>")
    return (f'<details open><summary>{_e(col.label)}: {_e(col.metric)} ({_e(col.direction_text)}'
            f'{", " + _e(col.unit) if col.unit else ""})</summary>{"".join(out)}</details>')


def _comparisons(comps: list[Comparison], notes: list[str]) -> str:
    if not comps and not notes:
        return ""
    k = sum(c.p is not None for c in comps)
    heads = ["column", "a", "b", "items (clusters)", "a", "b", "b - a [95% CI]", "Holm p", "verdict"]
    th = "".join(f'<th class="sortable" scope="col">{h}</th>' for h in heads)
    body = []
    for i, c in enumerate(comps):
        cells = [(f"{c.col.label}: {c.col.metric}", c.col.label.lower()), (row_name(c.a), row_name(c.a).lower()),
                 (row_name(c.b), row_name(c.b).lower()), (f"{c.n} ({c.n_clusters})", c.n),
                 (format_number(c.value_a), c.value_a), (format_number(c.value_b), c.value_b),
                 (format_number(c.delta, signed=True) + format_interval(c.delta_ci, signed=True), c.delta),
                 ("n/a" if c.p_holm is None else f"{c.p_holm:.3g}", "" if c.p_holm is None else c.p_holm),
                 (c.verdict, c.verdict.lower())]
        cls = ' class="best"' if c.better is not None else ""
        tds = "".join(f'<td data-v="{_e(key)}"{cls if j == 8 else ""}>{_e(text)}</td>' for j, (text, key) in enumerate(cells))
        body.append(f'<tr data-i="{i}">{tds}</tr>')
    extra = "".join(f"<li>{_e(n)}</li>" for n in notes)
    return ("<h2>Paired comparisons</h2>"
            f'<p class="note">{_e(INTRO.format(iters=ITERS, k=k, alpha=ALPHA))}</p>'
            f'<table class="sortable" id="comparisons"><thead><tr>{th}</tr></thead><tbody>{"".join(body)}</tbody></table>'
            + (f'<details><summary>Not compared ({len(notes)})</summary><ul class="note">{extra}</ul></details>' if notes else ""))


def _plot(rows: list[Row], col: Column, groups: list[str]) -> str:
    """Horizontal bars per group, one per row, with CI whiskers and the ideal as a dashed line."""
    present = [r for r in rows if col.task in r.cells]
    nums: list[float] = [0.0] + ([float(col.ideal)] if col.ideal is not None else [])
    for r in present:
        for g in groups:
            v, _ = group_value(r, col, g)
            if v and v.get("value") is not None:
                nums.append(float(v["value"]))
                nums += [float(x) for x in (v.get("ci") or [])]
    lo, hi, step = _axis(nums, col.unit)
    left, width, bar, gap = 170, 520, 12, 10
    legend_h = 18 * len(present) + 10
    height = legend_h + len(groups) * (len(present) * bar + gap) + 30
    x = lambda val: left + (val - lo) / (hi - lo) * width  # noqa: E731
    out = [f'<svg width="{left + width + 30}" height="{height}" role="img" '
           f'aria-label="{_e(col.task)} {_e(col.metric)} by group">']
    for i, r in enumerate(present):
        y = 14 + 18 * i
        out.append(f'<rect x="{left}" y="{y - 10}" width="12" height="12" fill="{PALETTE[i % len(PALETTE)]}"/>'
                   f'<text x="{left + 18}" y="{y}">{_e(_label(r))}</text>')
    y = legend_h
    for g in groups:
        out.append(f'<text x="{left - 6}" y="{y + len(present) * bar / 2 + 4}" text-anchor="end">{_e(g)}</text>')
        for i, r in enumerate(present):
            v, n = group_value(r, col, g)
            if v and v.get("value") is not None:
                val = float(v["value"])
                x0, x1 = sorted((x(max(lo, 0.0) if lo < 0 < hi else lo), x(val)))
                tip = f"{_label(r)} / {g}: {format_value(v)} (n={n})"
                out.append(f'<rect x="{x0:.1f}" y="{y + 1}" width="{max(x1 - x0, 1):.1f}" height="{bar - 2}" '
                           f'fill="{PALETTE[i % len(PALETTE)]}"><title>{_e(tip)}</title></rect>')
                if v.get("ci"):
                    a, b = (x(float(c)) for c in v["ci"])
                    mid = y + bar / 2
                    out.append(f'<path d="M{a:.1f} {mid}H{b:.1f}M{a:.1f} {mid - 4}V{mid + 4}M{b:.1f} {mid - 4}V{mid + 4}" '
                               f'stroke="#222" stroke-width="1" fill="none"/>')
            y += bar
        y += gap
    axis_y = y + 2
    out += _ticks(x, lo, hi, step, axis_y, left, width)
    if col.ideal is not None:
        out.append(f'<line x1="{x(float(col.ideal)):.1f}" y1="{legend_h - 4}" x2="{x(float(col.ideal)):.1f}" '
                   f'y2="{axis_y}" stroke="#c00" stroke-dasharray="4 3"><title>ideal {col.ideal:g}</title></line>')
    out.append("</svg>")
    return "".join(out)


def _drilldown(rows: list[Row], col: Column) -> str:
    groups = groups_of(rows, col)
    if not groups:
        return ""
    th = ('<th class="sortable" scope="col">model</th><th class="sortable" scope="col">mitigation</th>'
          + "".join(f'<th class="sortable" scope="col">{_e(g)}</th>' for g in groups))
    body = []
    for i, row in enumerate(r for r in rows if col.task in r.cells):
        tds = f'<td data-v="{_e(row.model.lower())}">{_e(row.model)}</td>'
        tds += f'<td data-v="{_e((row.mitigation or "none").lower())}">{_e(row.mitigation or "none")}</td>'
        for g in groups:
            v, n = group_value(row, col, g)
            has = v is not None and v.get("value") is not None
            key = f"{col.badness(float(v['value'])):.12g}" if has else ""
            tds += f'<td data-v="{key}">{"-" if n is None else _e(format_value(v)) + f" <small>(n={_e(n)})</small>"}</td>'
        body.append(f'<tr data-i="{i}">{tds}</tr>')
    return (f'<details open><summary>{_e(col.task)}: {_e(col.metric)} by group '
            f'({_e(col.direction_text)})</summary>{_plot(rows, col, groups)}'
            f'<table class="sortable"><thead><tr>{th}</tr></thead><tbody>{"".join(body)}</tbody></table></details>')


def to_html(rows: list[Row], cols: list[Column], comps: list[Comparison] | None = None,
            notes: list[str] | None = None) -> str:
    script_hash = base64.b64encode(hashlib.sha256(JS.encode()).digest()).decode()
    csp = f"default-src 'none'; style-src 'unsafe-inline'; img-src data:; script-src 'sha256-{script_hash}'"
    n_runs = sum(len(r.runs) for r in rows)
    parts = [
        "<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{csp}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        "<title>fairbench leaderboard</title>", f"<style>{CSS}</style></head><body>",
        "<h1>fairbench leaderboard</h1>",
        f'<p class="note">{len(rows)} rows from {n_runs} runs. Headline metric per task, value [95% CI]. '
        "Bold green: best in its column by the metric's own direction (for an ideal value, the closest to it). "
        "&dagger;: ran on task data other than the column's reference version, so not ranked. "
        "&Dagger;: uninformative, not ranked: a QA model at chance on disambiguated questions, or a decisions "
        "model whose decisions the applicant's qualification does not move more than the name, or a "
        "forced-choice model that gives one letter to over 3/4 of the askings. (generative): the task's generative form, the answer parsed from the model's text (chat and API models). "
        "Click a column header to sort (metric columns: best first, then worst first).</p>",
        _main_table(rows, cols),
        "<h2>Headlines across rows</h2>",
        '<p class="note">Forest plots: each row\'s headline (dot) with its 95% CI (whisker); the dashed red '
        "line marks the ideal value where the metric has one; grey: uninformative (&Dagger;) or other data "
        "(&dagger;). Overlapping intervals do not mean no difference: the paired comparisons below test that.</p>",
        *(_forest(rows, c) for c in cols),
        _comparisons(comps or [], notes or []),
        "<h2>By group</h2>",
        '<p class="note">Headline metric per group with its 95% CI (whiskers); the dashed red line marks '
        "the ideal value where the metric has one.</p>",
        *(_drilldown(rows, c) for c in cols),
        f"<script>{JS}</script>", "</body></html>",
    ]
    return "\n".join(parts) + "\n"
