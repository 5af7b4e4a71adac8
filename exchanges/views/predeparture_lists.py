"""Staff lists of pre-departure: arrival, dietary and accessibility, rooming; each as a
paginated page, a print view, CSV (streamed) and XLSX (written to a temporary file and
streamed from it).

Anyone who may see the cohort's pre-departure sees the arrival and rooming lists, scoped to
their country for partner staff. The dietary and accessibility list also needs the
``exchanges.view_dietary_list`` permission, granted per person or group in the admin; without
it the answer is 403, and every look with it is logged.
"""

import tempfile

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, render
from rules.contrib.views import objectgetter, permission_required

from exchanges.models import Cohort
from exchanges.selectors.predeparture import predeparture_list
from exchanges.services.exports import csv_stream, xlsx_write
from exchanges.services.predeparture_lists import (
    LIST_KINDS,
    predeparture_dietary_list_viewed,
    predeparture_list_header,
    predeparture_list_row,
    predeparture_list_rows,
    predeparture_list_title,
)
from exchanges.views.pagination import paginate

cohort_getter = objectgetter(Cohort, "cohort_id")
VIEW = "exchanges.view_predeparture"
DIETARY = "exchanges.view_dietary_list"
FORMATS = ("html", "print", "csv", "xlsx")
PAGE_SIZE = 100
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _allowed(request: HttpRequest, kind: str) -> None:
    if kind not in LIST_KINDS:
        raise Http404
    if kind == "dietary" and not request.user.has_perm(DIETARY):
        raise PermissionDenied


@login_required
@permission_required(VIEW, fn=cohort_getter, raise_exception=True)
def staff_list(request: HttpRequest, cohort_id: int, kind: str, fmt: str = "html") -> HttpResponse:
    _allowed(request, kind)
    if fmt not in FORMATS:
        raise Http404
    cohort = get_object_or_404(Cohort.objects.select_related("program"), pk=cohort_id)
    applications = predeparture_list(viewer=request.user, cohort=cohort, kind=kind)
    name = f"{kind}-{cohort.slug}"
    if fmt in ("csv", "xlsx"):
        if kind == "dietary":
            predeparture_dietary_list_viewed(
                actor=request.user, cohort=cohort, output=fmt, rows=applications.count()
            )
        rows = predeparture_list_rows(kind, applications)
        if fmt == "csv":
            response = StreamingHttpResponse(
                csv_stream(rows), content_type="text/csv; charset=utf-8"
            )
        else:
            # FileResponse closes the file once sent; a context manager would close it first.
            target = tempfile.TemporaryFile()  # noqa: SIM115
            xlsx_write(rows, title=predeparture_list_title(kind), target=target)
            target.seek(0)
            response = FileResponse(target, content_type=XLSX_TYPE)
        response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
        response["Cache-Control"] = "private, no-store"
        return response
    if fmt == "print":
        page = None
        shown = list(applications)
    else:
        page = paginate(request, applications, per_page=PAGE_SIZE)
        shown = list(page.object_list)
    if kind == "dietary":
        predeparture_dietary_list_viewed(
            actor=request.user, cohort=cohort, output=fmt, rows=len(shown)
        )
    response = render(
        request,
        "staff/predeparture/list.html",
        {
            "cohort": cohort,
            "kind": kind,
            "fmt": fmt,
            "title": predeparture_list_title(kind),
            "header": predeparture_list_header(kind),
            "rows": [predeparture_list_row(kind, application) for application in shown],
            "page": page,
            "kinds": [
                (other, predeparture_list_title(other))
                for other in LIST_KINDS
                if other != "dietary" or request.user.has_perm(DIETARY)
            ],
            "can_edit_itinerary": request.user.has_perm("exchanges.manage_itinerary", cohort),
        },
    )
    response["Cache-Control"] = "private, no-store"
    return response
