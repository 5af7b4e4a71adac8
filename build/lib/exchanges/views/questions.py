"""Staff pages of the application-form builder: a cohort's steps and questions, their order
and a preview in each language. Only program managers of the cohort's scope reach them."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from rules.contrib.views import permission_required

from exchanges.enums import QuestionKind
from exchanges.forms.applications import QuestionStepForm
from exchanges.forms.questions import FormStepForm, QuestionForm
from exchanges.models import Cohort, FormStep, Question
from exchanges.selectors.applications import (
    cohorts_visible_to_staff,
    form_steps,
)
from exchanges.services.questions import (
    application_form_get_or_create,
    form_step_move,
    form_step_save,
    question_move,
    question_save,
)

MANAGE_PROGRAMS = "exchanges.manage_programs"


def _cohort(request: HttpRequest, cohort_id: int) -> Cohort:
    return get_object_or_404(cohorts_visible_to_staff(viewer=request.user), pk=cohort_id)


@login_required
@permission_required(MANAGE_PROGRAMS, raise_exception=True)
def form_builder(request: HttpRequest, cohort_id: int) -> HttpResponse:
    cohort = _cohort(request, cohort_id)
    form = application_form_get_or_create(cohort=cohort, actor=request.user)
    step_form = FormStepForm(request.POST or None, instance=FormStep(form=form))
    if request.method == "POST" and step_form.is_valid():
        form_step_save(step=step_form.instance, actor=request.user)
        messages.success(request, _("The step has been added."))
        return redirect("staff:form_builder", cohort_id=cohort.pk)
    return render(
        request,
        "staff/questions/form_builder.html",
        {
            "cohort": cohort,
            "steps": form_steps(cohort=cohort),
            "step_form": step_form,
            "kinds": dict(QuestionKind.choices),
        },
    )


def _builder_step(request: HttpRequest, step_id: int) -> FormStep:
    step = get_object_or_404(FormStep.objects.select_related("form__cohort__program"), pk=step_id)
    _cohort(request, step.form.cohort_id)
    return step


@login_required
@permission_required(MANAGE_PROGRAMS, raise_exception=True)
def step_edit(request: HttpRequest, step_id: int) -> HttpResponse:
    step = _builder_step(request, step_id)
    form = FormStepForm(request.POST or None, instance=step)
    if request.method == "POST" and form.is_valid():
        form_step_save(step=form.instance, actor=request.user)
        messages.success(request, _("The step has been saved."))
        return redirect("staff:form_builder", cohort_id=step.form.cohort_id)
    return render(request, "staff/questions/step_edit.html", {"step": step, "form": form})


@login_required
@permission_required(MANAGE_PROGRAMS, raise_exception=True)
def question_edit(
    request: HttpRequest, step_id: int, question_id: int | None = None
) -> HttpResponse:
    step = _builder_step(request, step_id)
    instance = (
        get_object_or_404(Question, pk=question_id, step=step)
        if question_id
        else Question(step=step)
    )
    form = QuestionForm(request.POST or None, instance=instance, step=step)
    if request.method == "POST" and form.is_valid():
        question = form.save(commit=False)
        question_save(question=question, actor=request.user)
        messages.success(request, _("The question has been saved."))
        return redirect("staff:form_builder", cohort_id=step.form.cohort_id)
    return render(
        request,
        "staff/questions/question_edit.html",
        {"step": step, "form": form, "question": instance},
    )


@login_required
@permission_required(MANAGE_PROGRAMS, raise_exception=True)
@require_POST
def question_reorder(request: HttpRequest, question_id: int) -> HttpResponse:
    question = get_object_or_404(Question.objects.select_related("step__form"), pk=question_id)
    _cohort(request, question.step.form.cohort_id)
    question_move(
        question=question,
        direction=-1 if request.POST.get("direction") == "up" else 1,
        actor=request.user,
    )
    return redirect("staff:form_builder", cohort_id=question.step.form.cohort_id)


@login_required
@permission_required(MANAGE_PROGRAMS, raise_exception=True)
@require_POST
def step_reorder(request: HttpRequest, step_id: int) -> HttpResponse:
    step = _builder_step(request, step_id)
    form_step_move(
        step=step, direction=-1 if request.POST.get("direction") == "up" else 1, actor=request.user
    )
    return redirect("staff:form_builder", cohort_id=step.form.cohort_id)


@login_required
@permission_required(MANAGE_PROGRAMS, raise_exception=True)
def step_preview(request: HttpRequest, step_id: int) -> HttpResponse:
    """The step as an applicant sees it, in the language chosen with ``?lang=``."""
    step = _builder_step(request, step_id)
    language = request.GET.get("lang", "en")
    if language not in {"en", "ja", "ko"}:
        language = "en"
    questions = list(step.questions.order_by("position", "id"))
    with translation.override(language):
        form = QuestionStepForm(questions=questions, answers={}, language=language)
        title = getattr(step, f"title_{language}") or step.title_en
        return render(
            request,
            "staff/questions/step_preview.html",
            {
                "step": step,
                "form": form,
                "preview_language": language,
                "title": title,
                "intro": getattr(step, f"intro_{language}") or step.intro_en,
                "languages": [("en", "English"), ("ja", "日本語"), ("ko", "한국어")],
            },
        )
