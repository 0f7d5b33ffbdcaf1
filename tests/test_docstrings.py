"""Every example in a docstring of the package runs and gives what it says (doctest)."""

from __future__ import annotations

import doctest
import importlib
from pathlib import Path

import pytest

import fairbench

ROOT = Path(fairbench.__file__).parent
MODULES = sorted(
    ".".join(("fairbench", *p.relative_to(ROOT).with_suffix("").parts)).removesuffix(".__init__")
    for p in ROOT.rglob("*.py") if ">>>" in p.read_text(encoding="utf-8")
)


def test_examples_were_found():
    assert "fairbench.metrics.bootstrap" in MODULES and "fairbench.control.experiment" in MODULES


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_hold(name):
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0, name
