"""One Format per task format (fairbench/formats.py): what the rest of the code reads from it."""

import math

import pytest

from fairbench.formats import FORMATS, Format, get_format, register
from fairbench.metrics import pair_record, qa_record
from fairbench.tasks.paths import TASK_DIR
from fairbench.tasks.registry import resolve_tasks


def test_every_format_is_registered_once_with_a_headline():
    assert set(FORMATS) == {"pairs", "qa", "pairs_choice", "qa_choice", "gen", "decisions", "decisions_choice",
                            "cascade", "lens", "t2i"}
    for name, fmt in FORMATS.items():
        assert fmt.name == name
        assert fmt.headline is fmt.metrics[0]
        assert len({m.name for m in fmt.metrics}) == len(fmt.metrics), name


def test_registering_a_name_twice_or_asking_for_an_unknown_one_fails():
    with pytest.raises(ValueError, match="twice"):
        register(Format("pairs", (), lambda r: {}, by="group"))
    with pytest.raises(KeyError, match="unknown format 'bogus'; formats: pairs"):
        get_format("bogus")
    with pytest.raises(KeyError, match="has no metric 'nope'"):
        get_format("qa").metric("nope")


def test_the_lm_eval_templates_of_the_formats_exist():
    for fmt in FORMATS.values():
        if fmt.template is not None:
            assert (TASK_DIR / fmt.template).is_file(), fmt.name


def test_tasks_take_their_chat_flag_and_breakdown_key_from_their_format():
    from fairbench.runner import breakdown_key

    tasks = {t.name: t for t in resolve_tasks("caste,cascade_ads")}
    assert [n for n, t in tasks.items() if t.chat] == ["caste_gen", "cascade_ads"]
    assert breakdown_key(tasks["caste_pairs"]) == "group"
    assert breakdown_key(tasks["cascade_ads"]) == "domain"


def test_columns_read_the_records_the_metrics_modules_write():
    pairs = get_format("pairs").columns([pair_record(-1.0, -2.0), pair_record(-3.0, -1.0, -0.5, -0.7)])
    assert pairs["ll_more"].tolist() == [-1.0, -3.0]
    assert math.isnan(pairs["cll_more"][0]) and pairs["cll_less"][1] == -0.7
    doc = resolve_tasks("caste_qa")[0].rows[0]  # a shipped BBQ-style row
    qa = get_format("qa").columns([qa_record(doc, [-1.0, -2.0, -0.5])])
    assert qa["pred"].tolist() == [2] and qa["label"].tolist() == [int(doc["label"])]
    assert qa["ambig"].tolist() == [doc["context_condition"] == "ambig"]
