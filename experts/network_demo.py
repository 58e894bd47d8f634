"""Demo data of the clinical network (``seed_demo``): real Lombardy hospitals
with the territorial ethics committee (CET) each one hosts, indicative clinical
populations with their ICD-10 codes, and invented contact persons.

The CET of each clinic follows D.G.R. XI/6726 of 25 July 2022, which set up
Lombardy's six territorial ethics committees and the institutions hosting them.
The experience flags, departments and patient numbers are demo figures, not
the hospitals' own statistics.
"""

from datetime import timedelta

from django.utils import timezone

from experts.models import AgeGroup, CareSetting, Clinic, ClinicalPopulation, ClinicContact, ClinicType, Department

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
