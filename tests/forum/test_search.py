import pytest
from django.db import connection
from django.urls import reverse

from experts.models import Topic
from forum import services

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="full-text search needs PostgreSQL; on SQLite the list falls back to a plain substring match",
)


def ask(author, title, body="Testo della domanda abbastanza lungo."):
    return services.ask_question(
        author=author, title=title, body=body, topics=Topic.objects.filter(slug="pmcf"), visibility="public"
    )


def test_search_stems_italian_and_english_words(anonymous_client, member):
    ask(member, "Quale comitato etico per lo studio?")
    ask(member, "Which ethics committees review device investigations?")

    italian = anonymous_client.get(reverse("forum:list"), {"q": "comitati"}).content.decode()
    english = anonymous_client.get(reverse("forum:list"), {"q": "committee"}).content.decode()

    assert "Quale comitato etico per lo studio?" in italian
    assert "Which ethics committees review device investigations?" in english


def test_title_matches_rank_above_body_matches(anonymous_client, member):
    ask(member, "Una domanda generica sul dispositivo", body="Parla anche di usabilità in un passaggio.")
    ask(member, "Test di usabilità sommativa per un dispositivo")

    page = anonymous_client.get(reverse("forum:list"), {"q": "usabilità"}).content.decode()

    assert page.index("Test di usabilità sommativa") < page.index("Una domanda generica sul dispositivo")


def test_snippets_highlight_matches_and_stay_escaped(anonymous_client, member):
    ask(member, "Domanda con markup", body="Il protocollo <script>alert(1)</script> cita il pacemaker impiantabile.")

    page = anonymous_client.get(reverse("forum:list"), {"q": "pacemaker"}).content.decode()

    assert "<mark>pacemaker</mark>" in page
    # ts_headline drops tag-like tokens; whatever remains is escaped before <mark>.
    assert "<script>alert(1)</script>" not in page


def test_a_rare_word_sorted_newest_first(anonymous_client, member):
    older = ask(member, "Prima domanda su un elettrostimolatore")
    newer = ask(member, "Seconda domanda su un elettrostimolatore")

    page = anonymous_client.get(reverse("forum:list"), {"q": "elettrostimolatore", "sort": "newest"}).content.decode()

    assert page.index(newer.title) < page.index(older.title)
