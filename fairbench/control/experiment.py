"""``fairbench control``: do the tasks see a bias that was put into the model on purpose?

For each arm (stereo, anti, neutral) and dose (fine-tuning steps) a control model is trained
(finetune.py), every task runs on the base model and on each control with the same settings
and items (``fairbench.evaluate``), and each control is compared with the base by the gate's
paired cluster bootstrap (``gate.compare``). Per task headline:

- stereo must move it toward the bias (``Metric.bias_sign``) with a paired CI excluding 0;
- anti must move it the other way;
- neutral (same amount of fine-tuning on text without identities) must not move it.

The summary JSON and the SVG plot are rewritten after every control, so an interrupted run
keeps what it measured (``status: incomplete``).
"""

from __future__ import annotations

import json
import os
import sys
from dataclasses import asdict, dataclass, field
from pathlib import Path

from fairbench.control.finetune import Corpus, TrainSettings, train_controls

ARMS = ("stereo", "anti", "neutral")
EXPECTED = {"stereo": 1, "anti": -1, "neutral": 0}  # the sign of the change, times bias_sign


@dataclass
class ControlConfig:
    model: str
    tasks: str
    corpora: dict[str, Corpus]
    doses: list[int] = field(default_factory=lambda: [25, 50, 100])
    lang: str = "en"
    limit: int | None = None
    seed: int = 1234
    batch_size: int = 8
    threads: int | None = None
    device: str = "cpu"
    bootstrap_iters: int = 1000
    level: float = 0.95
    train: TrainSettings = field(default_factory=TrainSettings)
    cache: Path | None = None
    allow_download: bool = False


def _cache_root(cfg: ControlConfig) -> Path:
    if cfg.cache is not None:
        return cfg.cache
    return Path(os.environ.get("FAIRBENCH_CACHE", Path.home() / ".cache" / "fairbench")) / "controls"


def _log(msg: str) -> None:
    print(f"[control] {msg}", file=sys.stderr, flush=True)


def verdict(arm: str, bias_sign: int | None, ci) -> str:
    """What one control's paired change says: "detected" (moved the expected way, CI excluding 0),
    "wrong way" (CI excluding 0 on the other side), "moved" (neutral arm, CI excluding 0),
    "no change" (CI covering 0), or "n/a" (no CI, or a metric with no bias side).

    >>> verdict("stereo", 1, (0.5, 3.0)), verdict("anti", 1, (0.5, 3.0)), verdict("neutral", -1, (-2.0, 1.0))
    ('detected', 'wrong way', 'no change')
    """
    if ci is None or (bias_sign is None and arm != "neutral"):
        return "n/a"
    lo, hi = ci
    if lo <= 0 <= hi:
        return "no change"
    if arm == "neutral":
        return "moved"
    toward_bias = (lo > 0) == (bias_sign > 0)
    return "detected" if toward_bias == (EXPECTED[arm] > 0) else "wrong way"


def first_detection(arm: str, points: list[dict]) -> int | None:
    """The smallest dose whose verdict is "detected" (stereo and anti arms)."""
    hits = [p["dose"] for p in points if p["verdict"] == "detected"]
    return min(hits) if hits else None


def _entry(res, task: str) -> dict:
    m = res.metric(task)
    return {"value": m["value"], "ci": m["ci"], "n": m.get("n")}


def _summary(cfg: ControlConfig, base, controls: list[dict], status: str) -> dict:
    from fairbench.metrics import metric_by_name

    tasks = {}
    for t in base.tasks:
        entry = base.data["tasks"][t]
        metric = metric_by_name(entry["format"], entry["headline"])
        arms = {}
        for arm in cfg.corpora:
            points = [c["tasks"][t] | {"dose": c["dose"]} for c in controls if c["arm"] == arm and t in c["tasks"]]
            arms[arm] = {"points": points, "first_detected_dose": first_detection(arm, points)}
        tasks[t] = {"metric": metric.name, "direction": metric.direction_text, "unit": metric.unit,
                    "bias_sign": metric.bias_sign, "format": entry["format"], "base": _entry(base, t), "arms": arms}
    return {
        "schema": "fairbench-control/1", "status": status,
        "model": base.data["model"], "tasks_arg": cfg.tasks, "lang": cfg.lang, "limit": cfg.limit, "seed": cfg.seed,
        "doses": cfg.doses, "level": cfg.level, "train": asdict(cfg.train),
        "corpora": {a: {"path": str(c.path), "sha256": c.sha256, "lines": len(c.lines)} for a, c in cfg.corpora.items()},
        "base_run": str(base.path),
        "controls": [{k: c[k] for k in ("arm", "dose", "model", "run", "gate_failed", "mde")} for c in controls],
        "tasks": tasks,
    }


def _write(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + f".tmp{os.getpid()}")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def run_control(cfg: ControlConfig, output: Path) -> tuple[Path, dict]:
    """Train the controls, evaluate base and controls, write the summary; return (path, summary)."""
    from fairbench.api import evaluate
    from fairbench.control.plot import to_svg
    from fairbench.gate import compare
    from fairbench.models import resolve_model
    from fairbench.tasks import resolve_tasks

    specs = resolve_tasks(cfg.tasks, lang=cfg.lang)  # bad task names fail before any training
    base_spec = resolve_model(cfg.model, allow_download=cfg.allow_download)
    output.mkdir(parents=True, exist_ok=True)
    runs = output / "runs"
    common = dict(lang=cfg.lang, limit=cfg.limit, seed=cfg.seed, batch_size=cfg.batch_size, device=cfg.device,
                  threads=cfg.threads, bootstrap_iters=cfg.bootstrap_iters, ci_level=cfg.level, output=runs)
    _log(f"base model {base_spec.spec}: tasks {', '.join(s.name for s in specs)}")
    base = evaluate(cfg.model, specs, allow_download=cfg.allow_download, **common)
    stem = base.path.stem
    summary_path, svg_path = output / f"control_{stem}.json", output / f"control_{stem}.svg"
    controls: list[dict] = []
    for arm, corpus in cfg.corpora.items():
        _log(f"{arm}: fine-tuning on {corpus.path} ({len(corpus.lines)} statements) at {cfg.doses} steps")
        folders = train_controls(base_spec, corpus, cfg.doses, cfg.train, _cache_root(cfg), device=cfg.device,
                                 allow_download=cfg.allow_download)
        for dose, folder in sorted(folders.items()):
            _log(f"{arm} {dose} steps: evaluating {folder.name}")
            res = evaluate(str(folder), specs, **common)
            report = compare(base.path, res.path, level=cfg.level, seed=cfg.seed)
            entry = {"arm": arm, "dose": dose, "model": res.data["model"], "run": str(res.path),
                     "gate_failed": report.failed, "mde": {r.check.task: r.mde for r in report.results},
                     "tasks": {}}
            for r in report.results:
                entry["tasks"][r.check.task] = _entry(res, r.check.task) | {
                    "delta": r.delta, "delta_ci": list(r.ci) if r.ci else None, "gate": r.verdict,
                    "verdict": verdict(arm, r.metric.bias_sign, r.ci), "n_shared": r.n_shared}
            controls.append(entry)
            summary = _summary(cfg, base, controls, "incomplete")
            _write(summary_path, json.dumps(summary, indent=2) + "\n")
            _write(svg_path, to_svg(summary))
    summary = _summary(cfg, base, controls, "complete")
    _write(summary_path, json.dumps(summary, indent=2) + "\n")
    _write(svg_path, to_svg(summary))
    return summary_path, summary


def _fmt(v) -> str:
    return "n/a" if v is None else f"{v:.1f}"


def _ci(ci, sign: bool = False) -> str:
    if not ci:
        return ""
    f = "{:+.1f}" if sign else "{:.1f}"
    return f" [{f.format(ci[0])}, {f.format(ci[1])}]"


def format_summary(s: dict) -> str:
    """The dose-response table of every task, then which dose first detected each arm."""
    from fairbench.report import text_table

    pct = f"{s['level'] * 100:g}%"
    out = [f"positive controls of {s['model']['spec']} ({str(s['model']['sha256'])[:12]}); "
           f"{s['limit'] or 'all'} items per task, seed {s['seed']}; status {s['status']}", ""]
    for t, e in s["tasks"].items():
        side = {1: "higher = more biased", -1: "lower = more biased", None: "no bias side"}[e["bias_sign"]]
        out.append(f"{t}: {e['metric']} ({e['direction']}; {side})")
        rows = [["base", "0", _fmt(e["base"]["value"]) + _ci(e["base"]["ci"]), "", "", ""]]
        for arm, a in e["arms"].items():
            for p in a["points"]:
                rows.append([arm, str(p["dose"]), _fmt(p["value"]) + _ci(p["ci"]),
                             ("n/a" if p["delta"] is None else f"{p['delta']:+.1f}") + _ci(p["delta_ci"], True),
                             p["verdict"], p["gate"]])
        out.append(text_table(["control", "steps", f"value [{pct} CI]", f"change vs base [{pct} CI]",
                                 "control verdict", "gate"], rows))
        found = []
        for arm, a in e["arms"].items():
            if arm == "neutral":
                moved = [p["dose"] for p in a["points"] if p["verdict"] == "moved"]
                found.append("neutral moved it at " + ", ".join(map(str, moved)) + " steps" if moved
                             else "neutral did not move it")
            else:
                d = a["first_detected_dose"]
                found.append(f"{arm} detected from {d} steps" if d is not None else f"{arm} not detected")
        out += ["  " + "; ".join(found), ""]
    failed = [f"{c['arm']}@{c['dose']}" for c in s["controls"] if c["gate_failed"]]
    out.append("gate against the base (Holm over the tasks): "
               + (f"fails {', '.join(failed)}" if failed else "fails no control"))
    return "\n".join(out)
