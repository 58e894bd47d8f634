"""Demo data for a first run: organisations of each kind, one user per role,
the topic taxonomy. Idempotent: running it again changes nothing.

Every person and contact here is invented; organisations may carry the names
of real public institutions.
"""

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from experts.demo import seed_counselling
from experts.models import ExpertProfile, Sector, Topic
from experts.network_demo import seed_introductions, seed_network
from experts.taxonomy import sync_topics
from forum.demo import link_counselling_questions, seed_board_work, seed_forum
from forum.models import Question
from guidelines.demo import seed_guidelines
from portal.accounts.models import Organisation, User
from portal.accounts.roles import Role
from portal.metrics.demo import seed_visits
from portal.surveys.demo import seed_survey

DEMO_PASSWORD = "demo-ctcc-2026"

ORGANISATIONS = [
    ("Brianza Medical Devices S.r.l.", Organisation.Kind.SME, "Monza"),
    ("NeuroPasso S.r.l.", Organisation.Kind.STARTUP, "Milano"),
    ("Lombarda Biomedicale S.p.A.", Organisation.Kind.LARGE_COMPANY, "Brescia"),
    ("Politecnico di Milano", Organisation.Kind.UNIVERSITY, "Milano"),
    ("CNR – Istituto di Tecnologie Biomediche", Organisation.Kind.RESEARCH_ORGANISATION, "Segrate"),
    ("Fondazione IRCCS Ca' Granda Ospedale Maggiore Policlinico", Organisation.Kind.HOSPITAL, "Milano"),
    ("Regione Lombardia", Organisation.Kind.PUBLIC_BODY, "Milano"),
    ("Cluster Tecnologie per gli Ambienti di Vita", Organisation.Kind.OTHER, "Milano"),
]

# (email, full name, role, organisation, language)
USERS = [
    ("member@demo.example.org", "Giulia Ferrari", Role.MEMBER, "Brianza Medical Devices S.r.l.", "it"),
    ("member2@demo.example.org", "Marco Colombo", Role.MEMBER, "NeuroPasso S.r.l.", "en"),
    ("expert@demo.example.org", "Elena Bianchi", Role.EXPERT, "Politecnico di Milano", "it"),
    (
        "expert2@demo.example.org",
        "Marco Conti",
        Role.EXPERT,
        "Fondazione IRCCS Ca' Granda Ospedale Maggiore Policlinico",
        "it",
    ),
    ("expert3@demo.example.org", "Paola Riva", Role.EXPERT, "CNR – Istituto di Tecnologie Biomediche", "en"),
    ("expert4@demo.example.org", "Giorgio Fontana", Role.EXPERT, None, "it"),
    ("expert5@demo.example.org", "Chiara Moretti", Role.EXPERT, None, "it"),
    ("expert6@demo.example.org", "Davide Galli", Role.EXPERT, None, "it"),
    ("expert7@demo.example.org", "Francesca Longo", Role.EXPERT, None, "it"),
    ("expert8@demo.example.org", "Alessandro Marchetti", Role.EXPERT, "Lombarda Biomedicale S.p.A.", "it"),
    ("expert9@demo.example.org", "Silvia Barbieri", Role.EXPERT, None, "en"),
    ("expert10@demo.example.org", "Roberto Ferri", Role.EXPERT, None, "it"),
    ("expert11@demo.example.org", "Laura Caputo", Role.EXPERT, None, "it"),
    ("expert12@demo.example.org", "Matteo Sala", Role.EXPERT, None, "it"),
    ("staff@demo.example.org", "Luca Rossi", Role.STAFF, "Cluster Tecnologie per gli Ambienti di Vita", "it"),
    ("admin@demo.example.org", "Sara Galli", Role.ADMINISTRATOR, "Cluster Tecnologie per gli Ambienti di Vita", "it"),
]


# (email, sector, affiliation, topics, short biography): invented people.
EXPERT_PROFILES = [
    (
        "expert@demo.example.org",
        Sector.UNIVERSITY,
        "Politecnico di Milano, Dipartimento di Elettronica, Informazione e Bioingegneria",
        ["software-ai", "regulatory-pathway", "usability"],
        "Bioingegnera, si occupa di software come dispositivo medico e di valutazione clinica.",
    ),
    (
        "expert2@demo.example.org",
        Sector.CLINICAL,
        "Fondazione IRCCS Ca' Granda Ospedale Maggiore Policlinico, Clinical Trial Center",
        ["ethics-authority-submission", "populations-sites", "iso-14155-gcp"],
        "Medico, coordina studi multicentrici su dispositivi medici.",
    ),
    (
        "expert3@demo.example.org",
        Sector.RESEARCH,
        "CNR, Istituto di Tecnologie Biomediche",
        ["statistics-sample-size", "investigation-plan", "pmcf"],
        "Biostatistician; designs pilot and pivotal device investigations.",
    ),
    (
        "expert4@demo.example.org",
        Sector.UNIVERSITY,
        "Università degli Studi di Milano, Dipartimento di Scienze Cliniche e di Comunità",
        ["statistics-sample-size", "data-protection"],
        "Epidemiologo; si occupa di registri e di protezione dei dati negli studi clinici.",
    ),
    (
        "expert5@demo.example.org",
        Sector.CLINICAL,
        "ASST Grande Ospedale Metropolitano Niguarda, Cardiologia",
        ["populations-sites", "investigation-plan", "pmcf"],
        "Cardiologa interventista, sperimentatrice principale in indagini su dispositivi impiantabili.",
    ),
    (
        "expert6@demo.example.org",
        Sector.CLINICAL,
        "IRCCS Istituto Ortopedico Galeazzi, Ufficio ricerca clinica",
        ["iso-14155-gcp", "ethics-authority-submission", "contracts-insurance"],
        "Coordinatore di ricerca clinica: contratti con i centri, assicurazione, monitoraggio.",
    ),
    (
        "expert7@demo.example.org",
        Sector.RESEARCH,
        "Fondazione Bruno Kessler, Digital Health",
        ["software-ai", "data-protection", "usability"],
        "Ingegnera informatica; valutazione di software e IA come dispositivi medici.",
    ),
    (
        "expert8@demo.example.org",
        Sector.INDUSTRY,
        "Lombarda Biomedicale S.p.A., Affari regolatori",
        ["regulatory-pathway", "pmcf", "iso-14155-gcp"],
        "Responsabile affari regolatori di un fabbricante di dispositivi di classe III.",
    ),
    (
        "expert9@demo.example.org",
        Sector.INDUSTRY,
        "Independent regulatory consultant, formerly at a notified body",
        ["regulatory-pathway", "investigation-plan"],
        "Former notified-body clinical reviewer; advises start-ups on clinical evaluation plans.",
    ),
    (
        "expert10@demo.example.org",
        Sector.RESEARCH,
        "Istituto di Ricerche Farmacologiche Mario Negri, Laboratorio di dispositivi medici",
        ["statistics-sample-size", "populations-sites"],
        "Ricercatore; metodologia degli studi osservazionali e dei follow-up post-commercializzazione.",
    ),
    (
        "expert11@demo.example.org",
        Sector.UNIVERSITY,
        "Università degli Studi di Pavia, Dipartimento di Ingegneria Industriale e dell'Informazione",
        ["usability", "investigation-plan"],
        "Bioingegnera; ergonomia e fattori umani dei dispositivi medici (IEC 62366-1).",
    ),
    (
        "expert12@demo.example.org",
        Sector.INDUSTRY,
        "Confindustria Dispositivi Medici, gruppo PMI",
        ["funding-calls", "contracts-insurance"],
        "Rappresentante delle PMI; bandi regionali ed europei per la ricerca clinica.",
    ),
]


class Command(BaseCommand):
    help = "Load the demo data set (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="Load demo accounts even when DEMO_MODE is off (their password is public).",
        )

    def handle(self, *args, allow_production: bool = False, **options):
        if not settings.DEMO_MODE and not allow_production:
            raise CommandError(
                "DEMO_MODE is off: demo accounts have a public password. Use --allow-production to insist."
            )
        with transaction.atomic():
            topics = sync_topics()
            organisations = {
                name: Organisation.objects.get_or_create(name=name, defaults={"kind": kind, "city": city})[0]
                for name, kind, city in ORGANISATIONS
            }
            created = [self._ensure_user(*row, organisations=organisations) for row in USERS]
            users = {email: User.objects.get(email=email) for email, *_rest in USERS}
            for email, sector, affiliation, slugs, bio in EXPERT_PROFILES:
                self._ensure_profile(users[email], sector, affiliation, slugs, bio)
            seed_forum(
                member=users["member@demo.example.org"],
                other_member=users["member2@demo.example.org"],
                experts=[users[f"expert{n}@demo.example.org"] for n in ("", "2", "3")],
                staff=users["staff@demo.example.org"],
            )
            assignments = seed_board_work(
                member=users["member@demo.example.org"],
                other_member=users["member2@demo.example.org"],
                experts=[users[f"expert{n}@demo.example.org"] for n in ("", "2", "3", "4", "5", "6", "7")],
                staff=users["staff@demo.example.org"],
            )
            projects = seed_counselling(
                organisations=organisations,
                members=[users["member@demo.example.org"], users["member2@demo.example.org"]],
                experts=[users[f"expert{n}@demo.example.org"] for n in ("", "2", "3")],
                staff=users["staff@demo.example.org"],
            )
            link_counselling_questions()
            clinics = seed_network()
            investigations = seed_introductions(
                members=[users["member@demo.example.org"], users["member2@demo.example.org"]],
                staff=users["staff@demo.example.org"],
                clinics=clinics,
            )
            versions = seed_guidelines(
                staff=users["staff@demo.example.org"],
                editor=users["expert3@demo.example.org"],
                reviewers=[users[f"expert{n}@demo.example.org"] for n in ("", "2", "3")],
                subscribers=[users["member@demo.example.org"], users["member2@demo.example.org"]],
            )
            survey_responses = seed_survey(staff=users["staff@demo.example.org"])
            seed_visits()
            questions = Question.objects.count()
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data ready: {len(organisations)} organisations, {topics} topics, "
                f"{len(EXPERT_PROFILES)} experts, {questions} questions, {assignments} assignments, "
                f"{projects} funded projects, {len(clinics)} clinics, {investigations} facilitated investigations, "
                f"{versions} guidelines versions published, a survey with {survey_responses} responses, "
                "six months of visits."
            )
        )
        if any(created):
            self.stdout.write("New demo accounts were created.")
        self.stdout.write(f"\nDemo accounts (password for all: {DEMO_PASSWORD}):")
        for email, name, role, organisation, _language in USERS:
            mfa = "  (must enable two-factor authentication at first sign-in)" if role != Role.MEMBER else ""
            where = f", {organisation}" if organisation else ""
            self.stdout.write(f"  {role.label:<15} {email:<28} {name}{where}{mfa}")

    def _ensure_profile(self, user, sector, affiliation, topics, bio) -> None:
        profile, created = ExpertProfile.objects.get_or_create(
            user=user,
            defaults={
                "sector": sector,
                "affiliation": affiliation,
                "bio": bio,
                "declaration_of_interests": "Nessun interesse da dichiarare. (Dichiarazione dimostrativa.)",
            },
        )
        if created:
            profile.topics.set(Topic.objects.filter(slug__in=topics))

    def _ensure_user(self, email, full_name, role, organisation, language, *, organisations) -> bool:
        user, created = User.objects.get_or_create(
            email=email,
            defaults={
                "full_name": full_name,
                "role": role,
                "organisation": organisations.get(organisation),
                "preferred_language": language,
            },
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
        EmailAddress.objects.update_or_create(user=user, email=email, defaults={"verified": True, "primary": True})
        return created
