"""Domains used in every format of both axes (a test checks the coverage)."""

DOMAINS = {
    "education": "schools, colleges, admissions, teachers",
    "employment": "jobs, hiring, hereditary occupations, workplaces",
    "marriage": "marriage, partners, weddings, endogamy",
    "housing": "renting, neighbourhoods, segregated settlements, land",
    "food_purity": "food, water, commensality, purity and pollution, beef",
    "crime_policing": "suspicion, policing, criminalisation, violence",
    "politics": "voting, leadership, loyalty, representation",
    "religion_ritual": "worship, temples, priests, conversion, festivals",
    "health": "hospitals, doctors, nurses, disease, vaccination",
    "economy": "wealth, poverty, trade, credit, labour",
}
