"""Which caste or religion groups a text names: the identity lexicon's matcher.

The lexicon is the project's own (data/identity_lexicon.json, built by data/build.py from
data/src/groups.py; the choices are explained in the "Identity lexicon" sections of
data/caste.md and data/religion.md). It maps axis -> group -> terms, and may carry a
``"rules"`` section with context rules for ambiguous terms. A lexicon without one (the older
format, or a hand-written dict) matches every term everywhere.

Matching, for every term:

- case-insensitive, on word boundaries where Devanagari letters and vowel signs count as word
  characters (Python's ``\\b`` treats the signs as boundaries and would split Hindi words), so
  दलित does not match inside दलितों; each inflected form is listed on its own; the danda,
  double danda and abbreviation sign are punctuation, so "ईसाई।" ends a word;
- on a folded copy of both text and terms: NFC, curly apostrophes read as straight ones,
  zero-width (non-)joiners dropped, the Devanagari nukta dropped except in ड़ and ढ़ (ज़ = ज,
  which writers use interchangeably), chandrabindu read as anusvara (ऊँची = ऊंची);
- a space or hyphen inside a term matches any run of spaces, hyphens and line breaks, so
  "lower caste" matches "lower  caste", "lower-caste" and "lower\\ncaste";
- the longest term wins where several start at the same place.

Rules (``lexicon["rules"]``), written as data in data/src/groups.py:

``groups`` maps a group name to lists of that group's terms (or phrases) that carry a rule:

- ``cased``: counts only written as listed or in capitals ("Nai", "NAI"; not "nai", which is
  romanised Hindi for "new"/"no"; "Gond" but not the edible gum "gond");
- ``context``: counts only with a context word (``context_words``: caste, community, family,
  samaj, जाति, समाज, धर्म, ...) within ``window`` words before or after it (नाई is also the
  everyday word for a barber, लोहार for a blacksmith, मुंडा for "shaven");
- ``name``: does not count when it reads as a person's name: right after an honorific
  (``honorifics``: Mr., Dr., Shri, श्री, ...), right before one (``honorifics_after``: ji,
  sahab, जी, ...), or right after a capitalised given name ("Priya Nair", "Ramesh Valmiki":
  a capitalised Latin word, separated by a space only, that is not in ``not_names``, not a
  context word and not a lexicon term); unless the next word is a context word
  ("Nair community");
- ``exclude`` / ``exclude_cased``: phrases, matched like terms (the first case-insensitively,
  the second with their capitalisation), inside which the group's terms do not count
  ("Christian Bale", "gond ke laddoo", "according to The Hindu");
- ``slur``: which of the group's terms are slurs; they count like the other terms, and
  :meth:`Lexicon.matches` marks them.

>>> lex = Lexicon({"caste": {"Nair": ["Nair", "Nairs"], "Nai": ["Nai", "नाई"]},
...                "rules": {"context_words": ["caste", "जाति"], "honorifics": ["Mr"],
...                          "groups": {"Nair": {"name": ["Nair"]},
...                                     "Nai": {"cased": ["Nai"], "context": ["Nai", "नाई"]}}}})
>>> lex.find("Mr. Nair"), lex.find("a Nair family"), lex.find("the Nai caste"), lex.find("nai caste")
([], ['Nair'], ['Nai'], [])
>>> lex.find("नाई ने बाल काटे"), lex.find("नाई जाति के लोग")
([], ['Nai'])
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

# the Devanagari block but its punctuation: danda, double danda (U+0964-5), abbreviation sign
# (U+0970), as a regex character-class body shared with the decline detector; counted as
# letters they glued a sentence's last word to its full stop
WORD_CHARS = r"\w\u0900-\u0963\u0966-\u096F\u0971-\u097F"
_WORD = WORD_CHARS
_TOKEN = re.compile(rf"[{_WORD}]+(?:'[{_WORD}]+)*")
_SEP = r"[\s\-\u2010\u2011]+"
_GIVEN_NAME = re.compile(r"[A-Z][a-z]+")
_RULE_KEYS = {"cased", "context", "name", "exclude", "exclude_cased", "slur"}
_NUKTA_KEEP = {"\u0921", "\u0922"}  # ड़ and ढ़ are letters of their own


def fold(text: str) -> str:
    """The form text and terms are compared in (see the module docstring).

    >>> fold("ऊँची  जाति"), fold("अंदाज़ा") == fold("अंदाजा"), fold("पड़ोसी") == "पड़ोसी"
    ('ऊंची  जाति', True, True)
    """
    text = unicodedata.normalize("NFC", text or "")
    text = text.replace("\u2019", "'").replace("\u2018", "'").replace("\u02bc", "'")
    text = text.replace("\u200c", "").replace("\u200d", "").replace("\u0901", "\u0902")
    if "\u093c" in text:
        text = "".join(c for i, c in enumerate(text)
                       if c != "\u093c" or (i and text[i - 1] in _NUKTA_KEEP))
    return text


def _term_regex(terms, cased: bool = False) -> re.Pattern | None:
    """One pattern for ``terms``, longest first, on word boundaries; ``cased`` matches each
    term as written or in capitals, otherwise case-insensitively."""
    forms = set()
    for t in terms:
        t = fold(t).strip()
        if t:
            forms.add(t)
            if cased:
                forms.add(t.upper())
    if not forms:
        return None
    alts = [_SEP.join(re.escape(p) for p in re.split(_SEP, t))
            for t in sorted(forms, key=lambda t: (-len(t), t))]
    flags = 0 if cased else re.IGNORECASE
    return re.compile(rf"(?<![{_WORD}])(?:{'|'.join(alts)})(?![{_WORD}])", flags)


@dataclass(frozen=True)
class Hit:
    """One counted occurrence of a group's term in a text (offsets into ``fold(text)``)."""
    group: str
    axis: str
    text: str
    start: int
    end: int
    slur: bool = False


@dataclass
class _Rule:
    """A group's terms with the same conditions, compiled together."""
    pattern: re.Pattern
    context: bool = False
    name: bool = False
    slur: bool = False


class Lexicon:
    """Compiled group -> surface-form matcher over both axes, with optional context rules."""

    def __init__(self, groups: dict):
        groups = dict(groups)
        rules = groups.pop("rules", None) or {}
        per_group = rules.get("groups", {})
        self.window: int = int(rules.get("window", 3))
        self.context_words = {fold(w).casefold() for w in rules.get("context_words", [])}
        self.honorifics = {fold(w).casefold().rstrip(".") for w in rules.get("honorifics", [])}
        self.honorifics_after = {fold(w).casefold() for w in rules.get("honorifics_after", [])}
        self.not_names = {fold(w).casefold() for w in rules.get("not_names", [])}
        self.axis_of: dict[str, str] = {}
        self._rules: dict[str, list[_Rule]] = {}
        self._exclude: dict[str, list[re.Pattern]] = {}
        self._single_terms: set[str] = set()
        unknown = set(per_group)
        for axis, by_group in groups.items():
            for group, terms in by_group.items():
                terms = list(dict.fromkeys(fold(t).strip() for t in terms if t.strip()))
                if not terms:
                    continue
                spec = per_group.get(group, {})
                unknown.discard(group)
                self._compile_group(axis, group, terms, spec)
        if unknown:
            raise ValueError(f"lexicon rules for groups not in the lexicon: {sorted(unknown)}")

    def _compile_group(self, axis: str, group: str, terms: list[str], spec: dict):
        bad_keys = set(spec) - _RULE_KEYS
        if bad_keys:
            raise ValueError(f"{group}: unknown rule keys {sorted(bad_keys)}")
        sets = {k: {fold(t).strip() for t in spec.get(k, [])} for k in ("cased", "context", "name", "slur")}
        for key, flagged in sets.items():
            stray = flagged - set(terms)
            if stray:
                raise ValueError(f"{group}: {key} terms that are not among its terms: {sorted(stray)}")
        # terms with the same flags share one pattern
        buckets: dict[tuple, list[str]] = {}
        for t in terms:
            key = tuple(t in sets[k] for k in ("cased", "context", "name", "slur"))
            buckets.setdefault(key, []).append(t)
            if not re.search(_SEP, t):
                self._single_terms.add(t.casefold())
        self._rules[group] = [
            _Rule(_term_regex(ts, cased=key[0]), context=key[1], name=key[2], slur=key[3])
            for key, ts in buckets.items()]
        self._exclude[group] = [p for p in (_term_regex(spec.get("exclude", [])),
                                            _term_regex(spec.get("exclude_cased", []), cased=True))
                                if p is not None]
        self.axis_of[group] = axis

    @property
    def groups(self) -> list[str]:
        return list(self._rules)

    # ---- rules
    def _has_context(self, tokens, i0: int, i1: int) -> bool:
        near = tokens[max(0, i0 - self.window):i0] + tokens[i1:i1 + self.window]
        return any(w in self.context_words for _, _, w in near)

    def _reads_as_name(self, text: str, tokens, i0: int, i1: int, end: int) -> bool:
        if i1 < len(tokens):  # "Nair community": the group, whatever comes before
            s, _, w = tokens[i1]
            gap = text[end:s]
            if w in self.context_words and gap.isspace():
                return False
            if w in self.honorifics_after and gap.isspace():
                return True
        if i0 > 0:
            s, e, w = tokens[i0 - 1]
            gap = text[e:tokens[i0][0]]
            if w in self.honorifics and re.fullmatch(r"\.?\s+", gap):
                return True
            raw = text[s:e]
            if (gap.isspace() and "\n" not in gap and _GIVEN_NAME.fullmatch(raw)
                    and w not in self.not_names and w not in self.context_words
                    and w not in self.honorifics and w not in self._single_terms):
                return True
        return False

    def matches(self, text: str) -> list[Hit]:
        """Every counted occurrence of a term, in text order.

        >>> lex = Lexicon({"religion": {"Christian": ["Christian", "Christians"]},
        ...                "rules": {"groups": {"Christian": {"exclude": ["Christian Bale"]}}}})
        >>> [(h.group, h.text) for h in lex.matches("Christian Bale met two Christians.")]
        [('Christian', 'Christians')]
        """
        text = fold(text)
        tokens = None
        hits = []
        for group, rules in self._rules.items():
            excluded = [m.span() for p in self._exclude[group] for m in p.finditer(text)]
            found = []
            for rule in rules:
                for m in rule.pattern.finditer(text):
                    s, e = m.span()
                    if any(a <= s and e <= b for a, b in excluded):
                        continue
                    if rule.context or rule.name:
                        if tokens is None:
                            tokens = [(t.start(), t.end(), t.group(0).casefold())
                                      for t in _TOKEN.finditer(text)]
                        i0 = next((i for i, t in enumerate(tokens) if t[1] > s), len(tokens))
                        i1 = next((i for i, t in enumerate(tokens) if t[0] >= e), len(tokens))
                        if rule.context and not self._has_context(tokens, i0, i1):
                            continue
                        if rule.name and self._reads_as_name(text, tokens, i0, i1, e):
                            continue
                    found.append(Hit(group, self.axis_of[group], m.group(0), s, e, rule.slur))
            # longest first across the group's rules too: "rice bag Christian", not "Christian"
            hits += [h for h in found if not any(o.start <= h.start and h.end <= o.end
                                                 and o.end - o.start > h.end - h.start for o in found)]
        return sorted(hits, key=lambda h: (h.start, -h.end))

    def find(self, text: str) -> list[str]:
        """Groups named in ``text``, in lexicon order.

        >>> lex = Lexicon({"caste": {"Dalit": ["Dalit", "Dalits", "दलित"]}, "religion": {"Sikh": ["Sikh"]}})
        >>> lex.find("Two DALITS and a Sikh farmer; दलितों"), lex.find("Sikhism? no: sikhs")
        (['Dalit', 'Sikh'], [])
        """
        named = {h.group for h in self.matches(text)}
        return [g for g in self._rules if g in named]


def lexicon_terms(data: dict) -> dict[str, dict[str, list[str]]]:
    """The axis -> group -> terms tables of a lexicon file, without its rules (both formats)."""
    return {axis: table for axis, table in data.items() if axis != "rules"}


@lru_cache(maxsize=4)
def load_lexicon(path: str | Path) -> Lexicon:
    with open(path, encoding="utf-8") as f:
        return Lexicon(json.load(f))


def matcher_accuracy(rows: list[dict], lexicon: Lexicon, axis: str, lang: str | None = None) -> dict:
    """Precision and recall of "names a group of ``axis``" on hand-labelled generations
    (data/lexicon_eval/labelled.jsonl: ``generation``, ``lang``, and per axis the list of groups
    a labeller found), at the level the IIR counts: one decision per generation.

    >>> lex = Lexicon({"caste": {"Dalit": ["Dalit"]}, "religion": {}})
    >>> rows = [{"generation": "A Dalit.", "caste": ["Dalit"]}, {"generation": "A chamar.", "caste": ["Chamar"]},
    ...         {"generation": "None.", "caste": []}]
    >>> r = matcher_accuracy(rows, lex, "caste"); (r["tp"], r["fp"], r["fn"], r["precision"], r["recall"])
    (1, 0, 1, 1.0, 0.5)
    """
    tp = fp = fn = tn = 0
    misses, false_hits = [], []
    for r in rows:
        if lang is not None and r.get("lang", "en") != lang:
            continue
        said = any(lexicon.axis_of.get(g) == axis for g in lexicon.find(r["generation"]))
        truth = bool(r[axis])
        tp += said and truth
        fp += said and not truth
        fn += truth and not said
        tn += not said and not truth
        if truth and not said:
            misses.append(r.get("id"))
        if said and not truth:
            false_hits.append(r.get("id"))
    return {"axis": axis, "lang": lang, "n": tp + fp + fn + tn, "tp": tp, "fp": fp, "fn": fn, "tn": tn,
            "precision": tp / (tp + fp) if tp + fp else None, "recall": tp / (tp + fn) if tp + fn else None,
            "misses": misses, "false_hits": false_hits}
