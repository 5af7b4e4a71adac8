"""Demo application forms and applications in every status, with small PDF documents.

Everything goes through the front door: staff build the form with the form builder's
services, applicants start, fill in, upload and submit through the application services,
staff decide and applicants answer their offers through the transition and offer services.
Only the timestamps are moved afterwards (``exchanges.demo.history``).

Called from ``demo_seed``; idempotent like it: a cohort whose form already has steps keeps
them, and a cohort that already has applications gets none added.
"""

import datetime as dt
import random
from collections import deque
from dataclasses import dataclass, field

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts.models import User
from exchanges.demo.history import application_backdate, cohort_window_opened
from exchanges.enums import ApplicationStatus, DateRange, DocumentKind, QuestionKind, Role
from exchanges.models import Application, Cohort, FormStep, Question
from exchanges.selectors.privacy import privacy_notice_current
from exchanges.services.applications import (
    ALLOWED_TRANSITIONS,
    application_save_answers,
    application_save_profile,
    application_start,
    application_submit,
    application_transition,
    application_upload_document,
    application_withdraw,
)
from exchanges.services.offers import offer_respond
from exchanges.services.questions import (
    application_form_get_or_create,
    form_step_save,
    question_save,
)

S = ApplicationStatus
YES_NO = [
    {"value": "yes", "en": "Yes", "ja": "はい", "ko": "예"},
    {"value": "no", "en": "No", "ja": "いいえ", "ko": "아니요"},
]
LIKERT = [
    {"value": str(n), "en": en, "ja": ja, "ko": ko}
    for n, en, ja, ko in [
        (1, "Very limited", "とても限られている", "매우 제한적"),
        (2, "Limited", "限られている", "제한적"),
        (3, "Moderate", "ある程度", "보통"),
        (4, "Good", "よく理解している", "잘 이해함"),
        (5, "Very good", "とてもよく理解している", "매우 잘 이해함"),
    ]
]
INTERESTS = [
    {"value": v, "en": en, "ja": ja, "ko": ko}
    for v, en, ja, ko in [
        ("security", "Regional security", "地域安全保障", "지역 안보"),
        ("economy", "Economy and trade", "経済・通商", "경제·통상"),
        ("climate", "Climate and energy", "気候・エネルギー", "기후·에너지"),
        ("media", "Media and public opinion", "メディアと世論", "미디어와 여론"),
        ("history", "History and reconciliation", "歴史と和解", "역사와 화해"),
    ]
]

# (step titles, [(key, kind, labels en/ja/ko, extra)])
FORM_SPEC = [
    (
        ("Motivation", "志望動機", "지원 동기"),
        [
            ("role", QuestionKind.SHORT_TEXT, ("Current position", "現在の役職", "현재 직책"), {}),
            (
                "essay",
                QuestionKind.LONG_TEXT,
                (
                    "Why do you want to join this exchange?",
                    "この交流に参加したい理由を教えてください。",
                    "이 교류 프로그램에 참가하고 싶은 이유를 알려 주세요.",
                ),
                {"max_words": 500},
            ),
            (
                "abroad",
                QuestionKind.SINGLE_CHOICE,
                (
                    "Have you visited one of the other two countries?",
                    "他の2か国のいずれかを訪れたことがありますか。",
                    "다른 두 나라 중 한 곳을 방문한 적이 있습니까?",
                ),
                {"options": YES_NO},
            ),
            (
                "abroad_detail",
                QuestionKind.SHORT_TEXT,
                (
                    "Which country, and when?",
                    "どの国に、いつ訪れましたか。",
                    "어느 나라를 언제 방문하셨습니까?",
                ),
                {"show_if": ("abroad", ["yes"])},
            ),
            (
                "understanding",
                QuestionKind.LIKERT,
                (
                    "How well do you understand the other two countries?",
                    "他の2か国についての理解度",
                    "다른 두 나라에 대한 이해도",
                ),
                {"options": LIKERT},
            ),
        ],
    ),
    (
        ("Experience", "経験", "경력"),
        [
            (
                "interests",
                QuestionKind.MULTIPLE_CHOICE,
                ("Topics you want to work on", "取り組みたいテーマ", "다루고 싶은 주제"),
                {"options": INTERESTS},
            ),
            (
                "years",
                QuestionKind.NUMBER,
                ("Years of professional experience", "職務経験年数", "경력 연수"),
                {"min_value": 0, "max_value": 60},
            ),
            (
                "available",
                QuestionKind.DATE,
                ("Available from", "参加可能な開始日", "참가 가능 시작일"),
                {"required": False, "date_range": DateRange.UPCOMING},
            ),
        ],
    ),
    (
        ("Documents and consent", "書類と同意", "서류 및 동의"),
        [
            (
                "cv",
                QuestionKind.FILE,
                ("CV", "履歴書", "이력서"),
                # Optional: participants confirmed in other demo steps attach none. The label
                # names no file types: the hint beside the input lists the accepted ones.
                {"document_kind": DocumentKind.CV, "required": False},
            ),
            # A declaration, not a consent: sharing with partner organisations is asked once,
            # optionally, when the application starts (``Application.shares_with_partners``).
            (
                "declaration",
                QuestionKind.CONSENT,
                (
                    "I confirm that the information in this application is true and complete.",
                    "この応募書類の内容が事実であり、漏れがないことを確認します。",
                    "이 지원서의 내용이 사실이며 빠짐없음을 확인합니다.",
                ),
                {},
            ),
        ],
    ),
]

ESSAYS = {
    "en": "I want to build lasting working relationships with peers in Japan and Korea.",
    "ja": "日米韓の同世代の仲間と、長く続く信頼関係を築きたいと考えています。",
    "ko": "한미일 세 나라의 또래 리더들과 오래 지속되는 신뢰 관계를 쌓고 싶습니다.",
}
ROLES = {"en": "Policy analyst", "ja": "政策研究員", "ko": "정책 연구원"}
OPEN_STATUSES = [S.DRAFT, S.SUBMITTED, S.UNDER_REVIEW, S.WITHDRAWN]
# Confirmed participants of the closed cohort come from the matching demo, which needs the same
# number from each country; random extra ones here would make its groups infeasible.
CLOSED_STATUSES = [S.ACCEPTED, S.WAITLISTED, S.REJECTED, S.DECLINED, S.ALUMNUS, S.WITHDRAWN]
PER_STATUS = 6


def demo_pdf(title: str) -> bytes:
    """A minimal valid one-page PDF showing ``title`` (ASCII), with a correct xref table."""
    text = title.encode("latin-1", "replace").replace(b"(", b"[").replace(b")", b"]")
    stream = b"BT /F1 14 Tf 40 150 Td (" + text + b") Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 420 200] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for offset in offsets:
        out += f"{offset:010d} 00000 n \n".encode()
    out += (
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n"
    ).encode()
    return bytes(out)


def demo_form(cohort: Cohort, staff: User) -> dict[str, Question]:
    """``cohort``'s application form, built with the form builder's services the first time;
    its questions by key."""
    form = application_form_get_or_create(cohort=cohort, actor=staff)
    if not form.steps.exists():
        by_key: dict[str, Question] = {}
        for titles, questions in FORM_SPEC:
            step = form_step_save(
                step=FormStep(
                    form=form, title_en=titles[0], title_ja=titles[1], title_ko=titles[2]
                ),
                actor=staff,
            )
            for key, kind, labels, spec in questions:
                extra = dict(spec)
                show_if = extra.pop("show_if", None)
                by_key[key] = question_save(
                    question=Question(
                        step=step,
                        kind=kind,
                        label_en=labels[0],
                        label_ja=labels[1],
                        label_ko=labels[2],
                        required=extra.pop("required", True),
                        **extra,
                        show_if_question=by_key[show_if[0]] if show_if else None,
                        show_if_values=show_if[1] if show_if else [],
                    ),
                    actor=staff,
                )
    questions = Question.objects.filter(step__form=form).order_by("step__position", "position")
    keys = [key for _titles, spec in FORM_SPEC for key, *_rest in spec]
    return dict(zip(keys, questions, strict=False))


def _path_to(target: str) -> list[str]:
    """The shortest chain of allowed transitions from draft to ``target``."""
    queue, seen = deque([[S.DRAFT.value]]), {S.DRAFT.value}
    while queue:
        path = queue.popleft()
        if path[-1] == target:
            return path
        for nxt in sorted(ALLOWED_TRANSITIONS[path[-1]]):
            if nxt not in seen:
                seen.add(nxt)
                queue.append([*path, nxt])
    return [S.DRAFT.value]


def _answers(language: str, questions: dict[str, Question], rng) -> dict[int, object]:
    abroad = rng.choice(["yes", "no"])
    values = {
        "role": ROLES[language],
        "essay": ESSAYS[language],
        "abroad": abroad,
        "understanding": str(rng.randint(2, 5)),
        "interests": sorted(rng.sample([o["value"] for o in INTERESTS], 2)),
        "years": str(rng.randint(1, 12)),
        "declaration": True,
    }
    if abroad == "yes":
        values["abroad_detail"] = {"en": "Japan, 2023", "ja": "韓国、2023年", "ko": "일본, 2023년"}[
            language
        ]
    return {questions[key].pk: value for key, value in values.items() if key in questions}


@dataclass(frozen=True)
class Profile:
    """The "about you" fields an applicant fills in (``application_save_profile``)."""

    birth_date: dt.date
    sector: str
    institution: str
    languages: dict[str, str] = field(default_factory=dict)


def demo_apply(
    *,
    cohort: Cohort,
    applicant: User,
    status: str,
    staff: User,
    profile: Profile,
    questions: dict[str, Question],
    rng: random.Random,
    with_cv: bool = True,
    offer_respond_by: dt.datetime | None = None,
) -> Application:
    """``applicant`` applies to ``cohort`` (open) and the application goes the shortest
    allowed way to ``status``, each step through its service: staff decide, the applicant
    submits, withdraws and answers the offer."""
    # The demo's applicants accept the published notice and agree to sharing with partners.
    application = application_start(
        cohort=cohort,
        applicant=applicant,
        privacy_notice=privacy_notice_current(),
        shares_with_partners=True,
    )
    application_save_profile(
        application=application,
        actor=applicant,
        data={
            "birth_date": profile.birth_date,
            "citizenship": applicant.country,
            "residence_country": applicant.country,
            "sector": profile.sector,
            "institution": profile.institution,
            "languages": profile.languages,
        },
    )
    ordered = list(questions.values())
    if ordered:
        application_save_answers(
            application=application,
            questions=ordered,
            data=_answers(applicant.preferred_language, questions, rng),
            actor=applicant,
        )
    if with_cv and "cv" in questions:
        content = demo_pdf(f"CV - {applicant.given_name} {applicant.family_name}")
        application_upload_document(
            application=application,
            question=questions["cv"],
            uploaded_file=SimpleUploadedFile("cv.pdf", content, "application/pdf"),
            actor=applicant,
        )
    for to_status in _path_to(status)[1:]:
        if to_status == S.SUBMITTED:
            application_submit(application=application, actor=applicant, questions=ordered)
        elif to_status == S.WITHDRAWN:
            application_withdraw(application=application, actor=applicant)
        elif to_status in {S.CONFIRMED, S.DECLINED}:
            offer_respond(application=application, actor=applicant, accept=to_status == S.CONFIRMED)
        else:
            changes = {"offer_respond_by": offer_respond_by} if offer_respond_by else None
            application_transition(
                application=application, to_status=to_status, actor=staff, changes=changes
            )
    return application


# Seat-freeing answers first: a decline after the waiting list filled would promote from it.
STATUS_ORDER = [S.DECLINED, S.WITHDRAWN, S.REJECTED, S.ACCEPTED, S.ALUMNUS, S.WAITLISTED]


def seed_demo_applications(
    *, cohorts: list[Cohort], staff: User, reserved_emails: frozenset[str] = frozenset()
) -> int:
    """Forms for every cohort and applications in every status; returns how many were added.

    ``reserved_emails`` are applicants another demo step uses; they are left alone here.
    """
    rng = random.Random("trilink-applications")  # noqa: S311 -- demo data, not security
    applicants = list(
        User.objects.filter(role=Role.APPLICANT, email__startswith="applicant-")
        .exclude(country="")
        .exclude(email__in=reserved_emails)
        .order_by("email")
    )
    rng.shuffle(applicants)
    created = 0
    pool = iter(applicants)
    for cohort in cohorts:
        questions = demo_form(cohort, staff)
        if cohort.applications.exists():
            continue
        statuses = OPEN_STATUSES if cohort.deadline > timezone.now() else CLOSED_STATUSES
        people = []
        for status in statuses:
            for _index in range(PER_STATUS):
                applicant = next(pool, None)
                if applicant is None:
                    break
                people.append((status, applicant))
        people.sort(key=lambda item: STATUS_ORDER.index(item[0]) if item[0] in STATUS_ORDER else -1)
        opened, now = cohort.opens_at, timezone.now()
        history = []
        with cohort_window_opened(cohort):
            for status, applicant in people:
                started = min(opened + dt.timedelta(days=rng.randint(1, 20)), now)
                application = demo_apply(
                    cohort=cohort,
                    applicant=applicant,
                    status=status,
                    staff=staff,
                    profile=demo_profile(cohort, applicant, rng),
                    questions=questions,
                    rng=rng,
                )
                history.append((application, started))
                created += 1
        for application, started in history:
            application_backdate(application, started=started, step=dt.timedelta(days=2))
    return created


INSTITUTIONS = {
    "US": "Georgetown University",
    "JP": "Keio University",
    "KR": "Korea University",
}


def demo_profile(cohort: Cohort, applicant: User, rng: random.Random) -> Profile:
    """A plausible, eligible profile for ``applicant`` in ``cohort``."""
    reference = cohort.reference_date
    return Profile(
        birth_date=reference.replace(year=reference.year - rng.randint(22, 33)),
        sector=rng.choice(cohort.program.sectors or ["academia"]),
        institution=INSTITUTIONS.get(applicant.country, "Independent"),
        languages={
            "en": "professional",
            "ja": "native" if applicant.country == "JP" else "basic",
            "ko": "native" if applicant.country == "KR" else "none",
        },
    )
