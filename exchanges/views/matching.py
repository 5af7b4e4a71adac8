"""Matching pages: staff runs, progress, results, locks, swaps, re-runs and publishing
(secretariat changes, partner staff look), and the participant's matching profile.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRedirect
from rules.contrib.views import objectgetter, permission_required

from exchanges.enums import (
    APPLICATION_MATCHABLE,
    MATCHING_RUN_ACTIVE,
    ApplicationStatus,
    Country,
    Interest,
    LanguageLevel,
    MatchingRunStatus,
    PlacementKind,
    Sector,
    country_label,
    language_label,
)
from exchanges.exceptions import ExchangeError
from exchanges.forms.matching import (
    ConstraintForm,
    MatchingProfileForm,
    MatchingStartForm,
    PublishForm,
    SwapForm,
)
from exchanges.models import (
    Cohort,
    MatchGroup,
    MatchingConstraint,
    MatchingProfile,
    MatchingRun,
)
from exchanges.selectors.applications import (
    PersonView,
    application_for_applicant,
    partner_country_for,
    person_view,
)
from exchanges.selectors.matching import (
    matching_cohorts_visible_to,
    matching_constraints_of,
    matching_groups_of,
    matching_members_of,
    matching_members_search,
    matching_participants_search,
    matching_runs_of,
    published_group_for,
)
from exchanges.selectors.placement import hosts_of, published_placements_for
from exchanges.services.matching import (
    matching_applications,
    matching_cohort_published,
    matching_constraint_add,
    matching_constraint_remove,
    matching_group_lock,
    matching_profile_save,
    matching_rerun_around_locks,
    matching_run_publish,
    matching_run_start,
    matching_run_stop,
    matching_swap_apply,
    matching_swap_preview,
)
from exchanges.views.pagination import paginate

PAGE_SIZE = 25
cohort_getter = objectgetter(Cohort, "cohort_id")
VIEW = "exchanges.view_matching"
MANAGE = "exchanges.manage_matching"


def _label(choices, value: str) -> str:
    return str(choices(value).label) if value in choices.values else value


def _language_label(code: str) -> str:
    return language_label(code)


def member_row(application, view: PersonView | None = None) -> dict:
    """What the pages show of a group member: no contact details, no birth date; for a
    partner, only what ``view`` (``person_view``) allows."""
    if view is not None and not view.full:
        return {
            "pk": application.pk,
            "name": view.name,
            "country": _label(Country, application.country),
            "sector": "",
            "languages": [],
            "interests": [],
        }
    try:
        interests = application.matching_profile.interests
    except MatchingProfile.DoesNotExist:
        interests = []
    return {
        "pk": application.pk,
        "name": application.applicant.display_name,
        "country": _label(Country, application.country),
        "sector": _label(Sector, application.sector) if application.sector else "",
        "languages": [
            {"name": _language_label(code), "level": _label(LanguageLevel, level)}
            for code, level in sorted((application.languages or {}).items())
            if level and level != LanguageLevel.NONE
        ],
        "interests": [_label(Interest, i) for i in interests],
    }


def visible_member_rows(
    applications, *, partner_country: str | None, published: bool
) -> tuple[list[dict], int]:
    """The rows of ``applications`` the viewer may see, and how many others are left out
    (other countries' people before publishing, for a partner)."""
    rows, hidden = [], 0
    for application in applications:
        view = person_view(application, partner_country=partner_country, published=published)
        if view is None:
            hidden += 1
        else:
            rows.append(member_row(application, view))
    return rows, hidden


def group_shape(countries: list[str], per_country: int, member_countries: list[str]) -> str:
    """How a group differs from a full one (an uneven cohort's leftovers), or ""."""
    counts = {country: member_countries.count(country) for country in countries}
    extra = [country_label(c) for c, n in counts.items() if n > per_country]
    missing = [country_label(c) for c, n in counts.items() if n < per_country]
    parts = []
    if extra:
        parts.append(_("an extra member from %(countries)s") % {"countries": ", ".join(extra)})
    if missing:
        parts.append(_("fewer members from %(countries)s") % {"countries": ", ".join(missing)})
    return "; ".join(parts)


def group_row(
    group: MatchGroup,
    *,
    countries: list[str] | None = None,
    per_country: int = 1,
    partner_country: str | None = None,
    published: bool = True,
) -> dict:
    """A group as the pages show it. A partner (``partner_country``) sees members as
    ``person_view`` allows and not the reasons, which tell other members' interests,
    languages and sectors."""
    reasons = (group.reasons or {}) if partner_country is None else {}
    members = list(group.members.all())
    rows, hidden = visible_member_rows(
        [m.application for m in members], partner_country=partner_country, published=published
    )
    return {
        "group": group,
        "shape": group_shape(
            list(countries or []), per_country, [m.application.country for m in members]
        )
        if countries
        else "",
        "members": rows,
        "hidden_members": hidden,
        "show_reasons": partner_country is None,
        "shared_interests": [_label(Interest, i) for i in reasons.get("shared_interests", [])],
        "common_languages": [_language_label(c) for c in reasons.get("common_languages", [])],
        "sectors": [_label(Sector, s) for s in reasons.get("sectors", [])],
    }


def _run(cohort: Cohort, pk: int) -> MatchingRun:
    return get_object_or_404(
        MatchingRun.objects.select_related("created_by", "based_on"), cohort=cohort, pk=pk
    )


def _posted(request: HttpRequest):
    """The POST data of a POST (even an empty one), else ``None`` for an unbound form."""
    return request.POST if request.method == "POST" else None


def _paginate(request: HttpRequest, queryset):
    return paginate(request, queryset, per_page=PAGE_SIZE)


@login_required
@permission_required("exchanges.access_staff_area", raise_exception=True)
def cohorts(request: HttpRequest) -> HttpResponse:
    page = _paginate(request, matching_cohorts_visible_to(viewer=request.user))
    return render(request, "staff/matching/cohorts.html", {"page": page})


@login_required
@permission_required(VIEW, fn=cohort_getter, raise_exception=True)
def runs(request: HttpRequest, cohort_id: int) -> HttpResponse:
    cohort = get_object_or_404(Cohort.objects.select_related("program"), pk=cohort_id)
    page = _paginate(request, matching_runs_of(cohort=cohort))
    return render(
        request,
        "staff/matching/runs.html",
        {
            "cohort": cohort,
            "page": page,
            "participant_count": matching_applications(cohort=cohort).count(),
            "can_manage": request.user.has_perm(MANAGE, cohort),
        },
    )


@login_required
@permission_required(MANAGE, fn=cohort_getter, raise_exception=True)
def start(request: HttpRequest, cohort_id: int) -> HttpResponse:
    cohort = get_object_or_404(Cohort.objects.select_related("program"), pk=cohort_id)
    form = MatchingStartForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            run = matching_run_start(
                cohort=cohort, actor=request.user, parameters=form.parameters()
            )
        except ExchangeError as exc:
            form.add_error(None, str(exc.message))
        else:
            return redirect(run.get_absolute_url())
    counts = dict(
        matching_applications(cohort=cohort)
        .order_by()
        .values_list("country")
        .annotate(n=Count("id"))
        .values_list("country", "n")
    )
    rows = [
        {"label": country_label(c), "count": counts.get(c, 0)} for c in cohort.program.countries
    ]
    return render(
        request,
        "staff/matching/start.html",
        {
            "cohort": cohort,
            "form": form,
            "counts": rows,
            "uneven": len({row["count"] for row in rows}) > 1,
        },
    )


def _progress_context(run: MatchingRun, *, can_manage: bool = False) -> dict:
    return {"run": run, "active": run.status in MATCHING_RUN_ACTIVE, "can_manage": can_manage}


@login_required
@permission_required(VIEW, fn=cohort_getter, raise_exception=True)
def run_detail(request: HttpRequest, cohort_id: int, pk: int) -> HttpResponse:
    cohort = get_object_or_404(Cohort.objects.select_related("program"), pk=cohort_id)
    run = _run(cohort, pk)
    context = {"cohort": cohort, "run": run, "can_manage": request.user.has_perm(MANAGE, cohort)}
    if run.status in MATCHING_RUN_ACTIVE or run.status == MatchingRunStatus.FAILED:
        return render(
            request,
            "staff/matching/progress.html",
            {**context, **_progress_context(run, can_manage=context["can_manage"])},
        )
    page = _paginate(request, matching_groups_of(run=run))
    published_elsewhere = run.status != MatchingRunStatus.PUBLISHED and matching_cohort_published(
        cohort=cohort
    )
    editable = (
        context["can_manage"]
        and run.status == MatchingRunStatus.FINISHED
        and not published_elsewhere
    )
    return render(
        request,
        "staff/matching/run.html",
        {
            **context,
            "page": page,
            "rows": [
                group_row(
                    g,
                    countries=list(cohort.program.countries),
                    per_country=run.parameters.get("per_country", 1),
                    partner_country=partner_country_for(request.user),
                    published=run.status == MatchingRunStatus.PUBLISHED,
                )
                for g in page.object_list
            ],
            "editable": editable,
            "published_elsewhere": published_elsewhere,
            "swap_form": SwapForm(members=matching_members_of(run=run)) if editable else None,
        },
    )


@login_required
@permission_required(VIEW, fn=cohort_getter, raise_exception=True)
def run_progress(request: HttpRequest, cohort_id: int, pk: int) -> HttpResponse:
    """The progress fragment htmx polls; once the run is done it sends the browser on."""
    run = get_object_or_404(
        MatchingRun.objects.select_related("cohort"), cohort_id=cohort_id, pk=pk
    )
    if run.status not in MATCHING_RUN_ACTIVE and request.htmx:
        return HttpResponseClientRedirect(run.get_absolute_url())
    return render(
        request,
        "staff/matching/_progress.html",
        _progress_context(run, can_manage=request.user.has_perm(MANAGE, run.cohort)),
    )


@require_POST
@login_required
@permission_required(MANAGE, fn=cohort_getter, raise_exception=True)
def run_stop(request: HttpRequest, cohort_id: int, pk: int) -> HttpResponse:
    """Stop a running matching; it finishes with the best groups found so far."""
    cohort = get_object_or_404(Cohort, pk=cohort_id)
    run = _run(cohort, pk)
    try:
        matching_run_stop(run=run, actor=request.user)
    except ExchangeError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(
            request, _("The matching stops now and keeps the best groups it has found.")
        )
    return redirect(run.get_absolute_url())


@require_POST
@login_required
@permission_required(MANAGE, fn=cohort_getter, raise_exception=True)
def group_lock(request: HttpRequest, cohort_id: int, pk: int, group_id: int) -> HttpResponse:
    group = get_object_or_404(MatchGroup, run__cohort_id=cohort_id, run_id=pk, pk=group_id)
    locked = request.POST.get("locked") == "1"
    try:
        matching_group_lock(group=group, actor=request.user, locked=locked)
    except ExchangeError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(
            request,
            _("Group %(number)s is locked.") % {"number": group.number}
            if locked
            else _("Group %(number)s is unlocked.") % {"number": group.number},
        )
    page = request.POST.get("page", "")
    url = reverse("staff:matching_run", kwargs={"cohort_id": cohort_id, "pk": pk})
    return redirect(
        f"{url}?page={page}#group-{group.number}"
        if page.isdigit()
        else f"{url}#group-{group.number}"
    )


@login_required
@permission_required(MANAGE, fn=cohort_getter, raise_exception=True)
def swap(request: HttpRequest, cohort_id: int, pk: int) -> HttpResponse:
    """GET with two people shows the score change; POST of the same pair makes the swap."""
    cohort = get_object_or_404(Cohort.objects.select_related("program"), pk=cohort_id)
    run = _run(cohort, pk)
    members = matching_members_of(run=run)
    if request.method == "POST":
        form = SwapForm(request.POST, members=members)
    elif "first" in request.GET and "second" in request.GET:
        form = SwapForm(request.GET, members=members)
    else:
        # One person chosen so far (or none): show the choice, no errors yet.
        chosen = {
            k: request.GET[k] for k in ("first", "second") if request.GET.get(k, "").isdigit()
        }
        form = SwapForm(initial=chosen, members=members)
    preview = None
    if form.is_bound and form.is_valid():
        first, second = form.cleaned_data["first"], form.cleaned_data["second"]
        try:
            if request.method == "POST":
                done = matching_swap_apply(run=run, first=first, second=second, actor=request.user)
                messages.success(
                    request,
                    _("The two people were swapped. Score change: %(delta)s.")
                    % {"delta": f"{done.delta:+.2f}"},
                )
                return redirect(run.get_absolute_url())
            preview = matching_swap_preview(run=run, first=first, second=second)
        except ExchangeError as exc:
            form.add_error(None, str(exc.message))
    return render(
        request,
        "staff/matching/swap.html",
        {
            "cohort": cohort,
            "run": run,
            "form": form,
            "preview": preview,
            **_member_search(request, run),
        },
    )


def _member_search(request: HttpRequest, run: MatchingRun) -> dict:
    """The member search of the swap page: a page of matches for ``?q=``."""
    term = request.GET.get("q", "").strip()[:100]
    choose_url = reverse("staff:matching_swap", kwargs={"cohort_id": run.cohort_id, "pk": run.pk})
    if not term:
        return {"search_term": "", "found": None, "choose_url": choose_url}
    found = paginate(
        request,
        matching_members_search(run=run, term=term),
        per_page=SEARCH_PAGE_SIZE,
        parameter="found",
    )
    return {"search_term": term, "found": found, "choose_url": choose_url}


@require_POST
@login_required
@permission_required(MANAGE, fn=cohort_getter, raise_exception=True)
def rerun(request: HttpRequest, cohort_id: int, pk: int) -> HttpResponse:
    cohort = get_object_or_404(Cohort, pk=cohort_id)
    run = _run(cohort, pk)
    try:
        new_run = matching_rerun_around_locks(run=run, actor=request.user)
    except ExchangeError as exc:
        messages.error(request, str(exc.message))
        return redirect(run.get_absolute_url())
    return redirect(new_run.get_absolute_url())


@login_required
@permission_required(MANAGE, fn=cohort_getter, raise_exception=True)
def publish(request: HttpRequest, cohort_id: int, pk: int) -> HttpResponse:
    cohort = get_object_or_404(Cohort.objects.select_related("program"), pk=cohort_id)
    run = _run(cohort, pk)
    form = PublishForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            matching_run_publish(run=run, actor=request.user)
        except ExchangeError as exc:
            form.add_error(None, str(exc.message))
        else:
            messages.success(
                request, _("The matching is published and participants are being notified.")
            )
            return redirect(run.get_absolute_url())
    group_count = MatchGroup.objects.filter(run=run).count()
    return render(
        request,
        "staff/matching/publish.html",
        {
            "cohort": cohort,
            "run": run,
            "form": form,
            "group_count": group_count,
        },
    )


@login_required
@permission_required(VIEW, fn=cohort_getter, raise_exception=True)
def constraints(request: HttpRequest, cohort_id: int) -> HttpResponse:
    cohort = get_object_or_404(Cohort.objects.select_related("program"), pk=cohort_id)
    can_manage = request.user.has_perm(MANAGE, cohort)
    form = None
    if can_manage:
        form = ConstraintForm(
            _posted(request),
            participants=matching_applications(cohort=cohort),
            initial={key: request.GET[key] for key in ("first", "second") if key in request.GET},
        )
        if request.method == "POST" and form.is_valid():
            try:
                matching_constraint_add(cohort=cohort, actor=request.user, **form.cleaned_data)
            except ExchangeError as exc:
                form.add_error(None, str(exc.message))
            else:
                messages.success(request, _("The rule was added."))
                return redirect("staff:matching_constraints", cohort_id=cohort.pk)
    elif request.method == "POST":
        raise Http404
    page = _paginate(request, matching_constraints_of(cohort=cohort))
    partner_country = partner_country_for(request.user)
    published = partner_country is not None and matching_cohort_published(cohort=cohort)
    return render(
        request,
        "staff/matching/constraints.html",
        {
            "cohort": cohort,
            "page": page,
            "rows": [
                {
                    "constraint": constraint,
                    "people": [
                        person_view(
                            application, partner_country=partner_country, published=published
                        )
                        for application in (constraint.first, constraint.second)
                    ],
                }
                for constraint in page.object_list
            ],
            "form": form,
            "can_manage": can_manage,
            **(_participant_search(request, cohort) if can_manage else {}),
        },
    )


SEARCH_PAGE_SIZE = 20


def _participant_search(request: HttpRequest, cohort: Cohort) -> dict:
    """The participant search next to the rules form: a page of matches for ``?q=``."""
    term = request.GET.get("q", "").strip()[:100]
    choose_url = reverse("staff:matching_constraints", kwargs={"cohort_id": cohort.pk})
    if not term:
        return {"search_term": "", "found": None, "choose_url": choose_url}
    found = paginate(
        request,
        matching_participants_search(cohort=cohort, term=term),
        per_page=SEARCH_PAGE_SIZE,
        parameter="found",
    )
    return {"search_term": term, "found": found, "choose_url": choose_url}


@login_required
@permission_required(MANAGE, fn=cohort_getter, raise_exception=True)
def participant_search(request: HttpRequest, cohort_id: int) -> HttpResponse:
    """The search results alone, for the rules page to load in place (htmx)."""
    cohort = get_object_or_404(Cohort, pk=cohort_id)
    return render(
        request,
        "staff/matching/_participant_search.html",
        {"cohort": cohort, **_participant_search(request, cohort)},
    )


@require_POST
@login_required
@permission_required(MANAGE, fn=cohort_getter, raise_exception=True)
def constraint_delete(request: HttpRequest, cohort_id: int, pk: int) -> HttpResponse:
    constraint = get_object_or_404(
        MatchingConstraint.objects.select_related("cohort"), cohort_id=cohort_id, pk=pk
    )
    matching_constraint_remove(constraint=constraint, actor=request.user)
    messages.success(request, _("The rule was removed."))
    return redirect("staff:matching_constraints", cohort_id=cohort_id)


# --------------------------------------------------------------------------- participants
PROFILE_STATUSES = frozenset({ApplicationStatus.ACCEPTED, *APPLICATION_MATCHABLE})
# Who can have a host or mentor: participants, and alumni looking back.
PLACEMENT_STATUSES = frozenset({*APPLICATION_MATCHABLE, ApplicationStatus.ALUMNUS})


@login_required
def matching_profile(request: HttpRequest, pk: int) -> HttpResponse:
    """A selected participant's interests and optional gender for the matching."""
    application = application_for_applicant(applicant=request.user, pk=pk)
    if application is None or application.status not in PROFILE_STATUSES:
        raise Http404
    try:
        profile = application.matching_profile
    except MatchingProfile.DoesNotExist:
        profile = None
    initial = {}
    if profile:
        initial = {
            "interests": profile.interests,
            "gender": profile.gender,
            "pet_allergy": profile.pet_allergy,
            "dietary_needs": profile.dietary_needs,
            **{
                f"host_{i}": str(pk)
                for i, pk in enumerate(
                    profile.host_preferences[: MatchingProfileForm.HOST_CHOICES], start=1
                )
            },
        }
    form = MatchingProfileForm(
        _posted(request), initial=initial, hosts=hosts_of(cohort=application.cohort)
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            matching_profile_save(
                application=application,
                actor=request.user,
                interests=data["interests"],
                gender=data["gender"],
                host_preferences=form.host_preferences(),
                pet_allergy=data["pet_allergy"],
                dietary_needs=data["dietary_needs"],
            )
        except ExchangeError as exc:
            form.add_error(None, str(exc.message))
        else:
            messages.success(request, _("Your matching profile is saved."))
            return redirect(application.get_absolute_url())
    return render(
        request,
        "matching/profile.html",
        {"application": application, "cohort": application.cohort, "form": form},
    )


def mentor_row(mentor, view: PersonView | None = None, *, hidden: bool = False) -> dict:
    """What a participant sees of their mentor: name, country and sector; a partner, what
    ``view`` (``person_view``) allows, and nothing while ``hidden`` (not published yet)."""
    if hidden:
        return {"name": "", "country": "", "sector": "", "hidden": True, "full": False}
    if view is not None and not view.full:
        return {
            "name": view.name,
            "country": _label(Country, mentor.country),
            "sector": "",
            "hidden": False,
            "full": False,
        }
    return {
        "name": mentor.applicant.display_name,
        "country": _label(Country, mentor.country),
        "sector": _label(Sector, mentor.sector) if mentor.sector else "",
        "hidden": False,
        "full": True,
    }


def matching_status_context(application) -> dict:
    """Context for the matching section of the applicant's status page: the published group
    (one query, plus two when it exists), host and mentor (one more query for participants)."""
    group = published_group_for(application=application)
    placements = (
        published_placements_for(application=application)
        if application.status in PLACEMENT_STATUSES
        else {}
    )
    host = placements.get(PlacementKind.HOSTS)
    mentor = placements.get(PlacementKind.MENTORS)
    row = group_row(group) if group else None
    if row is not None:
        # "You are in group 3 with:" lists the others, not the reader.
        row["members"] = [member for member in row["members"] if member["pk"] != application.pk]
    return {
        "matching_group": row,
        "matching_host": host.host if host and host.host_id else None,
        "matching_host_published": host is not None,
        "matching_mentor": mentor_row(mentor.mentor) if mentor and mentor.mentor_id else None,
        "matching_mentor_published": mentor is not None,
        "matching_profile_editable": (
            application.status in PROFILE_STATUSES and group is None and host is None
        ),
    }
