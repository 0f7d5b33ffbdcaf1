#!/usr/bin/env bash
# The test suite, installs included: what CI runs (.ci/run) and what the README tells users.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
# the leaderboard page is checked in a real headless browser (Debian's chromium); those tests
# skip with a reason where it cannot be installed
if ! command -v chromium >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
  (apt-get install -y -q chromium >/dev/null 2>&1 || { apt-get update -q >/dev/null 2>&1 && apt-get install -y -q chromium >/dev/null 2>&1; }) \
    || echo "note: chromium not installed; browser checks will skip"
fi
export HF_HUB_OFFLINE=1 HF_DATASETS_OFFLINE=1 WANDB_MODE=disabled
.venv/bin/python -m pytest -q --doctest-modules fairbench tests "$@"
