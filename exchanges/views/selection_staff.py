"""Staff selection pages under /staff/cohorts/<id>/selection/: the proposal with moves and
bulk decisions (after previewing the emails), the rankings, the review dashboard and the
exports.

The secretariat changes everything; partner staff of the cohort's program see the proposal,
rankings, dashboard and exports of their own country only.
"""

import hashlib
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from rules.contrib.views import objectgetter, permission_required

from exchanges.enums import APPLICATION_REVIEWABLE, Role, Sector, SelectionDecision, country_label
from exchanges.exceptions import ExchangeError
from exchanges.forms.applications_staff import PipelineFilterForm
from exchanges.forms.selection import (
    RankingFilterForm,
    SelectionDecisionForm,
    SelectionExportForm,
    SelectionMoveForm,
    SelectionSettingsForm,
)
from exchanges.models import Application, Cohort
from exchanges.selectors.applications import (
    partner_country_for,
    person_view,
    pipeline_applications,
)
from exchanges.selectors.reviews import review_rounds_of
from exchanges.selectors.selection import (
    MIN_REVIEWS_TO_NORMALISE,
    selection_applications,
    selection_country_progress,
    selection_decidable,
    selection_disagreements,
    selection_proposal,
    selection_ranking,
    selection_reviewer_distribution,
    selection_round_progress,
    selection_settings_of,
)
from exchanges.services.activity import activity_record_export
from exchanges.services.exports import (
    csv_stream,
    selection_proposal_rows,
    selection_ranking_rows,
    xlsx_bytes,
)
from exchanges.services.selection import (
    selection_decide,
    selection_move,
    selection_preview_decision,
    selection_settings_save,
)
from exchanges.views.pagination import paginate

PAGE_SIZE = 50
VIEW = "exchanges.view_selection"
MANAGE = "exchanges.manage_selection"
SECTIONS = ("selected", "waitlist", "rest", "unreviewed")
cohort_getter = objectgetter(Cohort, "cohort_id")


def _cohort(cohort_id: int) -> Cohort:
    return get_object_or_404(Cohort.objects.select_related("program"), pk=cohort_id)


def _section_labels() -> dict[str, str]:
    return {
        "selected": _("Proposed for selection"),
        "waitlist": _("Proposed for the waiting list"),
        "rest": _("Not proposed"),
        "unreviewed": _("Not reviewed yet"),
    }


def _rows(page_items, applications: dict[int, Application], viewer) -> list[dict]:
    """The page's rows; each ``person`` is what ``viewer`` sees of the applicant (for a
    partner, a numbered reference when the applicant did not consent to sharing)."""
    sectors, sections = dict(Sector.choices), _section_labels()
    partner_country = partner_country_for(viewer)
    return [
        {
            "score": item,
            "application": applications[item.application_id],
            "person": person_view(
                applications[item.application_id], partner_country=partner_country
            ),
            "section": section,
            "section_label": sections.get(section, ""),
            "sector_label": sectors.get(item.sector, item.sector),
        }
        for section, item in page_items
        if item.application_id in applications
    ]


def _countries(request: HttpRequest, proposal) -> tuple[list, str]:
    codes = [c.country for c in proposal.countries]
    chosen = request.GET.get("country") or (codes[0] if codes else "")
    if codes and chosen not in codes:
        raise Http404
    return codes, chosen


def _fingerprint(ids: list[int]) -> str:
    return hashlib.sha256(",".join(map(str, sorted(ids))).encode()).hexdigest()[:32]


@login_required
@permission_required(VIEW, fn=cohort_getter, raise_exception=True)
def proposal(request: HttpRequest, cohort_id: int) -> HttpResponse:
    cohort = _cohort(cohort_id)
    result = selection_proposal(cohort=cohort, viewer=request.user)
    codes, chosen = _countries(request, result)
    country = result.country(chosen)
    items = (
        [(name, item) for name in SECTIONS for item in getattr(country, name)] if country else []
    )
    page = paginate(request, items, per_page=PAGE_SIZE)
    rows = _rows(
        page.object_list,
        selection_applications(ids=[item.application_id for _s, item in page.object_list]),
        request.user,
    )
    can_manage = request.user.has_perm(MANAGE, cohort)
    return render(
        request,
        "staff/selection/proposal.html",
        {
            "cohort": cohort,
            "proposal": result,
            "country": country,
            "countries": [(code, country_label(code)) for code in codes],
            "chosen": chosen,
            "page": page,
            "rows": rows,
            "selection_settings": selection_settings_of(cohort=cohort),
            "settings_form": SelectionSettingsForm(instance=selection_settings_of(cohort=cohort))
            if can_manage
            else None,
            "decision_choices": SelectionDecision.choices,
            "can_manage": can_manage,
            "min_reviews": MIN_REVIEWS_TO_NORMALISE,
            "query": f"country={chosen}",
            "export_form": SelectionExportForm(rounds=review_rounds_of(cohort=cohort)),
        },
    )


@login_required
@permission_required(MANAGE, fn=cohort_getter, raise_exception=True)
@require_POST
def settings_save(request: HttpRequest, cohort_id: int) -> HttpResponse:
    cohort = _cohort(cohort_id)
    form = SelectionSettingsForm(request.POST, instance=selection_settings_of(cohort=cohort))
    if form.is_valid():
        try:
            selection_settings_save(
                cohort=cohort,
                actor=request.user,
                rank_by=form.cleaned_data["rank_by"],
                disagreement_threshold=form.cleaned_data["disagreement_threshold"],
            )
        except ExchangeError as exc:
            messages.error(request, str(exc.message))
        else:
            messages.success(request, _("The selection settings have been saved."))
    else:
        messages.error(request, " ".join(str(e) for errs in form.errors.values() for e in errs))
    return redirect("staff:selection", cohort_id=cohort.pk)


@login_required
@permission_required(MANAGE, fn=cohort_getter, raise_exception=True)
@require_POST
def move(request: HttpRequest, cohort_id: int, pk: int) -> HttpResponse:
    application = get_object_or_404(Application, cohort_id=cohort_id, pk=pk)
    form = SelectionMoveForm(request.POST)
    if form.is_valid():
        try:
            selection_move(
                application=application,
                direction=form.cleaned_data["direction"],
                actor=request.user,
            )
        except ExchangeError as exc:
            messages.error(request, str(exc.message))
        else:
            messages.success(request, _("The proposal has been changed."))
    url = reverse("staff:selection", kwargs={"cohort_id": cohort_id})
    return redirect(f"{url}?country={application.country}")


def _pipeline_filters(request: HttpRequest) -> tuple[dict, list[tuple[str, str]]]:
    """The pipeline filters posted with a decision, and the raw fields to post them again."""
    form = PipelineFilterForm(request.POST)
    items = [
        (name, request.POST[name])
        for name in PipelineFilterForm.base_fields
        if request.POST.get(name)
    ]
    return form.filters(), items


def _decision_targets(request: HttpRequest, cohort: Cohort, form: SelectionDecisionForm):
    """The applications a valid decision form names: the undecided ones of the pipeline's
    filtered list in its order, or those of the proposal in proposal order."""
    if form.cleaned_data["source"] == "pipeline":
        filters, _items = _pipeline_filters(request)
        return list(
            pipeline_applications(viewer=request.user, cohort=cohort, filters=filters)
            .filter(status__in=APPLICATION_REVIEWABLE)
            .select_related("cohort__program")
        )
    result = selection_proposal(cohort=cohort, viewer=request.user)
    country = result.country(form.cleaned_data["country"])
    if country is None:
        raise Http404
    section = form.cleaned_data["section"]
    ordered = [item.application_id for name in SECTIONS for item in getattr(country, name)]
    if section:
        ids = [item.application_id for item in getattr(country, section)]
    else:
        wanted = set(form.cleaned_data["applications"])
        ids = [pk for pk in ordered if pk in wanted]
    found = {a.pk: a for a in selection_decidable(cohort=cohort, viewer=request.user, ids=ids)}
    return [found[pk] for pk in ids if pk in found]


@login_required
@permission_required(MANAGE, fn=cohort_getter, raise_exception=True)
@require_POST
def decide(request: HttpRequest, cohort_id: int) -> HttpResponse:
    """First POST: the emails in every language and what will be decided; the confirming
    POST (``confirm``) decides, unless the list changed since the preview."""
    cohort = _cohort(cohort_id)
    ids = [int(v) for v in request.POST.getlist("applications") if v.isdigit()]
    form = SelectionDecisionForm(request.POST, application_ids=ids)
    from_pipeline = request.POST.get("source") == "pipeline"
    _filters, filter_items = _pipeline_filters(request) if from_pipeline else ({}, [])
    if from_pipeline:
        back = reverse("staff:pipeline", kwargs={"cohort_id": cohort.pk})
        back = f"{back}?{urlencode(filter_items)}"
    else:
        back = reverse("staff:selection", kwargs={"cohort_id": cohort.pk})
        back = f"{back}?country={request.POST.get('country', '')}"
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errs in form.errors.values() for e in errs))
        return redirect(back)
    targets = _decision_targets(request, cohort, form)
    decision = form.cleaned_data["decision"]
    if not targets:
        messages.error(request, _("None of these applications can be decided any more."))
        return redirect(back)
    fingerprint = _fingerprint([a.pk for a in targets])
    if "confirm" in request.POST:
        if form.cleaned_data["fingerprint"] != fingerprint:
            messages.error(
                request,
                _("The list changed since the preview. Look at the emails again and confirm."),
            )
            return redirect(back)
        try:
            result = selection_decide(
                cohort=cohort, applications=targets, decision=decision, actor=request.user
            )
        except ExchangeError as exc:
            messages.error(request, str(exc.message))
            return redirect(back)
        messages.success(
            request,
            _("%(count)s application(s) decided: %(decision)s.")
            % {"count": len(result.decided), "decision": SelectionDecision(decision).label},
        )
        for application, reason in result.refused:
            messages.error(
                request,
                _("Application #%(number)s was not decided: %(reason)s")
                % {"number": application.pk, "reason": reason},
            )
        return redirect(back)
    return render(
        request,
        "staff/selection/decide_preview.html",
        {
            "cohort": cohort,
            "decision": decision,
            "decision_label": SelectionDecision(decision).label,
            "country": form.cleaned_data["country"],
            "country_label": country_label(form.cleaned_data["country"])
            if form.cleaned_data["country"]
            else "",
            "source": form.cleaned_data["source"],
            "filter_items": filter_items,
            "back": back,
            "section": form.cleaned_data["section"],
            "targets": targets,
            "shown": targets[:PAGE_SIZE],
            "previews": selection_preview_decision(application=targets[0], decision=decision),
            "fingerprint": fingerprint,
        },
    )


@login_required
@permission_required(VIEW, fn=cohort_getter, raise_exception=True)
def ranking(request: HttpRequest, cohort_id: int) -> HttpResponse:
    cohort = _cohort(cohort_id)
    form = RankingFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    # ``?round=N`` ranks by that round's reviews; by default the cohort's last round.
    rounds = review_rounds_of(cohort=cohort)
    review_round = _chosen_round(request, rounds)
    ranked = selection_ranking(
        cohort=cohort,
        viewer=request.user,
        country=filters.get("country", ""),
        sector=filters.get("sector", ""),
        review_round=review_round,
    )
    page = paginate(request, ranked, per_page=PAGE_SIZE)
    applications = selection_applications(ids=[item.application_id for item in page.object_list])
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "staff/selection/ranking.html",
        {
            "cohort": cohort,
            "form": form,
            "page": page,
            "rows": _rows([("", item) for item in page.object_list], applications, request.user),
            "review_round": review_round,
            "selection_settings": selection_settings_of(cohort=cohort),
            "query": query.urlencode(),
            "export_form": SelectionExportForm(
                rounds=rounds, initial={"round": review_round.number if review_round else None}
            ),
        },
    )


# The chart: one row per reviewer, the range of their weighted scores as a bar and their
# mean as a dot, on a 0–100 axis drawn WIDTH pixels wide.
CHART_WIDTH, CHART_ROW, CHART_LEFT = 300, 24, 10


@login_required
@permission_required(VIEW, fn=cohort_getter, raise_exception=True)
def dashboard(request: HttpRequest, cohort_id: int) -> HttpResponse:
    cohort = _cohort(cohort_id)
    reviewers = paginate(
        request,
        selection_reviewer_distribution(cohort=cohort, viewer=request.user),
        per_page=PAGE_SIZE,
        parameter="reviewers",
    )
    scale = CHART_WIDTH / 100
    bars = [
        {
            "row": row,
            "y": CHART_ROW * i + CHART_ROW // 2,
            "x1": CHART_LEFT + float(row["low"]) * scale,
            "x2": CHART_LEFT + float(row["high"]) * scale,
            "mean_x": CHART_LEFT + float(row["mean"]) * scale,
        }
        for i, row in enumerate(reviewers.object_list)
    ]
    disagreements = paginate(
        request,
        selection_disagreements(cohort=cohort, viewer=request.user),
        per_page=PAGE_SIZE,
        parameter="disagreements",
    )
    result = selection_proposal(cohort=cohort, viewer=request.user)
    return render(
        request,
        "staff/selection/dashboard.html",
        {
            "cohort": cohort,
            "reviewers": reviewers,
            "bars": bars,
            "chart_height": CHART_ROW * max(1, len(bars)),
            "chart_width": CHART_WIDTH + 2 * CHART_LEFT,
            "ticks": [
                {"x": CHART_LEFT + value * scale, "label": value} for value in (0, 25, 50, 75, 100)
            ],
            "disagreements": disagreements,
            "disagreement_rows": _rows(
                [("", item) for item in disagreements.object_list],
                selection_applications(
                    ids=[item.application_id for item in disagreements.object_list]
                ),
                request.user,
            ),
            "progress": selection_country_progress(cohort=cohort, viewer=request.user),
            "round_progress": selection_round_progress(cohort=cohort, viewer=request.user),
            "proposal": result,
            "partner": request.user.role == Role.PARTNER_STAFF,
        },
    )


def _chosen_round(request: HttpRequest, rounds: list):
    """The round of ``rounds`` that ``?round=N`` names on the rankings page (404 when the
    cohort has no such round), or None (empty or absent): the cohort's last round."""
    number = request.GET.get("round", "").strip()
    if not number:
        return None
    review_round = next((r for r in rounds if str(r.number) == number), None)
    if review_round is None:
        raise Http404
    return review_round


def _export_name(cohort: Cohort, what: str, extension: str, review_round=None) -> str:
    part = f"-round{review_round.number}" if review_round is not None else ""
    return f"{what}-{cohort.slug}{part}-{timezone.now():%Y%m%d-%H%M}.{extension}"


@login_required
@permission_required(VIEW, fn=cohort_getter, raise_exception=True)
def export(request: HttpRequest, cohort_id: int, what: str, extension: str) -> HttpResponse:
    """The ranking or the proposal of the round staff chose (``?round=N``; by default the
    last) as CSV or XLSX, of the viewer's countries only."""
    cohort = _cohort(cohort_id)
    if what not in ("ranking", "proposal") or extension not in ("csv", "xlsx"):
        raise Http404
    form = SelectionExportForm(request.GET, rounds=review_rounds_of(cohort=cohort))
    if not form.is_valid():
        # A round the cohort does not have (a hand-made or outdated link): say so, and offer
        # the export again with the cohort's rounds to choose from.
        return render(
            request,
            "staff/selection/export_refused.html",
            {"cohort": cohort, "what": what, "export_form": form},
            status=400,
        )
    review_round = form.chosen_round()
    if what == "ranking":
        rows = selection_ranking_rows(
            ranking=selection_ranking(
                cohort=cohort, viewer=request.user, review_round=review_round
            ),
            viewer=request.user,
        )
    elif what == "proposal":
        rows = selection_proposal_rows(
            proposal=selection_proposal(
                cohort=cohort, viewer=request.user, review_round=review_round
            ),
            section_labels=_section_labels(),
            viewer=request.user,
        )
    else:
        raise Http404
    # A cohort's ranking fits in memory (it was computed in memory): count its rows for
    # the audit trail, header excluded.
    rows = list(rows)
    activity_record_export(
        actor=request.user, obj=cohort, export=what, file_format=extension, rows=len(rows) - 1
    )
    if extension == "xlsx":
        response = HttpResponse(
            xlsx_bytes(rows, title=f"{what}-{cohort.slug}"),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    elif extension == "csv":
        language = translation.get_language()

        def stream():
            with translation.override(language):
                yield from csv_stream(rows)

        response = StreamingHttpResponse(stream(), content_type="text/csv; charset=utf-8")
    else:
        raise Http404
    response["Content-Disposition"] = (
        f'attachment; filename="{_export_name(cohort, what, extension, review_round)}"'
    )
    return response
