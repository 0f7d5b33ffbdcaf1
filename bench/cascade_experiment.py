"""Run the cascade experiment without the ``fairbench`` entry point (same options as
``fairbench cascade``), offline, with lm-eval's expected warnings quieted.

    .venv/bin/python bench/cascade_experiment.py --threads 1 --output results/cascade-cpu
"""

from __future__ import annotations

import argparse
import logging
import os
import sys

for var in ("HF_HUB_OFFLINE", "HF_DATASETS_OFFLINE", "TRANSFORMERS_OFFLINE"):
    os.environ.setdefault(var, "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
logging.getLogger("lm_eval").setLevel(logging.ERROR)

from fairbench.cascade.cli import add_parser  # noqa: E402
from fairbench.errors import UserError  # noqa: E402

if __name__ == "__main__":
    parser = argparse.ArgumentParser(prog="cascade_experiment")
    add_parser(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(["cascade", *sys.argv[1:]])
    try:
        sys.exit(args.fn(args))
    except UserError as e:
        print(f"cascade: error: {e}", file=sys.stderr)
        sys.exit(2)
