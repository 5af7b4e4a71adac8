"""Demo selection data: a screening round with a harsh and a lenient reviewer, so
normalisation changes the ranking, a panel round with the top applicants of each country, and
a proposal ready to decide; seeding twice adds nothing."""

import pytest

from exchanges.demo import DEMO_DOMAIN, demo_seed
from exchanges.demo.selection import PANEL_TOP
from exchanges.enums import SelectionRankBy
from exchanges.models import Cohort, Review, ReviewRound, SelectionSettings
from exchanges.selectors.selection import (
    reviewer_statistics,
    selection_proposal,
    selection_ranking,
    selection_round_top,
)

pytestmark = pytest.mark.django_db


def test_demo_normalisation_changes_the_ranking_and_the_proposal_is_ready():
    demo_seed()
    reviews = Review.objects.count()
    demo_seed()
    cohort = Cohort.objects.get(reviewer_pool__reviewer__email=f"reviewer-harsh@{DEMO_DOMAIN}")
    screening, panel = ReviewRound.objects.filter(cohort=cohort).order_by("number")
    stats = reviewer_statistics(cohort=cohort, review_round=screening)
    harsh = stats[
        cohort.reviewer_pool.get(reviewer__email=f"reviewer-harsh@{DEMO_DOMAIN}").reviewer_id
    ]
    lenient = stats[
        cohort.reviewer_pool.get(reviewer__email=f"reviewer-lenient@{DEMO_DOMAIN}").reviewer_id
    ]

    normalised = [
        s.application_id for s in selection_ranking(cohort=cohort, review_round=screening)
    ]
    advanced = sorted(
        s.application_id for s in selection_round_top(review_round=screening, per_country=PANEL_TOP)
    )
    SelectionSettings.objects.filter(cohort=cohort).update(rank_by=SelectionRankBy.RAW)
    raw = [s.application_id for s in selection_ranking(cohort=cohort, review_round=screening)]
    panel_ranking = selection_ranking(cohort=cohort)
    proposal = selection_proposal(cohort=cohort)

    assert Review.objects.count() == reviews
    assert harsh.mean < lenient.mean
    assert (harsh.normalised, lenient.normalised) == (True, True)
    assert normalised != raw
    assert sorted(normalised) == sorted(raw)
    assert (panel.number, panel.name) == (2, "Panel")
    assert sorted(panel.entries.values_list("application_id", flat=True)) == advanced
    assert sorted(s.application_id for s in panel_ranking) == advanced
    assert sorted(s.reviews for s in panel_ranking) == [0, 0, 1, 1, 1, 1]
    assert sum(len(c.selected) for c in proposal.countries) > 0
