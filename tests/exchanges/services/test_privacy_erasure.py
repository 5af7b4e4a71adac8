"""Data subject rights: the applicant's export, and erasure that removes identity and files
but keeps statistics and survey pairing."""

import datetime as dt
import io
import json
import zipfile

import pytest
from django.core import mail
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from exchanges.activity_types import Activity
from exchanges.enums import ApplicationStatus, DocumentKind, ErasureStatus, SurveyKind
from exchanges.exceptions import ErasureAlreadyRequested, InvalidTransition
from exchanges.models import (
    ActivityLog,
    Answer,
    Application,
    Document,
    ErasureRequest,
    OutgoingMailAttachment,
)
from exchanges.selectors.applications import pipeline_counts
from exchanges.selectors.outcomes import cohort_outcomes
from exchanges.services.applications import application_upload_document
from exchanges.services.mail import MailAttachment, mail_queue_rendered
from exchanges.services.privacy import privacy_erasure_complete, privacy_erasure_request
from tests.factories import ApplicantFactory
from tests.factories.applications import (
    ApplicationFactory,
    CohortFactory,
    FormStepFactory,
    QuestionFactory,
)
from tests.factories.predeparture import ChecklistFactory
from tests.factories.surveys import SurveyFactory, answer
from tests.uploads import MINIMAL_PDF

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(django_capture_on_commit_callbacks):
    """A Korean participant with an answer, a CV, a referee's letter, a checklist and a pre
    and a post survey answered; plus a second participant so the survey has pairs."""
    cohort = CohortFactory()
    step = FormStepFactory(form__cohort=cohort)
    text_question = QuestionFactory(step=step, kind="text", label_en="Motivation")
    file_question = QuestionFactory(step=step, kind="file", label_en="CV")
    person = ApplicantFactory(
        email="minji@example.org", given_name="Minji", family_name="Kim", preferred_language="ko"
    )
    application = ApplicationFactory(cohort=cohort, applicant=person)
    other = ApplicationFactory(cohort=cohort, status=ApplicationStatus.PARTICIPANT)
    Answer.objects.create(application=application, question=text_question, value="I love Seoul")
    cv = application_upload_document(
        application=application,
        question=file_question,
        actor=person,
        uploaded_file=SimpleUploadedFile("minji-kim-cv.pdf", MINIMAL_PDF),
    )
    # Fast-forward: the application went all the way to the program.
    Application.objects.filter(pk=application.pk).update(status=ApplicationStatus.PARTICIPANT)
    letter = Document.objects.create(
        application=application,
        kind=DocumentKind.RECOMMENDATION,
        file=SimpleUploadedFile("letter.pdf", b"%PDF-1.4 confidential letter"),
        original_name="letter.pdf",
        content_type="application/pdf",
        size=27,
        sha256="0" * 64,
    )
    ChecklistFactory(application=application, medical_notes="Asthma", emergency_name="Kim Mother")
    for kind, value in ((SurveyKind.PRE_PROGRAM, 40), (SurveyKind.POST_PROGRAM, 70)):
        survey = SurveyFactory(cohort=cohort, kind=kind, published=True)
        answer(survey, application, thermometer=value)
        answer(survey, other, thermometer=value - 10)
    return {
        "cohort": cohort,
        "person": person,
        "application": application,
        "cv": cv,
        "letter": letter,
    }


def _zip(response) -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))


def test_export_holds_the_json_and_the_uploaded_files_but_not_letters(client, world):
    client.force_login(world["person"])

    response = client.get(reverse("apply:privacy_export"))

    archive = _zip(response)
    cv = world["cv"]
    assert (response.status_code, response["Content-Type"], response["Cache-Control"]) == (
        200,
        "application/zip",
        "private, no-store",
    )
    assert archive.namelist() == ["data.json", f"files/{cv.download_name}"]
    assert archive.read(f"files/{cv.download_name}") == MINIMAL_PDF
    data = json.loads(archive.read("data.json"))
    assert data["account"]["email"] == "minji@example.org"
    assert (data["account"]["given_name"], data["account"]["family_name"]) == ("Minji", "Kim")
    (application,) = data["applications"]
    assert application["id"] == world["application"].pk
    assert application["answers"] == [{"question": "Motivation", "value": "I love Seoul"}]
    assert [d["file_name"] for d in application["documents"]] == ["minji-kim-cv.pdf"]
    assert application["predeparture_checklist"]["medical_notes"] == "Asthma"
    assert sorted(r["survey"] for r in application["survey_responses"]) == [
        "post_program",
        "pre_program",
    ]
    assert list(
        ActivityLog.objects.filter(action_type=Activity.PRIVACY_DATA_EXPORTED).values_list(
            "actor_id", "data"
        )
    ) == [(world["person"].pk, {"applications": 1, "files": 1})]


def test_export_holds_nothing_of_another_applicant(client, world):
    stranger = ApplicantFactory()
    client.force_login(stranger)

    archive = _zip(client.get(reverse("apply:privacy_export")))

    data = json.loads(archive.read("data.json"))
    assert archive.namelist() == ["data.json"]
    assert (data["account"]["email"], data["applications"]) == (stranger.email, [])


def test_erasure_request_is_due_in_30_days_and_mailed_in_the_applicant_s_language(
    world, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        request = privacy_erasure_request(applicant=world["person"])

    assert request.due_at - request.requested_at == dt.timedelta(days=30)
    assert request.status == ErasureStatus.PENDING
    (message,) = mail.outbox
    assert message.to == ["minji@example.org"]
    assert message.subject == "데이터 삭제 요청을 접수했습니다"
    assert message.body.startswith("Kim Minji님께\n") or message.body.startswith("Minji Kim님께\n")
    assert "(UTC)까지 처리합니다" in message.body
    with pytest.raises(ErasureAlreadyRequested):
        privacy_erasure_request(applicant=world["person"])


def test_erasure_removes_identity_and_file_bytes_and_keeps_statistics_and_pairing(
    world, secretariat, django_capture_on_commit_callbacks
):
    cohort, person, application = world["cohort"], world["person"], world["application"]
    cv_name, letter_name = world["cv"].file.name, world["letter"].file.name
    request = privacy_erasure_request(applicant=person)
    before_counts = pipeline_counts(viewer=secretariat, cohort=cohort)
    before_outcomes = cohort_outcomes(cohort=cohort)
    pairs_before = sorted(
        application.survey_responses.values_list("survey__kind", "respondent", "application_id")
    )
    assert default_storage.exists(cv_name) and default_storage.exists(letter_name)
    certificate_mail = mail_queue_rendered(
        email=person.email,
        subject="Certificate",
        text="Dear Minji Kim",
        template_key="program_completed",
        idempotency_key="erasure-test-certificate",
        language="ko",
        recipient=person,
        attachments=[MailAttachment("trilink-certificate-1.pdf", "application/pdf", MINIMAL_PDF)],
    )
    assert OutgoingMailAttachment.objects.filter(mail=certificate_mail).count() == 1
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        privacy_erasure_complete(erasure=request, actor=secretariat)

    person.refresh_from_db()
    application.refresh_from_db()
    assert (person.email, person.given_name, person.family_name, person.local_name) == (
        f"erased-{person.pk}@erased.invalid",
        "",
        "",
        "",
    )
    assert (person.is_active, person.has_usable_password()) == (False, False)
    assert (default_storage.exists(cv_name), default_storage.exists(letter_name)) == (False, False)
    assert Document.objects.filter(application=application).count() == 0
    assert Answer.objects.filter(application=application).count() == 0
    assert not hasattr(Application.objects.get(pk=application.pk), "predeparture_checklist")
    assert (
        application.birth_date,
        application.institution,
        application.anonymised_at is not None,
    ) == (
        None,
        "",
        True,
    )
    # What statistics and survey pairing use is untouched.
    assert pipeline_counts(viewer=secretariat, cohort=cohort) == before_counts
    assert cohort_outcomes(cohort=cohort) == before_outcomes
    assert (
        sorted(
            application.survey_responses.values_list("survey__kind", "respondent", "application_id")
        )
        == pairs_before
    )
    assert list(
        ActivityLog.objects.filter(action_type=Activity.PRIVACY_ERASURE_COMPLETED).values_list(
            "actor_id", "object_id", "data"
        )
    ) == [
        (
            secretariat.pk,
            request.pk,
            {"applications": 1, "files": 2, "emails": 2, "attachments": 1},
        )
    ]
    # The certificate (it carries the name) went with the email bodies.
    assert not OutgoingMailAttachment.objects.filter(mail=certificate_mail).exists()
    (message,) = mail.outbox
    assert (message.to, message.subject) == (["minji@example.org"], "데이터를 삭제했습니다")
    # Nothing else of the person is left in any email row.
    assert "Minji" not in "".join(f"{m.subject}{m.text_body}" for m in person.outgoing_mails.all())


def test_erasure_cannot_be_done_twice(world, secretariat):
    request = privacy_erasure_request(applicant=world["person"])
    privacy_erasure_complete(erasure=request, actor=secretariat)

    with pytest.raises(InvalidTransition):
        privacy_erasure_complete(
            erasure=ErasureRequest.objects.get(pk=request.pk), actor=secretariat
        )


def test_erased_person_cannot_sign_in(client, world, secretariat):
    request = privacy_erasure_request(applicant=world["person"])
    privacy_erasure_complete(erasure=request, actor=secretariat)

    response = client.post(
        reverse("account_login"),
        {"login": "minji@example.org", "password": "correct-horse-battery-staple"},
    )

    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_erasure_due_date_is_not_reset_by_time(world):
    request = privacy_erasure_request(applicant=world["person"])

    assert ErasureRequest.objects.get(pk=request.pk).due_at <= timezone.now() + dt.timedelta(
        days=30
    )
