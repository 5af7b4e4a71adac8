"""Pre-departure pages: the participant's checklist and itinerary, and for staff the cohort's
completion table, one participant's checklist and the itinerary editor.

Who sees what is decided by ``exchanges.rules``: the participant and the secretariat read the
details; partner staff of the participant's country see which sections are complete; the
dietary and medical details only the participant and staff in scope holding
``view_dietary_list``, and every such view by staff is logged. Anyone else gets 404
(participant pages) or 403 (staff pages of a cohort they may not see).
"""

import datetime as dt
import zoneinfo

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import formats
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from rules.contrib.views import objectgetter, permission_required

from exchanges.enums import (
    PREDEPARTURE_REQUIRED_SECTIONS,
    PREDEPARTURE_SENSITIVE_SECTIONS,
    Country,
    DietaryNeed,
    PredepartureSection,
)
from exchanges.exceptions import ExchangeError
from exchanges.formatting import time_range_text
from exchanges.forms.predeparture import (
    SECTION_FORMS,
    ItineraryItemForm,
    PredepartureFilterForm,
)
from exchanges.models import Application, Cohort, ItineraryItem, PredepartureChecklist
from exchanges.selectors.applications import application_for_applicant
from exchanges.selectors.predeparture import (
    itinerary_of,
    predeparture_checklist_of,
    predeparture_counts,
    predeparture_participant,
    predeparture_participants,
)
from exchanges.services.activity import activity_record_sensitive_view
from exchanges.services.predeparture import (
    ITINERARY_FIELDS,
    SECTION_FIELDS,
    SENSITIVE_CHECKLIST_FIELDS,
    itinerary_item_delete,
    itinerary_item_save,
    predeparture_is_open,
    predeparture_section_save,
)
from exchanges.views.pagination import paginate

PAGE_SIZE = 50
ITINERARY_PAGE_SIZE = 100
cohort_getter = objectgetter(Cohort, "cohort_id")
VIEW = "exchanges.view_predeparture"
MANAGE_ITINERARY = "exchanges.manage_itinerary"


# --- Presentation helpers --------------------------------------------------------------------


def checklist_or_blank(application: Application) -> PredepartureChecklist:
    """The application's checklist, or an unsaved empty one before the first save."""
    try:
        return application.predeparture_checklist
    except PredepartureChecklist.DoesNotExist:
        return PredepartureChecklist(application=application)


def _state(required: bool, complete: bool) -> tuple[str, str]:
    """(css modifier, label) of a section's state."""
    if required:
        return ("success", _("Complete")) if complete else ("warning", _("To do"))
    return ("success", _("Provided")) if complete else ("secondary", _("Optional"))


def _value_text(checklist: PredepartureChecklist, name: str) -> str:
    value = getattr(checklist, name)
    field = PredepartureChecklist._meta.get_field(name)
    if value is None or value in ("", []):
        return "—"
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if name == "dietary_needs":
        labels = dict(DietaryNeed.choices)
        return ", ".join(str(labels.get(need, need)) for need in value)
    if field.choices:
        return str(dict(field.choices).get(value, value))
    if isinstance(value, dt.date):
        return formats.date_format(value, "DATE_FORMAT")
    if isinstance(value, dt.time):
        return formats.time_format(value, "TIME_FORMAT")
    return str(value)


def section_rows(
    checklist: PredepartureChecklist,
    *,
    details: frozenset[str] = frozenset(),
    forms: dict | None = None,
) -> list[dict]:
    """Each section's state, and the values of the sections in ``details`` (those the
    viewer may read)."""
    rows = []
    for key, label in PredepartureSection.choices:
        required = key in PREDEPARTURE_REQUIRED_SECTIONS
        complete = checklist.section_is_complete(key)
        css, state = _state(required, complete)
        rows.append(
            {
                "key": key,
                "label": label,
                "required": required,
                "complete": complete,
                "css": css,
                "state": state,
                "private": key in PREDEPARTURE_SENSITIVE_SECTIONS,
                "updated_at": checklist.section_updated_at(key),
                "form": (forms or {}).get(key),
                "details": [
                    (
                        capfirst(PredepartureChecklist._meta.get_field(name).verbose_name),
                        _value_text(checklist, name),
                    )
                    for name in SECTION_FIELDS[key]
                ]
                if key in details
                else [],
            }
        )
    return rows


def _progress(rows: list[dict]) -> dict:
    required = [row for row in rows if row["required"]]
    done = sum(row["complete"] for row in required)
    return {
        "done": done,
        "total": len(required),
        "percent": round(100 * done / len(required)) if required else 100,
    }


def _time_range(start: dt.time, end: dt.time | None) -> str:
    text = formats.time_format(start, "TIME_FORMAT")
    if end is not None:
        text += "–" + formats.time_format(end, "TIME_FORMAT")
    return text


def itinerary_days(items, *, cohort: Cohort, time_zone: str) -> list[dict]:
    """Items grouped by program day, with times where the program takes place and, when the
    reader's time zone differs, in theirs."""
    own_zone = zoneinfo.ZoneInfo(time_zone or "UTC")
    days: list[dict] = []
    for item in items:
        if not days or days[-1]["day"] != item.day:
            days.append(
                {
                    "day": item.day,
                    "number": (item.day - cohort.starts_on).days + 1,
                    "date_text": formats.date_format(item.day, "DATE_FORMAT"),
                    "items": [],
                }
            )
        start = item.starts_at(cohort.time_zone)
        end = item.ends_at(cohort.time_zone)
        own_start = start.astimezone(own_zone)
        own_text = ""
        if own_start.utcoffset() != start.utcoffset():
            own_end = end.astimezone(own_zone) if end else None
            own_text = _("%(date)s, %(times)s in your time zone (%(zone)s)") % {
                "date": formats.date_format(own_start, "DATE_FORMAT"),
                "times": time_range_text(own_start, own_end),
                "zone": own_zone.key,
            }
        days[-1]["items"].append(
            {
                "item": item,
                "title": item.title,
                "place": item.place,
                "notes": item.localised_notes,
                "map_url": item.map_url,
                "time_text": _time_range(item.start_time, item.end_time),
                "start_iso": start.isoformat(),
                "own_time_text": own_text,
            }
        )
    return days


# --- Participant -----------------------------------------------------------------------------


def _participant_forms(checklist: PredepartureChecklist, cohort: Cohort, today) -> dict:
    return {
        key: form_class(cohort=cohort, today=today, initial=form_class.initial_for(checklist))
        for key, form_class in SECTION_FORMS.items()
    }


@login_required
def checklist(request: HttpRequest, pk: int) -> HttpResponse:
    """The participant's checklist, one form per section, and the itinerary. Another
    person's application, or one not confirmed, is 404."""
    application = application_for_applicant(applicant=request.user, pk=pk)
    if application is None or not request.user.has_perm("exchanges.view_checklist", application):
        raise Http404
    cohort = application.cohort
    own_zone = zoneinfo.ZoneInfo(request.user.time_zone or "UTC")
    today = dt.datetime.now(tz=own_zone).date()
    current = predeparture_checklist_of(application=application) or PredepartureChecklist(
        application=application
    )
    can_edit = request.user.has_perm(
        "exchanges.edit_checklist", application
    ) and predeparture_is_open(application)
    forms = _participant_forms(current, cohort, today)
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied
        section = request.POST.get("section", "")
        if section not in SECTION_FORMS:
            raise Http404
        form = SECTION_FORMS[section](request.POST, cohort=cohort, today=today)
        forms[section] = form
        if form.is_valid():
            try:
                predeparture_section_save(
                    application=application,
                    section=section,
                    values=form.cleaned_data,
                    actor=request.user,
                )
            except ValidationError as error:
                form.add_error(None, error)
            except ExchangeError as error:
                form.add_error(None, str(error.message))
            else:
                messages.success(
                    request,
                    _("Saved: %(section)s.") % {"section": PredepartureSection(section).label},
                )
                return redirect(
                    reverse("apply:predeparture", kwargs={"pk": application.pk})
                    + f"#section-{section}"
                )
    if not can_edit:
        for form in forms.values():
            form.disable()
    rows = section_rows(current, forms=forms)
    return render(
        request,
        "predeparture/checklist.html",
        {
            "application": application,
            "cohort": cohort,
            "sections": rows,
            "progress": _progress(rows),
            "can_edit": can_edit,
            "starts_on_text": formats.date_format(cohort.starts_on, "DATE_FORMAT"),
            "ends_on_text": formats.date_format(cohort.ends_on, "DATE_FORMAT"),
            "program_phase": cohort.program_phase(),
            "itinerary": itinerary_days(
                itinerary_of(cohort=cohort), cohort=cohort, time_zone=request.user.time_zone
            ),
        },
    )


# --- Staff -----------------------------------------------------------------------------------


def _cohort(cohort_id: int) -> Cohort:
    return get_object_or_404(Cohort.objects.select_related("program"), pk=cohort_id)


@login_required
@permission_required(VIEW, fn=cohort_getter, raise_exception=True)
def participants(request: HttpRequest, cohort_id: int) -> HttpResponse:
    """Completion per participant and section; partner staff see their country only."""
    cohort = _cohort(cohort_id)
    form = PredepartureFilterForm(request.GET or None)
    filters = form.filters() if form.is_bound else {}
    page = paginate(
        request,
        predeparture_participants(viewer=request.user, cohort=cohort, filters=filters),
        per_page=PAGE_SIZE,
    )
    countries = dict(Country.choices)
    rows = []
    for application in page.object_list:
        sections = section_rows(checklist_or_blank(application))
        rows.append(
            {
                "application": application,
                "name": application.applicant.display_name,
                "country": countries.get(application.country, application.country),
                "sections": sections,
                "progress": _progress(sections),
            }
        )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "staff/predeparture/participants.html",
        {
            "cohort": cohort,
            "form": form,
            "page": page,
            "rows": rows,
            "section_labels": PredepartureSection.choices,
            "counts": predeparture_counts(viewer=request.user, cohort=cohort),
            "query": query.urlencode(),
            "can_edit_itinerary": request.user.has_perm(MANAGE_ITINERARY, cohort),
        },
    )


@login_required
@permission_required(VIEW, fn=cohort_getter, raise_exception=True)
def participant(request: HttpRequest, cohort_id: int, pk: int) -> HttpResponse:
    """One participant's checklist: every detail for the secretariat, completion only for
    partner staff of the participant's country; others get 404."""
    cohort = _cohort(cohort_id)
    application = predeparture_participant(viewer=request.user, cohort=cohort, pk=pk)
    if application is None or not request.user.has_perm("exchanges.view_checklist", application):
        raise Http404
    details = set()
    if request.user.has_perm("exchanges.view_checklist_details", application):
        details |= set(PredepartureSection.values) - PREDEPARTURE_SENSITIVE_SECTIONS
    if request.user.has_perm("exchanges.view_checklist_health", application):
        details |= PREDEPARTURE_SENSITIVE_SECTIONS
    current = checklist_or_blank(application)
    if details and current.pk:
        current = predeparture_checklist_of(application=application)
    rows = section_rows(current, details=frozenset(details))
    shown = {name for key in details for name in SECTION_FIELDS[key]}
    sensitive = [name for name in SENSITIVE_CHECKLIST_FIELDS if name in shown]
    if sensitive and current.pk:
        activity_record_sensitive_view(
            actor=request.user, application=application, fields=sensitive
        )
    return render(
        request,
        "staff/predeparture/participant.html",
        {
            "cohort": cohort,
            "application": application,
            "sections": rows,
            "progress": _progress(rows),
            "details": bool(details),
            "health": details >= PREDEPARTURE_SENSITIVE_SECTIONS,
            "checklist": current,
            "can_edit_itinerary": request.user.has_perm(MANAGE_ITINERARY, cohort),
        },
    )


@login_required
@permission_required(MANAGE_ITINERARY, fn=cohort_getter, raise_exception=True)
def itinerary(request: HttpRequest, cohort_id: int) -> HttpResponse:
    """The cohort's itinerary with a form to add an item (secretariat only)."""
    cohort = _cohort(cohort_id)
    return _itinerary_form(request, cohort, None)


@login_required
@permission_required(MANAGE_ITINERARY, fn=cohort_getter, raise_exception=True)
def itinerary_edit(request: HttpRequest, cohort_id: int, pk: int) -> HttpResponse:
    cohort = _cohort(cohort_id)
    item = get_object_or_404(ItineraryItem, cohort=cohort, pk=pk)
    return _itinerary_form(request, cohort, item)


def _itinerary_form(
    request: HttpRequest, cohort: Cohort, item: ItineraryItem | None
) -> HttpResponse:
    form = ItineraryItemForm(
        request.POST if request.method == "POST" else None,
        instance=item or ItineraryItem(cohort=cohort),
        cohort=cohort,
    )
    if request.method == "POST" and form.is_valid():
        try:
            itinerary_item_save(
                cohort=cohort,
                actor=request.user,
                item=item,
                **{name: form.cleaned_data[name] for name in ITINERARY_FIELDS},
            )
        except ValidationError as error:
            form.add_error(None, error)
        except ExchangeError as error:
            form.add_error(None, str(error.message))
        else:
            messages.success(request, _("The itinerary item is saved."))
            return redirect("staff:predeparture_itinerary", cohort_id=cohort.pk)
    page = paginate(request, itinerary_of(cohort=cohort), per_page=ITINERARY_PAGE_SIZE)
    return render(
        request,
        "staff/predeparture/itinerary.html",
        {
            "cohort": cohort,
            "form": form,
            "item": item,
            "page": page,
            "days": itinerary_days(page.object_list, cohort=cohort, time_zone=cohort.time_zone),
        },
    )


@login_required
@permission_required(MANAGE_ITINERARY, fn=cohort_getter, raise_exception=True)
@require_POST
def itinerary_delete(request: HttpRequest, cohort_id: int, pk: int) -> HttpResponse:
    cohort = _cohort(cohort_id)
    item = get_object_or_404(ItineraryItem, cohort=cohort, pk=pk)
    itinerary_item_delete(item=item, actor=request.user)
    messages.success(request, _("The itinerary item is deleted."))
    return redirect("staff:predeparture_itinerary", cohort_id=cohort.pk)
