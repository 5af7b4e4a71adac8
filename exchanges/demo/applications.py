"""Demo application forms and applications in every status, with small PDF documents.

Called from ``demo_seed``; idempotent like it: a cohort whose form already has steps keeps
them, and applicants who already applied to a cohort are skipped.
"""

import datetime as dt
import hashlib
import random
from collections import deque
from itertools import pairwise

from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.utils import timezone

from accounts.models import User
from exchanges.enums import ApplicationStatus, DocumentKind, QuestionKind, Role
from exchanges.models import (
    ActivityLog,
    Answer,
    Application,
    ApplicationForm,
    Cohort,
    Document,
    FormStep,
    Question,
)
from exchanges.services.applications import ALLOWED_TRANSITIONS

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
                {"required": False},
            ),
        ],
    ),
    (
        ("Documents and consent", "書類と同意", "서류 및 동의"),
        [
            (
                "cv",
                QuestionKind.FILE,
                ("CV (PDF or Word)", "履歴書（PDFまたはWord）", "이력서(PDF 또는 Word)"),
                {"document_kind": DocumentKind.CV},
            ),
            (
                "privacy",
                QuestionKind.CONSENT,
                (
                    "I agree that my data is shared with the partner organisations of "
                    "this program.",
                    "応募情報が本プログラムのパートナー団体と共有されることに同意します。",
                    "지원 정보가 본 프로그램의 협력 기관과 공유되는 것에 동의합니다.",
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


def _seed_form(cohort: Cohort) -> dict[str, Question]:
    form, _ = ApplicationForm.objects.get_or_create(cohort=cohort)
    if not form.steps.exists():
        by_key: dict[str, Question] = {}
        for position, (titles, questions) in enumerate(FORM_SPEC, start=1):
            step = FormStep.objects.create(
                form=form,
                position=position,
                title_en=titles[0],
                title_ja=titles[1],
                title_ko=titles[2],
            )
            for q_position, (key, kind, labels, spec) in enumerate(questions, start=1):
                extra = dict(spec)
                show_if = extra.pop("show_if", None)
                question = Question.objects.create(
                    step=step,
                    position=q_position,
                    kind=kind,
                    label_en=labels[0],
                    label_ja=labels[1],
                    label_ko=labels[2],
                    required=extra.pop("required", True),
                    **extra,
                    show_if_question=by_key[show_if[0]] if show_if else None,
                    show_if_values=show_if[1] if show_if else [],
                )
                by_key[key] = question
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


def _answers(application: Application, questions: dict[str, Question], rng) -> list[Answer]:
    language = application.applicant.preferred_language
    abroad = rng.choice(["yes", "no"])
    values = {
        "role": ROLES[language],
        "essay": ESSAYS[language],
        "abroad": abroad,
        "understanding": str(rng.randint(2, 5)),
        "interests": sorted(rng.sample([o["value"] for o in INTERESTS], 2)),
        "years": str(rng.randint(1, 12)),
        "privacy": True,
    }
    if abroad == "yes":
        values["abroad_detail"] = {"en": "Japan, 2023", "ja": "韓国、2023年", "ko": "일본, 2023년"}[
            language
        ]
    return [
        Answer(application=application, question=questions[key], value=value)
        for key, value in values.items()
        if key in questions
    ]


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
    content_type = ContentType.objects.get_for_model(Application)
    created = 0
    pool = iter(applicants)
    for cohort in cohorts:
        questions = _seed_form(cohort)
        if cohort.applications.exists():
            continue
        statuses = OPEN_STATUSES if cohort.deadline > timezone.now() else CLOSED_STATUSES
        for status in statuses:
            for _index in range(PER_STATUS):
                applicant = next(pool, None)
                if applicant is None:
                    return created
                created += _seed_one(
                    cohort=cohort,
                    applicant=applicant,
                    status=status,
                    questions=questions,
                    staff=staff,
                    rng=rng,
                    content_type=content_type,
                )
    return created


def _seed_one(*, cohort, applicant, status, questions, staff, rng, content_type) -> int:
    path = _path_to(status)
    started = min(cohort.opens_at + dt.timedelta(days=rng.randint(1, 20)), timezone.now())
    submitted_at = started + dt.timedelta(days=2) if S.SUBMITTED in path else None
    birth = cohort.reference_date.replace(year=cohort.reference_date.year - rng.randint(22, 33))
    application = Application.objects.create(
        applicant=applicant,
        cohort=cohort,
        status=status,
        country=applicant.country,
        citizenship=applicant.country,
        residence_country=applicant.country,
        birth_date=birth,
        sector=rng.choice(cohort.program.sectors or ["academia"]),
        institution={
            "US": "Georgetown University",
            "JP": "Keio University",
            "KR": "Korea University",
        }.get(applicant.country, "Independent"),
        languages={
            "en": "professional",
            "ja": "native" if applicant.country == "JP" else "basic",
            "ko": "native" if applicant.country == "KR" else "none",
        },
        created_at=started,
        updated_at=started,
        submitted_at=submitted_at,
        status_changed_at=started + dt.timedelta(days=len(path)),
    )
    Answer.objects.bulk_create(_answers(application, questions, rng))
    if "cv" in questions:
        content = demo_pdf(f"CV - {applicant.given_name} {applicant.family_name}")
        document = Document(
            application=application,
            question=questions["cv"],
            kind=DocumentKind.CV,
            original_name="cv.pdf",
            content_type="application/pdf",
            size=len(content),
            sha256=hashlib.sha256(content).hexdigest(),
            uploaded_at=started,
        )
        document.file.save("upload", ContentFile(content), save=False)
        document.save()
    entries = [
        ActivityLog(
            actor=applicant,
            content_type=content_type,
            object_id=application.pk,
            action_type="exchanges.application.started",
            data={"to": "draft"},
            timestamp=started,
        )
    ]
    for step, (from_status, to_status) in enumerate(pairwise(path), start=1):
        actor = (
            applicant if to_status in {S.SUBMITTED, S.WITHDRAWN, S.CONFIRMED, S.DECLINED} else staff
        )
        entries.append(
            ActivityLog(
                actor=actor,
                content_type=content_type,
                object_id=application.pk,
                action_type=f"exchanges.application.{to_status}",
                data={"from": from_status, "to": to_status, "reason": ""},
                timestamp=started + dt.timedelta(days=step * 2),
            )
        )
    ActivityLog.objects.bulk_create(entries)
    return 1
