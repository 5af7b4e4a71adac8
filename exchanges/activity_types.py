"""Every activity-log action type, declared once with its translated label and what it concerns.

Services write ``ActivityLog.action_type`` with a member of ``Activity``
(``action_type=Activity.APPLICATION_STARTED``); the stored value is the member's dotted name
(``exchanges.application.started``). Pages show ``activity_label(name)`` in the viewer's
language. ``activity_log_record`` refuses a name that is not declared here.
"""

import datetime as dt
import re
from dataclasses import dataclass
from enum import StrEnum

from django.utils import formats, timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.functional import Promise
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from exchanges.enums import ApplicationStatus

_APPLICATION = "exchanges.Application"


class Activity(StrEnum):
    """An action type: ``MEMBER = "dotted.name", label, concerns``.

    ``concerns`` is the model the entry is about, as app_label.ModelName. A member compares
    equal to its dotted name, so stored rows and filters keep working with plain strings.
    """

    label: Promise
    concerns: str

    def __new__(cls, name: str, label: Promise, concerns: str) -> "Activity":
        member = str.__new__(cls, name)
        member._value_ = name
        member.label = label
        member.concerns = concerns
        return member

    SELECTION_SETTINGS_SAVED = (
        "exchanges.selection.settings_saved",
        _("Selection settings saved"),
        "exchanges.Cohort",
    )
    SELECTION_MOVED = "exchanges.selection.moved", _("Selection proposal changed"), _APPLICATION
    SELECTION_DECIDED = "exchanges.selection.decided", _("Bulk decision made"), "exchanges.Cohort"
    SURVEY_DRAFT_SAVED = (
        "exchanges.survey.draft_saved",
        _("Survey answers saved for later"),
        "exchanges.Survey",
    )
    SURVEY_RESPONSES_IMPORTED = (
        "exchanges.survey.responses_imported",
        _("Earlier survey answers imported"),
        "exchanges.Survey",
    )
    APPLICATION_EXPORT_STARTED = (
        "exchanges.application_export.started",
        _("Export started"),
        "exchanges.Cohort",
    )
    APPLICATION_EXPORT_FINISHED = (
        "exchanges.application_export.finished",
        _("Export ready"),
        "exchanges.Cohort",
    )
    APPLICATION_EXPORT_FAILED = (
        "exchanges.application_export.failed",
        _("Export failed"),
        "exchanges.Cohort",
    )
    MATCHING_RUN_STOP_REQUESTED = (
        "exchanges.matching_run.stop_requested",
        _("Matching asked to stop"),
        "exchanges.MatchingRun",
    )
    MATCHING_RUN_RECOVERED = (
        "exchanges.matching_run.recovered",
        _("Matching finished with its best groups after its worker stopped"),
        "exchanges.MatchingRun",
    )
    NOMINATION_CREATED = (
        "exchanges.nomination.created",
        _("Candidate nominated"),
        "exchanges.Nomination",
    )
    NOMINATION_WITHDRAWN = (
        "exchanges.nomination.withdrawn",
        _("Nomination withdrawn"),
        "exchanges.Nomination",
    )
    NOMINATION_APPLIED = (
        "exchanges.nomination.applied",
        _("Nominee started an application"),
        "exchanges.Nomination",
    )
    PROGRAM_CREATED = "exchanges.program.created", _("Program created"), "exchanges.Program"
    COHORT_CREATED = "exchanges.cohort.created", _("Cohort created"), "exchanges.Cohort"
    # A status change is named after the new status, with the status's own label.
    APPLICATION_DRAFT = "exchanges.application.draft", ApplicationStatus.DRAFT.label, _APPLICATION
    APPLICATION_SUBMITTED = (
        "exchanges.application.submitted",
        ApplicationStatus.SUBMITTED.label,
        _APPLICATION,
    )
    APPLICATION_UNDER_REVIEW = (
        "exchanges.application.under_review",
        ApplicationStatus.UNDER_REVIEW.label,
        _APPLICATION,
    )
    APPLICATION_ACCEPTED = (
        "exchanges.application.accepted",
        ApplicationStatus.ACCEPTED.label,
        _APPLICATION,
    )
    APPLICATION_WAITLISTED = (
        "exchanges.application.waitlisted",
        ApplicationStatus.WAITLISTED.label,
        _APPLICATION,
    )
    APPLICATION_REJECTED = (
        "exchanges.application.rejected",
        ApplicationStatus.REJECTED.label,
        _APPLICATION,
    )
    APPLICATION_CONFIRMED = (
        "exchanges.application.confirmed",
        ApplicationStatus.CONFIRMED.label,
        _APPLICATION,
    )
    APPLICATION_DECLINED = (
        "exchanges.application.declined",
        ApplicationStatus.DECLINED.label,
        _APPLICATION,
    )
    APPLICATION_WITHDRAWN = (
        "exchanges.application.withdrawn",
        ApplicationStatus.WITHDRAWN.label,
        _APPLICATION,
    )
    APPLICATION_PARTICIPANT = (
        "exchanges.application.participant",
        ApplicationStatus.PARTICIPANT.label,
        _APPLICATION,
    )
    APPLICATION_ALUMNUS = (
        "exchanges.application.alumnus",
        ApplicationStatus.ALUMNUS.label,
        _APPLICATION,
    )

    APPLICATION_STARTED = "exchanges.application.started", _("Application started"), _APPLICATION
    APPLICATION_DOCUMENT_UPLOADED = (
        "exchanges.application.document_uploaded",
        _("Document uploaded"),
        _APPLICATION,
    )
    APPLICATION_REFEREE_REQUESTED = (
        "exchanges.application.referee_requested",
        _("Referee asked for a letter"),
        _APPLICATION,
    )
    APPLICATION_REFEREE_REMINDED = (
        "exchanges.application.referee_reminded",
        _("Referee reminded"),
        _APPLICATION,
    )
    APPLICATION_REFEREE_LETTER_RECEIVED = (
        "exchanges.application.referee_letter_received",
        _("Recommendation letter received"),
        _APPLICATION,
    )
    APPLICATION_GUARDIAN_CONSENT_REQUESTED = (
        "exchanges.application.guardian_consent_requested",
        _("Guardian's consent requested"),
        _APPLICATION,
    )
    APPLICATION_GUARDIAN_CONSENTED = (
        "exchanges.application.guardian_consented",
        _("Guardian consented"),
        _APPLICATION,
    )
    APPLICATION_OFFER_DEADLINE_CHANGED = (
        "exchanges.application.offer_deadline_changed",
        _("Offer deadline changed"),
        _APPLICATION,
    )
    FORM_CREATED = (
        "exchanges.form.created",
        _("Application form created"),
        "exchanges.ApplicationForm",
    )
    FORM_STEP_SAVED = "exchanges.form.step_saved", _("Form step saved"), "exchanges.FormStep"
    FORM_STEP_MOVED = "exchanges.form.step_moved", _("Form step moved"), "exchanges.FormStep"
    FORM_QUESTION_SAVED = "exchanges.form.question_saved", _("Question saved"), "exchanges.Question"
    FORM_QUESTION_MOVED = "exchanges.form.question_moved", _("Question moved"), "exchanges.Question"
    REVIEW_ASSIGNED = (
        "exchanges.review.assigned",
        _("Reviewer assigned"),
        "exchanges.ReviewAssignment",
    )
    REVIEW_UNASSIGNED = (
        "exchanges.review.unassigned",
        _("Reviewer unassigned"),
        "exchanges.ReviewAssignment",
    )
    REVIEW_AUTO_ASSIGNED = (
        "exchanges.review.auto_assigned",
        _("Reviewers assigned automatically"),
        "exchanges.Cohort",
    )
    REVIEW_SUBMITTED = (
        "exchanges.review.submitted",
        _("Review submitted"),
        "exchanges.ReviewAssignment",
    )
    REVIEW_CONFLICT_DECLARED = (
        "exchanges.review.conflict_declared",
        _("Conflict of interest declared"),
        "exchanges.ReviewAssignment",
    )
    REVIEW_SETTINGS_SAVED = (
        "exchanges.review.settings_saved",
        _("Review settings saved"),
        "exchanges.Cohort",
    )
    REVIEW_CRITERION_ADDED = (
        "exchanges.review.criterion_added",
        _("Rubric criterion added"),
        "exchanges.ReviewCriterion",
    )
    REVIEW_CRITERION_SAVED = (
        "exchanges.review.criterion_saved",
        _("Rubric criterion changed"),
        "exchanges.ReviewCriterion",
    )
    REVIEW_CRITERION_REMOVED = (
        "exchanges.review.criterion_removed",
        _("Rubric criterion removed"),
        "exchanges.ReviewCriterion",
    )
    REVIEW_POOL_ADDED = (
        "exchanges.review.pool_added",
        _("Reviewer added to the pool"),
        "exchanges.ReviewerPoolMember",
    )
    REVIEW_POOL_REMOVED = (
        "exchanges.review.pool_removed",
        _("Reviewer removed from the pool"),
        "exchanges.ReviewerPoolMember",
    )
    REVIEW_ROUND_CREATED = (
        "exchanges.review.round_created",
        _("Review round created"),
        "exchanges.ReviewRound",
    )
    REVIEW_ROUND_SAVED = (
        "exchanges.review.round_saved",
        _("Review round changed"),
        "exchanges.ReviewRound",
    )
    REVIEW_ROUND_DELETED = (
        "exchanges.review.round_deleted",
        _("Review round deleted"),
        "exchanges.Cohort",
    )
    REVIEW_ROUND_ADVANCED = (
        "exchanges.review.round_advanced",
        _("Applications advanced to a review round"),
        "exchanges.ReviewRound",
    )
    REVIEW_INSTITUTION_CONFLICT_ADDED = (
        "exchanges.review.institution_conflict_added",
        _("Institution conflict added"),
        "exchanges.ReviewerConflict",
    )
    REVIEW_INSTITUTION_CONFLICT_REMOVED = (
        "exchanges.review.institution_conflict_removed",
        _("Institution conflict removed"),
        "exchanges.ReviewerConflict",
    )
    MATCHING_RUN_STARTED = (
        "exchanges.matching_run.started",
        _("Matching started"),
        "exchanges.MatchingRun",
    )
    MATCHING_RUN_FINISHED = (
        "exchanges.matching_run.finished",
        _("Matching finished"),
        "exchanges.MatchingRun",
    )
    MATCHING_RUN_FAILED = (
        "exchanges.matching_run.failed",
        _("Matching failed"),
        "exchanges.MatchingRun",
    )
    MATCHING_RUN_SWAPPED = (
        "exchanges.matching_run.swapped",
        _("Group members swapped"),
        "exchanges.MatchingRun",
    )
    MATCHING_RUN_PUBLISHED = (
        "exchanges.matching_run.published",
        _("Matching published"),
        "exchanges.MatchingRun",
    )
    MATCHING_GROUP_LOCKED = (
        "exchanges.matching_group.locked",
        _("Group locked"),
        "exchanges.MatchGroup",
    )
    MATCHING_GROUP_UNLOCKED = (
        "exchanges.matching_group.unlocked",
        _("Group unlocked"),
        "exchanges.MatchGroup",
    )
    MATCHING_CONSTRAINT_ADDED = (
        "exchanges.matching_constraint.added",
        _("Pairing rule added"),
        "exchanges.MatchingConstraint",
    )
    MATCHING_CONSTRAINT_REMOVED = (
        "exchanges.matching_constraint.removed",
        _("Pairing rule removed"),
        "exchanges.MatchingConstraint",
    )
    MATCHING_PROFILE_SAVED = (
        "exchanges.matching_profile.saved",
        _("Matching profile saved"),
        "exchanges.Application",
    )
    HOST_CREATED = "exchanges.host.created", _("Host added"), "exchanges.Host"
    HOST_CHANGED = "exchanges.host.changed", _("Host changed"), "exchanges.Host"
    PLACEMENT_RUN_HOSTS = (
        "exchanges.placement_run.hosts",
        _("Host placement run"),
        "exchanges.PlacementRun",
    )
    PLACEMENT_RUN_MENTORS = (
        "exchanges.placement_run.mentors",
        _("Mentor pairing run"),
        "exchanges.PlacementRun",
    )
    PLACEMENT_RUN_HOSTS_PUBLISHED = (
        "exchanges.placement_run.hosts.published",
        _("Host placement published"),
        "exchanges.PlacementRun",
    )
    PLACEMENT_RUN_MENTORS_PUBLISHED = (
        "exchanges.placement_run.mentors.published",
        _("Mentor pairing published"),
        "exchanges.PlacementRun",
    )
    ALUMNI_PROFILE_JOINED = (
        "exchanges.alumni.joined",
        _("Joined the alumni directory"),
        "exchanges.AlumniProfile",
    )
    ALUMNI_PROFILE_CHANGED = (
        "exchanges.alumni.changed",
        _("Alumni profile changed"),
        "exchanges.AlumniProfile",
    )
    ALUMNI_PROFILE_LEFT = (
        "exchanges.alumni.left",
        _("Left the alumni directory"),
        _APPLICATION,
    )
    ALUMNI_MESSAGE_SENT = (
        "exchanges.alumni_message.sent",
        _("Alumni message sent"),
        "exchanges.AlumniMessage",
    )
    ALUMNI_MESSAGE_REPORTED = (
        "exchanges.alumni_message.reported",
        _("Alumni message reported"),
        "exchanges.AlumniMessage",
    )
    ALUMNI_REPORT_DISMISSED = (
        "exchanges.alumni_message.report_dismissed",
        _("Report of an alumni message dismissed"),
        "exchanges.AlumniMessage",
    )
    ALUMNI_MESSAGING_SUSPENDED = (
        "exchanges.alumni.messaging_suspended",
        _("Alumni messaging suspended"),
        "exchanges.AlumniSuspension",
    )
    ALUMNI_MESSAGING_RESTORED = (
        "exchanges.alumni.messaging_restored",
        _("Alumni messaging restored"),
        "accounts.User",
    )
    PREDEPARTURE_SECTION_SAVED = (
        "exchanges.predeparture.section_saved",
        _("Pre-departure section saved"),
        "exchanges.PredepartureChecklist",
    )
    ITINERARY_ITEM_CREATED = (
        "exchanges.itinerary_item.created",
        _("Itinerary item added"),
        "exchanges.ItineraryItem",
    )
    ITINERARY_ITEM_CHANGED = (
        "exchanges.itinerary_item.changed",
        _("Itinerary item changed"),
        "exchanges.ItineraryItem",
    )
    ITINERARY_ITEM_DELETED = (
        "exchanges.itinerary_item.deleted",
        _("Itinerary item removed"),
        "exchanges.ItineraryItem",
    )
    ITINERARY_FEED_RESET = (
        "exchanges.itinerary_feed.reset",
        _("Calendar link reset"),
        "exchanges.ItineraryFeed",
    )
    DIETARY_LIST_VIEWED = (
        "exchanges.predeparture.dietary_list_viewed",
        _("Dietary and accessibility list viewed"),
        "exchanges.Cohort",
    )
    ATTENDANCE_RECORDED = (
        "exchanges.attendance.recorded",
        _("Attendance recorded"),
        "exchanges.ItineraryItem",
    )
    COMPLETION_RULE_SAVED = (
        "exchanges.completion_rule.saved",
        _("Completion rule changed"),
        "exchanges.CompletionRule",
    )
    CERTIFICATE_ISSUED = (
        "exchanges.certificate.issued",
        _("Certificate of completion issued"),
        "exchanges.Certificate",
    )
    SURVEY_CREATED = "exchanges.survey.created", _("Survey created"), "exchanges.Survey"
    SURVEY_UPDATED = "exchanges.survey.updated", _("Survey changed"), "exchanges.Survey"
    SURVEY_PUBLISHED = "exchanges.survey.published", _("Survey published"), "exchanges.Survey"
    SURVEY_CLOSED = "exchanges.survey.closed", _("Survey closed"), "exchanges.Survey"
    SURVEY_ANSWERED = "exchanges.survey.answered", _("Survey answered"), "exchanges.Survey"
    SURVEY_QUESTION_SAVED = (
        "exchanges.survey.question_saved",
        _("Survey question saved"),
        "exchanges.SurveyQuestion",
    )
    SURVEY_QUESTION_MOVED = (
        "exchanges.survey.question_moved",
        _("Survey question moved"),
        "exchanges.SurveyQuestion",
    )
    SURVEY_QUESTION_DELETED = (
        "exchanges.survey.question_deleted",
        _("Survey question removed"),
        "exchanges.SurveyQuestion",
    )
    MAIL_RESENT = "exchanges.mail.resent", _("Email sent again"), "exchanges.OutgoingMail"
    MAIL_TEMPLATE_SAVED = (
        "exchanges.mail_template.saved",
        _("Email template saved"),
        "exchanges.MailTemplate",
    )
    MAIL_TEMPLATE_RESET = (
        "exchanges.mail_template.reset",
        _("Email template reset to the shipped text"),
        "exchanges.MailTemplate",
    )
    CAMPAIGN_SAVED = "exchanges.campaign.saved", _("Campaign saved"), "exchanges.Campaign"
    CAMPAIGN_SCHEDULED = (
        "exchanges.campaign.scheduled",
        pgettext_lazy("campaign", "Campaign scheduled"),
        "exchanges.Campaign",
    )
    CAMPAIGN_SENDING = (
        "exchanges.campaign.sending",
        _("Campaign sending started"),
        "exchanges.Campaign",
    )
    CAMPAIGN_CANCELLED = (
        "exchanges.campaign.cancelled",
        _("Campaign cancelled"),
        "exchanges.Campaign",
    )
    ACCOUNTS_USER_MFA_RESET = (
        "accounts.user.mfa_reset",
        _("Two-factor authentication reset"),
        "accounts.User",
    )
    ACCOUNTS_USER_ROLE_CHANGED = (
        "accounts.user.role_changed",
        _("Role or rights changed"),
        "accounts.User",
    )
    ACCOUNTS_USER_SIGNED_IN = (
        "accounts.user.signed_in",
        _("Signed in to a staff role"),
        "accounts.User",
    )
    # Reads worth auditing: who took which personal data out, and how much of it.
    EXPORT_DOWNLOADED = (
        "exchanges.export.downloaded",
        _("Export downloaded"),
        "exchanges.Cohort",
    )
    APPLICATION_DOCUMENT_DOWNLOADED = (
        "exchanges.application.document_downloaded",
        _("Document downloaded"),
        _APPLICATION,
    )
    APPLICATION_SENSITIVE_VIEWED = (
        "exchanges.application.sensitive_viewed",
        _("Sensitive details viewed"),
        _APPLICATION,
    )
    # Edits made in the administration site, mirrored from its own LogEntry.
    ADMIN_ADDED = "admin.object.added", _("Added in the administration site"), "admin.LogEntry"
    ADMIN_CHANGED = (
        "admin.object.changed",
        _("Changed in the administration site"),
        "admin.LogEntry",
    )
    ADMIN_DELETED = (
        "admin.object.deleted",
        _("Deleted in the administration site"),
        "admin.LogEntry",
    )
    PRIVACY_DATA_EXPORTED = (
        "accounts.user.data_exported",
        _("Personal data downloaded by its owner"),
        "accounts.User",
    )
    PRIVACY_ERASURE_REQUESTED = (
        "exchanges.erasure.requested",
        _("Erasure requested"),
        "exchanges.ErasureRequest",
    )
    PRIVACY_ERASURE_COMPLETED = (
        "exchanges.erasure.completed",
        _("Personal data erased"),
        "exchanges.ErasureRequest",
    )
    PRIVACY_ERASURE_REFUSED = (
        "exchanges.erasure.refused",
        _("Erasure refused"),
        "exchanges.ErasureRequest",
    )
    APPLICATION_ANONYMISED = (
        "exchanges.application.anonymised",
        _("Personal data removed by the retention rule"),
        _APPLICATION,
    )
    PRIVACY_NOTICE_SAVED = (
        "exchanges.privacy_notice.saved",
        _("Privacy notice saved"),
        "exchanges.PrivacyNotice",
    )
    PRIVACY_NOTICE_PUBLISHED = (
        "exchanges.privacy_notice.published",
        _("Privacy notice published"),
        "exchanges.PrivacyNotice",
    )
    API_KEY_CREATED = "api.key.created", _("API key issued"), "api.ApiKey"
    API_KEY_CHANGED = "api.key.changed", _("API key changed"), "api.ApiKey"
    API_KEY_REVOKED = "api.key.revoked", _("API key revoked"), "api.ApiKey"
    WEBHOOK_CREATED = (
        "exchanges.webhook.created",
        _("Webhook subscription created"),
        "exchanges.WebhookSubscription",
    )
    WEBHOOK_CHANGED = (
        "exchanges.webhook.changed",
        _("Webhook subscription changed"),
        "exchanges.WebhookSubscription",
    )
    WEBHOOK_DELETED = (
        "exchanges.webhook.deleted",
        _("Webhook subscription deleted"),
        "exchanges.WebhookSubscription",
    )
    WEBHOOK_DISABLED = (
        "exchanges.webhook.disabled",
        _("Webhook subscription disabled after repeated failures"),
        "exchanges.WebhookSubscription",
    )
    WEBHOOK_REDELIVERED = (
        "exchanges.webhook.redelivered",
        _("Webhook delivery requested again"),
        "exchanges.WebhookSubscription",
    )


@dataclass(frozen=True)
class ActivityType:
    name: str
    label: Promise
    concerns: str  # the model the entry is about, as app_label.ModelName


ACTIVITY_TYPES: dict[str, ActivityType] = {
    activity.value: ActivityType(activity.value, activity.label, activity.concerns)
    for activity in Activity
}

_STATUS_ACTIVITIES: dict[str, Activity] = {
    status.value: Activity(f"exchanges.application.{status.value}") for status in ApplicationStatus
}


def activity_for_status(status: str) -> Activity:
    """The action type of an application moving to ``status``."""
    return _STATUS_ACTIVITIES[status]


def activity_label(action_type: str) -> str:
    """The action's label in the active language; an undeclared name as it is."""
    declared = ACTIVITY_TYPES.get(action_type)
    return str(declared.label) if declared else action_type


# The keys services put in an entry's ``data``, each with the label the audit trail shows, so
# an entry reads "Cohort: 4 · Language: ja" instead of a Python dictionary. A key not listed
# here is shown humanised ("max_words" as "Max words").
DETAIL_LABELS: dict[str, Promise] = {
    "answers": _("Answers"),
    "application": _("Application"),
    "applications": pgettext_lazy("audit trail detail", "Applications"),
    "assignments": _("Assignments"),
    "assignments_removed": _("Assignments removed"),
    "authenticators": _("Authenticators"),
    "automatic": _("Automatic"),
    "avoid_same_country": _("Avoid the same country"),
    "based_on": _("Based on"),
    "batch": _("Batch"),
    "blind": _("Blind review"),
    "changes": _("Changes"),
    "checklist_complete": _("Checklist complete"),
    "cohort": _("Cohort"),
    "countries": _("Countries"),
    "criterion": _("Criterion"),
    "day": _("Day"),
    "decided": _("Decided"),
    "decision": _("Decision"),
    "delivery": _("Delivery"),
    "delta": _("Change"),
    "direction": pgettext_lazy("audit trail detail", "Direction"),
    "disagreement_threshold": _("Disagreement threshold"),
    "document": _("Document"),
    "due_at": pgettext_lazy("audit trail detail", "Due"),
    "event": _("Event"),
    "events": _("Events"),
    "expires_at": _("Expires"),
    "export": _("Export"),
    "failures": _("Failures"),
    "fields": _("Fields"),
    "file": _("File"),
    "files": _("Files"),
    "filters": _("Filters"),
    "format": _("Format"),
    "from": pgettext_lazy("audit trail detail", "From"),
    "group": _("Group"),
    "groups": pgettext_lazy("audit trail detail", "Groups"),
    "identifying_questions": _("Identifying questions"),
    "invitation": _("Invitation"),
    "invitation_mailed": _("Invitation emailed"),
    "item": _("Item"),
    "key": _("Template"),
    "kind": _("Kind"),
    "language": _("Language"),
    "max_assignments": _("Maximum assignments"),
    "max_score": _("Maximum score"),
    "message": _("Message"),
    "messages_cancelled": _("Messages cancelled"),
    "min_attendance_percent": _("Minimum attendance (%)"),
    "name": _("Name"),
    "number": _("Number"),
    "objective": _("Objective value"),
    "opens_at": _("Opens"),
    "optimal": _("Optimal"),
    "organisation": _("Organisation"),
    "own_country_only": _("Own country only"),
    "parameters": _("Parameters"),
    "participant_feed": _("Participant feed"),
    "per_application": _("Per application"),
    "placed": _("Placed"),
    "position": _("Position"),
    "previous_status": _("Previous status"),
    "privacy_notice": _("Privacy notice"),
    "problems": _("Problems"),
    "program": _("Program"),
    "question": _("Question"),
    "quotas": _("Quotas"),
    "rank_by": _("Rank by"),
    "reason": _("Reason"),
    "recipient": _("Recipient"),
    "referee_request": _("Referee request"),
    "refused": _("Refused"),
    "reply": _("Reply"),
    "require_post_survey": _("Post-program survey required"),
    "responses": _("Responses"),
    "resubmitted": _("Resubmitted"),
    "reviewer": _("Reviewer"),
    "reviewers": _("Reviewers"),
    "reviews_per_application": _("Reviews per application"),
    "role": _("Role"),
    "round": _("Round"),
    "rows": _("Rows"),
    "saved": _("Saved"),
    "scheduled_at": _("Scheduled for"),
    "scopes": _("Scopes"),
    "section": _("Section"),
    "section_complete": _("Section complete"),
    "shares_with_partners": _("Shared with partners"),
    "slug": _("Short name"),
    "step": _("Step"),
    "stopped": _("Stopped"),
    "title": _("Title"),
    "to": pgettext_lazy("audit trail detail", "To"),
    "unfilled": _("Unfilled"),
    "upper_bound": _("Upper bound"),
    "version": _("Version"),
    "weight": _("Weight"),
    "weighted_score": _("Weighted score"),
}

_ISO_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def activity_detail_label(key: str) -> str:
    """The label of a ``data`` key in the active language; an unknown key humanised."""
    label = DETAIL_LABELS.get(key)
    if label is not None:
        return str(label)
    return str(key).replace("_", " ").strip().capitalize() or str(key)


def activity_detail_value(value) -> str:
    """A stored value as text: yes or no, dates in the active language and time zone, lists
    joined, nested dictionaries as "label: value" pairs; never a Python repr."""
    if value is None or value in ("", [], {}):
        return "—"
    if isinstance(value, bool):
        return gettext("Yes") if value else gettext("No")
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, dict):
        return "; ".join(
            f"{activity_detail_label(key)}: {activity_detail_value(item)}"
            for key, item in value.items()
        )
    if isinstance(value, (list, tuple)):
        return ", ".join(activity_detail_value(item) for item in value)
    text = str(value)
    if _ISO_DATETIME.match(text):
        moment = _parse_moment(text)
        if moment is not None:
            return formats.date_format(timezone.localtime(moment), "SHORT_DATETIME_FORMAT")
    if _ISO_DATE.match(text):
        day = _parse_day(text)
        if day is not None:
            return formats.date_format(day, "DATE_FORMAT")
    return text


#: Where each known key stands in the audit trail: the order of ``DETAIL_LABELS``.
_DETAIL_ORDER = {key: position for position, key in enumerate(DETAIL_LABELS)}


def activity_details(data) -> list[tuple[str, str]]:
    """An entry's ``data`` as (label, value) pairs for the audit trail: the known keys in the
    order of ``DETAIL_LABELS``, then any other key alphabetically. Not the stored order:
    PostgreSQL's jsonb keeps no key order, so a page would differ between databases."""
    if not isinstance(data, dict):
        return [] if data in (None, "") else [(gettext("Details"), activity_detail_value(data))]
    keys = sorted(data, key=lambda key: (_DETAIL_ORDER.get(key, len(_DETAIL_ORDER)), str(key)))
    return [(activity_detail_label(key), activity_detail_value(data[key])) for key in keys]


def _parse_moment(text: str) -> dt.datetime | None:
    try:
        moment = parse_datetime(text)
    except ValueError:
        return None
    if moment is not None and timezone.is_naive(moment):
        moment = timezone.make_aware(moment, dt.UTC)
    return moment


def _parse_day(text: str) -> dt.date | None:
    try:
        return parse_date(text)
    except ValueError:
        return None
