"""lm-eval's own crows_pairs task config, pointed at a local CrowS-Pairs CSV.

For comparison runs only (bench/crows_religion.py and tests/test_lm_eval_parity.py, which loads
this file by its path): the config, prompt and scoring are lm-eval's files, unchanged; only the
dataset source moves from the hub to a local path. It lives in bench/, not the package, because
no fairbench command uses it.
"""

from __future__ import annotations

from pathlib import Path


def lm_eval_crows_pairs_config(csv_path: str | Path, *, subset: str | None = None) -> dict:
    """lm-eval's ``crows_pairs_english[_SUBSET]`` config reading ``csv_path``.

    ``subset`` is one of lm-eval's crows_pairs_english_* suffixes (e.g. ``religion``); its
    process_docs filter is lm-eval's own.
    """
    import lm_eval
    from lm_eval.tasks._yaml_loader import load_yaml

    name = "crows_pairs_english" + (f"_{subset}" if subset else "")
    cfg = load_yaml(Path(lm_eval.__file__).parent / "tasks" / "crows_pairs" / f"{name}.yaml")
    cfg.pop("dataset_name", None)
    cfg.pop("tag", None)
    cfg.update(task=f"{name}_local", dataset_path="csv",
               dataset_kwargs={"data_files": {"test": str(Path(csv_path).resolve())}})
    return cfg
