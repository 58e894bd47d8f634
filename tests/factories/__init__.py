from tests.factories.accounts import OrganisationFactory, UserFactory
from tests.factories.experts import CounsellingCaseFactory, CounsellingMeetingFactory, FundedProjectFactory
from tests.factories.forum import (
    AnswerFactory,
    AssignmentFactory,
    CommentFactory,
    ExpertFactory,
    FAQEntryFactory,
    QuestionFactory,
)
from tests.factories.network import (
    ClinicalPopulationFactory,
    ClinicContactFactory,
    ClinicFactory,
    DepartmentFactory,
)

__all__ = ["OrganisationFactory", "UserFactory"]
__all__ += [
    "AnswerFactory",
    "AssignmentFactory",
    "CommentFactory",
    "ExpertFactory",
    "FAQEntryFactory",
    "QuestionFactory",
]
__all__ += ["CounsellingCaseFactory", "CounsellingMeetingFactory", "FundedProjectFactory"]
__all__ += ["ClinicContactFactory", "ClinicFactory", "ClinicalPopulationFactory", "DepartmentFactory"]
