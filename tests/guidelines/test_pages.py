"""The guidelines' pages: who may see and do what on every URL, what readers
see (current and superseded versions, the fallback of a missing translation,
the reference list, the feed, the comparison), the review of the draft, the
PDF's start, poll and download, and a fixed number of queries whatever the size.

Personas: anonymous, ``member``, ``other_member``, ``expert``, ``staff_user``,
``administrator``; plus an ``editor`` (an expert staff appointed)."""

import pytest
from django.urls import reverse
from django.utils import translation

from guidelines import services
from guidelines.models import Editor, Rendition, Section, Subscription, Thread, Version
from portal.accounts.roles import Role
from tests.conftest import PERSONAS
from tests.factories import UserFactory
from tests.factories.guidelines import DraftFactory, ReferenceFactory, SectionFactory

pytestmark = pytest.mark.django_db

ANONYMOUS, MEMBER, OTHER_MEMBER, EXPERT, STAFF, ADMIN = PERSONAS
LOGIN = "login"
EVERYONE_200 = dict.fromkeys(PERSONAS, 200)
BOARD_200 = {ANONYMOUS: LOGIN, MEMBER: 403, OTHER_MEMBER: 403, EXPERT: 200, STAFF: 200, ADMIN: 200}
STAFF_200 = BOARD_200 | {EXPERT: 403}


def matrix(expected: dict) -> pytest.MarkDecorator:
    return pytest.mark.parametrize(("persona", "expected"), list(expected.items()))


def assert_status(response, expected, url: str) -> None:
    if expected == LOGIN:
        assert response.status_code == 302
        assert response["Location"] == f"{reverse('account_login')}?next={url}"
    else:
        assert response.status_code == expected


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


@pytest.fixture
def editor(client_for):
    user = UserFactory(role=Role.EXPERT, with_mfa=True, full_name="Paola Riva", preferred_language="en")
    Editor.objects.create(user=user)
    return user


def _write(draft: Version, chapters: int = 2, sections_per_chapter: int = 2) -> list[Section]:
    sections = []
    for chapter in range(chapters):
        sections.append(
            SectionFactory(
                version=draft,
                level=Section.Level.CHAPTER,
                key=f"chapter-{chapter}",
                title_en=f"Chapter {chapter}",
                title_it=f"Capitolo {chapter}",
            )
        )
        for n in range(sections_per_chapter):
            section = SectionFactory(
                version=draft,
                key=f"section-{chapter}-{n}",
                title_en=f"Section {chapter}.{n}",
                title_it=f"Sezione {chapter}.{n}",
                body_en=f"The sponsor plans the investigation {chapter}.{n}.",
                body_it=f"Il promotore pianifica l'indagine {chapter}.{n}.",
            )
            ReferenceFactory(section=section, locator=f"Art. {62 + n}")
            sections.append(section)
    return sections


def _release(by, *, step=services.Step.MINOR, changelog="Revised the chapter on ethics committees."):
    return services.publish_version(by=by, step=step, changelog_it="", changelog_en=changelog)


@pytest.fixture
def published(staff_user):
    """Versions 1.0 and 1.1 and a draft after them."""
    _write(DraftFactory())
    first = _release(staff_user, step=services.Step.MAJOR, changelog="First version.")
    draft = Version.objects.draft().get()
    section = draft.sections.get(key="section-0-0")
    services.update_section(
        section=section,
        by=staff_user,
        title_it=section.title_it,
        title_en=section.title_en,
        body_it=section.body_it,
        body_en="The sponsor plans the investigation with the site.",
        references=[],
    )
    second = _release(staff_user)
    return first, second


# Who may see what.


@matrix(EVERYONE_200)
def test_the_current_version_is_public(request, persona, expected, published):
    url = reverse("guidelines:current")
    response = request.getfixturevalue(persona).get(url)
    assert_status(response, expected, url)
    assert response.context["version"].number == "1.1"


@matrix(EVERYONE_200)
@pytest.mark.parametrize("name", ["versions", "feed", "compare"])
def test_public_pages(request, persona, expected, name, published):
    url = reverse(f"guidelines:{name}")
    assert_status(request.getfixturevalue(persona).get(url), expected, url)


@matrix(EVERYONE_200)
def test_an_earlier_version_is_public(request, persona, expected, published):
    url = reverse("guidelines:version", args=["1.0"])
    assert_status(request.getfixturevalue(persona).get(url), expected, url)


@matrix(BOARD_200)
def test_the_draft_is_for_the_board_and_staff(request, persona, expected, published):
    url = reverse("guidelines:draft")
    assert_status(request.getfixturevalue(persona).get(url), expected, url)


@matrix(STAFF_200)
@pytest.mark.parametrize("name", ["review", "publish", "editors"])
def test_staff_pages(request, persona, expected, name, published):
    url = reverse(f"guidelines:{name}")
    assert_status(request.getfixturevalue(persona).get(url), expected, url)


@matrix(STAFF_200)
@pytest.mark.parametrize("name", ["edit_title", "add_section"])
def test_editing_pages_for_staff(request, persona, expected, name, published):
    url = reverse(f"guidelines:{name}")
    assert_status(request.getfixturevalue(persona).get(url), expected, url)


def test_an_editor_may_edit_but_not_publish(client_for, editor, published):
    client = client_for(editor)
    section = Version.objects.draft().get().sections.get(key="section-0-0")
    assert client.get(reverse("guidelines:edit_section", args=[section.pk])).status_code == 200
    assert client.get(reverse("guidelines:add_section")).status_code == 200
    assert client.get(reverse("guidelines:publish")).status_code == 403
    assert client.get(reverse("guidelines:review")).status_code == 403


def test_a_published_section_has_no_edit_page(staff_client, published):
    first, _ = published
    section = first.sections.first()
    assert staff_client.get(reverse("guidelines:edit_section", args=[section.pk])).status_code == 404
    assert staff_client.post(reverse("guidelines:comment", args=[section.pk]), {"body": "x"}).status_code == 404


def test_an_unknown_version_is_404(anonymous_client, published):
    assert anonymous_client.get(reverse("guidelines:version", args=["9.9"])).status_code == 404


def test_no_version_yet(anonymous_client, expert_client):
    response = anonymous_client.get(reverse("guidelines:current"))
    assert response.status_code == 200
    assert "No version has been published yet" in response.content.decode()
    assert f'href="{reverse("guidelines:draft")}"' in expert_client.get(reverse("guidelines:current")).content.decode()
    assert f'href="{reverse("guidelines:draft")}"' not in response.content.decode()


# What readers see.


def test_the_version_page_has_a_toc_anchors_references_and_the_changelog(anonymous_client, published):
    page = anonymous_client.get(reverse("guidelines:current")).content.decode()
    assert '<a href="#s-section-0-0">1.1 Section 0.0</a>' in page
    assert 'id="s-section-0-0"' in page
    assert "Regulation (EU) 2017/745 (MDR), Art. 62" in page
    assert 'id="reference-list"' in page
    assert "Revised the chapter on ethics committees." in page
    assert "superseded" not in page.lower().replace("superseded by", "")


def test_a_superseded_version_links_to_the_current_one(anonymous_client, published):
    page = anonymous_client.get(reverse("guidelines:version", args=["1.0"])).content.decode()
    assert "This is version 1.0, superseded by version 1.1." in page
    assert f'href="{reverse("guidelines:current")}"' in page
    assert "?from=1.0&amp;to=1.1" in page


def test_a_missing_translation_falls_back_with_a_notice(staff_user, anonymous_client):
    draft = DraftFactory()
    SectionFactory(version=draft, level=Section.Level.CHAPTER, key="intro", title_en="Introduction")
    SectionFactory(version=draft, key="registries", title_en="", body_en="", title_it="Registri", body_it="Testo.")
    _release(staff_user, step=services.Step.MAJOR)
    page = anonymous_client.get(reverse("guidelines:current") + "?lang=en").content.decode()
    assert "This section is not yet translated into English: it is shown in Italian." in page
    assert '<div class="guideline-body" lang="it"><p>Testo.</p></div>' in page
    assert "Registri" in page


def test_readers_may_read_the_document_in_the_other_language(anonymous_client, published):
    response = anonymous_client.get(reverse("guidelines:current") + "?lang=it")
    assert "Sezione 0.0" in response.content.decode()
    assert response.context["document"].language == "it"


def test_the_version_list_shows_each_changelog(anonymous_client, published):
    page = anonymous_client.get(reverse("guidelines:versions")).content.decode()
    assert page.index("Version 1.1") < page.index("Version 1.0")
    assert "First version." in page and "Revised the chapter on ethics committees." in page


def test_the_atom_feed_lists_releases(anonymous_client, published):
    response = anonymous_client.get(reverse("guidelines:feed"))
    assert response["Content-Type"].startswith("application/atom+xml")
    body = response.content.decode()
    assert body.count("<entry>") == 2
    assert "Version 1.1" in body and "/guidelines/1.1/" in body


def test_the_comparison_shows_the_changed_section(anonymous_client, published):
    response = anonymous_client.get(reverse("guidelines:compare") + "?from=1.0&to=1.1&lang=en")
    comparison = response.context["comparison"]
    assert (comparison.changed, comparison.added, comparison.removed) == (1, 0, 0)
    entry = next(entry for entry in comparison.entries if entry.kind == "changed")
    assert entry.key == "section-0-0"
    assert "with the site" in entry.body_diff.split("<ins")[1]
    assert entry.body_diff in response.content.decode()


def test_the_comparison_defaults_to_the_latest_change(anonymous_client, published):
    response = anonymous_client.get(reverse("guidelines:compare"))
    assert (response.context["older"].number, response.context["newer"].number) == ("1.0", "1.1")


def test_only_the_board_compares_with_the_draft(anonymous_client, expert_client, published):
    assert anonymous_client.get(reverse("guidelines:compare") + "?from=1.1&to=draft").status_code == 404
    response = expert_client.get(reverse("guidelines:compare") + "?from=1.1&to=draft")
    assert response.status_code == 200
    assert response.context["newer"].status == Version.Status.DRAFT


# Subscribing.


def test_subscribe_and_unsubscribe(member_client, member, published):
    url = reverse("guidelines:subscription")
    response = member_client.post(url, {"subscribe": "1", "next": "/guidelines/versions/"})
    assert response["Location"] == "/guidelines/versions/"
    assert Subscription.objects.filter(user=member).exists()
    member_client.post(url, {"subscribe": "0", "next": "https://evil.example.org/"})
    assert not Subscription.objects.filter(user=member).exists()


def test_anonymous_visitors_are_asked_to_sign_in_to_subscribe(anonymous_client, published):
    url = reverse("guidelines:subscription")
    assert_status(anonymous_client.post(url, {"subscribe": "1"}), LOGIN, url)
    assert (
        "Sign in to be notified of new versions" in anonymous_client.get(reverse("guidelines:current")).content.decode()
    )


# Writing, reviewing and publishing through the pages.


def _form(section: Section, **changes) -> dict:
    data = {
        "title_it": section.title_it,
        "title_en": section.title_en,
        "body_it": section.body_it,
        "body_en": section.body_en,
        "references-TOTAL_FORMS": "2",
        "references-INITIAL_FORMS": "0",
        "references-MIN_NUM_FORMS": "0",
        "references-MAX_NUM_FORMS": "40",
        "references-0-kind": "mdcg",
        "references-0-document": "MDCG 2021-6",
        "references-0-revision": "Rev. 1",
        "references-0-locator": "",
        "references-0-title": "Questions & Answers regarding clinical investigation",
        "references-0-url": "",
        "references-1-kind": "mdr",
        "references-1-document": "",
        "references-1-locator": "",
    }
    return data | changes


def test_staff_edit_a_section_with_its_references(staff_client, published):
    section = Version.objects.draft().get().sections.get(key="section-1-0")
    url = reverse("guidelines:edit_section", args=[section.pk])
    response = staff_client.post(url, _form(section, **{"references-1-locator": "Annex XV", "body_en": "New text."}))
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('guidelines:draft')}#s-section-1-0"
    section.refresh_from_db()
    assert section.body_en == "New text."
    assert [r.citation for r in section.references.all()] == [
        "MDCG 2021-6 Rev. 1",
        "Regulation (EU) 2017/745 (MDR), Annex XV",
    ]


def test_a_section_without_a_title_is_refused_and_nothing_is_lost(staff_client, published):
    section = Version.objects.draft().get().sections.get(key="section-1-0")
    url = reverse("guidelines:edit_section", args=[section.pk])
    response = staff_client.post(url, _form(section, title_it="", title_en="", body_en="Kept text."))
    assert response.status_code == 200
    assert "Give the section a title in at least one language." in response.content.decode()
    assert "Kept text." in response.content.decode()
    assert Section.objects.get(pk=section.pk).title_en == "Section 1.0"


def test_a_reference_of_another_kind_needs_its_document(staff_client, published):
    section = Version.objects.draft().get().sections.get(key="section-1-0")
    url = reverse("guidelines:edit_section", args=[section.pk])
    response = staff_client.post(url, _form(section, **{"references-0-document": ""}))
    assert response.status_code == 200
    assert "Name the document." in response.content.decode()


def test_an_expert_comments_and_staff_resolve(expert_client, staff_client, expert, published):
    section = Version.objects.draft().get().sections.get(key="section-1-0")
    response = expert_client.post(reverse("guidelines:comment", args=[section.pk]), {"body": "Cite MDCG 2024-3."})
    assert response.status_code == 302
    thread = Thread.objects.get(section=section)
    assert thread.comments.get().author == expert
    page = staff_client.get(reverse("guidelines:draft")).content.decode()
    assert "Cite MDCG 2024-3." in page
    staff_client.post(reverse("guidelines:resolve", args=[thread.pk]))
    assert Thread.objects.get(pk=thread.pk).is_resolved


def test_an_expert_may_not_edit_or_resolve_others_threads(expert_client, staff_user, published):
    section = Version.objects.draft().get().sections.get(key="section-1-0")
    thread = services.start_thread(section=section, by=staff_user, body="Da rivedere.")
    assert expert_client.post(reverse("guidelines:edit_section", args=[section.pk]), _form(section)).status_code == 403
    expert_client.post(reverse("guidelines:resolve", args=[thread.pk]))
    assert not Thread.objects.get(pk=thread.pk).is_resolved


def test_members_may_not_comment(member_client, published):
    section = Version.objects.draft().get().sections.first()
    assert member_client.post(reverse("guidelines:comment", args=[section.pk]), {"body": "x"}).status_code == 403
    assert not Thread.objects.exists()


def test_staff_see_who_reviewed_what(staff_client, expert_client, expert, published):
    staff_client.post(reverse("guidelines:review"), {"message": "By Friday, please.", "action": "request"})
    section = Version.objects.draft().get().sections.get(key="section-0-1")
    expert_client.post(reverse("guidelines:mark_reviewed", args=[section.pk]), {"reviewed": "1"})
    response = staff_client.get(reverse("guidelines:review"))
    row = next(row for row in response.context["progress"] if row["reviewer"] == expert)
    assert (row["reviewed"], list(row["sections"])) == (1, [section.pk])
    assert "1 / 6" in response.content.decode()


def test_staff_publish_through_the_page(staff_client, published, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            reverse("guidelines:publish"), {"step": "major", "changelog_it": "", "changelog_en": "Reorganised."}
        )
    assert response["Location"] == reverse("guidelines:version", args=["2.0"])
    assert Version.objects.published().first().number == "2.0"


def test_publishing_without_a_changelog_is_refused(staff_client, published):
    response = staff_client.post(reverse("guidelines:publish"), {"step": "minor"})
    assert response.status_code == 200
    assert "Say what changed in this version, in at least one language." in response.content.decode()
    assert Version.objects.published().count() == 2


def test_staff_appoint_and_remove_editors(staff_client, expert, published):
    staff_client.post(reverse("guidelines:editors"), {"expert": expert.pk})
    assert Editor.objects.filter(user=expert).exists()
    staff_client.post(reverse("guidelines:editors"), {"remove": expert.pk})
    assert not Editor.objects.filter(user=expert).exists()


# The PDF: start, poll, download.


def test_a_reader_starts_polls_and_downloads_the_pdf(anonymous_client, published, django_capture_on_commit_callbacks):
    Rendition.objects.all().delete()  # as if publishing had not produced them yet
    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = anonymous_client.post(reverse("guidelines:request_pdf"), {"version": "1.0", "language": "en"})
    rendition = Rendition.objects.get(version__major=1, version__minor=0, language="en")
    assert response["Location"] == reverse("guidelines:pdf", args=[rendition.pk])
    status_url = reverse("guidelines:pdf", args=[rendition.pk]) + "?format=json"
    # The request returned before the PDF was made: the worker makes it.
    assert anonymous_client.get(status_url).json() == {"status": "pending", "download": "", "pages": None, "size": None}
    for callback in queued:
        callback()
    state = anonymous_client.get(status_url).json()
    assert state["status"] == "ready"
    assert state["download"] == reverse("guidelines:pdf_download", args=[rendition.pk])
    download = anonymous_client.get(state["download"])
    assert download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content).startswith(b"%PDF")


def test_the_draft_pdf_is_for_the_board(anonymous_client, member_client, expert_client, published):
    data = {"version": "draft", "language": "it"}
    assert anonymous_client.post(reverse("guidelines:request_pdf"), data).status_code == 404
    assert member_client.post(reverse("guidelines:request_pdf"), data).status_code == 404
    response = expert_client.post(reverse("guidelines:request_pdf"), data)
    rendition = Rendition.objects.get(version__status="draft")
    assert response["Location"] == reverse("guidelines:pdf", args=[rendition.pk])
    assert member_client.get(reverse("guidelines:pdf", args=[rendition.pk])).status_code == 404
    assert member_client.get(reverse("guidelines:pdf_download", args=[rendition.pk])).status_code == 404


def test_a_bad_pdf_request_is_404(anonymous_client, published):
    assert (
        anonymous_client.post(reverse("guidelines:request_pdf"), {"version": "1.0", "language": "fr"}).status_code
        == 404
    )
    assert (
        anonymous_client.post(reverse("guidelines:request_pdf"), {"version": "7.0", "language": "it"}).status_code
        == 404
    )
    assert anonymous_client.get(reverse("guidelines:request_pdf")).status_code == 405


# A fixed number of queries whatever the size.


def _grow(staff_user, chapters: int):
    _write(DraftFactory(), chapters=chapters, sections_per_chapter=3)
    _release(staff_user, step=services.Step.MAJOR, changelog="First version.")
    draft = Version.objects.draft().get()
    section = draft.sections.filter(level=Section.Level.SECTION).first()
    services.update_section(
        section=section, by=staff_user, title_it="X", title_en="X", body_it="Y", body_en="Y", references=[]
    )
    _release(staff_user)


@pytest.mark.parametrize("chapters", [1, 10])
@pytest.mark.parametrize(
    "url",
    [
        "/guidelines/",
        "/guidelines/1.0/",
        "/guidelines/versions/",
        "/guidelines/compare/?from=1.0&to=1.1",
        "/guidelines/feed/",
    ],
)
def test_reading_pages_run_a_fixed_number_of_queries(
    anonymous_client, staff_user, chapters, url, django_assert_max_num_queries
):
    _grow(staff_user, chapters)
    with django_assert_max_num_queries(8):
        assert anonymous_client.get(url).status_code == 200


@pytest.mark.parametrize("chapters", [1, 10])
def test_the_draft_page_runs_a_fixed_number_of_queries(
    staff_client, staff_user, expert, chapters, django_assert_max_num_queries
):
    _grow(staff_user, chapters)
    services.request_review(by=staff_user)
    for section in Version.objects.draft().get().sections.all():
        thread = services.start_thread(section=section, by=expert, body="Commento.")
        services.reply(thread=thread, by=staff_user, body="Risposta.")
    with django_assert_max_num_queries(22):
        assert staff_client.get(reverse("guidelines:draft")).status_code == 200
    with django_assert_max_num_queries(20):
        assert staff_client.get(reverse("guidelines:review")).status_code == 200


# Every write, for every persona: who may, and what the others get.

EDITORS_ONLY = {ANONYMOUS: LOGIN, MEMBER: 403, OTHER_MEMBER: 403, EXPERT: 403, STAFF: 302, ADMIN: 302}
BOARD_WRITES = EDITORS_ONLY | {EXPERT: 302}


@pytest.fixture
def draft_section(published):
    return Version.objects.draft().get().sections.get(key="section-1-1")


@matrix(EDITORS_ONLY)
@pytest.mark.parametrize(
    ("name", "data"),
    [("move_section", {"direction": "up"}), ("delete_section", {}), ("edit_section", None)],
)
def test_writes_on_a_section_for_editors(request, persona, expected, name, data, draft_section):
    url = reverse(f"guidelines:{name}", args=[draft_section.pk])
    response = request.getfixturevalue(persona).post(url, data if data is not None else _form(draft_section))
    assert_status(response, expected, url)
    still_there = Section.objects.filter(pk=draft_section.pk).exists()
    assert still_there == (name != "delete_section" or expected != 302)


@matrix(BOARD_WRITES)
def test_comments_for_the_board(request, persona, expected, draft_section):
    url = reverse("guidelines:comment", args=[draft_section.pk])
    assert_status(request.getfixturevalue(persona).post(url, {"body": "Commento."}), expected, url)
    assert Thread.objects.exists() == (expected == 302)


@matrix(BOARD_WRITES)
@pytest.mark.parametrize("name", ["reply", "resolve"])
def test_thread_writes_for_the_board(request, persona, expected, name, draft_section, staff_user):
    thread = services.start_thread(section=draft_section, by=staff_user, body="Da rivedere.")
    url = reverse(f"guidelines:{name}", args=[thread.pk])
    assert_status(request.getfixturevalue(persona).post(url, {"body": "Risposta."}), expected, url)


@matrix(BOARD_WRITES | {STAFF: 403, ADMIN: 403})
def test_marking_reviewed_is_for_experts(request, persona, expected, draft_section, staff_user):
    services.request_review(by=staff_user)
    url = reverse("guidelines:mark_reviewed", args=[draft_section.pk])
    assert_status(request.getfixturevalue(persona).post(url, {"reviewed": "1"}), expected, url)
    assert draft_section.reviews.exists() == (persona == EXPERT)


@matrix(EDITORS_ONLY)
@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("publish", {"step": "minor", "changelog_en": "Changes."}),
        ("review", {"action": "request", "message": ""}),
        ("editors", {"expert": "0"}),
        ("edit_title", {"title_it": "Titolo", "title_en": "Title"}),
    ],
)
def test_staff_writes(request, persona, expected, name, data, published, django_capture_on_commit_callbacks):
    url = reverse(f"guidelines:{name}")
    response = request.getfixturevalue(persona).post(url, data)
    if name == "editors" and expected == 302:
        expected = 200  # an unknown expert is a form error
    assert_status(response, expected, url)
    assert Version.objects.published().count() == (3 if name == "publish" and expected == 302 else 2)
