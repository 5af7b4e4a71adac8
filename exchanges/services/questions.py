"""Writing application forms: the form builder's steps and questions."""

from django.db import transaction
from django.db.models import Max

from exchanges.activity_types import Activity
from exchanges.models import ApplicationForm, Cohort, FormStep, Question
from exchanges.services.activity import activity_log_record


@transaction.atomic
def application_form_get_or_create(*, cohort: Cohort, actor) -> ApplicationForm:
    form, created = ApplicationForm.objects.get_or_create(cohort=cohort)
    if created:
        activity_log_record(actor=actor, obj=form, action_type=Activity.FORM_CREATED)
    return form


@transaction.atomic
def form_step_save(*, step: FormStep, actor) -> FormStep:
    """Save a new or edited step; a new one goes last."""
    if step.pk is None:
        last = FormStep.objects.filter(form=step.form).aggregate(m=Max("position"))["m"]
        step.position = (last or 0) + 1
    step.save()
    activity_log_record(
        actor=actor, obj=step.form, action_type=Activity.FORM_STEP_SAVED, data={"step": step.pk}
    )
    return step


@transaction.atomic
def question_save(*, question: Question, actor) -> Question:
    """Save a new or edited question; a new one goes last in its step.

    Raises ``ValidationError`` for a checkbox asking again for the consent to share with
    partner organisations (``Question.clean``), whoever calls."""
    question.clean()
    if question.pk is None:
        last = Question.objects.filter(step=question.step).aggregate(m=Max("position"))["m"]
        question.position = (last or 0) + 1
    question.save()
    activity_log_record(
        actor=actor,
        obj=question.step.form,
        action_type=Activity.FORM_QUESTION_SAVED,
        data={"question": question.pk},
    )
    return question


def _swap(items: list, index: int, direction: int) -> list:
    target = index + direction
    if 0 <= target < len(items):
        items[index], items[target] = items[target], items[index]
    return items


@transaction.atomic
def question_move(*, question: Question, direction: int, actor) -> None:
    """Move a question one place up (-1) or down (+1) within its step; positions are
    renumbered 1..n so they stay dense."""
    siblings = list(
        Question.objects.select_for_update().filter(step=question.step).order_by("position", "id")
    )
    index = next(i for i, q in enumerate(siblings) if q.pk == question.pk)
    for position, item in enumerate(_swap(siblings, index, direction), start=1):
        item.position = position
    Question.objects.bulk_update(siblings, ["position"])
    activity_log_record(
        actor=actor,
        obj=question.step.form,
        action_type=Activity.FORM_QUESTION_MOVED,
        data={"question": question.pk, "direction": direction},
    )


@transaction.atomic
def form_step_move(*, step: FormStep, direction: int, actor) -> None:
    siblings = list(
        FormStep.objects.select_for_update().filter(form=step.form).order_by("position", "id")
    )
    index = next(i for i, s in enumerate(siblings) if s.pk == step.pk)
    for position, item in enumerate(_swap(siblings, index, direction), start=1):
        item.position = position
    FormStep.objects.bulk_update(siblings, ["position"])
    activity_log_record(
        actor=actor,
        obj=step.form,
        action_type=Activity.FORM_STEP_MOVED,
        data={"step": step.pk, "direction": direction},
    )
