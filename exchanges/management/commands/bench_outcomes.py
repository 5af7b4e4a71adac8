"""Benchmark the outcome pages over a program history of up to 100,000 responses of 20 items.

Builds a throw-away program of ten finished cohorts with pre, post, 6- and 12-month surveys
(the standard questionnaire plus eleven custom agreement items: 20 answers per response) inside
a transaction that is rolled back at the end. At each size (by default 10,000 and 100,000
responses) it renders the cohort outcome page and the program page as the secretariat and
prints the number of queries, the wall time and the peak memory Python allocated while doing so
(``tracemalloc``). The figures are computed by SQL aggregation and histograms, so the query
count and the peak memory stay flat while the number of responses grows tenfold.
"""

import datetime as dt
import time
import tracemalloc

from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import User
from exchanges.enums import CohortStatus, ProgramKind, Role, SurveyKind, SurveyQuestionKind
from exchanges.models import (
    Cohort,
    Program,
    SurveyAnswer,
    SurveyQuestion,
    SurveyResponse,
)
from exchanges.services.surveys import survey_create_standard, survey_questions_for
from exchanges.views.outcomes_staff import outcome_cohort, outcome_program

COUNTRIES = ("US", "JP", "KR")
COHORTS = 10
WAVES = (
    SurveyKind.PRE_PROGRAM,
    SurveyKind.POST_PROGRAM,
    SurveyKind.FOLLOWUP_6,
    SurveyKind.FOLLOWUP_12,
)
CUSTOM_ITEMS = 11
BATCH = 2000


class Rollback(Exception):
    """Raised to roll the benchmark data back."""


class Command(BaseCommand):
    help = "Print queries, time and peak memory of the outcome pages at growing sizes."

    def add_arguments(self, parser):
        parser.add_argument(
            "--sizes",
            type=int,
            nargs="+",
            default=[10_000, 100_000],
            help="numbers of responses to measure at, ascending",
        )

    def handle(self, *args, sizes: list[int], **options):
        try:
            with transaction.atomic():
                self._run(sorted(sizes))
                raise Rollback
        except Rollback:
            self.stdout.write("(benchmark data rolled back)")

    def _run(self, sizes: list[int]) -> None:
        program, cohorts, surveys = self._program()
        staff = User.objects.create(
            email="bench-outcomes@bench.invalid",
            given_name="Bench",
            family_name="Staff",
            role=Role.SECRETARIAT,
            is_superuser=True,
        )
        factory = RequestFactory()
        loaded = 0
        self.stdout.write(
            f"{'responses':>9} {'answers':>9} {'page':<8} {'queries':>7} {'seconds':>8} "
            f"{'peak MiB':>9}"
        )
        for size in sizes:
            self._load(cohorts, surveys, start=loaded, count=size - loaded)
            loaded = size
            answers = SurveyAnswer.objects.filter(response__survey__cohort__program=program).count()
            for name, view, kwargs in (
                ("cohort", outcome_cohort, {"cohort_id": cohorts[0].pk}),
                ("program", outcome_program, {"program_id": program.pk}),
            ):
                request = factory.get("/")
                request.user = staff
                view(request, **kwargs)  # warm up: templates and translations load once
                connection.queries_log.clear()  # the load's inserts filled the query log
                tracemalloc.start()
                started = time.perf_counter()
                with CaptureQueriesContext(connection) as queries:
                    response = view(request, **kwargs)
                seconds = time.perf_counter() - started
                peak = tracemalloc.get_traced_memory()[1]
                tracemalloc.stop()
                assert response.status_code == 200  # noqa: S101 -- a failed page is no benchmark
                self.stdout.write(
                    f"{size:>9} {answers:>9} {name:<8} {len(queries):>7} {seconds:>8.2f} "
                    f"{peak / 2**20:>9.1f}"
                )

    def _program(self):
        now = timezone.now()
        program = Program.objects.create(
            slug="bench-outcomes",
            name_en="Benchmark",
            kind=ProgramKind.YOUTH,
            countries=list(COUNTRIES),
        )
        cohorts, surveys = [], {}
        for index in range(COHORTS):
            starts_on = (now - dt.timedelta(days=900 - 60 * index)).date()
            cohort = Cohort.objects.create(
                program=program,
                slug=f"bench-{index}",
                name_en=f"Cohort {index + 1}",
                status=CohortStatus.FINISHED,
                opens_at=now - dt.timedelta(days=1000),
                deadline=now - dt.timedelta(days=950),
                starts_on=starts_on,
                ends_on=starts_on + dt.timedelta(days=20),
                host_country=COUNTRIES[index % 3],
            )
            cohorts.append(cohort)
            for kind in WAVES:
                survey = survey_create_standard(cohort=cohort, kind=kind, actor=None)
                SurveyQuestion.objects.bulk_create(
                    SurveyQuestion(
                        survey=survey,
                        position=100 + item,
                        kind=SurveyQuestionKind.LIKERT,
                        code=f"bench-{item}",
                        text_en=f"Benchmark item {item}",
                    )
                    for item in range(CUSTOM_ITEMS)
                )
                surveys[(cohort.pk, kind)] = (
                    survey,
                    {c: survey_questions_for(survey=survey, country=c) for c in COUNTRIES},
                )
        return program, cohorts, surveys

    def _load(self, cohorts, surveys, *, start: int, count: int) -> None:
        """``count`` more responses, spread over cohorts and waves; each respondent answers
        every wave of their cohort, so they pair."""
        slots = [(cohort, kind) for cohort in cohorts for kind in WAVES]
        for offset in range(0, count, BATCH):
            responses, plans = [], []
            for number in range(start + offset, start + min(count, offset + BATCH)):
                cohort, kind = slots[number % len(slots)]
                person = number // len(slots)
                country = COUNTRIES[person % 3]
                survey, questions = surveys[(cohort.pk, kind)]
                responses.append(
                    SurveyResponse(
                        survey=survey,
                        respondent=f"B{cohort.pk}-{person}",
                        country=country,
                        imported=True,
                    )
                )
                plans.append((person, WAVES.index(kind), questions[country]))
            SurveyResponse.objects.bulk_create(responses)
            answers = []
            for response, (person, wave, questions) in zip(responses, plans, strict=True):
                for position, question in enumerate(questions):
                    if question.kind == SurveyQuestionKind.OPEN_TEXT:
                        answers.append(
                            SurveyAnswer(response=response, question=question, text="Benchmark")
                        )
                        continue
                    low, high = {
                        SurveyQuestionKind.THERMOMETER: (0, 100),
                        SurveyQuestionKind.NPS: (0, 10),
                    }.get(question.kind, (1, 5))
                    value = low + (person * 7 + position * 3 + wave * (high - low) // 8) % (
                        high - low + 1
                    )
                    answers.append(SurveyAnswer(response=response, question=question, value=value))
            SurveyAnswer.objects.bulk_create(answers, batch_size=5000)
