"""``fairbench gate``: does a candidate run regress against a baseline run?

Every check compares one metric of one task on the items both runs share, by a paired bootstrap
of the change in *badness* (the metric's own direction: the value for lower-is-better, minus
the value for higher-is-better, the distance from the ideal for ideal-valued metrics). A check
regresses only when the one-sided bootstrap p-value of "worse", Holm-adjusted over all the
gate's checks, is below alpha = (1 - level) / 2, and the point change exceeds the policy's
tolerance. With one check this is the old rule (the CI lies entirely on the worse side); with
several, the chance that an equivalent candidate fails any check stays at alpha, instead of
growing with the number of checks. Each check also reports its minimal detectable effect: the
worsening it catches with 80% power. Absolute ceilings (``max``/``min``/``max_distance``) are checked on the
candidate's reported value.

Exit codes: 0 no check failed, 1 a check failed, 2 bad input (missing or malformed file,
incomplete run, different task data, a task or metric the policy names that a file lacks).
Anything the gate cannot check is an error, never a pass.
"""

from __future__ import annotations

import argparse
import dataclasses
import math
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import numpy as np

from fairbench.errors import UserError
from fairbench.formats import FORMATS, get_format
from fairbench.metrics import Metric, paired_bootstrap_delta
from fairbench.metrics.bootstrap import one_sided_p, paired_bootstrap_draws, percentiles
from fairbench.metrics.intervals import holm, mde
from fairbench.results import Results, load_samples

Verdict = Literal["pass", "improved", "regressed", "ceiling-failed", "undefined"]
FAILING: frozenset[str] = frozenset({"regressed", "ceiling-failed", "undefined"})
OPTION_KEYS = ("tolerance", "max", "min", "max_distance")
# settings that change what a run measures; a difference is reported, not refused
COMPARED_SETTINGS = ("seed", "limit", "lang", "dtype")


# ---------------------------------------------------------------------------------------------
# policy


@dataclass(frozen=True)
class Check:
    """One (task, metric) to compare, with its tolerance and absolute bounds."""

    task: str
    metric: str
    tolerance: float = 0.0
    max: float | None = None
    min: float | None = None
    max_distance: float | None = None


def _options(raw, where: str, base: dict | None = None) -> dict:
    out = dict(base or {})
    if raw is None:
        return out
    if not isinstance(raw, dict):
        raise UserError(f"{where}: expected a mapping of {', '.join(OPTION_KEYS)}")
    for key, value in raw.items():
        if key not in OPTION_KEYS:
            raise UserError(f"{where}: unknown option {key!r}; options: {', '.join(OPTION_KEYS)}")
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            raise UserError(f"{where}.{key}: expected a number, got {value!r}")
        if key in ("tolerance", "max_distance") and value < 0:
            raise UserError(f"{where}.{key}: must not be negative")
        out[key] = float(value)
    return out


def load_policy(path: str | Path) -> dict:
    """Read a gate policy YAML (format in docs/gate.md) into ``{task: {metric|None: options}}``.

    ``None`` as the metric key stands for the task's headline metric.
    """
    import yaml

    path = Path(path)
    if not path.is_file():
        raise UserError(f"{path}: no such policy file")
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        raise UserError(f"{path}: not a UTF-8 text file") from None
    except yaml.YAMLError as e:
        raise UserError(f"{path}: not valid YAML ({str(e).splitlines()[0]})") from None
    if not isinstance(raw, dict) or not isinstance(raw.get("tasks"), dict) or not raw["tasks"]:
        raise UserError(f"{path}: a policy needs a non-empty 'tasks:' mapping (see docs/gate.md)")
    unknown = set(raw) - {"defaults", "tasks"}
    if unknown:
        raise UserError(f"{path}: unknown top-level key(s) {sorted(unknown)}; expected defaults, tasks")
    defaults = _options(raw.get("defaults"), f"{path}: defaults")
    policy: dict[str, dict] = {}
    for task, metrics in raw["tasks"].items():
        where = f"{path}: tasks.{task}"
        if metrics is None or metrics == {}:
            policy[str(task)] = {None: dict(defaults)}
        elif isinstance(metrics, list):
            policy[str(task)] = {str(m): dict(defaults) for m in metrics}
        elif isinstance(metrics, dict):
            policy[str(task)] = {str(m): _options(o, f"{where}.{m}", defaults) for m, o in metrics.items()}
        else:
            raise UserError(f"{where}: expected a mapping of metric -> options, a list of metrics, or nothing")
    return policy


def plan_checks(policy: dict | None, base: dict, cand: dict, labels: tuple[str, str]) -> list[Check]:
    """The checks to run: the policy's, or the headline metric of every task in both files."""
    if policy is None:
        shared = [t for t in base["tasks"] if t in cand["tasks"]]
        if not shared:
            raise UserError(f"{labels[0]} and {labels[1]} have no task in common; nothing to gate")
        return [Check(t, base["tasks"][t]["headline"]) for t in shared]
    checks = []
    for task, metrics in policy.items():
        for label, res in zip(labels, (base, cand)):
            if task not in res["tasks"]:
                raise UserError(f"{label}: has no task {task!r} that the policy checks (it has {sorted(res['tasks'])})")
        for metric, opts in metrics.items():
            metric = metric or base["tasks"][task]["headline"]
            for label, res in zip(labels, (base, cand)):
                if metric not in res["tasks"][task]["metrics"]:
                    raise UserError(f"{label}: task {task!r} has no metric {metric!r} that the policy checks")
            checks.append(Check(task, metric, **opts))
    return checks


# ---------------------------------------------------------------------------------------------
# comparing


@dataclass
class CheckResult:
    check: Check
    metric: Metric
    baseline: float          # over the shared items
    candidate: float         # over the shared items
    reported: float | None   # the candidate's value in its results file (all its items)
    delta: float
    ci: tuple[float, float] | None
    worse: float             # change in badness (positive = worse)
    worse_ci: tuple[float, float] | None
    n_shared: int
    only_base: int
    only_cand: int
    p: float | None = None       # one-sided bootstrap p of "worse", this check alone
    p_holm: float | None = None  # the same, Holm-adjusted over all the report's checks
    mde: float | None = None     # smallest worsening this check detects with 80% power
    verdict: Verdict = "pass"
    reasons: list[str] = field(default_factory=list)

    @property
    def failed(self) -> bool:
        return self.verdict in FAILING


@dataclass
class GateReport:
    baseline: dict
    candidate: dict
    paths: tuple[str, str]
    results: list[CheckResult]
    notes: list[str]
    level: float

    @property
    def alpha(self) -> float:
        """The family-wise false-alarm rate: one-sided, as each check's CI rule was alone."""
        return (1.0 - self.level) / 2.0

    @property
    def failed(self) -> bool:
        return any(r.failed for r in self.results)


def _check_file(res: dict, label: str) -> None:
    """What the gate needs beyond what every results file has (``results.load_results``
    checks that): a finished run, and formats this fairbench can recompute."""
    if res.get("status") != "complete":
        raise UserError(f"{label}: run status is {res.get('status')!r}, not 'complete'; gate only finished runs")
    for name, task in res["tasks"].items():
        if task["format"] not in FORMATS:
            raise UserError(f"{label}: task {name!r} has no known format")


def _by_id(rows: list[dict], task: str, label: str, clusters: dict | None = None) -> dict[str, dict]:
    """Records of one task by item id; ``clusters`` (if given) gets each id's cluster (the id
    itself for files from before clusters were recorded)."""
    out: dict[str, dict] = {}
    for row in rows:
        if not isinstance(row, dict) or row.get("task") != task:
            continue
        if "id" not in row or not isinstance(row.get("record"), dict):
            raise UserError(f"{label}: a samples row of task {task!r} lacks 'id' or 'record'")
        key = str(row["id"])
        if key in out:
            raise UserError(f"{label}: item {key!r} of task {task!r} appears twice in the samples file")
        out[key] = row["record"]
        if clusters is not None:
            clusters[key] = str(row.get("cluster") or key)
    if not out:
        raise UserError(f"{label}: the samples file has no rows for task {task!r}")
    return out


def _columns(fmt: str, records: list[dict], label: str, task: str):
    try:
        return get_format(fmt).columns(records)
    except (KeyError, TypeError, ValueError) as e:
        raise UserError(f"{label}: samples of task {task!r} are not {fmt} records ({e!r})") from None


@dataclass
class PairedTask:
    """One task's records of two runs as columns: all of each run's items, and the shared items
    aligned row by row with the baseline's clusters (both runs resample the same ones)."""

    task: str
    fmt: str
    ids: list[str]
    clusters: list[str]
    base: dict
    cand: dict
    base_all: dict
    cand_all: dict
    only_base: int
    only_cand: int


def pair_task(task: str, fmt: str, base_rows: list[dict], cand_rows: list[dict],
              labels: tuple[str, str] = ("baseline", "candidate")) -> PairedTask:
    """Align one task's samples rows of two runs by item id (the gate's pairing)."""
    clusters: dict[str, str] = {}
    b_items, c_items = _by_id(base_rows, task, labels[0], clusters), _by_id(cand_rows, task, labels[1])
    ids = sorted(set(b_items) & set(c_items))
    if len(ids) < 2:
        raise UserError(f"task {task!r}: the runs share {len(ids)} item id(s); a paired comparison needs at least 2")
    return PairedTask(
        task, fmt, ids, [clusters[i] for i in ids],
        _columns(fmt, [b_items[i] for i in ids], labels[0], task), _columns(fmt, [c_items[i] for i in ids], labels[1], task),
        _columns(fmt, list(b_items.values()), labels[0], task), _columns(fmt, list(c_items.values()), labels[1], task),
        len(b_items) - len(ids), len(c_items) - len(ids))


def _t2i_metric(metric: Metric, entry: dict) -> Metric:
    """B_D is computed at the number of images the run recorded (``--bd-images``), not the
    default, or a run scored at another m would not reproduce its own reported value."""
    from fairbench.metrics.t2i import SUBSAMPLED, dist_bias_metric

    if metric.name in SUBSAMPLED and entry.get("m"):
        return dist_bias_metric(int(entry["m"]), normalised=SUBSAMPLED[metric.name])
    return metric


def _value(metric: Metric, cols) -> float:
    with np.errstate(divide="ignore", invalid="ignore"):
        return float(metric.fn(cols))


def _same(a: float | None, b: float) -> bool:
    if a is None or not math.isfinite(b):
        return a is None and not math.isfinite(b)
    return abs(a - b) <= 1e-6 * max(1.0, abs(a))


def _verdict(r: CheckResult, alpha: float) -> None:
    c, m, v = r.check, r.metric, r.reported
    ceiling = []
    for bound, broken, text in (
        (c.max, lambda b: v > b, "above max"),
        (c.min, lambda b: v < b, "below min"),
        (c.max_distance, lambda b: m.badness(v) > b, f"farther from {m.ideal} than max_distance"),
    ):
        if bound is None:
            continue
        if v is None:
            ceiling.append(f"candidate value undefined, so not provably within {text.split()[-1]} {bound:g}")
        elif broken(bound):
            ceiling.append(f"candidate {v:.4g} {text} {bound:g}")
    undefined = (not (math.isfinite(r.baseline) and math.isfinite(r.candidate)) or r.worse_ci is None
                 or r.p_holm is None)
    regressed = not undefined and r.p_holm < alpha and r.worse > c.tolerance
    if regressed:
        r.reasons.append(f"worse by {r.worse:.4g} {m.unit}, CI {_ci(r.worse_ci)}; Holm-adjusted p {r.p_holm:.3g} "
                         f"< {alpha:g} (tolerance {c.tolerance:g})")
    r.reasons += ceiling
    if undefined:
        r.reasons.append("metric undefined on the shared items; a regression cannot be ruled out")
    if ceiling:
        r.verdict = "ceiling-failed"
    elif undefined:
        r.verdict = "undefined"
    elif regressed:
        r.verdict = "regressed"
    elif r.worse_ci[1] < 0:
        r.verdict = "improved"


def _ci(ci) -> str:
    return "n/a" if ci is None else f"[{ci[0]:+.4g}, {ci[1]:+.4g}]"


def compare(
    base_path: str | Path,
    cand_path: str | Path,
    *,
    policy: dict | None = None,
    allow_data_mismatch: bool = False,
    iters: int | None = None,
    level: float = 0.95,
    seed: int | None = None,
) -> GateReport:
    """Run every check of ``policy`` (default: headline metrics) on two results files.

    Raises UserError for anything that makes the comparison unsound.
    """
    labels = (str(base_path), str(cand_path))
    base, cand = Results.load(base_path).data, Results.load(cand_path).data
    for res, label in zip((base, cand), labels):
        _check_file(res, label)
    checks = plan_checks(policy, base, cand, labels)
    notes: list[str] = []
    tasks = list(dict.fromkeys(c.task for c in checks))
    for t in tasks:
        bt, ct = base["tasks"][t], cand["tasks"][t]
        if bt["format"] != ct["format"]:
            raise UserError(f"task {t!r} is {bt['format']} in the baseline but {ct['format']} in the candidate")
        bsha, csha = (bt.get("data") or {}).get("sha256"), (ct.get("data") or {}).get("sha256")
        if bsha != csha or bsha is None:
            msg = f"task {t!r} ran on different data (sha256 {str(bsha)[:12]} vs {str(csha)[:12]})"
            if not allow_data_mismatch:
                raise UserError(msg + "; refusing to compare (pass --allow-data-mismatch to compare the shared ids)")
            notes.append(msg + "; compared anyway on the item ids both share (--allow-data-mismatch)")
    bs, cs = base["settings"], cand["settings"]
    for key in COMPARED_SETTINGS:
        if bs.get(key) != cs.get(key):
            notes.append(f"settings differ: {key} {bs.get(key)!r} (baseline) vs {cs.get(key)!r} (candidate)")
    mits = [(r.get("mitigation") or {}).get("name") if isinstance(r.get("mitigation"), dict) else None for r in (base, cand)]
    if mits[0] != mits[1]:
        notes.append(f"mitigation differs: {mits[0] or 'none'} (baseline) vs {mits[1] or 'none'} (candidate)")
    iters = int(iters or bs.get("bootstrap_iters") or 1000)
    seed = int(bs.get("seed", 0) if seed is None else seed)
    brows, crows = load_samples(base_path, base), load_samples(cand_path, cand)

    results = []
    for t in tasks:
        fmt = base["tasks"][t]["format"]
        pt = pair_task(t, fmt, brows, crows, labels)
        b_all, c_all, b_cols, c_cols, shared_clusters = pt.base_all, pt.cand_all, pt.base, pt.cand, pt.clusters
        ids, only_b, only_c = pt.ids, pt.only_base, pt.only_cand
        if only_b or only_c:
            notes.append(f"{t}: compared on {len(ids)} shared items; dropped {only_b} only in the baseline, "
                         f"{only_c} only in the candidate")
        for c in (c for c in checks if c.task == t):
            try:
                metric = get_format(fmt).metric(c.metric)
            except KeyError as e:
                raise UserError(str(e.args[0])) from None
            if fmt == "t2i":
                metric = _t2i_metric(metric, base["tasks"][t]["metrics"][c.metric])
            if not metric.ranked:
                raise UserError(f"policy: {t}.{c.metric} is informational (no better or worse side); "
                                "gate on the metrics it is read with instead")
            if c.max_distance is not None and metric.direction != "ideal":
                raise UserError(f"policy: max_distance needs an ideal-valued metric; {c.metric} is {metric.direction}-is-better")
            # the samples must reproduce the reported numbers, or they belong to another run
            for res, all_cols, label in ((base, b_all, labels[0]), (cand, c_all, labels[1])):
                reported = res["tasks"][t]["metrics"][c.metric].get("value")
                if not _same(reported, _value(metric, all_cols)):
                    raise UserError(f"{label}: task {t!r} {c.metric} is {reported} in the results file but "
                                    f"{_value(metric, all_cols):.6g} from its samples file; they do not belong together")
            delta, ci = paired_bootstrap_delta(metric, b_cols, c_cols, clusters=shared_clusters, iters=iters,
                                               seed=seed, level=level)
            worse, draws = paired_bootstrap_draws(metric.as_badness(), b_cols, c_cols, clusters=shared_clusters,
                                                  iters=iters, seed=seed)
            r = CheckResult(c, metric, _value(metric, b_cols), _value(metric, c_cols),
                            cand["tasks"][t]["metrics"][c.metric].get("value"), delta, ci, worse,
                            None if draws is None else percentiles(draws, level), len(ids), only_b, only_c,
                            p=None if draws is None else one_sided_p(draws))
            results.append((r, draws))
    report = GateReport(base, cand, labels, [r for r, _ in results], notes, level)
    # Each check alone would fail an unchanged model alpha of the time, so k checks would fail
    # it up to k x alpha: Holm keeps the whole gate's false-alarm rate at alpha
    tested = [r for r, _ in results if r.p is not None]
    for r, adjusted in zip(tested, holm([r.p for r in tested])):
        r.p_holm = adjusted
    for r, draws in results:
        finite = None if draws is None else draws[np.isfinite(draws)]
        if finite is not None and finite.size > 1:
            # the first Holm step tests one-sided at alpha / k (two-sided 2 alpha / k): the
            # worsening that every check is sure (80%) to catch
            r.mde = mde(float(np.std(finite, ddof=1)), 2 * report.alpha / max(1, len(tested)))
        _verdict(r, report.alpha)
    return report


# ---------------------------------------------------------------------------------------------
# command


def _run_candidate(base_path: str, model_spec: str, args: argparse.Namespace, tasks_wanted: list[str]) -> Path:
    """Run the baseline's tasks with the baseline's settings on ``model_spec``; return the results path."""
    from fairbench.api import evaluate
    from fairbench.tasks import resolve_tasks
    from fairbench.tasks.adapters import ADAPTERS
    from fairbench.tasks.registry import AXES, BUILTIN, CASCADE, CHOICE

    base = Results.load(base_path).data
    _check_file(base, base_path)
    s = base["settings"]
    lang = s.get("lang", "en")
    specs = []
    for t in tasks_wanted:
        if t not in base["tasks"]:
            raise UserError(f"{base_path}: has no task {t!r} that the policy checks")
        entry = base["tasks"][t]
        adapter = t.split("_", 1)[0]
        if adapter in ADAPTERS and t in (f"{adapter}_{axis}{form}" for axis in AXES for form in ("", "_choice")):
            # one adapter file makes a task per axis (named so); rerun it as the baseline was run
            raise UserError(f"task {t!r} comes from a peer-set adapter: run the candidate with "
                            f"fairbench run --tasks {adapter}:PATH and pass --candidate FILE")
        # a shipped task by its name (the choice forms and cascade tasks included); a user's file
        # by its path, in the form the baseline ran it
        name = t if t in BUILTIN + CHOICE + CASCADE else (entry.get("data") or {}).get("path")
        if not name:
            raise UserError(f"{base_path}: task {t!r} records no data path to rerun it from")
        form = "choice" if str(entry.get("format", "")).endswith("_choice") else "loglik"
        (spec,) = resolve_tasks(name, lang=lang, form=form)
        want = (base["tasks"][t].get("data") or {}).get("sha256")
        if spec.data_sha256 != want and not args.allow_data_mismatch:
            raise UserError(f"task {t!r}: its data ({spec.data_path}) changed since the baseline ran "
                            f"(sha256 {spec.data_sha256[:12]} vs {str(want)[:12]}); pass --allow-data-mismatch to run anyway")
        spec.name = t  # a user file's task key is its stem, as in the baseline
        specs.append(spec)
    res = evaluate(model_spec, specs, seed=s.get("seed", 1234), limit=s.get("limit"),
                   batch_size=s.get("batch_size", 8), device=args.device, dtype=s.get("dtype", "auto"),
                   lang=lang, bootstrap_iters=s.get("bootstrap_iters", 1000), ci_level=s.get("ci_level", 0.95),
                   samples=s.get("samples", 1), temperature=s.get("temperature", 0.0), output=args.output,
                   threads=s.get("threads"), payload=s.get("payload"), allow_download=args.allow_download)
    path = res.path
    print(f"candidate results: {path}", file=sys.stderr)
    return path


def cmd_gate(args: argparse.Namespace) -> int:
    from fairbench.gate_output import render

    if (args.candidate is None) == (args.candidate_model is None):
        raise UserError("give exactly one of --candidate FILE or --candidate-model MODEL")
    if not 0.5 <= args.ci_level < 1:
        raise UserError("--ci-level must be in [0.5, 1)")
    if args.iters is not None and args.iters < 100:
        raise UserError("--iters must be at least 100")
    policy = load_policy(args.policy) if args.policy else None
    candidate = args.candidate
    if candidate is None:
        base = Results.load(args.baseline).data
        wanted = list(policy) if policy else list(base.get("tasks") or {})
        candidate = str(_run_candidate(args.baseline, args.candidate_model, args, wanted))
    report = compare(args.baseline, candidate, policy=policy, allow_data_mismatch=args.allow_data_mismatch,
                     iters=args.iters, level=args.ci_level)
    render(report, args.format)
    return 1 if report.failed else 0


def add_parser(subparsers) -> argparse.ArgumentParser:
    g = subparsers.add_parser(
        "gate", help="fail (exit 1) when a candidate run regresses against a baseline run",
        description="Paired, direction-aware regression check of a candidate run against a baseline run. "
                    "Exit 0: no check failed; 1: a check regressed or broke a ceiling; 2: bad input.")
    g.add_argument("--baseline", required=True, help="results JSON of the reference run")
    g.add_argument("--candidate", help="results JSON of the run to check")
    g.add_argument("--candidate-model", help="instead of --candidate: run the baseline's tasks and settings on this model")
    g.add_argument("--policy", help="gate policy YAML (docs/gate.md); default: headline metric of every shared task, tolerance 0")
    g.add_argument("--format", choices=("table", "junit", "github"), default="table")
    g.add_argument("--allow-data-mismatch", action="store_true",
                   help="compare tasks whose data sha256 differ (on the item ids both runs share)")
    g.add_argument("--iters", type=int, default=None, help="bootstrap resamples (default: the baseline's bootstrap_iters)")
    g.add_argument("--ci-level", type=float, default=0.95, help="confidence level of the delta CI (default 0.95)")
    g.add_argument("--output", default="results", help="with --candidate-model: folder for the candidate's results")
    g.add_argument("--device", default="auto", help="with --candidate-model: cpu, cuda, cuda:N or auto")
    g.add_argument("--allow-download", action="store_true", help="with --candidate-model: allow fetching from the hub")
    g.set_defaults(fn=cmd_gate)
    return g
