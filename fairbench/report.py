"""Plain-text results tables for the terminal (``fairbench run`` and ``fairbench show``)."""

from __future__ import annotations

ARROWS = {"lower": "lower is better", "higher": "higher is better"}


def _direction(m: dict) -> str:
    if m["direction"] == "ideal":
        return f"ideal {m['ideal']:g}"
    return ARROWS[m["direction"]]


def _fmt(v: dict) -> str:
    if v.get("value") is None:
        return "n/a"
    s = f"{v['value']:.1f}"
    if v.get("ci"):
        s += f" [{v['ci'][0]:.1f}, {v['ci'][1]:.1f}]"
    return s


def _table(header: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    line = lambda r: "  ".join(str(c).ljust(w) for c, w in zip(r, widths)).rstrip()  # noqa: E731
    return "\n".join([line(header), line(["-" * w for w in widths]), *map(line, rows)])


def format_results(results: dict) -> str:
    """Overall metrics per task, then the headline metric per group, with 95% CIs."""
    model = results["model"]
    mit = results.get("mitigation")
    title = f"model {model['spec']} ({model['sha256'][:12]})" + (f", mitigation {mit['name']}" if mit else "")
    parts = [title + (f"  [{results['status']}]" if results.get("status") != "complete" else "")]
    rows = []
    for name, task in results["tasks"].items():
        for mname, m in task["metrics"].items():
            star = "*" if mname == task["headline"] else ""
            rows.append([name, mname + star, _fmt(m), m["unit"], _direction(m), str(m["n"])])
    parts.append(_table(["task", "metric", "value [95% CI]", "unit", "direction", "n"], rows))
    for name, task in results["tasks"].items():
        if not task.get("groups"):
            continue
        h = task["headline"]
        grows = [[g, _fmt(v["metrics"][h]), str(v["n"])] for g, v in task["groups"].items()]
        text = f"{name}: {h} by {task['by']}\n" + _table([task["by"], f"{h} [95% CI]", "n"], grows)
        worst = task.get("worst_group")
        if worst:
            verdict = ("its CI excludes the overall value" if worst["separable"]
                       else "its CI overlaps the overall value: not separable from the rest")
            text += f"\nworst {task['by']} (n >= 10): {worst['group']} {_fmt(worst)}; {verdict}"
        parts.append(text)
    parts.append("* headline metric")
    return "\n\n".join(parts)
