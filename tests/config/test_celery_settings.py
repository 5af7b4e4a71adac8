"""The Celery app takes its worker limits from the Django settings."""

from config.celery import app


def test_a_worker_child_holding_more_than_a_gibibyte_after_a_task_is_replaced(settings):
    # Read by the worker at start (celery worker --max-memory-per-child's setting): the limit
    # is in KiB, so a child that kept a large matching run's memory is recycled after it.
    assert settings.CELERY_WORKER_MAX_MEMORY_PER_CHILD == 1024 * 1024
    assert app.conf.worker_max_memory_per_child == 1024 * 1024
