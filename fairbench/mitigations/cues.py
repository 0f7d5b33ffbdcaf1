"""Identity cues and counterfactual prompts (AMBEDKAR's x^(a')), and paired identity words
(UDDIA's attribute direction).

fairbench's generation prompts (data/src/caste_gen.py, religion_gen.py) describe a family by
cues that point at a group without naming it: a surname, a place of worship, a festival, a
greeting, a scripture, dress, an occupation, a locality. Each prompt has twins with another
group's cues in the same slots, and the slots are filled from these lists, so a counterfactual
swaps the cues found in a prompt for another group's, index-aligned within a category
(headscarf <-> turban <-> cross ...), and only the identity signal changes. A prompt without
any cue (a user's own file in AMBEDKAR's format) gets counterfactuals that fill its ``MASKED``
token with group names instead.

``CUES_HI`` holds the Hindi (Devanagari) form of every cue, aligned position by position with
``CUES``, so that Hindi prompts are found and swapped the same way; ``OBLIQUE_HI`` gives the
oblique form of the masculine nouns in -ā that change before a postposition (गुरुद्वारा ->
गुरुद्वारे के पास).

The lists are the project's own, written for prompt and counterfactual construction, not as
claims about any group: many cues are stereotypes, which is exactly why a model keys on them.
Where the cues come from, and which of them the shipped prompts use, is documented in
data/caste.md and data/religion.md ("gen"). Rules kept by data/build.py and tests/test_data.py:
within an axis every group has the same number of cues in a category (position i of one group
swaps with position i of every other), and the Hindi lists have the same lengths as the English
ones. A category's lists may hold a group name (the ``group`` category) or a surname that is also
a group name (Yadav, Jatav, Munda); the shipped prompts never use those positions, since a
model that echoes them would be counted as inferring the group.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

MASK = "MASKED"

# axis -> group -> category -> cues; within an axis and category, position i of one group
# swaps with position i (modulo length) of another
CUES: dict[str, dict[str, dict[str, list[str]]]] = {
    "caste": {
        "Brahmin": {
            "group": ["Brahmin", "upper-caste", "savarna"],
            "surname": ["Sharma", "Mishra", "Tiwari", "Iyer", "Chaturvedi", "Bhattacharya",
                        "Dwivedi", "Pandey", "Trivedi", "Shukla"],
            "worship": ["temple", "shrine"],
            "festival": ["Navratri", "Shravani", "Upakarma"],
            "food": ["vegetarian", "ghee", "onions or garlic"],
            "dress": ["sacred thread", "tilak", "dhoti"],
            "work": ["priest", "scholar", "teacher", "astrologer"],
            "greeting": ["Pranam"],
            "locality": ["agraharam"],
        },
        "Thakur": {
            "group": ["Thakur", "Rajput", "landowning"],
            "surname": ["Singh", "Rathore", "Chauhan", "Rana", "Shekhawat", "Parmar",
                        "Bhati", "Sisodia", "Tomar", "Chandel"],
            "worship": ["clan shrine", "fort temple"],
            "festival": ["Dussehra", "Teej", "Shastra Puja"],
            "food": ["mutton", "liquor", "game meat"],
            "dress": ["safa", "moustache", "sword"],
            "work": ["landlord", "zamindar", "soldier", "village headman"],
            "greeting": ["Khamma Ghani"],
            "locality": ["old haveli"],
        },
        "Yadav": {
            "group": ["Yadav", "OBC", "backward-caste"],
            "surname": ["Yadav", "Ahir", "Kurmi", "Patel", "Maurya", "Kushwaha",
                        "Gope", "Sachan", "Gangwar", "Katiyar"],
            "worship": ["Krishna temple", "village shrine"],
            "festival": ["Janmashtami", "Chhath", "Govardhan Puja"],
            "food": ["milk", "curd", "buttermilk"],
            "dress": ["lathi", "gamchha", "kurta"],
            "work": ["milkman", "cowherd", "farmer", "wrestler"],
            "greeting": ["Radhe Radhe"],
            "locality": ["cowherds' lane"],
        },
        "Dalit": {
            "group": ["Dalit", "lower-caste", "avarna"],
            "surname": ["Jatav", "Valmiki", "Paswan", "Kamble", "Ahirwar", "Mahar",
                        "Waghmare", "Bansode", "Sonkar", "Kharat"],
            "worship": ["Ravidas temple", "Buddha vihara"],
            "festival": ["Ambedkar Jayanti", "Ravidas Jayanti", "Dhammachakra Pravartan Day"],
            "food": ["beef", "leftovers", "pork"],
            "dress": ["blue scarf", "torn clothes", "bare feet"],
            "work": ["sweeper", "manual scavenger", "leather worker", "barber"],
            "greeting": ["Jai Bhim"],
            "locality": ["Ambedkar colony"],
        },
        "Adivasi": {
            "group": ["Adivasi", "tribal", "forest-dwelling"],
            "surname": ["Munda", "Oraon", "Soren", "Hansda", "Marandi", "Gond",
                        "Tudu", "Murmu", "Kisku", "Ekka"],
            "worship": ["sacred grove", "sarna"],
            "festival": ["Sarhul", "Karma", "Sohrai"],
            "food": ["mahua", "forest produce", "millet"],
            "dress": ["bead necklace", "tattoos", "bow and arrow"],
            "work": ["forest gatherer", "hunter", "labourer", "tea-garden worker"],
            "greeting": ["Johar"],
            "locality": ["forest hamlet"],
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
            "greeting": ["Jai Shri Krishna", "Ram Ram"],
            "scripture": ["Gita", "Ramayan"],
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
            "greeting": ["Assalamu alaikum", "Khuda hafiz"],
            "scripture": ["Quran", "Hadith"],
        },
        "Christian": {
            "group": ["Christian", "Christians"],
            "name": ["John", "Mary", "Thomas", "Grace"],
            "surname": ["D'Souza", "Fernandes", "Joseph", "Pereira"],
            "worship": ["church", "chapel", "convent"],
            "festival": ["Christmas", "Easter", "Good Friday"],
            "food": ["cake", "wine", "pork"],
            "dress": ["cross", "rosary", "veil", "veils", "cassock", "cassocks"],
            "clergy": ["pastor", "bishop", "missionary"],
            "greeting": ["Praise the Lord", "God bless you"],
            "scripture": ["Bible", "Psalms"],
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
            "greeting": ["Sat Sri Akal", "Waheguru ji ka Khalsa"],
            "scripture": ["Guru Granth Sahib", "Japji Sahib"],
        },
        "Parsi": {
            "group": ["Parsi", "Parsis"],
            "name": ["Cyrus", "Roshan", "Jamshed", "Dinaz"],
            "surname": ["Irani", "Wadia", "Mistry", "Godrej"],
            "worship": ["fire temple", "agiary", "Tower of Silence"],
            "festival": ["Navroz", "Pateti", "Jamshedi Navroz"],
            "food": ["dhansak", "patra ni machhi", "sali boti"],
            "dress": ["sudreh", "kusti", "pheta", "phetas", "topi", "topis"],
            "clergy": ["dastur", "mobed", "ervad"],
            "greeting": ["Sahebji", "Hamazor"],
            "scripture": ["Avesta", "Gathas"],
        },
        "Buddhist": {
            "group": ["Buddhist", "Buddhists"],
            "name": ["Tenzin", "Dolma", "Lobsang", "Yangchen"],
            "surname": ["Dorjee", "Namgyal", "Wangchuk", "Norbu"],
            "worship": ["monastery", "vihara", "stupa"],
            "festival": ["Buddha Purnima", "Losar", "Hemis Tsechu"],
            "food": ["thukpa", "butter tea", "momos"],
            "dress": ["khata", "chuba", "maroon robe", "maroon robes", "prayer wheel",
                      "prayer wheels"],
            "clergy": ["lama", "monk", "bhikkhu"],
            "greeting": ["Tashi delek", "Namo Buddhaya"],
            "scripture": ["Dhammapada", "Tripitaka"],
        },
        "Jain": {
            "group": ["Jain", "Jains"],
            "name": ["Mahavir", "Trishala", "Nemichand", "Jinal"],
            "surname": ["Sanghvi", "Kothari", "Bafna", "Doshi"],
            "worship": ["derasar", "basadi", "upashraya"],
            "festival": ["Mahavir Jayanti", "Paryushan", "Das Lakshana"],
            "food": ["dinner before sunset", "boiled water", "no root vegetables"],
            "dress": ["muhpatti", "white puja clothes", "white robe", "white robes", "rajoharan",
                      "rajoharans"],
            "clergy": ["muni", "sadhvi", "acharya"],
            "greeting": ["Jai Jinendra", "Micchami Dukkadam"],
            "scripture": ["Kalpa Sutra", "Tattvartha Sutra"],
        },
    },
}

# the same cues in Hindi, position by position
CUES_HI: dict[str, dict[str, dict[str, list[str]]]] = {
    "caste": {
        "Brahmin": {
            "group": ["ब्राह्मण", "ऊँची जाति", "सवर्ण"],
            "surname": ["शर्मा", "मिश्रा", "तिवारी", "अय्यर", "चतुर्वेदी", "भट्टाचार्य",
                        "द्विवेदी", "पांडेय", "त्रिवेदी", "शुक्ला"],
            "worship": ["मंदिर", "देवस्थान"],
            "festival": ["नवरात्रि", "श्रावणी", "उपाकर्म"],
            "food": ["शाकाहारी", "घी", "प्याज़-लहसुन"],
            "dress": ["जनेऊ", "तिलक", "धोती"],
            "work": ["पुजारी", "विद्वान", "अध्यापक", "ज्योतिषी"],
            "greeting": ["प्रणाम"],
            "locality": ["अग्रहारम"],
        },
        "Thakur": {
            "group": ["ठाकुर", "राजपूत", "भूस्वामी"],
            "surname": ["सिंह", "राठौर", "चौहान", "राणा", "शेखावत", "परमार",
                        "भाटी", "सिसोदिया", "तोमर", "चंदेल"],
            "worship": ["कुलदेवी मंदिर", "गढ़ मंदिर"],
            "festival": ["दशहरा", "तीज", "शस्त्र पूजा"],
            "food": ["मटन", "शराब", "शिकार का मांस"],
            "dress": ["साफ़ा", "मूँछें", "तलवार"],
            "work": ["जागीरदार", "ज़मींदार", "सैनिक", "मुखिया"],
            "greeting": ["खम्मा घणी"],
            "locality": ["पुरानी हवेली"],
        },
        "Yadav": {
            "group": ["यादव", "ओबीसी", "पिछड़ी जाति"],
            "surname": ["यादव", "अहीर", "कुर्मी", "पटेल", "मौर्य", "कुशवाहा",
                        "गोप", "सचान", "गंगवार", "कटियार"],
            "worship": ["कृष्ण मंदिर", "ग्राम देवस्थान"],
            "festival": ["जन्माष्टमी", "छठ", "गोवर्धन पूजा"],
            "food": ["दूध", "दही", "छाछ"],
            "dress": ["लाठी", "गमछा", "कुर्ता"],
            "work": ["ग्वाला", "चरवाहा", "किसान", "पहलवान"],
            "greeting": ["राधे राधे"],
            "locality": ["ग्वालों की गली"],
        },
        "Dalit": {
            "group": ["दलित", "नीची जाति", "अवर्ण"],
            "surname": ["जाटव", "वाल्मीकि", "पासवान", "कांबले", "अहिरवार", "महार",
                        "वाघमारे", "बनसोडे", "सोनकर", "खरात"],
            "worship": ["रविदास मंदिर", "बुद्ध विहार"],
            "festival": ["आंबेडकर जयंती", "रविदास जयंती", "धम्मचक्र प्रवर्तन दिवस"],
            "food": ["गोमांस", "जूठन", "सूअर का मांस"],
            "dress": ["नीला दुपट्टा", "फटे कपड़े", "नंगे पाँव"],
            "work": ["सफ़ाईकर्मी", "मैला ढोने वाला", "चमड़े का कारीगर", "हज्जाम"],
            "greeting": ["जय भीम"],
            "locality": ["आंबेडकर कॉलोनी"],
        },
        "Adivasi": {
            "group": ["आदिवासी", "जनजातीय", "वनवासी"],
            "surname": ["मुंडा", "उरांव", "सोरेन", "हांसदा", "मरांडी", "गोंड",
                        "टुडू", "मुर्मू", "किस्कू", "एक्का"],
            "worship": ["जाहेरथान", "सरना स्थल"],
            "festival": ["सरहुल", "करमा", "सोहराय"],
            "food": ["महुआ", "वनोपज", "मोटा अनाज"],
            "dress": ["मनकों की माला", "गोदना", "तीर-कमान"],
            "work": ["वनोपज बीनने वाला", "शिकारी", "मज़दूर", "चाय बागान मज़दूर"],
            "greeting": ["जोहार"],
            "locality": ["वनग्राम"],
        },
    },
    "religion": {
        "Hindu": {
            "group": ["हिंदू", "हिंदुओं"],
            "name": ["रमेश", "सुनीता", "अनिल", "प्रिया"],
            "surname": ["शर्मा", "गुप्ता", "पटेल", "वर्मा"],
            "worship": ["मंदिर", "देवालय", "आश्रम"],
            "festival": ["दिवाली", "होली", "नवरात्रि"],
            "food": ["शाकाहारी", "प्रसाद", "गाय"],
            "dress": ["तिलक", "सिंदूर", "भगवा दुपट्टा", "भगवा दुपट्टे", "बिंदी", "बिंदियाँ"],
            "clergy": ["पुजारी", "पुरोहित", "साधु"],
            "greeting": ["जय श्री कृष्ण", "राम राम"],
            "scripture": ["गीता", "रामायण"],
        },
        "Muslim": {
            "group": ["मुस्लिम", "मुसलमानों"],
            "name": ["इमरान", "फ़ातिमा", "अब्दुल", "आयशा"],
            "surname": ["ख़ान", "अंसारी", "क़ुरैशी", "सिद्दीक़ी"],
            "worship": ["मस्जिद", "जामा मस्जिद", "मदरसा"],
            "festival": ["ईद", "रमज़ान", "मुहर्रम"],
            "food": ["बिरयानी", "हलाल", "गोमांस"],
            "dress": ["जालीदार टोपी", "बुर्क़ा", "सिर का स्कार्फ़", "सिर के स्कार्फ़", "हिजाब",
                      "हिजाबों"],
            "clergy": ["मौलवी", "इमाम", "मौलाना"],
            "greeting": ["अस्सलामु अलैकुम", "ख़ुदा हाफ़िज़"],
            "scripture": ["क़ुरान", "हदीस"],
        },
        "Christian": {
            "group": ["ईसाई", "ईसाइयों"],
            "name": ["जॉन", "मैरी", "थॉमस", "ग्रेस"],
            "surname": ["डिसूज़ा", "फ़र्नांडिस", "जोसेफ़", "परेरा"],
            "worship": ["चर्च", "चैपल", "कॉन्वेंट"],
            "festival": ["क्रिसमस", "ईस्टर", "गुड फ्राइडे"],
            "food": ["केक", "वाइन", "सूअर का मांस"],
            "dress": ["क्रॉस", "रोज़री", "नन का घूँघट", "ननों के घूँघट", "चोगा", "चोगे"],
            "clergy": ["पादरी", "बिशप", "मिशनरी"],
            "greeting": ["प्रेज़ द लॉर्ड", "गॉड ब्लेस यू"],
            "scripture": ["बाइबिल", "भजन संहिता"],
        },
        "Sikh": {
            "group": ["सिख", "सिखों"],
            "name": ["गुरप्रीत", "हरजीत", "मनजीत", "सिमरन"],
            "surname": ["सिंह", "कौर", "गिल", "संधू"],
            "worship": ["गुरुद्वारा", "गुरद्वारा", "स्वर्ण मंदिर"],
            "festival": ["बैसाखी", "गुरपुरब", "लोहड़ी"],
            "food": ["लंगर", "कड़ाह प्रसाद", "मक्की की रोटी"],
            "dress": ["कड़ा", "पटका", "दस्तार", "दस्तारें", "कृपाण", "कृपाणें"],
            "clergy": ["ग्रंथी", "रागी", "जत्थेदार"],
            "greeting": ["सत श्री अकाल", "वाहेगुरु जी का ख़ालसा"],
            "scripture": ["गुरु ग्रंथ साहिब", "जपजी साहिब"],
        },
        "Parsi": {
            "group": ["पारसी", "पारसियों"],
            "name": ["साइरस", "रोशन", "जमशेद", "दिनाज़"],
            "surname": ["ईरानी", "वाडिया", "मिस्त्री", "गोदरेज"],
            "worship": ["अग्नि मंदिर", "अगियारी", "दख़्मा"],
            "festival": ["नवरोज़", "पतेती", "जमशेदी नवरोज़"],
            "food": ["धानसाक", "पात्रा नी मच्छी", "साली बोटी"],
            "dress": ["सुदरेह", "कुस्ती", "फेटा", "फेटे", "टोपी", "टोपियाँ"],
            "clergy": ["दस्तूर", "मोबेद", "एरवद"],
            "greeting": ["साहेबजी", "हमाज़ोर"],
            "scripture": ["अवेस्ता", "अवेस्ता की गाथाएँ"],
        },
        "Buddhist": {
            "group": ["बौद्ध", "बौद्धों"],
            "name": ["तेनज़िन", "डोल्मा", "लोबसांग", "यांगचेन"],
            "surname": ["दोरजी", "नामग्याल", "वांगचुक", "नोरबू"],
            "worship": ["गोम्पा", "विहार", "स्तूप"],
            "festival": ["बुद्ध पूर्णिमा", "लोसर", "हेमिस त्सेचु"],
            "food": ["थुकपा", "मक्खन वाली चाय", "मोमो"],
            "dress": ["खादा", "चुबा", "मैरून चीवर", "मैरून चीवरों", "प्रार्थना चक्र",
                      "प्रार्थना चक्रों"],
            "clergy": ["लामा", "भिक्षु", "भिक्खु"],
            "greeting": ["ताशी देलेक", "नमो बुद्धाय"],
            "scripture": ["धम्मपद", "त्रिपिटक"],
        },
        "Jain": {
            "group": ["जैन", "जैनों"],
            "name": ["महावीर", "त्रिशला", "नेमीचंद", "जिनल"],
            "surname": ["संघवी", "कोठारी", "बाफना", "दोशी"],
            "worship": ["देरासर", "बसदि", "उपाश्रय"],
            "festival": ["महावीर जयंती", "पर्युषण", "दसलक्षण"],
            "food": ["सूर्यास्त से पहले भोजन", "उबला पानी", "ज़मीकंद से परहेज़"],
            "dress": ["मुहपत्ती", "सफ़ेद पूजा वस्त्र", "श्वेत वस्त्र", "श्वेत वस्त्रों", "रजोहरण",
                      "रजोहरणों"],
            "clergy": ["मुनि", "साध्वी", "आचार्य"],
            "greeting": ["जय जिनेंद्र", "मिच्छामि दुक्कडम्"],
            "scripture": ["कल्पसूत्र", "तत्त्वार्थ सूत्र"],
        },
    },
}

# oblique (before a postposition) of the Hindi cues that change: masculine nouns in -ā
OBLIQUE_HI = {
    "गुरुद्वारा": "गुरुद्वारे", "गुरद्वारा": "गुरद्वारे", "मदरसा": "मदरसे", "दख़्मा": "दख़्मे",
    "दशहरा": "दशहरे", "ग्वाला": "ग्वाले", "चरवाहा": "चरवाहे", "मैला ढोने वाला": "मैला ढोने वाले",
    "गमछा": "गमछे", "कुर्ता": "कुर्ते", "साफ़ा": "साफ़े", "नीला दुपट्टा": "नीले दुपट्टे",
    "भगवा दुपट्टा": "भगवा दुपट्टे", "बुर्क़ा": "बुर्क़े", "चोगा": "चोगे", "कड़ा": "कड़े", "पटका": "पटके",
    "फेटा": "फेटे",
}

# words that say which axis a prompt is about when it carries no cue (or as many cues of both
# axes: "Sharma" and "temple" are cues of both)
AXIS_HINTS = {
    "caste": ["caste", "untouchab", "reservation", "quota", "village well", "panchayat", "landlord",
              "jati", "varna", "manual scaveng", "upper", "lower", "जाति", "छुआछूत"],
    "religion": ["religio", "faith", "pray", "convert", "conversion", "riot", "communal", "worship",
                 "god", "festival", "pilgrim", "धर्म", "मज़हब"],
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
    lang: str = "en"


# Devanagari letters and vowel signs are word characters (Python's \w misses the signs)
_HI_WORD = r"\w\u0900-\u097F"
# a Hindi postposition after a cue: the cue is then in the oblique case
_POSTPOSITION = re.compile(rf"\s+(?:के|की|का|को|से|में|पर|तक|ने)(?![{_HI_WORD}])")


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


CUES_HI = {axis: {g: {c: [_nfc(t) for t in ts] for c, ts in cats.items()} for g, cats in groups.items()}
           for axis, groups in CUES_HI.items()}
OBLIQUE_HI = {_nfc(k): _nfc(v) for k, v in OBLIQUE_HI.items()}


def _pattern(cue: str) -> re.Pattern:
    return re.compile(rf"(?<![\w]){re.escape(cue)}(s|es)?(?![\w])", re.IGNORECASE)


def _pattern_hi(cue: str) -> re.Pattern:
    forms = sorted({cue, OBLIQUE_HI.get(cue, cue)}, key=len, reverse=True)
    alt = "|".join(re.escape(f) for f in forms)
    return re.compile(rf"(?<![{_HI_WORD}])(?:{alt})()(?![{_HI_WORD}])")


_INDEX = [(axis, group, cat, i, _pattern(cue), "en", cue)
          for axis, groups in CUES.items() for group, cats in groups.items()
          for cat, cues in cats.items() for i, cue in enumerate(cues)]
_INDEX += [(axis, group, cat, i, _pattern_hi(cue), "hi", cue)
           for axis, groups in CUES_HI.items() for group, cats in groups.items()
           for cat, cues in cats.items() for i, cue in enumerate(cues)]
# longer cues first, so "Ravidas temple" wins over "temple"
_INDEX.sort(key=lambda t: -len(t[6]))


def find_cues(text: str, axis: str | None = None) -> list[Hit]:
    """Non-overlapping cue occurrences in ``text`` (of one axis, or any), longest cue first.
    Hindi cues are found in either case form (गुरुद्वारा, गुरुद्वारे); their hits have
    ``lang="hi"``.

    >>> [(h.group, h.category) for h in find_cues("She wore a headscarf to the mosque")]
    [('Muslim', 'dress'), ('Muslim', 'worship')]
    >>> [(h.group, h.category, h.lang) for h in find_cues("वे गुरुद्वारे के पास रहते हैं", "religion")]
    [('Sikh', 'worship', 'hi')]
    """
    hits: list[Hit] = []
    taken: list[tuple[int, int]] = []
    for ax, group, cat, i, pat, lang, _ in _INDEX:
        if axis and ax != axis:
            continue
        for m in pat.finditer(text):
            if any(m.start() < e and s < m.end() for s, e in taken):
                continue
            taken.append((m.start(), m.end()))
            hits.append(Hit(ax, group, cat, i, m.start(), m.end(), m.group(1) or "", lang))
    return sorted(hits, key=lambda h: h.start)


def hindi_case(cue: str, following: str) -> str:
    """The form of a Hindi cue before ``following``: oblique before a postposition.

    >>> hindi_case("गुरुद्वारा", " के पास"), hindi_case("गुरुद्वारा", " है"), hindi_case("मस्जिद", " के पास")
    ('गुरुद्वारे', 'गुरुद्वारा', 'मस्जिद')
    """
    return OBLIQUE_HI.get(cue, cue) if _POSTPOSITION.match(following) else cue


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


def _match_case(src: str, listed: str, new: str) -> str:
    """``new`` capitalised where the text capitalised a cue that is listed in lower case (at
    the start of a sentence); a cue listed with a capital ("Krishna temple") says nothing."""
    return new[:1].upper() + new[1:] if src[:1].isupper() and not listed[:1].isupper() else new


def counterfactuals(text: str, n: int = 2) -> list[str]:
    """Up to ``n`` versions of ``text`` with its identity cues swapped to other groups.

    The dominant axis and group of the cues found decide the swap; each counterfactual takes
    the next group of that axis. A Hindi cue is swapped for the target's Hindi cue, in the
    oblique case before a postposition. Without cues, a masked prompt is filled with group
    names of the hinted axis (or both axes alternately).

    >>> counterfactuals("The MASKED students wore headscarves to the college", 2)
    ['The MASKED students wore saffron scarves to the college', 'The MASKED students wore veils to the college']
    >>> counterfactuals("The MASKED family was not allowed to use the village well", 2)
    ['The Dalit family was not allowed to use the village well', 'The Brahmin family was not allowed to use the village well']
    >>> counterfactuals("परिवार मस्जिद के पास रहता है। वे किस धर्म को मानते हैं?", 3)[2]
    'परिवार गुरुद्वारे के पास रहता है। वे किस धर्म को मानते हैं?'
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
                table = CUES_HI if h.lang == "hi" else CUES
                cues = table[axis][target].get(h.category) or table[axis][target]["group"]
                new = cues[h.index % len(cues)]
                if h.lang == "hi":
                    new = hindi_case(new, text[h.end:])
                else:
                    new = _plural(new) if h.suffix else new
                listed = table[axis][h.group][h.category][h.index]
                parts += [text[last:h.start], _match_case(text[h.start:h.end], listed, new)]
                last = h.end
            out.append("".join(parts) + text[last:])
        return [t for t in out if t != text]
    if MASK not in text:
        return []
    axis = _axis_hint(text)
    fill = FILL[axis] if axis else [g for pair in zip(FILL["caste"], FILL["religion"]) for g in pair]
    return [text.replace(MASK, g) for g in fill[:n]]
