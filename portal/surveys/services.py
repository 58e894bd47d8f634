"""Writes of the surveys: building a survey, publishing it, inviting its
audience and reminding it, and the respondents' drafts and responses."""

import secrets
from dataclasses import dataclass
from datetime import date, datetime
from itertools import batched

from django.db import IntegrityError, transaction
from django.db.models import F, Max, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from experts.models.introductions import hash_token
from experts.models.network import ClinicContact
from portal import audit, jobs
from portal.accounts.models import User
from portal.accounts.roles import Capability, Role, user_can
from portal.audit.models import Action as AuditAction
from portal.errors import ServiceError
from portal.mail import mail_user, send_in_language
from portal.surveys.models import Answer, Audience, Draft, Invitation, Option, Question, Response, Survey

BATCH = 500


class SurveyError(ServiceError):
    """An action on a survey that is not allowed now; its message is for the user."""


def _require_runner(user) -> None:
    if not user_can(user, Capability.RUN_SURVEYS):
        raise SurveyError(gettext("You may not do this."))


def _require_editable(survey: Survey) -> None:
    if survey.is_published:
        raise SurveyError(
            gettext(
                "This survey has been published: its questions can no longer be changed. Only its close date can move."
            )
        )


def new_token() -> tuple[str, str]:
    """A personal link's token and the hash that is stored."""
    token = secrets.token_urlsafe(32)
    return token, hash_token(token)


# Building.

SURVEY_FIELDS = ("title_it", "title_en", "intro_it", "intro_en", "opens_at", "closes_at", "anonymous", "audience")


@transaction.atomic
def create_survey(
    *,
    by: User,
    title_it: str,
    title_en: str,
    intro_it: str = "",
    intro_en: str = "",
    opens_at: datetime,
    closes_at: datetime,
    anonymous: bool,
    audience: str,
) -> Survey:
    """A new draft survey."""
    _require_runner(by)
    if closes_at <= opens_at:
        raise SurveyError(gettext("The survey must close after it opens."))
    return Survey.objects.create(
        title_it=title_it,
        title_en=title_en,
        intro_it=intro_it,
        intro_en=intro_en,
        opens_at=opens_at,
        closes_at=closes_at,
        anonymous=anonymous,
        audience=audience,
        created_by=by,
    )


@transaction.atomic
def update_survey(*, survey: Survey, by: User, **fields) -> Survey:
    """Change a draft survey; once published only ``closes_at`` may change."""
    _require_runner(by)
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    unknown = set(fields) - set(SURVEY_FIELDS)
    if unknown:
        raise TypeError(f"Unknown survey fields: {sorted(unknown)}")
    if survey.is_published:
        changed = {name for name, value in fields.items() if getattr(survey, name) != value}
        if changed - {"closes_at"}:
            _require_editable(survey)
    closed_before = survey.closes_at
    for name, value in fields.items():
        setattr(survey, name, value)
    if survey.closes_at <= survey.opens_at:
        raise SurveyError(gettext("The survey must close after it opens."))
    survey.save()
    if survey.is_published and survey.closes_at != closed_before:
        audit.record(
            actor=by,
            action=AuditAction.SURVEY_CLOSE_DATE_CHANGED,
            target=survey,
            details={"closes_at": [closed_before, survey.closes_at]},
        )
    return survey


@dataclass(frozen=True)
class QuestionData:
    kind: str
    text_it: str
    text_en: str
    help_it: str = ""
    help_en: str = ""
    required: bool = True
    low_label_it: str = ""
    low_label_en: str = ""
    high_label_it: str = ""
    high_label_en: str = ""
    min_value: object = None
    max_value: object = None
    options: tuple[tuple[str, str], ...] = ()  # (Italian, English)


def _apply(question: Question, data: QuestionData) -> None:
    for name in (
        "kind",
        "text_it",
        "text_en",
        "help_it",
        "help_en",
        "required",
        "low_label_it",
        "low_label_en",
        "high_label_it",
        "high_label_en",
        "min_value",
        "max_value",
    ):
        setattr(question, name, getattr(data, name))
    if question.kind != Question.Kind.LIKERT:
        question.low_label_it = question.low_label_en = question.high_label_it = question.high_label_en = ""
    if question.kind != Question.Kind.NUMBER:
        question.min_value = question.max_value = None
    if question.has_options and len(data.options) < 2:
        raise SurveyError(gettext("A choice question needs at least two options."))


def _replace_options(question: Question, data: QuestionData) -> None:
    question.options.all().delete()
    if question.has_options:
        Option.objects.bulk_create(
            Option(question=question, position=position, text_it=it, text_en=en)
            for position, (it, en) in enumerate(data.options)
        )


@transaction.atomic
def add_question(*, survey: Survey, by: User, data: QuestionData) -> Question:
    """Add a question at the end of a draft survey."""
    _require_runner(by)
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    _require_editable(survey)
    last = survey.questions.aggregate(last=Max("position"))["last"]
    question = Question(survey=survey, position=0 if last is None else last + 1)
    _apply(question, data)
    question.save()
    _replace_options(question, data)
    return question


@transaction.atomic
def update_question(*, question: Question, by: User, data: QuestionData) -> Question:
    _require_runner(by)
    survey = Survey.objects.select_for_update().get(pk=question.survey_id)
    _require_editable(survey)
    _apply(question, data)
    question.save()
    _replace_options(question, data)
    return question


@transaction.atomic
def move_question(*, question: Question, by: User, up: bool) -> None:
    """Swap a question with the one before (``up``) or after it."""
    _require_runner(by)
    survey = Survey.objects.select_for_update().get(pk=question.survey_id)
    _require_editable(survey)
    questions = list(survey.questions.only("pk", "position"))
    index = next(i for i, q in enumerate(questions) if q.pk == question.pk)
    other = index - 1 if up else index + 1
    if not 0 <= other < len(questions):
        return
    questions[index], questions[other] = questions[other], questions[index]
    for position, item in enumerate(questions):
        item.position = position
    Question.objects.bulk_update(questions, ["position"])


@transaction.atomic
def delete_question(*, question: Question, by: User) -> None:
    _require_runner(by)
    survey = Survey.objects.select_for_update().get(pk=question.survey_id)
    _require_editable(survey)
    question.delete()


@transaction.atomic
def publish_survey(*, survey: Survey, by: User, now: datetime | None = None) -> Survey:
    """Freeze the questions and let the survey open at its opening time."""
    _require_runner(by)
    now = now or timezone.now()
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    if survey.is_published:
        raise SurveyError(gettext("This survey is already published."))
    if not survey.questions.exists():
        raise SurveyError(gettext("Add at least one question before publishing."))
    if survey.closes_at <= now:
        raise SurveyError(gettext("The close date has passed: move it before publishing."))
    survey.published_at = now
    if survey.audience == Audience.PUBLIC:
        survey.public_key = secrets.token_urlsafe(24)
    survey.save(update_fields=["published_at", "public_key"])
    audit.record(actor=by, action=AuditAction.SURVEY_PUBLISHED, target=survey, details={"audience": survey.audience})
    return survey


# Invitations and reminders.


def audience_users(survey: Survey):
    role = {Audience.MEMBERS: Role.MEMBER, Audience.EXPERTS: Role.EXPERT}.get(survey.audience)
    if role is None:
        return User.objects.none()
    return User.objects.filter(role=role, is_active=True)


def audience_contacts(survey: Survey):
    if survey.audience != Audience.CLINIC_CONTACTS:
        return ClinicContact.objects.none()
    return ClinicContact.objects.reachable().exclude(email="")


def request_invitations(*, survey: Survey, by: User) -> None:
    """Queue the invitations of everyone in the audience not invited yet."""
    _require_runner(by)
    if not survey.uses_invitations:
        raise SurveyError(gettext("A survey with a public link has no invitations: share the link."))
    if survey.state() not in (Survey.State.SCHEDULED, Survey.State.OPEN):
        raise SurveyError(gettext("Invitations can be sent only for a published survey that has not closed."))
    from portal.surveys.tasks import invite_audience

    jobs.enqueue(invite_audience, survey.pk)


def request_reminders(*, survey: Survey, by: User) -> None:
    """Queue a reminder to everyone invited who has not answered (once a day at most)."""
    _require_runner(by)
    if survey.state() != Survey.State.OPEN:
        raise SurveyError(gettext("Reminders can be sent only while the survey is open."))
    from portal.surveys.tasks import remind_invitees

    jobs.enqueue(remind_invitees, survey.pk)


def _link(token: str) -> str:
    return reverse("surveys:invitation", args=[token])


def _email(invitation: Invitation, token: str, *, template: str) -> None:
    survey = invitation.survey
    context = {"survey": survey, "link": _link(token), "invitation": invitation}
    if invitation.user_id:
        mail_user(user=invitation.user, subject=lambda: _subject(survey, template), template=template, context=context)
    else:
        send_in_language(
            to=invitation.contact.email,
            language=invitation.contact.language,
            subject=lambda: _subject(survey, template),
            template=template,
            context={"recipient": invitation.contact, **context},
        )


def _subject(survey: Survey, template: str) -> str:
    if "reminder" in template:
        return gettext("Reminder: %(title)s") % {"title": survey.title}
    return gettext("Survey: %(title)s") % {"title": survey.title}


def invite_audience(survey_id: int, *, now: datetime | None = None) -> int:
    """Create and email the invitations of the audience's people not invited
    yet; returns how many. Running it again invites only newcomers."""
    now = now or timezone.now()
    with transaction.atomic():
        # The lock makes two runs for one survey take turns.
        survey = Survey.objects.select_for_update().filter(pk=survey_id).first()
        if survey is None or not survey.uses_invitations:
            return 0
        if survey.state(now) not in (Survey.State.SCHEDULED, Survey.State.OPEN):
            return 0
        already = Invitation.objects.filter(survey=survey)
        users = list(
            audience_users(survey)
            .exclude(pk__in=already.filter(user__isnull=False).values("user_id"))
            .only("pk", "email", "full_name", "preferred_language")
            .order_by("pk")
        )
        contacts = list(
            audience_contacts(survey)
            .exclude(pk__in=already.filter(contact__isnull=False).values("contact_id"))
            .only("pk", "email", "full_name", "language")
            .order_by("pk")
        )
        people = [("user", person) for person in users] + [("contact", person) for person in contacts]
        for batch in batched(people, BATCH, strict=False):
            tokens = [new_token() for _ in batch]
            invitations = Invitation.objects.bulk_create(
                Invitation(
                    survey=survey,
                    token_hash=hashed,
                    emailed_at=now,
                    created_at=now,
                    **{kind: person},
                )
                for (kind, person), (_token, hashed) in zip(batch, tokens, strict=True)
            )
            for invitation, (token, _hashed) in zip(invitations, tokens, strict=True):
                invitation.survey = survey
                _email(invitation, token, template="surveys/email/invitation.txt")
        if people:
            survey.invitations_sent_at = now
            survey.save(update_fields=["invitations_sent_at"])
    return len(people)


def remind_invitees(survey_id: int, *, today: date | None = None) -> int:
    """Email a reminder, with a new personal link (the earlier one stops
    working), to each invitee who has not answered and was not reminded today."""
    today = today or timezone.localdate()
    with transaction.atomic():
        survey = Survey.objects.select_for_update().filter(pk=survey_id).first()
        if survey is None or survey.state() != Survey.State.OPEN:
            return 0
        pending = list(
            Invitation.objects.filter(survey=survey, used_at__isnull=True)
            .filter(Q(user__is_active=True) | Q(contact__erased_at__isnull=True, contact__isnull=False))
            .exclude(reminded_on=today)
            .select_related("user", "contact")
            .order_by("pk")
        )
        for batch in batched(pending, BATCH, strict=False):
            tokens = []
            for invitation in batch:
                token, invitation.token_hash = new_token()
                invitation.reminded_on = today
                invitation.reminders = F("reminders") + 1
                tokens.append(token)
            Invitation.objects.bulk_update(batch, ["token_hash", "reminded_on", "reminders"])
            for invitation, token in zip(batch, tokens, strict=True):
                invitation.survey = survey
                _email(invitation, token, template="surveys/email/reminder.txt")
    return len(pending)


# Responding.


@dataclass
class Respondent:
    """Who is answering: an invitation (a link, or a signed-in user's own), or
    a public-link visitor known by the hash of their resume key."""

    invitation: Invitation | None = None
    user: User | None = None
    resume_key_hash: str | None = None


def respondent_for_user(*, survey: Survey, user: User) -> Respondent:
    """A signed-in user of the audience; their invitation, when they have one."""
    invitation = Invitation.objects.filter(survey=survey, user=user).first()
    return Respondent(invitation=invitation, user=user)


def _ensure_invitation(survey: Survey, respondent: Respondent) -> Invitation | None:
    """A signed-in user answering without an invitation gets one (not emailed):
    it is what makes their answer count once, even for an anonymous survey."""
    if respondent.invitation is not None or respondent.user is None:
        return respondent.invitation
    _token, hashed = new_token()
    invitation, _created = Invitation.objects.get_or_create(
        survey=survey, user=respondent.user, defaults={"token_hash": hashed}
    )
    respondent.invitation = invitation
    return invitation


def find_draft(*, survey: Survey, respondent: Respondent) -> Draft | None:
    if respondent.invitation is not None:
        return Draft.objects.filter(invitation=respondent.invitation).first()
    if respondent.resume_key_hash:
        return Draft.objects.filter(survey=survey, resume_key_hash=respondent.resume_key_hash).first()
    return None


def _require_open(survey: Survey, respondent: Respondent) -> None:
    if survey.state() != Survey.State.OPEN:
        raise SurveyError(gettext("This survey is not open."))
    if respondent.invitation is not None and respondent.invitation.used_at is not None:
        raise SurveyError(gettext("You have already answered this survey. Thank you."))


@transaction.atomic
def save_draft(*, survey: Survey, respondent: Respondent, answers: dict) -> Draft:
    """Keep the answers so far, to come back later through the same link."""
    _require_open(survey, respondent)
    invitation = _ensure_invitation(survey, respondent)
    now = timezone.now()
    if invitation is not None:
        if Invitation.objects.filter(pk=invitation.pk, used_at__isnull=False).exists():
            raise SurveyError(gettext("You have already answered this survey. Thank you."))
        draft, _created = Draft.objects.update_or_create(
            invitation=invitation, defaults={"survey": survey, "answers": answers, "updated_at": now}
        )
        return draft
    if not respondent.resume_key_hash:
        raise SurveyError(gettext("Your answers could not be saved: please reload the page."))
    draft, _created = Draft.objects.update_or_create(
        resume_key_hash=respondent.resume_key_hash,
        survey=survey,
        defaults={"answers": answers, "updated_at": now},
    )
    return draft


def submit_response(*, survey: Survey, respondent: Respondent, answers: dict, now: datetime | None = None) -> Response:
    """Record the final response (answers already validated by the form) and
    discard the draft. One per invitation and per user, whatever the timing."""
    now = now or timezone.now()
    _require_open(survey, respondent)
    try:
        with transaction.atomic():
            invitation = _ensure_invitation(survey, respondent)
            if invitation is not None:
                # Claimed by a conditional UPDATE: of two simultaneous
                # submissions, one finds the invitation already used.
                claimed = Invitation.objects.filter(pk=invitation.pk, used_at__isnull=True).update(used_at=now)
                if not claimed:
                    raise SurveyError(gettext("You have already answered this survey. Thank you."))
            if survey.anonymous:
                day = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
                response = Response.objects.create(survey=survey, anonymous=True, submitted_at=day)
            else:
                response = Response.objects.create(
                    survey=survey,
                    anonymous=False,
                    user=respondent.user or (invitation.user if invitation else None),
                    invitation=invitation,
                    submitted_at=now,
                )
            Answer.objects.bulk_create(_answer_rows(survey, response, answers))
            draft = find_draft(survey=survey, respondent=respondent)
            if draft is not None:
                draft.delete()
    except IntegrityError as error:
        raise SurveyError(gettext("You have already answered this survey. Thank you.")) from error
    return response


def _answer_rows(survey: Survey, response: Response, answers: dict) -> list[Answer]:
    questions = {str(question.pk): question for question in survey.questions.prefetch_related("options")}
    rows = []
    for key, value in answers.items():
        question = questions.get(str(key))
        if question is None or value in (None, "", []):
            continue
        kind = question.kind
        if kind in (Question.Kind.LIKERT, Question.Kind.NPS):
            rows.append(Answer(response=response, question=question, score=int(value)))
        elif kind == Question.Kind.SINGLE:
            rows.append(Answer(response=response, question=question, option_id=int(value)))
        elif kind == Question.Kind.MULTIPLE:
            rows.extend(Answer(response=response, question=question, option_id=int(item)) for item in value)
        elif kind == Question.Kind.NUMBER:
            rows.append(Answer(response=response, question=question, number=value))
        else:
            rows.append(Answer(response=response, question=question, text=str(value)))
    return rows
