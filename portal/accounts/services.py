"""Writes of the accounts app."""

from django.db import transaction

from portal.accounts.models import Organisation, User


@transaction.atomic
def register_member(
    *, user: User, full_name: str, language: str, organisation_name: str, organisation_kind: str
) -> User:
    """Complete a sign-up: the new member and the organisation they registered.

    ``user`` is the unsaved instance allauth prepared (email and password set).
    """
    user.full_name = full_name
    user.preferred_language = language
    user.organisation = Organisation.objects.create(name=organisation_name, kind=organisation_kind)
    user.save()
    return user


def update_profile(*, user: User, full_name: str, preferred_language: str) -> User:
    user.full_name = full_name
    user.preferred_language = preferred_language
    user.save(update_fields=["full_name", "preferred_language"])
    return user


def set_preferred_language(*, user: User, language: str) -> None:
    if user.preferred_language != language:
        user.preferred_language = language
        user.save(update_fields=["preferred_language"])
