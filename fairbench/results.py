"""The results files: one versioned JSON per run plus per-item JSONL (docs/results-schema.md).

Writes go to a temporary file in the same folder and are renamed into place, so a reader (or a
run killed with Ctrl-C) never sees half a file.
"""

from __future__ import annotations

import json
import os
import platform
import re
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterable

from fairbench.errors import UserError

SCHEMA_VERSION = 1


def versions() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    out = {}
    for pkg in ("fairbench", "lm_eval", "transformers", "torch", "numpy", "datasets"):
        try:
            out[pkg] = version(pkg.replace("_", "-") if pkg == "lm_eval" else pkg)
        except PackageNotFoundError:
            out[pkg] = "not installed"
    out["python"] = platform.python_version()
    return out


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _atomic_write(path: Path, write, *, exclusive: bool = False) -> bool:
    """Write ``path`` through a temporary file renamed into place. ``exclusive``: only if
    ``path`` does not exist yet (a hard link, which fails on an existing name, in one step);
    returns False when it did exist, leaving it untouched."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        # mkstemp makes the file private (0600); results are meant to be shared like any file
        os.chmod(tmp, 0o666 & ~_umask())
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            write(f)
            f.flush()
            os.fsync(f.fileno())
        if not exclusive:
            os.replace(tmp, path)
            return True
        try:
            os.link(tmp, path)
        except FileExistsError:
            return False
        finally:
            Path(tmp).unlink(missing_ok=True)
        return True
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_json(path: Path, data: dict) -> None:
    _atomic_write(path, lambda f: json.dump(data, f, indent=2, ensure_ascii=False))


def write_text(path: Path, text: str) -> None:
    _atomic_write(path, lambda f: f.write(text))


def create_json(path: Path, data: dict) -> bool:
    """Write ``path`` only if no file has that name (False, untouched, when one has)."""
    return _atomic_write(path, lambda f: json.dump(data, f, indent=2, ensure_ascii=False), exclusive=True)


def write_jsonl(path: Path, rows: Iterable[dict]) -> None:
    def write(f):
        for row in rows:
            f.write(json.dumps(row, ensure_ascii=False) + "\n")

    _atomic_write(path, write)


def run_stem(label: str, stamp) -> str:
    """``{label slug}_{YYYYmmdd-HHMMSS}``: what a run's files are named by."""
    slug = re.sub(r"[^A-Za-z0-9_.-]+", "-", label).strip("-")[:60] or "model"
    return f"{slug}_{stamp:%Y%m%d-%H%M%S}"


class Interrupted(KeyboardInterrupt):
    """Ctrl-C during a run; the message says what was kept and where."""


class RunWriter:
    """One run's results and samples files, from its first line to its status.

    Every command that makes a results file (run, lens, t2i, rescore) writes through this, so
    they share one set of rules: the run id is unique in the output folder (two runs started in
    the same second get ``-2``, ``-3``, ...) and is claimed by creating the results file
    exclusively, so no run ever overwrites another's; the header (schema, status, versions, model,
    settings) is the same for all; each ``add_task`` rewrites both files atomically, so an
    interrupted run keeps every finished task; ``finish`` marks the run complete.

    ``main=False`` (the other processes of a multi-process run) writes nothing.
    """

    def __init__(self, output: str | Path, label: str | None = None, *, model: dict, settings: dict,
                 mitigation: dict | None = None, extra_versions: dict | None = None, stem: str | None = None,
                 header: dict | None = None, main: bool = True):
        self.output = Path(output)
        if self.output.exists() and not self.output.is_dir():
            raise UserError(f"--output {self.output} is a file, not a folder")
        self.main = main
        self.started = time.time()
        stamp = datetime.now(timezone.utc)
        base = stem or run_stem(label or model.get("spec") or "model", stamp)
        self.data = {
            "schema_version": SCHEMA_VERSION,
            "status": "incomplete",
            "run_id": base,
            "created": stamp.isoformat(timespec="seconds"),
            "wall_time_s": 0.0,
            "versions": versions() | (extra_versions or {}),
            "model": model,
            "mitigation": mitigation,
            "settings": settings,
            "samples_file": None,
            "tasks": {},
        } | (header or {})
        self.rows: list[dict] = []
        for k in range(1, 1000):
            run_id = base if k == 1 else f"{base}-{k}"
            self.path = self.output / f"{run_id}.json"
            self.samples_path = self.output / f"{run_id}.samples.jsonl"
            self.data |= {"run_id": run_id, "samples_file": self.samples_path.name}
            if not main:
                break  # rank 0 claims the id; the other processes only need to know they write nothing
            if self.samples_path.exists():
                continue
            if create_json(self.path, self.data):  # the claim: fails if another run took the name
                write_jsonl(self.samples_path, [])  # so the results file never names a missing file
                break
        else:
            raise UserError(f"{self.output}: no free run id for {base}")

    @property
    def run_id(self) -> str:
        return self.data["run_id"]

    def add_task(self, name: str, entry: dict, rows: list[dict]) -> None:
        """One finished task: its entry and per-item rows, written at once."""
        self.data["tasks"][name] = entry
        self.rows += rows
        self._write()

    def finish(self, **extra) -> "Results":
        """Mark the run complete (``extra`` keys go into the results, e.g. timings)."""
        self._time()
        self.data |= extra
        self.data["status"] = "complete"
        self._write(timed=False)
        return Results(self.path, self.data, main=self.main)

    def kept(self) -> str:
        """What an interrupted run kept and where, for the message the user sees."""
        done = list(self.data["tasks"])
        if done:
            return f"{len(done)} finished task(s) ({', '.join(done)}) kept in {self.path}"
        return f"no task had finished; {self.path} holds the run's settings only"

    def interrupted(self) -> str:
        """The one line a command stopped by Ctrl-C ends with (raised as ``Interrupted``): what it
        kept, where, and that the file's status stays incomplete."""
        return f"interrupted; {self.kept()} (status incomplete)"

    @contextmanager
    def interruptible(self):
        """Wrap a command's work after its file is claimed: Ctrl-C inside keeps the tasks already
        written (each ``add_task`` rewrote the files) and becomes ``Interrupted`` saying so."""
        try:
            yield self
        except Interrupted:
            raise
        except KeyboardInterrupt:
            raise Interrupted(self.interrupted()) from None

    def _time(self) -> None:
        self.data["wall_time_s"] = round(time.time() - self.started, 2)

    def _write(self, *, timed: bool = True) -> None:
        if timed:
            self._time()
        if not self.main:
            return
        write_jsonl(self.samples_path, self.rows)  # samples first: the results never run ahead of them
        write_json(self.path, self.data)


def load_results(path: str | Path) -> dict:
    """Read and check a results JSON: the one reader under ``show``, the gate, the leaderboard
    and ``Results.load``. Bad files are a UserError naming what is wrong, so no consumer needs
    checks of its own for the structure every results file has."""
    path = Path(path)
    if not path.is_file():
        raise UserError(f"{path}: no such results file")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as e:
        raise UserError(f"{path}: not a JSON results file ({e})") from None
    if not isinstance(data, dict) or "schema_version" not in data:
        raise UserError(f"{path}: not a fairbench results file (no schema_version)")
    if data["schema_version"] != SCHEMA_VERSION:
        raise UserError(f"{path}: schema_version {data['schema_version']} is not supported (this fairbench reads {SCHEMA_VERSION})")
    for key in ("model", "tasks", "settings"):
        if key not in data:
            raise UserError(f"{path}: results file lacks {key!r}")
        if not isinstance(data[key], dict):
            raise UserError(f"{path}: {key!r} must be a mapping")
    if "sha256" not in data["model"]:
        raise UserError(f"{path}: model has no sha256")
    mit = data.get("mitigation")
    if mit is not None and not isinstance(mit, dict):
        raise UserError(f"{path}: 'mitigation' must be null or a mapping")
    for name, task in data["tasks"].items():
        if not isinstance(task, dict) or not isinstance(task.get("metrics"), dict) \
                or task.get("headline") not in task["metrics"]:
            raise UserError(f"{path}: task {name!r} has no metrics or no headline metric")
        if not isinstance(task.get("format"), str):
            raise UserError(f"{path}: task {name!r} has no format")
    return data


@dataclass(frozen=True)
class TaskResult:
    """One task's entry of a results file, typed (the dict is ``raw``)."""

    name: str
    format: str
    headline: str
    metrics: dict[str, dict]  # metric name -> value, ci, n, direction, ...
    groups: dict[str, dict]  # group -> {"n", "metrics"}
    n: int | None
    data: dict  # the task data's path, sha256, n_rows, lang
    raw: dict

    @property
    def lang(self) -> str:
        return self.data.get("lang") or "en"

    def metric(self, name: str | None = None) -> dict:
        """One metric's entry; the headline by default."""
        name = name or self.headline
        if name not in self.metrics:
            raise KeyError(f"task {self.name!r} has no metric {name!r}; it has {list(self.metrics)}")
        return self.metrics[name]


@dataclass(frozen=True)
class Results:
    """A run's results file (docs/results-schema.md) and where it is: what ``fairbench.evaluate``
    returns and what ``Results.load`` reads back (through ``load_results``)."""

    path: Path
    data: dict
    main: bool = True  # False in the other processes of a multi-process run (rank 0 writes)

    @classmethod
    def load(cls, path: str | Path) -> "Results":
        return cls(Path(path), load_results(path))

    @property
    def status(self) -> str:
        return self.data.get("status") or "unknown"

    @property
    def complete(self) -> bool:
        return self.status == "complete"

    @property
    def tasks(self) -> list[str]:
        return list(self.data["tasks"])

    @property
    def model(self) -> dict:
        return self.data["model"]

    @property
    def settings(self) -> dict:
        return self.data["settings"]

    @property
    def mitigation(self) -> dict | None:
        return self.data.get("mitigation")

    @property
    def samples_path(self) -> Path:
        return self.path.parent / self.data["samples_file"]

    def task(self, name: str) -> TaskResult:
        if name not in self.data["tasks"]:
            raise KeyError(f"no task {name!r} in {self.path}; it has {self.tasks}")
        t = self.data["tasks"][name]
        return TaskResult(name=name, format=t["format"], headline=t["headline"], metrics=t["metrics"],
                          groups=t.get("groups") or {}, n=t.get("n"), data=t.get("data") or {}, raw=t)

    def metric(self, task: str, name: str | None = None) -> dict:
        """One metric's entry (value, ci, n, direction, ...); the task's headline by default."""
        return self.task(task).metric(name)

    def value(self, task: str, name: str | None = None) -> float | None:
        return self.metric(task, name)["value"]

    def ci(self, task: str, name: str | None = None) -> list[float] | None:
        return self.metric(task, name)["ci"]

    def samples(self) -> list[dict]:
        """The per-item rows (the samples file)."""
        return load_samples(self.path, self.data)


def load_samples(results_path: str | Path, results: dict) -> list[dict]:
    """The per-item records that belong to a results file (its ``samples_file``, beside it)."""
    path = Path(results_path).parent / results.get("samples_file", "")
    if not results.get("samples_file") or not path.is_file():
        raise UserError(f"{results_path}: its samples file {path.name or '(none)'} is missing")
    rows = []
    with open(path, encoding="utf-8") as f:
        for i, line in enumerate(f, 1):
            try:
                rows.append(json.loads(line))
            except json.JSONDecodeError:
                raise UserError(f"{path}:{i}: not valid JSON") from None
    return rows
