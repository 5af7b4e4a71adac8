"""Staff pages for applications: cohorts, the pipeline, application detail and exports.
Querysets start from the viewer's scope (``applications_visible_to``), so a partner never
sees, counts or exports another country's applications."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from rules.contrib.views import permission_required

from exchanges.activity_types import activity_for_status
from exchanges.enums import (
    ApplicationStatus,
    Country,
    ExportFormat,
    ExportStatus,
    SelectionDecision,
)
from exchanges.exceptions import ExchangeError
from exchanges.forms.applications_staff import (
    PipelineFilterForm,
    TransitionForm,
)
from exchanges.forms.offers import OfferDeadlineForm
from exchanges.models import ApplicationExport, Cohort, Document
from exchanges.selectors.activity import activity_for_object
from exchanges.selectors.applications import (
    applications_visible_to,
    cohorts_visible_to_staff,
    form_steps,
    pipeline_applications,
    pipeline_counts,
    referee_requests_of,
)
from exchanges.selectors.offers import quota_usage
from exchanges.services.activity import activity_record_document_download, activity_record_export
from exchanges.services.applications import (
    ALLOWED_TRANSITIONS,
    application_answers,
    application_transition,
)
from exchanges.services.exports import (
    application_export_rows,
    application_export_start,
    csv_stream,
    export_is_immediate,
    export_questions,
    xlsx_bytes,
)
from exchanges.services.offers import offer_extend
from exchanges.views.applications import serve_document
from exchanges.views.offers import staff_offer_context, system_reason_labels
from exchanges.views.pagination import paginate
from exchanges.views.reviews_staff import application_reviews_context

PAGE_SIZE = 50
STAFF = "exchanges.access_staff_area"
MANAGE_PROGRAMS = "exchanges.manage_programs"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EXPORT_CONTENT_TYPES = {
    ExportFormat.CSV: "text/csv; charset=utf-8",
    ExportFormat.XLSX: XLSX_CONTENT_TYPE,
}


def _cohort(request: HttpRequest, cohort_id: int) -> Cohort:
    return get_object_or_404(cohorts_visible_to_staff(viewer=request.user), pk=cohort_id)


@login_required
@permission_required(STAFF, raise_exception=True)
def cohorts(request: HttpRequest) -> HttpResponse:
    page = paginate(
        request,
        cohorts_visible_to_staff(viewer=request.user).order_by("-starts_on", "id"),
        per_page=PAGE_SIZE,
    )
    return render(request, "staff/applications/cohorts.html", {"page": page})


def _filters(request: HttpRequest) -> tuple[PipelineFilterForm, dict]:
    form = PipelineFilterForm(request.GET or None)
    return form, form.filters() if form.is_bound else {}


@login_required
@permission_required(STAFF, raise_exception=True)
def pipeline(request: HttpRequest, cohort_id: int) -> HttpResponse:
    cohort = _cohort(request, cohort_id)
    form, filters = _filters(request)
    counts = pipeline_counts(viewer=request.user, cohort=cohort)
    countries = list(cohort.program.countries)
    for row in counts:
        if row["country"] and row["country"] not in countries:
            countries.append(row["country"])
    matrix = []
    by_key = {(row["status"], row["country"]): row["total"] for row in counts}
    for status, label in ApplicationStatus.choices:
        cells = [by_key.get((status, country), 0) for country in countries]
        matrix.append({"status": status, "label": label, "cells": cells, "total": sum(cells)})
    country_labels = dict(Country.choices)
    page = paginate(
        request,
        pipeline_applications(viewer=request.user, cohort=cohort, filters=filters),
        per_page=PAGE_SIZE,
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "staff/applications/pipeline.html",
        {
            "cohort": cohort,
            "form": form,
            "page": page,
            "matrix": matrix,
            "countries": [(c, country_labels.get(c, c)) for c in countries],
            "country_totals": [
                sum(by_key.get((s, c), 0) for s in ApplicationStatus.values) for c in countries
            ],
            "grand_total": sum(row["total"] for row in counts),
            "query": query.urlencode(),
            "quotas": quota_usage(viewer=request.user, cohort=cohort, counts=counts),
            "can_decide": request.user.has_perm("exchanges.manage_selection", cohort),
            "decision_choices": SelectionDecision.choices,
            "filter_items": [
                (name, value)
                for name, value in request.GET.items()
                if name in PipelineFilterForm.base_fields and value
            ],
        },
    )


def _export_queryset(request: HttpRequest, cohort_id: int):
    cohort = _cohort(request, cohort_id)
    _form, filters = _filters(request)
    return (
        cohort,
        pipeline_applications(viewer=request.user, cohort=cohort, filters=filters),
        export_questions(cohort=cohort),
    )


def _export_name(cohort: Cohort, extension: str) -> str:
    return f"applications-{cohort.slug}-{timezone.now():%Y%m%d-%H%M}.{extension}"


def _background_export_page(
    request: HttpRequest, cohort: Cohort, file_format: str, applications
) -> HttpResponse:
    """A large export is prepared by a worker: this page asks to start it (a POST)."""
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "staff/applications/export_start.html",
        {
            "cohort": cohort,
            "file_format": file_format,
            "format_label": ExportFormat(file_format).label,
            "total": applications.count(),
            "filters": [(key, value) for key, value in query.items() if value],
        },
    )


@login_required
@permission_required(STAFF, raise_exception=True)
def export_csv(request: HttpRequest, cohort_id: int) -> HttpResponse:
    cohort, applications, questions = _export_queryset(request, cohort_id)
    if not export_is_immediate(applications=applications):
        return _background_export_page(request, cohort, ExportFormat.CSV, applications)
    activity_record_export(
        actor=request.user,
        obj=cohort,
        export="applications",
        file_format=ExportFormat.CSV,
        rows=applications.count(),
    )
    language = translation.get_language()

    def rows():
        # The stream runs after the view returns: keep the viewer's language for headers.
        with translation.override(language):
            yield from csv_stream(
                application_export_rows(applications=applications, questions=questions)
            )

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_export_name(cohort, "csv")}"'
    return response


@login_required
@permission_required(STAFF, raise_exception=True)
def export_xlsx(request: HttpRequest, cohort_id: int) -> HttpResponse:
    cohort, applications, questions = _export_queryset(request, cohort_id)
    if not export_is_immediate(applications=applications):
        return _background_export_page(request, cohort, ExportFormat.XLSX, applications)
    activity_record_export(
        actor=request.user,
        obj=cohort,
        export="applications",
        file_format=ExportFormat.XLSX,
        rows=applications.count(),
    )
    content = xlsx_bytes(
        application_export_rows(applications=applications, questions=questions), title=cohort.slug
    )
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{_export_name(cohort, "xlsx")}"'
    return response


@login_required
@permission_required(STAFF, raise_exception=True)
@require_POST
def export_start(request: HttpRequest, cohort_id: int) -> HttpResponse:
    """Start a background export of the pipeline list with the filters it was shown with."""
    cohort = _cohort(request, cohort_id)
    form = PipelineFilterForm(request.POST)
    file_format = request.POST.get("file_format", "")
    if file_format not in ExportFormat.values:
        raise Http404
    export = application_export_start(
        cohort=cohort,
        actor=request.user,
        file_format=file_format,
        filters=form.filters(),
        language=translation.get_language(),
    )
    return redirect(export)


def _own_export(request: HttpRequest, pk: int) -> ApplicationExport:
    """The viewer's own export of a cohort they may still see; anyone else gets 404."""
    return get_object_or_404(
        ApplicationExport.objects.select_related("cohort__program"),
        pk=pk,
        requested_by=request.user,
        cohort__in=cohorts_visible_to_staff(viewer=request.user),
    )


@login_required
@permission_required(STAFF, raise_exception=True)
def export_status(request: HttpRequest, pk: int) -> HttpResponse:
    """The export's progress; the page reloads itself until the file is ready."""
    export = _own_export(request, pk)
    waiting = export.status in {ExportStatus.QUEUED, ExportStatus.RUNNING}
    return render(
        request,
        "staff/applications/export_status.html",
        {"export": export, "waiting": waiting, "cohort": export.cohort},
    )


@login_required
@permission_required(STAFF, raise_exception=True)
def export_download(request: HttpRequest, pk: int) -> FileResponse:
    export = _own_export(request, pk)
    if (
        export.status != ExportStatus.FINISHED
        or not export.file
        or export.expires_at is None
        or export.expires_at <= timezone.now()
    ):
        raise Http404
    activity_record_export(
        actor=request.user,
        obj=export.cohort,
        export="applications",
        file_format=export.file_format,
        rows=export.rows_total,
    )
    response = FileResponse(
        export.file.open("rb"),
        as_attachment=True,
        filename=_export_name(export.cohort, export.file_format),
        content_type=EXPORT_CONTENT_TYPES[export.file_format],
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def _staff_application(request: HttpRequest, pk: int):
    application = (
        applications_visible_to(viewer=request.user)
        .select_related("applicant", "cohort__program")
        .filter(pk=pk)
        .first()
    )
    if application is None:
        raise Http404
    return application


@login_required
@permission_required(STAFF, raise_exception=True)
def application_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The application with its answers and timeline; POSTs change the status or (an open
    offer) its deadline. A refused change shows on the form, keeping what was typed."""
    application = _staff_application(request, pk)
    allowed = sorted(ALLOWED_TRANSITIONS[application.status])
    action = request.POST.get("action", "status") if request.method == "POST" else None
    transition_form = TransitionForm(request.POST if action == "status" else None, allowed=allowed)
    deadline_form = (
        OfferDeadlineForm(request.POST, time_zone=application.cohort.time_zone)
        if action == "offer_deadline"
        else None
    )
    if action == "status" and transition_form.is_valid():
        try:
            application_transition(
                application=application,
                actor=request.user,
                to_status=transition_form.cleaned_data["to_status"],
                reason=transition_form.cleaned_data["reason"],
            )
        except ExchangeError as exc:
            transition_form.add_error(None, str(exc.message))
        else:
            messages.success(request, _("The status has been changed."))
            return redirect("staff:application", pk=application.pk)
    if deadline_form is not None and deadline_form.is_valid():
        try:
            offer_extend(
                application=application,
                actor=request.user,
                respond_by_date=deadline_form.cleaned_data["respond_by"],
            )
        except ExchangeError as exc:
            deadline_form.add_error("respond_by", str(exc.message))
        else:
            messages.success(request, _("The offer deadline has been changed."))
            return redirect("staff:application", pk=application.pk)
    answers = application_answers(application=application)
    documents = list(application.documents.select_related("question"))
    sections = []
    for step in form_steps(cohort=application.cohort):
        rows = []
        for question in step.questions.all():
            value = answers.get(question.pk)
            rows.append(
                {
                    "question": question,
                    "value": value,
                    "documents": [d for d in documents if d.question_id == question.pk],
                }
            )
        sections.append({"title": step.title, "rows": rows})
    timeline = list(activity_for_object(obj=application).order_by("timestamp", "id"))
    status_labels = {
        activity_for_status(value): label for value, label in ApplicationStatus.choices
    }
    reason_labels = system_reason_labels()
    for entry in timeline:
        entry.label = status_labels.get(entry.action_type, "")
        entry.reason_label = reason_labels.get(entry.data.get("reason"), entry.data.get("reason"))
    return render(
        request,
        "staff/applications/detail.html",
        {
            "application": application,
            "sections": sections,
            "timeline": timeline,
            "letters": [d for d in documents if d.question_id is None],
            "referees": list(referee_requests_of(application=application)),
            "transition_form": transition_form if allowed else None,
            **application_reviews_context(request, application),
            **staff_offer_context(application=application, deadline_form=deadline_form),
        },
    )


@login_required
@permission_required(STAFF, raise_exception=True)
def document(request: HttpRequest, pk: int):
    """Any document of an application in the viewer's scope, letters included."""
    doc = get_object_or_404(
        Document.objects.filter(application__in=applications_visible_to(viewer=request.user)), pk=pk
    )
    activity_record_document_download(actor=request.user, document=doc)
    return serve_document(doc)
