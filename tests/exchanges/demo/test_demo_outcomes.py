"""Demo outcomes: the finished cohort's answers come through the import service, with a
positive change that differs by direction, fades somewhat by 12 months, and a small American
group."""

import pytest

from exchanges.demo import demo_seed
from exchanges.enums import CohortStatus
from exchanges.models import Cohort, SurveyResponse
from exchanges.selectors.outcomes import cohort_outcomes, outcomes_for_viewer

pytestmark = pytest.mark.django_db


def _cells(comparison) -> dict:
    return {cell["key"]: cell for row in comparison["matrix"] for cell in row["cells"]}


def test_demo_outcomes_show_a_change_by_direction_once():
    first = demo_seed()
    count = SurveyResponse.objects.filter(imported=True).count()
    second = demo_seed()

    finished = Cohort.objects.get(status=CohortStatus.FINISHED)
    report = cohort_outcomes(cohort=finished)
    after, _six, twelve = (_cells(c) for c in report["comparisons"])
    assert first["outcome_responses_imported"] == count > 100
    assert second["outcome_responses_imported"] == 0
    assert SurveyResponse.objects.filter(imported=True).count() == count
    assert after["JP->KR"]["n"] >= 10
    assert after["JP->KR"]["mean_change"] > after["JP->US"]["mean_change"] > 0
    assert after["KR->JP"]["ci95"][0] > 0
    assert 0 < twelve["JP->KR"]["mean_change"] < after["JP->KR"]["mean_change"]
    partner = _cells(outcomes_for_viewer(report, partner=True)["comparisons"][0])
    assert partner["US->JP"]["suppressed"] is True
    # Korea protects the small American group in the responses, so its pairs are withheld
    # too; Japan's stay.
    assert partner["KR->JP"]["suppressed"] is True
    assert partner["JP->KR"]["suppressed"] is False
