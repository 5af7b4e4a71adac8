"""Celery tasks: thin wrappers that load rows by id and call a service.

A leaf module: services import it to dispatch, so it imports services inside the tasks.
"""

from celery import shared_task


@shared_task(name="exchanges.run_matching", ignore_result=True)
def task_run_matching(run_id: int) -> None:
    """Execute matching run ``run_id``. No retries: a crash marks the run failed, and staff
    start a new one. A missing or already-started run is a quiet no-op."""
    from exchanges.services.matching import matching_run_execute  # noqa: PLC0415 -- tasks are a leaf module

    matching_run_execute(run_id=run_id)
