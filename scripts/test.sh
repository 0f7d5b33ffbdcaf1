#!/usr/bin/env bash
# The test suite, installs included: what CI runs (.ci/run) and what the README tells users.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export HF_HUB_OFFLINE=1 HF_DATASETS_OFFLINE=1 WANDB_MODE=disabled
.venv/bin/python data/build.py --check
.venv/bin/python -m pytest -q --doctest-modules fairbench tests "$@"
