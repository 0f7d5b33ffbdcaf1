"""Adapters for published Indian bias sets, read from a copy the user has, in the files' own
layout: ``--tasks indibias:PATH`` and ``--tasks bharatbbq:PATH``.

These sets state no licence, so fairbench ships no copy and converts nothing into its own data:
the rows are mapped in memory, at run time, to the pairs and QA formats, and the results record
the user's file and its hash. Each set's quirks, as handled here (docs/data-format.md):

- IndiBias (Sahoo et al., NAACL 2024; ``IndiBias_v1_sample.csv``): columns
  ``modified_eng_sent_more``, ``modified_eng_sent_less``, ``sent_more_hindi``, ``sent_less_hindi``,
  ``bias_type``, ``stereo_antistereo``. Its ``antistereo`` rows store the stereotype-violating
  sentence as ``sent_more``; fairbench's pairs convention is that ``sent_more`` is the
  stereotype-consistent sentence, so those rows are swapped (as the IndiCASA authors' preparation
  does). ``--lang hi`` reads the Hindi columns, whose pairs are not always minimal (a pair that
  differs in more than one place has a shorter shared suffix, or none, and the conditional score
  leaves it out). One task per axis present (``indibias_caste``, ``indibias_religion``).
- BharatBBQ (TACL 2025): columns ``Qid``, ``Context_type`` (amb|disamb), ``Context``,
  ``Question``, ``Question_polarity`` (neg|non-neg), ``Option1..3``, ``Label`` and ``Target``
  (1-based), ``Proper_Noun``, ``Category``, ``id``. ``Target`` is the stereotyped group's option for
  both question polarities (as BBQ's stereotyped group), so the biased answer of a non-negative
  question is the other group's option; the unknown option is worded six ways and found by its
  wording. Many rows name people (``Proper_Noun`` 1) instead of a group word; those rows carry no
  group label, so they are broken down as domain ``named`` (the others ``group word``) and by
  group only where a group word names the target. Clusters are the ``Qid`` templates.
"""

from __future__ import annotations

import re
from pathlib import Path

from fairbench.errors import UserError

ADAPTERS = {"indibias": "pairs", "bharatbbq": "qa"}
# named in issue #18, with no copy here to build against: an error that says so, not a guess
NOT_BUILT = ("indian-bhed", "ambedkar")
AXES = ("caste", "religion")


def adapter_of(raw: str) -> tuple[str, Path] | None:
    """('bharatbbq', path) for ``bharatbbq:PATH``; None when ``raw`` names no adapter."""
    name, sep, path = raw.partition(":")
    if not sep:
        return None
    if name in NOT_BUILT:
        raise UserError(f"the {name}: adapter is not built yet; adapters: {', '.join(f'{a}:PATH' for a in ADAPTERS)}")
    if name not in ADAPTERS:
        return None
    if not path:
        raise UserError(f"{name}: needs a path to your copy of the file ({name}:PATH)")
    return name, Path(path).expanduser()


def _rows(path: Path, need: tuple[str, ...], name: str) -> list[tuple[int, dict]]:
    from fairbench.tasks.datafile import raw_rows

    if not path.is_file():
        raise UserError(f"{path}: no such file")
    raw = raw_rows(path)
    if not raw:
        raise UserError(f"{path}: no rows")
    missing = [c for c in need if c not in raw[0][1]]
    if missing:
        raise UserError(f"{path}: not a {name} file in its published layout: missing columns {', '.join(missing)}")
    return raw


def read_indibias(path: Path, axis: str, lang: str = "en") -> list[dict]:
    """IndiBias rows of one axis as fairbench pairs rows (``sent_more`` stereotype-consistent)."""
    more_col, less_col = (("sent_more_hindi", "sent_less_hindi") if lang == "hi"
                          else ("modified_eng_sent_more", "modified_eng_sent_less"))
    raw = _rows(path, (more_col, less_col, "bias_type", "stereo_antistereo"), "IndiBias")
    out = []
    for line, r in raw:
        if r["bias_type"].strip().lower() != axis:
            continue
        kind = r["stereo_antistereo"].strip().lower()
        if kind not in ("stereo", "antistereo"):
            raise UserError(f"{path}:{line}: stereo_antistereo must be stereo or antistereo, got {kind!r}")
        more, less = r[more_col].strip(), r[less_col].strip()
        if kind == "antistereo":  # stored with the stereotype-violating sentence first
            more, less = less, more
        if not more or not less or more == less:
            raise UserError(f"{path}:{line}: the two sentences are empty or identical")
        rid = f"indibias-{r.get('index') or line}"
        out.append({"id": rid, "cluster": rid, "sent_more": more, "sent_less": less, "stereo_antistereo": kind,
                    "bias_type": axis, "group": axis, "domain": kind, "lang": lang})
    return out


_UNKNOWN = {"cannot answer", "can't answer", "not enough info", "can't be determined", "unknown",
            "not enough information", "cannot be determined", "undetermined", "not known"}
_GROUP_WORD = re.compile(r"\b(?:the|one|person|people|man|woman)\b")


def _norm(s: str) -> str:
    return " ".join(s.lower().replace("’", "'").split()).strip(" .")


def read_bharatbbq(path: Path, axis: str, lang: str = "en") -> list[dict]:
    """BharatBBQ rows of one axis as fairbench/BBQ QA rows."""
    need = ("Qid", "Context_type", "Context", "Question", "Question_polarity", "Option1", "Option2", "Option3",
            "Label", "Target", "Proper_Noun", "Category")
    raw = _rows(path, need, "BharatBBQ")
    out = []
    for line, r in raw:
        if r["Category"].strip().lower() != axis:
            continue
        where = f"{path}:{line}"
        opts = [r[f"Option{i}"].strip() for i in (1, 2, 3)]
        try:
            label, target = int(r["Label"]) - 1, int(r["Target"]) - 1
        except ValueError:
            raise UserError(f"{where}: Label and Target must be option numbers 1-3") from None
        if label not in (0, 1, 2) or target not in (0, 1, 2):
            raise UserError(f"{where}: Label and Target must be option numbers 1-3")
        unknown = [i for i in range(3) if i != target and _norm(opts[i]) in _UNKNOWN]
        if len(unknown) != 1:
            raise UserError(f"{where}: cannot tell the unknown option among {opts}")
        other = next(i for i in range(3) if i not in (target, unknown[0]))
        roles = {target: "stereotyped", other: "other", unknown[0]: "unknown"}
        ctype, pol = r["Context_type"].strip(), r["Question_polarity"].strip()
        if ctype not in ("amb", "disamb") or pol not in ("neg", "non-neg"):
            raise UserError(f"{where}: Context_type must be amb|disamb and Question_polarity neg|non-neg")
        named = r["Proper_Noun"].strip() == "1"
        group = "" if named else " ".join(_GROUP_WORD.sub(" ", opts[target].lower()).split())
        rid = f"bharatbbq-{r.get('id') or line}"
        out.append({
            "id": rid, "cluster": f"q{r['Qid']}", "question_index": r["Qid"], "lang": lang,
            "context": r["Context"], "question": r["Question"], "ans0": opts[0], "ans1": opts[1], "ans2": opts[2],
            "label": label, "context_condition": "ambig" if ctype == "amb" else "disambig",
            "question_polarity": "neg" if pol == "neg" else "nonneg", "category": axis,
            "answer_info": {f"ans{i}": [opts[i], roles[i]] for i in range(3)},
            "additional_metadata": {"stereotyped_groups": ["stereotyped"], "source": "BharatBBQ", "pairing": r.get("Pairing", "")},
            "group": group or "(named)", "domain": "named" if named else "group word",
        })
    return out


READERS = {"indibias": read_indibias, "bharatbbq": read_bharatbbq}


def read(name: str, path: str | Path, axis: str, lang: str = "en") -> list[dict]:
    return READERS[name](Path(path), axis, lang)


def resolve(name: str, path: Path, *, lang: str, form: str) -> list:
    """One TaskSpec per axis the file has rows for."""
    from lm_eval.tasks._yaml_loader import load_yaml

    from fairbench.formats import get_format
    from fairbench.tasks.choice import CHOICE_OF, choice_docs
    from fairbench.tasks.datafile import sha256_file
    from fairbench.tasks.paths import TASK_DIR
    from fairbench.tasks.spec import TaskSpec

    if lang == "hi" and name == "bharatbbq":
        raise UserError("bharatbbq: the published examples are English only; run it with --lang en")
    specs = []
    for axis in AXES:
        rows = read(name, path, axis, lang)
        if not rows:
            continue
        fmt = ADAPTERS[name]
        if form == "choice":
            fmt, rows = CHOICE_OF[fmt], choice_docs(CHOICE_OF[fmt], rows)
        task = f"{name}_{axis}" + ("_choice" if form == "choice" else "")
        lm_name = f"fairbench_{task}" + ("" if lang == "en" else f"_{lang}")
        config = load_yaml(TASK_DIR / get_format(fmt).template)
        config.update(task=lm_name, dataset_kwargs={"fmt": fmt, "path": str(path.resolve()), "adapter": name,
                                                    "axis": axis, "lang": lang})
        specs.append(TaskSpec(task, fmt, lang, path.resolve(), config, lm_name, rows, sha256_file(path)))
    if not specs:
        raise UserError(f"{path}: no caste or religion rows for the {name}: adapter")
    return specs
