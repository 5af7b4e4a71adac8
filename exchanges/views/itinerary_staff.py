"""Staff pages of the itinerary: the cohort's private calendar link (and its reset) and the
printable one-page itinerary. Anyone who may see the cohort's pre-departure may use them;
the editor itself stays in ``exchanges.views.predeparture`` (secretariat only)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import formats
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from rules.contrib.views import objectgetter, permission_required

from exchanges.models import Cohort
from exchanges.selectors.itinerary import itinerary_items
from exchanges.services.itinerary import (
    itinerary_feed_get,
    itinerary_feed_reset,
    itinerary_feed_url,
)
from exchanges.views.predeparture import itinerary_days

cohort_getter = objectgetter(Cohort, "cohort_id")
VIEW = "exchanges.view_predeparture"


def _cohort(cohort_id: int) -> Cohort:
    return get_object_or_404(Cohort.objects.select_related("program"), pk=cohort_id)


@login_required
@permission_required(VIEW, fn=cohort_getter, raise_exception=True)
def calendar(request: HttpRequest, cohort_id: int) -> HttpResponse:
    """The cohort's calendar link, to subscribe in a calendar app."""
    cohort = _cohort(cohort_id)
    feed = itinerary_feed_get(cohort=cohort)
    return render(
        request,
        "staff/itinerary/calendar.html",
        {
            "cohort": cohort,
            "feed": feed,
            "feed_url": itinerary_feed_url(feed),
            "can_edit_itinerary": request.user.has_perm("exchanges.manage_itinerary", cohort),
        },
    )


@login_required
@permission_required(VIEW, fn=cohort_getter, raise_exception=True)
@require_POST
def calendar_reset(request: HttpRequest, cohort_id: int) -> HttpResponse:
    cohort = _cohort(cohort_id)
    itinerary_feed_reset(feed=itinerary_feed_get(cohort=cohort), actor=request.user)
    messages.success(request, _("The cohort's calendar link is new; the old one no longer works."))
    return redirect("staff:itinerary_calendar", cohort_id=cohort.pk)


@login_required
@permission_required(VIEW, fn=cohort_getter, raise_exception=True)
def itinerary_print(request: HttpRequest, cohort_id: int) -> HttpResponse:
    cohort = _cohort(cohort_id)
    return render(
        request,
        "itinerary/print.html",
        {
            "cohort": cohort,
            "days": itinerary_days(
                itinerary_items(cohort_id=cohort.pk), cohort=cohort, time_zone=cohort.time_zone
            ),
            "own_zone": cohort.time_zone,
            "starts_on_text": formats.date_format(cohort.starts_on, "DATE_FORMAT"),
            "ends_on_text": formats.date_format(cohort.ends_on, "DATE_FORMAT"),
        },
    )
