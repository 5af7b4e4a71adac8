"""Matching pages: permissions, the start/progress/result flow, swaps, publishing, the
participant's view of their group and query counts of the lists."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from exchanges.enums import ApplicationStatus, MatchingRunStatus
from exchanges.exceptions import MatchingAlreadyPublished
from exchanges.models import MatchGroup, MatchGroupMember, MatchingProfile, MatchingRun
from exchanges.services.matching import (
    matching_rerun_around_locks,
    matching_run_publish,
    matching_run_start,
)
from tests.factories.applications import ApplicationFactory, CohortFactory
from tests.factories.matching import MatchingParticipantFactory, triad_cohort

PARAMETERS = {"per_country": 1, "time_limit": 5}
# session, user, MFA check, cohort, rules count and page, search count and page
RULES_PAGE_QUERIES = 8
START_DATA = {
    "per_country": "1",
    "time_limit": "5",
    "weight_interests": "2",
    "weight_language": "3",
    "weight_sector": "1",
    "weight_age": "1",
    "weight_gender": "0.5",
}


@pytest.fixture
def cohort(db):
    return CohortFactory()


def _finished_run(cohort, actor, capture, groups=1):
    participants = triad_cohort(cohort, groups=groups)
    with capture(execute=True):
        run = matching_run_start(cohort=cohort, actor=actor, parameters=PARAMETERS)
    run.refresh_from_db()
    return run, participants


def _url(name, cohort, run=None, **kwargs):
    args = {"cohort_id": cohort.pk, **({"pk": run.pk} if run else {}), **kwargs}
    return reverse(f"staff:{name}", kwargs=args)


def test_start_form_runs_matching_and_shows_groups(
    staff_client, cohort, django_capture_on_commit_callbacks
):
    triad_cohort(cohort, groups=2)

    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(_url("matching_start", cohort), START_DATA)

    run = MatchingRun.objects.get()
    assert response.status_code == 302
    assert response["Location"] == run.get_absolute_url()
    assert run.status == MatchingRunStatus.FINISHED
    page = staff_client.get(run.get_absolute_url())
    assert page.status_code == 200
    assert [row["group"].number for row in page.context["rows"]] == [1, 2]
    assert page.context["editable"] is True


def test_start_form_invalid_time_limit_shows_error(staff_client, cohort):
    triad_cohort(cohort)

    response = staff_client.post(_url("matching_start", cohort), {**START_DATA, "time_limit": "0"})

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "time_limit": ["Ensure this value is greater than or equal to 1."]
    }
    assert MatchingRun.objects.count() == 0


def test_progress_fragment_polls_until_finished(staff_client, cohort, secretariat):
    triad_cohort(cohort)
    run = MatchingRun.objects.create(
        cohort=cohort,
        parameters=PARAMETERS,
        progress=40,
        status=MatchingRunStatus.RUNNING,
        created_by=secretariat,
    )

    running = staff_client.get(_url("matching_progress", cohort, run), HTTP_HX_REQUEST="true")
    run.status = MatchingRunStatus.FINISHED
    run.save()
    finished = staff_client.get(_url("matching_progress", cohort, run), HTTP_HX_REQUEST="true")

    assert running.status_code == 200
    assert 'aria-valuenow="40"' in running.content.decode()
    assert 'hx-trigger="every 1s"' in running.content.decode()
    assert finished.status_code == 200
    assert finished["HX-Redirect"] == run.get_absolute_url()


def test_progress_shows_best_objective_gap_and_stop_button(staff_client, cohort, secretariat):
    triad_cohort(cohort)
    run = MatchingRun.objects.create(
        cohort=cohort,
        parameters=PARAMETERS,
        progress=55,
        status=MatchingRunStatus.RUNNING,
        objective=990.0,
        upper_bound=1000.0,
        created_by=secretariat,
    )

    page = staff_client.get(_url("matching_progress", cohort, run), HTTP_HX_REQUEST="true")
    stopped = staff_client.post(_url("matching_stop", cohort, run))

    html = page.content.decode()
    assert "Best total score so far: 990.00 · upper bound 1000.00 (gap 1.00 %)" in html
    assert _url("matching_stop", cohort, run) in html
    assert stopped.status_code == 302
    run.refresh_from_db()
    assert run.stop_requested_at is not None
    assert run.status == MatchingRunStatus.RUNNING
    again = staff_client.get(_url("matching_progress", cohort, run), HTTP_HX_REQUEST="true")
    assert "Stopping…" in again.content.decode()
    assert _url("matching_stop", cohort, run) not in again.content.decode()


def test_failed_run_shows_solver_explanation(staff_client, cohort, secretariat):
    run = MatchingRun.objects.create(
        cohort=cohort,
        parameters=PARAMETERS,
        status=MatchingRunStatus.FAILED,
        message="infeasible",
        problems=["no feasible group for 7: every JP candidate is excluded"],
    )

    response = staff_client.get(run.get_absolute_url())

    assert response.status_code == 200
    content = response.content.decode()
    assert "The matching failed." in content
    assert "no feasible group for 7: every JP candidate is excluded" in content


def test_swap_preview_then_confirm(
    staff_client, cohort, secretariat, django_capture_on_commit_callbacks
):
    run, (us1, _jp1, _kr1, us2, _jp2, _kr2) = _finished_run(
        cohort, secretariat, django_capture_on_commit_callbacks, groups=2
    )
    group_of = {m.application_id: m.group_id for m in MatchGroupMember.objects.filter(run=run)}

    preview = staff_client.get(
        _url("matching_swap", cohort, run), {"first": us1.pk, "second": us2.pk}
    )
    confirm = staff_client.post(
        _url("matching_swap", cohort, run), {"first": us1.pk, "second": us2.pk}
    )

    assert preview.status_code == 200
    assert preview.context["preview"].delta == 0
    assert "Total score change: +0.00" in preview.content.decode()
    assert confirm.status_code == 302
    after = {m.application_id: m.group_id for m in MatchGroupMember.objects.filter(run=run)}
    assert (after[us1.pk], after[us2.pk]) == (group_of[us2.pk], group_of[us1.pk])


def test_lock_and_publish(staff_client, cohort, secretariat, django_capture_on_commit_callbacks):
    run, _people = _finished_run(cohort, secretariat, django_capture_on_commit_callbacks)
    group = MatchGroup.objects.get(run=run)

    staff_client.post(_url("matching_group_lock", cohort, run, group_id=group.pk), {"locked": "1"})
    refused = staff_client.post(_url("matching_publish", cohort, run), {})
    with django_capture_on_commit_callbacks(execute=True):
        published = staff_client.post(_url("matching_publish", cohort, run), {"confirm": "on"})

    group.refresh_from_db()
    run.refresh_from_db()
    assert group.locked is True
    assert refused.status_code == 200
    assert refused.context["form"].errors == {"confirm": ["This field is required."]}
    assert published.status_code == 302
    assert run.status == MatchingRunStatus.PUBLISHED


@pytest.mark.parametrize("name", ["matching", "matching_start", "matching_constraints"])
def test_applicant_gets_403_on_staff_pages(client, applicant, cohort, name):
    client.force_login(applicant)

    assert client.get(_url(name, cohort)).status_code == 403


def test_partner_staff_may_view_but_not_change(
    client, partner_staff, cohort, secretariat, django_capture_on_commit_callbacks
):
    cohort.program.partners.add(partner_staff.organisation)
    run, _people = _finished_run(cohort, secretariat, django_capture_on_commit_callbacks)
    group = MatchGroup.objects.get(run=run)
    client.force_login(partner_staff)

    assert client.get(_url("matching", cohort)).status_code == 200
    result = client.get(run.get_absolute_url())
    assert result.status_code == 200
    assert result.context["editable"] is False
    assert client.get(_url("matching_start", cohort)).status_code == 403
    assert (
        client.post(
            _url("matching_group_lock", cohort, run, group_id=group.pk), {"locked": "1"}
        ).status_code
        == 403
    )
    assert client.post(_url("matching_publish", cohort, run), {"confirm": "on"}).status_code == 403
    assert client.post(_url("matching_rerun", cohort, run)).status_code == 403


def test_partner_staff_of_other_program_gets_403(client, partner_staff, cohort):
    client.force_login(partner_staff)

    assert client.get(_url("matching", cohort)).status_code == 403


def test_participant_sees_own_group_only_after_publish(
    client, cohort, secretariat, django_capture_on_commit_callbacks
):
    run, people = _finished_run(cohort, secretariat, django_capture_on_commit_callbacks, groups=2)
    me = people[0]
    my_group = MatchGroupMember.objects.get(run=run, application=me).group
    mates = set(
        MatchGroupMember.objects.filter(group=my_group).values_list(
            "application__applicant__email", flat=True
        )
    )
    client.force_login(me.applicant)

    before = client.get(me.get_absolute_url())
    matching_run_publish(run=run, actor=secretariat)
    after = client.get(me.get_absolute_url())

    assert before.context["matching_group"] is None
    assert "You are in group" not in before.content.decode()
    row = after.context["matching_group"]
    assert row["group"] == my_group
    # "You are in group N with:" lists the other members, not the reader.
    assert {m["pk"] for m in row["members"]} == set(
        MatchGroupMember.objects.filter(group=my_group)
        .exclude(application=me)
        .values_list("application_id", flat=True)
    )
    group_list = after.content.decode().split('id="my-group"')[1].split("</ul>")[0]
    assert me.applicant.display_name not in group_list
    others = {p.applicant.display_name for p in people if p.applicant.email not in mates}
    content = after.content.decode()
    assert all(name not in content for name in others)


def test_non_member_sees_no_group(
    client, cohort, secretariat, applicant, django_capture_on_commit_callbacks
):
    run, _people = _finished_run(cohort, secretariat, django_capture_on_commit_callbacks)
    matching_run_publish(run=run, actor=secretariat)

    outsider = ApplicationFactory(
        cohort=cohort, applicant=applicant, status=ApplicationStatus.SUBMITTED
    )
    client.force_login(applicant)

    response = client.get(outsider.get_absolute_url())

    assert response.context["matching_group"] is None


def test_matching_profile_form_saves_interests(client, cohort):
    (me,) = triad_cohort(cohort)[:1]
    client.force_login(me.applicant)

    too_many = client.post(
        reverse("matching_profile", kwargs={"pk": me.pk}),
        {"interests": ["climate", "trade", "history", "food", "sports", "media"]},
    )
    saved = client.post(
        reverse("matching_profile", kwargs={"pk": me.pk}),
        {"interests": ["history", "food"], "gender": "female"},
    )

    assert too_many.context["form"].errors == {"interests": ["Choose at most 5 interests."]}
    assert saved.status_code == 302
    profile = MatchingProfile.objects.get(application=me)
    assert (profile.interests, profile.gender) == (["history", "food"], "female")


def test_matching_profile_of_other_applicant_is_404(client, cohort, applicant):
    (other,) = triad_cohort(cohort)[:1]
    client.force_login(applicant)

    assert client.get(reverse("matching_profile", kwargs={"pk": other.pk})).status_code == 404


@pytest.mark.parametrize("groups", [1, 3])
def test_result_page_query_count(
    staff_client, secretariat, groups, django_capture_on_commit_callbacks, django_assert_num_queries
):
    cohort = CohortFactory()
    run, _people = _finished_run(
        cohort, secretariat, django_capture_on_commit_callbacks, groups=groups
    )
    staff_client.get(run.get_absolute_url())  # warm the session and content types

    with django_assert_num_queries(10):  # the swap form lists no members
        response = staff_client.get(run.get_absolute_url())

    assert len(response.context["rows"]) == groups


@pytest.mark.parametrize("runs", [1, 3])
def test_run_list_query_count(
    staff_client, secretariat, runs, django_capture_on_commit_callbacks, django_assert_num_queries
):
    cohort = CohortFactory()
    triad_cohort(cohort)
    for _ in range(runs):
        with django_capture_on_commit_callbacks(execute=True):
            matching_run_start(cohort=cohort, actor=secretariat, parameters=PARAMETERS)

    with django_assert_num_queries(8):
        response = staff_client.get(_url("matching", cohort))

    assert len(response.context["page"].object_list) == runs


@pytest.mark.parametrize("count", [1, 3])
def test_participant_status_page_query_count(
    client, count, secretariat, django_capture_on_commit_callbacks, django_assert_num_queries
):
    cohort = CohortFactory()
    run, people = _finished_run(
        cohort, secretariat, django_capture_on_commit_callbacks, groups=count
    )
    matching_run_publish(run=run, actor=secretariat)
    client.force_login(people[0].applicant)

    # the group (3 queries), host and mentor (1), open survey invitations (1)
    with django_assert_num_queries(9):
        response = client.get(people[0].get_absolute_url())

    # A triad: the reader and the two others the page lists.
    assert len(response.context["matching_group"]["members"]) == 2


def test_other_runs_offer_neither_publish_nor_rerun_once_one_is_published(
    staff_client, secretariat, cohort, django_capture_on_commit_callbacks
):
    first, _people = _finished_run(cohort, secretariat, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        second = matching_run_start(cohort=cohort, actor=secretariat, parameters=PARAMETERS)
    second.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        matching_run_publish(run=first, actor=secretariat)

    page = staff_client.get(second.get_absolute_url()).content.decode()

    assert _url("matching_publish", cohort, second) not in page
    assert _url("matching_rerun", cohort, second) not in page
    assert 'id="published-elsewhere"' in page
    with pytest.raises(MatchingAlreadyPublished):
        matching_rerun_around_locks(run=second, actor=secretariat)
    with pytest.raises(MatchingAlreadyPublished):
        matching_run_start(cohort=cohort, actor=secretariat, parameters=PARAMETERS)


def test_start_page_shows_uneven_counts_and_the_leftover_rule(staff_client, cohort):
    triad_cohort(cohort, groups=1)
    MatchingParticipantFactory(cohort=cohort, from_country="US")

    response = staff_client.get(_url("matching_start", cohort))

    body = response.content.decode()
    assert response.context["uneven"] is True
    assert [row["count"] for row in response.context["counts"]] == [2, 1, 1]
    assert 'name="leftover" value="extend"' in body
    assert 'name="leftover" value="partial"' in body


def test_rules_page_finds_participants_by_search_not_a_list_of_everyone(staff_client, cohort):
    people = triad_cohort(cohort, groups=30)
    target = people[4]
    target.applicant.family_name = "Zyxwvut"
    target.applicant.save()

    plain = staff_client.get(_url("matching_constraints", cohort))
    found = staff_client.get(_url("matching_constraints", cohort) + "?q=zyxw")
    fragment = staff_client.get(_url("matching_participant_search", cohort) + "?q=zyxw")
    chosen = staff_client.get(_url("matching_constraints", cohort) + f"?q=zyxw&first={target.pk}")

    assert plain.content.decode().count('participant-result"') == 0
    # Participants are found by search, not listed in dropdowns.
    assert "Zyxwvut" not in plain.content.decode()
    assert "Zyxwvut" in found.content.decode()
    assert [p.pk for p in found.context["found"]] == [target.pk]
    assert fragment.content.decode().count('participant-result"') == 1
    assert f"?q=zyxw&amp;first={target.pk}" in found.content.decode()
    assert chosen.context["form"]["first"].value() == str(target.pk)


def test_rules_search_pages_through_many_participants(staff_client, cohort):
    triad_cohort(cohort, groups=10)

    first = staff_client.get(_url("matching_constraints", cohort) + "?q=example")
    second = staff_client.get(_url("matching_constraints", cohort) + "?q=example&found=2")

    assert first.context["found"].paginator.count == 30
    assert len(first.context["found"].object_list) == 20
    assert len(second.context["found"].object_list) == 10


def test_rule_added_by_application_numbers(staff_client, cohort):
    us1, jp1, _kr1 = triad_cohort(cohort, groups=1)

    added = staff_client.post(
        _url("matching_constraints", cohort),
        {"kind": "do_not_match", "first": us1.pk, "second": jp1.pk},
    )
    unknown = staff_client.post(
        _url("matching_constraints", cohort),
        {"kind": "do_not_match", "first": us1.pk, "second": 999999},
    )

    assert added.status_code == 302
    assert list(cohort.matching_constraints.values_list("first_id", "second_id")) == [
        (min(us1.pk, jp1.pk), max(us1.pk, jp1.pk))
    ]
    assert unknown.context["form"].errors == {
        "second": ["No confirmed participant of this cohort has this application number."]
    }


@pytest.mark.parametrize("groups", [1, 100])
def test_rules_page_query_count_does_not_grow_with_participants(
    staff_client, cohort, groups, django_assert_num_queries
):
    triad_cohort(cohort, groups=groups)

    with django_assert_num_queries(RULES_PAGE_QUERIES):
        response = staff_client.get(_url("matching_constraints", cohort) + "?q=example")

    assert len(response.context["found"].object_list) == min(3 * groups, 20)


def test_swap_choosers_are_number_fields_with_a_member_search(
    staff_client, cohort, secretariat, django_capture_on_commit_callbacks
):
    """No page lists every member: the groups page and the swap page take application
    numbers, found with a search of the run's members."""
    run, (us1, jp1, _kr1, us2, _jp2, _kr2) = _finished_run(
        cohort, secretariat, django_capture_on_commit_callbacks, groups=2
    )
    groups_page = staff_client.get(run.get_absolute_url()).content.decode()
    assert "<select" not in groups_page.split('id="swap-heading"')[1].split("</section>")[0]
    # A name nobody else on the page can have (Faker once gave the signed-in staff member
    # the same family name).
    jp1.applicant.family_name = "Okonomiyaki-Notfound"
    jp1.applicant.save(update_fields=["family_name"])

    found = staff_client.get(
        _url("matching_swap", cohort, run), {"q": us1.applicant.family_name, "second": us2.pk}
    )
    page = found.content.decode()
    assert found.status_code == 200
    assert list(found.context["found"]) == [us1]
    assert found.context["found"][0].group_number in {1, 2}
    assert found.context["form"].errors == {}  # one person chosen: no errors yet
    assert jp1.applicant.family_name not in page
    assert f"first={us1.pk}" in page and f"second={us2.pk}" in page  # choosing keeps the other

    unknown = staff_client.get(
        _url("matching_swap", cohort, run), {"first": 999999, "second": us2.pk}
    )
    mixed = staff_client.get(
        _url("matching_swap", cohort, run), {"first": us1.pk, "second": jp1.pk}
    )
    assert unknown.context["form"].errors == {
        "first": ["Nobody in these groups has this application number."]
    }
    assert mixed.context["form"].non_field_errors() == [
        "Only two members from the same country can be swapped."
    ]
    assert 'value="999999"' in unknown.content.decode()  # nothing entered is lost


def test_swap_search_queries_stay_constant(
    staff_client,
    cohort,
    secretariat,
    django_capture_on_commit_callbacks,
    django_assert_max_num_queries,
):
    run, _people = _finished_run(cohort, secretariat, django_capture_on_commit_callbacks, groups=1)
    url = _url("matching_swap", cohort, run)
    staff_client.get(url, {"q": "a"})  # warm the session and permission caches
    with CaptureQueriesContext(connection) as small:
        staff_client.get(url, {"q": "a"})
    run, _people = _finished_run(cohort, secretariat, django_capture_on_commit_callbacks, groups=2)
    assert MatchGroupMember.objects.filter(run=run).count() == 9
    with CaptureQueriesContext(connection) as large:
        staff_client.get(_url("matching_swap", cohort, run), {"q": "a"})
    assert len(small) == len(large)
