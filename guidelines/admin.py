from django.contrib import admin

from guidelines.models import Editor, Rendition, Subscription, Version


@admin.register(Version)
class VersionAdmin(admin.ModelAdmin):
    """For looking up versions; they are written through the portal's pages."""

    list_display = ["__str__", "status", "published_at", "published_by", "revision"]
    list_filter = ["status"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Editor)
class EditorAdmin(admin.ModelAdmin):
    list_display = ["user", "appointed_by", "appointed_at"]
    raw_id_fields = ["user", "appointed_by"]


@admin.register(Subscription)
class SubscriptionAdmin(admin.ModelAdmin):
    list_display = ["user", "created_at"]
    raw_id_fields = ["user"]


@admin.register(Rendition)
class RenditionAdmin(admin.ModelAdmin):
    list_display = ["version", "language", "revision", "status", "pages", "size", "finished_at"]
    list_filter = ["status", "language"]
    readonly_fields = [field.name for field in Rendition._meta.fields]

    def has_add_permission(self, request):
        return False
