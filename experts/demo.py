"""Demo funded projects and counselling cases for a first run (``seed_demo``).

The projects, people and meetings are invented; the organisations are those of
the demo data set; the calls, rules and guidance cited are real and cited by
their public names. Idempotent: projects are found again by their title.
"""

import datetime
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from experts import services
from experts.models import CounsellingCase, CounsellingMeeting, FundedProject
from portal.accounts.models import Organisation, User

HUB_CALL = "POR FESR 2014-2020, Asse I – Call HUB Ricerca e Innovazione"
COLLABORA_CALL = "PR FESR 2021-2027 – Collabora & Innova"

GAIT_TITLE = "Sistema indossabile con sensori inerziali e biofeedback per la riabilitazione del cammino dopo l'ictus"
WOUND_TITLE = "Medicazione intelligente con sensori di pH e temperatura per le ulcere del piede diabetico"

PROJECTS = [
    {
        "title": GAIT_TITLE,
        "acronym": "PASSO-SMART",
        "call": HUB_CALL,
        "status": FundedProject.Status.PREVIOUS,
        "start_date": datetime.date(2021, 4, 1),
        "end_date": datetime.date(2024, 3, 31),
        "beneficiaries": [
            "NeuroPasso S.r.l.",
            "Politecnico di Milano",
            "Fondazione IRCCS Ca' Granda Ospedale Maggiore Policlinico",
        ],
        "clinical_aims": (
            "Un sistema di sensori inerziali indossati su entrambe le gambe, collegato a un'app per tablet, "
            "misura i parametri del passo durante la riabilitazione e restituisce al paziente un **biofeedback** "
            "acustico e visivo.\n\n"
            "Obiettivi clinici:\n\n"
            "- migliorare la velocità del cammino (test dei 10 metri) di pazienti con ictus in fase subacuta, "
            "rispetto alla sola fisioterapia convenzionale;\n"
            "- ridurre l'asimmetria del passo e il rischio di caduta (Berg Balance Scale);\n"
            "- consentire la prosecuzione degli esercizi a domicilio, con il monitoraggio a distanza del "
            "fisioterapista.\n\n"
            "Il progetto finanziato si è concluso con un prototipo verificato in laboratorio e su volontari sani; "
            "il dispositivo non è ancora marcato CE."
        ),
    },
    {
        "title": WOUND_TITLE,
        "acronym": "SMART-HEAL",
        "call": COLLABORA_CALL,
        "status": FundedProject.Status.ONGOING,
        "start_date": datetime.date(2025, 3, 1),
        "end_date": datetime.date(2027, 8, 31),
        "beneficiaries": [
            "Brianza Medical Devices S.r.l.",
            "CNR – Istituto di Tecnologie Biomediche",
            "Lombarda Biomedicale S.p.A.",
        ],
        "clinical_aims": (
            "Una medicazione in schiuma di poliuretano con sensori stampati di pH e temperatura segnala "
            "precocemente l'infezione delle ulcere del piede diabetico e riduce i cambi di medicazione non "
            "necessari.\n\n"
            "Obiettivi clinici:\n\n"
            "- anticipare la diagnosi di infezione rispetto alla valutazione clinica standard;\n"
            "- ridurre il numero di cambi di medicazione e di accessi ambulatoriali;\n"
            "- raccogliere i dati di sicurezza e di prestazione necessari alla marcatura CE secondo il "
            "Regolamento (UE) 2017/745."
        ),
    },
]

GAIT_NEEDS = (
    "Il progetto finanziato si è chiuso con il prototipo verificato in laboratorio. Ora vogliamo avviare "
    "l'indagine clinica necessaria alla marcatura CE e ci servono indicazioni su:\n"
    "- il percorso regolatorio (articolo del MDR applicabile, comitato etico, notifica al Ministero della Salute);\n"
    "- l'impostazione del piano di indagine clinica e la scelta dell'endpoint primario;\n"
    "- la dimensione del campione e i centri di riabilitazione lombardi da coinvolgere."
)

WOUND_NEEDS = (
    "Integriamo sensori elettronici in una medicazione di base già marcata CE: il prodotto finale non lo è. "
    "Vorremmo capire se l'indagine clinica ricade nell'art. 62 o se possiamo seguire un percorso di "
    "follow-up clinico post-commercializzazione ai sensi dell'art. 74, quali dati preclinici servono prima "
    "di coinvolgere i pazienti e quali centri per il piede diabetico in Lombardia potrebbero partecipare."
)

MEETINGS = [
    {
        "days_ago": 42,
        "attendees": (
            "{requester} ({organisation}), la referente del progetto per il Politecnico di Milano; "
            "per il board: {expert}, {statistician}"
        ),
        "notes": (
            "**Percorso regolatorio.** Il dispositivo non è marcato CE e l'indagine serve a dimostrarne la "
            "conformità ai requisiti generali di sicurezza e prestazione: si applica l'**art. 62** del "
            "Regolamento (UE) 2017/745 (MDR), con i requisiti dell'Allegato XV. La classe va confermata con le "
            "regole di classificazione dell'Allegato VIII, in particolare la regola 11 per il software che "
            "elabora il segnale dei sensori. Il promotore sarà {organisation}, che presenta la domanda.\n\n"
            "**Autorizzazioni.** Servono il parere del comitato etico territoriale competente (i CET istituiti "
            "dai decreti ministeriali del gennaio 2023) e la notifica al Ministero della Salute; finché EUDAMED "
            "non è pienamente operativo, la domanda segue i modelli della MDCG 2021-8.\n\n"
            "**Piano di indagine clinica (CIP).** Va redatto secondo la ISO 14155:2020 e la MDCG 2024-3; "
            "per il dossier per lo sperimentatore si veda la MDCG 2024-5. Discusso se partire con uno studio "
            "pilota: anche un'indagine pilota rientra nell'art. 62 se concorre alla dimostrazione della "
            "conformità."
        ),
        "outcomes": (
            "- {organisation} prepara l'analisi dei rischi aggiornata (ISO 14971) e il rapporto di usabilità "
            "(IEC 62366-1);\n"
            "- {statistician} propone l'endpoint primario e un primo calcolo della dimensione del campione;\n"
            "- prossimo incontro tra circa un mese."
        ),
    },
    {
        "days_ago": 12,
        "attendees": (
            "{requester} ({organisation}); per il board: {statistician}, {expert}; "
            "un fisiatra della Fondazione IRCCS Ca' Granda"
        ),
        "notes": (
            "**Endpoint primario.** Variazione della velocità del cammino al test dei 10 metri dopo quattro "
            "settimane di trattamento; endpoint secondari: Berg Balance Scale, simmetria del passo, eventi "
            "avversi e difetti del dispositivo.\n\n"
            "**Dimensione del campione.** Studio randomizzato a due bracci (biofeedback + fisioterapia contro "
            "sola fisioterapia). Con una differenza minima clinicamente rilevante di 0,16 m/s, una deviazione "
            "standard attesa di 0,25 m/s, alfa bilaterale 0,05 e potenza 80% servono 39 pazienti per braccio; "
            "con un 15% di abbandoni, 46 per braccio, 92 in totale.\n\n"
            "**Centri.** Un'indagine multicentrica con tre centri di riabilitazione lombardi renderebbe "
            "l'arruolamento fattibile in dodici mesi; la Fondazione IRCCS Ca' Granda è disponibile come centro "
            "coordinatore."
        ),
        "outcomes": (
            "- {organisation} aggiorna la bozza del CIP con endpoint e calcolo del campione;\n"
            "- lo staff del centro propone due ulteriori centri di riabilitazione;\n"
            "- al prossimo incontro: revisione del CIP e del dossier per lo sperimentatore prima della "
            "sottomissione al comitato etico."
        ),
    },
]


def _beneficiary_member(members: list[User], project: FundedProject) -> User:
    beneficiary_ids = set(project.beneficiaries.values_list("pk", flat=True))
    return next(member for member in members if member.organisation_id in beneficiary_ids)


def _backdate(case: CounsellingCase, days: int) -> None:
    CounsellingCase.objects.filter(pk=case.pk).update(created_at=timezone.now() - timedelta(days=days))


@transaction.atomic
def seed_counselling(
    *, organisations: dict[str, Organisation], members: list[User], experts: list[User], staff: User
) -> int:
    """Create the demo projects and their counselling cases once; returns how
    many funded projects exist. ``members`` must include a member of NeuroPasso
    S.r.l. and one of Brianza Medical Devices S.r.l."""
    if FundedProject.objects.filter(title=GAIT_TITLE).exists():
        return FundedProject.objects.count()
    projects = []
    for data in PROJECTS:
        fields = {key: value for key, value in data.items() if key != "beneficiaries"}
        beneficiaries = [organisations[name] for name in data["beneficiaries"]]
        projects.append(services.register_project(staff=staff, beneficiaries=beneficiaries, **fields))
    gait, wound = projects
    expert, _expert2, expert3 = experts[:3]

    # In progress: two experts assigned, two meetings recorded.
    gait_case = services.request_counselling(member=_beneficiary_member(members, gait), project=gait, needs=GAIT_NEEDS)
    _backdate(gait_case, 50)
    gait_case = CounsellingCase.objects.select_related("requested_by", "organisation", "project").get(pk=gait_case.pk)
    services.assign_counsellors(staff=staff, case=gait_case, experts=[expert, expert3])
    names = {
        "requester": gait_case.requested_by.full_name,
        "organisation": gait_case.organisation.name,
        "expert": expert.full_name,
        "statistician": expert3.full_name,
    }
    for author, meeting in zip([expert, expert3], MEETINGS, strict=True):
        recorded = services.record_meeting(
            author=author,
            case=gait_case,
            held_on=timezone.localdate() - timedelta(days=meeting["days_ago"]),
            attendees=meeting["attendees"].format(**names),
            notes=meeting["notes"].format(**names),
            outcomes=meeting["outcomes"].format(**names),
        )
        # Recorded the day after the meeting, as it would have been.
        CounsellingMeeting.objects.filter(pk=recorded.pk).update(
            created_at=timezone.now() - timedelta(days=meeting["days_ago"] - 1)
        )

    # Requested, waiting for staff to assign experts.
    wound_case = services.request_counselling(
        member=_beneficiary_member(members, wound), project=wound, needs=WOUND_NEEDS
    )
    _backdate(wound_case, 3)
    return FundedProject.objects.count()
