"""Reading prompt-set files (ours and users' own) into validated rows.

The format is detected from the columns, so a user's CrowS-Pairs CSV or BBQ JSONL runs as a
task unchanged. Every problem is reported with the file and line so the user can fix it.
"""

from __future__ import annotations

import csv
import io
import hashlib
import json
from pathlib import Path

from fairbench.errors import UserError

# columns that identify a format, and the columns each row must then have
SIGNATURES: dict[str, tuple[str, ...]] = {
    "pairs": ("sent_more", "sent_less"),
    "qa": ("context", "question", "ans0", "ans1", "ans2", "label", "context_condition",
           "question_polarity", "answer_info", "additional_metadata"),
    "gen": ("prompt",),
    # name-cued decisions: two prompts that differ in one thing, scored by their two answers
    # (favourable first); docs/data-format.md
    "decisions": ("prompt_a", "prompt_b", "options"),
}
DECISION_ROLES = ("name", "placebo", "qual")


def sha256_file(path: str | Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _utf8_text(path: str | Path) -> str:
    """The file as text; bytes that are not UTF-8 are a UserError naming the file and line."""
    data = Path(path).read_bytes()
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as e:
        line = data[:e.start].count(b"\n") + 1
        raise UserError(f"{path}:{line}: not UTF-8 text (byte {data[e.start]:#04x}); save the file as UTF-8") from None


def read_jsonl_lines(path: str | Path) -> list[tuple[int, dict]]:
    """(line number, object) pairs of a JSONL file, blank lines skipped; a bad line is a
    UserError naming the file and its 1-based line, as an editor shows it."""
    rows = []
    # (str.splitlines would also split inside a string at U+2028)
    for i, line in enumerate(_utf8_text(path).split("\n"), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as e:
            raise UserError(f"{path}:{i}: not valid JSON ({e.msg})") from None
        if not isinstance(row, dict):
            raise UserError(f"{path}:{i}: expected a JSON object per line")
        rows.append((i, row))
    return rows


def raw_rows(path: Path) -> list[tuple[int, dict]]:
    """(line number, row) pairs; line numbers are 1-based as an editor shows them."""
    if path.suffix == ".jsonl":
        return read_jsonl_lines(path)
    if path.suffix == ".csv":
        reader = csv.DictReader(io.StringIO(_utf8_text(path), newline=""))
        # the header is line 1; csv rows can span lines, so use the reader's own count
        return [(reader.line_num, dict(row)) for row in reader]
    raise UserError(f"{path}: unsupported file type {path.suffix!r} (use .jsonl or .csv)")


def detect_format(columns: set[str], path: Path) -> str:
    for fmt in ("qa", "pairs", "decisions", "gen"):
        if SIGNATURES[fmt][0] in columns and (fmt != "qa" or "question" in columns):
            return fmt
    raise UserError(
        f"{path}: cannot tell the format from columns {sorted(columns)}; expected CrowS-Pairs "
        "(sent_more, sent_less), BBQ (context, question, ans0..ans2, ...), decisions (prompt_a, "
        "prompt_b, options) or gen (prompt)"
    )


def decision_options(value) -> list[str]:
    """A decision row's two answers: a JSON list, or one string "Yes|No" (a CSV cell)."""
    if isinstance(value, str):
        return [v.strip() for v in value.split("|")]
    return [str(v).strip() for v in value] if isinstance(value, (list, tuple)) else []


def _check_row(fmt: str, row: dict, where: str) -> None:
    missing = [c for c in SIGNATURES[fmt] if c not in row or row[c] in (None, "")]
    if missing:
        raise UserError(f"{where}: missing {', '.join(missing)}")
    if fmt == "pairs" and row["sent_more"] == row["sent_less"]:
        raise UserError(f"{where}: sent_more and sent_less are identical")
    if fmt == "decisions":
        options = decision_options(row["options"])
        if len(options) != 2 or len(set(options)) != 2 or not all(options):
            raise UserError(f"{where}: options must be two different answers, favourable first "
                            f"(a list or 'Yes|No'), got {row['options']!r}")
        if row["prompt_a"] == row["prompt_b"]:
            raise UserError(f"{where}: prompt_a and prompt_b are identical")
        if (row.get("role") or "name") not in DECISION_ROLES:
            raise UserError(f"{where}: role must be one of {', '.join(DECISION_ROLES)}, got {row['role']!r}")
    if fmt == "qa":
        from fairbench.metrics.bbq import answer_roles

        try:
            label = int(row["label"])
        except (TypeError, ValueError):
            raise UserError(f"{where}: label must be 0, 1 or 2, got {row['label']!r}") from None
        if label not in (0, 1, 2):
            raise UserError(f"{where}: label must be 0, 1 or 2, got {label}")
        if row["context_condition"] not in ("ambig", "disambig"):
            raise UserError(f"{where}: context_condition must be ambig or disambig")
        if row["question_polarity"] not in ("neg", "nonneg"):
            raise UserError(f"{where}: question_polarity must be neg or nonneg")
        try:
            answer_roles(row)
        except (KeyError, TypeError, ValueError) as e:
            raise UserError(f"{where}: bad answer_info/stereotyped_groups: {e}") from None


def read_rows(path: str | Path, fmt: str | None = None) -> tuple[str, list[dict]]:
    """Load and validate a prompt-set file; returns (format, rows).

    Rows get an ``id`` (kept if present, else ``STEM-LINE``), a ``group`` and a ``domain``
    (kept if present; for CrowS-Pairs the bias_type, for BBQ the stereotyped groups), so that
    every format disaggregates the same way.
    """
    path = Path(path)
    if not path.is_file():
        raise UserError(f"{path}: no such file")
    raw = raw_rows(path)
    if not raw:
        raise UserError(f"{path}: no rows")
    fmt = fmt or detect_format(set(raw[0][1]), path)
    rows, seen = [], set()
    for line, row in raw:
        where = f"{path}:{line}"
        _check_row(fmt, row, where)
        row = dict(row)
        if fmt == "qa":
            row["label"] = int(row["label"])
            row.setdefault("group", "/".join(row["additional_metadata"].get("stereotyped_groups", [])))
        if fmt == "pairs":
            row.setdefault("group", row.get("bias_type", ""))
        if fmt == "decisions":
            row["options"] = decision_options(row["options"])
            row["role"] = row.get("role") or "name"
            if row["role"] != "name":  # placebo and qualification checks are no group's gap
                row["group"] = ""
        row["id"] = str(row.get("id") or f"{path.stem}-{line}")
        if row["id"] in seen:
            raise UserError(f"{where}: duplicate id {row['id']!r}")
        seen.add(row["id"])
        row.setdefault("group", "")
        row.setdefault("domain", "")
        # the unit the bootstrap resamples: a ``cluster`` column if the file has one; for BBQ
        # files the template (question_index: every fill of one BBQ template shares it);
        # otherwise each row is its own cluster
        if row.get("cluster") in (None, ""):
            qi = row.get("question_index") if fmt == "qa" else None
            row["cluster"] = f"q{qi}" if qi not in (None, "") else row["id"]
        row["cluster"] = str(row["cluster"])
        row = {k: v for k, v in row.items() if k != ""}  # pandas-style unnamed index column
        rows.append(row)
    return fmt, rows
