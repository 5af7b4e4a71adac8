"""The outcome pages: what the secretariat and partner staff see, the exports, the import
page, and the number of queries whatever the size of the lists."""

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from exchanges.enums import SurveyKind
from exchanges.models import SurveyResponse
from tests.factories.applications import CohortFactory
from tests.factories.surveys import SurveyFactory, SurveyParticipantFactory, answer

pytestmark = pytest.mark.django_db


def _cohort_with_answers(groups=(("JP", 6), ("KR", 3), ("US", 7)), cohort=None):
    cohort = cohort or CohortFactory()
    pre = SurveyFactory(cohort=cohort, kind=SurveyKind.PRE_PROGRAM, published=True)
    post = SurveyFactory(cohort=cohort, kind=SurveyKind.POST_PROGRAM, published=True)
    for country, count in groups:
        for i in range(count):
            person = SurveyParticipantFactory(cohort=cohort, country=country)
            answer(
                pre,
                person,
                trust_people=2,
                thermometer_KR=40 + i,
                thermometer_JP=40,
                thermometer_US=50,
                open_hopes=f"Hope {country} {i}",
            )
            answer(
                post,
                person,
                trust_people=4,
                thermometer_KR=50 + 2 * i,
                thermometer_JP=45,
                thermometer_US=55,
                open_valuable=f"=Valuable {country} {i}",
            )
    return cohort


def _csv(response) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(body)))


def _cell_html(content: str, key: str) -> str:
    start = content.index(f'data-pair="{key}"')
    return content[start : content.index("</td>", start)]


def test_secretariat_sees_every_cell(staff_client):
    cohort = _cohort_with_answers()

    response = staff_client.get(reverse("staff:outcomes", args=[cohort.pk]))

    content = response.content.decode()
    assert response.status_code == 200
    assert "fewer than 5" not in _cell_html(content, "KR-&gt;JP")
    assert "n = 3" in _cell_html(content, "KR-&gt;JP")
    assert '<svg role="img"' in content
    assert "kozea.github.io" not in content


def test_partner_sees_fewer_than_five_for_small_groups(client, partner_staff):
    cohort = _cohort_with_answers()
    cohort.program.partners.add(partner_staff.organisation)
    client.force_login(partner_staff)

    response = client.get(reverse("staff:outcomes", args=[cohort.pk]))

    content = response.content.decode()
    assert response.status_code == 200
    assert "fewer than 5" in _cell_html(content, "KR-&gt;JP")
    # Japan (6) protects Korea (3) in the responses table, so its pairs are withheld too.
    assert "fewer than 5" in _cell_html(content, "JP-&gt;KR")
    assert "n = 7" in _cell_html(content, "US-&gt;KR")
    assert "n = 3" not in content
    assert "n = 6" not in content


def test_partner_export_hides_small_and_derivable_cells(client, partner_staff):
    cohort = _cohort_with_answers()
    cohort.program.partners.add(partner_staff.organisation)
    client.force_login(partner_staff)

    rows = _csv(client.get(reverse("staff:outcome_export_csv", args=[cohort.pk])))

    responses = [row[:5] for row in rows if row[0] == "Responses" and row[1] == "Before"]
    assert responses == [
        ["Responses", "Before", "US", "", "7"],
        ["Responses", "Before", "JP", "", "<5"],
        ["Responses", "Before", "KR", "", "<5"],
        ["Responses", "Before", "All", "", "16"],
    ]
    thermometer = {
        (row[2], row[3]): row[4:8]
        for row in rows
        if row[0] == "Feeling thermometer" and row[1] == "Before to After"
    }
    assert thermometer[("KR", "JP")] == ["<5", "<5", "<5", "<5"]
    assert thermometer[("JP", "KR")] == ["<5", "<5", "<5", "<5"]
    assert thermometer[("US", "KR")] == ["7", "43.0", "56.0", "13.0"]


def test_partner_may_not_download_raw_answers_or_import(client, partner_staff):
    cohort = _cohort_with_answers(groups=(("JP", 1),))
    cohort.program.partners.add(partner_staff.organisation)
    client.force_login(partner_staff)

    assert client.get(reverse("staff:outcome_export_raw_csv", args=[cohort.pk])).status_code == 403
    assert client.get(reverse("staff:outcome_import", args=[cohort.pk])).status_code == 403
    assert client.get(reverse("staff:outcome_open_answers", args=[cohort.pk])).status_code == 403


def test_raw_export_is_pseudonymous_and_neutralised(staff_client):
    cohort = _cohort_with_answers(groups=(("JP", 1),))
    key = SurveyResponse.objects.values_list("respondent", flat=True).first()

    response = staff_client.get(reverse("staff:outcome_export_raw_xlsx", args=[cohort.pk]))

    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert rows[0] == [
        "Respondent",
        "Country",
        "Wave",
        "Item",
        "Target",
        "Score",
        "Text",
        "Language",
        "Imported",
    ]
    assert {row[0] for row in rows[1:]} == {key}
    assert [row[6] for row in rows[1:] if row[3] == "open-valuable"] == ["'=Valuable JP 0"]


@pytest.mark.parametrize("count", [1, 3])
def test_cohort_page_query_count(staff_client, count, django_assert_num_queries):
    cohort = _cohort_with_answers(groups=(("JP", count), ("KR", count)))

    with django_assert_num_queries(9):
        response = staff_client.get(reverse("staff:outcomes", args=[cohort.pk]))

    assert response.status_code == 200


@pytest.mark.parametrize("count", [1, 3])
def test_program_page_query_count(staff_client, count, django_assert_num_queries):
    first = _cohort_with_answers(groups=(("JP", 2),))
    for _i in range(count - 1):
        _cohort_with_answers(groups=(("KR", 2),), cohort=CohortFactory(program=first.program))

    with django_assert_num_queries(9):
        response = staff_client.get(reverse("staff:program_outcomes", args=[first.program_id]))

    assert response.status_code == 200
    assert response.content.decode().count('href="/staff/cohorts/') >= count


@pytest.mark.parametrize("count", [1, 3])
def test_open_answers_query_count(staff_client, count, django_assert_num_queries):
    cohort = _cohort_with_answers(groups=(("JP", count),))

    with django_assert_num_queries(8):
        response = staff_client.get(reverse("staff:outcome_open_answers", args=[cohort.pk]))

    content = response.content.decode()
    assert content.count("Hope JP") == count
    assert content.count("=Valuable JP") == count


def test_printable_report_has_the_print_stylesheet(staff_client):
    cohort = _cohort_with_answers(groups=(("JP", 5),))

    response = staff_client.get(reverse("staff:outcome_report", args=[cohort.pk]))

    content = response.content.decode()
    assert "css/outcomes-print.css" in content
    assert "n = 5" in _cell_html(content, "JP-&gt;KR")
