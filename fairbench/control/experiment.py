"""``fairbench control``: do the tasks see a bias that was put into the model on purpose?

For each arm (stereo, anti, neutral) and dose (fine-tuning steps) a control model is trained
(finetune.py), every task runs on the base model and on each control with the same settings
and items (``fairbench.evaluate``), and each control is compared with the base by the gate's
paired cluster bootstrap (``gate.compare``). Per task headline:

- stereo must move it toward the bias (``Metric.bias_sign``) with a paired CI excluding 0;
- anti must move it the other way;
- neutral (same amount of fine-tuning on text without identities) must not move it;
- stereo and anti are also compared with the neutral control of the same dose, which removes
  what fine-tuning itself moves (a chat model trained on plain statements answers differently);
- stereo is compared with anti of the same dose: the two corpora name the same groups in the
  same domains with the same amount of training, so everything fine-tuning moves alike cancels
  and the contrast is the direction of the corpus alone (the most sensitive of the three tests;
  it says the task can tell the two injected biases apart, not how far either moved from base).

The summary JSON, its text table and the SVG plot are rewritten after every control, so an interrupted run
keeps what it measured (``status: incomplete``).
"""

from __future__ import annotations

import json
import os
import sys
from dataclasses import asdict, dataclass, field
from pathlib import Path

from fairbench.control.finetune import Corpus, TrainSettings, train_controls
from fairbench.metrics.base import format_interval, format_number

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
    batch_size: int = 32
    threads: int | None = None
    device: str = "cpu"
    bootstrap_iters: int = 1000
    level: float = 0.95
    train: TrainSettings = field(default_factory=TrainSettings)
    cache: Path | None = None
    allow_download: bool = False


def _cache_root(cfg: ControlConfig) -> Path:
    from fairbench.models.registry import cache_root

    return cfg.cache if cfg.cache is not None else cache_root() / "controls"


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


def _compare(arm: str, ref: Path, run: Path, level: float, seed: int, memo: dict | None = None) -> tuple[dict, dict]:
    """Per task: the paired change of ``run`` against ``ref`` with its control verdict; and
    the gate's verdict on the pair. ``memo`` keeps pairs already compared."""
    from fairbench.gate import compare

    key = (arm, str(Path(ref).resolve()), str(Path(run).resolve()), level, seed)
    if memo is not None and key in memo:
        return memo[key]

    report = compare(ref, run, level=level, seed=seed)
    out = {r.check.task: {"delta": r.delta, "delta_ci": list(r.ci) if r.ci else None, "gate": r.verdict,
                          "verdict": verdict(arm, r.metric.bias_sign, r.ci), "n_shared": r.n_shared}
           for r in report.results}
    result = out, {"gate_failed": report.failed, "mde": {r.check.task: r.mde for r in report.results}}
    if memo is not None:
        memo[key] = result
    return result


def _rel(path: Path, root: Path) -> str:
    """``path`` relative to the summary's folder when inside it, so the folder can be moved."""
    path = Path(path).resolve()
    try:
        return str(path.relative_to(root.resolve()))
    except ValueError:
        return str(path)


def summarise(meta: dict, base_run: Path, controls: list[dict], status: str, root: Path = Path("."),
              memo: dict | None = None) -> dict:
    """The summary of a control experiment from its run files.

    ``controls``: ``{"arm", "dose", "run"}`` per control; run paths may be relative to ``root``,
    the summary's folder, and are written that way when inside it. Every control is compared with the
    base (the gate's paired test), and the stereo and anti controls also with the neutral
    control of the same dose: that difference removes what fine-tuning on text of this size
    moves by itself (format drift, fluency), leaving the content of the corpus.
    """
    from fairbench.api import Results
    from fairbench.formats import get_format

    level, seed = meta["level"], meta["seed"]
    base = Results.load(root / base_run)
    neutral = {c["dose"]: root / c["run"] for c in controls if c["arm"] == "neutral"}
    anti = {c["dose"]: root / c["run"] for c in controls if c["arm"] == "anti"}
    rows = []
    for c in controls:
        res = Results.load(root / c["run"])
        vs_base, gate = _compare(c["arm"], base.path, res.path, level, seed, memo)
        vs_neutral = ({} if c["arm"] == "neutral" or c["dose"] not in neutral
                      else _compare(c["arm"], neutral[c["dose"]], res.path, level, seed, memo)[0])
        vs_anti = ({} if c["arm"] != "stereo" or c["dose"] not in anti
                   else _compare("stereo", anti[c["dose"]], res.path, level, seed, memo)[0])
        rows.append({"arm": c["arm"], "dose": c["dose"], "run": _rel(res.path, root), "model": res.data["model"], **gate,
                     "tasks": {t: _entry(res, t) | v | {"mde": gate["mde"].get(t)}
                               | ({"vs_neutral": vs_neutral[t]} if t in vs_neutral else {})
                               | ({"vs_anti": vs_anti[t]} if t in vs_anti else {})
                               for t, v in vs_base.items()}})
    tasks = {}
    arms = list(dict.fromkeys(c["arm"] for c in controls))
    for t in base.tasks:
        entry = base.data["tasks"][t]
        metric = get_format(entry["format"]).metric(entry["headline"])
        per_arm = {}
        for arm in arms:
            points = sorted((r["tasks"][t] | {"dose": r["dose"]} for r in rows if r["arm"] == arm and t in r["tasks"]),
                            key=lambda p: p["dose"])
            per_arm[arm] = {"points": points, "first_detected_dose": first_detection(arm, points)}
            if arm != "neutral":
                vs_n = [p["vs_neutral"] | {"dose": p["dose"]} for p in points if "vs_neutral" in p]
                per_arm[arm]["first_detected_dose_vs_neutral"] = first_detection(arm, vs_n)
            if arm == "stereo":
                vs_a = [p["vs_anti"] | {"dose": p["dose"]} for p in points if "vs_anti" in p]
                per_arm[arm]["first_detected_dose_vs_anti"] = first_detection(arm, vs_a)
        tasks[t] = {"metric": metric.name, "direction": metric.direction_text, "unit": metric.unit,
                    "bias_sign": metric.bias_sign, "format": entry["format"], "base": _entry(base, t), "arms": per_arm}
    return {"schema": "fairbench-control/1", "status": status, "model": base.data["model"], **meta,
            "base_run": _rel(base.path, root),
            "controls": [{k: r[k] for k in ("arm", "dose", "model", "run", "gate_failed", "mde")} for r in rows],
            "tasks": tasks}


def _write(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + f".tmp{os.getpid()}")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def write_summary(summary: dict, path: Path) -> None:
    from fairbench.control.plot import to_svg

    _write(path, json.dumps(summary, indent=2) + "\n")
    _write(path.with_suffix(".svg"), to_svg(summary))
    _write(path.with_suffix(".txt"), format_summary(summary) + "\n")


META_KEYS = ("tasks_arg", "lang", "limit", "seed", "doses", "level", "train", "corpora")


def resummarise(path: Path, *, write: bool = False) -> dict:
    """Rebuild a summary (comparisons, verdicts) from the run files it lists; with ``write``, also
    rewrite the summary JSON, plot and tables in place (the bootstrap is redrawn, so the last
    digits may change: a committed summary is not rewritten unless asked)."""
    from fairbench.errors import UserError

    try:
        old = json.loads(Path(path).read_text(encoding="utf-8"))
        meta = {k: old[k] for k in META_KEYS}
        controls = [{"arm": c["arm"], "dose": c["dose"], "run": c["run"]} for c in old["controls"]]
        base_run, status = Path(old["base_run"]), old["status"]
    except (OSError, ValueError, KeyError, TypeError) as e:
        raise UserError(f"{path} is not a fairbench control summary ({e.__class__.__name__}: {e})") from None
    summary = summarise(meta, base_run, controls, status, Path(path).parent)
    if write:
        write_summary(summary, Path(path))
    return summary


def run_control(cfg: ControlConfig, output: Path) -> tuple[Path, dict]:
    """Train the controls, evaluate base and controls, write the summary; return (path, summary)."""
    from fairbench.api import evaluate
    from fairbench.models import resolve_model
    from fairbench.tasks import resolve_tasks

    specs = resolve_tasks(cfg.tasks, lang=cfg.lang)  # bad task names fail before any training
    base_spec = resolve_model(cfg.model, allow_download=cfg.allow_download)
    output.mkdir(parents=True, exist_ok=True)
    runs = output / "runs"
    common = dict(lang=cfg.lang, limit=cfg.limit, seed=cfg.seed, batch_size=cfg.batch_size, device=cfg.device,
                  threads=cfg.threads, bootstrap_iters=cfg.bootstrap_iters, ci_level=cfg.level, output=runs)
    meta = {"tasks_arg": cfg.tasks, "lang": cfg.lang, "limit": cfg.limit, "seed": cfg.seed, "doses": cfg.doses,
            "level": cfg.level, "train": asdict(cfg.train),
            "corpora": {a: {"path": str(c.path), "sha256": c.sha256, "lines": len(c.lines)}
                        for a, c in cfg.corpora.items()}}
    _log(f"base model {base_spec.spec}: tasks {', '.join(s.name for s in specs)}")
    base = evaluate(cfg.model, specs, allow_download=cfg.allow_download, **common)
    summary_path = output / f"control_{base.path.stem}.json"
    controls: list[dict] = []
    memo: dict = {}  # the summary is rebuilt after every control: compare each pair once
    # neutral first, so each stereo and anti control is compared with it as soon as it is run
    for arm in sorted(cfg.corpora, key=lambda a: a != "neutral"):
        corpus = cfg.corpora[arm]
        _log(f"{arm}: fine-tuning on {corpus.path} ({len(corpus.lines)} statements) at {cfg.doses} steps")
        folders = train_controls(base_spec, corpus, cfg.doses, cfg.train, _cache_root(cfg), device=cfg.device,
                                 allow_download=cfg.allow_download)
        for dose, folder in sorted(folders.items()):
            _log(f"{arm} {dose} steps: evaluating {folder.name}")
            res = evaluate(str(folder), specs, **common)
            # paths relative to the summary's folder, which summarise() reads them against
            controls.append({"arm": arm, "dose": dose, "run": _rel(res.path, output)})
            write_summary(summarise(meta, _rel(base.path, output), controls, "incomplete", output, memo),
                          summary_path)
    summary = summarise(meta, _rel(base.path, output), controls, "complete", output, memo)
    write_summary(summary, summary_path)
    return summary_path, summary


def _change(p: dict | None) -> str:
    if not p:
        return ""
    return format_number(p["delta"], signed=True) + format_interval(p["delta_ci"], signed=True) + f" {p['verdict']}"


def format_summary(s: dict) -> str:
    """The dose-response table of every task, then which dose first detected each arm."""
    from fairbench.report import text_table

    pct = f"{s['level'] * 100:g}%"
    out = [f"positive controls of {s['model']['spec']} ({str(s['model']['sha256'])[:12]}); "
           f"{s['limit'] or 'all'} items per task, seed {s['seed']}; status {s['status']}", ""]
    for t, e in s["tasks"].items():
        side = {1: "higher = more biased", -1: "lower = more biased", None: "no bias side"}[e["bias_sign"]]
        out.append(f"{t}: {e['metric']} ({e['direction']}; {side})")
        rows = [["base", "0", format_number(e["base"]["value"]) + format_interval(e["base"]["ci"]), "", "", "", "", ""]]
        for arm, a in e["arms"].items():
            for p in a["points"]:
                rows.append([arm, str(p["dose"]), format_number(p["value"]) + format_interval(p["ci"]), _change(p),
                             _change(p.get("vs_neutral")), _change(p.get("vs_anti")), p["gate"], format_number(p.get("mde"))])
        out.append(text_table(["control", "steps", f"value [{pct} CI]", f"change vs base [{pct} CI]",
                               "vs neutral, same steps", "stereo vs anti, same steps", "gate vs base",
                               "gate detects >="], rows))
        found = []
        for arm, a in e["arms"].items():
            if arm == "neutral":
                moved = [str(p["dose"]) for p in a["points"] if p["verdict"] == "moved"]
                found.append(f"neutral moved it at {', '.join(moved)} steps" if moved else "neutral did not move it")
                continue
            d, dn = a["first_detected_dose"], a.get("first_detected_dose_vs_neutral")
            text = (f"{arm}: " + (f"detected from {d} steps" if d is not None else "not detected")
                    + " vs base, " + (f"from {dn} steps" if dn is not None else "not detected") + " vs neutral")
            if "first_detected_dose_vs_anti" in a:
                da = a["first_detected_dose_vs_anti"]
                text += ", " + (f"from {da} steps" if da is not None else "not detected") + " vs anti"
            found.append(text)
        out += ["  " + "; ".join(found), ""]
    failed = [f"{c['arm']}@{c['dose']}" for c in s["controls"] if c["gate_failed"]]
    out.append("gate against the base (Holm over the tasks): "
               + (f"fails {', '.join(failed)}" if failed else "fails no control")
               + "; 'gate detects >=' is the worsening (badness, in the metric's unit) that check catches with 80% power")
    return "\n".join(out)
