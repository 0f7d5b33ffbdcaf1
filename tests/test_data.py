"""Validation of the caste and religion prompt sets in data/ (contract: docs/data-format.md).

Fast, offline, stdlib + pytest only.
"""

from __future__ import annotations

import importlib.util
import json
import re
import shutil
import unicodedata
from collections import Counter, defaultdict
from functools import lru_cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
AXES = ("caste", "religion")
FORMATS = ("pairs", "qa", "gen")
LANGS = ("en", "hi")
MINIMUMS = {"pairs": 400, "qa": 300, "gen": 300}
DOMAINS = {"education", "employment", "marriage", "housing", "food_purity", "crime_policing",
           "politics", "religion_ritual", "health", "economy"}
REQUIRED_DOMAINS = {"education", "employment", "marriage", "housing", "food_purity",
                    "crime_policing", "politics", "religion_ritual"}
RELIGIONS = {"Hindu", "Muslim", "Christian", "Sikh", "Buddhist", "Jain", "Parsi"}

PAIRS_KEYS = {"id", "cluster", "sent_more", "sent_less", "stereo_antistereo", "bias_type",
              "group", "contrast_group", "stereotyped_group", "domain", "source"}
QA_KEYS = {"example_id", "question_index", "question_polarity", "context_condition", "category",
           "context", "question", "ans0", "ans1", "ans2", "label", "answer_info",
           "additional_metadata", "id", "cluster", "group", "domain"}
GEN_KEYS = {"id", "cluster", "prompt", "completion", "domain", "frame", "cue_group", "group", "cues"}
GEN_FRAMES = ("question", "blank")
CLUSTER_RE = {"pairs": r"t\d{3}", "qa": r"t\d{3}", "gen": r"b\d{3}"}
KEYS = {"pairs": PAIRS_KEYS, "qa": QA_KEYS, "gen": GEN_KEYS}
TEXT_FIELDS = {"pairs": ("sent_more", "sent_less"), "qa": ("context", "question", "ans0", "ans1",
                                                           "ans2"), "gen": ("prompt", "completion")}

DEVANAGARI = re.compile(r"[\u0900-\u097F]")
LATIN = re.compile(r"[A-Za-z]")


# --------------------------------------------------------------------------- helpers
@lru_cache(maxsize=None)
def rows(axis: str, fmt: str, lang: str) -> tuple:
    path = DATA / f"{axis}_{fmt}.{lang}.jsonl"
    with path.open(encoding="utf-8") as fh:
        return tuple(json.loads(line) for line in fh if line.strip())


@lru_cache(maxsize=None)
def lexicon() -> dict:
    raw = json.loads((DATA / "identity_lexicon.json").read_text(encoding="utf-8"))
    return {axis: raw[axis] for axis in AXES}  # the term tables, without the "rules" section


@lru_cache(maxsize=None)
def matcher(terms: tuple) -> re.Pattern:
    """The data-format.md rule, written independently of data/build.py: case-insensitive,
    word boundaries where Devanagari letters and marks count as word characters."""
    word = r"[\w\u0900-\u097F]"
    alts = "|".join(re.escape(unicodedata.normalize("NFC", t)).replace(r"\ ", r"\s+")
                    for t in sorted(terms, key=len, reverse=True))
    return re.compile(rf"(?<!{word})(?:{alts})(?!{word})", re.IGNORECASE)


def group_re(axis: str, group: str) -> re.Pattern:
    return matcher(tuple(lexicon()[axis][group]))


def any_re() -> re.Pattern:
    return matcher(tuple(t for table in lexicon().values() for terms in table.values()
                         for t in terms))


def hits(pattern: re.Pattern, text: str) -> bool:
    return bool(pattern.search(unicodedata.normalize("NFC", text)))


def all_files():
    return [(a, f, l) for a in AXES for f in FORMATS for l in LANGS]


def groups_in(axis: str) -> set:
    found = set()
    for fmt in FORMATS:
        for lang in LANGS:
            for r in rows(axis, fmt, lang):
                if r.get("group") and not (fmt == "gen" and r["group"] == "none"):
                    found.add(r["group"])
                if fmt == "pairs":
                    found.add(r["contrast_group"])
                if fmt == "qa":
                    found |= {v[1] for v in r["answer_info"].values()} - {"unknown"}
    return found


@lru_cache(maxsize=None)
def groups_module():
    spec = importlib.util.spec_from_file_location("fairbench_data_groups_under_test",
                                                  DATA / "src" / "groups.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@lru_cache(maxsize=None)
def caste_sides() -> tuple:
    """(disadvantaged, advantaged) caste groups, from the categories in data/src/groups.py.
    Of the varna terms, Shudra is on the disadvantaged side, Kshatriya and Vaishya on the
    advantaged one."""
    cat = {g["name"]: g["category"] for g in groups_module().CASTE_GROUPS}
    dis = {n for n, c in cat.items() if c in ("SC", "ST", "OBC")} | {"Shudra"}
    adv = {n for n, c in cat.items() if c == "dominant"} | {"Kshatriya", "Vaishya"}
    assert not dis & adv and dis | adv == set(cat)
    return frozenset(dis), frozenset(adv)


# Religions in an advantaged position: the majority, and the economically advantaged Parsi
# and Jain communities. Pairs about them are antistereo (docs/data-format.md).
ADVANTAGED_RELIGIONS = {"Hindu", "Parsi", "Jain"}


def build_outputs() -> set[str]:
    """The names data/build.py writes (the decisions sets are checked by tests/test_decisions.py)."""
    names = {f"{a}_{f}.{l}.jsonl" for a, f, l in all_files()}
    names |= {f"{a}_decisions.{l}.jsonl" for a in AXES for l in LANGS}
    return names | {"identity_lexicon.json", "cue_groups.json", "caste.md", "religion.md"}


# --------------------------------------------------------------------------- build
# The build takes seconds, so it runs once (a module-scoped fixture): in a copy of data/ (the drift test
# damages the copy), through the copy's own build.py. scripts/test.sh does not run
# `build.py --check` again.
@pytest.fixture(scope="module")
def build(tmp_path_factory):
    """(the copy's build module, {file name: text a fresh build writes})."""
    copy = tmp_path_factory.mktemp("build") / "data"
    copy.mkdir()
    shutil.copy2(DATA / "build.py", copy / "build.py")
    shutil.copytree(DATA / "src", copy / "src", ignore=shutil.ignore_patterns("__pycache__"))
    for name in build_outputs():
        shutil.copy2(DATA / name, copy / name)
    spec = importlib.util.spec_from_file_location("fairbench_data_build_under_test", copy / "build.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    files = module.expected_files()  # the one build
    return module, {p.name: text for p, text in files.items()}


def test_build_reproduces_every_committed_file_exactly(build):
    """The committed files are current, and the build is deterministic: they were written by
    another process (another hash seed, maybe another machine) and this build gives the same bytes."""
    _, files = build
    assert set(files) == build_outputs()
    for name, text in files.items():
        assert (DATA / name).read_bytes() == text.encode("utf-8"), (
            f"{name} differs from a fresh build: run python data/build.py; if that changes "
            "nothing, the build is not deterministic")


def test_build_check_fails_on_drift(build, monkeypatch, capsys):
    """``--check`` exits 1 naming a damaged file, the build rewrites just that file, and
    ``--check`` passes again; main() is given the session's build instead of building again."""
    module, files = build
    monkeypatch.setattr(module, "expected_files", lambda root=module.HERE: {root / n: t for n, t in files.items()})
    target = module.HERE / "religion_qa.hi.jsonl"
    lines = target.read_text(encoding="utf-8").splitlines(keepends=True)
    target.write_text("".join(lines[:-1]), encoding="utf-8")  # drop one row
    assert module.main(["--check"]) == 1
    assert "out of date: data/religion_qa.hi.jsonl" in capsys.readouterr().err

    # rebuilding the copy repairs it, and rewrites nothing else
    assert module.main([]) == 0
    assert capsys.readouterr().out.splitlines() == ["wrote data/religion_qa.hi.jsonl"]
    assert module.main(["--check"]) == 0


# --------------------------------------------------------------------------- schema
@pytest.mark.parametrize("axis,fmt,lang", all_files())
def test_row_schema(axis, fmt, lang):
    data = rows(axis, fmt, lang)
    assert data, "empty file"
    names = set(lexicon()[axis])
    for r in data:
        assert set(r) == KEYS[fmt], (r.get("id"), set(r) ^ KEYS[fmt])
        assert isinstance(r["id"], str) and re.fullmatch(rf"{axis}_{fmt}-\d{{4}}", r["id"]), r["id"]
        assert re.fullmatch(rf"{axis}_{fmt}-{CLUSTER_RE[fmt]}", r["cluster"]), r["cluster"]
        assert r["domain"] in DOMAINS, r
        for field in TEXT_FIELDS[fmt]:
            assert isinstance(r[field], str) and r[field].strip() == r[field] and r[field], r
        if fmt == "pairs":
            assert r["stereo_antistereo"] in ("stereo", "antistereo")
            assert r["bias_type"] == axis
            assert r["group"] in names and r["contrast_group"] in names
            assert r["group"] != r["contrast_group"]
            assert r["stereotyped_group"] in (r["group"], r["contrast_group"])
            assert r["sent_more"] != r["sent_less"]
            assert isinstance(r["source"], str) and len(r["source"]) > 10
        elif fmt == "qa":
            assert isinstance(r["example_id"], int)
            assert isinstance(r["question_index"], str) and r["question_index"].isdigit()
            assert r["question_polarity"] in ("neg", "nonneg")
            assert r["context_condition"] in ("ambig", "disambig")
            assert r["category"] == axis
            assert type(r["label"]) is int and 0 <= r["label"] <= 2
            info = r["answer_info"]
            assert set(info) == {"ans0", "ans1", "ans2"}
            for s in range(3):
                text, glabel = info[f"ans{s}"]
                assert text == r[f"ans{s}"]
                assert glabel == "unknown" or glabel in names
            glabels = [info[f"ans{s}"][1] for s in range(3)]
            assert glabels.count("unknown") == 1
            assert len(set(glabels)) == 3
            meta = r["additional_metadata"]
            assert meta["stereotyped_groups"] == [r["group"]]
            assert r["group"] in glabels
            assert len({r["ans0"], r["ans1"], r["ans2"]}) == 3
        else:
            assert "MASKED" not in r["prompt"] + r["completion"]
            assert r["frame"] in GEN_FRAMES
            assert r["cue_group"] is None or r["cue_group"] in names
            assert r["group"] == (r["cue_group"] or "none")
            assert isinstance(r["cues"], list) and all(isinstance(c, str) and c for c in r["cues"])
            assert bool(r["cues"]) == (r["cue_group"] is not None)


@pytest.mark.parametrize("axis,fmt", [(a, f) for a in AXES for f in FORMATS])
def test_ids_unique_and_aligned_across_languages(axis, fmt):
    en = rows(axis, fmt, "en")
    hi = rows(axis, fmt, "hi")
    en_ids = [r["id"] for r in en]
    hi_ids = [r["id"] for r in hi]
    assert len(set(en_ids)) == len(en_ids)
    assert len(set(hi_ids)) == len(hi_ids)
    assert set(en_ids) == set(hi_ids)
    hi_by_id = {r["id"]: r for r in hi}
    text = set(TEXT_FIELDS[fmt]) | {"answer_info", "cues"}
    for r in en:
        other = hi_by_id[r["id"]]
        for key in r:
            if key in text:
                continue
            assert r[key] == other[key], (r["id"], key)
        if fmt == "gen":  # the same cue slots, in each language's words
            assert len(r["cues"]) == len(other["cues"]), r["id"]
        if fmt == "qa":  # same group label in each answer slot
            assert [v[1] for v in r["answer_info"].values()] == \
                   [v[1] for v in other["answer_info"].values()]


@pytest.mark.parametrize("axis,fmt", [(a, f) for a in AXES for f in FORMATS])
def test_hindi_is_devanagari_and_english_is_not(axis, fmt):
    for r in rows(axis, fmt, "hi"):
        for field in TEXT_FIELDS[fmt]:
            assert DEVANAGARI.search(r[field]), (r["id"], field, r[field])
    for r in rows(axis, fmt, "en"):
        for field in TEXT_FIELDS[fmt]:
            assert not DEVANAGARI.search(r[field]), (r["id"], field)


# --------------------------------------------------------------------------- pairs
# Convention (CrowS-Pairs; docs/data-format.md): `sent_more` is always the stereotype-
# consistent sentence and names `stereotyped_group`; `sent_less` names `contrast_group`.
# `stereo_antistereo` only says which side of the hierarchy the stereotyped group is on.

def split_pair(more: str, less: str):
    """(P, A, B, S) word lists from the split fairbench scores with
    (fairbench.metrics.stereotype.split_pair: contexts P+A / P+B and suffix S), so the data
    are checked against what the pairs score actually reads."""
    from fairbench.metrics.stereotype import split_pair as scored_split

    split = scored_split(more, less)
    if split is None:
        return more.split(), [], [], []
    ctx_a, ctx_b, suffix = (x.split() for x in split)
    i = 0
    while i < min(len(ctx_a), len(ctx_b)) and ctx_a[i] == ctx_b[i]:
        i += 1
    return ctx_a[:i], ctx_a[i:], ctx_b[i:], suffix


def test_split_pair_helper():
    assert split_pair("The Dalit boy ran.", "The Brahmin boy ran.") == (
        ["The"], ["Dalit"], ["Brahmin"], ["boy", "ran."])
    assert split_pair("A Dalit ran home.", "An Adivasi ran home.") == (
        [], ["A", "Dalit"], ["An", "Adivasi"], ["ran", "home."])
    p, more, less, s = split_pair("Dalits are lazy.", "Brahmins are very lazy.")
    assert more == ["Dalits", "are"] and less == ["Brahmins", "are", "very"] and s == ["lazy."]
    assert split_pair("The cook was a Dalit.", "The cook was a Brahmin.")[3] == []  # no suffix


def groups_named(text: str) -> set:
    """Every group (either axis) whose lexicon terms occur in `text`."""
    return {g for axis in AXES for g in lexicon()[axis] if hits(group_re(axis, g), text)}


def name_violations(data) -> list:
    """(a) sent_more names the stereotyped group and nothing else from the lexicon,
    sent_less the contrast group."""
    bad = []
    for r in data:
        more, less = groups_named(r["sent_more"]), groups_named(r["sent_less"])
        if more != {r["stereotyped_group"]} or less != {r["contrast_group"]}:
            bad.append((r["id"], r["stereotyped_group"], sorted(more), r["contrast_group"],
                        sorted(less)))
    return bad


@pytest.mark.parametrize("axis,lang", [(a, l) for a in AXES for l in LANGS])
def test_sent_more_names_the_stereotyped_group(axis, lang):
    data = rows(axis, "pairs", lang)
    assert name_violations(data) == []
    # every template states the stereotype about its target, which is `group`
    assert all(r["stereotyped_group"] == r["group"] for r in data)


def side_violations(axis: str, data) -> list:
    """(b) stereo: the stereotyped group is the disadvantaged one of the pair (its sentence
    is the stereotyped one); antistereo: it is the advantaged one, and the disadvantaged
    group's sentence is the one that goes against a stereotype."""
    bad = []
    for r in data:
        st, other, kind = r["stereotyped_group"], r["contrast_group"], r["stereo_antistereo"]
        if axis == "caste":
            dis, adv = caste_sides()
            want = (dis, adv) if kind == "stereo" else (adv, dis)
            ok = st in want[0] and other in want[1]
        else:
            ok = (st in ADVANTAGED_RELIGIONS) == (kind == "antistereo")
        if not ok:
            bad.append((r["id"], kind, st, other))
    return bad


@pytest.mark.parametrize("axis", AXES)
def test_pairs_direction_matches_the_hierarchy(axis):
    assert side_violations(axis, rows(axis, "pairs", "en")) == []


# (c) Content words of particular templates, with the group a reader would expect in the
# stereotype-consistent sentence. Written by hand from the sentences' meaning, not from the
# builder: a sentence that says its subject failed, fled or was poor is stereotype-consistent
# about a disadvantaged group; one that says its subject topped, was bravest or was rich is
# stereotype-consistent about an advantaged one. Some cues guard against wordings that
# must not come back (e.g. "The Brahmin boy failed ..." as sent_more).
DIS, ADV = "disadvantaged castes", "advantaged castes"
PARSI_JAIN, NOT_PARSI_JAIN = {"Parsi", "Jain"}, RELIGIONS - {"Parsi", "Jain"}
READER_CUES = [
    # axis, lang, regex on sent_more, groups a reader expects sent_more to name
    ("caste", "en", r"\bfailed\b|\bcould not\b|\bran away\b|\bleast skilled\b", DIS),
    ("caste", "en", r"\bdirtiest\b|\bkeep the house dirty\b|\bbankrupt\b", DIS),
    ("caste", "en", r"\bowned no land\b|\blost his deposit\b|\bate meat\b|\beat beef\b", DIS),
    ("caste", "en", r"\bliving by cleaning\b|\bfit for cleaning\b", DIS),
    ("caste", "en", r"\btopped\b|\bcleanest\b|\bbravely\b|\bbravest\b|\bmost skilled\b", ADV),
    ("caste", "en", r"\bperfectly\b|\bfree of mistakes\b|\bstrictly vegetarian\b", ADV),
    ("caste", "en", r"\bowned most of the land\b|\bwon easily\b|\bgrew richer\b", ADV),
    ("caste", "hi", r"फ़ेल|सबसे गंदा|भाग खड़ा|सबसे कम कुशल|कोई ज़मीन नहीं", DIS),
    ("caste", "hi", r"अव्वल|सबसे साफ़|बहादुर|सबसे कुशल|ज़्यादातर ज़मीन|शाकाहारी", ADV),
    ("religion", "en", r"\bcould not afford\b|\btoo poor\b|\bone-room\b|\bfailed at\b",
     NOT_PARSI_JAIN),
    ("religion", "en", r"\bcaught stealing\b", RELIGIONS - {"Parsi"}),
    ("religion", "en", r"\bexpensive\b|\bfortune\b|\bbungalow\b|\ball rich\b|\bseveral buildings\b",
     PARSI_JAIN),
    ("religion", "en", r"\bstarted the riot\b|\bate beef\b", RELIGIONS - {"Hindu", "Jain"}),
    ("religion", "en", r"\bkeep the peace\b|\bnever allow beef\b", {"Hindu", "Jain"}),
    ("religion", "hi", r"इतना ग़रीब|ख़र्च नहीं उठा|नाकाम", NOT_PARSI_JAIN),
    ("religion", "hi", r"महँगे|बड़े बंगले|ख़ूब पैसा|कई इमारतें", PARSI_JAIN),
    ("religion", "hi", r"शांति बनाए|गोमांस कभी नहीं", {"Hindu", "Jain"}),
]


def _expected(side):
    if side == DIS:
        return caste_sides()[0]
    if side == ADV:
        return caste_sides()[1]
    return side


def reader_violations(axis: str, lang: str, data) -> tuple:
    """(violations, number of rows a cue matched)."""
    bad, matched = [], 0
    for cue_axis, cue_lang, pattern, side in READER_CUES:
        if (cue_axis, cue_lang) != (axis, lang):
            continue
        for r in data:
            if re.search(pattern, r["sent_more"]):
                matched += 1
                if r["stereotyped_group"] not in _expected(side):
                    bad.append((r["id"], r["stereotyped_group"], r["sent_more"]))
    return bad, matched


@pytest.mark.parametrize("axis,lang", [(a, l) for a in AXES for l in LANGS])
def test_pairs_direction_matches_a_readers_reading(axis, lang):
    bad, matched = reader_violations(axis, lang, rows(axis, "pairs", lang))
    assert bad == []
    assert matched >= 40, matched  # the cues still describe the shipped templates


@lru_cache(maxsize=None)
def surface_forms(axis: str, group: str, lang: str) -> frozenset:
    g = groups_module().BY_NAME[group]
    return frozenset((g["en_sg"], g["en_pl"]) if lang == "en" else (g["hi_sg"],))


def _identity_ok(words: list, prefix: list, axis: str, group: str, lang: str) -> bool:
    """The differing words are the group's surface form, in English optionally preceded by
    its own article ("a Dalit" vs "an Adivasi"), and a shared article fits both nouns."""
    forms = surface_forms(axis, group, lang)
    if len(words) == 1 and words[0] in forms:
        art = prefix[-1].lower() if prefix else ""
    elif lang == "en" and len(words) == 2 and words[0].lower() in ("a", "an") \
            and words[1] in forms:
        art = words[0].lower()
    else:
        return False
    if art in ("a", "an"):
        return art == ("an" if words[-1][0].lower() in "aeiou" else "a")
    return True


@pytest.mark.parametrize("axis,lang", [(a, l) for a in AXES for l in LANGS])
def test_pairs_share_a_suffix_and_differ_only_in_the_identity(axis, lang):
    for r in rows(axis, "pairs", lang):
        prefix, more, less, suffix = split_pair(r["sent_more"], r["sent_less"])
        assert len(suffix) >= 3, (r["id"], suffix)
        assert _identity_ok(more, prefix, axis, r["stereotyped_group"], lang), (r["id"], more)
        assert _identity_ok(less, prefix, axis, r["contrast_group"], lang), (r["id"], less)


@pytest.mark.parametrize("axis", AXES)
def test_pairs_have_both_directions_and_documented_sources(axis):
    data = rows(axis, "pairs", "en")
    kinds = Counter(r["stereo_antistereo"] for r in data)
    assert kinds["stereo"] > kinds["antistereo"] > 0.05 * len(data)
    assert all(len(r["source"]) > 20 for r in data)


# --------------------------------------------------------------------------- clusters
def _template_of(sentence: str, axis: str, group: str, lang: str) -> str:
    """The sentence with the group's surface form (and its English article) replaced."""
    words = sentence.split()
    forms = surface_forms(axis, group, lang)
    at = [i for i, w in enumerate(words) if w in forms]
    assert len(at) == 1, (sentence, group)
    i = at[0]
    words[i] = "{X}"
    if lang == "en" and i > 0 and words[i - 1].lower() in ("a", "an"):
        words[i - 1] = "{ART}"
    return " ".join(words).lower()


@pytest.mark.parametrize("axis,lang", [(a, l) for a in AXES for l in LANGS])
def test_each_pairs_cluster_is_one_template(axis, lang):
    templates = defaultdict(set)
    for r in rows(axis, "pairs", lang):
        templates[r["cluster"]].add(_template_of(r["sent_more"], axis, r["stereotyped_group"], lang))
        templates[r["cluster"]].add(_template_of(r["sent_less"], axis, r["contrast_group"], lang))
    for cluster, found in templates.items():
        assert len(found) == 1, (cluster, found)
    every = [t for found in templates.values() for t in found]
    assert len(set(every)) == len(every), "two clusters hold the same template"


@pytest.mark.parametrize("axis,lang", [(a, l) for a in AXES for l in LANGS])
def test_qa_and_gen_clusters(axis, lang):
    qa = rows(axis, "qa", lang)
    by_cluster = defaultdict(set)
    for r in qa:
        by_cluster[r["cluster"]].add(r["question_index"])
    assert all(len(v) == 1 for v in by_cluster.values())
    assert len(by_cluster) == len({r["question_index"] for r in qa})
    # gen: every base has one row per (cue group or no cue) x frame, one domain
    versions = list(cue_lists()[0][axis]) + [None]
    want = Counter((g, f) for g in versions for f in GEN_FRAMES)
    gen = defaultdict(list)
    for r in rows(axis, "gen", lang):
        gen[r["cluster"]].append(r)
    for cluster, items in gen.items():
        assert Counter((r["cue_group"], r["frame"]) for r in items) == want, cluster
        assert len({r["domain"] for r in items}) == 1, cluster


@pytest.mark.parametrize("axis,fmt", [(a, f) for a in AXES for f in FORMATS])
def test_clusters_are_the_same_in_both_languages(axis, fmt):
    hi = {r["id"]: r["cluster"] for r in rows(axis, fmt, "hi")}
    assert {r["id"]: r["cluster"] for r in rows(axis, fmt, "en")} == hi


# --------------------------------------------------------------------------- duplicates
@pytest.mark.parametrize("axis,lang", [(a, l) for a in AXES for l in LANGS])
def test_no_duplicate_items(axis, lang):
    pairs = [frozenset((r["sent_more"], r["sent_less"])) for r in rows(axis, "pairs", lang)]
    assert len(set(pairs)) == len(pairs)
    qa = [(r["context"], r["question"]) for r in rows(axis, "qa", lang)]
    assert len(set(qa)) == len(qa)
    gen = [r["prompt"] for r in rows(axis, "gen", lang)]
    assert len(set(gen)) == len(gen)


# --------------------------------------------------------------------------- qa
@pytest.mark.parametrize("axis,lang", [(a, l) for a in AXES for l in LANGS])
def test_qa_balance(axis, lang):
    data = rows(axis, "qa", lang)
    n = len(data)
    cond = Counter(r["context_condition"] for r in data)
    pol = Counter(r["question_polarity"] for r in data)
    cells = Counter((r["context_condition"], r["question_polarity"]) for r in data)
    assert cond["ambig"] == cond["disambig"] == n // 2
    assert pol["neg"] == pol["nonneg"] == n // 2
    assert len(set(cells.values())) == 1 and len(cells) == 4
    unknown_slot = Counter(next(s for s in range(3) if r["answer_info"][f"ans{s}"][1] == "unknown")
                           for r in data)
    labels = Counter(r["label"] for r in data)
    stereo_slot = Counter(next(s for s in range(3) if r["answer_info"][f"ans{s}"][1] == r["group"])
                          for r in data)
    for counter in (unknown_slot, labels, stereo_slot):
        for s in range(3):
            assert 0.27 <= counter[s] / n <= 0.40, (counter, n)
    unknown_texts = Counter(r[f"ans{r['label']}"] for r in data
                            if r["context_condition"] == "ambig")
    assert len(unknown_texts) >= 5


@pytest.mark.parametrize("axis,lang", [(a, l) for a in AXES for l in LANGS])
def test_qa_labels(axis, lang):
    data = rows(axis, "qa", lang)
    by_context = defaultdict(dict)
    for r in data:
        picked = r["answer_info"][f"ans{r['label']}"][1]
        if r["context_condition"] == "ambig":
            assert picked == "unknown", r["id"]
        else:
            assert picked != "unknown", r["id"]
            by_context[r["context"]][r["question_polarity"]] = picked
    # in each disambiguated context, the neg and nonneg questions point at different people
    for ctx, answers in by_context.items():
        assert set(answers) == {"neg", "nonneg"}, ctx
        assert answers["neg"] != answers["nonneg"], ctx
    # the disambiguating facts point at the stereotyped group in half of the contexts
    neg = [r for r in data if r["context_condition"] == "disambig"
           and r["question_polarity"] == "neg"]
    at_target = sum(r["answer_info"][f"ans{r['label']}"][1] == r["group"] for r in neg)
    assert at_target * 2 == len(neg)


@pytest.mark.parametrize("axis,lang", [(a, l) for a in AXES for l in LANGS])
def test_qa_contexts_name_both_people(axis, lang):
    for r in rows(axis, "qa", lang):
        named = [v[1] for v in r["answer_info"].values() if v[1] != "unknown"]
        for g in named:
            assert hits(group_re(axis, g), r["context"]), (r["id"], g)


# --------------------------------------------------------------------------- gen
@lru_cache(maxsize=None)
def cue_lists():
    """fairbench's cue lists (the gen prompts are filled from them) and the no-cue fillers."""
    from fairbench.mitigations import cues

    spec = importlib.util.spec_from_file_location("fairbench_data_gen_cues_under_test",
                                                  DATA / "src" / "gen_cues.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return cues.CUES, cues.CUES_HI, module.NEUTRAL


def gen_texts(r):
    return (r["prompt"], r["completion"])


@pytest.mark.parametrize("axis,lang", [(a, l) for a in AXES for l in LANGS])
def test_gen_prompts_name_no_group(axis, lang):
    """No gen prompt or completion text contains an identity-lexicon term of either axis: by
    the real matcher (with its context rules) and by the plain term list (without them)."""
    from fairbench.metrics.lexicon import load_lexicon

    real = load_lexicon(str(DATA / "identity_lexicon.json"))
    pattern = any_re()
    for r in rows(axis, "gen", lang):
        for text in gen_texts(r):
            assert real.find(text) == [], (r["id"], real.find(text), text)
            m = pattern.search(unicodedata.normalize("NFC", text))
            assert m is None, (r["id"], m and m.group(0), text)


@pytest.mark.parametrize("axis,lang", [(a, l) for a in AXES for l in LANGS])
def test_gen_prompts_do_not_end_in_an_open_clause(axis, lang):
    for r in rows(axis, "gen", lang):
        for text in gen_texts(r):
            last = re.findall(r"[\w\u0900-\u097F]+", text.lower())[-1]
            assert last not in ("because", "that", "and", "क्योंकि", "कि", "और"), (r["id"], text)
        if r["frame"] == "blank":
            assert "___" in r["prompt"] and "___" not in r["completion"], r["id"]


@pytest.mark.parametrize("axis,lang", [(a, l) for a in AXES for l in LANGS])
def test_gen_cues_are_found_as_the_cue_group(axis, lang):
    """The cues listed in a row are exactly what AMBEDKAR's cue finder finds in its texts, all
    of the row's cue group; a no-cue row holds no cue of the axis."""
    from fairbench.mitigations.cues import find_cues

    for r in rows(axis, "gen", lang):
        for text in gen_texts(r):
            hits = find_cues(text, axis)
            assert [text[h.start:h.end] for h in hits] == r["cues"], (r["id"], text)
            assert all(h.group == r["cue_group"] for h in hits), (r["id"], hits)
            assert all(h.lang == lang for h in hits), (r["id"], hits)


def _placeholders(text: str, axis: str) -> str:
    from fairbench.mitigations.cues import find_cues

    out, last = [], 0
    for h in find_cues(text, axis):
        out += [text[last:h.start], f"<{h.category}.{h.index}>"]
        last = h.end
    return "".join(out) + text[last:]


def _neutral_fill(template: str, axis: str, lang: str) -> str:
    """The no-cue version of a template with placeholders: gen_cues.NEUTRAL fillers; an
    empty filler takes the space before it (or, at the start, after it) along."""
    neutral = cue_lists()[2][axis]
    li = LANGS.index(lang)

    def fill(m):
        return neutral[m.group(1)][int(m.group(2))][li]

    text = re.sub(r" <(\w+)\.(\d+)>",
                  lambda m: (" " + fill(m)) if fill(m) else "", template)
    text = re.sub(r"<(\w+)\.(\d+)>( ?)", lambda m: (fill(m) + m.group(3)) if fill(m) else "", text)
    return text[:1].upper() + text[1:] if lang == "en" else text


@pytest.mark.parametrize("axis,lang", [(a, l) for a in AXES for l in LANGS])
def test_gen_twins_differ_only_in_the_cues(axis, lang):
    """Within a cluster and frame, the cued rows are one text with each group's cues in the
    same slots (same category and position in the aligned lists), and the no-cue row is that
    text with the neutral fillers."""
    by = defaultdict(list)
    for r in rows(axis, "gen", lang):
        by[(r["cluster"], r["frame"])].append(r)
    for key, items in by.items():
        for field in ("prompt", "completion"):
            cued = {_placeholders(r[field], axis) for r in items if r["cue_group"]}
            assert len(cued) == 1, (key, field, cued)
            template = cued.pop()
            assert "<" in template, key
            nocue = [r[field] for r in items if not r["cue_group"]]
            assert nocue == [_neutral_fill(template, axis, lang)], (key, field)
        texts = [r["prompt"] for r in items]
        assert len(set(texts)) == len(texts), key


@pytest.mark.parametrize("axis,lang", [(a, l) for a in AXES for l in LANGS])
def test_gen_counterfactuals_are_the_twins(axis, lang):
    """AMBEDKAR's counterfactual of a cued prompt is its twin with another group's cues."""
    from fairbench.mitigations.cues import CUES, counterfactuals

    groups = list(CUES[axis])
    by = defaultdict(dict)
    for r in rows(axis, "gen", lang):
        by[(r["cluster"], r["frame"])][r["cue_group"]] = r
    for key, items in by.items():
        for g in groups:
            for field in ("prompt", "completion"):
                want = [items[t][field] for t in groups if t != g]
                assert counterfactuals(items[g][field], len(groups) - 1) == want, (key, g, field)
        assert counterfactuals(items[None]["prompt"], 2) == [], key


def test_cue_lists_are_aligned():
    cues, cues_hi, neutral = cue_lists()
    for axis in AXES:
        shapes = {g: {c: len(v) for c, v in cats.items()} for g, cats in cues[axis].items()}
        assert len({tuple(sorted(s.items())) for s in shapes.values()}) == 1, shapes
        for g, cats in cues[axis].items():
            assert {c: len(v) for c, v in cues_hi[axis][g].items()} == shapes[g], (axis, g)
            for c, v in cues_hi[axis][g].items():
                assert all(DEVANAGARI.search(t) and unicodedata.normalize("NFC", t) == t
                           for t in v), (axis, g, c)
        for c, fillers in neutral[axis].items():
            assert len(fillers) == shapes[next(iter(shapes))][c], (axis, c)


def test_cue_group_map():
    families = json.loads((DATA / "cue_groups.json").read_text(encoding="utf-8"))
    cues = cue_lists()[0]
    assert set(families) == set(AXES)
    for axis in AXES:
        table = lexicon()[axis]
        assert list(families[axis]) == list(cues[axis])
        members = [n for names in families[axis].values() for n in names]
        assert len(members) == len(set(members)), "the families of an axis are disjoint"
        for group, names in families[axis].items():
            assert group in names and set(names) <= set(table), (axis, group)
        used = {r["cue_group"] for lang in LANGS for r in rows(axis, "gen", lang)} - {None}
        assert used == set(families[axis])


# --------------------------------------------------------------------------- lexicon
def test_lexicon_shape():
    lex = lexicon()
    assert set(lex) == set(AXES)
    for axis, table in lex.items():
        for group, terms in table.items():
            assert terms and isinstance(terms, list)
            assert len(set(terms)) == len(terms), group
            for t in terms:
                assert isinstance(t, str) and t == t.strip() and t
                assert unicodedata.normalize("NFC", t) == t, (group, t)


@pytest.mark.parametrize("axis", AXES)
def test_every_group_in_the_data_has_lexicon_entries_in_both_languages(axis):
    table = lexicon()[axis]
    for group in groups_in(axis):
        assert group in table, group
        terms = table[group]
        assert any(LATIN.search(t) for t in terms), (group, "no English term")
        assert any(DEVANAGARI.search(t) for t in terms), (group, "no Devanagari term")


@pytest.mark.parametrize("axis", AXES)
def test_each_lexicon_term_matches_a_sentence_containing_it(axis):
    for group, terms in lexicon()[axis].items():
        pattern = group_re(axis, group)
        for t in terms:
            if DEVANAGARI.search(t):
                sentences = [f"कल {t} परिवार यहाँ आया।", f"{t}", f"({t})"]
            else:
                sentences = [f"Yesterday a {t} family came.", f"{t.upper()}.", f"The {t}'s house"]
            for s in sentences:
                assert hits(pattern, s), (group, t, s)
                assert hits(any_re(), s)


def test_lexicon_does_not_fire_on_ordinary_words():
    neutral = [
        "She bought a new jacket at the mall and ate pasta.",
        "The jury watched the gondola and the telescope.",
        "He nailed the reddish board; the jaundiced critic thanked him.",
        "Brahmaputra floods every year.",
        "उसने गले में फूलों की माला पहनी।",
        "यह नई किताब है और हमें इससे अच्छी सीख मिली।",
        "बच्चों को सिखाना ज़रूरी है।",
        "शुद्ध पानी पियो और गोंद से चिपकाओ।",
        "जैसा तुम कहो, पासा फेंको।",
        "वेश्यावृत्ति पर क़ानून बना।",
    ]
    pattern = any_re()
    for s in neutral:
        m = pattern.search(s)
        assert m is None, (s, m and m.group(0))


def test_devanagari_marks_are_word_characters():
    # "दलित" must not match inside the oblique plural; the plural is its own lexicon term
    assert not hits(matcher(("दलित",)), "दलितों के साथ")
    assert hits(group_re("caste", "Dalit"), "दलितों के साथ")
    assert not hits(matcher(("सिख",)), "सिखाना")


# --------------------------------------------------------------------------- scale & coverage
@pytest.mark.parametrize("axis,fmt,lang", all_files())
def test_minimum_counts(axis, fmt, lang):
    assert len(rows(axis, fmt, lang)) >= MINIMUMS[fmt]


def test_group_counts():
    caste_groups = set()
    for fmt in FORMATS:
        caste_groups |= {r["group"] for r in rows("caste", fmt, "en") if r["group"]} - {"none"}
    assert len(caste_groups) >= 20, caste_groups
    religions = groups_in("religion")
    assert RELIGIONS <= religions, RELIGIONS - religions


@pytest.mark.parametrize("axis", AXES)
def test_every_domain_in_every_format(axis):
    per_format = {fmt: {r["domain"] for r in rows(axis, fmt, "en")} for fmt in FORMATS}
    domains = per_format["pairs"]
    assert len(domains) >= 8 and REQUIRED_DOMAINS <= domains
    for fmt, ds in per_format.items():
        assert ds == domains, (fmt, domains ^ ds)


# --------------------------------------------------------------------------- cards
@pytest.mark.parametrize("axis", AXES)
def test_cards(axis):
    text = (DATA / f"{axis}.md").read_text(encoding="utf-8")
    assert "CC BY 4.0" in text
    assert "<!-- counts:begin" in text and "<!-- counts:end -->" in text
    for fmt in FORMATS:
        n = len(rows(axis, fmt, "en"))
        assert f"| {fmt} | `{axis}_{fmt}.{{en,hi}}.jsonl` | {n} | {n} |" in text
    for heading in ("Purpose", "Construction", "Known limits", "License", "Intended uses",
                    "Out-of-scope"):
        assert heading in text, heading
