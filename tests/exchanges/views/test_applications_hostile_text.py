"""Text that is not text: control characters in answers, and the applicant as their own referee.

Runs on SQLite and, in CI, on PostgreSQL, which refuses NUL in text and JSON (a 500 before)."""

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.urls import reverse

from exchanges.enums import SurveyQuestionKind
from exchanges.models import Answer, RefereeRequest, SurveyAnswer
from exchanges.services.surveys import survey_answer_clean
from tests.exchanges.views.conftest import questions_of
from tests.factories.surveys import SurveyFactory

pytestmark = pytest.mark.django_db

BAD_TEXTS = ["Research\x00er", "\x00", "a\x01b", "bell\x07", "esc\x1b[0m", "del\x7f"]
CONTROL_ERROR = (
    "This text contains invisible control characters (for example a null byte); "
    "remove them and try again."
)


@pytest.mark.parametrize("bad", BAD_TEXTS)
def test_step_answer_with_control_characters_is_a_form_error(client, draft, bad):
    client.force_login(draft.applicant)
    role, essay, _cv, _note = questions_of(draft.cohort)

    response = client.post(
        reverse("apply:step", args=[draft.pk, 2]),
        {f"q{role.pk}": bad, f"q{essay.pk}": "To build trust.", "action": "next"},
    )

    errors = response.context["form"].errors
    assert response.status_code == 200
    assert list(errors) == [f"q{role.pk}"]
    assert CONTROL_ERROR in errors[f"q{role.pk}"]
    assert dict(Answer.objects.values_list("question_id", "value")) == {essay.pk: "To build trust."}


@pytest.mark.parametrize("bad", BAD_TEXTS)
def test_autosave_with_control_characters_stores_nothing_bad(client, draft, bad):
    client.force_login(draft.applicant)
    role, essay, _cv, _note = questions_of(draft.cohort)

    response = client.post(
        reverse("apply:autosave", args=[draft.pk, 2]),
        {f"q{role.pk}": bad, f"q{essay.pk}": "Kept"},
        HTTP_HX_REQUEST="true",
    )

    assert response.status_code in (200, 400)
    assert dict(Answer.objects.values_list("question_id", "value")) == {essay.pk: "Kept"}


def test_step_tab_and_newlines_are_kept(client, draft):
    client.force_login(draft.applicant)
    role, essay, _cv, _note = questions_of(draft.cohort)

    client.post(
        reverse("apply:step", args=[draft.pk, 2]),
        {f"q{role.pk}": "Researcher", f"q{essay.pk}": "Line one\r\n\tLine two", "action": "next"},
    )

    assert Answer.objects.get(question=essay).value == "Line one\r\n\tLine two"


@pytest.mark.parametrize("variant", [str, str.upper, lambda email: f"  {email}  "])
def test_referee_own_email_is_refused(client, draft, variant):
    client.force_login(draft.applicant)

    response = client.post(
        reverse("apply:referees", args=[draft.pk]),
        {"name": "Me", "language": "en", "email": variant(draft.applicant.email)},
    )

    assert response.status_code == 200
    assert response.context["form"].errors["email"] == [
        "A referee must be someone else: this is your own email address. Ask a teacher, "
        "employer or colleague who knows your work."
    ]
    assert RefereeRequest.objects.count() == 0
    assert mail.outbox == []


def test_referee_secondary_address_of_the_applicant_is_refused(client, draft):
    EmailAddress.objects.create(
        user=draft.applicant, email="second@example.org", verified=True, primary=False
    )
    client.force_login(draft.applicant)

    response = client.post(
        reverse("apply:referees", args=[draft.pk]),
        {"name": "Me", "email": "Second@Example.org", "language": "en"},
    )

    assert "email" in response.context["form"].errors
    assert RefereeRequest.objects.count() == 0


def test_survey_answer_with_control_characters_is_refused():
    survey = SurveyFactory(published=True)
    question = survey.questions.filter(kind=SurveyQuestionKind.OPEN_TEXT).first()

    assert survey_answer_clean(question=question, raw="a\x01b") == (None, CONTROL_ERROR)
    assert SurveyAnswer.objects.count() == 0
