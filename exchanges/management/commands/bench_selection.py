"""Benchmark selection: assignment, scoring, normalisation and the proposal at scale.

In a throw-away program inside a transaction rolled back at the end (the database is left as
it was), for each size (200 and 20,000 applications by default): 300 reviewers (a third of
them harsh, a third lenient) each declare a conflict with one of 50 institutions, so 2% of
the (application, reviewer) pairs are excluded; ``review_assign_automatically`` gives every
application 3 reviewers; every assignment is scored; then the normalised scores and the
proposal are computed. Each step prints its wall time and how much it raised the process's peak
resident memory; the solver alone is timed too. The assignment service writes its rows and their
activity-log entries in bulk (``exchanges.services.reviews._insert_many``). Last, the query
counts of the review dashboard and the proposal page at each size, which must be equal.
"""

import datetime as dt
import random
import resource
import time
from decimal import Decimal

from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.test import Client
from django.test.utils import override_settings
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from exchanges.enums import (
    ApplicationStatus,
    CohortStatus,
    ProgramKind,
    ReviewAssignmentStatus,
    Role,
    Sector,
)
from exchanges.matching.assignment import AssignmentProblem, assign_reviewers
from exchanges.models import (
    Application,
    Cohort,
    CohortQuota,
    Program,
    Review,
    ReviewAssignment,
)
from exchanges.selectors.selection import selection_proposal, selection_scores
from exchanges.services.reviews import (
    review_assign_automatically,
    review_pool_add,
    review_settings_get,
    reviewer_conflict_add,
)

SIZES = (200, 20_000)
REVIEWERS = 300
PER_APPLICATION = 3
INSTITUTIONS = 50  # one declared conflict per reviewer: 1/50 = 2% of the pairs
COUNTRIES = ("US", "JP", "KR")
UNUSABLE_PASSWORD = "!"  # noqa: S105 -- Django's marker for "no password can log in"
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"  # noqa: S105 -- a throw-away bench user


class Rollback(Exception):
    """Raised to roll the benchmark data back."""


def _peak_rss() -> int:
    """The process's peak resident memory so far, in bytes (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def _step(name: str, write, fn):
    """Run ``fn``, print its wall and CPU time and how much it raised the process's peak memory
    (resident set: Python objects, SQLite's cache and the solver's C++ arrays alike; zero
    when the step fit in memory an earlier step had already used), return its result."""
    before = _peak_rss()
    started, cpu_started = time.perf_counter(), time.process_time()
    result = fn()
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    growth = _peak_rss() - before
    write(f"  {name:<34} {elapsed:>9.2f} s {cpu:>9.2f} s {growth / 2**20:>9.1f} MiB")
    return result


class Command(BaseCommand):
    help = "Print the time and memory of assignment, scoring, normalisation and the proposal."

    def add_arguments(self, parser):
        parser.add_argument(
            "--sizes", type=int, nargs="+", default=list(SIZES), help="numbers of applications"
        )
        parser.add_argument("--reviewers", type=int, default=REVIEWERS)

    def handle(self, *args, sizes: list[int], reviewers: int, **options):
        # Timed as production runs: without DEBUG's logging of every query (the development
        # settings turn it on, which adds its own cost to each of tens of thousands of rows).
        try:
            with override_settings(DEBUG=False), transaction.atomic():
                self._run(sorted(sizes), reviewers)
                raise Rollback
        except Rollback:
            self.stdout.write("(benchmark data rolled back)")

    def _run(self, sizes: list[int], n_reviewers: int) -> None:
        from allauth.mfa.totp.internal.auth import TOTP  # noqa: PLC0415 -- app registry: allauth's models

        write = self.stdout.write
        staff = User.objects.create(
            email="bench-selection@bench.invalid",
            given_name="Bench",
            family_name="Staff",
            role=Role.SECRETARIAT,
            is_superuser=True,
            is_staff=True,
        )
        TOTP.activate(staff, TOTP_SECRET)
        client = _client_past_mfa(staff)
        rng = random.Random(11)
        counts = {}
        # CPU time beside the wall time: on a shared machine the wall time also counts waiting.
        write(f"{'step':<36} {'time':>11} {'CPU time':>11} {'peak growth':>13}")
        for size in sizes:
            write(f"{size} applications, {n_reviewers} reviewers, {PER_APPLICATION} each:")
            cohort = self._cohort(size)
            pool = _step(
                "pool and declared conflicts",
                write,
                lambda cohort=cohort, size=size: self._pool(cohort, staff, n_reviewers, size),
            )
            _step("applications", write, lambda c=cohort, s=size: self._applications(c, s, rng))
            _step(
                "solver alone (same shape)",
                write,
                lambda s=size: assign_reviewers(_shape(s, n_reviewers, rng)),
            )
            result = _step(
                "assignment (service, all writes)",
                write,
                lambda c=cohort: review_assign_automatically(
                    cohort=c, per_application=PER_APPLICATION, actor=staff
                ),
            )
            loads = sorted(result.loads.values())
            write(
                f"    {result.assignments_created} assignments, {len(result.unfilled)} short, "
                f"loads {loads[0]}..{loads[-1]}"
            )
            _step("scoring", write, lambda c=cohort, p=pool: self._score(c, p, rng))
            scores = _step("normalisation", write, lambda c=cohort: selection_scores(cohort=c))
            write(f"    {sum(1 for s in scores if s.unnormalised)} with unnormalised reviewers")
            proposal = _step("proposal", write, lambda c=cohort: selection_proposal(cohort=c))
            write(
                "    selected "
                + ", ".join(f"{c.country} {len(c.selected)}" for c in proposal.countries)
            )
            counts[size] = {
                "dashboard": self._queries(
                    client, reverse("staff:selection_dashboard", args=[cohort.pk])
                ),
                "proposal": self._queries(
                    client, reverse("staff:selection", args=[cohort.pk]) + "?country=JP&page=2"
                ),
            }
        write(f"peak resident memory {_peak_rss() / 2**20:.0f} MiB")
        write(f"{'page':<12}" + "".join(f"{size:>10}" for size in sizes) + "  (queries)")
        for page in ("dashboard", "proposal"):
            write(f"{page:<12}" + "".join(f"{counts[size][page]:>10}" for size in sizes))

    def _cohort(self, size: int) -> Cohort:
        now = timezone.now()
        program = Program.objects.create(
            slug=f"bench-selection-{size}",
            name_en="Benchmark",
            kind=ProgramKind.PROFESSIONAL,
            countries=list(COUNTRIES),
        )
        cohort = Cohort.objects.create(
            program=program,
            slug=f"bench-selection-{size}",
            name_en="Benchmark cohort",
            status=CohortStatus.REVIEW,
            opens_at=now - dt.timedelta(days=60),
            deadline=now - dt.timedelta(days=1),
            starts_on=(now + dt.timedelta(days=30)).date(),
            ends_on=(now + dt.timedelta(days=50)).date(),
            host_country="KR",
            sector_targets={Sector.MEDIA: max(1, size // 400)},
        )
        for country in COUNTRIES:
            CohortQuota.objects.create(cohort=cohort, country=country, seats=max(2, size // 60))
        review_settings = review_settings_get(cohort=cohort)
        review_settings.due_at = now + dt.timedelta(days=14)
        review_settings.save(update_fields=["due_at"])
        return cohort

    def _pool(self, cohort: Cohort, staff, n_reviewers: int, size: int) -> list[User]:
        reviewers = User.objects.bulk_create(
            [
                User(
                    email=f"bench-reviewer-{size}-{i:04d}@bench.invalid",
                    given_name=f"Reviewer{i}",
                    family_name=("Harsh", "Lenient", "Fair")[i % 3],
                    role=Role.REVIEWER,
                    country=COUNTRIES[i % 3],
                    password=UNUSABLE_PASSWORD,
                )
                for i in range(n_reviewers)
            ]
        )
        for i, reviewer in enumerate(reviewers):
            review_pool_add(cohort=cohort, reviewer=reviewer, actor=staff)
            reviewer_conflict_add(
                reviewer=reviewer, institution=f"Institute {i % INSTITUTIONS}", actor=staff
            )
        return reviewers

    def _applications(self, cohort: Cohort, size: int, rng: random.Random) -> None:
        applicants = User.objects.bulk_create(
            [
                User(
                    email=f"bench-applicant-{size}-{i:06d}@bench.invalid",
                    given_name=f"Applicant{i}",
                    family_name="Bench",
                    role=Role.APPLICANT,
                    country=COUNTRIES[i % 3],
                    password=UNUSABLE_PASSWORD,
                )
                for i in range(size)
            ],
            batch_size=2000,
        )
        now = timezone.now()
        sectors = list(Sector.values)
        Application.objects.bulk_create(
            [
                Application(
                    applicant=user,
                    cohort=cohort,
                    country=user.country,
                    citizenship=user.country,
                    residence_country=user.country,
                    sector=rng.choice(sectors),
                    status=ApplicationStatus.SUBMITTED,
                    institution=f"Institute {i % INSTITUTIONS}",
                    submitted_at=now - dt.timedelta(minutes=i),
                )
                for i, user in enumerate(applicants)
            ],
            batch_size=2000,
        )

    def _score(self, cohort: Cohort, reviewers: list[User], rng: random.Random) -> None:
        """Every assignment scored: the applicant's merit, the reviewer's bias (harsh −15,
        lenient +15) and noise, within 0–100."""
        bias = {r.pk: (-15, 15, 0)[i % 3] for i, r in enumerate(reviewers)}
        merit: dict[int, float] = {}
        rows = list(
            ReviewAssignment.objects.filter(cohort=cohort).values_list(
                "pk", "application_id", "reviewer_id"
            )
        )
        reviews = []
        for pk, application_id, reviewer_id in rows:
            base = merit.setdefault(application_id, rng.gauss(60, 12))
            value = min(100.0, max(0.0, base + bias[reviewer_id] + rng.gauss(0, 5)))
            reviews.append(Review(assignment_id=pk, weighted_score=Decimal(f"{value:.2f}")))
        Review.objects.bulk_create(reviews, batch_size=2000)
        ReviewAssignment.objects.filter(cohort=cohort).update(
            status=ReviewAssignmentStatus.SUBMITTED, submitted_at=timezone.now()
        )

    def _queries(self, client: Client, url: str) -> int:
        response = client.get(url)  # warm caches (templates, content types)
        assert response.status_code == 200, (url, response.status_code)  # noqa: S101
        executed = []
        with connection.execute_wrapper(
            lambda execute, sql, params, many, context: (
                executed.append(sql) or execute(sql, params, many, context)
            )
        ):
            client.get(url)
        return len(executed)


def _client_past_mfa(user: User) -> Client:
    """A test client signed in as ``user`` in a session that passed the TOTP step (staff
    pages require it), recorded the way allauth records it."""
    from allauth.account.internal.flows.login import (  # noqa: PLC0415 -- app registry: allauth
        _AUTHENTICATION_METHODS_USER_SESSION_KEY,
        AUTHENTICATION_METHODS_SESSION_KEY,
    )
    from allauth.mfa.models import Authenticator  # noqa: PLC0415 -- app registry: allauth

    client = Client()
    client.force_login(user)
    authenticator = Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP)
    session = client.session
    session[AUTHENTICATION_METHODS_SESSION_KEY] = [
        {"method": "password", "at": time.time(), "email": user.email},
        {"method": "mfa", "at": time.time(), "id": authenticator.pk, "type": "totp"},
    ]
    session[_AUTHENTICATION_METHODS_USER_SESSION_KEY] = str(user.pk)
    session.save()
    return client


def _shape(size: int, n_reviewers: int, rng: random.Random) -> AssignmentProblem:
    """An assignment problem like the benchmark's: 2% of the pairs excluded."""
    by_institution = [
        {r for r in range(n_reviewers) if r % INSTITUTIONS == k} for k in range(INSTITUTIONS)
    ]
    return AssignmentProblem(
        needed=[PER_APPLICATION] * size,
        pool_of=[0] * size,
        pools=[list(range(n_reviewers))],
        excluded=[by_institution[rng.randrange(INSTITUTIONS)] for _ in range(size)],
        load=[0] * n_reviewers,
        capacity=[None] * n_reviewers,
    )
