"""Admin registrations, imported by experts.admin.

The workflows (sending, answering, recording stages) run through the portal's
services, which keep the tokens, the deadlines and ``submitted_on`` right; the
admin shows them and corrects plain fields only."""

from django.contrib import admin

from experts.models import FacilitatedInvestigation, FeasibilityRequest, Introduction, StageChange


class FeasibilityRequestInline(admin.TabularInline):
    model = FeasibilityRequest
    extra = 0
    fields = ["clinic", "contact", "expires_at", "answer", "comment", "answered_at"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Introduction)
class IntroductionAdmin(admin.ModelAdmin):
    list_display = ["__str__", "organisation", "status", "created_at", "sent_at", "reply_by", "closed_at"]
    list_filter = ["status", "board_proposes"]
    search_fields = ["device", "investigation", "organisation__name"]
    list_select_related = ["organisation"]
    raw_id_fields = ["requested_by", "organisation", "question", "counselling_case", "reviewed_by"]
    filter_horizontal = ["clinics", "populations"]
    readonly_fields = ["created_at", "sent_at", "closed_at"]
    inlines = [FeasibilityRequestInline]


@admin.register(FeasibilityRequest)
class FeasibilityRequestAdmin(admin.ModelAdmin):
    list_display = ["introduction", "clinic", "contact", "expires_at", "answer", "answered_at"]
    list_filter = ["answer"]
    search_fields = ["clinic__name", "contact__full_name", "introduction__organisation__name"]
    list_select_related = ["introduction__organisation", "clinic", "contact"]
    raw_id_fields = ["introduction", "clinic", "contact"]
    # Only the token's hash is stored; it identifies the link and is never edited.
    readonly_fields = ["token_hash", "created_at", "answer", "comment", "answered_at"]


class StageChangeInline(admin.TabularInline):
    model = StageChange
    extra = 0
    fields = ["stage", "on", "note", "recorded_by", "created_at"]
    # Recorded through the portal, which checks the order and the dates and keeps submitted_on.
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(FacilitatedInvestigation)
class FacilitatedInvestigationAdmin(admin.ModelAdmin):
    list_display = ["title", "sponsor", "stage", "civ_id", "submitted_on", "updated_at"]
    list_filter = ["stage"]
    search_fields = ["title", "civ_id", "sponsor__name"]
    list_select_related = ["sponsor"]
    raw_id_fields = ["introduction", "counselling_case", "sponsor"]
    filter_horizontal = ["clinics"]
    readonly_fields = ["stage", "submitted_on", "created_at", "updated_at"]
    inlines = [StageChangeInline]
