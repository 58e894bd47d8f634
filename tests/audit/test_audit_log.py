"""The audit log: who may read it, that the actions of staff and administrators
write their entry (with the action, in one transaction), and that nobody can
change or delete an entry: not the model, not the queryset, not the admin, and
on PostgreSQL not even raw SQL.

Personas: anonymous, ``member``, ``other_member``, ``expert``, ``staff_user``,
``administrator``."""

from datetime import date, timedelta

import pytest
from django.db import DatabaseError, connection, transaction
from django.urls import reverse
from django.utils import timezone, translation

from experts import services as board_services
from experts.directory import services as directory_services
from experts.introductions import services as introduction_services
from experts.models import ClinicType, Introduction, Sector, Topic
from forum import services as forum_services
from forum.models import Flag, Question
from guidelines import services as guideline_services
from guidelines.models import Editor
from portal import audit
from portal.accounts.models import User
from portal.accounts.roles import Role
from portal.audit.models import Action, AuditEntry, AuditLogError
from portal.metrics import reports, tokens
from portal.metrics.periods import Period
from portal.surveys import services as survey_services
from tests.conftest import PERSONAS
from tests.factories import (
    ClinicContactFactory,
    ClinicFactory,
    ExpertFactory,
    QuestionFactory,
    UserFactory,
)
from tests.factories.guidelines import DraftFactory, SectionFactory
from tests.factories.introductions import IntroductionFactory
from tests.factories.surveys import QuestionFactory as SurveyQuestionFactory
from tests.factories.surveys import SurveyFactory

pytestmark = pytest.mark.django_db

ANONYMOUS, MEMBER, OTHER_MEMBER, EXPERT, STAFF, ADMIN = PERSONAS
URL = reverse("audit:log")


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def staff_user(staff_user):
    staff_user.preferred_language = "en"
    staff_user.save(update_fields=["preferred_language"])
    return staff_user


def entries() -> list[tuple]:
    """The log, oldest first, as (actor name, role, action, target type, target id, target text, details)."""
    return [
        (e.actor_name, e.actor_role, e.action, e.target_type, e.target_id, e.target_repr, e.details)
        for e in AuditEntry.objects.order_by("created_at", "id")
    ]


def only_entry() -> AuditEntry:
    (entry,) = AuditEntry.objects.all()
    return entry


# Who reads it


@pytest.mark.parametrize(
    ("persona", "expected"),
    [(ANONYMOUS, "login"), (MEMBER, 403), (OTHER_MEMBER, 403), (EXPERT, 403), (STAFF, 200), (ADMIN, 200)],
)
def test_audit_log_page_access_by_role(request, persona, expected):
    client = request.getfixturevalue(persona)
    response = client.get(URL)
    if expected == "login":
        assert response.status_code == 302
        assert response["Location"] == f"{reverse('account_login')}?next={URL}"
    else:
        assert response.status_code == expected
    if expected == 200:
        assert "no-cache" in response["Cache-Control"]


@pytest.mark.parametrize("persona", PERSONAS)
def test_audit_log_page_refuses_post_from_everyone(request, persona):
    response = request.getfixturevalue(persona).post(URL, {"action": Action.ROLE_CHANGED})
    assert response.status_code in {302, 403, 405}
    assert response.status_code != 200
    assert not AuditEntry.objects.exists()


@pytest.mark.parametrize(("persona", "shown"), [(MEMBER, False), (EXPERT, False), (STAFF, True), (ADMIN, True)])
def test_dashboard_links_to_the_audit_log_for_staff_and_administrators(request, persona, shown):
    page = request.getfixturevalue(persona).get(reverse("dashboard")).content.decode()
    assert (f'href="{URL}"' in page) is shown


# The page


def test_audit_log_page_shows_who_did_what_when_on_which_object(staff_client, staff_user, administrator):
    question = QuestionFactory(title="Quale classe per un sensore di glicemia?")
    forum_services.close_question(question=question, staff=staff_user, reason=Question.CloseReason.OFF_TOPIC)
    tokens.create_token(user=administrator, name="Regional dashboard")

    response = staff_client.get(URL)

    assert response.status_code == 200
    page = response.content.decode()
    assert [entry.action for entry in response.context["page"]] == [Action.API_TOKEN_CREATED, Action.QUESTION_CLOSED]
    assert "Sara Galli" in page and "Administrator" in page and "API token created" in page
    assert "Regional dashboard" in page
    assert "Luca Rossi" in page and "Cluster staff" in page and "Question closed" in page
    assert "Quale classe per un sensore di glicemia?" in page
    assert f"Question #{question.pk}" in page
    assert '<span class="text-secondary">reason:</span> off_topic' in page
    assert "2 entries" in page


def test_audit_log_filters_by_actor_action_and_day(staff_client, staff_user, administrator):
    question = QuestionFactory()
    forum_services.close_question(question=question, staff=staff_user, reason=Question.CloseReason.OFF_TOPIC)
    forum_services.reopen_question(question=question, staff=staff_user)
    tokens.create_token(user=administrator, name="Regional dashboard")
    audit.record(actor=administrator, action=Action.ROLE_CHANGED, target=staff_user)

    def listed(**params):
        response = staff_client.get(URL, params)
        assert response.status_code == 200
        return [entry.action for entry in response.context["page"]]

    assert listed(actor=staff_user.pk) == [Action.QUESTION_REOPENED, Action.QUESTION_CLOSED]
    assert listed(action=Action.API_TOKEN_CREATED) == [Action.API_TOKEN_CREATED]
    assert listed(actor=administrator.pk, action=Action.ROLE_CHANGED) == [Action.ROLE_CHANGED]
    today = timezone.localdate()
    assert len(listed(since=today.isoformat(), until=today.isoformat())) == 4
    assert listed(since=(today + timedelta(days=1)).isoformat()) == []
    assert listed(until=(today - timedelta(days=1)).isoformat()) == []


@pytest.mark.parametrize(
    "params",
    [
        {"actor": "999999"},
        {"actor": "nonsense"},
        {"action": "forum.not_an_action"},
        {"since": "2026-13-45"},
        {"until": "99999-01-01"},
        {"page": "-1"},
        {"since": "\x00"},
    ],
)
def test_audit_log_page_answers_odd_filters_without_error(staff_client, staff_user, params):
    audit.record(actor=staff_user, action=Action.QUESTION_CLOSED)
    response = staff_client.get(URL, params)
    assert response.status_code == 200


def test_audit_log_is_paginated(staff_client, staff_user):
    for _ in range(51):
        audit.record(actor=staff_user, action=Action.FLAG_DISMISSED)
    first = staff_client.get(URL)
    second = staff_client.get(URL, {"page": 2})
    assert len(first.context["page"]) == 50
    assert len(second.context["page"]) == 1
    assert "Page 1 of 2" in first.content.decode()


@pytest.mark.parametrize("rows", [1, 60])
def test_audit_log_page_runs_a_fixed_number_of_queries(staff_client, staff_user, django_assert_max_num_queries, rows):
    clinic = ClinicFactory()
    for n in range(rows):
        audit.record(actor=staff_user, action=Action.DIRECTORY_UPDATED, target=clinic, details={"name": ["a", f"{n}"]})
    staff_client.get(URL)  # warm the session and the user cache
    with django_assert_max_num_queries(8):
        response = staff_client.get(URL)
    assert response.status_code == 200


# Entries cannot be changed


def test_saving_an_entry_again_is_refused(staff_user):
    entry = audit.record(actor=staff_user, action=Action.QUESTION_CLOSED, details={"reason": "spam"})
    entry.details = {"reason": "nothing happened"}
    with pytest.raises(AuditLogError):
        entry.save()
    assert AuditEntry.objects.get(pk=entry.pk).details == {"reason": "spam"}


def test_deleting_an_entry_is_refused(staff_user):
    entry = audit.record(actor=staff_user, action=Action.QUESTION_CLOSED)
    with pytest.raises(AuditLogError):
        entry.delete()
    with pytest.raises(AuditLogError):
        AuditEntry.objects.filter(pk=entry.pk).delete()
    with pytest.raises(AuditLogError):
        AuditEntry.objects.all().delete()
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


def test_updating_entries_through_the_queryset_is_refused(staff_user, administrator):
    entry = audit.record(actor=staff_user, action=Action.QUESTION_CLOSED)
    with pytest.raises(AuditLogError):
        AuditEntry.objects.filter(pk=entry.pk).update(actor_name="Nobody")
    with pytest.raises(AuditLogError):
        AuditEntry.objects.update(actor=administrator)
    entry.action = Action.QUESTION_REOPENED
    with pytest.raises(AuditLogError), transaction.atomic():
        AuditEntry.objects.bulk_update([entry], ["action"])
    fresh = AuditEntry.objects.get(pk=entry.pk)
    assert (fresh.actor_name, fresh.action, fresh.actor_id) == ("Luca Rossi", Action.QUESTION_CLOSED, staff_user.pk)


def test_deleting_the_actor_keeps_the_entry_with_the_name_and_role_copied(staff_user):
    entry = audit.record(actor=staff_user, action=Action.CONTENT_HIDDEN)
    staff_user.delete()
    fresh = AuditEntry.objects.get(pk=entry.pk)
    assert (fresh.actor_id, fresh.actor_name, fresh.actor_role) == (None, "Luca Rossi", Role.STAFF)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger exists on PostgreSQL only")
@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_auditentry SET actor_name = 'Nobody'",
        "UPDATE audit_auditentry SET details = '{}'::jsonb",
        "UPDATE audit_auditentry SET actor_id = NULL, action = 'forum.question_reopened'",
        "UPDATE audit_auditentry SET created_at = created_at - interval '1 day'",
        "DELETE FROM audit_auditentry",
    ],
)
def test_the_database_refuses_changes_to_entries_whatever_the_sql(staff_user, statement):
    entry = audit.record(actor=staff_user, action=Action.QUESTION_CLOSED, details={"reason": "spam"})
    with pytest.raises(DatabaseError, match="audit log"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement)
    fresh = AuditEntry.objects.get(pk=entry.pk)
    assert (fresh.actor_name, fresh.details, fresh.action) == (
        "Luca Rossi",
        {"reason": "spam"},
        "forum.question_closed",
    )


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger exists on PostgreSQL only")
def test_the_database_lets_only_the_actor_be_cleared(staff_user):
    entry = audit.record(actor=staff_user, action=Action.QUESTION_CLOSED)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditentry SET actor_id = NULL WHERE id = %s", [entry.pk])
    assert AuditEntry.objects.get(pk=entry.pk).actor_id is None


def test_admin_shows_the_log_read_only(admin_client, administrator):
    entry = audit.record(actor=administrator, action=Action.ROLE_CHANGED, details={"role": ["member", "staff"]})
    changelist = reverse("admin:audit_auditentry_changelist")
    change = reverse("admin:audit_auditentry_change", args=[entry.pk])

    assert admin_client.get(changelist).status_code == 200
    page = admin_client.get(change)
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    assert admin_client.get(reverse("admin:audit_auditentry_add")).status_code == 403
    assert admin_client.get(reverse("admin:audit_auditentry_delete", args=[entry.pk])).status_code == 403
    assert admin_client.post(change, {"actor_name": "Nobody"}).status_code == 403
    response = admin_client.post(changelist, {"action": "delete_selected", "_selected_action": [entry.pk]})
    assert response.status_code in {200, 302}
    assert AuditEntry.objects.get(pk=entry.pk).actor_name == "Sara Galli"


def test_staff_cannot_open_the_admin_log(staff_client):
    response = staff_client.get(reverse("admin:audit_auditentry_changelist"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


# record() itself


def test_record_copies_the_actor_and_describes_the_target(staff_user):
    clinic = ClinicFactory(name="IRCCS Ospedale San Raffaele")
    entry = audit.record(
        actor=staff_user, action=Action.DIRECTORY_UPDATED, target=clinic, details={"on": date(2026, 5, 1)}
    )
    assert (entry.actor, entry.actor_name, entry.actor_role) == (staff_user, "Luca Rossi", Role.STAFF)
    assert (entry.target_type, entry.target_id, entry.target_repr) == (
        "experts.clinic",
        str(clinic.pk),
        "IRCCS Ospedale San Raffaele",
    )
    assert AuditEntry.objects.get(pk=entry.pk).details == {"on": "2026-05-01"}
    assert entry.target_label == "Clinic"


def test_record_refuses_an_unknown_action(staff_user):
    with pytest.raises(ValueError, match="Unknown audit action"):
        audit.record(actor=staff_user, action="forum.something_else")
    assert not AuditEntry.objects.exists()


def test_an_entry_disappears_with_the_action_it_records_when_that_fails(staff_user):
    with pytest.raises(RuntimeError), transaction.atomic():
        audit.record(actor=staff_user, action=Action.QUESTION_CLOSED)
        raise RuntimeError("the rest of the service failed")
    assert not AuditEntry.objects.exists()


# The actions write their entry


def test_closing_and_reopening_a_question_are_recorded(staff_user):
    question = QuestionFactory(title="Serve un comitato etico per un PMCF?")
    original = QuestionFactory()
    forum_services.close_question(
        question=question, staff=staff_user, reason=Question.CloseReason.DUPLICATE, duplicate_of=original
    )
    forum_services.reopen_question(question=question, staff=staff_user)
    qid = str(question.pk)
    title = "Serve un comitato etico per un PMCF?"
    assert entries() == [
        ("Luca Rossi", "staff", "forum.question_closed", "forum.question", qid, title,
         {"reason": "duplicate", "duplicate_of": original.pk}),
        ("Luca Rossi", "staff", "forum.question_reopened", "forum.question", qid, title, {}),
    ]  # fmt: skip


def test_a_refused_close_writes_no_entry(staff_user, expert):
    question = QuestionFactory()
    with pytest.raises(forum_services.ForumError):
        forum_services.close_question(question=question, staff=staff_user, reason=Question.CloseReason.DUPLICATE)
    with pytest.raises(forum_services.ForumError):
        forum_services.close_question(question=question, staff=expert, reason=Question.CloseReason.OFF_TOPIC)
    assert not AuditEntry.objects.exists()


def test_hiding_restoring_and_dismissing_reports_are_recorded(staff_user, member):
    question = QuestionFactory()
    forum_services.set_hidden(staff=staff_user, target=question, hidden=True)
    forum_services.set_hidden(staff=staff_user, target=question, hidden=False)
    flag = forum_services.flag_content(question=question, reporter=member, reason="Pubblicità")
    forum_services.dismiss_flag(flag=flag, staff=staff_user)
    forum_services.dismiss_flag(flag=flag, staff=staff_user)  # already dismissed: nothing to record
    assert [(e[2], e[3], e[4]) for e in entries()] == [
        ("forum.content_hidden", "forum.question", str(question.pk)),
        ("forum.content_restored", "forum.question", str(question.pk)),
        ("forum.flag_dismissed", "forum.flag", str(flag.pk)),
    ]
    assert Flag.objects.get(pk=flag.pk).resolved_by == staff_user


def test_saving_a_faq_entry_is_recorded(staff_user):
    topic = Topic.objects.get(slug="regulatory-pathway")
    entry = forum_services.save_faq_entry(
        staff=staff_user, topic=topic, title_it="Che cos'è un PMCF?", body_it="Uno studio post-commercializzazione."
    )
    forum_services.save_faq_entry(staff=staff_user, entry=entry, is_published=False)
    assert [(e[2], e[4], e[5], e[6]) for e in entries()] == [
        ("forum.faq_saved", str(entry.pk), "Che cos'è un PMCF?", {"created": True, "published": True}),
        ("forum.faq_saved", str(entry.pk), "Che cos'è un PMCF?", {"created": False, "published": False}),
    ]


def test_assigning_and_cancelling_are_recorded(staff_user):
    question = QuestionFactory()
    expert = ExpertFactory(full_name="Marco Conti")
    due = timezone.localdate() + timedelta(days=7)
    (assignment,) = forum_services.assign_experts(question=question, staff=staff_user, experts=[expert], due_on=due)
    forum_services.cancel_assignment(assignment=assignment, staff=staff_user)
    assert [(e[2], e[4], e[6]) for e in entries()] == [
        ("forum.question_assigned", str(question.pk), {"experts": ["Marco Conti"], "due_on": due.isoformat()}),
        ("forum.assignment_cancelled", str(question.pk), {"expert": "Marco Conti", "assignment": assignment.pk}),
    ]


def test_the_guidelines_review_publication_and_editors_are_recorded(staff_user):
    draft = DraftFactory()
    SectionFactory(version=draft)
    editor = UserFactory(role=Role.EXPERT, full_name="Paola Riva")
    review = guideline_services.request_review(by=staff_user, message="Rileggete il capitolo 2.")
    guideline_services.close_review(review=review, by=staff_user)
    guideline_services.close_review(review=review, by=staff_user)  # closed already: nothing to record
    version = guideline_services.publish_version(
        by=staff_user, step="major", changelog_it="Prima versione.", changelog_en="First version."
    )
    guideline_services.appoint_editor(user=editor, by=staff_user)
    guideline_services.appoint_editor(user=editor, by=staff_user)  # already one
    guideline_services.remove_editor(user=editor, by=staff_user)
    guideline_services.remove_editor(user=editor, by=staff_user)  # not one any more
    assert [(e[2], e[3], e[4]) for e in entries()] == [
        ("guidelines.review_requested", "guidelines.version", str(draft.pk)),
        ("guidelines.review_closed", "guidelines.version", str(draft.pk)),
        ("guidelines.published", "guidelines.version", str(version.pk)),
        ("guidelines.editor_appointed", "accounts.user", str(editor.pk)),
        ("guidelines.editor_removed", "accounts.user", str(editor.pk)),
    ]
    assert AuditEntry.objects.get(action=Action.GUIDELINES_PUBLISHED).details == {"number": "1.0"}
    assert not Editor.objects.exists()


def test_publishing_a_survey_and_moving_its_close_date_are_recorded(staff_user):
    survey = SurveyFactory(published_at=None, title_en="Satisfaction 2026")
    SurveyQuestionFactory(survey=survey)
    survey_services.publish_survey(survey=survey, by=staff_user)
    old_close = survey.closes_at
    new_close = timezone.now() + timedelta(days=3)
    survey_services.update_survey(survey=survey, by=staff_user, closes_at=new_close)
    survey_services.update_survey(survey=survey, by=staff_user, closes_at=new_close)  # unchanged: nothing to record
    assert [(e[2], e[4]) for e in entries()] == [
        ("surveys.published", str(survey.pk)),
        ("surveys.close_date_changed", str(survey.pk)),
    ]
    moved = AuditEntry.objects.get(action=Action.SURVEY_CLOSE_DATE_CHANGED).details["closes_at"]
    assert [timezone.datetime.fromisoformat(value) for value in moved] == [
        old_close.replace(microsecond=old_close.microsecond // 1000 * 1000),
        new_close.replace(microsecond=new_close.microsecond // 1000 * 1000),
    ]


def test_reports_requested_by_staff_are_recorded_not_the_scheduled_ones(staff_user):
    period = Period(start=date(2025, 1, 1), end=date(2025, 6, 30))
    report = reports.request_report(period=period, language="it", user=staff_user)
    reports.request_report(period=period, language="en", user=None)
    assert [(e[2], e[4], e[6]) for e in entries()] == [
        ("metrics.report_requested", str(report.pk), {"start": "2025-01-01", "end": "2025-06-30", "language": "it"}),
    ]


def test_api_tokens_created_and_revoked_are_recorded(administrator):
    token, _raw = tokens.create_token(user=administrator, name="Regional dashboard")
    tokens.revoke_token(token=token, user=administrator)
    tokens.revoke_token(token=token, user=administrator)  # revoked already
    assert [(e[0], e[2], e[3], e[4], e[5]) for e in entries()] == [
        ("Sara Galli", "metrics.api_token_created", "metrics.apitoken", str(token.pk), "Regional dashboard"),
        ("Sara Galli", "metrics.api_token_revoked", "metrics.apitoken", str(token.pk), "Regional dashboard"),
    ]
    assert "ctcc_" not in str(entries())


def test_directory_edits_are_recorded_without_contacts_personal_data(staff_user):
    clinic = directory_services.create_clinic(
        staff=staff_user,
        name="ASST Grande Ospedale Metropolitano Niguarda",
        clinic_type=ClinicType.PUBLIC_HOSPITAL,
        city="Milano",
        province="MI",
        ethics_committee="CET Lombardia 3",
    )
    directory_services.update_clinic(staff=staff_user, clinic=clinic, city="Milan")
    contact = ClinicContactFactory(clinic=clinic, full_name="Anna Colombo", email="anna.colombo@example.org")
    directory_services.export_contact_data(contact, staff=staff_user)
    directory_services.erase_contact(contact, staff=staff_user)
    actions = [(e[2], e[3], e[4]) for e in entries()]
    assert actions == [
        ("directory.created", "experts.clinic", str(clinic.pk)),
        ("directory.updated", "experts.clinic", str(clinic.pk)),
        ("directory.exported", "experts.cliniccontact", str(contact.pk)),
        ("directory.erased", "experts.cliniccontact", str(contact.pk)),
    ]
    assert AuditEntry.objects.get(action=Action.DIRECTORY_UPDATED).details == {"city": ["Milano", "Milan"]}
    log = str(entries())
    assert "Anna Colombo" not in log and "anna.colombo" not in log
    assert AuditEntry.objects.get(action=Action.CONTACT_DATA_ERASED).details == {"full_name": None, "email": None,
                                                                              "role": None, "phone": None}  # fmt: skip


def test_deleting_a_clinic_is_recorded(staff_user):
    clinic = ClinicFactory(name="Ospedale di Lecco")
    clinic_pk = clinic.pk
    directory_services.delete_clinic(staff=staff_user, clinic=clinic)
    assert [(e[2], e[4], e[5]) for e in entries()] == [("directory.deleted", str(clinic_pk), "Ospedale di Lecco")]


def test_introductions_sent_and_closed_are_recorded(staff_user):
    clinic = ClinicFactory()
    contact = ClinicContactFactory(clinic=clinic)
    introduction = IntroductionFactory(clinics=[clinic])
    reply_by = timezone.localdate() + timedelta(days=5)
    introduction_services.send_feasibility_requests(
        introduction=introduction,
        reviewer=staff_user,
        contacts=[contact],
        message="Siete interessati?",
        reply_by=reply_by,
    )
    introduction_services.close_introduction(
        introduction=introduction, reviewer=staff_user, status=Introduction.Status.CLOSED
    )
    assert [(e[2], e[3], e[4], e[6]) for e in entries()] == [
        ("introductions.sent", "experts.introduction", str(introduction.pk),
         {"contacts": 1, "reply_by": reply_by.isoformat()}),
        ("introductions.closed", "experts.introduction", str(introduction.pk), {"status": "closed"}),
    ]  # fmt: skip


def test_inviting_an_expert_is_recorded(staff_user):
    profile = board_services.invite_expert(
        staff=staff_user,
        email="nuovo.esperto@example.org",
        full_name="Giorgio Neri",
        language="it",
        organisation=None,
        sector=Sector.choices[0][0],
        affiliation="Politecnico di Milano",
        topics=[],
    )
    assert entries() == [
        ("Luca Rossi", "staff", "accounts.expert_invited", "accounts.user", str(profile.user.pk), "Giorgio Neri",
         {"role": "expert"}),
    ]  # fmt: skip


def test_a_role_change_in_the_admin_is_recorded(admin_client, member):
    url = reverse("admin:accounts_user_change", args=[member.pk])
    response = admin_client.post(
        url,
        {
            "email": member.email,
            "full_name": member.full_name,
            "preferred_language": member.preferred_language,
            "organisation": member.organisation_id,
            "role": Role.STAFF,
            "is_active": "on",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    assert User.objects.get(pk=member.pk).role == Role.STAFF
    assert entries() == [
        ("Sara Galli", "administrator", "accounts.role_changed", "accounts.user", str(member.pk), "Giulia Ferrari",
         {"role": ["member", "staff"]}),
    ]  # fmt: skip


def test_an_admin_save_without_a_role_change_writes_nothing(admin_client, member):
    url = reverse("admin:accounts_user_change", args=[member.pk])
    response = admin_client.post(
        url,
        {
            "email": member.email,
            "full_name": "Giulia Ferrari Rossi",
            "preferred_language": member.preferred_language,
            "organisation": member.organisation_id,
            "role": Role.MEMBER,
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    assert not AuditEntry.objects.exists()
