from django.contrib import admin

from experts.models import ExpertProfile, Topic


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
