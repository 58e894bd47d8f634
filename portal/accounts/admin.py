from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from portal import audit
from portal.accounts.models import Organisation, User
from portal.audit.models import Action as AuditAction


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "city", "created_at"]
    list_filter = ["kind"]
    search_fields = ["name", "city"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ["email"]
    list_display = ["email", "full_name", "role", "organisation", "is_active", "date_joined"]
    list_filter = ["role", "is_active", "preferred_language"]
    search_fields = ["email", "full_name", "organisation__name"]
    list_select_related = ["organisation"]
    autocomplete_fields = ["organisation"]
    readonly_fields = ["date_joined", "last_login"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Person"), {"fields": ["full_name", "preferred_language", "organisation"]}),
        (_("Role and access"), {"fields": ["role", "is_active"]}),
        (_("Dates"), {"fields": ["date_joined", "last_login"]}),
    ]
    add_fieldsets = [
        (
            None,
            {"classes": ["wide"], "fields": ["email", "full_name", "role", "organisation", "password1", "password2"]},
        ),
    ]
    filter_horizontal = []

    def save_model(self, request, obj, form, change):
        # A role is what someone may do: giving or changing one goes to the audit
        # log (the admin saves inside a transaction, so both commit together).
        before = User.objects.filter(pk=obj.pk).values_list("role", flat=True).first() if change else None
        super().save_model(request, obj, form, change)
        if "role" in form.changed_data and before != obj.role:
            audit.record(
                actor=request.user, action=AuditAction.ROLE_CHANGED, target=obj, details={"role": [before, obj.role]}
            )
