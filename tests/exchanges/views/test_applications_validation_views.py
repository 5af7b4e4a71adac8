"""What the applicant pages refuse, and how they say it: impossible dates of birth (pre-check,
step 1, autosave), date answers outside their range, "Other" diets without details, and upload
types named the same way in the hint and in the error."""

import datetime as dt

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation

from exchanges.enums import ApplicationStatus, DateRange, QuestionKind
from exchanges.models import Answer, PredepartureChecklist
from tests.factories.applications import (
    ApplicationFactory,
    CohortFactory,
    FormStepFactory,
    QuestionFactory,
)

pytestmark = pytest.mark.django_db

PRECHECK = {
    "check": "1",
    "citizenship": "JP",
    "residence_country": "JP",
    "english_level": "professional",
    "japanese_level": "native",
    "korean_level": "basic",
}
PROFILE = {
    "citizenship": "KR",
    "residence_country": "KR",
    "english_level": "professional",
    "japanese_level": "basic",
    "korean_level": "native",
    "sector": "academia",
    "institution": "Yonsei University",
}


@pytest.mark.parametrize(
    ("birth_date", "error"),
    [
        ("2099-01-01", "生年月日に未来の日付は入力できません。"),
        ("0001-01-01", "以降の生年月日を入力してください。"),
    ],
)
def test_precheck_refuses_impossible_birth_date_and_keeps_it(client, birth_date, error):
    cohort = CohortFactory()

    response = client.get(
        reverse("apply:call", args=[cohort.pk]),
        {**PRECHECK, "birth_date": birth_date},
        HTTP_ACCEPT_LANGUAGE="ja",
    )

    content = response.content.decode()
    assert response.context["failures"] is None
    assert error in content
    assert f'value="{birth_date}"' in content
    assert "歳となります" not in content


@pytest.fixture
def korean_draft(db):
    application = ApplicationFactory(birth_date=dt.date(1998, 5, 4), institution="")
    application.applicant.preferred_language = "ko"
    application.applicant.save()
    FormStepFactory(form__cohort=application.cohort)
    return application


def test_step_one_refuses_future_birth_date_keeps_input_and_saves_the_rest(client, korean_draft):
    client.force_login(korean_draft.applicant)

    response = client.post(
        reverse("apply:step", args=[korean_draft.pk, 1]),
        {**PROFILE, "birth_date": "2099-01-01", "action": "next"},
        HTTP_ACCEPT_LANGUAGE="ko",
    )

    assert response.status_code == 200
    content = response.content.decode()
    assert list(response.context["form"].errors) == ["birth_date"]
    assert "생년월일은 미래 날짜로 입력할 수 없습니다." in content
    assert 'value="2099-01-01"' in content
    korean_draft.refresh_from_db()
    assert (korean_draft.birth_date, korean_draft.institution) == (
        dt.date(1998, 5, 4),
        "Yonsei University",
    )


def test_autosave_does_not_store_a_future_birth_date(client, korean_draft):
    client.force_login(korean_draft.applicant)

    response = client.post(
        reverse("apply:autosave", args=[korean_draft.pk, 1]),
        {**PROFILE, "birth_date": "2099-01-01"},
    )

    assert response.context["errors"] is True
    korean_draft.refresh_from_db()
    assert korean_draft.birth_date == dt.date(1998, 5, 4)


def test_review_shows_date_answer_localised(client):
    available = QuestionFactory(
        kind=QuestionKind.DATE, date_range=DateRange.UPCOMING, required=False
    )
    cohort = available.step.form.cohort
    application = ApplicationFactory(
        cohort=cohort, answers=[(available, cohort.starts_on.isoformat())]
    )
    application.applicant.preferred_language = "ja"
    application.applicant.save()
    client.force_login(application.applicant)

    response = client.get(reverse("apply:review", args=[application.pk]))

    starts = cohort.starts_on
    rows = response.context["sections"][0]["rows"]
    assert [row["value"] for row in rows] == [f"{starts.year}年{starts.month}月{starts.day}日"]


def test_step_refuses_available_from_in_the_past(client):
    available = QuestionFactory(
        kind=QuestionKind.DATE, date_range=DateRange.UPCOMING, required=False
    )
    application = ApplicationFactory(cohort=available.step.form.cohort)
    client.force_login(application.applicant)

    response = client.post(
        reverse("apply:step", args=[application.pk, 2]),
        {f"q{available.pk}": "2001-01-01", "action": "next"},
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.status_code == 200
    with translation.override("en"):
        errors = response.context["form"].errors[f"q{available.pk}"]
    assert len(errors) == 1
    assert errors[0].startswith("Enter a date from ")
    assert 'value="2001-01-01"' in response.content.decode()
    assert Answer.objects.count() == 0


def test_dietary_other_without_details_is_refused_in_japanese(client):
    cohort = CohortFactory(starts_on=timezone.localdate() + dt.timedelta(days=60))
    confirmed = ApplicationFactory(cohort=cohort, status=ApplicationStatus.CONFIRMED)
    confirmed.applicant.preferred_language = "ja"
    confirmed.applicant.save()
    client.force_login(confirmed.applicant)

    response = client.post(
        reverse("apply:predeparture", args=[confirmed.pk]),
        {"section": "dietary", "dietary-dietary_needs": ["other"], "dietary-dietary_notes": " "},
    )

    assert response.status_code == 200
    assert "「その他」を選択しました。食べられないものを記入してください。" in (
        response.content.decode()
    )
    assert PredepartureChecklist.objects.count() == 0


def test_referee_page_hint_and_error_name_the_same_types(
    client, django_capture_on_commit_callbacks
):
    application = ApplicationFactory()
    client.force_login(application.applicant)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("apply:referees", args=[application.pk]),
            {"name": "Prof. Tanaka", "email": "tanaka@example.ac.jp", "language": "en"},
        )
    link = next(line for line in mail.outbox[0].body.splitlines() if "/referee/" in line)
    path = link.split("127.0.0.1:8000", 1)[-1]
    client.logout()

    page = client.get(path, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    refused = client.post(
        path,
        {"letter": SimpleUploadedFile("letter.gif", b"GIF89a" + b"\x00" * 50)},
        HTTP_ACCEPT_LANGUAGE="en",
    ).content.decode()

    assert "PDF, Word (DOCX), JPEG or PNG, up to 10 MB." in page
    assert 'accept=".pdf,.docx,.jpg,.jpeg,.png"' in page
    assert "PDF or Word" not in page
    assert "is not a PDF, Word (DOCX), JPEG or PNG file." in refused
