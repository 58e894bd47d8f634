"""Factories for the forum.

Questions, answers and comments are made through ``forum.services``, as the
pages make them, so that counters, statuses, follows and notifications stay
consistent: an answered question is a ``QuestionFactory`` plus an
``AnswerFactory`` (``services.post_answer``), a board answer goes through
``draft_board_answer`` and ``cosign_board_answer``. FAQ entries are plain rows
with their HTML rendered as ``services.save_faq_entry`` renders it.
"""

import factory
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.core.files.uploadedfile import SimpleUploadedFile

from experts.models import ExpertProfile, Sector, Topic
from forum import services
from forum.models import Answer, Assignment, Attachment, Comment, FAQEntry, Question
from portal.accounts.roles import Role
from portal.markdown import render_markdown
from tests.factories.accounts import UserFactory

# The smallest body the attachment check accepts as a PDF.
PDF_BYTES = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def default_topic() -> Topic:
    return Topic.objects.get(slug="regulatory-pathway")


class QuestionFactory(factory.django.DjangoModelFactory):
    """A question asked through ``services.ask_question`` (its author follows it).

    ``QuestionFactory(confidential=True)`` asks a confidential one,
    ``QuestionFactory(is_hidden=True)`` hides it afterwards, as a moderator would.
    """

    class Meta:
        model = Question

    class Params:
        confidential = factory.Trait(visibility=Question.Visibility.CONFIDENTIAL)

    author = factory.SubFactory(UserFactory, role=Role.MEMBER)
    title = factory.Sequence(lambda n: f"Domanda numero {n} sul percorso regolatorio")
    body = "Descrizione sufficientemente lunga della domanda, con il contesto del dispositivo."
    visibility = Question.Visibility.PUBLIC
    is_hidden = False

    @classmethod
    def _create(cls, model_class, *, author, title, body, visibility, is_hidden=False, topics=None, **device):
        question = services.ask_question(
            author=author,
            title=title,
            body=body,
            topics=[default_topic()] if topics is None else topics,
            visibility=visibility,
            device=device or None,
        )
        if is_hidden:
            Question.objects.filter(pk=question.pk).update(is_hidden=True)
            question.is_hidden = True
        return question


class AnswerFactory(factory.django.DjangoModelFactory):
    """An expert's answer through ``services.post_answer``: published at once,
    the question's counters and status follow.

    ``AnswerFactory(board=True, cosigners=[...], signed_by=[...])`` drafts a
    board answer instead, invites ``cosigners`` and adds the signatures of
    ``signed_by`` (published when they reach ``BOARD_ANSWER_QUORUM``).
    """

    class Meta:
        model = Answer

    class Params:
        board = factory.Trait(kind=Answer.Kind.BOARD)

    question = factory.SubFactory(QuestionFactory)
    author = factory.SubFactory(UserFactory, role=Role.EXPERT, organisation=None)
    body = factory.Sequence(lambda n: f"Risposta numero {n}: una risposta articolata e completa.")
    kind = Answer.Kind.INDIVIDUAL

    @classmethod
    def _create(cls, model_class, *, question, author, body, kind, cosigners=(), signed_by=()):
        if kind == Answer.Kind.INDIVIDUAL:
            return services.post_answer(question=question, expert=author, body=body)
        answer = services.draft_board_answer(question=question, expert=author, body=body, cosigners=cosigners)
        for expert in signed_by:
            answer = services.cosign_board_answer(answer=answer, expert=expert)
        return answer


class CommentFactory(factory.django.DjangoModelFactory):
    """A clarification through ``services.post_comment``, by the asker unless
    another ``author`` (an expert or staff) is given; on ``answer`` if given."""

    class Meta:
        model = Comment

    question = factory.SubFactory(QuestionFactory)
    answer = None
    author = factory.LazyAttribute(lambda comment: comment.question.author)
    body = factory.Sequence(lambda n: f"Chiarimento numero {n}.")

    @classmethod
    def _create(cls, model_class, *, question, author, body, answer=None):
        return services.post_comment(question=question, author=author, body=body, answer=answer)


class FAQEntryFactory(factory.django.DjangoModelFactory):
    """A published FAQ entry, its HTML rendered as ``services.save_faq_entry`` does."""

    class Meta:
        model = FAQEntry

    topic = factory.LazyFunction(default_topic)
    title_it = factory.Sequence(lambda n: f"Domanda frequente numero {n}")
    body_it = "Risposta alla domanda frequente."
    title_en = ""
    body_en = ""
    body_html_it = factory.LazyAttribute(lambda entry: render_markdown(entry.body_it))
    body_html_en = factory.LazyAttribute(lambda entry: render_markdown(entry.body_en) if entry.body_en else "")
    is_published = True


def add_pdf(question: Question, *, name: str = "protocollo.pdf", user=None) -> Attachment:
    """A small real PDF attached through ``services.add_attachment``."""
    upload = SimpleUploadedFile(name, PDF_BYTES, content_type="application/pdf")
    return services.add_attachment(question=question, user=user or question.author, upload=upload)


class ExpertFactory(UserFactory):
    """An expert of the board with MFA and a profile in ``topics`` (slugs)."""

    role = Role.EXPERT
    organisation = None

    @factory.post_generation
    def with_mfa(self, create, extracted, **kwargs):
        # Experts work only with MFA: on unless ``with_mfa=False``.
        if create and extracted is not False:
            self.totp_secret = generate_totp_secret()
            TOTP.activate(self, self.totp_secret)

    @factory.post_generation
    def topics(self, create, extracted, **kwargs):
        if create:
            profile = ExpertProfile.objects.create(user=self, sector=Sector.RESEARCH, affiliation="Università di Pavia")
            profile.topics.set(Topic.objects.filter(slug__in=extracted or ["regulatory-pathway"]))


class AssignmentFactory(factory.django.DjangoModelFactory):
    """An open assignment, as staff make it; ``assigned_by=None`` is a claim.
    Closed states are reached through the services, as in the pages."""

    class Meta:
        model = Assignment

    question = factory.SubFactory(QuestionFactory)
    expert = factory.SubFactory(ExpertFactory)
    assigned_by = factory.SubFactory(UserFactory, role=Role.STAFF, organisation=None)
    due_on = factory.LazyFunction(lambda: services.default_due_date())
