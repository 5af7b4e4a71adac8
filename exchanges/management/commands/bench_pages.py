"""Benchmark pages that must stay small at 100 times the demo's data.

Inside a transaction that is rolled back at the end, it loads 300 programs with three cohorts
each (the demo has 3 programs and 3 cohorts on the home page) and one cohort with 3,600
confirmed participants (the demo's 36, times 100) in 1,200 matched groups, then prints the
queries, the median time and the size of the home page, of the matching rules page (empty,
and with a search that matches every participant, whose first page of 20 is shown), of the
groups page and of the swap page with such a search (no page lists every member).
"""

import datetime as dt
import statistics
import time

from allauth.mfa.totp.internal.auth import TOTP
from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from exchanges.enums import (
    ApplicationStatus,
    CohortStatus,
    MatchingRunStatus,
    ProgramKind,
    Role,
)
from exchanges.management.commands.bench_applications import Command as ApplicationsBenchmark
from exchanges.models import (
    Application,
    Cohort,
    MatchGroup,
    MatchGroupMember,
    MatchingRun,
    Program,
)

UNUSABLE_PASSWORD = "!"  # noqa: S105 -- Django's marker for "no password can log in"
COUNTRIES = ("US", "JP", "KR")
PROGRAMS = 300
PARTICIPANTS = 3600


class Rollback(Exception):
    """Raised to roll the benchmark data back."""


class Command(BaseCommand):
    help = "Print queries, median time and size of the home and matching rules pages."

    def add_arguments(self, parser):
        parser.add_argument("--runs", type=int, default=5, help="timed runs per page")

    def handle(self, *args, runs: int, **options):
        try:
            with transaction.atomic():
                self._run(runs)
                raise Rollback
        except Rollback:
            self.stdout.write("(benchmark data rolled back)")

    def _run(self, runs: int) -> None:
        cohort = self._load()
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
        ApplicationsBenchmark()._record_mfa(client, staff)
        anonymous = Client()
        rules = reverse("staff:matching_constraints", args=[cohort.pk])
        run = self._groups(cohort, staff)
        swap = reverse("staff:matching_swap", args=[cohort.pk, run.pk])
        pages = [
            ("home (anonymous)", anonymous, "/"),
            ("home (staff)", client, "/"),
            ("matching rules", client, rules),
            ("matching rules, search", client, f"{rules}?q=bench"),
            ("matching groups", client, run.get_absolute_url()),
            ("swap, search", client, f"{swap}?q=bench"),
        ]
        self.stdout.write(f"{'page':<24} {'queries':>7} {'median ms':>10} {'KiB':>7}")
        for name, who, url in pages:
            queries, median, size = self._measure(who, url, runs=runs)
            self.stdout.write(f"{name:<24} {queries:>7} {median:>10.1f} {size / 1024:>7.1f}")

    def _load(self) -> Cohort:
        now = timezone.now()
        programs = Program.objects.bulk_create(
            [
                Program(
                    slug=f"bench-{n}",
                    name_en=f"Benchmark program {n}",
                    kind=ProgramKind.PROFESSIONAL,
                    countries=list(COUNTRIES),
                )
                for n in range(PROGRAMS)
            ]
        )
        statuses = [CohortStatus.OPEN, CohortStatus.RUNNING, CohortStatus.FINISHED]
        cohorts = Cohort.objects.bulk_create(
            [
                Cohort(
                    program=program,
                    slug=f"bench-{program.slug}-{index}",
                    name_en=f"Cohort {index}",
                    status=status,
                    opens_at=now - dt.timedelta(days=30 + 365 * index),
                    deadline=now + dt.timedelta(days=30 - 365 * index),
                    starts_on=(now + dt.timedelta(days=60 - 365 * index)).date(),
                    ends_on=(now + dt.timedelta(days=80 - 365 * index)).date(),
                    host_country="KR",
                )
                for program in programs
                for index, status in enumerate(statuses)
            ],
            batch_size=2000,
        )
        cohort = cohorts[1]
        users = User.objects.bulk_create(
            [
                User(
                    email=f"bench-{n:05d}@bench.invalid",
                    given_name=f"Bench{n}",
                    family_name=f"Participant{n % 997:03d}",
                    role=Role.APPLICANT,
                    country=COUNTRIES[n % 3],
                    password=UNUSABLE_PASSWORD,
                )
                for n in range(PARTICIPANTS)
            ],
            batch_size=2000,
        )
        Application.objects.bulk_create(
            [
                Application(
                    applicant=user,
                    cohort=cohort,
                    country=user.country,
                    status=ApplicationStatus.CONFIRMED,
                    institution=f"Institution {n}",
                )
                for n, user in enumerate(users)
            ],
            batch_size=2000,
        )
        return cohort

    def _groups(self, cohort: Cohort, staff: User) -> MatchingRun:
        """A finished run with every participant in a triad (1,200 groups)."""
        run = MatchingRun.objects.create(
            cohort=cohort,
            created_by=staff,
            status=MatchingRunStatus.FINISHED,
            parameters={"per_country": 1},
            finished_at=timezone.now(),
        )
        people = list(
            Application.objects.filter(cohort=cohort)
            .order_by("country", "id")
            .values_list("pk", flat=True)
        )
        size = len(people) // 3
        groups = MatchGroup.objects.bulk_create(
            [MatchGroup(run=run, number=g + 1) for g in range(size)], batch_size=2000
        )
        MatchGroupMember.objects.bulk_create(
            [
                MatchGroupMember(run=run, group=groups[g], application_id=people[c * size + g])
                for g in range(size)
                for c in range(3)
            ],
            batch_size=2000,
        )
        return run

    def _measure(self, client, url: str, *, runs: int) -> tuple[int, float, int]:
        def fetch():
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)  # noqa: S101
            return len(response.content)

        fetch()  # warm caches (templates, URL resolvers)
        executed = []
        with connection.execute_wrapper(
            lambda execute, sql, params, many, context: (
                executed.append(sql) or execute(sql, params, many, context)
            )
        ):
            size = fetch()
        times = []
        for _run in range(runs):
            started = time.perf_counter()
            fetch()
            times.append((time.perf_counter() - started) * 1000)
        return len(executed), statistics.median(times), size
