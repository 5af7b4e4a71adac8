from django.contrib import admin
from django.db import models
from django.utils.translation import gettext_lazy as _

from exchanges.activity_types import activity_label
from exchanges.models import (
    ActivityLog,
    AlumniLanguage,
    AlumniMessage,
    AlumniProfile,
    AlumniSuspension,
    Answer,
    Application,
    ApplicationExport,
    ApplicationForm,
    AttendanceMark,
    Campaign,
    Certificate,
    Cohort,
    CohortQuota,
    CohortReviewSettings,
    CompletionRule,
    Document,
    ErasureRequest,
    FormStep,
    GuardianConsent,
    Host,
    ItineraryFeed,
    ItineraryItem,
    MailOptOut,
    MailTemplate,
    MatchGroup,
    MatchGroupMember,
    MatchingConstraint,
    MatchingProfile,
    MatchingRun,
    Nomination,
    OutgoingMail,
    OutgoingMailAttachment,
    PlacementAssignment,
    PlacementRun,
    PredepartureChecklist,
    PrivacyNotice,
    Program,
    Question,
    RefereeRequest,
    Review,
    ReviewAssignment,
    ReviewCriterion,
    ReviewerConflict,
    ReviewerPoolMember,
    ReviewRound,
    ReviewRoundEntry,
    ReviewScore,
    SelectionMove,
    SelectionSettings,
    Survey,
    SurveyAnswer,
    SurveyInvitation,
    SurveyQuestion,
    SurveyResponse,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEventRecord,
    WebhookSubscription,
)


class CohortListFilter(admin.RelatedFieldListFilter):
    """The cohort filter of a list: a cohort's name includes its program's, so both are read
    in one query instead of one query per cohort."""

    def field_choices(self, field, request, model_admin):
        ordering = self.field_admin_ordering(field, request, model_admin) or ("-starts_on", "id")
        cohorts = Cohort.objects.select_related("program").order_by(*ordering)
        return [(cohort.pk, str(cohort)) for cohort in cohorts]


class ExchangeAdmin(admin.ModelAdmin):
    """A cohort's name includes its program's: a form's cohort choices read both in one query
    instead of one query per cohort."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.related_model is Cohort and "queryset" not in kwargs:
            kwargs["queryset"] = Cohort.objects.select_related("program")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class ReadOnlyAdmin(ExchangeAdmin):
    """For records that change only through the staff pages' services, which validate, write
    the activity log and send the emails: the admin shows them and changes nothing."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


def _readonly_admin(
    model,
    *,
    list_display: list[str],
    list_filter: list[str] = (),
    search_fields: list[str] = (),
    exclude: list[str] = (),
) -> None:
    """Register ``model`` read-only, fetching the related rows of its list in bulk."""
    related = []
    for name in list_display:
        field = model._meta.get_field(name)
        if isinstance(field, models.ForeignKey | models.OneToOneField):
            # A cohort's name includes its program's.
            related.append(f"{name}__program" if field.related_model is Cohort else name)
    attributes = {
        "list_display": list_display,
        "list_filter": list_filter,
        "search_fields": search_fields,
        "list_select_related": related,
        "exclude": exclude or None,
    }
    admin.site.register(model, type(f"{model.__name__}Admin", (ReadOnlyAdmin,), attributes))


class OutgoingMailAttachmentInline(admin.TabularInline):
    """What a message carries, as metadata: the bytes stay out of the admin (a certificate
    names the person), the file name is ASCII and names no one."""

    model = OutgoingMailAttachment
    fields = ["position", "filename", "mime_type", "size", "sha256"]
    readonly_fields = fields
    extra = 0

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(OutgoingMail)
class OutgoingMailAdmin(ReadOnlyAdmin):
    """Metadata only: the content is read on the staff outbox page, which withholds
    authentication mail (its links act as the recipient)."""

    list_display = [
        "created_at",
        "recipient_email",
        "template_key",
        "language",
        "status",
        "attempts",
        "sent_at",
        "is_confidential",
    ]
    list_filter = ["status", "language", "is_transactional", "is_confidential"]
    list_select_related = ["user", "campaign"]
    search_fields = ["recipient_email", "message_id"]
    date_hierarchy = "created_at"
    exclude = ["text_body", "html_body", "headers"]
    inlines = [OutgoingMailAttachmentInline]


@admin.register(OutgoingMailAttachment)
class OutgoingMailAttachmentAdmin(ReadOnlyAdmin):
    """Metadata only, as in the inline: the content is never shown or offered for download."""

    list_display = ["filename", "mail", "mime_type", "size", "sha256"]
    list_filter = ["mime_type"]
    list_select_related = ["mail"]
    search_fields = ["filename", "sha256"]
    exclude = ["content"]
    readonly_fields = ["mail", "position", "filename", "mime_type", "size", "sha256"]


_readonly_admin(
    Campaign,
    list_display=["name", "cohort", "status", "recipients_total", "created_at"],
    list_filter=["status"],
    search_fields=["name"],
)
_readonly_admin(
    MailTemplate,
    list_display=["key", "language", "cohort", "updated_at"],
    list_filter=["key", "language"],
)
_readonly_admin(
    ApplicationExport,
    list_display=["id", "cohort", "requested_by", "file_format", "status", "created_at"],
    list_filter=["status", "file_format"],
    exclude=["file"],
)
_readonly_admin(
    Nomination,
    list_display=["email", "organisation", "cohort", "status", "created_at"],
    list_filter=["status"],
    search_fields=["email", "name"],
)
# Webhooks change through the partner API and the staff pages' services (checked URLs, logged
# changes); the signing secret is never shown.
_readonly_admin(
    WebhookSubscription,
    list_display=["id", "organisation", "url", "is_active", "consecutive_failures", "created_at"],
    list_filter=["is_active"],
    search_fields=["url"],
    exclude=["encrypted_secret"],
)
_readonly_admin(WebhookEventRecord, list_display=["event_id", "event_type", "created_at"])
_readonly_admin(
    WebhookDelivery,
    list_display=["id", "event", "subscription", "status", "attempts", "next_attempt_at"],
    list_filter=["status"],
)
_readonly_admin(
    WebhookAttempt,
    list_display=["delivery", "number", "status_code", "response_ms", "succeeded", "created_at"],
)
_readonly_admin(MailOptOut, list_display=["email", "created_at"], search_fields=["email"])
_readonly_admin(CohortQuota, list_display=["cohort", "country", "seats"])
_readonly_admin(MatchingProfile, list_display=["application", "updated_at"])
_readonly_admin(MatchingConstraint, list_display=["cohort", "kind", "first", "second"])
_readonly_admin(
    MatchingRun,
    list_display=["id", "cohort", "status", "created_at"],
    list_filter=["status"],
    exclude=["best_groups"],
)
_readonly_admin(MatchGroup, list_display=["id", "run", "number", "score"])
_readonly_admin(MatchGroupMember, list_display=["id", "run", "group", "application"])
_readonly_admin(Host, list_display=["name", "cohort", "kind", "capacity"], search_fields=["name"])
_readonly_admin(PlacementRun, list_display=["id", "cohort", "kind", "created_at"])
_readonly_admin(PlacementAssignment, list_display=["id", "run", "application", "host", "mentor"])
# Health details stay out of the admin: only the logged staff pages show them, and only to
# holders of ``view_dietary_list``.
_readonly_admin(
    PredepartureChecklist,
    list_display=["application", "visa_status", "insurance_confirmed"],
    exclude=["dietary_needs", "dietary_notes", "medical_notes"],
)
_readonly_admin(
    AlumniProfile,
    list_display=["display_name", "user", "cohort", "country", "open_to_mentoring"],
    list_filter=["open_to_mentoring", "country"],
    search_fields=["display_name"],
)
_readonly_admin(AlumniLanguage, list_display=["profile", "code"])
# Message bodies stay out of the admin: staff read reported ones on the reports page.
_readonly_admin(
    AlumniMessage,
    list_display=["id", "sender", "recipient", "sent_at", "report_status"],
    list_filter=["report_status"],
    exclude=["body"],
)
_readonly_admin(AlumniSuspension, list_display=["user", "suspended_by", "created_at"])
_readonly_admin(ItineraryItem, list_display=["cohort", "day", "start_time", "title_en"])
_readonly_admin(AttendanceMark, list_display=["item", "application", "status", "marked_at"])
_readonly_admin(
    CompletionRule, list_display=["cohort", "min_attendance_percent", "require_post_survey"]
)
_readonly_admin(Certificate, list_display=["application", "language", "issued_at"])
# The nonce is half of each private calendar link: never shown.
_readonly_admin(
    ItineraryFeed,
    list_display=["cohort", "application", "created_at", "reset_at", "last_fetched_at"],
    exclude=["nonce"],
)
_readonly_admin(ReviewCriterion, list_display=["cohort", "position", "name_en", "weight"])
_readonly_admin(
    CohortReviewSettings, list_display=["cohort", "reviews_per_application", "blind", "due_at"]
)
_readonly_admin(ReviewerPoolMember, list_display=["cohort", "reviewer", "added_at"])
_readonly_admin(ReviewRound, list_display=["cohort", "number", "name", "due_at"])
_readonly_admin(ReviewRoundEntry, list_display=["round", "application", "advanced_at"])
_readonly_admin(Review, list_display=["assignment", "weighted_score", "submitted_at"])
_readonly_admin(ReviewScore, list_display=["review", "criterion", "score"])
_readonly_admin(ReviewerConflict, list_display=["reviewer", "institution", "created_at"])
_readonly_admin(SelectionSettings, list_display=["cohort", "rank_by", "disagreement_threshold"])
_readonly_admin(SelectionMove, list_display=["cohort", "application", "direction", "moved_at"])
_readonly_admin(SurveyInvitation, list_display=["survey", "application", "created_at"])
_readonly_admin(SurveyResponse, list_display=["survey", "application", "submitted_at"])
_readonly_admin(SurveyQuestion, list_display=["survey", "position", "kind", "code"])
_readonly_admin(SurveyAnswer, list_display=["id", "response", "question", "value"])
# Erasure and notices change only through their services (staff pages), which keep the
# deadline, the emails and the audit trail right.
_readonly_admin(
    ErasureRequest,
    list_display=["applicant", "status", "requested_at", "due_at", "processed_by"],
    list_filter=["status"],
)
_readonly_admin(PrivacyNotice, list_display=["version", "created_at", "published_at"])


@admin.register(ActivityLog)
class ActivityLogAdmin(ExchangeAdmin):
    list_display = ["timestamp", "label", "action_type", "content_type", "object_id", "actor"]
    list_filter = ["action_type", "content_type"]
    list_select_related = ["actor", "content_type"]
    search_fields = ["action_type"]
    date_hierarchy = "timestamp"
    readonly_fields = [
        "actor",
        "content_type",
        "object_id",
        "label",
        "action_type",
        "data",
        "timestamp",
    ]

    @admin.display(description=_("what happened"))
    def label(self, obj: ActivityLog) -> str:
        return activity_label(obj.action_type)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        # Append-only: no admin, superusers included, deletes the audit trail.
        return False


class CohortQuotaInline(admin.TabularInline):
    model = CohortQuota
    extra = 0


class CohortInline(admin.TabularInline):
    model = Cohort
    fields = ["slug", "name_en", "status", "opens_at", "deadline"]
    extra = 0
    show_change_link = True

    def get_queryset(self, request):
        # Each row prints the cohort, whose name includes its program's.
        return super().get_queryset(request).select_related("program")


@admin.register(Program)
class ProgramAdmin(ExchangeAdmin):
    list_display = ["name_en", "kind", "slug"]
    list_filter = ["kind"]
    search_fields = ["name_en", "name_ja", "name_ko", "slug"]
    filter_horizontal = ["partners", "staff"]
    inlines = [CohortInline]


@admin.register(Cohort)
class CohortAdmin(ExchangeAdmin):
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
class ApplicationFormAdmin(ExchangeAdmin):
    list_display = ["cohort"]
    list_select_related = ["cohort__program"]
    inlines = [FormStepInline]


class QuestionInline(admin.StackedInline):
    model = Question
    fk_name = "step"
    extra = 0
    raw_id_fields = ["show_if_question"]


@admin.register(FormStep)
class FormStepAdmin(ExchangeAdmin):
    list_display = ["title_en", "form", "position"]
    list_select_related = ["form__cohort__program"]
    inlines = [QuestionInline]


@admin.register(Question)
class QuestionAdmin(ExchangeAdmin):
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
class ApplicationAdmin(ExchangeAdmin):
    list_display = ["id", "applicant", "cohort", "status", "country", "submitted_at"]
    list_filter = ["status", "country", ("cohort", CohortListFilter)]
    list_select_related = ["applicant", "cohort__program"]
    search_fields = ["applicant__email", "applicant__family_name", "institution"]
    raw_id_fields = ["applicant", "cohort"]
    # Offers and waiting-list places change only through the transition and offer services.
    readonly_fields = [
        "status",
        "submitted_at",
        "status_changed_at",
        "created_at",
        "updated_at",
        "offer_respond_by",
        "offer_updated_at",
        "waitlist_position",
    ]
    inlines = [AnswerInline, DocumentInline]


@admin.register(Answer)
class AnswerAdmin(ExchangeAdmin):
    list_display = ["application", "question", "updated_at"]
    list_select_related = ["application", "question"]
    raw_id_fields = ["application", "question"]


@admin.register(Document)
class DocumentAdmin(ExchangeAdmin):
    list_display = ["original_name", "kind", "content_type", "size", "application", "uploaded_at"]
    list_filter = ["kind", "content_type"]
    list_select_related = ["application"]
    raw_id_fields = ["application", "question"]
    readonly_fields = ["file", "content_type", "size", "sha256", "original_name"]


@admin.register(RefereeRequest)
class RefereeRequestAdmin(ExchangeAdmin):
    list_display = ["name", "email", "status", "application", "expires_at"]
    list_filter = ["status"]
    list_select_related = ["application"]
    raw_id_fields = ["application", "letter"]
    readonly_fields = ["token_hash"]


@admin.register(GuardianConsent)
class GuardianConsentAdmin(ExchangeAdmin):
    list_display = ["guardian_name", "application", "requested_at", "consented_at"]
    list_select_related = ["application"]
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
class SurveyAdmin(ExchangeAdmin):
    """Read-only: surveys change through the staff pages, whose services keep answers
    consistent with their questions and write the activity log."""

    list_display = ["cohort", "kind", "opens_at", "closes_at", "published_at"]
    list_filter = ["kind"]
    list_select_related = ["cohort__program"]
    inlines = [SurveyQuestionInline]


@admin.register(ReviewAssignment)
class ReviewAssignmentAdmin(ExchangeAdmin):
    """Read-only: assignments change through the staff review pages, which log and email."""

    list_display = ["id", "application", "reviewer", "status", "assigned_at", "submitted_at"]
    list_filter = ["status", ("cohort", CohortListFilter)]
    list_select_related = ["application", "reviewer"]
    raw_id_fields = ["application", "reviewer", "cohort", "assigned_by"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
