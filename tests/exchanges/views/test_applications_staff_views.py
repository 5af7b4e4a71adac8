import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from exchanges.enums import ApplicationStatus, QuestionKind
from exchanges.models import Question
from exchanges.services.applications import application_upload_document
from exchanges.services.exports import neutralise_cell
from tests.conftest import with_mfa
from tests.factories import ApplicantFactory, PartnerStaffFactory
from tests.factories.applications import (
    MINIMAL_PDF,
    ApplicationFactory,
    CohortFactory,
    FormStepFactory,
    QuestionFactory,
)

pytestmark = pytest.mark.django_db
DANGEROUS = ['=HYPERLINK("http://x")', "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1"]


@pytest.fixture
def cohort():
    return CohortFactory()


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+81 3 1234", "'+81 3 1234"),
        ("-5", "'-5"),
        ("@cmd", "'@cmd"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("Tokyo", "Tokyo"),
        (12, 12),
        (None, ""),
        ("김민준", "김민준"),
    ],
)
def test_neutralise_cell(value, expected):
    assert neutralise_cell(value) == expected


@pytest.mark.parametrize("count", [1, 3, 300])
def test_pipeline_query_count(staff_client, cohort, count, django_assert_num_queries):
    ApplicationFactory.create_batch(count, cohort=cohort, status=ApplicationStatus.SUBMITTED)

    # session, user, MFA check, cohort, counts by status x country, quota rows, page count,
    # page rows
    with django_assert_num_queries(8):
        response = staff_client.get(reverse("staff:pipeline", args=[cohort.pk]))

    assert response.status_code == 200
    assert len(response.context["page"].object_list) == min(count, 50)
    submitted = next(r for r in response.context["matrix"] if r["status"] == "submitted")
    assert submitted["cells"] == [0, 0, count]


@pytest.mark.parametrize("count", [1, 3, 300])
def test_cohorts_list_query_count(staff_client, count, django_assert_num_queries):
    CohortFactory.create_batch(count)

    with django_assert_num_queries(5):
        response = staff_client.get(reverse("staff:cohorts"))

    assert len(response.context["page"].object_list) == min(count, 50)


def test_pipeline_filters_search_and_sort(staff_client, cohort):
    kim = ApplicationFactory(cohort=cohort, applicant__family_name="Kim", country="KR")
    ApplicationFactory(
        cohort=cohort,
        applicant__family_name="Sato",
        country="JP",
        citizenship="JP",
        residence_country="JP",
    )

    by_country = staff_client.get(reverse("staff:pipeline", args=[cohort.pk]), {"country": "KR"})
    by_search = staff_client.get(reverse("staff:pipeline", args=[cohort.pk]), {"q": "kim"})
    by_name = staff_client.get(reverse("staff:pipeline", args=[cohort.pk]), {"sort": "-name"})

    assert [a.pk for a in by_country.context["page"]] == [kim.pk]
    assert [a.pk for a in by_search.context["page"]] == [kim.pk]
    assert [a.applicant.family_name for a in by_name.context["page"]] == ["Sato", "Kim"]


@pytest.mark.parametrize(
    "term", ["Yui Tanaka", "Tanaka Yui", "yui tanaka", "田中 結衣", "田中結衣", "田中\u3000結衣"]
)
def test_pipeline_search_finds_a_full_name_in_either_order_and_local_script(
    staff_client, cohort, term
):
    yui = ApplicationFactory(
        cohort=cohort,
        applicant__given_name="Yui",
        applicant__family_name="Tanaka",
        applicant__local_name="田中 結衣",
        country="JP",
    )
    ApplicationFactory(
        cohort=cohort,
        applicant__given_name="Haruto",
        applicant__family_name="Tanaka",
        applicant__local_name="田中 陽翔",
        country="JP",
    )

    response = staff_client.get(reverse("staff:pipeline", args=[cohort.pk]), {"q": term})

    assert [a.pk for a in response.context["page"]] == [yui.pk]


@pytest.mark.parametrize("count", [1, 3])
def test_pipeline_search_query_count(staff_client, cohort, count, django_assert_num_queries):
    ApplicationFactory.create_batch(
        count, cohort=cohort, applicant__given_name="Yui", applicant__family_name="Tanaka"
    )

    with django_assert_num_queries(8):
        response = staff_client.get(
            reverse("staff:pipeline", args=[cohort.pk]), {"q": "Tanaka Yui"}
        )

    assert len(response.context["page"].object_list) == count


def test_partner_sees_only_own_country(client, cohort):
    korean = ApplicationFactory(cohort=cohort, country="KR")
    japanese = ApplicationFactory(cohort=cohort, country="JP", citizenship="JP")
    partner = with_mfa(
        PartnerStaffFactory(
            organisation__country="JP", organisation__name="Partner JP", partner_of=cohort.program
        )
    )
    client.force_login(partner)

    pipeline = client.get(reverse("staff:pipeline", args=[cohort.pk]))
    export = client.get(reverse("staff:export_csv", args=[cohort.pk]))

    assert [a.pk for a in pipeline.context["page"]] == [japanese.pk]
    assert pipeline.context["grand_total"] == 1
    rows = list(csv.reader(io.StringIO(b"".join(export.streaming_content).decode("utf-8-sig"))))
    assert [row[0] for row in rows[1:]] == [str(japanese.pk)]
    assert client.get(reverse("staff:application", args=[korean.pk])).status_code == 404
    assert client.get(reverse("staff:application", args=[japanese.pk])).status_code == 200


def test_partner_of_other_program_sees_nothing(client, cohort):
    ApplicationFactory(cohort=cohort, country="JP", citizenship="JP")
    other = CohortFactory()
    partner = with_mfa(
        PartnerStaffFactory(
            organisation__country="JP", organisation__name="Partner JP", partner_of=other.program
        )
    )
    client.force_login(partner)

    assert client.get(reverse("staff:pipeline", args=[cohort.pk])).status_code == 404


def test_applicant_gets_403_on_staff_pipeline(client, applicant, cohort):
    client.force_login(applicant)

    assert client.get(reverse("staff:pipeline", args=[cohort.pk])).status_code == 403


@pytest.fixture
def dangerous_application(cohort):
    question = QuestionFactory(step=FormStepFactory(form__cohort=cohort), label_en="=Motto")
    application = ApplicationFactory(
        cohort=cohort,
        applicant__given_name=DANGEROUS[0],
        applicant__family_name=DANGEROUS[1],
        institution=DANGEROUS[3],
        answers=[(question, DANGEROUS[2])],
    )
    return application


def test_csv_export_neutralises_formulas(staff_client, cohort, dangerous_application):
    response = staff_client.get(reverse("staff:export_csv", args=[cohort.pk]))

    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert rows[0][-1] == "'=Motto"
    assert rows[1][1:3] == ['\'=HYPERLINK("http://x")', "'+1+1"]
    assert rows[1][9] == "'@SUM(A1)"
    assert rows[1][-1] == "'-2+3"


def test_xlsx_export_neutralises_formulas(staff_client, cohort, dangerous_application):
    response = staff_client.get(reverse("staff:export_xlsx", args=[cohort.pk]))

    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[1][1:3] == ['\'=HYPERLINK("http://x")', "'+1+1"]
    assert rows[1][9] == "'@SUM(A1)"
    assert rows[1][-1] == "'-2+3"
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


def test_application_detail_and_transition(staff_client, cohort, secretariat):
    application = ApplicationFactory(cohort=cohort, status=ApplicationStatus.SUBMITTED)

    response = staff_client.post(
        reverse("staff:application", args=[application.pk]),
        {"to_status": "under_review", "reason": "Complete"},
    )

    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == ApplicationStatus.UNDER_REVIEW
    page = staff_client.get(reverse("staff:application", args=[application.pk]))
    assert [e.action_type for e in page.context["timeline"]] == [
        "exchanges.application.under_review"
    ]


def test_form_builder_add_reorder_and_preview(staff_client, cohort):
    staff_client.post(
        reverse("staff:form_builder", args=[cohort.pk]),
        {"title_en": "Motivation", "title_ja": "志望動機", "title_ko": "지원 동기"},
    )
    step = cohort.form.steps.get()
    add = reverse("staff:question_add", args=[step.pk])
    staff_client.post(
        add,
        {
            "kind": QuestionKind.SHORT_TEXT,
            "label_en": "Role",
            "label_ja": "役職",
            "label_ko": "직책",
            "required": "on",
        },
    )
    staff_client.post(
        add,
        {
            "kind": QuestionKind.SINGLE_CHOICE,
            "label_en": "Been abroad?",
            "label_ja": "海外経験",
            "label_ko": "해외 경험",
            "options_text": "yes | Yes | はい | 예\nno | No | いいえ | 아니요",
        },
    )
    _first, second = Question.objects.order_by("position")

    staff_client.post(reverse("staff:question_move", args=[second.pk]), {"direction": "up"})
    preview = staff_client.get(reverse("staff:step_preview", args=[step.pk]), {"lang": "ko"})

    assert list(Question.objects.order_by("position").values_list("label_en", flat=True)) == [
        "Been abroad?",
        "Role",
    ]
    assert second.__class__.objects.get(pk=second.pk).options[1] == {
        "value": "no",
        "en": "No",
        "ja": "いいえ",
        "ko": "아니요",
    }
    content = preview.content.decode()
    assert "지원 동기" in content
    assert "아니요" in content


def test_form_builder_refuses_choice_without_options(staff_client, cohort):
    staff_client.post(reverse("staff:form_builder", args=[cohort.pk]), {"title_en": "One"})
    step = cohort.form.steps.get()

    response = staff_client.post(
        reverse("staff:question_add", args=[step.pk]),
        {"kind": QuestionKind.SINGLE_CHOICE, "label_en": "Pick"},
    )

    assert response.context["form"].errors == {"options_text": ["Give at least two options."]}


def test_staff_can_download_document_partner_of_other_country_cannot(client, cohort):
    question = QuestionFactory(step=FormStepFactory(form__cohort=cohort), kind="file")
    application = ApplicationFactory(cohort=cohort, country="KR")
    document = application_upload_document(
        application=application,
        question=question,
        actor=application.applicant,
        uploaded_file=SimpleUploadedFile("cv.pdf", MINIMAL_PDF),
    )
    url = reverse("staff:document", args=[document.pk])

    partner_kr = with_mfa(
        PartnerStaffFactory(
            organisation__country="KR", organisation__name="Partner KR", partner_of=cohort.program
        )
    )
    client.force_login(partner_kr)
    assert client.get(url).status_code == 200
    partner_jp = with_mfa(
        PartnerStaffFactory(
            organisation__country="JP", organisation__name="Partner JP", partner_of=cohort.program
        )
    )
    client.force_login(partner_jp)
    assert client.get(url).status_code == 404
    client.force_login(ApplicantFactory())
    assert client.get(url).status_code == 403
    client.force_login(application.applicant)
    assert client.get(url).status_code == 403


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('＝HYPERLINK("http://x")', '\'＝HYPERLINK("http://x")'),
        ("＋1+1", "'＋1+1"),
        ("－2+3", "'－2+3"),
        ("＠SUM(A1)", "'＠SUM(A1)"),
        ("﹦1", "'﹦1"),
        ("−1", "'−1"),
        ("|calc", "'|calc"),
        ("\n=1", "'\n=1"),
        ("  =1+1", "'  =1+1"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("a\x01b\x00c", "abc"),
        ("Plain text", "Plain text"),
        (42, 42),
    ],
)
def test_neutralise_cell_every_owasp_trigger(value, expected):
    assert neutralise_cell(value) == expected


@pytest.fixture
def control_character_application(cohort):
    question = QuestionFactory(step=FormStepFactory(form__cohort=cohort), label_en="Motto")
    application = ApplicationFactory(
        cohort=cohort,
        institution="Uni\x01versity",
        applicant__given_name="Ko\x0bji",
        answers=[(question, "＝cmd|' /C calc'!A0\x01")],
    )
    ApplicationFactory(cohort=cohort, institution="Plain")
    return application


def test_xlsx_export_survives_control_characters(
    staff_client, cohort, control_character_application
):
    response = staff_client.get(reverse("staff:export_xlsx", args=[cohort.pk]))

    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert response.status_code == 200
    assert len(rows) == 3
    row = next(r for r in rows[1:] if r[1] == "Koji")
    assert row[-1] == "'＝cmd|' /C calc'!A0"
    assert "University" in row


def test_csv_export_survives_control_characters(
    staff_client, cohort, control_character_application
):
    response = staff_client.get(reverse("staff:export_csv", args=[cohort.pk]))

    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "\x01" not in text
    assert "'＝cmd|' /C calc'!A0" in text


def test_form_builder_shows_question_labels_in_the_staff_member_s_language(
    staff_client, secretariat, cohort
):
    secretariat.preferred_language = "ja"
    secretariat.save(update_fields=["preferred_language"])
    step = FormStepFactory(form__cohort=cohort, title_ja="志望動機")
    first = QuestionFactory(step=step, label_en="Role", label_ja="役職", label_ko="직책")
    QuestionFactory(step=step, label_en="Hobbies", label_ja="", label_ko="")

    builder = staff_client.get(reverse("staff:form_builder", args=[cohort.pk]))
    edit = staff_client.get(reverse("staff:question_add", args=[step.pk]))

    content = builder.content.decode()
    assert f'{first.pk}/">役職</a>' in content
    assert '/">Hobbies</a>' in content  # no Japanese label: the English one
    assert ">Role</a>" not in content
    assert [label for _pk, label in edit.context["form"].fields["show_if_question"].choices] == [
        "---------",
        "役職",
        "Hobbies",
    ]
    assert "<p>ステップ：志望動機</p>" in edit.content.decode()
