"""Staff review pages under /staff/cohorts/<id>/review/: progress and automatic assignment,
settings, the rubric and the reviewer pool; manual assignment from an application's page.

The secretariat changes everything; partner staff of the cohort's program may look at the
progress page, whose counts cover only their country's applications.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from rules.contrib.views import objectgetter, permission_required

from exchanges.enums import country_label
from exchanges.exceptions import ExchangeError
from exchanges.forms.reviews import (
    AutoAssignForm,
    ManualAssignForm,
    PoolAddForm,
    ReviewCriterionForm,
    ReviewRoundDeleteForm,
    ReviewRoundEditForm,
    ReviewRoundForm,
    ReviewSettingsForm,
    RoundAdvanceForm,
    RoundTopForm,
)
from exchanges.models import (
    Cohort,
    ReviewAssignment,
    ReviewCriterion,
    ReviewerPoolMember,
    ReviewRound,
)
from exchanges.selectors.applications import applications_visible_to, form_steps
from exchanges.selectors.reviews import (
    review_application_counts,
    review_candidates_for_pool,
    review_criteria_of,
    review_pool_of,
    review_progress,
    review_round_current,
    review_round_of,
    review_round_start_warning,
    review_rounds_listed,
    review_rounds_of,
    review_settings_of,
    review_summary_for_application,
)
from exchanges.selectors.selection import (
    selection_applications,
    selection_round_progress,
    selection_round_top,
)
from exchanges.services.reviews import (
    EXCLUDED_CAPACITY,
    EXCLUDED_CONFLICT,
    EXCLUDED_COUNTRY,
    EXCLUDED_INSTITUTION,
    EXCLUDED_REMOVED,
    EXCLUDED_SELF,
    review_assign,
    review_assign_automatically,
    review_criterion_delete,
    review_criterion_save,
    review_pool_add,
    review_pool_remove,
    review_round_advance,
    review_round_create,
    review_round_delete,
    review_round_update,
    review_rubric_is_locked,
    review_settings_save,
    review_unassign,
)
from exchanges.views.pagination import paginate

PAGE_SIZE = 25
VIEW = "exchanges.view_reviews"
MANAGE = "exchanges.manage_reviews"
cohort_getter = objectgetter(Cohort, "cohort_id")


def _cohort(cohort_id: int) -> Cohort:
    return get_object_or_404(Cohort.objects.select_related("program"), pk=cohort_id)


def _posted(request: HttpRequest):
    return request.POST if request.method == "POST" else None


def _exclusion_labels() -> dict[str, str]:
    return {
        EXCLUDED_INSTITUTION: _("same institution"),
        EXCLUDED_CONFLICT: _("declared a conflict of interest"),
        EXCLUDED_COUNTRY: _("same country"),
        EXCLUDED_REMOVED: _("removed by staff"),
        EXCLUDED_CAPACITY: _("at their limit"),
        EXCLUDED_SELF: _("the applicant"),
    }


def _overview(
    request: HttpRequest,
    cohort: Cohort,
    *,
    assign_form: AutoAssignForm | None = None,
    status: int = 200,
) -> HttpResponse:
    review_settings = review_settings_of(cohort=cohort)
    current_round = review_round_current(cohort=cohort)
    per_application, due_at = review_settings.reviews_per_application, review_settings.due_at
    if current_round is not None and current_round.number > 1:
        per_application, due_at = current_round.reviews_per_application, current_round.due_at
    can_manage = request.user.has_perm(MANAGE, cohort)
    page = paginate(
        request, review_progress(cohort=cohort, viewer=request.user), per_page=PAGE_SIZE
    )
    if can_manage and assign_form is None:
        assign_form = AutoAssignForm(initial={"per_application": per_application})
    return render(
        request,
        "staff/reviews/overview.html",
        {
            "cohort": cohort,
            "review_settings": review_settings,
            "current_round": current_round,
            "per_application": per_application,
            "due_at": due_at,
            "page": page,
            "can_manage": can_manage,
            "assign_form": assign_form if can_manage else None,
            "counts": review_application_counts(
                cohort=cohort,
                per_application=per_application,
                viewer=request.user,
                review_round=current_round,
            ),
            "criteria_count": len(review_criteria_of(cohort=cohort, review_round=current_round)),
        },
        status=status,
    )


@login_required
@permission_required(VIEW, fn=cohort_getter, raise_exception=True)
def overview(request: HttpRequest, cohort_id: int) -> HttpResponse:
    return _overview(request, _cohort(cohort_id))


# A run on a large cohort with a small pool can leave thousands of applications short: the
# result page names the first ones (in the order they were served) and counts the rest.
UNFILLED_SHOWN = 100


@login_required
@permission_required(MANAGE, fn=cohort_getter, raise_exception=True)
@require_POST
def auto_assign(request: HttpRequest, cohort_id: int) -> HttpResponse:
    cohort = _cohort(cohort_id)
    form = AutoAssignForm(request.POST)
    if form.is_valid():
        try:
            result = review_assign_automatically(
                cohort=cohort,
                per_application=form.cleaned_data["per_application"],
                actor=request.user,
            )
        except ExchangeError as exc:
            form.add_error(None, str(exc.message))
        else:
            labels = _exclusion_labels()
            unfilled = [
                {
                    "application": item.application,
                    "assigned": item.assigned,
                    "needed": item.needed,
                    "reasons": [
                        {"label": labels.get(key, key), "count": count}
                        for key, count in sorted(item.excluded.items())
                        if count
                    ],
                }
                for item in result.unfilled[:UNFILLED_SHOWN]
            ]
            return render(
                request,
                "staff/reviews/assign_result.html",
                {
                    "cohort": cohort,
                    "result": result,
                    "unfilled": unfilled,
                    "unfilled_more": max(0, len(result.unfilled) - UNFILLED_SHOWN),
                },
            )
    return _overview(request, cohort, assign_form=form, status=400)


@login_required
@permission_required(MANAGE, fn=cohort_getter, raise_exception=True)
def settings_edit(request: HttpRequest, cohort_id: int) -> HttpResponse:
    cohort = _cohort(cohort_id)
    questions = [q for step in form_steps(cohort=cohort) for q in step.questions.all()]
    review_settings = review_settings_of(cohort=cohort)
    current_round = review_round_current(cohort=cohort)
    form = ReviewSettingsForm(
        _posted(request),
        instance=review_settings,
        questions=questions,
        review_round=current_round,
    )
    if request.method == "POST" and form.is_valid():
        try:
            review_settings_save(
                cohort=cohort,
                actor=request.user,
                reviews_per_application=form.cleaned_data["reviews_per_application"],
                avoid_same_country=form.cleaned_data["avoid_same_country"],
                blind=form.cleaned_data["blind"],
                due_at=form.cleaned_data["due_at"],
                identifying_questions=list(form.cleaned_data["identifying_questions"]),
            )
        except ExchangeError as exc:
            form.add_error(None, str(exc.message))
        else:
            messages.success(request, _("The review settings have been saved."))
            return redirect("staff:review", cohort_id=cohort.pk)
    return render(
        request,
        "staff/reviews/settings.html",
        {"cohort": cohort, "form": form, "current_round": current_round},
        status=400 if form.errors else 200,
    )


def _rubric_round(request: HttpRequest, cohort: Cohort, rounds: list) -> ReviewRound | None:
    """The round whose rubric the page shows: ``?round=N``, by default the current round
    (None: round 1, which may not exist yet)."""
    number = request.GET.get("round", "")
    if number:
        if not number.isdigit():
            raise Http404
        found = next((r for r in rounds if r.number == int(number)), None)
        if found is None and int(number) != 1:
            raise Http404
        return found
    return rounds[-1] if rounds else None


def _rubric_url(cohort_id: int, review_round: ReviewRound | None) -> str:
    url = reverse("staff:review_rubric", kwargs={"cohort_id": cohort_id})
    return f"{url}?round={review_round.number if review_round else 1}"


@login_required
@permission_required(MANAGE, fn=cohort_getter, raise_exception=True)
def rubric(request: HttpRequest, cohort_id: int) -> HttpResponse:
    """One round's rubric (each round has its own), with links to the other rounds'."""
    cohort = _cohort(cohort_id)
    rounds = review_rounds_of(cohort=cohort)
    review_round = _rubric_round(request, cohort, rounds)
    locked = review_rubric_is_locked(cohort=cohort, review_round=review_round)
    form = ReviewCriterionForm(
        _posted(request), instance=ReviewCriterion(cohort=cohort, round=review_round)
    )
    if request.method == "POST" and form.is_valid():
        try:
            review_criterion_save(criterion=form.instance, actor=request.user)
        except ExchangeError as exc:
            form.add_error(None, str(exc.message))
        else:
            messages.success(request, _("The criterion has been added."))
            return redirect(_rubric_url(cohort.pk, review_round))
    criteria = review_criteria_of(cohort=cohort, review_round=review_round)
    return render(
        request,
        "staff/reviews/rubric.html",
        {
            "cohort": cohort,
            "rounds": rounds,
            "review_round": review_round,
            "round_number": review_round.number if review_round else 1,
            "criteria": criteria,
            "form": None if locked else form,
            "locked": locked,
            "total_weight": sum(c.weight for c in criteria),
        },
        status=400 if form.errors else 200,
    )


@login_required
@permission_required(MANAGE, fn=cohort_getter, raise_exception=True)
def criterion_edit(request: HttpRequest, cohort_id: int, pk: int) -> HttpResponse:
    cohort = _cohort(cohort_id)
    criterion = get_object_or_404(
        ReviewCriterion.objects.select_related("round"), cohort=cohort, pk=pk
    )
    locked = review_rubric_is_locked(cohort=cohort, review_round=criterion.round)
    form = ReviewCriterionForm(_posted(request), instance=criterion, locked=locked)
    if request.method == "POST" and form.is_valid():
        try:
            review_criterion_save(criterion=form.instance, actor=request.user)
        except ExchangeError as exc:
            form.add_error(None, str(exc.message))
        else:
            messages.success(request, _("The criterion has been saved."))
            return redirect(_rubric_url(cohort.pk, criterion.round))
    return render(
        request,
        "staff/reviews/criterion_form.html",
        {
            "cohort": cohort,
            "criterion": criterion,
            "form": form,
            "locked": locked,
            "rubric_url": _rubric_url(cohort.pk, criterion.round),
        },
        status=400 if form.errors else 200,
    )


@login_required
@permission_required(MANAGE, fn=cohort_getter, raise_exception=True)
@require_POST
def criterion_delete(request: HttpRequest, cohort_id: int, pk: int) -> HttpResponse:
    criterion = get_object_or_404(
        ReviewCriterion.objects.select_related("round", "cohort"), cohort_id=cohort_id, pk=pk
    )
    try:
        review_criterion_delete(criterion=criterion, actor=request.user)
    except ExchangeError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("The criterion has been removed."))
    return redirect(_rubric_url(cohort_id, criterion.round))


@login_required
@permission_required(MANAGE, fn=cohort_getter, raise_exception=True)
def pool(request: HttpRequest, cohort_id: int) -> HttpResponse:
    cohort = _cohort(cohort_id)
    form = PoolAddForm(_posted(request), candidates=review_candidates_for_pool(cohort=cohort))
    if request.method == "POST" and form.is_valid():
        try:
            review_pool_add(
                cohort=cohort,
                reviewer=form.cleaned_data["reviewer"],
                max_assignments=form.cleaned_data["max_assignments"],
                actor=request.user,
            )
        except ExchangeError as exc:
            form.add_error("reviewer", str(exc.message))
        else:
            messages.success(request, _("The reviewer has been added to the pool."))
            return redirect("staff:review_pool", cohort_id=cohort.pk)
    page = paginate(request, review_pool_of(cohort=cohort), per_page=PAGE_SIZE)
    return render(
        request,
        "staff/reviews/pool.html",
        {"cohort": cohort, "form": form, "page": page},
        status=400 if form.errors else 200,
    )


@login_required
@permission_required(MANAGE, fn=cohort_getter, raise_exception=True)
@require_POST
def pool_remove(request: HttpRequest, cohort_id: int, pk: int) -> HttpResponse:
    member = get_object_or_404(ReviewerPoolMember, cohort_id=cohort_id, pk=pk, is_active=True)
    removed = review_pool_remove(member=member, actor=request.user)
    messages.success(
        request,
        _("The reviewer has left the pool; %(count)s unfinished assignment(s) were withdrawn.")
        % {"count": removed},
    )
    return redirect("staff:review_pool", cohort_id=cohort_id)


def _application(request: HttpRequest, pk: int):
    application = (
        applications_visible_to(viewer=request.user)
        .select_related("cohort__program")
        .filter(pk=pk)
        .first()
    )
    if application is None:
        raise Http404
    return application


@login_required
@permission_required(MANAGE, raise_exception=True)
@require_POST
def application_assign(request: HttpRequest, pk: int) -> HttpResponse:
    application = _application(request, pk)
    summary = review_summary_for_application(application=application)
    form = ManualAssignForm(request.POST, candidates=summary.candidates)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    else:
        try:
            review_assign(
                application=application, reviewer=form.cleaned_data["reviewer"], actor=request.user
            )
        except ExchangeError as exc:
            messages.error(request, str(exc.message))
        else:
            messages.success(request, _("The reviewer has been assigned and informed."))
    return redirect(f"{_application_url(application)}#reviews-heading")


def _application_url(application) -> str:
    return reverse("staff:application", kwargs={"pk": application.pk})


@login_required
@permission_required(MANAGE, raise_exception=True)
@require_POST
def assignment_remove(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = get_object_or_404(
        ReviewAssignment.objects.filter(
            application__in=applications_visible_to(viewer=request.user)
        ),
        pk=pk,
    )
    try:
        review_unassign(assignment=assignment, actor=request.user)
    except ExchangeError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("The reviewer has been removed from this application."))
    return redirect(f"{_application_url(assignment.application)}#reviews-heading")


def application_reviews_context(request: HttpRequest, application) -> dict:
    """The reviews section of the staff application page (``staff/reviews/_application.html``)."""
    summary = review_summary_for_application(application=application)
    can_manage = request.user.has_perm(MANAGE)
    return {
        "reviews": summary,
        "can_manage_reviews": can_manage,
        "review_assign_form": (
            ManualAssignForm(candidates=summary.candidates)
            if can_manage and summary.candidates
            else None
        ),
    }


# --- Rounds ------------------------------------------------------------------------------------


@login_required
@permission_required(MANAGE, fn=cohort_getter, raise_exception=True)
def rounds(request: HttpRequest, cohort_id: int) -> HttpResponse:
    """The cohort's review rounds with their progress, and the form that adds the next."""
    cohort = _cohort(cohort_id)
    warning = review_round_start_warning(cohort=cohort)
    form = ReviewRoundForm(
        _posted(request), pool=list(review_pool_of(cohort=cohort)), warning=warning
    )
    if request.method == "POST" and form.is_valid():
        try:
            review_round = review_round_create(
                cohort=cohort,
                actor=request.user,
                name=form.cleaned_data["name"],
                reviews_per_application=form.cleaned_data["reviews_per_application"],
                due_at=form.cleaned_data["due_at"],
                own_country_only=form.cleaned_data["own_country_only"],
                reviewers=list(form.cleaned_data["reviewers"]),
                start_anyway=form.cleaned_data.get("start_anyway", False),
            )
        except ExchangeError as exc:
            # The current round changed since the page was shown: its warning now applies.
            field = "start_anyway" if exc.code == "round_start_unconfirmed" else None
            form.add_error(field if field in form.fields else None, str(exc.message))
        else:
            messages.success(
                request,
                _("%(round)s has been created: reviewers now work in it.")
                % {"round": review_round.label},
            )
            if review_round.number > 1:
                return redirect(
                    "staff:review_round_advance", cohort_id=cohort.pk, number=review_round.number
                )
            return redirect("staff:review_rounds", cohort_id=cohort.pk)
    page = paginate(request, review_rounds_listed(cohort=cohort), per_page=PAGE_SIZE)
    progress = {row["number"]: row for row in selection_round_progress(cohort=cohort)}
    return render(
        request,
        "staff/reviews/rounds.html",
        {
            "cohort": cohort,
            "form": form,
            "warning": warning,
            "page": page,
            "rows": [
                {"round": r, "progress": progress.get(r.number, {})} for r in page.object_list
            ],
        },
        status=400 if form.errors else 200,
    )


@login_required
@permission_required(MANAGE, fn=cohort_getter, raise_exception=True)
def round_advance(request: HttpRequest, cohort_id: int, number: int) -> HttpResponse:
    """Advance applications from the previous round: ``?per_country=k`` previews the top k
    of each country in its ranking, all ticked; posting the ticked ones advances them."""
    cohort = _cohort(cohort_id)
    review_round = review_round_of(cohort=cohort, number=number)
    previous = review_round_of(cohort=cohort, number=number - 1)
    if review_round is None or previous is None:
        raise Http404
    top_form = RoundTopForm(request.GET if "per_country" in request.GET else None)
    candidates = []
    if request.method == "POST":
        # Every reviewed application of the previous round may be posted, not only a top k.
        candidates = selection_round_top(review_round=previous, per_country=10**9)
    elif top_form.is_valid():
        candidates = selection_round_top(
            review_round=previous, per_country=top_form.cleaned_data["per_country"]
        )
    applications = selection_applications(ids=[c.application_id for c in candidates])
    choices = [
        (
            c.application_id,
            f"{country_label(c.country)} #{c.rank} · "
            f"{applications[c.application_id].applicant.display_name}",
        )
        for c in candidates
    ]
    advance_form = RoundAdvanceForm(
        request.POST if request.method == "POST" else None,
        choices=choices,
        initial={"applications": [c.application_id for c in candidates]},
    )
    if request.method == "POST" and advance_form.is_valid():
        chosen = advance_form.cleaned_data["applications"]
        try:
            advanced = review_round_advance(
                review_round=review_round,
                applications=[applications[pk] for pk in chosen],
                actor=request.user,
            )
        except ExchangeError as exc:
            advance_form.add_error(None, str(exc.message))
        else:
            messages.success(
                request,
                _("%(count)s application(s) advanced to %(round)s.")
                % {"count": len(advanced), "round": review_round.label},
            )
            return redirect("staff:review_rounds", cohort_id=cohort.pk)
    return render(
        request,
        "staff/reviews/round_advance.html",
        {
            "cohort": cohort,
            "review_round": review_round,
            "previous": previous,
            "top_form": top_form,
            "advance_form": advance_form,
            "preview": [
                {"score": c, "application": applications[c.application_id]} for c in candidates
            ]
            if request.method != "POST"
            else [],
        },
        status=400 if advance_form.errors else 200,
    )


@login_required
@permission_required(MANAGE, fn=cohort_getter, raise_exception=True)
def round_edit(request: HttpRequest, cohort_id: int, number: int) -> HttpResponse:
    """Rename a round and change its reviewers per application, due date and pool."""
    cohort = _cohort(cohort_id)
    review_round = review_round_of(cohort=cohort, number=number)
    if review_round is None:
        raise Http404
    form = ReviewRoundEditForm(
        _posted(request), pool=list(review_pool_of(cohort=cohort)), review_round=review_round
    )
    if request.method == "POST" and form.is_valid():
        try:
            review_round = review_round_update(
                review_round=review_round,
                actor=request.user,
                name=form.cleaned_data["name"],
                reviews_per_application=form.cleaned_data["reviews_per_application"],
                due_at=form.cleaned_data["due_at"],
                reviewers=list(form.cleaned_data["reviewers"]),
            )
        except ExchangeError as exc:
            form.add_error(None, str(exc.message))
        else:
            messages.success(
                request, _("%(round)s has been saved.") % {"round": review_round.label}
            )
            return redirect("staff:review_rounds", cohort_id=cohort.pk)
    return render(
        request,
        "staff/reviews/round_form.html",
        {
            "cohort": cohort,
            "review_round": review_round,
            "form": form,
            "delete_form": ReviewRoundDeleteForm(),
        },
        status=400 if form.errors else 200,
    )


@login_required
@permission_required(MANAGE, fn=cohort_getter, raise_exception=True)
@require_POST
def round_delete(request: HttpRequest, cohort_id: int, number: int) -> HttpResponse:
    """Delete the latest round when no review was written in it (the box must be ticked)."""
    cohort = _cohort(cohort_id)
    review_round = review_round_of(cohort=cohort, number=number)
    if review_round is None:
        raise Http404
    form = ReviewRoundDeleteForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect("staff:review_round_edit", cohort_id=cohort.pk, number=number)
    try:
        review_round_delete(review_round=review_round, actor=request.user)
    except ExchangeError as exc:
        messages.error(request, str(exc.message))
        return redirect("staff:review_round_edit", cohort_id=cohort.pk, number=number)
    messages.success(request, _("%(round)s has been deleted.") % {"round": review_round.label})
    return redirect("staff:review_rounds", cohort_id=cohort.pk)
