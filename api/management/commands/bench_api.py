"""Benchmark the partner API's application list against a trivial endpoint.

Loads applications (20,000 by default) for one partner's country inside a transaction that
is rolled back at the end, so the database is left as it was. Prints the list endpoint's
query count for two page sizes before and after the load (it must not change), then the
median latency of the list and of ``GET /api/v1/me`` (key lookup and a small body) in the
same run, requested in turn so other load on the machine slows both alike, and their ratio.
"""

import statistics
import time

from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import Organisation, User
from api.services import api_key_create
from exchanges.enums import ApiScope, ApplicationStatus, CohortStatus, QuestionKind
from exchanges.models import (
    Answer,
    Application,
    ApplicationForm,
    Cohort,
    Document,
    FormStep,
    Program,
    Question,
)
from exchanges.selectors.applications import applications_for_partner

LIST = "/api/v1/applications/"
UNUSABLE_PASSWORD = make_password(None)
TRIVIAL = "/api/v1/me"


class Rollback(Exception):
    """Raised to undo the benchmark's rows."""


class Command(BaseCommand):
    help = "Benchmark GET /api/v1/applications/ (query count, median latency) on loaded data."

    def add_arguments(self, parser):
        parser.add_argument("--applications", type=int, default=20_000)
        parser.add_argument("--requests", type=int, default=30)
        parser.add_argument("--page-size", type=int, default=50)

    def handle(self, *args, **options):
        try:
            with transaction.atomic():
                self._run(options)
                raise Rollback
        except Rollback:
            self.stdout.write("Benchmark rows rolled back.")

    def _run(self, options) -> None:
        organisation, cohort, question = self._world()
        _key, token = api_key_create(
            organisation=organisation, name="bench", scopes=list(ApiScope.values)
        )
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
        client.get(TRIVIAL)  # writes last_used_at once; not part of what is measured

        self._load(cohort, question, 10)
        small = {size: self._queries(client, size) for size in (10, 100)}
        self._load(cohort, question, options["applications"] - 10)
        loaded = {size: self._queries(client, size, full=True) for size in (10, 100)}
        self._analyze()
        total = Application.objects.filter(cohort=cohort).count()
        visible = applications_for_partner(organisation=organisation, with_related=False).count()
        self.stdout.write(f"applications loaded: {total}, {visible} of them in the partner's list")
        for size in (10, 100):
            self.stdout.write(
                f"queries per list request, page_size={size}: "
                f"{small[size]} with 10 applications, {loaded[size]} with {total}"
            )
        if len({*small.values(), *loaded.values()}) != 1:
            raise CommandError("The list's query count depends on page size or data size.")

        page = {"page_size": options["page_size"]}
        list_ms, trivial_ms = self._medians(
            client, [(LIST, page), (TRIVIAL, {})], options["requests"]
        )
        self.stdout.write(
            f"median latency over {options['requests']} requests: "
            f"list (page_size={options['page_size']}) {list_ms:.1f} ms, "
            f"trivial DRF endpoint {trivial_ms:.1f} ms, ratio {list_ms / trivial_ms:.2f}"
        )

    def _world(self):
        organisation = Organisation.objects.create(name="Bench partner", country="JP")
        program = Program.objects.create(
            slug="bench-program", name_en="Bench", kind="professional", countries=["JP", "KR"]
        )
        program.partners.add(organisation)
        now = timezone.now()
        cohort = Cohort.objects.create(
            program=program,
            slug="bench",
            name_en="Bench",
            status=CohortStatus.OPEN,
            opens_at=now - timezone.timedelta(days=1),
            deadline=now + timezone.timedelta(days=30),
            starts_on=(now + timezone.timedelta(days=90)).date(),
            ends_on=(now + timezone.timedelta(days=100)).date(),
            host_country="KR",
        )
        step = FormStep.objects.create(
            form=ApplicationForm.objects.create(cohort=cohort), title_en="About you"
        )
        question = Question.objects.create(step=step, kind=QuestionKind.SHORT_TEXT, label_en="Why?")
        return organisation, cohort, question

    def _load(self, cohort, question, count: int, batch: int = 2000) -> None:
        start = User.objects.count()
        now = timezone.now()
        for offset in range(0, count, batch):
            size = min(batch, count - offset)
            users = User.objects.bulk_create(
                User(
                    email=f"bench-{start + offset + index}@example.org",
                    given_name="Bench",
                    family_name=str(start + offset + index),
                    country="JP",
                    password=UNUSABLE_PASSWORD,
                )
                for index in range(size)
            )
            applications = Application.objects.bulk_create(
                Application(
                    cohort=cohort,
                    applicant=user,
                    country="JP",
                    status=ApplicationStatus.SUBMITTED,
                    submitted_at=now,
                    # Nine in ten consent to sharing with partners; the others stay out of
                    # the partner's list (and the list must skip them).
                    shares_with_partners=(start + offset + index) % 10 != 0,
                )
                for index, user in enumerate(users)
            )
            Answer.objects.bulk_create(
                Answer(application=application, question=question, value="Because.")
                for application in applications
            )
            Document.objects.bulk_create(
                Document(
                    application=application,
                    kind="cv",
                    file=f"bench/{application.pk}.pdf",
                    original_name="cv.pdf",
                    content_type="application/pdf",
                    size=1000,
                    sha256="0" * 64,
                )
                for application in applications
            )

    @staticmethod
    def _analyze() -> None:
        """Refresh the planner's statistics, as autovacuum would after a real load."""
        tables = [
            "accounts_user",
            "exchanges_application",
            "exchanges_answer",
            "exchanges_document",
        ]
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(f"ANALYZE {', '.join(tables)}")
            else:
                cursor.execute("ANALYZE")

    @staticmethod
    def _queries(client, page_size: int, full: bool = False) -> int:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(LIST, {"page_size": page_size})
        if response.status_code != 200:
            raise CommandError(f"{LIST} answered {response.status_code}")
        shown = len(response.json()["results"])
        if full and shown != page_size:
            # An empty or short page would time the database's search for rows, not a list.
            raise CommandError(f"{LIST} showed {shown} applications for page_size={page_size}")
        return len(queries)

    @staticmethod
    def _medians(client, requests: list[tuple[str, dict]], count: int) -> list[float]:
        """Median latency in ms of each request, the requests taken in turn, so a machine
        busy with other work slows both alike and the ratio stays meaningful."""
        for path, params in requests:
            client.get(path, params)  # warm up
        timings: list[list[float]] = [[] for _ in requests]
        for _ in range(count):
            for index, (path, params) in enumerate(requests):
                started = time.perf_counter()
                response = client.get(path, params)
                timings[index].append((time.perf_counter() - started) * 1000)
                if response.status_code != 200:
                    raise CommandError(f"{path} answered {response.status_code}")
        return [statistics.median(values) for values in timings]
