"""Demo pre-departure data: confirmed participants of the upcoming Seoul cohort with checklists
in every state, and an itinerary of several days.

The running autumn cohort is already under way, so pre-departure applies to the spring cohort
(``cohorts[0]``, starting in July). One demo login (``applicant-en@``, in Denver, so the
itinerary shows her own time next to Seoul's) and two generated applicants per country are
confirmed there. Called from ``demo_seed``; idempotent like it: people who already have a
checklist and cohorts that already have an itinerary are left alone. The participants apply,
are accepted and accept their offer through the services (without a CV); sections are saved
through ``predeparture_section_save``, so the demo data passes the same validation.
"""

import datetime as dt
import random

from django.contrib.auth.models import Permission
from django.utils import timezone

from accounts.models import User
from exchanges.demo.applications import Profile, demo_apply, demo_form
from exchanges.demo.history import application_backdate
from exchanges.enums import ApplicationStatus, PredepartureSection, Role, VisaStatus
from exchanges.models import Application, Cohort, ItineraryItem, PredepartureChecklist
from exchanges.services.predeparture import itinerary_item_save, predeparture_section_save
from exchanges.validators import add_months, passport_valid_through

S = PredepartureSection
DEMO_INSTITUTIONS = {
    "US": "University of Colorado",
    "JP": "Hitotsubashi University",
    "KR": "Ewha Womans University",
}
GENERATED_PER_COUNTRY = 2
# Generated applicants are tried from the end of each country's list.
CANDIDATE_INDEXES = range(100, 80, -1)

# (day of the program from 1, start, end, title en/ja/ko, place en/ja/ko, notes en/ja/ko)
DEMO_ITINERARY = [
    (
        1,
        "14:00",
        "16:00",
        ("Arrival and check-in", "到着・チェックイン", "도착 및 체크인"),
        ("Lotte Hotel Seoul", "ロッテホテルソウル", "롯데호텔 서울"),
        (
            "Airport pick-up from Incheon every hour from 10:00.",
            "仁川空港でのお出迎えは、10:00から1時間ごとに行います。",
            "인천공항 픽업은 10:00부터 1시간 간격으로 운행합니다.",
        ),
    ),
    (
        1,
        "18:30",
        "20:30",
        ("Welcome dinner", "歓迎夕食会", "환영 만찬"),
        ("Lotte Hotel Seoul", "ロッテホテルソウル", "롯데호텔 서울"),
        ("", "", ""),
    ),
    (
        2,
        "09:30",
        "12:00",
        (
            "Opening session: trilateral cooperation in a changing region",
            "開会セッション：変化する地域における日米韓協力",
            "개회 세션: 변화하는 지역 속 한미일 협력",
        ),
        (
            "Korea Foundation Global Center",
            "韓国国際交流財団グローバルセンター",
            "한국국제교류재단 글로벌센터",
        ),
        ("", "", ""),
    ),
    (
        2,
        "14:00",
        "17:00",
        ("Group work in triads", "少人数グループワーク", "3국 소그룹 활동"),
        (
            "Korea Foundation Global Center",
            "韓国国際交流財団グローバルセンター",
            "한국국제교류재단 글로벌센터",
        ),
        ("", "", ""),
    ),
    (
        3,
        "10:00",
        "12:00",
        ("Visit to the National Assembly", "国会訪問", "국회 방문"),
        ("National Assembly, Yeouido", "国会議事堂（汝矣島）", "국회의사당(여의도)"),
        (
            "Bring your passport for the security check.",
            "保安検査がありますので、パスポートをお持ちください。",
            "보안 검색이 있으니 여권을 지참하시기 바랍니다.",
        ),
    ),
    (
        3,
        "15:00",
        "17:00",
        (
            "Seoul City Hall: youth policy briefing",
            "ソウル市庁：若者政策ブリーフィング",
            "서울시청: 청년 정책 브리핑",
        ),
        ("Seoul City Hall", "ソウル市庁", "서울시청"),
        ("", "", ""),
    ),
    (
        4,
        "08:00",
        "18:00",
        ("Day trip to the DMZ", "DMZ日帰り視察", "DMZ 당일 견학"),
        ("Paju", "坡州", "파주"),
        (
            "Wear comfortable shoes. Lunch is provided.",
            "歩きやすい靴でお越しください。昼食はこちらでご用意します。",
            "편한 신발을 신고 오시기 바랍니다. 점심 식사는 제공됩니다.",
        ),
    ),
    (
        -1,
        "10:00",
        "12:00",
        (
            "Closing session and certificates",
            "閉会セッション・修了証授与",
            "폐회 세션 및 수료증 수여",
        ),
        (
            "Korea Foundation Global Center",
            "韓国国際交流財団グローバルセンター",
            "한국국제교류재단 글로벌센터",
        ),
        ("", "", ""),
    ),
]


EMERGENCY_CONTACTS = {
    "US": ("Sarah Johnson", "Mother", "+1 303 555 0142"),
    "JP": ("田中 花子", "母", "+81 90 1234 5678"),
    "KR": ("김영희", "어머니", "+82 10 2345 6789"),
}


def _sections(cohort: Cohort, state: str, country: str) -> dict[str, dict]:
    """Section values for a checklist that is ``complete``, ``partial`` or ``started``."""
    today = timezone.localdate()
    passport = {
        "passport_valid_until": add_months(passport_valid_through(cohort.ends_on), 40),
        "passport_validity_confirmed": True,
    }
    insurance = {
        "insurance_confirmed": True,
        "insurance_provider": "Chubb Travel",
        "insurance_valid_from": cohort.starts_on - dt.timedelta(days=1),
        "insurance_valid_until": cohort.ends_on + dt.timedelta(days=1),
    }
    if state == "started":
        return {S.PASSPORT: passport, S.VISA: {"visa_status": VisaStatus.TO_APPLY}}
    sections = {
        S.PASSPORT: passport,
        S.VISA: (
            {"visa_status": VisaStatus.GRANTED, "visa_granted_on": today - dt.timedelta(days=3)}
            if state == "complete"
            else {"visa_status": VisaStatus.APPLIED}
        ),
        S.EMERGENCY_CONTACT: dict(
            zip(
                ("emergency_name", "emergency_relationship", "emergency_phone"),
                EMERGENCY_CONTACTS.get(country, EMERGENCY_CONTACTS["US"]),
                strict=True,
            )
        ),
        S.DIETARY: {
            "dietary_needs": ["vegetarian"],
            "dietary_notes": "I eat eggs and dairy, but no fish sauce.",
        },
        S.MEDICAL: {"medical_notes": "Mild asthma; I carry an inhaler."},
    }
    if state == "complete":
        sections[S.INSURANCE] = insurance
        sections[S.ARRIVAL] = {
            "arrival_on": cohort.starts_on,
            "arrival_time": dt.time(11, 40),
            "arrival_transport": "KE 18",
        }
    return sections


def _candidates(cohort: Cohort, country: str) -> list[User]:
    emails = [
        f"applicant-{country.lower()}-{index:03d}@demo.trilink.example"
        for index in CANDIDATE_INDEXES
    ]
    users = {u.email: u for u in User.objects.filter(email__in=emails, role=Role.APPLICANT)}
    taken = dict(
        Application.objects.filter(cohort=cohort, applicant__email__in=emails).values_list(
            "applicant__email", "status"
        )
    )
    # Someone who applied to this cohort in the ordinary demo keeps that application; someone
    # confirmed by an earlier run is picked again, so the choice is the same every run.
    return [
        users[email]
        for email in emails
        if email in users
        and taken.get(email, ApplicationStatus.CONFIRMED) == ApplicationStatus.CONFIRMED
    ][:GENERATED_PER_COUNTRY]


def _confirmed(cohort: Cohort, user: User, staff: User, rng) -> tuple[Application, bool]:
    """``user``'s application to ``cohort``: when there is none, they apply (without a CV,
    like the matching demo's participants), are offered a seat and accept it."""
    existing = Application.objects.filter(cohort=cohort, applicant=user).first()
    if existing is not None:
        return existing, False
    started = min(cohort.opens_at + dt.timedelta(days=rng.randint(1, 10)), timezone.now())
    reference = cohort.reference_date
    application = demo_apply(
        cohort=cohort,
        applicant=user,
        status=ApplicationStatus.CONFIRMED,
        staff=staff,
        profile=Profile(
            birth_date=reference.replace(year=reference.year - rng.randint(23, 33)),
            sector=rng.choice(cohort.program.sectors or ["academia"]),
            institution=DEMO_INSTITUTIONS.get(user.country, "Independent"),
            languages={"en": "professional"}
            | ({user.preferred_language: "native"} if user.preferred_language != "en" else {}),
        ),
        questions=demo_form(cohort, staff),
        rng=rng,
        with_cv=False,
    )
    application_backdate(application, started=started, step=dt.timedelta(days=1))
    return application, True


def seed_demo_predeparture(*, cohort: Cohort, staff: User, login: User) -> dict[str, int]:
    """Confirm ``login`` and a few generated applicants in ``cohort``, give them checklists
    (complete, partly done, just started, untouched) and give the cohort an itinerary."""
    rng = random.Random("trilink-predeparture")  # noqa: S311 -- repeatable demo data
    # The health details (dietary list, medical notes) need a permission granted per person,
    # never by role: the demo's secretariat login holds it, so the demo shows those pages.
    staff.user_permissions.add(
        Permission.objects.get(content_type__app_label="exchanges", codename="view_dietary_list")
    )
    people = [login]
    for country in cohort.program.countries:
        people += _candidates(cohort, country)
    states = ["partial", "complete", "started", "untouched"]
    created = 0
    for index, user in enumerate(people):
        application, was_created = _confirmed(cohort, user, staff, rng)
        created += was_created
        if (
            application.status != ApplicationStatus.CONFIRMED
            or PredepartureChecklist.objects.filter(application=application).exists()
        ):
            continue
        state = states[index % len(states)]
        if state == "untouched":
            continue
        for section, values in _sections(cohort, state, application.country).items():
            predeparture_section_save(
                application=application, section=section, values=values, actor=user
            )
    items = 0
    if not ItineraryItem.objects.filter(cohort=cohort).exists():
        for day, start, end, titles, places, notes in DEMO_ITINERARY:
            date = cohort.starts_on + dt.timedelta(days=day - 1) if day > 0 else cohort.ends_on
            itinerary_item_save(
                cohort=cohort,
                actor=staff,
                day=date,
                start_time=dt.time.fromisoformat(start),
                end_time=dt.time.fromisoformat(end),
                title_en=titles[0],
                title_ja=titles[1],
                title_ko=titles[2],
                place_en=places[0],
                place_ja=places[1],
                place_ko=places[2],
                notes=notes[0],
                notes_ja=notes[1],
                notes_ko=notes[2],
            )
            items += 1
    return {"predeparture_participants_created": created, "itinerary_items_created": items}
