"""Campaign audience by application status: cohort + country + status, in one query."""

import pytest

from exchanges.enums import ApplicationStatus, Role
from exchanges.models import Campaign, MailOptOut
from exchanges.selectors.campaigns import campaign_audience, campaign_preview_recipients
from tests.factories import ApplicantFactory
from tests.factories.applications import ApplicationFactory, CohortFactory

pytestmark = pytest.mark.django_db

S = ApplicationStatus


def participant(cohort, *, status, country="JP", **user):
    return ApplicationFactory(
        cohort=cohort,
        status=status,
        country=country,
        applicant=ApplicantFactory(country=country, **user),
    ).applicant


@pytest.fixture
def audience_world():
    cohort, other_cohort = CohortFactory(), CohortFactory()
    people = {
        "confirmed_jp": participant(cohort, status=S.CONFIRMED),
        "participant_jp": participant(cohort, status=S.PARTICIPANT),
        # Lives in the US but counts against the Japanese quota: a Japanese participant.
        "delegation_jp": ApplicationFactory(
            cohort=cohort,
            status=S.CONFIRMED,
            country="JP",
            applicant=ApplicantFactory(country="US"),
        ).applicant,
        "accepted_jp": participant(cohort, status=S.ACCEPTED),
        "confirmed_kr": participant(cohort, status=S.CONFIRMED, country="KR"),
        "other_cohort_jp": participant(other_cohort, status=S.CONFIRMED),
        "inactive_jp": participant(cohort, status=S.CONFIRMED, is_active=False),
        "opted_out_jp": participant(cohort, status=S.PARTICIPANT),
        "no_application_jp": ApplicantFactory(country="JP"),
    }
    MailOptOut.objects.create(email=people["opted_out_jp"].email)
    return cohort, people


def test_confirmed_japanese_participants_of_a_cohort(audience_world, django_assert_num_queries):
    cohort, people = audience_world
    campaign = Campaign(
        cohort=cohort,
        name="Visa briefing",
        audience_countries=["JP"],
        audience_statuses=[S.CONFIRMED, S.PARTICIPANT],
    )

    with django_assert_num_queries(1):
        recipients = list(campaign_audience(campaign=campaign))

    assert recipients == sorted(
        [people["confirmed_jp"], people["participant_jp"], people["delegation_jp"]],
        key=lambda user: user.pk,
    )


def test_statuses_without_countries_take_every_delegation_of_the_cohort(audience_world):
    cohort, people = audience_world
    campaign = Campaign(cohort=cohort, name="All confirmed", audience_statuses=[S.CONFIRMED])

    assert set(campaign_audience(campaign=campaign)) == {
        people["confirmed_jp"],
        people["delegation_jp"],
        people["confirmed_kr"],
    }


def test_without_statuses_the_country_is_the_persons(audience_world):
    cohort, people = audience_world
    campaign = Campaign(
        cohort=cohort,
        name="Everyone in Korea",
        audience_countries=["KR"],
        audience_roles=[Role.APPLICANT],
    )

    assert list(campaign_audience(campaign=campaign)) == [people["confirmed_kr"]]


@pytest.mark.parametrize("per_language", [1, 3])
def test_preview_recipients_are_the_first_audience_member_per_language(
    audience_world, django_assert_num_queries, per_language
):
    cohort, people = audience_world
    readers = [
        participant(cohort, status=S.CONFIRMED, preferred_language="ja")
        for _ in range(per_language)
    ]
    campaign = Campaign(cohort=cohort, name="Visa briefing", audience_countries=["JP"])

    with django_assert_num_queries(2):
        recipients = campaign_preview_recipients(campaign=campaign)

    # The factories' people read English; the Korean participant is outside the audience.
    assert recipients == {"en": people["confirmed_jp"], "ja": readers[0], "ko": None}
