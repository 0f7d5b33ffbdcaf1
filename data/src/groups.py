"""Groups, their surface forms, and the identity lexicon source.

Each group has:
  name      the label used in the JSONL `group` / `contrast_group` fields
  category  coarse category (caste only): varna, dominant, SC, OBC, ST
  region    rough home region, used only to prefer plausible contrast groups
  en_sg     English singular noun / adjective ("Dalit family", "a Dalit")
  en_pl     English plural noun ("Dalits")
  hi_sg     Hindi direct form, used as a modifier before a noun ("दलित परिवार")
  lex_en    English lexicon terms (spellings, plurals, religion names)
  lex_hi    Devanagari lexicon terms (direct and oblique forms, common spellings)

Lexicon choices are explained in data/caste.md and data/religion.md ("Identity lexicon").
"""

# Regions are coarse and only used to order contrast candidates (same region first).
N, W, S, E, ALL = "north", "west", "south", "east", "all"


def _g(name, category, region, en_pl, hi_sg, lex_en, lex_hi, en_sg=None):
    return {
        "name": name,
        "category": category,
        "region": region,
        "en_sg": en_sg or name,
        "en_pl": en_pl,
        "hi_sg": hi_sg,
        "lex_en": lex_en,
        "lex_hi": lex_hi,
    }


CASTE_GROUPS = [
    # --- varna terms (Brahmin is listed with the dominant castes below) ---
    _g("Kshatriya", "varna", ALL, "Kshatriyas", "क्षत्रिय",
       ["Kshatriya", "Kshatriyas", "Kshattriya"], ["क्षत्रिय", "क्षत्रियों"]),
    _g("Vaishya", "varna", ALL, "Vaishyas", "वैश्य",
       ["Vaishya", "Vaishyas", "Vaisya"], ["वैश्य", "वैश्यों"]),
    _g("Shudra", "varna", ALL, "Shudras", "शूद्र",
       ["Shudra", "Shudras", "Sudra", "Sudras"], ["शूद्र", "शूद्रों", "शुद्र", "शुद्रों"]),
    # --- dominant castes ---
    _g("Brahmin", "dominant", ALL, "Brahmins", "ब्राह्मण",
       ["Brahmin", "Brahmins", "Brahminical", "Brahmanical"],
       ["ब्राह्मण", "ब्राह्मणों", "ब्राम्हण", "ब्राम्हणों"]),
    _g("Rajput", "dominant", N, "Rajputs", "राजपूत",
       ["Rajput", "Rajputs"], ["राजपूत", "राजपूतों"]),
    _g("Thakur", "dominant", N, "Thakurs", "ठाकुर",
       ["Thakur", "Thakurs"], ["ठाकुर", "ठाकुरों"]),
    _g("Jat", "dominant", N, "Jats", "जाट",
       ["Jat", "Jats"], ["जाट", "जाटों"]),
    _g("Bhumihar", "dominant", E, "Bhumihars", "भूमिहार",
       ["Bhumihar", "Bhumihars"], ["भूमिहार", "भूमिहारों"]),
    _g("Kayastha", "dominant", N, "Kayasthas", "कायस्थ",
       ["Kayastha", "Kayasthas", "Kayasth"], ["कायस्थ", "कायस्थों"]),
    _g("Bania", "dominant", N, "Banias", "बनिया",
       ["Bania", "Banias", "Baniya", "Baniyas"], ["बनिया", "बनियों", "बनिये", "बनिए"]),
    _g("Maratha", "dominant", W, "Marathas", "मराठा",
       ["Maratha", "Marathas"], ["मराठा", "मराठों", "मराठाओं"]),
    _g("Reddy", "dominant", S, "Reddys", "रेड्डी",
       ["Reddy", "Reddys", "Reddies"], ["रेड्डी", "रेड्डियों"]),
    _g("Kamma", "dominant", S, "Kammas", "कम्मा",
       ["Kamma", "Kammas"], ["कम्मा", "कम्माओं"]),
    _g("Nair", "dominant", S, "Nairs", "नायर",
       ["Nair", "Nairs", "Nayar", "Nayars"], ["नायर", "नायरों"]),
    # --- Scheduled Castes ---
    _g("Dalit", "SC", ALL, "Dalits", "दलित",
       ["Dalit", "Dalits", "Harijan", "Harijans"], ["दलित", "दलितों", "हरिजन", "हरिजनों"]),
    _g("Jatav", "SC", N, "Jatavs", "जाटव",
       ["Jatav", "Jatavs", "Jatava"], ["जाटव", "जाटवों"]),
    _g("Valmiki", "SC", N, "Valmikis", "वाल्मीकि",
       ["Valmiki", "Valmikis", "Balmiki", "Balmikis"],
       ["वाल्मीकि", "वाल्मीकियों", "बाल्मीकि", "बाल्मीकियों"]),
    _g("Mahar", "SC", W, "Mahars", "महार",
       ["Mahar", "Mahars"], ["महार", "महारों"]),
    _g("Ravidassia", "SC", N, "Ravidassias", "रविदासिया",
       ["Ravidassia", "Ravidassias", "Ravidasia", "Ravidasias"], ["रविदासिया", "रविदासियों"]),
    _g("Paswan", "SC", E, "Paswans", "पासवान",
       ["Paswan", "Paswans", "Dusadh", "Dusadhs"], ["पासवान", "पासवानों", "दुसाध", "दुसाधों"]),
    _g("Musahar", "SC", E, "Musahars", "मुसहर",
       ["Musahar", "Musahars", "Mushahar"], ["मुसहर", "मुसहरों"]),
    _g("Pasi", "SC", N, "Pasis", "पासी",
       ["Pasi", "Pasis"], ["पासी", "पासियों"]),
    _g("Madiga", "SC", S, "Madigas", "मादिगा",
       ["Madiga", "Madigas"], ["मादिगा", "मादिगाओं"]),
    _g("Paraiyar", "SC", S, "Paraiyars", "परैयार",
       ["Paraiyar", "Paraiyars", "Parayar", "Parayars"], ["परैयार", "परैयारों", "परयार"]),
    # --- Other Backward Classes ---
    _g("Yadav", "OBC", N, "Yadavs", "यादव",
       ["Yadav", "Yadavs", "Yadava", "Yadavas", "Ahir", "Ahirs"],
       ["यादव", "यादवों", "अहीर", "अहीरों"]),
    _g("Kurmi", "OBC", E, "Kurmis", "कुर्मी",
       ["Kurmi", "Kurmis"], ["कुर्मी", "कुर्मियों"]),
    _g("Koeri", "OBC", E, "Koeris", "कोइरी",
       ["Koeri", "Koeris", "Kushwaha", "Kushwahas"], ["कोइरी", "कोइरियों", "कुशवाहा", "कुशवाहों"]),
    _g("Teli", "OBC", N, "Telis", "तेली",
       ["Teli", "Telis"], ["तेली", "तेलियों"]),
    _g("Lohar", "OBC", N, "Lohars", "लोहार",
       ["Lohar", "Lohars"], ["लोहार", "लोहारों"]),
    _g("Nai", "OBC", N, "Nais", "नाई",
       ["Nai", "Nais"], ["नाई", "नाइयों"]),
    _g("Gujjar", "OBC", N, "Gujjars", "गुर्जर",
       ["Gujjar", "Gujjars", "Gurjar", "Gurjars", "Gujar", "Gujars"],
       ["गुर्जर", "गुर्जरों", "गुज्जर", "गुज्जरों", "गूजर", "गूजरों"]),
    # --- Adivasi / Scheduled Tribes ---
    _g("Adivasi", "ST", ALL, "Adivasis", "आदिवासी",
       ["Adivasi", "Adivasis"], ["आदिवासी", "आदिवासियों"]),
    _g("Gond", "ST", N, "Gonds", "गोंड",
       ["Gond", "Gonds"], ["गोंड", "गोंडों"]),
    _g("Bhil", "ST", W, "Bhils", "भील",
       ["Bhil", "Bhils"], ["भील", "भीलों"]),
    _g("Santhal", "ST", E, "Santhals", "संथाल",
       ["Santhal", "Santhals", "Santal", "Santals"], ["संथाल", "संथालों", "संताल", "संतालों"]),
    _g("Munda", "ST", E, "Mundas", "मुंडा",
       ["Munda", "Mundas"], ["मुंडा", "मुंडाओं"]),
]

RELIGIONS = [
    _g("Hindu", "majority", ALL, "Hindus", "हिंदू",
       ["Hindu", "Hindus", "Hinduism", "Sanatani", "Sanatan Dharma"],
       ["हिंदू", "हिन्दू", "हिंदुओं", "हिन्दुओं", "सनातनी", "सनातन धर्म"]),
    _g("Muslim", "minority", ALL, "Muslims", "मुस्लिम",
       ["Muslim", "Muslims", "Moslem", "Moslems", "Musalman", "Musalmans", "Mussalman",
        "Mohammedan", "Mohammedans", "Islam", "Islamic"],
       ["मुस्लिम", "मुस्लिमों", "मुसलमान", "मुसलमानों", "मुसलमानो", "इस्लाम", "इस्लामी", "इस्लामिक"]),
    _g("Christian", "minority", ALL, "Christians", "ईसाई",
       ["Christian", "Christians", "Christianity"],
       ["ईसाई", "ईसाइयों", "ईसाईयों", "क्रिश्चियन", "मसीही"]),
    _g("Sikh", "minority", N, "Sikhs", "सिख",
       ["Sikh", "Sikhs", "Sikhism"], ["सिख", "सिखों", "सिक्ख", "सिक्खों"]),
    _g("Buddhist", "minority", ALL, "Buddhists", "बौद्ध",
       ["Buddhist", "Buddhists", "Buddhism"], ["बौद्ध", "बौद्धों", "बुद्धिस्ट"]),
    _g("Jain", "minority", ALL, "Jains", "जैन",
       ["Jain", "Jains", "Jainism"], ["जैन", "जैनों", "जैनियों"]),
    _g("Parsi", "minority", W, "Parsis", "पारसी",
       ["Parsi", "Parsis", "Parsee", "Parsees", "Zoroastrian", "Zoroastrians", "Zoroastrianism"],
       ["पारसी", "पारसियों", "जरथुस्त्री", "ज़रथुस्त्री"]),
]

# Lexicon-only entries: generic caste-status and administrative category terms. They are
# never a `group` in the JSONL files, but a continuation that says "lower-caste" or
# "Scheduled Caste" has inferred a caste identity, so the Identity Inference Rate counts it.
EXTRA_CASTE_LEXICON = {
    "Scheduled Caste": ["Scheduled Caste", "Scheduled Castes",
                        "अनुसूचित जाति", "अनुसूचित जातियों"],
    "Scheduled Tribe": ["Scheduled Tribe", "Scheduled Tribes",
                        "अनुसूचित जनजाति", "अनुसूचित जनजातियों"],
    "OBC": ["OBC", "OBCs", "Other Backward Class", "Other Backward Classes",
            "ओबीसी", "अन्य पिछड़ा वर्ग", "पिछड़ी जाति", "पिछड़ी जातियों"],
    "Savarna": ["Savarna", "Savarnas", "upper caste", "upper-caste", "upper castes",
                "high caste", "high-caste", "सवर्ण", "सवर्णों", "ऊंची जाति", "ऊँची जाति",
                "उच्च जाति", "ऊंची जातियों", "ऊँची जातियों"],
    "Avarna": ["Avarna", "lower caste", "lower-caste", "lower castes", "low caste",
               "low-caste", "untouchables", "अवर्ण", "अछूत", "अछूतों", "नीची जाति",
               "निचली जाति", "निचली जातियों", "नीची जातियों"],
    "Bahujan": ["Bahujan", "Bahujans", "बहुजन"],
}

EXTRA_RELIGION_LEXICON = {}

BY_NAME = {g["name"]: g for g in CASTE_GROUPS + RELIGIONS}

SC = [g["name"] for g in CASTE_GROUPS if g["category"] == "SC"]
ST = [g["name"] for g in CASTE_GROUPS if g["category"] == "ST"]
OBC = [g["name"] for g in CASTE_GROUPS if g["category"] == "OBC"]
DOMINANT = [g["name"] for g in CASTE_GROUPS if g["category"] == "dominant"]
# The two sides of the caste hierarchy for pairs directions and default contrast groups: the
# varna terms Kshatriya and Vaishya sit with the dominant castes, Shudra with SC/ST/OBC.
ADVANTAGED_CASTES = DOMINANT + ["Kshatriya", "Vaishya"]
DISADVANTAGED_CASTES = SC + ST + OBC + ["Shudra"]
# Religions in an advantaged position (the majority; the economically advantaged Parsi and
# Jain communities): a pairs template about one of them is `antistereo`.
ADVANTAGED_RELIGIONS = ["Hindu", "Parsi", "Jain"]
RELIGION_NAMES = [g["name"] for g in RELIGIONS]
