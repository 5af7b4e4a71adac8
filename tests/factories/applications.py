"""Factories for programs, cohorts, forms and applications."""

import datetime as dt

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from exchanges.enums import CohortStatus, ProgramKind, QuestionKind
from exchanges.models import (
    Application,
    ApplicationForm,
    Cohort,
    FormStep,
    Program,
    Question,
)
from tests.factories import ApplicantFactory
from tests.uploads import MINIMAL_PDF  # noqa: F401 -- re-exported: a real one-page PDF


class ProgramFactory(DjangoModelFactory):
    class Meta:
        model = Program
        skip_postgeneration_save = True

    slug = factory.Sequence(lambda n: f"program-{n}")
    name_en = factory.Sequence(lambda n: f"Exchange {n}")
    name_ja = factory.Sequence(lambda n: f"交流 {n}")
    name_ko = factory.Sequence(lambda n: f"교류 {n}")
    kind = ProgramKind.PROFESSIONAL
    countries = ["US", "JP", "KR"]


class CohortFactory(DjangoModelFactory):
    """An open cohort: opened 10 days ago, deadline in 30 days, program 90 days later."""

    class Meta:
        model = Cohort

    program = factory.SubFactory(ProgramFactory)
    slug = factory.Sequence(lambda n: f"cohort-{n}")
    name_en = factory.Sequence(lambda n: f"Cohort {n}")
    name_ja = factory.Sequence(lambda n: f"第{n}期")
    name_ko = factory.Sequence(lambda n: f"제{n}기")
    status = CohortStatus.OPEN
    # Lambdas, not ``timezone.now`` itself, so tests that monkeypatch the clock see it.
    opens_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=10))
    deadline = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=30))
    time_zone = "Asia/Seoul"
    starts_on = factory.LazyAttribute(lambda o: o.deadline.date() + dt.timedelta(days=90))
    ends_on = factory.LazyAttribute(lambda o: o.starts_on + dt.timedelta(days=20))
    host_country = "KR"
    min_age = 18
    max_age = 35


class ApplicationFormFactory(DjangoModelFactory):
    class Meta:
        model = ApplicationForm

    cohort = factory.SubFactory(CohortFactory)


class FormStepFactory(DjangoModelFactory):
    class Meta:
        model = FormStep

    form = factory.SubFactory(ApplicationFormFactory)
    position = factory.Sequence(lambda n: n)
    title_en = factory.Sequence(lambda n: f"Step {n}")
    title_ja = factory.Sequence(lambda n: f"ステップ {n}")
    title_ko = factory.Sequence(lambda n: f"단계 {n}")


class QuestionFactory(DjangoModelFactory):
    class Meta:
        model = Question

    step = factory.SubFactory(FormStepFactory)
    position = factory.Sequence(lambda n: n)
    kind = QuestionKind.SHORT_TEXT
    label_en = factory.Sequence(lambda n: f"Question {n}")
    label_ja = factory.Sequence(lambda n: f"質問 {n}")
    label_ko = factory.Sequence(lambda n: f"질문 {n}")
    required = True


class ApplicationFactory(DjangoModelFactory):
    """A draft with eligible profile data (a 25-year-old Korean citizen living in Korea)."""

    class Meta:
        model = Application

    applicant = factory.SubFactory(ApplicantFactory, country="KR")
    cohort = factory.SubFactory(CohortFactory)
    country = "KR"
    citizenship = "KR"
    residence_country = "KR"
    birth_date = factory.LazyAttribute(
        lambda o: o.cohort.starts_on.replace(year=o.cohort.starts_on.year - 25)
    )
    sector = "academia"
    institution = "Seoul National University"
    languages = factory.LazyFunction(lambda: {"en": "professional", "ko": "native"})
