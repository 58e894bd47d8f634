from django.contrib import admin

from portal.admin import ReadOnlyModelAdmin
from portal.jobs.models import Job


@admin.register(Job)
class JobAdmin(ReadOnlyModelAdmin):
    """Read-only: the job table is the workers' and the reaper's to write."""

    list_display = ["created_at", "task", "status", "attempts", "max_attempts", "run_after", "finished_at"]
    list_filter = ["status", "task"]
    date_hierarchy = "created_at"
    readonly_fields = [field.name for field in Job._meta.fields]
