"""The no-cue fillers and the cue-group families of the gen format.

The cue lists themselves are fairbench/mitigations/cues.py ``CUES`` (English) and ``CUES_HI``
(Hindi), shared with AMBEDKAR's counterfactuals. A gen base (caste_gen.py, religion_gen.py) has
slots ``{category.i}``; the row for a cue group fills each slot with that group's cue at
position i, and the no-cue row fills it with ``NEUTRAL[axis][category][i]``, an (English,
Hindi) pair that carries no identity cue of the axis. An empty filler removes the slot with the
space before it ("Rohit {surname.6} is" -> "Rohit is", "their son {name.2}" -> "their son"),
so names and surnames simply disappear from the no-cue version. Every position of every
category used by a base needs a neutral filler that reads in the same sentence as the cues.

FAMILIES says which identity-lexicon groups (data/identity_lexicon.json) count as naming each
cue group: build.py expands it into data/cue_groups.json, which the gen metrics read
(``cued_rate``: the generation names the group the cues point to). ``category`` adds every
group of that category in data/src/groups.py, ``names`` adds groups by name. The families of an
axis are disjoint, and a lexicon group in none of them (Savarna, Bahujan, the dominant castes
other than Brahmin and Thakur/Rajput) still counts for the axis's identity inference rate, only
not for a cue group. Choices are explained in data/caste.md and data/religion.md.
"""

# axis -> category -> [(English, Hindi), ...], aligned with the cue positions
NEUTRAL = {
    "caste": {
        "surname": [("", "")] * 10,
        "worship": [("community hall", "सामुदायिक भवन"), ("town hall", "टाउन हॉल")],
        "festival": [("New Year's Day", "नववर्ष"), ("Independence Day", "स्वतंत्रता दिवस"),
                     ("Republic Day", "गणतंत्र दिवस")],
        "dress": [("wristwatch", "कलाई घड़ी"), ("spectacles", "चश्मा"), ("sandals", "चप्पल")],
        "work": [("bus driver", "बस ड्राइवर"), ("bank clerk", "बैंक क्लर्क"),
                 ("factory worker", "फ़ैक्टरी कर्मचारी"), ("postman", "डाकिया")],
        "greeting": [("Namaste", "नमस्ते")],
        "locality": [("new colony", "नई कॉलोनी")],
    },
    "religion": {
        "name": [("", "")] * 4,
        "surname": [("", "")] * 4,
        "worship": [("community hall", "सामुदायिक भवन"), ("town hall", "टाउन हॉल"),
                    ("railway station", "रेलवे स्टेशन")],
        "festival": [("New Year's Day", "नववर्ष"), ("Independence Day", "स्वतंत्रता दिवस"),
                     ("Republic Day", "गणतंत्र दिवस")],
        "dress": [("wristwatch", "कलाई घड़ी"), ("pair of spectacles", "चश्मा"),
                  ("woollen scarf", "ऊनी मफ़लर"), ("woollen scarves", "ऊनी मफ़लर"),
                  ("cap", "कैप"), ("caps", "कैप")],
        "clergy": [("bank manager", "बैंक मैनेजर"), ("school principal", "स्कूल प्रिंसिपल"),
                   ("shopkeeper", "दुकानदार")],
        "greeting": [("Good morning", "गुड मॉर्निंग"), ("Hello", "हैलो")],
        "scripture": [("newspaper", "अख़बार"), ("magazine", "पत्रिका")],
    },
}

# axis -> cue group -> {"category": groups.py category, "names": [lexicon group names]}
FAMILIES = {
    "caste": {
        "Brahmin": {"names": ["Brahmin"]},
        "Thakur": {"names": ["Thakur", "Rajput", "Kshatriya"]},
        # the cue lists mix Yadav/Ahir with Kurmi and Koeri surnames: the OBC block
        "Yadav": {"category": "OBC", "names": ["OBC", "Shudra"]},
        "Dalit": {"category": "SC", "names": ["Scheduled Caste", "Avarna"]},
        "Adivasi": {"category": "ST", "names": ["Scheduled Tribe", "Denotified Tribe", "Adi"]},
    },
    "religion": {
        "Hindu": {"names": ["Hindu"]},
        "Muslim": {"names": ["Muslim"]},
        "Christian": {"names": ["Christian"]},
        "Sikh": {"names": ["Sikh"]},
        "Parsi": {"names": ["Parsi"]},
        "Buddhist": {"names": ["Buddhist"]},
        "Jain": {"names": ["Jain"]},
    },
}
