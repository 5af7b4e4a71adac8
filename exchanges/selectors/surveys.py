"""Reading surveys: lists, response rates and per-question summaries, scoped by the caller.

Counts come from aggregate queries, never from loading rows one by one, so a page costs the
same number of queries whatever the size of the cohort.
"""

import statistics
from collections import defaultdict

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from exchanges.enums import Country, SurveyQuestionKind
from exchanges.models import (
    Application,
    Cohort,
    Survey,
    SurveyAnswer,
    SurveyInvitation,
    SurveyQuestion,
)


def surveys_of(*, cohort: Cohort, country: str | None = None) -> QuerySet[Survey]:
    """The cohort's surveys with ``invited_count``, ``answered_count`` (of ``country``'s
    people only, when given) and ``question_count``, in the order they open."""
    scope = Q(invitations__country=country) if country is not None else Q()
    return (
        Survey.objects.filter(cohort=cohort)
        .annotate(
            invited_count=Count(
                "invitations",
                filter=scope & Q(invitations__invited_at__isnull=False),
                distinct=True,
            ),
            answered_count=Count(
                "invitations",
                filter=scope & Q(invitations__completed_at__isnull=False),
                distinct=True,
            ),
            question_count=Count("questions", distinct=True),
        )
        .order_by("opens_at", "id")
    )


def _rate(answered: int, invited: int) -> float | None:
    return round(100 * answered / invited, 1) if invited else None


def survey_response_rates(*, survey: Survey, country: str | None = None) -> dict:
    """Invitations emailed, answers and the response rate, overall and per country (one
    query). With ``country``, only that country's row and total."""
    invitations = SurveyInvitation.objects.filter(survey=survey)
    if country is not None:
        invitations = invitations.filter(country=country)
    rows = (
        invitations.values("country")
        .annotate(
            invitations=Count("id"),
            invited=Count("id", filter=Q(invited_at__isnull=False)),
            answered=Count("id", filter=Q(completed_at__isnull=False)),
        )
        .order_by("country")
    )
    labels = dict(Country.choices)
    countries = [
        {
            **row,
            "label": str(labels.get(row["country"], row["country"] or "—")),
            "rate": _rate(row["answered"], row["invited"]),
        }
        for row in rows
    ]
    total = {
        name: sum(row[name] for row in countries) for name in ("invitations", "invited", "answered")
    }
    total["rate"] = _rate(total["answered"], total["invited"])
    return {"countries": countries, "total": total}


def survey_question_summary(*, survey: Survey) -> list[dict]:
    """Per question: the number of answers and, for scales, the mean and the median (two
    queries: the questions, then the numeric values and text counts)."""
    questions = list(survey.questions.order_by("position", "id"))
    values: dict[int, list[int]] = defaultdict(list)
    texts: dict[int, int] = defaultdict(int)
    for question_id, value, text in (
        SurveyAnswer.objects.filter(question__survey=survey)
        .values_list("question_id", "value", "text")
        .iterator(chunk_size=5000)
    ):
        if value is not None:
            values[question_id].append(value)
        elif text:
            texts[question_id] += 1
    summary = []
    for question in questions:
        numbers = values.get(question.pk, [])
        numeric = question.kind != SurveyQuestionKind.OPEN_TEXT
        summary.append(
            {
                "question": question,
                "numeric": numeric,
                "count": len(numbers) if numeric else texts.get(question.pk, 0),
                "mean": round(statistics.fmean(numbers), 1) if numbers else None,
                "median": statistics.median(numbers) if numbers else None,
            }
        )
    return summary


def survey_open_invitations_for(*, application: Application) -> list[SurveyInvitation]:
    """The application's unanswered invitations to surveys that take answers now
    (``Survey.takes_answers_at``; one query)."""
    now = timezone.now()
    invitations = (
        SurveyInvitation.objects.filter(
            application=application,
            completed_at__isnull=True,
            survey__published_at__isnull=False,
            survey__opens_at__lte=now,
            survey__closes_at__gt=now,
        )
        .select_related("survey__cohort")
        .order_by("survey__closes_at")
    )
    return [invitation for invitation in invitations if invitation.survey.takes_answers_at(now)]


def survey_questions_of(*, survey: Survey) -> QuerySet[SurveyQuestion]:
    return survey.questions.order_by("position", "id")
