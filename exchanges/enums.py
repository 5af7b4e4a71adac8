"""Enumerations shared across Trilink. A leaf module: it imports nothing from the project."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Country(models.TextChoices):
    """ISO 3166-1 alpha-2 codes of the countries Trilink programs run between.

    Programs list their participating countries; nothing assumes there are exactly three.
    """

    US = "US", _("United States")
    JP = "JP", _("Japan")
    KR = "KR", _("South Korea")


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


class CampaignStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("campaign status", "Draft")
    SCHEDULED = "scheduled", pgettext_lazy("campaign status", "Scheduled")
    SENDING = "sending", pgettext_lazy("campaign status", "Sending")
    SENT = "sent", pgettext_lazy("campaign status", "Sent")
    CANCELLED = "cancelled", pgettext_lazy("campaign status", "Cancelled")
