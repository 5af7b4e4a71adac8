"""The participant's itinerary: the page (times where the program takes place and in the
reader's zone), a printable one-page version, the private calendar link and its reset, and
the public feed that calendar apps fetch with that link.

Another person's application, or one that is not (or no longer) a participant's, is 404.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import formats
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django_scopes import scopes_disabled

from exchanges.enums import APPLICATION_ITINERARY
from exchanges.models import Application
from exchanges.selectors.applications import application_for_applicant
from exchanges.selectors.attendance import certificate_of
from exchanges.selectors.itinerary import itinerary_feed_for_link, itinerary_items
from exchanges.services.itinerary import (
    FEED_CONTENT_TYPE,
    itinerary_calendar,
    itinerary_feed_get,
    itinerary_feed_reset,
    itinerary_feed_touch,
    itinerary_feed_url,
)
from exchanges.views.predeparture import itinerary_days


def _application(request: HttpRequest, pk: int) -> Application:
    application = application_for_applicant(applicant=request.user, pk=pk)
    if application is None or not request.user.has_perm("exchanges.view_itinerary", application):
        raise Http404
    return application


def _context(request: HttpRequest, application: Application) -> dict:
    cohort = application.cohort
    return {
        "application": application,
        "cohort": cohort,
        "days": itinerary_days(
            itinerary_items(cohort_id=cohort.pk), cohort=cohort, time_zone=request.user.time_zone
        ),
        "own_zone": request.user.time_zone or "UTC",
        "starts_on_text": formats.date_format(cohort.starts_on, "DATE_FORMAT"),
        "ends_on_text": formats.date_format(cohort.ends_on, "DATE_FORMAT"),
    }


@login_required
def itinerary(request: HttpRequest, pk: int) -> HttpResponse:
    """The program schedule with the participant's private calendar link."""
    application = _application(request, pk)
    feed = itinerary_feed_get(cohort=application.cohort, application=application)
    return render(
        request,
        "itinerary/itinerary.html",
        {
            **_context(request, application),
            "feed": feed,
            "feed_url": itinerary_feed_url(feed),
            "certificate": certificate_of(application=application),
        },
    )


@login_required
def itinerary_print(request: HttpRequest, pk: int) -> HttpResponse:
    """The schedule on one printed page: no navigation, compact type (``itinerary-print.css``)."""
    application = _application(request, pk)
    return render(request, "itinerary/print.html", _context(request, application))


@login_required
@require_POST
def itinerary_reset(request: HttpRequest, pk: int) -> HttpResponse:
    """A new calendar link; the old one stops working."""
    application = _application(request, pk)
    feed = itinerary_feed_get(cohort=application.cohort, application=application)
    itinerary_feed_reset(feed=feed, actor=request.user)
    messages.success(
        request,
        _("Your calendar link is new. Subscribe again with it; the old link no longer works."),
    )
    return redirect("apply:itinerary", pk=application.pk)


# The link's token is the right to its one row, whoever is signed in (or no one): the
# row is found by the token's hash with query scopes off (exchanges.scopes).
@scopes_disabled()
@never_cache
def feed(request: HttpRequest, pk: int, token: str) -> HttpResponse:
    """The iCalendar document behind a private link (no login: calendar apps have none).
    A wrong or reset link, or a participant who withdrew, is 404."""
    found = itinerary_feed_for_link(pk=pk, token=token)
    if found is None:
        raise Http404
    if found.application is not None:
        if found.application.status not in APPLICATION_ITINERARY:
            raise Http404
        language = found.application.applicant.preferred_language or "en"
    else:
        language = request.LANGUAGE_CODE
    body = itinerary_calendar(cohort=found.cohort, language=language)
    itinerary_feed_touch(feed=found)
    response = HttpResponse(body, content_type=FEED_CONTENT_TYPE)
    response["Content-Disposition"] = 'inline; filename="itinerary.ics"'
    response["X-Robots-Tag"] = "noindex"
    return response
