"""How ``fairbench gate`` reports: a terminal table, JUnit XML, or GitHub Actions annotations.

All three read the same ``GateReport``; none decides anything.
"""

from __future__ import annotations

import os
import sys
import xml.etree.ElementTree as ET
from typing import TYPE_CHECKING, Literal

from fairbench.metrics.base import format_interval, format_number
from fairbench.report import text_table

if TYPE_CHECKING:
    from fairbench.gate import CheckResult, GateReport


def _num(v: float | None) -> str:
    return format_number(v, 2, na_for="nan")


def _delta(v: float, ci) -> str:
    return format_number(v, 2, signed=True, na_for="nan") + format_interval(ci, 2, signed=True)


def _p(p: float | None) -> str:
    return "n/a" if p is None else f"{p:.3g}"


def _direction(r: CheckResult) -> str:
    return r.metric.direction_text


def _run_label(res: dict) -> str:
    mit = res.get("mitigation")
    model = res["model"]
    return (f"{res.get('run_id', '?')} (model {model.get('spec')}, {str(model.get('sha256'))[:12]}"
            + (f", mitigation {mit.get('name')}" if isinstance(mit, dict) else "") + ")")


def rows(report: GateReport) -> tuple[list[str], list[list[str]]]:
    pct = f"{report.level * 100:g}%"
    header = ["task", "metric", "direction", "baseline", "candidate", f"delta [{pct} CI]",
              f"worse by [{pct} CI]", "p (Holm)", "detects >=", "verdict"]
    body = [[r.check.task, r.check.metric, _direction(r), _num(r.baseline), _num(r.candidate),
             _delta(r.delta, r.ci), _delta(r.worse, r.worse_ci), _p(r.p_holm), _num(r.mde), r.verdict]
            for r in report.results]
    return header, body


def summary_line(report: GateReport) -> str:
    counts: dict[str, int] = {}
    for r in report.results:
        counts[r.verdict] = counts.get(r.verdict, 0) + 1
    parts = ", ".join(f"{n} {v}" for v, n in sorted(counts.items()))
    return f"gate {'FAILED' if report.failed else 'passed'}: {len(report.results)} checks ({parts})"


def _reason_lines(report: GateReport) -> list[str]:
    return [f"{r.check.task} {r.check.metric}: {r.verdict}: {'; '.join(r.reasons)}"
            for r in report.results if r.reasons]


def _footer(report: GateReport) -> list[str]:
    n = {r.check.task: r.n_shared for r in report.results}
    return [
        "baseline and candidate values are over the items both runs share ("
        + ", ".join(f"{t}: {k}" for t, k in n.items()) + "); ceilings read the candidate's reported value",
        "worse by = change in badness (value for lower-better, -value for higher-better, |value - ideal| "
        f"for ideal); a check regresses when its one-sided bootstrap p of being worse, Holm-adjusted over "
        f"the {len(report.results)} checks, is below {report.alpha:g} and the change exceeds the tolerance, "
        f"so an equivalent candidate fails the whole gate at most {report.alpha:.1%} of the time",
        "detects >= : the worsening (in the metric's unit) each check catches with 80% power at the corrected "
        "level, from the paired bootstrap spread; a smaller regression can pass",
    ]


def format_table(report: GateReport) -> str:
    header, body = rows(report)
    parts = [f"baseline:  {_run_label(report.baseline)}", f"candidate: {_run_label(report.candidate)}", "",
             text_table(header, body), ""]
    parts += _reason_lines(report) + [f"note: {n}" for n in report.notes] + _footer(report)
    parts += ["", summary_line(report)]
    return "\n".join(parts)


def format_junit(report: GateReport) -> str:
    """One testcase per check; a failing verdict is a <failure>, so CI dashboards show it."""
    suites = ET.Element("testsuites", name="fairbench gate")
    failures = sum(r.failed for r in report.results)
    suite = ET.SubElement(suites, "testsuite", name="fairbench.gate", tests=str(len(report.results)),
                          failures=str(failures), errors="0", skipped="0")
    props = ET.SubElement(suite, "properties")
    for key, res in (("baseline", report.baseline), ("candidate", report.candidate)):
        ET.SubElement(props, "property", name=key, value=_run_label(res))
    header, body = rows(report)
    for r, row in zip(report.results, body):
        case = ET.SubElement(suite, "testcase", classname=f"fairbench.gate.{r.check.task}", name=r.check.metric)
        detail = "\n".join(f"{h}: {v}" for h, v in zip(header, row))
        if r.failed:
            fail = ET.SubElement(case, "failure", type=r.verdict,
                                 message=f"{r.check.task} {r.check.metric} {r.verdict}: {'; '.join(r.reasons)}")
            fail.text = detail
        else:
            ET.SubElement(case, "system-out").text = detail
    if report.notes:
        ET.SubElement(suite, "system-out").text = "\n".join(report.notes)
    ET.indent(suites)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suites, encoding="unicode")


def _gh_escape(text: str, *, prop: bool = False) -> str:
    # GitHub workflow-command escaping: data needs %, CR, LF; properties also : and ,
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return text.replace(":", "%3A").replace(",", "%2C") if prop else text


def _md_cell(text: str) -> str:
    return text.replace("|", "\\|").replace("<", "&lt;").replace("\n", " ")


def format_markdown(report: GateReport) -> str:
    header, body = rows(report)
    icon = {"pass": "pass", "improved": "improved", "regressed": "**regressed**",
            "ceiling-failed": "**ceiling-failed**", "undefined": "**undefined**"}
    lines = [f"## fairbench gate: {'FAILED' if report.failed else 'passed'}", "",
             f"- baseline: `{_md_cell(_run_label(report.baseline))}`",
             f"- candidate: `{_md_cell(_run_label(report.candidate))}`", "",
             "| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for r, row in zip(report.results, body):
        lines.append("| " + " | ".join(_md_cell(c) for c in row[:-1]) + f" | {icon[r.verdict]} |")
    lines.append("")
    lines += [f"- {_md_cell(x)}" for x in _reason_lines(report) + report.notes + _footer(report)]
    lines += ["", summary_line(report), ""]
    return "\n".join(lines)


def format_github(report: GateReport) -> tuple[str, str]:
    """(workflow commands for stdout, markdown for $GITHUB_STEP_SUMMARY)."""
    cmds = []
    for r in report.results:
        title = _gh_escape(f"fairbench gate: {r.check.task} {r.check.metric}", prop=True)
        if r.failed:
            cmds.append(f"::error title={title}::{_gh_escape(r.verdict + ': ' + '; '.join(r.reasons))}")
        elif r.verdict == "improved":
            cmds.append(f"::notice title={title}::{_gh_escape(f'improved by {-r.worse:.4g} {r.metric.unit}')}")
    cmds += [f"::warning title=fairbench gate::{_gh_escape(n)}" for n in report.notes]
    return "\n".join(cmds), format_markdown(report)


def render(report: GateReport, fmt: Literal["table", "junit", "github"]) -> None:
    if fmt == "junit":
        print(format_junit(report))
    elif fmt == "github":
        cmds, md = format_github(report)
        if cmds:
            print(cmds)
        summary = os.environ.get("GITHUB_STEP_SUMMARY")
        if summary:
            with open(summary, "a", encoding="utf-8") as f:
                f.write(md + "\n")
            print(summary_line(report))
        else:
            print(md)
    else:
        print(format_table(report))
    sys.stdout.flush()
