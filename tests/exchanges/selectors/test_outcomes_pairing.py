"""Pairing answers across waves by the pseudonymous respondent key and the item key, for named
and anonymous surveys, and the figures of the cohort report."""

import pytest

from exchanges.enums import SurveyKind
from exchanges.exceptions import SurveyAlreadyAnswered
from exchanges.models import Survey, SurveyResponse
from exchanges.selectors.outcomes import cohort_outcomes, outcomes_for_viewer
from exchanges.services.surveys import (
    survey_question_save,
    survey_questions_for,
    survey_response_submit,
)
from exchanges.statistics import PairedChanges, paired_change
from tests.factories.applications import CohortFactory
from tests.factories.surveys import SurveyFactory, SurveyParticipantFactory, answer

pytestmark = pytest.mark.django_db


def _cell(report, comparison, key):
    for row in report["comparisons"][comparison]["matrix"]:
        for cell in row["cells"]:
            if cell["key"] == key:
                return cell
    raise KeyError(key)


def _two_waves(*, anonymous_pre=False):
    cohort = CohortFactory()
    pre = SurveyFactory(cohort=cohort, kind=SurveyKind.PRE_PROGRAM, published=True)
    post = SurveyFactory(cohort=cohort, kind=SurveyKind.POST_PROGRAM, published=True)
    if anonymous_pre:
        Survey.objects.filter(pk=pre.pk).update(anonymous=True)
        pre.refresh_from_db()
    return cohort, pre, post


@pytest.mark.parametrize("anonymous_pre", [False, True])
def test_answers_pair_across_waves_by_respondent_key(anonymous_pre):
    cohort, pre, post = _two_waves(anonymous_pre=anonymous_pre)
    warmth = [(40, 55), (50, 52), (30, 45), (60, 60), (45, 70), (20, 35)]
    for before, after in warmth:
        person = SurveyParticipantFactory(cohort=cohort, country="JP")
        answer(pre, person, thermometer_KR=before, trust_people=2)
        answer(post, person, thermometer_KR=after, trust_people=4)
    # Someone who answered only after the program has no pair.
    answer(post, SurveyParticipantFactory(cohort=cohort, country="JP"), thermometer_KR=100)

    report = cohort_outcomes(cohort=cohort)

    expected = PairedChanges()
    for before, after in warmth:
        expected.add(before, after)
    cell = _cell(report, 0, "JP->KR")
    assert {k: cell[k] for k in ("n", "mean_change", "ci95", "cohen_dz", "wilcoxon_p")} == {
        k: v
        for k, v in paired_change(expected).as_dict().items()
        if k in ("n", "mean_change", "ci95", "cohen_dz", "wilcoxon_p")
    }
    assert cell["n"] == 6
    assert cell["mean_change"] == 12.0  # (15 + 2 + 15 + 0 + 25 + 15) / 6
    assert _cell(report, 0, "KR->JP")["n"] == 0
    assert report["waves"][0]["total"] == 6
    assert report["waves"][1]["total"] == 7


def test_anonymous_response_keeps_no_link_to_the_person():
    cohort, pre, _post = _two_waves(anonymous_pre=True)
    person = SurveyParticipantFactory(cohort=cohort, country="KR")

    response = answer(pre, person)

    stored = SurveyResponse.objects.get(pk=response.pk)
    assert (stored.invitation_id, stored.application_id, stored.country) == (None, None, "KR")
    assert stored.respondent.startswith("R")
    assert len(stored.respondent) == 13


def test_one_final_response_per_invitation():
    cohort, pre, _post = _two_waves(anonymous_pre=True)
    person = SurveyParticipantFactory(cohort=cohort, country="KR")
    response = answer(pre, person, thermometer_JP=40)
    invite = pre.invitations.get()
    data = {q.pk: "90" for q in survey_questions_for(survey=pre, country="KR")}

    with pytest.raises(SurveyAlreadyAnswered):
        survey_response_submit(invitation=invite, data=data, language="ko")

    assert list(SurveyResponse.objects.values_list("pk", flat=True)) == [response.pk]
    assert cohort_outcomes(cohort=cohort)["waves"][0]["total"] == 1


def test_custom_item_gets_a_stable_key_and_pairs():
    cohort = CohortFactory()
    pre = SurveyFactory(cohort=cohort, kind=SurveyKind.PRE_PROGRAM, published=False)
    question = survey_question_save(
        survey=pre, actor=None, kind="likert", text_en="Custom", required=True, code=""
    )

    assert question.code == f"item-{question.pk}"


def test_partner_view_hides_small_matrix_cells_and_derivable_country_cells():
    cohort, pre, post = _two_waves()
    for country, count in (("JP", 6), ("KR", 3), ("US", 7)):
        for i in range(count):
            person = SurveyParticipantFactory(cohort=cohort, country=country)
            answer(pre, person, trust_people=2, thermometer_KR=40 + i, thermometer_JP=40)
            answer(post, person, trust_people=4, thermometer_KR=50 + 2 * i, thermometer_JP=45)

    report = cohort_outcomes(cohort=cohort)
    partner = outcomes_for_viewer(report, partner=True)

    assert _cell(report, 0, "KR->JP")["n"] == 3
    hidden = _cell(partner, 0, "KR->JP")
    assert (hidden["suppressed"], hidden["n"], hidden["mean_change"]) == (True, None, None)
    # Japan is withheld in the responses (below), so its pairs are too: 16 - 7 - 6 = 3.
    assert _cell(partner, 0, "JP->KR")["suppressed"] is True
    assert _cell(partner, 0, "US->KR")["n"] == 7
    trust = next(i for i in partner["comparisons"][0]["items"] if i["code"] == "trust-people")
    # KR (3) is hidden; the total (16) is shown, so the smallest other country (JP, 6) too.
    assert [(c["country"], c["n"]) for c in trust["by_country"]] == [
        ("US", 7),
        ("JP", None),
        ("KR", None),
    ]
    assert trust["overall"]["n"] == 16
    assert [(c["country"], c["n"]) for c in partner["waves"][0]["countries"]] == [
        ("US", 7),
        ("JP", None),
        ("KR", None),
    ]
    # The secretariat's report is untouched.
    assert _cell(report, 0, "KR->JP")["suppressed"] is False
