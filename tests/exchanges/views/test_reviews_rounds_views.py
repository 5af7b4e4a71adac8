"""Review rounds on the pages: a screening reviewer sees only their own country's applicants,
keeps the screening reviews until the screening round's due date and nothing of it after;
staff create rounds, preview and advance the top k per country; the rounds list's query
count."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from exchanges.activity_types import Activity
from exchanges.models import ActivityLog, CohortReviewSettings, ReviewRound, ReviewRoundEntry
from exchanges.services.reviews import review_round_advance, review_round_create
from tests.conftest import with_mfa
from tests.factories import ReviewerFactory
from tests.factories.applications import CohortFactory
from tests.factories.reviews import (
    PoolMemberFactory,
    ReviewAssignmentFactory,
    ReviewSettingsFactory,
)
from tests.factories.selection import reviewed_application, score

pytestmark = pytest.mark.django_db

DUE = dt.datetime(2027, 3, 1, 12, 0, tzinfo=dt.UTC)


def _close(review_round):
    """The round's due date has passed (as time would have it)."""
    ReviewRound.objects.filter(pk=review_round.pk).update(
        due_at=timezone.now() - dt.timedelta(hours=1)
    )


@pytest.fixture
def cohort():
    cohort = CohortFactory()
    ReviewSettingsFactory(cohort=cohort, reviews_per_application=1)
    return cohort


def url(name, cohort, **kwargs):
    return reverse(f"staff:{name}", kwargs={"cohort_id": cohort.pk, **kwargs})


def _round(cohort, actor, name, **kwargs):
    return review_round_create(
        cohort=cohort,
        actor=actor,
        name=name,
        reviews_per_application=kwargs.pop("reviews_per_application", 1),
        due_at=DUE,
        own_country_only=kwargs.pop("own_country_only", False),
        reviewers=kwargs.pop("reviewers", []),
        start_anyway=True,
    )


def _local(moment):
    """``moment`` as the secretariat (UTC) types it in a datetime-local field."""
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M")


def _assignment_url(assignment, name="review:assignment"):
    return reverse(name, kwargs={"pk": assignment.pk})


def test_screening_reviewer_gets_404_on_another_countrys_application_and_the_panel_round(
    client, cohort, secretariat
):
    screening = _round(cohort, secretariat, "Screening", own_country_only=True)
    us_reviewer = with_mfa(ReviewerFactory(country="US"))
    own = ReviewAssignmentFactory(
        reviewer=us_reviewer, round=screening, application__cohort=cohort,
        application__from_country="US",
    )  # fmt: skip
    foreign = ReviewAssignmentFactory(
        reviewer=us_reviewer, round=screening, application__cohort=cohort,
        application__from_country="KR",
    )  # fmt: skip
    client.force_login(us_reviewer)

    assert client.get(_assignment_url(own)).status_code == 200
    assert client.get(_assignment_url(foreign)).status_code == 404
    assert client.post(_assignment_url(foreign), {}).status_code == 404
    assert [
        row["assignment"].pk for row in client.get(reverse("review:queue")).context["rows"]
    ] == [own.pk]

    panel = _round(cohort, secretariat, "Panel")
    review_round_advance(review_round=panel, applications=[own.application], actor=secretariat)
    panel_assignment = ReviewAssignmentFactory(round=panel, application=own.application)
    _close(screening)

    assert client.get(_assignment_url(own)).status_code == 404
    assert client.get(_assignment_url(panel_assignment)).status_code == 404
    assert (
        client.post(_assignment_url(own, "review:declare_conflict"), {"reason": "x"}).status_code
        == 404
    )
    assert client.get(reverse("review:queue")).context["rows"] == []


def test_panel_reviewer_sees_their_panel_assignment_only(client, cohort, secretariat):
    screening = _round(cohort, secretariat, "Screening")
    panel = _round(cohort, secretariat, "Panel")
    panellist = with_mfa(ReviewerFactory())
    earlier = ReviewAssignmentFactory(
        reviewer=panellist, round=screening, application__cohort=cohort
    )
    current = ReviewAssignmentFactory(reviewer=panellist, round=panel, application__cohort=cohort)
    _close(screening)
    client.force_login(panellist)

    assert client.get(_assignment_url(current)).status_code == 200
    assert client.get(_assignment_url(earlier)).status_code == 404


def test_pending_review_of_an_earlier_round_stays_in_the_queue_until_its_due_date(
    client, cohort, secretariat
):
    screening = _round(cohort, secretariat, "Screening")
    reviewer = with_mfa(ReviewerFactory())
    pending = ReviewAssignmentFactory(
        reviewer=reviewer, round=screening, application__cohort=cohort
    )
    panel = _round(cohort, secretariat, "Panel")
    current = ReviewAssignmentFactory(reviewer=reviewer, round=panel, application__cohort=cohort)
    client.force_login(reviewer)

    open_queue = [row["assignment"] for row in client.get(reverse("review:queue")).context["rows"]]
    open_detail = client.get(_assignment_url(pending)).status_code
    _close(screening)
    closed_queue = [
        row["assignment"] for row in client.get(reverse("review:queue")).context["rows"]
    ]

    assert open_queue == [pending, current]
    assert open_detail == 200
    assert closed_queue == [current]
    assert client.get(_assignment_url(pending)).status_code == 404


def test_staff_create_a_round_and_are_sent_to_advance_applications(
    staff_client, cohort, secretariat
):
    panellist = ReviewerFactory()
    PoolMemberFactory(cohort=cohort, reviewer=panellist)
    ReviewAssignmentFactory(application__cohort=cohort)

    response = staff_client.post(
        url("review_rounds", cohort),
        {
            "name": "Panel",
            "reviews_per_application": "3",
            "due_at": _local(timezone.now() + dt.timedelta(days=30)),
            "own_country_only": "",
            "reviewers": [str(panellist.pk)],
            "start_anyway": "on",
        },
    )

    assert response.status_code == 302
    assert response["Location"] == url("review_round_advance", cohort, number=2)
    assert [
        (r.number, r.name, r.reviews_per_application, list(r.reviewers.all()))
        for r in ReviewRound.objects.filter(cohort=cohort)
    ] == [(1, "", 1, []), (2, "Panel", 3, [panellist])]


def test_advance_previews_the_top_k_per_country_and_advances_the_ticked(
    staff_client, cohort, secretariat
):
    screening = _round(cohort, secretariat, "Screening")
    panel = _round(cohort, secretariat, "Panel")
    reviewer = ReviewerFactory()
    kr = [reviewed_application(cohort, from_country="KR") for _ in range(3)]
    us = [reviewed_application(cohort, from_country="US") for _ in range(2)]
    for application, value in zip([*kr, *us], (60, 90, 75, 40, 55), strict=True):
        score(application, reviewer, value, review_round=screening)

    preview = staff_client.get(url("review_round_advance", cohort, number=2), {"per_country": 1})
    response = staff_client.post(
        url("review_round_advance", cohort, number=2),
        {"applications": [str(kr[1].pk), str(us[1].pk)]},
    )

    assert preview.status_code == 200
    assert [row["application"].pk for row in preview.context["preview"]] == [kr[1].pk, us[1].pk]
    html = preview.content.decode()
    assert f'name="applications" value="{kr[1].pk}" id="advance-{kr[1].pk}" checked' in html
    assert response.status_code == 302
    assert response["Location"] == url("review_rounds", cohort)
    assert sorted(
        ReviewRoundEntry.objects.filter(round=panel).values_list("application_id", flat=True)
    ) == sorted([kr[1].pk, us[1].pk])


def test_advance_to_round_1_or_a_missing_round_is_404(staff_client, cohort, secretariat):
    _round(cohort, secretariat, "Screening")

    assert staff_client.get(url("review_round_advance", cohort, number=1)).status_code == 404
    assert staff_client.get(url("review_round_advance", cohort, number=5)).status_code == 404


def test_reviewers_may_not_manage_rounds(client, cohort, reviewer):
    client.force_login(reviewer)

    assert client.get(url("review_rounds", cohort)).status_code == 403


@pytest.mark.parametrize("count", [1, 3])
def test_rounds_list_query_count(
    staff_client, cohort, secretariat, count, django_assert_num_queries
):
    for i in range(count):
        _round(cohort, secretariat, f"Round {i}")

    # session, user, MFA, cohort (permission), cohort, current round with its advanced
    # applications, its pending reviews, pool, page count, page rows, progress by round
    with django_assert_num_queries(11):
        response = staff_client.get(url("review_rounds", cohort))

    assert [row["round"].number for row in response.context["rows"]] == list(range(1, count + 1))


def test_overview_counts_the_current_rounds_applications(staff_client, cohort, secretariat):
    screening = _round(cohort, secretariat, "Screening")
    panel = _round(cohort, secretariat, "Panel", reviews_per_application=2)
    kept, dropped = (reviewed_application(cohort) for _ in range(2))
    reviewer = ReviewerFactory()
    score(kept, reviewer, 80, review_round=screening)
    score(dropped, reviewer, 40, review_round=screening)
    review_round_advance(review_round=panel, applications=[kept], actor=secretariat)

    response = staff_client.get(url("review", cohort))

    assert (response.context["counts"], response.context["per_application"]) == (
        {"reviewable": 1, "lacking": 1},
        2,
    )
    assert response.context["current_round"] == panel


def test_staff_rename_a_round_and_change_its_n_due_date_and_pool(staff_client, cohort, secretariat):
    _round(cohort, secretariat, "Screening")
    panel = _round(cohort, secretariat, "Panel")
    panellist = ReviewerFactory()
    PoolMemberFactory(cohort=cohort, reviewer=panellist)

    form = staff_client.get(url("review_round_edit", cohort, number=2))
    response = staff_client.post(
        url("review_round_edit", cohort, number=2),
        {
            "name": "  Trilateral   panel ",
            "reviews_per_application": "3",
            "due_at": "2027-04-01T10:00",
            "reviewers": [str(panellist.pk)],
        },
    )

    assert form.status_code == 200
    assert 'value="Panel"' in form.content.decode()
    assert response.status_code == 302
    assert response["Location"] == url("review_rounds", cohort)
    panel.refresh_from_db()
    assert (panel.name, panel.reviews_per_application, list(panel.reviewers.all())) == (
        "Trilateral panel",
        3,
        [panellist],
    )
    assert panel.due_at.date() == dt.date(2027, 4, 1)
    assert ActivityLog.objects.filter(action_type="exchanges.review.round_saved").count() == 1
    listing = staff_client.get(url("review_rounds", cohort)).content.decode()
    assert "Trilateral panel" in listing
    assert url("review_round_edit", cohort, number=2) in listing


def test_editing_round_1_changes_the_cohorts_review_settings(staff_client, cohort, secretariat):
    _round(cohort, secretariat, "Screening")

    staff_client.post(
        url("review_round_edit", cohort, number=1),
        {"name": "Screening", "reviews_per_application": "4", "due_at": "2027-05-02T09:00"},
    )

    cohort.review_settings.refresh_from_db()
    assert cohort.review_settings.reviews_per_application == 4
    assert cohort.review_settings.due_at.date() == dt.date(2027, 5, 2)


@pytest.mark.parametrize(
    ("posted", "message"),
    [
        ({"reviews_per_application": "0"}, "Ensure this value is greater than or equal to 1."),
        ({"reviews_per_application": "11"}, "Ensure this value is less than or equal to 10."),
        ({"reviews_per_application": "two"}, "Enter a whole number."),
        ({"due_at": "next week"}, "Enter a valid date/time."),
        ({"name": "x" * 201}, "Ensure this value has at most 200 characters (it has 201)."),
        ({"due_at": ""}, "Reviewers have been assigned in this round: it needs a due date."),
    ],
)
def test_round_edit_refuses_bad_input_and_keeps_what_was_entered(
    staff_client, cohort, secretariat, posted, message
):
    panel = _round(cohort, secretariat, "Panel")
    ReviewAssignmentFactory(application__cohort=cohort, round=panel)
    data = {"name": "Renamed", "reviews_per_application": "2", "due_at": "2027-04-01T10:00"}
    data.update(posted)

    response = staff_client.post(url("review_round_edit", cohort, number=1), data)

    assert response.status_code == 400
    html = response.content.decode()
    assert message in html.replace("&#x27;", "'")
    assert 'value="Renamed"' in html or "name" in posted
    panel.refresh_from_db()
    assert (panel.name, panel.reviews_per_application) == ("Panel", 1)


def test_round_edit_is_404_for_a_missing_round_and_403_for_reviewers(
    staff_client, cohort, secretariat, reviewer
):
    _round(cohort, secretariat, "Screening")

    assert staff_client.get(url("review_round_edit", cohort, number=7)).status_code == 404
    staff_client.force_login(reviewer)
    assert staff_client.get(url("review_round_edit", cohort, number=1)).status_code == 403


# --- Starting and deleting rounds, and the settings' round ---------------------------------


def _new_round(**posted):
    data = {
        "name": "Panel",
        "reviews_per_application": "2",
        "due_at": _local(timezone.now() + dt.timedelta(days=30)),
        "own_country_only": "",
    }
    return data | posted


def _html(response) -> str:
    return response.content.decode().replace("&#x27;", "'").replace("&quot;", '"')


@pytest.mark.parametrize(
    ("posted", "field", "message"),
    [
        ({"name": "  "}, "name", "Give the round a name."),
        ({"due_at": ""}, "due_at", "Enter the date the reviews are due."),
        ({"due_at": "2000-03-01T10:00"}, "due_at", "The reviews cannot be due in the past."),
        (
            {"due_at": _local(timezone.now() + dt.timedelta(days=800))},
            "due_at",
            "The reviews must be due within two years (by ",
        ),
    ],
)
def test_new_round_needs_a_name_and_a_due_date_ahead_and_keeps_the_input(
    staff_client, cohort, posted, field, message
):
    response = staff_client.post(url("review_rounds", cohort), _new_round(**posted))

    assert response.status_code == 400
    errors = response.context["form"].errors
    assert (list(errors), errors[field][0].startswith(message)) == ([field], True)
    html = _html(response)
    assert message in html
    assert 'name="reviews_per_application" value="2"' in html
    assert ('value="Panel"' in html) == ("name" not in posted)
    if posted.get("due_at"):
        assert f'value="{posted["due_at"]}"' in html
    assert ReviewRound.objects.filter(cohort=cohort).count() == 0


def test_new_round_due_date_is_refused_in_japanese(client, cohort, secretariat):
    secretariat.preferred_language = "ja"
    secretariat.save(update_fields=["preferred_language"])
    client.force_login(secretariat)

    response = client.post(
        url("review_rounds", cohort),
        _new_round(name="", due_at="2000-03-01T10:00"),
        HTTP_ACCEPT_LANGUAGE="ja",
    )

    assert response.status_code == 400
    assert response.context["form"].errors == {
        "name": ["ラウンドの名前を入力してください。"],
        "due_at": ["審査期限を過去の日時にすることはできません。"],
    }


def test_next_round_warns_of_pending_reviews_and_nothing_advanced_and_needs_the_box(
    staff_client, cohort, secretariat
):
    _round(cohort, secretariat, "Screening")
    panel = _round(cohort, secretariat, "Panel")
    ReviewAssignmentFactory(application__cohort=cohort, round=panel)
    ReviewAssignmentFactory(application__cohort=cohort, round=panel)

    page = staff_client.get(url("review_rounds", cohort))
    unticked = staff_client.post(url("review_rounds", cohort), _new_round(name="Final"))
    ticked = staff_client.post(
        url("review_rounds", cohort), _new_round(name="Final", start_anyway="on")
    )

    html = _html(page)
    assert (page.context["warning"].pending, page.context["warning"].advanced) == (2, 0)
    assert "Panel, the current round, still has 2 pending reviews." in html
    assert "No application has been advanced to Panel yet." in html
    assert 'name="start_anyway"' in html
    assert unticked.status_code == 400
    assert unticked.context["form"].errors == {
        "start_anyway": ["Tick the box to start the next round anyway."]
    }
    assert 'value="Final"' in _html(unticked)
    assert ticked.status_code == 302
    assert list(ReviewRound.objects.filter(cohort=cohort).values_list("name", flat=True)) == [
        "Screening",
        "Panel",
        "Final",
    ]


def test_next_round_without_pending_work_has_no_warning_and_no_box(staff_client, cohort):
    page = staff_client.get(url("review_rounds", cohort))
    response = staff_client.post(url("review_rounds", cohort), _new_round(name="Screening"))

    assert page.context["warning"] is None
    assert 'name="start_anyway"' not in _html(page)
    assert response.status_code == 302
    assert list(ReviewRound.objects.filter(cohort=cohort).values_list("name", flat=True)) == [
        "Screening"
    ]


def test_staff_delete_the_latest_round_after_ticking_the_box(staff_client, cohort, secretariat):
    _round(cohort, secretariat, "Screening")
    panel = _round(cohort, secretariat, "Panel")
    pending = ReviewAssignmentFactory(application__cohort=cohort, round=panel)
    delete_url = url("review_round_delete", cohort, number=2)

    edit = staff_client.get(url("review_round_edit", cohort, number=2))
    unticked = staff_client.post(delete_url, {}, follow=True)
    ticked = staff_client.post(delete_url, {"confirm": "on"}, follow=True)

    assert f'action="{delete_url}"' in _html(edit)
    assert unticked.redirect_chain == [(url("review_round_edit", cohort, number=2), 302)]
    assert [str(m) for m in unticked.context["messages"]] == [
        "Tick the box to confirm that the round is deleted."
    ]
    assert ticked.redirect_chain == [(url("review_rounds", cohort), 302)]
    assert [str(m) for m in ticked.context["messages"]] == ["Panel has been deleted."]
    assert list(ReviewRound.objects.filter(cohort=cohort).values_list("name", flat=True)) == [
        "Screening"
    ]
    assert not ReviewAssignmentFactory._meta.model.objects.filter(pk=pending.pk).exists()
    assert ActivityLog.objects.get(action_type=Activity.REVIEW_ROUND_DELETED).data["number"] == 2


def test_round_with_submitted_reviews_is_not_deleted_and_says_why(
    staff_client, cohort, secretariat
):
    _round(cohort, secretariat, "Screening")
    panel = _round(cohort, secretariat, "Panel")
    score(reviewed_application(cohort), ReviewerFactory(), 70, review_round=panel)

    response = staff_client.post(
        url("review_round_delete", cohort, number=2), {"confirm": "on"}, follow=True
    )

    assert response.redirect_chain == [(url("review_round_edit", cohort, number=2), 302)]
    assert [str(m) for m in response.context["messages"]] == [
        "Reviews have been submitted in Panel: it cannot be deleted."
    ]
    assert ReviewRound.objects.filter(cohort=cohort).count() == 2


def test_round_delete_is_post_only_404_for_a_missing_round_and_403_for_reviewers(
    client, staff_client, cohort, secretariat, reviewer
):
    _round(cohort, secretariat, "Screening")

    assert staff_client.get(url("review_round_delete", cohort, number=1)).status_code == 405
    assert (
        staff_client.post(url("review_round_delete", cohort, number=4), {"confirm": "on"})
    ).status_code == 404
    client.force_login(reviewer)
    assert (
        client.post(url("review_round_delete", cohort, number=1), {"confirm": "on"})
    ).status_code == 403
    assert ReviewRound.objects.filter(cohort=cohort).count() == 1


def _settings_data(**posted):
    return {
        "reviews_per_application": "3",
        "due_at": _local(timezone.now() + dt.timedelta(days=60)),
        "identifying_questions": [],
    } | posted


def test_settings_edit_the_current_round_and_name_it(staff_client, cohort, secretariat):
    screening = _round(cohort, secretariat, "Screening")
    panel = _round(cohort, secretariat, "Panel", reviews_per_application=2)
    due = (timezone.now() + dt.timedelta(days=60)).replace(second=0, microsecond=0)

    page = staff_client.get(url("review_settings", cohort))
    response = staff_client.post(url("review_settings", cohort), _settings_data(due_at=_local(due)))

    html = _html(page)
    assert "Reviews due in Panel" in html
    assert "Reviewers per application in Panel" in html
    assert "are those of Panel, the current round." in html
    assert (
        page.context["form"]["reviews_per_application"].value(),
        page.context["form"]["due_at"].value(),
    ) == (2, DUE.replace(tzinfo=None))  # as the secretariat (UTC) sees it
    assert response.status_code == 302
    panel.refresh_from_db()
    screening.refresh_from_db()
    assert (panel.reviews_per_application, panel.due_at) == (3, due)
    assert (screening.reviews_per_application, screening.due_at) == (1, DUE)
    assert CohortReviewSettings.objects.get(cohort=cohort).due_at == DUE
    overview = staff_client.get(url("review", cohort))
    assert (overview.context["per_application"], overview.context["due_at"]) == (3, due)


@pytest.mark.parametrize(
    ("due_at", "message"),
    [
        ("1900-01-01T10:00", "The reviews cannot be due before the round started ("),
        (
            _local(timezone.now() + dt.timedelta(days=800)),
            "The reviews must be due within two years (by ",
        ),
    ],
)
def test_settings_refuse_a_due_date_out_of_range_and_keep_the_input(
    staff_client, cohort, secretariat, due_at, message
):
    panel = _round(cohort, secretariat, "Panel")
    ReviewRound.objects.filter(pk=panel.pk).update(created_at=timezone.now() - dt.timedelta(days=5))

    response = staff_client.post(url("review_settings", cohort), _settings_data(due_at=due_at))

    assert response.status_code == 400
    errors = response.context["form"].errors
    assert (list(errors), errors["due_at"][0].startswith(message)) == (["due_at"], True)
    assert f'value="{due_at}"' in _html(response)
    panel.refresh_from_db()
    assert panel.due_at == DUE


def test_settings_keep_a_passed_due_date_when_it_is_not_changed(staff_client, cohort, secretariat):
    panel = _round(cohort, secretariat, "Panel")
    ReviewRound.objects.filter(pk=panel.pk).update(
        created_at=timezone.now() - dt.timedelta(days=30)
    )
    _close(panel)
    panel.refresh_from_db()
    CohortReviewSettings.objects.filter(cohort=cohort).update(due_at=panel.due_at)

    form = staff_client.get(url("review_settings", cohort)).context["form"]
    response = staff_client.post(
        url("review_settings", cohort),
        _settings_data(
            due_at=form["due_at"].value().astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%f"),
            blind="on",
        ),
    )

    assert response.status_code == 302
    assert CohortReviewSettings.objects.get(cohort=cohort).blind is True
