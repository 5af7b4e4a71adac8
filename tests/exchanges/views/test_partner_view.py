"""What partner staff see of people on the matching, pairing-rule, host and mentor pages
(``person_view``): their own country's people in full (a numbered reference without
consent), other countries' only by given name and country once the result is published,
and before that only as a count. The secretariat sees everyone in full."""

import pytest
from django.urls import reverse

from exchanges.enums import (
    MatchingConstraintKind,
    MatchingRunStatus,
    PlacementKind,
    PlacementRunStatus,
    UnplacedReason,
)
from exchanges.models import (
    MatchGroup,
    MatchGroupMember,
    MatchingConstraint,
    MatchingRun,
    PlacementAssignment,
    PlacementRun,
)
from tests.conftest import with_mfa
from tests.factories import PartnerStaffFactory
from tests.factories.applications import CohortFactory
from tests.factories.matching import MatchingParticipantFactory
from tests.factories.placement import AlumnusFactory, HostFactory

# Per country: the sector and the interest its participant has, as the pages label them.
PEOPLE = {
    "US": ("arts", "health"),
    "JP": ("media", "climate"),
    "KR": ("arts", "health"),
}
OTHERS_DATA = ("Arts and culture", "Public health", "Korean", "FamilyKR", "FamilyUS")


def _person(cohort, country: str, tag: str = "", **kwargs):
    sector, interest = PEOPLE[country]
    return MatchingParticipantFactory(
        cohort=cohort,
        from_country=country,
        sector=sector,
        languages={"en": "professional", "ko": "native"} if country == "KR" else {"en": "native"},
        profile__interests=[interest],
        applicant__given_name=f"Given{country}{tag}",
        applicant__family_name=f"Family{country}{tag}",
        applicant__email=f"person-{country.lower()}{tag}@people.example",
        **kwargs,
    )


@pytest.fixture
def cohort(db):
    return CohortFactory()


@pytest.fixture
def people(cohort):
    return {country: _person(cohort, country) for country in PEOPLE}


@pytest.fixture
def partner(client, cohort):
    """Partner staff of the Japanese organisation, signed in."""
    user = with_mfa(PartnerStaffFactory(organisation__country="JP", partner_of=cohort.program))
    client.force_login(user)
    return user


@pytest.fixture
def run(cohort, people, secretariat):
    """A finished matching with one group of the three people."""
    run = MatchingRun.objects.create(
        cohort=cohort,
        status=MatchingRunStatus.FINISHED,
        parameters={"per_country": 1},
        created_by=secretariat,
    )
    group = MatchGroup.objects.create(
        run=run,
        number=1,
        reasons={
            "shared_interests": ["health"],
            "common_languages": ["en"],
            "sectors": ["arts", "media"],
        },
    )
    for application in people.values():
        MatchGroupMember.objects.create(run=run, group=group, application=application)
    return run


def _publish(run):
    MatchingRun.objects.filter(pk=run.pk).update(status=MatchingRunStatus.PUBLISHED)


def _absent(html: str, *texts: str) -> list[str]:
    """Those of ``texts`` the page shows (an empty list when none)."""
    return [text for text in texts if text in html]


def test_partner_sees_no_other_country_member_before_publishing(client, partner, run):
    response = client.get(run.get_absolute_url())

    html = response.text
    assert response.status_code == 200
    assert [m["name"] for m in response.context["rows"][0]["members"]] == ["GivenJP FamilyJP"]
    assert "Media and journalism" in html
    assert "Climate and energy" in html
    assert _absent(html, "GivenKR", "GivenUS", *OTHERS_DATA, "people.example") == []
    assert "And 2 participants from other countries, shown once the matching is published." in (
        " ".join(html.split())
    )
    assert "Why this group" not in html


def test_partner_sees_other_countries_by_given_name_once_published(client, partner, run):
    _publish(run)

    response = client.get(run.get_absolute_url())

    html = response.text
    members = [(m["name"], m["country"]) for m in response.context["rows"][0]["members"]]
    assert members == [
        ("GivenJP FamilyJP", "Japan"),
        ("GivenKR", "South Korea"),
        ("GivenUS", "United States"),
    ]
    assert "GivenKR" in html
    assert "GivenUS" in html
    assert _absent(html, *OTHERS_DATA, "person-kr", "person-us", "participants from other") == []
    assert "Why this group" not in html


def test_partner_sees_own_member_without_consent_as_a_reference(client, partner, run, people):
    own = people["JP"]
    own.shares_with_partners = False
    own.save(update_fields=["shares_with_partners"])
    _publish(run)

    response = client.get(run.get_absolute_url())

    html = response.text
    assert response.context["rows"][0]["members"][0]["name"] == (
        f"Applicant #{own.pk}, no consent to share"
    )
    assert f"Applicant #{own.pk}, no consent to share" in html
    assert _absent(html, "GivenJP", "FamilyJP", "Media and journalism", "Climate and energy") == []


def test_partner_sees_other_country_member_without_consent_as_a_reference(
    client, partner, run, people
):
    korean = people["KR"]
    korean.shares_with_partners = False
    korean.save(update_fields=["shares_with_partners"])
    _publish(run)

    response = client.get(run.get_absolute_url())

    assert [m["name"] for m in response.context["rows"][0]["members"]] == [
        "GivenJP FamilyJP",
        f"Applicant #{korean.pk}, no consent to share",
        "GivenUS",
    ]
    assert "GivenKR" not in response.text


def test_secretariat_sees_every_member_in_full(staff_client, run):
    response = staff_client.get(run.get_absolute_url())

    html = response.text
    assert [m["name"] for m in response.context["rows"][0]["members"]] == [
        "GivenJP FamilyJP",
        "GivenKR FamilyKR",
        "GivenUS FamilyUS",
    ]
    assert "Arts and culture" in html
    assert "Public health" in html
    assert "Why this group" in html


@pytest.mark.parametrize("groups", [1, 3])
@pytest.mark.usefixtures("partner")
def test_partner_result_page_query_count(client, cohort, groups, django_assert_num_queries):
    run = MatchingRun.objects.create(cohort=cohort, status=MatchingRunStatus.FINISHED)
    for number in range(1, groups + 1):
        group = MatchGroup.objects.create(run=run, number=number)
        for country in PEOPLE:
            member = _person(cohort, country, tag=str(number))
            MatchGroupMember.objects.create(run=run, group=group, application=member)
    client.get(run.get_absolute_url())

    # session, user, MFA check, cohort and program (permission), partner check, cohort, run,
    # group count, published elsewhere, groups, members, the partner's organisation
    with django_assert_num_queries(13):
        response = client.get(run.get_absolute_url())

    assert [row["hidden_members"] for row in response.context["rows"]] == [2] * groups


def _rules_url(cohort):
    return reverse("staff:matching_constraints", kwargs={"cohort_id": cohort.pk})


def test_partner_sees_pairing_rules_with_other_countries_only_once_published(
    client, partner, cohort, run, people
):
    MatchingConstraint.objects.create(
        cohort=cohort,
        kind=MatchingConstraintKind.DO_NOT_MATCH,
        first=people["JP"],
        second=people["KR"],
    )

    before = client.get(_rules_url(cohort))
    _publish(run)
    after = client.get(_rules_url(cohort))

    assert "GivenJP FamilyJP (JP) · a participant from another country" in before.text
    assert _absent(before.text, "GivenKR", "FamilyKR") == []
    assert "GivenJP FamilyJP (JP) · GivenKR (KR)" in after.text
    assert "FamilyKR" not in after.text


def _placement(cohort, secretariat, kind, **kwargs):
    return PlacementRun.objects.create(
        cohort=cohort,
        kind=kind,
        status=PlacementRunStatus.FINISHED,
        created_by=secretariat,
        **kwargs,
    )


def _publish_placement(run):
    PlacementRun.objects.filter(pk=run.pk).update(status=PlacementRunStatus.PUBLISHED)


def test_partner_sees_other_countries_hosted_people_only_once_published(
    client, partner, cohort, people, secretariat
):
    run = _placement(cohort, secretariat, PlacementKind.HOSTS)
    host = HostFactory(cohort=cohort, name="Nakamura family", capacity=3)
    for country in ("JP", "KR"):
        PlacementAssignment.objects.create(run=run, application=people[country], host=host)
    PlacementAssignment.objects.create(
        run=run, application=people["US"], unplaced_reason=UnplacedReason.CAPACITY
    )
    url = reverse("staff:host_placement", kwargs={"cohort_id": cohort.pk, "pk": run.pk})

    before = client.get(url)
    _publish_placement(run)
    after = client.get(url)

    assert [m["name"] for m in before.context["rows"][0]["members"]] == ["GivenJP FamilyJP"]
    assert before.context["unplaced_rows"] == []
    assert "2 of 3 places" in before.text
    assert "And 1 participant from another country, shown once the placement is published." in (
        " ".join(before.text.split())
    )
    assert _absent(before.text, "GivenKR", "GivenUS", *OTHERS_DATA) == []
    assert [m["name"] for m in after.context["rows"][0]["members"]] == [
        "GivenJP FamilyJP",
        "GivenKR",
    ]
    assert [row["member"]["name"] for row in after.context["unplaced_rows"]] == ["GivenUS"]
    assert _absent(after.text, *OTHERS_DATA, "person-kr") == []


@pytest.fixture
def mentor(cohort):
    """A Korean alumnus of the cohort, as a mentor."""
    return AlumnusFactory(
        alumnus_of=cohort,
        from_country="KR",
        sector="arts",
        applicant__given_name="MentorGiven",
        applicant__family_name="MentorFamily",
    )


@pytest.mark.usefixtures("partner")
def test_partner_sees_other_country_mentor_only_once_published(
    client, cohort, people, secretariat, mentor
):
    run = _placement(cohort, secretariat, PlacementKind.MENTORS)
    PlacementAssignment.objects.create(run=run, application=people["JP"], mentor=mentor)
    PlacementAssignment.objects.create(run=run, application=people["US"], mentor=mentor)
    url = reverse("staff:mentor_pairing", kwargs={"cohort_id": cohort.pk, "pk": run.pk})

    before = client.get(url)
    _publish_placement(run)
    after = client.get(url)

    assert [row["member"]["name"] for row in before.context["rows"]] == ["GivenJP FamilyJP"]
    assert "A mentor from another country, shown once the pairing is published" in before.text
    assert _absent(before.text, "MentorGiven", "MentorFamily", "GivenUS", mentor.cohort.name) == []
    assert [(row["mentor"]["name"], row["member"]["name"]) for row in after.context["rows"]] == [
        ("MentorGiven", "GivenJP FamilyJP"),
        ("MentorGiven", "GivenUS"),
    ]
    assert _absent(after.text, "MentorFamily", "Arts and culture", mentor.cohort.name) == []


def test_secretariat_sees_mentor_in_full(staff_client, cohort, people, secretariat, mentor):
    run = _placement(cohort, secretariat, PlacementKind.MENTORS)
    PlacementAssignment.objects.create(run=run, application=people["US"], mentor=mentor)

    response = staff_client.get(
        reverse("staff:mentor_pairing", kwargs={"cohort_id": cohort.pk, "pk": run.pk})
    )

    assert response.context["rows"][0]["mentor"]["name"] == "MentorGiven MentorFamily"
    assert "GivenUS FamilyUS" in response.text
    assert "Arts and culture" in response.text


@pytest.mark.parametrize("hosts", [1, 3])
@pytest.mark.usefixtures("partner")
def test_partner_host_result_page_query_count(client, cohort, hosts, django_assert_num_queries):
    run = PlacementRun.objects.create(
        cohort=cohort, kind=PlacementKind.HOSTS, status=PlacementRunStatus.FINISHED
    )
    for number in range(hosts):
        host = HostFactory(cohort=cohort, capacity=3)
        for country in PEOPLE:
            member = _person(cohort, country, tag=str(number))
            PlacementAssignment.objects.create(run=run, application=member, host=host)
    url = reverse("staff:host_placement", kwargs={"cohort_id": cohort.pk, "pk": run.pk})
    client.get(url)

    # session, user, MFA check, cohort and program (permission), partner check, cohort, run,
    # the partner's organisation, unplaced count (none: no page), hosts count, hosts, their
    # people
    with django_assert_num_queries(13):
        response = client.get(url)

    assert [row["hidden_members"] for row in response.context["rows"]] == [2] * hosts
