"""Bulk decisions hold the quotas under concurrency: two staff accepting different lists at
the same moment never give more offers than seats. PostgreSQL only (row locks)."""

import pytest
from django.db import connection

from exchanges.enums import ApplicationStatus
from exchanges.models import ActivityLog, Application
from exchanges.services.selection import selection_decide
from tests.exchanges.services.test_offers_concurrency import run_at_once
from tests.factories import SecretariatFactory
from tests.factories.applications import ApplicationFactory, CohortFactory
from tests.factories.selection import quota

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="Row locks (SELECT ... FOR UPDATE) need PostgreSQL; SQLite serialises writes.",
    ),
]

S = ApplicationStatus


def test_concurrent_bulk_accepts_never_exceed_the_quota():
    cohort = CohortFactory()
    quota(cohort, "KR", seats=3)
    ApplicationFactory(cohort=cohort, status=S.CONFIRMED)
    first = ApplicationFactory.create_batch(3, cohort=cohort, status=S.UNDER_REVIEW)
    second = ApplicationFactory.create_batch(3, cohort=cohort, status=S.UNDER_REVIEW)
    one, two = SecretariatFactory(), SecretariatFactory()

    results = run_at_once(
        [
            lambda: selection_decide(
                cohort=cohort, applications=first, decision=S.ACCEPTED, actor=one
            ),
            lambda: selection_decide(
                cohort=cohort, applications=second, decision=S.ACCEPTED, actor=two
            ),
        ]
    )

    assert sorted(len(r.decided) for r in results) == [0, 2]
    assert sorted(len(r.refused) for r in results) == [1, 3]
    assert (
        Application.objects.filter(cohort=cohort, status__in=[S.ACCEPTED, S.CONFIRMED]).count() == 3
    )
    assert ActivityLog.objects.filter(action_type="exchanges.application.accepted").count() == 2
