"""The activity log accepts only declared action types and stores their dotted names."""

import pytest

from exchanges.activity_types import ACTIVITY_TYPES, Activity, activity_for_status
from exchanges.enums import ApplicationStatus
from exchanges.models import ActivityLog
from exchanges.services.activity import activity_log_record
from tests.factories.applications import ApplicationFactory

pytestmark = pytest.mark.django_db


def test_activity_log_record_stores_the_dotted_name(cohort):
    application = ApplicationFactory(cohort=cohort)

    activity_log_record(actor=None, obj=application, action_type=Activity.APPLICATION_STARTED)

    stored = ActivityLog.objects.values_list("action_type", flat=True).get()
    assert (type(stored), stored) == (str, "exchanges.application.started")


def test_activity_log_record_refuses_an_undeclared_name(cohort):
    application = ApplicationFactory(cohort=cohort)

    with pytest.raises(ValueError, match=r"^Undeclared activity type 'exchanges\.application\.x'"):
        activity_log_record(actor=None, obj=application, action_type="exchanges.application.x")

    assert ActivityLog.objects.count() == 0


def test_activity_for_status_names_each_status_change():
    names = {status: activity_for_status(status) for status in ApplicationStatus}

    assert {s: str(a) for s, a in names.items()} == {
        s: f"exchanges.application.{s.value}" for s in ApplicationStatus
    }
    assert all(names[s].label == s.label for s in ApplicationStatus)


def test_registry_lists_every_member_once_with_its_model():
    assert sorted(ACTIVITY_TYPES) == sorted(a.value for a in Activity)
    assert len(ACTIVITY_TYPES) == 128
    assert {a.concerns.split(".")[0] for a in Activity} == {"exchanges", "accounts", "api", "admin"}
