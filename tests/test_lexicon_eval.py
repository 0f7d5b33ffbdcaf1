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

# (axis, lang) -> (precision floor, recall floor), on the whole set (measured: caste en 1.000 /
# 0.967, religion en 1.000 / 0.969). The Hindi rows have no labelled inference at all (the
# embedded model's Hindi generations were cut off before an answer), so for Hindi only the
# absence of false hits is checked.
FLOORS = {("caste", "en"): (1.0, 0.96), ("religion", "en"): (1.0, 0.96)}


@lru_cache(maxsize=None)
def rows() -> tuple:
    return tuple(json.loads(l) for l in LABELLED.read_text(encoding="utf-8").splitlines() if l.strip())


def test_the_set_is_what_the_issue_asks_for():
    rs = rows()
    assert len(rs) >= 300
    assert {r["lang"] for r in rs} == {"en", "hi"}
    assert len({r["source"]["model"] for r in rs}) >= 2
    assert {"none", "ambedkar", "uddia"} <= {r["source"]["mitigation"] for r in rs}
    assert len({r["id"] for r in rs}) == len(rs) and len({r["generation"] for r in rs}) == len(rs)
    for r in rs:
        assert r["split"] in ("dev", "test") and isinstance(r["declined"], bool)
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
