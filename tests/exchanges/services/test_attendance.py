"""Attendance and completion: idempotent marks (replays, stale marks, scope), completion
rules, the move to alumni with its activity entry, the certificate (PDF bytes that parse, in
the participant's language) and the completion email as the outbox holds it."""

import datetime as dt
import io
import uuid
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone, translation
from pypdf import PdfReader

from exchanges.enums import ApplicationStatus, AttendanceStatus
from exchanges.exceptions import ExchangeError
from exchanges.models import (
    ActivityLog,
    AttendanceMark,
    Certificate,
    OutgoingMail,
    SurveyInvitation,
)
from exchanges.services.attendance import (
    attendance_percent,
    attendance_record,
    cohort_complete,
    completion_rule_save,
)
from exchanges.services.attendance_certificates import certificate_pdf
from tests.conftest import with_mfa
from tests.factories import PartnerStaffFactory
from tests.factories.applications import ApplicationFactory, CohortFactory
from tests.factories.predeparture import ItineraryItemFactory
from tests.factories.surveys import SurveyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def cohort(db):
    return CohortFactory(
        time_zone="Asia/Seoul", starts_on=dt.date(2026, 7, 1), ends_on=dt.date(2026, 7, 10)
    )


@pytest.fixture
def sessions(cohort):
    return [
        ItineraryItemFactory(cohort=cohort, day=cohort.starts_on + dt.timedelta(days=n))
        for n in range(5)
    ]


def participant(cohort, country="KR", language="ko"):
    return ApplicationFactory(
        cohort=cohort,
        from_country=country,
        status=ApplicationStatus.PARTICIPANT,
        applicant__preferred_language=language,
    )


def mark(application, status=AttendanceStatus.PRESENT, *, client_id=None, at=None):
    return {
        "application": application.pk,
        "status": status,
        "client_id": str(client_id or uuid.uuid4()),
        "marked_at": (at or timezone.now()).isoformat(),
    }


def attend(application, sessions, count, actor):
    for item in sessions[:count]:
        attendance_record(item=item, marks=[mark(application)], actor=actor)


def answer_post_survey(application):
    survey = SurveyFactory(cohort=application.cohort)
    SurveyInvitation.objects.create(
        survey=survey, application=application, completed_at=timezone.now()
    )


# --- marks -----------------------------------------------------------------------------------


def test_resent_mark_is_saved_once(cohort, sessions, secretariat):
    person = participant(cohort)
    sent = mark(person)

    first = attendance_record(item=sessions[0], marks=[sent], actor=secretariat)
    again = attendance_record(item=sessions[0], marks=[sent], actor=secretariat)

    assert first == {"saved": [sent["client_id"]], "duplicate": [], "stale": []}
    assert again == {"saved": [], "duplicate": [sent["client_id"]], "stale": []}
    assert AttendanceMark.objects.filter(item=sessions[0]).count() == 1
    assert ActivityLog.objects.filter(action_type="exchanges.attendance.recorded").count() == 1


def test_later_mark_wins_and_an_older_one_arriving_late_is_ignored(cohort, sessions, secretariat):
    person = participant(cohort)
    now = timezone.now()
    newer = mark(person, AttendanceStatus.ABSENT, at=now)
    older = mark(person, AttendanceStatus.PRESENT, at=now - dt.timedelta(minutes=5))

    attendance_record(item=sessions[0], marks=[newer], actor=secretariat)
    result = attendance_record(item=sessions[0], marks=[older], actor=secretariat)

    assert result["stale"] == [older["client_id"]]
    assert AttendanceMark.objects.get(item=sessions[0]).status == AttendanceStatus.ABSENT


def test_malformed_mark_and_someone_outside_the_scope_are_refused(cohort, sessions):
    korean = participant(cohort, "KR")
    american = participant(cohort, "US", "en")
    partner = with_mfa(PartnerStaffFactory(organisation__country="KR", partner_of=cohort.program))

    with pytest.raises(ValidationError):
        attendance_record(item=sessions[0], marks=[{"application": korean.pk}], actor=partner)
    with pytest.raises(ExchangeError):
        attendance_record(item=sessions[0], marks=[mark(american)], actor=partner)
    saved = attendance_record(item=sessions[0], marks=[mark(korean)], actor=partner)

    assert len(saved["saved"]) == 1
    assert list(AttendanceMark.objects.values_list("application_id", flat=True)) == [korean.pk]


# --- completion rules ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("present", "excused", "sessions", "percent"),
    [(4, 0, 5, 80), (3, 0, 5, 60), (3, 1, 5, 75), (0, 0, 0, 100), (2, 2, 2, 100)],
)
def test_attendance_percent_leaves_excused_sessions_out(present, excused, sessions, percent):
    assert attendance_percent(present=present, excused=excused, sessions=sessions) == percent


def test_completion_needs_attendance_and_the_post_survey(cohort, sessions, secretariat):
    enough_and_answered = participant(cohort)
    enough_not_answered = participant(cohort)
    too_few = participant(cohort)
    attend(enough_and_answered, sessions, 4, secretariat)
    attend(enough_not_answered, sessions, 5, secretariat)
    attend(too_few, sessions, 3, secretariat)
    answer_post_survey(enough_and_answered)
    SurveyInvitation.objects.create(
        survey=enough_and_answered.cohort.surveys.get(),
        application=too_few,
        completed_at=timezone.now(),
    )

    count = cohort_complete(cohort=cohort, actor=secretariat)

    assert count == 1
    statuses = {
        a.pk: a.status
        for a in (enough_and_answered, enough_not_answered, too_few)
        if not a.refresh_from_db()
    }
    assert statuses == {
        enough_and_answered.pk: ApplicationStatus.ALUMNUS,
        enough_not_answered.pk: ApplicationStatus.PARTICIPANT,
        too_few.pk: ApplicationStatus.PARTICIPANT,
    }


def test_rule_without_survey_and_lower_threshold(cohort, sessions, secretariat):
    person = participant(cohort)
    attend(person, sessions, 3, secretariat)
    completion_rule_save(
        cohort=cohort, actor=secretariat, min_attendance_percent=60, require_post_survey=False
    )

    assert cohort_complete(cohort=cohort, actor=secretariat) == 1
    person.refresh_from_db()
    assert person.status == ApplicationStatus.ALUMNUS
    with pytest.raises(ValidationError):
        completion_rule_save(
            cohort=cohort, actor=secretariat, min_attendance_percent=101, require_post_survey=False
        )


def test_completion_logs_the_move_issues_a_certificate_and_queues_the_email(
    cohort, sessions, secretariat
):
    person = participant(cohort, "KR", "ko")
    attend(person, sessions, 5, secretariat)
    answer_post_survey(person)

    cohort_complete(cohort=cohort, actor=secretariat)
    cohort_complete(cohort=cohort, actor=secretariat)  # a second run changes nothing

    move = ActivityLog.objects.get(action_type="exchanges.application.alumnus")
    assert (move.object_id, move.data["from"], move.data["attendance_percent"]) == (
        person.pk,
        "participant",
        100,
    )
    certificate = Certificate.objects.get()
    assert (certificate.application_id, certificate.language) == (person.pk, "ko")
    issued = ActivityLog.objects.filter(action_type="exchanges.certificate.issued")
    assert issued.count() == 1
    mail = OutgoingMail.objects.get(template_key="program_completed")
    assert mail.recipient_email == person.applicant.email
    assert mail.language == "ko"
    with translation.override("ko"):
        assert mail.text_body.startswith(f"{person.applicant.display_name}님께\n")
    assert f"/certificates/{certificate.code}/" in mail.text_body
    assert f"/applications/{person.pk}/certificate.pdf" in mail.text_body


@pytest.mark.parametrize(
    ("language", "font", "title"),
    [
        ("ko", "HYGothic-Medium", "수료증"),
        ("ja", "HeiseiKakuGo-W5", "修了証"),
        ("en", "Helvetica", "Certificate of completion"),
    ],
)
def test_certificate_pdf_parses_in_the_participants_language(
    cohort, secretariat, language, font, title
):
    person = participant(cohort, "KR", language)
    certificate = Certificate.objects.create(
        application=person, language=language, attendance_percent=90
    )

    data = certificate_pdf(certificate)

    reader = PdfReader(io.BytesIO(data))
    assert data.startswith(b"%PDF-")
    assert len(reader.pages) == 1
    assert reader.metadata.title == title
    fonts = {
        str(f["/BaseFont"]).lstrip("/") for f in reader.pages[0]["/Resources"]["/Font"].values()
    }
    assert font in fonts or any(name.startswith(font) for name in fonts)
    lines = reader.pages[0].extract_text().splitlines()
    assert lines[0] == title
    assert f"/certificates/{certificate.code}/" in lines[-1]


def test_completion_email_delivered_in_korean_and_its_links_work(
    cohort, sessions, secretariat, client, django_capture_on_commit_callbacks
):
    person = participant(cohort, "KR", "ko")
    attend(person, sessions, 4, secretariat)
    answer_post_survey(person)

    with django_capture_on_commit_callbacks(execute=True):
        cohort_complete(cohort=cohort, actor=secretariat)

    (message,) = [m for m in mail.outbox if m.to == [person.applicant.email]]
    assert (
        message.subject == f"{cohort.program.name_ko or cohort.program.name_en} 수료를 축하합니다"
    )
    assert "수료증은 다음 링크에서 내려받으실 수 있습니다" in message.body
    links = [line for line in message.body.splitlines() if line.startswith("http")]
    assert len(links) == 2
    client.force_login(person.applicant)
    pdf = client.get(urlsplit(links[0]).path)
    client.logout()
    verification = client.get(urlsplit(links[1]).path)
    assert (pdf.status_code, pdf["Content-Type"]) == (200, "application/pdf")
    assert PdfReader(io.BytesIO(pdf.content)).pages[0].extract_text().splitlines()[0] == "수료증"
    assert verification.status_code == 200
