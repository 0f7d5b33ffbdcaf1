"""Which caste or religion groups a text names: the identity lexicon's matcher.

Terms match case-insensitively on word boundaries, where Devanagari letters and vowel signs
count as word characters (Python's ``\\b`` treats the signs as boundaries and would split Hindi
words). The lexicon is the project's own (data/identity_lexicon.json, built from
data/src/groups.py).
"""

from __future__ import annotations

import json
import re
import unicodedata
from functools import lru_cache
from pathlib import Path

_WORD = r"\w\u0900-\u097F"


class Lexicon:
    """Compiled group -> surface-form matcher over both axes."""

    def __init__(self, groups: dict[str, dict[str, list[str]]]):
        self.axis_of: dict[str, str] = {}
        self._patterns: list[tuple[str, re.Pattern]] = []
        for axis, by_group in groups.items():
            for group, terms in by_group.items():
                # NFC on both sides: Devanagari nukta letters (ड़) have two encodings
                terms = sorted({unicodedata.normalize("NFC", t.strip()) for t in terms if t.strip()},
                               key=len, reverse=True)
                if not terms:
                    continue
                alt = "|".join(re.escape(t) for t in terms)
                pat = re.compile(rf"(?<![{_WORD}])(?:{alt})(?![{_WORD}])", re.IGNORECASE)
                self._patterns.append((group, pat))
                self.axis_of[group] = axis

    @property
    def groups(self) -> list[str]:
        return [g for g, _ in self._patterns]

    def find(self, text: str) -> list[str]:
        """Groups named in ``text``, in lexicon order.

        >>> lex = Lexicon({"caste": {"Dalit": ["Dalit", "Dalits", "दलित"]}, "religion": {"Sikh": ["Sikh"]}})
        >>> lex.find("Two DALITS and a Sikh farmer; दलितों"), lex.find("Sikhism? no: sikhs")
        (['Dalit', 'Sikh'], [])
        """
        text = unicodedata.normalize("NFC", text or "")
        return [g for g, pat in self._patterns if pat.search(text)]


@lru_cache(maxsize=4)
def load_lexicon(path: str | Path) -> Lexicon:
    with open(path, encoding="utf-8") as f:
        return Lexicon(json.load(f))
