"""Idempotency-Key on POST: one change, the first answer replayed byte for byte, 409 while
the first request runs, and a beat task that forgets keys after 24 hours."""

import datetime as dt
import threading

import pytest
from django.db import connection
from django.utils import timezone

from api.models import IdempotencyRecord
from api.tasks import task_purge_idempotency_records
from exchanges.models import Nomination, OutgoingMail
from tests.api.conftest import client_for
from tests.api.test_scoping import assert_problem

NOMINATIONS = "/api/v1/nominations/"


def payload(world, email="hana@example.jp") -> dict:
    return {"cohort": world["cohort"].pk, "name": "Sato Hana", "email": email}


@pytest.mark.django_db
def test_a_repeat_returns_the_first_response_byte_for_byte_and_creates_nothing(world):
    jp = client_for(world["JP"].token)

    first = jp.post(NOMINATIONS, payload(world), format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    second = jp.post(NOMINATIONS, payload(world), format="json", HTTP_IDEMPOTENCY_KEY="k-1")

    assert first.status_code == second.status_code == 201
    assert second.content == first.content
    assert second["Content-Type"] == first["Content-Type"] == "application/json"
    assert second["Idempotent-Replayed"] == "true"
    assert Nomination.objects.filter(email="hana@example.jp").count() == 1
    assert OutgoingMail.objects.filter(recipient_email="hana@example.jp").count() == 1


@pytest.mark.django_db
def test_the_same_key_of_another_caller_is_another_request(world):
    jp, kr = client_for(world["JP"].token), client_for(world["KR"].token)

    jp.post(NOMINATIONS, payload(world, "a@example.org"), format="json", HTTP_IDEMPOTENCY_KEY="k")
    other = kr.post(
        NOMINATIONS, payload(world, "b@example.org"), format="json", HTTP_IDEMPOTENCY_KEY="k"
    )

    assert other.status_code == 201
    assert other.json()["email"] == "b@example.org"


@pytest.mark.django_db
def test_the_same_key_for_a_different_body_is_a_409_problem(world):
    jp = client_for(world["JP"].token)
    jp.post(NOMINATIONS, payload(world, "a@example.org"), format="json", HTTP_IDEMPOTENCY_KEY="k")

    response = jp.post(
        NOMINATIONS, payload(world, "b@example.org"), format="json", HTTP_IDEMPOTENCY_KEY="k"
    )

    assert_problem(response, 409, "idempotency_key_reused")


@pytest.mark.django_db
def test_a_failed_request_stores_nothing_so_a_retry_runs(world):
    jp = client_for(world["JP"].token)
    bad = {**payload(world), "email": "nominee-jp@example.org"}  # JP's own nominee: 409

    refused = jp.post(NOMINATIONS, bad, format="json", HTTP_IDEMPOTENCY_KEY="k")

    assert refused.status_code == 409
    assert IdempotencyRecord.objects.count() == 0


@pytest.mark.django_db
def test_keys_older_than_24_hours_are_purged_by_the_beat_task(world):
    jp = client_for(world["JP"].token)
    jp.post(NOMINATIONS, payload(world), format="json", HTTP_IDEMPOTENCY_KEY="old")
    jp.post(NOMINATIONS, payload(world, "n@example.org"), format="json", HTTP_IDEMPOTENCY_KEY="new")
    IdempotencyRecord.objects.filter(idempotency_key="old").update(
        created_at=timezone.now() - dt.timedelta(hours=24, seconds=1)
    )

    assert task_purge_idempotency_records() == 1
    assert list(IdempotencyRecord.objects.values_list("idempotency_key", flat=True)) == ["new"]


@pytest.mark.django_db(transaction=True)
def test_a_concurrent_repeat_gets_409_while_the_first_runs(world, live_server):
    """On PostgreSQL two real requests overlap: the first is held inside its transaction by a
    table lock this test takes, while the repeat arrives."""
    if connection.vendor != "postgresql":
        pytest.skip("needs row-level concurrency (PostgreSQL)")
    import psycopg  # noqa: PLC0415 -- optional dependency: only this PostgreSQL case
    import requests  # noqa: PLC0415 -- optional dependency: only this live-server case

    settings = connection.settings_dict
    blocker = psycopg.connect(
        host=settings["HOST"],
        port=settings["PORT"] or 5432,
        user=settings["USER"],
        dbname=settings["NAME"],
        autocommit=False,
    )
    blocker.execute("LOCK TABLE exchanges_nomination IN EXCLUSIVE MODE")
    headers = {"Authorization": f"Bearer {world['JP'].token}", "Idempotency-Key": "same"}
    url = live_server.url + NOMINATIONS
    results = {}

    def first():
        results["first"] = requests.post(url, json=payload(world), headers=headers, timeout=30)

    thread = threading.Thread(target=first)
    thread.start()
    deadline = timezone.now() + dt.timedelta(seconds=10)
    while not IdempotencyRecord.objects.exists() and timezone.now() < deadline:
        threading.Event().wait(0.05)
    repeat = requests.post(url, json=payload(world), headers=headers, timeout=30)
    blocker.rollback()
    blocker.close()
    thread.join()
    replay = requests.post(url, json=payload(world), headers=headers, timeout=30)

    assert repeat.status_code == 409
    assert repeat.headers["Content-Type"] == "application/problem+json"
    assert repeat.json()["code"] == "idempotency_in_progress"
    assert results["first"].status_code == 201
    assert replay.content == results["first"].content
    assert Nomination.objects.filter(email="hana@example.jp").count() == 1
