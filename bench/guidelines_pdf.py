"""Benchmark of the guidelines' PDF: a document of about 100 pages rendered
by WeasyPrint exactly as the worker's task renders it (``guidelines.pdf.render_pdf``).

Creates a throwaway SQLite database in a temporary folder (deleted at the end;
DATABASE_URL and VAR_DIR are ignored), publishes a version of 10 chapters of 6
sections each (paragraphs, lists, a table, references, in Italian and English),
then renders its PDF ``--runs`` times, each in a fresh child process, as a
worker process would: the child measures the render's wall time and its own
peak resident memory.

    .venv/bin/python bench/guidelines_pdf.py [--runs 3] [--language it] [--keep /tmp/guidelines.pdf]

Target: a 100-page document in at most 8 s and 400 MiB. Figures: docs/performance.md.
"""

import argparse
import random
import time
from datetime import UTC, datetime

import pdf_runs

_work_dir = pdf_runs.throwaway_environment(prefix="ctcc-bench-pdf-")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402

from guidelines.models import Reference, Section, Version  # noqa: E402
from guidelines.pdf import render_pdf  # noqa: E402

CHAPTERS = 10
SECTIONS_PER_CHAPTER = 6
TARGET_SECONDS = 8
TARGET_MIB = 400

CHAPTER_TITLES = [
    ("Ambito e definizioni", "Scope and definitions"),
    ("Pianificazione dell'indagine clinica", "Planning the clinical investigation"),
    ("Valutazione clinica e piano di indagine", "Clinical evaluation and investigation plan"),
    ("Comitato etico e autorità competente", "Ethics committee and competent authority"),
    ("Consenso informato e popolazioni vulnerabili", "Informed consent and vulnerable populations"),
    ("Gestione dei rischi e sicurezza", "Risk management and safety"),
    ("Conduzione, monitoraggio e audit", "Conduct, monitoring and audit"),
    ("Gestione e analisi dei dati", "Data management and analysis"),
    ("Relazione finale e trasparenza", "Final report and transparency"),
    ("Indagini post-commercializzazione", "Post-market investigations"),
]
SECTION_TITLES = [
    ("Obiettivi e responsabilità", "Objectives and responsibilities"),
    ("Requisiti del regolamento", "Requirements of the Regulation"),
    ("Documentazione richiesta", "Documentation required"),
    ("Ruolo del promotore e dello sperimentatore", "Role of the sponsor and of the investigator"),
    ("Tempi e scadenze", "Timelines and deadlines"),
    ("Errori frequenti e raccomandazioni", "Common mistakes and recommendations"),
]
SENTENCES = [
    (
        "Il promotore dimostra che il dispositivo raggiunge le prestazioni previste e che i rischi noti "
        "sono accettabili rispetto ai benefici attesi per il paziente.",
        "The sponsor shows that the device achieves its intended performance and that the known risks "
        "are acceptable when weighed against the benefits expected for the patient.",
    ),
    (
        "Il piano di indagine clinica descrive la motivazione, gli obiettivi, il disegno e l'analisi "
        "statistica proposti, con una giustificazione della dimensione del campione.",
        "The clinical investigation plan sets out the rationale, objectives, design and proposed "
        "statistical analysis, with a justification of the sample size.",
    ),
    (
        "Gli eventi avversi gravi e i difetti del dispositivo che avrebbero potuto causarli sono "
        "registrati e notificati senza ritardo a tutti gli Stati membri interessati.",
        "Serious adverse events and device deficiencies that might have led to them are recorded and "
        "reported without delay to every Member State concerned.",
    ),
    (
        "Lo sperimentatore principale ha una qualifica adeguata e l'esperienza necessaria nel campo "
        "clinico del dispositivo e nella conduzione di indagini cliniche.",
        "The principal investigator holds a suitable qualification and the necessary experience in "
        "the clinical field of the device and in conducting clinical investigations.",
    ),
    (
        "Il consenso informato è ottenuto per iscritto prima di qualsiasi procedura dell'indagine, dopo "
        "un colloquio in cui il soggetto ha potuto fare domande.",
        "Informed consent is obtained in writing before any procedure of the investigation, after an "
        "interview in which the subject could ask questions.",
    ),
    (
        "La valutazione del rischio secondo la norma ISO 14971 è aggiornata durante l'indagine, "
        "tenendo conto dei dati di sicurezza che si accumulano.",
        "The risk assessment under ISO 14971 is updated during the investigation, taking into account "
        "the safety data as they accumulate.",
    ),
    (
        "Il monitoraggio verifica che i diritti, la sicurezza e il benessere dei soggetti siano tutelati "
        "e che i dati riportati siano accurati e completi.",
        "Monitoring verifies that the rights, safety and well-being of subjects are protected and that "
        "the reported data are accurate and complete.",
    ),
    (
        "Le modifiche sostanziali del piano sono notificate prima della loro attuazione e attuate solo "
        "in assenza di obiezioni entro i termini previsti.",
        "Substantial modifications of the plan are notified before they are implemented, and "
        "implemented only if no objection is raised within the set period.",
    ),
    (
        "La relazione finale è trasmessa entro un anno dalla fine dell'indagine, accompagnata da una "
        "sintesi comprensibile per l'utilizzatore previsto.",
        "The final report is submitted within one year of the end of the investigation, together with "
        "a summary that the intended user can understand.",
    ),
    (
        "I dati personali dei soggetti sono trattati in conformità al regolamento generale sulla "
        "protezione dei dati e pseudonimizzati nella documentazione dell'indagine.",
        "The personal data of subjects are processed in accordance with the General Data Protection "
        "Regulation and pseudonymised in the documentation of the investigation.",
    ),
    (
        "L'assicurazione copre i danni che i soggetti potrebbero subire a causa della partecipazione, "
        "secondo le disposizioni nazionali applicabili in Italia.",
        "Insurance covers the damage that subjects might suffer because of their participation, "
        "according to the national provisions that apply in Italy.",
    ),
    (
        "Il dossier dello sperimentatore riassume i dati preclinici e clinici disponibili e le "
        "istruzioni per l'uso del dispositivo in indagine.",
        "The investigator's brochure summarises the preclinical and clinical data available and the "
        "instructions for use of the investigational device.",
    ),
]
LIST_ITEMS = [
    ("il piano di indagine clinica e le sue modifiche", "the clinical investigation plan and its amendments"),
    ("il dossier dello sperimentatore", "the investigator's brochure"),
    ("il modulo di consenso informato", "the informed consent form"),
    (
        "la dichiarazione di conformità ai requisiti generali",
        "the statement of conformity with the general requirements",
    ),
    ("il parere del comitato etico", "the opinion of the ethics committee"),
    ("la polizza assicurativa", "the insurance policy"),
    ("le procedure di monitoraggio", "the monitoring procedures"),
]
REFERENCES = [
    (Reference.Kind.MDR, "Regulation (EU) 2017/745 (MDR)", "", "Art. 62", "General requirements"),
    (Reference.Kind.MDR, "Regulation (EU) 2017/745 (MDR)", "", "Art. 70", "Application for clinical investigation"),
    (Reference.Kind.MDR, "Regulation (EU) 2017/745 (MDR)", "", "Annex XV", "Clinical investigations"),
    (Reference.Kind.ISO_14155, "ISO 14155:2020", "", "clause 6.4", "Clinical investigation plan"),
    (Reference.Kind.ISO_14155, "ISO 14155:2020", "", "clause 5.8", "Informed consent"),
    (Reference.Kind.MDCG, "MDCG 2021-6", "Rev. 1", "Q&A 4", "Questions & answers on clinical investigations"),
    (Reference.Kind.MDCG, "MDCG 2020-10/1", "Rev. 1", "", "Safety reporting in clinical investigations"),
    (Reference.Kind.STANDARD, "ISO 14971:2019", "", "clause 7", "Application of risk management"),
    (Reference.Kind.LAW, "D.Lgs. 137/2022", "", "Art. 16", "Indagini cliniche"),
]


def paragraph(rng: random.Random, count: int) -> tuple[str, str]:
    chosen = [rng.choice(SENTENCES) for _ in range(count)]
    return " ".join(it for it, _ in chosen), " ".join(en for _, en in chosen)


def section_body(rng: random.Random, number: int) -> tuple[str, str]:
    """Markdown of a section: paragraphs, a list, a sub-heading, every other one a table."""
    italian, english = [], []
    for _ in range(4):
        it, en = paragraph(rng, rng.randint(4, 5))
        italian.append(it)
        english.append(en)
    items = rng.sample(LIST_ITEMS, 4)
    italian.append("Il fascicolo comprende:\n\n" + "\n".join(f"- {it}" for it, _ in items))
    english.append("The file includes:\n\n" + "\n".join(f"- {en}" for _, en in items))
    italian.append("### Indicazioni pratiche")
    english.append("### Practical advice")
    for _ in range(2):
        it, en = paragraph(rng, rng.randint(4, 6))
        italian.append(it)
        english.append(en)
    if number % 2:
        italian.append(
            "| Documento | Destinatario | Termine |\n|---|---|---|\n"
            "| Domanda di indagine | Autorità competente | Prima dell'avvio |\n"
            "| Modifica sostanziale | Comitato etico | 38 giorni |\n"
            "| Evento avverso grave | Stati membri | Senza ritardo |\n"
            "| Relazione finale | Autorità competente | Entro un anno |"
        )
        english.append(
            "| Document | Addressee | Deadline |\n|---|---|---|\n"
            "| Application | Competent authority | Before the start |\n"
            "| Substantial modification | Ethics committee | 38 days |\n"
            "| Serious adverse event | Member States | Without delay |\n"
            "| Final report | Competent authority | Within one year |"
        )
    it, en = paragraph(rng, rng.randint(3, 5))
    italian.append(it)
    english.append(en)
    return "\n\n".join(italian), "\n\n".join(english)


def build(chapters: int, sections: int) -> Version:
    """A published version: ``chapters`` chapters of ``sections`` sections each."""
    rng = random.Random(2_026)  # noqa: S311 (reproducible test data)
    draft = Version.objects.create(
        title_it="Linee guida per le indagini cliniche dei dispositivi medici",
        title_en="Guidelines for clinical investigations of medical devices",
    )
    position = 0
    for chapter in range(chapters):
        title_it, title_en = CHAPTER_TITLES[chapter % len(CHAPTER_TITLES)]
        intro_it, intro_en = paragraph(rng, 4)
        Section.objects.create(
            version=draft,
            key=f"chapter-{chapter + 1}",
            level=Section.Level.CHAPTER,
            position=position,
            title_it=title_it,
            title_en=title_en,
            body_it=intro_it,
            body_en=intro_en,
        )
        position += 1
        for number in range(sections):
            title_it, title_en = SECTION_TITLES[number % len(SECTION_TITLES)]
            body_it, body_en = section_body(rng, number)
            section = Section.objects.create(
                version=draft,
                key=f"section-{chapter + 1}-{number + 1}",
                level=Section.Level.SECTION,
                position=position,
                title_it=title_it,
                title_en=title_en,
                body_it=body_it,
                body_en=body_en,
            )
            position += 1
            Reference.objects.bulk_create(
                Reference(
                    section=section,
                    position=index,
                    kind=kind,
                    document=document,
                    revision=revision,
                    locator=locator,
                    title=title,
                )
                for index, (kind, document, revision, locator, title) in enumerate(rng.sample(REFERENCES, 2))
            )
    draft.status = Version.Status.PUBLISHED
    draft.major, draft.minor = 1, 0
    draft.published_at = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)
    draft.changelog_it = "Prima versione pubblicata dal board."
    draft.changelog_en = "First version published by the board."
    draft.save()
    return draft


def render_in_child() -> None:
    version_id, language, keep = pdf_runs.child_arguments()
    version = Version.objects.get(pk=version_id)
    pdf_runs.measure(lambda: render_pdf(version, language), keep)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3, help="renders, each in a new process (default 3)")
    parser.add_argument("--language", choices=["it", "en"], default="it")
    parser.add_argument("--chapters", type=int, default=CHAPTERS)
    parser.add_argument("--sections", type=int, default=SECTIONS_PER_CHAPTER, help="sections per chapter")
    parser.add_argument("--keep", default="", help="write the last PDF to this file")
    args = parser.parse_args()

    try:
        started = time.perf_counter()
        call_command("migrate", verbosity=0)
        version = build(args.chapters, args.sections)
        print(
            f"Data: version {version.number}, {args.chapters} chapters × {args.sections} sections, "
            f"in a throwaway database ({time.perf_counter() - started:.1f} s)."
        )
        runs = pdf_runs.run_renders(__file__, version.pk, language=args.language, runs=args.runs, keep=args.keep)
    finally:
        pdf_runs.remove(_work_dir)
    pdf_runs.summarise(
        runs, language=args.language, keep=args.keep, target_seconds=TARGET_SECONDS, target_mib=TARGET_MIB
    )


if __name__ == "__main__":
    if pdf_runs.is_child():
        render_in_child()
    else:
        main()
