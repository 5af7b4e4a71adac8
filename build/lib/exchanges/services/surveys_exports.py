"""The survey answers as CSV rows: one row per response, one column per question.

Respondents appear under a pseudonym (``survey_respondent_id``: the same for one person across
the cohort's surveys, so pre and post answers pair) with their country and language; never a
name or an email. Cells go through ``neutralise_cell`` like every export, so an open answer
starting with ``=`` is text, not a formula. Rows are read in batches of plain values: two
queries per batch whatever the number of responses.
"""

from collections.abc import Iterator

from django.utils import timezone
from django.utils.translation import gettext as _

from exchanges.enums import SurveyQuestionKind
from exchanges.models import Survey, SurveyAnswer, SurveyResponse
from exchanges.services.exports import EXPORT_BATCH_SIZE, _batches, neutralise_cell
from exchanges.services.surveys import survey_respondent_id


def _column(question) -> str:
    return question.code or f"q{question.pk}"


def survey_export_rows(*, survey: Survey) -> Iterator[list]:
    """The header (``code: English text`` per question), then one neutralised row per
    response in submission order."""
    questions = list(survey.questions.order_by("position", "id"))
    yield [
        neutralise_cell(cell)
        for cell in [
            _("Respondent"),
            _("Country"),
            _("Language"),
            _("Submitted"),
            *[f"{_column(q)}: {q.text_en}" for q in questions],
        ]
    ]
    numeric = {q.pk for q in questions if q.kind != SurveyQuestionKind.OPEN_TEXT}
    rows = (
        SurveyResponse.objects.filter(survey=survey)
        .order_by("submitted_at", "id")
        .values("pk", "application_id", "country", "language", "submitted_at")
        .iterator(chunk_size=EXPORT_BATCH_SIZE)
    )
    for batch in _batches(rows, EXPORT_BATCH_SIZE):
        answers = {
            (response, question): value if question in numeric else text
            for response, question, value, text in SurveyAnswer.objects.filter(
                response_id__in=[row["pk"] for row in batch]
            ).values_list("response_id", "question_id", "value", "text")
        }
        for row in batch:
            yield [
                neutralise_cell(cell)
                for cell in [
                    survey_respondent_id(application_id=row["application_id"]),
                    row["country"],
                    row["language"],
                    timezone.localtime(row["submitted_at"]).isoformat(),
                    *[answers.get((row["pk"], q.pk)) for q in questions],
                ]
            ]
