"""Exports of application lists to CSV and XLSX, safe from formula injection.

A spreadsheet treats a cell starting with ``=``, ``+``, ``-`` or ``@`` (and tab or carriage
return, which some programs strip first) as a formula; such cells get a leading single quote
so they are shown as text. Rows are produced in batches, so memory and the number of queries
grow with the batch count, not with the number of rows.
"""

import csv
from collections.abc import Iterable, Iterator

from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from exchanges.enums import ApplicationStatus, QuestionKind
from exchanges.models import Answer, Application, Question

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
EXPORT_BATCH_SIZE = 2000


def neutralise_cell(value) -> object:
    if value is None:
        return ""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value
    text = str(value)
    if text.startswith(FORMULA_PREFIXES):
        return "'" + text
    return text


def _answer_text(value) -> str:
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    return "" if value is None else str(value)


def application_export_rows(*, applications: QuerySet[Application],
                            questions: list[Question]) -> Iterator[list]:
    """The header, then one neutralised row per application."""
    exported = [q for q in questions if q.kind != QuestionKind.FILE]
    statuses = dict(ApplicationStatus.choices)
    yield [neutralise_cell(c) for c in [
        _("ID"), _("Given name"), _("Family name"), _("Name in local script"), _("Email"),
        _("Country"), _("Citizenship"), _("Residence"), _("Sector"), _("Institution"),
        _("Status"), _("Submitted"), *[q.label_en for q in exported]]]
    qs = applications.select_related("applicant").prefetch_related(
        Prefetch("answers", queryset=Answer.objects.only("application_id", "question_id",
                                                         "value")))
    for application in qs.iterator(chunk_size=EXPORT_BATCH_SIZE):
        applicant = application.applicant
        answers = {a.question_id: a.value for a in application.answers.all()}
        submitted = (timezone.localtime(application.submitted_at).isoformat()
                     if application.submitted_at else "")
        yield [neutralise_cell(c) for c in [
            application.pk, applicant.given_name, applicant.family_name, applicant.local_name,
            applicant.email, application.country, application.citizenship,
            application.residence_country, application.sector, application.institution,
            statuses.get(application.status, application.status), submitted,
            *[_answer_text(answers.get(q.pk)) for q in exported]]]


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
    import io  # noqa: PLC0415 -- only exports need it

    from openpyxl import Workbook  # noqa: PLC0415 -- heavy import, only for XLSX exports
    from openpyxl.cell import WriteOnlyCell  # noqa: PLC0415 -- as above

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31] or "Export")
    for row in rows:
        cells = []
        for value in row:
            cell = WriteOnlyCell(sheet, value=value)
            if isinstance(value, str):
                cell.data_type = "s"  # Never let openpyxl read a string as a formula.
            cells.append(cell)
        sheet.append(cells)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
