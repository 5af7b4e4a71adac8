"""Offer pages: the applicant accepts or declines their offer; staff offer a free seat to the
next person on a waiting list. The staff deadline change lives on the application page
(``applications_staff.application_detail``), which uses ``staff_offer_context``.

An applicant reaches only their own application (404 otherwise, as on every applicant page).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from rules.contrib.views import permission_required

from exchanges.enums import ApplicationStatus, Country
from exchanges.exceptions import ExchangeError
from exchanges.forms.offers import OfferDeadlineForm, OfferDeclineForm, WaitlistPromoteForm
from exchanges.models import Application
from exchanges.selectors.applications import (
    application_for_applicant,
    cohorts_visible_to_staff,
    partner_country_for,
    person_view,
)
from exchanges.selectors.offers import quota_usage_for_application, viewer_manages_country
from exchanges.services.applications import REASON_LAPSED, REASON_PROMOTED
from exchanges.services.offers import offer_respond
from exchanges.services.waitlists import waitlist_promote_next

STAFF = "exchanges.access_staff_area"


def system_reason_labels() -> dict[str, str]:
    """The reasons the system records on its own transitions, as people read them."""
    return {
        REASON_PROMOTED: _("offered a place that became free on the waiting list"),
        REASON_LAPSED: _("no answer by the deadline"),
    }


def _own(request: HttpRequest, pk: int) -> Application:
    application = application_for_applicant(applicant=request.user, pk=pk)
    if application is None:
        raise Http404
    return application


def applicant_offer_context(application: Application) -> dict:
    """Context for the offer part of the applicant's status page (no queries)."""
    labels = dict(Country.choices)
    return {
        "offer_open": application.offer_is_open,
        "offer_expired": (
            application.status == ApplicationStatus.ACCEPTED and not application.offer_is_open
        ),
        "waitlist_country": labels.get(application.country, application.country),
    }


@login_required
@require_POST
def accept(request: HttpRequest, pk: int) -> HttpResponse:
    application = _own(request, pk)
    try:
        offer_respond(application=application, actor=request.user, accept=True)
    except ExchangeError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("You have accepted your place. Welcome to the program!"))
    return redirect("apply:status", pk=application.pk)


@login_required
def decline(request: HttpRequest, pk: int) -> HttpResponse:
    application = _own(request, pk)
    if application.status == ApplicationStatus.DECLINED:
        return redirect("apply:status", pk=application.pk)
    if not application.offer_is_open:
        messages.error(request, _("This offer can no longer be answered."))
        return redirect("apply:status", pk=application.pk)
    form = OfferDeclineForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            offer_respond(
                application=application,
                actor=request.user,
                accept=False,
                reason=form.cleaned_data["reason"],
            )
        except ExchangeError as exc:
            messages.error(request, str(exc.message))
        else:
            messages.success(
                request, _("You have declined your place. Thank you for letting us know.")
            )
        return redirect("apply:status", pk=application.pk)
    return render(request, "offers/decline.html", {"application": application, "form": form})


def staff_offer_context(
    *, application: Application, deadline_form: OfferDeadlineForm | None
) -> dict:
    """Context for the offer section of the staff application page (two queries)."""
    if deadline_form is None and application.status == ApplicationStatus.ACCEPTED:
        deadline_form = OfferDeadlineForm(time_zone=application.cohort.time_zone)
    return {
        "deadline_form": deadline_form
        if application.status == ApplicationStatus.ACCEPTED
        else None,
        "quota_row": quota_usage_for_application(application=application),
        "reason_labels": system_reason_labels(),
    }


@login_required
@permission_required(STAFF, raise_exception=True)
@require_POST
def waitlist_promote(request: HttpRequest, cohort_id: int) -> HttpResponse:
    """Offer the next free seat of a country to the first person on its waiting list."""
    cohort = get_object_or_404(cohorts_visible_to_staff(viewer=request.user), pk=cohort_id)
    form = WaitlistPromoteForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a country."))
        return redirect("staff:pipeline", cohort_id=cohort.pk)
    country = form.cleaned_data["country"]
    if not viewer_manages_country(viewer=request.user, country=country):
        raise Http404
    try:
        promoted = waitlist_promote_next(cohort=cohort, country=country, actor=request.user)
    except ExchangeError as exc:
        messages.error(request, str(exc.message))
    else:
        # A partner learns only the number of an applicant who did not consent to sharing.
        view = person_view(promoted, partner_country=partner_country_for(request.user))
        messages.success(
            request,
            _("%(name)s has been offered the free place.") % {"name": view.name}
            if view.full
            else _("Application #%(number)s has been offered the free place.")
            % {"number": promoted.pk},
        )
    return redirect("staff:pipeline", cohort_id=cohort.pk)
