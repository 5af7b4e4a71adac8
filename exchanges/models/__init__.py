"""Exchanges models, one module per concern, re-exported here for Django and callers."""

from exchanges.models.activity import ActivityLog
from exchanges.models.alumni import (
    AlumniLanguage,
    AlumniMessage,
    AlumniProfile,
    AlumniSuspension,
)
from exchanges.models.applications import (
    Answer,
    Application,
    ApplicationExport,
    Document,
    GuardianConsent,
    RefereeRequest,
)
from exchanges.models.attendance import AttendanceMark, Certificate, CompletionRule
from exchanges.models.campaigns import Campaign
from exchanges.models.itinerary import ItineraryFeed
from exchanges.models.mail import (
    MailOptOut,
    MailTemplate,
    OutgoingMail,
    OutgoingMailAttachment,
)
from exchanges.models.matching import (
    MatchGroup,
    MatchGroupMember,
    MatchingConstraint,
    MatchingProfile,
    MatchingRun,
)
from exchanges.models.nominations import Nomination
from exchanges.models.placement import Host, PlacementAssignment, PlacementRun
from exchanges.models.predeparture import ItineraryItem, PredepartureChecklist
from exchanges.models.privacy import ErasureRequest, PrivacyNotice
from exchanges.models.programs import Cohort, CohortQuota, Program
from exchanges.models.questions import ApplicationForm, FormStep, Question
from exchanges.models.reviews import (
    CohortReviewSettings,
    Review,
    ReviewAssignment,
    ReviewCriterion,
    ReviewerConflict,
    ReviewerPoolMember,
    ReviewRound,
    ReviewRoundEntry,
    ReviewScore,
)
from exchanges.models.selection import SelectionMove, SelectionSettings
from exchanges.models.surveys import (
    Survey,
    SurveyAnswer,
    SurveyInvitation,
    SurveyQuestion,
    SurveyResponse,
)
from exchanges.models.webhooks import (
    WebhookAttempt,
    WebhookDelivery,
    WebhookEventRecord,
    WebhookSubscription,
)

__all__ = [
    "ActivityLog",
    "AlumniLanguage",
    "AlumniMessage",
    "AlumniProfile",
    "AlumniSuspension",
    "Answer",
    "Application",
    "ApplicationExport",
    "ApplicationForm",
    "AttendanceMark",
    "Campaign",
    "Certificate",
    "Cohort",
    "CohortQuota",
    "CohortReviewSettings",
    "CompletionRule",
    "Document",
    "ErasureRequest",
    "FormStep",
    "GuardianConsent",
    "Host",
    "ItineraryFeed",
    "ItineraryItem",
    "MailOptOut",
    "MailTemplate",
    "MatchGroup",
    "MatchGroupMember",
    "MatchingConstraint",
    "MatchingProfile",
    "MatchingRun",
    "Nomination",
    "OutgoingMail",
    "OutgoingMailAttachment",
    "PlacementAssignment",
    "PlacementRun",
    "PredepartureChecklist",
    "PrivacyNotice",
    "Program",
    "Question",
    "RefereeRequest",
    "Review",
    "ReviewAssignment",
    "ReviewCriterion",
    "ReviewRound",
    "ReviewRoundEntry",
    "ReviewScore",
    "ReviewerConflict",
    "ReviewerPoolMember",
    "SelectionMove",
    "SelectionSettings",
    "Survey",
    "SurveyAnswer",
    "SurveyInvitation",
    "SurveyQuestion",
    "SurveyResponse",
    "WebhookAttempt",
    "WebhookDelivery",
    "WebhookEventRecord",
    "WebhookSubscription",
]
