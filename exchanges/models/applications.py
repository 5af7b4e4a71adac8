"""Applications, their answers and documents, referee requests and guardian consent."""

import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager

from exchanges.enums import (
    ApplicationStatus,
    DocumentKind,
    ExportFormat,
    ExportStatus,
    RefereeStatus,
    Sector,
)
from exchanges.models.programs import Cohort
from exchanges.models.questions import Question
from exchanges.scopes import APPLICATION_SCOPES, RELATED_SCOPES, PartneredBy
from exchanges.validators import UPLOAD_CONTENT_TYPES


def document_upload_to(instance, filename: str) -> str:
    """A random path with no trace of the original name (nothing to guess or enumerate),
    ending in the extension of the type the content was checked to be."""
    return f"applications/{uuid.uuid4().hex}/{uuid.uuid4().hex}{instance.extension}"


class Application(models.Model):
    """One applicant's application to one cohort (a database constraint keeps it one)."""

    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("applicant"),
        on_delete=models.PROTECT,
        related_name="applications",
    )
    cohort = models.ForeignKey(
        Cohort, verbose_name=_("cohort"), on_delete=models.PROTECT, related_name="applications"
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=ApplicationStatus.choices,
        default=ApplicationStatus.DRAFT,
    )
    # The country whose quota the application counts against; partner staff see by it.
    country = models.CharField(_("country"), max_length=2, blank=True)
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    citizenship = models.CharField(_("citizenship"), max_length=2, blank=True)
    residence_country = models.CharField(_("country of residence"), max_length=2, blank=True)
    sector = models.CharField(_("sector"), max_length=20, choices=Sector.choices, blank=True)
    institution = models.CharField(_("institution or employer"), max_length=200, blank=True)
    languages = models.JSONField(_("languages"), default=dict, blank=True)
    created_at = models.DateTimeField(_("started"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("last saved"), default=timezone.now)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    status_changed_at = models.DateTimeField(_("status changed"), default=timezone.now)
    # The offer (status ACCEPTED): the instant by which the applicant must answer, and when the
    # offer or its deadline was last set (a reminder window that passed before then is skipped).
    offer_respond_by = models.DateTimeField(_("respond to the offer by"), null=True, blank=True)
    offer_updated_at = models.DateTimeField(_("offer last set"), null=True, blank=True)
    # The partner organisation that nominated the applicant through the API, if one did.
    nominated_by = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("nominated by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="nominated_applications",
    )
    # Consent (exchanges.services.privacy): the privacy notice version accepted when the
    # application was started, and whether partner organisations may see personal data.
    privacy_notice = models.ForeignKey(
        "exchanges.PrivacyNotice",
        verbose_name=_("privacy notice accepted"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="applications",
    )
    shares_with_partners = models.BooleanField(
        _("consents to sharing with partner organisations"), default=False
    )
    # Set when erasure or the retention rule removed the personal data: the row stays for
    # statistics and survey pairing, pseudonymous.
    anonymised_at = models.DateTimeField(_("anonymised"), null=True, blank=True)
    # 1-based place on the cohort-country waiting list while WAITLISTED, else empty.
    waitlist_position = models.PositiveIntegerField(
        _("waiting list position"), null=True, blank=True
    )

    # Applicant data: a query outside any scope raises (exchanges.scopes).
    objects = ScopedManager(**APPLICATION_SCOPES)

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["applicant", "cohort"],
                name="application_one_per_cohort",
                violation_error_message=_(
                    "This applicant already has an application to this cohort."
                ),
            ),
        ]
        indexes = [
            models.Index(fields=["cohort", "status"], name="application_cohort_status"),
            models.Index(fields=["cohort", "country", "status"], name="application_cohort_country"),
            models.Index(fields=["cohort", "submitted_at"], name="application_cohort_submitted"),
            models.Index(fields=["status", "offer_respond_by"], name="application_offer_due"),
            models.Index(
                fields=["cohort", "country", "waitlist_position"], name="application_waitlist"
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.cohort_id}/{self.applicant_id}"

    def get_absolute_url(self) -> str:
        return reverse("apply:status", kwargs={"pk": self.pk})

    @property
    def is_editable(self) -> bool:
        return self.status == ApplicationStatus.DRAFT

    @property
    def offer_is_open(self) -> bool:
        """An offer the applicant may still accept or decline (one without a deadline, made
        before deadlines existed, stays open until staff set one)."""
        return self.status == ApplicationStatus.ACCEPTED and (
            self.offer_respond_by is None or timezone.now() < self.offer_respond_by
        )


# The organisation dimension of the scopes filters by ``cohort__partnered_by``.
Application._meta.get_field("cohort").register_lookup(PartneredBy)


class Answer(models.Model):
    application = models.ForeignKey(
        Application,
        verbose_name=_("application"),
        on_delete=models.CASCADE,
        related_name="answers",
    )
    question = models.ForeignKey(
        Question, verbose_name=_("question"), on_delete=models.CASCADE, related_name="answers"
    )
    value = models.JSONField(_("value"), null=True, blank=True)
    updated_at = models.DateTimeField(_("last saved"), default=timezone.now)

    objects = ScopedManager(**RELATED_SCOPES)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [
            models.UniqueConstraint(
                fields=["application", "question"],
                name="answer_one_per_question",
                violation_error_message=_(
                    "This application already has an answer to this question."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.application_id}:{self.question_id}"


class Document(models.Model):
    """An uploaded file. Stored under a random name in private storage, served by a view."""

    application = models.ForeignKey(
        Application,
        verbose_name=_("application"),
        on_delete=models.CASCADE,
        related_name="documents",
    )
    question = models.ForeignKey(
        Question,
        verbose_name=_("question"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="documents",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=DocumentKind.choices)
    file = models.FileField(_("file"), upload_to=document_upload_to, max_length=200)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveIntegerField(_("size in bytes"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_at = models.DateTimeField(_("uploaded"), default=timezone.now)

    objects = ScopedManager(**RELATED_SCOPES)

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["uploaded_at", "id"]
        indexes = [models.Index(fields=["application", "question"], name="document_question")]

    def __str__(self) -> str:
        return self.original_name

    def get_absolute_url(self) -> str:
        return reverse("apply:document", kwargs={"pk": self.pk})

    @property
    def extension(self) -> str:
        """The safe extension of the checked content type (never the uploaded name's)."""
        return UPLOAD_CONTENT_TYPES.get(self.content_type, ".bin")

    @property
    def download_name(self) -> str:
        """The name a download is saved under, made by the server: ``cv-42.pdf``."""
        return f"{self.kind}-{self.pk}{self.extension}"


class RefereeRequest(models.Model):
    """A recommendation letter requested from a referee, who uploads it through a private link.

    Only the SHA-256 of the link's token is stored, so a database leak reveals no usable link.
    """

    application = models.ForeignKey(
        Application,
        verbose_name=_("application"),
        on_delete=models.CASCADE,
        related_name="referee_requests",
    )
    name = models.CharField(_("referee name"), max_length=200)
    email = models.EmailField(_("referee email"))
    language = models.CharField(_("language"), max_length=5, default="en")
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    expires_at = models.DateTimeField(_("link expires"))
    status = models.CharField(
        _("status"), max_length=20, choices=RefereeStatus.choices, default=RefereeStatus.PENDING
    )
    letter = models.OneToOneField(
        Document,
        verbose_name=_("letter"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="referee_request",
    )
    created_at = models.DateTimeField(_("requested"), default=timezone.now)
    received_at = models.DateTimeField(_("received"), null=True, blank=True)

    objects = ScopedManager(**RELATED_SCOPES)

    class Meta:
        verbose_name = _("referee request")
        verbose_name_plural = _("referee requests")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.application_id}:{self.name}"


class GuardianConsent(models.Model):
    """A parent's or guardian's consent for an applicant under 18 on the program's first day."""

    application = models.OneToOneField(
        Application,
        verbose_name=_("application"),
        on_delete=models.CASCADE,
        related_name="guardian_consent",
    )
    guardian_name = models.CharField(_("guardian name"), max_length=200)
    guardian_email = models.EmailField(_("guardian email"))
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    expires_at = models.DateTimeField(_("link expires"))
    requested_at = models.DateTimeField(_("requested"), default=timezone.now)
    consented_at = models.DateTimeField(_("consented"), null=True, blank=True)
    consented_name = models.CharField(_("signed by"), max_length=200, blank=True)

    objects = ScopedManager(**RELATED_SCOPES)

    class Meta:
        verbose_name = _("guardian consent")
        verbose_name_plural = _("guardian consents")

    def __str__(self) -> str:
        return f"{self.application_id}:{self.guardian_name}"


def export_upload_to(instance, filename: str) -> str:
    """A random path: the download view serves it by row, never by a guessable name."""
    return f"exports/{uuid.uuid4().hex}/{uuid.uuid4().hex}.{instance.file_format}"


class ApplicationExport(models.Model):
    """An export of a cohort's application list prepared in the background.

    Only ``requested_by`` downloads it, and only while they may still see the cohort; the
    rows are chosen with their rights when the file is made. The file is deleted at
    ``expires_at``.
    """

    cohort = models.ForeignKey(
        Cohort, verbose_name=_("cohort"), on_delete=models.CASCADE, related_name="exports"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    file_format = models.CharField(_("format"), max_length=10, choices=ExportFormat.choices)
    # The pipeline filters (status, country, sector, search, sort) the list was shown with.
    filters = models.JSONField(_("filters"), default=dict, blank=True)
    language = models.CharField(_("language"), max_length=10)
    status = models.CharField(
        _("status"), max_length=20, choices=ExportStatus.choices, default=ExportStatus.QUEUED
    )
    rows_total = models.PositiveIntegerField(_("rows"), default=0)
    rows_done = models.PositiveIntegerField(_("rows written"), default=0)
    file = models.FileField(_("file"), upload_to=export_upload_to, max_length=200, blank=True)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("requested"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)

    class Meta:
        verbose_name = _("application export")
        verbose_name_plural = _("application exports")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"#{self.pk} {self.cohort_id} {self.file_format}"

    def get_absolute_url(self) -> str:
        return reverse("staff:export_status", kwargs={"pk": self.pk})

    @property
    def percent(self) -> int:
        if self.status in {ExportStatus.FINISHED, ExportStatus.EXPIRED}:
            return 100
        if not self.rows_total:
            return 0
        return min(99, self.rows_done * 100 // self.rows_total)
