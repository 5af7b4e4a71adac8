"""Import of earlier surveys (CSV and XLSX, all or nothing, errors by line) and the
``survey_outcomes`` command computing from a file with the pages' code."""

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import Workbook

from exchanges.enums import SurveyKind
from exchanges.models import ActivityLog, Survey, SurveyAnswer, SurveyResponse
from exchanges.selectors.outcomes import cohort_outcomes
from exchanges.services.outcomes import OutcomeImportInvalid, outcome_responses_import
from exchanges.statistics import PairedChanges, paired_change
from tests.factories.applications import CohortFactory

pytestmark = pytest.mark.django_db

WARMTH = [(40, 55), (50, 52), (30, 45), (60, 60), (45, 70), (20, 35)]


def _csv(extra: str = "") -> bytes:
    lines = ["respondent,country,target,wave,score,item"]
    for i, (before, after) in enumerate(WARMTH):
        lines += [f"j{i},JP,KR,pre,{before},", f"j{i},JP,KR,post,{after},"]
        lines += [f"j{i},JP,,pre_program,2,trust-people", f"j{i},JP,,post,4,trust-people"]
    lines.append("k1,KR,JP,pre,30,")
    lines.append("k1,KR,JP,12m,50,")
    return ("\n".join(lines) + "\n" + extra).encode()


def test_import_csv_creates_paired_responses():
    cohort = CohortFactory()

    count = outcome_responses_import(cohort=cohort, actor=None, data=_csv(), filename="old.csv")

    assert count == 14  # 6 people x 2 waves, and one person x 2 waves
    assert set(Survey.objects.filter(cohort=cohort).values_list("kind", flat=True)) == {
        SurveyKind.PRE_PROGRAM,
        SurveyKind.POST_PROGRAM,
        SurveyKind.FOLLOWUP_12,
    }
    assert SurveyResponse.objects.filter(imported=True, application__isnull=True).count() == 14
    report = cohort_outcomes(cohort=cohort)
    expected = PairedChanges()
    for before, after in WARMTH:
        expected.add(before, after)
    cell = next(c for c in report["comparisons"][0]["matrix"][1]["cells"] if c["key"] == "JP->KR")
    assert cell["n"] == 6
    assert cell["mean_change"] == paired_change(expected).mean_change == 12.0
    follow = report["comparisons"][2]["matrix"][2]["cells"]
    assert [(c["key"], c["n"], c["mean_change"]) for c in follow] == [
        ("KR->US", 0, None),
        ("KR->JP", 1, 20.0),
    ]
    assert (
        ActivityLog.objects.filter(action_type="exchanges.survey.responses_imported").count() == 1
    )


def test_import_xlsx_reads_the_same_rows():
    cohort = CohortFactory()
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["respondent", "country", "target", "wave", "score"])
    sheet.append(["a", "US", "JP", "pre", 60])
    sheet.append(["a", "US", "JP", "post", 72])
    buffer = io.BytesIO()
    workbook.save(buffer)

    count = outcome_responses_import(
        cohort=cohort, actor=None, data=buffer.getvalue(), filename="old.xlsx"
    )

    assert count == 2
    assert sorted(SurveyAnswer.objects.values_list("value", flat=True)) == [60, 72]


def test_import_reports_bad_lines_and_imports_nothing():
    cohort = CohortFactory()
    bad = "\n".join(
        [
            "x1,JP,KR,pre,101,",
            "x2,CN,KR,pre,50,",
            "x3,JP,JP,pre,50,",
            "x4,JP,KR,later,50,",
            "x5,JP,,post,6,trust-people",
            ",JP,KR,pre,50,",
            "j0,JP,KR,pre,41,",
        ]
    )

    with pytest.raises(OutcomeImportInvalid) as caught:
        outcome_responses_import(cohort=cohort, actor=None, data=_csv(bad), filename="old.csv")

    assert caught.value.errors == [
        (28, "the score “101” is not a whole number from 0 to 100"),
        (29, "the country “CN” does not take part in this program"),
        (30, "a thermometer toward the respondent's own country"),
        (31, "the wave “later” is not pre, post, 6m or 12m"),
        (32, "the score “6” is not a whole number from 1 to 5"),
        (33, "the respondent is empty"),
        (34, "the same respondent, wave and item as line 2"),
    ]
    assert SurveyResponse.objects.count() == 0
    assert Survey.objects.count() == 0


def test_import_refuses_a_file_imported_twice():
    cohort = CohortFactory()
    outcome_responses_import(cohort=cohort, actor=None, data=_csv(), filename="old.csv")

    with pytest.raises(OutcomeImportInvalid) as caught:
        outcome_responses_import(cohort=cohort, actor=None, data=_csv(), filename="old.csv")

    assert caught.value.errors[0] == (2, "respondent “j0” already has answers in this wave")
    assert SurveyResponse.objects.count() == 14


def test_import_without_required_columns():
    with pytest.raises(OutcomeImportInvalid) as caught:
        outcome_responses_import(
            cohort=CohortFactory(), actor=None, data=b"respondent,score\na,1\n", filename="a.csv"
        )

    assert caught.value.errors == [(1, "Missing columns: country, target, wave.")]


def test_survey_outcomes_command_prints_pairs_as_json(tmp_path, capsys):
    path = tmp_path / "answers.csv"
    path.write_bytes(_csv())

    call_command("survey_outcomes", str(path), "--format", "json")

    figures = json.loads(capsys.readouterr().out)
    expected = PairedChanges()
    for before, after in WARMTH:
        expected.add(before, after)
    summary = paired_change(expected)
    assert list(figures) == ["US->JP", "US->KR", "JP->US", "JP->KR", "KR->US", "KR->JP"]
    assert figures["JP->KR"] == {
        "n": 6,
        "mean_change": summary.mean_change,
        "ci95": list(summary.ci95),
        "cohen_dz": summary.cohen_dz,
        "wilcoxon_p": summary.wilcoxon_p,
        # One Korean answered before the program: the seven responses less Japan's six would
        # give them away, so Japan is withheld from partners too.
        "suppressed_for_partners": True,
    }
    assert figures["KR->JP"]["n"] == 0  # k1 answered pre and 12m, not post


def test_survey_outcomes_command_marks_small_pairs_and_reads_later_waves(tmp_path, capsys):
    path = tmp_path / "answers.csv"
    path.write_bytes(_csv())

    call_command("survey_outcomes", str(path), "--format", "json", "--after", "12m")

    figures = json.loads(capsys.readouterr().out)
    assert figures["KR->JP"] == {
        "n": 1,
        "mean_change": 20.0,
        "ci95": None,
        "cohen_dz": None,
        "wilcoxon_p": 1.0,
        "suppressed_for_partners": True,
    }


def test_survey_outcomes_command_reports_bad_lines(tmp_path, capsys):
    path = tmp_path / "answers.csv"
    path.write_bytes(b"respondent,country,target,wave,score\na,JP,KR,pre,400\n")

    with pytest.raises(CommandError, match="1 bad line"):
        call_command("survey_outcomes", str(path))

    assert (
        capsys.readouterr().err == "line 2: the score “400” is not a whole number from 0 to 100\n"
    )
