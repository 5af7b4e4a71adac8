"""Exports of application lists to CSV and XLSX, safe from formula injection.

A spreadsheet treats a cell starting with ``=``, ``+``, ``-`` or ``@`` (and tab, carriage
return or line feed, which some programs strip first, and the full-width and small forms of
those signs, which Excel and LibreOffice read as the ASCII ones) as a formula; such cells get
a leading single quote so they are shown as text (OWASP "CSV Injection"). Control characters
that a workbook cannot hold are removed, so one person's answer never breaks an export. Rows
are produced in batches, so memory and the number of queries grow with the batch count, not
with the number of rows.

A large cohort's export is a background job (``application_export_start``, run by
``application_export_execute`` in a worker): the request that starts it only writes a row, the
worker writes the file with the requester's rights and reports progress, and the file is
deleted when it expires (``application_exports_purge``, a beat task). Up to
``EXPORT_IMMEDIATE_MAX_ROWS`` rows an export is streamed in the request as before.
"""

import csv
import datetime as dt
import io
import logging
import re
import tempfile
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from exchanges.activity_types import Activity
from exchanges.dispatch import dispatch_on_commit
from exchanges.enums import (
    ApplicationStatus,
    ExportFormat,
    ExportStatus,
    QuestionKind,
    Sector,
)
from exchanges.models import Answer, Application, ApplicationExport, Cohort, Question
from exchanges.selectors.applications import (
    form_steps,
    partner_country_for,
    person_view,
    pipeline_applications,
)
from exchanges.services.activity import activity_log_record
from exchanges.tasks import task_export_applications

logger = logging.getLogger(__name__)

FORMULA_PREFIXES = (
    "=",
    "+",
    "-",
    "@",
    "\t",
    "\r",
    "\n",
    "|",
    "\uff1d",
    "\uff0b",
    "\uff0d",
    "\uff20",
    "\uff5c",  # full-width ＝ ＋ － ＠ ｜
    "\ufe66",
    "\ufe62",
    "\ufe63",
    "\ufe6b",  # small ﹦ ﹢ ﹣ ﹫
    "\u2212",  # minus sign −
)
# What an XLSX cell cannot hold (XML 1.0 forbids these control characters); openpyxl raises
# IllegalCharacterError on them.
ILLEGAL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
EXPORT_BATCH_SIZE = 2000


def neutralise_cell(value) -> object:
    """The cell as an export writes it: control characters removed, formulas made text."""
    if value is None:
        return ""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value
    text = ILLEGAL_CHARACTERS.sub("", str(value))
    # A formula may hide behind leading spaces, which spreadsheets skip.
    if text.startswith(FORMULA_PREFIXES) or text.lstrip(" ").startswith(FORMULA_PREFIXES):
        return "'" + text
    return text


def _answer_text(value) -> str:
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    return "" if value is None else str(value)


EXPORT_FIELDS = (
    "pk",
    "applicant__given_name",
    "applicant__family_name",
    "applicant__local_name",
    "applicant__email",
    "country",
    "citizenship",
    "residence_country",
    "sector",
    "institution",
    "status",
    "submitted_at",
)


def _batches(rows: Iterator[dict], size: int) -> Iterator[list[dict]]:
    batch = []
    for row in rows:
        batch.append(row)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def application_export_rows(
    *, applications: QuerySet[Application], questions: list[Question]
) -> Iterator[list]:
    """The header, then one neutralised row per application, in the queryset's order.

    Rows are read as plain values (no model instances) in batches of ``EXPORT_BATCH_SIZE``;
    each batch's answers come in one more query, so an export costs two queries per batch.
    """
    exported = [q for q in questions if q.kind != QuestionKind.FILE]
    statuses = {value: str(label) for value, label in ApplicationStatus.choices}
    yield [
        neutralise_cell(c)
        for c in [
            _("ID"),
            _("Given name"),
            _("Family name"),
            _("Name in local script"),
            _("Email"),
            _("Country"),
            _("Citizenship"),
            _("Residence"),
            _("Sector"),
            _("Institution"),
            _("Status"),
            _("Submitted"),
            *[q.label_en for q in exported],
        ]
    ]
    question_ids = [q.pk for q in exported]
    rows = applications.values(*EXPORT_FIELDS).iterator(chunk_size=EXPORT_BATCH_SIZE)
    for batch in _batches(rows, EXPORT_BATCH_SIZE):
        answers: dict[tuple[int, int], object] = {}
        if question_ids:
            answers = {
                (a, q): v
                for a, q, v in Answer.objects.filter(
                    application_id__in=[row["pk"] for row in batch], question_id__in=question_ids
                ).values_list("application_id", "question_id", "value")
            }
        for row in batch:
            submitted = row["submitted_at"]
            yield [
                neutralise_cell(c)
                for c in [
                    *(row[field] for field in EXPORT_FIELDS[:10]),
                    statuses.get(row["status"], row["status"]),
                    timezone.localtime(submitted).isoformat() if submitted else "",
                    *[_answer_text(answers.get((row["pk"], q))) for q in question_ids],
                ]
            ]


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_stream(rows: Iterable[list]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield "\ufeff"  # Excel opens UTF-8 CSV (Japanese, Korean names) correctly with a BOM.
    for row in rows:
        yield writer.writerow(row)


def xlsx_bytes(rows: Iterable[list], *, title: str) -> bytes:
    """A write-only workbook: rows are streamed into the file, not held as cell objects."""
    buffer = io.BytesIO()
    xlsx_write(rows, title=title, target=buffer)
    return buffer.getvalue()


def xlsx_write(rows: Iterable[list], *, title: str, target) -> None:
    """Write the workbook to ``target`` (a path or a binary file)."""
    from openpyxl import Workbook  # noqa: PLC0415 -- loaded on use: openpyxl is heavy; only XLSX needs it
    from openpyxl.cell import WriteOnlyCell  # noqa: PLC0415 -- loaded on use: as above

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31] or "Export")
    for row in rows:
        cells = []
        for raw in row:
            value = ILLEGAL_CHARACTERS.sub("", raw) if isinstance(raw, str) else raw
            cell = WriteOnlyCell(sheet, value=value)
            if isinstance(value, str):
                cell.data_type = "s"  # Never let openpyxl read a string as a formula.
            cells.append(cell)
        sheet.append(cells)
    workbook.save(target)


# --- Selection --------------------------------------------------------------------------------


def _score_text(value) -> str:
    return "" if value is None else f"{value:.2f}"


def _selection_names(ids: list[int], viewer=None) -> dict[int, tuple[str, str]]:
    """Applicants' names by application id, as ``person_view`` lets ``viewer`` see them:
    for partner staff, applicants who did not consent to sharing with partners get no name
    (their rows keep the application number)."""
    names = {}
    partner_country = partner_country_for(viewer) if viewer is not None else None
    rows = Application.objects.select_related("applicant").only(
        "pk",
        "country",
        "shares_with_partners",
        "applicant__given_name",
        "applicant__family_name",
        "applicant__local_name",
        "applicant__country",
    )
    for start in range(0, len(ids), EXPORT_BATCH_SIZE):
        for application in rows.filter(pk__in=ids[start : start + EXPORT_BATCH_SIZE]):
            view = person_view(application, partner_country=partner_country)
            if view is not None and view.full:
                names[application.pk] = (view.given_name or "", view.family_name or "")
    return names


def _selection_header() -> list[str]:
    return [
        str(_("Country")),
        str(_("Rank")),
        str(_("Application")),
        str(_("Given name")),
        str(_("Family name")),
        str(_("Sector")),
        str(_("Reviews")),
        str(_("Raw score")),
        str(_("Normalised score")),
        str(_("Spread")),
        str(_("Reviewers disagree")),
        str(_("Includes unnormalised reviewers")),
    ]


def _selection_cells(item, names) -> list:
    given, family = names.get(item.application_id, ("", ""))
    sectors = dict(Sector.choices)
    return [
        item.country,
        item.rank or "",
        item.application_id,
        given,
        family,
        str(sectors.get(item.sector, item.sector)),
        item.reviews,
        _score_text(item.raw),
        _score_text(item.normalised),
        _score_text(item.spread),
        str(_("yes")) if item.disagreement else "",
        str(_("yes")) if item.unnormalised else "",
    ]


def selection_ranking_rows(*, ranking: list, viewer=None) -> Iterator[list]:
    """The ranking (``selectors.selection.selection_ranking``, already scoped to the viewer)
    as export rows, header first, every cell neutralised against formula injection."""
    names = _selection_names([item.application_id for item in ranking], viewer)
    yield _selection_header()
    for item in ranking:
        yield [neutralise_cell(c) for c in _selection_cells(item, names)]


def selection_proposal_rows(
    *, proposal, section_labels: dict[str, str], viewer=None
) -> Iterator[list]:
    """The proposal (already cut to the viewer's countries) as export rows: each country's
    proposed selection, waiting list (with its order), the rest and the unreviewed."""
    sections = ("selected", "waitlist", "rest", "unreviewed")
    items = [
        (section, position, item)
        for country in proposal.countries
        for section in sections
        for position, item in enumerate(getattr(country, section), start=1)
    ]
    names = _selection_names([item.application_id for _s, _p, item in items], viewer)
    yield [str(_("Proposal")), str(_("Position")), *_selection_header()]
    for section, position, item in items:
        yield [
            neutralise_cell(c)
            for c in [section_labels[section], position, *_selection_cells(item, names)]
        ]


# --------------------------------------------------------------------------- background jobs
def export_questions(*, cohort: Cohort) -> list[Question]:
    return [q for step in form_steps(cohort=cohort) for q in step.questions.all()]


def export_is_immediate(*, applications: QuerySet[Application]) -> bool:
    """Whether an export of ``applications`` is small enough to stream in the request."""
    return not applications[settings.EXPORT_IMMEDIATE_MAX_ROWS :].exists()


@transaction.atomic
def application_export_start(
    *, cohort: Cohort, actor, file_format: str, filters: dict, language: str
) -> ApplicationExport:
    """Record an export of ``cohort``'s applications (as ``actor`` sees them, with the
    pipeline ``filters``) and hand it to a worker after commit."""
    if file_format not in ExportFormat.values:
        raise ValueError(file_format)
    clean = {key: value for key, value in filters.items() if isinstance(value, str) and value}
    export = ApplicationExport.objects.create(
        cohort=cohort,
        requested_by=actor,
        file_format=file_format,
        filters=clean,
        language=language,
    )
    activity_log_record(
        actor=actor,
        obj=cohort,
        action_type=Activity.APPLICATION_EXPORT_STARTED,
        data={"export": export.pk, "format": file_format, "filters": clean},
    )
    dispatch_on_commit(task_export_applications, export.pk)
    return export


def _counting(rows: Iterator[list], report: Callable[[int], None]) -> Iterator[list]:
    """Pass ``rows`` through, reporting the number of data rows after every batch."""
    done = -1  # the header row is not a data row
    for row in rows:
        yield row
        done += 1
        if done and done % EXPORT_BATCH_SIZE == 0:
            report(done)
    report(max(done, 0))


def _write(export: ApplicationExport, rows: Iterable[list], target) -> None:
    if export.file_format == ExportFormat.XLSX:
        xlsx_write(rows, title=export.cohort.slug, target=target)
        return
    with open(target, "w", encoding="utf-8", newline="") as handle:
        handle.writelines(csv_stream(rows))


def application_export_execute(*, export_id: int) -> ApplicationExport | None:
    """Write a queued export's file, reporting progress; a missing or started one is left
    alone (a repeated task does nothing).

    Like a matching run this is not one transaction: the row is claimed in a short one, the
    file is written outside any (progress updates are seen by the status page at once), and
    the outcome is saved in a last one. The rows are chosen with the requester's current
    rights, so an export never holds more than they may see.
    """
    with transaction.atomic():
        export = (
            ApplicationExport.objects.select_for_update()
            .select_related("cohort__program", "requested_by")
            .filter(pk=export_id)
            .first()
        )
        if export is None or export.status != ExportStatus.QUEUED:
            return export
        export.status = ExportStatus.RUNNING
        export.save(update_fields=["status"])
    try:
        applications = pipeline_applications(
            viewer=export.requested_by, cohort=export.cohort, filters=export.filters
        )
        total = applications.count()
        ApplicationExport.objects.filter(pk=export.pk).update(rows_total=total)

        def report(done: int) -> None:
            ApplicationExport.objects.filter(pk=export.pk).update(rows_done=done)

        with translation.override(export.language), tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / f"export.{export.file_format}"
            rows = application_export_rows(
                applications=applications, questions=export_questions(cohort=export.cohort)
            )
            _write(export, _counting(rows, report), path)
            with path.open("rb") as handle:
                export.file.save(f"export.{export.file_format}", File(handle), save=False)
    except Exception:
        logger.exception("Export %s failed", export.pk)
        with transaction.atomic():
            ApplicationExport.objects.filter(pk=export.pk).update(
                status=ExportStatus.FAILED, error="error", finished_at=timezone.now()
            )
            activity_log_record(
                actor=None,
                obj=export.cohort,
                action_type=Activity.APPLICATION_EXPORT_FAILED,
                data={"export": export.pk},
            )
        export.refresh_from_db()
        return export
    now = timezone.now()
    with transaction.atomic():
        ApplicationExport.objects.filter(pk=export.pk).update(
            status=ExportStatus.FINISHED,
            file=export.file.name,
            rows_total=total,
            rows_done=total,
            finished_at=now,
            expires_at=now + dt.timedelta(hours=settings.EXPORT_RETENTION_HOURS),
        )
        activity_log_record(
            actor=None,
            obj=export.cohort,
            action_type=Activity.APPLICATION_EXPORT_FINISHED,
            data={"export": export.pk, "rows": total},
        )
    export.refresh_from_db()
    return export


def application_exports_purge() -> int:
    """Delete the files of exports past ``expires_at`` and mark them expired; returns how
    many. Safe to run twice: a file already gone is skipped."""
    expired = 0
    due = ApplicationExport.objects.filter(
        status=ExportStatus.FINISHED, expires_at__lte=timezone.now()
    )
    for export in due.only("pk", "file").iterator():
        if export.file:
            export.file.delete(save=False)
        ApplicationExport.objects.filter(pk=export.pk).update(status=ExportStatus.EXPIRED, file="")
        expired += 1
    # A job whose worker died never finishes: after the retention time it is shown failed.
    ApplicationExport.objects.filter(
        status__in=[ExportStatus.QUEUED, ExportStatus.RUNNING],
        created_at__lte=timezone.now() - dt.timedelta(hours=settings.EXPORT_RETENTION_HOURS),
    ).update(status=ExportStatus.FAILED, error="abandoned", finished_at=timezone.now())
    return expired
