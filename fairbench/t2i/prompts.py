"""The shipped text-to-image prompt sets (data/t2i/*.jsonl) and users' caption files."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from fairbench.errors import UserError

TASKS: tuple[str, ...] = ("t2i_objects", "t2i_occupations", "t2i_identity")
# objects and occupation prompts name no identity group, so they are broken down by domain
# (object category; good/bad/looks-like framing); identity prompts by group
BY: dict[str, str] = {"t2i_objects": "domain", "t2i_occupations": "domain", "t2i_identity": "group"}
REQUIRED = ("id", "prompt", "group", "domain", "objects")


@dataclass
class PromptSet:
    name: str
    path: Path
    sha256: str
    rows: list[dict] = field(default_factory=list)

    @property
    def by(self) -> str:
        return BY.get(self.name) or ("group" if any(r.get("group") for r in self.rows) else "domain")

    def data(self) -> dict:
        return {"path": str(self.path), "sha256": self.sha256, "n_rows": len(self.rows), "lang": "en"}


def t2i_dir() -> Path:
    from fairbench.tasks.paths import data_dir

    return data_dir() / "t2i"


def read_jsonl(path: Path) -> list[dict]:
    from fairbench.tasks.datafile import read_jsonl_lines

    return [row for _, row in read_jsonl_lines(path)]


def load_prompts(name: str) -> PromptSet:
    """One shipped prompt set, checked row by row."""
    from fairbench.tasks.datafile import sha256_file

    if name not in TASKS:
        raise UserError(f"unknown t2i task {name!r}; the t2i tasks are {', '.join(TASKS)}")
    path = t2i_dir() / f"{name}.jsonl"
    if not path.is_file():
        raise UserError(f"{path} is missing (regenerate it with: python data/t2i/build.py)")
    rows = read_jsonl(path)
    for i, row in enumerate(rows, 1):
        missing = [k for k in REQUIRED if k not in row]
        if missing:
            raise UserError(f"{path}: row {i} lacks {missing}")
    return PromptSet(name, path, sha256_file(path), rows)


def resolve_tasks(names: str | list[str]) -> list[PromptSet]:
    """``"all"``, ``"t2i"``, a comma-separated string or a list of t2i task names."""
    if isinstance(names, str):
        names = [n.strip() for n in names.split(",") if n.strip()]
    out: list[str] = []
    for n in names:
        for t in (TASKS if n in ("all", "t2i") else (n,)):
            if t not in out:
                out.append(t)
    if not out:
        raise UserError("no t2i task given")
    return [load_prompts(t) for t in out]
