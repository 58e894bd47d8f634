from tests.factories.accounts import OrganisationFactory, UserFactory

__all__ = ["OrganisationFactory", "UserFactory"]
