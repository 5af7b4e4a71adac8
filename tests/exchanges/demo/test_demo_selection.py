"""Demo selection data: a harsh and a lenient reviewer, so normalisation changes the ranking,
and a proposal ready to decide; seeding twice adds nothing."""

import pytest

from exchanges.demo import DEMO_DOMAIN, demo_seed
from exchanges.enums import SelectionRankBy
from exchanges.models import Cohort, Review, SelectionSettings
from exchanges.selectors.selection import reviewer_statistics, selection_proposal, selection_ranking

pytestmark = pytest.mark.django_db


def test_demo_normalisation_changes_the_ranking_and_the_proposal_is_ready():
    demo_seed()
    reviews = Review.objects.count()
    demo_seed()
    cohort = Cohort.objects.get(reviewer_pool__reviewer__email=f"reviewer-harsh@{DEMO_DOMAIN}")
    stats = reviewer_statistics(cohort=cohort)
    harsh = stats[
        cohort.reviewer_pool.get(reviewer__email=f"reviewer-harsh@{DEMO_DOMAIN}").reviewer_id
    ]
    lenient = stats[
        cohort.reviewer_pool.get(reviewer__email=f"reviewer-lenient@{DEMO_DOMAIN}").reviewer_id
    ]

    normalised = [s.application_id for s in selection_ranking(cohort=cohort)]
    SelectionSettings.objects.filter(cohort=cohort).update(rank_by=SelectionRankBy.RAW)
    raw = [s.application_id for s in selection_ranking(cohort=cohort)]
    proposal = selection_proposal(cohort=cohort)

    assert Review.objects.count() == reviews
    assert harsh.mean < lenient.mean
    assert (harsh.normalised, lenient.normalised) == (True, True)
    assert normalised != raw
    assert sorted(normalised) == sorted(raw)
    assert sum(len(c.selected) for c in proposal.countries) > 0
