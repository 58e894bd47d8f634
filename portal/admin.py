from django.contrib import admin


class ReadOnlyModelAdmin(admin.ModelAdmin):
    """An admin that shows rows and changes none: for tables the code alone writes
    (the audit log, the job table)."""

    actions = None

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
