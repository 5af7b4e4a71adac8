"""The staff's pre-departure lists: arrivals (who lands when, where), dietary and
accessibility needs (for caterers and venues) and rooming (who stays with which host).

Each list is a header and rows of plain cells, built in the active language and made safe for
spreadsheets (``neutralise_cell``) so the page, the print view, CSV and XLSX show the same.
Every look at the dietary and accessibility list, whatever the format, is written to the
activity log with who, which cohort, the format and the row count, never the contents.
"""

import datetime as dt
from collections.abc import Iterator

from django.db import transaction
from django.utils import formats
from django.utils.translation import gettext as _

from exchanges.activity_types import Activity
from exchanges.enums import DietaryNeed, country_label
from exchanges.models import Application, Cohort, PredepartureChecklist
from exchanges.services.activity import activity_log_record
from exchanges.services.exports import neutralise_cell

LIST_KINDS = ("arrival", "dietary", "rooming")


def predeparture_list_title(kind: str) -> str:
    return {
        "arrival": _("Arrival list"),
        "dietary": _("Dietary and accessibility list"),
        "rooming": _("Rooming list"),
    }[kind]


def predeparture_list_header(kind: str) -> list[str]:
    base = [_("Name"), _("Country")]
    if kind == "arrival":
        return [*base, _("Arrival date"), _("Arrival time"), _("Flight or train")]
    if kind == "dietary":
        return [
            *base,
            _("Dietary needs"),
            _("Dietary details"),
            _("Medical or accessibility needs"),
        ]
    return [*base, _("Host"), _("City")]


def _checklist(application: Application) -> PredepartureChecklist | None:
    try:
        return application.predeparture_checklist
    except PredepartureChecklist.DoesNotExist:
        return None


def _date(value: dt.date | None) -> str:
    return formats.date_format(value, "DATE_FORMAT") if value else ""


def _time(value: dt.time | None) -> str:
    return formats.time_format(value, "TIME_FORMAT") if value else ""


def predeparture_list_row(kind: str, application: Application) -> list:
    checklist = _checklist(application)
    row = [application.applicant.display_name, str(country_label(application.country))]
    if kind == "arrival":
        row += [
            _date(checklist.arrival_on) if checklist else "",
            _time(checklist.arrival_time) if checklist else "",
            checklist.arrival_transport if checklist else "",
        ]
    elif kind == "dietary":
        labels = dict(DietaryNeed.choices)
        needs = checklist.dietary_needs if checklist else []
        row += [
            ", ".join(str(labels.get(need, need)) for need in needs),
            checklist.dietary_notes if checklist else "",
            checklist.medical_notes if checklist else "",
        ]
    else:
        row += [application.host_name or "", application.host_city or ""]
    return [neutralise_cell(cell) for cell in row]


def predeparture_list_rows(kind: str, applications) -> Iterator[list]:
    """Header, then one row per application; ``applications`` is iterated in chunks."""
    yield predeparture_list_header(kind)
    for application in applications.iterator(chunk_size=500):
        yield predeparture_list_row(kind, application)


@transaction.atomic
def predeparture_dietary_list_viewed(*, actor, cohort: Cohort, output: str, rows: int) -> None:
    """Record that ``actor`` looked at (or downloaded) the cohort's dietary list."""
    activity_log_record(
        actor=actor,
        obj=cohort,
        action_type=Activity.DIETARY_LIST_VIEWED,
        data={"format": output, "rows": rows},
    )
