"""Applicants' rights over their data, the retention rule and the privacy notices.

- **Access**: ``privacy_export_zip`` streams a ZIP of everything Trilink holds about an
  applicant: ``data.json`` and their uploaded files (recommendation letters excepted: referees
  write them in confidence, and applicants never receive them).
- **Erasure**: ``privacy_erasure_request`` records a request with its legal deadline;
  ``privacy_erasure_complete`` erases for good. Erasure removes identity (names, email, date
  of birth, institution, answers, contact details, referee and guardian details, pre-departure
  details, review comments, emails) and uploaded files (the stored bytes), and keeps what
  aggregate statistics and survey pairing need, pseudonymously: each application row with its
  cohort, country, sector, status and dates, review scores, matching groups, survey responses
  (keyed by application and respondent key). The account stays as an inactive row with no
  name, no usable email and no password, because the activity log (append-only) refers to it.
- **Retention**: ``privacy_retention_apply`` anonymises the applications of cohorts that
  ended more than their program's ``retention_days`` ago, the same way; run daily by beat,
  idempotent, and ``privacy_retention_report`` is its dry run.
- **Notices**: versioned privacy notices, edited as drafts and published once.
"""

import datetime as dt
import json
import logging
from collections.abc import Iterator

from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Count, QuerySet
from django.urls import reverse
from django.utils import timezone
from zipstream import ZipStream

from accounts.models import User
from config.site import absolute_url
from exchanges.activity_types import Activity
from exchanges.enums import ErasureStatus, Role
from exchanges.exceptions import ErasureAlreadyRequested, InvalidTransition
from exchanges.formatting import mail_datetime_text
from exchanges.models import (
    Answer,
    Application,
    Cohort,
    Document,
    ErasureRequest,
    GuardianConsent,
    MailOptOut,
    MatchingProfile,
    Nomination,
    OutgoingMail,
    OutgoingMailAttachment,
    PredepartureChecklist,
    PrivacyNotice,
    RefereeRequest,
    Review,
    ReviewAssignment,
    SurveyInvitation,
)
from exchanges.selectors.privacy import (
    privacy_subject_activity,
    privacy_subject_applications,
    privacy_subject_mails,
    retention_due_applications,
)
from exchanges.services.activity import activity_log_record
from exchanges.services.notify import queue_system_mail_to
from exchanges.validators import is_partner_sharing_consent

logger = logging.getLogger(__name__)

# What an erased account's email becomes: unique, and undeliverable by RFC 6761.
ERASED_EMAIL = "erased-{pk}@erased.invalid"
READ_CHUNK = 64 * 1024


# --- Access: the applicant's own export ----------------------------------------------------


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None


def _document_path(document: Document) -> str:
    return f"files/{document.download_name}"


def _exportable_documents(application: Application) -> list[Document]:
    return [d for d in application.documents.all() if d.kind != "recommendation"]


def _answer_data(answer) -> dict:
    data = {"question": answer.question.label_en, "value": answer.value}
    question = answer.question
    # A form built before such questions were refused may have asked again for the consent
    # to share with partners; the answer is exported as given, said to be unused, so the
    # export names one consent: ``shares_with_partners``.
    if is_partner_sharing_consent(kind=question.kind, labels=question.labels):
        data["not_used"] = (
            "Sharing with partner organisations follows shares_with_partners only; "
            "this form answer was never used."
        )
    return data


def privacy_subject_data(*, user: User) -> dict:
    """Everything Trilink holds about ``user``, as plain JSON-ready values."""
    applications = []
    for application in privacy_subject_applications(user=user):
        checklist = getattr(application, "predeparture_checklist", None)
        profile = getattr(application, "matching_profile", None)
        guardian = getattr(application, "guardian_consent", None)
        applications.append(
            {
                "id": application.pk,
                "program": application.cohort.program.name_en,
                "cohort": application.cohort.name_en,
                "status": application.status,
                "country": application.country,
                "birth_date": _iso(application.birth_date),
                "citizenship": application.citizenship,
                "residence_country": application.residence_country,
                "sector": application.sector,
                "institution": application.institution,
                "languages": application.languages,
                "started": _iso(application.created_at),
                "submitted": _iso(application.submitted_at),
                "offer_respond_by": _iso(application.offer_respond_by),
                "waitlist_position": application.waitlist_position,
                "privacy_notice_version": application.privacy_notice.version
                if application.privacy_notice_id
                else None,
                "shares_with_partners": application.shares_with_partners,
                "anonymised": _iso(application.anonymised_at),
                "answers": [_answer_data(answer) for answer in application.answers.all()],
                "documents": [
                    {
                        "kind": document.kind,
                        "file_name": document.original_name,
                        "content_type": document.content_type,
                        "size": document.size,
                        "sha256": document.sha256,
                        "uploaded": _iso(document.uploaded_at),
                        "file": _document_path(document),
                    }
                    for document in _exportable_documents(application)
                ],
                "referee_requests": [
                    {
                        "name": referee.name,
                        "email": referee.email,
                        "status": referee.status,
                        "requested": _iso(referee.created_at),
                    }
                    for referee in application.referee_requests.all()
                ],
                "guardian_consent": {
                    "guardian_name": guardian.guardian_name,
                    "guardian_email": guardian.guardian_email,
                    "consented": _iso(guardian.consented_at),
                }
                if guardian is not None
                else None,
                "predeparture_checklist": _checklist_data(checklist),
                "matching_profile": {
                    "interests": profile.interests,
                    "gender": profile.gender,
                    "host_preferences": profile.host_preferences,
                    "pet_allergy": profile.pet_allergy,
                    "dietary_needs": profile.dietary_needs,
                }
                if profile is not None
                else None,
                "survey_responses": [
                    {
                        "survey": response.survey.kind,
                        "submitted": _iso(response.submitted_at),
                        "answers": [
                            {"question": a.question.code, "value": a.value, "text": a.text}
                            for a in response.answers.all()
                        ],
                    }
                    for response in application.survey_responses.all()
                ],
            }
        )
    return {
        "generated": timezone.now().isoformat(),
        "account": {
            "email": user.email,
            "given_name": user.given_name,
            "family_name": user.family_name,
            "local_name": user.local_name,
            "preferred_language": user.preferred_language,
            "country": user.country,
            "time_zone": user.time_zone,
            "joined": _iso(user.date_joined),
            "last_login": _iso(user.last_login),
        },
        "applications": applications,
        "emails": [
            {
                "to": mail.recipient_email,
                "subject": mail.subject,
                "created": _iso(mail.created_at),
                "status": mail.status,
            }
            for mail in privacy_subject_mails(user=user)
        ],
        "erasure_requests": [
            {"status": r.status, "requested": _iso(r.requested_at), "due": _iso(r.due_at)}
            for r in user.erasure_requests.order_by("requested_at", "id")
        ],
        "activity": [
            {"time": _iso(entry.timestamp), "action": entry.action_type}
            for entry in privacy_subject_activity(user=user)
        ],
    }


def _checklist_data(checklist: PredepartureChecklist | None) -> dict | None:
    if checklist is None:
        return None
    fields = [
        f.name
        for f in PredepartureChecklist._meta.concrete_fields
        if f.name not in {"id", "application"}
    ]
    return {
        name: _iso(value) if isinstance(value, dt.date | dt.time) else value
        for name in fields
        for value in [getattr(checklist, name)]
    }


def _file_chunks(document: Document) -> Iterator[bytes]:
    with document.file.open("rb") as handle:
        while chunk := handle.read(READ_CHUNK):
            yield chunk


@transaction.atomic
def privacy_export_zip(*, user: User) -> ZipStream:
    """A ZIP of ``privacy_subject_data`` (``data.json``) and the applicant's files, produced as
    it is read (``ZipStream`` is iterable), so neither memory nor disk holds the whole of it.
    The export is recorded in the activity log."""
    data = privacy_subject_data(user=user)
    archive = ZipStream(sized=False)
    archive.add(json.dumps(data, ensure_ascii=False, indent=2).encode(), "data.json")
    files = 0
    for application in privacy_subject_applications(user=user):
        for document in _exportable_documents(application):
            archive.add(_file_chunks(document), _document_path(document))
            files += 1
    activity_log_record(
        actor=user,
        obj=user,
        action_type=Activity.PRIVACY_DATA_EXPORTED,
        data={"applications": len(data["applications"]), "files": files},
    )
    return archive


# --- Erasure -------------------------------------------------------------------------------


@transaction.atomic
def privacy_erasure_request(*, applicant: User) -> ErasureRequest:
    """Record ``applicant``'s request to be erased, due ``PRIVACY_REQUEST_DAYS`` from now, and
    confirm it to them by email. Raises ``ErasureAlreadyRequested`` when one is pending."""
    User.objects.select_for_update().filter(pk=applicant.pk).first()
    if applicant.erasure_requests.filter(status=ErasureStatus.PENDING).exists():
        raise ErasureAlreadyRequested
    now = timezone.now()
    request = ErasureRequest.objects.create(
        applicant=applicant,
        requested_at=now,
        due_at=now + dt.timedelta(days=settings.PRIVACY_REQUEST_DAYS),
    )
    activity_log_record(
        actor=applicant, obj=request, action_type=Activity.PRIVACY_ERASURE_REQUESTED
    )
    language = applicant.preferred_language or "en"
    queue_system_mail_to(
        name="privacy_erasure_requested",
        email=applicant.email,
        language=language,
        recipient=applicant,
        context={
            "recipient_name": applicant.display_name,
            "due": mail_datetime_text(
                value=request.due_at, language=language, time_zone=applicant.time_zone
            ),
            "privacy_url": absolute_url(reverse("apply:privacy")),
        },
        idempotency_key=f"privacy:erasure:{request.pk}:requested",
    )
    return request


def _locked_pending(erasure: ErasureRequest) -> ErasureRequest:
    locked = (
        ErasureRequest.objects.select_for_update().select_related("applicant").get(pk=erasure.pk)
    )
    if locked.status != ErasureStatus.PENDING:
        raise InvalidTransition
    return locked


@transaction.atomic
def privacy_erasure_complete(*, erasure: ErasureRequest, actor: User) -> ErasureRequest:
    """Erase the applicant of a pending request for good and tell them so, in their language,
    at the address they had. Raises ``InvalidTransition`` for a request already processed."""
    erasure = _locked_pending(erasure)
    applicant = erasure.applicant
    email, language, name = (
        applicant.email,
        applicant.preferred_language or "en",
        applicant.display_name,
    )
    counts = user_erase(user=applicant)
    erasure.status = ErasureStatus.COMPLETED
    erasure.processed_at = timezone.now()
    erasure.processed_by = actor
    erasure.save(update_fields=["status", "processed_at", "processed_by"])
    activity_log_record(
        actor=actor, obj=erasure, action_type=Activity.PRIVACY_ERASURE_COMPLETED, data=counts
    )
    # The last trace of the address: this row, which carries no name and no content about
    # the applicant's applications.
    queue_system_mail_to(
        name="privacy_erasure_completed",
        email=email,
        language=language,
        recipient=None,
        context={"recipient_name": name},
        idempotency_key=f"privacy:erasure:{erasure.pk}:completed",
    )
    return erasure


@transaction.atomic
def privacy_erasure_refuse(*, erasure: ErasureRequest, actor: User, reason: str) -> ErasureRequest:
    """Refuse a pending request with ``reason`` (shown to the applicant by email)."""
    erasure = _locked_pending(erasure)
    erasure.status = ErasureStatus.REFUSED
    erasure.processed_at = timezone.now()
    erasure.processed_by = actor
    erasure.refusal_reason = reason.strip()
    erasure.save(update_fields=["status", "processed_at", "processed_by", "refusal_reason"])
    activity_log_record(actor=actor, obj=erasure, action_type=Activity.PRIVACY_ERASURE_REFUSED)
    applicant = erasure.applicant
    queue_system_mail_to(
        name="privacy_erasure_refused",
        email=applicant.email,
        language=applicant.preferred_language or "en",
        recipient=applicant,
        context={"recipient_name": applicant.display_name, "reason": erasure.refusal_reason},
        idempotency_key=f"privacy:erasure:{erasure.pk}:refused",
    )
    return erasure


def _delete_files_on_commit(names: list[str]) -> None:
    """Delete stored files once the erasure is committed (a rollback keeps them)."""

    def delete() -> None:
        for name in names:
            default_storage.delete(name)

    if names:
        transaction.on_commit(delete)


def applications_anonymise(*, applications: QuerySet[Application]) -> dict:
    """Remove the personal content of ``applications`` (in the caller's transaction) and stamp
    them ``anonymised_at``; the rows, their statuses and what statistics and survey pairing
    use stay. Returns counts of what was removed."""
    ids = list(applications.values_list("pk", flat=True))
    if not ids:
        return {"applications": 0, "files": 0}
    documents = Document.objects.filter(application_id__in=ids)
    names = [name for name in documents.values_list("file", flat=True) if name]
    RefereeRequest.objects.filter(application_id__in=ids).update(letter=None, name="", email="")
    documents.delete()
    Answer.objects.filter(application_id__in=ids).delete()
    GuardianConsent.objects.filter(application_id__in=ids).delete()
    PredepartureChecklist.objects.filter(application_id__in=ids).delete()
    MatchingProfile.objects.filter(application_id__in=ids).update(interests=[], host_preferences=[])
    Review.objects.filter(assignment__application_id__in=ids).update(comment="")
    ReviewAssignment.objects.filter(application_id__in=ids).update(conflict_reason="")
    Nomination.objects.filter(application_id__in=ids).update(name="", email="", note="")
    SurveyInvitation.objects.filter(application_id__in=ids).update(draft={})
    Application.objects.filter(pk__in=ids).update(
        birth_date=None, institution="", languages={}, anonymised_at=timezone.now()
    )
    _delete_files_on_commit(names)
    return {"applications": len(ids), "files": len(names)}


def user_erase(*, user: User) -> dict:
    """Erase ``user``'s identity and every application's personal content, for good (in the
    caller's transaction). Returns counts of what was removed."""
    counts = applications_anonymise(applications=Application.objects.filter(applicant=user))
    old_email = user.email
    mails = OutgoingMail.objects.filter(user=user) | OutgoingMail.objects.filter(
        recipient_email__iexact=old_email
    )
    # Attachments (a certificate carries the person's name) go with the bodies.
    counts["attachments"], _ = OutgoingMailAttachment.objects.filter(mail__in=mails).delete()
    counts["emails"] = mails.update(
        recipient_email=ERASED_EMAIL.format(pk=user.pk),
        subject="",
        text_body="",
        html_body="",
        headers={},
    )
    MailOptOut.objects.filter(email__iexact=old_email).delete()
    user.emailaddress_set.all().delete()
    user.authenticator_set.all().delete()
    _end_sessions(user)
    user.email = ERASED_EMAIL.format(pk=user.pk)
    user.given_name = ""
    user.family_name = ""
    user.local_name = ""
    user.is_active = False
    user.set_unusable_password()
    user.save(
        update_fields=[
            "email",
            "given_name",
            "family_name",
            "local_name",
            "is_active",
            "password",
        ]
    )
    return counts


def _end_sessions(user: User) -> None:
    """Delete the database sessions of ``user`` (the only session store Trilink uses)."""
    stale = [
        session.pk
        for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator()
        if session.get_decoded().get("_auth_user_id") == str(user.pk)
    ]
    Session.objects.filter(pk__in=stale).delete()


# --- Retention -----------------------------------------------------------------------------


def privacy_retention_report(*, today: dt.date | None = None) -> list[dict]:
    """The dry run: per cohort, how many applications the retention rule would anonymise
    today (one grouped query and one for the cohorts). Changes nothing."""
    due = retention_due_applications(today=today or timezone.localdate())
    counts = dict(
        due.order_by().values("cohort_id").annotate(n=Count("id")).values_list("cohort_id", "n")
    )
    cohorts = (
        Cohort.objects.filter(pk__in=counts).select_related("program").order_by("ends_on", "id")
    )
    return [
        {
            "cohort": cohort,
            "retention_days": cohort.program.retention_days,
            "ended": cohort.ends_on,
            "applications": counts[cohort.pk],
        }
        for cohort in cohorts
    ]


@transaction.atomic
def privacy_retention_apply(*, today: dt.date | None = None) -> dict:
    """Anonymise every application the retention rule has reached, and pseudonymise the
    applicant accounts left with no personal data (no application that is not anonymised, no
    sign-in since). Idempotent: anonymised applications are never reached again."""
    today = today or timezone.localdate()
    due = retention_due_applications(today=today).select_for_update()
    ids = list(due.values_list("pk", flat=True))
    applicant_ids = set(
        Application.objects.filter(pk__in=ids).values_list("applicant_id", flat=True)
    )
    counts = applications_anonymise(applications=Application.objects.filter(pk__in=ids))
    for application in Application.objects.filter(pk__in=ids).select_related("cohort"):
        activity_log_record(
            actor=None,
            obj=application,
            action_type=Activity.APPLICATION_ANONYMISED,
            data={"reason": "retention"},
        )
    accounts = 0
    for user in User.objects.filter(pk__in=applicant_ids, role=Role.APPLICANT, is_active=True):
        if user.applications.filter(anonymised_at__isnull=True).exists():
            continue
        latest_end = max(a.cohort.ends_on for a in user.applications.select_related("cohort"))
        if user.last_login is not None and user.last_login.date() > latest_end:
            continue
        user_erase(user=user)
        accounts += 1
    counts["accounts"] = accounts
    if ids:
        logger.info("Retention anonymised %(applications)d application(s).", counts)
    return counts


# --- Privacy notices -----------------------------------------------------------------------


@transaction.atomic
def privacy_notice_save(
    *, actor: User, text_en: str, text_ja: str, text_ko: str, notice: PrivacyNotice | None = None
) -> PrivacyNotice:
    """Save a draft notice (a new version when ``notice`` is None). A published notice is
    never changed: raises ``InvalidTransition``."""
    if notice is None:
        last = PrivacyNotice.objects.select_for_update().order_by("-version").first()
        notice = PrivacyNotice(version=(last.version + 1) if last else 1, created_by=actor)
    elif PrivacyNotice.objects.get(pk=notice.pk).published_at is not None:
        raise InvalidTransition
    notice.text_en, notice.text_ja, notice.text_ko = text_en, text_ja, text_ko
    notice.save()
    activity_log_record(
        actor=actor,
        obj=notice,
        action_type=Activity.PRIVACY_NOTICE_SAVED,
        data={"version": notice.version},
    )
    return notice


@transaction.atomic
def privacy_notice_publish(*, notice: PrivacyNotice, actor: User) -> PrivacyNotice:
    """Publish a draft: it becomes the notice new applications accept."""
    notice = PrivacyNotice.objects.select_for_update().get(pk=notice.pk)
    if notice.published_at is not None:
        raise InvalidTransition
    notice.published_at = timezone.now()
    notice.save(update_fields=["published_at"])
    activity_log_record(
        actor=actor,
        obj=notice,
        action_type=Activity.PRIVACY_NOTICE_PUBLISHED,
        data={"version": notice.version},
    )
    return notice
