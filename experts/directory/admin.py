"""Admin registrations, imported by experts.admin. The admin is for
administrators only; their changes are audited like staff's in the portal, and
contact persons' personal data are exported or erased from here on request."""

import json

from django.contrib import admin, messages
from django.db import transaction
from django.db.models import Prefetch
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from experts.directory import services
from experts.models import Clinic, ClinicalPopulation, ClinicContact, Department, DirectoryChange, FeasibilityRequest

Action = DirectoryChange.Action


class AuditedAdminMixin:
    """Every save and deletion made in the admin, inlines included, leaves its
    audit entry, as the portal's services do."""

    def _stored(self, obj):
        return services.snapshot(type(obj).objects.get(pk=obj.pk)) if obj.pk else {}

    def save_model(self, request, obj, form, change):
        before = self._stored(obj) if change else {}
        super().save_model(request, obj, form, change)
        changes = services.changes_between(obj, before, services.snapshot(obj))
        if changes or not change:
            action = Action.UPDATED if change else Action.CREATED
            services.record_change(actor=request.user, action=action, instance=obj, changes=changes)

    def delete_model(self, request, obj):
        services.record_change(actor=request.user, action=Action.DELETED, instance=obj)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            for obj in queryset:
                services.record_change(actor=request.user, action=Action.DELETED, instance=obj)
            super().delete_queryset(request, queryset)

    def save_formset(self, request, form, formset, change):
        instances = formset.save(commit=False)
        for obj in formset.deleted_objects:
            services.record_change(actor=request.user, action=Action.DELETED, instance=obj)
            obj.delete()
        for obj in instances:
            before = self._stored(obj)
            obj.save()
            changes = services.changes_between(obj, before, services.snapshot(obj))
            if changes or not before:
                action = Action.UPDATED if before else Action.CREATED
                services.record_change(actor=request.user, action=action, instance=obj, changes=changes)
        formset.save_m2m()


class DepartmentInline(admin.TabularInline):
    model = Department
    extra = 0


class ClinicalPopulationInline(admin.TabularInline):
    model = ClinicalPopulation
    extra = 0
    fields = services.POPULATION_FIELDS
    raw_id_fields = ["department"]


@admin.register(Clinic)
class ClinicAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "clinic_type", "city", "province", "listing_consent_expires_on"]
    list_filter = ["clinic_type", "province"]
    search_fields = ["name", "city", "ethics_committee"]
    fields = [*services.CLINIC_FIELDS, "created_at", "updated_at"]
    readonly_fields = ["created_at", "updated_at"]
    inlines = [DepartmentInline, ClinicalPopulationInline]


def _feasibility_requests():
    return Prefetch("feasibility_requests", queryset=FeasibilityRequest.objects.order_by("created_at", "pk"))


@admin.register(ClinicContact)
class ClinicContactAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["__str__", "clinic", "role", "consent_given_on", "erased_at"]
    list_filter = ["erased_at"]
    list_select_related = ["clinic"]
    search_fields = ["full_name", "email", "clinic__name"]
    fields = ["clinic", *services.CONTACT_FIELDS, "erased_at", "created_at"]
    readonly_fields = ["erased_at", "created_at"]
    raw_id_fields = ["clinic", "department"]
    actions = ["export_personal_data", "erase_personal_data"]

    @admin.action(description=_("Export personal data (JSON)"))
    def export_personal_data(self, request, queryset):
        contacts = queryset.select_related("clinic", "department").prefetch_related(_feasibility_requests())
        with transaction.atomic():
            exports = [services.export_contact_data(contact, staff=request.user) for contact in contacts]
        response = HttpResponse(
            json.dumps({"contacts": exports}, indent=2, ensure_ascii=False),
            content_type="application/json; charset=utf-8",
        )
        filename = f"contact-personal-data-{timezone.localdate().isoformat()}.json"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response

    @admin.action(description=_("Erase personal data"))
    def erase_personal_data(self, request, queryset):
        erased = skipped = 0
        for contact in queryset.select_related("clinic"):
            try:
                services.erase_contact(contact, staff=request.user)
            except services.DirectoryError:
                skipped += 1
            else:
                erased += 1
        if erased:
            message = ngettext(
                "The personal data of %(count)d contact person have been erased.",
                "The personal data of %(count)d contact persons have been erased.",
                erased,
            )
            self.message_user(request, message % {"count": erased}, messages.SUCCESS)
        if skipped:
            message = ngettext(
                "%(count)d contact person had been erased already.",
                "%(count)d contact persons had been erased already.",
                skipped,
            )
            self.message_user(request, message % {"count": skipped}, messages.WARNING)


@admin.register(DirectoryChange)
class DirectoryChangeAdmin(admin.ModelAdmin):
    """The audit trail: read only, for everyone."""

    list_display = ["created_at", "actor", "action", "object_type", "object_repr"]
    list_filter = ["action", "object_type"]
    list_select_related = ["actor"]
    search_fields = ["object_repr"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
