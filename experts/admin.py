from django.contrib import admin

from experts.models import Topic


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["name_it", "name_en", "position", "is_active"]
    list_editable = ["position", "is_active"]
    search_fields = ["name_it", "name_en"]
    prepopulated_fields = {"slug": ["name_en"]}
