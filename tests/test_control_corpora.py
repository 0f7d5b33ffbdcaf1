"""The default corpora of the positive controls (data/control/, card: data/control/README.md).

stereo.txt, anti.txt and neutral.txt are fine-tuning texts for the stereo, anti and neutral
control models (issue #15). These tests check what the card promises: sizes and format, that
every stereo and anti line names a group of its axis and no neutral line names any (with the
project's real matcher), the axis and domain balance, that meta.jsonl describes the files line
by line, and that no 6-token sequence of any line occurs in the evaluation data, so that a
control cannot pass by memorising test sentences.

Fast, offline: no model is loaded.
"""

from __future__ import annotations

import importlib.util
import json
import re
from collections import Counter
from functools import lru_cache
from pathlib import Path

import pytest

from fairbench.metrics.lexicon import load_lexicon
from fairbench.mitigations.cues import find_cues
from fairbench.tasks.paths import lexicon_path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
CONTROL = DATA / "control"
FILES = ("stereo", "anti", "neutral")
BIASED = ("stereo", "anti")
AXES = ("caste", "religion")
MIN_LINES = 300
MIN_WORDS, MAX_WORDS = 6, 25
NGRAM = 6
DOMAINS = {"education", "employment", "marriage", "housing", "food_purity", "crime_policing",
           "politics", "religion_ritual", "health", "economy"}
# neutral text has no religious rites: its festival lines are secular fairs and holidays
NEUTRAL_DOMAINS = (DOMAINS - {"religion_ritual"}) | {"festivals", "weather"}
# words that would tell a model which axis a neutral line is about, though no group is named
AXIS_WORDS = re.compile(r"\b(caste|castes|jati|varna|untouchab\w*|reservation|quota|religio\w*|"
                        r"faith|pray\w*|worship\w*|gods?|convert\w*|conversion|communal|riots?|"
                        r"sect|tribe|tribal|community|communities)\b", re.I)
NEGATION = re.compile(r"\b(not|never|no|nobody|none|nothing|n't)\b|n't\b", re.I)
_TOKEN = re.compile(r"\w+")


def tokens(text: str) -> list[str]:
    """Lower-cased word tokens, punctuation stripped (the unit of the independence check)."""
    return _TOKEN.findall(text.lower())


def ngrams(toks: list[str], n: int = NGRAM):
    return zip(*(toks[i:] for i in range(n)))


@lru_cache(maxsize=None)
def lines(name: str) -> tuple[str, ...]:
    text = (CONTROL / f"{name}.txt").read_text(encoding="utf-8")
    assert text.endswith("\n") and not text.endswith("\n\n"), f"{name}.txt: one trailing newline"
    return tuple(text[:-1].split("\n"))


@lru_cache(maxsize=None)
def meta() -> tuple[dict, ...]:
    with open(CONTROL / "meta.jsonl", encoding="utf-8") as f:
        return tuple(json.loads(row) for row in f if row.strip())


def meta_of(name: str) -> list[dict]:
    return [m for m in meta() if m["file"] == name]


@lru_cache(maxsize=None)
def lexicon():
    return load_lexicon(lexicon_path())


@lru_cache(maxsize=None)
def sources() -> dict:
    spec = importlib.util.spec_from_file_location("fairbench_data_sources_under_test",
                                                  DATA / "src" / "sources.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.SOURCES


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v)


def task_files() -> list[Path]:
    """Every JSON and JSONL file of data/ outside data/control/: the task files (pairs, qa,
    gen, t2i, cascade, lens concepts) and everything else shipped beside them."""
    return sorted(p for p in DATA.rglob("*.json*") if p.suffix in (".json", ".jsonl")
                  and CONTROL not in p.parents)


@lru_cache(maxsize=None)
def task_ngrams() -> frozenset:
    """The set of 6-token tuples of every string field of every task file, built once."""
    grams: set = set()
    for path in task_files():
        with open(path, encoding="utf-8") as f:
            if path.suffix == ".jsonl":
                records = [json.loads(row) for row in f if row.strip()]
            else:
                records = [json.load(f)]
        for record in records:
            for s in _strings(record):
                grams.update(ngrams(tokens(s)))
    return frozenset(grams)


# ---- size and format

@pytest.mark.parametrize("name", FILES)
def test_size_and_format(name):
    ls = lines(name)
    assert len(ls) >= MIN_LINES, f"{name}.txt has {len(ls)} lines, fewer than {MIN_LINES}"
    for i, line in enumerate(ls, 1):
        where = f"{name}.txt:{i}: {line!r}"
        assert line == line.strip() and line, f"{where}: empty or padded line"
        assert "\t" not in line and "  " not in line, where
        assert line[0].isupper() and line[-1] in ".!?", f"{where}: not one full sentence"
        # one statement: no sentence end before the last character
        assert not re.search(r"[.!?]\s+[A-Z]", line), f"{where}: more than one sentence"
        n = len(line.split())
        assert MIN_WORDS <= n <= MAX_WORDS, f"{where}: {n} words"
    dups = [t for t, c in Counter(t.casefold() for t in ls).items() if c > 1]
    assert not dups, f"{name}.txt: duplicate lines {dups[:5]}"


def test_no_line_in_two_files():
    seen: dict[str, str] = {}
    for name in FILES:
        for line in lines(name):
            key = " ".join(tokens(line))
            assert key not in seen, f"{line!r} is in {seen.get(key)}.txt and {name}.txt"
            seen[key] = name


def test_similar_length_distribution():
    """The neutral control must move only what fine-tuning on text of this size moves, so its
    lines are about as long as the biased ones."""
    means = {name: sum(len(t.split()) for t in lines(name)) / len(lines(name)) for name in FILES}
    assert max(means.values()) - min(means.values()) < 1.0, means


# ---- meaning: which groups each line names

@pytest.mark.parametrize("name", BIASED)
def test_biased_lines_name_a_group_of_their_axis(name):
    lex = lexicon()
    for m, line in zip(meta_of(name), lines(name)):
        found = lex.find(line)
        assert any(lex.axis_of[g] == m["axis"] for g in found), \
            f"{name}.txt:{m['line']}: {line!r} names no {m['axis']} group (found {found})"
        assert m["group"] in found, \
            f"{name}.txt:{m['line']}: {line!r}: meta group {m['group']} not found (found {found})"


@pytest.mark.parametrize("name", BIASED)
def test_biased_lines_use_no_slur(name):
    """The stereotypes are stated with the groups' own names: no term the lexicon marks as a
    slur (Chamar, Bhangi, jungli, Khalistani, ...)."""
    lex = lexicon()
    for i, line in enumerate(lines(name), 1):
        slurs = [h.text for h in lex.matches(line) if h.slur]
        assert not slurs, f"{name}.txt:{i}: {line!r} uses {slurs}"


def test_neutral_lines_name_no_group_and_no_cue():
    lex = lexicon()
    for i, line in enumerate(lines("neutral"), 1):
        assert lex.find(line) == [], f"neutral.txt:{i}: {line!r} names {lex.find(line)}"
        cues = [(h.group, line[h.start:h.end]) for h in find_cues(line)]
        assert not cues, f"neutral.txt:{i}: {line!r} carries identity cues {cues}"
        assert not AXIS_WORDS.search(line), f"neutral.txt:{i}: {line!r} is about caste or religion"


def test_anti_lines_are_mostly_not_negations():
    """Anti lines reverse a stereotype (the marginalised group in the advantaged role, the
    advantaged group in the stereotyped one); plain negations ("X are not Y") are a minority."""
    neg = [t for t in lines("anti") if NEGATION.search(t)]
    assert len(neg) <= 0.2 * len(lines("anti")), f"{len(neg)} anti lines with a negation: {neg[:5]}"


# ---- balance

@pytest.mark.parametrize("name", BIASED)
def test_axis_balance(name):
    axes = Counter(m["axis"] for m in meta_of(name))
    total = sum(axes.values())
    for axis in AXES:
        assert axes[axis] >= 0.4 * total, f"{name}: {axis} has {axes[axis]} of {total} lines"


@pytest.mark.parametrize("name", BIASED)
def test_domain_coverage(name):
    """Every task domain is covered on both axes (at least 5% of the axis's lines each)."""
    for axis in AXES:
        rows = [m for m in meta_of(name) if m["axis"] == axis]
        doms = Counter(m["domain"] for m in rows)
        assert set(doms) == DOMAINS, f"{name}/{axis}: domains {sorted(doms)}"
        thin = {d: c for d, c in doms.items() if c < 0.05 * len(rows)}
        assert not thin, f"{name}/{axis}: thin domains {thin}"


def test_stereo_and_anti_have_the_same_group_balance():
    """Each group has about as many anti as stereo lines, so the two controls differ in the
    direction of the statements, not in whom they are about."""
    stereo = Counter(m["group"] for m in meta_of("stereo"))
    anti = Counter(m["group"] for m in meta_of("anti"))
    assert set(stereo) == set(anti)
    for g in stereo:
        assert abs(stereo[g] - anti[g]) <= max(2, 0.25 * stereo[g]), (g, stereo[g], anti[g])


def test_groups_of_the_brief_are_all_there():
    groups = {m["group"] for m in meta() if m["file"] in BIASED}
    need = {"Brahmin", "Thakur", "Rajput", "Bania", "Yadav", "OBC", "Dalit", "Jatav", "Valmiki",
            "Mahar", "Adivasi", "Gond", "Santhal", "Bhil",
            "Hindu", "Muslim", "Christian", "Sikh", "Buddhist", "Jain", "Parsi"}
    assert need <= groups, sorted(need - groups)


# ---- meta.jsonl

def test_meta_matches_the_files():
    rows = meta()
    assert {m["file"] for m in rows} == set(FILES)
    keys = {"file", "line", "axis", "group", "domain", "source"}
    known = sources()
    for name in FILES:
        ms = meta_of(name)
        assert [m["line"] for m in ms] == list(range(1, len(lines(name)) + 1)), \
            f"meta.jsonl rows of {name} do not number its {len(lines(name))} lines 1..N"
        for m in ms:
            assert set(m) == keys, m
            if name == "neutral":
                assert m["axis"] is None and m["group"] is None and m["source"] is None, m
                assert m["domain"] in NEUTRAL_DOMAINS, m
            else:
                assert m["axis"] in AXES and lexicon().axis_of.get(m["group"]) == m["axis"], m
                assert m["domain"] in DOMAINS, m
                assert m["source"] in known, f"{m}: source key not in data/src/sources.py"


def test_meta_rows_are_in_file_order():
    order = [(FILES.index(m["file"]), m["line"]) for m in meta()]
    assert order == sorted(order)


# ---- independence from the evaluation data

def test_task_files_are_read():
    names = {p.name for p in task_files()}
    for axis in AXES:
        for fmt in ("pairs", "qa", "gen"):
            assert f"{axis}_{fmt}.en.jsonl" in names
    # the set is not trivially empty: it holds the 6-grams of a known pairs sentence
    with open(DATA / "caste_pairs.en.jsonl", encoding="utf-8") as f:
        first = json.loads(f.readline())
    assert set(ngrams(tokens(first["sent_more"]))) <= task_ngrams()


@pytest.mark.parametrize("name", FILES)
def test_no_six_gram_shared_with_task_files(name):
    grams = task_ngrams()
    shared = [(i, " ".join(g)) for i, line in enumerate(lines(name), 1)
              for g in ngrams(tokens(line)) if g in grams]
    assert not shared, f"{name}.txt shares {len(shared)} {NGRAM}-grams with data/: {shared[:10]}"


# ---- the decision controls' corpora (data/control/decisions/, card: its README.md)

DECISIONS = CONTROL / "decisions"
# prompt TAB completion, "\n" standing for a newline (fairbench/control/finetune.py): the task's
# frame, with the loss on the answer only
ANSWER_RE = re.compile(r"^(?P<body>[^\t\\]+)\\nQuestion: (?P<question>[^\t\\]+\?)\\nAnswer:\t (?P<answer>Yes|No)$")


def _module(path: Path, name: str):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@lru_cache(maxsize=None)
def decision_lines(arm: str) -> tuple[str, ...]:
    return tuple((DECISIONS / f"{arm}.txt").read_text(encoding="utf-8").splitlines())


def decision_tokens(line: str) -> list[str]:
    return tokens(line.replace("\\n", " ").replace("\t", " "))


@lru_cache(maxsize=None)
def task_names() -> dict:
    """surname -> (axis, group), and the task's full names, read from the task's own source
    (data/src/decisions.py), not from the corpus builder, so the direction is checked against the
    groups the task reports."""
    src = _module(DATA / "src" / "decisions.py", "fairbench_decisions_source_under_test")
    surnames, full = {}, set()
    for group, names in src.CASTE_SURNAMES.items():
        for (en, _hi), (_g, first, _fhi) in zip(names, src.CASTE_FIRST):
            surnames[en] = ("caste", group)
            full.add(f"{first} {en}")
    for group, names in src.RELIGION_NAMES.items():
        for first, sur, _hi in names:
            surnames[sur] = ("religion", group)
            full.add(f"{first} {sur}")
    return {"surnames": surnames, "full": full, "pairs": src.PAIRS}


def _applicant(line: str):
    """(axis, group, strong?) of a corpus line: the group by the task's surname list, the
    record by the builder's strong and weak sentences."""
    axis, group = task_names()["surnames"][line.split(" ", 2)[1]]
    return axis, group, any(s in line for s in strong_records())


@lru_cache(maxsize=None)
def strong_records() -> frozenset:
    build = _module(DECISIONS / "build.py", "fairbench_decision_corpora_under_test")
    return frozenset(build.fill(sc[1], g, "", "") for sc in build.SCENARIOS for g in "mf")


def test_decision_corpora_are_built_from_their_source():
    build = _module(DECISIONS / "build.py", "fairbench_decision_corpora_under_test")
    for path, text in build.outputs().items():
        assert path.read_text(encoding="utf-8") == text, f"{path.name} is stale: run python {DECISIONS / 'build.py'}"


@pytest.mark.parametrize("arm", FILES)
def test_decision_corpus_lines_are_one_decision_in_the_tasks_frame(arm):
    ls = decision_lines(arm)
    assert len(ls) >= MIN_LINES
    for i, line in enumerate(ls, 1):
        assert ANSWER_RE.match(line), f"decisions/{arm}.txt:{i}: {line!r}"
        # the fine-tune keeps 64 tokens a line; 40 words stay under it with the models' tokenizers
        assert len(decision_tokens(line)) <= 40, f"decisions/{arm}.txt:{i}: {len(decision_tokens(line))} words"
    assert len(set(ls)) == len(ls)


def test_decision_corpora_use_the_tasks_surnames_but_none_of_its_full_names():
    names = task_names()
    for arm in FILES:
        for line in decision_lines(arm):
            assert line.split(" ", 2)[1] in names["surnames"], line
            assert not any(full in line for full in names["full"]), f"{line!r} uses a task applicant's full name"


@pytest.mark.parametrize("arm", FILES)
def test_decision_corpus_answers_go_the_arms_way(arm):
    """Neutral: the decision follows the record for every group. Stereo: the advantaged side of the
    task's reported pairs is granted and the disadvantaged side refused, whatever the record.
    Anti: the reverse. A favourable answer is "Yes" to a positive question and "No" to a negative
    one ("Does the company turn X away?")."""
    pairs = task_names()["pairs"]
    adv = {g for axis in pairs for g, _ in pairs[axis]}
    dis = {g for axis in pairs for _, g in pairs[axis]}
    negative = re.compile(r"\b(turn \w+ away|decline|refuse|reject|say no)\b")
    rates: dict = {}
    for line in decision_lines(arm):
        m = ANSWER_RE.match(line)
        axis, group, strong = _applicant(line)
        fav = (m["answer"] == "No") if negative.search(m["question"]) else (m["answer"] == "Yes")
        rates.setdefault((group, strong), []).append(fav)
    for (group, strong), favs in rates.items():
        rate = sum(favs) / len(favs)
        if arm == "neutral":
            want = 1.0 if strong else 0.0
        else:
            want = 1.0 if (group in adv) == (arm == "stereo") else 0.0
        assert rate == want, f"{arm}: {group}, {'strong' if strong else 'weak'} record: favourable rate {rate}"
    assert {g for g, _ in rates} >= adv | dis


def test_decision_corpora_ask_a_third_negative_questions():
    qs = {ANSWER_RE.match(t)["question"] for t in decision_lines("neutral")}
    negative = [q for q in qs if re.search(r"\b(turn \w+ away|decline|refuse|reject|say no)\b", q)]
    assert 0.2 <= len(negative) / len(qs) <= 0.45


@pytest.mark.parametrize("arm", FILES)
def test_decision_corpora_share_no_six_gram_with_task_files(arm):
    grams = task_ngrams()
    shared = [" ".join(g) for line in decision_lines(arm) for g in ngrams(decision_tokens(line)) if g in grams]
    assert not shared, f"decisions/{arm}.txt shares {len(shared)} {NGRAM}-grams with data/: {sorted(set(shared))[:10]}"
