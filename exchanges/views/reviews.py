"""The reviewer area (/review/): the assignment queue, the review page with the rubric and the
conflict declaration, documents, and the institutions a reviewer declares conflicts with.

Every page shows only the signed-in reviewer's own assignments: another reviewer's assignment
is a 404, never a 403 that would confirm it exists.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from rules.contrib.views import permission_required

from exchanges.enums import APPLICATION_REVIEWABLE, REVIEW_ASSIGNMENT_ACTIVE
from exchanges.exceptions import ExchangeError, ReviewIncomplete
from exchanges.forms.reviews import (
    ConflictDeclarationForm,
    ReviewerInstitutionForm,
    ReviewForm,
    ReviewQueueFilterForm,
)
from exchanges.models import Document, ReviewAssignment, ReviewerConflict
from exchanges.models.reviews import CohortReviewSettings
from exchanges.selectors.reviews import (
    review_assignment_for_reviewer,
    review_criteria_of_assignment,
    review_document_filename,
    review_material,
    review_queue,
    review_queue_cohorts,
    review_scores_of,
)
from exchanges.services.activity import activity_record_document_download
from exchanges.services.reviews import (
    review_declare_conflict,
    review_submit,
    reviewer_conflict_add,
    reviewer_conflict_remove,
)
from exchanges.views.applications import serve_document
from exchanges.views.pagination import paginate

PAGE_SIZE = 25
AREA = "exchanges.access_review_area"
review_area = permission_required(AREA, raise_exception=True)


def _settings(cohort) -> CohortReviewSettings | None:
    try:
        return cohort.review_settings
    except CohortReviewSettings.DoesNotExist:
        return None


def queue_row(assignment: ReviewAssignment) -> dict:
    """What the queue shows of an assignment: no name in blind mode."""
    review_settings = _settings(assignment.cohort)
    blind = bool(review_settings and review_settings.blind)
    review = getattr(assignment, "review", None)
    return {
        "assignment": assignment,
        "title": (
            _("Application %(number)s") % {"number": assignment.application_id}
            if blind
            else assignment.application.applicant.display_name
        ),
        "blind": blind,
        # The due date of the assignment's own round (rows without one are round 1's).
        "due_at": (
            assignment.round.due_at
            if assignment.round_id
            else (review_settings.due_at if review_settings else None)
        ),
        "score": review.weighted_score if review is not None else None,
    }


@login_required
@review_area
def queue(request: HttpRequest) -> HttpResponse:
    cohorts = list(review_queue_cohorts(reviewer=request.user))
    form = ReviewQueueFilterForm(request.GET or None, cohorts=cohorts)
    cohort_id = form.cleaned_data["cohort"] if form.is_valid() else None
    page = paginate(
        request, review_queue(reviewer=request.user, cohort_id=cohort_id), per_page=PAGE_SIZE
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "reviews/queue.html",
        {
            "form": form,
            "page": page,
            "rows": [queue_row(a) for a in page.object_list],
            "query": query.urlencode(),
            "has_cohorts": bool(cohorts),
        },
    )


def _own_assignment(request: HttpRequest, pk: int) -> ReviewAssignment:
    assignment = review_assignment_for_reviewer(reviewer=request.user, pk=pk)
    if assignment is None:
        raise Http404
    return assignment


def _render_assignment(
    request: HttpRequest,
    assignment: ReviewAssignment,
    *,
    form: ReviewForm | None = None,
    conflict_form: ConflictDeclarationForm | None = None,
    status: int = 200,
) -> HttpResponse:
    criteria = review_criteria_of_assignment(assignment=assignment)
    can_review = (
        assignment.status in REVIEW_ASSIGNMENT_ACTIVE
        and assignment.application.status in APPLICATION_REVIEWABLE
    )
    if form is None:
        form = ReviewForm(
            criteria=criteria,
            initial=ReviewForm.initial_for(
                review=getattr(assignment, "review", None),
                scores=review_scores_of(assignment=assignment),
            ),
        )
    return render(
        request,
        "reviews/assignment.html",
        {
            "assignment": assignment,
            "material": review_material(assignment=assignment),
            "criteria": criteria,
            "form": form,
            "can_review": can_review and bool(criteria),
            "conflict_form": conflict_form or ConflictDeclarationForm(),
            "can_declare_conflict": can_review,
        },
        status=status,
    )


@login_required
@review_area
def assignment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = _own_assignment(request, pk)
    if request.method != "POST":
        return _render_assignment(request, assignment)
    form = ReviewForm(request.POST, criteria=review_criteria_of_assignment(assignment=assignment))
    if form.is_valid():
        try:
            review_submit(
                assignment=assignment,
                actor=request.user,
                scores=form.scores(),
                comment=form.cleaned_data["comment"],
                recommendation=form.cleaned_data["recommendation"],
            )
        except ReviewIncomplete as exc:
            form.add_service_errors(exc.errors)
        except ExchangeError as exc:
            form.add_error(None, str(exc.message))
        else:
            messages.success(request, _("Your review has been saved. Thank you."))
            return redirect(f"{reverse('review:queue')}?cohort={assignment.cohort_id}")
    return _render_assignment(request, assignment, form=form, status=400)


@login_required
@review_area
@require_POST
def declare_conflict(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = _own_assignment(request, pk)
    form = ConflictDeclarationForm(request.POST)
    if form.is_valid():
        try:
            review_declare_conflict(
                assignment=assignment, actor=request.user, reason=form.cleaned_data["reason"]
            )
        except ExchangeError as exc:
            form.add_error(None, str(exc.message))
        else:
            messages.success(
                request,
                _(
                    "Your conflict of interest is recorded; the "
                    "secretariat will assign someone else."
                ),
            )
            return redirect("review:queue")
    return _render_assignment(request, assignment, conflict_form=form, status=400)


@login_required
@review_area
def document(request: HttpRequest, pk: int, document_id: int) -> FileResponse:
    """A document of an assigned application; blind mode keeps identifying ones back and
    serves the rest under a neutral file name."""
    assignment = _own_assignment(request, pk)
    doc = get_object_or_404(Document, pk=document_id, application_id=assignment.application_id)
    material = review_material(assignment=assignment)
    if doc.pk in material.hidden_document_ids:
        raise Http404
    activity_record_document_download(actor=request.user, document=doc)
    if not material.blind:
        return serve_document(doc)
    response = FileResponse(
        doc.file.open("rb"),
        as_attachment=True,
        filename=review_document_filename(document=doc, blind=True),
        content_type=doc.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@review_area
def institutions(request: HttpRequest) -> HttpResponse:
    form = ReviewerInstitutionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            reviewer_conflict_add(
                reviewer=request.user,
                actor=request.user,
                institution=form.cleaned_data["institution"],
            )
        except ExchangeError as exc:
            form.add_error("institution", str(exc.message))
        else:
            messages.success(request, _("The institution has been added."))
            return redirect("review:institutions")
    page = paginate(
        request,
        ReviewerConflict.objects.filter(reviewer=request.user).order_by("institution", "id"),
        per_page=PAGE_SIZE,
    )
    return render(
        request,
        "reviews/institutions.html",
        {"form": form, "page": page},
        status=400 if form.errors else 200,
    )


@login_required
@review_area
@require_POST
def institution_remove(request: HttpRequest, pk: int) -> HttpResponse:
    conflict = get_object_or_404(ReviewerConflict, pk=pk, reviewer=request.user)
    reviewer_conflict_remove(conflict=conflict, actor=request.user)
    messages.success(request, _("The institution has been removed."))
    return redirect("review:institutions")
