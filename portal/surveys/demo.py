"""The demo survey for a first run (``seed_demo``): the centre's first
satisfaction survey, anonymous, sent to all members, closed ten days ago with
25 responses. Idempotent: nothing is loaded when it exists.

The two demo members are too few for a realistic response rate, so the
survey's audience includes invented members of the demo organisations, who
have accounts without a password (they cannot sign in)."""

import random
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from portal.accounts.models import Organisation, User
from portal.accounts.roles import Role
from portal.surveys.models import Answer, Audience, Invitation, Option, Question, Response, Survey
from portal.surveys.services import new_token

TITLE_IT = "Questionario di gradimento del Centro di competenza"
TITLE_EN = "Satisfaction survey of the Competence Centre"

RESPONDENT_NAMES = [
    "Alberto Mariani",
    "Beatrice Ferraro",
    "Carlo Rinaldi",
    "Daniela Greco",
    "Emanuele Testa",
    "Federica Lombardi",
    "Gabriele Costa",
    "Ilaria Fabbri",
    "Jacopo Martini",
    "Lucia Santoro",
    "Massimo Gatti",
    "Nicoletta Bruno",
    "Orazio Pellegrini",
    "Patrizia Serra",
    "Riccardo Vitale",
    "Serena Leone",
    "Tommaso Villa",
    "Valentina Monti",
    "Walter Cattaneo",
    "Zaira Parisi",
    "Andrea Bellini",
    "Barbara Guerra",
    "Claudio Ferretti",
    "Diana Rizzi",
    "Enrico Sartori",
    "Fabiola Morelli",
    "Giacomo De Luca",
    "Irene Mancini",
    "Leonardo Pagano",
    "Marta Farina",
    "Nicola Orlando",
    "Ornella Basile",
    "Pietro Benedetti",
    "Rita Amato",
    "Stefano Grasso",
    "Teresa D'Angelo",
    "Umberto Caruso",
    "Vittoria Negri",
]

SUGGESTIONS = [
    "Tempi di risposta del board ottimi, ma servirebbe un percorso guidato per capire se rientriamo "
    "nell'art. 62 o nell'art. 74(1) del MDR.",
    "Sarebbe utile un modello di lettera di accompagnamento per il comitato etico territoriale.",
    "Chiediamo un webinar su come ottenere il CIV-ID e sulla documentazione da presentare "
    "finché EUDAMED non è operativo.",
    "Le linee guida sono chiare; aggiungerei esempi di calcolo della dimensione campionaria per studi pilota.",
    "La presentazione ai centri clinici ci ha fatto risparmiare mesi. Grazie!",
    "Per una start-up come la nostra i costi assicurativi restano il vero ostacolo: "
    "qualche indicazione pratica aiuterebbe.",
    "Vorremmo poter allegare documenti riservati alle domande senza renderli visibili ad altri associati.",
    "Risposte competenti, ma a volte troppo generiche rispetto al nostro dispositivo di classe IIb.",
    "Utile il confronto con gli sperimentatori: continuate a organizzare incontri con gli IRCCS lombardi.",
    "Un elenco aggiornato dei tempi medi dei CET per l'approvazione ci aiuterebbe a pianificare.",
    "Il forum è utile ma la ricerca delle domande già risposte andrebbe migliorata.",
    "Ottimo supporto sul piano di indagine clinica secondo la ISO 14155; serve più aiuto sul PMCF.",
]

QUESTIONS = [
    (
        Question.Kind.LIKERT,
        "Nel complesso sono soddisfatto/a del Centro di competenza.",
        "Overall, I am satisfied with the Competence Centre.",
        [],
    ),
    (
        Question.Kind.LIKERT,
        "Le risposte del board di esperti sono state utili per il mio progetto.",
        "The board's answers were useful for my project.",
        [],
    ),
    (
        Question.Kind.LIKERT,
        "Le linee guida sui requisiti delle indagini cliniche sono chiare.",
        "The guidelines on the requirements of clinical investigations are clear.",
        [],
    ),
    (
        Question.Kind.SINGLE,
        "Il Centro ha contribuito ad avviare un'indagine clinica del vostro dispositivo?",
        "Did the centre help start a clinical investigation of your device?",
        [
            ("Sì, l'indagine è stata avviata", "Yes, it has started"),
            ("È in preparazione", "It is in preparation"),
            ("No", "No"),
            ("Non applicabile", "Not applicable"),
        ],
    ),
    (
        Question.Kind.NPS,
        "Quanto è probabile che consiglieresti il Centro a un'altra impresa del settore?",
        "How likely are you to recommend the centre to another company in the sector?",
        [],
    ),
    (Question.Kind.TEXT, "Suggerimenti per migliorare il servizio", "Suggestions to improve the service", []),
]


def seed_survey(*, staff: User) -> int:
    """Load the demo survey; returns its number of responses."""
    existing = Survey.objects.filter(is_demo=True, title_it=TITLE_IT).first()
    if existing is not None:
        return existing.responses.count()
    rng = random.Random(2026)  # noqa: S311 - repeatable demo data, not a secret
    now = timezone.now()
    closes_at = now - timedelta(days=10)
    opens_at = closes_at - timedelta(days=30)
    with transaction.atomic():
        members = _members()
        survey = Survey.objects.create(
            title_it=TITLE_IT,
            title_en=TITLE_EN,
            intro_it="Dieci minuti per dirci come il Centro vi ha aiutato nei primi mesi e cosa possiamo migliorare. "
            "Le risposte sono anonime.",
            intro_en="Ten minutes to tell us how the centre helped you in its first months and what we can improve. "
            "Responses are anonymous.",
            opens_at=opens_at,
            closes_at=closes_at,
            anonymous=True,
            audience=Audience.MEMBERS,
            published_at=opens_at - timedelta(days=1),
            invitations_sent_at=opens_at,
            created_by=staff,
            is_demo=True,
        )
        questions = []
        for position, (kind, text_it, text_en, options) in enumerate(QUESTIONS):
            question = Question.objects.create(
                survey=survey,
                position=position,
                kind=kind,
                text_it=text_it,
                text_en=text_en,
                required=kind != Question.Kind.TEXT,
            )
            question.choices = Option.objects.bulk_create(
                Option(question=question, position=n, text_it=it, text_en=en) for n, (it, en) in enumerate(options)
            )
            questions.append(question)
        invitations = Invitation.objects.bulk_create(
            Invitation(survey=survey, user=member, token_hash=new_token()[1], created_at=opens_at, emailed_at=opens_at)
            for member in members
        )
        answering = rng.sample(invitations, 25)
        for invitation in answering:
            used_at = opens_at + timedelta(days=rng.randint(0, 28), hours=rng.randint(8, 18))
            invitation.used_at = used_at
            day = timezone.localtime(used_at).replace(hour=0, minute=0, second=0, microsecond=0)
            response = Response.objects.create(survey=survey, anonymous=True, submitted_at=day)
            Answer.objects.bulk_create(_answers(rng, response, questions))
        Invitation.objects.bulk_update(answering, ["used_at"])
    return 25


def _members() -> list[User]:
    organisations = list(
        Organisation.objects.filter(
            kind__in=[
                Organisation.Kind.SME,
                Organisation.Kind.STARTUP,
                Organisation.Kind.LARGE_COMPANY,
                Organisation.Kind.UNIVERSITY,
                Organisation.Kind.RESEARCH_ORGANISATION,
            ]
        ).order_by("pk")
    )
    for number, name in enumerate(RESPONDENT_NAMES, start=1):
        user, created = User.objects.get_or_create(
            email=f"respondent{number:02d}@demo.example.org",
            defaults={
                "full_name": name,
                "role": Role.MEMBER,
                "organisation": organisations[number % len(organisations)] if organisations else None,
            },
        )
        if created:
            user.set_unusable_password()
            user.save(update_fields=["password"])
    return list(User.objects.filter(role=Role.MEMBER, is_active=True).order_by("pk"))


def _answers(rng: random.Random, response: Response, questions: list[Question]) -> list[Answer]:
    mood = rng.choices([5, 4, 3, 2], weights=[4, 5, 2, 1])[0]
    rows = []
    for question in questions:
        if question.kind == Question.Kind.LIKERT:
            score = max(1, min(5, mood + rng.choice([-1, 0, 0, 1])))
            rows.append(Answer(response=response, question=question, score=score))
        elif question.kind == Question.Kind.SINGLE:
            option = rng.choices(question.choices, weights=[4, 6, 9, 6])[0]
            rows.append(Answer(response=response, question=question, option=option))
        elif question.kind == Question.Kind.NPS:
            score = max(0, min(10, mood * 2 + rng.choice([-2, -1, 0, 0, 1])))
            rows.append(Answer(response=response, question=question, score=score))
        elif rng.random() < 0.6:
            rows.append(Answer(response=response, question=question, text=rng.choice(SUGGESTIONS)))
    return rows
