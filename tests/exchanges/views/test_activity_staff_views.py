"""The secretariat's audit-trail search: filters, scope and a constant number of queries."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from exchanges.activity_types import Activity
from exchanges.services.activity import activity_log_record
from tests.factories import SecretariatFactory
from tests.factories.applications import ApplicationFactory

pytestmark = pytest.mark.django_db


def _entries(count: int, *, actor=None):
    applications = ApplicationFactory.create_batch(count)
    return [
        activity_log_record(
            actor=actor or application.applicant,
            obj=application,
            action_type=Activity.APPLICATION_STARTED,
        )
        for application in applications
    ]


@pytest.mark.parametrize("count", [1, 3])
def test_audit_log_query_count_is_constant(staff_client, django_assert_num_queries, count):
    _entries(count)

    # session, user, MFA check, count, page (with actor and object type joined)
    with django_assert_num_queries(5):
        response = staff_client.get(reverse("staff:audit_log"))

    assert response.status_code == 200
    assert len(response.context["rows"]) == count


def test_audit_log_filters_by_actor_object_type_and_date(staff_client):
    alice = SecretariatFactory(email="alice@example.org")
    first, second = _entries(2, actor=alice)
    _other = _entries(1)
    cohort = ApplicationFactory().cohort
    activity_log_record(actor=alice, obj=cohort, action_type=Activity.COHORT_CREATED)
    today = timezone.localdate()

    def search(**params) -> list[int]:
        response = staff_client.get(reverse("staff:audit_log"), params)
        return [entry.pk for entry, _label in response.context["rows"]]

    assert search(actor="alice@") == sorted(
        [first.pk, second.pk, *search(action_type="exchanges.cohort.created")], reverse=True
    )
    assert search(model="exchanges.Application", object_id=first.object_id) == [first.pk]
    assert search(action_type="exchanges.cohort.created", actor="alice") == [
        search(action_type="exchanges.cohort.created")[0]
    ]
    assert search(date_to=str(today - dt.timedelta(days=1))) == []
    assert len(search(date_from=str(today), date_to=str(today))) == 4


def test_audit_log_refuses_an_inverted_date_range(staff_client):
    response = staff_client.get(
        reverse("staff:audit_log"), {"date_from": "2026-05-02", "date_to": "2026-05-01"}
    )

    assert response.context["form"].errors == {
        "date_to": ["The end date must not be before the start date."]
    }


@pytest.mark.parametrize("who", ["partner_staff", "reviewer", "applicant"])
def test_audit_log_is_the_secretariat_s_alone(client, request, who):
    client.force_login(request.getfixturevalue(who))

    assert client.get(reverse("staff:audit_log")).status_code == 403


def test_audit_log_shows_details_as_translated_fields_not_a_dictionary(staff_client, secretariat):
    secretariat.preferred_language = "ja"
    secretariat.time_zone = "Asia/Tokyo"
    secretariat.save(update_fields=["preferred_language", "time_zone"])
    application = ApplicationFactory()
    activity_log_record(
        actor=None,
        obj=application,
        action_type=Activity.APPLICATION_STARTED,
        data={
            "cohort": 1,
            "name": "Old due",
            "due_at": "2000-03-01T10:00:00-05:00",
            "reviewers": [],
            "blind": True,
            "countries": ["JP", "KR"],
            "some_new_key": "x",
        },
    )

    response = staff_client.get(reverse("staff:audit_log"), HTTP_ACCEPT_LANGUAGE="ja")

    content = response.content.decode()
    assert "{&#x27;" not in content
    assert "&#x27;cohort&#x27;" not in content
    details = content.split('class="text-break activity-details">')[1].split("</td>")[0]
    # Known keys in the registry's order, not the stored one: PostgreSQL's jsonb keeps none.
    assert details == (
        '<small class="d-block"><span class="fw-semibold">ブラインド審査:</span> はい</small>'
        '<small class="d-block"><span class="fw-semibold">期:</span> 1</small>'
        '<small class="d-block"><span class="fw-semibold">参加国:</span> JP, KR</small>'
        '<small class="d-block"><span class="fw-semibold">期限:</span> 2000/03/02 0:00</small>'
        '<small class="d-block"><span class="fw-semibold">名称:</span> Old due</small>'
        '<small class="d-block"><span class="fw-semibold">審査員:</span> —</small>'
        '<small class="d-block"><span class="fw-semibold">Some new key:</span> x</small>'
    )
