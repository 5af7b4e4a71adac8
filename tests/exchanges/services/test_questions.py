"""The form builder never asks again for a consent Trilink records itself: sharing with
partner organisations is asked once, optionally, when the application starts
(``Application.shares_with_partners``), and the data export names that one value."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from exchanges.demo.applications import FORM_SPEC
from exchanges.enums import QuestionKind
from exchanges.forms.questions import QuestionForm
from exchanges.models import Question
from exchanges.services.privacy import privacy_subject_data
from exchanges.services.questions import question_save
from exchanges.validators import is_partner_sharing_consent
from tests.factories import SecretariatFactory
from tests.factories.applications import ApplicationFactory, FormStepFactory, QuestionFactory

pytestmark = pytest.mark.django_db

REFUSAL = (
    "Sharing with partner organisations is asked once, as an optional choice, when the "
    "applicant starts the application, and recorded with it. A form question cannot ask for "
    "it again."
)


@pytest.mark.parametrize(
    "labels",
    [
        ("I agree that my data is shared with the partner organisations of this program.", "", ""),
        ("Consent", "応募情報が本プログラムのパートナー団体と共有されることに同意します。", ""),
        ("Consent", "", "지원 정보가 본 프로그램의 협력 기관과 공유되는 것에 동의합니다."),
        ("Partner organisations may see my application.", "", ""),
    ],
)
def test_question_save_refuses_a_second_partner_sharing_consent(labels):
    step = FormStepFactory()
    question = Question(
        step=step,
        kind=QuestionKind.CONSENT,
        label_en=labels[0],
        label_ja=labels[1],
        label_ko=labels[2],
        required=True,
    )

    with translation.override("en"), pytest.raises(ValidationError) as error:
        question_save(question=question, actor=SecretariatFactory())

    with translation.override("en"):
        assert error.value.messages == [REFUSAL]
    assert Question.objects.count() == 0


@pytest.mark.parametrize(
    ("kind", "label"),
    [
        (QuestionKind.CONSENT, "I confirm that the information in this application is true."),
        (QuestionKind.CONSENT, "I can attend every day of the program."),
        (QuestionKind.SHORT_TEXT, "Which partner organisation told you about the program?"),
    ],
)
def test_question_save_accepts_other_checkboxes_and_questions(kind, label):
    question = Question(step=FormStepFactory(), kind=kind, label_en=label, required=True)

    question_save(question=question, actor=SecretariatFactory())

    assert Question.objects.get().label_en == label


def test_form_builder_shows_the_refusal(client):
    step = FormStepFactory()
    form = QuestionForm(
        data={
            "kind": QuestionKind.CONSENT,
            "label_en": "I agree that my data is shared with the partner organisations.",
            "required": "on",
            "date_range": "any",
        },
        step=step,
    )

    with translation.override("en"):
        assert form.is_valid() is False
        assert form.non_field_errors() == [REFUSAL]


def test_demo_form_asks_no_partner_sharing_consent():
    questions = [
        (kind, list(labels)) for _titles, spec in FORM_SPEC for _k, kind, labels, _e in spec
    ]

    assert [q for q in questions if is_partner_sharing_consent(kind=q[0], labels=q[1])] == []


def test_export_marks_an_older_duplicate_consent_answer_as_unused():
    # A form built before such questions were refused (the factory skips the service).
    duplicate = QuestionFactory(
        kind=QuestionKind.CONSENT,
        label_en="I agree that my data is shared with the partner organisations of this program.",
    )
    declaration = QuestionFactory(
        step=duplicate.step, kind=QuestionKind.CONSENT, label_en="I confirm my answers are true."
    )
    application = ApplicationFactory(
        cohort=duplicate.step.form.cohort,
        shares_with_partners=False,
        answers=[(duplicate, True), (declaration, True)],
    )

    exported = privacy_subject_data(user=application.applicant)["applications"][0]

    assert exported["shares_with_partners"] is False
    assert sorted(exported["answers"], key=lambda a: a["question"]) == [
        {
            "question": "I agree that my data is shared with the partner organisations of this "
            "program.",
            "value": True,
            "not_used": "Sharing with partner organisations follows shares_with_partners only; "
            "this form answer was never used.",
        },
        {"question": "I confirm my answers are true.", "value": True},
    ]
