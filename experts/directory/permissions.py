"""Who may see and do what in the directory: the only way its views load a clinic.

The listing rule is written once, as ``Clinic.objects.visible_to``: a clinic
whose listing consent is missing or expired is shown to staff only (who renew
it), and answers 404 to everyone else, so that it is not revealed.
"""

from django.http import Http404

from experts.models import Clinic
from portal.accounts.roles import Capability, user_can


def manages_directory(user) -> bool:
    """Staff and administrators: they edit clinics and see unlisted ones."""
    return user_can(user, Capability.MANAGE_DIRECTORY)


def sees_contacts(user) -> bool:
    """Contact persons' personal data: staff and the board's experts only.
    Members reach clinics through introductions."""
    return manages_directory(user) or user_can(user, Capability.ANSWER_QUESTIONS)


def may_request_introduction(user) -> bool:
    return user_can(user, Capability.REQUEST_INTRODUCTIONS)


def get_clinic_for_user(user, pk: int) -> Clinic:
    """The clinic, if ``user`` may see it; else 404."""
    clinic = Clinic.objects.visible_to(user).filter(pk=pk).first()
    if clinic is None:
        raise Http404
    return clinic
