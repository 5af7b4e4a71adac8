"""Factories for programs, cohorts, forms and applications."""

import datetime as dt

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from exchanges.enums import ApplicationStatus, CohortStatus, ProgramKind, QuestionKind
from exchanges.models import (
    Answer,
    Application,
    ApplicationForm,
    Cohort,
    CohortQuota,
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
    """An open cohort: opened 10 days ago, deadline in 30 days, program 90 days later.

    ``with_quota=True`` adds one quota row (``CohortQuotaFactory``: Korea, 5 seats); set it with
    ``quota__seats``, ``quota__waitlist_size`` and ``quota__country``.
    """

    class Meta:
        model = Cohort
        skip_postgeneration_save = True

    class Params:
        with_quota = factory.Trait(
            quota=factory.RelatedFactory(
                "tests.factories.applications.CohortQuotaFactory", factory_related_name="cohort"
            )
        )

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


class LeadersProgramFactory(ProgramFactory):
    """The Leaders Exchange: one program of that slug per database, fetched if it exists."""

    class Meta:
        django_get_or_create = ("slug",)

    slug = "leaders"
    name_en = "Leaders Exchange"
    name_ja = "リーダー交流"
    name_ko = "리더 교류"


class LeadersCohortFactory(CohortFactory):
    """The 2027 summer cohort of the Leaders Exchange (1 to 20 July 2027, hosted in Korea):
    open since yesterday, deadline in 30 days, no age limits."""

    program = factory.SubFactory(LeadersProgramFactory)
    slug = "2027-summer"
    name_en = "2027 Summer"
    name_ja = "2027年夏"
    name_ko = "2027년 여름"
    opens_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=1))
    starts_on = dt.date(2027, 7, 1)
    ends_on = dt.date(2027, 7, 20)
    min_age = None
    max_age = None


class CohortQuotaFactory(DjangoModelFactory):
    """Seats for Korea, the country of ``ApplicationFactory``'s applicants; no waiting list
    limit (the model's default)."""

    class Meta:
        model = CohortQuota

    cohort = factory.SubFactory(CohortFactory)
    country = "KR"
    seats = 5


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
    """A draft with eligible profile data (a 25-year-old Korean citizen living in Korea).

    ``from_country="US"`` makes the applicant, the quota country, the citizenship and the
    residence American instead. Traits:

    - ``submitted=True``: status submitted, submitted now;
    - ``accepted=True``: status accepted with an open offer (respond within 14 days).

    ``answers=[(question, value), ...]`` saves those answers of the application form.
    """

    class Meta:
        model = Application
        skip_postgeneration_save = True

    class Params:
        from_country = "KR"
        submitted = factory.Trait(
            status=ApplicationStatus.SUBMITTED,
            # Looked up on use, so tests that monkeypatch the clock see it.
            submitted_at=factory.LazyAttribute(lambda _application: timezone.now()),
        )
        accepted = factory.Trait(
            status=ApplicationStatus.ACCEPTED,
            offer_respond_by=factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=14)),
        )

    applicant = factory.SubFactory(
        ApplicantFactory, country=factory.SelfAttribute("..from_country")
    )
    cohort = factory.SubFactory(CohortFactory)
    country = factory.SelfAttribute("from_country")
    citizenship = factory.SelfAttribute("from_country")
    residence_country = factory.SelfAttribute("from_country")
    birth_date = factory.LazyAttribute(
        lambda o: o.cohort.starts_on.replace(year=o.cohort.starts_on.year - 25)
    )
    sector = "academia"
    institution = "Seoul National University"
    # Consented to sharing with partner organisations (the apply form's choice): partner
    # staff and keys see it. Tests of the refusal set it False.
    shares_with_partners = True
    languages = factory.LazyFunction(lambda: {"en": "professional", "ko": "native"})

    @factory.post_generation
    def answers(obj, create, extracted, **kwargs):
        if create and extracted:
            for question, value in extracted:
                Answer.objects.create(application=obj, question=question, value=value)
