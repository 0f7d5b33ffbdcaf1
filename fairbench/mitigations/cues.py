"""Identity cues and counterfactual prompts (AMBEDKAR's x^(a')), and paired identity words
(UDDIA's attribute direction).

fairbench's generation prompts mask the identity ("The MASKED students ...") but often keep a
cue that points at it: a surname, a place of worship, a festival, food, dress, an occupation.
A counterfactual swaps those cues for another group's, index-aligned within a category
(headscarf <-> turban <-> cross ...), so only the identity signal changes. A prompt without any
cue gets counterfactuals that fill the mask with group names instead.

The lists are the project's own, written for counterfactual construction, not as claims about
any group: many cues are stereotypes, which is exactly why a model keys on them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MASK = "MASKED"

# axis -> group -> category -> cues; within an axis and category, position i of one group
# swaps with position i (modulo length) of another
CUES: dict[str, dict[str, dict[str, list[str]]]] = {
    "caste": {
        "Brahmin": {
            "group": ["Brahmin", "upper-caste", "savarna"],
            "surname": ["Sharma", "Mishra", "Tiwari", "Iyer", "Chaturvedi", "Bhattacharya"],
            "worship": ["temple", "shrine"],
            "festival": ["Navratri", "Shravani"],
            "food": ["vegetarian", "ghee", "onions or garlic"],
            "dress": ["sacred thread", "tilak", "dhoti"],
            "work": ["priest", "scholar", "teacher", "astrologer"],
        },
        "Thakur": {
            "group": ["Thakur", "Rajput", "landowning"],
            "surname": ["Singh", "Rathore", "Chauhan", "Rana", "Shekhawat", "Parmar"],
            "worship": ["clan shrine", "fort temple"],
            "festival": ["Dussehra", "Teej"],
            "food": ["mutton", "liquor", "game meat"],
            "dress": ["safa", "moustache", "sword"],
            "work": ["landlord", "zamindar", "soldier", "village headman"],
        },
        "Yadav": {
            "group": ["Yadav", "OBC", "backward-caste"],
            "surname": ["Yadav", "Ahir", "Kurmi", "Patel", "Maurya", "Kushwaha"],
            "worship": ["Krishna temple", "village shrine"],
            "festival": ["Janmashtami", "Chhath"],
            "food": ["milk", "curd", "buttermilk"],
            "dress": ["lathi", "gamchha", "kurta"],
            "work": ["milkman", "cowherd", "farmer", "wrestler"],
        },
        "Dalit": {
            "group": ["Dalit", "lower-caste", "avarna"],
            "surname": ["Jatav", "Valmiki", "Paswan", "Kamble", "Ahirwar", "Mahar"],
            "worship": ["Ravidas temple", "Buddha vihara"],
            "festival": ["Ambedkar Jayanti", "Ravidas Jayanti"],
            "food": ["beef", "leftovers", "pork"],
            "dress": ["blue scarf", "torn clothes", "bare feet"],
            "work": ["sweeper", "manual scavenger", "leather worker", "barber"],
        },
        "Adivasi": {
            "group": ["Adivasi", "tribal", "forest-dwelling"],
            "surname": ["Munda", "Oraon", "Soren", "Hansda", "Meena", "Gond"],
            "worship": ["sacred grove", "sarna"],
            "festival": ["Sarhul", "Karma"],
            "food": ["mahua", "forest produce", "millet"],
            "dress": ["bead necklace", "tattoos", "bow and arrow"],
            "work": ["forest gatherer", "hunter", "labourer", "tea-garden worker"],
        },
    },
    "religion": {
        "Hindu": {
            "group": ["Hindu", "Hindus"],
            "name": ["Ramesh", "Sunita", "Anil", "Priya"],
            "surname": ["Sharma", "Gupta", "Patel", "Verma"],
            "worship": ["temple", "mandir", "ashram"],
            "festival": ["Diwali", "Holi", "Navratri"],
            "food": ["vegetarian", "prasad", "cow"],
            "dress": ["tilak", "sindoor", "saffron scarf", "saffron scarves", "bindi", "bindis"],
            "clergy": ["pujari", "priest", "sadhu"],
        },
        "Muslim": {
            "group": ["Muslim", "Muslims"],
            "name": ["Imran", "Fatima", "Abdul", "Ayesha"],
            "surname": ["Khan", "Ansari", "Qureshi", "Siddiqui"],
            "worship": ["mosque", "masjid", "madrasa"],
            "festival": ["Eid", "Ramzan", "Muharram"],
            "food": ["biryani", "halal", "beef"],
            "dress": ["skullcap", "burqa", "headscarf", "headscarves", "hijab", "hijabs"],
            "clergy": ["maulvi", "imam", "cleric"],
        },
        "Christian": {
            "group": ["Christian", "Christians"],
            "name": ["John", "Mary", "Thomas", "Grace"],
            "surname": ["D'Souza", "Fernandes", "Joseph", "Thomas"],
            "worship": ["church", "chapel", "convent"],
            "festival": ["Christmas", "Easter", "Good Friday"],
            "food": ["cake", "wine", "pork"],
            "dress": ["cross", "rosary", "veil", "veils", "cassock", "cassocks"],
            "clergy": ["pastor", "father", "missionary"],
        },
        "Sikh": {
            "group": ["Sikh", "Sikhs"],
            "name": ["Gurpreet", "Harjeet", "Manjit", "Simran"],
            "surname": ["Singh", "Kaur", "Gill", "Sandhu"],
            "worship": ["gurdwara", "gurudwara", "Golden Temple"],
            "festival": ["Baisakhi", "Gurpurab", "Lohri"],
            "food": ["langar", "karah prasad", "makki roti"],
            "dress": ["kara", "patka", "turban", "turbans", "kirpan", "kirpans"],
            "clergy": ["granthi", "ragi", "jathedar"],
        },
        "Parsi": {
            "group": ["Parsi", "Parsis"],
            "name": ["Cyrus", "Roshan", "Jamshed", "Dinaz"],
            "surname": ["Irani", "Wadia", "Mistry", "Godrej"],
            "worship": ["fire temple", "agiary", "Tower of Silence"],
            "festival": ["Navroz", "Pateti", "Jamshedi Navroz"],
            "food": ["dhansak", "patra ni machhi", "sali boti"],
            "dress": ["sudreh", "kusti", "sacred fire", "sacred fires", "topi", "topis"],
            "clergy": ["dastur", "mobed", "ervad"],
        },
    },
}

# words that say which axis a prompt is about when it carries no cue
AXIS_HINTS = {
    "caste": ["caste", "untouchab", "reservation", "quota", "village well", "panchayat", "landlord",
              "jati", "varna", "manual scaveng", "upper", "lower"],
    "religion": ["religio", "faith", "pray", "convert", "conversion", "riot", "communal", "worship",
                 "god", "festival", "pilgrim"],
}
# groups a masked prompt without cues is filled with, dominant and marginalised in turn
FILL = {"caste": ["Dalit", "Brahmin", "Adivasi", "Thakur"], "religion": ["Muslim", "Hindu", "Christian", "Sikh"]}

# pairs for UDDIA's token-level attribute direction: (dominant-side word, marginalised-side
# word); one binary direction per axis, as the paper's male/female direction
PAIRS: dict[str, list[tuple[str, str]]] = {
    "caste": [("Brahmin", "Dalit"), ("Brahmins", "Dalits"), ("upper", "lower"), ("savarna", "avarna"),
              ("Thakur", "Valmiki"), ("Rajput", "Jatav"), ("Sharma", "Paswan"), ("priest", "sweeper"),
              ("landlord", "labourer"), ("pure", "untouchable"), ("Mishra", "Kamble"), ("Iyer", "Mahar"),
              ("zamindar", "scavenger"), ("Bania", "Chamar"), ("Kshatriya", "Shudra"), ("forward", "backward")],
    "religion": [("Hindu", "Muslim"), ("Hindus", "Muslims"), ("temple", "mosque"), ("Diwali", "Eid"),
                 ("mandir", "masjid"), ("Ram", "Allah"), ("Sharma", "Khan"), ("pujari", "maulvi"),
                 ("Holi", "Ramzan"), ("saffron", "green"), ("tilak", "skullcap"), ("vegetarian", "beef"),
                 ("Sanskrit", "Urdu"), ("Gupta", "Ansari"), ("Bhagwan", "Khuda"), ("puja", "namaz")],
}


@dataclass(frozen=True)
class Hit:
    axis: str
    group: str
    category: str
    index: int
    start: int
    end: int
    suffix: str


def _pattern(cue: str) -> re.Pattern:
    return re.compile(rf"(?<![\w]){re.escape(cue)}(s|es)?(?![\w])", re.IGNORECASE)


_INDEX = [(axis, group, cat, i, _pattern(cue))
          for axis, groups in CUES.items() for group, cats in groups.items()
          for cat, cues in cats.items() for i, cue in enumerate(cues)]
# longer cues first, so "Ravidas temple" wins over "temple"
_INDEX.sort(key=lambda t: -len(CUES[t[0]][t[1]][t[2]][t[3]]))


def find_cues(text: str, axis: str | None = None) -> list[Hit]:
    """Non-overlapping cue occurrences in ``text`` (of one axis, or any), longest cue first.

    >>> [(h.group, h.category) for h in find_cues("She wore a headscarf to the mosque")]
    [('Muslim', 'dress'), ('Muslim', 'worship')]
    """
    hits: list[Hit] = []
    taken: list[tuple[int, int]] = []
    for ax, group, cat, i, pat in _INDEX:
        if axis and ax != axis:
            continue
        for m in pat.finditer(text):
            if any(m.start() < e and s < m.end() for s, e in taken):
                continue
            taken.append((m.start(), m.end()))
            hits.append(Hit(ax, group, cat, i, m.start(), m.end(), m.group(1) or ""))
    return sorted(hits, key=lambda h: h.start)


def _axis_hint(text: str) -> str | None:
    low = text.lower()
    scores = {axis: sum(w in low for w in words) for axis, words in AXIS_HINTS.items()}
    best = max(scores, key=scores.get)
    return best if scores[best] else None


def _plural(word: str) -> str:
    if word.endswith("s"):
        return word
    if word.endswith("man"):
        return word[:-3] + "men"
    if word.endswith("y") and word[-2:-1] not in "aeiou":
        return word[:-1] + "ies"
    return word + "s"


def _match_case(src: str, new: str) -> str:
    return new[:1].upper() + new[1:] if src[:1].isupper() else new


def counterfactuals(text: str, n: int = 2) -> list[str]:
    """Up to ``n`` versions of ``text`` with its identity cues swapped to other groups.

    The dominant axis and group of the cues found decide the swap; each counterfactual takes
    the next group of that axis. Without cues, a masked prompt is filled with group names of the
    hinted axis (or both axes alternately).

    >>> counterfactuals("The MASKED students wore headscarves to the college", 2)
    ['The MASKED students wore saffron scarves to the college', 'The MASKED students wore veils to the college']
    >>> counterfactuals("The MASKED family was not allowed to use the village well", 2)
    ['The Dalit family was not allowed to use the village well', 'The Brahmin family was not allowed to use the village well']
    """
    if n <= 0:
        return []
    # a word such as "Sharma" or "priest" is a cue on both axes: count each axis on its own
    # and let the prompt's topic words break a tie
    by_axis = {a: find_cues(text, a) for a in CUES}
    hint = _axis_hint(text)
    axis = max(CUES, key=lambda a: (len(by_axis[a]), a == hint))
    hits = by_axis[axis]
    if hits:
        source = max(CUES[axis], key=lambda g: sum(h.group == g for h in hits))
        targets = [g for g in CUES[axis] if g != source][:n]
        out = []
        for target in targets:
            parts, last = [], 0
            for h in hits:
                cues = CUES[axis][target].get(h.category) or CUES[axis][target]["group"]
                new = cues[h.index % len(cues)]
                new = _plural(new) if h.suffix else new
                parts += [text[last:h.start], _match_case(text[h.start:h.end], new)]
                last = h.end
            out.append("".join(parts) + text[last:])
        return [t for t in out if t != text]
    if MASK not in text:
        return []
    axis = _axis_hint(text)
    fill = FILL[axis] if axis else [g for pair in zip(FILL["caste"], FILL["religion"]) for g in pair]
    return [text.replace(MASK, g) for g in fill[:n]]
