"""Demo questions, answers and FAQ entries for a first run (``seed_demo``).

The people are invented; the rules cited are real and cited by their public
names. Idempotent: questions are found again by their title.
"""

from datetime import timedelta

from django.utils import timezone

from experts.calendar import add_working_days
from experts.demo import GAIT_TITLE
from experts.models import CounsellingCase, Topic
from forum import services
from forum.models import Assignment, Question

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


# The board's work: one assignment in every state, and questions waiting for triage.
USABILITY = "Studio di usabilità (IEC 62366-1) prima dell'indagine pivotale: quanti utenti servono?"
INSURANCE = "Polizza assicurativa per un'indagine clinica: quali massimali chiede il comitato etico?"
CGM = "Endpoint primario per un sensore di monitoraggio continuo del glucosio: MARD o eventi clinici?"
REGISTRY = "Possiamo usare un registro ospedaliero esistente come controllo storico?"
GDPR = "Pseudonymisation of wearable data shared with a university partner: who is the controller?"
SITES = "Centri in Lombardia con esperienza in indagini first-in-human su dispositivi cardiaci"
WITHDRAWN = "Marcatura CE di un kit per la terapia a pressione negativa: serve un PMCF dedicato?"
TRIAGE_ONE = "Follow-up a 12 mesi per una protesi di ginocchio: bastano le visite ambulatoriali di routine?"
TRIAGE_TWO = "Consenso informato per pazienti in terapia intensiva: come si applica l'art. 68 del MDR?"


def _ask(author, title: str, body: str, slugs: tuple, days_ago: int, **extra) -> Question:
    question = services.ask_question(
        author=author,
        title=title,
        body=body,
        topics=_topics(*slugs),
        visibility=extra.pop("visibility", Question.Visibility.PUBLIC),
        device=extra or None,
    )
    _ago(question, days_ago)
    return question


def _assign(question: Question, *, staff, expert, days_ago: int, due_on) -> Assignment:
    (assignment,) = services.assign_experts(
        question=question, staff=staff, experts=[expert], due_on=services.default_due_date()
    )
    # Dated as if staff had assigned it then; a due date in the past makes it overdue.
    Assignment.objects.filter(pk=assignment.pk).update(
        created_at=timezone.now() - timedelta(days=days_ago), due_on=due_on
    )
    assignment.refresh_from_db()
    return assignment


def seed_board_work(*, member, other_member, experts: list, staff) -> int:
    """Assignments in every state (open, due soon, overdue, claimed, answered,
    declined, withdrawn for a conflict, cancelled) and a triage queue; once."""
    if Question.objects.filter(title=USABILITY).exists():
        return Assignment.objects.count()
    expert, expert2, expert3, expert4, expert5, expert6, expert7 = experts[:7]
    today = timezone.localdate()

    usability = _ask(
        member,
        USABILITY,
        "Il nostro iniettore a penna è di classe IIb. Prima dell'indagine pivotale vorremmo completare la "
        "valutazione sommativa di usabilità: quanti utenti per gruppo servono, e possiamo farla nello stesso "
        "centro dell'indagine?",
        ("usability", "investigation-plan"),
        days_ago=1,
        device_class="IIb",
        ce_marked=False,
    )
    _assign(usability, staff=staff, expert=expert, days_ago=1, due_on=add_working_days(today, 4))

    insurance = _ask(
        other_member,
        INSURANCE,
        "For our first multicentre investigation the ethics committee asks for the insurance certificate. "
        "Which minimum cover applies in Italy, and does it depend on the number of subjects?",
        ("contracts-insurance", "ethics-authority-submission"),
        days_ago=5,
    )
    _assign(insurance, staff=staff, expert=expert6, days_ago=4, due_on=add_working_days(today, 1))

    cgm = _ask(
        member,
        CGM,
        "Per un sensore CGM di nuova generazione (classe IIb, non marcato CE) stiamo scrivendo il CIP. "
        "L'endpoint primario può essere l'accuratezza (MARD rispetto al riferimento di laboratorio) o servono "
        "eventi clinici come le ipoglicemie severe?",
        ("investigation-plan", "statistics-sample-size"),
        days_ago=10,
        device_class="IIb",
        ce_marked=False,
    )
    _assign(cgm, staff=staff, expert=expert3, days_ago=9, due_on=today - timedelta(days=2))

    registry = _ask(
        other_member,
        REGISTRY,
        "Un IRCCS lombardo tiene un registro delle procedure di ablazione. Possiamo usarlo come controllo storico "
        "in un'indagine a braccio singolo, e con quali cautele sui bias?",
        ("statistics-sample-size", "investigation-plan"),
        days_ago=3,
    )
    claimed = services.claim_question(question=registry, expert=expert4)
    Assignment.objects.filter(pk=claimed.pk).update(created_at=timezone.now() - timedelta(days=2))

    gdpr = _ask(
        other_member,
        GDPR,
        "Our gait-analysis insoles stream pseudonymised data to a university lab that runs the analysis. "
        "Under the GDPR, is the university a processor or a joint controller, and what must the informed "
        "consent say?",
        ("data-protection",),
        days_ago=14,
    )
    _assign(gdpr, staff=staff, expert=expert7, days_ago=13, due_on=add_working_days(today, 2))
    services.post_answer(
        question=gdpr,
        expert=expert7,
        body=(
            "Se l'università decide con voi le finalità e i mezzi dell'analisi è **contitolare** (art. 26 GDPR) e "
            "serve un accordo di contitolarità; se esegue l'analisi solo su vostre istruzioni è **responsabile del "
            "trattamento** (art. 28) con un contratto dedicato.\n\n"
            "Il consenso informato dell'indagine (ISO 14155, allegato sul consenso) deve nominare chi riceve i "
            "dati e per quale scopo; dati pseudonimizzati restano dati personali."
        ),
    )

    sites = _ask(
        member,
        SITES,
        "Cerchiamo centri lombardi con esperienza in studi first-in-human su dispositivi cardiaci impiantabili, "
        "per un'indagine ai sensi dell'art. 62 su circa 20 pazienti.",
        ("populations-sites",),
        days_ago=6,
    )
    declined = _assign(sites, staff=staff, expert=expert2, days_ago=6, due_on=add_working_days(today, 1))
    services.decline_assignment(
        assignment=declined, expert=expert2, reason="Il nostro centro è tra i candidati: meglio un altro esperto."
    )
    _assign(sites, staff=staff, expert=expert5, days_ago=5, due_on=add_working_days(today, 3))

    withdrawn = _ask(
        member,
        WITHDRAWN,
        "Il nostro kit per la terapia a pressione negativa è già marcato CE. Per la sorveglianza post-"
        "commercializzazione basta la letteratura o serve uno studio PMCF dedicato?",
        ("pmcf", "regulatory-pathway"),
        days_ago=8,
        ce_marked=True,
    )
    _assign(withdrawn, staff=staff, expert=expert3, days_ago=8, due_on=add_working_days(today, 2))
    services.declare_conflict(
        question=withdrawn, expert=expert3, reason="Ho collaborato con un concorrente diretto su un prodotto simile."
    )
    cancelled = _assign(withdrawn, staff=staff, expert=expert4, days_ago=7, due_on=add_working_days(today, 2))
    services.cancel_assignment(assignment=cancelled, staff=staff)

    _ask(
        member,
        TRIAGE_ONE,
        "Per un follow-up PMCF a 12 mesi di una protesi di ginocchio possiamo usare le visite ambulatoriali di "
        "routine, o servono visite dedicate previste dal piano?",
        ("pmcf", "investigation-plan"),
        days_ago=2,
        ce_marked=True,
        implantable=True,
    )
    _ask(
        other_member,
        TRIAGE_TWO,
        "Vorremmo testare un dispositivo di monitoraggio in terapia intensiva, dove molti pazienti non possono "
        "dare il consenso. Come si applicano l'art. 64 e l'art. 68 del MDR sulle indagini in situazioni di "
        "emergenza?",
        ("ethics-authority-submission", "populations-sites"),
        days_ago=0,
    )
    return Assignment.objects.count()


def link_counselling_questions() -> None:
    """NeuroPasso's questions on its gait-rehabilitation project came from the
    board's counselling of that project."""
    case = CounsellingCase.objects.filter(project__title=GAIT_TITLE, organisation__name="NeuroPasso S.r.l.").first()
    if case is not None:
        Question.objects.filter(title__in=[SAMPLE, ETHICS_EN], counselling_case__isnull=True).update(
            counselling_case=case
        )
