"""The pipeline's review score: column, sort, filter, and bulk decisions on the filtered list."""

import pytest
from django.urls import reverse

from exchanges.enums import ApplicationStatus, MailTemplateKey
from exchanges.models import Application, OutgoingMail
from tests.factories import ReviewerFactory
from tests.factories.applications import ApplicationFactory, CohortFactory
from tests.factories.selection import quota, reviewed_application, score

pytestmark = pytest.mark.django_db


@pytest.fixture
def cohort():
    cohort = CohortFactory()
    quota(cohort, "KR", seats=5)
    return cohort


def _pipeline(client, cohort, **params):
    return client.get(reverse("staff:pipeline", args=[cohort.pk]), params)


def _scored(cohort, *values):
    one, two = ReviewerFactory(), ReviewerFactory()
    apps = []
    for first, second in values:
        application = reviewed_application(cohort)
        score(application, one, first)
        if second is not None:
            score(application, two, second)
        apps.append(application)
    return apps


def test_score_is_the_mean_of_submitted_reviews_and_sorts_unreviewed_last(staff_client, cohort):
    low, high = _scored(cohort, (40, 50), (80, 91))
    unreviewed = ApplicationFactory(cohort=cohort, status=ApplicationStatus.SUBMITTED)

    best_first = _pipeline(staff_client, cohort, sort="-score")
    worst_first = _pipeline(staff_client, cohort, sort="score")

    assert [(a.pk, a.score) for a in best_first.context["page"].object_list] == [
        (high.pk, 85.5),
        (low.pk, 45.0),
        (unreviewed.pk, None),
    ]
    assert [a.pk for a in worst_first.context["page"].object_list] == [
        low.pk,
        high.pk,
        unreviewed.pk,
    ]
    assert '<td class="text-end">85.50</td>' in best_first.content.decode()


def test_score_filter_keeps_applications_at_or_above_it(staff_client, cohort):
    _low, middle, high = _scored(cohort, (40, None), (60, None), (90, None))

    response = _pipeline(staff_client, cohort, min_score="60", sort="-score")

    assert [a.pk for a in response.context["page"].object_list] == [high.pk, middle.pk]


@pytest.mark.parametrize("count", [1, 3])
def test_pipeline_with_scores_query_count(staff_client, cohort, count, django_assert_num_queries):
    _scored(cohort, *[(50 + i, 60) for i in range(count)])

    # session, user, MFA check, cohort, counts by status x country, quota rows, page count,
    # page rows (their scores in the same query)
    with django_assert_num_queries(8):
        response = _pipeline(staff_client, cohort, sort="-score", min_score="10")

    assert len(response.context["page"].object_list) == count


def test_bulk_reject_of_the_filtered_list_after_the_preview(staff_client, cohort):
    low, middle, high = _scored(cohort, (20, None), (30, None), (90, None))
    decided = ApplicationFactory(cohort=cohort, status=ApplicationStatus.REJECTED)
    url = reverse("staff:selection_decide", args=[cohort.pk])
    data = {"source": "pipeline", "decision": "rejected", "sort": "score"}
    page = _pipeline(staff_client, cohort, sort="score")
    assert 'name="source" value="pipeline"' in page.content.decode()

    # Only those under 35: no filter for "at most", so the preview is of the whole list and
    # staff narrow it with the minimum; here everyone under review is rejected but the best.
    preview = staff_client.post(url, {**data, "q": ""})
    assert [a.pk for a in preview.context["targets"]] == [low.pk, middle.pk, high.pk]

    narrowed = staff_client.post(url, {**data, "min_score": "25"})
    assert [a.pk for a in narrowed.context["targets"]] == [middle.pk, high.pk]
    done = staff_client.post(
        url,
        {**data, "min_score": "25", "fingerprint": narrowed.context["fingerprint"], "confirm": "1"},
    )

    assert done.status_code == 302
    assert (
        done["Location"] == reverse("staff:pipeline", args=[cohort.pk]) + "?min_score=25&sort=score"
    )
    statuses = dict(Application.objects.values_list("pk", "status"))
    assert [statuses[a.pk] for a in (low, middle, high, decided)] == [
        "under_review",
        "rejected",
        "rejected",
        "rejected",
    ]
    assert OutgoingMail.objects.filter(template_key=MailTemplateKey.DECISION_REJECTED).count() == 2
