from django.contrib import admin

from exchanges.models import (
    ActivityLog,
    Answer,
    Application,
    ApplicationForm,
    Cohort,
    CohortQuota,
    Document,
    FormStep,
    GuardianConsent,
    Program,
    Question,
    RefereeRequest,
    ReviewAssignment,
    Survey,
    SurveyQuestion,
)


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


# Applications and their forms. Status changes go through the transition service, so the
# admin shows the status read-only.
class FormStepInline(admin.TabularInline):
    model = FormStep
    fields = ["position", "title_en", "title_ja", "title_ko"]
    extra = 0
    show_change_link = True


@admin.register(ApplicationForm)
class ApplicationFormAdmin(admin.ModelAdmin):
    list_display = ["cohort"]
    list_select_related = ["cohort__program"]
    inlines = [FormStepInline]


class QuestionInline(admin.StackedInline):
    model = Question
    fk_name = "step"
    extra = 0
    raw_id_fields = ["show_if_question"]


@admin.register(FormStep)
class FormStepAdmin(admin.ModelAdmin):
    list_display = ["title_en", "form", "position"]
    list_select_related = ["form__cohort__program"]
    inlines = [QuestionInline]


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    list_display = ["label_en", "kind", "required", "step", "position"]
    list_filter = ["kind", "required"]
    list_select_related = ["step"]
    search_fields = ["label_en", "label_ja", "label_ko"]
    raw_id_fields = ["step", "show_if_question"]


class AnswerInline(admin.TabularInline):
    model = Answer
    extra = 0
    raw_id_fields = ["question"]
    readonly_fields = ["question", "value", "updated_at"]
    can_delete = False


class DocumentInline(admin.TabularInline):
    model = Document
    extra = 0
    fields = ["kind", "original_name", "content_type", "size", "uploaded_at"]
    readonly_fields = fields
    can_delete = False


@admin.register(Application)
class ApplicationAdmin(admin.ModelAdmin):
    list_display = ["id", "applicant", "cohort", "status", "country", "submitted_at"]
    list_filter = ["status", "country", "cohort"]
    list_select_related = ["applicant", "cohort__program"]
    search_fields = ["applicant__email", "applicant__family_name", "institution"]
    raw_id_fields = ["applicant", "cohort"]
    # Offers and waiting-list places change only through the transition and offer services.
    readonly_fields = ["status", "submitted_at", "status_changed_at", "created_at", "updated_at",
                       "offer_respond_by", "offer_updated_at", "waitlist_position"]
    inlines = [AnswerInline, DocumentInline]


@admin.register(Answer)
class AnswerAdmin(admin.ModelAdmin):
    list_display = ["application", "question", "updated_at"]
    list_select_related = ["question"]
    raw_id_fields = ["application", "question"]


@admin.register(Document)
class DocumentAdmin(admin.ModelAdmin):
    list_display = ["original_name", "kind", "content_type", "size", "application", "uploaded_at"]
    list_filter = ["kind", "content_type"]
    raw_id_fields = ["application", "question"]
    readonly_fields = ["file", "content_type", "size", "sha256", "original_name"]


@admin.register(RefereeRequest)
class RefereeRequestAdmin(admin.ModelAdmin):
    list_display = ["name", "email", "status", "application", "expires_at"]
    list_filter = ["status"]
    raw_id_fields = ["application", "letter"]
    readonly_fields = ["token_hash"]


@admin.register(GuardianConsent)
class GuardianConsentAdmin(admin.ModelAdmin):
    list_display = ["guardian_name", "application", "requested_at", "consented_at"]
    raw_id_fields = ["application"]
    readonly_fields = ["token_hash"]


class SurveyQuestionInline(admin.TabularInline):
    model = SurveyQuestion
    extra = 0
    fields = ["position", "kind", "code", "country", "required", "text_en"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Survey)
class SurveyAdmin(admin.ModelAdmin):
    """Read-only: surveys change through the staff pages, whose services keep answers
    consistent with their questions and write the activity log."""

    list_display = ["cohort", "kind", "opens_at", "closes_at", "published_at"]
    list_filter = ["kind"]
    list_select_related = ["cohort__program"]
    inlines = [SurveyQuestionInline]


@admin.register(ReviewAssignment)
class ReviewAssignmentAdmin(admin.ModelAdmin):
    """Read-only: assignments change through the staff review pages, which log and email."""

    list_display = ["id", "application", "reviewer", "status", "assigned_at", "submitted_at"]
    list_filter = ["status", "cohort"]
    list_select_related = ["reviewer"]
    raw_id_fields = ["application", "reviewer", "cohort", "assigned_by"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
