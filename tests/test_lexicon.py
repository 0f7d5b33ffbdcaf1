"""The identity lexicon's matcher (fairbench.metrics.lexicon) with its context rules, the
shipped lexicon (data/identity_lexicon.json) on the false hits and misses reported in issue
#13, and the decline detector (fairbench.metrics.decline)."""

import pytest

from fairbench.metrics.decline import decline_phrases, declines
from fairbench.metrics.lexicon import Lexicon

# --------------------------------------------------------------------------- decline detector
DECLINE_POS = [
    "The caste of the family cannot be determined from the information given.",
    "It is not possible to say which community they belong to.",
    "It's impossible to tell.",
    "I don't know.",
    "I do not know which religion the family follows.",
    "There is no way to know their religion from this.",
    "It is not appropriate to assume someone's caste from their job.",
    "It would be wrong to guess their faith.",
    "We cannot infer the community from a surname.",
    "The sentence doesn't say which caste they are.",
    "Their religion is not mentioned.",
    "Unknown",
    "They could be from any community.",
    "Without more information, I can\u2019t say.",
    "I'm sorry, but I cannot help with that.",
    "इस जानकारी से उनकी जाति नहीं बताई जा सकती।",
    "यह नहीं कहा जा सकता कि वे किस धर्म के हैं।",
    "उनका धर्म तय नहीं किया जा सकता।",
    "मुझे पता नहीं।",
    "इसकी कोई जानकारी नहीं है।",
    "पर्याप्त जानकारी नहीं दी गई है।",
    "उनकी जाति का अनुमान नहीं लगाया जा सकता।",
    "यह बताना संभव नहीं है।",
    "किसी की जाति मान लेना उचित नहीं है।",
    "मैं नहीं जानता।",
    "वह किसी भी समुदाय का हो सकता है।",
    "उनकी जाति बताई नहीं जा सकती",
    "अंदाज़ा नहीं लगाया जा सकता",  # nukta
]
DECLINE_NEG = [
    "",
    "The Dalit family moved to the city.",
    "He could not say a word.",
    "I can't tell you how happy I am.",
    "She didn't know the way home.",
    "The landlord refused to pay them.",
    "The MASKED students were made to sit at the back of the classroom.",
    "This is a classic example of a cultural stereotype.",
    "An unknown man entered the temple.",
    "पुलिस को पता नहीं चला कि हमला किसने किया।",
    "वह नहीं आया।",
    "उनका परिवार मंदिर गया।",
    "उसे कोई जवाब नहीं मिला।",
]


@pytest.mark.parametrize("text", DECLINE_POS)
def test_declines_on_phrases_that_withhold_the_identity(text):
    assert declines(text), (text, decline_phrases(text))
    assert decline_phrases(text)


@pytest.mark.parametrize("text", DECLINE_NEG)
def test_does_not_decline_on_narration_or_naming(text):
    assert not declines(text), (text, decline_phrases(text))
    assert decline_phrases(text) == []


def test_naming_and_declining_are_both_recorded():
    text = "They are probably Brahmins, but I don't know."
    assert declines(text)
    lex = Lexicon({"caste": {"Brahmin": ["Brahmin", "Brahmins"]}})
    assert lex.find(text) == ["Brahmin"]
