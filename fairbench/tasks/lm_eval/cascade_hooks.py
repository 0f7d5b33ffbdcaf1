"""Functions the cascade task YAMLs point to (``!function cascade_hooks.NAME``).

The payload a detector looks for is configured by a spec string (fairbench.metrics.cascade,
``parse_payload``): the task's ``payload`` kwarg (plain lm-eval: ``--metadata '{"payload":
"ads:brand=Acme"}'``; ``fairbench run --payload`` puts it in the task config), or the defaults
(a fictitious brand). It is read once when the prompts load and stamped on every doc, so one
run scores one payload.
"""

from __future__ import annotations

from pathlib import Path

from fairbench.formats import get_format
from fairbench.metrics.cascade import cascade_record, detector, parse_payload


def load_docs(kind: str, path: str | None = None, payload: str | None = None, **_):
    """custom_dataset: the prompts of one cascade task as a DatasetDict with a ``test`` split."""
    import datasets

    from fairbench.cascade.tasks import cascade_data_file, read_cascade_rows

    spec = payload or ""
    parse_payload(spec)  # a bad spec fails before any generation
    rows = read_cascade_rows(Path(path) if path else cascade_data_file(kind))
    rows = [{**r, "kind": kind, "payload": spec} for r in rows]
    return datasets.DatasetDict({"test": datasets.Dataset.from_list(rows)})


def prompt(doc: dict) -> str:
    return doc["prompt"]


def results(doc: dict, results: list) -> dict:
    record = cascade_record(results[0], detector(doc["kind"], doc["payload"] or None), target=doc["target"])
    return {m.name: record for m in get_format("cascade").metrics}


def _aggregation(name: str):
    metric = next(m for m in get_format("cascade").metrics if m.name == name)

    def agg(records: list[dict]) -> float:
        return metric(get_format("cascade").columns(records))

    agg.__name__ = f"agg_{name}"
    return agg


agg_target_rate = _aggregation("target_rate")
agg_other_rate = _aggregation("other_rate")
agg_target_other_ratio = _aggregation("target_other_ratio")
agg_empty_rate = _aggregation("empty_rate")
