"""Surveys in the Django admin: for looking, not for editing (the portal's pages and services write them)."""

from django.contrib import admin

from portal.surveys.models import Invitation, Question, Response, Survey


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class QuestionInline(admin.TabularInline):
    model = Question
    fields = ["position", "kind", "text_it", "text_en", "required"]
    extra = 0

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Survey)
class SurveyAdmin(ReadOnlyAdmin):
    list_display = ["title_it", "audience", "anonymous", "opens_at", "closes_at", "published_at"]
    list_filter = ["audience", "anonymous"]
    inlines = [QuestionInline]


@admin.register(Invitation)
class InvitationAdmin(ReadOnlyAdmin):
    list_display = ["survey", "user", "contact", "emailed_at", "used_at", "reminders"]
    list_select_related = ["survey", "user", "contact"]
    exclude = ["token_hash"]


@admin.register(Response)
class ResponseAdmin(ReadOnlyAdmin):
    list_display = ["id", "survey", "anonymous", "submitted_at"]
    list_select_related = ["survey"]
