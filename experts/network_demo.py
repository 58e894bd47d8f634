"""Demo data of the clinical network (``seed_demo``): real Lombardy hospitals
with the territorial ethics committee (CET) each one hosts, indicative clinical
populations with their ICD-10 codes, and invented contact persons.

The CET of each clinic follows D.G.R. XI/6726 of 25 July 2022, which set up
Lombardy's six territorial ethics committees and the institutions hosting them.
The experience flags, departments and patient numbers are demo figures, not
the hospitals' own statistics.
"""

from datetime import datetime, time, timedelta

from django.utils import timezone

from experts.introductions import services
from experts.introductions.selectors import STAGE_ORDER
from experts.models import (
    AgeGroup,
    CareSetting,
    Clinic,
    ClinicalPopulation,
    ClinicContact,
    ClinicType,
    CounsellingCase,
    Department,
    FacilitatedInvestigation,
    FeasibilityRequest,
    Introduction,
    InvestigationStage,
)

CET = "Comitato Etico Territoriale Lombardia {}"

# (name, type, city, province, CET number, experience, expired consent, departments)
CLINICS = [
    (
        "Fondazione IRCCS Ca' Granda Ospedale Maggiore Policlinico",
        ClinicType.IRCCS,
        "Milano",
        "MI",
        3,
        {"first_in_human", "pilot", "pivotal", "post_market"},
        False,
        ["Clinica Mangiagalli, Neonatologia e Terapia intensiva neonatale", "Diabetologia", "Ostetricia"],
    ),
    (
        "ASST Grande Ospedale Metropolitano Niguarda",
        ClinicType.PUBLIC_HOSPITAL,
        "Milano",
        "MI",
        3,
        {"pilot", "pivotal", "post_market"},
        False,
        ["Neurologia e Stroke Unit", "Cardiologia"],
    ),
    (
        "Fondazione IRCCS San Gerardo dei Tintori",
        ClinicType.IRCCS,
        "Monza",
        "MB",
        3,
        {"pilot", "post_market"},
        False,
        ["Ortopedia e Traumatologia"],
    ),
    (
        "IRCCS Ospedale San Raffaele",
        ClinicType.IRCCS,
        "Milano",
        "MI",
        1,
        {"first_in_human", "pilot", "pivotal", "post_market"},
        False,
        ["Cardiochirurgia", "Neurologia"],
    ),
    (
        "Centro Cardiologico Monzino IRCCS",
        ClinicType.IRCCS,
        "Milano",
        "MI",
        2,
        {"first_in_human", "pilot", "pivotal"},
        False,
        ["Aritmologia", "Scompenso cardiaco"],
    ),
    (
        "Fondazione IRCCS Istituto Neurologico Carlo Besta",
        ClinicType.IRCCS,
        "Milano",
        "MI",
        4,
        {"pilot", "pivotal"},
        False,
        ["Neurologia dell'età evolutiva", "Disturbi del movimento"],
    ),
    (
        "IRCCS Istituto Clinico Humanitas",
        ClinicType.IRCCS,
        "Rozzano",
        "MI",
        5,
        {"pilot", "pivotal", "post_market"},
        False,
        ["Ortopedia", "Oncologia medica"],
    ),
    (
        "Fondazione IRCCS Policlinico San Matteo",
        ClinicType.IRCCS,
        "Pavia",
        "PV",
        6,
        {"pilot", "post_market"},
        False,
        ["Pneumologia"],
    ),
    (
        "ASST Papa Giovanni XXIII",
        ClinicType.PUBLIC_HOSPITAL,
        "Bergamo",
        "BG",
        6,
        {"pilot", "pivotal", "post_market"},
        False,
        ["Cardiologia interventistica"],
    ),
    (
        "ASST degli Spedali Civili di Brescia",
        ClinicType.PUBLIC_HOSPITAL,
        "Brescia",
        "BS",
        6,
        {"pilot", "post_market"},
        True,  # the listing consent has lapsed: staff see it, to renew it
        ["Nefrologia"],
    ),
]

# (clinic, department or None, condition, ICD-10, age group, setting, patients a year, vulnerable flags)
POPULATIONS = [
    (0, 0, "Neonati pretermine", "P07", AgeGroup.PAEDIATRIC, CareSetting.INPATIENT, 450, {"minors", "emergency"}),
    (0, 1, "Diabete mellito di tipo 2", "E11", AgeGroup.ADULT, CareSetting.OUTPATIENT, 3500, set()),
    (0, 2, "Diabete gestazionale", "O24.4", AgeGroup.ADULT, CareSetting.OUTPATIENT, 600, {"pregnancy"}),
    (0, 1, "Ulcere croniche del piede diabetico", "L97", AgeGroup.ELDERLY, CareSetting.OUTPATIENT, 300, set()),
    (
        1,
        0,
        "Ictus ischemico acuto",
        "I63",
        AgeGroup.ELDERLY,
        CareSetting.INPATIENT,
        900,
        {"emergency", "incapacitated"},
    ),
    (1, 1, "Infarto miocardico acuto", "I21", AgeGroup.ADULT, CareSetting.INPATIENT, 1100, {"emergency"}),
    (2, 0, "Frattura del collo del femore", "S72.0", AgeGroup.ELDERLY, CareSetting.INPATIENT, 700, set()),
    (3, 0, "Stenosi della valvola aortica", "I35.0", AgeGroup.ELDERLY, CareSetting.INPATIENT, 500, set()),
    (3, 1, "Malattia di Alzheimer", "G30", AgeGroup.ELDERLY, CareSetting.OUTPATIENT, 800, {"incapacitated"}),
    (4, 0, "Fibrillazione atriale", "I48", AgeGroup.ADULT, CareSetting.OUTPATIENT, 2000, set()),
    (4, 1, "Insufficienza cardiaca", "I50", AgeGroup.ELDERLY, CareSetting.HOME, 1200, set()),
    (5, 0, "Epilessia in età pediatrica", "G40", AgeGroup.PAEDIATRIC, CareSetting.OUTPATIENT, 650, {"minors"}),
    (5, 1, "Malattia di Parkinson", "G20", AgeGroup.ELDERLY, CareSetting.OUTPATIENT, 1500, set()),
    (6, 0, "Gonartrosi (artrosi del ginocchio)", "M17", AgeGroup.ELDERLY, CareSetting.INPATIENT, 1800, set()),
    (6, 1, "Tumore della mammella", "C50", AgeGroup.ADULT, CareSetting.OUTPATIENT, 1300, set()),
    (7, 0, "Broncopneumopatia cronica ostruttiva", "J44", AgeGroup.ELDERLY, CareSetting.HOME, 900, set()),
    (8, 0, "Infarto miocardico acuto", "I21", AgeGroup.ADULT, CareSetting.INPATIENT, 1000, {"emergency"}),
    (9, 0, "Malattia renale cronica", "N18", AgeGroup.ADULT, CareSetting.OUTPATIENT, 1400, set()),
]

# (clinic, full name, role, language): invented people, at an invented address.
CONTACTS = [
    (0, "Chiara Valli", "Clinical Trial Office", "it"),
    (0, "Stefano Re", "Sperimentatore principale, Diabetologia", "it"),
    (1, "Andrea Pozzi", "Sperimentatore principale, Stroke Unit", "it"),
    (2, "Elisa Marelli", "Ufficio ricerca clinica", "it"),
    (3, "Paolo Gatti", "Clinical Trial Center", "en"),
    (4, "Valentina Sala", "Sperimentatrice principale, Aritmologia", "it"),
    (5, "Luisa Greco", "Clinical Trial Office", "it"),
    (6, "Marco Benetti", "Clinical Research Office", "en"),
    (7, "Federica Riva", "Sperimentatrice principale, Pneumologia", "it"),
    (8, "Giovanni Testa", "Clinical Trial Office", "it"),
    (9, "Anna Ferraro", "Ufficio sperimentazioni cliniche", "it"),
]

FLAGS = {
    "minors": "includes_minors",
    "incapacitated": "includes_incapacitated",
    "pregnancy": "includes_pregnancy",
    "emergency": "emergency_setting",
}
EXPERIENCE = {
    "first_in_human": "experience_first_in_human",
    "pilot": "experience_pilot",
    "pivotal": "experience_pivotal",
    "post_market": "experience_post_market",
}


def _email(name: str) -> str:
    return name.lower().replace(" ", ".") + "@clinic.demo.example.org"


def seed_network() -> list[Clinic]:
    """Create the demo clinics once; returns them in the order of ``CLINICS``."""
    if Clinic.objects.filter(name=CLINICS[0][0]).exists():
        return [Clinic.objects.get(name=row[0]) for row in CLINICS]
    today = timezone.localdate()
    clinics, departments = [], []
    for name, kind, city, province, cet, experience, expired, department_names in CLINICS:
        consent = today - timedelta(days=800 if expired else 120)
        clinic = Clinic.objects.create(
            name=name,
            clinic_type=kind,
            city=city,
            province=province,
            ethics_committee=CET.format(cet),
            listing_consent_on=consent,
            listing_consent_expires_on=consent + timedelta(days=730),
            **{field: key in experience for key, field in EXPERIENCE.items()},
        )
        clinics.append(clinic)
        departments.append([Department.objects.create(clinic=clinic, name=d) for d in department_names])
    for index, department, condition, code, age, setting, patients, flags in POPULATIONS:
        ClinicalPopulation.objects.create(
            clinic=clinics[index],
            department=departments[index][department] if department is not None else None,
            condition=condition,
            icd10_code=code,
            age_group=age,
            care_setting=setting,
            patients_per_year=patients,
            **{field: key in flags for key, field in FLAGS.items()},
        )
    for index, full_name, role, language in CONTACTS:
        ClinicContact.objects.create(
            clinic=clinics[index],
            full_name=full_name,
            role=role,
            email=_email(full_name),
            phone=f"+39 000 000 {index:02d}{len(full_name):02d}",
            language=language,
            consent_given_on=today - timedelta(days=100),
        )
    return clinics


# Introductions and the investigations that came of them: one in every stage.
# (title, member index, clinic index, population index, device, investigation, stage, CIV-ID, stop note)
INVESTIGATIONS = [
    (
        "SMART-HEAL: medicazione sensorizzata nelle ulcere del piede diabetico",
        0,
        0,
        3,
        "Medicazione con sensori di temperatura e pH per ulcere croniche (classe IIb, non marcata CE).",
        "Indagine pilota ai sensi dell'art. 62 su 30 pazienti con ulcera del piede diabetico, 12 settimane.",
        InvestigationStage.FEASIBILITY,
        "",
        "",
    ),
    (
        "PASSO-SMART: sistema indossabile per il cammino dopo l'ictus",
        1,
        1,
        4,
        "Solette con sensori inerziali e biofeedback vibratorio per la riabilitazione del cammino (classe IIa).",
        "Studio pilota randomizzato su 40 pazienti con esiti di ictus ischemico, in riabilitazione ambulatoriale.",
        InvestigationStage.PLAN,
        "",
        "",
    ),
    (
        "AF-PATCH: cerotto ECG per la diagnosi di fibrillazione atriale",
        0,
        4,
        9,
        "Cerotto ECG monouso da 14 giorni con algoritmo di rilevazione della fibrillazione atriale (classe IIa).",
        "Indagine di prestazione clinica confrontata con l'Holter, 200 pazienti ambulatoriali.",
        InvestigationStage.SUBMITTED,
        "",
        "",
    ),
    (
        "TREMOR-SENSE: sensore da polso nella malattia di Parkinson",
        1,
        5,
        12,
        "Bracciale con accelerometro che misura il tremore e le fluttuazioni motorie (classe IIa).",
        "Studio di validazione rispetto alla scala MDS-UPDRS su 60 pazienti ambulatoriali.",
        InvestigationStage.APPROVED,
        "CIV-26-02-004512",
        "",
    ),
    (
        "KNEE-PMCF: follow-up clinico della protesi di ginocchio",
        0,
        6,
        13,
        "Protesi totale di ginocchio con nuovo rivestimento, già marcata CE (classe III).",
        "Indagine PMCF ai sensi dell'art. 74(1), 150 pazienti, follow-up a due anni.",
        InvestigationStage.ENROLLING,
        "CIV-25-11-003877",
        "",
    ),
    (
        "COPD-HOME: telemonitoraggio domiciliare nella BPCO",
        1,
        7,
        15,
        "Pulsossimetro connesso con piattaforma di telemonitoraggio (classe IIa, marcato CE).",
        "Studio post-market su 80 pazienti seguiti a domicilio per sei mesi.",
        InvestigationStage.COMPLETED,
        "CIV-24-09-001964",
        "",
    ),
    (
        "HF-SENSE: sensore di congestione nell'insufficienza cardiaca",
        0,
        3,
        7,
        "Sensore impiantabile di pressione polmonare per l'insufficienza cardiaca (classe III).",
        "Indagine pivotale multicentrica, 120 pazienti.",
        InvestigationStage.STOPPED,
        "CIV-25-04-002210",
        "Interrotta dal promotore: arruolamento troppo lento rispetto al piano.",
    ),
]


def _contact_of(clinic: Clinic) -> ClinicContact:
    return clinic.contacts.reachable().order_by("pk").first()


def _backdate(introduction: Introduction, request: FeasibilityRequest, started) -> None:
    """Date an introduction as if it had been asked, sent and answered before ``started``."""

    def moment(days_before: int):
        return timezone.make_aware(datetime.combine(started - timedelta(days=days_before), time(10)))

    Introduction.objects.filter(pk=introduction.pk).update(created_at=moment(20), sent_at=moment(15))
    FeasibilityRequest.objects.filter(pk=request.pk).update(created_at=moment(15), answered_at=moment(8))
    introduction.refresh_from_db()


def seed_introductions(*, members: list, staff, clinics: list[Clinic]) -> int:
    """Introductions in every state and one facilitated investigation in each
    stage, through the services as the pages make them; once. Returns how many
    investigations exist."""
    if FacilitatedInvestigation.objects.exists():
        return FacilitatedInvestigation.objects.count()
    today = timezone.localdate()
    populations = list(ClinicalPopulation.objects.filter(clinic__in=clinics).order_by("pk"))
    gait_case = CounsellingCase.objects.filter(organisation=members[1].organisation).first()

    for title, member_index, clinic_index, population_index, device, plan, stage, civ_id, note in INVESTIGATIONS:
        member, clinic = members[member_index], clinics[clinic_index]
        introduction = services.request_introduction(
            member=member,
            device=device,
            investigation=plan,
            clinics=[clinic],
            populations=[populations[population_index]],
            counselling_case=gait_case if stage == InvestigationStage.PLAN else None,
        )
        (request,) = services.send_feasibility_requests(
            introduction=introduction,
            reviewer=staff,
            contacts=[_contact_of(clinic)],
            message="Il board vi chiede se il vostro centro è interessato a questa indagine.",
            reply_by=services.default_reply_by(today),
        )
        services.record_feasibility_answer(
            feasibility_request=request,
            answer=FeasibilityRequest.Answer.INTERESTED,
            comment="Interessati: abbiamo la popolazione e un'unità di ricerca clinica dedicata.",
        )
        # Stages reached in the past, a few weeks apart, up to the target one.
        reached = STAGE_ORDER[: STAGE_ORDER.index(stage) + 1] if stage in STAGE_ORDER else STAGE_ORDER[:3]
        started = today - timedelta(days=30 * len(reached) + 10)
        _backdate(introduction, request, started)
        investigation = services.start_investigation(
            introduction=introduction, reviewer=staff, title=title, clinics=[clinic], started_on=started
        )
        for step, later in enumerate(reached[1:], start=1):
            services.record_stage(
                investigation=investigation, user=staff, stage=later, on=started + timedelta(days=30 * step)
            )
        if stage == InvestigationStage.STOPPED:
            services.record_stage(
                investigation=investigation, user=staff, stage=stage, on=today - timedelta(days=5), note=note
            )
        if civ_id:
            services.update_investigation(investigation=investigation, user=staff, title=title, civ_id=civ_id)
        if stage == InvestigationStage.COMPLETED:
            services.close_introduction(introduction=introduction, reviewer=staff, status=Introduction.Status.CLOSED)

    # Requests still under way: one the board is to propose clinics for, one awaiting the clinics' replies.
    services.request_introduction(
        member=members[0],
        device="Sistema di monitoraggio continuo del glucosio con sensore sottocutaneo a 14 giorni (classe IIb).",
        investigation="Indagine di accuratezza rispetto al riferimento di laboratorio, 100 adulti con diabete.",
        board_proposes=True,
    )
    declined = services.request_introduction(
        member=members[0],
        device="App di benessere per il monitoraggio del sonno, senza finalità mediche.",
        investigation="Studio di usabilità con 15 volontari sani.",
        board_proposes=True,
    )
    # Not a medical device (MDR Art. 2(1)): no clinical investigation to broker.
    services.close_introduction(introduction=declined, reviewer=staff, status=Introduction.Status.DECLINED)
    awaiting = services.request_introduction(
        member=members[1],
        device="Esoscheletro per arto superiore per la riabilitazione dopo ictus (classe IIa).",
        investigation="Studio pilota su 20 pazienti ricoverati in riabilitazione neurologica.",
        clinics=[clinics[1], clinics[3]],
    )
    services.send_feasibility_requests(
        introduction=awaiting,
        reviewer=staff,
        contacts=[_contact_of(clinics[1]), _contact_of(clinics[3])],
        message="Il board vi chiede se il vostro centro è interessato a questa indagine.",
        reply_by=services.default_reply_by(today),
    )
    return FacilitatedInvestigation.objects.count()
