"""Writing the draft, publishing versions, and the immutability of what was published."""

import pytest
from django.core import mail
from django.db import DatabaseError, connection, transaction
from django.utils import translation

from guidelines import services
from guidelines.models import PublishedVersionError, Reference, Rendition, Section, Thread, Version
from portal.accounts.models import Notification
from portal.accounts.roles import Role
from tests.factories import UserFactory
from tests.factories.guidelines import DraftFactory, ReferenceFactory, SectionFactory, published_version

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    # Services speak the active language; these tests match the English wording.
    with translation.override("en"):
        yield


def _draft_with(sections: int = 2) -> Version:
    draft = DraftFactory()
    SectionFactory(version=draft, position=0, level=Section.Level.CHAPTER, key="regulatory-pathway")
    for position in range(1, sections):
        section = SectionFactory(version=draft, position=position, key=f"part-{position}")
        ReferenceFactory(section=section, locator=f"Art. {61 + position}")
    return draft


def _publish(by, step=services.Step.MAJOR, changelog="Prima versione.") -> Version:
    return services.publish_version(by=by, step=step, changelog_it=changelog, changelog_en="")


def test_publish_version_freezes_the_draft_numbers_it_and_starts_the_next(
    staff_user, django_capture_on_commit_callbacks
):
    _draft_with(3)
    with django_capture_on_commit_callbacks(execute=True):
        version = _publish(staff_user)

    version.refresh_from_db()
    assert (version.status, version.number, version.published_by) == ("published", "1.0", staff_user)
    assert version.published_at is not None
    draft = Version.objects.draft().get()
    assert draft.based_on == version
    assert list(draft.sections.values_list("key", "position")) == list(version.sections.values_list("key", "position"))
    assert Reference.objects.filter(section__version=draft).count() == 2
    assert draft.revision == 1
    # Its PDFs, in both languages, were produced once the publication committed.
    assert sorted(version.renditions.values_list("language", "status")) == [("en", "ready"), ("it", "ready")]


@pytest.mark.parametrize(("step", "number"), [(services.Step.MINOR, "1.1"), (services.Step.MAJOR, "2.0")])
def test_publish_version_takes_the_step_staff_chose(staff_user, step, number):
    _draft_with()
    _publish(staff_user)
    assert _publish(staff_user, step=step).number == number


def test_first_version_is_1_0_whatever_the_step(staff_user):
    _draft_with()
    assert _publish(staff_user, step=services.Step.MINOR).number == "1.0"


def test_publish_version_needs_a_changelog_and_content(staff_user):
    DraftFactory()
    with pytest.raises(services.GuidelinesError, match="empty"):
        _publish(staff_user)
    SectionFactory(level=Section.Level.CHAPTER)
    with pytest.raises(services.GuidelinesError, match="changed"):
        _publish(staff_user, changelog=" ")
    assert not Version.objects.published().exists()


@pytest.mark.parametrize("role", [Role.MEMBER, Role.EXPERT])
def test_only_staff_publish(role):
    _draft_with()
    with pytest.raises(services.GuidelinesError):
        _publish(UserFactory(role=role))
    assert not Version.objects.published().exists()


def test_a_published_version_refuses_every_change_in_the_model_layer(staff_user):
    _draft_with()
    version = _publish(staff_user)
    section = version.sections.first()
    reference = Reference.objects.filter(section__version=version).first()

    version.changelog_it = "Riscritto."
    with pytest.raises(PublishedVersionError):
        version.save()
    with pytest.raises(PublishedVersionError):
        version.delete()
    section.body_it = "Riscritto."
    with pytest.raises(PublishedVersionError):
        section.save()
    with pytest.raises(PublishedVersionError):
        section.delete()
    with pytest.raises(PublishedVersionError):
        reference.save()
    with pytest.raises(PublishedVersionError):
        Section.objects.filter(version=version).update(body_it="Riscritto.")
    with pytest.raises(PublishedVersionError):
        Reference.objects.filter(section__version=version).delete()
    with pytest.raises(PublishedVersionError):
        Version.objects.filter(pk=version.pk).update(minor=9)
    with pytest.raises(PublishedVersionError):
        SectionFactory(version=version, key="smuggled")
    with pytest.raises(PublishedVersionError):
        Section.objects.bulk_create([Section(version=version, key="smuggled", position=9, title_it="X")])

    fresh = Version.objects.get(pk=version.pk)
    assert (fresh.changelog_it, fresh.minor) == ("Prima versione.", 0)
    assert Section.objects.get(pk=section.pk).body_it != "Riscritto."


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger exists on PostgreSQL only")
@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE guidelines_version SET changelog_it = 'x' WHERE status = 'published'",
        "DELETE FROM guidelines_version WHERE status = 'published'",
        "UPDATE guidelines_section SET body_it = 'x' WHERE version_id IN "
        "(SELECT id FROM guidelines_version WHERE status = 'published')",
        "DELETE FROM guidelines_reference WHERE section_id IN (SELECT s.id FROM guidelines_section s "
        "JOIN guidelines_version v ON v.id = s.version_id WHERE v.status = 'published')",
        "INSERT INTO guidelines_section (version_id, key, level, position, title_it, title_en, body_it, body_en, "
        "updated_at) SELECT id, 'smuggled', 2, 99, 'x', 'x', 'x', 'x', now() FROM guidelines_version "
        "WHERE status = 'published'",
    ],
)
def test_the_database_refuses_changes_to_a_published_version_whatever_the_sql(staff_user, statement):
    _draft_with()
    version = _publish(staff_user)
    with pytest.raises(DatabaseError, match="published"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement)
    assert Version.objects.get(pk=version.pk).changelog_it == "Prima versione."


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger exists on PostgreSQL only")
def test_the_database_lets_the_publisher_account_be_erased(staff_user):
    _draft_with()
    version = _publish(staff_user)
    Version.objects.filter(pk=version.pk).update(published_by=None)
    assert Version.objects.get(pk=version.pk).published_by is None


def test_only_one_draft_can_exist():
    DraftFactory()
    with pytest.raises(DatabaseError), transaction.atomic():
        DraftFactory()


def test_update_section_changes_text_and_references_and_bumps_the_revision(staff_user):
    draft = _draft_with()
    section = draft.sections.get(key="part-1")
    services.update_section(
        section=section,
        by=staff_user,
        title_it="Il piano di indagine clinica",
        title_en="The clinical investigation plan",
        body_it="Testo.",
        body_en="",
        references=[services.ReferenceData(kind="mdcg", document="MDCG 2024-3")],
    )
    section.refresh_from_db()
    assert (section.title_en, section.body_en, section.updated_by) == (
        "The clinical investigation plan",
        "",
        staff_user,
    )
    assert [r.citation for r in section.references.all()] == ["MDCG 2024-3"]
    assert Version.objects.get(pk=draft.pk).revision == 2


def test_an_editor_edits_the_draft_an_expert_who_is_not_one_cannot(expert):
    draft = _draft_with()
    section = draft.sections.get(key="part-1")
    fields = {"title_it": "T", "title_en": "T", "body_it": "", "body_en": "", "references": []}
    with pytest.raises(services.GuidelinesError):
        services.update_section(section=section, by=expert, **fields)
    services.appoint_editor(user=expert, by=UserFactory(role=Role.STAFF))
    expert = type(expert).objects.get(pk=expert.pk)  # a fresh request's user
    services.update_section(section=section, by=expert, **fields)
    assert Section.objects.get(pk=section.pk).title_it == "T"


def test_appoint_editor_refuses_members(staff_user, member):
    with pytest.raises(services.GuidelinesError):
        services.appoint_editor(user=member, by=staff_user)


def test_add_section_after_a_chapter_goes_first_in_it_a_new_chapter_after_its_sections(staff_user):
    draft = _draft_with(3)  # chapter, part-1, part-2
    chapter = draft.sections.get(key="regulatory-pathway")
    services.add_section(by=staff_user, level=Section.Level.SECTION, title_it="Nuova", title_en="New", after=chapter)
    services.add_section(
        by=staff_user, level=Section.Level.CHAPTER, title_it="Capitolo", title_en="Chapter", after=chapter
    )
    assert list(draft.sections.values_list("key", flat=True)) == [
        "regulatory-pathway",
        "new",
        "part-1",
        "part-2",
        "chapter",
    ]


def test_add_section_keys_stay_unique(staff_user):
    draft = _draft_with()
    services.add_section(by=staff_user, level=1, title_it="", title_en="Part 1")
    assert draft.sections.filter(key__startswith="part-1").count() == 2
    assert draft.sections.filter(key="part-1-2").exists()


def test_move_section_moves_a_chapter_with_its_sections(staff_user):
    draft = _draft_with(3)
    services.add_section(by=staff_user, level=1, title_it="Dati", title_en="Data protection")
    services.add_section(by=staff_user, level=2, title_it="GDPR", title_en="GDPR")
    services.move_section(section=draft.sections.get(key="data-protection"), by=staff_user, up=True)
    assert list(draft.sections.values_list("key", flat=True)) == [
        "data-protection",
        "gdpr",
        "regulatory-pathway",
        "part-1",
        "part-2",
    ]


def test_a_section_cannot_move_above_the_first_chapter(staff_user):
    draft = _draft_with(2)
    services.move_section(section=draft.sections.get(key="part-1"), by=staff_user, up=True)
    assert list(draft.sections.values_list("key", flat=True)) == ["regulatory-pathway", "part-1"]


def test_delete_section_refuses_a_chapter_that_still_has_sections(staff_user):
    draft = _draft_with(2)
    with pytest.raises(services.GuidelinesError, match="sections of this chapter"):
        services.delete_section(section=draft.sections.get(key="regulatory-pathway"), by=staff_user)
    services.delete_section(section=draft.sections.get(key="part-1"), by=staff_user)
    assert list(draft.sections.values_list("key", flat=True)) == ["regulatory-pathway"]


def test_open_threads_carry_on_into_the_next_draft_resolved_ones_stay(staff_user, expert):
    draft = _draft_with()
    section = draft.sections.get(key="part-1")
    open_thread = services.start_thread(section=section, by=expert, body="Citare MDCG 2021-6.")
    closed = services.start_thread(section=section, by=expert, body="Refuso.")
    services.resolve_thread(thread=closed, by=staff_user)
    version = _publish(staff_user)
    new_draft = Version.objects.draft().get()
    assert Thread.objects.get(pk=open_thread.pk).section.version == new_draft
    assert Thread.objects.get(pk=closed.pk).section.version == version


def test_request_review_tells_every_expert_and_closes_the_previous_round(staff_user, expert):
    _draft_with()
    first = services.request_review(by=staff_user, message="Entro fine mese.")
    second = services.request_review(by=staff_user)
    first.refresh_from_db()
    assert first.closed_at is not None and second.closed_at is None
    assert Notification.objects.filter(recipient=expert, kind="guidelines_review").count() == 2


def test_comments_notify_staff_editors_and_participants_not_the_author(staff_user, expert):
    other_expert = UserFactory(role=Role.EXPERT)
    draft = _draft_with()
    thread = services.start_thread(section=draft.sections.get(key="part-1"), by=expert, body="Una domanda.")
    services.reply(thread=thread, by=staff_user, body="Risposta.")
    kinds = Notification.objects.filter(kind="guidelines_comment")
    assert set(kinds.values_list("recipient", flat=True)) == {staff_user.pk, expert.pk}
    assert not kinds.filter(recipient=other_expert).exists()


def test_mark_reviewed_needs_an_open_review(expert, staff_user):
    draft = _draft_with()
    section = draft.sections.get(key="part-1")
    with pytest.raises(services.GuidelinesError):
        services.mark_reviewed(section=section, by=expert)
    services.request_review(by=staff_user)
    services.mark_reviewed(section=section, by=expert)
    services.mark_reviewed(section=section, by=expert)  # twice is once
    assert section.reviews.filter(reviewer=expert).count() == 1


def test_subscribers_hear_of_a_release_in_their_language(staff_user, django_capture_on_commit_callbacks):
    italian = UserFactory(preferred_language="it")
    english = UserFactory(preferred_language="en")
    UserFactory()  # not subscribed
    services.subscribe(user=italian)
    services.subscribe(user=english)
    _draft_with()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        _publish(staff_user)
    assert set(Notification.objects.filter(kind="guidelines_published").values_list("recipient", flat=True)) == {
        italian.pk,
        english.pk,
    }
    by_recipient = {message.to[0]: message for message in mail.outbox}
    assert "1.0" in by_recipient[italian.email].body
    assert "linee guida" in by_recipient[italian.email].body.lower()
    assert "guidelines" in by_recipient[english.email].body.lower()


def test_request_pdf_shares_one_rendition_between_requests(staff_user, django_capture_on_commit_callbacks):
    version = published_version()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        first = services.request_pdf(version=version, language="it")
        second = services.request_pdf(version=version, language="it")
    assert first.pk == second.pk
    assert len(callbacks) == 1  # one task queued
    assert Rendition.objects.filter(version=version, language="it").count() == 1


def test_request_pdf_queues_a_failed_rendition_again(django_capture_on_commit_callbacks):
    version = published_version()
    rendition = Rendition.objects.create(
        version=version, language="en", revision=version.revision, status=Rendition.Status.FAILED, error="boom"
    )
    with django_capture_on_commit_callbacks(execute=True):
        again = services.request_pdf(version=version, language="en")
    assert again.pk == rendition.pk
    again.refresh_from_db()
    assert again.status == Rendition.Status.READY


def test_a_changed_draft_gets_a_new_pdf(staff_user, django_capture_on_commit_callbacks):
    draft = _draft_with()
    with django_capture_on_commit_callbacks(execute=True):
        before = services.request_pdf(version=draft, language="it")
    services.update_title(by=staff_user, title_it="Nuovo titolo", title_en="New title")
    draft.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        after = services.request_pdf(version=draft, language="it")
    assert after.pk != before.pk
    assert after.revision == before.revision + 1
