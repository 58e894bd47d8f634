"""The audit log's card in "My area" (accounts does not import audit: its template loads this)."""

from django import template

from portal.audit.permissions import can_view_audit_log

register = template.Library()


@register.inclusion_tag("audit/_dashboard_card.html")
def audit_card(user) -> dict:
    return {"show": can_view_audit_log(user)}
