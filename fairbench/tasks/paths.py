"""Where the shipped prompt sets and lm-eval task configs live."""

from __future__ import annotations

from pathlib import Path

from fairbench.errors import UserError

TASK_DIR = Path(__file__).resolve().parent / "lm_eval"


def data_dir() -> Path:
    # data/ is mapped into the package as fairbench.data (see pyproject.toml), which resolves to
    # the repo's data/ in an editable install and to site-packages in a regular one.
    import fairbench.data

    return Path(fairbench.data.__file__).resolve().parent


def data_file(axis: str, fmt: str, lang: str = "en") -> Path:
    path = data_dir() / f"{axis}_{fmt}.{lang}.jsonl"
    if not path.is_file():
        raise UserError(f"no {lang!r} data for {axis}_{fmt} ({path} is missing)")
    return path


def lexicon_path() -> Path:
    return data_dir() / "identity_lexicon.json"


def cue_groups_path() -> Path:
    """Which lexicon groups count as naming each cue group (data/cue_groups.json)."""
    return data_dir() / "cue_groups.json"
