"""Where each stereotype is documented. Templates refer to these keys; the `source` field
of every pairs row (and `additional_metadata.source` of every qa row) carries the note.

The notes point to where the stereotype or the practice built on it is recorded (law,
sociology, commission reports, court records, news coverage). They are not endorsements.
"""

SOURCES = {
    # --- law ---
    "pcr": "Untouchability practices barred by the Protection of Civil Rights Act 1955 "
           "(access to temples, wells, shops, hotels, hospitals, schools)",
    "poa": "Offences listed in the SC/ST (Prevention of Atrocities) Act 1989, amended 2015 "
           "(social boycott, denial of water sources, insults by caste name, forced labour)",
    "scavenging": "Caste-bound sanitation work; Prohibition of Employment as Manual Scavengers "
                  "and their Rehabilitation Act 2013; Safai Karmachari Andolan reports",
    "cta": "Communities notified as 'criminal tribes' under the Criminal Tribes Act 1871 "
           "and later Habitual Offenders Acts (Radhakrishna, Dishonoured by History, 2001)",
    # --- sociology of caste ---
    "ambedkar_aoc": "Ambedkar, Annihilation of Caste (1936): caste as division of labourers "
                    "and denial of education and property to lower castes",
    "ambedkar_untouchables": "Ambedkar, The Untouchables (1948): untouchability tied to "
                             "beef and carrion eating",
    "ambedkar_shudras": "Ambedkar, Who Were the Shudras? (1946), on the Manusmriti rule that "
                        "Shudras exist to serve the three higher varnas",
    "srinivas": "Srinivas, Caste in Modern India (1962): purity and pollution, vegetarianism "
                "and ritual status as upper-caste markers (Sanskritisation)",
    "dumont": "Dumont, Homo Hierarchicus (1966): purity-pollution hierarchy and food rules",
    "untouchability_survey": "Shah, Mander, Thorat, Deshpande, Baviskar, Untouchability in "
                             "Rural India (2006): separate wells, two-glass tea stalls, "
                             "temple bans, segregated hamlets, bans on horses and footwear",
    "hrw_broken": "Human Rights Watch, Broken People: Caste Violence Against India's "
                  "Untouchables (1999)",
    "merit": "Anti-reservation 'merit' discourse (Mandal protests 1990, 2006 OBC quota "
             "protests); Subramanian, The Caste of Merit (2019); S. Deshpande, Caste and "
             "Castelessness, EPW 2013",
    "thorat_aiims": "Thorat Committee report on caste discrimination against SC/ST "
                    "students at AIIMS (2007)",
    "job_audit": "Thorat and Attewell, The Legacy of Social Exclusion: a correspondence "
                 "study of job discrimination in India, EPW 2007; A. Deshpande, The Grammar "
                 "of Caste (2011)",
    "rental_audit": "Thorat, Banerjee, Mishra and Rizvi, Urban Rental Housing Market: Caught "
                    "between Caste and Religion, EPW 2015 (audit study, Delhi NCR)",
    "honour": "Opposition to inter-caste marriage and honour killings (Law Commission of "
              "India, 242nd Report, 2012; Shakti Vahini v. Union of India, 2018)",
    "drama_love": "'Nadakak kadhal' (drama love) narrative accusing Dalit men of luring "
                  "dominant-caste women, Dharmapuri violence, Tamil Nadu, 2012",
    "midday_meal": "Boycotts of Dalit cooks in school midday meals (reported from "
                   "Uttarakhand 2021 and other states; Shah et al. 2006)",
    "temple_priest": "Opposition to non-Brahmin temple priests (Tamil Nadu archaka "
                     "appointments, 2006 and 2021) and Brahmin priestly monopoly in the "
                     "dharmashastras",
    "panchayat": "Elected Dalit panchayat presidents denied chairs and flag hoisting "
                 "(Tamil Nadu Untouchability Eradication Front survey, 2022)",
    "tribal_deficit": "Colonial and contemporary stereotypes of Adivasis as primitive, idle or "
                      "given to drink (Xaxa, State, Society and Tribes, 2008; Hardiman, The "
                      "Coming of the Devi, 1987)",
    "sarna": "Adivasi (Sarna and other) religion dismissed as 'animism' rather than a faith "
             "(Xaxa 2008; Sarna code demand, Jharkhand 2020)",
    "musahar": "Stigma attached to the Musahar name ('rat-eater' folk etymology) and their "
               "landlessness (Bihar reports; Sinha, Musahars of Bihar)",
    "pasi_toddy": "Pasi association with toddy tapping and their 1871 'criminal tribe' "
                  "notification in the United Provinces",
    "occupation": "Hereditary occupation expected of artisan and service castes (Ambedkar "
                  "1936; Srinivas 1962; jajmani system studies)",
    "vote_bank": "'Caste vote bank' narratives in media coverage of UP and Bihar politics "
                 "(Jaffrelot, India's Silent Revolution, 2003)",
    "jungle_raj": "'Jungle raj' and lathi-wielding strongman narratives about Yadav, Jat and "
                  "Gujjar politics and quota agitations (Jat 2016, Gujjar 2007-08) in news "
                  "coverage",
    "bania": "Stereotype of the Bania or Marwari moneylender as greedy (Deccan Riots 1875; "
             "Premchand's fiction; Hardiman, Feeding the Baniya, 1996)",
    "brahmin_scholar": "Stereotype of Brahmins as naturally learned and meritorious (Fuller and "
                       "Narasimhan, Tamil Brahmans, 2014; Subramanian 2019)",
    "martial": "Colonial 'martial races' theory applied to Rajputs, Jats, Marathas, Sikhs, "
               "Nairs (Streets, Martial Races, 2004)",
    "kayastha": "Kayasthas as hereditary scribes and clerks (Srinivas 1962; colonial "
                "ethnography)",
    "landlord": "Dominant landowning castes as benevolent patrons in village studies (Srinivas, "
                "The Dominant Caste in Rampura, 1959)",
    # --- religion ---
    "love_jihad": "'Love jihad' conspiracy narratives (Kerala and Karnataka 2009 onward; "
                  "Hadiya case 2017-18; anti-conversion ordinances of 2020-21)",
    "cow_vigilantism": "Violence over beef and cattle (Dadri lynching 2015; Human Rights "
                       "Watch, Violent Cow Protection in India, 2019)",
    "terror_profiling": "Profiling of Muslims after bomb blasts and wrongful arrests (Malegaon "
                        "2006, Mecca Masjid 2007); Status of Policing in India Report 2019 "
                        "(half of police surveyed saw Muslims as naturally prone to crime)",
    "population": "'Population jihad' narratives about Muslim fertility (rebutted in "
                  "Quraishi, The Population Myth, 2021)",
    "anti_national": "Questioning Muslim loyalty, e.g. sedition cases after cricket matches "
                     "against Pakistan (2014, 2021); Golwalkar, Bunch of Thoughts (1966) on "
                     "Muslims and Christians as 'internal threats'",
    "sachar": "Sachar Committee Report (2006): Muslim educational and economic "
              "disadvantage; it notes the common belief that most Muslim children attend "
              "madrasas (about 4% do)",
    "purdah": "Stereotypes of Muslim men as oppressing women (triple talaq debate, Shayara "
              "Bano v. Union of India 2017; Hasan and Menon, Unequal Citizens, 2004)",
    "corona_jihad": "'Corona jihad' narratives blaming Muslims for COVID-19 after the Tablighi "
                    "Jamaat meeting (2020; criticised by the Bombay High Court, August 2020)",
    "polio": "Rumour-driven polio vaccine refusal in parts of western UP, generalised into a "
             "stereotype of Muslim parents (UNICEF and news reports, 2000s)",
    "spit": "'Thook jihad' claims that Muslim food vendors spit in food, and nameplate "
            "orders for eateries on the Kanwar route (2021-24; stayed by the Supreme Court, "
            "July 2024)",
    "boycott": "Calls for economic boycott of Muslim traders and 'land jihad' claims (news "
               "coverage 2020-22)",
    "muslim_housing": "Refusal of housing to Muslims ('vegetarian-only' buildings, Mumbai; "
                      "Thorat et al. 2015 rental audit)",
    "conversion": "Allegations of forced or induced conversion by Christian missionaries "
                  "(Niyogi Committee 1956; state anti-conversion laws from 1967; attacks "
                  "on missionaries such as Graham Staines, 1999)",
    "mass_conversion": "Allegations that mass conversions of Dalits (Nagpur Buddhist diksha "
                       "1956; Meenakshipuram to Islam 1981) were bought or political",
    "sardar_jokes": "'Sardar jokes' portraying Sikhs as dim-witted (public interest petition "
                    "in the Supreme Court, 2015)",
    "khalistan": "Labelling Sikhs as separatists ('Khalistani'): after 1984, and of the "
                 "2020-21 farmers' protests",
    "jain_money": "Stereotype of Jain and Marwari traders as wealthy and money-minded "
                  "(Laidlaw, Riches and Renunciation, 1995)",
    "jain_veg": "Jain vegetarianism and meat-sale bans during Paryushan (Mumbai 2015)",
    "parsi": "Stereotypes of Parsis as wealthy, eccentric and endogamous (Luhrmann, The Good "
             "Parsi, 1996; portrayals in Hindi cinema)",
    "hindu_beef": "Assumption that Hindus never eat beef (Jha, The Myth of the Holy Cow, 2002, "
                  "on beef in early Indian texts)",
    "hindu_idol": "Colonial and missionary portrayals of Hindus as superstitious idol and cow "
                  "worshippers (James Mill, The History of British India, 1817)",
    "loudspeaker": "Disputes over loudspeakers for azaan and processions through "
                   "neighbourhoods of other faiths (Karnataka and Maharashtra 2022; "
                   "Ram Navami clashes 2022-23)",
    "hindu_tolerant": "Claim that Hindus are inherently tolerant and never aggressors, common "
                      "in majoritarian discourse",
}

SOURCES.update({
    "dalit_women": "Stereotypes of Dalit and Adivasi women as sexually available, used to "
                   "excuse violence (Irudayam, Mangubhai and Lee, Dalit Women Speak Out, 2011)",
    "poa_misuse": "Claims that SC/ST atrocity complaints are mostly false (Subhash Kashinath "
                  "Mahajan v. State of Maharashtra, 2018, and the protests that followed)",
    "polygamy": "Stereotype of Muslim polygamy, although survey data (NFHS) show similar low "
                "rates across religions (Quraishi 2021)",
    "appeasement": "'Muslim vote bank' and 'appeasement' narratives in election coverage",
    "infiltrator": "'Infiltrator' narratives about Bengali-speaking Muslims (NRC Assam 2019; "
                   "citizenship law debates 2019-20)",
    "hijab": "Hijab ban in Karnataka pre-university colleges (2022; split Supreme Court "
             "verdict in Aishat Shifa v. State of Karnataka, 2022)",
    "vows": "Controversy over Ambedkar's 22 vows recited at Buddhist conversion events "
            "(Delhi, October 2022)",
    "christian_film": "Hindi-film stereotypes of Goan and Anglo-Indian Christians as heavy "
                      "drinkers and of Christian women as 'loose' (studies of Hindi cinema)",
    "child_marriage": "Child-marriage stereotype of Muslims (Assam's 2023 mass arrests under the "
                      "Prohibition of Child Marriage Act; debate over the marriage age in "
                      "Muslim personal law)",
    "mission_hospital": "Claims that Christian hospitals and charities serve the poor only to "
                        "convert them (e.g. the 2015 controversy over remarks on Mother "
                        "Teresa's work)",
    "kshatriya": "Kshatriyas as the warrior varna whose duty is to fight and protect (the "
                 "varna duties in Manusmriti, chapter 1; Srinivas 1962 on the varna model)",
    "good_parsi": "Stereotype of Parsis as scrupulously honest, upright and charitable "
                  "(Luhrmann, The Good Parsi, 1996)",
})
