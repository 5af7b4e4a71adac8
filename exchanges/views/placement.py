"""Host placement and mentor pages for staff: hosts, runs, results and publishing
(secretariat changes, partner staff of the program look)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from rules.contrib.views import objectgetter, permission_required

from exchanges.enums import PlacementKind, PlacementRunStatus
from exchanges.exceptions import ExchangeError
from exchanges.forms.placement import HostForm, MentorStartForm, PlacementPublishForm
from exchanges.models import Cohort, Host, PlacementRun
from exchanges.selectors.applications import partner_country_for, person_view
from exchanges.selectors.placement import (
    hosts_of,
    mentor_pairs_of,
    placement_hosts_of,
    placement_published,
    placement_runs_of,
    placement_unplaced_of,
)
from exchanges.services.matching import matching_applications
from exchanges.services.placement import (
    alumni_mentors,
    host_placement_run,
    host_save,
    mentor_pairing_run,
    placement_run_publish,
)
from exchanges.views.matching import member_row, mentor_row, visible_member_rows
from exchanges.views.pagination import paginate

PAGE_SIZE = 25
cohort_getter = objectgetter(Cohort, "cohort_id")
VIEW = "exchanges.view_matching"
MANAGE = "exchanges.manage_matching"


def _cohort(cohort_id: int) -> Cohort:
    return get_object_or_404(Cohort.objects.select_related("program"), pk=cohort_id)


def _page(request: HttpRequest, queryset, parameter: str = "page"):
    return paginate(request, queryset, per_page=PAGE_SIZE, parameter=parameter)


@login_required
@permission_required(VIEW, fn=cohort_getter, raise_exception=True)
def hosts(request: HttpRequest, cohort_id: int) -> HttpResponse:
    cohort = _cohort(cohort_id)
    return render(
        request,
        "staff/placement/hosts.html",
        {
            "cohort": cohort,
            "page": _page(request, hosts_of(cohort=cohort)),
            "can_manage": request.user.has_perm(MANAGE, cohort),
        },
    )


@login_required
@permission_required(MANAGE, fn=cohort_getter, raise_exception=True)
def host_edit(request: HttpRequest, cohort_id: int, pk: int | None = None) -> HttpResponse:
    cohort = _cohort(cohort_id)
    host = get_object_or_404(Host, cohort=cohort, pk=pk) if pk else None
    form = HostForm(
        request.POST if request.method == "POST" else None,
        initial=HostForm.initial_for(host) if host else None,
    )
    if request.method == "POST" and form.is_valid():
        try:
            saved = host_save(cohort=cohort, actor=request.user, host=host, **form.cleaned_data)
        except ExchangeError as exc:
            form.add_error(None, str(exc.message))
        else:
            messages.success(request, _("The host %(name)s is saved.") % {"name": saved.name})
            return redirect("staff:hosts", cohort_id=cohort.pk)
    return render(
        request, "staff/placement/host_form.html", {"cohort": cohort, "host": host, "form": form}
    )


@login_required
@permission_required(VIEW, fn=cohort_getter, raise_exception=True)
def placement_runs(request: HttpRequest, cohort_id: int, kind: str) -> HttpResponse:
    """The runs of one kind, and (for the secretariat) the form that starts a new one."""
    cohort = _cohort(cohort_id)
    can_manage = request.user.has_perm(MANAGE, cohort)
    form = None
    if kind == PlacementKind.MENTORS and can_manage:
        form = MentorStartForm(request.POST if request.method == "POST" else None)
    error = ""
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied
        if form is None or form.is_valid():
            try:
                if kind == PlacementKind.HOSTS:
                    run = host_placement_run(cohort=cohort, actor=request.user)
                else:
                    run = mentor_pairing_run(
                        cohort=cohort, actor=request.user, capacity=form.cleaned_data["capacity"]
                    )
            except ExchangeError as exc:
                error = str(exc.message)
            else:
                return redirect(run.get_absolute_url())
    context = {
        "cohort": cohort,
        "kind": kind,
        "form": form,
        "error": error,
        "can_manage": can_manage,
        "published": placement_published(cohort=cohort, kind=kind),
        "page": _page(request, placement_runs_of(cohort=cohort, kind=kind)),
        "participant_count": matching_applications(cohort=cohort).count(),
    }
    if kind == PlacementKind.HOSTS:
        context["host_count"] = hosts_of(cohort=cohort).count()
    else:
        context["mentor_count"] = alumni_mentors(cohort=cohort).count()
    return render(request, "staff/placement/runs.html", context)


def _run(cohort: Cohort, pk: int, kind: str) -> PlacementRun:
    return get_object_or_404(
        PlacementRun.objects.select_related("created_by"), cohort=cohort, kind=kind, pk=pk
    )


@login_required
@permission_required(VIEW, fn=cohort_getter, raise_exception=True)
def placement_run(request: HttpRequest, cohort_id: int, pk: int, kind: str) -> HttpResponse:
    """A run's result: hosts with their participants (or mentor pairs), then the people
    nobody could take with the reason."""
    cohort = _cohort(cohort_id)
    run = _run(cohort, pk, kind)
    partner_country = partner_country_for(request.user)
    published = run.status == PlacementRunStatus.PUBLISHED
    # A partner sees other countries' people only once the result is published: before,
    # the unplaced and pairs lists hold its own country's people alone.
    own_only = partner_country if partner_country is not None and not published else None
    unplaced = _page(request, placement_unplaced_of(run=run, country=own_only), "unplaced")

    def member(application) -> dict | None:
        view = person_view(application, partner_country=partner_country, published=published)
        return None if view is None else member_row(application, view)

    def mentor(application) -> dict:
        view = person_view(application, partner_country=partner_country, published=published)
        return mentor_row(application, view, hidden=view is None)

    context = {
        "cohort": cohort,
        "run": run,
        "kind": kind,
        "can_publish": (
            request.user.has_perm(MANAGE, cohort)
            and run.status == PlacementRunStatus.FINISHED
            and not placement_published(cohort=cohort, kind=kind)
        ),
        "unplaced": unplaced,
        "unplaced_rows": [
            {
                "member": member(a.application),
                "reason": a.unplaced_reason,
                "reason_label": a.get_unplaced_reason_display(),
            }
            for a in unplaced.object_list
        ],
        "own_only": own_only is not None,
    }
    if kind == PlacementKind.HOSTS:
        page = _page(request, placement_hosts_of(run=run))
        rows = []
        for host in page.object_list:
            members, hidden = visible_member_rows(
                [a.application for a in host.placed],
                partner_country=partner_country,
                published=published,
            )
            rows.append(
                {
                    "host": host,
                    "members": members,
                    "placed": len(host.placed),
                    "hidden_members": hidden,
                }
            )
        context["rows"] = rows
    else:
        page = _page(request, mentor_pairs_of(run=run, country=own_only))
        context["rows"] = [
            {
                "mentor": mentor(a.mentor),
                "mentor_cohort": a.mentor.cohort,
                "member": member(a.application),
                "score": a.score,
            }
            for a in page.object_list
        ]
    context["page"] = page
    return render(request, f"staff/placement/{kind}_result.html", context)


@login_required
@permission_required(MANAGE, fn=cohort_getter, raise_exception=True)
def placement_publish(request: HttpRequest, cohort_id: int, pk: int, kind: str) -> HttpResponse:
    cohort = _cohort(cohort_id)
    run = _run(cohort, pk, kind)
    form = PlacementPublishForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            placement_run_publish(run=run, actor=request.user)
        except ExchangeError as exc:
            form.add_error(None, str(exc.message))
        else:
            messages.success(
                request, _("The result is published and participants are being notified.")
            )
            return redirect(run.get_absolute_url())
    return render(
        request,
        "staff/placement/publish.html",
        {"cohort": cohort, "run": run, "kind": kind, "form": form},
    )
