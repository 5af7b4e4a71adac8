"""Surveys: the standard questionnaire, editing, publishing, private links, answers, and the
scheduled invitation and reminder emails.

Status. A survey is a draft until published; once published it is scheduled, open or closed
purely by its ``opens_at`` and ``closes_at`` (``Survey.status_at``), so the beat needs no
state change to open one, and "close now" moves ``closes_at`` to now.

Who is asked. ``SURVEY_AUDIENCE`` in ``enums``: pre-program surveys ask the cohort's confirmed
people and participants, post-program and follow-up surveys its participants and alumni.
The ``survey-invitation`` workflow creates the missing invitations of every open survey on each
beat tick, so someone confirmed late is invited on the next tick.

Private link. The token is ``django.core.signing`` over the invitation id: deterministic, so the
reminder carries the same working link as the invitation, nothing secret is stored, and a
changed character fails the signature. Rotating ``SECRET_KEY`` without keeping the old key in
``SECRET_KEY_FALLBACKS`` invalidates the links of surveys still open. A link expires
``SURVEY_LINK_DAYS`` after the invitation email (``link_expires_at``); a reminder carries the
same link and so extends it from its own date, and closing the survey ends it in any case. A
forwarded or leaked link therefore stops working, while the participant signed in still
reaches the survey from their status page.

Scheduled emails (registered with ``@reminder_workflow``, run every 15 minutes by beat):

* ``survey-invitation``: once per invitation, key ``survey-invitation:<invitation id>:invite``,
  as soon as the survey is open (template ``survey_invitation``, or ``followup_survey`` with
  ``months_after`` for follow-ups).
* ``survey-reminder``: to invited people who have not answered, key
  ``survey-reminder:<invitation id>:<window>:<close date>`` for the windows ``3d`` and ``1d``:
  due at 09:00 in the respondent's time zone 3 days (and 1 day) before ``closes_at``, only for
  people invited before that time, never after they answered or the survey closed; a missed
  ``3d`` is not sent once ``1d`` is due. A close moved by staff gets fresh reminders.

Opt-outs. Pre- and post-program surveys evaluate the program the person is taking part in (a
part of the program, like the pre-departure checklist), so their emails are transactional.
Follow-up surveys go to alumni months after the program ended: that is outreach the person
can decline, so follow-up invitations and reminders are queued as non-transactional mail
(``is_transactional=False``): the outbox skips addresses in ``MailOptOut`` and adds the
unsubscribe link and the RFC 8058 ``List-Unsubscribe`` headers, as it does for campaigns. An
opted-out alumnus keeps ``invited_at`` empty, so staff see that nobody was emailed.
"""

import datetime as dt
import logging
import re
import zoneinfo
from functools import partial

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max, QuerySet
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from accounts.models import User
from config.site import absolute_url
from exchanges.activity_types import Activity
from exchanges.enums import (
    SURVEY_AUDIENCE,
    SURVEY_FOLLOWUP_MONTHS,
    SURVEY_QUESTION_RANGE,
    MailTemplateKey,
    SurveyKind,
    SurveyQuestionKind,
    SurveyStatus,
)
from exchanges.exceptions import (
    ExchangeError,
    InvalidTransition,
    SurveyAlreadyAnswered,
    SurveyAnswersInvalid,
    SurveyLocked,
    SurveyNotOpen,
)
from exchanges.formatting import mail_datetime_text
from exchanges.models import (
    Application,
    Cohort,
    MailOptOut,
    OutgoingMail,
    Survey,
    SurveyAnswer,
    SurveyInvitation,
    SurveyQuestion,
    SurveyResponse,
)
from exchanges.services.activity import activity_log_record
from exchanges.services.mail import mail_language, mail_queue
from exchanges.services.reminders import (
    reminder_due_at,
    reminder_key,
    reminder_occasion,
    reminder_workflow,
    reminders_queue_due,
)
from exchanges.services.webhooks import webhooks_emit_survey_closed
from exchanges.validators import add_months, validate_no_control_characters

logger = logging.getLogger(__name__)

LINK_SALT = "exchanges.surveys.invitation"
RESPONDENT_SALT = "exchanges.surveys.respondent"
OPEN_TEXT_MAX_LENGTH = 5000
# What a saved draft drops (line breaks in open answers stay).
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
LANGUAGES = ("en", "ja", "ko")

# --- The standard questionnaire --------------------------------------------------------------
# Content, not interface text: it is stored in the survey in all three languages and staff may
# reword it, so it lives here as data rather than in the translation catalogue.

COUNTRY_NAMES = {
    "US": ("the United States", "アメリカ", "미국"),
    "JP": ("Japan", "日本", "일본"),
    "KR": ("South Korea", "韓国", "한국"),
}
THERMOMETER_TEXT = (
    "How warm or cold do you feel toward the people of {country}?",
    "{country}の人々に対して、どのくらい好意的な気持ちを持っていますか。",
    "{country} 사람들에 대해 얼마나 호의적인 감정을 느끼십니까?",
)
LIKERT_ITEMS = [
    (
        "understand-perspectives",
        (
            "I understand how people in the other participating countries see the issues our "
            "countries share.",
            "他の参加国の人々が、私たちの国々に共通する課題をどのように捉えているかを理解しています。",
            "다른 참가국 사람들이 우리 나라들이 함께 안고 있는 과제를 어떻게 바라보는지 이해하고 "
            "있습니다.",
        ),
    ),
    (
        "trust-people",
        (
            "I trust people from the other participating countries.",
            "他の参加国の人々を信頼しています。",
            "다른 참가국 사람들을 신뢰합니다.",
        ),
    ),
    (
        "cooperation-matters",
        (
            "Cooperation among the participating countries matters for my work or my community.",
            "参加国間の協力は、私の仕事や地域社会にとって重要です。",
            "참가국 간의 협력은 저의 일이나 지역 사회에 중요합니다.",
        ),
    ),
    (
        "personal-contacts",
        (
            "I have personal contacts in the other participating countries whom I could ask for "
            "advice.",
            "他の参加国に、相談できる個人的な知り合いがいます。",
            "다른 참가국에 조언을 구할 수 있는 개인적인 지인이 있습니다.",
        ),
    ),
]
NPS_TEXT = {
    "pre": (
        "Based on what you have seen so far, how likely are you to recommend this program "
        "to a friend or colleague?",
        "これまでの印象から、このプログラムを友人や同僚にどのくらい勧めたいと思いますか。",
        "지금까지의 경험으로 볼 때, 이 프로그램을 친구나 동료에게 추천할 가능성은 어느 정도입니까?",
    ),
    "after": (
        "How likely are you to recommend this program to a friend or colleague?",
        "このプログラムを友人や同僚にどのくらい勧めたいと思いますか。",
        "이 프로그램을 친구나 동료에게 추천할 가능성은 어느 정도입니까?",
    ),
}
OPEN_QUESTIONS = {
    SurveyKind.PRE_PROGRAM: [
        (
            "open-hopes",
            (
                "What do you most hope to gain from the exchange?",
                "この交流で最も得たいことは何ですか。",
                "이번 교류를 통해 가장 얻고 싶은 것은 무엇입니까?",
            ),
        ),
        (
            "open-concerns",
            (
                "Is there anything you are unsure or worried about before the program?",
                "プログラムを前に、不安なことや気がかりなことはありますか。",
                "프로그램을 앞두고 걱정되거나 궁금한 점이 있습니까?",
            ),
        ),
    ],
    SurveyKind.POST_PROGRAM: [
        (
            "open-valuable",
            (
                "What was the most valuable part of the program for you?",
                "プログラムで最も有意義だったことは何ですか。",
                "프로그램에서 가장 의미 있었던 부분은 무엇입니까?",
            ),
        ),
        (
            "open-improve",
            (
                "What should we change for future participants?",
                "今後の参加者のために、改善すべき点があればお聞かせください。",
                "앞으로의 참가자를 위해 개선할 점이 있다면 알려 주십시오.",
            ),
        ),
    ],
    "followup": [
        (
            "open-impact",
            (
                "How has the exchange influenced your work, studies or community "
                "since the program?",
                "プログラム終了後、この交流はあなたの仕事や学業、地域での活動にどのような"
                "影響を与えましたか。",
                "프로그램이 끝난 뒤 이번 교류가 귀하의 일, 학업 또는 지역 활동에 어떤 "
                "영향을 주었습니까?",
            ),
        ),
        (
            "open-contacts",
            (
                "Tell us about any contact or joint work with people you met in the program.",
                "プログラムで出会った人々との交流や共同の取り組みがあれば教えてください。",
                "프로그램에서 만난 사람들과의 연락이나 공동 활동이 있다면 알려 주십시오.",
            ),
        ),
    ],
}
TITLES = {
    SurveyKind.PRE_PROGRAM: (
        "Pre-program survey",
        "プログラム事前アンケート",
        "프로그램 사전 설문",
    ),
    SurveyKind.POST_PROGRAM: (
        "Post-program survey",
        "プログラム事後アンケート",
        "프로그램 사후 설문",
    ),
    SurveyKind.FOLLOWUP_6: (
        "Follow-up survey: six months on",
        "フォローアップ調査（6か月後）",
        "후속 설문(6개월 후)",
    ),
    SurveyKind.FOLLOWUP_12: (
        "Follow-up survey: one year on",
        "フォローアップ調査（1年後）",
        "후속 설문(1년 후)",
    ),
}
INTROS = {
    SurveyKind.PRE_PROGRAM: (
        "Before the program begins, we would like to learn how you see the other participating "
        "countries today. There are no right or wrong answers, and your answers are reported "
        "only in aggregate.",
        "プログラムが始まる前に、他の参加国について今どのように感じているかをお聞かせください。"
        "正解や不正解はありません。回答は集計した形でのみ報告されます。",
        "프로그램이 시작되기 전에, 다른 참가국에 대해 지금 어떻게 생각하시는지 들려주십시오. "
        "정답이나 오답은 없으며, 응답은 집계된 형태로만 보고됩니다.",
    ),
    SurveyKind.POST_PROGRAM: (
        "Thank you for taking part. Please tell us how you see the other participating "
        "countries now that the program is over, and what we could do better. Your answers are "
        "reported only in aggregate.",
        "ご参加ありがとうございました。プログラムを終えた今、他の参加国をどのように感じているか、"
        "また改善すべき点をお聞かせください。回答は集計した形でのみ報告されます。",
        "참가해 주셔서 감사합니다. 프로그램을 마친 지금 다른 참가국을 어떻게 생각하시는지, "
        "그리고 개선할 점은 무엇인지 들려주십시오. 응답은 집계된 형태로만 보고됩니다.",
    ),
    "followup": (
        "It has been {months} months since the program. Please tell us how you see the other "
        "participating countries today and how the exchange has stayed with you. Your answers "
        "are reported only in aggregate.",
        "プログラムから{months}か月が経ちました。他の参加国について今どのように感じているか、"
        "また交流がその後どのように生かされているかをお聞かせください。回答は集計した形でのみ"
        "報告されます。",
        "프로그램이 끝난 지 {months}개월이 지났습니다. 다른 참가국에 대한 지금의 생각과 교류가 "
        "이후 어떻게 이어지고 있는지 들려주십시오. 응답은 집계된 형태로만 보고됩니다.",
    ),
}

# Default schedule: how long each survey stays open, and the local hour it opens at.
SURVEY_OPEN_DAYS = 21
SURVEY_OPENING_HOUR = 9


def _by_language(texts: tuple[str, str, str], **values) -> dict[str, str]:
    return {code: text.format(**values) for code, text in zip(LANGUAGES, texts, strict=True)}


def standard_questions(*, kind: str, countries: list[str]) -> list[dict]:
    """The standard items of a ``kind`` survey, as field values of ``SurveyQuestion``:
    a thermometer toward each participating country (a respondent is not asked about their
    own), four agreement items on understanding and trust, NPS and two open questions."""
    questions = []
    for code in countries:
        names = COUNTRY_NAMES.get(code, (code, code, code))
        questions.append(
            {
                "kind": SurveyQuestionKind.THERMOMETER,
                "code": f"thermometer-{code}",
                "country": code,
                "required": True,
                **{
                    f"text_{lang}": THERMOMETER_TEXT[i].format(country=names[i])
                    for i, lang in enumerate(LANGUAGES)
                },
            }
        )
    for code, texts in LIKERT_ITEMS:
        questions.append(
            {
                "kind": SurveyQuestionKind.LIKERT,
                "code": code,
                "required": True,
                **{f"text_{lang}": text for lang, text in _by_language(texts).items()},
            }
        )
    nps = NPS_TEXT["pre" if kind == SurveyKind.PRE_PROGRAM else "after"]
    questions.append(
        {
            "kind": SurveyQuestionKind.NPS,
            "code": "nps",
            "required": True,
            **{f"text_{lang}": text for lang, text in _by_language(nps).items()},
        }
    )
    for code, texts in OPEN_QUESTIONS.get(kind, OPEN_QUESTIONS["followup"]):
        questions.append(
            {
                "kind": SurveyQuestionKind.OPEN_TEXT,
                "code": code,
                "required": False,
                **{f"text_{lang}": text for lang, text in _by_language(texts).items()},
            }
        )
    return questions


def _local(day: dt.date, hour: int, time_zone: str) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=zoneinfo.ZoneInfo(time_zone or "UTC"))


def survey_default_schedule(*, cohort: Cohort, kind: str) -> tuple[dt.datetime, dt.datetime]:
    """(opens_at, closes_at) in the cohort's time zone: pre-program three weeks up to the first
    day; post-program three weeks from the last day; follow-ups three weeks from the last day
    plus 6 or 12 months."""
    zone = cohort.time_zone
    if kind == SurveyKind.PRE_PROGRAM:
        opens_on = cohort.starts_on - dt.timedelta(days=SURVEY_OPEN_DAYS)
        return _local(opens_on, SURVEY_OPENING_HOUR, zone), _local(cohort.starts_on, 0, zone)
    opens_on = cohort.ends_on
    if kind in SURVEY_FOLLOWUP_MONTHS:
        opens_on = add_months(cohort.ends_on, SURVEY_FOLLOWUP_MONTHS[kind])
    opens_at = _local(opens_on, SURVEY_OPENING_HOUR, zone)
    return opens_at, _local(opens_on + dt.timedelta(days=SURVEY_OPEN_DAYS + 1), 0, zone)


@transaction.atomic
def survey_create_standard(
    *,
    cohort: Cohort,
    kind: str,
    actor: User | None,
    opens_at: dt.datetime | None = None,
    closes_at: dt.datetime | None = None,
) -> Survey:
    """Create a draft ``kind`` survey of ``cohort`` with the standard questionnaire in English,
    Japanese and Korean. A cohort has one survey of each kind."""
    if kind not in SurveyKind.values:
        raise ExchangeError(code="survey_kind")
    if Survey.objects.filter(cohort=cohort, kind=kind).exists():
        raise ExchangeError(
            _("This cohort already has a survey of this kind."), code="survey_exists"
        )
    default_opens, default_closes = survey_default_schedule(cohort=cohort, kind=kind)
    opens_at = opens_at or default_opens
    closes_at = closes_at or max(default_closes, opens_at + dt.timedelta(days=SURVEY_OPEN_DAYS))
    months = SURVEY_FOLLOWUP_MONTHS.get(kind)
    intro = INTROS.get(kind, INTROS["followup"])
    survey = Survey.objects.create(
        cohort=cohort,
        kind=kind,
        opens_at=opens_at,
        closes_at=closes_at,
        **{f"title_{lang}": text for lang, text in _by_language(TITLES[kind]).items()},
        **{f"intro_{lang}": text for lang, text in _by_language(intro, months=months).items()},
    )
    SurveyQuestion.objects.bulk_create(
        [
            SurveyQuestion(survey=survey, position=position, **fields)
            for position, fields in enumerate(
                standard_questions(kind=kind, countries=list(cohort.program.countries)), start=1
            )
        ]
    )
    activity_log_record(
        actor=actor, obj=survey, action_type=Activity.SURVEY_CREATED, data={"kind": kind}
    )
    return survey


# --- Editing, publishing, closing -------------------------------------------------------------

SURVEY_EDITABLE_FIELDS = frozenset(
    {
        "anonymous",
        "title_en",
        "title_ja",
        "title_ko",
        "intro_en",
        "intro_ja",
        "intro_ko",
        "opens_at",
        "closes_at",
    }
)


def _check_schedule(opens_at: dt.datetime, closes_at: dt.datetime) -> None:
    if closes_at <= opens_at:
        raise ExchangeError(_("The survey must close after it opens."), code="survey_schedule")


@transaction.atomic
def survey_update(*, survey: Survey, actor: User, **fields) -> Survey:
    """Change titles, introductions or the schedule. A closed survey keeps its dates."""
    unknown = set(fields) - SURVEY_EDITABLE_FIELDS
    if unknown:
        raise ValueError(f"Not editable: {sorted(unknown)}")
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    if survey.status == SurveyStatus.CLOSED and (
        fields.get("opens_at", survey.opens_at) != survey.opens_at
        or fields.get("closes_at", survey.closes_at) != survey.closes_at
    ):
        raise InvalidTransition(_("A closed survey cannot be rescheduled."))
    _check_schedule(
        fields.get("opens_at", survey.opens_at), fields.get("closes_at", survey.closes_at)
    )
    if (
        fields.get("anonymous", survey.anonymous) != survey.anonymous
        and SurveyResponse.objects.filter(survey=survey).exists()
    ):
        raise SurveyLocked(
            _("Whether answers are anonymous cannot change once someone has answered.")
        )
    changed = [name for name, value in fields.items() if getattr(survey, name) != value]
    for name in changed:
        setattr(survey, name, fields[name])
    if changed:
        survey.save(update_fields=changed)
        activity_log_record(
            actor=actor,
            obj=survey,
            action_type=Activity.SURVEY_UPDATED,
            data={"fields": sorted(changed)},
        )
    return survey


def _lock_questions(survey: Survey) -> Survey:
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    if SurveyResponse.objects.filter(survey=survey).exists():
        raise SurveyLocked()
    return survey


QUESTION_FIELDS = frozenset(
    {"kind", "text_en", "text_ja", "text_ko", "country", "required", "code"}
)


@transaction.atomic
def survey_question_save(
    *, survey: Survey, actor: User, question: SurveyQuestion | None = None, **fields
) -> SurveyQuestion:
    """Add a question at the end, or change ``question``; refused once there are responses."""
    unknown = set(fields) - QUESTION_FIELDS
    if unknown:
        raise ValueError(f"Not editable: {sorted(unknown)}")
    survey = _lock_questions(survey)
    kind = fields.get("kind", question.kind if question else "")
    if kind == SurveyQuestionKind.THERMOMETER and not fields.get(
        "country", question.country if question else ""
    ):
        raise ExchangeError(
            _("A feeling thermometer needs the country it asks about."),
            code="survey_question_country",
        )
    if kind != SurveyQuestionKind.THERMOMETER:
        fields["country"] = ""
    if question is None:
        last = survey.questions.aggregate(last=Max("position"))["last"] or 0
        question = SurveyQuestion(survey=survey, position=last + 1)
    elif question.survey_id != survey.pk:
        raise ValueError("The question belongs to another survey.")
    for name, value in fields.items():
        setattr(question, name, value)
    try:
        with transaction.atomic():
            question.save()
            if not question.code:
                # Every item has a stable key, so analytics pair it across waves.
                question.code = f"item-{question.pk}"
                question.save(update_fields=["code"])
    except IntegrityError:
        raise ExchangeError(
            _("Another question of this survey has this code."), code="survey_question_code"
        ) from None
    activity_log_record(
        actor=actor,
        obj=survey,
        action_type=Activity.SURVEY_QUESTION_SAVED,
        data={"question": question.pk},
    )
    return question


@transaction.atomic
def survey_question_delete(*, question: SurveyQuestion, actor: User) -> None:
    survey = _lock_questions(question.survey)
    question_id = question.pk
    question.delete()
    activity_log_record(
        actor=actor,
        obj=survey,
        action_type=Activity.SURVEY_QUESTION_DELETED,
        data={"question": question_id},
    )


@transaction.atomic
def survey_question_move(*, question: SurveyQuestion, actor: User, offset: int) -> None:
    """Move ``question`` ``offset`` places (-1 up, 1 down) and renumber the rest 1..n."""
    survey = _lock_questions(question.survey)
    ordered = list(survey.questions.order_by("position", "id"))
    index = next(i for i, q in enumerate(ordered) if q.pk == question.pk)
    target = max(0, min(len(ordered) - 1, index + offset))
    ordered.insert(target, ordered.pop(index))
    for position, item in enumerate(ordered, start=1):
        item.position = position
    SurveyQuestion.objects.bulk_update(ordered, ["position"])
    activity_log_record(
        actor=actor,
        obj=survey,
        action_type=Activity.SURVEY_QUESTION_MOVED,
        data={"question": question.pk, "position": target + 1},
    )


@transaction.atomic
def survey_publish(*, survey: Survey, actor: User) -> Survey:
    """Publish a draft: from ``opens_at`` the beat invites the audience by email."""
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    now = timezone.now()
    if survey.published_at is not None:
        raise InvalidTransition()
    if not survey.questions.exists():
        raise ExchangeError(_("Add at least one question before publishing."), code="survey_empty")
    if survey.closes_at <= now:
        raise ExchangeError(
            _("The closing time has passed: move it into the future first."), code="survey_schedule"
        )
    survey.published_at = now
    survey.save(update_fields=["published_at"])
    activity_log_record(
        actor=actor,
        obj=survey,
        action_type=Activity.SURVEY_PUBLISHED,
        data={"opens_at": survey.opens_at.isoformat()},
    )
    return survey


@transaction.atomic
def survey_close(*, survey: Survey, actor: User) -> Survey:
    """Close an open survey now: no more answers, invitations or reminders."""
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    now = timezone.now()
    if survey.status_at(now) != SurveyStatus.OPEN:
        raise InvalidTransition(_("Only an open survey can be closed."))
    survey.closes_at = now
    survey.save(update_fields=["closes_at"])
    activity_log_record(actor=actor, obj=survey, action_type=Activity.SURVEY_CLOSED)
    webhooks_emit_survey_closed(survey=survey)
    return survey


# --- Who is invited, private links ------------------------------------------------------------


def survey_eligible_applications(*, survey: Survey) -> QuerySet[Application]:
    """The applications of the survey's cohort whose status the survey's kind asks."""
    return Application.objects.filter(
        cohort_id=survey.cohort_id,
        status__in=SURVEY_AUDIENCE[survey.kind],
        applicant__is_active=True,
    )


def survey_invitations_create(*, survey: Survey, now: dt.datetime | None = None) -> int:
    """Create the missing invitations of ``survey`` (no email); returns how many. Safe to run
    concurrently: the unique constraint drops duplicates."""
    now = now or timezone.now()
    missing = list(
        survey_eligible_applications(survey=survey)
        .exclude(survey_invitations__survey=survey)
        .values_list("pk", "country")
    )
    SurveyInvitation.objects.bulk_create(
        [
            SurveyInvitation(survey=survey, application_id=pk, country=country, created_at=now)
            for pk, country in missing
        ],
        ignore_conflicts=True,
    )
    return len(missing)


def _link_signer() -> signing.Signer:
    # A plain Signer, not ``signing.dumps`` (which adds a timestamp): the token must be the
    # same string every time, so every email about one invitation carries the same link.
    return signing.Signer(salt=LINK_SALT)


def survey_invitation_token(*, invitation: SurveyInvitation) -> str:
    return _link_signer().sign_object(invitation.pk)


def survey_invitation_for_token(*, token: str) -> SurveyInvitation | None:
    """The invitation a private link names, or None for a tampered or unknown link."""
    try:
        pk = _link_signer().unsign_object(token)
    except (signing.BadSignature, ValueError):
        return None
    if not isinstance(pk, int):
        return None
    return (
        SurveyInvitation.objects.select_related("survey__cohort__program", "application__applicant")
        .filter(pk=pk)
        .first()
    )


def survey_link_expires_at(*, invitation: SurveyInvitation) -> dt.datetime:
    """When the private link of ``invitation`` stops working (the survey's close may end it
    earlier). Invitations emailed before expiry was stored count from their invitation."""
    if invitation.link_expires_at is not None:
        return invitation.link_expires_at
    sent = invitation.invited_at or invitation.created_at
    return sent + dt.timedelta(days=settings.SURVEY_LINK_DAYS)


def survey_link_is_expired(*, invitation: SurveyInvitation, now: dt.datetime) -> bool:
    return now >= survey_link_expires_at(invitation=invitation)


def _link_extended(invitation: SurveyInvitation, now: dt.datetime) -> dt.datetime:
    """The expiry once an email carrying the link is queued at ``now``: never shortened."""
    fresh = now + dt.timedelta(days=settings.SURVEY_LINK_DAYS)
    return max(fresh, invitation.link_expires_at) if invitation.link_expires_at else fresh


@transaction.atomic
def survey_link_renew_for_mail(*, mail: OutgoingMail, now: dt.datetime) -> bool:
    """Staff queued ``mail`` again (``mail_resend``): when it is a survey email, the link it
    carries works ``SURVEY_LINK_DAYS`` from ``now`` again. Returns whether it was one."""
    if mail.content_type_id != ContentType.objects.get_for_model(SurveyInvitation).pk:
        return False
    invitation = SurveyInvitation.objects.select_for_update().filter(pk=mail.object_id).first()
    if invitation is None:
        return False
    invitation.link_expires_at = _link_extended(invitation, now)
    invitation.save(update_fields=["link_expires_at"])
    return True


def survey_invitation_url(*, invitation: SurveyInvitation) -> str:
    path = reverse("apply:survey", kwargs={"token": survey_invitation_token(invitation=invitation)})
    return absolute_url(path)


def survey_respondent_id(*, application_id: int) -> str:
    """A pseudonym for exports: the same for one person's answers to every survey of the
    cohort (so pre and post pair), and no way back to the person without the secret key."""
    return "R" + salted_hmac(RESPONDENT_SALT, str(application_id)).hexdigest()[:12]


def survey_questions_for(*, survey: Survey, country: str) -> list[SurveyQuestion]:
    """The questions a respondent of ``country`` answers, in order."""
    return [q for q in survey.questions.order_by("position", "id") if q.is_asked_of(country)]


# --- Answers ----------------------------------------------------------------------------------


def survey_answer_clean(*, question: SurveyQuestion, raw) -> tuple[int | str | None, str]:
    """(value, error) for one raw answer: an int in the kind's range, a stripped text, or
    None when unanswered. The error is translated and empty when the answer is valid."""
    text = "" if raw is None else str(raw).strip()
    try:
        validate_no_control_characters(text)
    except ValidationError as error:
        return None, error.messages[0]
    if not text:
        return None, (_("Please answer this question.") if question.required else "")
    if question.kind == SurveyQuestionKind.OPEN_TEXT:
        if len(text) > OPEN_TEXT_MAX_LENGTH:
            return None, _("Please keep your answer under %(limit)s characters.") % {
                "limit": OPEN_TEXT_MAX_LENGTH
            }
        return text, ""
    low, high = SURVEY_QUESTION_RANGE[question.kind]
    message = _("Enter a whole number from %(min)s to %(max)s.") % {"min": low, "max": high}
    try:
        value = int(text)
    except ValueError:
        return None, message
    if not low <= value <= high:
        return None, message
    return value, ""


def survey_answers_clean(
    *, questions: list[SurveyQuestion], data: dict
) -> tuple[dict[int, int | str], dict[int, list[str]]]:
    """Validate raw answers keyed by question id: (valid values, errors by question id)."""
    values, errors = {}, {}
    for question in questions:
        value, error = survey_answer_clean(question=question, raw=data.get(question.pk))
        if error:
            errors[question.pk] = [error]
        elif value is not None:
            values[question.pk] = value
    return values, errors


@transaction.atomic
def survey_response_submit(
    *, invitation: SurveyInvitation, data: dict, language: str, now: dt.datetime | None = None
) -> SurveyResponse:
    """Store the answers of ``invitation``'s person once. Raises ``SurveyNotOpen``,
    ``SurveyAlreadyAnswered`` or ``SurveyAnswersInvalid`` (with ``errors`` by question id);
    nothing is stored unless every answer is valid."""
    now = now or timezone.now()
    locked = SurveyInvitation.objects.select_for_update().get(pk=invitation.pk)
    # Read afresh: staff may have closed the survey since the page was shown.
    survey = Survey.objects.select_related("cohort").get(pk=locked.survey_id)
    if locked.completed_at is not None:
        raise SurveyAlreadyAnswered()
    if not survey.takes_answers_at(now):
        raise SurveyNotOpen()
    # A person who left the survey's audience since the invitation (withdrew, for example)
    # is no longer asked: their link closes like the survey would.
    status = (
        Application.objects.filter(pk=locked.application_id)
        .values_list("status", flat=True)
        .first()
    )
    if status not in SURVEY_AUDIENCE[survey.kind]:
        raise SurveyNotOpen()
    questions = survey_questions_for(survey=survey, country=locked.country)
    values, errors = survey_answers_clean(questions=questions, data=data)
    if errors:
        raise SurveyAnswersInvalid(errors=errors)
    # An anonymous survey's response keeps only the pseudonymous key (see the models' doc).
    response = SurveyResponse.objects.create(
        invitation=None if survey.anonymous else locked,
        survey=survey,
        application_id=None if survey.anonymous else locked.application_id,
        respondent=survey_respondent_id(application_id=locked.application_id),
        country=locked.country,
        language=language,
        submitted_at=now,
    )
    by_id = {q.pk: q for q in questions}
    SurveyAnswer.objects.bulk_create(
        [
            SurveyAnswer(
                response=response,
                question_id=pk,
                value=value if by_id[pk].kind != SurveyQuestionKind.OPEN_TEXT else None,
                text=value if by_id[pk].kind == SurveyQuestionKind.OPEN_TEXT else "",
            )
            for pk, value in values.items()
        ]
    )
    locked.completed_at = now
    locked.draft = {}
    locked.save(update_fields=["completed_at", "draft"])
    invitation.completed_at = now
    invitation.draft = {}
    activity_log_record(
        actor=None,
        obj=survey,
        action_type=Activity.SURVEY_ANSWERED,
        data={"invitation": locked.pk},
    )
    return response


@transaction.atomic
def survey_draft_save(
    *, invitation: SurveyInvitation, data: dict, now: dt.datetime | None = None
) -> SurveyInvitation:
    """Keep what the respondent has typed so far ("finish later"): the same link shows it
    again. Answers are stored as typed (unvalidated, without control characters, open text
    cut at the length limit) for the questions asked only; raises ``SurveyNotOpen`` or
    ``SurveyAlreadyAnswered`` like a submission."""
    now = now or timezone.now()
    locked = SurveyInvitation.objects.select_for_update().get(pk=invitation.pk)
    survey = Survey.objects.select_related("cohort").get(pk=locked.survey_id)
    if locked.completed_at is not None:
        raise SurveyAlreadyAnswered()
    if not survey.takes_answers_at(now):
        raise SurveyNotOpen()
    draft = {}
    for question in survey_questions_for(survey=survey, country=locked.country):
        text = "" if data.get(question.pk) is None else str(data[question.pk])
        text = _CONTROL_CHARACTERS.sub("", text).strip()[:OPEN_TEXT_MAX_LENGTH]
        if text:
            draft[str(question.pk)] = text
    locked.draft = draft
    locked.save(update_fields=["draft"])
    invitation.draft = draft
    activity_log_record(
        actor=None,
        obj=survey,
        action_type=Activity.SURVEY_DRAFT_SAVED,
        data={"invitation": locked.pk, "answers": len(draft)},
    )
    return locked


# --- Scheduled emails -------------------------------------------------------------------------

INVITATION_WORKFLOW = "survey-invitation"
INVITATION_WINDOW = "invite"
REMINDER_WORKFLOW = "survey-reminder"
# (window, days before closes_at); a later window replaces an earlier one.
REMINDER_WINDOWS = (("3d", 3), ("1d", 1))
_REMINDER_HORIZON = dt.timedelta(days=max(days for _w, days in REMINDER_WINDOWS) + 1)


def survey_is_transactional(*, survey: Survey) -> bool:
    """Follow-up surveys are outreach to alumni and honour opt-outs (see the module doc)."""
    return survey.kind not in SURVEY_FOLLOWUP_MONTHS


def survey_mail_context(*, invitation: SurveyInvitation, language: str) -> dict:
    """Plain values for the survey templates (``TEMPLATE_CONTEXT``), in ``language`` and the
    respondent's time zone."""
    survey = invitation.survey
    cohort = survey.cohort
    with translation.override(language):
        context = {
            "program_name": cohort.program.name,
            "cohort_name": cohort.name,
            "survey_url": survey_invitation_url(invitation=invitation),
            "closes_on": mail_datetime_text(
                value=survey.closes_at,
                language=language,
                time_zone=invitation.application.applicant.time_zone,
            ),
        }
    if survey.months_after:
        context["months_after"] = survey.months_after
    return context


def _queue(
    *, invitation: SurveyInvitation, workflow: str, window: str, template_key: str
) -> OutgoingMail | None:
    applicant = invitation.application.applicant
    language = mail_language(recipient=applicant)
    return mail_queue(
        template_key=template_key,
        idempotency_key=reminder_key(workflow=workflow, obj=invitation, window=window),
        recipient=applicant,
        language=language,
        context=survey_mail_context(invitation=invitation, language=language),
        concerning=invitation,
        cohort=invitation.survey.cohort,
        is_transactional=survey_is_transactional(survey=invitation.survey),
    )


@transaction.atomic
def survey_invitation_send(
    *, invitation: SurveyInvitation, now: dt.datetime
) -> OutgoingMail | None:
    """Queue the invitation email of ``invitation`` once and record ``invited_at``. Returns
    the new row, or None when it was sent before, was answered, or the address opted out."""
    locked = SurveyInvitation.objects.select_for_update().get(pk=invitation.pk)
    if locked.invited_at is not None or locked.completed_at is not None:
        return None
    key = reminder_key(workflow=INVITATION_WORKFLOW, obj=locked, window=INVITATION_WINDOW)
    existed = OutgoingMail.objects.filter(idempotency_key=key).exists()
    template_key = (
        MailTemplateKey.FOLLOWUP_SURVEY
        if invitation.survey.months_after
        else MailTemplateKey.SURVEY_INVITATION
    )
    mail = _queue(
        invitation=invitation,
        workflow=INVITATION_WORKFLOW,
        window=INVITATION_WINDOW,
        template_key=template_key,
    )
    if mail is None:
        return None
    locked.invited_at = now if not existed else mail.created_at
    locked.link_expires_at = _link_extended(locked, locked.invited_at)
    locked.save(update_fields=["invited_at", "link_expires_at"])
    invitation.invited_at = locked.invited_at
    invitation.link_expires_at = locked.link_expires_at
    return None if existed else mail


@reminder_workflow(INVITATION_WORKFLOW)
def survey_invitations(now: dt.datetime) -> int:
    """Invite everyone eligible for an open published survey who has not been emailed yet."""
    surveys = list(
        Survey.objects.filter(published_at__isnull=False, opens_at__lte=now, closes_at__gt=now)
        .select_related("cohort__program")
        .order_by("id")
    )
    count = 0
    for survey in surveys:
        if not survey.takes_answers_at(now):
            continue
        try:
            survey_invitations_create(survey=survey, now=now)
        except Exception:
            logger.exception("Creating invitations of survey %s failed", survey.pk)
            continue
        pending = (
            SurveyInvitation.objects.filter(
                survey=survey,
                invited_at__isnull=True,
                completed_at__isnull=True,
                application__status__in=SURVEY_AUDIENCE[survey.kind],
                application__applicant__is_active=True,
            )
            .select_related("application__applicant")
            .order_by("id")
        )
        if not survey_is_transactional(survey=survey):
            # Opted-out alumni stay uninvited; leave them out here rather than lock and
            # re-check each of them on every tick while the survey is open.
            pending = pending.annotate(
                email_lower=Lower("application__applicant__email"),
            ).exclude(email_lower__in=MailOptOut.objects.values("email"))
        for invitation in pending:
            invitation.survey = survey
            try:
                count += survey_invitation_send(invitation=invitation, now=now) is not None
            except Exception:
                logger.exception("Survey invitation %s failed", invitation.pk)
    return count


def survey_reminder_window(*, invitation: SurveyInvitation, now: dt.datetime) -> str | None:
    """The reminder window due for ``invitation`` at ``now``, or None: the latest window whose
    09:00 (respondent's time zone) has come before the close, if invited before that time."""
    closes_at = invitation.survey.closes_at
    time_zone = invitation.application.applicant.time_zone
    due_window = None
    for window, days in REMINDER_WINDOWS:
        due = reminder_due_at(deadline=closes_at, days_before=days, time_zone=time_zone)
        if due <= now < closes_at:
            due_window = window if invitation.invited_at < due else None
    if due_window is None:
        return None
    # A close moved by staff gets its own reminders.
    return reminder_occasion(window=due_window, deadline=closes_at, cohort=invitation.survey.cohort)


@transaction.atomic
def survey_reminder_send(
    *, invitation: SurveyInvitation, window: str, now: dt.datetime | None = None
) -> OutgoingMail | None:
    """Queue the ``window`` reminder of ``invitation`` once, unless it was answered meanwhile;
    the link it carries works ``SURVEY_LINK_DAYS`` from ``now`` again."""
    now = now or timezone.now()
    locked = SurveyInvitation.objects.select_for_update().get(pk=invitation.pk)
    key = reminder_key(workflow=REMINDER_WORKFLOW, obj=locked, window=window)
    if locked.completed_at is not None or OutgoingMail.objects.filter(idempotency_key=key).exists():
        return None
    mail = _queue(
        invitation=invitation,
        workflow=REMINDER_WORKFLOW,
        window=window,
        template_key=MailTemplateKey.SURVEY_REMINDER,
    )
    if mail is not None:
        locked.link_expires_at = _link_extended(locked, now)
        locked.save(update_fields=["link_expires_at"])
        invitation.link_expires_at = locked.link_expires_at
    return mail


@reminder_workflow(REMINDER_WORKFLOW)
def survey_reminders(now: dt.datetime) -> int:
    """Remind invited people who have not answered, 3 days and 1 day before the close."""
    statuses = set().union(*SURVEY_AUDIENCE.values())
    invitations = list(
        SurveyInvitation.objects.filter(
            survey__published_at__isnull=False,
            survey__opens_at__lte=now,
            survey__closes_at__gt=now,
            survey__closes_at__lte=now + _REMINDER_HORIZON,
            invited_at__isnull=False,
            completed_at__isnull=True,
            application__status__in=statuses,
            application__applicant__is_active=True,
        )
        .select_related("survey__cohort__program", "application__applicant")
        .order_by("id")
    )
    due = []
    for invitation in invitations:
        if invitation.application.status not in SURVEY_AUDIENCE[invitation.survey.kind]:
            continue
        if not invitation.survey.takes_answers_at(now):
            continue
        window = survey_reminder_window(invitation=invitation, now=now)
        if window is not None:
            due.append(
                (
                    invitation,
                    window,
                    partial(survey_reminder_send, invitation=invitation, window=window, now=now),
                )
            )
    return reminders_queue_due(workflow=REMINDER_WORKFLOW, due=due)
