"""Staff pages for the secretariat and partner organisations."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from rules.contrib.views import permission_required

from exchanges.enums import Country
from exchanges.selectors.dashboard import applicant_counts_by_country


@login_required
@permission_required("exchanges.access_staff_area", raise_exception=True)
def dashboard(request: HttpRequest) -> HttpResponse:
    labels = dict(Country.choices)
    counts = [
        {
            "country": row["country"],
            "label": labels.get(row["country"], row["country"] or "—"),
            "total": row["total"],
        }
        for row in applicant_counts_by_country(viewer=request.user)
    ]
    return render(
        request,
        "staff/dashboard.html",
        {
            "applicant_counts": counts,
            "applicant_total": sum(row["total"] for row in counts),
        },
    )
