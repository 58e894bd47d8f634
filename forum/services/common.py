"""What every forum service shares: the error users read, the role check."""

from django.utils.translation import gettext as _

from portal.accounts.models import User
from portal.accounts.roles import Capability, user_can
from portal.errors import ServiceError


class ForumError(ServiceError):
    """A forum action that is not allowed now; its message is for the user."""


def require(user: User, capability: Capability) -> None:
    if not user_can(user, capability):
        raise ForumError(_("Your role does not allow this."))
