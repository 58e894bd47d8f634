from tests.factories.accounts import OrganisationFactory, UserFactory
from tests.factories.forum import AnswerFactory, CommentFactory, FAQEntryFactory, QuestionFactory

__all__ = ["OrganisationFactory", "UserFactory"]
__all__ += ["AnswerFactory", "CommentFactory", "FAQEntryFactory", "QuestionFactory"]
