"""Celery tasks: thin wrappers that load rows by id and call a service.

Each task has an explicit name. ``acks_late`` is global (config/settings/base.py), so a task
whose worker dies is delivered again; every task here is safe to run twice.
A leaf module: services import it to dispatch, so tasks import services inside.
"""

from celery import shared_task


@shared_task(name="exchanges.run_matching", ignore_result=True)
def task_run_matching(run_id: int) -> None:
    """Execute matching run ``run_id``. No retries: a crash marks the run failed, and staff
    start a new one. A missing or already-started run is a quiet no-op."""
    from exchanges.services.matching import matching_run_execute  # noqa: PLC0415 -- tasks: services import tasks

    matching_run_execute(run_id=run_id)


@shared_task(name="exchanges.sweep_matching_runs", ignore_result=True)
def task_sweep_matching_runs() -> int:
    """Beat: finish running matchings whose worker died with the best grouping they saved."""
    from exchanges.services.matching import matching_runs_sweep  # noqa: PLC0415 -- tasks: services import this module

    return matching_runs_sweep()


@shared_task(name="exchanges.send_outgoing_mail", ignore_result=True)
def task_send_outgoing_mail(mail_id: int) -> str:
    """Send one outbox row. A missing, finished or claimed row is a quiet no-op.

    Retry policy: a transient failure puts the row back to queued with exponential backoff
    (``exchanges.services.mail.retry_delay``); the task hands it back to the broker with that
    countdown when it is short, otherwise the sweeper dispatches it when due.
    """
    from exchanges.services.mail import (  # noqa: PLC0415 -- tasks: services import tasks
        mail_retry_later,
        mail_send,
    )

    outcome = mail_send(mail_id=mail_id)
    if outcome.result == "retry" and outcome.retry_in is not None:
        mail_retry_later(mail_id=mail_id, delay=outcome.retry_in)
    return outcome.result


@shared_task(name="exchanges.send_outgoing_mail_batch", ignore_result=True)
def task_send_outgoing_mail_batch(mail_ids: list[int]) -> int:
    """Send several outbox rows one after the other over one SMTP connection (bulk sends)."""
    from exchanges.services.mail import (  # noqa: PLC0415 -- tasks: services import tasks
        mail_retry_later,
        mail_send_batch,
    )

    sent = 0
    for mail_id, outcome in mail_send_batch(mail_ids=mail_ids).items():
        if outcome.result == "sent":
            sent += 1
        elif outcome.result == "retry" and outcome.retry_in is not None:
            mail_retry_later(mail_id=mail_id, delay=outcome.retry_in)
    return sent


@shared_task(name="exchanges.sweep_outbox", ignore_result=True)
def task_sweep_outbox() -> dict:
    """Beat: release abandoned claims and dispatch due or undelivered rows."""
    from exchanges.services.mail import mail_sweep  # noqa: PLC0415 -- tasks: services import tasks

    return mail_sweep()


@shared_task(name="exchanges.run_campaign", ignore_result=True)
def task_run_campaign(campaign_id: int) -> int:
    """Queue a campaign's messages in chunks. Re-running it resumes where it stopped."""
    from exchanges.services.campaigns import campaign_enqueue  # noqa: PLC0415 -- tasks: services import tasks

    return campaign_enqueue(campaign_id=campaign_id)


@shared_task(name="exchanges.campaigns_tick", ignore_result=True)
def task_campaigns_tick() -> dict:
    """Beat: start scheduled campaigns that are due, resume stalled ones, close finished ones."""
    from exchanges.services.campaigns import campaigns_tick  # noqa: PLC0415 -- tasks: services import tasks

    return campaigns_tick()


@shared_task(name="exchanges.send_scheduled_reminders", ignore_result=True)
def task_send_scheduled_reminders() -> dict:
    """Beat: run every registered reminder workflow; each queues idempotently."""
    from exchanges.services.reminders import reminders_run  # noqa: PLC0415 -- tasks: services import tasks

    return reminders_run()


@shared_task(name="exchanges.export_applications", ignore_result=True)
def task_export_applications(export_id: int) -> None:
    """Write background export ``export_id``. No retries: a failure marks it failed and
    staff start another. A missing or already-started export is a quiet no-op."""
    from exchanges.services.exports import application_export_execute  # noqa: PLC0415 -- tasks: services import this module

    application_export_execute(export_id=export_id)


@shared_task(name="exchanges.purge_exports", ignore_result=True)
def task_purge_exports() -> int:
    """Beat: delete the files of expired exports."""
    from exchanges.services.exports import application_exports_purge  # noqa: PLC0415 -- tasks: services import this module

    return application_exports_purge()


# A receiver that trickles its answer header by header could outlast the per-read timeout;
# the hard limit ends such a task, and the sweeper releases its claim for a later attempt.
@shared_task(name="exchanges.deliver_webhook", ignore_result=True, time_limit=90)
def task_deliver_webhook(delivery_id: int) -> str:
    """Send one webhook delivery. A missing, finished, claimed or disabled one is a quiet
    no-op. Retry policy: a failure leaves the row pending with its next attempt time
    (exponential backoff, ``exchanges.services.webhooks.webhook_retry_delay``); the sweeper
    sends it when due, so no task waits in the broker."""
    from exchanges.services.webhooks import webhook_delivery_attempt  # noqa: PLC0415 -- tasks: services import tasks

    return webhook_delivery_attempt(delivery_id=delivery_id)


@shared_task(name="exchanges.redeliver_webhook", ignore_result=True, time_limit=90)
def task_redeliver_webhook(delivery_id: int) -> str:
    """Make the one manual attempt asked for by a redelivery. Never retried: a failure
    leaves the delivery as it was (``webhook_delivery_attempt`` with ``manual=True``). A
    duplicate, or a delivery whose redelivery was already made, is a quiet no-op."""
    from exchanges.services.webhooks import webhook_delivery_attempt  # noqa: PLC0415 -- tasks: services import tasks

    return webhook_delivery_attempt(delivery_id=delivery_id, manual=True)


@shared_task(name="exchanges.sweep_webhooks", ignore_result=True)
def task_sweep_webhooks() -> dict:
    """Beat: release abandoned claims and send webhook deliveries that are due."""
    from exchanges.services.webhooks import webhooks_sweep  # noqa: PLC0415 -- tasks: services import tasks

    return webhooks_sweep()


@shared_task(name="exchanges.apply_retention", ignore_result=True)
def task_apply_retention() -> dict:
    """Beat, daily: anonymise the applications each program's retention rule has reached.
    Idempotent, so a missed or repeated day does no harm."""
    from exchanges.services.privacy import privacy_retention_apply  # noqa: PLC0415 -- tasks: services import this module

    return privacy_retention_apply()
