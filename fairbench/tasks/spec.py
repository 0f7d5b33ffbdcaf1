"""What a resolved task is: the one type the registry, the cascade tasks and the runner share
(its own module, so the cascade tasks need not import the registry that lists them)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass
class TaskSpec:
    name: str           # the name fairbench reports (caste_pairs, or the user's file stem)
    fmt: str            # pairs | qa | gen
    lang: str
    data_path: Path
    lm_eval: str | dict  # a registered lm-eval task name, or an inline config for a user file
    lm_eval_name: str
    rows: list[dict]
    data_sha256: str

    @property
    def chat(self) -> bool:
        """Whether its prompts go through a chat template: generation and cascade prompts ask an
        instruct model; scoring tasks mirror lm-eval's raw prompts (``Format.chat``)."""
        from fairbench.formats import get_format

        return get_format(self.fmt).chat

    @property
    def groups(self) -> list[str]:
        return sorted({r["group"] for r in self.rows if r.get("group")})
