"""The curated topic taxonomy: questions, experts and guidelines share it."""

TOPICS: list[dict] = [
    {
        "slug": "regulatory-pathway",
        "name_it": "Percorso regolatorio e classificazione del dispositivo",
        "name_en": "Regulatory pathway and device classification",
        "description_it": "Classi I, IIa, IIb, III (MDR Allegato VIII); indagini ai sensi degli artt. 62, 74(1), 74(2) e 82 (MDCG 2021-6).",
        "description_en": "Classes I, IIa, IIb, III (MDR Annex VIII); investigations under Art. 62, 74(1), 74(2) and 82 (MDCG 2021-6).",
    },
    {
        "slug": "investigation-plan",
        "name_it": "Piano di indagine clinica e disegno dello studio",
        "name_en": "Clinical investigation plan and study design",
        "description_it": "Contenuto del CIP (ISO 14155:2020, MDCG 2024-3), endpoint, controlli, dossier per lo sperimentatore (MDCG 2024-5).",
        "description_en": "Content of the CIP (ISO 14155:2020, MDCG 2024-3), endpoints, controls, investigator's brochure (MDCG 2024-5).",
    },
    {
        "slug": "ethics-authority-submission",
        "name_it": "Comitato etico e notifica all'autorità competente",
        "name_en": "Ethics committee and competent-authority submission",
        "description_it": "Comitati etici territoriali (CET) e nazionali, Ministero della Salute, documenti della domanda (MDCG 2021-8), CIV-ID.",
        "description_en": "Territorial (CET) and national ethics committees, Ministry of Health, application documents (MDCG 2021-8), CIV-ID.",
    },
    {
        "slug": "iso-14155-gcp",
        "name_it": "ISO 14155 e buona pratica clinica",
        "name_en": "ISO 14155 and good clinical practice",
        "description_it": "Responsabilità di promotore e sperimentatore, monitoraggio, eventi avversi, qualità (ISO 13485).",
        "description_en": "Sponsor and investigator responsibilities, monitoring, adverse events, quality (ISO 13485).",
    },
    {
        "slug": "statistics-sample-size",
        "name_it": "Statistica e dimensione del campione",
        "name_en": "Statistics and sample size",
        "description_it": "Ipotesi, calcolo della numerosità, analisi ad interim, gestione dei dati mancanti.",
        "description_en": "Hypotheses, sample size calculation, interim analyses, missing data.",
    },
    {
        "slug": "populations-sites",
        "name_it": "Popolazioni cliniche e centri sperimentali",
        "name_en": "Clinical populations and sites",
        "description_it": "Scelta dei centri (IRCCS, ASST, ospedali universitari), fattibilità, popolazioni vulnerabili (MDR artt. 64-68).",
        "description_en": "Choosing sites (IRCCS, ASST, university hospitals), feasibility, vulnerable populations (MDR Art. 64 to 68).",
    },
    {
        "slug": "data-protection",
        "name_it": "Protezione dei dati (GDPR)",
        "name_en": "Data protection (GDPR)",
        "description_it": "Basi giuridiche per i dati sanitari dei soggetti, ruoli di titolare e responsabile, valutazione d'impatto.",
        "description_en": "Legal bases for subjects' health data, controller and processor roles, impact assessment.",
    },
    {
        "slug": "software-ai",
        "name_it": "Software e intelligenza artificiale (MDR e AI Act)",
        "name_en": "Software and AI (MDR and AI Act)",
        "description_it": "Software come dispositivo medico, regola 11, sistemi di IA ad alto rischio (Regolamento (UE) 2024/1689, MDCG 2025-6).",
        "description_en": "Software as a medical device, rule 11, high-risk AI systems (Regulation (EU) 2024/1689, MDCG 2025-6).",
    },
    {
        "slug": "usability",
        "name_it": "Usabilità e fattori umani",
        "name_en": "Usability and human factors",
        "description_it": "Ingegneria dell'usabilità (IEC 62366-1), valutazioni formative e sommative.",
        "description_en": "Usability engineering (IEC 62366-1), formative and summative evaluations.",
    },
    {
        "slug": "pmcf",
        "name_it": "Follow-up clinico post-commercializzazione (PMCF)",
        "name_en": "Post-market clinical follow-up (PMCF)",
        "description_it": "Piani e indagini PMCF su dispositivi con marcatura CE (MDR Allegato XIV parte B, art. 74).",
        "description_en": "PMCF plans and investigations of CE-marked devices (MDR Annex XIV Part B, Art. 74).",
    },
    {
        "slug": "funding-calls",
        "name_it": "Finanziamenti e bandi regionali (FESR)",
        "name_en": "Funding and regional/ERDF calls",
        "description_it": "Programma regionale FESR, Asse I Ricerca e innovazione, bandi come Call HUB.",
        "description_en": "The regional ERDF programme, Axis I Research and Innovation, calls such as Call HUB.",
    },
    {
        "slug": "contracts-insurance",
        "name_it": "Contratti e assicurazione",
        "name_en": "Contracts and insurance",
        "description_it": "Contratto con il centro sperimentale, copertura assicurativa dei soggetti (MDR art. 69), costi.",
        "description_en": "Clinical site agreements, insurance cover of subjects (MDR Art. 69), costs.",
    },
]


def sync_topics(topic_model=None) -> int:
    """Create or refresh the curated topics; returns how many there are.

    Takes the model class so that a data migration can pass its historical one.
    """
    if topic_model is None:
        from experts.models import Topic as topic_model
    for position, topic in enumerate(TOPICS, start=1):
        topic_model.objects.update_or_create(
            slug=topic["slug"], defaults={**{k: v for k, v in topic.items() if k != "slug"}, "position": position * 10}
        )
    return len(TOPICS)
