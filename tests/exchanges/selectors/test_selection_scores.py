"""Normalised scores, flags, rankings and the selection proposal, on hand-computed data."""

import datetime as dt
import math

import pytest
from django.utils import timezone

from exchanges.enums import ApplicationStatus, SelectionMoveDirection, SelectionRankBy
from exchanges.models import SelectionMove, SelectionSettings
from exchanges.selectors.selection import (
    reviewer_statistics,
    selection_proposal,
    selection_ranking,
    selection_scores,
)
from tests.factories import OrganisationFactory, PartnerStaffFactory, ReviewerFactory
from tests.factories.applications import CohortFactory
from tests.factories.selection import quota, reviewed_application, score

pytestmark = pytest.mark.django_db


@pytest.fixture
def cohort():
    return CohortFactory()


def _apps(cohort, n, **kwargs):
    start = timezone.now() - dt.timedelta(days=10)
    return [
        reviewed_application(cohort, submitted_at=start + dt.timedelta(hours=i), **kwargs)
        for i in range(n)
    ]


@pytest.fixture
def harsh_and_lenient(cohort):
    """A harsh reviewer scores p, q, r 30, 40, 50 (mean 40, sd 10); a lenient one scores
    x, y, z 70, 80, 90 (mean 80, sd 10). All six scores: mean 60, sample sd √560."""
    p, q, r, x, y, z = _apps(cohort, 6)
    harsh, lenient = ReviewerFactory(), ReviewerFactory()
    for application, value in ((p, 30), (q, 40), (r, 50)):
        score(application, harsh, value)
    for application, value in ((x, 70), (y, 80), (z, 90)):
        score(application, lenient, value)
    return {"p": p, "q": q, "r": r, "x": x, "y": y, "z": z}


def test_normalised_scores_match_the_hand_computed_formula(cohort, harsh_and_lenient):
    a = harsh_and_lenient
    spread = math.sqrt(560)

    scores = {s.application_id: s for s in selection_scores(cohort=cohort)}

    expected = {
        "p": 60 - spread, "q": 60.0, "r": 60 + spread,
        "x": 60 - spread, "y": 60.0, "z": 60 + spread,
    }  # fmt: skip
    for name, value in expected.items():
        assert scores[a[name].pk].normalised == pytest.approx(value, abs=1e-9)
    assert [scores[a[n].pk].raw for n in "pqrxyz"] == [30.0, 40.0, 50.0, 70.0, 80.0, 90.0]
    assert {s.unnormalised for s in scores.values()} == {False}
    assert {s.disagreement for s in scores.values()} == {False}


def test_normalisation_changes_the_ranking_and_ties_break_on_the_raw_score(
    cohort, harsh_and_lenient
):
    a = harsh_and_lenient
    names = {v.pk: k for k, v in a.items()}

    normalised = [names[s.application_id] for s in selection_ranking(cohort=cohort)]
    SelectionSettings.objects.create(cohort=cohort, rank_by=SelectionRankBy.RAW)
    raw = [names[s.application_id] for s in selection_ranking(cohort=cohort)]

    # z and r tie at 60 + √560 (and y, q at 60; x, p at 60 − √560): the raw score decides.
    assert normalised == ["z", "r", "y", "q", "x", "p"]
    assert raw == ["z", "y", "x", "r", "q", "p"]


def test_full_tie_breaks_on_reviews_then_submission_then_number(cohort):
    first, second, third = _apps(cohort, 3)
    one, two = ReviewerFactory(), ReviewerFactory()
    score(third, one, 70)
    score(third, two, 70)
    score(second, one, 70)
    score(first, two, 70)
    SelectionSettings.objects.create(cohort=cohort, rank_by=SelectionRankBy.RAW)

    ranking = selection_ranking(cohort=cohort)

    assert [s.application_id for s in ranking] == [third.pk, first.pk, second.pk]
    assert [s.rank for s in ranking] == [1, 2, 3]


def test_reviewer_with_few_reviews_or_no_spread_is_left_unnormalised(cohort):
    apps = _apps(cohort, 4)
    few, flat = ReviewerFactory(), ReviewerFactory()
    score(apps[0], few, 20)
    score(apps[1], few, 90)
    for application in apps[1:]:
        score(application, flat, 55)

    stats = reviewer_statistics(cohort=cohort)
    scores = {s.application_id: s for s in selection_scores(cohort=cohort)}

    assert (stats[few.pk].reviews, stats[few.pk].normalised) == (2, False)
    assert (stats[flat.pk].reviews, stats[flat.pk].sd, stats[flat.pk].normalised) == (3, 0.0, False)
    assert scores[apps[0].pk].normalised == 20.0
    assert scores[apps[1].pk].normalised == pytest.approx((90 + 55) / 2)
    assert {s.unnormalised for s in scores.values()} == {True}


def test_disagreement_is_flagged_above_the_cohort_threshold(cohort):
    close, apart = _apps(cohort, 2)
    one, two = ReviewerFactory(), ReviewerFactory()
    score(close, one, 60)
    score(close, two, 80)
    score(apart, one, 50)
    score(apart, two, 80.5)

    scores = {s.application_id: s for s in selection_scores(cohort=cohort)}

    assert (scores[close.pk].spread, scores[close.pk].disagreement) == (20.0, False)
    assert (scores[apart.pk].spread, scores[apart.pk].disagreement) == (30.5, True)


def _ranked_raw(cohort, apps_scores):
    SelectionSettings.objects.create(cohort=cohort, rank_by=SelectionRankBy.RAW)
    reviewer = ReviewerFactory()
    for application, value in apps_scores:
        score(application, reviewer, value)


def test_proposal_fills_the_quota_then_orders_the_waiting_list(cohort):
    quota(cohort, "KR", seats=1, waitlist_size=2)
    apps = _apps(cohort, 4)
    unreviewed = reviewed_application(cohort)
    _ranked_raw(cohort, zip(apps, (50, 90, 70, 60), strict=True))

    kr = selection_proposal(cohort=cohort).country("KR")

    assert [s.application_id for s in kr.selected] == [apps[1].pk]
    assert [s.application_id for s in kr.waitlist] == [apps[2].pk, apps[3].pk]
    assert [s.application_id for s in kr.rest] == [apps[0].pk]
    assert [s.application_id for s in kr.unreviewed] == [unreviewed.pk]


def test_proposal_counts_seats_already_taken_and_honours_moves(cohort):
    quota(cohort, "KR", seats=2)
    reviewed_application(cohort, status=ApplicationStatus.ACCEPTED)
    top, middle, low = _apps(cohort, 3)
    _ranked_raw(cohort, [(top, 90), (middle, 70), (low, 50)])
    SelectionMove.objects.create(
        cohort=cohort, application=top, direction=SelectionMoveDirection.OUT
    )
    SelectionMove.objects.create(
        cohort=cohort, application=low, direction=SelectionMoveDirection.IN
    )

    kr = selection_proposal(cohort=cohort).country("KR")

    assert (kr.seats, kr.taken, kr.free) == (2, 1, 1)
    assert [s.application_id for s in kr.selected] == [low.pk]
    assert [s.application_id for s in kr.waitlist] == [top.pk, middle.pk]


def test_sector_target_takes_the_best_of_the_sector_before_the_ranking(cohort):
    quota(cohort, "KR", seats=2)
    best, second, media = _apps(cohort, 2) + _apps(cohort, 1, sector="media")
    cohort.sector_targets = {"media": 1}
    cohort.save()
    _ranked_raw(cohort, [(best, 90), (second, 80), (media, 40)])

    proposal = selection_proposal(cohort=cohort)

    assert [s.application_id for s in proposal.country("KR").selected] == [best.pk, media.pk]
    assert proposal.sector_fill == [
        {"sector": "media", "label": "Media and journalism", "target": 1, "reached": 1}
    ]
    assert proposal.unmet == []


def test_sector_targets_that_cannot_be_met_say_why(cohort):
    quota(cohort, "KR", seats=3)
    quota(cohort, "JP", seats=1)
    kr = _apps(cohort, 2, sector="business")
    jp_top = _apps(cohort, 1, country="JP", sector="business")
    jp_media = _apps(cohort, 2, country="JP", sector="media")
    cohort.sector_targets = {"business": 1, "media": 2, "politics": 1}
    cohort.save()
    _ranked_raw(cohort, zip(kr + jp_top + jp_media, (50, 40, 95, 30, 20), strict=True))

    proposal = selection_proposal(cohort=cohort)

    # "business" is met by the JP applicant (best of the sector), which fills JP's one seat:
    # the JP media applicants then find no seat; nobody applied in politics.
    assert [s.application_id for s in proposal.country("JP").selected] == [jp_top[0].pk]
    assert [(u.sector, u.target, u.reached, u.reason) for u in proposal.unmet] == [
        ("media", 2, 0, "No seats are left in Japan, where its other applicants are."),
        ("politics", 1, 0, "Only 0 more reviewed applicant(s) in this sector could be chosen."),
    ]
    assert [s.application_id for s in proposal.country("KR").selected] == [kr[0].pk, kr[1].pk]


def test_partner_staff_see_only_their_country(cohort):
    quota(cohort, "KR", seats=1)
    quota(cohort, "JP", seats=1)
    kr = _apps(cohort, 1)
    jp = _apps(cohort, 1, country="JP")
    _ranked_raw(cohort, [(kr[0], 60), (jp[0], 70)])
    partner_staff = PartnerStaffFactory(organisation=OrganisationFactory(country="JP"))
    cohort.program.partners.add(partner_staff.organisation)

    proposal = selection_proposal(cohort=cohort, viewer=partner_staff)
    ranking = selection_ranking(cohort=cohort, viewer=partner_staff)

    assert [c.country for c in proposal.countries] == ["JP"]
    assert [s.application_id for s in ranking] == [jp[0].pk]
