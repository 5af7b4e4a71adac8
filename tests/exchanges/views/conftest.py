import pytest

from exchanges.enums import QuestionKind
from tests.factories.applications import (
    ApplicationFactory,
    CohortFactory,
    FormStepFactory,
    QuestionFactory,
)


@pytest.fixture
def form_cohort(db):
    """An open cohort with a two-step form: a text and an essay, then a CV upload."""
    cohort = CohortFactory()
    first = FormStepFactory(form__cohort=cohort, position=1, title_en="Motivation")
    second = FormStepFactory(form=first.form, position=2, title_en="Documents")
    QuestionFactory(step=first, position=1, label_en="Current role")
    QuestionFactory(
        step=first,
        position=2,
        kind=QuestionKind.LONG_TEXT,
        max_words=200,
        label_en="Why do you want to take part?",
    )
    QuestionFactory(
        step=second, position=1, kind=QuestionKind.FILE, document_kind="cv", label_en="CV"
    )
    QuestionFactory(step=second, position=2, label_en="Referee note", required=False)
    return cohort


@pytest.fixture
def draft(form_cohort, applicant):
    return ApplicationFactory(cohort=form_cohort, applicant=applicant)


def questions_of(cohort):
    return [
        q
        for step in cohort.form.steps.order_by("position")
        for q in step.questions.order_by("position")
    ]
