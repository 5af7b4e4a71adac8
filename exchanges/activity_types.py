"""Every activity-log action type, declared once with its translated label and what it concerns.

Services write ``ActivityLog.action_type`` as a dotted name (``exchanges.application.accepted``);
pages show ``activity_label(name)`` in the viewer's language. A test scans the code for action
types and fails when one is used without being declared here.
"""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from exchanges.enums import ApplicationStatus


@dataclass(frozen=True)
class ActivityType:
    name: str
    label: Promise
    concerns: str  # the model the entry is about, as app_label.ModelName


def _declare(*types: tuple[str, Promise, str]) -> dict[str, ActivityType]:
    return {name: ActivityType(name, label, concerns) for name, label, concerns in types}


_APPLICATION = "exchanges.Application"

ACTIVITY_TYPES: dict[str, ActivityType] = {
    # A status change is named after the new status, with the status's own label.
    **{
        f"exchanges.application.{status.value}": ActivityType(
            f"exchanges.application.{status.value}", status.label, _APPLICATION
        )
        for status in ApplicationStatus
    },
    **_declare(
        ("exchanges.application.started", _("Application started"), _APPLICATION),
        ("exchanges.application.document_uploaded", _("Document uploaded"), _APPLICATION),
        ("exchanges.application.referee_requested", _("Referee asked for a letter"), _APPLICATION),
        ("exchanges.application.referee_reminded", _("Referee reminded"), _APPLICATION),
        (
            "exchanges.application.referee_letter_received",
            _("Recommendation letter received"),
            _APPLICATION,
        ),
        (
            "exchanges.application.guardian_consent_requested",
            _("Guardian's consent requested"),
            _APPLICATION,
        ),
        ("exchanges.application.guardian_consented", _("Guardian consented"), _APPLICATION),
        ("exchanges.application.offer_deadline_changed", _("Offer deadline changed"), _APPLICATION),
        ("exchanges.form.created", _("Application form created"), "exchanges.ApplicationForm"),
        ("exchanges.form.step_saved", _("Form step saved"), "exchanges.FormStep"),
        ("exchanges.form.step_moved", _("Form step moved"), "exchanges.FormStep"),
        ("exchanges.form.question_saved", _("Question saved"), "exchanges.Question"),
        ("exchanges.form.question_moved", _("Question moved"), "exchanges.Question"),
        ("exchanges.review.assigned", _("Reviewer assigned"), "exchanges.ReviewAssignment"),
        ("exchanges.review.unassigned", _("Reviewer unassigned"), "exchanges.ReviewAssignment"),
        (
            "exchanges.review.auto_assigned",
            _("Reviewers assigned automatically"),
            "exchanges.Cohort",
        ),
        ("exchanges.review.submitted", _("Review submitted"), "exchanges.ReviewAssignment"),
        (
            "exchanges.review.conflict_declared",
            _("Conflict of interest declared"),
            "exchanges.ReviewAssignment",
        ),
        ("exchanges.review.settings_saved", _("Review settings saved"), "exchanges.Cohort"),
        (
            "exchanges.review.criterion_added",
            _("Rubric criterion added"),
            "exchanges.ReviewCriterion",
        ),
        (
            "exchanges.review.criterion_saved",
            _("Rubric criterion changed"),
            "exchanges.ReviewCriterion",
        ),
        (
            "exchanges.review.criterion_removed",
            _("Rubric criterion removed"),
            "exchanges.ReviewCriterion",
        ),
        (
            "exchanges.review.pool_added",
            _("Reviewer added to the pool"),
            "exchanges.ReviewerPoolMember",
        ),
        (
            "exchanges.review.pool_removed",
            _("Reviewer removed from the pool"),
            "exchanges.ReviewerPoolMember",
        ),
        (
            "exchanges.review.institution_conflict_added",
            _("Institution conflict added"),
            "exchanges.ReviewerConflict",
        ),
        (
            "exchanges.review.institution_conflict_removed",
            _("Institution conflict removed"),
            "exchanges.ReviewerConflict",
        ),
        ("exchanges.matching_run.started", _("Matching started"), "exchanges.MatchingRun"),
        ("exchanges.matching_run.finished", _("Matching finished"), "exchanges.MatchingRun"),
        ("exchanges.matching_run.failed", _("Matching failed"), "exchanges.MatchingRun"),
        ("exchanges.matching_run.swapped", _("Group members swapped"), "exchanges.MatchingRun"),
        ("exchanges.matching_run.published", _("Matching published"), "exchanges.MatchingRun"),
        ("exchanges.matching_group.locked", _("Group locked"), "exchanges.MatchGroup"),
        ("exchanges.matching_group.unlocked", _("Group unlocked"), "exchanges.MatchGroup"),
        (
            "exchanges.matching_constraint.added",
            _("Pairing rule added"),
            "exchanges.MatchingConstraint",
        ),
        (
            "exchanges.matching_constraint.removed",
            _("Pairing rule removed"),
            "exchanges.MatchingConstraint",
        ),
        (
            "exchanges.matching_profile.saved",
            _("Matching profile saved"),
            "exchanges.MatchingProfile",
        ),
        ("exchanges.host.created", _("Host added"), "exchanges.Host"),
        ("exchanges.host.changed", _("Host changed"), "exchanges.Host"),
        ("exchanges.placement_run.hosts", _("Host placement run"), "exchanges.PlacementRun"),
        ("exchanges.placement_run.mentors", _("Mentor pairing run"), "exchanges.PlacementRun"),
        (
            "exchanges.placement_run.hosts.published",
            _("Host placement published"),
            "exchanges.PlacementRun",
        ),
        (
            "exchanges.placement_run.mentors.published",
            _("Mentor pairing published"),
            "exchanges.PlacementRun",
        ),
        (
            "exchanges.predeparture.section_saved",
            _("Pre-departure section saved"),
            "exchanges.PredepartureChecklist",
        ),
        ("exchanges.itinerary_item.created", _("Itinerary item added"), "exchanges.ItineraryItem"),
        (
            "exchanges.itinerary_item.changed",
            _("Itinerary item changed"),
            "exchanges.ItineraryItem",
        ),
        (
            "exchanges.itinerary_item.deleted",
            _("Itinerary item removed"),
            "exchanges.ItineraryItem",
        ),
        ("exchanges.survey.created", _("Survey created"), "exchanges.Survey"),
        ("exchanges.survey.updated", _("Survey changed"), "exchanges.Survey"),
        ("exchanges.survey.published", _("Survey published"), "exchanges.Survey"),
        ("exchanges.survey.closed", _("Survey closed"), "exchanges.Survey"),
        ("exchanges.survey.answered", _("Survey answered"), "exchanges.Survey"),
        ("exchanges.survey.question_saved", _("Survey question saved"), "exchanges.SurveyQuestion"),
        ("exchanges.survey.question_moved", _("Survey question moved"), "exchanges.SurveyQuestion"),
        (
            "exchanges.survey.question_deleted",
            _("Survey question removed"),
            "exchanges.SurveyQuestion",
        ),
        ("exchanges.mail.resent", _("Email sent again"), "exchanges.OutgoingMail"),
        ("exchanges.mail_template.saved", _("Email template saved"), "exchanges.MailTemplate"),
        (
            "exchanges.mail_template.reset",
            _("Email template reset to the shipped text"),
            "exchanges.MailTemplate",
        ),
        ("exchanges.campaign.saved", _("Campaign saved"), "exchanges.Campaign"),
        (
            "exchanges.campaign.scheduled",
            pgettext_lazy("campaign", "Campaign scheduled"),
            "exchanges.Campaign",
        ),
        ("exchanges.campaign.sending", _("Campaign sending started"), "exchanges.Campaign"),
        ("exchanges.campaign.cancelled", _("Campaign cancelled"), "exchanges.Campaign"),
        ("accounts.user.mfa_reset", _("Two-factor authentication reset"), "accounts.User"),
        ("exchanges.nomination.created", _("Candidate nominated"), "exchanges.Nomination"),
        ("exchanges.nomination.withdrawn", _("Nomination withdrawn"), "exchanges.Nomination"),
        (
            "exchanges.nomination.applied",
            _("Nominee started an application"),
            "exchanges.Nomination",
        ),
        ("api.key.created", _("API key issued"), "api.ApiKey"),
        ("api.key.changed", _("API key changed"), "api.ApiKey"),
        ("api.key.revoked", _("API key revoked"), "api.ApiKey"),
    ),
}


def activity_label(action_type: str) -> str:
    """The action's label in the active language; an undeclared name as it is."""
    declared = ACTIVITY_TYPES.get(action_type)
    return str(declared.label) if declared else action_type
