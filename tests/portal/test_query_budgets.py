"""The hot routes of issue 8 run a fixed, small number of queries whatever the
amount of data: at most 10 for an anonymous visitor, 15 signed in. Each route
is requested by each persona who reads it with one row of everything and with
many (questions, answers, comments, FAQ entries, clinics, guideline sections,
assignments), as bench/routes.py measures them on the large data set."""

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from experts.models import AgeGroup, CareSetting, ClinicType, Topic
from forum import services
from forum.models import Question
from guidelines.models import Section
from portal.accounts.roles import Role
from tests.factories import (
    AnswerFactory,
    AssignmentFactory,
    ClinicalPopulationFactory,
    ClinicContactFactory,
    ClinicFactory,
    CommentFactory,
    DepartmentFactory,
    ExpertFactory,
    FAQEntryFactory,
    QuestionFactory,
    UserFactory,
)
from tests.factories.guidelines import DraftFactory, ReferenceFactory, SectionFactory, publish

ANONYMOUS_BUDGET = 10
SIGNED_IN_BUDGET = 15
READERS = ["anonymous_client", "member_client", "expert_client", "staff_client"]

# (route, the personas who read it); the URLs come from the data, below.
ROUTES = [
    ("home", READERS),
    ("question list", READERS),
    ("question list filtered", READERS),
    ("question detail", READERS),
    ("faq", READERS),
    ("clinic directory", READERS),
    ("clinic directory filtered", READERS),
    ("guideline version", READERS),
    ("guideline comparison", READERS),
    ("expert dashboard", ["expert_client"]),
    ("metrics dashboard", ["admin_client", "staff_client"]),
]


def _version(*, rows: int, minor: int):
    draft = DraftFactory()
    for position in range(rows + 2):
        section = SectionFactory(
            version=draft,
            position=position,
            level=Section.Level.CHAPTER if position % 4 == 0 else Section.Level.SECTION,
            body_it=f"Testo della sezione {position}, **versione {minor}**.\n\n- un punto\n- un altro",
        )
        ReferenceFactory(section=section, locator=f"Art. {position}")
    return publish(draft, major=1, minor=minor, published_at=datetime(2026, 3, 5 + minor, 10, tzinfo=UTC))


def _grow(rows: int, *, member, expert) -> dict[str, str]:
    """``rows`` of everything the hot routes show; their URLs."""
    topics = list(Topic.objects.active()[:3])
    experts = [expert, *(ExpertFactory() for _ in range(2))]
    for n in range(rows):
        question = QuestionFactory(author=member, topics=topics, confidential=n % 3 == 2)
        AnswerFactory(question=question, author=experts[n % 3])
        FAQEntryFactory(topic=topics[n % 3], question=question, position=n)
        clinic = ClinicFactory(
            clinic_type=ClinicType.IRCCS, province="MI", experience_pivotal=True, name=f"Istituto clinico {n}"
        )
        DepartmentFactory(clinic=clinic)
        ClinicalPopulationFactory(clinic=clinic, age_group=AgeGroup.ADULT, care_setting=CareSetting.OUTPATIENT)
        ClinicContactFactory(clinic=clinic)
        # Work for the expert: an open assignment, an unassigned question in their topics.
        AssignmentFactory(expert=expert, question=QuestionFactory(author=member, topics=topics))
        QuestionFactory(author=UserFactory(role=Role.MEMBER), topics=topics)

    # The question with many answers, comments, votes and a board answer being co-signed.
    target = QuestionFactory(author=member, topics=topics)
    for n in range(rows):
        answer = AnswerFactory(question=target, author=experts[n % 3])
        CommentFactory(question=target, answer=answer, author=member)
        services.toggle_helpful(answer=answer, user=member)
    CommentFactory(question=target, author=member)
    board = AnswerFactory(question=target, author=experts[1], board=True, cosigners=[expert, experts[2]])
    services.cosign_board_answer(answer=board, expert=experts[2])

    _version(rows=rows, minor=0)
    _version(rows=rows, minor=1)
    Question.objects.filter(pk=target.pk).update(created_at=datetime.now(UTC) - timedelta(days=1))
    return {
        "home": reverse("home"),
        "question list": reverse("forum:list"),
        "question list filtered": f"{reverse('forum:list')}?topic={topics[0].slug}&status=answered",
        "question detail": target.get_absolute_url(),
        "faq": reverse("forum:faq"),
        "clinic directory": reverse("experts:clinics"),
        "clinic directory filtered": f"{reverse('experts:clinics')}?province=MI&clinic_type=irccs&experience=pivotal"
        "&age_group=adult",
        "guideline version": reverse("guidelines:version", kwargs={"number": "1.0"}),
        "guideline comparison": f"{reverse('guidelines:compare')}?from=1.0&to=1.1",
        "expert dashboard": reverse("forum:expert_dashboard"),
        "metrics dashboard": reverse("metrics:dashboard"),
    }


@pytest.mark.parametrize("rows", [1, 12])
@pytest.mark.parametrize(("route", "personas"), ROUTES, ids=[route for route, _ in ROUTES])
def test_hot_route_runs_a_fixed_number_of_queries(request, member, expert, route, personas, rows):
    urls = _grow(rows, member=member, expert=expert)
    for persona in personas:
        client = request.getfixturevalue(persona)
        budget = ANONYMOUS_BUDGET if persona == "anonymous_client" else SIGNED_IN_BUDGET
        client.get(urls[route])  # the first request of a session may set things up
        with CaptureQueriesContext(connection) as captured:
            response = client.get(urls[route])
        assert response.status_code == 200, (persona, response.status_code)
        queries = len(captured.captured_queries)
        assert queries <= budget, f"{route} as {persona}: {queries} queries (budget {budget})\n" + "\n".join(
            query["sql"][:200] for query in captured.captured_queries
        )


def test_hot_routes_show_the_many_rows(member_client, member, expert):
    """The guard above requests full pages, not empty ones."""
    urls = _grow(12, member=member, expert=expert)
    page = member_client.get(urls["question list filtered"]).content.decode()
    assert page.count('class="question-item') == 12 + 1  # answered: the rows and the one with many answers
    # The filters keep what was chosen.
    topic = Topic.objects.active().first()
    assert f'<option value="{topic.slug}" selected>{topic.name}</option>' in page
    assert '<option value="answered" selected>' in page
    assert page.count(" selected>") == 3  # topic, status, visibility (any); sort shows its first, newest
    detail = member_client.get(urls["question detail"]).content.decode()
    assert detail.count("Chiarimento numero") == 13
    directory = member_client.get(urls["clinic directory filtered"]).content.decode()
    assert directory.count("Istituto clinico") == 12
