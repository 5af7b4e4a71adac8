"""Staff tables on a phone (390 px wide): a wide table scrolls inside its own box and the
page itself never scrolls sideways, visually hidden labels in the table included."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from api.services import api_key_create
from exchanges.enums import ApiScope
from exchanges.services.reviews import review_round_create
from tests.e2e.browser import sign_in
from tests.factories import OrganisationFactory, ReviewerFactory
from tests.factories.applications import CohortFactory
from tests.factories.reviews import PoolMemberFactory, ReviewAssignmentFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def browser_context_args():
    return {"locale": "en-US", "timezone_id": "UTC", "viewport": {"width": 390, "height": 844}}


def _page_width(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


@pytest.mark.parametrize("language", ["en", "ko"])
def test_staff_tables_fit_a_phone(page, live_server, secretariat, language):
    secretariat.preferred_language = language
    secretariat.save(update_fields=["preferred_language"])
    api_key_create(
        organisation=OrganisationFactory(name="Japan Center for Civic Exchange", country="JP"),
        name="Roster synchronisation for the Tokyo office",
        scopes=list(ApiScope.values),
    )
    cohort = CohortFactory(name_en="2027 Summer, hosted in Seoul")
    reviewer = ReviewerFactory(given_name="Alexandra", family_name="Montgomery-Fitzgerald")
    PoolMemberFactory(cohort=cohort, reviewer=reviewer)
    ReviewAssignmentFactory(application__cohort=cohort, reviewer=reviewer)
    review_round_create(
        cohort=cohort,
        actor=secretariat,
        name="Panel of the secretariat",
        reviews_per_application=2,
        due_at=timezone.now() + dt.timedelta(days=30),
        own_country_only=False,
        reviewers=[reviewer],
        start_anyway=True,
    )
    sign_in(page, live_server, secretariat)

    widths = {}
    for url in (
        reverse("staff:api_keys"),
        reverse("staff:cohorts"),
        reverse("staff:review_pool", args=[cohort.pk]),
        reverse("staff:review_rounds", args=[cohort.pk]),
    ):
        page.goto(url)
        widths[url] = _page_width(page)

    assert widths == dict.fromkeys(widths, 390)
