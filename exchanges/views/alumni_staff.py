"""Staff pages of the alumni network: the directory as staff see it (partner staff: alumni of
their country), reported messages, and suspending or restoring a sender's messaging
(secretariat)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from rules.contrib.views import permission_required

from accounts.models import User
from exchanges.exceptions import ExchangeError
from exchanges.forms.alumni import AlumniReportFilterForm, AlumniSuspendForm
from exchanges.models import AlumniMessage
from exchanges.selectors.alumni import AUDIENCE_STAFF, alumni_reports, alumni_suspensions
from exchanges.services.alumni import (
    alumni_messaging_restore,
    alumni_messaging_suspend,
    alumni_report_dismiss,
)
from exchanges.views.alumni import directory_page
from exchanges.views.pagination import paginate

PAGE_SIZE = 50
VIEW = "exchanges.view_alumni_directory"
MANAGE = "exchanges.manage_alumni"


@login_required
@permission_required("exchanges.access_staff_area", raise_exception=True)
@permission_required(VIEW, raise_exception=True)
def directory(request: HttpRequest) -> HttpResponse:
    return directory_page(
        request,
        audience=AUDIENCE_STAFF,
        template="staff/alumni/directory.html",
        extra={"can_manage": request.user.has_perm(MANAGE)},
    )


@login_required
@permission_required(MANAGE, raise_exception=True)
def reports(request: HttpRequest) -> HttpResponse:
    form = AlumniReportFilterForm(request.GET or None)
    status = form.cleaned_data["status"] if form.is_bound and form.is_valid() else ""
    page = paginate(request, alumni_reports(status=status), per_page=PAGE_SIZE)
    suspensions = paginate(request, alumni_suspensions(), per_page=PAGE_SIZE, parameter="suspended")
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "staff/alumni/reports.html",
        {
            "form": form,
            "page": page,
            "suspensions": suspensions,
            "query": query.urlencode(),
        },
    )


@login_required
@permission_required(MANAGE, raise_exception=True)
@require_POST
def report_dismiss(request: HttpRequest, pk: int) -> HttpResponse:
    found = get_object_or_404(AlumniMessage, pk=pk)
    try:
        alumni_report_dismiss(message=found, actor=request.user)
    except ExchangeError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("The report is dismissed."))
    return redirect("staff:alumni_reports")


@login_required
@permission_required(MANAGE, raise_exception=True)
@require_POST
def report_suspend(request: HttpRequest, pk: int) -> HttpResponse:
    found = get_object_or_404(AlumniMessage.objects.select_related("sender"), pk=pk)
    form = AlumniSuspendForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        alumni_messaging_suspend(
            user=found.sender, actor=request.user, reason=reason, message=found
        )
    except ExchangeError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(
            request,
            _("%(name)s can no longer send alumni messages.") % {"name": found.sender_name},
        )
    return redirect("staff:alumni_reports")


@login_required
@permission_required(MANAGE, raise_exception=True)
@require_POST
def restore(request: HttpRequest, user_id: int) -> HttpResponse:
    person = get_object_or_404(User, pk=user_id)
    if alumni_messaging_restore(user=person, actor=request.user):
        messages.success(request, _("Messaging is restored."))
    return redirect("staff:alumni_reports")
