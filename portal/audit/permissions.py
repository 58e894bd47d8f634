"""Who reads the audit log: staff and administrators (``Capability.VIEW_AUDIT_LOG``)."""

from portal.accounts.roles import Capability, user_can


def can_view_audit_log(user) -> bool:
    return user_can(user, Capability.VIEW_AUDIT_LOG)
