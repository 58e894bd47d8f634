"""Cross-site scripting: payloads written wherever users write in the forum
(titles, bodies, answers, comments, FAQ texts, reports, attachment names, the
search box) never come back as executable markup, on any page that shows them.

"Executable" is judged on the parsed page: no <script> but the portal's own
static files, no event-handler attribute (``on...=``) on any element, no
``javascript:`` (or ``vbscript:``/``data:``) URL in a link or a source. Text
containing the payload is fine as long as it is escaped (``&lt;script&gt;``).
"""

import pytest
from django.urls import reverse
from django.utils.html import escape

from forum import services
from forum.templatetags.forum import highlight
from portal.accounts.roles import Role
from tests.factories import AnswerFactory, CommentFactory, FAQEntryFactory, QuestionFactory, UserFactory
from tests.factories.forum import add_pdf
from tests.security.xss import FEED, PAYLOAD_IDS, PAYLOADS, assert_safe, assert_safe_feed, executable_markup

# Personas are fixtures fetched by name at run time: declare the database use, so that
# pytest-django runs these tests with the other database tests, before the transactional
# ones (which flush the topic taxonomy).
pytestmark = pytest.mark.django_db


@pytest.fixture
def another_expert(db):
    return UserFactory(role=Role.EXPERT, with_mfa=True)


@pytest.fixture(params=PAYLOADS, ids=PAYLOAD_IDS)
def payload(request):
    return request.param


@pytest.fixture
def scene(payload, member, expert, another_expert, staff_user, other_member):
    """The payload everywhere users write."""
    question = QuestionFactory(
        author=member,
        title=f"Domanda {payload}"[:200],
        body=f"{payload}\n\nTesto con un [link](javascript:alert('body')) e {payload}",
    )
    attachment = add_pdf(question, name=f"{payload}.pdf")
    answer = AnswerFactory(question=question, author=expert, body=f"Risposta {payload}")
    CommentFactory(question=question, author=member, body=f"Commento {payload}")
    CommentFactory(question=question, answer=answer, author=expert, body=f"Commento alla risposta {payload}")
    AnswerFactory(question=question, author=another_expert, board=True, body=f"Bozza del board {payload}")
    services.flag_content(question=question, reporter=other_member, reason=f"Segnalazione {payload}", answer=answer)
    services.edit_question(
        question=question, editor=staff_user, title=question.title, body=f"Versione nuova {payload}", topics=[]
    )
    services.edit_question(question=question, editor=staff_user, title=question.title, body=question.body, topics=[])
    faq = FAQEntryFactory(
        title_it=f"FAQ {payload}"[:200],
        body_it=f"Risposta FAQ {payload}",
        title_en=f"FAQ en {payload}"[:200],
        body_en=f"FAQ answer {payload}",
        question=question,
    )
    return {"question": question, "answer": answer, "attachment": attachment, "faq": faq}


def test_the_payloads_are_stored_as_written(scene, payload):
    # The corpus reaches the database unchanged: the pages, not the input, make it safe.
    assert scene["question"].title == f"Domanda {payload}"[:200]
    assert scene["answer"].body == f"Risposta {payload}"
    assert "<script" not in scene["question"].body_html
    assert "<script" not in scene["answer"].body_html


def test_question_page_shows_no_executable_markup(scene, anonymous_client, member_client, expert_client, staff_client):
    question = scene["question"]
    for client in (anonymous_client, member_client, expert_client, staff_client):
        page = client.get(question.get_absolute_url()).content.decode()

        assert_safe(page)
        assert escape(question.title) in page
        assert escape(scene["attachment"].original_name) in page


def test_list_shows_no_executable_markup(scene, anonymous_client, staff_client):
    for client in (anonymous_client, staff_client):
        page = client.get(reverse("forum:list"), {"sort": "newest"}).content.decode()

        assert_safe(page)
        assert escape(scene["question"].title) in page


@pytest.mark.parametrize("word", ["Domanda", "payload"])
def test_search_results_show_no_executable_markup(scene, payload, anonymous_client, member_client, word):
    query = payload if word == "payload" else word
    for client in (anonymous_client, member_client):
        response = client.get(reverse("forum:list"), {"q": query})
        page = response.content.decode()

        assert_safe(page)
        assert f'value="{escape(query)}"' in page
        if word == "Domanda":  # what a payload matches depends on the search backend's parser
            assert list(response.context["page"]) == [scene["question"]]
            assert escape(scene["question"].title) in page


def test_similar_questions_show_no_executable_markup(scene, payload, anonymous_client):
    response = anonymous_client.get(reverse("forum:similar"), {"title": f"Domanda {payload}"})
    fragment = response.content.decode()

    assert_safe(fragment)
    assert response.context["questions"] == [scene["question"]]
    assert escape(scene["question"].title) in fragment


def test_feed_carries_no_executable_markup(scene, anonymous_client):
    feed = anonymous_client.get(reverse("forum:feed")).content.decode()

    entries = assert_safe_feed(feed)
    titles = [entry.find(f"{FEED}title").text for entry in entries]
    question = scene["question"]
    assert question.title in titles  # as text: the XML escapes it once, readers show it as written
    assert [title for title in titles if title != question.title and title.endswith(f": {question.title}")]


def test_faq_shows_no_executable_markup(scene, payload, anonymous_client, staff_client):
    english = anonymous_client
    english.cookies["django_language"] = "en"
    faq = scene["faq"]

    italian_page = staff_client.get(reverse("forum:faq")).content.decode()
    english_page = english.get(reverse("forum:faq")).content.decode()
    search_page = staff_client.get(reverse("forum:faq"), {"q": payload}).content.decode()

    for page in (italian_page, english_page, search_page):
        assert_safe(page)
    assert escape(faq.title_it) in italian_page
    assert escape(faq.title_en) in english_page
    assert f'value="{escape(payload)}"' in search_page


def test_pages_of_the_asker_show_no_executable_markup(scene, member_client, expert):
    question = scene["question"]
    # An answer notifies the asker, with the question's title in the notification.
    AnswerFactory(question=question, author=expert, body="Una seconda risposta articolata.")

    for url in (reverse("forum:edit", args=[question.pk]), reverse("accounts:notifications")):
        page = member_client.get(url).content.decode()

        assert_safe(page)
        assert escape(question.title) in page


def test_pages_of_the_experts_show_no_executable_markup(scene, expert_client):
    question, answer = scene["question"], scene["answer"]

    for url in (
        reverse("forum:board_answer", args=[question.pk]),
        reverse("forum:edit_answer", args=[question.pk, answer.pk]),
    ):
        response = expert_client.get(url)

        assert response.status_code == 200
        assert_safe(response.content.decode())


def test_pages_of_the_staff_show_no_executable_markup(scene, staff_client, member, payload):
    question, answer = scene["question"], scene["answer"]
    services.accept_answer(question=question, user=member, answer=answer)

    for url in (
        reverse("forum:history", args=[question.pk]),
        reverse("forum:moderation"),
        reverse("forum:close", args=[question.pk]),
        reverse("forum:to_faq", args=[question.pk]),
        reverse("forum:faq_edit", args=[scene["faq"].pk]),
    ):
        response = staff_client.get(url)
        page = response.content.decode()

        assert response.status_code == 200
        assert_safe(page)
    assert escape(f"Segnalazione {payload}") in staff_client.get(reverse("forum:moderation")).content.decode()


def test_public_copy_pages_show_no_executable_markup(payload, member, member_client, expert, anonymous_client):
    question = QuestionFactory(author=member, confidential=True, title=f"Riservata {payload}"[:200])
    AnswerFactory(question=question, author=expert, body=f"Risposta riservata {payload}")
    copy = services.publish_public_copy(
        question=question, user=member, title=f"Copia {payload}"[:200], body=f"Copia anonima {payload}"
    )

    assert_safe(member_client.get(reverse("forum:public_copy", args=[question.pk])).content.decode())
    assert_safe(anonymous_client.get(copy.get_absolute_url()).content.decode())


def test_preview_returns_no_executable_markup(payload, member_client):
    response = member_client.post(reverse("forum:preview"), {"body": f"**grassetto**\n\n{payload}"})

    assert response.status_code == 200
    assert_safe(response.content.decode())
    assert "<strong>grassetto</strong>" in response.content.decode()


def test_an_attachment_with_a_payload_name_downloads_as_a_pdf(scene, anonymous_client):
    attachment = scene["attachment"]

    response = anonymous_client.get(attachment.get_absolute_url())

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "\n" not in response["Content-Disposition"]


def test_invalid_forms_echo_the_payload_escaped(payload, member_client):
    response = member_client.post(reverse("forum:ask"), {"title": payload, "body": payload, "visibility": "public"})

    assert response.status_code == 200
    assert_safe(response.content.decode())


def test_pagination_links_keep_the_search_escaped(member, anonymous_client):
    payload = "\"><script>alert('xss-page')</script>"
    for n in range(21):
        QuestionFactory(author=member, title=f"Domanda {n} {payload}")

    # Every parameter, known to the filter or not, is carried into the pagination links.
    response = anonymous_client.get(reverse("forum:list"), {"q": "Domanda", "ref": payload})
    page = response.content.decode()

    assert response.context["page"].paginator.num_pages == 2
    assert_safe(page)
    assert "?q=Domanda&amp;ref=%22%3E%3Cscript%3Ealert%28%27xss-page%27%29%3C%2Fscript%3E&amp;page=2" in page


def test_search_snippet_highlight_escapes_the_text():
    snippet = "prima <script>alert(1)</script> \x02parola\x03 dopo <img src=x onerror=alert(1)>"

    html = highlight(snippet)

    assert html == (
        "prima &lt;script&gt;alert(1)&lt;/script&gt; <mark>parola</mark> dopo &lt;img src=x onerror=alert(1)&gt;"
    )
    assert executable_markup(html) == []
