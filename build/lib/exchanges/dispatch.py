"""Handing Celery tasks to the broker, the one way services do it.

``dispatch_on_commit`` runs after the transaction that wrote the rows commits, so a worker
never reads uncommitted rows. A broker failure never fails the request: the rows the service
committed are the truth, and a sweeper or beat task picks the work up once the broker is back
(the outbox sweeper, the campaigns tick; a matching run stays visibly queued). After a failure
the process stops trying for a while, so a request that dispatches several tasks waits for the
broker's timeout once, not once per task. When no broker is configured (the embedded default
and the tests), Celery runs the task in-process.
"""

import logging
import time
from collections.abc import Callable

from celery import Task
from django.db import transaction

logger = logging.getLogger(__name__)

BROKER_BACKOFF_SECONDS = 15.0
_breaker = {"down_until": 0.0}


def dispatch_breaker_reset() -> None:
    """Forget an earlier broker failure (a new web process starts this way)."""
    _breaker["down_until"] = 0.0


def dispatch(task: Task, *args, countdown: float | None = None) -> bool:
    """Hand ``task(*args)`` to the broker now; never raises. Returns False when the broker
    could not take it. Arguments are primitive ids, never model instances."""
    if not task.app.conf.task_always_eager and time.monotonic() < _breaker["down_until"]:
        return False
    try:
        task.apply_async(args=list(args), countdown=countdown)
    except Exception as exc:  # noqa: BLE001 -- any broker failure: the committed rows remain
        _breaker["down_until"] = time.monotonic() + BROKER_BACKOFF_SECONDS
        # The task's name and the error's class only: arguments may identify people.
        logger.warning("Broker unavailable (%s): %s not queued", exc.__class__.__name__, task.name)
        return False
    return True


def dispatch_on_commit(
    task: Task,
    *args,
    countdown: float | None = None,
    on_refused: Callable[[], None] | None = None,
) -> None:
    """``dispatch`` after the current transaction commits (at once outside one). When the
    broker refuses, ``on_refused`` runs, for example to mark rows for the sweeper."""

    def run() -> None:
        if not dispatch(task, *args, countdown=countdown) and on_refused is not None:
            on_refused()

    transaction.on_commit(run)
