"""The dose-response plot of a control summary: one panel per task, the headline value against
fine-tuning steps, a line and a shaded CI band per arm, the base model at 0 steps. Plain SVG,
so it needs no plotting library and embeds in the leaderboard page as it is."""

from __future__ import annotations

import math
from html import escape

COLOURS = {"stereo": "#d62728", "anti": "#1f77b4", "neutral": "#7f7f7f"}
W, H, LEFT, TOP, PW, PH = 330, 230, 48, 34, 260, 150


def _ticks(lo: float, hi: float) -> list[float]:
    raw = (hi - lo) / 4 or 1.0
    mag = 10 ** math.floor(math.log10(raw))
    step = next(m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw)
    return [step * k for k in range(math.floor(lo / step), math.ceil(hi / step) + 1)]


def _panel(task: str, e: dict, ox: float) -> list[str]:
    series = {}
    for arm, a in e["arms"].items():
        pts = [(0, e["base"]["value"], e["base"]["ci"])] + [(p["dose"], p["value"], p["ci"]) for p in a["points"]]
        series[arm] = [p for p in pts if p[1] is not None]
    nums = [n for pts in series.values() for _, v, ci in pts for n in (v, *(ci or ()))]
    if not nums:
        return []
    ticks = _ticks(min(nums), max(nums))
    lo, hi = ticks[0], ticks[-1] if ticks[-1] > ticks[0] else ticks[0] + 1
    xmax = max([d for pts in series.values() for d, _, _ in pts] + [1])
    x = lambda d: ox + LEFT + d / xmax * PW  # noqa: E731
    y = lambda v: TOP + (hi - v) / (hi - lo) * PH  # noqa: E731
    out = [f'<text x="{ox + LEFT}" y="16" font-weight="600">{escape(task)}</text>',
           f'<text x="{ox + LEFT}" y="28">{escape(e["metric"])} ({escape(e["direction"])})</text>',
           f'<rect x="{ox + LEFT}" y="{TOP}" width="{PW}" height="{PH}" fill="none" stroke="#ccc"/>']
    for t in ticks:
        out.append(f'<text x="{ox + LEFT - 4}" y="{y(t) + 4:.1f}" text-anchor="end">{t:g}</text>')
    doses = sorted({d for pts in series.values() for d, _, _ in pts})
    for d in doses:
        out.append(f'<text x="{x(d):.1f}" y="{TOP + PH + 14}" text-anchor="middle">{d}</text>')
    out.append(f'<text x="{ox + LEFT + PW / 2}" y="{TOP + PH + 28}" text-anchor="middle">fine-tuning steps</text>')
    for arm, pts in series.items():
        c = COLOURS.get(arm, "#2ca02c")
        band = [p for p in pts if p[2]]
        if len(band) > 1:
            upper = " ".join(f"{x(d):.1f},{y(ci[1]):.1f}" for d, _, ci in band)
            lower = " ".join(f"{x(d):.1f},{y(ci[0]):.1f}" for d, _, ci in reversed(band))
            out.append(f'<polygon points="{upper} {lower}" fill="{c}" fill-opacity="0.15" stroke="none"/>')
        line = " ".join(f"{x(d):.1f},{y(v):.1f}" for d, v, _ in pts)
        out.append(f'<polyline points="{line}" fill="none" stroke="{c}" stroke-width="2"/>')
        for d, v, ci in pts:
            tip = f"{arm} {d} steps: {v:.1f}" + (f" [{ci[0]:.1f}, {ci[1]:.1f}]" if ci else "")
            out.append(f'<circle cx="{x(d):.1f}" cy="{y(v):.1f}" r="3" fill="{c}"><title>{escape(tip)}</title></circle>')
    return out


def to_svg(summary: dict) -> str:
    tasks = list(summary["tasks"].items())
    width = max(1, len(tasks)) * W
    body = []
    for i, (t, e) in enumerate(tasks):
        body += _panel(t, e, i * W)
    legend = []
    arms = list(next(iter(summary["tasks"].values()))["arms"]) if tasks else []
    for j, arm in enumerate(arms):
        lx = LEFT + 110 * j
        legend.append(f'<rect x="{lx}" y="{H + 2}" width="12" height="12" fill="{COLOURS.get(arm, "#2ca02c")}"/>'
                      f'<text x="{lx + 16}" y="{H + 12}">{escape(arm)}</text>')
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{H + 24}" '
            f'font-family="system-ui,sans-serif" font-size="11" role="img" '
            f'aria-label="positive-control dose response of {escape(summary["model"]["spec"])}">'
            + "".join(body + legend) + "</svg>\n")
