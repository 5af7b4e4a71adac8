"""Host and mentor pages: forms, permissions, results, publishing, what participants see
and query counts of the lists."""

import re

import pytest
from django.urls import reverse

from exchanges.enums import PlacementRunStatus
from exchanges.models import (
    Host,
    MatchingProfile,
    OutgoingMail,
    PlacementAssignment,
    PlacementRun,
)
from exchanges.services.placement import (
    host_placement_run,
    mentor_pairing_run,
    placement_run_publish,
)
from tests.factories.applications import CohortFactory
from tests.factories.matching import MatchingParticipantFactory, triad_cohort
from tests.factories.placement import AlumnusFactory, HostFactory

HOST_DATA = {
    "name": "Suzuki family",
    "kind": "family",
    "city": "Tokyo",
    "capacity": "2",
    "accommodates_dietary_needs": "on",
    "gender_rule": "any",
    "languages": ["ja"],
    "preferences": "",
}


@pytest.fixture
def cohort(db):
    return CohortFactory()


def _url(name, cohort, **kwargs):
    return reverse(f"staff:{name}", kwargs={"cohort_id": cohort.pk, **kwargs})


def test_create_host_validates_and_saves(staff_client, cohort):
    invalid = staff_client.post(
        _url("host_create", cohort),
        {**HOST_DATA, "name": "", "capacity": "0", "preferences": "12, abc"},
    )
    created = staff_client.post(_url("host_create", cohort), HOST_DATA)

    assert invalid.status_code == 200
    assert invalid.context["form"].errors == {
        "name": ["This field is required."],
        "capacity": ["Ensure this value is greater than or equal to 1."],
        "preferences": ["Enter application numbers only, for example “12, 7, 31”."],
    }
    assert invalid.context["form"]["city"].value() == "Tokyo"
    assert created.status_code == 302
    host = Host.objects.get()
    assert (host.name, host.capacity, host.languages, host.has_pets) == (
        "Suzuki family",
        2,
        ["ja"],
        False,
    )


def test_duplicate_host_name_and_unknown_participant_are_refused(staff_client, cohort):
    HostFactory(cohort=cohort, name="Suzuki family")

    duplicate = staff_client.post(_url("host_create", cohort), HOST_DATA)
    unknown = staff_client.post(
        _url("host_create", cohort), {**HOST_DATA, "name": "Ito family", "preferences": "999999"}
    )

    assert duplicate.context["form"].non_field_errors() == [
        "This cohort already has a host with this name."
    ]
    assert unknown.context["form"].non_field_errors() == [
        "These application numbers are not confirmed participants of this cohort: 999999"
    ]
    assert Host.objects.count() == 1


def test_edit_host_shows_and_changes_values(staff_client, cohort):
    (us,) = triad_cohort(cohort)[:1]
    host = HostFactory(cohort=cohort, name="Mori family", capacity=1, preferences=[us.pk])

    page = staff_client.get(_url("host_edit", cohort, pk=host.pk))
    saved = staff_client.post(
        _url("host_edit", cohort, pk=host.pk),
        {
            **HOST_DATA,
            "name": "Mori family",
            "capacity": "3",
            "has_pets": "on",
            "preferences": f"#{us.pk}",
        },
    )

    host.refresh_from_db()
    assert page.context["form"]["preferences"].value() == str(us.pk)
    assert saved.status_code == 302
    assert (host.capacity, host.has_pets, host.preferences) == (3, True, [us.pk])


def test_host_of_other_cohort_is_404(staff_client, cohort):
    other = HostFactory()

    assert staff_client.get(_url("host_edit", cohort, pk=other.pk)).status_code == 404


def test_run_placement_and_publish_from_pages(
    staff_client, cohort, django_capture_on_commit_callbacks
):
    people = triad_cohort(cohort)
    host = HostFactory(cohort=cohort, name="Kato family", capacity=2)

    started = staff_client.post(_url("host_placements", cohort))
    run = PlacementRun.objects.get()
    result = staff_client.get(run.get_absolute_url())
    refused = staff_client.post(_url("host_placement_publish", cohort, pk=run.pk), {})
    with django_capture_on_commit_callbacks(execute=True):
        published = staff_client.post(
            _url("host_placement_publish", cohort, pk=run.pk), {"confirm": "on"}
        )

    assert started["Location"] == run.get_absolute_url()
    assert [row["host"] for row in result.context["rows"]] == [host]
    assert len(result.context["rows"][0]["members"]) == 2
    assert [row["reason"] for row in result.context["unplaced_rows"]] == ["capacity"]
    content = result.content.decode()
    assert "Every host that may take this person is full" in content
    assert refused.context["form"].errors == {"confirm": ["This field is required."]}
    assert published.status_code == 302
    run.refresh_from_db()
    assert run.status == PlacementRunStatus.PUBLISHED
    assert len(people) == 3


def test_run_without_hosts_shows_the_reason(staff_client, cohort):
    triad_cohort(cohort)

    response = staff_client.post(_url("host_placements", cohort))

    assert response.status_code == 200
    assert response.context["error"] == "Add hosts to this cohort before running the placement."
    assert PlacementRun.objects.count() == 0


def test_mentor_pairing_from_page(staff_client, cohort):
    triad_cohort(cohort)
    AlumnusFactory(alumnus_of=cohort, from_country="US")

    invalid = staff_client.post(_url("mentor_pairings", cohort), {"capacity": "11"})
    started = staff_client.post(_url("mentor_pairings", cohort), {"capacity": "2"})
    run = PlacementRun.objects.get()
    result = staff_client.get(run.get_absolute_url())

    assert invalid.context["form"].errors == {
        "capacity": ["Ensure this value is less than or equal to 10."]
    }
    assert started["Location"] == run.get_absolute_url()
    assert len(result.context["rows"]) == 2
    assert [row["reason"] for row in result.context["unplaced_rows"]] == ["filters"]


@pytest.mark.parametrize(
    "name,kwargs",
    [
        ("hosts", {}),
        ("host_create", {}),
        ("host_placements", {}),
        ("mentor_pairings", {}),
    ],
)
def test_applicant_gets_403_on_staff_pages(client, applicant, cohort, name, kwargs):
    client.force_login(applicant)

    assert client.get(_url(name, cohort, **kwargs)).status_code == 403
    assert client.post(_url(name, cohort, **kwargs)).status_code == 403


def test_applicant_gets_403_on_results_and_publish(client, applicant, cohort, secretariat):
    triad_cohort(cohort)
    host = HostFactory(cohort=cohort, capacity=3)
    run = host_placement_run(cohort=cohort, actor=secretariat)
    client.force_login(applicant)

    assert client.get(run.get_absolute_url()).status_code == 403
    assert client.get(_url("host_edit", cohort, pk=host.pk)).status_code == 403
    assert (
        client.post(
            _url("host_placement_publish", cohort, pk=run.pk), {"confirm": "on"}
        ).status_code
        == 403
    )


def test_partner_staff_may_view_but_not_change(client, partner_staff, cohort, secretariat):
    cohort.program.partners.add(partner_staff.organisation)
    triad_cohort(cohort)
    HostFactory(cohort=cohort, capacity=3)
    run = host_placement_run(cohort=cohort, actor=secretariat)
    client.force_login(partner_staff)

    assert client.get(_url("hosts", cohort)).status_code == 200
    result = client.get(run.get_absolute_url())
    assert result.status_code == 200
    assert result.context["can_publish"] is False
    assert client.post(_url("host_placements", cohort)).status_code == 403
    assert client.post(_url("mentor_pairings", cohort), {"capacity": "1"}).status_code == 403
    assert client.get(_url("host_create", cohort)).status_code == 403
    assert PlacementRun.objects.count() == 1


def test_participant_sees_own_host_and_mentor_only_after_publish(client, cohort, secretariat):
    us, jp, kr = triad_cohort(cohort)
    mine = HostFactory(
        cohort=cohort, name="Nakamura family", city="Tokyo", capacity=1, preferences=[us.pk]
    )
    HostFactory(cohort=cohort, name="Yamada family", city="Tokyo", capacity=2)
    mentor = AlumnusFactory(alumnus_of=cohort, from_country="JP", sector="media")
    hosts = host_placement_run(cohort=cohort, actor=secretariat)
    mentors = mentor_pairing_run(cohort=cohort, actor=secretariat, capacity=3)
    client.force_login(us.applicant)

    before = client.get(us.get_absolute_url())
    placement_run_publish(run=hosts, actor=secretariat)
    placement_run_publish(run=mentors, actor=secretariat)
    after = client.get(us.get_absolute_url())

    assert before.context["matching_host"] is None
    assert before.context["matching_mentor"] is None
    assert "Nakamura family" not in before.content.decode()
    assert after.context["matching_host"] == mine
    content = after.content.decode()
    assert "You will stay with Nakamura family (Host family) in Tokyo." in content
    assert "Yamada family" not in content
    assert after.context["matching_mentor"] == {
        "name": mentor.applicant.display_name,
        "country": "Japan",
        "sector": "Media and journalism",
        "hidden": False,
        "full": True,
    }
    assert f"Your alumni mentor is {mentor.applicant.display_name} (Japan)." in content
    assert PlacementAssignment.objects.get(run=hosts, application=jp).host.name == ("Yamada family")
    assert kr.pk != us.pk


def test_unplaced_participant_is_told_after_publish(client, cohort, secretariat):
    (us,) = [MatchingParticipantFactory(cohort=cohort, from_country="US")]
    MatchingProfile.objects.filter(application=us).update(pet_allergy=True)
    HostFactory(cohort=cohort, has_pets=True)
    run = host_placement_run(cohort=cohort, actor=secretariat)
    placement_run_publish(run=run, actor=secretariat)
    client.force_login(us.applicant)

    response = client.get(us.get_absolute_url())

    assert response.context["matching_host"] is None
    assert "The secretariat is still arranging your stay" in response.content.decode()


def test_profile_form_saves_host_preferences_and_flags(client, cohort):
    (us,) = [MatchingParticipantFactory(cohort=cohort, from_country="US")]
    first, second = HostFactory(cohort=cohort), HostFactory(cohort=cohort)
    client.force_login(us.applicant)
    url = reverse("matching_profile", kwargs={"pk": us.pk})

    twice = client.post(url, {"host_1": first.pk, "host_2": first.pk})
    saved = client.post(url, {"host_1": second.pk, "host_2": first.pk, "pet_allergy": "on"})
    page = client.get(url)

    assert twice.context["form"].non_field_errors() == ["Choose each host at most once."]
    assert saved.status_code == 302
    profile = MatchingProfile.objects.get(application=us)
    assert (profile.host_preferences, profile.pet_allergy, profile.dietary_needs) == (
        [second.pk, first.pk],
        True,
        False,
    )
    assert page.context["form"]["host_1"].value() == str(second.pk)


# --------------------------------------------------------------------------- query counts
@pytest.mark.parametrize("count", [1, 3])
def test_hosts_list_query_count(staff_client, count, django_assert_num_queries):
    cohort = CohortFactory()
    HostFactory.create_batch(count, cohort=cohort)
    staff_client.get(_url("hosts", cohort))

    with django_assert_num_queries(7):
        response = staff_client.get(_url("hosts", cohort))

    assert len(response.context["page"].object_list) == count


# The mentor page counts the pool, which reads the program's earlier cohorts once to compare
# their last day in each one's own time zone: one query more, whatever the number of runs.
@pytest.mark.parametrize("kind", ["host_placements", "mentor_pairings"])
@pytest.mark.parametrize("count", [1, 3])
def test_run_list_query_count(staff_client, secretariat, count, kind, django_assert_num_queries):
    queries = {"host_placements": 10, "mentor_pairings": 11}[kind]
    cohort = CohortFactory()
    triad_cohort(cohort)
    HostFactory(cohort=cohort, capacity=3)
    AlumnusFactory(alumnus_of=cohort, from_country="US")
    for _ in range(count):
        if kind == "host_placements":
            host_placement_run(cohort=cohort, actor=secretariat)
        else:
            mentor_pairing_run(cohort=cohort, actor=secretariat, capacity=2)
    staff_client.get(_url(kind, cohort))

    with django_assert_num_queries(queries):
        response = staff_client.get(_url(kind, cohort))

    assert len(response.context["page"].object_list) == count


@pytest.mark.parametrize("count", [1, 3])
def test_host_result_query_count(staff_client, secretariat, count, django_assert_num_queries):
    cohort = CohortFactory()
    triad_cohort(cohort, groups=count)
    HostFactory.create_batch(count, cohort=cohort, capacity=2)
    run = host_placement_run(cohort=cohort, actor=secretariat)
    staff_client.get(run.get_absolute_url())

    with django_assert_num_queries(12):
        response = staff_client.get(run.get_absolute_url())

    assert len(response.context["rows"]) == count
    assert sum(len(row["members"]) for row in response.context["rows"]) == 2 * count
    assert len(response.context["unplaced_rows"]) == count


@pytest.mark.parametrize("count", [1, 3])
def test_mentor_result_query_count(staff_client, secretariat, count, django_assert_num_queries):
    cohort = CohortFactory()
    triad_cohort(cohort, groups=count)
    AlumnusFactory(alumnus_of=cohort, from_country="US")
    run = mentor_pairing_run(cohort=cohort, actor=secretariat, capacity=count)
    staff_client.get(run.get_absolute_url())

    with django_assert_num_queries(11):
        response = staff_client.get(run.get_absolute_url())

    assert len(response.context["rows"]) == count
    assert len(response.context["unplaced_rows"]) == 2 * count  # US: filters, the rest: capacity


def test_run_list_offers_no_new_run_once_one_is_published(staff_client, secretariat, cohort):
    triad_cohort(cohort)
    HostFactory(cohort=cohort, capacity=3)
    before = staff_client.get(_url("host_placements", cohort)).content.decode()
    placement_run_publish(
        run=host_placement_run(cohort=cohort, actor=secretariat), actor=secretariat
    )

    after = staff_client.get(_url("host_placements", cohort)).content.decode()

    assert "Run the host placement" in before
    assert "Run the host placement" not in after
    assert (
        '<div class="alert alert-info" role="status" id="published-kind">'
        "A result of this kind is already published for this cohort.</div>"
    ) in after


@pytest.mark.parametrize("language", ["ja", "ko", "en"])
def test_participant_sees_the_host_city_in_their_language_on_page_and_in_mail(
    client, cohort, secretariat, language, django_capture_on_commit_callbacks
):
    city = {"ja": "東京", "ko": "도쿄", "en": "Tokyo"}[language]
    us, _jp, _kr = triad_cohort(cohort)
    us.applicant.preferred_language = language
    us.applicant.save(update_fields=["preferred_language"])
    HostFactory(
        cohort=cohort,
        name="Nakamura family",
        city="Tokyo",
        city_ja="東京",
        city_ko="도쿄",
        capacity=3,
        preferences=[us.pk],
    )
    run = host_placement_run(cohort=cohort, actor=secretariat)
    with django_capture_on_commit_callbacks(execute=True):
        placement_run_publish(run=run, actor=secretariat)
    client.force_login(us.applicant)

    content = client.get(us.get_absolute_url()).content.decode()

    host_line = re.search(r'<p id="my-host">(.*?)</p>', content).group(1)
    mail = OutgoingMail.objects.get(
        template_key="hosts_published", recipient_email=us.applicant.email
    )
    english_only_in_english = language == "en" or "Tokyo" not in host_line + mail.text_body
    assert (city in host_line, city in mail.text_body, english_only_in_english) == (
        True,
        True,
        True,
    )
