"""Word lists and sentence templates for ``bench/dataset.py``: forum questions,
answers and comments in Italian and English, built from the domain's words
(MDR 2017/745, ISO 14155, CIV-ID, comitato etico, PMCF, classes...).

Every function takes a ``random.Random`` so that the data set is reproducible.
The vocabulary has common words (in most questions), rarer ones, brand-like
device names that each occur in only a handful of questions (a "rare word"
search finds 1 to 20), and fixed phrases that occur in about 0.1% of questions.
"""

import random

DEVICES_IT = [
    "sensore indossabile per il monitoraggio del cammino",
    "catetere a palloncino medicato",
    "stent coronarico a rilascio di farmaco",
    "software di supporto alla diagnosi basato su intelligenza artificiale",
    "protesi d'anca non cementata",
    "esoscheletro per la riabilitazione",
    "pompa per insulina a circuito chiuso",
    "valvola aortica transcatetere",
    "elettrodo per stimolazione cerebrale profonda",
    "medicazione avanzata per ulcere croniche",
    "sistema robotico per chirurgia mininvasiva",
    "dispositivo di telemonitoraggio cardiaco",
    "lente intraoculare multifocale",
    "impianto cocleare",
    "ortesi dinamica di ginocchio",
    "app per la gestione del diabete",
    "test diagnostico point-of-care",
    "defibrillatore impiantabile sottocutaneo",
    "rete chirurgica riassorbibile",
    "ventilatore domiciliare",
]
DEVICES_EN = [
    "wearable gait monitoring sensor",
    "drug-coated balloon catheter",
    "drug-eluting coronary stent",
    "AI-based diagnostic support software",
    "uncemented hip prosthesis",
    "rehabilitation exoskeleton",
    "closed-loop insulin pump",
    "transcatheter aortic valve",
    "deep brain stimulation lead",
    "advanced dressing for chronic wounds",
    "robotic system for minimally invasive surgery",
    "cardiac remote monitoring device",
    "multifocal intraocular lens",
    "cochlear implant",
    "dynamic knee orthosis",
    "diabetes management app",
    "point-of-care diagnostic test",
    "subcutaneous implantable defibrillator",
    "resorbable surgical mesh",
    "home ventilator",
]
CLASSES = ["I", "IIa", "IIa", "IIb", "IIb", "III"]
PATHWAYS = ["art. 62", "art. 74(1)", "art. 74(2)", "art. 82"]
POPULATIONS_IT = [
    "pazienti anziani fragili",
    "minori",
    "pazienti con scompenso cardiaco",
    "donne in gravidanza",
    "pazienti diabetici",
    "adulti incapaci",
    "pazienti in terapia intensiva",
    "pazienti ambulatoriali",
]
POPULATIONS_EN = [
    "frail elderly patients",
    "minors",
    "heart failure patients",
    "pregnant women",
    "diabetic patients",
    "incapacitated adults",
    "intensive care patients",
    "outpatients",
]
ENDPOINTS_IT = [
    "l'endpoint primario di sicurezza",
    "un endpoint composito",
    "la sopravvivenza libera da eventi a 12 mesi",
    "la qualità della vita",
    "il tasso di complicanze",
    "un endpoint surrogato",
]
ENDPOINTS_EN = [
    "the primary safety endpoint",
    "a composite endpoint",
    "event-free survival at 12 months",
    "quality of life",
    "the complication rate",
    "a surrogate endpoint",
]
SUBJECTS_IT = [
    "il comitato etico",
    "il comitato etico territoriale",
    "l'autorità competente",
    "il Ministero della Salute",
    "il centro IRCCS",
    "l'ASST",
    "l'organismo notificato",
    "il promotore",
]
SUBJECTS_EN = [
    "the ethics committee",
    "the territorial ethics committee",
    "the competent authority",
    "the Ministry of Health",
    "the IRCCS site",
    "the notified body",
    "the sponsor",
    "the principal investigator",
]
DOCUMENTS_IT = [
    "il piano di indagine clinica",
    "il dossier per lo sperimentatore",
    "il modulo di consenso informato",
    "il piano di valutazione clinica",
    "il piano PMCF",
    "la polizza assicurativa",
    "la sintesi delle caratteristiche di sicurezza",
    "la dichiarazione di conformità",
]
DOCUMENTS_EN = [
    "the clinical investigation plan",
    "the investigator's brochure",
    "the informed consent form",
    "the clinical evaluation plan",
    "the PMCF plan",
    "the insurance policy",
    "the summary of safety and clinical performance",
    "the declaration of conformity",
]

TITLES_IT = [
    "Serve un'indagine clinica per un dispositivo di classe {cls}: {device}?",
    "Dimensione del campione (dispositivo: {device}): come giustificarla?",
    "Quale comitato etico per un'indagine multicentrica? Dispositivo: {device}",
    "CIV-ID e notifica al Ministero: {device}",
    "Consenso informato per {population}: cosa chiede {subject}?",
    "PMCF ai sensi dell'{pathway}, dispositivo già marcato CE ({device})",
    "{document}: contenuti minimi secondo la ISO 14155",
    "Endpoint per un dispositivo di classe {cls} ({device})",
    "Modifica sostanziale del piano: tempi per {subject}",
    "Studio pilota con {brand}: requisiti MDR 2017/745",
    "Dati clinici equivalenti per {brand}",
    "Assicurazione dei soggetti in un'indagine: {device}",
]
TITLES_EN = [
    "Do we need a clinical investigation for a class {cls} {device}?",
    "Sample size for a {device}: how to justify it?",
    "Which ethics committee for a multicentre investigation of a {device}?",
    "CIV-ID and notification to the Ministry for a {device}",
    "Informed consent for {population}: what does {subject} expect?",
    "PMCF under {pathway} for a CE-marked {device}",
    "{document}: minimum content under ISO 14155",
    "Endpoints for a class {cls} {device}",
    "Substantial modification of the plan: timelines for {subject}",
    "Pilot study with {brand}: MDR 2017/745 requirements",
    "Equivalent clinical data for {brand}",
    "Insurance of subjects in an investigation of a {device}",
]
BODY_IT = [
    "Siamo una PMI lombarda e stiamo sviluppando un dispositivo di classe {cls}: {device}.",
    "Il dispositivo si chiama {brand} e non è ancora marcato CE.",
    "Vorremmo avviare un'indagine ai sensi dell'{pathway} del regolamento MDR 2017/745.",
    "Non è chiaro se {subject} richieda {document} in italiano o anche in inglese.",
    "Pensavamo di arruolare {population} in due centri IRCCS e in una ASST.",
    "Come si sceglie {endpoint} e come si giustifica la dimensione del campione di {n} soggetti?",
    "Abbiamo già il piano di valutazione clinica ma manca il confronto con la letteratura.",
    "Il nostro consulente suggerisce uno studio pilota prima dello studio pivotal.",
    "Quali tempi dobbiamo aspettarci per il parere del comitato etico territoriale?",
    "È necessario registrare l'indagine in EUDAMED e ottenere il CIV-ID prima della sottomissione?",
    "Il software ha una componente di intelligenza artificiale e ci chiediamo come si applichi l'AI Act.",
    "Chi deve firmare {document} come promotore se siamo un consorzio di ricerca?",
    "Ci servono indicazioni pratiche sul monitoraggio e sulla gestione degli eventi avversi gravi.",
    "Abbiamo letto la MDCG 2021-6 ma il nostro caso non sembra rientrare negli esempi.",
]
BODY_EN = [
    "We are a Lombardy SME developing a class {cls} {device}.",
    "The device is called {brand} and is not CE-marked yet.",
    "We would like to start an investigation under {pathway} of Regulation (EU) 2017/745.",
    "It is not clear whether {subject} requires {document} in Italian or in English as well.",
    "We planned to enrol {population} at two IRCCS sites and one ASST.",
    "How do we choose {endpoint} and justify a sample size of {n} subjects?",
    "We have the clinical evaluation plan already but lack the comparison with the literature.",
    "Our consultant suggests a pilot study before the pivotal study.",
    "What timelines should we expect for the opinion of the territorial ethics committee?",
    "Do we need to register the investigation in EUDAMED and get the CIV-ID before submission?",
    "The software has an AI component and we wonder how the AI Act applies.",
    "Who signs {document} as sponsor when we are a research consortium?",
    "We need practical advice on monitoring and on handling serious adverse events.",
    "We read MDCG 2021-6 but our case does not seem to match its examples.",
]
ANSWER_IT = [
    "Per un dispositivo di classe {cls} non marcato CE si applica l'{pathway} "
    "e serve la domanda all'autorità competente.",
    "Il comitato etico territoriale competente è quello del centro coordinatore, dal febbraio 2023.",
    "Suggerisco di partire da {document} e di allinearlo alla ISO 14155:2020.",
    "La dimensione del campione va giustificata con un'ipotesi statistica esplicita su {endpoint}.",
    "Per {population} valgono le tutele aggiuntive degli articoli 64-68 del regolamento.",
    "Il CIV-ID viene assegnato al momento della domanda; "
    "finché EUDAMED non è pienamente operativo vale la MDCG 2021-8.",
    "Un'indagine PMCF ai sensi dell'art. 74(1) richiede la notifica almeno 30 giorni prima dell'avvio.",
    "Conviene coinvolgere presto il biostatistico e lo sperimentatore principale del centro.",
    "Il dossier per lo sperimentatore deve riassumere i dati preclinici e clinici disponibili.",
    "In pratica i tempi sono di 45-60 giorni, salvo richieste di integrazione.",
]
ANSWER_EN = [
    "For a class {cls} device that is not CE-marked, {pathway} applies and you apply to the competent authority.",
    "The competent territorial ethics committee is the coordinating site's, since February 2023.",
    "I suggest starting from {document} and aligning it with ISO 14155:2020.",
    "The sample size must be justified by an explicit statistical hypothesis on {endpoint}.",
    "For {population} the additional safeguards of Articles 64-68 of the Regulation apply.",
    "The CIV-ID is assigned with the application; while EUDAMED is not fully functional, MDCG 2021-8 applies.",
    "A PMCF investigation under Art. 74(1) must be notified at least 30 days before it starts.",
    "Involve the biostatistician and the principal investigator of the site early.",
    "The investigator's brochure must summarise the available preclinical and clinical data.",
    "In practice it takes 45 to 60 days, unless the committee asks for more information.",
]
COMMENT_IT = [
    "Grazie, molto chiaro.",
    "Può indicare il riferimento esatto della MDCG?",
    "Il centro coordinatore sarebbe un IRCCS di Milano.",
    "Vale anche per un dispositivo di classe {cls}?",
    "Aggiungo che il promotore è una start-up.",
    "Confermo, abbiamo avuto la stessa esperienza con il comitato etico.",
    "Serve anche il parere del DPO per i dati sanitari?",
]
COMMENT_EN = [
    "Thank you, very clear.",
    "Could you give the exact MDCG reference?",
    "The coordinating site would be an IRCCS in Milan.",
    "Does this apply to a class {cls} device as well?",
    "I should add that the sponsor is a start-up.",
    "Same experience here with the ethics committee.",
    "Do we also need the DPO's opinion on health data?",
]
# Fixed phrases, each in about 0.1% of questions: a selective phrase search.
RARE_PHRASES = [
    "telemetria neonatale senza fili",
    "neonatal wireless telemetry",
    "valutazione della biocompatibilità a lungo termine",
    "long-term biocompatibility assessment",
    "registro regionale degli impianti protesici",
]
PHRASE_SHARE = 0.001

SYLLABLES_A = ["Kar", "Vel", "Orth", "Neu", "Lum", "Cor", "Sen", "Med", "Zen", "Tri", "Ax", "Bio", "Cyr", "Dex"]
SYLLABLES_B = ["di", "o", "a", "e", "u", "ion", "ix", "en", "ar", "yl"]
SYLLABLES_C = ["vex", "line", "tek", "mira", "flow", "gen", "sense", "pulse", "cura", "graft", "stim", "quor"]


def brand_name(index: int) -> str:
    """A unique brand-like device name for each index (mixed radix over syllables)."""
    a, rest = index % len(SYLLABLES_A), index // len(SYLLABLES_A)
    b, rest = rest % len(SYLLABLES_B), rest // len(SYLLABLES_B)
    c, rest = rest % len(SYLLABLES_C), rest // len(SYLLABLES_C)
    name = SYLLABLES_A[a] + SYLLABLES_B[b] + SYLLABLES_C[c]
    return f"{name}{rest + 1}" if rest else name


_SLOTS = {
    True: {
        "device": DEVICES_IT,
        "population": POPULATIONS_IT,
        "endpoint": ENDPOINTS_IT,
        "subject": SUBJECTS_IT,
        "document": DOCUMENTS_IT,
    },
    False: {
        "device": DEVICES_EN,
        "population": POPULATIONS_EN,
        "endpoint": ENDPOINTS_EN,
        "subject": SUBJECTS_EN,
        "document": DOCUMENTS_EN,
    },
}
_COMMON_SLOTS = {"cls": CLASSES, "pathway": PATHWAYS, "n": [20, 30, 40, 60, 80, 120, 150, 200, 300]}


class _Slots(dict):
    """A template's values, each drawn only when the template names it."""

    def __init__(self, rng: random.Random, italian: bool, brand: str) -> None:
        super().__init__(brand=brand)
        self.rng = rng
        self.words = _SLOTS[italian]

    def __missing__(self, name: str):
        return self.rng.choice(self.words.get(name) or _COMMON_SLOTS[name])


def _fill(template: str, rng: random.Random, italian: bool, brand: str) -> str:
    return template.format_map(_Slots(rng, italian, brand))


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def question_text(rng: random.Random, *, italian: bool, brand: str) -> tuple[str, str]:
    """A question's (title, body): two or three paragraphs of different sentences;
    the templates naming a brand only when there is one."""
    titles = [t for t in (TITLES_IT if italian else TITLES_EN) if brand or "{brand}" not in t]
    title = _capitalised(_fill(rng.choice(titles), rng, italian, brand))[:200]
    sentences = [s for s in (BODY_IT if italian else BODY_EN) if brand or "{brand}" not in s]
    chosen = [_fill(s, rng, italian, brand) for s in rng.sample(sentences, rng.randint(4, 9))]
    cut = sorted(rng.sample(range(1, len(chosen)), rng.randint(1, 2)))
    paragraphs = [" ".join(chosen[a:b]) for a, b in zip([0, *cut], [*cut, len(chosen)], strict=True)]
    for phrase in RARE_PHRASES:
        if rng.random() < PHRASE_SHARE:
            paragraphs.append(
                ("Riguarda in particolare la " if italian else "It concerns in particular the ") + phrase + "."
            )
    return title, "\n\n".join(paragraphs)


def answer_text(rng: random.Random, *, italian: bool) -> str:
    sentences = ANSWER_IT if italian else ANSWER_EN
    paragraphs = []
    for _ in range(rng.randint(1, 3)):
        chosen = rng.sample(sentences, rng.randint(1, 3))
        paragraphs.append(" ".join(_fill(s, rng, italian, "") for s in chosen))
    return "\n\n".join(paragraphs)


def comment_text(rng: random.Random, *, italian: bool) -> str:
    return _fill(rng.choice(COMMENT_IT if italian else COMMENT_EN), rng, italian, "")


def simple_html(text: str) -> str:
    """The HTML ``portal.markdown.render_markdown`` gives for plain paragraphs
    (no markup, no angle brackets), without its cost; checked against it on a
    sample by ``bench/dataset.py``."""
    return "\n".join(f"<p>{p.replace('&', '&amp;')}</p>" for p in text.split("\n\n"))
