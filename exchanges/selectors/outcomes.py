"""Outcome analytics of a cohort's or a program's surveys, and the one place that hides small
groups from partner staff (``outcomes_for_viewer``).

Gathering. Nothing loads answers as model objects. Paired changes come from one SQL statement
(one pass over the answers for every comparison of waves) that pairs each respondent's answers
by the pseudonymous ``SurveyResponse.respondent`` and the item key (``SurveyQuestion.code``)
and returns, per cohort, respondent country, item and target country, the number of pairs for
each size of change (a histogram: a few hundred rows however many people answered).
Distributions and NPS come from ``GROUP BY value`` counts. Memory and the number of queries
are therefore the same for 100 and for 100,000 responses (``manage.py bench_outcomes`` prints
both).

Figures are computed by ``exchanges.statistics``; this module shapes them into a report of
plain dicts (cells with ``n``, the figures and ``suppressed``) that pages, exports, the command
and the API read alike.
"""

from __future__ import annotations

import copy
from collections import defaultdict

from django.db import connection
from django.db.models import Count, QuerySet
from django.utils.translation import gettext_lazy as _

from exchanges.enums import (
    SURVEY_QUESTION_RANGE,
    SurveyKind,
    SurveyQuestionKind,
    country_label,
)
from exchanges.models import (
    Cohort,
    Program,
    Survey,
    SurveyAnswer,
    SurveyQuestion,
    SurveyResponse,
)
from exchanges.statistics import (
    PairedChanges,
    distribution,
    is_small,
    isolates,
    nps,
    paired_change,
    suppressed_cells,
)

WAVES = (
    SurveyKind.PRE_PROGRAM,
    SurveyKind.POST_PROGRAM,
    SurveyKind.FOLLOWUP_6,
    SurveyKind.FOLLOWUP_12,
)
# Each later wave against the pre-program answers: does the change appear and does it last?
COMPARISONS = tuple((SurveyKind.PRE_PROGRAM, later) for later in WAVES[1:])
WAVE_SHORT = {
    SurveyKind.PRE_PROGRAM: _("Before"),
    SurveyKind.POST_PROGRAM: _("After"),
    SurveyKind.FOLLOWUP_6: _("6 months"),
    SurveyKind.FOLLOWUP_12: _("12 months"),
}
CHANGE_FIELDS = ("mean_before", "mean_after", "mean_change", "sd", "ci95", "cohen_dz", "wilcoxon_p")


def pair_key(country: str, target: str) -> str:
    """A directed pair as the command and exports name it: ``JP->KR``."""
    return f"{country}->{target}"


# --- Gathering --------------------------------------------------------------------------------


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def paired_histograms(
    *, cohort_ids: list[int]
) -> dict[tuple[str, str], dict[tuple[int, str, str, str, str], PairedChanges]]:
    """Paired changes from the pre-program wave to each later wave (``COMPARISONS``) of the
    cohorts: comparison -> (cohort id, respondent country, item code, question kind, target
    country) -> histogram. One query, one pass over the answers."""
    result: dict[tuple[str, str], dict] = {
        comparison: defaultdict(PairedChanges) for comparison in COMPARISONS
    }
    if not cohort_ids:
        return {comparison: {} for comparison in COMPARISONS}
    placeholders = ", ".join(["%s"] * len(cohort_ids))
    # ``pairs`` is one row per respondent and item with each wave's value side by side; each
    # branch of the union counts the pairs of one comparison per size of change, so only
    # histograms leave the database.
    branches = " UNION ALL ".join(
        f"""
        SELECT {index}, cohort_id, country, code, qkind, target, w{index} - w0, COUNT(*),
               SUM(w0), SUM(w{index})
        FROM pairs WHERE w0 IS NOT NULL AND w{index} IS NOT NULL
        GROUP BY cohort_id, country, code, qkind, target, w{index} - w0"""  # noqa: S608 -- only integers # nosec B608
        for index in range(1, len(WAVES))
    )
    waves = ", ".join(
        f"MAX(CASE WHEN s.kind = %s THEN a.value END) AS w{index}" for index in range(len(WAVES))
    )
    sql = f"""
        WITH pairs AS (
            SELECT s.cohort_id AS cohort_id, r.country AS country, q.code AS code,
                   q.kind AS qkind, q.country AS target, {waves}
            FROM {_table(SurveyAnswer)} a
            JOIN {_table(SurveyResponse)} r ON a.response_id = r.id
            JOIN {_table(SurveyQuestion)} q ON a.question_id = q.id
            JOIN {_table(Survey)} s ON r.survey_id = s.id
            WHERE s.cohort_id IN ({placeholders}) AND a.value IS NOT NULL AND q.code <> ''
            GROUP BY s.cohort_id, r.respondent, r.country, q.code, q.kind, q.country
        )
        {branches}
    """  # noqa: S608 -- table names come from the models' meta; every value is a parameter # nosec B608
    with connection.cursor() as cursor:
        cursor.execute(sql, [*WAVES, *cohort_ids])
        for (
            index,
            cohort_id,
            country,
            code,
            qkind,
            target,
            change,
            count,
            before,
            after,
        ) in cursor.fetchall():
            result[COMPARISONS[index - 1]][
                (cohort_id, country, code, qkind, target or "")
            ].add_change(change, count, before, after)
    return {comparison: dict(histograms) for comparison, histograms in result.items()}


def _value_counts(*, cohort_ids: list[int]) -> QuerySet:
    """(cohort, wave, respondent country, code, kind, value) -> number of answers."""
    return (
        SurveyAnswer.objects.filter(
            response__survey__cohort_id__in=cohort_ids,
            value__isnull=False,
            question__kind__in=[SurveyQuestionKind.LIKERT, SurveyQuestionKind.NPS],
        )
        .values_list(
            "response__survey__cohort_id",
            "response__survey__kind",
            "response__country",
            "question__code",
            "question__kind",
            "value",
        )
        .annotate(n=Count("id"))
        .order_by()
    )


def _response_counts(*, cohort_ids: list[int]) -> QuerySet:
    return (
        SurveyResponse.objects.filter(survey__cohort_id__in=cohort_ids)
        .values_list("survey__cohort_id", "survey__kind", "country")
        .annotate(n=Count("id"))
        .order_by()
    )


def _item_texts(*, cohort_ids: list[int]) -> dict[str, tuple[str, str]]:
    """Item code -> (question text in the active language, kind), from the latest survey."""
    texts: dict[str, tuple[str, str]] = {}
    for question in (
        SurveyQuestion.objects.filter(survey__cohort_id__in=cohort_ids)
        .exclude(code="")
        .only("code", "kind", "text_en", "text_ja", "text_ko", "survey_id")
        .order_by("survey__opens_at", "position")
    ):
        texts[question.code] = (question.text, question.kind)
    return texts


# --- Shaping ----------------------------------------------------------------------------------


def change_cell(pairs: PairedChanges | None) -> dict:
    summary = paired_change(pairs or PairedChanges()).as_dict()
    return {**summary, "suppressed": False}


def directed_matrix(
    *, countries: list[str], histograms: dict, cohort_id: int | None = None
) -> list[dict]:
    """Rows by respondent country, cells by target country (every ordered pair of distinct
    participating countries) of the thermometer change; one cohort's, or all of them."""
    by_pair: dict[tuple[str, str], PairedChanges] = defaultdict(PairedChanges)
    for (cohort, origin, _code, qkind, toward), hist in histograms.items():
        if qkind == SurveyQuestionKind.THERMOMETER and cohort_id in (None, cohort):
            by_pair[(origin, toward)].merge(hist)
    return [
        {
            "country": country,
            "label": country_label(country),
            "cells": [
                {
                    "country": country,
                    "target": target,
                    "key": pair_key(country, target),
                    "label": _pair_label(country, target),
                    **change_cell(by_pair.get((country, target))),
                }
                for target in countries
                if target != country
            ],
        }
        for country in countries
    ]


def _pair_label(country: str, target: str) -> str:
    return str(
        _("%(country)s toward %(target)s")
        % {"country": country_label(country), "target": country_label(target)}
    )


def _items(*, countries: list[str], histograms: dict, texts: dict) -> list[dict]:
    """Per Likert or NPS item: the change overall and by respondent country."""
    by_item: dict[str, dict[str, PairedChanges]] = defaultdict(lambda: defaultdict(PairedChanges))
    for (_cohort, country, code, qkind, _target), hist in histograms.items():
        if qkind in {SurveyQuestionKind.LIKERT, SurveyQuestionKind.NPS}:
            by_item[code][country].merge(hist)
    items = []
    for code in sorted(by_item, key=lambda c: list(texts).index(c) if c in texts else 999):
        overall = PairedChanges()
        for hist in by_item[code].values():
            overall.merge(hist)
        items.append(
            {
                "code": code,
                "text": texts.get(code, (code, ""))[0],
                "overall": change_cell(overall),
                "by_country": [
                    {"country": c, "label": country_label(c), **change_cell(by_item[code].get(c))}
                    for c in countries
                ],
            }
        )
    return items


def cohort_outcomes(*, cohort: Cohort) -> dict:
    """The outcome report of ``cohort`` for the secretariat (nothing hidden): responses per
    wave and country, the directed thermometer matrix and the item changes for every later
    wave against the pre-program one, NPS per wave, and Likert distributions per wave.
    Queries: 1 for the comparisons, 1 for counts of values, 1 for responses, 1 for texts."""
    countries = list(cohort.program.countries)
    ids = [cohort.pk]
    texts = _item_texts(cohort_ids=ids)
    responses: dict[str, dict[str, int]] = defaultdict(dict)
    for _cohort, kind, country, n in _response_counts(cohort_ids=ids):
        responses[kind][country] = n
    # (wave, code, kind) and (wave, code, kind, country) -> {value: count}
    values: dict[tuple, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for _cohort, kind, country, code, qkind, value, n in _value_counts(cohort_ids=ids):
        values[(kind, code, qkind, country)][value] += n
        values[(kind, code, qkind)][value] += n
    waves = outcome_waves(countries=countries, responses=responses)
    comparisons = []
    by_comparison = paired_histograms(cohort_ids=ids)
    for before, after in COMPARISONS:
        histograms = by_comparison[(before, after)]
        comparisons.append(
            {
                "before": before,
                "after": after,
                "label": _("%(before)s to %(after)s")
                % {"before": WAVE_SHORT[before], "after": WAVE_SHORT[after]},
                "matrix": directed_matrix(countries=countries, histograms=histograms),
                "items": _items(countries=countries, histograms=histograms, texts=texts),
            }
        )
    nps_rows = []
    for kind in WAVES:
        for key in [k for k in values if len(k) == 3 and k[0] == kind]:
            if key[2] != SurveyQuestionKind.NPS:
                continue
            nps_rows.append(
                {
                    "kind": kind,
                    "label": WAVE_SHORT[kind],
                    "code": key[1],
                    "overall": _nps_cell(values[key]),
                    "by_country": [
                        {
                            "country": c,
                            "label": country_label(c),
                            **_nps_cell(values.get((*key, c)) or {}),
                        }
                        for c in countries
                    ],
                }
            )
    distributions = []
    low, high = SURVEY_QUESTION_RANGE[SurveyQuestionKind.LIKERT]
    for code, (text, qkind) in texts.items():
        if qkind != SurveyQuestionKind.LIKERT:
            continue
        for kind in WAVES:
            counts = values.get((kind, code, qkind))
            if not counts:
                continue
            result = distribution(counts, low=low, high=high)
            distributions.append(
                {
                    "kind": kind,
                    "wave": WAVE_SHORT[kind],
                    "code": code,
                    "text": text,
                    "n": result.n,
                    "counts": [
                        {"value": value, "n": n, "suppressed": False} for value, n in result.counts
                    ],
                    "mean": result.mean,
                    "top_two_share": result.top_two_share,
                    "suppressed": False,
                }
            )
    return {
        "cohort": cohort,
        "countries": [{"code": c, "label": country_label(c)} for c in countries],
        "waves": waves,
        "comparisons": comparisons,
        "nps": nps_rows,
        "distributions": distributions,
        "partner_view": False,
    }


def outcome_waves(*, countries: list[str], responses: dict[str, dict[str, int]]) -> list[dict]:
    """Responses per wave and country (``responses``: wave -> country -> count), with the
    wave's total."""
    return [
        {
            "kind": kind,
            "label": SurveyKind(kind).label,
            "short": WAVE_SHORT[kind],
            "countries": [
                {
                    "country": c,
                    "label": country_label(c),
                    "n": responses.get(kind, {}).get(c, 0),
                    "suppressed": False,
                }
                for c in countries
            ],
            "total": sum(responses.get(kind, {}).values()),
            "suppressed": False,
        }
        for kind in WAVES
    ]


def _nps_cell(counts: dict[int, int]) -> dict:
    summary = nps(counts)
    return {
        "n": summary.n,
        "nps": summary.nps,
        "ci95": list(summary.ci95) if summary.ci95 else None,
        "promoters": summary.promoters,
        "passives": summary.passives,
        "detractors": summary.detractors,
        "suppressed": False,
    }


def program_outcomes(*, program: Program, cohorts: list[Cohort]) -> dict:
    """The trend by cohort: for each of ``cohorts`` (a page of the program's cohorts) the
    directed matrix of each comparison, and the cohort's responses per wave (not shown; the
    partner view withholds pairs by them as on the cohort's page). Two queries whatever the
    number of cohorts."""
    countries = list(program.countries)
    ids = [cohort.pk for cohort in cohorts]
    by_comparison = paired_histograms(cohort_ids=ids)
    responses: dict[int, dict[str, dict[str, int]]] = defaultdict(lambda: defaultdict(dict))
    for cohort_id, kind, country, n in _response_counts(cohort_ids=ids):
        responses[cohort_id][kind][country] = n
    rows = []
    for cohort in cohorts:
        comparisons = []
        for (before, after), histograms in by_comparison.items():
            matrix = directed_matrix(
                countries=countries, histograms=histograms, cohort_id=cohort.pk
            )
            comparisons.append(
                {
                    "before": before,
                    "after": after,
                    "label": WAVE_SHORT[after],
                    "cells": [cell for row in matrix for cell in row["cells"]],
                }
            )
        rows.append(
            {
                "cohort": cohort,
                "waves": outcome_waves(countries=countries, responses=responses[cohort.pk]),
                "comparisons": comparisons,
            }
        )
    pairs = [
        {"key": pair_key(a, b), "label": _pair_label(a, b)}
        for a in countries
        for b in countries
        if a != b
    ]
    return {"program": program, "pairs": pairs, "cohorts": rows, "partner_view": False}


def outcome_open_answers(*, cohort: Cohort, code: str | None = None) -> QuerySet:
    """The open-text answers of the cohort's surveys as plain values (wave, item, text,
    respondent country, language the survey was answered in), item by item."""
    answers = SurveyAnswer.objects.filter(
        response__survey__cohort=cohort,
        question__kind=SurveyQuestionKind.OPEN_TEXT,
    ).exclude(text="")
    if code:
        answers = answers.filter(question__code=code)
    return answers.values(
        "pk",
        "text",
        "question__code",
        "question__text_en",
        "question__text_ja",
        "question__text_ko",
        "response__survey__kind",
        "response__country",
        "response__language",
    ).order_by("question__code", "response__survey__opens_at", "pk")


def outcome_open_items(*, cohort: Cohort) -> list[tuple[str, str]]:
    """(code, text) of the cohort's open-text items, for the filter."""
    texts = _item_texts(cohort_ids=[cohort.pk])
    return [(code, text) for code, (text, kind) in texts.items() if kind == "open_text"]


# --- The small-group rule ---------------------------------------------------------------------


def _hide(cell: dict, fields) -> None:
    cell["suppressed"] = True
    for name in fields:
        if name in cell:
            cell[name] = None


def _hide_change(cell: dict) -> None:
    _hide(cell, (*CHANGE_FIELDS, "n"))


def _hide_nps(cell: dict) -> None:
    _hide(cell, ("n", "nps", "ci95", "promoters", "passives", "detractors"))


def _hide_count(cell: dict) -> None:
    _hide(cell, ("n",))


def _withhold_waves(waves: list[dict]) -> dict[str, set[str]]:
    """Hide the small counts of each wave's responses table and, while the wave's total minus
    the shown counts would isolate a hidden one or add up to 1 to 4 people, another country
    too (``suppressed_cells``). Returns wave -> the countries withheld in it: every other
    figure of the wave, and of each comparison using the wave, withholds them too.

    Every comparison starts from the first wave (before the program), so a later wave
    protects its small country with one withheld before the program where it can: the
    comparison then loses one country, not two."""
    withheld: dict[str, set[str]] = {}
    first: set[str] = set()
    for position, wave in enumerate(waves):
        counts = wave["countries"]
        flags = suppressed_cells(
            [count["n"] for count in counts],
            total_shown=True,
            prefer={index for index, count in enumerate(counts) if count["country"] in first},
        )
        if is_small(wave["total"]):
            wave["suppressed"], wave["total"] = True, None
        for count, flag in zip(counts, flags, strict=True):
            if flag:
                _hide_count(count)
        withheld[wave["kind"]] = {
            count["country"] for count, flag in zip(counts, flags, strict=True) if flag
        }
        if position == 0:
            first = withheld[wave["kind"]]
    return withheld


def _withhold_pairs(cells: list[dict], withheld: set[str]) -> None:
    """Directed pairs: a pair's n is the number of its rater country's respondents who
    answered both waves, so a withheld rater country withholds all its pairs; any other pair
    stands or falls by its own number (no total is shown beside pairs)."""
    for cell in cells:
        if cell["country"] in withheld or is_small(cell["n"] or 0):
            _hide_change(cell)


def _withhold_breakdown(total: dict, parts: list[dict], withheld: set[str], hide) -> None:
    """A figure by respondent country beside its all-countries figure (an item's change, an
    NPS): the withheld countries and any part of 1 to 4 people are hidden. No other country is
    hidden to protect them (its numbers are shown in the responses table and the pairs, which
    would undo it); the all-countries figure is hidden instead whenever it is about 1 to 4
    people, a part outside ``withheld`` is small (its size would be this total's hidden
    remainder less the withheld countries' known one), or its total minus the shown parts
    isolates one hidden part or adds up to 1 to 4 people."""
    counts = [part["n"] or 0 for part in parts]
    extra = [
        part["country"] not in withheld and is_small(n)
        for part, n in zip(parts, counts, strict=True)
    ]
    hidden = [part["country"] in withheld or flag for part, flag in zip(parts, extra, strict=True)]
    if is_small(total["n"] or 0) or any(extra) or isolates(counts, hidden):
        hide(total)
    for part, flag in zip(parts, hidden, strict=True):
        if flag:
            hide(part)


def _withhold_comparison(comparison: dict, cells: list[dict], withheld: dict) -> None:
    """A comparison pairs the answers of two waves, so a country withheld in either is
    withheld in the comparison."""
    countries = withheld.get(comparison["before"], set()) | withheld.get(comparison["after"], set())
    _withhold_pairs(cells, countries)
    for item in comparison.get("items", ()):
        _withhold_breakdown(item["overall"], item["by_country"], countries, _hide_change)


def outcomes_for_viewer(report: dict, *, partner: bool) -> dict:
    """The report as ``partner`` staff may see it (the secretariat sees ``report`` itself).

    No figure about 1 to 4 people is shown, nor can one be worked out from the other figures
    the partner sees of the cohort (this report, the program page, the exports and the API
    all come through here). Hidden figures are ``suppressed``, their numbers removed, not only
    not displayed; small and protecting figures look the same. The rule:

    1. Responses per wave: a country of 1 to 4 respondents is hidden, then the smallest other
       countries until the total minus the shown countries neither isolates one hidden country
       nor adds up to 1 to 4 people. These are the wave's *withheld countries*; the total is
       hidden only when it is itself 1 to 4.
    2. Every other figure by respondent country is about (nearly) the same people as that
       country's response count: an NPS of a wave withholds the wave's withheld countries, a
       comparison (pairs and items) the countries withheld in either of its waves; any other
       part of 1 to 4 people is hidden too.
    3. An all-countries figure beside such parts (an item's overall change, an NPS) is hidden
       when it is about 1 to 4 people, when a part outside the withheld countries is small, or
       when subtracting the shown parts would isolate one hidden part or leave 1 to 4 people.
    4. A Likert distribution (all countries) hides small value counts and, as in 1, further
       values until the hidden ones are protected; with any value hidden its mean and top-two
       share go too.

    Program pages carry each cohort's responses per wave, so their pairs are withheld exactly
    as on the cohort's own page."""
    if not partner:
        return report
    view = copy.copy(report)
    view["partner_view"] = True
    withheld: dict[str, set[str]] = {}
    if "waves" in report:
        view["waves"] = copy.deepcopy(report["waves"])
        withheld = _withhold_waves(view["waves"])
    if "comparisons" in report:
        view["comparisons"] = copy.deepcopy(report["comparisons"])
        for comparison in view["comparisons"]:
            cells = [cell for row in comparison["matrix"] for cell in row["cells"]]
            _withhold_comparison(comparison, cells, withheld)
    if "nps" in report:
        view["nps"] = copy.deepcopy(report["nps"])
        for row in view["nps"]:
            _withhold_breakdown(
                row["overall"], row["by_country"], withheld.get(row["kind"], set()), _hide_nps
            )
            for cell in (row["overall"], *row["by_country"]):
                # Promoters, passives and detractors add up to the cell's n.
                if not cell["suppressed"] and any(
                    suppressed_cells(
                        [cell["promoters"], cell["passives"], cell["detractors"]], total_shown=True
                    )
                ):
                    cell["promoters"] = cell["passives"] = cell["detractors"] = None
    if "distributions" in report:
        view["distributions"] = copy.deepcopy(report["distributions"])
        for dist in view["distributions"]:
            flags = suppressed_cells([c["n"] for c in dist["counts"]], total_shown=True)
            for count, flag in zip(dist["counts"], flags, strict=True):
                if flag:
                    _hide_count(count)
            if any(flags):
                dist["mean"] = dist["top_two_share"] = None
            if is_small(dist["n"]):
                dist["suppressed"], dist["n"] = True, None
    if "cohorts" in report:
        view["cohorts"] = copy.deepcopy(report["cohorts"])
        for row in view["cohorts"]:
            cohort_withheld = _withhold_waves(row["waves"])
            for comparison in row["comparisons"]:
                _withhold_comparison(comparison, comparison["cells"], cohort_withheld)
    return view
