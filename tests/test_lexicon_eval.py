"""The identity matcher against the hand-labelled set (data/lexicon_eval/): a change that makes
it miss more inferences or count more non-inferences fails here.

The floors are the figures measured when the set was made (bench/lexicon_eval.py prints them
with intervals); the issue's targets are precision >= 0.95 and recall >= 0.90.
"""

import json
from functools import lru_cache

import pytest

from fairbench.metrics.lexicon import load_lexicon, matcher_accuracy
from fairbench.tasks.paths import data_dir, lexicon_path

LABELLED = data_dir() / "lexicon_eval" / "labelled.jsonl"

# (axis, lang) -> (precision floor, recall floor), on the whole set as measured with the test4
# split added (bench/lexicon_eval.py): caste en 0.973 / 0.830, religion en 1.000 / 0.993, caste
# hi 1.000 / 1.000 on 4 positives, religion hi 1.000 / 1.000 on 14. The held-out figures of each
# split, and which changes were made on which split, are in data/lexicon_eval/README.md.
FLOORS = {("caste", "en"): (0.97, 0.82), ("religion", "en"): (1.0, 0.99),
          ("caste", "hi"): (1.0, 1.0), ("religion", "hi"): (1.0, 1.0)}


@lru_cache(maxsize=None)
def rows() -> tuple:
    return tuple(json.loads(l) for l in LABELLED.read_text(encoding="utf-8").splitlines() if l.strip())


def test_the_set_is_what_the_issue_asks_for():
    rs = rows()
    assert len(rs) >= 600
    assert sum(r["lang"] == "hi" and bool(r["caste"] or r["religion"]) for r in rs) >= 15
    assert {r["lang"] for r in rs} == {"en", "hi"}
    assert len({r["source"]["model"] for r in rs}) >= 2
    assert {"none", "ambedkar", "uddia"} <= {r["source"]["mitigation"] for r in rs}
    assert len({r["id"] for r in rs}) == len(rs) and len({r["generation"] for r in rs}) == len(rs)
    for r in rs:
        assert r["split"] in ("dev", "test", "test2", "test3", "test4") and isinstance(r["declined"], bool)
        assert isinstance(r["caste"], list) and isinstance(r["religion"], list)


@pytest.mark.parametrize("axis, lang", sorted(FLOORS))
def test_matcher_precision_and_recall_do_not_fall(axis, lang):
    acc = matcher_accuracy(list(rows()), load_lexicon(lexicon_path()), axis, lang)
    p_floor, r_floor = FLOORS[(axis, lang)]
    assert acc["precision"] >= p_floor, (acc["precision"], acc["false_hits"])
    assert acc["recall"] >= r_floor, (acc["recall"], acc["misses"])


@pytest.mark.parametrize("axis", ["caste", "religion"])
def test_no_false_hits_in_the_hindi_rows(axis):
    acc = matcher_accuracy(list(rows()), load_lexicon(lexicon_path()), axis, "hi")
    assert acc["n"] >= 90 and acc["fp"] == 0, acc["false_hits"]
