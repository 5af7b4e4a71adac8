"""The applicant journey in Chromium, in Korean and in Japanese, with axe checks.

Registration, email confirmation, a form left after step 1 and resumed, a PDF upload, a
referee request, submission and the confirmation email (locmem ``mail.outbox``, which the
live server thread shares with the test).
"""

import datetime as dt
import re

import pytest
from django.core import mail
from django.utils import timezone, translation

from exchanges.enums import ApplicationStatus, QuestionKind, RefereeStatus
from exchanges.models import Application, OutgoingMail, RefereeRequest
from tests.e2e.browser import assert_accessible
from tests.factories.applications import (
    MINIMAL_PDF,
    CohortFactory,
    FormStepFactory,
    QuestionFactory,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
PASSWORD = "seoul-tokyo-bridge-2027"


@pytest.fixture(autouse=True)
def _allow_allauth_email_lookups(settings):
    # allauth's email confirmation view looks EmailAddress rows up one by one (outside this
    # project's code); django-zeal would turn that into a 500 in the live server.
    settings.ZEAL_ALLOWLIST = [{"model": "account.EmailAddress"}]


@pytest.fixture
def call(transactional_db):
    cohort = CohortFactory(
        name_en="2027 Summer, hosted in Seoul",
        name_ja="2027年夏 ソウル開催",
        name_ko="2027년 여름 서울 개최",
        deadline=timezone.now() + dt.timedelta(days=20),
        min_age=18,
        max_age=35,
    )
    motivation = FormStepFactory(
        form__cohort=cohort,
        position=1,
        title_en="Motivation",
        title_ja="志望動機",
        title_ko="지원 동기",
    )
    QuestionFactory(
        step=motivation,
        position=1,
        label_en="Current role",
        label_ja="現在の役職",
        label_ko="현재 직책",
    )
    QuestionFactory(
        step=motivation,
        position=2,
        kind=QuestionKind.LONG_TEXT,
        max_words=300,
        label_en="Why do you want to take part?",
        label_ja="参加したい理由",
        label_ko="참가하고 싶은 이유",
    )
    documents = FormStepFactory(
        form=motivation.form, position=2, title_en="Documents", title_ja="書類", title_ko="서류"
    )
    QuestionFactory(
        step=documents,
        position=1,
        kind=QuestionKind.FILE,
        document_kind="cv",
        label_en="CV",
        label_ja="履歴書",
        label_ko="이력서",
    )
    QuestionFactory(
        step=documents,
        position=2,
        kind=QuestionKind.CONSENT,
        label_en="I agree to the privacy notice",
        label_ja="個人情報の取り扱いに同意します",
        label_ko="개인정보 처리에 동의합니다",
    )
    return cohort


def register(page, *, email, given, family, local, language, country, tz):
    page.goto("/accounts/signup/")
    page.fill("input[name=email]", email)
    page.fill("input[name=password1]", PASSWORD)
    page.fill("input[name=password2]", PASSWORD)
    page.fill("input[name=given_name]", given)
    page.fill("input[name=family_name]", family)
    page.fill("input[name=local_name]", local)
    page.select_option("select[name=preferred_language]", language)
    page.select_option("select[name=country]", country)
    page.select_option("select[name=time_zone]", tz)
    page.locator("form button[type=submit]").last.click()
    page.wait_for_load_state()
    message = next(m for m in reversed(mail.outbox) if m.to == [email])
    link = re.search(r"/accounts/confirm-email/[A-Za-z0-9:_-]+/", message.body).group(0)
    page.goto(link)
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_load_state()


def fill_profile(page, *, country, japanese, korean):
    page.fill("input[name=birth_date]", "1998-05-04")
    page.select_option("select[name=citizenship]", country)
    page.select_option("select[name=residence_country]", country)
    page.select_option("select[name=english_level]", "professional")
    page.select_option("select[name=japanese_level]", japanese)
    page.select_option("select[name=korean_level]", korean)
    page.select_option("select[name=sector]", "academia")
    page.fill(
        "input[name=institution]", "Yonsei University" if country == "KR" else "Kyoto University"
    )


def run_journey(
    page,
    call,
    *,
    email,
    language,
    country,
    local,
    given,
    family,
    tz,
    japanese,
    korean,
    with_referee,
):
    register(
        page,
        email=email,
        given=given,
        family=family,
        local=local,
        language=language,
        country=country,
        tz=tz,
    )
    page.goto("/calls/")
    assert_accessible(page)
    page.locator(f"a[href='/calls/{call.pk}/']").click()
    page.locator(f"form[action='/calls/{call.pk}/apply/'] button").click()
    page.wait_for_url(re.compile(r"/applications/\d+/step/1/$"))
    application = Application.objects.get(applicant__email=email)
    assert_accessible(page)

    fill_profile(page, country=country, japanese=japanese, korean=korean)
    page.locator("button[name=action][value=next]").click()
    page.wait_for_url(re.compile(r"/step/2/$"))

    # Leave after step 1 and come back: the answers are still there.
    page.goto("/")
    page.goto("/applications/")
    page.locator(f"a[href='/applications/{application.pk}/step/1/']").click()
    assert page.input_value("input[name=birth_date]") == "1998-05-04"
    assert page.input_value("select[name=citizenship]") == country
    assert page.input_value("input[name=institution]") in {"Yonsei University", "Kyoto University"}
    page.locator("button[name=action][value=next]").click()
    page.wait_for_url(re.compile(r"/step/2/$"))
    assert_accessible(page)

    questions = {q.label_en: q for step in call.form.steps.all() for q in step.questions.all()}
    page.fill(f"input[name=q{questions['Current role'].pk}]", "Researcher")
    essay = f"textarea[name=q{questions['Why do you want to take part?'].pk}]"
    page.fill(essay, "")
    page.locator(essay).press_sequentially("Trust across borders")
    page.wait_for_selector("#autosave-status:not(:empty)")
    page.locator("button[name=action][value=next]").click()
    page.wait_for_url(re.compile(r"/step/3/$"))
    assert_accessible(page)

    page.set_input_files(
        f"input[name=q{questions['CV'].pk}]",
        files=[{"name": "cv.pdf", "mimeType": "application/pdf", "buffer": MINIMAL_PDF}],
    )
    page.check(f"input[name=q{questions['I agree to the privacy notice'].pk}]")
    page.locator("button[name=action][value=next]").click()
    page.wait_for_url(re.compile(r"/review/$"))
    assert_accessible(page)

    if with_referee:
        page.goto(f"/applications/{application.pk}/referees/")
        page.fill("input[name=name]", "Prof. Lee Jiwon")
        page.fill("input[name=email]", "jiwon.lee@example.ac.kr")
        page.select_option("select[name=language]", language)
        page.locator("main form button[type=submit]").click()
        page.wait_for_load_state()
        assert RefereeRequest.objects.filter(application=application).count() == 1
        with translation.override(language):
            waiting = str(RefereeStatus.PENDING.label)
        assert page.locator("td.referee-status").inner_text() == waiting
        page.goto(f"/applications/{application.pk}/review/")

    mail.outbox.clear()
    page.locator("form.submit-once button[type=submit]").click()
    page.wait_for_url(re.compile(rf"/applications/{application.pk}/$"))
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED
    with translation.override(language):
        submitted = str(ApplicationStatus.SUBMITTED.label)
    assert page.inner_text("#application-status") == submitted
    assert_accessible(page)
    return application


@pytest.fixture
def browser_context_args():
    return {
        "locale": "ko-KR",
        "timezone_id": "Asia/Seoul",
        "viewport": {"width": 1280, "height": 900},
    }


def test_korean_applicant_journey(page, call):
    application = run_journey(
        page,
        call,
        email="minjun.kim@example.kr",
        language="ko",
        country="KR",
        local="김민준",
        given="Minjun",
        family="Kim",
        tz="Asia/Seoul",
        japanese="basic",
        korean="native",
        with_referee=True,
    )

    assert [(m.to, m.subject) for m in mail.outbox] == [
        (["minjun.kim@example.kr"], f"{call.program.name_ko} 지원서가 접수되었습니다")
    ]
    assert list(
        OutgoingMail.objects.filter(template_key="application_received").values_list(
            "recipient_email", "status"
        )
    ) == [("minjun.kim@example.kr", "sent")]
    assert mail.outbox[0].body.startswith("김민준님, 안녕하십니까.\n\n")
    assert application.documents.get().original_name == "cv.pdf"


def test_japanese_applicant_journey(page, call):
    run_journey(
        page,
        call,
        email="yui.tanaka@example.jp",
        language="ja",
        country="JP",
        local="田中結衣",
        given="Yui",
        family="Tanaka",
        tz="Asia/Tokyo",
        japanese="native",
        korean="basic",
        with_referee=False,
    )

    assert [(m.to, m.subject) for m in mail.outbox] == [
        (["yui.tanaka@example.jp"], f"{call.program.name_ja}へのご応募を受け付けました")
    ]
    assert mail.outbox[0].body.startswith("田中結衣 様\n\n")
