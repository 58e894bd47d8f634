from django.contrib import admin

from experts.models import CounsellingCase, CounsellingMeeting, ExpertProfile, FundedProject, Topic


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["name_it", "name_en", "position", "is_active"]
    list_editable = ["position", "is_active"]
    search_fields = ["name_it", "name_en"]
    prepopulated_fields = {"slug": ["name_en"]}


@admin.register(ExpertProfile)
class ExpertProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "sector", "affiliation", "accepts_questions", "is_listed"]
    list_filter = ["sector", "accepts_questions", "is_listed"]
    search_fields = ["user__full_name", "user__email", "affiliation"]
    filter_horizontal = ["topics"]
    raw_id_fields = ["user"]


@admin.register(FundedProject)
class FundedProjectAdmin(admin.ModelAdmin):
    list_display = ["title", "acronym", "call", "status", "start_date", "end_date"]
    list_filter = ["status", "call"]
    search_fields = ["title", "acronym", "cup"]
    filter_horizontal = ["beneficiaries"]
    readonly_fields = ["clinical_aims_html", "created_at"]


class CounsellingMeetingInline(admin.StackedInline):
    model = CounsellingMeeting
    extra = 0
    fields = ["held_on", "attendees", "notes", "outcomes", "recorded_by"]
    raw_id_fields = ["recorded_by"]
    # Written through the portal, which renders and sanitises the Markdown.
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(CounsellingCase)
class CounsellingCaseAdmin(admin.ModelAdmin):
    list_display = ["project", "organisation", "status", "created_at", "closed_at"]
    list_filter = ["status"]
    search_fields = ["project__title", "project__acronym", "organisation__name"]
    list_select_related = ["project", "organisation"]
    raw_id_fields = ["project", "organisation", "requested_by", "assigned_by"]
    filter_horizontal = ["experts"]
    inlines = [CounsellingMeetingInline]


@admin.register(CounsellingMeeting)
class CounsellingMeetingAdmin(admin.ModelAdmin):
    list_display = ["case", "held_on", "recorded_by"]
    list_select_related = ["case__project", "case__organisation", "recorded_by"]
    search_fields = ["case__project__title", "attendees"]
    raw_id_fields = ["case", "recorded_by"]
    readonly_fields = ["notes_html", "outcomes_html", "created_at"]


# The clinical network registers its own models.
from experts.directory import admin as directory_admin  # noqa: E402, F401
from experts.introductions import admin as introduction_admin  # noqa: E402, F401
