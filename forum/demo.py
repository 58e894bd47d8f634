"""Demo questions, answers and FAQ entries for a first run (``seed_demo``).

The people are invented; the rules cited are real and cited by their public
names. Idempotent: questions are found again by their title.
"""

from datetime import timedelta

from django.utils import timezone

from experts.models import Topic
from forum import services
from forum.models import Question

AI_DERMA = "Software di IA per la diagnosi dermatologica: serve un'indagine clinica ai sensi dell'art. 62?"
ETHICS_EN = "Which ethics committee reviews a multicentre device investigation in Lombardy?"
HIP = "Protesi d'anca con nuovo rivestimento già marcata CE: indagine PMCF ai sensi dell'art. 74(1)?"
SAMPLE = "Dimensione del campione per uno studio pilota su un esoscheletro per la riabilitazione"
EQUIVALENCE = "Can we rely on clinical data from our previous device generation?"
ETHICS_DUP = "Quale comitato etico per uno studio multicentrico in Lombardia?"


def _topics(*slugs):
    return list(Topic.objects.filter(slug__in=slugs))


def _ago(question: Question, days: int) -> None:
    Question.objects.filter(pk=question.pk).update(created_at=timezone.now() - timedelta(days=days))


def seed_forum(*, member, other_member, experts: list, staff) -> int:
    """Create the demo conversation once; returns how many questions exist."""
    if Question.objects.filter(title=AI_DERMA).exists():
        return Question.objects.count()
    expert, expert2, expert3 = experts[:3]

    q1 = services.ask_question(
        author=member,
        title=AI_DERMA,
        body=(
            "Sviluppiamo un software che analizza fotografie di lesioni cutanee e stima il rischio di melanoma "
            "per il medico di medicina generale. Non ha ancora la marcatura CE.\n\n"
            "- Che classe di rischio dobbiamo aspettarci?\n"
            "- Possiamo basarci su dati retrospettivi o serve un'indagine clinica prospettica?"
        ),
        topics=_topics("software-ai", "regulatory-pathway"),
        visibility=Question.Visibility.PUBLIC,
        device={"device_class": "IIa", "ce_marked": False, "software_ai": True},
    )
    _ago(q1, 20)
    a1 = services.post_answer(
        question=q1,
        expert=expert,
        body=(
            "Un software che fornisce informazioni usate per decisioni diagnostiche ricade nella **regola 11** "
            "dell'Allegato VIII del MDR: almeno classe IIa, IIb o III se un errore può causare un grave "
            "peggioramento o la morte. Per un sospetto melanoma la classe IIb va valutata con attenzione.\n\n"
            "La valutazione clinica (art. 61) può usare dati retrospettivi per la *prestazione clinica*, ma per un "
            "dispositivo non marcato CE un'indagine ai sensi dell'**art. 62** è di norma necessaria per dimostrare "
            "sicurezza e prestazioni nell'uso previsto (si veda MDCG 2020-1 sulla valutazione clinica del "
            "software).\n\n"
            "Essendo un sistema di IA soggetto alla valutazione di un organismo notificato, rientra tra i sistemi "
            "ad alto rischio del Regolamento (UE) 2024/1689 (AI Act): MDCG 2025-6 spiega come coordinare i due "
            "regolamenti."
        ),
    )
    services.accept_answer(question=q1, user=member, answer=a1)

    q2 = services.ask_question(
        author=other_member,
        title=ETHICS_EN,
        body=(
            "We plan a pivotal investigation of a class IIb wearable in three hospitals: an IRCCS in Milan, "
            "an ASST in Bergamo and a university hospital in Pavia. Which ethics committees give the opinion, "
            "and what goes to the Ministry of Health?"
        ),
        topics=_topics("ethics-authority-submission", "populations-sites"),
        visibility=Question.Visibility.PUBLIC,
        device={"device_class": "IIb", "ce_marked": False},
    )
    _ago(q2, 12)
    board = services.draft_board_answer(
        question=q2,
        expert=expert2,
        cosigners=[expert, expert3],
        body=(
            "Since 8 February 2023, device investigations in Italy are reviewed by the **territorial ethics "
            "committees (CET)** established by the Ministerial decree of 26 January 2023, or by a national one "
            "(CEN) where it is competent. Ask the CET of your coordinating site early how the opinions of the "
            "participating sites are coordinated.\n\n"
            "The application to the competent authority, the **Ministry of Health**, follows MDR Article 70 and "
            "Annex XV; while EUDAMED is not functional, use the documents listed in MDCG 2021-8. Each "
            "investigation receives its single identification number, the CIV-ID (MDCG 2021-20)."
        ),
    )
    services.cosign_board_answer(answer=board, expert=expert)
    services.cosign_board_answer(answer=board, expert=expert3)

    q3 = services.ask_question(
        author=member,
        title=HIP,
        body=(
            "La nostra protesi d'anca (classe III) è marcata CE. Vogliamo raccogliere dati su un nuovo "
            "rivestimento già coperto dal certificato, con una radiografia aggiuntiva a 6 mesi. "
            "È un'indagine PMCF da notificare?"
        ),
        topics=_topics("pmcf", "regulatory-pathway"),
        visibility=Question.Visibility.CONFIDENTIAL,
        device={"device_class": "III", "implantable": True, "ce_marked": True, "within_intended_purpose": True},
    )
    _ago(q3, 6)
    services.post_answer(
        question=q3,
        expert=expert3,
        body=(
            "Sì: entro la destinazione d'uso certificata e con una procedura aggiuntiva (la radiografia a 6 mesi "
            "espone i soggetti a radiazioni), si tratta di un'indagine PMCF ai sensi dell'**art. 74(1)** del MDR. "
            "Va notificata al Ministero della Salute almeno 30 giorni prima dell'inizio, e serve il parere del "
            "comitato etico."
        ),
    )

    q4 = services.ask_question(
        author=other_member,
        title=SAMPLE,
        body=(
            "Vorremmo uno studio pilota su 20 pazienti post-ictus in un centro di riabilitazione. Come si giustifica "
            "la numerosità di uno studio pilota nel piano di indagine clinica (ISO 14155:2020)?"
        ),
        topics=_topics("statistics-sample-size", "investigation-plan"),
        visibility=Question.Visibility.PUBLIC,
        device={"device_class": "IIa", "ce_marked": False},
    )
    _ago(q4, 3)
    services.draft_board_answer(
        question=q4,
        expert=expert,
        cosigners=[expert2, expert3],
        body=(
            "Uno studio pilota non deve dimostrare l'efficacia: la numerosità si giustifica con gli obiettivi di "
            "fattibilità (reclutamento, aderenza, stima della variabilità dell'endpoint per lo studio principale). "
            "Il CIP deve dichiararlo nella sezione statistica (ISO 14155:2020, Allegato A)."
        ),
    )

    q5 = services.ask_question(
        author=member,
        title=EQUIVALENCE,
        body="Our new infusion pump differs from the previous generation only in its software. Is equivalence enough?",
        topics=_topics("regulatory-pathway", "investigation-plan"),
        visibility=Question.Visibility.PUBLIC,
        device={"device_class": "IIb", "ce_marked": False, "software_ai": True},
    )
    _ago(q5, 1)

    q6 = services.ask_question(
        author=member,
        title=ETHICS_DUP,
        body="Per uno studio in tre ospedali lombardi, a quale comitato etico dobbiamo rivolgerci?",
        topics=_topics("ethics-authority-submission"),
        visibility=Question.Visibility.PUBLIC,
    )
    services.close_question(question=q6, staff=staff, reason=Question.CloseReason.DUPLICATE, duplicate_of=q2)

    services.save_faq_entry(
        staff=staff,
        topic=Topic.objects.get(slug="regulatory-pathway"),
        question=q1,
        position=10,
        title_it="Quando serve un'indagine clinica per un dispositivo medico?",
        title_en="When does a medical device need a clinical investigation?",
        body_it=(
            "Il fabbricante dimostra la conformità con una valutazione clinica (MDR art. 61). Per i dispositivi "
            "impiantabili e di classe III le indagini cliniche sono obbligatorie, salvo le eccezioni dell'art. 61, "
            "paragrafi 4-6. Negli altri casi servono quando i dati clinici disponibili non bastano."
        ),
        body_en=(
            "The manufacturer shows conformity through a clinical evaluation (MDR Art. 61). For implantable and "
            "class III devices clinical investigations are required, except as Art. 61(4) to (6) allow. Otherwise "
            "they are needed when the available clinical data are not sufficient."
        ),
        is_published=True,
    )
    services.save_faq_entry(
        staff=staff,
        topic=Topic.objects.get(slug="ethics-authority-submission"),
        position=10,
        title_it="Che cos'è il CIV-ID?",
        title_en="What is the CIV-ID?",
        body_it=(
            "È il numero unico di identificazione, valido in tutta l'Unione, di un'indagine clinica ai sensi del "
            "MDR. MDCG 2021-20 spiega come generarlo finché EUDAMED non è pienamente funzionante."
        ),
        body_en=(
            "The single identification number, valid across the Union, of a clinical investigation under the MDR. "
            "MDCG 2021-20 explains how to generate it while EUDAMED is not fully functional."
        ),
        is_published=True,
    )
    services.save_faq_entry(
        staff=staff,
        topic=Topic.objects.get(slug="pmcf"),
        position=10,
        title_it="Un'indagine PMCF va notificata all'autorità competente?",
        title_en="",
        body_it=(
            "Se i soggetti sono sottoposti a procedure aggiuntive invasive o gravose rispetto al normale uso del "
            "dispositivo, sì: l'art. 74(1) del MDR richiede la notifica almeno 30 giorni prima dell'inizio."
        ),
        body_en="",
        is_published=True,
    )
    return Question.objects.count()
