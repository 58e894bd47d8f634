from datetime import timedelta

import pytest
from django.utils import timezone, translation

from portal.surveys.models import Audience, Question
from tests.factories.surveys import OptionFactory, QuestionFactory, SurveyFactory


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


def build_questions(survey) -> dict[str, Question]:
    """One question of each kind; the text and the number are optional."""
    likert = QuestionFactory(survey=survey, kind=Question.Kind.LIKERT, text_en="Satisfied?", text_it="Soddisfatto?")
    single = QuestionFactory(survey=survey, kind=Question.Kind.SINGLE, text_en="Started?", text_it="Avviata?")
    for text in ("Yes", "No"):
        OptionFactory(question=single, text_en=text, text_it={"Yes": "Sì", "No": "No"}[text])
    multiple = QuestionFactory(survey=survey, kind=Question.Kind.MULTIPLE, text_en="Which?", text_it="Quali?")
    for text in ("Forum", "Clinics", "Guidelines"):
        OptionFactory(question=multiple, text_en=text, text_it=text)
    nps = QuestionFactory(survey=survey, kind=Question.Kind.NPS, text_en="Recommend?", text_it="Consiglieresti?")
    number = QuestionFactory(
        survey=survey, kind=Question.Kind.NUMBER, text_en="Months?", text_it="Mesi?", required=False, min_value=0
    )
    text = QuestionFactory(survey=survey, kind=Question.Kind.TEXT, text_en="Ideas?", text_it="Idee?", required=False)
    return {"likert": likert, "single": single, "multiple": multiple, "nps": nps, "number": number, "text": text}


@pytest.fixture
def survey(db):
    """Open, anonymous, for all members, with one question of each kind."""
    survey = SurveyFactory(title_en="Satisfaction", title_it="Gradimento")
    survey.q = build_questions(survey)
    return survey


@pytest.fixture
def draft_survey(db, staff_user):
    survey = SurveyFactory(published_at=None, created_by=staff_user, title_en="Draft", title_it="Bozza")
    survey.q = build_questions(survey)
    return survey


@pytest.fixture
def closed_survey(db):
    now = timezone.now()
    return SurveyFactory(
        opens_at=now - timedelta(days=30), closes_at=now - timedelta(days=1), audience=Audience.MEMBERS
    )


def answers_for(
    survey, *, likert=4, single="Yes", multiple=("Forum", "Clinics"), nps=9, number="3", text="Good"
) -> dict:
    """POST data answering every question of ``build_questions``."""
    q = survey.q
    options = {
        option.text_en: option.pk for question in (q["single"], q["multiple"]) for option in question.options.all()
    }
    data = {
        f"q{q['likert'].pk}": str(likert),
        f"q{q['single'].pk}": str(options[single]),
        f"q{q['multiple'].pk}": [str(options[item]) for item in multiple],
        f"q{q['nps'].pk}": str(nps),
        f"q{q['number'].pk}": number,
        f"q{q['text'].pk}": text,
    }
    return data
