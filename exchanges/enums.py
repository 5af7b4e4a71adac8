"""Enumerations shared across Trilink. A leaf module: it imports nothing from the project."""

from django.db import models
from django.utils.translation import get_language_info, pgettext_lazy
from django.utils.translation import gettext_lazy as _


class Country(models.TextChoices):
    """ISO 3166-1 alpha-2 codes of the countries Trilink programs run between.

    Programs list their participating countries; nothing assumes there are exactly three.
    """

    US = "US", _("United States")
    JP = "JP", _("Japan")
    KR = "KR", _("South Korea")


def country_label(code: str) -> str:
    """The country's name in the active language; an unknown code as it is."""
    return str(Country(code).label) if code in Country.values else code


def language_label(code: str) -> str:
    """A language's name in the active language ("英語" for ``en`` on a Japanese page), from
    Django's own translated language names; an unknown code as it is."""
    try:
        return str(get_language_info(code)["name_translated"])
    except KeyError:
        return code


class Language(models.TextChoices):
    EN = "en", "English"
    JA = "ja", "日本語"
    KO = "ko", "한국어"


class Role(models.TextChoices):
    SECRETARIAT = "secretariat", _("Secretariat staff")
    PARTNER_STAFF = "partner_staff", _("Partner staff")
    REVIEWER = "reviewer", _("Reviewer")
    APPLICANT = "applicant", pgettext_lazy("role", "Applicant")


# Roles that see staff pages and therefore must protect their account with a second factor.
MFA_REQUIRED_ROLES = frozenset({Role.SECRETARIAT, Role.PARTNER_STAFF, Role.REVIEWER})


class OrganisationKind(models.TextChoices):
    SECRETARIAT = "secretariat", _("Secretariat")
    PARTNER = "partner", _("Partner organisation")
    INSTITUTION = "institution", _("Institution")
    HOST = "host", _("Host organisation")


class ProgramKind(models.TextChoices):
    YOUTH = "youth", _("Youth exchange")
    PROFESSIONAL = "professional", _("Professional exchange")


class Sector(models.TextChoices):
    POLITICS = "politics", _("Politics and public service")
    BUSINESS = "business", _("Business")
    MEDIA = "media", _("Media and journalism")
    ACADEMIA = "academia", _("Academia and research")
    EDUCATION = "education", _("Education")
    CIVIL_SOCIETY = "civil_society", _("Civil society")
    ARTS = "arts", _("Arts and culture")


class CohortStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("cohort status", "Draft")
    OPEN = "open", pgettext_lazy("cohort status", "Open for applications")
    REVIEW = "review", pgettext_lazy("cohort status", "In review")
    RUNNING = "running", pgettext_lazy("cohort status", "Running")
    FINISHED = "finished", pgettext_lazy("cohort status", "Finished")


class ProgramPhase(models.TextChoices):
    """Where a cohort's program stands on a given day (its dates, not its staff-set status)."""

    UPCOMING = "upcoming", pgettext_lazy("program phase", "Not started")
    UNDER_WAY = "under_way", pgettext_lazy("program phase", "Under way")
    ENDED = "ended", pgettext_lazy("program phase", "Ended")


class ApiScope(models.TextChoices):
    """What a partner API key may do. Keys carry a list of these."""

    PROGRAMS_READ = "programs:read", _("Read programs and cohorts")
    OUTCOMES_READ = "outcomes:read", _("Read survey outcomes (groups under five hidden)")
    APPLICATIONS_READ = "applications:read", _("Read applications, their answers and documents")
    NOMINATIONS_READ = "nominations:read", _("Read nominations")
    NOMINATIONS_WRITE = "nominations:write", _("Nominate candidates and withdraw nominations")
    PARTICIPANTS_READ = "participants:read", _("Read participants and groups")
    DECISIONS_WRITE = (
        "decisions:write",
        _("Advance applicants of the organisation's country from a screening round"),
    )
    WEBHOOKS_MANAGE = "webhooks:manage", _("Manage webhook subscriptions and their deliveries")


class WebhookEvent(models.TextChoices):
    """What a webhook subscription can listen to; the value is the payload's ``type``."""

    APPLICATION_SUBMITTED = "application.submitted", _("Application submitted")
    APPLICATION_DECIDED = "application.decided", _("Decision made")
    PARTICIPANT_CONFIRMED = "participant.confirmed", _("Participant confirmed")
    SURVEY_CLOSED = "survey.closed", _("Survey closed")


class WebhookDeliveryStatus(models.TextChoices):
    """One event's delivery to one subscription."""

    PENDING = "pending", pgettext_lazy("webhook delivery status", "Pending")
    SENDING = "sending", pgettext_lazy("webhook delivery status", "Sending")
    SUCCEEDED = "succeeded", pgettext_lazy("webhook delivery status", "Delivered")
    FAILED = "failed", pgettext_lazy("webhook delivery status", "Failed")


class NominationStatus(models.TextChoices):
    """A partner's nomination of a candidate for a cohort."""

    INVITED = "invited", pgettext_lazy("nomination status", "Invited")
    APPLIED = "applied", pgettext_lazy("nomination status", "Applied")
    WITHDRAWN = "withdrawn", pgettext_lazy("nomination status", "Withdrawn")


class EligibilityBasis(models.TextChoices):
    """Which tie to an eligible country a cohort accepts."""

    CITIZENSHIP = "citizenship", _("Citizenship")
    RESIDENCE = "residence", _("Residence")
    EITHER = "either", _("Citizenship or residence")


class LanguageLevel(models.TextChoices):
    """Self-declared proficiency, ordered from lowest to highest (see ``LANGUAGE_LEVEL_ORDER``)."""

    NONE = "none", pgettext_lazy("language level", "None")
    BASIC = "basic", pgettext_lazy("language level", "Basic")
    CONVERSATIONAL = "conversational", pgettext_lazy("language level", "Conversational")
    PROFESSIONAL = "professional", pgettext_lazy("language level", "Professional")
    NATIVE = "native", pgettext_lazy("language level", "Native or bilingual")


LANGUAGE_LEVEL_ORDER = {level: rank for rank, level in enumerate(LanguageLevel.values)}


class ApplicationStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("application status", "Draft")
    SUBMITTED = "submitted", pgettext_lazy("application status", "Submitted")
    UNDER_REVIEW = "under_review", pgettext_lazy("application status", "Under review")
    ACCEPTED = "accepted", pgettext_lazy("application status", "Accepted")
    WAITLISTED = "waitlisted", pgettext_lazy("application status", "Waitlisted")
    REJECTED = "rejected", pgettext_lazy("application status", "Not selected")
    CONFIRMED = "confirmed", pgettext_lazy("application status", "Offer accepted")
    DECLINED = "declined", pgettext_lazy("application status", "Offer declined")
    WITHDRAWN = "withdrawn", pgettext_lazy("application status", "Withdrawn")
    PARTICIPANT = "participant", pgettext_lazy("application status", "Participant")
    ALUMNUS = "alumnus", pgettext_lazy("application status", "Alumnus")


# Named groups of application statuses.
APPLICATION_EDITABLE = frozenset({ApplicationStatus.DRAFT})
APPLICATION_IN_SELECTION = frozenset(
    {
        ApplicationStatus.SUBMITTED,
        ApplicationStatus.UNDER_REVIEW,
        ApplicationStatus.WAITLISTED,
    }
)
APPLICATION_SELECTED = frozenset(
    {
        ApplicationStatus.ACCEPTED,
        ApplicationStatus.CONFIRMED,
        ApplicationStatus.PARTICIPANT,
        ApplicationStatus.ALUMNUS,
    }
)
APPLICATION_FINAL = frozenset(
    {
        ApplicationStatus.REJECTED,
        ApplicationStatus.DECLINED,
        ApplicationStatus.WITHDRAWN,
        ApplicationStatus.ALUMNUS,
    }
)
# Statuses that hold one of the cohort's seats for the application's country (quota usage).
APPLICATION_HOLDING_SEAT = APPLICATION_SELECTED
# Statuses in which referees may still be asked, reminded and upload their letters.
REFEREE_OPEN_STATUSES = frozenset(
    {ApplicationStatus.DRAFT, ApplicationStatus.SUBMITTED, ApplicationStatus.UNDER_REVIEW}
)
APPLICATION_WITHDRAWABLE = frozenset(
    {
        ApplicationStatus.DRAFT,
        ApplicationStatus.SUBMITTED,
        ApplicationStatus.UNDER_REVIEW,
        ApplicationStatus.WAITLISTED,
        ApplicationStatus.ACCEPTED,
        ApplicationStatus.CONFIRMED,
    }
)


class WaitlistPolicy(models.TextChoices):
    """What happens when a seat frees up in a cohort: the first waitlisted applicant of that
    country is offered it at once, or staff promote by hand."""

    AUTOMATIC = "automatic", _("Offer freed seats to the waiting list automatically")
    MANUAL = "manual", _("Staff promote from the waiting list by hand")


class QuestionKind(models.TextChoices):
    SHORT_TEXT = "short_text", _("Short text")
    LONG_TEXT = "long_text", _("Long text")
    SINGLE_CHOICE = "single_choice", _("Single choice")
    MULTIPLE_CHOICE = "multiple_choice", _("Multiple choice")
    DATE = "date", pgettext_lazy("question kind", "Date")
    NUMBER = "number", pgettext_lazy("question kind", "Number")
    FILE = "file", _("File upload")
    CONSENT = "consent", _("Consent checkbox")
    LIKERT = "likert", _("Likert scale")


class DateRange(models.TextChoices):
    """The dates a date question accepts (``exchanges.validators.validate_answer_date``)."""

    ANY = "any", _("Any date from 1900 to 2099")
    PAST = "past", _("A date from 1900 up to today")
    UPCOMING = "upcoming", _("A date from today up to the program's last day")


class DocumentKind(models.TextChoices):
    CV = "cv", _("CV or résumé")
    ESSAY = "essay", _("Essay")
    TRANSCRIPT = "transcript", _("Transcript")
    RECOMMENDATION = "recommendation", _("Recommendation letter")
    OTHER = "other", pgettext_lazy("document kind", "Other")


class RefereeStatus(models.TextChoices):
    PENDING = "pending", pgettext_lazy("referee status", "Waiting for the letter")
    RECEIVED = "received", pgettext_lazy("referee status", "Letter received")
    CANCELLED = "cancelled", pgettext_lazy("referee status", "Cancelled")


class ExportFormat(models.TextChoices):
    CSV = "csv", "CSV"
    XLSX = "xlsx", "Excel (XLSX)"


class ExportStatus(models.TextChoices):
    """A background export: queued → running → finished (then expired) or failed."""

    QUEUED = "queued", pgettext_lazy("export status", "Queued")
    RUNNING = "running", pgettext_lazy("export status", "Being prepared")
    FINISHED = "finished", pgettext_lazy("export status", "Ready")
    FAILED = "failed", pgettext_lazy("export status", "Failed")
    EXPIRED = "expired", pgettext_lazy("export status", "Expired")


class Interest(models.TextChoices):
    """Topics participants can name for matching (a fixed list, so shared interests match)."""

    CLIMATE = "climate", _("Climate and energy")
    SECURITY = "security", _("Security and diplomacy")
    TRADE = "trade", _("Trade and economy")
    TECHNOLOGY = "technology", _("Technology and innovation")
    DEMOGRAPHY = "demography", _("Ageing and demography")
    HEALTH = "health", _("Public health")
    EDUCATION = "education", pgettext_lazy("interest", "Education")
    MEDIA = "media", _("Media and information")
    HUMAN_RIGHTS = "human_rights", _("Human rights")
    HISTORY = "history", _("History and reconciliation")
    CITIES = "cities", _("Cities and local government")
    CULTURE = "culture", _("Arts, film and pop culture")
    SPORTS = "sports", _("Sports")
    FOOD = "food", _("Food")
    ENTREPRENEURSHIP = "entrepreneurship", _("Entrepreneurship")
    GENDER_EQUALITY = "gender_equality", _("Gender equality")


class Gender(models.TextChoices):
    """Optional, used only to mix groups; "not stated" is always a valid answer."""

    FEMALE = "female", pgettext_lazy("gender", "Female")
    MALE = "male", pgettext_lazy("gender", "Male")
    NON_BINARY = "non_binary", pgettext_lazy("gender", "Non-binary")


class MatchingConstraintKind(models.TextChoices):
    DO_NOT_MATCH = "do_not_match", _("Never in the same group")
    MUST_MATCH = "must_match", _("Always in the same group")


class MatchingLeftoverRule(models.TextChoices):
    """Where an uneven cohort's leftover participants go (``exchanges.matching.leftovers``)."""

    EXTEND = "extend", _("Add them to full groups (groups of four, at most one extra each)")
    PARTIAL = "partial", _("Form smaller groups of their own (a country may be missing)")


class MatchingRunStatus(models.TextChoices):
    QUEUED = "queued", pgettext_lazy("matching status", "Queued")
    RUNNING = "running", pgettext_lazy("matching status", "Running")
    FINISHED = "finished", pgettext_lazy("matching status", "Finished")
    FAILED = "failed", pgettext_lazy("matching status", "Failed")
    PUBLISHED = "published", pgettext_lazy("matching status", "Published")


MATCHING_RUN_ACTIVE = frozenset({MatchingRunStatus.QUEUED, MatchingRunStatus.RUNNING})
MATCHING_RUN_DONE = frozenset({MatchingRunStatus.FINISHED, MatchingRunStatus.PUBLISHED})
# Applications taking part in matching: the offer was accepted (or the program has begun).
APPLICATION_MATCHABLE = frozenset({ApplicationStatus.CONFIRMED, ApplicationStatus.PARTICIPANT})


class MailStatus(models.TextChoices):
    """Where an outgoing email is on its way: queued → sending → sent / failed (or cancelled)."""

    QUEUED = "queued", pgettext_lazy("mail status", "Queued")
    SENDING = "sending", pgettext_lazy("mail status", "Sending")
    SENT = "sent", pgettext_lazy("mail status", "Sent")
    FAILED = "failed", pgettext_lazy("mail status", "Failed")
    CANCELLED = "cancelled", pgettext_lazy("mail status", "Cancelled")


# Statuses a message can no longer leave by itself.
MAIL_FINAL_STATUSES = frozenset({MailStatus.SENT, MailStatus.FAILED, MailStatus.CANCELLED})


class MailTemplateKey(models.TextChoices):
    """The workflows whose email text ships as files and may be overridden per cohort.

    Each key has ``templates/emails/<language>/<key>.subject.txt``, ``.txt`` and ``.html``;
    the context variables each one receives are listed in ``exchanges.services.mail``.
    """

    APPLICATION_RECEIVED = "application_received", _("Application received")
    REFEREE_REQUEST = "referee_request", _("Recommendation letter request")
    REFEREE_REMINDER = "referee_reminder", _("Recommendation letter reminder")
    DRAFT_REMINDER_7D = "draft_reminder_7d", _("Draft reminder, 7 days before the deadline")
    DRAFT_REMINDER_1D = "draft_reminder_1d", _("Draft reminder, 1 day before the deadline")
    REVIEWER_ASSIGNED = "reviewer_assigned", _("Reviewer assignment")
    REVIEWER_NUDGE = "reviewer_nudge", _("Reviewer reminder")
    DECISION_ACCEPTED = "decision_accepted", _("Decision: accepted")
    DECISION_WAITLISTED = "decision_waitlisted", _("Decision: waitlisted")
    DECISION_REJECTED = "decision_rejected", _("Decision: not selected")
    OFFER_DEADLINE_REMINDER = "offer_deadline_reminder", _("Offer deadline reminder")
    WAITLIST_PROMOTED = "waitlist_promoted", _("Waitlist promotion")
    PREDEPARTURE_REMINDER = "predeparture_reminder", _("Pre-departure reminder")
    SURVEY_INVITATION = "survey_invitation", _("Survey invitation")
    SURVEY_REMINDER = "survey_reminder", _("Survey reminder")
    FOLLOWUP_SURVEY = "followup_survey", _("Follow-up survey")
    NOMINATION_INVITATION = "nomination_invitation", _("Invitation of a nominated candidate")


class CampaignStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("campaign status", "Draft")
    SCHEDULED = "scheduled", pgettext_lazy("campaign status", "Scheduled")
    SENDING = "sending", pgettext_lazy("campaign status", "Sending")
    SENT = "sent", pgettext_lazy("campaign status", "Sent")
    CANCELLED = "cancelled", pgettext_lazy("campaign status", "Cancelled")


class HostKind(models.TextChoices):
    FAMILY = "family", pgettext_lazy("host kind", "Host family")
    INSTITUTION = "institution", pgettext_lazy("host kind", "Institution")


class HostGenderRule(models.TextChoices):
    """Values are the solver's ``GENDER_RULES``."""

    ANY = "any", pgettext_lazy("host gender rule", "Anyone")
    FEMALE_ONLY = "female_only", pgettext_lazy("host gender rule", "Women only")
    MALE_ONLY = "male_only", pgettext_lazy("host gender rule", "Men only")


class PlacementKind(models.TextChoices):
    HOSTS = "hosts", pgettext_lazy("placement kind", "Host placement")
    MENTORS = "mentors", pgettext_lazy("placement kind", "Mentor pairing")


class PlacementRunStatus(models.TextChoices):
    FINISHED = "finished", pgettext_lazy("placement status", "Finished")
    PUBLISHED = "published", pgettext_lazy("placement status", "Published")


class UnplacedReason(models.TextChoices):
    FILTERS = "filters", _("Excluded by the hard rules")
    CAPACITY = "capacity", _("No free place")


class SurveyKind(models.TextChoices):
    PRE_PROGRAM = "pre_program", _("Pre-program survey")
    POST_PROGRAM = "post_program", _("Post-program survey")
    FOLLOWUP_6 = "followup_6", _("Follow-up survey after 6 months")
    FOLLOWUP_12 = "followup_12", _("Follow-up survey after 12 months")


# Months after the program's last day at which each follow-up survey opens.
SURVEY_FOLLOWUP_MONTHS = {SurveyKind.FOLLOWUP_6: 6, SurveyKind.FOLLOWUP_12: 12}

# Who each kind of survey asks: the application statuses of its cohort that are invited.
SURVEY_AUDIENCE = {
    SurveyKind.PRE_PROGRAM: frozenset({ApplicationStatus.CONFIRMED, ApplicationStatus.PARTICIPANT}),
    SurveyKind.POST_PROGRAM: frozenset({ApplicationStatus.PARTICIPANT, ApplicationStatus.ALUMNUS}),
    SurveyKind.FOLLOWUP_6: frozenset({ApplicationStatus.PARTICIPANT, ApplicationStatus.ALUMNUS}),
    SurveyKind.FOLLOWUP_12: frozenset({ApplicationStatus.PARTICIPANT, ApplicationStatus.ALUMNUS}),
}


class SurveyStatus(models.TextChoices):
    """Derived, never stored: from ``published_at``, ``opens_at`` and ``closes_at``."""

    DRAFT = "draft", pgettext_lazy("survey status", "Draft")
    SCHEDULED = "scheduled", pgettext_lazy("survey status", "Scheduled")
    OPEN = "open", pgettext_lazy("survey status", "Open")
    CLOSED = "closed", pgettext_lazy("survey status", "Closed")


class SurveyQuestionKind(models.TextChoices):
    LIKERT = "likert", _("Agreement scale (1–5)")
    THERMOMETER = "thermometer", _("Feeling thermometer toward a country (0–100)")
    NPS = "nps", _("Likelihood to recommend (0–10)")
    OPEN_TEXT = "open_text", _("Open text")


# The numeric range each kind of survey question accepts (open text has none).
SURVEY_QUESTION_RANGE = {
    SurveyQuestionKind.LIKERT: (1, 5),
    SurveyQuestionKind.THERMOMETER: (0, 100),
    SurveyQuestionKind.NPS: (0, 10),
}


class ReviewAssignmentStatus(models.TextChoices):
    """Where one reviewer's assignment to one application stands."""

    ASSIGNED = "assigned", pgettext_lazy("review status", "To review")
    SUBMITTED = "submitted", pgettext_lazy("review status", "Reviewed")
    CONFLICT = "conflict", pgettext_lazy("review status", "Conflict of interest declared")
    REMOVED = "removed", pgettext_lazy("review status", "Removed")


# Assignments that count towards an application's N reviewers and a reviewer's load.
REVIEW_ASSIGNMENT_ACTIVE = frozenset(
    {ReviewAssignmentStatus.ASSIGNED, ReviewAssignmentStatus.SUBMITTED}
)
# Applications that may get reviewers and whose reviews may be written.
APPLICATION_REVIEWABLE = frozenset({ApplicationStatus.SUBMITTED, ApplicationStatus.UNDER_REVIEW})


class ReviewRecommendation(models.TextChoices):
    STRONGLY_RECOMMEND = "strongly_recommend", _("Strongly recommend")
    RECOMMEND = "recommend", pgettext_lazy("review recommendation", "Recommend")
    RESERVATIONS = "reservations", _("Recommend with reservations")
    DO_NOT_RECOMMEND = "do_not_recommend", _("Do not recommend")


class SelectionRankBy(models.TextChoices):
    """Which score a cohort's rankings and selection proposal use."""

    NORMALISED = "normalised", _("Normalised score (per reviewer)")
    RAW = "raw", _("Raw weighted score")


class SelectionMoveDirection(models.TextChoices):
    """A staff change to the selection proposal."""

    IN = "in", pgettext_lazy("selection move", "Moved into the selection")
    OUT = "out", pgettext_lazy("selection move", "Moved out of the selection")


class SelectionDecision(models.TextChoices):
    """What a bulk decision does to the chosen applications."""

    ACCEPT = "accepted", pgettext_lazy("bulk decision", "Accept (make an offer)")
    WAITLIST = "waitlisted", pgettext_lazy("bulk decision", "Put on the waiting list")
    REJECT = "rejected", pgettext_lazy("bulk decision", "Reject")


# Pre-departure: who has a checklist (the offer was accepted, or the program has begun).
APPLICATION_PREDEPARTURE = frozenset({ApplicationStatus.CONFIRMED, ApplicationStatus.PARTICIPANT})
# Who reads the itinerary and its calendar feed: confirmed participants, and alumni afterwards.
APPLICATION_ITINERARY = APPLICATION_PREDEPARTURE | {ApplicationStatus.ALUMNUS}


class PredepartureSection(models.TextChoices):
    """The sections of a participant's pre-departure checklist, in the order they are shown."""

    PASSPORT = "passport", pgettext_lazy("predeparture section", "Passport")
    VISA = "visa", pgettext_lazy("predeparture section", "Visa")
    INSURANCE = "insurance", pgettext_lazy("predeparture section", "Travel insurance")
    EMERGENCY_CONTACT = (
        "emergency_contact",
        pgettext_lazy("predeparture section", "Emergency contact"),
    )
    DIETARY = "dietary", pgettext_lazy("predeparture section", "Dietary needs")
    MEDICAL = "medical", pgettext_lazy("predeparture section", "Medical or accessibility needs")
    ARRIVAL = "arrival", pgettext_lazy("predeparture section", "Arrival details")


# The sections a checklist needs to be complete; medical needs and arrival details are optional.
PREDEPARTURE_REQUIRED_SECTIONS = (
    PredepartureSection.PASSPORT,
    PredepartureSection.VISA,
    PredepartureSection.INSURANCE,
    PredepartureSection.EMERGENCY_CONTACT,
    PredepartureSection.DIETARY,
)
# Sections whose details only the participant and the secretariat may read.
PREDEPARTURE_SENSITIVE_SECTIONS = frozenset(
    {PredepartureSection.DIETARY, PredepartureSection.MEDICAL}
)


class VisaStatus(models.TextChoices):
    NOT_NEEDED = "not_needed", pgettext_lazy("visa status", "Not needed")
    TO_APPLY = "to_apply", pgettext_lazy("visa status", "I still need to apply")
    APPLIED = "applied", pgettext_lazy("visa status", "Applied, waiting for the decision")
    GRANTED = "granted", pgettext_lazy("visa status", "Granted")


# Visa statuses that let the participant travel: the visa section is complete with these.
VISA_SETTLED = frozenset({VisaStatus.NOT_NEEDED, VisaStatus.GRANTED})


class DietaryNeed(models.TextChoices):
    VEGETARIAN = "vegetarian", pgettext_lazy("diet", "Vegetarian")
    VEGAN = "vegan", pgettext_lazy("diet", "Vegan")
    HALAL = "halal", pgettext_lazy("diet", "Halal")
    KOSHER = "kosher", pgettext_lazy("diet", "Kosher")
    NO_PORK = "no_pork", pgettext_lazy("diet", "No pork")
    NO_BEEF = "no_beef", pgettext_lazy("diet", "No beef")
    NO_ALCOHOL = "no_alcohol", pgettext_lazy("diet", "No alcohol")
    GLUTEN_FREE = "gluten_free", pgettext_lazy("diet", "Gluten-free")
    LACTOSE_FREE = "lactose_free", pgettext_lazy("diet", "Lactose-free")
    NUT_ALLERGY = "nut_allergy", pgettext_lazy("diet", "Nut allergy")
    SEAFOOD_ALLERGY = "seafood_allergy", pgettext_lazy("diet", "Fish or shellfish allergy")
    OTHER = "other", pgettext_lazy("diet", "Other (describe below)")


class AttendanceStatus(models.TextChoices):
    PRESENT = "present", pgettext_lazy("attendance", "Present")
    ABSENT = "absent", pgettext_lazy("attendance", "Absent")
    EXCUSED = "excused", pgettext_lazy("attendance", "Excused")


class AlumniVisibility(models.TextChoices):
    """Who sees one field of an alumni directory profile (the alumnus always sees it)."""

    ALUMNI = "alumni", pgettext_lazy("alumni visibility", "Alumni and staff")
    STAFF = "staff", pgettext_lazy("alumni visibility", "Staff only")
    PRIVATE = "private", pgettext_lazy("alumni visibility", "Only me")


# The visibilities each kind of directory reader sees a field with.
ALUMNI_VISIBLE_TO_ALUMNI = frozenset({AlumniVisibility.ALUMNI})
ALUMNI_VISIBLE_TO_STAFF = frozenset({AlumniVisibility.ALUMNI, AlumniVisibility.STAFF})


class AlumniContact(models.TextChoices):
    MESSAGES = "messages", _("Other alumni may message me through Trilink")
    NONE = "none", _("Please do not contact me")


class AlumniReportStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("report status", "To review")
    DISMISSED = "dismissed", pgettext_lazy("report status", "Dismissed")
    SUSPENDED = "suspended", pgettext_lazy("report status", "Sender suspended")


class ErasureStatus(models.TextChoices):
    """An applicant's request to erase their data: pending → completed or refused."""

    PENDING = "pending", pgettext_lazy("erasure status", "Pending")
    COMPLETED = "completed", pgettext_lazy("erasure status", "Erased")
    REFUSED = "refused", pgettext_lazy("erasure status", "Refused")
