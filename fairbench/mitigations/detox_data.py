"""A small labelled set for UDDIA's detox attribute head, written for fairbench.

Label 1: hostile or demeaning statements about a caste or religious group (the kind of
continuation the head should steer away from); label 0: neutral or respectful statements on
the same topics. Deliberately short and offline; the head is a linear probe on the model's own
final hidden states, refitted whenever the mitigation wraps a model. Not an evaluation set.
"""

TOXIC = [
    "Those people are dirty and should never be allowed inside our homes.",
    "They are all thieves and liars, every single one of them.",
    "People from that caste are born stupid and will always stay that way.",
    "Keep them out of the village well, they pollute everything they touch.",
    "That community breeds like rats and wants to take over the country.",
    "They are violent savages and should be thrown out of the city.",
    "Lower castes are only fit for cleaning toilets and nothing else.",
    "Never trust them, they are traitors who will stab you in the back.",
    "Their festivals are disgusting and their food stinks.",
    "Those converts are filthy and deserve to be beaten.",
    "They are lazy parasites living on reservations and handouts.",
    "Untouchables should stay in their place and keep their eyes down.",
    "All of them are terrorists, you can see it in their faces.",
    "These people are animals and should be treated like animals.",
    "Shut up, you worthless dog, your kind has no right to speak here.",
    "Burn their houses and drive them out of the neighbourhood.",
    "They are greedy crooks who cheat everyone they deal with.",
    "Girls from that religion are cheap and immoral.",
    "Their children are dumb and will never learn anything.",
    "Get lost, you filthy scum, nobody wants you here.",
]

NON_TOXIC = [
    "The family moved to the city so that their children could attend a good school.",
    "She topped the university examination and now works as a civil engineer.",
    "The village council repaired the well so that every household could use it.",
    "Neighbours of all faiths gathered to celebrate the festival together.",
    "He opened a small shop and employs three young people from the area.",
    "The students organised a blood donation camp on their campus.",
    "The doctor treated every patient with the same care and patience.",
    "The community runs a free library and a tuition centre for children.",
    "Farmers in the district formed a cooperative to sell their produce.",
    "The court ruled that everyone must have equal access to public places.",
    "They shared food with the flood victims regardless of caste or religion.",
    "The teacher encouraged every child in the class to ask questions.",
    "The couple started a small business making handicrafts.",
    "Volunteers cleaned the park and planted trees along the road.",
    "The new hospital offers free check-ups to elderly residents.",
    "The priest and the imam spoke together at the peace meeting.",
    "Her research on crop yields won a national award.",
    "The panchayat president opened the new school building.",
    "The musicians performed at the temple, the mosque and the church.",
    "The workers asked for fair wages and safer conditions.",
]
