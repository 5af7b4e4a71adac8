"""A matching whose worker process is killed keeps the best groups it found."""

import os
import signal
import subprocess
import sys
import time

import pytest
from django.db import connection

from exchanges.enums import MatchingRunStatus
from exchanges.matching import validate_groups
from exchanges.models import ActivityLog, MatchGroup, MatchGroupMember, MatchingRun
from exchanges.services.matching import matching_participants, matching_runs_sweep
from tests.exchanges.services.test_matching_jobs import _queued, varied_cohort
from tests.integration.conftest import BASE_DIR, wait_until

# A worker process as Celery runs one, with query scopes off (config.celery.SystemTask).
WORKER = (
    "import django; django.setup()\n"
    "from django_scopes import scopes_disabled\n"
    "from exchanges.services.matching import matching_run_execute\n"
    "with scopes_disabled():\n"
    "    matching_run_execute(run_id={run_id})\n"
)


def test_killed_worker_keeps_the_best_groups_it_found(database_url, settings):
    cohort = varied_cohort(45)
    run = _queued(cohort, time_limit=120)
    connection.close()  # let the other process write to an SQLite file without waiting
    worker = subprocess.Popen(
        [sys.executable, "-c", WORKER.format(run_id=run.pk)],
        cwd=BASE_DIR,
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.local",
            "DJANGO_DEBUG": "false",
            "DATABASE_URL": database_url,
            "LOG_LEVEL": "WARNING",
        },
        start_new_session=True,
    )
    try:
        wait_until(
            lambda: MatchingRun.objects.filter(pk=run.pk).exclude(best_groups=[]).exists(),
            timeout=90,
            message="the worker saved no grouping",
        )
        best = MatchingRun.objects.values_list("objective", flat=True).get(pk=run.pk)
    finally:
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait(10)
    time.sleep(0.1)
    settings.MATCHING_STALE_SECONDS = 0

    assert matching_runs_sweep() == 1

    run.refresh_from_db()
    assert (run.status, run.message, run.progress) == (
        MatchingRunStatus.FINISHED,
        "recovered",
        100,
    )
    assert run.objective == best
    assert run.best_groups == []
    groups = [
        list(MatchGroupMember.objects.filter(group=g).values_list("application_id", flat=True))
        for g in MatchGroup.objects.filter(run=run).order_by("number")
    ]
    assert len(groups) == 45
    people = matching_participants(cohort=cohort)
    assert validate_groups(people, groups, ["US", "JP", "KR"], 1) == []
    assert sum(MatchGroup.objects.filter(run=run).values_list("score", flat=True)) == pytest.approx(
        best
    )
    assert (
        ActivityLog.objects.filter(
            object_id=run.pk, action_type="exchanges.matching_run.recovered"
        ).count()
        == 1
    )
