"""Quotas hold under concurrent decisions: real transactions in threads, each with its own
database connection. PostgreSQL only (SQLite has no row locks; CI runs the suite on both)."""

import datetime as dt
import threading

import pytest
from django.db import connection
from django_scopes import scopes_disabled

from exchanges.enums import ApplicationStatus
from exchanges.exceptions import QuotaExceeded
from exchanges.models import ActivityLog, Application
from exchanges.services.applications import application_transition
from exchanges.services.offers import offer_lapses, offer_respond
from tests.factories.applications import ApplicationFactory, CohortFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="Row locks (SELECT ... FOR UPDATE) need PostgreSQL; SQLite "
        "serialises every write, so concurrency is not tested there.",
    ),
]

S = ApplicationStatus


def run_at_once(functions) -> list:
    """Run each function in its own thread, started together; returns results or exceptions.
    Every thread closes its database connection."""
    barrier = threading.Barrier(len(functions))
    results: list = [None] * len(functions)

    def worker(index, function):
        try:
            barrier.wait(timeout=10)
            # A new thread starts outside the test's own scope: the services run with query
            # scopes off here, as they do in tests (tests/conftest.py) and Celery tasks.
            with scopes_disabled():
                results[index] = function()
        except Exception as exc:  # noqa: BLE001 -- the test inspects what each thread met
            results[index] = exc
        finally:
            connection.close()

    threads = [
        threading.Thread(target=worker, args=(index, function))
        for index, function in enumerate(functions)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def test_concurrent_acceptances_into_one_free_seat_give_exactly_one_offer():
    cohort = CohortFactory(with_quota=True, quota__seats=3)
    ApplicationFactory.create_batch(2, cohort=cohort, status=S.CONFIRMED)
    candidates = ApplicationFactory.create_batch(6, cohort=cohort, status=S.UNDER_REVIEW)

    results = run_at_once(
        [
            lambda application=application: application_transition(
                application=application, to_status=S.ACCEPTED, actor=None
            )
            for application in candidates
        ]
    )

    assert sorted(type(result).__name__ for result in results) == [
        "Application",
        *["QuotaExceeded"] * 5,
    ]
    assert (
        Application.objects.filter(cohort=cohort, status__in=[S.ACCEPTED, S.CONFIRMED]).count() == 3
    )
    assert ActivityLog.objects.filter(action_type="exchanges.application.accepted").count() == 1
    assert all(isinstance(r, (Application, QuotaExceeded)) for r in results)


def test_concurrent_declines_promote_distinct_waitlisted_and_renumber():
    cohort = CohortFactory(with_quota=True, quota__seats=2)
    offers = ApplicationFactory.create_batch(2, cohort=cohort, status=S.ACCEPTED)
    waiting = ApplicationFactory.create_batch(3, cohort=cohort, status=S.UNDER_REVIEW)
    for application in waiting:
        application_transition(application=application, to_status=S.WAITLISTED, actor=None)

    results = run_at_once(
        [
            lambda application=application: offer_respond(
                application=application, actor=application.applicant, accept=False
            )
            for application in offers
        ]
    )

    assert [type(result).__name__ for result in results] == ["Application", "Application"]
    assert list(
        Application.objects.filter(pk__in=[a.pk for a in waiting])
        .order_by("id")
        .values_list("status", "waitlist_position")
    ) == [(S.ACCEPTED, None), (S.ACCEPTED, None), (S.WAITLISTED, 1)]


def test_concurrent_lapse_runs_lapse_each_offer_once():
    cohort = CohortFactory(with_quota=True, quota__seats=1)
    past = dt.datetime(2030, 3, 1, tzinfo=dt.UTC)
    lapsing = ApplicationFactory(cohort=cohort, accepted=True, offer_respond_by=past)
    waiting = ApplicationFactory(cohort=cohort, status=S.UNDER_REVIEW)
    application_transition(application=waiting, to_status=S.WAITLISTED, actor=None)
    now = past + dt.timedelta(hours=1)

    results = run_at_once([lambda: offer_lapses(now) for _index in range(3)])

    assert sorted(results) == [0, 0, 1]
    assert (
        ActivityLog.objects.filter(
            object_id=lapsing.pk, action_type="exchanges.application.declined"
        ).count()
        == 1
    )
    waiting.refresh_from_db()
    assert waiting.status == S.ACCEPTED
