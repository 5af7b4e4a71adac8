from django.contrib import admin

from exchanges.models import ActivityLog, Cohort, CohortQuota, Program


@admin.register(ActivityLog)
class ActivityLogAdmin(admin.ModelAdmin):
    list_display = ["timestamp", "action_type", "content_type", "object_id", "actor"]
    list_filter = ["action_type", "content_type"]
    list_select_related = ["actor", "content_type"]
    search_fields = ["action_type"]
    date_hierarchy = "timestamp"
    readonly_fields = ["actor", "content_type", "object_id", "action_type", "data", "timestamp"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class CohortQuotaInline(admin.TabularInline):
    model = CohortQuota
    extra = 0


class CohortInline(admin.TabularInline):
    model = Cohort
    fields = ["slug", "name_en", "status", "opens_at", "deadline"]
    extra = 0
    show_change_link = True


@admin.register(Program)
class ProgramAdmin(admin.ModelAdmin):
    list_display = ["name_en", "kind", "slug"]
    list_filter = ["kind"]
    search_fields = ["name_en", "name_ja", "name_ko", "slug"]
    filter_horizontal = ["partners", "staff"]
    inlines = [CohortInline]


@admin.register(Cohort)
class CohortAdmin(admin.ModelAdmin):
    list_display = ["name_en", "program", "status", "opens_at", "deadline", "host_country"]
    list_filter = ["status", "host_country", "program"]
    list_select_related = ["program"]
    search_fields = ["name_en", "name_ja", "name_ko", "slug"]
    inlines = [CohortQuotaInline]
