"""Survey pages: the respondent's private link and the staff pages (permissions, editing,
publishing, response rates, CSV export and query counts)."""

import csv
import datetime as dt
import io
import zoneinfo

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from exchanges.enums import SurveyKind, SurveyStatus
from exchanges.exceptions import SurveyNotOpen
from exchanges.models import Application, Survey, SurveyAnswer, SurveyInvitation, SurveyResponse
from exchanges.services.surveys import (
    survey_invitation_send,
    survey_invitation_token,
    survey_questions_for,
    survey_respondent_id,
    survey_response_submit,
)
from tests.conftest import with_mfa
from tests.factories import ApplicantFactory, PartnerStaffFactory
from tests.factories.applications import CohortFactory
from tests.factories.surveys import SurveyFactory, SurveyInvitationFactory

pytestmark = pytest.mark.django_db


def _link(invited) -> str:
    return reverse("apply:survey", kwargs={"token": survey_invitation_token(invitation=invited)})


def _post_data(survey, country="KR", **by_code) -> dict:
    values = {"thermometer": "60", "likert": "4", "nps": "8", "open_text": ""}
    data = {
        q.field_name: values[q.kind] for q in survey_questions_for(survey=survey, country=country)
    }
    for code, value in by_code.items():
        data[survey.questions.get(code=code).field_name] = value
    return data


def _answer(survey, invited, **by_code):
    data = {
        int(name[1:]): value
        for name, value in _post_data(survey, invited.country, **by_code).items()
    }
    return survey_response_submit(invitation=invited, data=data, language="en")


@pytest.fixture
def survey(db):
    return SurveyFactory(published=True)


# --- The respondent's page ------------------------------------------------------------------


def test_link_opens_without_login_in_the_respondents_language(client, survey):
    invited = SurveyInvitationFactory(
        survey=survey,
        country="KR",
        application__applicant__preferred_language="ko",
        application__applicant__time_zone="Asia/Seoul",
    )
    closes = timezone.localtime(survey.closes_at, zoneinfo.ZoneInfo("Asia/Seoul"))

    response = client.get(_link(invited))

    content = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="ko">' in content
    assert '<h1 class="h2">프로그램 사후 설문</h1>' in content
    assert "일본 사람들에 대해" in content
    assert f"{closes.year}년 {closes.month}월 {closes.day}일" in content
    assert "(Asia/Seoul)" in content
    assert "한국 사람들에 대해" not in content  # never about their own country
    assert [row["question"].code for row in response.context["rows"]][:2] == [
        "thermometer-US",
        "thermometer-JP",
    ]


def test_anonymous_visitor_who_chose_a_language_gets_it(client, survey):
    invited = SurveyInvitationFactory(
        survey=survey, country="KR", application__applicant__preferred_language="ko"
    )
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ja"

    content = client.get(_link(invited), HTTP_ACCEPT_LANGUAGE="ja").content.decode()

    assert '<html lang="ja">' in content
    assert "プログラム事後アンケート" in content


def test_scales_are_fieldsets_and_thermometers_labelled_number_inputs(client, survey):
    invited = SurveyInvitationFactory(
        survey=survey, country="JP", application__applicant__preferred_language="en"
    )
    trust = survey.questions.get(code="trust-people")
    korea = survey.questions.get(code="thermometer-KR")

    content = client.get(_link(invited)).content.decode()

    assert '<legend class="fs-6 fw-semibold">4. I trust people from the other' in content
    assert (
        f'<label class="form-check-label" for="id_{trust.field_name}_4">Strongly agree</label>'
    ) in content
    assert f'<label class="form-label fw-semibold" for="id_{korea.field_name}">' in content
    assert (
        f'<input type="number" name="{korea.field_name}" id="id_{korea.field_name}" '
        'value="" min="0" max="100"'
    ) in content
    assert "Give a number from 0 to 100 for South Korea" in content


def test_invalid_answers_keep_everything_typed_and_say_what_is_wrong(client, survey):
    invited = SurveyInvitationFactory(
        survey=survey, application__applicant__preferred_language="en"
    )
    data = _post_data(
        survey, **{"thermometer-JP": "150", "nps": "", "open-valuable": "The home stay in Osaka"}
    )

    response = client.post(_link(invited), data)

    content = response.content.decode()
    form = response.context["form"]
    assert response.status_code == 200
    assert form.errors == {
        survey.questions.get(code="thermometer-JP").field_name: [
            "Enter a whole number from 0 to 100."
        ],
        survey.questions.get(code="nps").field_name: ["Please answer this question."],
    }
    assert "2 answers need your attention." in content
    # The summary takes the focus so that a screen reader starts there.
    assert (
        '<div class="alert alert-danger" role="alert" id="survey-errors" tabindex="-1" autofocus>'
    ) in content
    assert "The home stay in Osaka</textarea>" in content
    assert 'value="150"' in content
    assert SurveyResponse.objects.count() == 0


def test_answers_are_stored_for_the_invited_person_even_if_someone_else_is_signed_in(
    client, survey, applicant
):
    invited = SurveyInvitationFactory(survey=survey, country="KR")
    client.force_login(applicant)

    submitted = client.post(_link(invited), _post_data(survey, nps="10"))
    again = client.get(_link(invited))

    response = SurveyResponse.objects.get()
    assert (submitted.status_code, submitted["Location"]) == (302, _link(invited))
    assert (response.application_id, response.country) == (invited.application_id, "KR")
    assert SurveyAnswer.objects.get(response=response, question__code="nps").value == 10
    assert again.templates[0].name == "surveys/thanks.html"
    assert client.post(_link(invited), _post_data(survey)).templates[0].name == (
        "surveys/thanks.html"
    )
    assert SurveyResponse.objects.count() == 1


def test_tampered_or_unknown_link_is_a_clear_404(client, survey):
    invited = SurveyInvitationFactory(survey=survey)
    token = survey_invitation_token(invitation=invited)

    tampered = client.get(reverse("apply:survey", kwargs={"token": token[:-2] + "xx"}))
    unknown = client.get(reverse("apply:survey", kwargs={"token": "abc:def"}))

    assert (tampered.status_code, unknown.status_code) == (404, 404)
    assert tampered.templates[0].name == "surveys/invalid.html"
    assert "This survey link is not valid" in tampered.content.decode()


def _invited_days_ago(survey, days: int):
    """An invitation whose email was queued ``days`` ago, through the service."""
    sent = timezone.now() - dt.timedelta(days=days)
    invited = SurveyInvitationFactory(survey=survey, invited_at=None, created_at=sent)
    survey_invitation_send(invitation=invited, now=sent)
    invited.refresh_from_db()
    return invited


def test_link_expires_the_configured_days_after_the_invitation(client, settings):
    settings.SURVEY_LINK_DAYS = 30
    survey = SurveyFactory(
        published=True,
        opens_at=timezone.now() - dt.timedelta(days=40),
        closes_at=timezone.now() + dt.timedelta(days=10),
    )
    fresh = _invited_days_ago(survey, 29)
    expired = _invited_days_ago(survey, 31)

    works = client.get(_link(fresh))
    refused = client.get(_link(expired))
    posted = client.post(_link(expired), _post_data(survey))

    assert fresh.link_expires_at == fresh.invited_at + dt.timedelta(days=30)
    assert (works.status_code, works.templates[0].name) == (200, "surveys/respond.html")
    assert (refused.status_code, refused.templates[0].name) == (410, "surveys/link_expired.html")
    assert "ask the secretariat for a new link" in refused.content.decode()
    assert survey.title not in refused.content.decode()
    assert posted.status_code == 410
    assert SurveyResponse.objects.count() == 0


def test_expired_link_page_is_translated(client, survey):
    invited = _invited_days_ago(survey, 0)
    SurveyInvitation.objects.filter(pk=invited.pk).update(link_expires_at=timezone.now())
    invited.application.applicant.preferred_language = "ja"
    invited.application.applicant.save(update_fields=["preferred_language"])

    response = client.get(_link(invited))

    assert response.status_code == 410
    assert "このアンケートのリンクは有効期限が切れています" in response.content.decode()


def test_expired_link_still_opens_for_the_respondent_signed_in(client, survey):
    invited = _invited_days_ago(survey, 0)
    SurveyInvitation.objects.filter(pk=invited.pk).update(link_expires_at=timezone.now())
    other = ApplicantFactory()

    client.force_login(other)
    stranger = client.get(_link(invited))
    client.force_login(invited.application.applicant)
    owner = client.get(_link(invited))

    assert stranger.status_code == 410
    assert (owner.status_code, owner.templates[0].name) == (200, "surveys/respond.html")


def test_link_of_an_invitation_emailed_before_expiry_was_stored_counts_from_invited_at(
    client, survey, settings
):
    settings.SURVEY_LINK_DAYS = 7
    old = SurveyInvitationFactory(
        survey=survey, invited_at=timezone.now() - dt.timedelta(days=8), link_expires_at=None
    )
    recent = SurveyInvitationFactory(
        survey=survey, invited_at=timezone.now() - dt.timedelta(days=6), link_expires_at=None
    )

    assert [client.get(_link(old)).status_code, client.get(_link(recent)).status_code] == [
        410,
        200,
    ]


def test_closed_or_not_yet_open_survey_shows_a_polite_page(client):
    now = timezone.now()
    closed = SurveyFactory(
        opens_at=now - dt.timedelta(days=9), closes_at=now - dt.timedelta(days=1), published=True
    )
    scheduled = SurveyFactory(
        opens_at=now + dt.timedelta(days=1), closes_at=now + dt.timedelta(days=9), published=True
    )

    closed_page = client.get(
        _link(
            SurveyInvitationFactory(survey=closed, application__applicant__preferred_language="en")
        )
    )
    scheduled_page = client.get(
        _link(
            SurveyInvitationFactory(
                survey=scheduled, application__applicant__preferred_language="en"
            )
        )
    )
    posted = client.post(_link(SurveyInvitationFactory(survey=closed)), {})

    assert closed_page.status_code == 200
    assert "This survey is now closed" in closed_page.content.decode()
    assert "This survey is not open yet" in scheduled_page.content.decode()
    assert posted.templates[0].name == "surveys/closed.html"
    assert SurveyResponse.objects.count() == 0


def test_link_closes_for_someone_who_left_the_audience(client, survey):
    invited = SurveyInvitationFactory(
        survey=survey, application__applicant__preferred_language="en"
    )
    Application.objects.filter(pk=invited.application_id).update(status="withdrawn")

    page = client.get(_link(invited))
    posted = client.post(_link(invited), {})

    assert "This survey is now closed" in page.content.decode()
    assert posted.templates[0].name == "surveys/closed.html"
    assert SurveyResponse.objects.count() == 0


def test_status_page_links_open_surveys_of_the_application(client, survey):
    invited = SurveyInvitationFactory(survey=survey)
    answered = SurveyInvitationFactory(
        survey=SurveyFactory(cohort=survey.cohort, kind=SurveyKind.PRE_PROGRAM, published=True)
    )
    client.force_login(invited.application.applicant)

    content = client.get(invited.application.get_absolute_url()).content.decode()
    _answer(answered.survey, answered)
    client.force_login(answered.application.applicant)
    other = client.get(answered.application.get_absolute_url()).content.decode()

    assert f'<a href="{settings.SITE_URL}{_link(invited)}">Post-program survey</a>' in content
    assert "Pre-program survey" not in other


def _pre_program_survey(starts_in_days: int):
    today = timezone.localdate(timezone=zoneinfo.ZoneInfo("Asia/Seoul"))
    cohort = CohortFactory(
        time_zone="Asia/Seoul",
        starts_on=today + dt.timedelta(days=starts_in_days),
        ends_on=today + dt.timedelta(days=starts_in_days + 14),
    )
    # Scheduled by hand to close five days after now, past the first program day.
    return SurveyFactory(
        cohort=cohort,
        kind=SurveyKind.PRE_PROGRAM,
        opens_at=timezone.now() - dt.timedelta(days=20),
        closes_at=timezone.now() + dt.timedelta(days=5),
        published=True,
    )


def test_pre_program_survey_is_no_longer_offered_once_the_program_has_started(client):
    started = SurveyInvitationFactory(
        survey=_pre_program_survey(starts_in_days=-1),
        application__applicant__preferred_language="en",
    )
    upcoming = SurveyInvitationFactory(survey=_pre_program_survey(starts_in_days=3))
    client.force_login(started.application.applicant)

    status_page = client.get(started.application.get_absolute_url()).content.decode()
    page = client.get(_link(started))
    posted = client.post(_link(started), _post_data(started.survey))

    assert "Pre-program survey" not in status_page
    assert "This survey is now closed" in page.content.decode()
    assert posted.templates[0].name == "surveys/closed.html"
    with pytest.raises(SurveyNotOpen):
        _answer(started.survey, started)
    assert SurveyResponse.objects.count() == 0
    # Before the first program day it is offered as scheduled.
    client.force_login(upcoming.application.applicant)
    assert (
        "Pre-program survey" in client.get(upcoming.application.get_absolute_url()).content.decode()
    )
    _answer(upcoming.survey, upcoming)
    assert SurveyResponse.objects.count() == 1


# --- Staff pages: permissions ---------------------------------------------------------------


def _staff(name, survey, **kwargs):
    kwargs = {"cohort_id": survey.cohort_id, **kwargs}
    if name != "surveys":
        kwargs.setdefault("pk", survey.pk)
    return reverse(f"staff:{name}", kwargs=kwargs)


STAFF_PAGES = [
    "surveys",
    "survey",
    "survey_edit",
    "survey_questions",
    "survey_question_add",
    "survey_publish",
    "survey_close",
    "survey_export",
]


@pytest.mark.parametrize("name", STAFF_PAGES)
def test_applicant_cannot_open_staff_survey_pages(client, applicant, survey, name):
    client.force_login(applicant)

    assert client.get(_staff(name, survey)).status_code == 403


@pytest.mark.parametrize("name", STAFF_PAGES)
def test_partner_staff_of_another_program_cannot_open_them(client, partner_staff, survey, name):
    client.force_login(partner_staff)

    assert client.get(_staff(name, survey)).status_code == 403


def test_partner_staff_see_only_their_countrys_response_rate(client, survey):
    partner = with_mfa(
        PartnerStaffFactory(organisation__country="JP", partner_of=survey.cohort.program)
    )
    for country in ("JP", "JP", "KR"):
        SurveyInvitationFactory(survey=survey, country=country)
    _answer(survey, SurveyInvitation.objects.filter(country="JP").first())
    client.force_login(partner)

    listing = client.get(_staff("surveys", survey))
    detail = client.get(_staff("survey", survey))

    assert listing.status_code == 200
    assert listing.context["form"] is None
    assert [(s.invited_count, s.answered_count) for s in listing.context["page"]] == [(2, 1)]
    assert detail.context["rates"]["countries"] == [
        {
            "country": "JP",
            "label": "Japan",
            "invitations": 2,
            "invited": 2,
            "answered": 1,
            "rate": 50.0,
        }
    ]
    assert "summary" not in detail.context
    assert client.post(_staff("surveys", survey), {"kind": "pre_program"}).status_code == 403
    for name in STAFF_PAGES[2:]:
        assert client.get(_staff(name, survey)).status_code == 403


# --- Staff pages: the secretariat -----------------------------------------------------------


def test_create_from_the_standard_questionnaire(staff_client):
    cohort = CohortFactory()
    url = reverse("staff:surveys", kwargs={"cohort_id": cohort.pk})

    created = staff_client.post(url, {"kind": "followup_6"})
    again = staff_client.post(url, {"kind": "followup_6"})

    survey = Survey.objects.get()
    assert created["Location"] == survey.get_absolute_url()
    assert (survey.kind, survey.questions.count(), survey.status) == (
        "followup_6",
        10,
        SurveyStatus.DRAFT,
    )
    assert again.status_code == 200
    assert again.context["form"].errors == {
        "kind": ["Select a valid choice. followup_6 is not one of the available choices."]
    }


def test_edit_titles_and_schedule(staff_client, survey):
    data = {
        "title_en": "After the program",
        "title_ja": "事後",
        "title_ko": "사후",
        "intro_en": "",
        "intro_ja": "",
        "intro_ko": "",
        "opens_at": "2031-01-10T09:00",
        "closes_at": "2031-01-05T09:00",
    }

    refused = staff_client.post(_staff("survey_edit", survey), data)
    saved = staff_client.post(
        _staff("survey_edit", survey), {**data, "closes_at": "2031-01-31T18:00"}
    )

    survey.refresh_from_db()
    assert refused.context["form"].errors == {
        "closes_at": ["The survey must close after it opens."]
    }
    assert saved.status_code == 302
    assert (survey.title_en, survey.closes_at) == (
        "After the program",
        dt.datetime(2031, 1, 31, 18, tzinfo=dt.UTC),
    )


def test_add_edit_move_and_remove_questions(staff_client, survey):
    add = staff_client.post(
        _staff("survey_question_add", survey),
        {
            "kind": "thermometer",
            "text_en": "How do you feel toward Japan now?",
            "text_ja": "",
            "text_ko": "",
            "country": "",
            "required": "on",
            "code": "",
        },
    )
    added = staff_client.post(
        _staff("survey_question_add", survey),
        {
            "kind": "likert",
            "text_en": "I felt welcome.",
            "text_ja": "歓迎されていると感じました。",
            "text_ko": "환영받는다고 느꼈습니다.",
            "country": "",
            "required": "on",
            "code": "welcome",
        },
    )
    question = survey.questions.get(code="welcome")
    staff_client.post(
        _staff("survey_question_change", survey, question_id=question.pk), {"action": "up"}
    )
    nps = survey.questions.get(code="nps")
    staff_client.post(
        _staff("survey_question_change", survey, question_id=nps.pk), {"action": "delete"}
    )

    assert add.context["form"].errors == {
        "country": ["A feeling thermometer needs the country it asks about."]
    }
    assert added.status_code == 302
    assert list(survey.questions.order_by("position").values_list("code", flat=True))[-4:] == [
        "personal-contacts",
        "open-valuable",
        "welcome",
        "open-improve",
    ]


def test_questions_are_locked_once_answered(staff_client, survey):
    _answer(survey, SurveyInvitationFactory(survey=survey))
    nps = survey.questions.get(code="nps")

    page = staff_client.get(_staff("survey_questions", survey))
    removed = staff_client.post(
        _staff("survey_question_change", survey, question_id=nps.pk),
        {"action": "delete"},
        follow=True,
    )

    assert page.context["locked"] is True
    assert [str(m) for m in removed.context["messages"]] == [
        "This survey already has responses, so its questions can no longer change."
    ]
    assert survey.questions.filter(code="nps").exists()


def test_publish_and_close_from_the_pages(staff_client):
    survey = SurveyFactory()

    unconfirmed = staff_client.post(_staff("survey_publish", survey), {})
    published = staff_client.post(_staff("survey_publish", survey), {"confirm": "on"})
    closed = staff_client.post(_staff("survey_close", survey), {"confirm": "on"})

    survey.refresh_from_db()
    assert unconfirmed.context["form"].errors == {"confirm": ["Tick the box to confirm."]}
    assert (published.status_code, closed.status_code) == (302, 302)
    assert survey.status == SurveyStatus.CLOSED


def test_detail_shows_rates_per_country_and_a_summary_per_question(staff_client, survey):
    invitations = [
        SurveyInvitationFactory(survey=survey, country=c) for c in ("JP", "JP", "KR", "US")
    ]
    SurveyInvitation.objects.filter(pk=invitations[3].pk).update(invited_at=None)
    _answer(survey, invitations[0], nps="10", **{"thermometer-KR": "40"})
    _answer(survey, invitations[1], nps="7", **{"thermometer-KR": "61", "open-valuable": "Hi"})
    _answer(survey, invitations[2], nps="9")

    page = staff_client.get(_staff("survey", survey))

    rates = page.context["rates"]
    summary = {
        row["question"].code: (row["count"], row["mean"], row["median"])
        for row in page.context["summary"]
    }
    assert [(r["country"], r["invited"], r["answered"], r["rate"]) for r in rates["countries"]] == [
        ("JP", 2, 2, 100.0),
        ("KR", 1, 1, 100.0),
        ("US", 0, 0, None),
    ]
    assert rates["total"] == {"invitations": 4, "invited": 3, "answered": 3, "rate": 100.0}
    assert summary["nps"] == (3, 8.7, 9)
    assert summary["thermometer-KR"] == (2, 50.5, 50.5)
    assert summary["thermometer-JP"] == (1, 60.0, 60)
    assert summary["open-valuable"] == (1, None, None)


def test_csv_export_is_pseudonymous_and_formula_safe(staff_client, survey):
    invited = SurveyInvitationFactory(
        survey=survey,
        country="JP",
        application__applicant__given_name="Yui",
        application__applicant__family_name="Tanaka",
    )
    _answer(
        survey, invited, **{"open-valuable": '=HYPERLINK("http://evil")', "open-improve": "+1 more"}
    )

    response = staff_client.get(_staff("survey_export", survey))

    body = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body)))
    header, row = rows
    columns = dict(zip(header, row, strict=True))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert header[:5] == [
        "Respondent",
        "Country",
        "Language",
        "Submitted",
        "thermometer-US: How warm or cold do you feel toward the people of the United States?",
    ]
    assert row[:3] == [survey_respondent_id(application_id=invited.application_id), "JP", "en"]
    assert columns["thermometer-JP: How warm or cold do you feel toward the people of Japan?"] == ""
    assert (
        columns["nps: How likely are you to recommend this program to a friend or colleague?"]
        == "8"
    )
    assert (
        columns["open-valuable: What was the most valuable part of the program for you?"]
        == '\'=HYPERLINK("http://evil")'
    )
    assert columns["open-improve: What should we change for future participants?"] == ("'+1 more")
    assert "Tanaka" not in body
    assert invited.application.applicant.email not in body


# --- Query counts ---------------------------------------------------------------------------


@pytest.mark.parametrize("count", [1, 3])
def test_survey_list_query_count(staff_client, count, django_assert_num_queries):
    cohort = CohortFactory()
    for kind in list(SurveyKind)[:count]:
        survey = SurveyFactory(cohort=cohort, kind=kind, published=True)
        SurveyInvitationFactory(survey=survey)
    staff_client.get(reverse("staff:surveys", kwargs={"cohort_id": cohort.pk}))

    with django_assert_num_queries(8):
        response = staff_client.get(reverse("staff:surveys", kwargs={"cohort_id": cohort.pk}))

    assert len(response.context["page"].object_list) == count


@pytest.mark.parametrize("count", [1, 3])
def test_survey_detail_query_count(staff_client, survey, count, django_assert_num_queries):
    for country in ("US", "JP", "KR")[:count]:
        _answer(survey, SurveyInvitationFactory(survey=survey, country=country))
    staff_client.get(_staff("survey", survey))

    with django_assert_num_queries(10):
        response = staff_client.get(_staff("survey", survey))

    assert len(response.context["rates"]["countries"]) == count


def test_applicant_survey_page_makes_a_fixed_number_of_queries(
    client, survey, django_assert_num_queries
):
    invited = SurveyInvitationFactory(survey=survey)
    client.get(_link(invited))

    with django_assert_num_queries(2):
        client.get(_link(invited))


def test_applicant_cannot_reach_another_persons_status_survey_links(client, survey):
    invited = SurveyInvitationFactory(survey=survey)
    client.force_login(ApplicantFactory())

    assert client.get(invited.application.get_absolute_url()).status_code == 404
