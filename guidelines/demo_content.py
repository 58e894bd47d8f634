"""Demo content of the guidelines: the board's versioned requirements document, in Italian and English.

Pure data for the demo seed, no Django. It holds three snapshots of the same document: version 1.0 (published
first), version 1.1 (a minor revision) and the current draft, plus the changelog notes of the two published
versions. 1.1 and the draft are built from the previous snapshot with small helpers (replace, insert, remove,
reword by key), so the differences between versions are written down explicitly below.

A snapshot is a flat ordered list of sections: a chapter (level 1) followed by its sections (level 2). Section keys
are stable slugs shared by all versions. Bodies are Markdown. Exactly one section of the draft has no English
translation yet (``pmcf-registries-real-world-data``): it demonstrates the portal's "shown in Italian" fallback.

The text is demonstration content, not legal advice: its first section says so in both languages.
"""

import copy
import textwrap

TITLE = {
    "it": "Linee guida per le indagini cliniche dei dispositivi medici",
    "en": "Guidelines for clinical investigations of medical devices",
}


# ---------------------------------------------------------------------------
# References: the sources, cited by their public names (no URLs).
# ---------------------------------------------------------------------------

_MDR = "Regulation (EU) 2017/745 (MDR)"
_MDR_TITLE = "Regulation (EU) 2017/745 on medical devices"
_ISO_14155 = "ISO 14155:2020"
_ISO_14155_TITLE = "Clinical investigation of medical devices for human subjects — Good clinical practice"
_GDPR = "Regulation (EU) 2016/679 (GDPR)"
_AI_ACT = "Regulation (EU) 2024/1689 (AI Act)"

_MDCG_TITLES = {
    "MDCG 2019-11": "Guidance on Qualification and Classification of Software in Regulation (EU) 2017/745 – MDR and Regulation (EU) 2017/746 – IVDR",
    "MDCG 2019-16": "Guidance on Cybersecurity for medical devices",
    "MDCG 2020-1": "Guidance on Clinical Evaluation (MDR) / Performance Evaluation (IVDR) of Medical Device Software",
    "MDCG 2020-7": "Post-market clinical follow-up (PMCF) Plan Template - A guide for manufacturers and notified bodies",
    "MDCG 2020-8": "Post-market clinical follow-up (PMCF) Evaluation Report Template - A guide for manufacturers and notified bodies",
    "MDCG 2020-10/1": "Safety reporting in clinical investigations of medical devices under the Regulation (EU) 2017/745",
    "MDCG 2021-6": "Questions & Answers regarding clinical investigation",
    "MDCG 2021-8": "Clinical investigation application/notification documents",
    "MDCG 2021-20": "Instructions for generating CIV-ID for MDR Clinical Investigations",
    "MDCG 2024-3": "Guidance on content of the Clinical Investigation Plan for clinical investigations of medical devices",
    "MDCG 2024-5": "Guidance on the content of the Investigator's Brochure for clinical investigations of medical devices",
    "MDCG 2025-6": "Interplay between the Medical Devices Regulation (MDR) & In vitro Diagnostic Medical Devices Regulation (IVDR) and the Artificial Intelligence Act (AIA)",
}


def _ref(kind: str, document: str, locator: str = "", *, revision: str = "", title: str = "") -> dict[str, str]:
    return {
        "kind": kind,
        "document": document,
        "revision": revision,
        "locator": locator,
        "title": title,
        "url": "",
    }


def _mdr(locator: str = "") -> dict[str, str]:
    return _ref("mdr", _MDR, locator, title=_MDR_TITLE)


def _iso_14155(locator: str = "") -> dict[str, str]:
    return _ref("iso_14155", _ISO_14155, locator, title=_ISO_14155_TITLE)


def _mdcg(number: str, locator: str = "", *, revision: str = "") -> dict[str, str]:
    return _ref("mdcg", number, locator, revision=revision, title=_MDCG_TITLES[number])


def _gdpr(locator: str = "") -> dict[str, str]:
    return _ref("law", _GDPR, locator, title="General Data Protection Regulation")


def _ai_act(locator: str = "") -> dict[str, str]:
    return _ref("law", _AI_ACT, locator, title="Artificial Intelligence Act")


def _standard(document: str, title: str, locator: str = "") -> dict[str, str]:
    return _ref("standard", document, locator, title=title)


_ISO_14971 = ("ISO 14971:2019", "Medical devices — Application of risk management to medical devices")
_ISO_13485 = ("ISO 13485:2016", "Medical devices — Quality management systems — Requirements for regulatory purposes")
_IEC_62304 = ("IEC 62304", "Medical device software — Software life cycle processes")
_ISO_TR_24971 = ("ISO/TR 24971:2020", "Medical devices — Guidance on the application of ISO 14971")

_DM_26_01_2023 = _ref(
    "law",
    "Decreto del Ministro della Salute 26 gennaio 2023",
    title="Individuazione di quaranta comitati etici territoriali",
)
_DM_30_01_2023 = _ref(
    "law",
    "Decreto del Ministro della Salute 30 gennaio 2023",
    title="Definizione dei criteri per la composizione e il funzionamento dei comitati etici territoriali",
)
_LEGGE_3_2018 = _ref(
    "law",
    "Legge 11 gennaio 2018, n. 3",
    "Art. 2",
    title="Delega al Governo in materia di sperimentazione clinica di medicinali nonché disposizioni per il riordino delle professioni sanitarie e per la dirigenza sanitaria del Ministero della salute",
)
_DLGS_137_2022 = _ref(
    "law",
    "Decreto legislativo 5 agosto 2022, n. 137",
    "Art. 16",
    title="Disposizioni per l'adeguamento della normativa nazionale alle disposizioni del regolamento (UE) 2017/745",
)
_CIRCOLARE_28_02_2023 = _ref(
    "other",
    "Circolare del Ministero della Salute 28 febbraio 2023",
    title="Indicazioni per il coinvolgimento dei Comitati etici nelle indagini cliniche relative ai dispositivi medici",
)
_CODICE_PRIVACY = _ref(
    "law",
    "Decreto legislativo 30 giugno 2003, n. 196",
    "Art. 110",
    title="Codice in materia di protezione dei dati personali",
)
_EDPB_OPINION_3_2019 = _ref(
    "other",
    "EDPB Opinion 3/2019",
    title="Opinion 3/2019 concerning the Questions and Answers on the interplay between the Clinical Trials Regulation (CTR) and the General Data Protection regulation (GDPR)",
)
_REGULATION_2024_1860 = _ref("law", "Regulation (EU) 2024/1860", title="")


# ---------------------------------------------------------------------------
# Sections.
# ---------------------------------------------------------------------------


def _text(markdown: str) -> str:
    """The Markdown as written in this file, without the indentation of the source."""
    return textwrap.dedent(markdown).strip()


def _section(
    key: str,
    level: int,
    title_it: str,
    title_en: str,
    *,
    it: str,
    en: str,
    references: list[dict[str, str]] | None = None,
) -> dict:
    return {
        "key": key,
        "level": level,
        "title": {"it": title_it, "en": title_en},
        "body": {"it": _text(it), "en": _text(en)},
        "references": references or [],
    }


# ---------------------------------------------------------------------------
# Version 1.0
# ---------------------------------------------------------------------------

VERSION_1_0: list[dict] = [
    # 1. Introduction ----------------------------------------------------------------------------------------------
    _section(
        "introduction",
        1,
        "Introduzione e ambito",
        "Introduction and scope",
        it="""
            Questo capitolo spiega a che cosa serve il documento, chi lo redige e come leggerlo. Chi lo consulta per la prima volta dovrebbe leggerlo per intero prima di passare ai capitoli tecnici.
        """,
        en="""
            This chapter explains what the document is for, who writes it and how to read it. First-time readers should read it in full before moving on to the technical chapters.
        """,
    ),
    _section(
        "intro-purpose-and-demo-notice",
        2,
        "Scopo del documento e avvertenza",
        "Purpose of the document and notice",
        it="""
            **Avvertenza: documento dimostrativo.** Questo testo è stato preparato per la dimostrazione del portale del Centro di competenza virtuale per le indagini cliniche. Non è un parere legale né una consulenza regolatoria e non sostituisce la lettura delle fonti: prima di prendere qualsiasi decisione, verificate sempre le fonti citate nella loro versione vigente e rivolgetevi a professionisti qualificati.

            Le linee guida raccolgono, in forma di documento versionato, i requisiti scientifici e normativi di un'indagine clinica ben condotta su un dispositivo medico in Italia e nell'Unione europea. Per ogni tema indicano i punti critici più frequenti e offrono suggerimenti pratici pensati per le piccole e medie imprese (PMI) e le start-up che vogliono portare un dispositivo sul mercato.

            Il documento riguarda:

            - le indagini cliniche dei dispositivi medici disciplinate dal Regolamento (UE) 2017/745 (MDR), articoli da 62 a 82 e Allegato XV;
            - i rapporti con il comitato etico e con l'autorità competente italiana;
            - i temi trasversali che incidono sul disegno dello studio: protezione dei dati, software e intelligenza artificiale, follow-up clinico post-commercializzazione (PMCF).

            Non tratta gli studi delle prestazioni dei dispositivi medico-diagnostici in vitro (Regolamento (UE) 2017/746) né le sperimentazioni cliniche dei medicinali, che seguono regole proprie.
        """,
        en="""
            **Notice: demonstration document.** This text was prepared for the demonstration of the portal of the virtual Clinical Trials Competence Centre. It is not legal advice or regulatory consultancy and does not replace reading the sources: before taking any decision, always check the cited sources in their current version and consult qualified professionals.

            These guidelines set out, as a versioned document, the scientific and legislative requirements for a sound clinical investigation of a medical device in Italy and the European Union. For each topic they point out the most frequent critical points and give practical hints for small and medium-sized enterprises (SMEs) and start-ups that want to bring a device to market.

            The document covers:

            - clinical investigations of medical devices under Regulation (EU) 2017/745 (MDR), Articles 62 to 82 and Annex XV;
            - dealings with the ethics committee and the Italian competent authority;
            - cross-cutting topics that shape the design of the study: data protection, software and artificial intelligence, post-market clinical follow-up (PMCF).

            It does not cover performance studies of in vitro diagnostic medical devices (Regulation (EU) 2017/746) or clinical trials of medicinal products, which follow their own rules.
        """,
        references=[_mdr("Art. 62–82"), _mdr("Annex XV")],
    ),
    _section(
        "intro-board-and-centre",
        2,
        "Il comitato di esperti e il Centro di competenza",
        "The board of experts and the Competence Centre",
        it="""
            Il Centro di competenza per le indagini cliniche è un centro *virtuale* promosso dal Cluster Tecnologie per gli Ambienti di Vita (TAV) della Lombardia insieme alla Regione, come azione del progetto Interreg Europe Medtech4Europe. Nasce da una constatazione: le PMI e gli organismi di ricerca faticano a progettare indagini cliniche e ad accedervi, perché ricercatori, università, imprese, clinici e decisori pubblici collaborano ancora poco. Tra i modelli studiati ci sono Trial Nation in Danimarca, con un unico punto di accesso e una risposta di fattibilità coordinata dei centri ospedalieri, e i centri CIC-IT francesi dedicati ai dispositivi.

            Il comitato di esperti riunisce rappresentanti della ricerca, delle università, delle strutture cliniche e delle PMI. Il comitato:

            - offre consulenza ai progetti finanziati dal programma regionale FESR (POR FESR, Asse I "Ricerca e innovazione"), per esempio a quelli della *Call HUB* regionale;
            - risponde alle domande pubblicate nel forum del portale;
            - individua popolazioni cliniche e centri adatti e facilita i contatti con le strutture;
            - redige e aggiorna queste linee guida.

            Le risposte e i suggerimenti del comitato sono orientamenti di buona pratica: le decisioni sul disegno e sulla conduzione dell'indagine restano del promotore, che ne porta la responsabilità secondo l'MDR e la ISO 14155:2020.
        """,
        en="""
            The Clinical Trials Competence Centre is a *virtual* centre set up by the Lombardy technology cluster Cluster Tecnologie per gli Ambienti di Vita (TAV) together with the Region, as an action of the Interreg Europe project Medtech4Europe. It starts from an observation: SMEs and research organisations find it hard to design clinical investigations and to get access to them, because researchers, universities, companies, clinicians and policy makers still rarely work together. The models studied include Denmark's Trial Nation, with a single entry point and a collated feasibility answer from hospital sites, and the French CIC-IT centres devoted to devices.

            The board of experts brings together representatives of research, universities, clinics and SMEs. The board:

            - counsels projects funded by the regional ERDF programme (POR FESR, Axis I "Research and Innovation"), for example those of the regional *Call HUB*;
            - answers the questions posted in the portal's forum;
            - identifies suitable clinical populations and clinics and facilitates contacts with them;
            - writes and updates these guidelines.

            The board's answers and hints are guidance on good practice: decisions on the design and conduct of the investigation remain with the sponsor, who is responsible for them under the MDR and ISO 14155:2020.
        """,
        references=[_iso_14155("clause 9")],
    ),
    _section(
        "intro-how-to-use",
        2,
        "Come usare il documento",
        "How to use the document",
        it="""
            I capitoli seguono, a grandi linee, il percorso di un'indagine clinica: scelta del percorso regolatorio, piano di indagine clinica (CIP) e dossier per lo sperimentatore (IB), comitato etico e autorità competente, popolazioni e centri, protezione dei dati, software e intelligenza artificiale, follow-up clinico post-commercializzazione. Ogni sezione termina con l'elenco delle fonti: il regolamento o la norma e, dove utile, l'articolo, l'allegato o il paragrafo.

            Alcune indicazioni di lettura:

            1. **Partite dal percorso regolatorio** (capitolo 2): la scelta dell'articolo dell'MDR applicabile determina documenti, tempi e interlocutori.
            2. **Leggete i punti critici** prima di scrivere il CIP: molti ritardi nascono da scelte iniziali difficili da correggere in seguito.
            3. **Usate il forum** per le domande specifiche sul vostro progetto: le risposte del comitato che hanno interesse generale confluiscono nelle versioni successive del documento.

            Nel testo usiamo "indagine clinica", il termine dell'MDR (art. 2, punto 45), anche dove nella pratica si parla di "sperimentazione clinica". Il documento è versionato: ogni versione pubblicata resta consultabile, il registro delle modifiche ne riassume le differenze e il portale permette di confrontare due versioni qualsiasi. La bozza in lavorazione può contenere sezioni non ancora riviste o tradotte.
        """,
        en="""
            The chapters broadly follow the path of a clinical investigation: choice of the regulatory pathway, clinical investigation plan (CIP) and investigator's brochure (IB), ethics committee and competent authority, populations and sites, data protection, software and artificial intelligence, post-market clinical follow-up. Each section ends with its sources: the regulation or standard and, where useful, the article, annex or clause.

            A few reading hints:

            1. **Start from the regulatory pathway** (chapter 2): the choice of the applicable MDR article determines documents, timelines and counterparts.
            2. **Read the critical points** before writing the CIP: many delays come from early choices that are hard to correct later.
            3. **Use the forum** for questions specific to your project: the board's answers of general interest flow into later versions of the document.

            In the text we use "clinical investigation", the MDR's term (Art. 2(45)), even where practitioners speak of a "clinical trial". The document is versioned: every published version remains available, the changelog summarises the differences and the portal lets you compare any two versions. The draft in progress may contain sections not yet reviewed or translated.
        """,
        references=[_mdr("Art. 2(45)")],
    ),
    # 2. Regulatory pathway ----------------------------------------------------------------------------------------
    _section(
        "regulatory-pathway",
        1,
        "Percorso regolatorio",
        "Regulatory pathway",
        it="""
            Prima di scrivere il protocollo occorre stabilire in quale quadro ricade l'indagine: da questa scelta dipendono i documenti da presentare, i tempi e le autorità coinvolte.
        """,
        en="""
            Before writing the protocol, establish which framework the investigation falls under: the documents to submit, the timelines and the authorities involved all depend on this choice.
        """,
    ),
    _section(
        "pathway-mdr-framework",
        2,
        "Il quadro dell'MDR",
        "The MDR framework",
        it="""
            Il Regolamento (UE) 2017/745 (MDR) disciplina le indagini cliniche negli articoli da 62 a 82 e nell'Allegato XV. L'indagine clinica è uno degli strumenti della valutazione clinica (art. 61 e Allegato XIV, parte A): serve a generare i dati clinici che mancano per dimostrare la conformità ai requisiti generali di sicurezza e prestazione.

            Secondo l'art. 62, paragrafo 1, un'indagine condotta per dimostrare la conformità ha lo scopo di stabilire e verificare le prestazioni del dispositivo, i suoi benefici clinici e la sua sicurezza, compresi gli effetti collaterali indesiderati, e di valutare se i rischi sono accettabili rispetto ai benefici.

            La classe del dispositivo (I, IIa, IIb o III, secondo le regole dell'Allegato VIII) incide su molti aspetti:

            - per i dispositivi impiantabili e di classe III le indagini cliniche sono di regola obbligatorie, salvo le eccezioni previste dall'art. 61, paragrafi da 4 a 6;
            - i tempi per l'avvio dopo la domanda dipendono dalla classe e dall'invasività del dispositivo (art. 70, paragrafo 7; si veda il capitolo 4).

            Il promotore non stabilito nell'Unione deve avere un rappresentante legale stabilito nell'Unione (art. 62, paragrafo 2).

            **Punto critico.** Molte PMI arrivano all'indagine con una classificazione provvisoria o una destinazione d'uso ancora vaga. La destinazione d'uso dichiarata guida la classificazione, gli endpoint e la scelta della popolazione: fissatela per iscritto prima di progettare lo studio.
        """,
        en="""
            Regulation (EU) 2017/745 (MDR) governs clinical investigations in Articles 62 to 82 and Annex XV. A clinical investigation is one of the tools of clinical evaluation (Art. 61 and Annex XIV, Part A): it generates the clinical data that are missing to demonstrate conformity with the general safety and performance requirements.

            Under Art. 62(1), an investigation conducted to demonstrate conformity aims to establish and verify the performance of the device, its clinical benefits and its safety, including undesirable side-effects, and to assess whether the risks are acceptable when weighed against the benefits.

            The class of the device (I, IIa, IIb or III, under the rules of Annex VIII) affects many aspects:

            - for implantable and class III devices, clinical investigations are as a rule required, with the exceptions set out in Art. 61(4) to (6);
            - the time to start after the application depends on the class and invasiveness of the device (Art. 70(7); see chapter 4).

            A sponsor not established in the Union must have a legal representative established in the Union (Art. 62(2)).

            **Critical point.** Many SMEs reach the investigation stage with a provisional classification or a still vague intended purpose. The declared intended purpose drives the classification, the endpoints and the choice of population: put it in writing before designing the study.
        """,
        references=[
            _mdr("Art. 62"),
            _mdr("Art. 61(4)–(6)"),
            _mdr("Annex VIII"),
            _mdr("Annex XIV, Part A"),
            _mdr("Annex XV"),
        ],
    ),
    _section(
        "pathway-choosing-article",
        2,
        "Quale articolo si applica",
        "Which article applies",
        it="""
            Il documento MDCG 2021-6 (domande e risposte sulle indagini cliniche) distingue i percorsi principali. Una domanda guida la scelta: il dispositivo ha già la marcatura CE per l'uso che volete studiare, e l'indagine serve a dimostrarne la conformità?

            | Situazione | Articolo MDR | Procedura |
            |---|---|---|
            | Dispositivo senza marcatura CE per lo scopo studiato; indagine per dimostrarne la conformità | art. 62 | domanda all'autorità competente e parere del comitato etico |
            | Dispositivo con marcatura CE, usato nell'ambito della destinazione d'uso, con procedure aggiuntive invasive o gravose | art. 74, paragrafo 1 | notifica almeno 30 giorni prima dell'avvio |
            | Dispositivo con marcatura CE usato al di fuori della destinazione d'uso | art. 74, paragrafo 2 | si applicano gli articoli da 62 a 81 |
            | Indagine non finalizzata alla dimostrazione di conformità, per esempio di ricerca accademica | art. 82 | norme nazionali, nel rispetto dei requisiti minimi dell'art. 82 |

            Un'indagine su un dispositivo con marcatura CE, usato nell'ambito della destinazione d'uso, che non comporta procedure aggiuntive invasive o gravose non rientra nell'art. 74, paragrafo 1: verificate quali regole nazionali si applicano, per esempio quelle sugli studi osservazionali, e il ruolo del comitato etico.

            **Suggerimento pratico.** Scrivete in una pagina la motivazione della scelta, citando le domande pertinenti di MDCG 2021-6: la stessa motivazione servirà nella lettera di accompagnamento e nelle risposte al comitato etico e all'autorità competente.
        """,
        en="""
            MDCG 2021-6 (questions and answers on clinical investigations) sets out the main pathways. One question guides the choice: is the device already CE-marked for the use you want to study, and is the investigation meant to demonstrate its conformity?

            | Situation | MDR article | Procedure |
            |---|---|---|
            | Device not CE-marked for the purpose studied; investigation to demonstrate conformity | Art. 62 | application to the competent authority and ethics committee opinion |
            | CE-marked device used within its intended purpose, with additional invasive or burdensome procedures | Art. 74(1) | notification at least 30 days before the start |
            | CE-marked device used outside its intended purpose | Art. 74(2) | Articles 62 to 81 apply |
            | Investigation not aimed at demonstrating conformity, for example academic research | Art. 82 | national rules, within the minimum requirements of Art. 82 |

            An investigation of a CE-marked device used within its intended purpose that involves no additional invasive or burdensome procedures does not fall under Art. 74(1): check which national rules apply, for example those on observational studies, and the role of the ethics committee.

            **Practical hint.** Write a one-page rationale for your choice, citing the relevant questions of MDCG 2021-6: the same rationale will serve in the cover letter and in your answers to the ethics committee and the competent authority.
        """,
        references=[
            _mdcg("MDCG 2021-6", revision="Rev. 1"),
            _mdr("Art. 62"),
            _mdr("Art. 74(1)"),
            _mdr("Art. 74(2)"),
            _mdr("Art. 82"),
        ],
    ),
    _section(
        "pathway-special-populations",
        2,
        "Popolazioni particolari",
        "Special populations",
        it="""
            L'MDR prevede tutele aggiuntive per alcuni gruppi di soggetti. Se la popolazione dell'indagine li comprende, il CIP deve spiegare perché la loro partecipazione è necessaria e come sono rispettate le condizioni del regolamento.

            - **Soggetti incapaci** (art. 64): il consenso informato è dato dal rappresentante legalmente designato; l'indagine deve essere essenziale per questi soggetti e dati di validità comparabile non devono poter essere ottenuti con soggetti in grado di dare il consenso; il soggetto partecipa al processo di informazione per quanto le sue capacità lo consentono.
            - **Minori** (art. 65): il consenso è dato dal rappresentante legalmente designato; il minore riceve informazioni adatte alla sua età e maturità, e la sua volontà esplicita di rifiutare o di ritirarsi deve essere rispettata.
            - **Donne in gravidanza o in allattamento** (art. 66): si applicano condizioni più severe, in particolare quando l'indagine non porta un beneficio diretto alla donna, all'embrione, al feto o al bambino.
            - **Situazioni di emergenza** (art. 68): il consenso può essere acquisito dopo la decisione di includere il soggetto, solo alle condizioni stabilite dall'articolo.

            L'art. 67 consente inoltre agli Stati membri di mantenere misure nazionali aggiuntive, per esempio per le persone private della libertà personale.

            **Punto critico.** Non escludete per abitudine queste popolazioni se il dispositivo è destinato anche a loro: la mancanza di dati su anziani fragili o bambini può limitare la destinazione d'uso. Al contrario, includerle richiede più tempo di preparazione e una giustificazione solida.
        """,
        en="""
            The MDR provides additional protection for some groups of subjects. If the study population includes them, the CIP must explain why their participation is necessary and how the conditions of the Regulation are met.

            - **Incapacitated subjects** (Art. 64): informed consent is given by the legally designated representative; the investigation must be essential for these subjects and data of comparable validity must not be obtainable from subjects able to give consent; the subject takes part in the information process as far as their capacity allows.
            - **Minors** (Art. 65): consent is given by the legally designated representative; the minor receives information adapted to their age and maturity, and their explicit wish to refuse or withdraw must be respected.
            - **Pregnant or breastfeeding women** (Art. 66): stricter conditions apply, in particular when the investigation brings no direct benefit to the woman, the embryo, the foetus or the child.
            - **Emergency situations** (Art. 68): consent may be obtained after the decision to include the subject, only under the conditions set out in the article.

            Art. 67 also allows Member States to maintain additional national measures, for example for persons deprived of liberty.

            **Critical point.** Do not exclude these populations out of habit if the device is also meant for them: missing data on frail elderly people or children can restrict the intended purpose. Conversely, including them takes more preparation time and a solid justification.
        """,
        references=[_mdr("Art. 64"), _mdr("Art. 65"), _mdr("Art. 66"), _mdr("Art. 67"), _mdr("Art. 68")],
    ),
    _section(
        "pathway-application-documents",
        2,
        "Documenti della domanda e CIV-ID",
        "Application documents and CIV-ID",
        it="""
            La documentazione da presentare con la domanda è elencata nell'Allegato XV, capo II, dell'MDR: modulo di domanda, dossier per lo sperimentatore, piano di indagine clinica e altre informazioni, tra cui la dichiarazione firmata del fabbricante sulla conformità del dispositivo ai requisiti generali di sicurezza e prestazione, a parte gli aspetti oggetto dell'indagine.

            Finché il sistema elettronico europeo previsto dall'art. 73 (il modulo delle indagini cliniche di EUDAMED) non è funzionante, i moduli e l'elenco dei documenti da usare sono quelli indicati in MDCG 2021-8. Ogni Stato membro definisce inoltre il canale di presentazione e le eventuali tariffe: in Italia seguite le istruzioni pubblicate dal Ministero della Salute.

            Ogni indagine è identificata da un numero unico a livello dell'Unione, il CIV-ID. In assenza di EUDAMED le autorità competenti lo ottengono dalla precedente banca dati europea (Eudamed2), come descritto in MDCG 2021-20; il promotore riporta poi lo stesso numero in tutti i documenti e in tutte le comunicazioni, in ogni Stato membro coinvolto.

            **Suggerimenti pratici.**

            - Preparate un indice dei documenti che rispecchi l'ordine dell'Allegato XV, capo II: facilita la verifica di completezza.
            - Tenete sotto controllo di versione CIP, IB e moduli di consenso: autorità e comitati etici confrontano versioni e date.
            - Nelle indagini multinazionali armonizzate fin dall'inizio i documenti comuni a tutti i paesi.
        """,
        en="""
            The documentation to submit with the application is listed in Annex XV, Chapter II, of the MDR: application form, investigator's brochure, clinical investigation plan and other information, including the manufacturer's signed statement that the device conforms to the general safety and performance requirements, apart from the aspects covered by the investigation.

            Until the European electronic system provided for by Art. 73 (the clinical investigation module of EUDAMED) is functional, the forms and list of documents to use are those given in MDCG 2021-8. Each Member State also sets the submission channel and any fees: in Italy, follow the instructions published by the Ministry of Health.

            Each investigation is identified by a Union-wide unique number, the CIV-ID. Without EUDAMED, the competent authorities obtain it from the previous European database (Eudamed2), as described in MDCG 2021-20; the sponsor then quotes the same number in all documents and all communications, in every Member State involved.

            **Practical hints.**

            - Prepare an index of the documents that follows the order of Annex XV, Chapter II: it makes the completeness check easier.
            - Keep the CIP, the IB and the consent forms under version control: authorities and ethics committees compare versions and dates.
            - In multinational investigations, harmonise the documents common to all countries from the start.
        """,
        references=[
            _mdr("Annex XV, Chapter II"),
            _mdr("Art. 73"),
            _mdcg("MDCG 2021-8"),
            _mdcg("MDCG 2021-20"),
        ],
    ),
    # 3. Clinical investigation plan and investigator's brochure --------------------------------------------------
    _section(
        "investigation-plan",
        1,
        "Piano di indagine clinica e dossier per lo sperimentatore",
        "Clinical investigation plan and investigator's brochure",
        it="""
            Il piano di indagine clinica (CIP) e il dossier per lo sperimentatore (IB) sono il cuore della domanda. Un CIP solido riduce le richieste di chiarimento e rende i risultati utilizzabili nella valutazione clinica del dispositivo.
        """,
        en="""
            The clinical investigation plan (CIP) and the investigator's brochure (IB) are the core of the application. A solid CIP reduces requests for clarification and makes the results usable in the clinical evaluation of the device.
        """,
    ),
    _section(
        "cip-content",
        2,
        "Contenuto del CIP",
        "Content of the CIP",
        it="""
            Il CIP descrive motivazione, obiettivi, disegno, metodologia, monitoraggio, conduzione, registrazione dei dati e metodo di analisi dell'indagine. I riferimenti principali sono tre:

            - l'Allegato XV, capo II, sezione 3, dell'MDR, che elenca il contenuto del piano presentato con la domanda;
            - l'Allegato A della ISO 14155:2020, che ne specifica struttura e contenuti;
            - MDCG 2024-3, che spiega come comporre il CIP perché risponda all'MDR e quali informazioni si attendono autorità e comitati etici.

            Elementi che non possono mancare: identificazione e descrizione del dispositivo e del comparatore, destinazione d'uso, giustificazione del disegno alla luce della valutazione clinica e dello stato dell'arte, obiettivi ed endpoint, criteri di inclusione ed esclusione, procedure e calendario delle visite, analisi statistica, gestione dei rischi, monitoraggio, definizione e segnalazione degli eventi avversi, gestione dei dati, condizioni di sospensione o interruzione, politica di pubblicazione.

            **Punti critici frequenti.**

            1. Obiettivi non coerenti con le affermazioni (*claims*) che il fabbricante vuole sostenere nella documentazione tecnica.
            2. Endpoint definiti in modo vago, senza metodo e momento di misura.
            3. Un CIP che descrive la pratica clinica ideale invece di quella dei centri reali.

            **Suggerimento pratico.** Fate rileggere la bozza a uno sperimentatore del centro e a uno statistico prima della presentazione: quasi sempre emergono procedure irrealistiche o dati impossibili da raccogliere.
        """,
        en="""
            The CIP describes the rationale, objectives, design, methodology, monitoring, conduct, record-keeping and method of analysis of the investigation. There are three main references:

            - Annex XV, Chapter II, Section 3, of the MDR, which lists the content of the plan submitted with the application;
            - Annex A of ISO 14155:2020, which specifies its structure and content;
            - MDCG 2024-3, which explains how to compose the CIP so that it meets the MDR and what information authorities and ethics committees expect.

            Elements that must not be missing: identification and description of the device and the comparator, intended purpose, justification of the design in the light of the clinical evaluation and the state of the art, objectives and endpoints, inclusion and exclusion criteria, procedures and visit schedule, statistical analysis, risk management, monitoring, definition and reporting of adverse events, data management, conditions for suspension or termination, publication policy.

            **Frequent critical points.**

            1. Objectives that do not match the claims the manufacturer wants to support in the technical documentation.
            2. Vaguely defined endpoints, with no method or time point of measurement.
            3. A CIP that describes ideal clinical practice instead of the practice of the actual sites.

            **Practical hint.** Have an investigator from the site and a statistician review the draft before submission: unrealistic procedures or data that cannot be collected almost always come to light.
        """,
        references=[
            _mdr("Annex XV, Chapter II, Section 3"),
            _iso_14155("Annex A"),
            _mdcg("MDCG 2024-3"),
        ],
    ),
    _section(
        "cip-endpoints-sample-size",
        2,
        "Endpoint, disegno e dimensione del campione",
        "Endpoints, design and sample size",
        it="""
            Gli endpoint traducono gli obiettivi in misure. L'endpoint primario di prestazione o di sicurezza deve essere clinicamente rilevante, misurabile in modo affidabile e collegato ai benefici clinici che si vogliono dimostrare; gli endpoint surrogati vanno giustificati. Per i dispositivi è spesso utile includere esiti riferiti dal paziente e misure di usabilità.

            Il disegno dipende dalla fase di sviluppo. L'Allegato I della ISO 14155:2020 distingue la fase pilota (che comprende gli studi *first-in-human* e di fattibilità), la fase pivotale e la fase post-commercializzazione. Uno studio pilota ben condotto aiuta a stimare i parametri necessari al calcolo del campione dello studio pivotale.

            La dimensione del campione si basa su un'ipotesi esplicita (superiorità, non inferiorità con un margine giustificato, oppure confronto con un obiettivo di prestazione derivato dallo stato dell'arte), sul livello di significatività, sulla potenza, sull'effetto atteso e sulla quota prevista di soggetti persi al follow-up. Tutte le assunzioni vanno documentate nel CIP.

            **Punti critici tipici dei dispositivi.**

            - La cecità è spesso impossibile per chi usa il dispositivo: valutate un valutatore dell'endpoint in cieco.
            - La curva di apprendimento dell'operatore può alterare i risultati: prevedete casi di addestramento (*roll-in*) analizzati a parte.
            - Modifiche del dispositivo durante lo studio possono rendere i dati non aggregabili: congelate la configurazione prima dell'arruolamento.

            Coinvolgete uno statistico fin dalla stesura degli obiettivi, non solo al momento del calcolo.
        """,
        en="""
            Endpoints turn objectives into measurements. The primary performance or safety endpoint must be clinically relevant, reliably measurable and linked to the clinical benefits to be demonstrated; surrogate endpoints need a justification. For devices it is often useful to include patient-reported outcomes and usability measures.

            The design depends on the development stage. Annex I of ISO 14155:2020 distinguishes the pilot stage (which includes first-in-human and feasibility studies), the pivotal stage and the post-market stage. A well-run pilot study helps estimate the parameters needed to calculate the sample size of the pivotal study.

            The sample size rests on an explicit hypothesis (superiority, non-inferiority with a justified margin, or comparison with a performance goal derived from the state of the art), the significance level, the power, the expected effect and the expected share of subjects lost to follow-up. All assumptions must be documented in the CIP.

            **Critical points typical of devices.**

            - Blinding is often impossible for the person using the device: consider a blinded endpoint assessor.
            - The operator's learning curve can distort the results: plan training (*roll-in*) cases analysed separately.
            - Changes to the device during the study can make data impossible to pool: freeze the configuration before enrolment.

            Involve a statistician from the moment the objectives are written, not only when the calculation is due.
        """,
        references=[_iso_14155("Annex A"), _iso_14155("Annex I"), _mdcg("MDCG 2024-3")],
    ),
    _section(
        "cip-risk-management",
        2,
        "Gestione del rischio nell'indagine",
        "Risk management in the investigation",
        it="""
            La gestione del rischio del dispositivo, condotta secondo la ISO 14971:2019, è il punto di partenza dell'indagine clinica: i rischi residui e le incertezze sul rapporto beneficio-rischio indicano che cosa l'indagine deve verificare. L'Allegato H della ISO 14155:2020 spiega come applicare la ISO 14971 alle indagini cliniche; il rapporto tecnico ISO/TR 24971 aiuta nell'applicazione pratica.

            Nel CIP e nell'IB occorre:

            - riassumere i rischi noti e prevedibili del dispositivo e delle procedure dell'indagine, con le misure di controllo adottate;
            - distinguere i rischi legati al dispositivo da quelli delle procedure aggiuntive richieste dallo studio;
            - spiegare perché i benefici attesi giustificano i rischi e gli inconvenienti prevedibili, come richiede l'art. 62, paragrafo 4, dell'MDR;
            - definire regole di sospensione e, quando utile, un comitato indipendente di monitoraggio dei dati.

            La ISO 14155:2020 chiede inoltre un approccio basato sul rischio anche alla qualità dell'indagine, per esempio al monitoraggio: concentrare le verifiche sui dati e sui processi critici per la sicurezza dei soggetti e per l'endpoint primario.

            **Punto critico.** Il fascicolo di gestione del rischio va aggiornato con quanto emerge dall'indagine: eventi avversi e difetti del dispositivo sono informazioni di ritorno per l'analisi dei rischi, non solo obblighi di segnalazione. Il sistema di gestione della qualità del fabbricante (ISO 13485:2016) deve prevedere questo collegamento.
        """,
        en="""
            Risk management of the device, carried out under ISO 14971:2019, is the starting point of the clinical investigation: the residual risks and the uncertainties about the benefit-risk ratio show what the investigation must verify. Annex H of ISO 14155:2020 explains how to apply ISO 14971 to clinical investigations; the technical report ISO/TR 24971 helps with practical application.

            The CIP and the IB must:

            - summarise the known and foreseeable risks of the device and of the investigation procedures, with the control measures adopted;
            - distinguish the risks of the device from those of the additional procedures required by the study;
            - explain why the expected benefits justify the foreseeable risks and inconveniences, as Art. 62(4) of the MDR requires;
            - define stopping rules and, where useful, an independent data monitoring committee.

            ISO 14155:2020 also asks for a risk-based approach to the quality of the investigation, for example to monitoring: focus checks on the data and processes that are critical for the safety of subjects and for the primary endpoint.

            **Critical point.** The risk management file must be updated with what the investigation reveals: adverse events and device deficiencies are feedback for the risk analysis, not only reporting duties. The manufacturer's quality management system (ISO 13485:2016) must provide for this link.
        """,
        references=[
            _standard(*_ISO_14971),
            _iso_14155("Annex H"),
            _standard(*_ISO_TR_24971),
            _mdr("Art. 62(4)"),
            _standard(*_ISO_13485),
        ],
    ),
    _section(
        "cip-investigators-brochure",
        2,
        "Dossier per lo sperimentatore (IB)",
        "Investigator's brochure (IB)",
        it="""
            Il dossier per lo sperimentatore (IB) raccoglie le informazioni cliniche e non cliniche sul dispositivo in esame che sono rilevanti per l'indagine e che lo sperimentatore deve conoscere per condurla in sicurezza. Il contenuto è richiesto dall'Allegato XV, capo II, sezione 2, dell'MDR, è dettagliato nell'Allegato B della ISO 14155:2020 ed è spiegato in MDCG 2024-5.

            Un IB completo comprende, tra l'altro:

            - identificazione e descrizione del dispositivo, principio di funzionamento, materiali e componenti a contatto con il corpo;
            - istruzioni per installazione, uso, manutenzione e igiene;
            - risultati delle prove precliniche: prove al banco, biocompatibilità, sicurezza elettrica, verifica e validazione del software, eventuali studi su animali;
            - dati clinici già disponibili, anche su dispositivi simili;
            - analisi beneficio-rischio e sintesi della gestione del rischio;
            - elenco dei requisiti generali di sicurezza e prestazione applicabili e delle norme applicate.

            **Punti critici.** L'IB non è una brochure commerciale: deve presentare anche i dati sfavorevoli e le incertezze. Deve essere coerente con il CIP e con le istruzioni per l'uso del dispositivo in esame; le incoerenze tra questi tre documenti sono tra le cause più comuni di richieste di integrazione.

            **Suggerimento pratico.** Prevedete una procedura per aggiornare l'IB quando emergono nuove informazioni rilevanti e per portarle tempestivamente a conoscenza degli sperimentatori.
        """,
        en="""
            The investigator's brochure (IB) gathers the clinical and non-clinical information on the investigational device that is relevant to the investigation and that the investigator needs to conduct it safely. Its content is required by Annex XV, Chapter II, Section 2, of the MDR, detailed in Annex B of ISO 14155:2020 and explained in MDCG 2024-5.

            A complete IB includes, among other things:

            - identification and description of the device, its operating principle, materials and components in contact with the body;
            - instructions for installation, use, maintenance and hygiene;
            - results of pre-clinical testing: bench tests, biocompatibility, electrical safety, software verification and validation, any animal studies;
            - clinical data already available, including on similar devices;
            - benefit-risk analysis and a summary of risk management;
            - the list of applicable general safety and performance requirements and of the standards applied.

            **Critical points.** The IB is not a sales brochure: it must also present unfavourable data and uncertainties. It must be consistent with the CIP and with the instructions for use of the investigational device; inconsistencies between these three documents are among the most common causes of requests for further information.

            **Practical hint.** Set up a procedure to update the IB when relevant new information emerges and to bring it to the investigators' attention promptly.
        """,
        references=[
            _mdr("Annex XV, Chapter II, Section 2"),
            _iso_14155("Annex B"),
            _mdcg("MDCG 2024-5"),
        ],
    ),
    # 4. Ethics committee and competent authority in Italy ---------------------------------------------------------
    _section(
        "ethics-committee-and-authority",
        1,
        "Comitato etico e autorità competente in Italia",
        "Ethics committee and competent authority in Italy",
        it="""
            In Italia un'indagine clinica richiede il parere del comitato etico competente e la domanda o la notifica al Ministero della Salute. Questo capitolo descrive gli interlocutori, i tempi fissati dall'MDR e gli obblighi durante la conduzione dell'indagine.
        """,
        en="""
            In Italy a clinical investigation needs the opinion of the competent ethics committee and an application or notification to the Ministry of Health. This chapter describes the counterparts, the timelines set by the MDR and the obligations while the investigation is running.
        """,
    ),
    _section(
        "ethics-committees-italy",
        2,
        "I comitati etici territoriali e nazionali",
        "Territorial and national ethics committees",
        it="""
            La riforma dei comitati etici prevista dalla legge 11 gennaio 2018, n. 3, è stata attuata con i decreti del Ministro della Salute del 26 gennaio 2023, che individua quaranta comitati etici territoriali (CET), e del 30 gennaio 2023, che ne definisce composizione e funzionamento. Dall'8 febbraio 2023 i CET e i comitati etici a valenza nazionale (CEN) sono competenti in via esclusiva per la valutazione delle indagini cliniche sui dispositivi medici.

            In Lombardia operano sei comitati etici territoriali, da CET Lombardia 1 a CET Lombardia 6, ciascuno di riferimento per un gruppo di strutture sanitarie della regione.

            L'MDR consente l'avvio di un'indagine solo se un comitato etico non ha espresso parere negativo (art. 62, paragrafo 4). Il decreto legislativo 5 agosto 2022, n. 137, che adegua la normativa italiana all'MDR, richiede che la domanda comprenda il parere favorevole del comitato etico competente, espresso in forma esplicita e valido a livello nazionale.

            Il comitato etico valuta in particolare:

            - la giustificazione scientifica ed etica dell'indagine e il rapporto beneficio-rischio;
            - l'idoneità degli sperimentatori e dei centri;
            - le informazioni ai soggetti e il modulo di consenso informato (art. 63 dell'MDR);
            - la copertura assicurativa e le modalità di reclutamento;
            - gli aspetti economici e di protezione dei dati.

            **Punto critico.** Il modulo di consenso informato è la parte della domanda che riceve più osservazioni: scrivetelo in italiano chiaro, con frasi brevi, evitando il linguaggio promozionale.
        """,
        en="""
            The reform of ethics committees provided for by Law no. 3 of 11 January 2018 was implemented by the decrees of the Minister of Health of 26 January 2023, which identifies forty territorial ethics committees (CET), and of 30 January 2023, which sets their composition and operation. Since 8 February 2023 the CETs and the national ethics committees (CEN) have been exclusively competent for the assessment of clinical investigations of medical devices.

            Lombardy has six territorial ethics committees, CET Lombardia 1 to CET Lombardia 6, each serving a group of the region's healthcare institutions.

            The MDR allows an investigation to start only if an ethics committee has not issued a negative opinion (Art. 62(4)). Legislative Decree no. 137 of 5 August 2022, which adapts Italian law to the MDR, requires the application to include the favourable opinion of the competent ethics committee, given explicitly and valid nationwide.

            The ethics committee assesses in particular:

            - the scientific and ethical justification of the investigation and the benefit-risk ratio;
            - the suitability of the investigators and sites;
            - the information for subjects and the informed consent form (Art. 63 of the MDR);
            - the insurance cover and the recruitment arrangements;
            - financial and data protection aspects.

            **Critical point.** The informed consent form is the part of the application that draws the most comments: write it in plain Italian, with short sentences, avoiding promotional language.
        """,
        references=[
            _LEGGE_3_2018,
            _DM_26_01_2023,
            _DM_30_01_2023,
            _DLGS_137_2022,
            _mdr("Art. 62(4)"),
            _mdr("Art. 63"),
        ],
    ),
    _section(
        "competent-authority-timelines",
        2,
        "Ministero della Salute e tempi dell'MDR",
        "Ministry of Health and MDR timelines",
        it="""
            In Italia l'autorità competente per le indagini cliniche sui dispositivi medici è il Ministero della Salute. Modalità di presentazione, tariffe e modulistica nazionale sono pubblicate sul sito del Ministero: verificatele prima di ogni presentazione, perché cambiano con l'evoluzione di EUDAMED.

            L'art. 70 dell'MDR fissa le tappe principali della procedura per le indagini dell'art. 62:

            1. **Convalida.** Entro 10 giorni dal ricevimento della domanda, lo Stato membro comunica al promotore se l'indagine rientra nell'ambito dell'MDR e se la domanda è completa (art. 70, paragrafo 1). Se la domanda è incompleta, il promotore può integrarla entro i termini indicati dall'articolo.
            2. **Avvio per i dispositivi a rischio minore.** Per i dispositivi in esame di classe I e per quelli non invasivi di classe IIa e IIb, il promotore può avviare l'indagine subito dopo la data di convalida, salvo diversa disposizione del diritto nazionale e purché il comitato etico non abbia espresso parere negativo (art. 70, paragrafo 7, lettera a).
            3. **Avvio per gli altri dispositivi.** Negli altri casi l'indagine può iniziare dopo che lo Stato membro ha notificato l'autorizzazione, entro 45 giorni dalla data di convalida; il termine può essere prorogato di altri 20 giorni per consultare esperti (art. 70, paragrafo 7, lettera b).

            Per le indagini PMCF dell'art. 74, paragrafo 1, il promotore invia invece una notifica almeno 30 giorni prima dell'avvio.

            **Suggerimento pratico.** Pianificate il cronoprogramma a partire dalla data di convalida, non da quella di invio, e tenete conto dei tempi del comitato etico e dei contratti con i centri, che si sommano a quelli dell'autorità.
        """,
        en="""
            In Italy the competent authority for clinical investigations of medical devices is the Ministry of Health (Ministero della Salute). Submission channels, fees and national forms are published on the Ministry's website: check them before every submission, because they change as EUDAMED evolves.

            Art. 70 of the MDR sets the main steps of the procedure for investigations under Art. 62:

            1. **Validation.** Within 10 days of receiving the application, the Member State notifies the sponsor whether the investigation falls within the scope of the MDR and whether the application is complete (Art. 70(1)). If the application is incomplete, the sponsor may complete it within the time limits set by the article.
            2. **Start for lower-risk devices.** For investigational devices of class I and for non-invasive devices of classes IIa and IIb, the sponsor may start the investigation immediately after the validation date, unless national law provides otherwise and provided that the ethics committee has not issued a negative opinion (Art. 70(7)(a)).
            3. **Start for other devices.** In the other cases the investigation may start once the Member State has notified its authorisation, within 45 days of the validation date; this period may be extended by a further 20 days to consult experts (Art. 70(7)(b)).

            For PMCF investigations under Art. 74(1), the sponsor instead sends a notification at least 30 days before the start.

            **Practical hint.** Plan the timetable from the validation date, not from the submission date, and allow for the time taken by the ethics committee and by the contracts with the sites, which add to the authority's.
        """,
        references=[
            _mdr("Art. 70(1)"),
            _mdr("Art. 70(7)(a)"),
            _mdr("Art. 70(7)(b)"),
            _mdr("Art. 74(1)"),
            _DLGS_137_2022,
        ],
    ),
    _section(
        "conduct-and-reporting",
        2,
        "Conduzione, eventi avversi e relazione finale",
        "Conduct, adverse events and final report",
        it="""
            Durante l'indagine il promotore e lo sperimentatore devono garantire che lo studio si svolga secondo il CIP approvato (art. 72 dell'MDR) e secondo la buona pratica clinica della ISO 14155:2020. Il promotore assicura un monitoraggio adeguato, tiene aggiornata la documentazione essenziale e garantisce la tracciabilità dei dispositivi in esame.

            **Modifiche.** Le modifiche sostanziali al CIP, all'IB o ad altri documenti vanno notificate prima di essere attuate, secondo l'art. 75; anche le modifiche non sostanziali vanno documentate.

            **Eventi avversi.** L'art. 80 richiede al promotore di registrare in modo completo, tra l'altro, gli eventi avversi indicati nel CIP come critici per la valutazione dei risultati, tutti gli eventi avversi gravi e i difetti del dispositivo che avrebbero potuto causare un evento avverso grave. Gli eventi avversi gravi con un nesso causale con il dispositivo, il comparatore o la procedura dell'indagine, o per i quali tale nesso è ragionevolmente possibile, vanno segnalati senza ritardo agli Stati membri interessati. MDCG 2020-10/1 descrive modalità e tempi di segnalazione.

            **Conclusione.** Alla fine dell'indagine il promotore ne informa gli Stati membri e presenta la relazione sull'indagine clinica entro un anno dalla conclusione, oppure entro tre mesi in caso di interruzione anticipata o sospensione temporanea, con una sintesi facilmente comprensibile per l'utilizzatore previsto (art. 77).

            **Suggerimento pratico.** Formate il personale del centro sulle definizioni di evento avverso grave e di difetto del dispositivo prima della prima visita: le segnalazioni tardive nascono quasi sempre da dubbi di classificazione.
        """,
        en="""
            During the investigation, the sponsor and the investigator must ensure that the study is conducted according to the approved CIP (Art. 72 of the MDR) and to the good clinical practice of ISO 14155:2020. The sponsor ensures adequate monitoring, keeps the essential documents up to date and ensures the traceability of the investigational devices.

            **Modifications.** Substantial modifications to the CIP, the IB or other documents must be notified before they are implemented, under Art. 75; non-substantial changes must also be documented.

            **Adverse events.** Art. 80 requires the sponsor to fully record, among other things, the adverse events identified in the CIP as critical to the evaluation of the results, every serious adverse event and every device deficiency that might have led to a serious adverse event. Serious adverse events that have a causal relationship with the device, the comparator or the investigation procedure, or where such a relationship is reasonably possible, must be reported without delay to the Member States concerned. MDCG 2020-10/1 describes how and when to report.

            **End of the investigation.** At the end of the investigation the sponsor informs the Member States and submits the clinical investigation report within one year of its end, or within three months in the case of early termination or temporary halt, with a summary that is easily understandable to the intended user (Art. 77).

            **Practical hint.** Train the site staff on the definitions of serious adverse event and device deficiency before the first visit: late reports almost always stem from doubts about classification.
        """,
        references=[
            _mdr("Art. 72"),
            _mdr("Art. 75"),
            _mdr("Art. 77"),
            _mdr("Art. 80"),
            _iso_14155(),
            _mdcg("MDCG 2020-10/1"),
        ],
    ),
    # 5. Clinical populations and sites ----------------------------------------------------------------------------
    _section(
        "populations-sites",
        1,
        "Popolazioni cliniche e centri",
        "Clinical populations and sites",
        it="""
            La scelta della popolazione e dei centri decide la fattibilità dell'indagine e la validità dei risultati. È anche il punto in cui il Centro di competenza può dare il contributo più concreto, grazie alla rete di strutture cliniche lombarde.
        """,
        en="""
            The choice of population and sites decides the feasibility of the investigation and the validity of its results. It is also where the Competence Centre can make its most concrete contribution, through its network of Lombardy clinics.
        """,
    ),
    _section(
        "populations-eligibility",
        2,
        "Criteri di inclusione ed esclusione",
        "Inclusion and exclusion criteria",
        it="""
            I criteri di inclusione ed esclusione definiscono la popolazione in cui il dispositivo viene studiato e, di conseguenza, la popolazione per cui i risultati saranno validi. Devono essere coerenti con la destinazione d'uso, le indicazioni e le controindicazioni previste.

            Vanno bilanciate due esigenze:

            - **sicurezza e qualità del segnale**: escludere i pazienti per cui il rischio è sproporzionato o in cui fattori confondenti renderebbero illeggibile l'effetto del dispositivo;
            - **rappresentatività**: includere soggetti simili a quelli che useranno il dispositivo dopo la marcatura CE, per età, sesso, comorbidità, gravità della malattia e contesto di cura.

            Criteri troppo restrittivi rallentano l'arruolamento e producono dati difficili da generalizzare; nella valutazione clinica possono costringere a limitare la destinazione d'uso o a pianificare ulteriori studi PMCF.

            **Suggerimenti pratici.**

            1. Per ogni criterio scrivete la motivazione (sicurezza, validità scientifica, requisito normativo) e verificate che sia accertabile con i dati disponibili al momento dello screening.
            2. Stimate su dati reali del centro, per esempio i registri di attività degli ultimi anni, quanti pazienti soddisfano tutti i criteri.
            3. Considerate in anticipo la rappresentanza di donne e anziani e documentate le ragioni di eventuali squilibri attesi.
            4. Se includete popolazioni vulnerabili, richiamate le condizioni degli articoli da 64 a 68 dell'MDR (capitolo 2).
        """,
        en="""
            Inclusion and exclusion criteria define the population in which the device is studied and, as a consequence, the population for which the results will be valid. They must be consistent with the intended purpose, indications and contraindications.

            Two needs have to be balanced:

            - **safety and quality of the signal**: exclude patients for whom the risk is disproportionate or in whom confounding factors would make the effect of the device unreadable;
            - **representativeness**: include subjects similar to those who will use the device after CE marking, by age, sex, comorbidities, severity of disease and care setting.

            Overly restrictive criteria slow enrolment and produce data that are hard to generalise; in the clinical evaluation they may force a narrower intended purpose or further PMCF studies.

            **Practical hints.**

            1. For each criterion write down the reason (safety, scientific validity, regulatory requirement) and check that it can be ascertained with the data available at screening.
            2. Estimate from the site's real data, for example its activity records for recent years, how many patients meet all the criteria.
            3. Consider the representation of women and older people in advance and document the reasons for any expected imbalance.
            4. If you include vulnerable populations, recall the conditions of Articles 64 to 68 of the MDR (chapter 2).
        """,
        references=[_iso_14155("Annex A"), _mdcg("MDCG 2024-3"), _mdr("Art. 64–68")],
    ),
    _section(
        "sites-feasibility",
        2,
        "Fattibilità e accesso ai centri clinici",
        "Feasibility and access to clinical sites",
        it="""
            La fattibilità risponde a una domanda semplice: questo centro può arruolare il numero di soggetti previsto, nei tempi previsti, con le procedure richieste dal CIP? Una valutazione seria considera:

            - il numero di pazienti idonei che il centro vede ogni anno e la quota che ragionevolmente accetterà di partecipare;
            - gli studi concorrenti sulla stessa popolazione;
            - il personale dedicato (sperimentatori, coordinatori di ricerca, infermieri di ricerca), la strumentazione e gli spazi;
            - la presenza di un ufficio per la ricerca clinica e i tempi medi per contratti e autorizzazioni interne.

            Il Centro di competenza, attraverso il comitato di esperti, aiuta le imprese a individuare le popolazioni cliniche adatte e mette in contatto il promotore con le strutture della rete lombarda: gli Istituti di Ricovero e Cura a Carattere Scientifico (IRCCS), che uniscono attività clinica e ricerca, e le Aziende Socio-Sanitarie Territoriali (ASST), che danno accesso a grandi popolazioni di pazienti nella pratica clinica ordinaria. Il Centro facilita il primo contatto; la selezione finale dei centri e la negoziazione restano responsabilità del promotore.

            **Punto critico.** Le stime di arruolamento fornite a inizio progetto sono spesso ottimistiche. Chiedete al centro dati storici, non impressioni, e prevedete almeno un centro di riserva.

            **Suggerimento pratico.** Una richiesta di contatto con un centro, inviata dal portale, è più efficace se contiene una sintesi del CIP, i principali criteri di inclusione, il numero di soggetti e la durata prevista del follow-up.
        """,
        en="""
            Feasibility answers a simple question: can this site enrol the planned number of subjects, in the planned time, with the procedures the CIP requires? A serious assessment considers:

            - the number of eligible patients the site sees each year and the share that will reasonably agree to take part;
            - competing studies in the same population;
            - dedicated staff (investigators, study coordinators, research nurses), equipment and space;
            - whether there is a clinical research office, and the usual time needed for contracts and internal approvals.

            The Competence Centre, through the board of experts, helps companies identify suitable clinical populations and puts the sponsor in touch with institutions of the Lombardy network: research hospitals (*Istituti di Ricovero e Cura a Carattere Scientifico*, IRCCS), which combine clinical care and research, and public hospital trusts (*Aziende Socio-Sanitarie Territoriali*, ASST), which give access to large patient populations in routine clinical practice. The Centre facilitates the first contact; the final selection of sites and the negotiation remain the sponsor's responsibility.

            **Critical point.** Enrolment estimates given at the start of a project are often optimistic. Ask the site for historical data, not impressions, and plan at least one back-up site.

            **Practical hint.** A request for contact with a site, sent through the portal, works better if it contains a summary of the CIP, the main inclusion criteria, the number of subjects and the planned duration of follow-up.
        """,
        references=[_iso_14155("clause 6"), _mdr("Art. 62")],
    ),
    _section(
        "sites-selection",
        2,
        "Selezione dei centri secondo la ISO 14155",
        "Site selection under ISO 14155",
        it="""
            La ISO 14155:2020 chiede al promotore di selezionare i centri sulla base di criteri documentati, nell'ambito della pianificazione dell'indagine (clausola 6), e di conservare le evidenze della selezione tra i documenti essenziali (Allegato E). L'MDR richiede che le strutture in cui si svolge l'indagine siano adeguate e simili a quelle in cui il dispositivo sarà utilizzato (art. 62, paragrafo 7).

            Criteri di selezione utili:

            - esperienza del centro con la patologia e con dispositivi simili;
            - esperienza di indagini cliniche condotte secondo la buona pratica clinica;
            - disponibilità delle attrezzature e dei servizi richiesti dal CIP, per esempio imaging, laboratorio, sala operatoria;
            - capacità di archiviare la documentazione e di gestire i dispositivi in esame in modo tracciabile;
            - tempo effettivamente disponibile del gruppo di ricerca per tutta la durata dello studio.

            La visita di selezione del centro è il momento per verificare questi aspetti sul posto e per conoscere il personale che svolgerà realmente lo studio.

            **Punto critico.** Un centro molto prestigioso ma già saturo di studi può arruolare meno di un centro più piccolo e motivato. Nelle indagini multicentriche, una combinazione di IRCCS e ASST può unire competenze specialistiche e rappresentatività della pratica clinica.

            **Suggerimento pratico.** Registrate l'esito di ogni visita di selezione con una breve lista di controllo, così da poter motivare la scelta in caso di audit.
        """,
        en="""
            ISO 14155:2020 asks the sponsor to select sites on documented criteria, as part of planning the investigation (clause 6), and to keep the evidence of the selection among the essential documents (Annex E). The MDR requires the facilities where the investigation takes place to be suitable and similar to those where the device is intended to be used (Art. 62(7)).

            Useful selection criteria:

            - the site's experience with the condition and with similar devices;
            - experience of clinical investigations conducted under good clinical practice;
            - availability of the equipment and services the CIP requires, for example imaging, laboratory, operating theatre;
            - ability to archive documentation and to handle investigational devices traceably;
            - time the research team actually has available for the whole duration of the study.

            The site qualification visit is the moment to verify these aspects on the spot and to meet the staff who will actually run the study.

            **Critical point.** A prestigious site already saturated with studies may enrol fewer subjects than a smaller, motivated one. In multicentre investigations, a combination of IRCCS and ASST sites can bring together specialist expertise and representativeness of routine practice.

            **Practical hint.** Record the outcome of each qualification visit with a short checklist, so that you can justify the choice in an audit.
        """,
        references=[_iso_14155("clause 6"), _iso_14155("Annex E"), _mdr("Art. 62(7)")],
    ),
    _section(
        "sites-investigator-qualification",
        2,
        "Qualifica degli sperimentatori",
        "Investigator qualifications",
        it="""
            Lo sperimentatore principale risponde della conduzione dell'indagine nel centro. Secondo l'art. 62, paragrafo 6, dell'MDR, gli sperimentatori esercitano una professione riconosciuta nello Stato membro come idonea a questo ruolo, per le necessarie conoscenze scientifiche e l'esperienza nell'assistenza ai pazienti; il resto del personale coinvolto deve essere adeguatamente qualificato per istruzione, formazione o esperienza.

            La ISO 14155:2020 (clausola 10) descrive le responsabilità dello sperimentatore principale: conoscere il CIP, l'IB e il dispositivo; disporre di tempo e personale sufficienti; delegare i compiti solo a persone qualificate e formate; ottenere il consenso informato; registrare e segnalare gli eventi avversi; garantire l'accuratezza dei dati.

            Evidenze da raccogliere per ogni centro:

            - curriculum vitae aggiornato e firmato dello sperimentatore principale e dei co-sperimentatori;
            - formazione documentata sulla buona pratica clinica e sul CIP;
            - formazione specifica sull'uso del dispositivo, quando necessaria;
            - registro delle deleghe firmato;
            - dichiarazione sugli interessi finanziari e sui conflitti di interesse.

            **Punto critico.** Nelle indagini sui dispositivi l'abilità dell'operatore incide direttamente sui risultati. Definite nel CIP i requisiti minimi di esperienza, per esempio il numero di procedure già eseguite, e le modalità di addestramento sul dispositivo, e documentate che ogni operatore li soddisfa.
        """,
        en="""
            The principal investigator is accountable for the conduct of the investigation at the site. Under Art. 62(6) of the MDR, investigators exercise a profession recognised in the Member State as qualifying for this role, on account of the necessary scientific knowledge and experience in patient care; other personnel involved must be suitably qualified by education, training or experience.

            ISO 14155:2020 (clause 10) describes the principal investigator's responsibilities: knowing the CIP, the IB and the device; having enough time and staff; delegating tasks only to qualified and trained people; obtaining informed consent; recording and reporting adverse events; ensuring the accuracy of the data.

            Evidence to collect for each site:

            - an up-to-date, signed curriculum vitae of the principal investigator and the co-investigators;
            - documented training in good clinical practice and on the CIP;
            - specific training on the use of the device, where needed;
            - a signed delegation log;
            - a declaration of financial interests and conflicts of interest.

            **Critical point.** In device investigations the operator's skill directly affects the results. Define in the CIP the minimum experience required, for example the number of procedures already performed, and how operators are trained on the device, and document that every operator meets them.
        """,
        references=[_mdr("Art. 62(6)"), _iso_14155("clause 10")],
    ),
    # 6. Data protection -------------------------------------------------------------------------------------------
    _section(
        "data-protection",
        1,
        "Protezione dei dati",
        "Data protection",
        it="""
            Un'indagine clinica tratta dati relativi alla salute, che il GDPR considera categorie particolari di dati personali. La protezione dei dati va progettata insieme al CIP, non aggiunta alla fine.
        """,
        en="""
            A clinical investigation processes data concerning health, which the GDPR treats as special categories of personal data. Data protection must be designed together with the CIP, not added at the end.
        """,
    ),
    _section(
        "gdpr-legal-basis",
        2,
        "Consenso a partecipare e base giuridica del trattamento",
        "Consent to participate and legal basis for processing",
        it="""
            Il consenso informato a partecipare all'indagine, richiesto dall'art. 63 dell'MDR, è un requisito etico e di tutela del soggetto. Non coincide con la base giuridica del trattamento dei dati personali ai sensi del Regolamento (UE) 2016/679 (GDPR): sono due valutazioni distinte, anche quando i due consensi sono raccolti nello stesso momento.

            Per trattare dati relativi alla salute occorrono sia una base giuridica dell'art. 6 del GDPR sia una delle condizioni dell'art. 9, paragrafo 2. Nelle indagini cliniche le condizioni più rilevanti sono il consenso esplicito (lettera a), i motivi di interesse pubblico nel settore della sanità pubblica (lettera i) e i fini di ricerca scientifica (lettera j), questi ultimi con le garanzie dell'art. 89, paragrafo 1. Il parere 3/2019 del Comitato europeo per la protezione dei dati, scritto per le sperimentazioni dei medicinali, offre un ragionamento utile anche per i dispositivi: per esempio, i trattamenti necessari per gli obblighi di sicurezza e di segnalazione si fondano su un obbligo di legge, non sul consenso.

            In Italia si applicano anche il Codice in materia di protezione dei dati personali (decreto legislativo 30 giugno 2003, n. 196), in particolare l'art. 110 sulla ricerca medica, biomedica ed epidemiologica, e le regole deontologiche per i trattamenti a fini di ricerca scientifica. L'art. 110 è stato modificato negli ultimi anni: verificatene il testo vigente.

            **Punto critico.** La revoca del consenso a partecipare non comporta automaticamente la cancellazione dei dati già raccolti: l'MDR prevede che la revoca non incida sulle attività già svolte e sull'uso dei dati ottenuti prima, fatta salva la normativa sulla protezione dei dati. Spiegatelo con chiarezza nel foglio informativo.
        """,
        en="""
            Informed consent to take part in the investigation, required by Art. 63 of the MDR, is an ethical requirement and a protection for the subject. It is not the same as the legal basis for processing personal data under Regulation (EU) 2016/679 (GDPR): they are two separate assessments, even when both consents are collected at the same time.

            Processing data concerning health requires both a legal basis under Art. 6 of the GDPR and one of the conditions of Art. 9(2). In clinical investigations the most relevant conditions are explicit consent (point (a)), reasons of public interest in the area of public health (point (i)) and scientific research purposes (point (j)), the latter with the safeguards of Art. 89(1). Opinion 3/2019 of the European Data Protection Board, written for clinical trials of medicines, offers reasoning that is also useful for devices: for example, processing needed for safety and reporting obligations rests on a legal obligation, not on consent.

            In Italy, the Italian data protection code (Legislative Decree no. 196 of 30 June 2003) also applies, in particular Art. 110 on medical, biomedical and epidemiological research, together with the rules of conduct for processing for scientific research purposes. Art. 110 has been amended in recent years: check its current text.

            **Critical point.** Withdrawing consent to participate does not automatically mean deleting the data already collected: the MDR provides that withdrawal does not affect activities already carried out or the use of data obtained before it, without prejudice to data protection law. Explain this clearly in the information sheet.
        """,
        references=[
            _mdr("Art. 63"),
            _mdr("Art. 62"),
            _gdpr("Art. 6"),
            _gdpr("Art. 9(2)"),
            _gdpr("Art. 89(1)"),
            _EDPB_OPINION_3_2019,
            _CODICE_PRIVACY,
        ],
    ),
    _section(
        "gdpr-roles",
        2,
        "Ruoli: titolari e responsabili del trattamento",
        "Roles: controllers and processors",
        it="""
            Prima di avviare l'indagine occorre stabilire chi determina finalità e mezzi di ciascun trattamento. Il GDPR distingue il titolare (art. 4, punto 7), il responsabile che tratta dati per conto del titolare (art. 28) e i contitolari, che determinano congiuntamente finalità e mezzi (art. 26).

            Configurazioni ricorrenti:

            - il **promotore** è titolare del trattamento dei dati raccolti per l'indagine, che riceve in forma pseudonimizzata;
            - il **centro** tratta i dati identificativi dei soggetti e la documentazione clinica di origine: nella prassi italiana è spesso qualificato come titolare autonomo per i propri trattamenti; in altri casi promotore e centro sono contitolari e devono stipulare l'accordo previsto dall'art. 26;
            - l'organizzazione di ricerca a contratto (CRO), i fornitori della scheda raccolta dati elettronica (eCRF) e i laboratori centralizzati agiscono di norma come responsabili, con un contratto conforme all'art. 28.

            I ruoli vanno descritti in modo coerente nel contratto con il centro, nell'informativa ai soggetti (artt. 13 e 14) e nel registro delle attività di trattamento.

            **Punto critico.** Per le PMI il trasferimento di dati fuori dallo Spazio economico europeo, per esempio verso servizi cloud o partner extraeuropei, è una fonte frequente di ritardi: mappate i flussi di dati e gli strumenti del capo V del GDPR prima della presentazione al comitato etico.

            **Suggerimento pratico.** Nominate un referente interno per la protezione dei dati e, se l'art. 37 lo richiede, un responsabile della protezione dei dati (DPO) che riveda informativa e contratti.
        """,
        en="""
            Before starting the investigation, establish who determines the purposes and means of each processing operation. The GDPR distinguishes the controller (Art. 4(7)), the processor acting on the controller's behalf (Art. 28) and joint controllers, who determine purposes and means together (Art. 26).

            Common set-ups:

            - the **sponsor** is the controller of the data collected for the investigation, which it receives in pseudonymised form;
            - the **site** processes the subjects' identifying data and the source clinical records: in Italian practice it is often qualified as an independent controller for its own processing; in other cases sponsor and site are joint controllers and must conclude the arrangement required by Art. 26;
            - the contract research organisation (CRO), the providers of the electronic case report form (eCRF) and central laboratories usually act as processors, under a contract that meets Art. 28.

            The roles must be described consistently in the site contract, in the information for subjects (Articles 13 and 14) and in the records of processing activities.

            **Critical point.** For SMEs, transfers of data outside the European Economic Area, for example to cloud services or non-European partners, are a frequent source of delay: map the data flows and the tools of Chapter V of the GDPR before submitting to the ethics committee.

            **Practical hint.** Appoint an internal contact person for data protection and, where Art. 37 requires it, a data protection officer (DPO) to review the information notice and the contracts.
        """,
        references=[
            _gdpr("Art. 4(7)"),
            _gdpr("Art. 26"),
            _gdpr("Art. 28"),
            _gdpr("Art. 13–14"),
            _gdpr("Chapter V"),
            _gdpr("Art. 37"),
        ],
    ),
    _section(
        "gdpr-pseudonymisation-dpia",
        2,
        "Pseudonimizzazione e valutazione d'impatto",
        "Pseudonymisation and impact assessment",
        it="""
            La pseudonimizzazione (art. 4, punto 5, del GDPR) sostituisce gli identificativi diretti con un codice, in modo che i dati non possano essere attribuiti a una persona senza informazioni aggiuntive conservate separatamente. È una delle garanzie richiamate dall'art. 89 per la ricerca scientifica, ma i dati pseudonimizzati restano dati personali.

            Buone pratiche nelle indagini cliniche:

            - la lista che collega il codice del soggetto alla sua identità resta al centro e non viene trasmessa al promotore;
            - nell'eCRF non si inseriscono nome, iniziali, codice fiscale o data di nascita completa, salvo necessità motivate;
            - immagini, tracciati e file esportati dal dispositivo vanno controllati: spesso contengono identificativi nei metadati;
            - si raccolgono solo i dati necessari agli obiettivi del CIP (minimizzazione, art. 5).

            La valutazione d'impatto sulla protezione dei dati (DPIA, art. 35) è richiesta quando un trattamento può presentare un rischio elevato per i diritti e le libertà delle persone, per esempio nel trattamento su larga scala di categorie particolari di dati. Nelle indagini con dispositivi connessi, app o monitoraggio continuo, che raccolgono molti dati per periodi lunghi, la DPIA va considerata fin dall'inizio. Il Garante per la protezione dei dati personali ha pubblicato l'elenco delle tipologie di trattamenti per cui è richiesta.

            **Suggerimento pratico.** Redigete la DPIA insieme al CIP: le scelte sui dati da raccogliere, sulla loro conservazione e sui fornitori tecnologici sono le stesse.
        """,
        en="""
            Pseudonymisation (Art. 4(5) of the GDPR) replaces direct identifiers with a code, so that the data can no longer be attributed to a person without additional information kept separately. It is one of the safeguards referred to in Art. 89 for scientific research, but pseudonymised data remain personal data.

            Good practice in clinical investigations:

            - the list linking the subject code to the subject's identity stays at the site and is not sent to the sponsor;
            - name, initials, tax code or full date of birth are not entered in the eCRF, unless there is a justified need;
            - images, traces and files exported from the device must be checked: they often carry identifiers in their metadata;
            - only the data needed for the objectives of the CIP are collected (data minimisation, Art. 5).

            A data protection impact assessment (DPIA, Art. 35) is required when processing is likely to result in a high risk to the rights and freedoms of people, for example large-scale processing of special categories of data. In investigations with connected devices, apps or continuous monitoring, which collect a lot of data over long periods, a DPIA should be considered from the start. The Italian data protection authority (Garante per la protezione dei dati personali) has published the list of types of processing for which it is required.

            **Practical hint.** Write the DPIA together with the CIP: the choices about which data to collect, how long to keep them and which technology providers to use are the same.
        """,
        references=[_gdpr("Art. 4(5)"), _gdpr("Art. 5"), _gdpr("Art. 35"), _gdpr("Art. 89")],
    ),
    # 7. Software and artificial intelligence ---------------------------------------------------------------------
    _section(
        "software-and-ai",
        1,
        "Software e intelligenza artificiale",
        "Software and artificial intelligence",
        it="""
            Il software può essere esso stesso un dispositivo medico. Quando usa tecniche di intelligenza artificiale, alle regole dell'MDR si aggiungono quelle del Regolamento (UE) 2024/1689 (AI Act).
        """,
        en="""
            Software can itself be a medical device. When it uses artificial intelligence techniques, the rules of Regulation (EU) 2024/1689 (AI Act) are added to those of the MDR.
        """,
    ),
    _section(
        "software-qualification-classification",
        2,
        "Qualificazione, classificazione e ciclo di vita del software",
        "Qualification, classification and life cycle of software",
        it="""
            Un software è un dispositivo medico (*medical device software*, MDSW) quando il fabbricante gli attribuisce, da solo o in combinazione con altri prodotti, una destinazione d'uso medica ai sensi dell'art. 2, punto 1, dell'MDR. MDCG 2019-11 guida la qualificazione e la classificazione del software con alberi decisionali ed esempi.

            La regola 11 dell'Allegato VIII classifica il software:

            - il software destinato a fornire informazioni utilizzate per prendere decisioni a fini diagnostici o terapeutici è di classe IIa, ma è di classe III se tali decisioni possono causare il decesso o un deterioramento irreversibile dello stato di salute, e di classe IIb se possono causare un grave deterioramento dello stato di salute o un intervento chirurgico;
            - il software destinato a monitorare processi fisiologici è di classe IIa, ma di classe IIb se monitora parametri fisiologici vitali le cui variazioni possono comportare un pericolo immediato;
            - tutti gli altri software sono di classe I.

            Il ciclo di vita del software si gestisce secondo la norma IEC 62304, che assegna al software classi di sicurezza (A, B, C) e definisce i processi di sviluppo, manutenzione, gestione dei rischi e della configurazione. La sicurezza informatica va affrontata fin dalla progettazione (MDCG 2019-16).

            **Implicazioni per l'indagine clinica.** Per il software la valutazione clinica considera la validità scientifica, le prestazioni tecniche e le prestazioni cliniche (MDCG 2020-1). L'indagine deve usare una versione del software congelata e identificata; ogni modifica durante lo studio va valutata come possibile modifica sostanziale.
        """,
        en="""
            Software is a medical device (medical device software, MDSW) when the manufacturer gives it, alone or in combination with other products, a medical intended purpose within the meaning of Art. 2(1) of the MDR. MDCG 2019-11 guides the qualification and classification of software with decision trees and examples.

            Rule 11 of Annex VIII classifies software:

            - software intended to provide information used to take decisions with diagnostic or therapeutic purposes is class IIa, but class III if such decisions may cause death or an irreversible deterioration of a person's state of health, and class IIb if they may cause a serious deterioration of a person's state of health or a surgical intervention;
            - software intended to monitor physiological processes is class IIa, but class IIb if it monitors vital physiological parameters whose variations could result in immediate danger;
            - all other software is class I.

            The software life cycle is managed under IEC 62304, which assigns software safety classes (A, B, C) and defines the processes for development, maintenance, risk management and configuration management. Cybersecurity must be addressed from the design stage (MDCG 2019-16).

            **Implications for the clinical investigation.** For software, clinical evaluation considers scientific validity, technical performance and clinical performance (MDCG 2020-1). The investigation must use a frozen, identified version of the software; any change during the study must be assessed as a possible substantial modification.
        """,
        references=[
            _mdcg("MDCG 2019-11"),
            _mdr("Art. 2(1)"),
            _mdr("Annex VIII, Rule 11"),
            _standard(*_IEC_62304),
            _mdcg("MDCG 2019-16"),
            _mdcg("MDCG 2020-1"),
        ],
    ),
    _section(
        "ai-act-high-risk",
        2,
        "L'AI Act e i dispositivi medici",
        "The AI Act and medical devices",
        it="""
            Il Regolamento (UE) 2024/1689 (AI Act) è entrato in vigore il 1° agosto 2024 e si applica in modo graduale. Per i dispositivi medici conta soprattutto l'art. 6, paragrafo 1: un sistema di intelligenza artificiale è ad alto rischio se è esso stesso un prodotto, o un componente di sicurezza di un prodotto, disciplinato dalla normativa di armonizzazione elencata nell'Allegato I, che comprende l'MDR, e se quel prodotto deve essere sottoposto a una valutazione della conformità da parte di terzi. Un software di IA che è un dispositivo medico di classe IIa, IIb o III, valutato da un organismo notificato, è quindi di regola un sistema ad alto rischio. Gli obblighi legati all'art. 6, paragrafo 1, si applicano dal 2 agosto 2027.

            Per i sistemi ad alto rischio l'AI Act richiede, tra l'altro:

            - un sistema di gestione dei rischi (art. 9);
            - la governance dei dati di addestramento, convalida e prova (art. 10);
            - documentazione tecnica e registrazione degli eventi (artt. 11 e 12);
            - trasparenza e informazioni per i deployer (art. 13);
            - sorveglianza umana (art. 14);
            - accuratezza, robustezza e cibersicurezza (art. 15).

            Molti di questi requisiti si sovrappongono a quelli dell'MDR e delle norme ISO 14971 e IEC 62304. In attesa di indicazioni ufficiali sull'interazione tra i due regolamenti, il comitato suggerisce di integrare i requisiti dell'AI Act nel sistema di gestione della qualità e nella documentazione tecnica già esistenti, invece di creare fascicoli paralleli.

            **Punto critico.** L'AI Act non cambia la classe MDR del dispositivo, ma aggiunge obblighi per il fabbricante. Pianificate fin dall'indagine clinica la raccolta delle prove su accuratezza, robustezza e sorveglianza umana.
        """,
        en="""
            Regulation (EU) 2024/1689 (AI Act) entered into force on 1 August 2024 and applies in stages. For medical devices, Art. 6(1) matters most: an AI system is high-risk if it is itself a product, or a safety component of a product, covered by the harmonisation legislation listed in Annex I, which includes the MDR, and if that product has to undergo a third-party conformity assessment. AI software that is a class IIa, IIb or III medical device, assessed by a notified body, is therefore as a rule a high-risk system. The obligations linked to Art. 6(1) apply from 2 August 2027.

            For high-risk systems the AI Act requires, among other things:

            - a risk management system (Art. 9);
            - governance of training, validation and testing data (Art. 10);
            - technical documentation and record-keeping (Articles 11 and 12);
            - transparency and information for deployers (Art. 13);
            - human oversight (Art. 14);
            - accuracy, robustness and cybersecurity (Art. 15).

            Many of these requirements overlap with those of the MDR and of ISO 14971 and IEC 62304. Pending official guidance on how the two regulations interact, the board suggests integrating the AI Act requirements into the existing quality management system and technical documentation, rather than building parallel files.

            **Critical point.** The AI Act does not change the MDR class of the device, but it adds obligations for the manufacturer. Plan from the clinical investigation onwards how to collect evidence on accuracy, robustness and human oversight.
        """,
        references=[
            _ai_act("Art. 6(1)"),
            _ai_act("Annex I"),
            _ai_act("Art. 9–15"),
            _ai_act("Art. 113"),
            _standard(*_ISO_14971),
        ],
    ),
    _section(
        "ai-training-validation-data",
        2,
        "Dati di addestramento, convalida e prova",
        "Training, validation and test data",
        it="""
            Le prestazioni di un algoritmo di apprendimento automatico dipendono dai dati con cui è stato sviluppato. L'art. 10 dell'AI Act chiede che i set di dati di addestramento, convalida e prova siano soggetti a pratiche di governance adeguate e siano pertinenti, sufficientemente rappresentativi e, per quanto possibile, esenti da errori e completi rispetto alla finalità prevista.

            Indicazioni per lo sviluppo e per l'indagine clinica:

            - **Separazione dei dati.** I dati usati per la prova finale non devono essere stati usati per l'addestramento o la messa a punto; la convalida esterna su dati di centri diversi da quelli di sviluppo è la prova più convincente.
            - **Rappresentatività.** Descrivete la popolazione da cui provengono i dati (età, sesso, gravità, apparecchiature di acquisizione, centri), confrontatela con quella della destinazione d'uso e analizzate le prestazioni per sottogruppi.
            - **Verità di riferimento.** Documentate come sono state ottenute le etichette, per esempio dal consenso di più specialisti, e la loro variabilità.
            - **Algoritmo congelato.** L'indagine clinica valuta una versione definita dell'algoritmo; gli aggiornamenti successivi vanno gestiti come modifiche del dispositivo.
            - **Base giuridica.** Il riuso retrospettivo di dati clinici per l'addestramento richiede una base giuridica ai sensi del GDPR e, di norma, il parere di un comitato etico (capitolo 6).

            **Punto critico.** Un'elevata accuratezza su un set di prova interno non dimostra il beneficio clinico. L'indagine deve misurare l'effetto dell'uso del software sulle decisioni e sugli esiti dei pazienti nel contesto reale di utilizzo, compresa l'interazione con il professionista che lo usa.
        """,
        en="""
            The performance of a machine-learning algorithm depends on the data it was developed with. Art. 10 of the AI Act requires training, validation and testing data sets to be subject to appropriate governance practices and to be relevant, sufficiently representative and, to the best extent possible, free of errors and complete in view of the intended purpose.

            Guidance for development and for the clinical investigation:

            - **Separation of data.** Data used for the final test must not have been used for training or tuning; external validation on data from sites other than the development sites is the most convincing evidence.
            - **Representativeness.** Describe the population the data come from (age, sex, severity, acquisition equipment, sites), compare it with the population of the intended purpose and analyse performance by subgroup.
            - **Ground truth.** Document how the labels were obtained, for example by consensus of several specialists, and how variable they are.
            - **Frozen algorithm.** The clinical investigation evaluates a defined version of the algorithm; later updates must be handled as changes to the device.
            - **Legal basis.** Retrospective reuse of clinical data for training requires a legal basis under the GDPR and, as a rule, the opinion of an ethics committee (chapter 6).

            **Critical point.** High accuracy on an internal test set does not demonstrate clinical benefit. The investigation must measure the effect of using the software on patients' management decisions and outcomes in the real setting of use, including the interaction with the professional who uses it.
        """,
        references=[_ai_act("Art. 10"), _gdpr("Art. 9"), _mdcg("MDCG 2020-1"), _iso_14155()],
    ),
    # 8. Post-market clinical follow-up ----------------------------------------------------------------------------
    _section(
        "pmcf",
        1,
        "Follow-up clinico post-commercializzazione (PMCF)",
        "Post-market clinical follow-up (PMCF)",
        it="""
            Con la marcatura CE la raccolta di evidenze cliniche non finisce. Il follow-up clinico post-commercializzazione (PMCF) aggiorna in modo continuo la valutazione clinica per tutto il ciclo di vita del dispositivo.
        """,
        en="""
            Collecting clinical evidence does not end with CE marking. Post-market clinical follow-up (PMCF) continuously updates the clinical evaluation throughout the life cycle of the device.
        """,
    ),
    _section(
        "pmcf-plan-report",
        2,
        "Piano e relazione di valutazione PMCF",
        "PMCF plan and evaluation report",
        it="""
            Il PMCF è un processo continuo che aggiorna la valutazione clinica ed è parte del piano di sorveglianza post-commercializzazione del fabbricante. L'Allegato XIV, parte B, dell'MDR ne definisce obiettivi e contenuti: confermare sicurezza e prestazioni per tutta la vita prevista del dispositivo, individuare effetti collaterali finora sconosciuti e monitorare quelli noti, individuare i rischi emergenti, garantire che il rapporto beneficio-rischio resti accettabile e individuare possibili usi impropri sistematici o usi al di fuori della destinazione d'uso.

            Il **piano PMCF** indica i metodi generali, per esempio raccolta dell'esperienza clinica, riscontri degli utilizzatori, analisi della letteratura, e quelli specifici, per esempio registri o studi PMCF, con la motivazione della loro adeguatezza e un calendario. MDCG 2020-7 ne fornisce un modello.

            La **relazione di valutazione PMCF** analizza i risultati e le loro conseguenze sulla valutazione clinica, sulla gestione del rischio e sulla documentazione tecnica; MDCG 2020-8 ne fornisce il modello. I risultati confluiscono nel rapporto periodico di aggiornamento sulla sicurezza (art. 86) per i dispositivi di classe IIa, IIb e III e, per i dispositivi impiantabili e di classe III, nella sintesi relativa alla sicurezza e alla prestazione clinica (art. 32).

            **Punto critico.** Un piano PMCF generico, che si limita alla letteratura e ai reclami, difficilmente risponde alle incertezze residue indicate nella valutazione clinica. Collegate ogni attività del piano a una precisa domanda aperta.

            **Suggerimento pratico.** Se il PMCF non è ritenuto necessario per il dispositivo, la motivazione va documentata nel piano di sorveglianza post-commercializzazione.
        """,
        en="""
            PMCF is a continuous process that updates the clinical evaluation and is part of the manufacturer's post-market surveillance plan. Annex XIV, Part B, of the MDR sets out its aims and content: confirming safety and performance throughout the expected lifetime of the device, identifying previously unknown side-effects and monitoring known ones, identifying emergent risks, ensuring that the benefit-risk ratio remains acceptable and identifying possible systematic misuse or off-label use.

            The **PMCF plan** sets out the general methods, for example gathering clinical experience, user feedback and screening of the literature, and the specific ones, for example registries or PMCF studies, with the rationale for their appropriateness and a timetable. MDCG 2020-7 provides a template.

            The **PMCF evaluation report** analyses the findings and their consequences for the clinical evaluation, risk management and technical documentation; MDCG 2020-8 provides its template. The findings feed into the periodic safety update report (Art. 86) for class IIa, IIb and III devices and, for implantable and class III devices, into the summary of safety and clinical performance (Art. 32).

            **Critical point.** A generic PMCF plan, limited to the literature and complaints, rarely answers the residual uncertainties identified in the clinical evaluation. Link every activity in the plan to a precise open question.

            **Practical hint.** If PMCF is not deemed necessary for the device, the justification must be documented in the post-market surveillance plan.
        """,
        references=[
            _mdr("Annex XIV, Part B"),
            _mdr("Annex III"),
            _mdcg("MDCG 2020-7"),
            _mdcg("MDCG 2020-8"),
            _mdr("Art. 86"),
            _mdr("Art. 32"),
        ],
    ),
    _section(
        "pmcf-investigations",
        2,
        "Indagini PMCF ai sensi dell'art. 74",
        "PMCF investigations under Art. 74",
        it="""
            Quando un'indagine clinica è condotta per valutare ulteriormente, nell'ambito della sua destinazione d'uso, un dispositivo che ha già la marcatura CE e sottopone i soggetti a procedure aggiuntive rispetto alle normali condizioni d'uso, e tali procedure sono invasive o gravose, si applica l'art. 74, paragrafo 1, dell'MDR. Il promotore notifica l'indagine agli Stati membri interessati almeno 30 giorni prima dell'avvio, con la documentazione dell'Allegato XV, capo II; si applicano inoltre alcune disposizioni degli articoli da 62 a 80, tra cui quelle sul parere del comitato etico e sul consenso informato.

            Il comitato suggerisce di valutare caso per caso, e di motivare per iscritto, se ogni procedura prevista dallo studio è aggiuntiva rispetto alla pratica clinica e se è invasiva o gravosa: per esempio, esami di imaging o prelievi in più possono esserlo, mentre un breve questionario di norma non lo è. MDCG 2021-6 offre indicazioni utili su questa valutazione.

            **Eventi avversi.** Nelle indagini PMCF si applicano in generale le regole di vigilanza (articoli da 87 a 90); le regole dell'art. 80 si applicano invece agli eventi avversi gravi per cui è accertato un nesso causale con la procedura dell'indagine (art. 80, paragrafi 5 e 6).

            Se il dispositivo è studiato al di fuori della destinazione d'uso, non si tratta di un'indagine PMCF ai sensi del paragrafo 1: l'art. 74, paragrafo 2, rinvia agli articoli da 62 a 81.

            **Suggerimento pratico.** Anche quando la notifica non è richiesta, progettate lo studio PMCF con il rigore di un'indagine: obiettivi collegati al piano PMCF, endpoint definiti, dimensione del campione motivata e un CIP conforme alla ISO 14155:2020, applicata per quanto pertinente.
        """,
        en="""
            When a clinical investigation is conducted to further assess, within its intended purpose, a device that is already CE-marked and it submits subjects to procedures additional to those performed under the normal conditions of use, and those procedures are invasive or burdensome, Art. 74(1) of the MDR applies. The sponsor notifies the Member States concerned at least 30 days before the start, with the documentation of Annex XV, Chapter II; some provisions of Articles 62 to 80 also apply, including those on the ethics committee opinion and on informed consent.

            The board suggests assessing case by case, and justifying in writing, whether each procedure in the study is additional to clinical practice and whether it is invasive or burdensome: for example, extra imaging or extra blood samples may be, while a short questionnaire usually is not. MDCG 2021-6 gives useful guidance on this assessment.

            **Adverse events.** In PMCF investigations the vigilance rules (Articles 87 to 90) generally apply; the rules of Art. 80 apply instead to serious adverse events for which a causal relationship with the investigation procedure has been established (Art. 80(5) and (6)).

            If the device is studied outside its intended purpose, it is not a PMCF investigation under paragraph 1: Art. 74(2) refers to Articles 62 to 81.

            **Practical hint.** Even when no notification is required, design the PMCF study with the rigour of an investigation: objectives linked to the PMCF plan, defined endpoints, a justified sample size and a CIP that follows ISO 14155:2020 as far as relevant.
        """,
        references=[
            _mdr("Art. 74(1)"),
            _mdr("Art. 74(2)"),
            _mdr("Art. 80(5)–(6)"),
            _mdcg("MDCG 2021-6", revision="Rev. 1"),
            _iso_14155("Annex I"),
        ],
    ),
]


# ---------------------------------------------------------------------------
# Helpers that derive one snapshot from another. Each returns a new list and leaves its input untouched.
# ---------------------------------------------------------------------------


def _position(document: list[dict], key: str) -> int:
    for position, section in enumerate(document):
        if section["key"] == key:
            return position
    raise KeyError(key)


def _replace(document: list[dict], key: str, section: dict) -> list[dict]:
    """Replace the section with this key by a new version of it (same key)."""
    if section["key"] != key:
        raise ValueError(f"a replacement keeps its key: {key} != {section['key']}")
    result = copy.deepcopy(document)
    result[_position(result, key)] = copy.deepcopy(section)
    return result


def _insert_after(document: list[dict], after_key: str, section: dict) -> list[dict]:
    result = copy.deepcopy(document)
    result.insert(_position(result, after_key) + 1, copy.deepcopy(section))
    return result


def _remove(document: list[dict], key: str) -> list[dict]:
    result = copy.deepcopy(document)
    del result[_position(result, key)]
    return result


def _reword(document: list[dict], key: str, language: str, old: str, new: str) -> list[dict]:
    """Change some words of one language of a section's body; the old words must occur exactly once."""
    result = copy.deepcopy(document)
    body = result[_position(result, key)]["body"]
    if body[language].count(old) != 1:
        raise ValueError(f"{key} ({language}): the words to change must occur exactly once: {old!r}")
    body[language] = body[language].replace(old, new)
    return result


def _add_reference(document: list[dict], key: str, reference: dict[str, str]) -> list[dict]:
    result = copy.deepcopy(document)
    result[_position(result, key)]["references"].append(copy.deepcopy(reference))
    return result


# ---------------------------------------------------------------------------
# Version 1.1: practical hints on ethics committees, MDCG 2025-6 in the AI Act section, a new section on damage
# compensation, and investigator qualifications merged into site selection.
# ---------------------------------------------------------------------------

_ETHICS_COMMITTEES_1_1 = _section(
    "ethics-committees-italy",
    2,
    "I comitati etici territoriali e nazionali",
    "Territorial and national ethics committees",
    it="""
        La riforma dei comitati etici prevista dalla legge 11 gennaio 2018, n. 3, è stata attuata con i decreti del Ministro della Salute del 26 gennaio 2023, che individua quaranta comitati etici territoriali (CET), e del 30 gennaio 2023, che ne definisce composizione e funzionamento. Dall'8 febbraio 2023 i CET e i comitati etici a valenza nazionale (CEN) sono competenti in via esclusiva per la valutazione delle indagini cliniche sui dispositivi medici. In Lombardia operano sei comitati etici territoriali, da CET Lombardia 1 a CET Lombardia 6.

        L'MDR consente l'avvio di un'indagine solo se un comitato etico non ha espresso parere negativo (art. 62, paragrafo 4). Il decreto legislativo 5 agosto 2022, n. 137, richiede che la domanda comprenda il parere favorevole del comitato etico competente, espresso in forma esplicita. La circolare del Ministero della Salute del 28 febbraio 2023 precisa che domande e notifiche, comprese quelle sulle modifiche sostanziali, sono presentate dal promotore a un solo comitato etico, CET o CEN, il cui parere è unico e valido su tutto il territorio nazionale.

        Il comitato valuta la giustificazione scientifica ed etica, il rapporto beneficio-rischio, l'idoneità di sperimentatori e centri, il consenso informato (art. 63 dell'MDR), l'assicurazione, il reclutamento, gli aspetti economici e la protezione dei dati.

        **Suggerimenti pratici.**

        - Contattate la segreteria del CET prima della presentazione per conoscere calendario delle sedute, scadenze e modulistica.
        - Avviate in parallelo la negoziazione del contratto con ciascun centro: è spesso la fase che ritarda di più l'avvio.
        - Preparate in anticipo la documentazione locale richiesta da ogni centro.
        - Nelle indagini multicentriche concordate con i centri come saranno informati del parere e quali passi locali restano necessari.
        - Scrivete il modulo di consenso in italiano chiaro, con frasi brevi e senza linguaggio promozionale: è la parte della domanda che riceve più osservazioni.
    """,
    en="""
        The reform of ethics committees provided for by Law no. 3 of 11 January 2018 was implemented by the decrees of the Minister of Health of 26 January 2023, which identifies forty territorial ethics committees (CET), and of 30 January 2023, which sets their composition and operation. Since 8 February 2023 the CETs and the national ethics committees (CEN) have been exclusively competent for the assessment of clinical investigations of medical devices. Lombardy has six territorial ethics committees, CET Lombardia 1 to CET Lombardia 6.

        The MDR allows an investigation to start only if an ethics committee has not issued a negative opinion (Art. 62(4)). Legislative Decree no. 137 of 5 August 2022 requires the application to include the favourable opinion of the competent ethics committee, given explicitly. The Ministry of Health's circular of 28 February 2023 specifies that applications and notifications, including those on substantial modifications, are submitted by the sponsor to a single ethics committee, a CET or a CEN, whose opinion is single and valid throughout the country.

        The committee assesses the scientific and ethical justification, the benefit-risk ratio, the suitability of investigators and sites, informed consent (Art. 63 of the MDR), insurance, recruitment, financial aspects and data protection.

        **Practical hints.**

        - Contact the CET's secretariat before submitting, to learn the meeting calendar, deadlines and required forms.
        - Start negotiating the contract with each site in parallel: it is often the step that delays the start the most.
        - Prepare the local documents each site requires in advance.
        - In multicentre investigations, agree with the sites how they will be informed of the opinion and which local steps remain necessary.
        - Write the consent form in plain Italian, with short sentences and no promotional language: it is the part of the application that draws the most comments.
    """,
    references=[
        _LEGGE_3_2018,
        _DM_26_01_2023,
        _DM_30_01_2023,
        _DLGS_137_2022,
        _CIRCOLARE_28_02_2023,
        _mdr("Art. 62(4)"),
        _mdr("Art. 63"),
    ],
)

_DAMAGE_COMPENSATION_1_1 = _section(
    "subject-damage-compensation",
    2,
    "Copertura assicurativa e risarcimento dei danni ai soggetti",
    "Insurance and damage compensation for subjects",
    it="""
        L'art. 69 dell'MDR stabilisce che gli Stati membri assicurano l'esistenza di sistemi di risarcimento per i danni subiti da un soggetto a causa della partecipazione a un'indagine clinica condotta sul loro territorio, sotto forma di assicurazione, garanzia o meccanismo analogo, equivalente quanto alla finalità e adeguato alla natura e alla portata del rischio. Il promotore e lo sperimentatore ricorrono al sistema nella forma prevista dallo Stato membro in cui si svolge l'indagine.

        La domanda deve comprendere la prova della copertura assicurativa o dell'indennizzo dei soggetti (Allegato XV, capo II), e le informazioni ai soggetti devono descrivere il sistema di risarcimento applicabile (art. 63).

        In Italia la copertura è di norma una polizza assicurativa stipulata dal promotore, che il comitato etico esamina insieme alla domanda. I requisiti minimi della polizza sono fissati dalla normativa nazionale: chiedete al CET quali si applicano alle indagini sui dispositivi e come va presentato il certificato assicurativo.

        **Suggerimenti pratici.**

        - Chiedete un preventivo agli assicuratori appena il CIP è stabile: il premio dipende dalla classe di rischio, dal numero di soggetti e dalla durata del follow-up.
        - Verificate che la polizza copra tutti i centri italiani, l'intera durata dell'indagine, compreso il follow-up, e il periodo successivo in cui possono essere presentate richieste di risarcimento.
        - Per le indagini PMCF, chiarite con il CET quale copertura è richiesta per le procedure aggiuntive.
        - Inserite il costo dell'assicurazione nel budget del progetto fin dalla domanda di finanziamento.
    """,
    en="""
        Art. 69 of the MDR requires Member States to ensure that systems for compensation for any damage suffered by a subject resulting from participation in a clinical investigation conducted on their territory are in place, in the form of insurance, a guarantee or a similar arrangement that is equivalent as regards its purpose and appropriate to the nature and extent of the risk. The sponsor and the investigator make use of the system in the form appropriate for the Member State in which the investigation is conducted.

        The application must include proof of insurance cover or indemnification of subjects (Annex XV, Chapter II), and the information for subjects must describe the applicable damage compensation system (Art. 63).

        In Italy the cover is usually an insurance policy taken out by the sponsor, which the ethics committee examines together with the application. The minimum requirements of the policy are set by national law: ask the CET which ones apply to device investigations and how the insurance certificate must be submitted.

        **Practical hints.**

        - Ask insurers for a quote as soon as the CIP is stable: the premium depends on the risk class, the number of subjects and the length of follow-up.
        - Check that the policy covers all Italian sites, the whole duration of the investigation including follow-up, and the period afterwards in which claims can be made.
        - For PMCF investigations, clarify with the CET which cover is required for the additional procedures.
        - Include the cost of insurance in the project budget from the funding application onwards.
    """,
    references=[_mdr("Art. 69"), _mdr("Annex XV, Chapter II"), _mdr("Art. 63")],
)

_SITES_SELECTION_1_1 = _section(
    "sites-selection",
    2,
    "Selezione dei centri e qualifica degli sperimentatori",
    "Site selection and investigator qualifications",
    it="""
        La ISO 14155:2020 chiede al promotore di selezionare centri e sperimentatori sulla base di criteri documentati, nell'ambito della pianificazione dell'indagine (clausola 6), e di conservare le evidenze della selezione tra i documenti essenziali (Allegato E). L'MDR richiede che le strutture siano adeguate e simili a quelle in cui il dispositivo sarà utilizzato (art. 62, paragrafo 7) e che gli sperimentatori esercitino una professione riconosciuta come idonea per conoscenze scientifiche ed esperienza nell'assistenza ai pazienti (art. 62, paragrafo 6).

        Criteri di selezione del centro:

        - esperienza con la patologia, con dispositivi simili e con indagini condotte secondo la buona pratica clinica;
        - attrezzature e servizi richiesti dal CIP, capacità di archiviare la documentazione e di gestire i dispositivi in esame in modo tracciabile;
        - tempo effettivamente disponibile del gruppo di ricerca per tutta la durata dello studio.

        Evidenze da raccogliere per lo sperimentatore principale e il suo gruppo, le cui responsabilità sono descritte nella clausola 10 della ISO 14155:2020: curriculum vitae aggiornato, formazione sulla buona pratica clinica, sul CIP e, se necessario, sull'uso del dispositivo, registro delle deleghe firmato, dichiarazione sui conflitti di interesse.

        **Punti critici.** Un centro prestigioso ma saturo di studi può arruolare meno di un centro più piccolo e motivato; una combinazione di IRCCS e ASST può unire competenze specialistiche e rappresentatività della pratica clinica. Nelle indagini sui dispositivi l'abilità dell'operatore incide sui risultati: definite nel CIP i requisiti minimi di esperienza e l'addestramento sul dispositivo, e documentate che ogni operatore li soddisfa.

        **Suggerimento pratico.** Registrate l'esito di ogni visita di selezione con una breve lista di controllo, per poter motivare la scelta in caso di audit.
    """,
    en="""
        ISO 14155:2020 asks the sponsor to select sites and investigators on documented criteria, as part of planning the investigation (clause 6), and to keep the evidence of the selection among the essential documents (Annex E). The MDR requires the facilities to be suitable and similar to those where the device is intended to be used (Art. 62(7)), and investigators to exercise a profession recognised as qualifying on account of scientific knowledge and experience in patient care (Art. 62(6)).

        Site selection criteria:

        - experience with the condition, with similar devices and with investigations conducted under good clinical practice;
        - the equipment and services the CIP requires, and the ability to archive documentation and handle investigational devices traceably;
        - time the research team actually has available for the whole duration of the study.

        Evidence to collect for the principal investigator and their team, whose responsibilities are described in clause 10 of ISO 14155:2020: an up-to-date curriculum vitae, training in good clinical practice, on the CIP and, where needed, on the use of the device, a signed delegation log, a conflict of interest declaration.

        **Critical points.** A prestigious site saturated with studies may enrol fewer subjects than a smaller, motivated one; a combination of IRCCS and ASST sites can bring together specialist expertise and representativeness of routine practice. In device investigations the operator's skill affects the results: define in the CIP the minimum experience required and the training on the device, and document that every operator meets them.

        **Practical hint.** Record the outcome of each qualification visit with a short checklist, so that you can justify the choice in an audit.
    """,
    references=[
        _iso_14155("clause 6"),
        _iso_14155("clause 10"),
        _iso_14155("Annex E"),
        _mdr("Art. 62(6)"),
        _mdr("Art. 62(7)"),
    ],
)

_AI_ACT_1_1 = _section(
    "ai-act-high-risk",
    2,
    "L'AI Act e i dispositivi medici",
    "The AI Act and medical devices",
    it="""
        Il Regolamento (UE) 2024/1689 (AI Act) è entrato in vigore il 1° agosto 2024 e si applica in modo graduale. Per i dispositivi medici conta soprattutto l'art. 6, paragrafo 1: un sistema di intelligenza artificiale è ad alto rischio se è esso stesso un prodotto, o un componente di sicurezza di un prodotto, disciplinato dalla normativa di armonizzazione elencata nell'Allegato I, che comprende l'MDR, e se quel prodotto deve essere sottoposto a una valutazione della conformità da parte di terzi. Un software di IA che è un dispositivo medico di classe IIa, IIb o III, valutato da un organismo notificato, è quindi di regola un sistema ad alto rischio. Gli obblighi legati all'art. 6, paragrafo 1, si applicano dal 2 agosto 2027: verificate eventuali modifiche successive del calendario.

        Per i sistemi ad alto rischio l'AI Act richiede un sistema di gestione dei rischi (art. 9), la governance dei dati di addestramento, convalida e prova (art. 10), documentazione tecnica e registrazione degli eventi (artt. 11 e 12), trasparenza (art. 13), sorveglianza umana (art. 14), accuratezza, robustezza e cibersicurezza (art. 15).

        Il documento MDCG 2025-6, pubblicato nel giugno 2025 congiuntamente con l'Artificial Intelligence Board (come AIB 2025-1), risponde alle domande più frequenti sull'interazione tra MDR, IVDR e AI Act. In sintesi:

        - la qualifica di sistema ad alto rischio non cambia la classe MDR del dispositivo;
        - il fabbricante può soddisfare i due regolamenti con un unico sistema di gestione della qualità, un'unica documentazione tecnica e un'unica valutazione della conformità con l'organismo notificato, integrando gli elementi specifici dell'IA;
        - le indagini cliniche condotte secondo l'MDR sono un contesto in cui un sistema di IA ad alto rischio può essere provato in condizioni reali prima dell'immissione sul mercato.

        **Punto critico.** Leggete MDCG 2025-6 prima di scrivere il CIP: le prove su accuratezza, robustezza e sorveglianza umana si pianificano fin dall'indagine clinica.
    """,
    en="""
        Regulation (EU) 2024/1689 (AI Act) entered into force on 1 August 2024 and applies in stages. For medical devices, Art. 6(1) matters most: an AI system is high-risk if it is itself a product, or a safety component of a product, covered by the harmonisation legislation listed in Annex I, which includes the MDR, and if that product has to undergo a third-party conformity assessment. AI software that is a class IIa, IIb or III medical device, assessed by a notified body, is therefore as a rule a high-risk system. The obligations linked to Art. 6(1) apply from 2 August 2027: check for any later changes to the timetable.

        For high-risk systems the AI Act requires a risk management system (Art. 9), governance of training, validation and testing data (Art. 10), technical documentation and record-keeping (Articles 11 and 12), transparency (Art. 13), human oversight (Art. 14), and accuracy, robustness and cybersecurity (Art. 15).

        MDCG 2025-6, published in June 2025 jointly with the Artificial Intelligence Board (as AIB 2025-1), answers frequently asked questions on the interplay between the MDR, the IVDR and the AI Act. In short:

        - being a high-risk AI system does not change the MDR class of the device;
        - the manufacturer can meet both regulations with a single quality management system, a single set of technical documentation and a single conformity assessment with the notified body, adding the AI-specific elements;
        - clinical investigations conducted under the MDR are a setting in which a high-risk AI system can be tested in real-world conditions before it is placed on the market.

        **Critical point.** Read MDCG 2025-6 before writing the CIP: evidence on accuracy, robustness and human oversight must be planned from the clinical investigation onwards.
    """,
    references=[
        _ai_act("Art. 6(1)"),
        _ai_act("Annex I"),
        _ai_act("Art. 9–15"),
        _ai_act("Art. 113"),
        _mdcg("MDCG 2025-6"),
        _standard(*_ISO_14971),
    ],
)

VERSION_1_1: list[dict] = _replace(VERSION_1_0, "ethics-committees-italy", _ETHICS_COMMITTEES_1_1)
VERSION_1_1 = _insert_after(VERSION_1_1, "competent-authority-timelines", _DAMAGE_COMPENSATION_1_1)
VERSION_1_1 = _replace(VERSION_1_1, "sites-selection", _SITES_SELECTION_1_1)
VERSION_1_1 = _remove(VERSION_1_1, "sites-investigator-qualification")  # merged into sites-selection
VERSION_1_1 = _replace(VERSION_1_1, "ai-act-high-risk", _AI_ACT_1_1)


# ---------------------------------------------------------------------------
# Draft after 1.1: reworded EUDAMED paragraph and feasibility hint, and a new PMCF section not yet translated.
# ---------------------------------------------------------------------------

_REGISTRIES_DRAFT = _section(
    "pmcf-registries-real-world-data",
    2,
    "Registri e dati del mondo reale nel PMCF",
    "",  # English translation not written yet: the portal shows the Italian text with a notice.
    it="""
        Non tutte le domande aperte del piano PMCF richiedono un'indagine clinica. I registri di patologia o di dispositivo e i dati raccolti nella pratica clinica (*real-world data*), per esempio da cartelle cliniche elettroniche o dal dispositivo stesso, possono dare informazioni sulla sicurezza e sulle prestazioni a lungo termine in popolazioni ampie e non selezionate. L'Allegato XIV, parte B, dell'MDR cita la valutazione di registri adeguati tra i metodi specifici del PMCF.

        Perché questi dati siano utilizzabili come evidenza clinica:

        - verificate la qualità del registro: completezza, definizioni degli esiti, controlli sui dati e copertura della popolazione;
        - assicuratevi che il dispositivo sia identificato in modo univoco, per esempio tramite l'identificativo unico del dispositivo (UDI), e distinguibile dai dispositivi simili;
        - definite in anticipo un protocollo di analisi, come in uno studio: domande, esiti, confronti e gestione dei fattori di confondimento;
        - chiarite la base giuridica per il riuso dei dati sanitari e, se necessario, ottenete il parere del comitato etico (capitolo 6).

        **Punto critico.** I dati del mondo reale raramente rispondono a domande per cui non sono stati raccolti. Se l'esito che vi interessa non è registrato in modo affidabile, uno studio PMCF dedicato resta la scelta più solida.

        **Suggerimento pratico.** Prima di progettare uno studio, chiedete ai centri della rete quali registri alimentano già: partecipare a un registro esistente può costare meno e durare più a lungo di uno studio ad hoc.
    """,
    en="",
    references=[_mdr("Annex XIV, Part B"), _mdr("Art. 27"), _mdcg("MDCG 2020-7"), _gdpr("Art. 9(2)")],
)

DRAFT: list[dict] = _reword(
    VERSION_1_1,
    "pathway-application-documents",
    "it",
    "Finché il sistema elettronico europeo previsto dall'art. 73 (il modulo delle indagini cliniche di EUDAMED) non è funzionante, i moduli e l'elenco dei documenti da usare sono quelli indicati in MDCG 2021-8.",
    "Finché l'uso del modulo delle indagini cliniche di EUDAMED, il sistema elettronico previsto dall'art. 73, non diventa obbligatorio, i moduli e l'elenco dei documenti da usare sono quelli indicati in MDCG 2021-8. Il Regolamento (UE) 2024/1860 ha stabilito che i moduli di EUDAMED diventino obbligatori uno alla volta, man mano che ciascuno è dichiarato funzionante.",
)
DRAFT = _reword(
    DRAFT,
    "pathway-application-documents",
    "en",
    "Until the European electronic system provided for by Art. 73 (the clinical investigation module of EUDAMED) is functional, the forms and list of documents to use are those given in MDCG 2021-8.",
    "Until use of the clinical investigation module of EUDAMED, the electronic system provided for by Art. 73, becomes mandatory, the forms and list of documents to use are those given in MDCG 2021-8. Regulation (EU) 2024/1860 provides for EUDAMED's modules to become mandatory one at a time, as each is declared functional.",
)
DRAFT = _add_reference(DRAFT, "pathway-application-documents", _REGULATION_2024_1860)
DRAFT = _reword(
    DRAFT,
    "sites-feasibility",
    "it",
    "sono spesso ottimistiche. Chiedete al centro dati storici, non impressioni, e prevedete almeno un centro di riserva.",
    "sono quasi sempre ottimistiche. Chiedete al centro dati storici degli ultimi anni, non impressioni, e individuate fin dall'inizio almeno un centro di riserva.",
)
DRAFT = _reword(
    DRAFT,
    "sites-feasibility",
    "en",
    "are often optimistic. Ask the site for historical data, not impressions, and plan at least one back-up site.",
    "are almost always optimistic. Ask the site for historical data from recent years, not impressions, and identify at least one back-up site from the outset.",
)
DRAFT = _insert_after(DRAFT, "pmcf-investigations", _REGISTRIES_DRAFT)


CHANGELOG = {
    "1.0": {
        "it": "Prima versione pubblicata delle linee guida: otto capitoli, dal percorso regolatorio dell'MDR e dal piano di indagine clinica fino al follow-up clinico post-commercializzazione, con le fonti citate in ogni sezione.",
        "en": "First published version of the guidelines: eight chapters, from the MDR regulatory pathway and the clinical investigation plan to post-market clinical follow-up, with the sources cited in every section.",
    },
    "1.1": {
        "it": "La sezione sui comitati etici territoriali riporta ora i chiarimenti della circolare del Ministero della Salute del 28 febbraio 2023 sul parere unico e aggiunge suggerimenti pratici per la presentazione. La sezione sull'AI Act è aggiornata con le indicazioni di MDCG 2025-6 sull'interazione tra MDR, IVDR e AI Act. È stata aggiunta una sezione sulla copertura assicurativa e sul risarcimento dei danni ai soggetti (art. 69 dell'MDR), mentre la sezione sulla qualifica degli sperimentatori è stata unita a quella sulla selezione dei centri.",
        "en": "The section on territorial ethics committees now reports the clarifications of the Ministry of Health's circular of 28 February 2023 on the single opinion and adds practical hints for submission. The AI Act section is updated with the guidance of MDCG 2025-6 on the interplay between the MDR, the IVDR and the AI Act. A section on insurance and damage compensation for subjects (MDR Art. 69) has been added, and the section on investigator qualifications has been merged into the one on site selection.",
    },
}
