"""The concept library: example sentences per concept, the neutral corpus, the batteries.

Everything is read from ``data/lens/`` (built by ``data/lens/build.py`` from templates written
for fairbench). Concepts are data: a new target or group is a new entry there, not code.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from fairbench.errors import UserError

LENS_TASKS = ("lens_caste", "lens_religion")


def lens_dir() -> Path:
    from fairbench.tasks.paths import data_dir

    return data_dir() / "lens"


@dataclass(frozen=True)
class Concept:
    name: str
    role: str  # target | reference
    kind: str  # person | trait
    axis: str  # caste | religion for references, "" for targets
    valence: int  # +1 favourable, -1 unfavourable, 0 neither (targets only)
    forms: tuple[str, ...]
    sentences: tuple[str, ...]


@dataclass(frozen=True)
class Triple:
    id: str
    target: str
    r1: str
    r2: str

    @property
    def refs(self) -> str:
        return f"{self.r1}|{self.r2}"


@dataclass(frozen=True)
class Battery:
    name: str
    axis: str
    triples: tuple[Triple, ...]
    path: Path
    sha256: str  # over the battery, the concept sentences and the neutral corpus

    @property
    def concepts(self) -> list[str]:
        seen: dict[str, None] = {}
        for t in self.triples:
            seen.update(dict.fromkeys((t.target, t.r1, t.r2)))
        return list(seen)


def _read(path: Path):
    if not path.is_file():
        raise UserError(f"{path} is missing; rebuild it with python data/lens/build.py")
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".jsonl":
        return [json.loads(line) for line in text.splitlines() if line.strip()]
    return json.loads(text)


def _sha(*paths: Path) -> str:
    h = hashlib.sha256()
    for p in paths:
        h.update(p.name.encode())
        h.update(hashlib.sha256(p.read_bytes()).digest())
    return h.hexdigest()


@lru_cache(maxsize=4)
def load_concepts(root: str | None = None) -> dict[str, Concept]:
    """Every concept of the library, by name."""
    raw = _read(Path(root or lens_dir()) / "concepts.json")["concepts"]
    return {name: Concept(name, c["role"], c["kind"], c.get("axis", ""), int(c.get("valence", 0)),
                          tuple(c["forms"]), tuple(c["sentences"]))
            for name, c in raw.items()}


@lru_cache(maxsize=4)
def load_neutral(root: str | None = None) -> tuple[str, ...]:
    """The neutral corpus every probe is trained against."""
    return tuple(r["text"] for r in _read(Path(root or lens_dir()) / "neutral.jsonl"))


def library_sha(root: str | None = None) -> str:
    d = Path(root or lens_dir())
    return _sha(d / "concepts.json", d / "neutral.jsonl")


def concept(name: str, *, role: str | None = None) -> Concept:
    """Look a concept up by name (case-insensitive); unknown names are a UserError."""
    lib = load_concepts()
    by_lower = {k.lower(): v for k, v in lib.items()}
    c = by_lower.get(name.strip().lower())
    if c is None or (role is not None and c.role != role):
        names = sorted(k for k, v in lib.items() if role is None or v.role == role)
        what = {"target": "target", "reference": "reference group"}.get(role or "", "concept")
        raise UserError(f"unknown {what} {name!r}; known: {', '.join(names)}")
    return c


def parse_refs(refs: str) -> tuple[str, str]:
    """``"Brahmin,Dalit"`` -> the two reference concept names, checked."""
    parts = [p for p in (x.strip() for x in refs.split(",")) if p]
    if len(parts) != 2:
        raise UserError(f"--refs takes exactly two reference groups separated by a comma, got {refs!r}")
    a, b = (concept(p, role="reference").name for p in parts)
    if a == b:
        raise UserError(f"--refs names the same group twice ({a})")
    return a, b


def load_battery(name: str, *, limit: int | None = None) -> Battery:
    """A battery of (target, r1, r2) triples (``lens_caste``, ``lens_religion``)."""
    if name not in LENS_TASKS:
        raise UserError(f"unknown lens task {name!r}; known: {', '.join(LENS_TASKS)}")
    d = lens_dir()
    path = d / f"{name}.json"
    raw = _read(path)
    lib = load_concepts()
    triples = []
    for t in raw["triples"]:
        for key in ("target", "r1", "r2"):
            if t[key] not in lib:
                raise UserError(f"{path}: triple {t['id']} names unknown concept {t[key]!r}")
        triples.append(Triple(t["id"], t["target"], t["r1"], t["r2"]))
    if limit is not None:
        triples = triples[:limit]
    return Battery(name, raw["axis"], tuple(triples), path, _sha(path, d / "concepts.json", d / "neutral.jsonl"))
