import datetime as dt

import pytest
from django.utils import timezone

from exchanges.demo import demo_seed
from exchanges.models import Cohort
from exchanges.views.core import HOME_HISTORY, HOME_OPEN_CALLS
from tests.factories.applications import CohortFactory

pytestmark = pytest.mark.django_db


def test_home_lists_demo_open_call_and_recent_cohorts(client):
    demo_seed()

    response = client.get("/", HTTP_ACCEPT_LANGUAGE="ja")

    body = response.content.decode()
    assert response.status_code == 200
    assert "日米韓次世代リーダー交流プログラム" in body
    open_calls = list(response.context["open_calls"])
    history = list(response.context["history"])
    assert [c.status for c in open_calls] == ["open"] * len(open_calls)
    assert len(open_calls) >= 1
    assert all(c.status not in {"draft", "open"} for c in history)
    assert body.count("program-title") == len(open_calls)
    assert body.count("history-cohort") == len(history)


def _open(count: int) -> None:
    now = timezone.now()
    for index in range(count):
        CohortFactory(
            status="open",
            opens_at=now - dt.timedelta(days=1),
            deadline=now + dt.timedelta(days=10 + index),
        )


@pytest.mark.parametrize("cohorts", [1, 3, 30])
def test_home_query_count_and_size_stay_bounded(client, cohorts, django_assert_num_queries):
    _open(cohorts)
    for _index in range(cohorts):
        CohortFactory(status="finished")

    with django_assert_num_queries(2):
        response = client.get("/")

    body = response.content.decode()
    assert body.count("program-title") == min(cohorts, HOME_OPEN_CALLS)
    assert body.count("history-cohort") == min(cohorts, HOME_HISTORY)
    assert ("See all open calls" in body) == (cohorts > HOME_OPEN_CALLS)
    assert Cohort.objects.count() == 2 * cohorts


def test_home_shows_the_earliest_deadlines_first(client):
    _open(2)

    response = client.get("/")

    deadlines = [c.deadline for c in response.context["open_calls"]]
    assert deadlines == sorted(deadlines)
