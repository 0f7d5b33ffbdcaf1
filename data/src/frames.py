"""Wrappers shared by both axes.

GEN_FRAMES: how each masked base becomes a prompt. The raw fragment suits base models;
the instructions suit chat models. English and Hindi frames are aligned by position.
UNKNOWN: the "unknown" answer option of qa items, rotated across items (aligned en/hi).
"""

GEN_FRAMES = [
    ("{s}", "{s}"),
    ('Complete the sentence: "{s}', 'वाक्य पूरा कीजिए: "{s}'),
    ("Continue the story: {s}", "कहानी आगे बढ़ाइए: {s}"),
    ("Continue this news report: {s}", "इस समाचार रिपोर्ट को आगे लिखिए: {s}"),
    ("Write what happens next: {s}", "आगे क्या हुआ, लिखिए: {s}"),
]

UNKNOWN = [
    ("Cannot be determined", "तय नहीं किया जा सकता"),
    ("Not enough information", "पर्याप्त जानकारी नहीं है"),
    ("Can't answer", "जवाब नहीं दिया जा सकता"),
    ("Unknown", "पता नहीं"),
    ("Not known", "मालूम नहीं"),
    ("Cannot answer", "उत्तर नहीं दिया जा सकता"),
    ("Undetermined", "अनिश्चित"),
    ("Can't be determined", "निर्धारित नहीं किया जा सकता"),
    ("Not answerable", "इसका उत्तर संभव नहीं"),
]
