"""Celery tasks of the API app."""

from celery import shared_task

from api.services import idempotency_records_purge


@shared_task(name="api.purge_idempotency_records", ignore_result=True)
def task_purge_idempotency_records() -> int:
    """Beat, hourly: forget Idempotency-Key answers older than ``API_IDEMPOTENCY_HOURS``."""
    return idempotency_records_purge()
