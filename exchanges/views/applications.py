"""Applicant pages: open calls, eligibility pre-check, the multi-step form, review, submission,
status, withdrawal, referees and guardian consent, and the permission-checked document view.

Every page that shows an application loads it through ``application_for_applicant``, so
another applicant's id gives 404, never 403 (which would confirm that it exists).
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import time_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_scopes import scopes_disabled

from exchanges.activity_types import Activity, activity_for_status
from exchanges.enums import (
    APPLICATION_WITHDRAWABLE,
    REFEREE_OPEN_STATUSES,
    ApplicationStatus,
    Language,
    QuestionKind,
    Role,
)
from exchanges.exceptions import (
    ConsentMissing,
    ExchangeError,
    FormIncomplete,
    LinkExpired,
    UploadRejected,
)
from exchanges.forms.applications import (
    EligibilityForm,
    GuardianConsentForm,
    GuardianForm,
    LetterUploadForm,
    ProfileStepForm,
    QuestionStepForm,
    RefereeForm,
    WithdrawForm,
)
from exchanges.forms.privacy import PrivacyConsentForm
from exchanges.models import Cohort, Document, GuardianConsent
from exchanges.selectors.activity import activity_for_object
from exchanges.selectors.applications import (
    application_for_applicant,
    applications_of_applicant,
    form_steps,
    open_calls,
    referee_requests_of,
)
from exchanges.selectors.privacy import privacy_notice_current
from exchanges.selectors.reviews import answer_text
from exchanges.selectors.surveys import survey_open_invitations_for
from exchanges.services.applications import (
    application_answers,
    application_save_answers,
    application_save_profile,
    application_start,
    application_submit,
    application_withdraw,
    guardian_consent_for_token,
    guardian_consent_give,
    guardian_consent_request,
    question_is_visible,
    referee_letter_upload,
    referee_request_create,
    referee_request_for_token,
    required_answers_missing,
)
from exchanges.services.eligibility import (
    application_eligibility_failures,
    application_needs_guardian_consent,
    eligibility_failures,
)
from exchanges.services.surveys import survey_invitation_url
from exchanges.views.matching import matching_status_context
from exchanges.views.offers import applicant_offer_context, system_reason_labels
from exchanges.views.pagination import paginate

PAGE_SIZE = 20


def _language() -> str:
    return (get_language() or "en").split("-")[0]


def _own(request: HttpRequest, pk: int):
    application = None
    if request.user.is_authenticated:
        application = application_for_applicant(applicant=request.user, pk=pk)
    if application is None:
        raise Http404
    return application


def calls(request: HttpRequest) -> HttpResponse:
    page = paginate(request, open_calls(), per_page=PAGE_SIZE)
    applied = set()
    if request.user.is_authenticated and page.object_list:
        applied = set(
            request.user.applications.filter(
                cohort__in=[c.pk for c in page.object_list]
            ).values_list("cohort_id", flat=True)
        )
    return render(request, "applications/calls.html", {"page": page, "applied": applied})


def call_detail(
    request: HttpRequest, cohort_id: int, consent_form: PrivacyConsentForm | None = None
) -> HttpResponse:
    cohort = get_object_or_404(open_calls(), pk=cohort_id)
    notice = privacy_notice_current()
    form = EligibilityForm(request.GET if "check" in request.GET else None)
    failures = None
    if form.is_bound and form.is_valid():
        failures = eligibility_failures(
            cohort=cohort,
            birth_date=form.cleaned_data["birth_date"],
            citizenship=form.cleaned_data["citizenship"],
            residence_country=form.cleaned_data["residence_country"],
            languages=form.languages(),
        )
    existing = None
    if request.user.is_authenticated:
        existing = request.user.applications.filter(cohort=cohort).first()
    return render(
        request,
        "applications/call_detail.html",
        {
            "cohort": cohort,
            "form": form,
            "failures": failures,
            "existing": existing,
            "notice": notice,
            "consent_form": consent_form or PrivacyConsentForm(notice=notice),
        },
        status=400 if consent_form is not None else 200,
    )


@login_required
@require_POST
def start(request: HttpRequest, cohort_id: int) -> HttpResponse:
    cohort = get_object_or_404(Cohort.objects.select_related("program"), pk=cohort_id)
    if request.user.role != Role.APPLICANT:
        messages.error(request, _("Only applicant accounts can apply."))
        return redirect("apply:call", cohort_id=cohort.pk)
    consent = PrivacyConsentForm(request.POST, notice=privacy_notice_current())
    if not consent.is_valid():
        return call_detail(request, cohort.pk, consent_form=consent)
    try:
        application = application_start(
            cohort=cohort,
            applicant=request.user,
            privacy_notice=consent.notice,
            shares_with_partners=consent.cleaned_data["shares_with_partners"],
        )
    except ExchangeError as exc:
        messages.error(request, str(exc.message))
        return redirect("apply:calls")
    return redirect("apply:step", pk=application.pk, number=1)


@login_required
def my_applications(request: HttpRequest) -> HttpResponse:
    page = paginate(request, applications_of_applicant(applicant=request.user), per_page=PAGE_SIZE)
    return render(request, "applications/my_applications.html", {"page": page})


def _step_titles(steps) -> list[str]:
    return [_("About you"), *[step.title for step in steps]]


def _documents_by_question(application) -> dict[int, Document]:
    return {d.question_id: d for d in application.documents.filter(question__isnull=False)}


def _render_step(request, application, steps, number, form, *, status=200):
    titles = _step_titles(steps)
    return render(
        request,
        "applications/step.html",
        {
            "application": application,
            "cohort": application.cohort,
            "form": form,
            "number": number,
            "total": len(titles),
            "titles": titles,
            "step": steps[number - 2] if number >= 2 else None,
            "percent": int(100 * number / (len(titles) + 1)),
            "autosave_url": reverse(
                "apply:autosave", kwargs={"pk": application.pk, "number": number}
            ),
            "is_profile": number == 1,
        },
        status=status,
    )


def _after_step(application, number: int, total: int, action: str):
    if action == "prev" and number > 1:
        return redirect("apply:step", pk=application.pk, number=number - 1)
    if action == "next":
        if number < total:
            return redirect("apply:step", pk=application.pk, number=number + 1)
        return redirect("apply:review", pk=application.pk)
    return redirect("apply:step", pk=application.pk, number=number)


def _all_questions(steps) -> list:
    return [q for step in steps for q in step.questions.all()]


@login_required
def step(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    application = _own(request, pk)
    if not application.is_editable:
        return redirect("apply:status", pk=application.pk)
    steps = form_steps(cohort=application.cohort)
    total = len(steps) + 1
    if number < 1 or number > total:
        raise Http404
    action = request.POST.get("action", "save")
    autosave_url = reverse("apply:autosave", kwargs={"pk": application.pk, "number": number})
    if number == 1:
        form = ProfileStepForm(
            request.POST or None, initial=EligibilityForm.initial_from(application)
        )
        if request.method == "POST":
            valid = form.is_valid()
            application_save_profile(
                application=application, actor=request.user, data=_valid_profile_data(form)
            )
            if valid or action == "prev":
                messages.success(request, _("Your answers have been saved."))
                return _after_step(application, number, total, action)
            return _render_step(request, application, steps, number, form, status=200)
        for field in form.fields.values():
            field.widget.attrs.update(
                {
                    "hx-post": autosave_url,
                    "hx-include": "closest form",
                    "hx-trigger": "keyup changed delay:1s, change",
                    "hx-target": "#autosave-status",
                }
            )
        return _render_step(request, application, steps, number, form)

    questions = list(steps[number - 2].questions.all())
    answers = application_answers(application=application)
    documents = _documents_by_question(application)
    form = QuestionStepForm(
        request.POST or None,
        request.FILES or None,
        questions=questions,
        answers=answers,
        autosave_url=autosave_url,
        documents=documents,
        language=_language(),
    )
    if request.method == "POST":
        errors = application_save_answers(
            application=application,
            questions=questions,
            data=form.raw_answers(),
            actor=request.user,
            enforce_required=action == "next",
            files={
                question.pk: request.FILES[form.add_prefix(question.field_name)]
                for question in questions
                if question.kind == QuestionKind.FILE
                and form.add_prefix(question.field_name) in request.FILES
            },
        )
        by_id = {q.pk: q for q in questions}
        if not errors:
            messages.success(request, _("Your answers have been saved."))
            return _after_step(application, number, total, action)
        form.is_valid()
        for question_id, messages_ in errors.items():
            for message in messages_:
                form.add_error(by_id[question_id].field_name, message)
        documents = _documents_by_question(application)
        form.documents = documents
        return _render_step(request, application, steps, number, form, status=200)
    for question in questions:
        if not question_is_visible(question, answers, {q.pk: q for q in questions}):
            form.fields[question.field_name].hidden_by_condition = True
    return _render_step(request, application, steps, number, form)


def _valid_profile_data(form) -> dict:
    """The fields of the profile form that are valid, so a partly valid form still saves."""
    cleaned = getattr(form, "cleaned_data", {})
    data = {
        name: cleaned[name]
        for name in ("birth_date", "citizenship", "residence_country", "sector", "institution")
        if name in cleaned
    }
    languages = {
        code: cleaned[field]
        for code, field in {
            "en": "english_level",
            "ja": "japanese_level",
            "ko": "korean_level",
        }.items()
        if field in cleaned
    }
    if languages:
        data["languages"] = languages
    return data


@login_required
@require_POST
def autosave(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    """htmx: store what has been typed so far, without requiring anything."""
    application = _own(request, pk)
    if not application.is_editable:
        return HttpResponse(_("This application can no longer be changed."), status=409)
    steps = form_steps(cohort=application.cohort)
    if number < 1 or number > len(steps) + 1:
        raise Http404
    if number == 1:
        form = ProfileStepForm(request.POST)
        form.is_valid()
        application_save_profile(
            application=application, actor=request.user, data=_valid_profile_data(form)
        )
        errors = form.errors
    else:
        questions = list(steps[number - 2].questions.all())
        form = QuestionStepForm(request.POST, questions=questions, answers={})
        errors = application_save_answers(
            application=application,
            questions=questions,
            data=form.raw_answers(),
            actor=request.user,
            enforce_required=False,
        )
    saved_at = time_format(timezone.localtime(), "H:i")
    return render(
        request, "applications/_autosave.html", {"saved_at": saved_at, "errors": bool(errors)}
    )


@login_required
def review(request: HttpRequest, pk: int) -> HttpResponse:
    application = _own(request, pk)
    steps = form_steps(cohort=application.cohort)
    questions = _all_questions(steps)
    answers = application_answers(application=application)
    documents = _documents_by_question(application)
    error = None
    if request.method == "POST":
        try:
            application_submit(application=application, actor=request.user, questions=questions)
        except FormIncomplete as exc:
            error = _("Some required answers are missing: %(list)s.") % {
                "list": ", ".join(str(label) for label in exc.errors)
            }
        except ConsentMissing as exc:
            error = str(exc.message)
        except ExchangeError as exc:
            error = str(exc.message)
        else:
            messages.success(
                request,
                _("Your application has been submitted. A confirmation email is on its way."),
            )
            return redirect("apply:status", pk=application.pk)
    if not application.is_editable:
        return redirect("apply:status", pk=application.pk)
    by_id = {q.pk: q for q in questions}
    sections = []
    for index, form_step in enumerate(steps, start=2):
        rows = []
        for question in form_step.questions.all():
            if not question_is_visible(question, answers, by_id):
                continue
            rows.append(
                {
                    "question": question,
                    "value": answer_text(question, answers.get(question.pk)),
                    "document": documents.get(question.pk),
                }
            )
        sections.append({"number": index, "title": form_step.title, "rows": rows})
    missing = required_answers_missing(
        application=application,
        questions=questions,
        answers=answers,
        documents_by_question=set(documents),
    )
    needs_consent = application_needs_guardian_consent(application=application)
    consent = GuardianConsent.objects.filter(application=application).first()
    return render(
        request,
        "applications/review.html",
        {
            "application": application,
            "cohort": application.cohort,
            "sections": sections,
            "missing": missing,
            "failures": application_eligibility_failures(application=application),
            "needs_consent": needs_consent,
            "consent": consent,
            "error": error,
            "referees": list(referee_requests_of(application=application)),
            "deadline_passed": timezone.now() >= application.cohort.deadline,
            "profile": EligibilityForm.initial_from(application),
        },
        status=400 if error else 200,
    )


def _timeline(application) -> list[dict]:
    # The applicant's own wording, not the staff labels of the registry; other entries
    # (deadline changes, reminders to referees) are staff matters and stay off this page.
    labels = {
        Activity.APPLICATION_STARTED: _("Application started"),
        Activity.APPLICATION_DOCUMENT_UPLOADED: _("Document uploaded"),
        Activity.APPLICATION_REFEREE_REQUESTED: _("Recommendation letter requested"),
        Activity.APPLICATION_REFEREE_LETTER_RECEIVED: _("Recommendation letter received"),
        Activity.APPLICATION_GUARDIAN_CONSENT_REQUESTED: _("Guardian consent requested"),
        Activity.APPLICATION_GUARDIAN_CONSENTED: _("Guardian consent given"),
    }
    status_labels = {
        activity_for_status(value): label for value, label in ApplicationStatus.choices
    }
    reason_labels = system_reason_labels()
    rows = []
    for entry in activity_for_object(obj=application).order_by("timestamp", "id"):
        key = entry.action_type
        if key in labels:
            text = labels[key]
        elif key in status_labels:
            text = _("Status: %(status)s") % {"status": status_labels[key]}
        else:
            continue
        reason = entry.data.get("reason", "") if key in status_labels else ""
        rows.append(
            {"time": entry.timestamp, "text": text, "reason": reason_labels.get(reason, reason)}
        )
    return rows


@login_required
def status(request: HttpRequest, pk: int) -> HttpResponse:
    application = _own(request, pk)
    return render(
        request,
        "applications/status.html",
        {
            "application": application,
            "cohort": application.cohort,
            "timeline": _timeline(application),
            "referees": list(referee_requests_of(application=application)),
            "can_withdraw": application.status in APPLICATION_WITHDRAWABLE,
            "can_ask_referees": application.status in REFEREE_OPEN_STATUSES,
            "program_phase": application.cohort.program_phase(),
            **matching_status_context(application),
            "open_surveys": [
                {"invitation": invitation, "url": survey_invitation_url(invitation=invitation)}
                for invitation in survey_open_invitations_for(application=application)
            ],
            **applicant_offer_context(application),
        },
    )


@login_required
def withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    application = _own(request, pk)
    if application.status not in APPLICATION_WITHDRAWABLE:
        messages.error(request, _("This application can no longer be withdrawn."))
        return redirect("apply:status", pk=application.pk)
    form = WithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            application_withdraw(
                application=application, actor=request.user, reason=form.cleaned_data["reason"]
            )
        except ExchangeError as exc:
            messages.error(request, str(exc.message))
        else:
            messages.success(request, _("Your application has been withdrawn."))
        return redirect("apply:status", pk=application.pk)
    return render(request, "applications/withdraw.html", {"application": application, "form": form})


@login_required
def referees(request: HttpRequest, pk: int) -> HttpResponse:
    application = _own(request, pk)
    can_ask = application.status in REFEREE_OPEN_STATUSES
    if request.method == "POST" and not can_ask:
        messages.error(request, _("Referees can no longer be added to this application."))
        return redirect("apply:referees", pk=application.pk)
    form = RefereeForm(request.POST or None, initial={"language": _language()})
    if request.method == "POST" and form.is_valid():
        try:
            referee_request_create(application=application, actor=request.user, **form.cleaned_data)
        except ExchangeError as exc:
            on_email = exc.code in {"referee_is_applicant", "referee_already_asked"}
            form.add_error("email" if on_email else None, str(exc.message))
        else:
            messages.success(request, _("We have emailed your referee a private link."))
            return redirect("apply:referees", pk=application.pk)
    return render(
        request,
        "applications/referees.html",
        {
            "application": application,
            "form": form if can_ask else None,
            "referees": list(referee_requests_of(application=application)),
        },
    )


@login_required
def guardian(request: HttpRequest, pk: int) -> HttpResponse:
    application = _own(request, pk)
    consent = GuardianConsent.objects.filter(application=application).first()
    form = GuardianForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            guardian_consent_request(
                application=application, actor=request.user, **form.cleaned_data
            )
        except ExchangeError as exc:
            form.add_error(None, str(exc.message))
        else:
            messages.success(request, _("We have emailed your parent or guardian a private link."))
            return redirect("apply:guardian", pk=application.pk)
    return render(
        request,
        "applications/guardian.html",
        {
            "application": application,
            "form": form,
            "consent": consent,
            "needs_consent": application_needs_guardian_consent(application=application),
        },
    )


# The link's token is the right to its one row, whoever is signed in (or no one): the
# row is found by the token's hash with query scopes off (exchanges.scopes).
@scopes_disabled()
def referee_upload(request: HttpRequest, token: str) -> HttpResponse:
    try:
        referee_request = referee_request_for_token(token=token)
    except LinkExpired:
        return render(request, "applications/link_expired.html", status=410)
    language = _referee_language(request, referee_request)
    with translation.override(language):
        response = _referee_upload(request, token, referee_request)
    response.headers["Content-Language"] = language
    return response


def _referee_language(request: HttpRequest, referee_request) -> str:
    """The language the applicant chose for the referee, in which the request email was sent.

    The referee is not a user of Trilink, so neither a signed-in person's preference nor the
    browser's ``Accept-Language`` says more than that choice. Only a language picked with the
    switcher (its cookie) overrides it, so the switcher keeps working on this page.
    """
    if request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME):
        return (get_language() or "en").split("-")[0]
    if referee_request.language in Language.values:
        return referee_request.language
    return (get_language() or "en").split("-")[0]


def _referee_upload(request: HttpRequest, token: str, referee_request) -> HttpResponse:
    form = LetterUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            referee_letter_upload(token=token, uploaded_file=form.cleaned_data["letter"])
        except UploadRejected as exc:
            form.add_error("letter", str(exc.message))
        except LinkExpired:
            return render(request, "applications/link_expired.html", status=410)
        else:
            return render(
                request,
                "applications/thanks.html",
                {"message": _("Thank you. Your letter has been received.")},
            )
    return render(
        request,
        "applications/referee_upload.html",
        {
            "referee_request": referee_request,
            "application": referee_request.application,
            "form": form,
        },
    )


# The link's token is the right to its one row, whoever is signed in (or no one): the
# row is found by the token's hash with query scopes off (exchanges.scopes).
@scopes_disabled()
def guardian_consent(request: HttpRequest, token: str) -> HttpResponse:
    try:
        consent = guardian_consent_for_token(token=token)
    except LinkExpired:
        return render(request, "applications/link_expired.html", status=410)
    form = GuardianConsentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            guardian_consent_give(token=token, signed_name=form.cleaned_data["signed_name"])
        except LinkExpired:
            return render(request, "applications/link_expired.html", status=410)
        return render(
            request,
            "applications/thanks.html",
            {"message": _("Thank you. Your consent has been recorded.")},
        )
    return render(
        request,
        "applications/guardian_consent.html",
        {"consent": consent, "application": consent.application, "form": form},
    )


def serve_document(doc: Document) -> FileResponse:
    """Send a stored upload as an attachment under a server-made name, with the checked
    content type, that browsers must not sniff or cache."""
    response = FileResponse(
        doc.file.open("rb"),
        as_attachment=True,
        filename=doc.download_name,
        content_type=doc.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def document(request: HttpRequest, pk: int) -> FileResponse:
    """Serve an upload to the applicant who owns it; anyone else gets 404.

    Applicants never receive recommendation letters. Staff download through
    ``staff:document``, which sits behind the staff MFA gate.
    """
    doc = get_object_or_404(
        Document.objects.exclude(kind="recommendation"), pk=pk, application__applicant=request.user
    )
    return serve_document(doc)
