import datetime as dt

import pytest

from exchanges.enums import MailTemplateKey
from exchanges.models import OutgoingMail
from exchanges.services import reminders
from tests.factories import ApplicantFactory

pytestmark = pytest.mark.django_db

UTC = dt.UTC


def test_reminder_due_at_is_nine_in_the_morning_local_time():
    deadline = dt.datetime(2027, 3, 10, 6, 0, tzinfo=UTC)  # 15:00 in Seoul

    due = reminders.reminder_due_at(deadline=deadline, days_before=7, time_zone="Asia/Seoul")

    assert due.astimezone(UTC) == dt.datetime(2027, 3, 3, 0, 0, tzinfo=UTC)


def test_reminder_is_due_only_between_its_time_and_the_deadline():
    deadline = dt.datetime(2027, 3, 10, 6, 0, tzinfo=UTC)
    kwargs = {"deadline": deadline, "days_before": 1, "time_zone": "America/New_York"}

    assert (
        reminders.reminder_is_due(now=dt.datetime(2027, 3, 9, 13, 59, tzinfo=UTC), **kwargs)
        is False
    )
    assert (
        reminders.reminder_is_due(now=dt.datetime(2027, 3, 9, 14, 0, tzinfo=UTC), **kwargs) is True
    )
    assert reminders.reminder_is_due(now=deadline, **kwargs) is False


def test_reminders_run_sends_each_reminder_once_whatever_the_ticks(monkeypatch):
    people = [ApplicantFactory(), ApplicantFactory()]
    monkeypatch.setattr(reminders, "_WORKFLOWS", {})

    @reminders.reminder_workflow("draft-reminder")
    def draft_reminders(now):
        return sum(
            reminders.reminder_queue(
                workflow="draft-reminder",
                window="7d",
                obj=person,
                recipient=person,
                template_key=MailTemplateKey.DRAFT_REMINDER_7D,
                context={"deadline": "2027-03-10"},
            )
            is not None
            for person in people
        )

    results = [reminders.reminders_run() for _tick in range(3)]

    assert results == [{"draft-reminder": 2}, {"draft-reminder": 0}, {"draft-reminder": 0}]
    assert sorted(OutgoingMail.objects.values_list("idempotency_key", flat=True)) == sorted(
        f"draft-reminder:{person.pk}:7d" for person in people
    )
