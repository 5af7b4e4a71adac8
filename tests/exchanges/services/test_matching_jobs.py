"""Matching runs as jobs: progress with the objective, a stop that keeps the best groups, and
recovery of a run whose worker died."""

import datetime as dt
import random
import threading
import time

import pytest
from django.db import connection
from django.utils import timezone
from django_scopes import scopes_disabled

from exchanges.enums import MatchingRunStatus
from exchanges.exceptions import MatchingChangeRefused
from exchanges.matching import validate_groups
from exchanges.models import ActivityLog, MatchGroup, MatchGroupMember, MatchingRun
from exchanges.services.matching import (
    DEFAULT_PARAMETERS,
    matching_participants,
    matching_run_execute,
    matching_run_stop,
    matching_runs_sweep,
)
from tests.factories.applications import CohortFactory
from tests.factories.matching import MatchingParticipantFactory

INTERESTS = ["climate", "security", "trade", "technology", "demography", "health"]
SECTORS = ["politics", "business", "media", "academia", "education"]


def varied_cohort(per_country: int):
    """A cohort with ``per_country`` confirmed participants per country whose
    compatibilities differ (seeded), large enough for the heuristic search."""
    cohort = CohortFactory()
    rng = random.Random(7)
    for _ in range(per_country):
        for country in ("US", "JP", "KR"):
            MatchingParticipantFactory(
                cohort=cohort,
                from_country=country,
                profile__interests=rng.sample(INTERESTS, 2),
                sector=rng.choice(SECTORS),
                languages={"en": rng.choice(["basic", "conversational", "professional"])},
            )
    return cohort


def _queued(cohort, time_limit: int) -> MatchingRun:
    return MatchingRun.objects.create(
        cohort=cohort,
        parameters={**DEFAULT_PARAMETERS, "per_country": 1, "time_limit": time_limit},
    )


def _in_thread(run_id: int) -> threading.Thread:
    def work():
        # The thread stands for a Celery worker, which runs with query scopes off
        # (config.celery.SystemTask); a new thread starts outside the test's own scope.
        try:
            with scopes_disabled():
                matching_run_execute(run_id=run_id)
        finally:
            connection.close()

    thread = threading.Thread(target=work, daemon=True)
    thread.start()
    return thread


def _groups(run) -> list[list[int]]:
    return [
        list(MatchGroupMember.objects.filter(group=g).values_list("application_id", flat=True))
        for g in MatchGroup.objects.filter(run=run).order_by("number")
    ]


def _valid(run) -> list[str]:
    people = matching_participants(cohort=run.cohort)
    return validate_groups(people, _groups(run), ["US", "JP", "KR"], 1)


@pytest.mark.django_db(transaction=True)
def test_progress_with_objective_rises_to_the_end():
    cohort = varied_cohort(45)
    run = _queued(cohort, time_limit=3)

    thread = _in_thread(run.pk)
    seen = []
    while thread.is_alive():
        seen.append(
            MatchingRun.objects.values_list("status", "progress", "objective").get(pk=run.pk)
        )
        time.sleep(0.05)
    thread.join()

    run.refresh_from_db()
    running = [(progress, objective) for status, progress, objective in seen if status == "running"]
    progresses = [progress for progress, _objective in running]
    assert progresses == sorted(progresses)
    assert len(set(progresses)) >= 3
    assert any(objective is not None for _progress, objective in running)
    assert (run.status, run.progress, run.message) == (MatchingRunStatus.FINISHED, 100, "")
    assert run.best_groups == []
    assert _valid(run) == []


@pytest.mark.django_db(transaction=True)
def test_stopped_run_keeps_its_best_groups(secretariat):
    cohort = varied_cohort(45)
    run = _queued(cohort, time_limit=120)
    thread = _in_thread(run.pk)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        best = MatchingRun.objects.values_list("objective", flat=True).get(pk=run.pk)
        if best is not None:
            break
        time.sleep(0.05)
    started = time.monotonic()

    matching_run_stop(run=run, actor=secretariat)
    thread.join(30)

    assert thread.is_alive() is False
    assert time.monotonic() - started < 10
    run.refresh_from_db()
    assert (run.status, run.message, run.progress) == (MatchingRunStatus.FINISHED, "stopped", 100)
    assert run.objective >= best
    assert run.seconds < 120
    assert len(_groups(run)) == 45
    assert _valid(run) == []
    assert list(
        ActivityLog.objects.filter(object_id=run.pk, action_type__startswith="exchanges.matching")
        .order_by("id")
        .values_list("action_type", flat=True)
    ) == ["exchanges.matching_run.stop_requested", "exchanges.matching_run.finished"]
    with pytest.raises(MatchingChangeRefused):
        matching_run_stop(run=run, actor=secretariat)


@pytest.mark.django_db
def test_stopping_a_queued_run_fails_it_at_once(secretariat):
    run = _queued(CohortFactory(), time_limit=5)

    matching_run_stop(run=run, actor=secretariat)

    run.refresh_from_db()
    assert (run.status, run.message) == (MatchingRunStatus.FAILED, "stopped")
    assert matching_run_execute(run_id=run.pk).status == MatchingRunStatus.FAILED


@pytest.mark.django_db
def test_sweep_leaves_a_live_run_and_fails_a_dead_one_without_groups(settings):
    settings.MATCHING_STALE_SECONDS = 60
    cohort = CohortFactory()
    now = timezone.now()
    live = _queued(cohort, time_limit=5)
    dead = _queued(cohort, time_limit=5)
    MatchingRun.objects.filter(pk=live.pk).update(status="running", heartbeat_at=now)
    MatchingRun.objects.filter(pk=dead.pk).update(
        status="running", heartbeat_at=now - dt.timedelta(seconds=61)
    )

    assert matching_runs_sweep() == 1

    live.refresh_from_db()
    dead.refresh_from_db()
    assert live.status == MatchingRunStatus.RUNNING
    assert (dead.status, dead.message) == (MatchingRunStatus.FAILED, "error")
