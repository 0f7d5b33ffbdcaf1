"""The results files: one versioned JSON per run plus per-item JSONL (docs/results-schema.md).

Writes go to a temporary file in the same folder and are renamed into place, so a reader (or a
run killed with Ctrl-C) never sees half a file.
"""

from __future__ import annotations

import json
import os
import platform
import tempfile
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


def load_results(path: str | Path) -> dict:
    """Read and check a results JSON; bad files are a UserError naming what is wrong."""
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
    return data


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
