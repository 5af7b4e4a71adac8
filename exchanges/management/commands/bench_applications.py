"""Benchmark the staff application pages at 200 and 20,000 applications.

Loads applications with ``bulk_create`` into a throw-away program inside a transaction that
is rolled back at the end, so the database is left as it was. For the pipeline page, a
filtered and sorted applications list (a deep page) and the CSV and XLSX exports it prints the
number of queries and the median wall time at each size. Exports above
``EXPORT_IMMEDIATE_MAX_ROWS`` rows are background jobs: for those it times the request that
starts the job, runs the job in this process (the data is uncommitted, so no worker could see
it), downloads the file and checks that it holds every application once.
"""

import datetime as dt
import io
import statistics
import time

from allauth.account.internal.flows.login import (
    _AUTHENTICATION_METHODS_USER_SESSION_KEY,
    AUTHENTICATION_METHODS_SESSION_KEY,
)
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from exchanges.enums import (
    ApplicationStatus,
    CohortStatus,
    ExportStatus,
    ProgramKind,
    QuestionKind,
    Role,
)
from exchanges.models import (
    Answer,
    Application,
    ApplicationExport,
    ApplicationForm,
    Cohort,
    FormStep,
    Program,
    Question,
)
from exchanges.services.exports import application_export_execute

SIZES = (200, 20_000)
UNUSABLE_PASSWORD = "!"  # noqa: S105 -- Django's marker for "no password can log in"
COUNTRIES = ("US", "JP", "KR")
STATUSES = list(ApplicationStatus.values)


class Rollback(Exception):
    """Raised to roll the benchmark data back."""


class Command(BaseCommand):
    help = "Print query counts and median times of the pipeline, list and export."

    def add_arguments(self, parser):
        parser.add_argument("--runs", type=int, default=5, help="timed runs per measurement")
        parser.add_argument(
            "--sizes",
            type=int,
            nargs="+",
            default=list(SIZES),
            help="numbers of applications to measure at, ascending",
        )

    def handle(self, *args, runs: int, sizes: list[int], **options):
        try:
            with transaction.atomic():
                self._run(runs, sorted(sizes))
                raise Rollback
        except Rollback:
            self.stdout.write("(benchmark data rolled back)")

    def _run(self, runs: int, sizes: list[int]) -> None:
        now = timezone.now()
        program = Program.objects.create(
            slug="bench-program",
            name_en="Benchmark",
            kind=ProgramKind.PROFESSIONAL,
            countries=list(COUNTRIES),
        )
        cohort = Cohort.objects.create(
            program=program,
            slug="bench",
            name_en="Benchmark cohort",
            status=CohortStatus.REVIEW,
            opens_at=now - dt.timedelta(days=60),
            deadline=now - dt.timedelta(days=1),
            starts_on=(now + dt.timedelta(days=30)).date(),
            ends_on=(now + dt.timedelta(days=50)).date(),
            host_country="KR",
        )
        step = FormStep.objects.create(
            form=ApplicationForm.objects.create(cohort=cohort), position=1, title_en="Motivation"
        )
        questions = [
            Question.objects.create(
                step=step, position=1, kind=QuestionKind.SHORT_TEXT, label_en="Current position"
            ),
            Question.objects.create(
                step=step, position=2, kind=QuestionKind.LONG_TEXT, label_en="Motivation"
            ),
        ]
        staff = User.objects.create(
            email="bench-staff@bench.invalid",
            given_name="Bench",
            family_name="Staff",
            role=Role.SECRETARIAT,
            is_superuser=True,
            is_staff=True,
        )
        TOTP.activate(staff, "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
        client = Client()
        client.force_login(staff)
        self._record_mfa(client, staff)
        loaded = 0
        self.stdout.write(f"{'size':>7} {'page':<18} {'queries':>7} {'median ms':>10}")
        for size in sizes:
            self._load(cohort, questions, start=loaded, count=size - loaded)
            loaded = size
            pipeline = reverse("staff:pipeline", args=[cohort.pk])
            pages = [
                ("pipeline", pipeline),
                ("applications list", f"{pipeline}?country=JP&sort=name&q=bench&page=20"),
                ("export CSV", reverse("staff:export_csv", args=[cohort.pk])),
                ("export XLSX", reverse("staff:export_xlsx", args=[cohort.pk])),
            ]
            for name, url in pages:
                if "export" in name and size > settings.EXPORT_IMMEDIATE_MAX_ROWS:
                    self._background_export(client, cohort, size, name.split()[-1].lower())
                    continue
                queries, median = self._measure(
                    client, url, runs=runs if "export" not in name else max(1, runs // 2)
                )
                self.stdout.write(f"{size:>7} {name:<18} {queries:>7} {median:>10.1f}")

    def _background_export(self, client, cohort, size: int, file_format: str) -> None:
        """Start the export as staff do (timed), run the job, check the downloaded file."""
        started = time.perf_counter()
        response = client.post(
            reverse("staff:export_start", args=[cohort.pk]), {"file_format": file_format}
        )
        request_ms = (time.perf_counter() - started) * 1000
        assert response.status_code == 302, response.status_code  # noqa: S101
        export = ApplicationExport.objects.filter(cohort=cohort).latest("id")
        started = time.perf_counter()
        application_export_execute(export_id=export.pk)
        job_s = time.perf_counter() - started
        export.refresh_from_db()
        status = client.get(response["Location"])
        download = client.get(reverse("staff:export_download", args=[export.pk]))
        content = b"".join(download.streaming_content)
        ids = self._exported_ids(content, file_format)
        expected = set(Application.objects.filter(cohort=cohort).values_list("pk", flat=True))
        complete = (
            export.status == ExportStatus.FINISHED
            and status.status_code == 200
            and len(ids) == size
            and set(ids) == expected
        )
        self.stdout.write(
            f"{size:>7} {'export ' + file_format.upper() + ' (job)':<18} "
            f"request {request_ms:.0f} ms, job {job_s:.1f} s, file {len(content) / 2**20:.1f} MiB, "
            f"{len(ids):,} rows, {'complete and correct' if complete else 'INCOMPLETE'}"
        )
        export.file.delete(save=False)

    def _exported_ids(self, content: bytes, file_format: str) -> list[int]:
        if file_format == "csv":
            import csv  # noqa: PLC0415 -- loaded on use: only this check reads CSV back

            rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
            return [int(row[0]) for row in rows[1:]]
        from openpyxl import load_workbook  # noqa: PLC0415 -- loaded on use: heavy import

        sheet = load_workbook(io.BytesIO(content), read_only=True).active
        return [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]

    def _record_mfa(self, client, staff) -> None:
        """Record the TOTP step in the session as allauth does: staff pages require it."""
        authenticator = Authenticator.objects.get(user=staff, type=Authenticator.Type.TOTP)
        session = client.session
        session[AUTHENTICATION_METHODS_SESSION_KEY] = [
            {"method": "password", "at": time.time(), "email": staff.email},
            {"method": "mfa", "at": time.time(), "id": authenticator.pk, "type": "totp"},
        ]
        session[_AUTHENTICATION_METHODS_USER_SESSION_KEY] = str(staff.pk)
        session.save()

    def _load(self, cohort, questions, *, start: int, count: int) -> None:
        users = [
            User(
                email=f"bench-{start + i:06d}@bench.invalid",
                given_name=f"Bench{i}",
                family_name=f"Applicant{(start + i) % 997:03d}",
                role=Role.APPLICANT,
                country=COUNTRIES[(start + i) % 3],
                password=UNUSABLE_PASSWORD,
            )
            for i in range(count)
        ]
        User.objects.bulk_create(users, batch_size=2000)
        users = list(User.objects.filter(email__in=[u.email for u in users]).order_by("email"))
        now = timezone.now()
        applications = [
            Application(
                applicant=user,
                cohort=cohort,
                country=user.country,
                citizenship=user.country,
                residence_country=user.country,
                status=STATUSES[(start + i) % len(STATUSES)],
                institution="Bench Univ",
                submitted_at=now - dt.timedelta(minutes=start + i),
            )
            for i, user in enumerate(users)
        ]
        Application.objects.bulk_create(applications, batch_size=2000)
        created = Application.objects.filter(cohort=cohort, applicant__in=users)
        Answer.objects.bulk_create(
            [
                Answer(application_id=pk, question=question, value=f"=answer {pk}")
                for pk in created.values_list("pk", flat=True)
                for question in questions
            ],
            batch_size=2000,
        )

    def _measure(self, client, url: str, *, runs: int) -> tuple[int, float]:
        def fetch():
            response = client.get(url)
            if response.streaming:
                for _chunk in response.streaming_content:
                    pass
            assert response.status_code == 200, (url, response.status_code)  # noqa: S101

        fetch()  # warm caches (templates, content types)
        # A wrapper, not CaptureQueriesContext: the request_started signal resets the
        # connection's query log in the middle of a captured request.
        executed = []
        with connection.execute_wrapper(
            lambda execute, sql, params, many, context: (
                executed.append(sql) or execute(sql, params, many, context)
            )
        ):
            fetch()
        times = []
        for _run in range(runs):
            started = time.perf_counter()
            fetch()
            times.append((time.perf_counter() - started) * 1000)
        return len(executed), statistics.median(times)
