import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import IntegrityError

from portal.accounts.models import User
from portal.accounts.roles import CAPABILITIES, Capability, Role, user_can
from tests.factories import UserFactory

EXPECTED = {
    Role.MEMBER: {Capability.ASK_QUESTIONS, Capability.REQUEST_INTRODUCTIONS, Capability.REQUEST_COUNSELLING},
    Role.EXPERT: {Capability.ANSWER_QUESTIONS, Capability.SEE_CONFIDENTIAL_QUESTIONS, Capability.USE_BOARD_DASHBOARD},
    Role.STAFF: {
        Capability.SEE_CONFIDENTIAL_QUESTIONS,
        Capability.USE_BOARD_DASHBOARD,
        Capability.TRIAGE_QUESTIONS,
        Capability.MANAGE_COUNSELLING,
        Capability.MODERATE,
        Capability.EDIT_GUIDELINES,
        Capability.PUBLISH_GUIDELINES,
        Capability.MANAGE_DIRECTORY,
        Capability.RUN_SURVEYS,
        Capability.VIEW_METRICS,
        Capability.VIEW_AUDIT_LOG,
    },
}
EXPECTED[Role.ADMINISTRATOR] = EXPECTED[Role.STAFF] | {Capability.USE_ADMIN_SITE}


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("capability", list(Capability))
def test_user_can_follows_the_role_table(db, role, capability):
    user = UserFactory(role=role)
    assert user_can(user, capability) is (capability in EXPECTED[role])


def test_capability_table_covers_every_role():
    assert set(CAPABILITIES) == set(Role)


@pytest.mark.parametrize("capability", list(Capability))
def test_anonymous_user_can_nothing(capability):
    assert user_can(AnonymousUser(), capability) is False


def test_inactive_administrator_can_nothing(db):
    user = UserFactory(role=Role.ADMINISTRATOR, is_active=False)
    assert not any(user_can(user, capability) for capability in Capability)
    assert user.is_staff is False


@pytest.mark.parametrize(
    ("role", "is_staff", "requires_mfa"),
    [
        (Role.MEMBER, False, False),
        (Role.EXPERT, False, True),
        (Role.STAFF, False, True),
        (Role.ADMINISTRATOR, True, True),
    ],
)
def test_admin_site_access_and_mfa_follow_the_role(db, role, is_staff, requires_mfa):
    user = UserFactory(role=role)
    assert user.is_staff is is_staff
    assert user.is_superuser is (role == Role.ADMINISTRATOR)
    assert user.requires_mfa is requires_mfa


def test_superuser_rights_are_withdrawn_with_the_administrator_role(db):
    user = UserFactory(role=Role.ADMINISTRATOR)
    user.role = Role.STAFF
    user.save()
    user.refresh_from_db()
    assert user.is_superuser is False


def test_createsuperuser_makes_an_administrator(db):
    user = User.objects.create_superuser("Boss@Example.org", "a-long-password", full_name="Boss")
    assert user.role == Role.ADMINISTRATOR
    assert user.email == "boss@example.org"
    assert user.is_superuser


def test_email_is_unique_whatever_its_case(db):
    UserFactory(email="giulia@example.org")
    with pytest.raises(IntegrityError):
        UserFactory(email="Giulia@Example.org")


def test_role_outside_the_list_is_refused_by_the_database(db):
    user = UserFactory()
    with pytest.raises(IntegrityError):
        User.objects.filter(pk=user.pk).update(role="superhero")
