import datetime as dt
import re
import zoneinfo

import pytest
from django.contrib.messages import get_messages
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from exchanges.enums import ApplicationStatus, QuestionKind
from exchanges.models import Answer, Application, Document, RefereeRequest
from exchanges.services.activity import activity_log_record
from exchanges.services.applications import application_save_answers, application_upload_document
from tests.exchanges.views.conftest import questions_of
from tests.factories import ApplicantFactory
from tests.factories.applications import (
    MINIMAL_PDF,
    ApplicationFactory,
    CohortFactory,
    QuestionFactory,
)

pytestmark = pytest.mark.django_db
EXECUTABLE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 300


@pytest.mark.parametrize("count", [1, 3])
def test_calls_list_query_count(client, count, django_assert_num_queries):
    CohortFactory.create_batch(count)

    with django_assert_num_queries(2):
        response = client.get(reverse("apply:calls"))

    assert response.status_code == 200
    assert len(response.context["page"].object_list) == count


def test_calls_list_shows_viewer_and_official_deadline(client):
    seoul = zoneinfo.ZoneInfo("Asia/Seoul")
    CohortFactory(
        deadline=dt.datetime(2099, 7, 1, 0, 0, tzinfo=seoul),
        starts_on=dt.date(2099, 8, 1),
        ends_on=dt.date(2099, 8, 20),
    )
    client.cookies["trilink_tz"] = "America/New_York"

    content = client.get(reverse("apply:calls")).content.decode()

    assert (
        '<time datetime="2099-06-30T11:00:00-04:00">June 30, 2099, 11 a.m.</time> '
        "(America/New_York)"
    ) in content
    # A deadline at midnight is the end of the day before, never "midnight" of the next day.
    assert "June 30, 2099, 11:59 p.m. (Asia/Seoul)" in content
    assert "midnight" not in content


@pytest.mark.parametrize("count", [1, 3])
def test_my_applications_query_count(client, applicant, count, django_assert_num_queries):
    ApplicationFactory.create_batch(count, applicant=applicant)
    client.force_login(applicant)

    with django_assert_num_queries(4):
        response = client.get(reverse("apply:mine"))

    assert len(response.context["page"].object_list) == count


def test_eligibility_precheck_says_which_rule_fails(client, form_cohort):
    form_cohort.language_requirements = {"ja": "conversational"}
    form_cohort.save()

    response = client.get(
        reverse("apply:call", args=[form_cohort.pk]),
        {
            "check": "1",
            "birth_date": "1995-01-01",
            "citizenship": "KR",
            "residence_country": "KR",
            "english_level": "native",
            "japanese_level": "basic",
            "korean_level": "native",
        },
    )

    assert response.context["failures"] == [
        "This program requires Japanese at level “Conversational” or higher; you declared “Basic”."
    ]


def test_start_creates_one_draft_and_redirects_to_step_one(client, applicant, form_cohort):
    client.force_login(applicant)

    first = client.post(reverse("apply:start", args=[form_cohort.pk]))
    second = client.post(reverse("apply:start", args=[form_cohort.pk]))

    application = Application.objects.get()
    assert (
        first["Location"] == second["Location"] == reverse("apply:step", args=[application.pk, 1])
    )


def test_step_saves_answers_and_they_come_back(client, draft):
    client.force_login(draft.applicant)
    role, essay, _cv, _note = questions_of(draft.cohort)

    response = client.post(
        reverse("apply:step", args=[draft.pk, 2]),
        {f"q{role.pk}": "Researcher", f"q{essay.pk}": "To build trust.", "action": "next"},
    )

    assert response["Location"] == reverse("apply:step", args=[draft.pk, 3])
    page = client.get(reverse("apply:step", args=[draft.pk, 2])).content.decode()
    assert 'value="Researcher"' in page
    assert "To build trust.</textarea>" in page


def test_step_required_error_in_applicant_language(client, draft):
    draft.applicant.preferred_language = "en"
    draft.applicant.save()
    client.force_login(draft.applicant)
    role, essay, _cv, _note = questions_of(draft.cohort)

    response = client.post(
        reverse("apply:step", args=[draft.pk, 2]),
        {f"q{role.pk}": "Researcher", f"q{essay.pk}": "", "action": "next"},
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {f"q{essay.pk}": ["This question is required."]}
    assert dict(Answer.objects.values_list("question_id", "value")) == {role.pk: "Researcher"}


def test_autosave_stores_partial_answers(client, draft):
    client.force_login(draft.applicant)
    role, _essay, _cv, _note = questions_of(draft.cohort)

    response = client.post(
        reverse("apply:autosave", args=[draft.pk, 2]),
        {f"q{role.pk}": "Rese"},
        HTTP_HX_REQUEST="true",
    )

    assert response.status_code == 200
    assert response.content.decode().strip().startswith("Draft saved at ")
    assert dict(Answer.objects.values_list("question_id", "value")) == {role.pk: "Rese"}


@pytest.mark.parametrize(
    ("content", "error"),
    [
        (
            EXECUTABLE,
            "“cv.pdf” is not a PDF, Word (DOCX), JPEG or PNG file. "
            "The file's content was checked, not its name.",
        ),
        (
            MINIMAL_PDF + b"0" * (1024 * 1024 + 1),
            "“cv.pdf” is larger than 1 MB. Please upload a smaller file.",
        ),
    ],
)
def test_bad_upload_refused_while_other_answers_stay_saved(client, draft, settings, content, error):
    settings.MAX_UPLOAD_MB = 1
    client.force_login(draft.applicant)
    _role, _essay, cv, note = questions_of(draft.cohort)

    response = client.post(
        reverse("apply:step", args=[draft.pk, 3]),
        {
            f"q{note.pk}": "Please contact my professor.",
            "action": "next",
            f"q{cv.pk}": SimpleUploadedFile("cv.pdf", content),
        },
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {f"q{cv.pk}": [error]}
    assert Document.objects.count() == 0
    assert dict(Answer.objects.values_list("question_id", "value")) == {
        note.pk: "Please contact my professor."
    }


def test_pdf_upload_then_download_by_owner_only(client, draft):
    client.force_login(draft.applicant)
    _role, _essay, cv, _note = questions_of(draft.cohort)

    client.post(
        reverse("apply:step", args=[draft.pk, 3]),
        {"action": "save", f"q{cv.pk}": SimpleUploadedFile("my cv.pdf", MINIMAL_PDF)},
    )
    document = Document.objects.get()
    response = client.get(reverse("apply:document", args=[document.pk]))

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == MINIMAL_PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="cv-{document.pk}.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    client.force_login(ApplicantFactory())
    assert client.get(reverse("apply:document", args=[document.pk])).status_code == 404


@pytest.mark.parametrize("name", ["status", "review", "withdraw", "referees", "guardian"])
def test_applicant_a_gets_404_on_b_application(client, draft, name):
    client.force_login(ApplicantFactory())

    assert client.get(reverse(f"apply:{name}", args=[draft.pk])).status_code == 404


def test_applicant_a_gets_404_on_b_steps_and_autosave(client, draft):
    client.force_login(ApplicantFactory())

    assert client.get(reverse("apply:step", args=[draft.pk, 1])).status_code == 404
    assert client.post(reverse("apply:autosave", args=[draft.pk, 1]), {}).status_code == 404


def _complete(draft):
    role, essay, cv, _note = questions_of(draft.cohort)
    Answer.objects.create(application=draft, question=role, value="Researcher")
    Answer.objects.create(application=draft, question=essay, value="Trust.")
    application_upload_document(
        application=draft,
        question=cv,
        actor=draft.applicant,
        uploaded_file=SimpleUploadedFile("cv.pdf", MINIMAL_PDF),
    )


def test_submit_from_review_twice_is_safe(client, draft, django_capture_on_commit_callbacks):
    _complete(draft)
    client.force_login(draft.applicant)

    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(reverse("apply:review", args=[draft.pk]))
        second = client.post(reverse("apply:review", args=[draft.pk]))

    assert first["Location"] == second["Location"] == reverse("apply:status", args=[draft.pk])
    draft.refresh_from_db()
    assert draft.status == ApplicationStatus.SUBMITTED
    assert len(mail.outbox) == 1


def test_submit_after_deadline_shows_clear_message(client, draft, monkeypatch):
    _complete(draft)
    draft.cohort.deadline = timezone.now() + dt.timedelta(hours=1)
    draft.cohort.save()
    later = draft.cohort.deadline + dt.timedelta(seconds=1)
    client.force_login(draft.applicant)
    monkeypatch.setattr(timezone, "now", lambda: later)

    response = client.post(reverse("apply:review", args=[draft.pk]))

    assert response.status_code == 400
    assert response.context["error"].startswith("The deadline (")
    assert response.context["error"].endswith(", Asia/Seoul) has passed; applications are closed.")


def test_withdraw_needs_confirmation(client, draft):
    client.force_login(draft.applicant)

    unconfirmed = client.post(reverse("apply:withdraw", args=[draft.pk]), {"reason": "x"})
    draft.refresh_from_db()
    assert unconfirmed.status_code == 200
    assert draft.status == ApplicationStatus.DRAFT
    assert unconfirmed.context["form"].errors == {
        "confirm": ["Tick the box to confirm that you withdraw your application."]
    }

    client.post(reverse("apply:withdraw", args=[draft.pk]), {"confirm": "on", "reason": "Job"})
    draft.refresh_from_db()
    assert draft.status == ApplicationStatus.WITHDRAWN


def test_withdrawn_application_offers_no_referee_management_and_refuses_it(client, draft):
    draft.status = ApplicationStatus.WITHDRAWN
    draft.save(update_fields=["status"])
    client.force_login(draft.applicant)

    status_page = client.get(reverse("apply:status", args=[draft.pk])).content.decode()
    page = client.get(reverse("apply:referees", args=[draft.pk]))
    posted = client.post(
        reverse("apply:referees", args=[draft.pk]),
        {"name": "Prof. Tanaka", "email": "tanaka@example.ac.jp", "language": "ja"},
    )

    assert reverse("apply:referees", args=[draft.pk]) not in status_page
    assert "Manage referees" not in status_page
    assert page.status_code == 200
    assert page.context["form"] is None
    assert "<form" not in page.content.decode().split("<main", 1)[-1].split("</main>")[0]
    assert posted.status_code == 302
    assert [str(m) for m in get_messages(posted.wsgi_request)] == [
        "Referees can no longer be added to this application."
    ]
    assert not RefereeRequest.objects.filter(application=draft).exists()
    assert mail.outbox == []


def test_referee_flow_applicant_sees_only_arrival(
    client, draft, django_capture_on_commit_callbacks
):
    client.force_login(draft.applicant)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("apply:referees", args=[draft.pk]),
            {"name": "Prof. Tanaka", "email": "tanaka@example.ac.jp", "language": "ja"},
        )
    assert mail.outbox[0].to == ["tanaka@example.ac.jp"]
    link = next(line for line in mail.outbox[0].body.splitlines() if "/referee/" in line)
    path = link.split("127.0.0.1:8000", 1)[-1]
    client.logout()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(path, {"letter": SimpleUploadedFile("letter.pdf", MINIMAL_PDF)})

    assert response.status_code == 200
    assert client.get(path).status_code == 410
    letter = Document.objects.get(kind="recommendation")
    assert mail.outbox[1].to == [draft.applicant.email]
    client.force_login(draft.applicant)
    assert client.get(reverse("apply:document", args=[letter.pk])).status_code == 404
    page = client.get(reverse("apply:referees", args=[draft.pk])).content.decode()
    assert "Letter received" in page


@pytest.mark.parametrize("count", [1, 3])
def test_referees_list_query_count(client, draft, count, django_assert_num_queries):
    for index in range(count):
        RefereeRequest.objects.create(
            application=draft,
            name=f"Referee {index}",
            email=f"r{index}@example.org",
            token_hash=f"h{index}",
            expires_at=draft.cohort.deadline,
        )
    client.force_login(draft.applicant)

    with django_assert_num_queries(4):
        response = client.get(reverse("apply:referees", args=[draft.pk]))

    assert len(response.context["referees"]) == count


@pytest.mark.parametrize("count", [1, 3])
def test_status_timeline_query_count(client, draft, count, django_assert_num_queries):
    for _index in range(count):
        activity_log_record(
            actor=draft.applicant, obj=draft, action_type="exchanges.application.document_uploaded"
        )
    client.force_login(draft.applicant)

    # session, user, application, activity (content type cached), referees, published group,
    # open survey invitations
    with django_assert_num_queries(7):
        response = client.get(reverse("apply:status", args=[draft.pk]))

    assert len(response.context["timeline"]) == count


def test_guardian_consent_flow_for_minor(client, draft, django_capture_on_commit_callbacks):
    starts = draft.cohort.starts_on
    draft.cohort.min_age = 15
    draft.cohort.save()
    draft.birth_date = starts.replace(year=starts.year - 16)
    draft.save()
    client.force_login(draft.applicant)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("apply:guardian", args=[draft.pk]),
            {"guardian_name": "Kim Jisoo", "guardian_email": "parent@example.kr"},
        )
    link = next(line for line in mail.outbox[0].body.splitlines() if "/guardian-consent/" in line)
    path = link.split("127.0.0.1:8000", 1)[-1]
    client.logout()
    refused = client.post(path, {"signed_name": "Kim Jisoo"})
    with django_capture_on_commit_callbacks(execute=True):
        given = client.post(path, {"signed_name": "Kim Jisoo", "agree": "on"})

    assert refused.context["form"].errors == {"agree": ["This field is required."]}
    assert given.context["message"] == "Thank you. Your consent has been recorded."
    assert client.get(path).status_code == 410
    assert mail.outbox[1].to == [draft.applicant.email]
    assert draft.guardian_consent.consented_name == "Kim Jisoo"


def test_hidden_file_question_document_is_removed(draft):
    step = draft.cohort.form.steps.order_by("position").last()
    gate = QuestionFactory(step=step, kind=QuestionKind.CONSENT, required=False)
    upload = QuestionFactory(
        step=step, kind=QuestionKind.FILE, show_if_question=gate, show_if_values=["true"]
    )
    application_save_answers(
        application=draft, questions=[gate, upload], data={gate.pk: True}, actor=draft.applicant
    )
    application_upload_document(
        application=draft,
        question=upload,
        actor=draft.applicant,
        uploaded_file=SimpleUploadedFile("x.pdf", MINIMAL_PDF),
    )

    application_save_answers(
        application=draft, questions=[gate, upload], data={gate.pk: False}, actor=draft.applicant
    )

    assert Document.objects.filter(question=upload).count() == 0


def test_required_consent_checkbox_is_marked_required(client, draft):
    step = draft.cohort.form.steps.order_by("position").first()
    QuestionFactory(
        step=step,
        kind=QuestionKind.CONSENT,
        required=True,
        label_en="I agree to the program's rules",
    )
    client.force_login(draft.applicant)

    page = client.get(reverse("apply:step", args=[draft.pk, 2])).content.decode()

    assert "I agree to the program&#x27;s rules (required)" in page
    assert re.search(r'<input type="checkbox"[^>]*aria-required="true"', page)


def _referee_link(client, draft, language, django_capture_on_commit_callbacks) -> str:
    client.force_login(draft.applicant)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("apply:referees", args=[draft.pk]),
            {"name": "김 교수", "email": "prof.kim@example.kr", "language": language},
        )
    client.logout()
    link = next(line for line in mail.outbox[-1].body.splitlines() if "/referee/" in line)
    return link.split("127.0.0.1:8000", 1)[-1]


def _title(content: str) -> str:
    return re.search(r"<h1[^>]*>(.*?)</h1>", content, re.S).group(1).strip()


def test_referee_page_opens_in_the_language_chosen_for_the_referee(
    client, draft, django_capture_on_commit_callbacks
):
    path = _referee_link(client, draft, "ko", django_capture_on_commit_callbacks)

    response = client.get(path, HTTP_ACCEPT_LANGUAGE="en")

    content = response.content.decode()
    assert (_title(content), response.headers["Content-Language"]) == ("추천서 업로드", "ko")
    assert '<html lang="ko">' in content


def test_referee_page_errors_are_in_the_referees_language(
    client, draft, django_capture_on_commit_callbacks
):
    path = _referee_link(client, draft, "ja", django_capture_on_commit_callbacks)

    response = client.post(
        path,
        {"letter": SimpleUploadedFile("letter.exe", EXECUTABLE)},
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "letter": [
            "「letter.exe」はPDF、Word（DOCX）、JPEG、PNGのいずれの形式でもありません。"
            "ファイル名ではなく、ファイルの内容で判定しています。"
        ]
    }


def test_referee_page_follows_the_language_switcher(
    client, draft, django_capture_on_commit_callbacks
):
    path = _referee_link(client, draft, "ko", django_capture_on_commit_callbacks)
    switched = client.post(reverse("set_language"), {"language": "ja", "next": path})

    response = client.get(switched.url, HTTP_ACCEPT_LANGUAGE="en")

    assert _title(response.content.decode()) == "推薦状のアップロード"
