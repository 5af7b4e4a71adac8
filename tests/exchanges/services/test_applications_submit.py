import datetime as dt
import zoneinfo

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from exchanges.enums import ApplicationStatus, QuestionKind
from exchanges.exceptions import (
    ConsentMissing,
    DeadlinePassed,
    FormIncomplete,
    InvalidTransition,
    NotEligible,
    UploadRejected,
)
from exchanges.models import ActivityLog, Answer, Document
from exchanges.services.applications import (
    application_save_answers,
    application_start,
    application_submit,
    application_upload_document,
    application_withdraw,
    guardian_consent_give,
    guardian_consent_request,
    question_is_visible,
)
from tests.factories.applications import (
    MINIMAL_PDF,
    ApplicationFactory,
    CohortFactory,
    FormStepFactory,
    QuestionFactory,
)

pytestmark = pytest.mark.django_db
SEOUL = zoneinfo.ZoneInfo("Asia/Seoul")


def _freeze(monkeypatch, moment):
    monkeypatch.setattr(timezone, "now", lambda: moment)


@pytest.fixture
def seoul_deadline():
    """Midnight KST at the end of 30 June 2027: the deadline day is 30 June."""
    return dt.datetime(2027, 7, 1, 0, 0, tzinfo=SEOUL)


@pytest.fixture
def application_due(seoul_deadline):
    cohort = CohortFactory(
        opens_at=seoul_deadline - dt.timedelta(days=60),
        deadline=seoul_deadline,
        starts_on=dt.date(2027, 8, 1),
        ends_on=dt.date(2027, 8, 20),
    )
    return ApplicationFactory(cohort=cohort, applicant__time_zone="Asia/Seoul")


def test_submit_at_235959_kst_on_deadline_day_is_accepted(
    monkeypatch, application_due, seoul_deadline
):
    moment = dt.datetime(2027, 6, 30, 23, 59, 59, tzinfo=SEOUL)
    _freeze(monkeypatch, moment)

    application_submit(application=application_due, actor=application_due.applicant)

    application_due.refresh_from_db()
    assert application_due.status == ApplicationStatus.SUBMITTED
    assert application_due.submitted_at == moment


def test_submit_one_second_after_deadline_is_refused(monkeypatch, application_due, seoul_deadline):
    _freeze(monkeypatch, seoul_deadline + dt.timedelta(seconds=1))

    with pytest.raises(DeadlinePassed) as excinfo:
        application_submit(application=application_due, actor=application_due.applicant)

    assert str(excinfo.value.message) == (
        "The deadline (June 30, 2027, 11:59 p.m., Asia/Seoul) has passed; applications are closed."
    )
    application_due.refresh_from_db()
    assert application_due.status == ApplicationStatus.DRAFT


def test_submit_twice_is_idempotent(application_due, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        application_submit(application=application_due, actor=application_due.applicant)
        first = application_due.submitted_at
        application_submit(application=application_due, actor=application_due.applicant)

    application_due.refresh_from_db()
    assert application_due.submitted_at == first
    assert ActivityLog.objects.filter(action_type="exchanges.application.submitted").count() == 1
    assert len(mail.outbox) == 1


def test_submit_refuses_ineligible_with_reasons(application_due):
    application_due.citizenship = "ZZ"
    application_due.residence_country = "ZZ"
    application_due.save()

    with pytest.raises(NotEligible) as excinfo:
        application_submit(application=application_due, actor=application_due.applicant)

    assert str(excinfo.value.message) == (
        "Applicants must be citizens or residents of one of: United States, Japan, South Korea."
    )


def test_submit_refuses_missing_required_answer(application_due):
    step = FormStepFactory(form__cohort=application_due.cohort)
    question = QuestionFactory(step=step, label_en="Why this program?")

    with pytest.raises(FormIncomplete) as excinfo:
        application_submit(application=application_due, actor=application_due.applicant)

    assert [str(e) for e in excinfo.value.errors] == ["Why this program?"]
    Answer.objects.create(application=application_due, question=question, value="Trust")
    application_submit(application=application_due, actor=application_due.applicant)
    assert application_due.status == ApplicationStatus.SUBMITTED


def test_minor_needs_guardian_consent_before_submission(
    application_due, django_capture_on_commit_callbacks
):
    starts = application_due.cohort.starts_on
    application_due.cohort.min_age = 16
    application_due.cohort.save()
    application_due.birth_date = starts.replace(year=starts.year - 17)
    application_due.save()

    with pytest.raises(ConsentMissing):
        application_submit(application=application_due, actor=application_due.applicant)

    with django_capture_on_commit_callbacks(execute=True):
        guardian_consent_request(
            application=application_due,
            guardian_name="Kim Jisoo",
            guardian_email="parent@example.org",
            actor=application_due.applicant,
        )
    assert mail.outbox[-1].to == ["parent@example.org"]
    token = _last_link_token()
    guardian_consent_give(token=token, signed_name="Kim Jisoo")
    application_submit(application=application_due, actor=application_due.applicant)
    assert application_due.status == ApplicationStatus.SUBMITTED


def _last_link_token():
    # The link exists only in the email; tests read it back from there.
    body = mail.outbox[-1].body
    url = next(
        line for line in body.splitlines() if "/guardian-consent/" in line or "/referee/" in line
    )
    return url.rstrip("/").rsplit("/", 1)[-1]


def test_start_twice_returns_the_same_application(applicant):
    cohort = CohortFactory()

    first = application_start(cohort=cohort, applicant=applicant)
    second = application_start(cohort=cohort, applicant=applicant)

    assert first.pk == second.pk


def test_withdraw_after_final_state_is_refused():
    application = ApplicationFactory(status=ApplicationStatus.REJECTED)

    with pytest.raises(InvalidTransition):
        application_withdraw(application=application, actor=application.applicant)


@pytest.fixture
def branching_step():
    step = FormStepFactory()
    parent = QuestionFactory(
        step=step,
        kind=QuestionKind.SINGLE_CHOICE,
        options=[
            {"value": "yes", "en": "Yes", "ja": "はい", "ko": "예"},
            {"value": "no", "en": "No", "ja": "いいえ", "ko": "아니요"},
        ],
    )
    child = QuestionFactory(
        step=step,
        kind=QuestionKind.SHORT_TEXT,
        show_if_question=parent,
        show_if_values=["yes"],
        label_en="Which exchange?",
    )
    application = ApplicationFactory(cohort=step.form.cohort)
    return application, parent, child


def test_show_if_hidden_question_is_neither_required_nor_stored(branching_step):
    application, parent, child = branching_step

    errors = application_save_answers(
        application=application,
        questions=[parent, child],
        data={parent.pk: "no", child.pk: "Should not be stored"},
        actor=application.applicant,
    )

    assert errors == {}
    assert dict(Answer.objects.values_list("question_id", "value")) == {parent.pk: "no"}


def test_show_if_visible_question_is_required(branching_step):
    application, parent, child = branching_step

    errors = application_save_answers(
        application=application,
        questions=[parent, child],
        data={parent.pk: "yes", child.pk: ""},
        actor=application.applicant,
    )

    assert errors == {child.pk: ["This question is required."]}
    assert dict(Answer.objects.values_list("question_id", "value")) == {parent.pk: "yes"}


def test_show_if_answer_removed_when_question_becomes_hidden(branching_step):
    application, parent, child = branching_step
    application_save_answers(
        application=application,
        questions=[parent, child],
        data={parent.pk: "yes", child.pk: "JENESYS"},
        actor=application.applicant,
    )

    application_save_answers(
        application=application,
        questions=[parent, child],
        data={parent.pk: "no"},
        actor=application.applicant,
    )

    assert dict(Answer.objects.values_list("question_id", "value")) == {parent.pk: "no"}


def test_show_if_multiple_choice_and_consent():
    step = FormStepFactory()
    multi = QuestionFactory(
        step=step,
        kind=QuestionKind.MULTIPLE_CHOICE,
        options=[{"value": "a", "en": "A"}, {"value": "b", "en": "B"}],
    )
    consent = QuestionFactory(step=step, kind=QuestionKind.CONSENT)
    on_multi = QuestionFactory(step=step, show_if_question=multi, show_if_values=["b"])
    on_consent = QuestionFactory(step=step, show_if_question=consent, show_if_values=["true"])

    assert question_is_visible(on_multi, {multi.pk: ["a", "b"]}) is True
    assert question_is_visible(on_multi, {multi.pk: ["a"]}) is False
    assert question_is_visible(on_consent, {consent.pk: True}) is True
    assert question_is_visible(on_consent, {}) is False


def test_save_answers_validates_each_kind_and_keeps_valid_ones():
    step = FormStepFactory()
    essay = QuestionFactory(step=step, kind=QuestionKind.LONG_TEXT, max_words=3)
    number = QuestionFactory(step=step, kind=QuestionKind.NUMBER, min_value=0, max_value=10)
    date = QuestionFactory(step=step, kind=QuestionKind.DATE)
    name = QuestionFactory(step=step)
    application = ApplicationFactory(cohort=step.form.cohort)

    errors = application_save_answers(
        application=application,
        questions=[essay, number, date, name],
        data={
            essay.pk: "one two three four",
            number.pk: "11",
            date.pk: "2027-02-30",
            name.pk: "Minjun",
        },
        actor=application.applicant,
    )

    assert errors == {
        essay.pk: ["This answer has 4 words; the limit is 3."],
        number.pk: ["Enter 10 or less."],
        date.pk: ["Enter a date such as 2001-04-30."],
    }
    assert dict(Answer.objects.values_list("question_id", "value")) == {name.pk: "Minjun"}


def _upload(name, content):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def test_upload_pdf_is_stored_with_sniffed_type_and_hash():
    question = QuestionFactory(kind=QuestionKind.FILE, document_kind="cv")
    application = ApplicationFactory(cohort=question.step.form.cohort)

    document = application_upload_document(
        application=application,
        question=question,
        uploaded_file=_upload("cv.pdf", MINIMAL_PDF),
        actor=application.applicant,
    )

    assert (document.content_type, document.size, document.original_name, document.kind) == (
        "application/pdf",
        len(MINIMAL_PDF),
        "cv.pdf",
        "cv",
    )
    assert len(document.sha256) == 64
    assert "cv" not in document.file.name
    assert document.file.read() == MINIMAL_PDF


def test_upload_executable_renamed_pdf_is_refused():
    question = QuestionFactory(kind=QuestionKind.FILE)
    application = ApplicationFactory(cohort=question.step.form.cohort)
    executable = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 200

    with pytest.raises(UploadRejected) as excinfo:
        application_upload_document(
            application=application,
            question=question,
            uploaded_file=_upload("cv.pdf", executable),
            actor=application.applicant,
        )

    assert str(excinfo.value.message) == (
        "“cv.pdf” is not a PDF, Word (DOCX), JPEG or PNG file. "
        "The file's content was checked, not its name."
    )
    assert Document.objects.count() == 0


def test_upload_oversized_file_is_refused(settings):
    settings.MAX_UPLOAD_MB = 1
    question = QuestionFactory(kind=QuestionKind.FILE)
    application = ApplicationFactory(cohort=question.step.form.cohort)
    big = MINIMAL_PDF + b"0" * (1024 * 1024)

    with pytest.raises(UploadRejected) as excinfo:
        application_upload_document(
            application=application,
            question=question,
            uploaded_file=_upload("big.pdf", big),
            actor=application.applicant,
        )

    assert str(excinfo.value.message) == (
        "“big.pdf” is larger than 1 MB. Please upload a smaller file."
    )
    assert Document.objects.count() == 0


@pytest.fixture
def file_step():
    step = FormStepFactory()
    cv = QuestionFactory(step=step, kind=QuestionKind.FILE, required=True, label_en="CV")
    application = ApplicationFactory(cohort=step.form.cohort)
    return application, cv


def test_save_answers_requires_a_required_file_only_when_asked_to(file_step):
    application, cv = file_step

    on_next = application_save_answers(
        application=application, questions=[cv], data={}, actor=application.applicant
    )
    on_save = application_save_answers(
        application=application,
        questions=[cv],
        data={},
        actor=application.applicant,
        enforce_required=False,
    )

    assert (on_next, on_save) == ({cv.pk: ["This question is required."]}, {})


def test_save_answers_stores_the_upload_and_then_needs_no_other(file_step):
    application, cv = file_step

    first = application_save_answers(
        application=application,
        questions=[cv],
        data={},
        actor=application.applicant,
        files={cv.pk: SimpleUploadedFile("cv.pdf", MINIMAL_PDF)},
    )
    second = application_save_answers(
        application=application, questions=[cv], data={}, actor=application.applicant
    )

    assert (first, second) == ({}, {})
    assert list(Document.objects.values_list("question_id", flat=True)) == [cv.pk]
    assert Document.objects.get().file.read() == MINIMAL_PDF


def test_save_answers_reports_a_rejected_upload_on_its_question(file_step):
    application, cv = file_step

    errors = application_save_answers(
        application=application,
        questions=[cv],
        data={},
        actor=application.applicant,
        files={cv.pk: SimpleUploadedFile("cv.pdf", b"MZ\x90\x00" + b"\x00" * 100)},
    )

    assert list(errors) == [cv.pk]
    assert Document.objects.count() == 0
