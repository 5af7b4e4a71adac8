"""Pages show words in the viewer's language, never codes, Python values or log names."""

import datetime as dt
import re
import zoneinfo
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import translation

from exchanges.activity_types import ACTIVITY_TYPES, Activity
from exchanges.enums import ApplicationStatus, QuestionKind
from exchanges.formatting import deadline_text
from exchanges.services.activity import activity_log_record
from tests.conftest import with_mfa
from tests.factories import SecretariatFactory
from tests.factories.applications import ApplicationFactory, FormStepFactory, QuestionFactory

pytestmark = pytest.mark.django_db

OPTIONS = [
    {"value": "security", "en": "Security", "ja": "安全保障", "ko": "안보"},
    {"value": "climate", "en": "Climate", "ja": "気候", "ko": "기후"},
]


@pytest.fixture
def detailed_application(cohort):
    step = FormStepFactory(form__cohort=cohort, position=1)
    topics = QuestionFactory(
        step=step, kind=QuestionKind.MULTIPLE_CHOICE, options=OPTIONS, label_en="Topics"
    )
    consent = QuestionFactory(step=step, kind=QuestionKind.CONSENT, label_en="Consent")
    application = ApplicationFactory(
        cohort=cohort,
        status=ApplicationStatus.SUBMITTED,
        country="JP",
        citizenship="JP",
        residence_country="KR",
        languages={"en": "professional", "ja": "native", "ko": "none"},
        answers=[(topics, ["security", "climate"]), (consent, True)],
    )
    activity_log_record(actor=None, obj=application, action_type="exchanges.application.started")
    return application


@pytest.mark.parametrize(
    "case",
    [
        (
            "en",
            [
                "Japan",
                "South Korea",
                "Security, Climate",
                "Yes",
                "English: Professional",
                "Japanese: Native or bilingual",
                "Application started",
            ],
            [
                "['security', 'climate']",
                "True",
                "en: professional",
                "exchanges.application.started",
                ">JP<",
                "citizenship JP",
            ],
        ),
        (
            "ja",
            ["日本", "安全保障, 気候", "はい", "英語"],
            ["English (", "exchanges.application.started", "['security'"],
        ),
        ("ko", ["일본", "안보, 기후", "영어"], ["English", "exchanges.application.started"]),
    ],
)
def test_staff_application_detail_shows_labels(client, secretariat, detailed_application, case):
    language, words, absent = case
    secretariat.preferred_language = language
    secretariat.save(update_fields=["preferred_language"])
    client.force_login(secretariat)

    page = client.get(reverse("staff:application", args=[detailed_application.pk]))

    body = page.content.decode()
    for word in words:
        assert word in body, word
    for raw in absent:
        assert raw not in body, raw


@pytest.mark.parametrize(
    "case",
    [
        ("en", "Application started", "Offer deadline changed"),
        ("ja", "応募開始", "オファーの回答期限を変更"),
        ("ko", "지원서 작성 시작", "제안 응답 기한 변경"),
    ],
)
def test_staff_timeline_shows_the_registry_label(client, secretariat, detailed_application, case):
    language, started, deadline_changed = case
    activity_log_record(
        actor=None,
        obj=detailed_application,
        action_type=Activity.APPLICATION_OFFER_DEADLINE_CHANGED,
    )
    secretariat.preferred_language = language
    secretariat.save(update_fields=["preferred_language"])
    client.force_login(secretariat)

    body = client.get(reverse("staff:application", args=[detailed_application.pk])).content
    body = body.decode()

    assert body.count(f" · {started}</li>") == 1
    assert body.count(f" · {deadline_changed}</li>") == 1
    assert "exchanges.application.offer_deadline_changed" not in body


@pytest.mark.parametrize(
    "case", [("en", "Application started"), ("ja", "応募開始"), ("ko", "지원서 작성 시작")]
)
def test_admin_activity_list_shows_the_registry_label(client, detailed_application, case):
    language, label = case
    root = with_mfa(SecretariatFactory(is_superuser=True, preferred_language=language))
    client.force_login(root)

    body = client.get(reverse("admin:exchanges_activitylog_changelist")).content.decode()

    assert body.count(f'<td class="field-label">{label}</td>') == 1


def test_the_code_names_action_types_through_the_registry():

    root = Path(__file__).resolve().parents[3]
    bare = re.compile(r"action_type=\s*f?[\"']")
    offenders = [
        f"{path.relative_to(root)}:{number}"
        for path in [
            *root.glob("exchanges/**/*.py"),
            *root.glob("accounts/**/*.py"),
            *root.glob("api/**/*.py"),
        ]
        # The demo writes its back-dated history rows itself (exchanges/demo/).
        if "demo" not in path.relative_to(root).parts
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if bare.search(line)
    ]

    assert offenders == []


def test_every_action_type_in_the_code_is_declared():

    root = Path(__file__).resolve().parents[3]
    literal = re.compile(r'action_type=\s*"((?:exchanges|accounts|api)\.[a-z_.]*[a-z_])"')
    prefix = re.compile(r'action_type=\s*"((?:exchanges|accounts|api)\.[a-z_.]+\.)"\s*\+')
    used, prefixes = set(), set()
    for path in [
        *root.glob("exchanges/**/*.py"),
        *root.glob("accounts/**/*.py"),
        *root.glob("api/**/*.py"),
    ]:
        text = path.read_text()
        used |= set(literal.findall(text))
        prefixes |= set(prefix.findall(text))

    assert sorted(used - set(ACTIVITY_TYPES)) == []
    assert all(any(name.startswith(p) for name in ACTIVITY_TYPES) for p in prefixes)
    assert {f"exchanges.application.{s}" for s in ApplicationStatus.values} <= set(ACTIVITY_TYPES)


def test_korean_times_put_the_half_of_day_first():
    moment = dt.datetime(2027, 3, 17, 14, 30, tzinfo=zoneinfo.ZoneInfo("Asia/Seoul"))

    with translation.override("ko"):
        text = deadline_text(moment, "Asia/Seoul")

    assert text == "2027년 3월 17일 오후 2:30"


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "March 17, 2027, 11:59 p.m."),
        ("ja", "2027年3月17日23:59"),
        ("ko", "2027년 3월 17일 오후 11:59"),
    ],
)
def test_deadline_at_midnight_reads_as_the_end_of_the_day_before(language, expected):
    midnight = dt.datetime(2027, 3, 18, 0, 0, tzinfo=zoneinfo.ZoneInfo("Asia/Seoul"))

    with translation.override(language):
        text = deadline_text(midnight, "Asia/Seoul")

    assert text == expected


def test_call_page_deadline_at_midnight_in_korean(client, cohort):
    cohort.deadline = dt.datetime(2027, 3, 18, 0, 0, tzinfo=zoneinfo.ZoneInfo("Asia/Seoul"))
    cohort.time_zone = "Asia/Seoul"
    cohort.save(update_fields=["deadline", "time_zone"])

    page = client.get(reverse("apply:calls"), HTTP_ACCEPT_LANGUAGE="ko").content.decode()

    assert "2027년 3월 17일 오후 11:59" in page
    assert "3월 18일" not in page
