"""Staff pages of attendance: the cohort's sessions, the phone-sized roll call of one session
(offline-tolerant with ``static/js/attendance.js``, and a plain form without JavaScript), the
JSON endpoint the script sends queued marks to, and the completion rule and run.

The roll call lists the participants the viewer may see (partner staff: their country).
"""

import json
import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST
from rules.contrib.views import objectgetter, permission_required

from exchanges.enums import AttendanceStatus
from exchanges.exceptions import ExchangeError
from exchanges.forms.attendance import CompletionRuleForm, RollCallForm
from exchanges.models import Cohort, ItineraryItem
from exchanges.selectors.attendance import (
    attendance_marks_of,
    attendance_roll,
    attendance_sessions,
    completion_candidates,
    completion_rule_of,
)
from exchanges.services.attendance import (
    attendance_record,
    cohort_complete,
    completion_rule_save,
    completion_table,
)
from exchanges.views.pagination import paginate

cohort_getter = objectgetter(Cohort, "cohort_id")
RECORD = "exchanges.record_attendance"
MANAGE = "exchanges.manage_completion"
PAGE_SIZE = 100


def _cohort(cohort_id: int) -> Cohort:
    return get_object_or_404(Cohort.objects.select_related("program"), pk=cohort_id)


def _session(cohort: Cohort, pk: int) -> ItineraryItem:
    return get_object_or_404(ItineraryItem, cohort=cohort, pk=pk)


def _time_text(item: ItineraryItem) -> str:
    text = formats.date_format(item.day, "DATE_FORMAT") + " "
    text += formats.time_format(item.start_time, "TIME_FORMAT")
    if item.end_time:
        text += "–" + formats.time_format(item.end_time, "TIME_FORMAT")
    return text


@login_required
@permission_required(RECORD, fn=cohort_getter, raise_exception=True)
def sessions(request: HttpRequest, cohort_id: int) -> HttpResponse:
    cohort = _cohort(cohort_id)
    page = paginate(request, attendance_sessions(cohort=cohort), per_page=PAGE_SIZE)
    return render(
        request,
        "staff/attendance/sessions.html",
        {
            "cohort": cohort,
            "page": page,
            "rows": [{"item": item, "time_text": _time_text(item)} for item in page.object_list],
            "can_manage": request.user.has_perm(MANAGE, cohort),
        },
    )


@login_required
@permission_required(RECORD, fn=cohort_getter, raise_exception=True)
def roll_call(request: HttpRequest, cohort_id: int, pk: int) -> HttpResponse:
    """One session's roll call. Without JavaScript the form posts here; the mark ids derive
    from the page's batch id, so a repeated submit is saved once."""
    cohort = _cohort(cohort_id)
    item = _session(cohort, pk)
    page = paginate(request, attendance_roll(viewer=request.user, item=item), per_page=PAGE_SIZE)
    ids = [application.pk for application in page.object_list]
    form = RollCallForm(
        request.POST if request.method == "POST" else None,
        application_ids=ids,
        initial={"batch": uuid.uuid4()},
    )
    if request.method == "POST" and form.is_valid():
        batch = form.cleaned_data["batch"]
        now = timezone.now().isoformat()
        marks = [
            {
                "application": application_id,
                "status": status,
                "client_id": str(uuid.uuid5(batch, str(application_id))),
                "marked_at": now,
            }
            for application_id, status in form.marks()
        ]
        try:
            attendance_record(item=item, marks=marks, actor=request.user)
        except (ValidationError, ExchangeError) as error:
            form.add_error(None, error.messages if hasattr(error, "messages") else str(error))
        else:
            messages.success(request, _("Attendance is saved."))
            return redirect(request.get_full_path())
    marks = attendance_marks_of(item=item, application_ids=ids)
    rows = []
    for application in page.object_list:
        mark = marks.get(application.pk)
        posted = form[f"mark-{application.pk}"].value() if form.is_bound else None
        rows.append(
            {
                "application": application,
                "name": application.applicant.display_name,
                "status": posted or (mark.status if mark else ""),
            }
        )
    return render(
        request,
        "staff/attendance/roll_call.html",
        {
            "cohort": cohort,
            "item": item,
            "time_text": _time_text(item),
            "page": page,
            "rows": rows,
            "form": form,
            "statuses": AttendanceStatus.choices,
        },
    )


@login_required
@permission_required(RECORD, fn=cohort_getter, raise_exception=True)
@require_POST
def marks(request: HttpRequest, cohort_id: int, pk: int) -> JsonResponse:
    """Queued marks from ``attendance.js``: ``{"marks": [{application, status, client_id,
    marked_at}]}``. Answers which client ids were saved, already known or stale."""
    cohort = _cohort(cohort_id)
    item = _session(cohort, pk)
    try:
        payload = json.loads(request.body or b"{}")
        raw = payload["marks"]
        if not isinstance(raw, list):
            raise TypeError
    except (ValueError, KeyError, TypeError):
        return JsonResponse({"detail": _("Send a JSON object with a list of marks.")}, status=400)
    try:
        result = attendance_record(item=item, marks=raw, actor=request.user)
    except ValidationError as error:
        return JsonResponse({"detail": " ".join(error.messages)}, status=400)
    except ExchangeError as error:
        return JsonResponse({"detail": str(error.message)}, status=409)
    return JsonResponse(result)


@login_required
@permission_required(MANAGE, fn=cohort_getter, raise_exception=True)
def completion(request: HttpRequest, cohort_id: int) -> HttpResponse:
    """The completion rule, each participant's standing against it, and the button that
    completes those who meet it."""
    cohort = _cohort(cohort_id)
    rule = completion_rule_of(cohort=cohort)
    form = CompletionRuleForm(
        request.POST if request.method == "POST" else None,
        initial={
            "min_attendance_percent": rule.min_attendance_percent,
            "require_post_survey": rule.require_post_survey,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            completion_rule_save(cohort=cohort, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The completion rule is saved."))
            return redirect("staff:attendance_completion", cohort_id=cohort.pk)
    page = paginate(
        request, completion_candidates(viewer=request.user, cohort=cohort), per_page=PAGE_SIZE
    )
    return render(
        request,
        "staff/attendance/completion.html",
        {
            "cohort": cohort,
            "form": form,
            "rule": rule,
            "page": page,
            "rows": completion_table(
                viewer=request.user, cohort=cohort, candidates=page.object_list
            ),
        },
    )


@login_required
@permission_required(MANAGE, fn=cohort_getter, raise_exception=True)
@require_POST
def complete(request: HttpRequest, cohort_id: int) -> HttpResponse:
    cohort = _cohort(cohort_id)
    count = cohort_complete(cohort=cohort, actor=request.user)
    messages.success(
        request,
        ngettext(
            "%(count)s participant completed the program and received a certificate.",
            "%(count)s participants completed the program and received their certificates.",
            count,
        )
        % {"count": count},
    )
    return redirect("staff:attendance_completion", cohort_id=cohort.pk)
