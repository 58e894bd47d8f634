"""Published versions never change, so their reading view, their comparison
and their rendered sections are kept (guidelines/selectors.published_document,
guidelines/compare.compare_versions, the version page's fragment cache). The
draft is never kept: its page shows every edit at once."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from guidelines.compare import compare_versions
from guidelines.models import Version
from guidelines.selectors import published_document
from tests.factories.guidelines import DraftFactory, SectionFactory, publish


def _version(*, minor: int, scope: str) -> Version:
    draft = DraftFactory()
    SectionFactory(
        version=draft,
        position=0,
        key="scope",
        title_it="Ambito",
        title_en="Scope",
        body_it=scope,
        body_en=f"EN {scope}",
    )
    SectionFactory(version=draft, position=1, key="ethics", title_it="Etica", title_en="Ethics", body_it="Il comitato.")
    return publish(draft, major=1, minor=minor)


@pytest.fixture
def versions(db):
    """1.0 and 1.1: the scope's text changed, the ethics section did not."""
    return _version(minor=0, scope="Testo iniziale."), _version(minor=1, scope="Testo rivisto.")


def test_a_published_document_is_read_once(versions):
    first, _ = versions
    view = published_document(first, "it")
    with CaptureQueriesContext(connection) as captured:
        again = published_document(first, "it")
    assert again is view
    assert len(captured.captured_queries) == 0
    assert [section.title for section in view.sections] == ["Ambito", "Etica"]
    # Another language is another view.
    english = published_document(first, "en")
    assert english is not view
    assert [section.title for section in english.sections] == ["Scope", "Ethics"]


def test_the_draft_is_never_kept(db):
    draft = DraftFactory()
    section = SectionFactory(version=draft, key="scope", title_it="Ambito", body_it="Prima stesura.")
    assert published_document(draft, "it").sections[0].body == "Prima stesura."
    section.body_it = "Seconda stesura."
    section.save()
    assert published_document(draft, "it").sections[0].body == "Seconda stesura."


def test_the_comparison_of_two_published_versions_is_kept(versions):
    first, second = versions
    with translation.override("it"):
        comparison = compare_versions(first, second, "it")
        with CaptureQueriesContext(connection) as captured:
            assert compare_versions(first, second, "it") is comparison
        assert len(captured.captured_queries) == 0
    assert comparison.changed == 1
    assert comparison.unchanged == 1
    # The labels are translated: another interface language is another comparison.
    with translation.override("en"):
        assert compare_versions(first, second, "it") is not comparison


def test_the_version_page_shows_each_language_from_its_own_fragment(anonymous_client, versions):
    url = reverse("guidelines:version", kwargs={"number": "1.0"})
    italian = anonymous_client.get(url).content.decode()
    english = anonymous_client.get(url + "?lang=en").content.decode()
    assert "<p>Testo iniziale.</p>" in italian and "EN Testo iniziale." not in italian
    assert "<p>EN Testo iniziale.</p>" in english and "<p>Testo iniziale.</p>" not in english
    # Read again (from the kept fragment), the same page.
    assert anonymous_client.get(url).content.decode().count("Testo iniziale.") == italian.count("Testo iniziale.")
