from datetime import timedelta

import factory
from django.utils import timezone

from portal.surveys.models import Audience, Option, Question, Survey


class SurveyFactory(factory.django.DjangoModelFactory):
    """A published survey, open now, for all members."""

    class Meta:
        model = Survey

    title_it = factory.Sequence(lambda n: f"Questionario {n}")
    title_en = factory.Sequence(lambda n: f"Survey {n}")
    opens_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=1))
    closes_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=14))
    anonymous = True
    audience = Audience.MEMBERS
    published_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=1))


class QuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Question

    survey = factory.SubFactory(SurveyFactory)
    position = factory.Sequence(lambda n: n)
    kind = Question.Kind.LIKERT
    text_it = factory.Sequence(lambda n: f"Domanda {n}")
    text_en = factory.Sequence(lambda n: f"Question {n}")
    required = True


class OptionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Option

    question = factory.SubFactory(QuestionFactory, kind=Question.Kind.SINGLE)
    position = factory.Sequence(lambda n: n)
    text_it = factory.Sequence(lambda n: f"Opzione {n}")
    text_en = factory.Sequence(lambda n: f"Option {n}")
