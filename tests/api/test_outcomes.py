"""The partner API's cohort outcomes: the partner view, with small and derivable figures
withheld, only for programs the key's organisation partners on, only with its scope."""

import pytest
from rest_framework.test import APIClient

from api.services import api_key_create
from exchanges.enums import ApiScope, SurveyKind
from tests.factories.applications import CohortFactory
from tests.factories.surveys import SurveyFactory, SurveyParticipantFactory, answer

pytestmark = pytest.mark.django_db


@pytest.fixture
def outcomes_client(partner_org):
    _key, token = api_key_create(
        organisation=partner_org, name="Evaluation", scopes=[ApiScope.OUTCOMES_READ]
    )
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client


def _cohort(partner=None):
    cohort = CohortFactory()
    if partner is not None:
        cohort.program.partners.add(partner)
    pre = SurveyFactory(cohort=cohort, kind=SurveyKind.PRE_PROGRAM, published=True)
    post = SurveyFactory(cohort=cohort, kind=SurveyKind.POST_PROGRAM, published=True)
    for country, count in (("JP", 6), ("KR", 3), ("US", 7)):
        for i in range(count):
            person = SurveyParticipantFactory(cohort=cohort, country=country)
            answer(pre, person, trust_people=2, thermometer_KR=40 + i, thermometer_JP=40)
            answer(post, person, trust_people=4, thermometer_KR=50 + 2 * i, thermometer_JP=45)
    return cohort


def test_outcomes_withhold_small_and_derivable_figures(outcomes_client, partner_org):
    cohort = _cohort(partner_org)

    response = outcomes_client.get(f"/api/v1/cohorts/{cohort.pk}/outcomes/")

    assert response.status_code == 200
    body = response.json()
    pairs = {cell["pair"]: cell for cell in body["comparisons"][0]["pairs"]}
    assert pairs["KR->JP"] == {
        "n": None,
        "mean_before": None,
        "mean_after": None,
        "mean_change": None,
        "ci95": None,
        "cohen_dz": None,
        "wilcoxon_p": None,
        "suppressed": True,
        "pair": "KR->JP",
        "country": "KR",
        "target": "JP",
    }
    assert pairs["JP->KR"]["n"] == 6
    assert pairs["JP->KR"]["mean_change"] == 12.5
    trust = next(i for i in body["comparisons"][0]["items"] if i["item"] == "trust-people")
    # Korea (3) is withheld and the total (16) shown, so Japan (6) is withheld too.
    assert [(c["country"], c["n"], c["suppressed"]) for c in trust["by_country"]] == [
        ("US", 7, False),
        ("JP", None, True),
        ("KR", None, True),
    ]
    assert trust["overall"]["n"] == 16
    assert body["waves"][0]["responses"] == [
        {"country": "US", "n": 7, "suppressed": False},
        {"country": "JP", "n": None, "suppressed": True},
        {"country": "KR", "n": None, "suppressed": True},
    ]


def test_outcomes_of_another_program_are_not_found(outcomes_client):
    cohort = CohortFactory()

    assert outcomes_client.get(f"/api/v1/cohorts/{cohort.pk}/outcomes/").status_code == 404


def test_outcomes_need_their_scope(api_client, partner_org):
    cohort = CohortFactory()
    cohort.program.partners.add(partner_org)

    assert api_client.get(f"/api/v1/cohorts/{cohort.pk}/outcomes/").status_code == 403
