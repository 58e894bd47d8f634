"""Writes of the expert board."""

from allauth.account.forms import default_token_generator
from allauth.account.models import EmailAddress
from allauth.account.utils import user_pk_to_url_str
from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from experts.models import CounsellingCase, CounsellingMeeting, ExpertProfile, FundedProject
from experts.permissions import can_request_counselling, can_work_on_case, is_on_board, manages_counselling
from portal import audit
from portal.accounts.models import Notification, Organisation, User
from portal.accounts.roles import Capability, Role, user_can
from portal.accounts.services import notify
from portal.audit.models import Action as AuditAction
from portal.errors import ServiceError
from portal.markdown import render_markdown


class BoardError(ServiceError):
    """An expert-board action that is not allowed; its message is for the user."""


def password_setting_url(user: User) -> str:
    """The one-time link (allauth's password reset key) where an invitee chooses a password."""
    path = reverse(
        "account_reset_password_from_key",
        kwargs={"uidb36": user_pk_to_url_str(user), "key": default_token_generator.make_token(user)},
    )
    return settings.SITE_URL + path


@transaction.atomic
def invite_expert(
    *,
    staff: User,
    email: str,
    full_name: str,
    language: str,
    organisation: Organisation | None,
    sector: str,
    affiliation: str,
    topics,
) -> ExpertProfile:
    """Create an expert's account and profile and email them the link to set a
    password; at first sign-in they must enable two-factor authentication."""
    if not user_can(staff, Capability.MANAGE_DIRECTORY):
        raise BoardError(translation.gettext("Your role does not allow this."))
    email = email.strip().lower()
    if User.objects.filter(email__iexact=email).exists():
        raise BoardError(translation.gettext("An account with this email address exists already."))
    user = User.objects.create_user(
        email, None, full_name=full_name, role=Role.EXPERT, organisation=organisation, preferred_language=language
    )
    # The link in the invitation proves the address, as a verification would.
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    profile = ExpertProfile.objects.create(user=user, sector=sector, affiliation=affiliation)
    profile.topics.set(topics)
    audit.record(actor=staff, action=AuditAction.EXPERT_INVITED, target=user, details={"role": Role.EXPERT})
    with translation.override(language):
        context = {"user": user, "staff": staff, "link": password_setting_url(user), "site_url": settings.SITE_URL}
        send_mail(
            translation.gettext("[CTCC] You are invited to the board of experts"),
            render_to_string("experts/email/invitation.txt", context),
            None,
            [email],
        )
    return profile


def update_profile(*, profile: ExpertProfile, topics, **fields) -> ExpertProfile:
    """An expert's own changes; the date of the declaration follows its text."""
    # Compared with the stored text: a bound ModelForm has already changed the instance.
    stored = ExpertProfile.objects.filter(pk=profile.pk).values_list("declaration_of_interests", flat=True).first()
    if "declaration_of_interests" in fields and fields["declaration_of_interests"] != stored:
        profile.declaration_updated_at = timezone.localdate()
    for name, value in fields.items():
        setattr(profile, name, value)
    with transaction.atomic():
        profile.save()
        profile.topics.set(topics)
    return profile


# Counselling of funded projects


def _refuse_unless(allowed: bool) -> None:
    if not allowed:
        raise BoardError(translation.gettext("Your role does not allow this."))


def _check_project(*, start_date, end_date, beneficiaries) -> None:
    if start_date and end_date and end_date < start_date:
        raise BoardError(translation.gettext("The project cannot end before it starts."))
    if not list(beneficiaries):
        raise BoardError(translation.gettext("A funded project has at least one beneficiary."))


@transaction.atomic
def register_project(
    *,
    staff: User,
    title: str,
    call: str,
    status: str,
    clinical_aims: str,
    beneficiaries,
    acronym: str = "",
    cup: str = "",
    start_date=None,
    end_date=None,
) -> FundedProject:
    """Add a project funded by the regional ERDF programme to the public registry."""
    _refuse_unless(manages_counselling(staff))
    _check_project(start_date=start_date, end_date=end_date, beneficiaries=beneficiaries)
    project = FundedProject.objects.create(
        title=title,
        acronym=acronym,
        call=call,
        cup=cup,
        status=status,
        clinical_aims=clinical_aims,
        clinical_aims_html=render_markdown(clinical_aims),
        start_date=start_date,
        end_date=end_date,
    )
    project.beneficiaries.set(beneficiaries)
    return project


@transaction.atomic
def update_project(*, staff: User, project: FundedProject, beneficiaries, **fields) -> FundedProject:
    """Staff's changes to a registered project; the clinical aims are rendered again."""
    _refuse_unless(manages_counselling(staff))
    start_date = fields.get("start_date", project.start_date)
    end_date = fields.get("end_date", project.end_date)
    _check_project(start_date=start_date, end_date=end_date, beneficiaries=beneficiaries)
    for name, value in fields.items():
        setattr(project, name, value)
    project.clinical_aims_html = render_markdown(project.clinical_aims)
    project.save()
    project.beneficiaries.set(beneficiaries)
    return project


def _case_readers(case: CounsellingCase) -> list[User]:
    """Who hears of a case's progress: its experts, and its requester while
    they still belong to the case's organisation (notes never reach another)."""
    people = list(case.experts.all())
    requester = case.requested_by
    if requester is not None and requester.organisation_id == case.organisation_id:
        people.append(requester)
    return people


def _notify_about(case: CounsellingCase, *, recipients, kind: str, actor: User) -> None:
    notify(
        recipients=recipients,
        kind=kind,
        actor=actor,
        target_title=case.project.display_name,
        target_url=case.get_absolute_url(),
    )


@transaction.atomic
def request_counselling(*, member: User, project: FundedProject, needs: str) -> CounsellingCase:
    """A beneficiary asks the board for counselling on its project; staff are told."""
    _refuse_unless(user_can(member, Capability.REQUEST_COUNSELLING))
    # Serialises concurrent requests for the same project (no-op on SQLite).
    project = FundedProject.objects.select_for_update().get(pk=project.pk)
    if not can_request_counselling(member, project):
        raise BoardError(
            translation.gettext("Only members of the project's beneficiary organisations can request counselling.")
        )
    if CounsellingCase.objects.open().filter(project=project, organisation_id=member.organisation_id).exists():
        raise BoardError(
            translation.gettext("Your organisation has already requested counselling for this project: it is open.")
        )
    case = CounsellingCase.objects.create(
        project=project, organisation_id=member.organisation_id, requested_by=member, needs=needs.strip()
    )
    _notify_about(
        case,
        recipients=User.objects.with_capability(Capability.MANAGE_COUNSELLING),
        kind=Notification.Kind.COUNSELLING_REQUESTED,
        actor=member,
    )
    return case


@transaction.atomic
def assign_counsellors(*, staff: User, case: CounsellingCase, experts) -> CounsellingCase:
    """Staff choose the experts who counsel the project (replacing the previous
    choice); the newly assigned are told and the case is in progress."""
    _refuse_unless(manages_counselling(staff))
    if case.is_closed:
        raise BoardError(translation.gettext("This counselling case is closed."))
    experts = list(experts)
    if not experts:
        raise BoardError(translation.gettext("Choose at least one expert."))
    if not all(is_on_board(expert) for expert in experts):
        raise BoardError(translation.gettext("Only active experts of the board can be assigned."))
    before = set(case.experts.values_list("pk", flat=True))
    case.experts.set(experts)
    case.status = CounsellingCase.Status.IN_PROGRESS
    case.assigned_by = staff
    case.assigned_at = timezone.now()
    case.save(update_fields=["status", "assigned_by", "assigned_at"])
    newcomers = [expert for expert in experts if expert.pk not in before]
    _notify_about(case, recipients=newcomers, kind=Notification.Kind.COUNSELLING_ASSIGNED, actor=staff)
    return case


@transaction.atomic
def record_meeting(
    *, author: User, case: CounsellingCase, held_on, attendees: str, notes: str, outcomes: str = ""
) -> CounsellingMeeting:
    """Staff or an assigned expert record a meeting held with the project; the
    requester and the other experts are told."""
    _refuse_unless(can_work_on_case(author, case))
    if case.is_closed:
        raise BoardError(translation.gettext("This counselling case is closed."))
    if held_on > timezone.localdate():
        raise BoardError(translation.gettext("Record a meeting once it has been held."))
    meeting = CounsellingMeeting.objects.create(
        case=case,
        held_on=held_on,
        attendees=attendees.strip(),
        notes=notes,
        notes_html=render_markdown(notes),
        outcomes=outcomes,
        outcomes_html=render_markdown(outcomes) if outcomes.strip() else "",
        recorded_by=author,
    )
    if case.status == CounsellingCase.Status.REQUESTED:
        case.status = CounsellingCase.Status.IN_PROGRESS
        case.save(update_fields=["status"])
    _notify_about(case, recipients=_case_readers(case), kind=Notification.Kind.COUNSELLING_MEETING, actor=author)
    return meeting


@transaction.atomic
def close_case(*, user: User, case: CounsellingCase, outcome: str) -> CounsellingCase:
    """Close a case with its outcome; the requester and the experts are told."""
    _refuse_unless(can_work_on_case(user, case))
    if case.is_closed:
        raise BoardError(translation.gettext("This counselling case is closed."))
    if not outcome.strip():
        raise BoardError(translation.gettext("Say what the counselling achieved."))
    case.status = CounsellingCase.Status.CLOSED
    case.closed_at = timezone.now()
    case.outcome = outcome.strip()
    case.save(update_fields=["status", "closed_at", "outcome"])
    _notify_about(case, recipients=_case_readers(case), kind=Notification.Kind.COUNSELLING_CLOSED, actor=user)
    return case
