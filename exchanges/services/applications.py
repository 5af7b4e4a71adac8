"""Writing applications: start, answers, documents, referees, guardian consent, transitions.

Every status change goes through ``application_transition``, which checks the explicit
``ALLOWED_TRANSITIONS`` map under a row lock, enforces the country quota and the waiting list
(``exchanges.services.waitlists``), saves with ``update_fields``, writes the activity log and
sends the event's email after commit.
"""

import datetime as dt
import decimal
import hashlib
import zoneinfo
from functools import partial

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from config.site import absolute_url
from exchanges.activity_types import Activity, activity_for_status
from exchanges.enums import (
    APPLICATION_HOLDING_SEAT,
    APPLICATION_WITHDRAWABLE,
    REFEREE_OPEN_STATUSES,
    ApplicationStatus,
    DocumentKind,
    QuestionKind,
    RefereeStatus,
    WaitlistPolicy,
)
from exchanges.exceptions import (
    ConsentMissing,
    DeadlinePassed,
    ExchangeError,
    FormIncomplete,
    InvalidTransition,
    LinkExpired,
    NotEligible,
    UploadRejected,
)
from exchanges.formatting import deadline_text
from exchanges.models import (
    ActivityLog,
    Answer,
    Application,
    Cohort,
    Document,
    GuardianConsent,
    Question,
    RefereeRequest,
)
from exchanges.services.activity import activity_log_record
from exchanges.services.eligibility import (
    application_eligibility_failures,
    application_needs_guardian_consent,
    country_for_quota,
)
from exchanges.services.nominations import nomination_link_application
from exchanges.services.notify import notify_application_event
from exchanges.services.waitlists import (
    offer_respond_by_for,
    quota_lock,
    quota_require_free_seat,
    waitlist_close_up,
    waitlist_next_position,
    waitlist_promote_first,
)
from exchanges.services.webhooks import webhooks_emit_application
from exchanges.tokens import token_hash, token_new
from exchanges.validators import (
    count_words,
    validate_answer_date,
    validate_birth_date,
    validate_no_control_characters,
    validate_upload,
)

S = ApplicationStatus

ALLOWED_TRANSITIONS: dict[str, frozenset[str]] = {
    S.DRAFT: frozenset({S.SUBMITTED, S.WITHDRAWN}),
    S.SUBMITTED: frozenset({S.UNDER_REVIEW, S.REJECTED, S.WITHDRAWN}),
    S.UNDER_REVIEW: frozenset({S.ACCEPTED, S.WAITLISTED, S.REJECTED, S.WITHDRAWN}),
    S.WAITLISTED: frozenset({S.ACCEPTED, S.REJECTED, S.WITHDRAWN}),
    S.ACCEPTED: frozenset({S.CONFIRMED, S.DECLINED, S.WITHDRAWN}),
    S.CONFIRMED: frozenset({S.PARTICIPANT, S.WITHDRAWN}),
    S.PARTICIPANT: frozenset({S.ALUMNUS}),
    S.REJECTED: frozenset(),
    S.DECLINED: frozenset(),
    S.WITHDRAWN: frozenset(),
    S.ALUMNUS: frozenset(),
}

# Statuses whose arrival sends the applicant an email (templates emails/application_<s>.*).
EMAIL_EVENTS = frozenset(
    {S.SUBMITTED, S.ACCEPTED, S.WAITLISTED, S.REJECTED, S.CONFIRMED, S.DECLINED, S.WITHDRAWN}
)
MAX_REFEREES = 3
LINK_VALID_DAYS = 30
# Statuses in which referees may still be asked for and may still upload their letters.


def _notify(application: Application, event: str, context: dict | None = None) -> None:
    """Queue the event's email in this transaction; the outbox dispatches it on commit."""
    notify_application_event(application=application, event=event, context=context)


def _touch(application: Application) -> None:
    application.updated_at = timezone.now()
    application.save(update_fields=["updated_at"])


# Target statuses that take or free a seat or change a waiting list: the transition locks the
# cohort-country quota row first (see ``exchanges.services.waitlists`` for the lock order).
QUOTA_LOCKED_TARGETS = frozenset({S.ACCEPTED, S.WAITLISTED, S.REJECTED, S.DECLINED, S.WITHDRAWN})
# Reasons the system records on transitions it makes by itself (shown translated).
REASON_PROMOTED = "promoted"
REASON_LAPSED = "lapsed"


@transaction.atomic
def application_transition(
    *,
    application: Application,
    to_status: str,
    actor,
    reason: str = "",
    changes: dict | None = None,
    email_event: str | None = None,
    log_data: dict | None = None,
) -> Application:
    """Move ``application`` to ``to_status`` or raise and change nothing.

    Raises ``InvalidTransition`` for a move the map does not allow; an offer (``ACCEPTED``)
    raises ``QuotaMissing`` or ``QuotaExceeded`` unless the country has a free seat, and
    waitlisting raises ``WaitlistFull`` when the country's waiting list is full. An offer
    gets its deadline (``offer_respond_by``), a waitlisted application the last position.
    When a seat frees up (an offer declined, lapsed or withdrawn, a confirmed place
    withdrawn) and the cohort's policy is automatic, the first waitlisted applicant of the
    country is offered it in the same transaction.

    ``changes`` are further field values saved in the same update (``submitted_at``);
    ``email_event`` replaces the status as the event whose email is sent (``waitlist_promoted``);
    ``log_data`` is added to the activity entry. The passed instance is refreshed.
    """
    quota = None
    if to_status in QUOTA_LOCKED_TARGETS:
        quota = quota_lock(cohort_id=application.cohort_id, country=application.country)
    locked = (
        Application.objects.select_for_update(of=("self",))
        .select_related("cohort")
        .get(pk=application.pk)
    )
    if to_status in QUOTA_LOCKED_TARGETS and locked.country != application.country:
        quota = quota_lock(cohort_id=locked.cohort_id, country=locked.country)
    from_status = locked.status
    if to_status not in ALLOWED_TRANSITIONS.get(from_status, frozenset()):
        raise InvalidTransition(
            _("An application cannot go from “%(from)s” to “%(to)s”.")
            % {
                "from": S(from_status).label,
                "to": S(to_status).label if to_status in S.values else to_status,
            }
        )
    now = timezone.now()
    values = dict(changes or {})
    extra = dict(log_data or {})
    left_position = locked.waitlist_position if from_status == S.WAITLISTED else None
    if from_status == S.WAITLISTED:
        values["waitlist_position"] = None
    if to_status == S.ACCEPTED:
        quota_require_free_seat(quota=quota, cohort_id=locked.cohort_id, country=locked.country)
        values.setdefault(
            "offer_respond_by", offer_respond_by_for(cohort=locked.cohort, decided_at=now)
        )
        values["offer_updated_at"] = now
        extra["respond_by"] = values["offer_respond_by"].astimezone(dt.UTC).isoformat()
    elif to_status == S.WAITLISTED:
        values["waitlist_position"] = waitlist_next_position(
            quota=quota, cohort_id=locked.cohort_id, country=locked.country
        )
        extra["waitlist_position"] = values["waitlist_position"]
    locked.status = to_status
    locked.status_changed_at = now
    locked.updated_at = now
    fields = ["status", "status_changed_at", "updated_at"]
    for name, value in values.items():
        setattr(locked, name, value)
        fields.append(name)
    locked.save(update_fields=fields)
    if left_position is not None:
        waitlist_close_up(
            cohort_id=locked.cohort_id, country=locked.country, position=left_position
        )
    activity_log_record(
        actor=actor,
        obj=locked,
        action_type=activity_for_status(to_status),
        data={"from": from_status, "to": to_status, "reason": reason, **extra},
    )
    if to_status in EMAIL_EVENTS:
        _notify(locked, email_event or str(to_status))
    webhooks_emit_application(application=locked, from_status=from_status)
    for name in ["status", "status_changed_at", "updated_at", *values]:
        setattr(application, name, getattr(locked, name))
    if (
        from_status in APPLICATION_HOLDING_SEAT
        and to_status not in APPLICATION_HOLDING_SEAT
        and locked.cohort.waitlist_policy == WaitlistPolicy.AUTOMATIC
    ):
        waitlist_promote_first(
            cohort=locked.cohort, country=locked.country, actor=None, quota=quota, freed_by=locked
        )
    return application


@transaction.atomic
def applications_start_review(*, applications: list[Application], actor) -> int:
    """Move the submitted ones of ``applications`` to "under review" in one update, with one
    activity entry each: the bulk form of ``application_transition`` for the one transition
    that takes no seat, changes no waiting list and sends no email (an assignment run may
    start the review of thousands at once). Returns how many moved."""
    if S.UNDER_REVIEW not in ALLOWED_TRANSITIONS[S.SUBMITTED]:  # pragma: no cover - the map
        raise InvalidTransition()
    now = timezone.now()
    locked = list(
        Application.objects.select_for_update()
        .filter(pk__in=[a.pk for a in applications], status=S.SUBMITTED)
        .values_list("pk", flat=True)
    )
    if not locked:
        return 0
    Application.objects.filter(pk__in=locked).update(
        status=S.UNDER_REVIEW, status_changed_at=now, updated_at=now
    )
    content_type = ContentType.objects.get_for_model(Application)
    ActivityLog.objects.bulk_create(
        [
            ActivityLog(
                actor=actor if actor is not None and actor.is_authenticated else None,
                content_type=content_type,
                object_id=pk,
                action_type=Activity.APPLICATION_UNDER_REVIEW,
                data={"from": S.SUBMITTED, "to": S.UNDER_REVIEW, "reason": ""},
                timestamp=now,
            )
            for pk in locked
        ],
        batch_size=2000,
    )
    moved = set(locked)
    for application in applications:
        if application.pk in moved:
            application.status = S.UNDER_REVIEW
            application.status_changed_at = application.updated_at = now
    return len(locked)


@transaction.atomic
def application_start(
    *, cohort: Cohort, applicant, privacy_notice=None, shares_with_partners: bool = False
) -> Application:
    """The applicant's application to ``cohort``, created as a draft if it does not exist,
    with the privacy notice version accepted and the choice about sharing with partner
    organisations (without it, partners see no personal data of the application)."""
    existing = Application.objects.filter(cohort=cohort, applicant=applicant).first()
    if existing is not None:
        return existing
    if not cohort.is_open:
        raise DeadlinePassed(_("This call is not open for applications."))
    try:
        with transaction.atomic():
            application = Application.objects.create(
                cohort=cohort,
                applicant=applicant,
                country=applicant.country or "",
                citizenship=applicant.country or "",
                residence_country=applicant.country or "",
                privacy_notice=privacy_notice,
                shares_with_partners=shares_with_partners,
            )
    except IntegrityError:
        # A second request (double click) created it first: the one application it is.
        return Application.objects.get(cohort=cohort, applicant=applicant)
    activity_log_record(
        actor=applicant,
        obj=application,
        action_type=Activity.APPLICATION_STARTED,
        data={
            "to": S.DRAFT,
            "privacy_notice": privacy_notice.version if privacy_notice else None,
            "shares_with_partners": shares_with_partners,
        },
    )
    nomination_link_application(application=application)
    return application


def _require_editable(application: Application) -> None:
    if application.status != S.DRAFT:
        raise InvalidTransition(_("This application was already submitted and cannot be changed."))


PROFILE_FIELDS = (
    "birth_date",
    "citizenship",
    "residence_country",
    "sector",
    "institution",
    "languages",
)


@transaction.atomic
def application_save_profile(*, application: Application, actor, data: dict) -> Application:
    """Save the fixed "about you" fields the eligibility rules use.

    Raises ``ValidationError`` for an impossible date of birth (in the future, or more than
    120 years ago), whoever calls: the forms refuse it first, with the same message."""
    _require_editable(application)
    if data.get("birth_date") is not None:
        validate_birth_date(data["birth_date"])
    for name in PROFILE_FIELDS:
        if name in data:
            setattr(application, name, data[name])
    application.country = country_for_quota(
        cohort=application.cohort,
        citizenship=application.citizenship,
        residence_country=application.residence_country,
    )
    application.updated_at = timezone.now()
    application.save(update_fields=[*PROFILE_FIELDS, "country", "updated_at"])
    return application


def _is_empty(value) -> bool:
    return value is None or value is False or value in ("", [])


def question_is_visible(
    question: Question, answers: dict[int, object], questions: dict[int, Question] | None = None
) -> bool:
    """Whether ``question`` is shown given ``answers`` (question id -> stored value).

    A question whose condition question is itself hidden is hidden too.
    """
    parent_id = question.show_if_question_id
    if parent_id is None:
        return True
    if (
        questions is not None
        and parent_id in questions
        and not question_is_visible(questions[parent_id], answers, questions)
    ):
        return False
    value = answers.get(parent_id)
    wanted = {str(v) for v in question.show_if_values}
    if isinstance(value, list):
        return any(str(v) in wanted for v in value)
    if isinstance(value, bool):
        return ("true" if value else "false") in wanted
    return value is not None and str(value) in wanted


def _plain(number) -> str:
    return format(decimal.Decimal(number).normalize(), "f")


def clean_answer(question: Question, raw, *, ends_on: dt.date | None = None):
    """Turn a submitted raw value into the stored JSON value, or raise ``ValidationError``.

    ``ends_on`` is the program's last day, the latest date an upcoming-date question takes."""
    kind = question.kind
    for item in raw if isinstance(raw, list | tuple) else [raw]:
        if isinstance(item, str):
            validate_no_control_characters(item)
    if kind in {QuestionKind.MULTIPLE_CHOICE}:
        items = raw if isinstance(raw, list | tuple) else [raw]
        values = [str(v) for v in items if v not in ("", None)]
        allowed = [str(opt["value"]) for opt in question.options]
        unknown = [v for v in values if v not in allowed]
        if unknown:
            raise ValidationError(_("Choose only among the options shown."), code="invalid_choice")
        return [v for v in allowed if v in values]
    if isinstance(raw, list | tuple):
        raw = raw[-1] if raw else ""
    if kind == QuestionKind.CONSENT:
        return raw in (True, "on", "true", "1", "yes")
    raw = "" if raw is None else str(raw).strip()
    if raw == "":
        return ""
    if kind == QuestionKind.SHORT_TEXT:
        if len(raw) > 500:
            raise ValidationError(_("Keep this answer under 500 characters."), code="too_long")
        return raw
    if kind == QuestionKind.LONG_TEXT:
        words = count_words(raw)
        if question.max_words and words > question.max_words:
            raise ValidationError(
                _("This answer has %(words)s words; the limit is %(max)s.")
                % {"words": words, "max": question.max_words},
                code="too_many_words",
            )
        if len(raw) > 20000:
            raise ValidationError(_("This answer is too long."), code="too_long")
        return raw
    if kind in {QuestionKind.SINGLE_CHOICE, QuestionKind.LIKERT}:
        if raw not in [str(opt["value"]) for opt in question.options]:
            raise ValidationError(_("Choose one of the options shown."), code="invalid_choice")
        return raw
    if kind == QuestionKind.DATE:
        try:
            day = dt.date.fromisoformat(raw)
        except ValueError:
            raise ValidationError(
                _("Enter a date such as 2001-04-30."), code="invalid_date"
            ) from None
        validate_answer_date(day, date_range=question.date_range, ends_on=ends_on)
        return day.isoformat()
    if kind == QuestionKind.NUMBER:
        try:
            number = decimal.Decimal(raw.replace(",", ""))
        except decimal.InvalidOperation:
            raise ValidationError(_("Enter a number."), code="invalid_number") from None
        if not number.is_finite():
            raise ValidationError(_("Enter a number."), code="invalid_number")
        if question.min_value is not None and number < question.min_value:
            raise ValidationError(
                _("Enter %(min)s or more.") % {"min": _plain(question.min_value)}, code="min_value"
            )
        if question.max_value is not None and number > question.max_value:
            raise ValidationError(
                _("Enter %(max)s or less.") % {"max": _plain(question.max_value)}, code="max_value"
            )
        return str(number.normalize()) if number == number.to_integral() else str(number)
    return raw


def application_answers(*, application: Application) -> dict[int, object]:
    return dict(application.answers.values_list("question_id", "value"))


@transaction.atomic
def application_save_answers(
    *,
    application: Application,
    questions: list[Question],
    data: dict,
    actor,
    enforce_required: bool = True,
    files: dict | None = None,
) -> dict[int, list[str]]:
    """Validate and store the answers to ``questions`` given in ``data`` (question id -> raw)
    and the uploads in ``files`` (question id -> uploaded file).

    Valid answers are stored even when others fail, so nothing typed is lost; the errors are
    returned per question id. Hidden questions (show-if not met) are neither required nor
    stored, and a stored answer to a question that became hidden is removed. Each upload is
    stored by ``application_upload_document``; a rejected one is an error of its question. With
    ``enforce_required``, a visible required file question needs an upload now or from before.
    """
    _require_editable(application)
    answers = application_answers(application=application)
    errors: dict[int, list[str]] = {}
    cleaned: dict[int, object] = {}
    for question in questions:
        if question.kind == QuestionKind.FILE or question.pk not in data:
            continue
        try:
            cleaned[question.pk] = clean_answer(
                question, data[question.pk], ends_on=application.cohort.ends_on
            )
        except ValidationError as exc:
            errors[question.pk] = list(exc.messages)
    merged = {**answers, **cleaned}
    all_questions = {q.pk: q for q in questions}
    to_store, to_delete, hidden_files = {}, [], []
    for question in questions:
        visible = question_is_visible(question, merged, all_questions)
        if not visible:
            errors.pop(question.pk, None)
            if question.pk in answers:
                to_delete.append(question.pk)
            if question.kind == QuestionKind.FILE:
                hidden_files.append(question.pk)
            continue
        if question.pk in errors or question.kind == QuestionKind.FILE:
            continue
        if question.pk in cleaned:
            value = cleaned[question.pk]
            if _is_empty(value):
                if question.pk in answers:
                    to_delete.append(question.pk)
            elif answers.get(question.pk) != value:
                to_store[question.pk] = value
        if enforce_required and question.required and _is_empty(merged.get(question.pk)):
            errors[question.pk] = [str(_("This question is required."))]
    if to_delete:
        application.answers.filter(question_id__in=to_delete).delete()
    if hidden_files:
        for document in application.documents.filter(question_id__in=hidden_files):
            storage, name = document.file.storage, document.file.name
            document.delete()
            transaction.on_commit(partial(storage.delete, name))
    if to_store:
        # One upsert: an autosave racing a step save cannot hit the unique constraint.
        now = timezone.now()
        Answer.objects.bulk_create(
            [
                Answer(
                    application=application, question_id=question_id, value=value, updated_at=now
                )
                for question_id, value in to_store.items()
            ],
            update_conflicts=True,
            unique_fields=["application", "question"],
            update_fields=["value", "updated_at"],
        )
    _touch(application)
    errors.update(
        _save_files(
            application=application,
            questions=questions,
            files=files or {},
            actor=actor,
            enforce_required=enforce_required,
        )
    )
    return errors


def _save_files(
    *, application: Application, questions: list[Question], files: dict, actor, enforce_required
) -> dict[int, list[str]]:
    file_questions = [q for q in questions if q.kind == QuestionKind.FILE]
    if not file_questions:
        return {}
    errors: dict[int, list[str]] = {}
    stored = set(
        application.documents.filter(question__in=file_questions).values_list(
            "question_id", flat=True
        )
    )
    answers = application_answers(application=application)
    all_questions = {q.pk: q for q in questions}
    for question in file_questions:
        uploaded = files.get(question.pk)
        if uploaded is None:
            if (
                enforce_required
                and question.required
                and question.pk not in stored
                and question_is_visible(question, answers, all_questions)
            ):
                errors[question.pk] = [str(_("This question is required."))]
            continue
        try:
            application_upload_document(
                application=application, question=question, uploaded_file=uploaded, actor=actor
            )
        except UploadRejected as exc:
            errors[question.pk] = [str(exc.message)]
    return errors


def required_answers_missing(
    *,
    application: Application,
    questions: list[Question],
    answers: dict[int, object],
    documents_by_question: set[int],
) -> list[Question]:
    all_questions = {q.pk: q for q in questions}
    missing = []
    for question in questions:
        if not question.required or not question_is_visible(question, answers, all_questions):
            continue
        if question.kind == QuestionKind.FILE:
            if question.pk not in documents_by_question:
                missing.append(question)
        elif _is_empty(answers.get(question.pk)):
            missing.append(question)
    return missing


def _store_document(
    *, application: Application, uploaded_file, kind: str, question: Question | None
) -> Document:
    max_mb = getattr(settings, "MAX_UPLOAD_MB", 10)
    try:
        content_type = validate_upload(uploaded_file, max_mb=max_mb)
    except ValidationError as exc:
        raise UploadRejected(" ".join(exc.messages)) from exc
    digest = hashlib.sha256()
    uploaded_file.seek(0)
    for chunk in uploaded_file.chunks():
        digest.update(chunk)
    uploaded_file.seek(0)
    original = (uploaded_file.name or "document").replace("/", "_")[-200:]
    document = Document(
        application=application,
        question=question,
        kind=kind,
        original_name=original,
        content_type=content_type,
        size=uploaded_file.size,
        sha256=digest.hexdigest(),
    )
    document.file.save("upload", uploaded_file, save=False)
    document.save()
    return document


@transaction.atomic
def application_upload_document(
    *, application: Application, question: Question, uploaded_file, actor
) -> Document:
    """Store an upload answering a file question, replacing the previous one.

    Raises ``UploadRejected`` (nothing stored) when the size or the content type is wrong.
    """
    _require_editable(application)
    document = _store_document(
        application=application,
        uploaded_file=uploaded_file,
        kind=question.document_kind or DocumentKind.OTHER,
        question=question,
    )
    for old in application.documents.filter(question=question).exclude(pk=document.pk):
        storage, name = old.file.storage, old.file.name
        old.delete()
        transaction.on_commit(partial(storage.delete, name))
    activity_log_record(
        actor=actor,
        obj=application,
        action_type=Activity.APPLICATION_DOCUMENT_UPLOADED,
        data={"document": document.pk, "kind": document.kind},
    )
    _touch(application)
    return document


@transaction.atomic
def application_submit(
    *, application: Application, actor, questions: list[Question] | None = None
) -> Application:
    """Submit a draft. Safe against double submits: the row is locked, and submitting an
    application that is already submitted returns it unchanged.

    Refuses with ``DeadlinePassed`` at or after the deadline, ``NotEligible`` with the failed
    rules, ``FormIncomplete`` listing missing answers, and ``ConsentMissing`` for a minor
    without a guardian's consent.
    """
    locked = (
        Application.objects.select_for_update()
        .select_related("cohort__program", "applicant")
        .get(pk=application.pk)
    )
    if locked.status == S.SUBMITTED:
        application.status = locked.status
        application.submitted_at = locked.submitted_at
        return application
    if locked.status != S.DRAFT:
        raise InvalidTransition(_("This application can no longer be submitted."))
    now = timezone.now()
    cohort = locked.cohort
    if now >= cohort.deadline:
        raise DeadlinePassed(
            _("The deadline (%(deadline)s, %(zone)s) has passed; applications are closed.")
            % {
                "deadline": deadline_text(cohort.deadline, _zone(cohort.time_zone)),
                "zone": cohort.time_zone,
            }
        )
    failures = application_eligibility_failures(application=locked)
    if failures:
        raise NotEligible(" ".join(failures))
    if questions is None:
        questions = list(Question.objects.filter(step__form__cohort=cohort))
    missing = required_answers_missing(
        application=locked,
        questions=questions,
        answers=application_answers(application=locked),
        documents_by_question=set(
            locked.documents.filter(question__isnull=False).values_list("question_id", flat=True)
        ),
    )
    if missing:
        raise FormIncomplete(errors=[q.label for q in missing])
    consented = GuardianConsent.objects.filter(application=locked, consented_at__isnull=False)
    if application_needs_guardian_consent(application=locked) and not consented.exists():
        raise ConsentMissing()
    return application_transition(
        application=application, to_status=S.SUBMITTED, actor=actor, changes={"submitted_at": now}
    )


def _zone(name: str):
    return zoneinfo.ZoneInfo(name)


@transaction.atomic
def application_withdraw(*, application: Application, actor, reason: str = "") -> Application:
    if application.status not in APPLICATION_WITHDRAWABLE:
        raise InvalidTransition(_("This application can no longer be withdrawn."))
    return application_transition(
        application=application, to_status=S.WITHDRAWN, actor=actor, reason=reason
    )


def _link(name: str, token: str) -> str:
    return absolute_url(reverse(name, kwargs={"token": token}))


def _is_applicants_own_address(*, application: Application, email: str) -> bool:
    """Whether ``email`` is the applicant's login or any address on their account."""
    applicant = application.applicant
    return (
        email.casefold() == applicant.email.casefold()
        or EmailAddress.objects.filter(user=applicant, email__iexact=email).exists()
    )


@transaction.atomic
def referee_request_create(
    *, application: Application, name: str, email: str, language: str, actor
) -> RefereeRequest:
    """Ask a referee for a letter; the private link goes only into the referee's email."""
    if application.status not in REFEREE_OPEN_STATUSES:
        raise ExchangeError(_("Referees can no longer be added to this application."))
    active = application.referee_requests.exclude(status=RefereeStatus.CANCELLED).count()
    if active >= MAX_REFEREES:
        raise ExchangeError(_("You can ask at most %(max)s referees.") % {"max": MAX_REFEREES})
    email = email.strip()
    if _is_applicants_own_address(application=application, email=email):
        raise ExchangeError(
            _(
                "A referee must be someone else: this is your own email address. Ask a teacher, "
                "employer or colleague who knows your work."
            ),
            code="referee_is_applicant",
        )
    if (
        application.referee_requests.filter(email__iexact=email)
        .exclude(status=RefereeStatus.CANCELLED)
        .exists()
    ):
        raise ExchangeError(_("You have already asked this referee."), code="referee_already_asked")
    token = token_new()
    request = RefereeRequest.objects.create(
        application=application,
        name=name,
        email=email,
        language=language,
        token_hash=token_hash(token),
        expires_at=min(
            timezone.now() + dt.timedelta(days=LINK_VALID_DAYS),
            application.cohort.deadline + dt.timedelta(days=14),
        ),
    )
    activity_log_record(
        actor=actor,
        obj=application,
        action_type=Activity.APPLICATION_REFEREE_REQUESTED,
        data={"referee_request": request.pk},
    )
    _notify(
        application,
        "referee_requested",
        {
            "recipient_email": email,
            "recipient_name": name,
            "recipient_language": language,
            "link": _link("apply:referee_upload", token),
            "expires_at": request.expires_at,
        },
    )
    return request


def referee_request_for_token(*, token: str) -> RefereeRequest:
    request = (
        RefereeRequest.objects.select_related(
            "application__applicant", "application__cohort__program"
        )
        .filter(token_hash=token_hash(token))
        .first()
    )
    if (
        request is None
        or request.status != RefereeStatus.PENDING
        or request.expires_at <= timezone.now()
        or request.application.status not in REFEREE_OPEN_STATUSES
    ):
        raise LinkExpired()
    return request


@transaction.atomic
def referee_letter_upload(*, token: str, uploaded_file) -> RefereeRequest:
    """Store the referee's letter; the applicant is told it arrived, never shown it."""
    request = referee_request_for_token(token=token)
    request = RefereeRequest.objects.select_for_update().get(pk=request.pk)
    if request.status != RefereeStatus.PENDING:
        raise LinkExpired()
    document = _store_document(
        application=request.application,
        uploaded_file=uploaded_file,
        kind=DocumentKind.RECOMMENDATION,
        question=None,
    )
    request.letter = document
    request.status = RefereeStatus.RECEIVED
    request.received_at = timezone.now()
    request.save(update_fields=["letter", "status", "received_at"])
    activity_log_record(
        actor=None,
        obj=request.application,
        action_type=Activity.APPLICATION_REFEREE_LETTER_RECEIVED,
        data={"referee_request": request.pk},
    )
    _notify(request.application, "referee_received", {"referee_name": request.name})
    return request


@transaction.atomic
def guardian_consent_request(
    *, application: Application, guardian_name: str, guardian_email: str, actor
) -> GuardianConsent:
    """Ask a parent or guardian to consent; asking again replaces the previous link."""
    _require_editable(application)
    token = token_new()
    consent, _created = GuardianConsent.objects.update_or_create(
        application=application,
        defaults={
            "guardian_name": guardian_name,
            "guardian_email": guardian_email,
            "token_hash": token_hash(token),
            "requested_at": timezone.now(),
            "expires_at": timezone.now() + dt.timedelta(days=LINK_VALID_DAYS),
            "consented_at": None,
            "consented_name": "",
        },
    )
    activity_log_record(
        actor=actor,
        obj=application,
        action_type=Activity.APPLICATION_GUARDIAN_CONSENT_REQUESTED,
        data={},
    )
    _notify(
        application,
        "guardian_requested",
        {
            "recipient_email": guardian_email,
            "recipient_name": guardian_name,
            "recipient_language": application.applicant.preferred_language,
            "link": _link("apply:guardian_consent", token),
            "expires_at": consent.expires_at,
        },
    )
    return consent


def guardian_consent_for_token(*, token: str) -> GuardianConsent:
    consent = (
        GuardianConsent.objects.select_related(
            "application__applicant", "application__cohort__program"
        )
        .filter(token_hash=token_hash(token))
        .first()
    )
    if consent is None or consent.consented_at is not None or consent.expires_at <= timezone.now():
        raise LinkExpired()
    return consent


@transaction.atomic
def guardian_consent_give(*, token: str, signed_name: str) -> GuardianConsent:
    consent = guardian_consent_for_token(token=token)
    consent = GuardianConsent.objects.select_for_update().get(pk=consent.pk)
    if consent.consented_at is not None:
        raise LinkExpired()
    consent.consented_at = timezone.now()
    consent.consented_name = signed_name
    consent.save(update_fields=["consented_at", "consented_name"])
    activity_log_record(
        actor=None,
        obj=consent.application,
        action_type=Activity.APPLICATION_GUARDIAN_CONSENTED,
        data={},
    )
    _notify(consent.application, "guardian_consented", {"guardian_name": consent.guardian_name})
    return consent
