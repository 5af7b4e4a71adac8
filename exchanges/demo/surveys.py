"""Demo surveys of the running cohort: a pre-program survey with answers from most people, a
post-program survey open now with some answers, and the 6- and 12-month follow-ups scheduled.

Called from ``demo_seed``; idempotent like it (a survey of a kind is created once, answered
invitations are skipped). The demo logins for applicants are confirmed members of the running
cohort: the Korean and the American login have the pre-program survey open to answer, the
Japanese login has answered it (and sees the thank-you page).

Invitations are sent through ``survey_invitation_send`` as of the day each survey opened; their
emails count as delivered then (``exchanges.demo.history.outbox_delivered``), so the demo sends
nothing by itself and the beat does not invite these people again.
"""

import datetime as dt
import random

from django.utils import timezone

from accounts.models import User
from exchanges.enums import SurveyKind, SurveyQuestionKind, SurveyStatus
from exchanges.models import Cohort, Survey, SurveyInvitation
from exchanges.services.mail import mail_language
from exchanges.services.surveys import (
    survey_create_standard,
    survey_invitation_send,
    survey_invitations_create,
    survey_publish,
    survey_questions_for,
    survey_response_submit,
)

OPEN_LOGINS = ("applicant@demo.trilink.example", "applicant-en@demo.trilink.example")
ANSWERED_LOGINS = ("applicant-ja@demo.trilink.example",)

# Typical feeling toward (respondent country, target country) before the program; answers
# after it are warmer, so later analytics have a change to show.
WARMTH = {
    ("US", "JP"): 74,
    ("US", "KR"): 70,
    ("JP", "US"): 68,
    ("JP", "KR"): 52,
    ("KR", "US"): 71,
    ("KR", "JP"): 46,
}
OPEN_ANSWERS = {
    "en": [
        "Meeting peers who see the same problems from a different angle.",
        "More time for informal conversation between the sessions.",
        "Building a network I can call on in my work.",
    ],
    "ja": [
        "同じ課題を違う視点から見ている仲間と出会えたことです。",
        "セッションの合間に、もっと自由に話せる時間があるとよいと思います。",
        "仕事で相談できるネットワークを作ることです。",
    ],
    "ko": [
        "같은 문제를 다른 관점에서 바라보는 동료들을 만난 것입니다.",
        "세션 사이에 자유롭게 대화할 시간이 더 있으면 좋겠습니다.",
        "업무에서 도움을 청할 수 있는 네트워크를 만드는 것입니다.",
    ],
}


def _schedules(cohort: Cohort, now: dt.datetime) -> dict[str, tuple | None]:
    hour = now.replace(minute=0, second=0, microsecond=0)
    return {
        # Closes after the first program day, as one scheduled by hand might; from that day
        # it takes no answers all the same (Survey.takes_answers_at).
        SurveyKind.PRE_PROGRAM: (hour - dt.timedelta(days=24), hour + dt.timedelta(days=4)),
        SurveyKind.POST_PROGRAM: (hour - dt.timedelta(days=1), hour + dt.timedelta(days=20)),
        SurveyKind.FOLLOWUP_6: None,  # the default: the last day plus 6 months
        SurveyKind.FOLLOWUP_12: None,
    }


def _answers(
    survey: Survey, invitation: SurveyInvitation, rng: random.Random, language: str
) -> dict[int, int | str]:
    after = survey.kind != SurveyKind.PRE_PROGRAM
    data: dict[int, int | str] = {}
    for question in survey_questions_for(survey=survey, country=invitation.country):
        if question.kind == SurveyQuestionKind.THERMOMETER:
            base = WARMTH.get((invitation.country, question.country), 60) + (9 if after else 0)
            data[question.pk] = max(0, min(100, base + rng.randint(-15, 15)))
        elif question.kind == SurveyQuestionKind.LIKERT:
            data[question.pk] = max(1, min(5, (4 if after else 3) + rng.choice([-1, 0, 0, 1])))
        elif question.kind == SurveyQuestionKind.NPS:
            data[question.pk] = rng.randint(7, 10) if after else rng.randint(5, 10)
        elif rng.random() < 0.5:
            data[question.pk] = rng.choice(OPEN_ANSWERS.get(language, OPEN_ANSWERS["en"]))
    return data


def _invite(survey: Survey) -> int:
    """Send each new invitation as of the day the survey opened."""
    pending = list(
        SurveyInvitation.objects.filter(survey=survey, invited_at__isnull=True)
        .select_related("application__applicant", "survey__cohort")
        .order_by("id")
    )
    for invitation in pending:
        survey_invitation_send(invitation=invitation, now=survey.opens_at)
    return len(pending)


def seed_demo_surveys(*, cohort: Cohort, staff: User) -> dict[str, int]:
    """Create, publish and partly answer the running cohort's surveys; returns counts."""
    now = timezone.now()
    created = answered = 0
    for kind, schedule in _schedules(cohort, now).items():
        survey = Survey.objects.filter(cohort=cohort, kind=kind).first()
        if survey is None:
            opens_at, closes_at = schedule or (None, None)
            survey = survey_create_standard(
                cohort=cohort, kind=kind, actor=staff, opens_at=opens_at, closes_at=closes_at
            )
            survey = survey_publish(survey=survey, actor=staff)
            created += 1
        if survey.status_at(now) != SurveyStatus.OPEN:
            continue
        survey_invitations_create(survey=survey, now=survey.opens_at)
        _invite(survey)
        share = 0.75 if kind == SurveyKind.PRE_PROGRAM else 0.45
        invitations = (
            SurveyInvitation.objects.filter(survey=survey, completed_at__isnull=True)
            .select_related("application__applicant")
            .order_by("id")
        )
        for invitation in invitations:
            email = invitation.application.applicant.email
            rng = random.Random(f"trilink-survey-{kind}-{email}")  # noqa: S311 -- demo data
            if email in OPEN_LOGINS or (email not in ANSWERED_LOGINS and rng.random() > share):
                continue
            invitation.survey = survey
            language = mail_language(recipient=invitation.application.applicant)
            # Pre-program answers are given before the first program day.
            last = min(now, cohort.program_starts_at) if kind == SurveyKind.PRE_PROGRAM else now
            moment = max(survey.opens_at, last - dt.timedelta(hours=rng.randint(1, 400)))
            survey_response_submit(
                invitation=invitation,
                language=language,
                now=moment,
                data=_answers(survey, invitation, rng, language),
            )
            answered += 1
    return {"surveys_created": created, "survey_responses_created": answered}
