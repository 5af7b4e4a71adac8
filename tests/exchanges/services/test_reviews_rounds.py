"""Review rounds: creating them, advancing the top k per country, per-round normalisation,
screening rounds assigning each country's reviewers to its own applicants, and existing
reviews kept as round 1 by the data migration."""

import datetime as dt
import math

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from exchanges.activity_types import Activity
from exchanges.enums import ReviewAssignmentStatus, SelectionRankBy
from exchanges.exceptions import ReviewRefused
from exchanges.models import (
    ActivityLog,
    CohortReviewSettings,
    ReviewAssignment,
    ReviewCriterion,
    ReviewRound,
    ReviewRoundEntry,
    SelectionSettings,
)
from exchanges.selectors.selection import (
    reviewer_statistics,
    selection_proposal,
    selection_ranking,
    selection_round_top,
    selection_scores,
)
from exchanges.services.reviews import (
    review_assign_automatically,
    review_round_advance,
    review_round_create,
    review_round_delete,
    review_settings_save,
)
from tests.factories import ReviewerFactory
from tests.factories.applications import CohortFactory
from tests.factories.reviews import (
    PoolMemberFactory,
    ReviewAssignmentFactory,
    ReviewCriterionFactory,
)
from tests.factories.selection import reviewed_application, score

pytestmark = pytest.mark.django_db

DUE = dt.datetime(2027, 3, 1, 12, 0, tzinfo=dt.UTC)


@pytest.fixture
def cohort():
    return CohortFactory()


def _round(cohort, actor, name, **kwargs):
    kwargs.setdefault("reviews_per_application", 2)
    kwargs.setdefault("due_at", DUE)
    kwargs.setdefault("own_country_only", False)
    kwargs.setdefault("reviewers", [])
    kwargs.setdefault("start_anyway", True)
    return review_round_create(cohort=cohort, actor=actor, name=name, **kwargs)


def _apps(cohort, n, country):
    start = timezone.now() - dt.timedelta(days=10)
    return [
        reviewed_application(
            cohort, from_country=country, submitted_at=start + dt.timedelta(hours=i)
        )
        for i in range(n)
    ]


def test_first_round_created_on_a_fresh_cohort_is_round_1_and_sets_the_review_settings(
    cohort, secretariat
):
    screening = _round(cohort, secretariat, "Screening", own_country_only=True)
    panel = _round(cohort, secretariat, "Panel", reviews_per_application=3)

    assert [(r.number, r.name, r.own_country_only) for r in ReviewRound.objects.all()] == [
        (1, "Screening", True),
        (2, "Panel", False),
    ]
    assert (screening.number, panel.number, panel.reviews_per_application) == (1, 2, 3)
    cohort.refresh_from_db()
    assert cohort.review_settings.due_at == DUE
    assert list(
        ActivityLog.objects.filter(action_type=Activity.REVIEW_ROUND_CREATED)
        .order_by("id")
        .values_list("data__number", flat=True)
    ) == [1, 2]


def test_new_round_after_assignments_without_rounds_keeps_them_as_round_1(cohort, secretariat):
    assignment = ReviewAssignmentFactory(application__cohort=cohort)

    panel = _round(cohort, secretariat, "Panel")

    first = ReviewRound.objects.get(cohort=cohort, number=1)
    assert (panel.number, first.name, first.label) == (2, "", "Round 1")
    assert ReviewAssignment.objects.get(pk=assignment.pk).round_id is None  # counts as round 1
    assert [s.application_id for s in selection_scores(cohort=cohort, review_round=first)] == [
        assignment.application_id
    ]


def test_advancing_the_top_2_per_country_takes_the_hand_checked_applicants(cohort, secretariat):
    SelectionSettings.objects.create(cohort=cohort, rank_by=SelectionRankBy.RAW)
    screening = _round(cohort, secretariat, "Screening", own_country_only=True)
    panel = _round(cohort, secretariat, "Panel")
    kr1, kr2, kr3, kr4 = _apps(cohort, 4, "KR")
    us1, us2, us3 = _apps(cohort, 3, "US")
    reviewer_kr, reviewer_us = ReviewerFactory(country="KR"), ReviewerFactory(country="US")
    for application, value in ((kr1, 90), (kr2, 70), (kr3, 80), (kr4, 60)):
        score(application, reviewer_kr, value, review_round=screening)
    for application, value in ((us1, 50), (us2, 65), (us3, 55)):
        score(application, reviewer_us, value, review_round=screening)

    top = selection_round_top(review_round=screening, per_country=2)
    advanced = review_round_advance(
        review_round=panel,
        applications=[kr1, kr3, us2, us3],
        actor=secretariat,
    )
    again = review_round_advance(review_round=panel, applications=[kr1], actor=secretariat)

    # KR: 90 (kr1), 80 (kr3); US: 65 (us2), 55 (us3).
    assert [(s.application_id, s.country, s.rank) for s in top] == [
        (kr1.pk, "KR", 1),
        (kr3.pk, "KR", 2),
        (us2.pk, "US", 1),
        (us3.pk, "US", 2),
    ]
    assert advanced == sorted([kr1.pk, kr3.pk, us2.pk, us3.pk])
    assert again == []
    assert sorted(ReviewRoundEntry.objects.values_list("application_id", flat=True)) == sorted(
        [kr1.pk, kr3.pk, us2.pk, us3.pk]
    )
    # The panel round (the current one, the proposal's default) holds only those four,
    # not yet reviewed there.
    assert sorted(s.application_id for s in selection_ranking(cohort=cohort)) == sorted(
        [kr1.pk, kr3.pk, us2.pk, us3.pk]
    )
    assert {s.reviews for s in selection_ranking(cohort=cohort)} == {0}
    proposal = selection_proposal(cohort=cohort)
    assert sorted(
        s.application_id for country in proposal.countries for s in country.unreviewed
    ) == sorted([kr1.pk, kr3.pk, us2.pk, us3.pk])


def test_advancing_logs_only_what_is_newly_advanced(cohort, secretariat):
    _round(cohort, secretariat, "Screening")
    panel = _round(cohort, secretariat, "Panel")
    first, second = _apps(cohort, 2, "JP")

    def logged():
        return list(
            ActivityLog.objects.filter(action_type=Activity.REVIEW_ROUND_ADVANCED)
            .order_by("id")
            .values_list("data", flat=True)
        )

    review_round_advance(review_round=panel, applications=[first], actor=secretariat)
    assert review_round_advance(review_round=panel, applications=[first], actor=secretariat) == []
    assert logged() == [{"number": 2, "applications": [first.pk]}]

    review_round_advance(review_round=panel, applications=[first, second], actor=secretariat)
    assert logged() == [
        {"number": 2, "applications": [first.pk]},
        {"number": 2, "applications": [second.pk]},
    ]


def test_round_1_takes_no_advanced_applications(cohort, secretariat):
    screening = _round(cohort, secretariat, "Screening")
    (application,) = _apps(cohort, 1, "KR")

    with pytest.raises(ReviewRefused):
        review_round_advance(review_round=screening, applications=[application], actor=secretariat)


def test_normalisation_uses_only_the_rounds_own_reviews(cohort, secretariat):
    screening = _round(cohort, secretariat, "Screening")
    panel = _round(cohort, secretariat, "Panel")
    a, b, c, d = _apps(cohort, 4, "KR")
    harsh, lenient = ReviewerFactory(), ReviewerFactory()
    for application, value in ((a, 30), (b, 40), (c, 50)):
        score(application, harsh, value, review_round=screening)
    for application, value in ((d, 10), (b, 20), (c, 90)):
        score(application, lenient, value, review_round=screening)
    review_round_advance(review_round=panel, applications=[a, b, c], actor=secretariat)
    first, second = ReviewerFactory(), ReviewerFactory()
    # first: mean 40, sd 20; second: mean 60, sd 10; all six: mean 50, sample sd √320.
    for application, value in ((a, 20), (b, 40), (c, 60)):
        score(application, first, value, review_round=panel)
    for application, value in ((a, 50), (b, 60), (c, 70)):
        score(application, second, value, review_round=panel)

    stats = reviewer_statistics(cohort=cohort, review_round=panel)
    scores = {s.application_id: s for s in selection_scores(cohort=cohort, review_round=panel)}
    screening_scores = {
        s.application_id: s for s in selection_scores(cohort=cohort, review_round=screening)
    }

    assert {k: (v.reviews, v.mean, v.sd) for k, v in stats.items()} == {
        first.pk: (3, 40.0, 20.0),
        second.pk: (3, 60.0, 10.0),
    }
    spread = math.sqrt(320)
    assert sorted(scores) == sorted([a.pk, b.pk, c.pk])
    assert scores[a.pk].normalised == pytest.approx(50 - spread, abs=1e-9)
    assert scores[b.pk].normalised == pytest.approx(50.0, abs=1e-9)
    assert scores[c.pk].normalised == pytest.approx(50 + spread, abs=1e-9)
    assert [scores[x.pk].raw for x in (a, b, c)] == [35.0, 50.0, 65.0]
    # Round 1 keeps its own scores: four applications, two reviews each for b and c.
    assert sorted(screening_scores) == sorted([a.pk, b.pk, c.pk, d.pk])
    assert [screening_scores[x.pk].raw for x in (a, b, c, d)] == [30.0, 30.0, 70.0, 10.0]


def test_screening_round_assigns_each_country_its_own_reviewers(cohort, secretariat):
    _round(cohort, secretariat, "Screening", own_country_only=True, reviews_per_application=1)
    (kr_app,) = _apps(cohort, 1, "KR")
    (us_app,) = _apps(cohort, 1, "US")
    reviewer_kr, reviewer_us = ReviewerFactory(country="KR"), ReviewerFactory(country="US")
    for reviewer in (reviewer_kr, reviewer_us):
        PoolMemberFactory(cohort=cohort, reviewer=reviewer)

    result = review_assign_automatically(cohort=cohort, actor=secretariat)

    assert result.assignments_created == 2
    assert sorted(
        ReviewAssignment.objects.values_list("application_id", "reviewer_id", "round__number")
    ) == sorted([(kr_app.pk, reviewer_kr.pk, 1), (us_app.pk, reviewer_us.pk, 1)])


def test_panel_round_assigns_only_advanced_applications_from_its_own_pool(cohort, secretariat):
    _round(cohort, secretariat, "Screening", reviews_per_application=1)
    first_reviewer, panellist = ReviewerFactory(country="JP"), ReviewerFactory(country="JP")
    PoolMemberFactory(cohort=cohort, reviewer=first_reviewer)
    PoolMemberFactory(cohort=cohort, reviewer=panellist)
    kept, dropped = _apps(cohort, 2, "KR")
    panel = _round(cohort, secretariat, "Panel", reviews_per_application=1, reviewers=[panellist])
    review_round_advance(review_round=panel, applications=[kept], actor=secretariat)

    review_assign_automatically(cohort=cohort, actor=secretariat)

    assert list(
        ReviewAssignment.objects.values_list("application_id", "reviewer_id", "round_id")
    ) == [(kept.pk, panellist.pk, panel.pk)]
    assert dropped.review_assignments.count() == 0


@pytest.mark.django_db(transaction=True)
def test_data_migration_keeps_existing_reviews_as_round_1():
    assignment = ReviewAssignmentFactory(status=ReviewAssignmentStatus.SUBMITTED)
    cohort = assignment.cohort
    score_row = score(reviewed_application(cohort), ReviewerFactory(), 70)
    executor = MigrationExecutor(connection)
    executor.migrate([("exchanges", "0016_nominations")])
    old = executor.loader.project_state([("exchanges", "0016_nominations")]).apps
    old.get_model("exchanges", "CohortReviewSettings").objects.create(
        cohort_id=cohort.pk, reviews_per_application=3, due_at=DUE
    )

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())

    (first,) = ReviewRound.objects.filter(cohort=cohort)
    assert (first.number, first.reviews_per_application, first.due_at) == (1, 3, DUE)
    assert sorted(ReviewAssignment.objects.values_list("pk", "round_id")) == sorted(
        [(assignment.pk, first.pk), (score_row.assignment_id, first.pk)]
    )
    assert [s.raw for s in selection_scores(cohort=cohort) if s.reviews] == [70.0]


# --- Starting, deleting and the settings' round -------------------------------------------------


def _refusal(call) -> tuple[str, str]:
    with pytest.raises(ReviewRefused) as refused:
        call()
    return refused.value.code, str(refused.value.message)


def test_round_without_a_name_is_refused(cohort, secretariat):
    refusal = _refusal(lambda: _round(cohort, secretariat, "   "))

    assert refusal == ("round_name_missing", "Give the round a name.")
    assert ReviewRound.objects.filter(cohort=cohort).count() == 0


def test_next_round_while_reviews_are_pending_needs_start_anyway(cohort, secretariat):
    screening = _round(cohort, secretariat, "Screening")
    ReviewAssignmentFactory(application__cohort=cohort, round=screening)

    refusal = _refusal(lambda: _round(cohort, secretariat, "Panel", start_anyway=False))
    panel = _round(cohort, secretariat, "Panel", start_anyway=True)

    assert refusal == (
        "round_start_unconfirmed",
        "Confirm that the next round should start anyway.",
    )
    assert list(ReviewRound.objects.filter(cohort=cohort).values_list("number", flat=True)) == [
        1,
        2,
    ]
    assert (
        ActivityLog.objects.get(action_type=Activity.REVIEW_ROUND_CREATED, object_id=panel.pk).data[
            "started_anyway"
        ]
        is True
    )


def test_next_round_after_a_round_with_nothing_advanced_needs_start_anyway(cohort, secretariat):
    _round(cohort, secretariat, "Screening")
    panel = _round(cohort, secretariat, "Panel")

    refusal = _refusal(lambda: _round(cohort, secretariat, "Final", start_anyway=False))
    review_round_advance(review_round=panel, applications=_apps(cohort, 1, "KR"), actor=secretariat)
    final = _round(cohort, secretariat, "Final", start_anyway=False)

    assert refusal[0] == "round_start_unconfirmed"
    assert final.number == 3


def test_latest_round_without_reviews_is_deleted_with_its_pending_work(cohort, secretariat):
    screening = _round(cohort, secretariat, "Screening")
    panel = _round(cohort, secretariat, "Panel")
    (application,) = _apps(cohort, 1, "KR")
    review_round_advance(review_round=panel, applications=[application], actor=secretariat)
    pending = ReviewAssignmentFactory(application=application, round=panel)
    removed = ReviewAssignmentFactory(
        application=application, round=panel, status=ReviewAssignmentStatus.REMOVED
    )
    ReviewCriterionFactory(cohort=cohort, round=panel)
    screening_criterion = ReviewCriterionFactory(cohort=cohort, round=None)

    review_round_delete(review_round=panel, actor=secretariat)

    assert list(ReviewRound.objects.filter(cohort=cohort)) == [screening]
    assert ReviewAssignment.objects.filter(pk__in=[pending.pk, removed.pk]).count() == 0
    assert ReviewRoundEntry.objects.count() == 0
    assert list(ReviewCriterion.objects.filter(cohort=cohort)) == [screening_criterion]
    entry = ActivityLog.objects.get(action_type=Activity.REVIEW_ROUND_DELETED)
    assert (entry.object_id, entry.actor, entry.data) == (
        cohort.pk,
        secretariat,
        {
            "number": 2,
            "name": "Panel",
            "assignments": sorted([pending.pk, removed.pk]),
            "applications": [application.pk],
        },
    )


def test_round_with_a_submitted_review_is_not_deleted(cohort, secretariat):
    _round(cohort, secretariat, "Screening")
    panel = _round(cohort, secretariat, "Panel")
    (application,) = _apps(cohort, 1, "KR")
    score(application, ReviewerFactory(), 70, review_round=panel)

    refusal = _refusal(lambda: review_round_delete(review_round=panel, actor=secretariat))

    assert refusal == (
        "round_has_reviews",
        "Reviews have been submitted in Panel: it cannot be deleted.",
    )
    assert ReviewRound.objects.filter(cohort=cohort).count() == 2
    assert ActivityLog.objects.filter(action_type=Activity.REVIEW_ROUND_DELETED).count() == 0


def test_only_the_latest_round_is_deleted_and_round_1_only_before_assignments(cohort, secretariat):
    screening = _round(cohort, secretariat, "Screening")
    _round(cohort, secretariat, "Panel")
    ReviewAssignmentFactory(application__cohort=cohort, round=screening)

    not_latest = _refusal(lambda: review_round_delete(review_round=screening, actor=secretariat))
    review_round_delete(
        review_round=ReviewRound.objects.get(cohort=cohort, number=2), actor=secretariat
    )
    assigned = _refusal(lambda: review_round_delete(review_round=screening, actor=secretariat))
    ReviewAssignment.objects.filter(cohort=cohort).delete()
    review_round_delete(review_round=screening, actor=secretariat)

    assert not_latest == (
        "round_not_latest",
        "Only the latest round can be deleted: delete Panel first.",
    )
    assert assigned == (
        "round_has_assignments",
        "Reviewers have been assigned in round 1: it cannot be deleted.",
    )
    assert ReviewRound.objects.filter(cohort=cohort).count() == 0


def _save_settings(cohort, actor, **kwargs):
    kwargs.setdefault("avoid_same_country", False)
    kwargs.setdefault("blind", False)
    kwargs.setdefault("identifying_questions", [])
    return review_settings_save(cohort=cohort, actor=actor, **kwargs)


def test_settings_change_the_current_rounds_due_date_and_reviewers_per_application(
    cohort, secretariat
):
    screening = _round(cohort, secretariat, "Screening")
    panel = _round(cohort, secretariat, "Panel", reviews_per_application=2)
    later = DUE + dt.timedelta(days=20)

    _save_settings(cohort, secretariat, reviews_per_application=4, due_at=later, blind=True)

    screening.refresh_from_db()
    panel.refresh_from_db()
    saved = CohortReviewSettings.objects.get(cohort=cohort)
    assert (panel.reviews_per_application, panel.due_at) == (4, later)
    assert (screening.reviews_per_application, screening.due_at) == (2, DUE)
    assert (saved.reviews_per_application, saved.due_at, saved.blind) == (2, DUE, True)
    assert ActivityLog.objects.get(action_type=Activity.REVIEW_SETTINGS_SAVED).data["round"] == 2


def test_settings_in_round_1_change_round_1_and_the_settings(cohort, secretariat):
    screening = _round(cohort, secretariat, "Screening")
    later = DUE + dt.timedelta(days=20)

    _save_settings(cohort, secretariat, reviews_per_application=3, due_at=later)

    screening.refresh_from_db()
    saved = CohortReviewSettings.objects.get(cohort=cohort)
    assert (screening.reviews_per_application, screening.due_at) == (3, later)
    assert (saved.reviews_per_application, saved.due_at) == (3, later)
