"""Matching in a real browser: staff start a run, watch the progress page until a worker
finishes it, swap two members after previewing the score change, publish; a participant
then signs in and sees their group."""

import pytest
from django.urls import reverse

from exchanges.models import MatchGroupMember, MatchingRun
from exchanges.tasks import task_run_matching
from tests.e2e.browser import serious_violations, sign_in
from tests.factories.applications import CohortFactory
from tests.factories.matching import triad_cohort

pytestmark = pytest.mark.django_db(transaction=True)


def test_staff_run_swap_publish_then_participant_sees_group(
    page, live_server, secretariat, monkeypatch
):
    cohort = CohortFactory()
    people = triad_cohort(cohort, groups=2)
    us_first, us_second = (p for p in people if p.country == "US")
    # No broker in the test: the task is queued nowhere and "the worker" is run by hand below.
    queued: list[int] = []
    monkeypatch.setattr(
        task_run_matching, "apply_async", lambda args, countdown=None: queued.extend(args)
    )
    sign_in(page, live_server, secretariat)

    page.goto(reverse("staff:matching", kwargs={"cohort_id": cohort.pk}))
    page.get_by_role("link", name="Start a matching").click()
    page.get_by_label("Time limit in seconds").fill("5")
    page.get_by_role("button", name="Start the matching").click()

    status = page.locator("#matching-status")
    assert status.inner_text() == "Waiting for a worker to start the matching…"
    run = MatchingRun.objects.get()
    assert queued == [run.pk]
    task_run_matching.run(run.pk)
    page.wait_for_url(f"**{run.get_absolute_url()}")
    page.locator("#run-status").wait_for()
    assert page.locator("#run-status").inner_text() == "Finished"
    assert page.locator("section.card[id^=group-]").count() == 2
    assert serious_violations(page) == []

    group_of = {
        m.application_id: m.group.number
        for m in MatchGroupMember.objects.filter(run=run).select_related("group")
    }
    page.get_by_label("First person (application number)").fill(str(us_first.pk))
    page.get_by_label("Second person, from the same country (application number)").fill(
        str(us_second.pk)
    )
    page.get_by_role("button", name="Preview swap").click()
    assert page.locator("#swap-delta").inner_text().startswith("Total score change: ")
    page.get_by_role("button", name="Confirm swap").click()
    page.get_by_text("The two people were swapped.").wait_for()
    after = {
        m.application_id: m.group.number
        for m in MatchGroupMember.objects.filter(run=run).select_related("group")
    }
    assert (after[us_first.pk], after[us_second.pk]) == (
        group_of[us_second.pk],
        group_of[us_first.pk],
    )

    page.get_by_role("link", name="Publish").click()
    page.get_by_label("I have checked the groups.").check()
    page.get_by_role("button", name="Publish and notify participants").click()
    assert page.locator("#run-status").inner_text() == "Published"

    participant = us_first.applicant
    mates = [
        m.application.applicant
        for m in MatchGroupMember.objects.filter(
            run=run, group__number=after[us_first.pk]
        ).select_related("application__applicant")
        if m.application.applicant != participant  # "in group N with:" lists the others
    ]
    sign_in(page, live_server, participant)
    page.goto(us_first.get_absolute_url())
    group = page.locator("#my-group")
    assert sorted(group.locator(".member-name").all_inner_texts()) == sorted(
        f"{m.given_name} {m.family_name}" for m in mates
    )
    assert page.get_by_role("heading", name="Your group").is_visible()
    assert serious_violations(page) == []


def test_staff_add_host_place_publish_then_participant_sees_host(page, live_server, secretariat):
    cohort = CohortFactory()
    people = triad_cohort(cohort)
    sign_in(page, live_server, secretariat)

    page.goto(reverse("staff:hosts", kwargs={"cohort_id": cohort.pk}))
    page.get_by_role("link", name="Add a host").click()
    page.get_by_label("Name").fill("Hayashi family")
    page.get_by_label("City (English)").fill("Tokyo")
    page.get_by_label("Places").fill("3")
    page.get_by_role("button", name="Save").click()
    page.get_by_text("The host Hayashi family is saved.").wait_for()
    page.get_by_role("link", name="Host placements").first.click()
    page.get_by_role("button", name="Run the host placement").click()
    page.locator("#run-status").wait_for()
    assert page.locator("#run-placed").inner_text() == "3"
    assert serious_violations(page) == []
    page.get_by_role("link", name="Publish").click()
    page.get_by_label("I have checked the result.").check()
    page.get_by_role("button", name="Publish and notify participants").click()
    assert page.locator("#run-status").inner_text() == "Published"

    sign_in(page, live_server, people[0].applicant)
    page.goto(people[0].get_absolute_url())
    assert page.locator("#my-host").inner_text() == (
        "You will stay with Hayashi family (Host family) in Tokyo."
    )
    assert serious_violations(page) == []
