"""Outcome analytics' writes and files: the import of answers collected elsewhere (earlier
cohorts run on another survey tool), the exports of aggregates and raw answers, and the
per-pair figures of a file for ``manage.py survey_outcomes``.

Import format: CSV (UTF-8, with or without BOM) or XLSX, long format, one row per answer, a
header with at least ``respondent,country,target,wave,score`` and optionally ``item``:

* ``respondent``: the other tool's respondent id; stored only as a keyed hash (``I`` + HMAC of
  the cohort and the id), so the same person's rows pair across waves and nothing else.
* ``country``: the respondent's country; ``target``: the country a feeling thermometer asks
  about (ISO 3166-1 alpha-2). Without ``item`` (or with ``item`` empty) a row is the
  thermometer ``thermometer-<target>``.
* ``wave``: ``pre``, ``post``, ``6m`` or ``12m``, or the survey kinds' own values
  (``pre_program``...).
* ``item``: the item key of any other scale (``trust-people``, ``nps``, a custom key); standard
  keys take their scale's range, unknown keys the agreement scale (1-5).
* ``score``: a whole number in the item's range.

Every row is checked before anything is stored; a file with any bad row imports nothing and
the errors name the line (the header is line 1) and the reason. The same parser feeds
``survey_outcomes``, which computes the figures with the pages' code without touching the
database.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from accounts.models import User
from exchanges.activity_types import Activity
from exchanges.enums import SURVEY_QUESTION_RANGE, SurveyKind, SurveyQuestionKind
from exchanges.exceptions import ExchangeError
from exchanges.models import Cohort, Survey, SurveyAnswer, SurveyQuestion, SurveyResponse
from exchanges.selectors.outcomes import directed_matrix, outcome_waves, outcomes_for_viewer
from exchanges.services.activity import activity_log_record
from exchanges.services.exports import neutralise_cell
from exchanges.services.surveys import LIKERT_ITEMS, survey_create_standard
from exchanges.statistics import PairedChanges

IMPORT_SALT = "exchanges.outcomes.imported-respondent"
REQUIRED_COLUMNS = ("respondent", "country", "target", "wave", "score")
WAVE_ALIASES = {
    "pre": SurveyKind.PRE_PROGRAM,
    "post": SurveyKind.POST_PROGRAM,
    "6m": SurveyKind.FOLLOWUP_6,
    "12m": SurveyKind.FOLLOWUP_12,
    **{kind.value: kind for kind in SurveyKind},
}
STANDARD_KINDS = {
    **{code: SurveyQuestionKind.LIKERT for code, _texts in LIKERT_ITEMS},
    "nps": SurveyQuestionKind.NPS,
}
MAX_IMPORT_ROWS = 200_000


class OutcomeImportInvalid(ExchangeError):
    """A file with bad rows: ``errors`` is a list of (line, reason); nothing was imported."""

    def __init__(self, errors: list[tuple[int, str]]) -> None:
        self.errors = errors
        super().__init__(_("The file has errors; nothing was imported."), code="import_invalid")


@dataclass(frozen=True)
class ImportedAnswer:
    line: int
    respondent: str
    country: str
    target: str
    wave: str
    code: str
    kind: str
    score: int


def _rows_from_csv(data: bytes) -> Iterator[list[str]]:
    text = data.decode("utf-8-sig")
    yield from csv.reader(io.StringIO(text))


def _rows_from_xlsx(data: bytes) -> Iterator[list[str]]:
    from openpyxl import load_workbook  # noqa: PLC0415 -- loaded on use: only XLSX imports need it

    workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        for row in workbook.worksheets[0].iter_rows(values_only=True):
            yield ["" if cell is None else str(cell) for cell in row]
    finally:
        workbook.close()


def outcome_file_rows(*, data: bytes, filename: str) -> Iterator[list[str]]:
    """The rows of a CSV or XLSX file (by its content: an XLSX is a ZIP archive)."""
    if data[:4] == b"PK\x03\x04" or filename.lower().endswith(".xlsx"):
        try:
            return _rows_from_xlsx(data)
        except Exception as error:  # openpyxl raises many kinds on a damaged file
            raise OutcomeImportInvalid([(1, _("The file is not a readable XLSX workbook."))]) from (
                error
            )
    try:
        return _rows_from_csv(data)
    except UnicodeDecodeError:
        raise OutcomeImportInvalid([(1, _("The file is not UTF-8 text."))]) from None


def outcome_rows_parse(
    *, rows: Iterable[list[str]], countries: list[str], kinds: dict[str, str] | None = None
) -> list[ImportedAnswer]:
    """Validate the rows (the first is the header) and return them as answers, or raise
    ``OutcomeImportInvalid`` with every bad line. ``kinds`` maps item keys of the cohort's
    own surveys to their kind."""
    kinds = {**(kinds or {}), **STANDARD_KINDS}
    errors: list[tuple[int, str]] = []
    iterator = iter(rows)
    header = [cell.strip().lower() for cell in next(iterator, [])]
    missing = [column for column in REQUIRED_COLUMNS if column not in header]
    if missing:
        raise OutcomeImportInvalid(
            [(1, _("Missing columns: %(columns)s.") % {"columns": ", ".join(missing)})]
        )
    index = {name: header.index(name) for name in (*REQUIRED_COLUMNS, "item") if name in header}
    answers: list[ImportedAnswer] = []
    seen: dict[tuple[str, str, str], int] = {}
    for line, row in enumerate(iterator, start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(answers) + len(errors) >= MAX_IMPORT_ROWS:
            errors.append((line, _("Too many rows: import at most 200,000 at a time.")))
            break
        cells = {name: (row[i].strip() if i < len(row) else "") for name, i in index.items()}
        problems = []
        respondent = cells["respondent"]
        if not respondent:
            problems.append(_("the respondent is empty"))
        country = cells["country"].upper()
        if country not in countries:
            problems.append(
                _("the country “%(value)s” does not take part in this program")
                % {"value": cells["country"]}
            )
        target = cells["target"].upper()
        code = cells.get("item", "").lower()
        if not code:
            if target not in countries:
                problems.append(
                    _("the target “%(value)s” does not take part in this program")
                    % {"value": cells["target"]}
                )
            elif target == country:
                problems.append(_("a thermometer toward the respondent's own country"))
            code, kind = f"thermometer-{target}", SurveyQuestionKind.THERMOMETER
        elif code.startswith("thermometer-"):
            kind = SurveyQuestionKind.THERMOMETER
            target = code.removeprefix("thermometer-").upper()
        else:
            kind = kinds.get(code, SurveyQuestionKind.LIKERT)
            target = ""
        wave = WAVE_ALIASES.get(cells["wave"].lower())
        if wave is None:
            problems.append(
                _("the wave “%(value)s” is not pre, post, 6m or 12m") % {"value": cells["wave"]}
            )
        low, high = SURVEY_QUESTION_RANGE.get(kind, (1, 5))
        try:
            score = int(cells["score"])
        except ValueError:
            score = None
        if score is None or not low <= score <= high:
            problems.append(
                _("the score “%(value)s” is not a whole number from %(low)s to %(high)s")
                % {"value": cells["score"], "low": low, "high": high}
            )
        if not problems:
            key = (respondent, wave, code)
            if key in seen:
                problems.append(
                    _("the same respondent, wave and item as line %(line)s") % {"line": seen[key]}
                )
            seen[key] = line
        if problems:
            errors.append((line, "; ".join(problems)))
            continue
        answers.append(ImportedAnswer(line, respondent, country, target, wave, code, kind, score))
    if errors:
        raise OutcomeImportInvalid(errors)
    if not answers:
        raise OutcomeImportInvalid([(1, _("The file has no answers."))])
    return answers


def imported_respondent_key(*, cohort_id: int, respondent: str) -> str:
    return "I" + salted_hmac(IMPORT_SALT, f"{cohort_id}:{respondent}").hexdigest()[:12]


@transaction.atomic
def outcome_responses_import(
    *, cohort: Cohort, actor: User | None, data: bytes, filename: str
) -> int:
    """Import the answers of a file into ``cohort``'s surveys (creating a draft standard
    survey for a wave the cohort does not have, and an item for a key it does not ask), all
    or nothing. Returns the number of responses created. Raises ``OutcomeImportInvalid``."""
    countries = list(cohort.program.countries)
    kinds = dict(
        SurveyQuestion.objects.filter(survey__cohort=cohort)
        .exclude(code="")
        .values_list("code", "kind")
    )
    answers = outcome_rows_parse(
        rows=outcome_file_rows(data=data, filename=filename), countries=countries, kinds=kinds
    )
    surveys = {survey.kind: survey for survey in Survey.objects.filter(cohort=cohort)}
    now = timezone.now()
    for wave in sorted({a.wave for a in answers}):
        if wave not in surveys:
            survey = survey_create_standard(cohort=cohort, kind=wave, actor=actor)
            if survey.closes_at <= now:
                # A survey of the past holds answers only: shown as closed, never inviting.
                survey.published_at = survey.opens_at
                survey.save(update_fields=["published_at"])
            surveys[wave] = survey
    questions = {
        (q.survey_id, q.code): q
        for q in SurveyQuestion.objects.filter(survey__in=surveys.values()).exclude(code="")
    }
    by_response: dict[tuple[str, str], list[ImportedAnswer]] = defaultdict(list)
    for item in answers:
        by_response[(item.wave, item.respondent)].append(item)
    existing = set(
        SurveyResponse.objects.filter(survey__in=surveys.values()).values_list(
            "survey_id", "respondent"
        )
    )
    errors = []
    for (wave, respondent), items in by_response.items():
        key = imported_respondent_key(cohort_id=cohort.pk, respondent=respondent)
        if (surveys[wave].pk, key) in existing:
            errors.append(
                (
                    items[0].line,
                    _("respondent “%(respondent)s” already has answers in this wave")
                    % {"respondent": respondent},
                )
            )
        countries_given = {item.country for item in items}
        if len(countries_given) > 1:
            errors.append(
                (items[0].line, _("the respondent's country differs between rows of one wave"))
            )
    if errors:
        raise OutcomeImportInvalid(sorted(errors))
    for item in answers:
        survey = surveys[item.wave]
        if (survey.pk, item.code) not in questions:
            last = max(
                (q.position for (sid, _c), q in questions.items() if sid == survey.pk), default=0
            )
            questions[(survey.pk, item.code)] = SurveyQuestion.objects.create(
                survey=survey,
                position=last + 1,
                kind=item.kind,
                code=item.code,
                country=item.target if item.kind == SurveyQuestionKind.THERMOMETER else "",
                text_en=item.code,
                required=False,
            )
    responses = SurveyResponse.objects.bulk_create(
        [
            SurveyResponse(
                survey=surveys[wave],
                respondent=imported_respondent_key(cohort_id=cohort.pk, respondent=respondent),
                imported=True,
                country=items[0].country,
                language="en",
            )
            for (wave, respondent), items in by_response.items()
        ]
    )
    SurveyAnswer.objects.bulk_create(
        [
            SurveyAnswer(
                response=response,
                question=questions[(surveys[item.wave].pk, item.code)],
                value=item.score,
            )
            for response, items in zip(responses, by_response.values(), strict=True)
            for item in items
        ],
        batch_size=5000,
    )
    activity_log_record(
        actor=actor,
        obj=cohort,
        action_type=Activity.SURVEY_RESPONSES_IMPORTED,
        data={"responses": len(responses), "answers": len(answers), "file": filename[:200]},
    )
    return len(responses)


def outcome_file_figures(
    *, data: bytes, filename: str, countries: list[str], after: str = SurveyKind.POST_PROGRAM
) -> dict[str, dict]:
    """The per-pair thermometer figures of a file from the pre-program wave to ``after``,
    computed by the pages' code (``directed_matrix``, ``outcome_waves``,
    ``outcomes_for_viewer``), keyed ``"JP->KR"``: n, mean_change, ci95, cohen_dz, wilcoxon_p,
    suppressed_for_partners."""
    answers = outcome_rows_parse(
        rows=outcome_file_rows(data=data, filename=filename), countries=countries
    )
    before = SurveyKind.PRE_PROGRAM
    values: dict[tuple[str, str, str], dict[str, int]] = defaultdict(dict)
    origin: dict[str, str] = {}
    respondents: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for item in answers:
        respondents[item.wave][item.country].add(item.respondent)
        if item.kind == SurveyQuestionKind.THERMOMETER and item.wave in (before, after):
            values[(item.respondent, item.code, item.target)][item.wave] = item.score
            origin[item.respondent] = item.country
    histograms: dict[tuple, PairedChanges] = defaultdict(PairedChanges)
    for (respondent, code, target), waves in values.items():
        if before in waves and after in waves:
            histograms[(0, origin[respondent], code, SurveyQuestionKind.THERMOMETER, target)].add(
                waves[before], waves[after]
            )
    # The responses per wave decide which countries partners see withheld in a comparison.
    report = {
        "waves": outcome_waves(
            countries=countries,
            responses={
                wave: {country: len(keys) for country, keys in by_country.items()}
                for wave, by_country in respondents.items()
            },
        ),
        "comparisons": [
            {
                "before": before,
                "after": after,
                "matrix": directed_matrix(countries=countries, histograms=histograms),
                "items": [],
            }
        ],
    }
    shown = outcomes_for_viewer(report, partner=True)
    figures = {}
    for row, partner_row in zip(
        report["comparisons"][0]["matrix"], shown["comparisons"][0]["matrix"], strict=True
    ):
        for cell, partner_cell in zip(row["cells"], partner_row["cells"], strict=True):
            figures[cell["key"]] = {
                "n": cell["n"],
                "mean_change": cell["mean_change"],
                "ci95": cell["ci95"],
                "cohen_dz": cell["cohen_dz"],
                "wilcoxon_p": cell["wilcoxon_p"],
                "suppressed_for_partners": partner_cell["suppressed"],
            }
    return figures


# --- Exports ----------------------------------------------------------------------------------

FEWER_THAN_FIVE = "<5"


def _figure(cell: dict, name: str):
    if cell.get("suppressed"):
        return FEWER_THAN_FIVE
    value = cell.get(name)
    if isinstance(value, float):
        return round(value, 4)
    return value


def outcome_aggregate_rows(*, report: dict) -> Iterator[list]:
    """The figures of a report (as ``outcomes_for_viewer`` shaped it for the reader) as rows:
    a hidden figure is the text ``<5``, never the number."""
    yield [
        _("Section"),
        _("Comparison or wave"),
        _("Group"),
        _("Item or target"),
        "n",
        _("Mean before"),
        _("Mean after"),
        _("Mean change"),
        _("95% CI low"),
        _("95% CI high"),
        "Cohen d_z",
        _("Wilcoxon p"),
    ]
    for wave in report["waves"]:
        for count in wave["countries"]:
            yield [_("Responses"), str(wave["short"]), count["country"], "", _figure(count, "n")]
        yield [_("Responses"), str(wave["short"]), _("All"), "", _figure(wave, "total")]
    for comparison in report["comparisons"]:
        label = str(comparison["label"])
        for row in comparison["matrix"]:
            for cell in row["cells"]:
                yield _change_row(
                    _("Feeling thermometer"), label, cell["country"], cell["target"], cell
                )
        for item in comparison["items"]:
            yield _change_row(_("Item"), label, _("All"), item["code"], item["overall"])
            for cell in item["by_country"]:
                yield _change_row(_("Item"), label, cell["country"], item["code"], cell)
    for row in report["nps"]:
        for group, cell in (
            (_("All"), row["overall"]),
            *((c["country"], c) for c in row["by_country"]),
        ):
            ci = cell["ci95"] or [None, None]
            yield [
                "NPS",
                str(row["label"]),
                group,
                row["code"],
                _figure(cell, "n"),
                "",
                "",
                _figure(cell, "nps"),
                FEWER_THAN_FIVE if cell["suppressed"] else ci[0],
                FEWER_THAN_FIVE if cell["suppressed"] else ci[1],
            ]
    for dist in report["distributions"]:
        for count in dist["counts"]:
            yield [
                _("Distribution"),
                str(dist["wave"]),
                _("All"),
                f"{dist['code']}={count['value']}",
                _figure(count, "n"),
            ]
        yield [
            _("Top-two-box share"),
            str(dist["wave"]),
            _("All"),
            dist["code"],
            _figure(dist, "n"),
            "",
            "",
            "" if dist["top_two_share"] is None else round(dist["top_two_share"], 4),
        ]


def _change_row(section, label, group, item, cell) -> list:
    ci = cell["ci95"] or [None, None]
    hidden = cell["suppressed"]
    return [
        neutralise_cell(section),
        label,
        group,
        item,
        _figure(cell, "n"),
        _figure(cell, "mean_before"),
        _figure(cell, "mean_after"),
        _figure(cell, "mean_change"),
        FEWER_THAN_FIVE if hidden else (None if ci[0] is None else round(ci[0], 4)),
        FEWER_THAN_FIVE if hidden else (None if ci[1] is None else round(ci[1], 4)),
        _figure(cell, "cohen_dz"),
        _figure(cell, "wilcoxon_p"),
    ]


def outcome_raw_rows(*, cohort: Cohort) -> Iterator[list]:
    """Every answer of the cohort's surveys in long format, pseudonymous (the respondent key,
    never a name or an email), streamed from the database in chunks: the secretariat's raw
    export. Open answers go through ``neutralise_cell``."""
    yield [
        _("Respondent"),
        _("Country"),
        _("Wave"),
        _("Item"),
        pgettext("the country a feeling or trust item is about", "Target"),
        _("Score"),
        _("Text"),
        _("Language"),
        _("Imported"),
    ]
    rows = (
        SurveyAnswer.objects.filter(response__survey__cohort=cohort)
        .order_by("response__survey__opens_at", "response_id", "question__position", "pk")
        .values_list(
            "response__respondent",
            "response__country",
            "response__survey__kind",
            "question__code",
            "question__country",
            "value",
            "text",
            "response__language",
            "response__imported",
        )
        .iterator(chunk_size=5000)
    )
    for respondent, country, kind, code, target, value, text, language, imported in rows:
        yield [
            neutralise_cell(cell)
            for cell in (respondent, country, kind, code, target, value, text, language, imported)
        ]
