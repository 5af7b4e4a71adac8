"""Outcome analytics pages under /staff/: a cohort's outcomes (directed matrix, items, NPS,
distributions, follow-up waves), a program's trend by cohort, open answers, the printable
report, exports and the import of earlier surveys.

Partner staff of the program see every page except open answers, raw exports and the import,
with the figures ``outcomes_for_viewer`` leaves them: groups of fewer than five show "fewer
than 5". The secretariat sees everything.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from rules.contrib.views import objectgetter, permission_required

from exchanges.forms.outcomes import OutcomeImportForm
from exchanges.models import Cohort, Program
from exchanges.rules import is_secretariat
from exchanges.selectors.outcomes import (
    WAVE_SHORT,
    cohort_outcomes,
    outcome_open_answers,
    outcome_open_items,
    outcomes_for_viewer,
    program_outcomes,
)
from exchanges.services.activity import activity_record_export
from exchanges.services.exports import csv_stream, xlsx_bytes
from exchanges.services.outcomes import (
    OutcomeImportInvalid,
    outcome_aggregate_rows,
    outcome_raw_rows,
    outcome_responses_import,
)
from exchanges.views.charts import change_bars, change_lines, score_bars
from exchanges.views.pagination import paginate

VIEW = "exchanges.view_outcomes"
MANAGE = "exchanges.manage_outcomes"
COHORTS_PER_PAGE = 10
ANSWERS_PER_PAGE = 25
cohort_getter = objectgetter(Cohort, "cohort_id")
program_getter = objectgetter(Program, "program_id")


def _cohort(cohort_id: int) -> Cohort:
    return get_object_or_404(Cohort.objects.select_related("program"), pk=cohort_id)


def _number(value, digits: int = 1) -> str:
    return "—" if value is None else f"{value:+.{digits}f}"


def change_sentence(cell: dict) -> str:
    """One sentence a screen reader can read about a cell of paired change."""
    if cell["suppressed"]:
        return _("%(label)s: fewer than 5 respondents.") % {"label": cell["label"]}
    if not cell["n"]:
        return _("%(label)s: no paired answers yet.") % {"label": cell["label"]}
    if cell["ci95"] is None:
        return _("%(label)s: changed by %(change)s points (one pair, no interval).") % {
            "label": cell["label"],
            "change": _number(cell["mean_change"]),
        }
    return _(
        "%(label)s: changed by %(change)s points (95%% confidence interval %(low)s to "
        "%(high)s, %(n)s pairs)."
    ) % {
        "label": cell["label"],
        "change": _number(cell["mean_change"]),
        "low": _number(cell["ci95"][0]),
        "high": _number(cell["ci95"][1]),
        "n": cell["n"],
    }


def _report_for(request: HttpRequest, cohort: Cohort) -> dict:
    return outcomes_for_viewer(
        cohort_outcomes(cohort=cohort), partner=not is_secretariat(request.user)
    )


def _charts(report: dict) -> dict:
    """The charts of a cohort report and their text summaries."""
    charts = []
    for index, comparison in enumerate(report["comparisons"]):
        cells = [cell for row in comparison["matrix"] for cell in row["cells"]]
        summary_id = f"matrix-summary-{index}"
        title = _("Mean change of feeling, %(comparison)s") % {"comparison": comparison["label"]}
        charts.append(
            {
                "comparison": comparison,
                "title": title,
                "summary_id": summary_id,
                "sentences": [change_sentence(cell) for cell in cells],
                "svg": change_bars(
                    title=title,
                    bars=[(cell["key"], cell["mean_change"]) for cell in cells],
                    described_by=summary_id,
                ),
            }
        )
    pairs = [cell for row in report["comparisons"][0]["matrix"] for cell in row["cells"]]
    lasting_title = _("Does the change last? Mean change from before the program")
    lasting = {
        "title": lasting_title,
        "summary_id": "lasting-summary",
        "svg": change_lines(
            title=lasting_title,
            x_labels=[str(c["label"]) for c in report["comparisons"]],
            series=[
                (
                    cell["key"],
                    [
                        next(
                            c["mean_change"]
                            for row in comparison["matrix"]
                            for c in row["cells"]
                            if c["key"] == cell["key"]
                        )
                        for comparison in report["comparisons"]
                    ],
                )
                for cell in pairs
            ],
            described_by="lasting-summary",
        ),
    }
    nps_title = _("Net promoter score by wave")
    overall_nps = [row for row in report["nps"] if row["code"] == "nps"]
    nps_chart = {
        "title": nps_title,
        "summary_id": "nps-summary",
        "svg": score_bars(
            title=nps_title,
            bars=[(str(row["label"]), row["overall"]["nps"]) for row in overall_nps],
            described_by="nps-summary",
        ),
    }
    return {"matrix_charts": charts, "lasting": lasting, "nps_chart": nps_chart}


@login_required
@permission_required(VIEW, fn=cohort_getter, raise_exception=True)
def outcome_cohort(request: HttpRequest, cohort_id: int) -> HttpResponse:
    cohort = _cohort(cohort_id)
    report = _report_for(request, cohort)
    return render(
        request,
        "staff/outcomes/cohort.html",
        {
            "cohort": cohort,
            "report": report,
            "can_manage": is_secretariat(request.user),
            **_charts(report),
        },
    )


@login_required
@permission_required(VIEW, fn=cohort_getter, raise_exception=True)
def outcome_report(request: HttpRequest, cohort_id: int) -> HttpResponse:
    """One printable page for funders: the headline matrix, its chart and the NPS."""
    cohort = _cohort(cohort_id)
    report = _report_for(request, cohort)
    return render(
        request,
        "staff/outcomes/report.html",
        {"cohort": cohort, "report": report, **_charts(report)},
    )


@login_required
@permission_required("exchanges.view_program_outcomes", fn=program_getter, raise_exception=True)
def outcome_program(request: HttpRequest, program_id: int) -> HttpResponse:
    """The change by cohort across the program's cohorts, a page of cohorts at a time."""
    program = get_object_or_404(Program, pk=program_id)
    page = paginate(
        request,
        Cohort.objects.filter(program=program)
        .select_related("program")
        .order_by("starts_on", "pk"),
        per_page=COHORTS_PER_PAGE,
    )
    report = outcomes_for_viewer(
        program_outcomes(program=program, cohorts=list(page.object_list)),
        partner=not is_secretariat(request.user),
    )
    series = []
    for index, pair in enumerate(report["pairs"]):
        values = []
        for row in report["cohorts"]:
            values.append(row["comparisons"][0]["cells"][index]["mean_change"])
        series.append((pair["key"], values))
    title = _("Mean change of feeling from before to after the program, by cohort")
    sentences = []
    for row in report["cohorts"]:
        for cell in row["comparisons"][0]["cells"]:
            sentences.append(f"{row['cohort'].name}: {change_sentence(cell)}")
    return render(
        request,
        "staff/outcomes/program.html",
        {
            "program": program,
            "page": page,
            "report": report,
            "chart_title": title,
            "sentences": sentences,
            "svg": change_lines(
                title=title,
                x_labels=[row["cohort"].name for row in report["cohorts"]],
                series=series,
                described_by="trend-summary",
            ),
        },
    )


@login_required
@permission_required(MANAGE, fn=cohort_getter, raise_exception=True)
def outcome_open_answers_view(request: HttpRequest, cohort_id: int) -> HttpResponse:
    """Open answers item by item, with the respondent's country and the language they
    answered in; the text is shown as written."""
    cohort = _cohort(cohort_id)
    items = outcome_open_items(cohort=cohort)
    code = request.GET.get("item") or ""
    if code not in {c for c, _t in items}:
        code = ""
    page = paginate(
        request, outcome_open_answers(cohort=cohort, code=code or None), per_page=ANSWERS_PER_PAGE
    )
    texts = dict(items)
    rows = [
        {
            **row,
            "item_text": texts.get(row["question__code"], row["question__code"]),
            "wave": WAVE_SHORT.get(row["response__survey__kind"], row["response__survey__kind"]),
        }
        for row in page.object_list
    ]
    return render(
        request,
        "staff/outcomes/open_answers.html",
        {"cohort": cohort, "page": page, "rows": rows, "items": items, "item": code},
    )


def _download(rows, *, name: str, fmt: str, title: str) -> HttpResponse:
    if fmt == "xlsx":
        response = HttpResponse(
            xlsx_bytes(rows, title=title),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    else:
        response = StreamingHttpResponse(csv_stream(rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@permission_required(VIEW, fn=cohort_getter, raise_exception=True)
def outcome_export_aggregates(request: HttpRequest, cohort_id: int, fmt: str) -> HttpResponse:
    """The report's figures, as the reader may see them (partners: small groups as ``<5``)."""
    cohort = _cohort(cohort_id)
    return _download(
        outcome_aggregate_rows(report=_report_for(request, cohort)),
        name=f"outcomes-{cohort.slug}",
        fmt=fmt,
        title=_("Outcomes"),
    )


@login_required
@permission_required(MANAGE, fn=cohort_getter, raise_exception=True)
def outcome_export_raw(request: HttpRequest, cohort_id: int, fmt: str) -> HttpResponse:
    """Every answer, pseudonymous: the secretariat's raw export."""
    cohort = _cohort(cohort_id)
    rows = list(outcome_raw_rows(cohort=cohort))
    activity_record_export(
        actor=request.user, obj=cohort, export="survey_answers", file_format=fmt, rows=len(rows) - 1
    )
    return _download(
        rows,
        name=f"survey-answers-{cohort.slug}",
        fmt=fmt,
        title=_("Answers"),
    )


@login_required
@permission_required(MANAGE, fn=cohort_getter, raise_exception=True)
def outcome_import(request: HttpRequest, cohort_id: int) -> HttpResponse:
    cohort = _cohort(cohort_id)
    form = OutcomeImportForm(request.POST or None, request.FILES or None)
    errors: list[tuple[int, str]] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            count = outcome_responses_import(
                cohort=cohort, actor=request.user, data=upload.read(), filename=upload.name
            )
        except OutcomeImportInvalid as error:
            errors = error.errors
            form.add_error(None, str(error.message))
        else:
            messages.success(
                request,
                _("%(count)s responses were imported.") % {"count": count},
            )
            return redirect("staff:outcomes", cohort_id=cohort.pk)
    return render(
        request,
        "staff/outcomes/import.html",
        {"cohort": cohort, "form": form, "errors": errors[:200], "error_count": len(errors)},
    )
