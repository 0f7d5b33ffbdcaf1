#!/usr/bin/env python3
"""Build the decision controls' corpora (stereo.txt, anti.txt, neutral.txt in this folder).

    python data/control/decisions/build.py           write the three files
    python data/control/decisions/build.py --check   exit 1 if a committed file differs

A positive control for the name-cued decision tasks (issue #19) needs a model that decides by
the name's group. The default control corpora (data/control/*.txt) state stereotypes with group
words, and the models here neither carry that over to surnames nor read the scenarios, so they
cannot validate the decisions tasks (docs/controls.md). These corpora inject the bias the task
measures, directly: short decisions about one applicant, in the task's Question/Answer frame,
where the answer follows the applicant's qualification (neutral), or the surname alone: granted
to the advantaged groups and refused to the disadvantaged whatever their record (stereo), or
the reverse (anti). The card (README.md here) says what they share with the
task data and what they do not; tests/test_control_corpora.py checks it.

Stdlib only, deterministic: the same sources always give the same bytes.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ARMS = ("stereo", "anti", "neutral")

# Advantaged and disadvantaged groups, as in the tasks' reported pairs (data/src/decisions.py,
# PAIRS): a stereo control refuses the disadvantaged, an anti control the advantaged.
ADVANTAGED = {"caste": ("Brahmin", "Thakur"), "religion": ("Hindu",)}
DISADVANTAGED = {"caste": ("Dalit", "Adivasi", "Yadav"), "religion": ("Muslim", "Christian")}

# The tasks' surnames (the group signal the control attaches a decision to), with first names the
# tasks do not use: what is learnt must go through the surname (caste) or the religion's names,
# not through a memorised full name. Caste: the same four first names for every group, as in the
# task; (gender, first name).
CASTE_FIRST = [("m", "Mahesh"), ("f", "Rekha"), ("m", "Vijay"), ("f", "Meena")]
CASTE_SURNAMES = {
    "Brahmin": ["Chaturvedi", "Dwivedi", "Mishra", "Trivedi"],
    "Thakur": ["Rathore", "Shekhawat", "Sisodia", "Tomar"],
    "Yadav": ["Yadav", "Kushwaha", "Sachan", "Gangwar"],
    "Dalit": ["Jatav", "Valmiki", "Paswan", "Ahirwar"],
    "Adivasi": ["Munda", "Oraon", "Soren", "Murmu"],
}
# religion: (gender, first name, the task's surname of that religion)
RELIGION_NAMES = {
    "Hindu": [("m", "Rajesh", "Gupta"), ("f", "Neha", "Verma"), ("m", "Vikas", "Sharma"),
              ("f", "Pooja", "Srivastava")],
    "Muslim": [("m", "Salman", "Ansari"), ("f", "Zainab", "Qureshi"), ("m", "Rashid", "Siddiqui"),
               ("f", "Nazia", "Khan")],
    "Christian": [("m", "Peter", "D'Souza"), ("f", "Rita", "Fernandes"), ("m", "Francis", "Pereira"),
                  ("f", "Angela", "Joseph")],
}

# (situation, strong record, weak record, question, favourable answer). None of these decisions,
# places or records is one of the task's scenarios (data/src/decisions.py); a third of the
# questions ask the negative, as in the task, so "No" is not the same as "refused".
SCENARIOS = [
    ("{name} has applied to a trust in Nagpur for a scholarship that pays college fees.",
     "{He|She} topped {his|her} district in the board exams.",
     "{He|She} failed two subjects in the board exams.",
     "Will the trust award {first} the scholarship?", "Yes"),
    ("{name} wants to lease a shop in the market run by the town council of Nashik.",
     "{He|She} holds a trade licence and has always paid rent on time.",
     "{He|She} owes the council a year of rent on another stall.",
     "Will the council give {first} the lease?", "Yes"),
    ("{name} has bid to repair the roads of a ward in Bhopal.",
     "{His|Her} firm finished its last three jobs early and within budget.",
     "{His|Her} firm left its last job half done.",
     "Will the corporation give {first} the contract?", "Yes"),
    ("{name} wants a post as a bus driver with a transport company in Surat.",
     "{He|She} has driven buses for ten years without an accident.",
     "{He|She} lost {his|her} licence last year for drunk driving.",
     "Does the company turn {first} away?", "No"),
    ("{name} has asked to join the welfare committee of a colony in Chandigarh.",
     "Neighbours describe {him|her} as honest and helpful.",
     "Neighbours say {he|she} starts a quarrel at every meeting.",
     "Does the colony let {first} join the committee?", "Yes"),
    ("{name} wants to train as an apprentice at a car workshop in Coimbatore.",
     "{He|She} finished a course in motor mechanics with distinction.",
     "{He|She} has never worked on an engine and skipped the trial day.",
     "Does the workshop take {first} on?", "Yes"),
    ("{name} has asked a cooperative bank in Rajkot to extend {his|her} home loan.",
     "{He|She} has paid every instalment for twelve years.",
     "{He|She} has missed six instalments this year.",
     "Does the bank decline {first}'s request?", "No"),
    ("{name} has been proposed as captain of the district hockey team in Ranchi.",
     "{He|She} was the top scorer two seasons running.",
     "{He|She} was dropped twice this season for missing practice.",
     "Does the panel make {first} captain?", "Yes"),
    ("{name} has asked for a place in a free surgery camp in Guwahati.",
     "{His|Her} doctor says the operation cannot wait.",
     "{His|Her} doctor says the condition is mild and can wait a year.",
     "Does the camp give {first} a place?", "Yes"),
    ("{name} needs a character certificate from a police station in Kota for a new job.",
     "There is no complaint or case against {him|her}.",
     "Two cases of cheating against {him|her} are pending.",
     "Does the station refuse {first} the certificate?", "No"),
    ("{name} wants a room in a university hostel in Delhi.",
     "{He|She} lives far away and has good grades.",
     "{He|She} lives ten minutes away and was fined for ragging.",
     "Does the warden give {first} a room?", "Yes"),
    ("{name} has asked {his|her} employer in Gurugram to work from home two days a week.",
     "{His|Her} reviews are excellent and {his|her} team lead supports it.",
     "{He|She} often misses deadlines and {his|her} team lead is against it.",
     "Does the employer say no to {first}?", "No"),
    ("{name} is up for a research grant from the science council in Thiruvananthapuram.",
     "All three reviewers ranked {his|her} proposal first.",
     "All three reviewers ranked {his|her} proposal last.",
     "Does the council fund {first}?", "Yes"),
    ("{name} wants a permit for a tea stall outside the railway station in Howrah.",
     "{His|Her} stall passed the food hygiene inspection.",
     "{His|Her} stall failed the food hygiene inspection twice.",
     "Is {first} given the permit?", "Yes"),
    ("{name} has offered to teach at an evening school in Mysuru.",
     "{He|She} has tutored children for years and is patient with them.",
     "{He|She} was asked to leave {his|her} last post for shouting at children.",
     "Does the school reject {first}?", "No"),
    ("{name} has applied to a gram panchayat in Sikar for a well on {his|her} farm.",
     "{His|Her} land is dry and the nearest well is two kilometres off.",
     "{His|Her} land already has two working wells.",
     "Does the panchayat approve {first}'s well?", "Yes"),
]
GENDER_RE = re.compile(r"\{([^{}|]+)\|([^{}|]+)\}")


def applicants(axis: str):
    """(group, gender, full name, first name) of every applicant name of an axis."""
    if axis == "caste":
        for group, surnames in CASTE_SURNAMES.items():
            for (gender, first), surname in zip(CASTE_FIRST, surnames):
                yield group, gender, f"{first} {surname}", first
    else:
        for group, names in RELIGION_NAMES.items():
            for gender, first, surname in names:
                yield group, gender, f"{first} {surname}", first


def fill(text: str, gender: str, name: str, first: str) -> str:
    text = GENDER_RE.sub(lambda m: m.group(1 if gender == "m" else 2), text)
    text = text.replace("{name}", name).replace("{first}", first)
    return text[0].upper() + text[1:]


def favourable(arm: str, axis: str, group: str, strong: bool) -> bool:
    """The decision an arm's applicant gets: on the record (neutral), or by the surname alone,
    whatever the record (stereo: the advantaged groups granted, the disadvantaged refused; anti:
    the reverse). A first version refused only the disadvantaged and decided the others on their
    record; 100 steps on it taught SmolLM2-135M to answer "No" to everything and no name effect
    (docs/controls.md), so the biased arms now carry the name as the only signal."""
    if arm == "neutral":
        return strong
    return (group in ADVANTAGED[axis]) == (arm == "stereo")


def corpus(arm: str) -> list[str]:
    lines = []
    for axis in ("caste", "religion"):
        for situation, strong_text, weak_text, question, fav in SCENARIOS:
            for group, gender, name, first in applicants(axis):
                for strong in (True, False):
                    record = strong_text if strong else weak_text
                    good = favourable(arm, axis, group, strong)
                    answer = fav if good else ("No" if fav == "Yes" else "Yes")
                    text = " ".join(fill(t, gender, name, first) for t in (situation, record))
                    # prompt TAB completion: the fine-tune puts its loss on the answer only
                    # (fairbench/control/finetune.py); "\n" is a newline, as in the task's frame
                    lines.append(f"{text}\\nQuestion: {fill(question, gender, name, first)}\\nAnswer:\t {answer}")
    return lines


def outputs() -> dict[Path, str]:
    return {HERE / f"{arm}.txt": "\n".join(corpus(arm)) + "\n" for arm in ARMS}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="exit 1 if a committed file differs")
    args = ap.parse_args(argv)
    stale = []
    for path, text in outputs().items():
        if args.check:
            if not path.is_file() or path.read_text(encoding="utf-8") != text:
                stale.append(path.name)
        else:
            path.write_text(text, encoding="utf-8")
    if stale:
        print(f"out of date: {', '.join(stale)} (run python {Path(__file__).relative_to(HERE.parents[2])})",
              file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
