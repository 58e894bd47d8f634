"""The audit log's one page: read-only, for staff and administrators."""

from django.core.paginator import Paginator
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from portal.accounts.permissions import allowed_if
from portal.audit.filters import AuditEntryFilter
from portal.audit.models import AuditEntry
from portal.audit.permissions import can_view_audit_log

PAGE_SIZE = 50


@never_cache
@require_safe
@allowed_if(can_view_audit_log)
def audit_log(request):
    """The entries, newest first, filtered by who, what and when."""
    # Always bound: with no parameters it is valid and lists every entry.
    filterset = AuditEntryFilter(request.GET, queryset=AuditEntry.objects.all(), request=request)
    entries = filterset.qs if filterset.is_valid() else AuditEntry.objects.none()
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "audit/log.html", {"filter": filterset, "page": page, "query": query.urlencode()})
