"""The partner API's cohort outcomes: the partner view, with small and derivable figures
withheld (also where another figure of the response gives them back), only for programs the
key's organisation partners on, only with its scope."""

import itertools
from types import SimpleNamespace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rest_framework.test import APIClient

from api.serializers.outcomes import CohortOutcomesOutputSerializer
from api.services import api_key_create
from exchanges.enums import ApiScope, SurveyKind
from exchanges.selectors.outcomes import (
    change_cell,
    directed_matrix,
    outcome_waves,
    outcomes_for_viewer,
)
from exchanges.statistics import PairedChanges
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
    # Korea (3) is withheld and the total (16) shown, so Japan (6) is withheld too, in the
    # responses and in every figure about Japan's respondents: JP->KR's n of 6 would give
    # Korea's 16 - 7 - 6 = 3.
    assert (pairs["JP->KR"]["suppressed"], pairs["JP->KR"]["n"]) == (True, None)
    assert (pairs["US->KR"]["n"], pairs["US->KR"]["mean_change"]) == (7, 13.0)
    trust = next(i for i in body["comparisons"][0]["items"] if i["item"] == "trust-people")
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


def _waves_cohort(partner, counts: dict[str, tuple[int, int]]):
    """A cohort whose participants of each country answer before the program (the first
    number) and, the first of them (the second number), after it too; every item answered."""
    cohort = CohortFactory()
    cohort.program.partners.add(partner)
    pre = SurveyFactory(cohort=cohort, kind=SurveyKind.PRE_PROGRAM, published=True)
    post = SurveyFactory(cohort=cohort, kind=SurveyKind.POST_PROGRAM, published=True)
    for country, (before, after) in counts.items():
        for i in range(before):
            person = SurveyParticipantFactory(cohort=cohort, country=country)
            answer(pre, person, trust_people=2, thermometer_KR=40, thermometer_JP=40 + i)
            if i < after:
                answer(post, person, trust_people=4, thermometer_KR=50, thermometer_JP=45 + i)
    truth = {
        SurveyKind.PRE_PROGRAM: {country: before for country, (before, _a) in counts.items()},
        SurveyKind.POST_PROGRAM: {country: after for country, (_b, after) in counts.items()},
    }
    return cohort, truth


def _shown(cell) -> bool:
    return not cell["suppressed"] and cell["n"] is not None


def _leaks(body: dict, truth: dict[str, dict[str, int]]) -> list[str]:
    """What a partner can work out of ``body`` about fewer than five people with the simple
    linear relations: a figure shown about 1 to 4 people, or an all-countries figure of a
    wave less the per-country figures shown anywhere for the wave's respondents (responses,
    NPS, and the pairs and items of a comparison using the wave: a pair's n is its rater
    country's count) that gives one hidden country's true count, or a true remainder of 1 to
    4 people."""
    leaks = []
    cells = [count for wave in body["waves"] for count in wave["responses"]]
    cells += [wave for wave in body["waves"] if wave["total"] is not None]
    for comparison in body["comparisons"]:
        cells += comparison["pairs"]
        for item in comparison["items"]:
            cells += [item["overall"], *item["by_country"]]
    for row in body["nps"]:
        cells += [row["overall"], *row["by_country"]]
    for cell in cells:
        n = cell.get("n", cell.get("total"))
        if n is not None and 0 < n < 5:
            leaks.append(f"shown: {cell}")
    for wave in body["waves"]:
        kind, guesses, totals = wave["wave"], {}, set()
        if wave["total"] is not None:
            totals.add(wave["total"])
        parts = [count for count in wave["responses"] if _shown(count)]
        for row in body["nps"]:
            if row["wave"] == kind:
                parts += [cell for cell in row["by_country"] if _shown(cell)]
                if _shown(row["overall"]):
                    totals.add(row["overall"]["n"])
        for comparison in body["comparisons"]:
            if kind not in (comparison["before"], comparison["after"]):
                continue
            parts += [pair for pair in comparison["pairs"] if _shown(pair)]
            for item in comparison["items"]:
                parts += [cell for cell in item["by_country"] if _shown(cell)]
                if _shown(item["overall"]):
                    totals.add(item["overall"]["n"])
        for part in parts:
            guesses.setdefault(part["country"], set()).add(part["n"])
        true = truth.get(kind, dict.fromkeys(truth[SurveyKind.PRE_PROGRAM], 0))
        unknown = [c for c in true if c not in guesses]
        hidden = [true[c] for c in unknown if true[c] > 0]
        for total, values in itertools.product(totals, itertools.product(*guesses.values())):
            remainder = total - sum(values)
            if remainder == sum(hidden) and (len(hidden) == 1 or 0 < remainder < 5):
                leaks.append(f"{kind}: {total} - {values} = {remainder} for {unknown}")
    return leaks


def test_outcomes_suppressed_count_is_not_given_back_by_pairs_or_totals(
    outcomes_client, partner_org
):
    # The demo's numbers: after the program the responses showed US withheld (4), JP withheld
    # to protect it, KR 17 and the total 38, but the pair JP->US showed n = 17, so the
    # United States' count was 38 - 17 - 17 = 4.
    cohort, truth = _waves_cohort(partner_org, {"US": (4, 4), "JP": (18, 17), "KR": (17, 17)})

    body = outcomes_client.get(f"/api/v1/cohorts/{cohort.pk}/outcomes/").json()

    assert _leaks(body, truth) == []
    post = body["waves"][1]
    assert [(c["country"], c["n"]) for c in post["responses"]] == [
        ("US", None),
        ("JP", 17),
        ("KR", None),
    ]
    assert post["total"] == 38
    pairs = {pair["pair"]: pair["n"] for pair in body["comparisons"][0]["pairs"]}
    # Korea protects the United States in both waves (the same country, so the comparison
    # keeps Japan's figures rather than losing all three).
    assert pairs == {
        "US->JP": None,
        "US->KR": None,
        "JP->US": 17,
        "JP->KR": 17,
        "KR->US": None,
        "KR->JP": None,
    }
    trust = next(i for i in body["comparisons"][0]["items"] if i["item"] == "trust-people")
    assert trust["overall"]["n"] == 38
    assert [(c["country"], c["n"]) for c in trust["by_country"]] == [
        ("US", None),
        ("JP", 17),
        ("KR", None),
    ]
    nps = next(row for row in body["nps"] if row["wave"] == SurveyKind.POST_PROGRAM)
    assert (nps["overall"]["n"], [c["n"] for c in nps["by_country"]]) == (38, [None, 17, None])


def _report(counts: dict[str, tuple[int, int]]) -> dict:
    """The secretariat's report (as ``cohort_outcomes`` shapes it) of a cohort answering as
    ``_waves_cohort`` makes it answer, built without the database."""
    countries = list(counts)
    pre, post = SurveyKind.PRE_PROGRAM, SurveyKind.POST_PROGRAM
    histograms = {}
    for country, (_before, after) in counts.items():
        for target in countries:
            if target != country and after:
                pairs = PairedChanges()
                pairs.add(40, 45, count=after)
                histograms[(1, country, f"thermometer-{target}", "thermometer", target)] = pairs
    trust = {country: PairedChanges() for country in countries}
    for country, (_before, after) in counts.items():
        if after:
            trust[country].add(2, 4, count=after)
    overall = PairedChanges()
    for pairs in trust.values():
        overall.merge(pairs)
    responses = {
        pre: {c: b for c, (b, _a) in counts.items()},
        post: {c: a for c, (_b, a) in counts.items()},
    }

    def nps_cell(n):
        return {
            "n": n,
            "nps": 0.0 if n else None,
            "ci95": [0.0, 0.0] if n else None,
            "promoters": 0,
            "passives": n,
            "detractors": 0,
            "suppressed": False,
        }

    return {
        "cohort": SimpleNamespace(pk=1),
        "waves": outcome_waves(countries=countries, responses=responses),
        "comparisons": [
            {
                "before": pre,
                "after": post,
                "matrix": directed_matrix(countries=countries, histograms=histograms),
                "items": [
                    {
                        "code": "trust-people",
                        "overall": change_cell(overall),
                        "by_country": [{"country": c, **change_cell(trust[c])} for c in countries],
                    }
                ],
            }
        ],
        "nps": [
            {
                "kind": kind,
                "code": "nps",
                "overall": nps_cell(sum(responses[kind].values())),
                "by_country": [{"country": c, **nps_cell(responses[kind][c])} for c in countries],
            }
            for kind in (pre, post)
        ],
    }


def test_report_built_without_the_database_matches_the_cohorts(outcomes_client, partner_org):
    counts = {"US": (6, 2), "JP": (9, 9), "KR": (3, 3)}
    cohort, _truth = _waves_cohort(partner_org, counts)

    body = outcomes_client.get(f"/api/v1/cohorts/{cohort.pk}/outcomes/").json()

    built = CohortOutcomesOutputSerializer(outcomes_for_viewer(_report(counts), partner=True)).data
    assert [wave["responses"] for wave in body["waves"][:2]] == [
        wave["responses"] for wave in built["waves"][:2]
    ]
    assert [pair["n"] for pair in body["comparisons"][0]["pairs"]] == [
        pair["n"] for pair in built["comparisons"][0]["pairs"]
    ]
    trust = next(i for i in body["comparisons"][0]["items"] if i["item"] == "trust-people")
    assert trust["overall"]["n"] == built["comparisons"][0]["items"][0]["overall"]["n"]


_COUNTS = st.tuples(st.integers(0, 12), st.integers(0, 12)).map(
    lambda pair: (max(pair), min(pair))  # (before, after): those after answered before too
)


@settings(max_examples=2000, deadline=None)
@given(us=_COUNTS, jp=_COUNTS, kr=_COUNTS)
def test_outcomes_no_suppressed_count_is_derivable(us, jp, kr):
    counts = {"US": us, "JP": jp, "KR": kr}
    truth = {
        SurveyKind.PRE_PROGRAM: {c: before for c, (before, _a) in counts.items()},
        SurveyKind.POST_PROGRAM: {c: after for c, (_b, after) in counts.items()},
    }

    body = CohortOutcomesOutputSerializer(outcomes_for_viewer(_report(counts), partner=True)).data

    assert _leaks(body, truth) == []
