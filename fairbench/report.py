"""Plain-text results tables for the terminal (``fairbench run`` and ``fairbench show``)."""

from __future__ import annotations

from fairbench.metrics.base import direction_text, format_value



def _reading_check(task: dict) -> tuple[tuple[str, ...], str]:
    """(metrics that say nothing when the task is uninformative, why) for the task's format."""
    from fairbench.formats import FORMATS

    fmt = FORMATS.get(task.get("format"))
    return (fmt.needs_reading, fmt.unread) if fmt else ((), "")


def _direction(m: dict) -> str:
    return direction_text(m["direction"], m.get("ideal"))


def worst_verdict(worst: dict) -> str:
    """One line on whether the worst group stands out, with the correction and, if not, the
    smallest difference the data could have shown."""
    if "p_holm" not in worst:  # results files from before the Holm correction
        return "separable" if worst["separable"] else "not separable from the rest"
    k = worst.get("groups_compared", 1)
    if worst["separable"]:
        return f"differs from the overall value (Holm-adjusted p {worst['p_holm']:.3g} over {k} groups)"
    text = f"not separable from the overall value (Holm-adjusted p {worst['p_holm']:.2g} over {k} groups)"
    if worst.get("mde"):
        text += f"; this size detects only differences above {worst['mde']:.1f}"
    return text


def text_table(header: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    line = lambda r: "  ".join(str(c).ljust(w) for c, w in zip(r, widths)).rstrip()  # noqa: E731
    return "\n".join([line(header), line(["-" * w for w in widths]), *map(line, rows)])


# the columns of the per-group table (default: the headline); a generation group is the group
# the prompts' cues point to, so what matters there is also how often that group is named
GROUP_COLUMNS = {"gen": ("iir", "cued_rate", "decline_rate")}


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
            mark = " ‡" if task.get("informative") is False and mname in _reading_check(task)[0] else ""
            rows.append([name, mname + star, format_value(m) + mark, m["unit"], _direction(m), str(m["n"])])
    parts.append(text_table(["task", "metric", "value [95% CI]", "unit", "direction", "n"], rows))
    notes = [f"{name}: {note}" for name, task in results["tasks"].items() for note in task.get("notes", [])]
    if notes:
        parts.append("notes:\n" + "\n".join(f"- {n}" for n in notes))
    for name, task in results["tasks"].items():
        if not task.get("groups"):
            continue
        h = task["headline"]
        cols = [c for c in GROUP_COLUMNS.get(task["format"], (h,)) if c in task["metrics"]] or [h]
        grows = [[g, *(format_value(v["metrics"][c]) for c in cols), str(v["n"])] for g, v in task["groups"].items()]
        text = f"{name}: by {task['by']}\n" + text_table([task["by"], *(f"{c} [95% CI]" for c in cols), "n"], grows)
        worst = task.get("worst_group")
        if worst:
            text += f"\nworst {task['by']} by {h} (n >= 10): {worst['group']} {format_value(worst)}; {worst_verdict(worst)}"
        for key, groups in task.get("breakdowns", {}).items():
            text += f"\n\n{name}: {h} by {key}\n" + text_table(
                [key, f"{h} [95% CI]", "n"], [[g, format_value(v["metrics"][h]), str(v["n"])] for g, v in groups.items()])
        parts.append(text)
    legend = "* headline metric"
    unread = sorted({_reading_check(t)[1] for t in results["tasks"].values() if t.get("informative") is False} - {""})
    if unread:
        legend += "; ‡ uninformative: " + "; ".join(unread)
    parts.append(legend)
    return "\n\n".join(parts)
