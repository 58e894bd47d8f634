"""The question search at scale: a capped count, ranking among the most recent
matches, confidential questions never counted for those who may not see them,
and a fixed number of queries. Runs on SQLite (substring fallback) and
PostgreSQL (full-text search)."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from forum.filters import SEARCH_RESULT_CAP, SearchPaginator
from forum.models import Question
from forum.selectors import similar_questions
from tests.factories import QuestionFactory

ANONYMOUS_BUDGET = 10
SIGNED_IN_BUDGET = 15
full_text = pytest.mark.skipif(connection.vendor != "postgresql", reason="ranking needs PostgreSQL full-text search")


@pytest.fixture
def small_cap(monkeypatch):
    """A cap of 3, so that a handful of questions exceeds it."""
    monkeypatch.setattr(SearchPaginator, "cap", 3)
    return 3


def ask_in_order(author, titles, *, body="Testo della domanda abbastanza lungo.", visibility="public"):
    """Questions asked one day apart, the first the oldest."""
    questions = [QuestionFactory(author=author, title=title, body=body, visibility=visibility) for title in titles]
    start = timezone.now() - timedelta(days=len(titles) + 1)
    for day, question in enumerate(questions):
        Question.objects.filter(pk=question.pk).update(created_at=start + timedelta(days=day))
    return questions


def english(client):
    client.cookies["django_language"] = "en"
    return client


def listed_titles(response) -> list[str]:
    return [question.title for question in response.context["page"].object_list]


def test_the_default_cap_is_a_thousand():
    assert SEARCH_RESULT_CAP == 1000
    assert SearchPaginator.cap == SEARCH_RESULT_CAP


def test_a_search_below_the_cap_counts_exactly(anonymous_client, member, small_cap):
    ask_in_order(member, [f"Protocollo numero {n} per lo studio" for n in range(3)])

    response = english(anonymous_client).get(reverse("forum:list"), {"q": "protocollo"})

    page = response.content.decode()
    assert response.context["page"].paginator.count == 3
    assert response.context["page"].paginator.capped is False
    assert "3 questions" in page
    assert "More than" not in page


def test_a_search_above_the_cap_says_more_than_and_lists_the_most_recent(anonymous_client, member, small_cap):
    asked = ask_in_order(member, [f"Protocollo numero {n} per lo studio" for n in range(5)])

    response = english(anonymous_client).get(reverse("forum:list"), {"q": "protocollo", "sort": "newest"})

    page = response.content.decode()
    paginator = response.context["page"].paginator
    assert (paginator.count, paginator.capped, paginator.num_pages) == (3, True, 1)
    assert "More than 3 questions match: only the most recent are listed." in page
    assert listed_titles(response) == [asked[4].title, asked[3].title, asked[2].title]


def test_the_capped_label_groups_thousands_in_each_language(anonymous_client, member, monkeypatch):
    monkeypatch.setattr(SearchPaginator, "_counted", 1001)
    QuestionFactory(author=member, title="Protocollo dello studio")

    english_page = english(anonymous_client).get(reverse("forum:list"), {"q": "protocollo"}).content.decode()
    anonymous_client.cookies["django_language"] = "it"
    italian_page = anonymous_client.get(reverse("forum:list"), {"q": "protocollo"}).content.decode()

    assert "More than 1,000 questions match" in english_page
    # The Italian text comes from the catalogue; the number is grouped the Italian way.
    assert "1.000" in italian_page
    assert "1,000" not in italian_page


def test_the_list_without_a_search_keeps_its_exact_count(anonymous_client, member, small_cap):
    ask_in_order(member, [f"Protocollo numero {n} per lo studio" for n in range(5)])

    response = english(anonymous_client).get(reverse("forum:list"))

    assert response.context["page"].paginator.count == 5
    assert "5 questions" in response.content.decode()


@pytest.mark.parametrize("sort", ["", "newest", "helpful", "unanswered"])
def test_confidential_questions_are_never_counted_or_listed_for_anonymous(
    anonymous_client, staff_client, member, small_cap, sort
):
    public = ask_in_order(member, [f"Protocollo pubblico {n}" for n in range(3)])
    # Newer than the public ones: they would fill the candidates if they leaked in.
    ask_in_order(member, [f"Protocollo riservato {n}" for n in range(4)], visibility="confidential")
    Question.objects.filter(title__startswith="Protocollo riservato").update(created_at=timezone.now())

    anonymous = english(anonymous_client).get(reverse("forum:list"), {"q": "protocollo", "sort": sort})
    staff = english(staff_client).get(reverse("forum:list"), {"q": "protocollo", "sort": sort})

    assert anonymous.context["page"].paginator.capped is False
    assert sorted(listed_titles(anonymous)) == sorted(question.title for question in public)
    assert "riservato" not in anonymous.content.decode()
    assert staff.context["page"].paginator.capped is True
    assert len(listed_titles(staff)) == 3


@full_text
def test_ranking_still_puts_title_matches_first_among_the_candidates(anonymous_client, member, small_cap):
    body_only = ask_in_order(
        member,
        ["Domanda generica numero uno", "Domanda generica numero due"],
        body="Parla anche di usabilità in un passaggio.",
    )
    titled = ask_in_order(member, ["Test di usabilità sommativa"])[0]
    Question.objects.filter(pk=titled.pk).update(created_at=timezone.now() - timedelta(days=30))
    newest = ask_in_order(member, ["Altra domanda recente"], body="Cita l'usabilità del dispositivo.")[0]

    response = anonymous_client.get(reverse("forum:list"), {"q": "usabilità"})

    # The four matches exceed the cap of three: ranked among the four most
    # recent (all of them here), the title match comes first.
    assert response.context["page"].paginator.capped is True
    titles = listed_titles(response)
    assert titles[0] == titled.title
    assert set(titles[1:]) <= {newest.title, *(question.title for question in body_only)}


@full_text
def test_ranking_considers_only_the_most_recent_matches_above_the_cap(anonymous_client, member, small_cap):
    old_title_match = ask_in_order(member, ["Usabilità sommativa: quale norma?"])[0]
    Question.objects.filter(pk=old_title_match.pk).update(created_at=timezone.now() - timedelta(days=400))
    ask_in_order(member, [f"Domanda recente {n}" for n in range(4)], body="Parla anche di usabilità.")

    response = anonymous_client.get(reverse("forum:list"), {"q": "usabilità"})

    assert old_title_match.title not in listed_titles(response)
    assert len(listed_titles(response)) == 3


@full_text
def test_a_quoted_phrase_matches_only_the_phrase(anonymous_client, member):
    phrase = QuestionFactory(author=member, title="Parere del comitato etico territoriale")
    QuestionFactory(author=member, title="Il comitato di un centro etico e territoriale")

    response = anonymous_client.get(reverse("forum:list"), {"q": '"comitato etico territoriale"'})

    assert listed_titles(response) == [phrase.title]
    assert response.context["page"].paginator.count == 1


@pytest.mark.parametrize("rows", [1, 30])
@pytest.mark.parametrize("sort", ["", "newest"])
def test_search_page_queries(
    anonymous_client, staff_client, member_client, member, django_assert_max_num_queries, rows, sort
):
    ask_in_order(member, [f"Protocollo numero {n} per lo studio" for n in range(rows)])
    params = {"q": "protocollo", "sort": sort}

    with django_assert_max_num_queries(ANONYMOUS_BUDGET):
        response = anonymous_client.get(reverse("forum:list"), params)
    assert len(listed_titles(response)) == min(rows, 20)
    for client in (member_client, staff_client):
        with django_assert_max_num_queries(SIGNED_IN_BUDGET):
            assert client.get(reverse("forum:list"), params).status_code == 200


def test_a_page_beyond_the_cap_shows_the_last_page(anonymous_client, member, small_cap, monkeypatch):
    monkeypatch.setattr("forum.views.questions.PAGE_SIZE", 2)
    ask_in_order(member, [f"Protocollo numero {n} per lo studio" for n in range(6)])

    response = anonymous_client.get(reverse("forum:list"), {"q": "protocollo", "sort": "newest", "page": "9"})

    page = response.context["page"]
    assert (page.number, page.paginator.num_pages) == (2, 2)
    assert listed_titles(response) == ["Protocollo numero 3 per lo studio"]


@full_text
def test_similar_questions_bring_in_every_question_of_a_rare_word(member, monkeypatch):
    monkeypatch.setattr("forum.selectors.SIMILAR_CANDIDATES_PER_WORD", 2)
    rare = ask_in_order(member, ["Elettrostimolatore Neurovex: quale protocollo?"])[0]
    Question.objects.filter(pk=rare.pk).update(created_at=timezone.now() - timedelta(days=400))
    ask_in_order(member, [f"Protocollo numero {n} per lo studio" for n in range(4)])

    similar = similar_questions(user=AnonymousUser(), title="Neurovex protocollo")

    # Two candidates per word: the two newest "protocollo" questions and the
    # only "Neurovex" one, however old.
    assert rare in similar
    assert len(similar) == 3


@full_text
def test_similar_questions_never_offer_confidential_ones_to_anonymous(member):
    ask_in_order(member, ["Neurovex riservato"], visibility="confidential")
    public = QuestionFactory(author=member, title="Neurovex pubblico")

    assert similar_questions(user=AnonymousUser(), title="Neurovex") == [public]
