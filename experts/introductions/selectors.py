"""Reads of introductions and facilitated investigations that span models,
each page in a fixed number of queries whatever the number of rows.

The collated reply is built here, and it is the only place that decides which
contact's personal data a member sees: none, until a contact of that clinic
answers "interested", and then that contact's only.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import models
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from experts.introductions.permissions import can_see_introduction, works_on_introductions
from experts.models import (
    Clinic,
    ClinicalPopulation,
    ClinicContact,
    FacilitatedInvestigation,
    FeasibilityRequest,
    Introduction,
    InvestigationStage,
    StageChange,
)
from experts.models.introductions import FACILITATED_FROM, hash_token
from experts.permissions import can_see_case

Answer = FeasibilityRequest.Answer
Stage = InvestigationStage

CLOSED_STATUSES = frozenset({Introduction.Status.CLOSED, Introduction.Status.DECLINED})

# Stages in the order an investigation moves through them; it may also stop at any time.
STAGE_ORDER = [Stage.FEASIBILITY, Stage.PLAN, Stage.SUBMITTED, Stage.APPROVED, Stage.ENROLLING, Stage.COMPLETED]
FINAL_STAGES = frozenset({Stage.COMPLETED, Stage.STOPPED})
# The stages that make an investigation count as "clinical trials facilitated"
# (FacilitatedInvestigation.objects.facilitated()): submission and beyond.
COUNTED_STAGES = frozenset(STAGE_ORDER[STAGE_ORDER.index(FACILITATED_FROM) :])


def short_title(introduction: Introduction) -> str:
    """How notifications and lists name an introduction: its device, briefly."""
    return Truncator(" ".join(introduction.device.split())).chars(80)


def is_open(introduction: Introduction) -> bool:
    return introduction.status not in CLOSED_STATUSES


def next_stages(stage: str) -> list[str]:
    """The stages an investigation at ``stage`` may reach next: any later one, or stopped."""
    if stage in FINAL_STAGES:
        return []
    return [*STAGE_ORDER[STAGE_ORDER.index(stage) + 1 :], Stage.STOPPED]


# Introductions


def introductions_for(user):
    """The introductions ``user`` may see, with the counts the list shows."""
    return (
        Introduction.objects.visible_to(user)
        .select_related("organisation")
        .annotate(
            asked_count=Count("feasibility_requests"),
            interested_count=Count("feasibility_requests", filter=Q(feasibility_requests__answer=Answer.INTERESTED)),
        )
        # A grouped query ignores Meta.ordering: say it again, for stable pages.
        .order_by("-created_at", "-pk")
    )


def candidate_clinic_ids(introduction: Introduction) -> set[int]:
    """The clinics the board may write to: those the member chose, those
    treating the populations they chose, and those the board proposed."""
    chosen = set(introduction.clinics.values_list("pk", flat=True))
    return chosen | set(introduction.populations.values_list("clinic_id", flat=True))


def contacts_to_ask(introduction: Introduction):
    """Contacts of the candidate clinics who may be written to and have not been asked yet."""
    return (
        ClinicContact.objects.reachable()
        .exclude(email="")
        .filter(clinic_id__in=candidate_clinic_ids(introduction))
        .exclude(feasibility_requests__introduction=introduction)
        .select_related("clinic")
        .order_by("clinic__name", "full_name")
    )


def clinics_to_propose(introduction: Introduction):
    """Listed clinics the board may add to an introduction it was asked to propose clinics for."""
    return Clinic.objects.listed().exclude(pk__in=candidate_clinic_ids(introduction))


class ReplyStatus(models.TextChoices):
    """A clinic's place in the collated reply."""

    AWAITING = "awaiting", _("Awaiting reply")
    INTERESTED = "interested", _("Interested")
    NEED_INFORMATION = "need_information", _("Needs more information")
    NOT_INTERESTED = "not_interested", _("Not interested")
    NO_REPLY = "no_reply", _("No reply by the deadline")


@dataclass
class ClinicReply:
    """One clinic's row in the collated reply. ``contacts`` holds only the
    contacts who answered "interested" (and whose data has not been erased)."""

    clinic: Clinic
    status: str = ReplyStatus.AWAITING
    comments: list[str] = field(default_factory=list)
    contacts: list[ClinicContact] = field(default_factory=list)
    contact_erased: bool = False
    answered_at: datetime | None = None

    @property
    def status_label(self) -> str:
        return ReplyStatus(self.status).label


def collate_replies(requests: list[FeasibilityRequest], now: datetime | None = None) -> list[ClinicReply]:
    """One row per clinic asked: interested if any of its contacts is, else
    needing information, else still awaited, else not interested, else silent."""
    now = now or timezone.now()
    by_clinic: dict[int, list[FeasibilityRequest]] = {}
    for request in requests:
        by_clinic.setdefault(request.clinic_id, []).append(request)
    replies = []
    for asked in by_clinic.values():
        answers = {request.answer for request in asked}
        reply = ClinicReply(clinic=asked[0].clinic)
        if Answer.INTERESTED in answers:
            reply.status = ReplyStatus.INTERESTED
        elif Answer.NEED_INFORMATION in answers:
            reply.status = ReplyStatus.NEED_INFORMATION
        elif any(not request.is_answered and not request.is_expired(now) for request in asked):
            reply.status = ReplyStatus.AWAITING
        elif Answer.NOT_INTERESTED in answers:
            reply.status = ReplyStatus.NOT_INTERESTED
        else:
            reply.status = ReplyStatus.NO_REPLY
        answered = sorted((r for r in asked if r.is_answered), key=lambda r: r.answered_at)
        reply.comments = [request.comment for request in answered if request.comment]
        reply.answered_at = answered[-1].answered_at if answered else None
        for request in answered:
            if request.answer == Answer.INTERESTED:
                if request.contact.erased_at is None:
                    reply.contacts.append(request.contact)
                else:
                    reply.contact_erased = True
        replies.append(reply)
    return sorted(replies, key=lambda reply: reply.clinic.name)


def _may_start(introduction: Introduction, *, asked: bool, started: bool) -> bool:
    return introduction.status != Introduction.Status.DECLINED and asked and not started


def may_start_investigation(introduction: Introduction) -> bool:
    """An investigation starts from an introduction sent to clinics and not
    turned down, once (a second click must not start a second one)."""
    return _may_start(
        introduction,
        asked=introduction.feasibility_requests.exists(),
        started=introduction.investigations.exists(),
    )


def introduction_page(*, user, introduction: Introduction) -> dict:
    """Everything the introduction page shows (the forms excepted). Members get
    the collated reply only; the per-contact requests are for the board."""
    works = works_on_introductions(user)
    requests = list(FeasibilityRequest.objects.filter(introduction=introduction).select_related("clinic", "contact"))
    investigations = list(introduction.investigations.order_by("created_at"))
    has_interest = any(request.answer == Answer.INTERESTED for request in requests)
    open_ = is_open(introduction)
    context = {
        "introduction": introduction,
        "title": short_title(introduction),
        "clinics": list(introduction.clinics.all()),
        "populations": list(introduction.populations.select_related("clinic")),
        "replies": collate_replies(requests),
        "investigations": investigations,
        "works": works,
        "is_open": open_,
        "may_send": works and open_,
        "may_propose": works and open_ and introduction.board_proposes,
        "may_close": works and open_,
        "may_start": works and _may_start(introduction, asked=bool(requests), started=bool(investigations)),
        "has_interest": has_interest,
        # The linked forum question and counselling case, shown to those who may read them.
        "case_visible": introduction.counselling_case is not None and can_see_case(user, introduction.counselling_case),
        "question_visible": introduction.question is not None
        and not introduction.question.is_hidden
        and (works or introduction.question.organisation_id == user.organisation_id),
    }
    if works:
        context["requests"] = requests
    return context


def feasibility_request_for_token(token: str) -> FeasibilityRequest | None:
    """The request a personal link points to, found by the token's hash (the token itself is never stored)."""
    return (
        FeasibilityRequest.objects.select_related("introduction__organisation", "clinic", "contact")
        .filter(token_hash=hash_token(token))
        .first()
    )


def link_state(feasibility_request: FeasibilityRequest, now: datetime | None = None) -> str:
    """Whether a personal link still takes an answer: "open", or why not
    ("answered", "closed", "expired")."""
    if feasibility_request.is_answered:
        return "answered"
    if not is_open(feasibility_request.introduction):
        return "closed"
    if feasibility_request.is_expired(now):
        return "expired"
    return "open"


def answer_page(*, feasibility_request: FeasibilityRequest) -> dict:
    """What a clinic contact reads before answering: the request, the
    populations asked of their own clinic only (not which other clinics are asked)."""
    introduction = feasibility_request.introduction
    return {
        "feasibility_request": feasibility_request,
        "introduction": introduction,
        "organisation_name": introduction.organisation.name,
        # The link expires at the first instant after its reply day: that day is the one to show.
        "last_day": timezone.localdate(feasibility_request.expires_at - timedelta(microseconds=1)),
        "populations": list(
            ClinicalPopulation.objects.filter(introductions=introduction, clinic_id=feasibility_request.clinic_id)
        ),
    }


# Facilitated investigations


def investigations_for(user):
    """The investigations ``user`` may see, with what the list shows."""
    return (
        FacilitatedInvestigation.objects.visible_to(user)
        .select_related("sponsor")
        .prefetch_related("clinics")
        .order_by("-updated_at", "-pk")
    )


def investigation_page(*, user, investigation: FacilitatedInvestigation) -> dict:
    works = works_on_introductions(user)
    introduction = investigation.introduction
    case = investigation.counselling_case
    return {
        "investigation": investigation,
        "clinics": list(investigation.clinics.all()),
        "stages": list(StageChange.objects.filter(investigation=investigation).select_related("recorded_by")),
        "next_stages": next_stages(investigation.stage) if works else [],
        "may_edit": works,
        "introduction_visible": introduction is not None and can_see_introduction(user, introduction),
        "case_visible": case is not None and can_see_case(user, case),
    }
