"""Fixtures for the exchanges tests: a program with an open cohort."""

import datetime as dt

import pytest
from django.utils import timezone

from exchanges.enums import CohortStatus, Country, ProgramKind
from exchanges.models import Cohort, Program


def make_cohort(*, slug: str = "2027-summer") -> Cohort:
    program, _created = Program.objects.get_or_create(
        slug="leaders",
        defaults={
            "name_en": "Leaders Exchange",
            "name_ja": "リーダー交流",
            "name_ko": "리더 교류",
            "kind": ProgramKind.PROFESSIONAL,
            "countries": [Country.US, Country.JP, Country.KR],
        },
    )
    now = timezone.now()
    return Cohort.objects.create(
        program=program,
        slug=slug,
        name_en="2027 Summer",
        name_ja="2027年夏",
        name_ko="2027년 여름",
        status=CohortStatus.OPEN,
        opens_at=now - dt.timedelta(days=1),
        deadline=now + dt.timedelta(days=30),
        starts_on=dt.date(2027, 7, 1),
        ends_on=dt.date(2027, 7, 20),
        host_country=Country.KR,
    )


@pytest.fixture
def cohort(db):
    return make_cohort()
