"""Survey pages: the respondent's questionnaire behind a private link, and the staff pages
under /staff/cohorts/<id>/surveys/ (the secretariat manages; partner staff of the program see
the response rate of their own country only)."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone, translation
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_scopes import scopes_disabled
from rules.contrib.views import objectgetter, permission_required

from exchanges.enums import SURVEY_AUDIENCE, SurveyStatus
from exchanges.exceptions import (
    ExchangeError,
    SurveyAlreadyAnswered,
    SurveyAnswersInvalid,
    SurveyNotOpen,
)
from exchanges.forms.surveys import (
    SurveyConfirmForm,
    SurveyCreateForm,
    SurveyQuestionForm,
    SurveyResponseForm,
)
from exchanges.forms.surveys import SurveySettingsForm as SettingsForm
from exchanges.models import Cohort, Survey, SurveyQuestion
from exchanges.rules import is_secretariat
from exchanges.selectors.surveys import (
    survey_question_summary,
    survey_questions_of,
    survey_response_rates,
    surveys_of,
)
from exchanges.services.activity import activity_record_export
from exchanges.services.exports import csv_stream
from exchanges.services.mail import mail_language
from exchanges.services.surveys import (
    survey_close,
    survey_create_standard,
    survey_draft_save,
    survey_invitation_for_token,
    survey_link_is_expired,
    survey_publish,
    survey_question_delete,
    survey_question_move,
    survey_question_save,
    survey_questions_for,
    survey_response_submit,
    survey_update,
)
from exchanges.services.surveys_exports import survey_export_rows
from exchanges.views.pagination import paginate

PAGE_SIZE = 20
VIEW = "exchanges.view_surveys"
MANAGE = "exchanges.manage_surveys"
cohort_getter = objectgetter(Cohort, "cohort_id")


# --- The respondent's page --------------------------------------------------------------------


def _respondent_language(request: HttpRequest, invitation) -> str:
    """The respondent's preferred language; an anonymous visitor who picked a language with
    the switcher gets that one (the active language)."""
    if not request.user.is_authenticated and request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME):
        return (get_language() or "en").split("-")[0]
    return mail_language(recipient=invitation.application.applicant)


# The link's token is the right to its one row, whoever is signed in (or no one): the
# row is found by the token's hash with query scopes off (exchanges.scopes).
@scopes_disabled()
def survey_respond(request: HttpRequest, token: str) -> HttpResponse:
    """Answer a survey through the private link of an invitation.

    Needs no login and ignores whoever is signed in: the link alone names the respondent.
    A tampered or unknown link gets the "not valid" page with status 404, an expired one the
    "expired" page with status 410 (as referee and guardian links), except for the respondent
    signed in, who reaches it from their status page.
    """
    invitation = survey_invitation_for_token(token=token)
    if invitation is None:
        return render(request, "surveys/invalid.html", status=404)
    language = _respondent_language(request, invitation)
    with translation.override(language):
        if (
            survey_link_is_expired(invitation=invitation, now=timezone.now())
            and request.user.pk != invitation.application.applicant_id
        ):
            # Names no survey or program: whoever holds an old link learns nothing from it.
            return render(request, "surveys/link_expired.html", status=410)
        return _respond(request, invitation, language)


def _respond(request: HttpRequest, invitation, language: str) -> HttpResponse:
    survey = invitation.survey
    # Dates in the respondent's own time zone, whoever is signed in.
    context = {
        "survey": survey,
        "cohort": survey.cohort,
        "time_zone": invitation.application.applicant.time_zone or "UTC",
    }
    if invitation.completed_at is not None:
        return render(request, "surveys/thanks.html", context)
    status = survey.status
    if status == SurveyStatus.OPEN and (
        invitation.application.status not in SURVEY_AUDIENCE[survey.kind]
        or not survey.takes_answers_at(timezone.now())
    ):
        # They left the audience (withdrew), or the program a pre-program survey comes
        # before has started: the link is closed.
        status = SurveyStatus.CLOSED
    if status != SurveyStatus.OPEN:
        return render(
            request,
            "surveys/closed.html",
            {**context, "not_yet": status in {SurveyStatus.DRAFT, SurveyStatus.SCHEDULED}},
        )
    questions = survey_questions_for(survey=survey, country=invitation.country)
    form = SurveyResponseForm(
        request.POST if request.method == "POST" else None,
        questions=questions,
        initial={f"q{pk}": value for pk, value in invitation.draft.items()},
    )
    if request.method == "POST" and "finish_later" in request.POST:
        try:
            survey_draft_save(invitation=invitation, data=form.raw_answers())
        except SurveyAlreadyAnswered:
            return redirect(request.path)
        except SurveyNotOpen:
            return render(request, "surveys/closed.html", {**context, "not_yet": False})
        messages.success(
            request,
            _(
                "Your answers so far are saved. Open the link in your invitation email "
                "again to finish."
            ),
        )
        return redirect(request.path)
    if request.method == "POST" and form.is_valid():
        try:
            survey_response_submit(
                invitation=invitation, data=form.raw_answers(), language=language
            )
        except SurveyAnswersInvalid as exc:
            form.add_errors(exc.errors)
        except SurveyAlreadyAnswered:
            return redirect(request.path)
        except SurveyNotOpen:
            return render(request, "surveys/closed.html", {**context, "not_yet": False})
        else:
            return redirect(request.path)
    return render(
        request,
        "surveys/respond.html",
        {
            **context,
            "form": form,
            "rows": form.rows(),
            "error_count": len(form.errors) if form.is_bound else 0,
            "resumed": bool(invitation.draft) and not form.is_bound,
        },
    )


# --- Staff pages ------------------------------------------------------------------------------


def _cohort(cohort_id: int) -> Cohort:
    return get_object_or_404(Cohort.objects.select_related("program"), pk=cohort_id)


def _survey(cohort: Cohort, pk: int) -> Survey:
    survey = get_object_or_404(Survey, cohort=cohort, pk=pk)
    survey.cohort = cohort
    return survey


@login_required
@permission_required(VIEW, fn=cohort_getter, raise_exception=True)
def survey_list(request: HttpRequest, cohort_id: int) -> HttpResponse:
    """The cohort's surveys and, for the secretariat, the form that creates one."""
    cohort = _cohort(cohort_id)
    can_manage = request.user.has_perm(MANAGE, cohort)
    form = None
    if can_manage:
        existing = set(Survey.objects.filter(cohort=cohort).values_list("kind", flat=True))
        form = SurveyCreateForm(
            request.POST if request.method == "POST" else None, existing_kinds=existing
        )
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            try:
                survey = survey_create_standard(
                    cohort=cohort, kind=form.cleaned_data["kind"], actor=request.user
                )
            except ExchangeError as exc:
                form.add_error(None, str(exc.message))
            else:
                messages.success(
                    request,
                    _(
                        "The survey has been created with the standard "
                        "questions. Check them and the dates, then "
                        "publish it."
                    ),
                )
                return redirect(survey.get_absolute_url())
    # Partner staff count only their own country's people.
    country = None if is_secretariat(request.user) else request.user.partner_country or ""
    page = paginate(request, surveys_of(cohort=cohort, country=country), per_page=PAGE_SIZE)
    return render(
        request,
        "staff/surveys/list.html",
        {
            "cohort": cohort,
            "page": page,
            "form": form,
            "can_manage": can_manage,
            "now": timezone.now(),
        },
    )


@login_required
@permission_required(VIEW, fn=cohort_getter, raise_exception=True)
def survey_detail(request: HttpRequest, cohort_id: int, pk: int) -> HttpResponse:
    cohort = _cohort(cohort_id)
    survey = _survey(cohort, pk)
    full = is_secretariat(request.user)
    rates = survey_response_rates(
        survey=survey, country=None if full else request.user.partner_country or ""
    )
    context = {
        "cohort": cohort,
        "survey": survey,
        "rates": rates,
        "can_manage": full,
        "status": survey.status,
    }
    if full:
        context["summary"] = survey_question_summary(survey=survey)
        context["locked"] = survey.responses.exists()
    return render(request, "staff/surveys/detail.html", context)


@login_required
@permission_required(MANAGE, fn=cohort_getter, raise_exception=True)
def survey_edit(request: HttpRequest, cohort_id: int, pk: int) -> HttpResponse:
    cohort = _cohort(cohort_id)
    survey = _survey(cohort, pk)
    form = SettingsForm(request.POST if request.method == "POST" else None, instance=survey)
    if request.method == "POST" and form.is_valid():
        try:
            survey_update(
                survey=Survey.objects.get(pk=survey.pk),
                actor=request.user,
                **{name: form.cleaned_data[name] for name in SettingsForm.Meta.fields},
            )
        except ExchangeError as exc:
            form.add_error(None, str(exc.message))
        else:
            messages.success(request, _("The survey has been saved."))
            return redirect(survey.get_absolute_url())
    return render(
        request, "staff/surveys/edit.html", {"cohort": cohort, "survey": survey, "form": form}
    )


@login_required
@permission_required(MANAGE, fn=cohort_getter, raise_exception=True)
def survey_questions(request: HttpRequest, cohort_id: int, pk: int) -> HttpResponse:
    cohort = _cohort(cohort_id)
    survey = _survey(cohort, pk)
    return render(
        request,
        "staff/surveys/questions.html",
        {
            "cohort": cohort,
            "survey": survey,
            "questions": list(survey_questions_of(survey=survey)),
            "locked": survey.responses.exists(),
        },
    )


@login_required
@permission_required(MANAGE, fn=cohort_getter, raise_exception=True)
def survey_question_edit(
    request: HttpRequest, cohort_id: int, pk: int, question_id: int | None = None
) -> HttpResponse:
    cohort = _cohort(cohort_id)
    survey = _survey(cohort, pk)
    question = (
        get_object_or_404(SurveyQuestion, survey=survey, pk=question_id) if question_id else None
    )
    form = SurveyQuestionForm(
        request.POST if request.method == "POST" else None,
        instance=question,
        countries=list(cohort.program.countries),
    )
    if request.method == "POST" and form.is_valid():
        try:
            survey_question_save(
                survey=survey,
                actor=request.user,
                question=question,
                **{name: form.cleaned_data[name] for name in SurveyQuestionForm.Meta.fields},
            )
        except ExchangeError as exc:
            form.add_error(None, str(exc.message))
        else:
            messages.success(request, _("The question has been saved."))
            return redirect("staff:survey_questions", cohort_id=cohort.pk, pk=survey.pk)
    return render(
        request,
        "staff/surveys/question_edit.html",
        {"cohort": cohort, "survey": survey, "question": question, "form": form},
    )


@login_required
@permission_required(MANAGE, fn=cohort_getter, raise_exception=True)
@require_POST
def survey_question_change(
    request: HttpRequest, cohort_id: int, pk: int, question_id: int
) -> HttpResponse:
    """Move a question up or down, or delete it (``action`` = up, down or delete)."""
    cohort = _cohort(cohort_id)
    survey = _survey(cohort, pk)
    question = get_object_or_404(SurveyQuestion, survey=survey, pk=question_id)
    question.survey = survey
    action = request.POST.get("action")
    try:
        if action == "delete":
            survey_question_delete(question=question, actor=request.user)
            messages.success(request, _("The question has been removed."))
        elif action in {"up", "down"}:
            survey_question_move(
                question=question, actor=request.user, offset=-1 if action == "up" else 1
            )
    except ExchangeError as exc:
        messages.error(request, str(exc.message))
    return redirect("staff:survey_questions", cohort_id=cohort.pk, pk=survey.pk)


def _confirm(
    request: HttpRequest, cohort_id: int, pk: int, *, action, template: str, success: str
) -> HttpResponse:
    cohort = _cohort(cohort_id)
    survey = _survey(cohort, pk)
    form = SurveyConfirmForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            action(survey=survey, actor=request.user)
        except ExchangeError as exc:
            form.add_error(None, str(exc.message))
        else:
            messages.success(request, success)
            return redirect(survey.get_absolute_url())
    return render(request, template, {"cohort": cohort, "survey": survey, "form": form})


@login_required
@permission_required(MANAGE, fn=cohort_getter, raise_exception=True)
def survey_publish_view(request: HttpRequest, cohort_id: int, pk: int) -> HttpResponse:
    return _confirm(
        request,
        cohort_id,
        pk,
        action=survey_publish,
        template="staff/surveys/publish.html",
        success=_("The survey is published. Invitations are emailed once it opens."),
    )


@login_required
@permission_required(MANAGE, fn=cohort_getter, raise_exception=True)
def survey_close_view(request: HttpRequest, cohort_id: int, pk: int) -> HttpResponse:
    return _confirm(
        request,
        cohort_id,
        pk,
        action=survey_close,
        template="staff/surveys/close.html",
        success=_("The survey is closed. No more answers are accepted."),
    )


@login_required
@permission_required(MANAGE, fn=cohort_getter, raise_exception=True)
def survey_export(request: HttpRequest, cohort_id: int, pk: int) -> StreamingHttpResponse:
    """Every response as CSV, streamed: pseudonymous respondent ids, no names or emails."""
    cohort = _cohort(cohort_id)
    survey = _survey(cohort, pk)
    activity_record_export(
        actor=request.user,
        obj=cohort,
        export=f"survey_{survey.kind}",
        file_format="csv",
        rows=survey.responses.count(),
    )
    response = StreamingHttpResponse(
        csv_stream(survey_export_rows(survey=survey)), content_type="text/csv; charset=utf-8"
    )
    filename = f"survey-{cohort.slug}-{survey.kind}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response
