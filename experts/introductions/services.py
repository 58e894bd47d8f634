"""Writes of introductions to clinics: a member's request, the feasibility
requests the board sends, the contacts' answers through their personal links,
and the facilitated investigations that follow, stage by stage."""

import re
import secrets
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from experts.calendar import add_working_days
from experts.introductions.permissions import may_request_introductions, works_on_introductions
from experts.introductions.selectors import (
    CLOSED_STATUSES,
    COUNTED_STAGES,
    FINAL_STAGES,
    candidate_clinic_ids,
    is_open,
    link_state,
    may_start_investigation,
    next_stages,
    short_title,
)
from experts.models import (
    Clinic,
    ClinicalPopulation,
    ClinicContact,
    CounsellingCase,
    FacilitatedInvestigation,
    FeasibilityRequest,
    Introduction,
    InvestigationStage,
    StageChange,
)
from experts.models.introductions import hash_token
from portal import audit
from portal.accounts.models import Notification, User
from portal.accounts.roles import Capability
from portal.accounts.services import notify
from portal.audit.models import Action as AuditAction
from portal.errors import ServiceError
from portal.mail import send_in_language

# Trial Nation's promise, which the centre follows: a collated answer within five working days.
REPLY_WORKING_DAYS = 5
# A personal link lives at most this long.
MAX_REPLY_DAYS = 60

# The EU-wide single identification number of a clinical investigation
# (MDCG 2021-20), as Eudamed assigns it: CIV-YY-MM-NNNNNN; older numbers
# carry the country code of the first submission (CIV-IT-19-03-012345).
CIV_ID_PATTERN = re.compile(r"^CIV-(?:[A-Z]{2}-)?[0-9]{2}-(?:0[1-9]|1[0-2])-[0-9]{6}$")


class IntroductionError(ServiceError):
    """An action on introductions or investigations that is not allowed; its message is for the user."""


class LinkUnusable(IntroductionError):
    """A personal link that no longer takes an answer; ``state`` says why
    ("answered", "expired" or "closed")."""

    def __init__(self, state: str):
        super().__init__(state)
        self.state = state


def _refuse_unless(allowed: bool) -> None:
    if not allowed:
        raise IntroductionError(gettext("Your role does not allow this."))


def _ensure_open(introduction: Introduction) -> None:
    if not is_open(introduction):
        raise IntroductionError(gettext("This introduction is closed."))


def default_reply_by(today: date | None = None) -> date:
    """Five working days from today."""
    return add_working_days(today or timezone.localdate(), REPLY_WORKING_DAYS)


def link_expiry(reply_by: date) -> datetime:
    """The end of the ``reply_by`` day in the portal's time zone: the first instant after it."""
    return datetime.combine(reply_by + timedelta(days=1), time.min, tzinfo=timezone.get_default_timezone())


def normalise_civ_id(value: str) -> str:
    return value.strip().upper()


def is_valid_civ_id(value: str) -> bool:
    return bool(CIV_ID_PATTERN.match(value))


def _requester(introduction: Introduction) -> list[User]:
    """The member who asked, while they still belong to the requesting organisation."""
    requester = introduction.requested_by
    if requester is not None and requester.organisation_id == introduction.organisation_id:
        return [requester]
    return []


def _notify_about(introduction: Introduction, *, recipients, kind: str, actor: User | None) -> None:
    notify(
        recipients=recipients,
        kind=kind,
        actor=actor,
        target_title=short_title(introduction),
        target_url=introduction.get_absolute_url(),
    )


def _listed_clinic_ids(clinic_ids: set[int]) -> set[int]:
    return set(Clinic.objects.listed().filter(pk__in=clinic_ids).values_list("pk", flat=True))


@transaction.atomic
def request_introduction(
    *,
    member: User,
    device: str,
    investigation: str,
    clinics: Iterable[Clinic] = (),
    populations: Iterable[ClinicalPopulation] = (),
    board_proposes: bool = False,
    question=None,
    counselling_case: CounsellingCase | None = None,
) -> Introduction:
    """A member asks to be introduced to clinics for a planned investigation:
    to the clinics they chose, to those treating the populations they chose,
    or to clinics the board will propose. Staff are told."""
    _refuse_unless(may_request_introductions(member))
    clinics, populations = list(clinics), list(populations)
    if not (clinics or populations or board_proposes):
        raise IntroductionError(
            gettext("Choose at least one clinic or clinical population, or ask the board to propose clinics.")
        )
    wanted = {clinic.pk for clinic in clinics} | {population.clinic_id for population in populations}
    if _listed_clinic_ids(wanted) != wanted:
        raise IntroductionError(gettext("Choose among the clinics listed in the directory."))
    if question is not None and (question.organisation_id != member.organisation_id or question.is_hidden):
        raise IntroductionError(gettext("Link one of your organisation's questions."))
    if counselling_case is not None and (
        counselling_case.organisation_id != member.organisation_id or counselling_case.is_closed
    ):
        raise IntroductionError(gettext("Link one of your organisation's open counselling cases."))
    introduction = Introduction.objects.create(
        requested_by=member,
        organisation_id=member.organisation_id,
        device=device.strip(),
        investigation=investigation.strip(),
        question=question,
        counselling_case=counselling_case,
        board_proposes=board_proposes,
    )
    introduction.clinics.set(clinics)
    introduction.populations.set(populations)
    _notify_about(
        introduction,
        recipients=User.objects.with_capability(Capability.MANAGE_DIRECTORY),
        kind=Notification.Kind.INTRODUCTION_REQUESTED,
        actor=member,
    )
    return introduction


@transaction.atomic
def propose_clinics(*, introduction: Introduction, reviewer: User, clinics: Iterable[Clinic]) -> Introduction:
    """The board adds clinics to a request that asked it to propose them."""
    _refuse_unless(works_on_introductions(reviewer))
    _ensure_open(introduction)
    if not introduction.board_proposes:
        raise IntroductionError(gettext("The member chose the clinics of this request."))
    clinics = list(clinics)
    if not clinics:
        raise IntroductionError(gettext("Choose at least one clinic."))
    wanted = {clinic.pk for clinic in clinics}
    if _listed_clinic_ids(wanted) != wanted:
        raise IntroductionError(gettext("Choose among the clinics listed in the directory."))
    introduction.clinics.add(*clinics)
    return introduction


def _email_contact(feasibility_request: FeasibilityRequest, token: str, reply_by: date) -> None:
    contact = feasibility_request.contact
    introduction = feasibility_request.introduction
    send_in_language(
        to=contact.email,
        language=contact.language,
        subject=lambda: gettext("Feasibility request: a clinical investigation of a medical device"),
        template="experts/introductions/email/feasibility_request.txt",
        context={
            "contact": contact,
            "clinic": feasibility_request.clinic,
            "organisation_name": introduction.organisation.name,
            "title": short_title(introduction),
            "message": introduction.message,
            "reply_by": reply_by,
            "link": settings.SITE_URL + reverse("experts:feasibility_answer", args=[token]),
        },
    )


@transaction.atomic
def send_feasibility_requests(
    *, introduction: Introduction, reviewer: User, contacts: Iterable[ClinicContact], message: str, reply_by: date
) -> list[FeasibilityRequest]:
    """Ask the chosen clinics' contacts whether they are interested: one request
    per contact, each with a personal link that works once and expires at the end
    of ``reply_by`` (only the token's hash is stored). Each contact is emailed in
    their language once the transaction commits; the member is told.

    Sending again (to contacts not asked yet) keeps the first ``sent_at`` and
    the later of the two reply dates."""
    _refuse_unless(works_on_introductions(reviewer))
    # Serialises two reviewers sending at once (no-op on SQLite).
    introduction = (
        Introduction.objects.select_for_update(of=("self",)).select_related("organisation").get(pk=introduction.pk)
    )
    _ensure_open(introduction)
    contacts = list(contacts)
    if not contacts:
        raise IntroductionError(gettext("Choose at least one contact."))
    message = message.strip()
    if not message:
        raise IntroductionError(gettext("Write a message to the clinics."))
    today = timezone.localdate()
    if reply_by < today:
        raise IntroductionError(gettext("The reply date cannot be in the past."))
    if reply_by > today + timedelta(days=MAX_REPLY_DAYS):
        raise IntroductionError(gettext("Give the clinics at most 60 days to reply."))
    wanted = {contact.pk for contact in contacts}
    allowed = set(
        ClinicContact.objects.reachable()
        .exclude(email="")
        .filter(pk__in=wanted, clinic_id__in=candidate_clinic_ids(introduction))
        .values_list("pk", flat=True)
    )
    if allowed != wanted:
        raise IntroductionError(
            gettext("Write only to contacts of the request's clinics who agreed to be contacted and have an email.")
        )
    if introduction.feasibility_requests.filter(contact_id__in=wanted).exists():
        raise IntroductionError(gettext("One of these contacts has been asked already."))

    first = introduction.sent_at is None
    introduction.status = Introduction.Status.SENT
    introduction.sent_at = introduction.sent_at or timezone.now()
    introduction.reply_by = max(reply_by, introduction.reply_by or reply_by)
    introduction.reviewed_by = reviewer
    introduction.message = message
    introduction.save(update_fields=["status", "sent_at", "reply_by", "reviewed_by", "message"])
    audit.record(
        actor=reviewer,
        action=AuditAction.INTRODUCTION_SENT,
        target=introduction,
        details={"contacts": len(contacts), "reply_by": reply_by},
    )

    expires_at = link_expiry(reply_by)
    created = []
    for contact in contacts:
        token = secrets.token_urlsafe(32)
        feasibility_request = FeasibilityRequest.objects.create(
            introduction=introduction,
            clinic_id=contact.clinic_id,
            contact=contact,
            token_hash=hash_token(token),
            expires_at=expires_at,
        )
        _email_contact(feasibility_request, token, reply_by)
        created.append(feasibility_request)
    if first:
        _notify_about(
            introduction,
            recipients=_requester(introduction),
            kind=Notification.Kind.INTRODUCTION_SENT,
            actor=reviewer,
        )
    return created


@transaction.atomic
def record_feasibility_answer(
    *, feasibility_request: FeasibilityRequest, answer: str, comment: str = ""
) -> FeasibilityRequest:
    """A contact's answer through their personal link, recorded once: the
    request is claimed by a conditional UPDATE, so a second submission or a
    replay changes nothing and raises ``LinkUnusable``. The requester and the
    reviewer are told, without the contact's personal data."""
    if answer not in FeasibilityRequest.Answer.values:
        raise IntroductionError(gettext("Choose an answer."))
    now = timezone.now()
    state = link_state(feasibility_request, now)
    if state != "open":
        raise LinkUnusable(state)
    comment = comment.strip()
    claimed = FeasibilityRequest.objects.filter(pk=feasibility_request.pk, answer="", expires_at__gt=now).update(
        answer=answer, comment=comment, answered_at=now
    )
    if not claimed:
        feasibility_request.refresh_from_db()
        raise LinkUnusable(link_state(feasibility_request, now))
    feasibility_request.answer, feasibility_request.comment, feasibility_request.answered_at = answer, comment, now
    introduction = feasibility_request.introduction
    _notify_about(
        introduction,
        recipients=[*_requester(introduction), introduction.reviewed_by],
        kind=Notification.Kind.FEASIBILITY_ANSWERED,
        actor=None,
    )
    return feasibility_request


@transaction.atomic
def close_introduction(*, introduction: Introduction, reviewer: User, status: str) -> Introduction:
    """Close an introduction (its work is done) or mark it not taken forward;
    links still unanswered stop taking answers. The member is told."""
    _refuse_unless(works_on_introductions(reviewer))
    if status not in CLOSED_STATUSES:
        raise IntroductionError(gettext("Choose how the introduction ends."))
    introduction = Introduction.objects.select_for_update().get(pk=introduction.pk)
    _ensure_open(introduction)
    introduction.status = status
    introduction.closed_at = timezone.now()
    if introduction.reviewed_by_id is None:
        introduction.reviewed_by = reviewer
    introduction.save(update_fields=["status", "closed_at", "reviewed_by"])
    audit.record(
        actor=reviewer, action=AuditAction.INTRODUCTION_CLOSED, target=introduction, details={"status": status}
    )
    _notify_about(
        introduction, recipients=_requester(introduction), kind=Notification.Kind.INTRODUCTION_CLOSED, actor=reviewer
    )
    return introduction


# Facilitated investigations


def _check_stage_date(on: date, *, after: date | None) -> None:
    if on > timezone.localdate():
        raise IntroductionError(gettext("Record a stage once it is reached: the date cannot be in the future."))
    if after is not None and on < after:
        raise IntroductionError(gettext("The date cannot precede the previous stage."))


@transaction.atomic
def start_investigation(
    *, introduction: Introduction, reviewer: User, title: str, clinics: Iterable[Clinic], started_on: date
) -> FacilitatedInvestigation:
    """Turn an introduction into a facilitated investigation at the feasibility
    stage: the requesting organisation is the sponsor, the clinics are among
    those asked, the counselling case is carried over."""
    _refuse_unless(works_on_introductions(reviewer))
    introduction = Introduction.objects.select_for_update().get(pk=introduction.pk)
    if introduction.status == Introduction.Status.DECLINED:
        raise IntroductionError(gettext("This introduction was not taken forward."))
    if not may_start_investigation(introduction):
        raise IntroductionError(gettext("An investigation can start only from an introduction sent to clinics, once."))
    title = " ".join(title.split())
    if not title:
        raise IntroductionError(gettext("Give the investigation a title."))
    clinics = list(clinics)
    if not clinics:
        raise IntroductionError(gettext("Choose at least one clinic."))
    asked = set(introduction.feasibility_requests.values_list("clinic_id", flat=True))
    if not {clinic.pk for clinic in clinics} <= asked:
        raise IntroductionError(gettext("Choose among the clinics the board asked."))
    _check_stage_date(started_on, after=timezone.localdate(introduction.created_at))
    investigation = FacilitatedInvestigation.objects.create(
        title=title,
        introduction=introduction,
        counselling_case_id=introduction.counselling_case_id,
        sponsor_id=introduction.organisation_id,
        stage=InvestigationStage.FEASIBILITY,
    )
    investigation.clinics.set(clinics)
    StageChange.objects.create(
        investigation=investigation, stage=InvestigationStage.FEASIBILITY, on=started_on, recorded_by=reviewer
    )
    return investigation


@transaction.atomic
def record_stage(
    *, investigation: FacilitatedInvestigation, user: User, stage: str, on: date, note: str = ""
) -> StageChange:
    """Record the stage an investigation reached, on which day. Stages move
    forward (stages may be skipped); it may stop at any time; completed and
    stopped are final. The first stage at submission or beyond sets
    ``submitted_on``, which is never cleared: a stopped investigation that was
    submitted still counts as facilitated."""
    _refuse_unless(works_on_introductions(user))
    investigation = FacilitatedInvestigation.objects.select_for_update().get(pk=investigation.pk)
    if investigation.stage in FINAL_STAGES:
        raise IntroductionError(gettext("This investigation is completed or stopped: its stages are final."))
    if stage not in next_stages(investigation.stage):
        raise IntroductionError(gettext("An investigation moves forward through its stages, or stops."))
    last = investigation.stages.order_by("-on", "-created_at").first()
    _check_stage_date(on, after=last.on if last else None)
    change = StageChange.objects.create(
        investigation=investigation, stage=stage, on=on, note=note.strip(), recorded_by=user
    )
    investigation.stage = stage
    fields = ["stage", "updated_at"]
    if stage in COUNTED_STAGES and investigation.submitted_on is None:
        investigation.submitted_on = on
        fields.append("submitted_on")
    investigation.save(update_fields=fields)
    return change


@transaction.atomic
def update_investigation(
    *, investigation: FacilitatedInvestigation, user: User, title: str, civ_id: str
) -> FacilitatedInvestigation:
    """Staff's or an expert's changes to the title and the CIV-ID."""
    _refuse_unless(works_on_introductions(user))
    title = " ".join(title.split())
    if not title:
        raise IntroductionError(gettext("Give the investigation a title."))
    civ_id = normalise_civ_id(civ_id)
    if civ_id and not is_valid_civ_id(civ_id):
        raise IntroductionError(civ_id_error())
    if civ_id and FacilitatedInvestigation.objects.filter(civ_id=civ_id).exclude(pk=investigation.pk).exists():
        raise IntroductionError(gettext("Another investigation has this CIV-ID."))
    investigation.title = title
    investigation.civ_id = civ_id
    investigation.save(update_fields=["title", "civ_id", "updated_at"])
    return investigation


def civ_id_error() -> str:
    return gettext(
        "A CIV-ID is written CIV-YY-MM-NNNNNN, e.g. CIV-24-03-012345 "
        "(older ones carry a country code: CIV-IT-19-03-012345)."
    )
