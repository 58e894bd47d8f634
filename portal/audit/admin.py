from django.contrib import admin

from portal.admin import ReadOnlyModelAdmin
from portal.audit.models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyModelAdmin):
    """Read-only: administrators read the log here, nobody adds, changes or deletes."""

    list_display = ["created_at", "actor_name", "actor_role", "action", "target_type", "target_repr"]
    list_filter = ["action", "actor_role", "created_at"]
    search_fields = ["actor_name", "target_repr", "target_id"]
    date_hierarchy = "created_at"
    readonly_fields = [
        "created_at",
        "actor",
        "actor_name",
        "actor_role",
        "action",
        "target_type",
        "target_id",
        "target_repr",
        "details",
    ]
    fields = readonly_fields
