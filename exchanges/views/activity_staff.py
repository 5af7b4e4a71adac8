"""The secretariat's search of the activity log: who did what to which object, and when."""

import zoneinfo

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from rules.contrib.views import permission_required

from exchanges.activity_types import activity_label
from exchanges.forms.activity import ActivitySearchForm
from exchanges.selectors.activity import activity_search
from exchanges.views.pagination import paginate

PAGE_SIZE = 50


@login_required
@permission_required("exchanges.view_audit_log", raise_exception=True)
def audit_log(request: HttpRequest) -> HttpResponse:
    form = ActivitySearchForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    qs = activity_search(
        actor=filters.get("actor", ""),
        model=filters.get("model", ""),
        object_id=filters.get("object_id"),
        action_type=filters.get("action_type", ""),
        date_from=filters.get("date_from"),
        date_to=filters.get("date_to"),
        time_zone=zoneinfo.ZoneInfo(request.user.time_zone or "UTC"),
    )
    page = paginate(request, qs, per_page=PAGE_SIZE)
    rows = [(entry, activity_label(entry.action_type)) for entry in page.object_list]
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "staff/activity/audit_log.html",
        {"form": form, "page": page, "rows": rows, "query": query.urlencode()},
    )
