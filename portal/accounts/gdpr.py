"""A user's personal data (GDPR Art. 15, 17 and 20): the export of everything
the portal holds about them, and the erasure of their account.

This is the one module that gathers a person's data from every app, so it
reaches up the dependency graph (``experts``, ``forum``, ``guidelines``,
``surveys``, ``metrics``), at call time and by model label only: importing it
pulls in no other app.

Export (``personal_data``): account and profile, email addresses, MFA (which
methods and when, never their secrets), questions, answers, comments (the
confidential ones too: they are the person's own), attachments, helpful votes,
follows, notifications, reports, edits, expert profile, assignments,
co-signatures and conflicts of interest, counselling requests and cases,
introductions, guideline comments, editor role and subscription, survey
invitations and identified responses with their answers, API tokens (never
their hash). A constant number of queries per kind of data; dates ISO 8601.
Anonymous survey responses are not linked to anyone by design, and visits are
counted without identifying anyone, so neither can be part of it.

Erasure (``erase_account``), decided item by item:

- **The account row stays**, anonymised and deactivated: name and organisation
  blanked, the email address replaced by ``erased-<id>@erased.invalid`` (so the
  real one can register again), password unusable, groups and permissions
  removed, language and email settings back to their defaults. Deleting the row
  would cascade into the board's history (assignments, co-signatures of
  published board answers, review marks, the admin's log) and would clear the
  actor of audit entries; the anonymised row keeps that history true without
  naming anyone. Its role stays, so counts by role do not change.
- **What they wrote stays, without their name**: the author of questions,
  answers, forum and guideline comments, reports, edits and attachments, and
  the member who requested an introduction or counselling, is cleared (the
  pages then show "former member" / "former expert", as they do for content
  whose author is gone). So is the person on whose behalf staff acted
  (assigned by, resolved by, reviewed by, recorded by, appointed by, requested
  by, created by). Identified survey responses stay in the survey's results,
  unlinked from the person and their invitation.
- **Deleted**: their notifications, follows, allauth email addresses, MFA
  authenticators (TOTP, recovery codes), API tokens, guidelines editor role and
  subscription, survey invitations (and any saved survey draft), expert profile
  (with its expertise and declaration of interests), conflicts of interest
  (their reasons are personal statements), invitations to co-sign that they
  had not signed, and their place among the experts of counselling cases.
- **Withdrawn**: emails to their addresses still in the outbox (queued,
  being retried or failed): the address is taken out of each, and a message
  left with no recipient is deleted, so nothing is sent to them afterwards.
- **Closed**: their open assignments are cancelled, so the questions go back to
  the triage queue.
- **Blanked**: their name as the actor of other people's notifications
  ("X answered ..."): the stored snapshot of the name is cleared where it
  equals theirs.
- **Kept, linked to the anonymised row**: helpful votes (the answers' counts
  stay true; the row names no one), answered, declined and cancelled
  assignments and signed co-signatures (the board's record, shown as "former
  expert"), review marks, the clinic directory's history and the audit log
  (accountability records: entries keep the name they were written with, by
  the audit log's own rule), and published guideline versions and sections,
  which can never change. Organisations stay: they are companies, not people,
  and questions and cases refer to them.
- **Sessions**: the request that erases is signed out; any other session stops
  working at its next request, since the account is inactive and its password
  changed (Django checks both on every request).

Staff and administrators may erase their accounts too, except the last active
administrator: someone must be able to run the portal, so they appoint another
administrator first.
"""

from collections.abc import Iterable
from datetime import date, datetime

from django.apps import apps
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from portal.accounts.models import NotificationFrequency, User
from portal.accounts.roles import Role
from portal.errors import ServiceError
from portal.mail import withdraw_messages_to

# RFC 2606 reserves ".invalid": an address on it can never receive email.
ERASED_EMAIL_DOMAIN = "erased.invalid"

VISITS_NOTE = (
    "Visits to the portal are counted without identifying anyone: no cookie, address or account is stored "
    "with a page view, and the daily salt that makes visitors countable is deleted at the end of each day. "
    "The portal holds no visit data about you."
)
ANONYMOUS_SURVEYS_NOTE = (
    "Responses to anonymous surveys record neither who answered nor their invitation, "
    "so they cannot be found or included here."
)

# Links to a user that say who wrote something or who acted: cleared on
# erasure, as deleting the account would (they are all SET_NULL).
_AUTHORSHIP = [
    ("forum.Question", "author"),
    ("forum.Answer", "author"),
    ("forum.Comment", "author"),
    ("forum.Flag", "reporter"),
    ("forum.Flag", "resolved_by"),
    ("forum.Revision", "editor"),
    ("forum.Attachment", "uploaded_by"),
    ("forum.Assignment", "assigned_by"),
    ("experts.CounsellingCase", "requested_by"),
    ("experts.CounsellingCase", "assigned_by"),
    ("experts.CounsellingMeeting", "recorded_by"),
    ("experts.Introduction", "requested_by"),
    ("experts.Introduction", "reviewed_by"),
    ("experts.StageChange", "recorded_by"),
    ("guidelines.Comment", "author"),
    ("guidelines.Thread", "started_by"),
    ("guidelines.Thread", "resolved_by"),
    ("guidelines.ReviewRound", "requested_by"),
    ("guidelines.Editor", "appointed_by"),
    ("surveys.Survey", "created_by"),
    ("metrics.Report", "requested_by"),
]


class AccountErasureError(ServiceError):
    """The account cannot be erased now (the message says why)."""


def _model(label: str):
    return apps.get_model(label)


def _oldest_first(label: str, *related: str, **lookup):
    """The rows of model ``label`` matching ``lookup``, oldest first, ``related`` joined."""
    return _model(label).objects.filter(**lookup).select_related(*related).order_by("created_at", "pk")


def _iso(value: date | datetime | None) -> str | None:
    return value.isoformat() if value else None


def _url(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


# Export


def personal_data(user: User) -> dict:
    """Everything the portal holds about ``user``, as JSON-ready data.

    A fixed number of queries, whatever the amount of data (one or two per kind).
    """
    from allauth.account.models import EmailAddress
    from allauth.mfa.models import Authenticator

    user = User.objects.select_related("organisation").get(pk=user.pk)
    return {
        "exported_at": timezone.now().isoformat(),
        "portal": settings.SITE_URL,
        "account": _account(user),
        "email_addresses": [
            {"email": address.email, "verified": address.verified, "primary": address.primary}
            for address in EmailAddress.objects.filter(user=user).order_by("-primary", "email")
        ],
        "two_factor_authentication": [
            {
                "method": authenticator.type,
                "set_up_at": _iso(authenticator.created_at),
                "last_used_at": _iso(authenticator.last_used_at),
            }
            for authenticator in Authenticator.objects.filter(user=user)
            .only("type", "created_at", "last_used_at")
            .order_by("created_at", "pk")
        ],
        "forum": _forum(user),
        "board": _board(user),
        "counselling": _counselling(user),
        "introductions": _introductions(user),
        "guidelines": _guidelines(user),
        "surveys": _surveys(user),
        "notifications": [
            {
                "kind": notification.kind,
                "actor": notification.actor_name,
                "about": notification.target_title,
                "url": _url(notification.target_url),
                "created_at": _iso(notification.created_at),
                "read_at": _iso(notification.read_at),
                "emailed_at": _iso(notification.emailed_at),
            }
            for notification in user.notifications.order_by("created_at", "pk")
        ],
        "api_tokens": [
            {
                "name": token.name,
                "prefix": token.prefix,
                "created_at": _iso(token.created_at),
                "last_used_at": _iso(token.last_used_at),
                "revoked_at": _iso(token.revoked_at),
            }
            for token in _model("metrics.ApiToken")
            .objects.filter(user=user)
            .only("name", "prefix", "created_at", "last_used_at", "revoked_at")
            .order_by("created_at", "pk")
        ],
        "visits": VISITS_NOTE,
    }


def _account(user: User) -> dict:
    return {
        "id": user.pk,
        "full_name": user.full_name,
        "email": user.email,
        "preferred_language": user.preferred_language,
        "role": user.role,
        "organisation": (
            {"name": user.organisation.name, "kind": user.organisation.kind, "city": user.organisation.city}
            if user.organisation
            else None
        ),
        "email_notifications": user.notification_emails,
        "date_joined": _iso(user.date_joined),
        "last_login": _iso(user.last_login),
        "is_active": user.is_active,
    }


def _question_ref(question) -> dict:
    return {"id": question.pk, "title": question.title, "url": _url(question.get_absolute_url())}


def _forum(user: User) -> dict:
    Question = _model("forum.Question")
    questions = (
        Question.objects.filter(author=user)
        .select_related("organisation")
        .prefetch_related("topics")
        .order_by("created_at", "pk")
    )
    return {
        "questions": [
            {
                **_question_ref(question),
                "body": question.body,
                "visibility": question.visibility,
                "organisation": question.organisation.name if question.organisation else None,
                "topics": sorted(topic.slug for topic in question.topics.all()),
                "status": question.status,
                "hidden_by_moderators": question.is_hidden,
                "created_at": _iso(question.created_at),
                "updated_at": _iso(question.updated_at),
            }
            for question in questions
        ],
        "answers": [
            {
                "id": answer.pk,
                "question": _question_ref(answer.question),
                "kind": answer.kind,
                "body": answer.body,
                "hidden_by_moderators": answer.is_hidden,
                "created_at": _iso(answer.created_at),
                "updated_at": _iso(answer.updated_at),
            }
            for answer in _oldest_first("forum.Answer", "question", author=user)
        ],
        "comments": [
            {
                "id": comment.pk,
                "question": _question_ref(comment.question),
                "answer": comment.answer_id,
                "body": comment.body,
                "hidden_by_moderators": comment.is_hidden,
                "created_at": _iso(comment.created_at),
            }
            for comment in _oldest_first("forum.Comment", "question", author=user)
        ],
        "attachments": [
            {
                "question": _question_ref(attachment.question),
                "name": attachment.original_name,
                "content_type": attachment.content_type,
                "size": attachment.size,
                "created_at": _iso(attachment.created_at),
            }
            for attachment in _oldest_first("forum.Attachment", "question", uploaded_by=user)
        ],
        "helpful_votes": [
            {"answer": vote.answer_id, "question": _question_ref(vote.answer.question), "at": _iso(vote.created_at)}
            for vote in _oldest_first("forum.HelpfulVote", "answer__question", user=user)
        ],
        "follows": [
            {"question": _question_ref(follow.question), "since": _iso(follow.created_at)}
            for follow in _oldest_first("forum.Follow", "question", user=user)
        ],
        "reports": [
            {
                "question": _question_ref(flag.question),
                "answer": flag.answer_id,
                "comment": flag.comment_id,
                "reason": flag.reason,
                "created_at": _iso(flag.created_at),
                "resolved_at": _iso(flag.resolved_at),
            }
            for flag in _oldest_first("forum.Flag", "question", reporter=user)
        ],
        "edits": [
            {
                "question": _question_ref(revision.question),
                "answer": revision.answer_id,
                "at": _iso(revision.created_at),
            }
            for revision in _oldest_first("forum.Revision", "question", editor=user)
        ],
    }


def _board(user: User) -> dict:
    profile = _model("experts.ExpertProfile").objects.filter(user=user).first()
    expertise = (
        sorted(_model("experts.Topic").objects.filter(experts__user=user).values_list("slug", flat=True))
        if profile
        else []
    )
    return {
        "expert_profile": (
            {
                "sector": profile.sector,
                "affiliation": profile.affiliation,
                "expertise": expertise,
                "speaks_italian": profile.speaks_italian,
                "speaks_english": profile.speaks_english,
                "bio": profile.bio,
                "accepts_questions": profile.accepts_questions,
                "declaration_of_interests": profile.declaration_of_interests,
                "declaration_updated_on": _iso(profile.declaration_updated_at),
                "listed": profile.is_listed,
                "updated_at": _iso(profile.updated_at),
            }
            if profile
            else None
        ),
        "assignments": [
            {
                "question": _question_ref(assignment.question),
                "status": assignment.status,
                "due_on": _iso(assignment.due_on),
                "created_at": _iso(assignment.created_at),
                "closed_at": _iso(assignment.closed_at),
                "decline_reason": assignment.decline_reason,
            }
            for assignment in _oldest_first("forum.Assignment", "question", expert=user)
        ],
        "board_signatures": [
            {
                "answer": signature.answer_id,
                "question": _question_ref(signature.answer.question),
                "invited_at": _iso(signature.invited_at),
                "signed_at": _iso(signature.signed_at),
            }
            for signature in _model("forum.BoardSignature")
            .objects.filter(expert=user)
            .select_related("answer__question")
            .order_by("invited_at", "pk")
        ],
        "conflicts_of_interest": [
            {"question": _question_ref(conflict.question), "reason": conflict.reason, "at": _iso(conflict.declared_at)}
            for conflict in _model("forum.ConflictOfInterest")
            .objects.filter(expert=user)
            .select_related("question")
            .order_by("declared_at", "pk")
        ],
    }


def _case(case) -> dict:
    return {
        "id": case.pk,
        "project": case.project.display_name,
        "organisation": case.organisation.name,
        "status": case.status,
        "created_at": _iso(case.created_at),
        "closed_at": _iso(case.closed_at),
        "url": _url(case.get_absolute_url()),
    }


def _counselling(user: User) -> dict:
    CounsellingCase = _model("experts.CounsellingCase")
    cases = CounsellingCase.objects.select_related("project", "organisation").order_by("created_at", "pk")
    return {
        "requests": [{**_case(case), "needs": case.needs} for case in cases.filter(requested_by=user)],
        "cases_as_expert": [_case(case) for case in cases.filter(experts=user)],
    }


def _introductions(user: User) -> list[dict]:
    return [
        {
            "id": introduction.pk,
            "organisation": introduction.organisation.name,
            "device": introduction.device,
            "investigation": introduction.investigation,
            "status": introduction.status,
            "created_at": _iso(introduction.created_at),
            "closed_at": _iso(introduction.closed_at),
            "url": _url(introduction.get_absolute_url()),
        }
        for introduction in _oldest_first("experts.Introduction", "organisation", requested_by=user)
    ]


def _guidelines(user: User) -> dict:
    editor = _model("guidelines.Editor").objects.filter(user=user).first()
    subscription = _model("guidelines.Subscription").objects.filter(user=user).first()
    return {
        "comments": [
            {
                "section": comment.thread.section.key,
                "thread": comment.thread_id,
                "body": comment.body,
                "created_at": _iso(comment.created_at),
            }
            for comment in _oldest_first("guidelines.Comment", "thread__section", author=user)
        ],
        "editor_since": _iso(editor.appointed_at) if editor else None,
        "subscribed_since": _iso(subscription.created_at) if subscription else None,
    }


def _surveys(user: User) -> dict:
    responses = list(
        _model("surveys.Response").objects.filter(user=user).select_related("survey").order_by("submitted_at", "id")
    )
    answers: dict = {response.pk: [] for response in responses}
    for answer in (
        _model("surveys.Answer")
        .objects.filter(response__user=user)
        .select_related("question", "option")
        .order_by("question__position", "question_id", "option__position", "option_id")
    ):
        answers[answer.response_id].append(
            {
                "question": answer.question.text,
                "option": answer.option.text if answer.option_id else None,
                "score": answer.score,
                "number": str(answer.number) if answer.number is not None else None,
                "text": answer.text,
            }
        )
    return {
        "invitations": [
            {
                "survey": invitation.survey.title,
                "created_at": _iso(invitation.created_at),
                "emailed_at": _iso(invitation.emailed_at),
                "used_at": _iso(invitation.used_at),
                "reminders": invitation.reminders,
            }
            for invitation in _oldest_first("surveys.Invitation", "survey", user=user)
        ],
        "responses": [
            {
                "survey": response.survey.title,
                "submitted_at": _iso(response.submitted_at),
                "answers": answers[response.pk],
            }
            for response in responses
        ],
        "anonymous_responses": ANONYMOUS_SURVEYS_NOTE,
    }


# Erasure


def erasure_refusal(user: User) -> str | None:
    """Why ``user`` may not erase their account now, or None if they may."""
    if user.role == Role.ADMINISTRATOR and not _other_administrators(user).exists():
        return gettext(
            "You are the only administrator of the portal: appoint another administrator before you delete "
            "your account."
        )
    return None


def _other_administrators(user: User):
    return User.objects.filter(role=Role.ADMINISTRATOR, is_active=True).exclude(pk=user.pk)


def erased_email(user_id: int) -> str:
    return f"erased-{user_id}@{ERASED_EMAIL_DOMAIN}"


def is_erased(user: User) -> bool:
    return user.email.endswith(f"@{ERASED_EMAIL_DOMAIN}")


@transaction.atomic
def erase_account(*, user: User) -> User:
    """Erase ``user``'s personal data and anonymise what they wrote, in one
    transaction (see the module docstring for each item). The caller signs
    the request out."""
    from allauth.account.models import EmailAddress
    from allauth.mfa.models import Authenticator

    # Lock the administrators' rows, so that two of the last ones erasing at
    # once cannot both see the other as still there.
    if user.role == Role.ADMINISTRATOR:
        list(User.objects.select_for_update().filter(role=Role.ADMINISTRATOR, is_active=True))
    user = User.objects.select_for_update().get(pk=user.pk)
    if not user.is_active or is_erased(user):
        raise AccountErasureError(gettext("This account has been deleted already."))
    if refusal := erasure_refusal(user):
        raise AccountErasureError(refusal)

    now = timezone.now()
    name = user.full_name

    for label, field in _AUTHORSHIP:
        _model(label).objects.filter(**{field: user}).update(**{field: None})
    # Sections of published versions can never change; the draft's can.
    _model("guidelines.Section").objects.filter(updated_by=user, version__status="draft").update(updated_by=None)
    _model("surveys.Response").objects.filter(user=user).update(user=None, invitation=None)

    Assignment = _model("forum.Assignment")
    Assignment.objects.filter(expert=user, status=Assignment.Status.OPEN).update(
        status=Assignment.Status.CANCELLED, closed_at=now
    )
    _model("forum.BoardSignature").objects.filter(expert=user, signed_at__isnull=True).delete()
    _model("experts.CounsellingCase").experts.through.objects.filter(user=user).delete()

    addresses = {user.email, *EmailAddress.objects.filter(user=user).values_list("email", flat=True)}
    for queryset in _deleted_with_account(user, EmailAddress, Authenticator):
        queryset.delete()
    withdraw_messages_to(addresses)

    if name:
        user_notifications = _model("accounts.Notification").objects.exclude(recipient=user)
        user_notifications.filter(actor_name=name, created_at__gte=user.date_joined).update(actor_name="")

    user.full_name = ""
    user.email = erased_email(user.pk)
    user.organisation = None
    user.preferred_language = settings.LANGUAGE_CODE
    user.notification_emails = NotificationFrequency.NEVER
    user.is_active = False
    user.last_login = None
    user.set_unusable_password()
    user.save()
    user.groups.clear()
    user.user_permissions.clear()

    from portal import audit
    from portal.audit.models import Action

    # Written after the anonymisation: the entry names the account by its id only.
    audit.record(actor=user, action=Action.ACCOUNT_ERASED, target=user, target_repr=f"#{user.pk}")
    return user


def _deleted_with_account(user: User, EmailAddress, Authenticator) -> Iterable:
    yield user.notifications.all()
    yield _model("forum.Follow").objects.filter(user=user)
    yield _model("forum.ConflictOfInterest").objects.filter(expert=user)
    yield _model("experts.ExpertProfile").objects.filter(user=user)
    yield _model("guidelines.Editor").objects.filter(user=user)
    yield _model("guidelines.Subscription").objects.filter(user=user)
    yield _model("surveys.Invitation").objects.filter(user=user)
    yield _model("metrics.ApiToken").objects.filter(user=user)
    yield Authenticator.objects.filter(user=user)
    yield EmailAddress.objects.filter(user=user)
