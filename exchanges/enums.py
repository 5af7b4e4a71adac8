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


class ApiScope(models.TextChoices):
    """What a partner API key may do. Keys carry a list of these."""

    PROGRAMS_READ = "programs:read", _("Read programs and cohorts")
