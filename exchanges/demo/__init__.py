"""Demo data: a CULCON-like trilateral program that shows every feature.

The demo builds its world through the front door, as people would (pretalx's
``create_test_event`` is the model): staff create the program and cohorts, build the form and
the rubric and decide through the services; applicants apply, upload, submit and answer their
offers through them; matching, placement, surveys and checklists run through theirs. What no
service creates (organisations and accounts, which the admin and the signup make) is written
here with a comment, and the past (closed calls, decisions days ago, delivered emails) is
replayed by ``exchanges.demo.history``. A test pins that remainder.

``demo_seed`` is idempotent: every object is found by a natural key before it is created, so
running it twice changes nothing. Later capabilities add their own ``_seed_*`` steps here.
"""

import datetime as dt
import random
from dataclasses import dataclass

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils import timezone, translation

from accounts.models import Organisation, User
from config.site import site_url
from exchanges.demo.alumni import seed_demo_alumni
from exchanges.demo.api_keys import seed_demo_api_keys
from exchanges.demo.applications import Profile, demo_apply, demo_form, seed_demo_applications
from exchanges.demo.attendance import seed_demo_attendance
from exchanges.demo.history import (
    STAGED_MAIL_PREFIX,
    application_backdate,
    cohort_window_opened,
    outbox_delivered,
)
from exchanges.demo.offers import seed_demo_offers
from exchanges.demo.outcomes import seed_demo_outcomes
from exchanges.demo.predeparture import seed_demo_predeparture
from exchanges.demo.privacy import seed_demo_erasure_request, seed_demo_privacy_notice
from exchanges.demo.reviews import seed_demo_reviews
from exchanges.demo.selection import seed_demo_selection
from exchanges.demo.surveys import seed_demo_surveys
from exchanges.demo.webhooks import seed_demo_webhooks
from exchanges.enums import (
    ApplicationStatus,
    CohortStatus,
    Country,
    Interest,
    MailStatus,
    MailTemplateKey,
    MatchingRunStatus,
    OrganisationKind,
    PlacementKind,
    PlacementRunStatus,
    ProgramKind,
    Role,
    Sector,
)
from exchanges.models import (
    Application,
    Campaign,
    Cohort,
    Host,
    MatchingProfile,
    MatchingRun,
    OutgoingMail,
    PlacementRun,
    Program,
)
from exchanges.romanize import romanize_korean_name
from exchanges.selectors.campaigns import campaign_audience
from exchanges.services.campaigns import campaign_preview, campaign_save, campaign_send
from exchanges.services.mail import (
    campaigns_finish_if_done,
    mail_language,
    mail_queue,
    mail_queue_rendered,
)
from exchanges.services.matching import (
    matching_profile_save,
    matching_run_execute,
    matching_run_publish,
    matching_run_start,
)
from exchanges.services.placement import (
    host_placement_run,
    host_save,
    mentor_pairing_run,
    placement_run_publish,
)
from exchanges.services.programs import cohort_create, program_create

DEMO_DOMAIN = "demo.trilink.example"
# A fixed TOTP secret for the demo staff accounts, so a newcomer can add it to an
# authenticator app (or run ``manage.py demo_totp``). Never used outside the demo.
DEMO_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"  # noqa: S105 -- public demo value
APPLICANTS_PER_COUNTRY = 100


@dataclass(frozen=True)
class DemoLogin:
    email: str
    role: str
    description: str
    given_name: str
    family_name: str
    local_name: str = ""
    language: str = "en"
    country: str = ""
    time_zone: str = "UTC"
    organisation_key: str | None = None


DEMO_LOGINS = [
    DemoLogin(
        f"staff@{DEMO_DOMAIN}",
        Role.SECRETARIAT,
        "Secretariat staff (MFA)",
        "Emily",
        "Carter",
        country="US",
        time_zone="America/New_York",
        organisation_key="secretariat",
    ),
    DemoLogin(
        f"partner-us@{DEMO_DOMAIN}",
        Role.PARTNER_STAFF,
        "Partner staff, United States (MFA)",
        "Michael",
        "Brooks",
        country="US",
        time_zone="America/Chicago",
        organisation_key="US",
    ),
    DemoLogin(
        f"partner-jp@{DEMO_DOMAIN}",
        Role.PARTNER_STAFF,
        "Partner staff, Japan (MFA)",
        "Haruka",
        "Sato",
        "佐藤遥",
        "ja",
        "JP",
        "Asia/Tokyo",
        "JP",
    ),
    DemoLogin(
        f"partner-kr@{DEMO_DOMAIN}",
        Role.PARTNER_STAFF,
        "Partner staff, South Korea (MFA)",
        "Jiwoo",
        "Park",
        "박지우",
        "ko",
        "KR",
        "Asia/Seoul",
        "KR",
    ),
    DemoLogin(
        f"reviewer@{DEMO_DOMAIN}",
        Role.REVIEWER,
        "Reviewer (MFA)",
        "Daniel",
        "Nguyen",
        country="US",
        time_zone="America/Los_Angeles",
    ),
    DemoLogin(
        f"applicant@{DEMO_DOMAIN}",
        Role.APPLICANT,
        "Applicant (Korean)",
        "Minjun",
        "Kim",
        "김민준",
        "ko",
        "KR",
        "Asia/Seoul",
    ),
    DemoLogin(
        f"applicant-ja@{DEMO_DOMAIN}",
        Role.APPLICANT,
        "Applicant (Japanese)",
        "Yui",
        "Tanaka",
        "田中結衣",
        "ja",
        "JP",
        "Asia/Tokyo",
    ),
    DemoLogin(
        f"applicant-en@{DEMO_DOMAIN}",
        Role.APPLICANT,
        "Applicant (English)",
        "Olivia",
        "Johnson",
        "",
        "en",
        "US",
        "America/Denver",
    ),
]

ORGANISATIONS = {
    "secretariat": ("Trilink Secretariat", "US", OrganisationKind.SECRETARIAT),
    "US": ("Pacific Bridges Foundation", "US", OrganisationKind.PARTNER),
    "JP": ("Japan Center for Civic Exchange", "JP", OrganisationKind.PARTNER),
    "KR": ("Korea Foundation for Future Leaders", "KR", OrganisationKind.PARTNER),
}

COUNTRY_PROFILES = {
    "US": (
        "en_US",
        "en",
        [
            "America/New_York",
            "America/Chicago",
            "America/Denver",
            "America/Los_Angeles",
            "Pacific/Honolulu",
        ],
    ),
    "JP": ("ja_JP", "ja", ["Asia/Tokyo"]),
    "KR": ("ko_KR", "ko", ["Asia/Seoul"]),
}


def _verified(user: User) -> None:
    # allauth verifies addresses by link; the demo's are verified from the start.
    EmailAddress.objects.get_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )


def _seed_organisations() -> dict[str, Organisation]:
    result = {}
    for key, (name, country, kind) in ORGANISATIONS.items():
        # Organisations are set up in the admin; no service creates one.
        result[key], _ = Organisation.objects.get_or_create(
            name=name, country=country, defaults={"kind": kind}
        )
    return result


def _seed_logins(orgs: dict[str, Organisation], password_hash: str) -> dict[str, User]:
    users = {}
    for login in DEMO_LOGINS:
        # Accounts are made by signing up or in the admin; no service creates one.
        user, _created = User.objects.get_or_create(
            email=login.email,
            defaults={
                "password": password_hash,
                "role": login.role,
                "given_name": login.given_name,
                "family_name": login.family_name,
                "local_name": login.local_name,
                "preferred_language": login.language,
                "country": login.country,
                "time_zone": login.time_zone,
                "organisation": orgs.get(login.organisation_key or ""),
                "is_staff": login.role == Role.SECRETARIAT,
                "is_superuser": login.role == Role.SECRETARIAT,
            },
        )
        _verified(user)
        if (
            user.requires_mfa
            and not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
        ):
            TOTP.activate(user, DEMO_TOTP_SECRET)
        users[login.email] = user
    return users


def _faker(locale: str):
    """Faker, an extra of the demo only (``pip install -e '.[demo]'``, which ``make run``
    installs): a production install does not carry it."""
    try:
        from faker import Faker  # noqa: PLC0415 -- optional dependency: the demo extra
    except ImportError as error:
        raise ImproperlyConfigured(
            "The demo data needs Faker: install the demo extra (pip install -e '.[demo]')."
        ) from error
    return Faker(locale)


def _person(fake, country: str) -> dict:
    if country == "JP":
        family, _kana, family_latin = fake.last_name_pair()
        given, _kana, given_latin = fake.first_name_pair()
        return {
            "given_name": given_latin,
            "family_name": family_latin,
            "local_name": f"{family}{given}",
        }
    if country == "KR":
        family, given = fake.last_name(), fake.first_name()
        family_latin, given_latin = romanize_korean_name(family=family, given=given)
        return {
            "given_name": given_latin,
            "family_name": family_latin,
            "local_name": f"{family}{given}",
        }
    return {"given_name": fake.first_name(), "family_name": fake.last_name(), "local_name": ""}


def _seed_applicants(password_hash: str) -> int:
    existing = set(
        User.objects.filter(
            email__endswith=f"@{DEMO_DOMAIN}", email__startswith="applicant-"
        ).values_list("email", flat=True)
    )
    new_users = []
    for country, (locale, language, zones) in COUNTRY_PROFILES.items():
        fake = _faker(locale)
        fake.seed_instance(f"trilink-{country}")
        rng = random.Random(f"trilink-{country}")  # noqa: S311 -- repeatable demo data
        for index in range(1, APPLICANTS_PER_COUNTRY + 1):
            person = _person(fake, country)
            email = f"applicant-{country.lower()}-{index:03d}@{DEMO_DOMAIN}"
            if email in existing:
                continue
            new_users.append(
                User(
                    email=email,
                    password=password_hash,
                    role=Role.APPLICANT,
                    country=country,
                    preferred_language=language if rng.random() < 0.85 else "en",
                    time_zone=rng.choice(zones),
                    **person,
                )
            )
    # Three hundred sign-ups at once: no service creates accounts (allauth's signup does).
    User.objects.bulk_create(new_users)
    created = User.objects.filter(email__in=[u.email for u in new_users])
    # Verified from the start, as if each had followed the link.
    EmailAddress.objects.bulk_create(
        [EmailAddress(user=u, email=u.email, verified=True, primary=True) for u in created],
        ignore_conflicts=True,
    )
    return len(new_users)


def _seed_program(orgs: dict[str, Organisation], staff: User) -> Program:
    existing = Program.objects.filter(slug="next-generation-leaders").first()
    if existing is not None:
        return existing
    return program_create(
        actor=staff,
        slug="next-generation-leaders",
        partners=[orgs["US"], orgs["JP"], orgs["KR"]],
        staff=[staff],
        name_en="Trilateral Next-Generation Leaders Exchange",
        name_ja="日米韓次世代リーダー交流プログラム",
        name_ko="한미일 차세대 리더 교류 프로그램",
        description_en=(
            "A three-week exchange that brings emerging leaders in politics, business, "
            "media, academia and civil society from the United States, Japan and South "
            "Korea together to study shared challenges and build lasting trust."
        ),
        description_ja=(
            "米国・日本・韓国の政治、ビジネス、メディア、学術、市民社会の分野で活躍する若手"
            "リーダーが3週間をともに過ごし、共通の課題を学びながら長く続く信頼関係を築く交流"
            "プログラムです。"
        ),
        description_ko=(
            "미국, 일본, 한국의 정치·경제·언론·학계·시민사회 분야의 차세대 리더들이 3주 동안 "
            "함께 공통의 과제를 탐구하고 오래 지속될 신뢰를 쌓는 교류 프로그램입니다."
        ),
        kind=ProgramKind.PROFESSIONAL,
        countries=[Country.US, Country.JP, Country.KR],
        sectors=[
            Sector.POLITICS,
            Sector.BUSINESS,
            Sector.MEDIA,
            Sector.ACADEMIA,
            Sector.CIVIL_SOCIETY,
        ],
    )


# Every demo cohort: 20 seats and a waiting list of 5 per country.
QUOTA = (20, 5)


def _cohort(program: Program, staff: User, slug: str, **fields) -> Cohort:
    """The program's cohort ``slug``, created by staff the first time."""
    existing = Cohort.objects.filter(program=program, slug=slug).first()
    if existing is not None:
        return existing
    return cohort_create(
        program=program,
        actor=staff,
        slug=slug,
        quotas=dict.fromkeys(program.countries, QUOTA),
        **fields,
    )


def _seed_cohorts(program: Program, staff: User) -> list[Cohort]:
    now = timezone.now()
    year = now.year + 1
    cohorts = []
    specs = [
        {
            "slug": f"{year}-summer-seoul",
            "name_en": f"{year} Summer, hosted in Seoul",
            "name_ja": f"{year}年夏 ソウル開催",
            "name_ko": f"{year}년 여름 서울 개최",
            "status": CohortStatus.OPEN,
            "opens_at": now - dt.timedelta(days=30),
            "deadline": (now + dt.timedelta(days=45)).replace(
                hour=15, minute=0, second=0, microsecond=0
            ),
            "time_zone": "Asia/Seoul",
            "starts_on": dt.date(year, 7, 6),
            "ends_on": dt.date(year, 7, 26),
            "host_country": Country.KR,
            "min_age": 21,
            "max_age": 35,
        },
        {
            "slug": f"{year - 1}-autumn-tokyo",
            "name_en": f"{year - 1} Autumn, hosted in Tokyo",
            "name_ja": f"{year - 1}年秋 東京開催",
            "name_ko": f"{year - 1}년 가을 도쿄 개최",
            "status": CohortStatus.RUNNING,
            "opens_at": now - dt.timedelta(days=200),
            "deadline": now - dt.timedelta(days=120),
            "time_zone": "Asia/Tokyo",
            "starts_on": (now - dt.timedelta(days=10)).date(),
            "ends_on": (now + dt.timedelta(days=11)).date(),
            "host_country": Country.JP,
            "min_age": 21,
            "max_age": 35,
        },
    ]
    for spec in specs:
        cohorts.append(_cohort(program, staff, **spec))
    return cohorts


MATCHING_PARTICIPANTS_PER_COUNTRY = 12
DEMO_INSTITUTIONS = {
    "US": [
        "Georgetown University",
        "Brookings Institution",
        "Ohio State University",
        "The Seattle Times",
        "City of Boston",
        "Asia Society",
        "Stanford University",
        "Microsoft",
        "Mercy Corps",
        "University of Hawaii",
        "NPR",
        "State of Oregon",
    ],
    "JP": [
        "東京大学",
        "京都大学",
        "朝日新聞",
        "トヨタ自動車",
        "横浜市役所",
        "早稲田大学",
        "日本国際交流センター",
        "NHK",
        "慶應義塾大学",
        "広島市役所",
        "ソニー",
        "JICA",
    ],
    "KR": [
        "서울대학교",
        "연세대학교",
        "고려대학교",
        "한겨레",
        "삼성전자",
        "서울특별시",
        "동아시아연구원",
        "KBS",
        "부산광역시",
        "카이스트",
        "아산정책연구원",
        "네이버",
    ],
}


MATCHING_LOGINS = {
    "KR": f"applicant@{DEMO_DOMAIN}",
    "JP": f"applicant-ja@{DEMO_DOMAIN}",
    "US": f"applicant-en@{DEMO_DOMAIN}",
}


def _matching_emails_for(country: str) -> list[str]:
    return [MATCHING_LOGINS[country]] + [
        f"applicant-{country.lower()}-{index:03d}@{DEMO_DOMAIN}"
        for index in range(1, MATCHING_PARTICIPANTS_PER_COUNTRY)
    ]


def _matching_emails() -> list[str]:
    return [email for country in MATCHING_LOGINS for email in _matching_emails_for(country)]


def _seed_matching(cohort: Cohort, staff: User) -> dict[str, int]:
    """Confirmed participants with matching profiles in the running cohort, and a published
    matching of them (the demo logins for applicants take part, so they see their group).

    They applied while the call was open (without a CV), were offered a seat, accepted it
    and filled in their matching profile; the program is under way, so half of each
    country's members are already participants.
    """
    created = 0
    interests = [i.value for i in Interest]
    sectors = list(cohort.program.sectors or Sector.values)
    questions = demo_form(cohort, staff)
    opened = cohort.opens_at
    history = []
    with cohort_window_opened(cohort):
        for country, (_locale, native, _zones) in COUNTRY_PROFILES.items():
            rng = random.Random(f"trilink-matching-{country}")  # noqa: S311 -- repeatable demo
            emails = _matching_emails_for(country)
            users = {u.email: u for u in User.objects.filter(email__in=emails)}
            applied = set(
                Application.objects.filter(cohort=cohort, applicant__email__in=emails).values_list(
                    "applicant__email", flat=True
                )
            )
            for index, email in enumerate(emails):
                languages = {native: "native"}
                if native != "en":
                    languages["en"] = rng.choice(["basic", "conversational", "professional"])
                third = {"en": "ja", "ja": "ko", "ko": "ja"}[native]
                if rng.random() < 0.4:
                    languages[third] = rng.choice(["basic", "conversational"])
                if email in applied:
                    continue
                applicant = users[email]
                application = demo_apply(
                    cohort=cohort,
                    applicant=applicant,
                    status=(
                        ApplicationStatus.CONFIRMED
                        if index % 2 == 0
                        else ApplicationStatus.PARTICIPANT
                    ),
                    staff=staff,
                    profile=Profile(
                        birth_date=dt.date(
                            cohort.starts_on.year - rng.randint(22, 34),
                            rng.randint(1, 12),
                            rng.randint(1, 28),
                        ),
                        sector=rng.choice(sectors),
                        institution=DEMO_INSTITUTIONS[country][index],
                        languages=languages,
                    ),
                    questions=questions,
                    rng=rng,
                    with_cv=False,
                )
                matching_profile_save(
                    application=application,
                    actor=applicant,
                    interests=rng.sample(interests, rng.randint(2, 4)),
                    gender=rng.choice(["female", "male", "female", "male", ""]),
                )
                history.append((application, opened + dt.timedelta(days=rng.randint(1, 40))))
                created += 1
    for application, started in history:
        application_backdate(application, started=started, step=dt.timedelta(days=7))
    published = 0
    if not MatchingRun.objects.filter(cohort=cohort, status=MatchingRunStatus.PUBLISHED).exists():
        run = matching_run_start(
            cohort=cohort, actor=staff, parameters={"per_country": 1, "time_limit": 10}
        )
        matching_run_execute(run_id=run.pk)
        run.refresh_from_db()
        matching_run_publish(run=run, actor=staff)
        published = 1
    return {"participants_created": created, "matchings_published": published}


# Hosts of the running cohort (hosted in Tokyo): name, kind, places, pets, accommodates
# allergies and dietary needs, who may stay, languages spoken.
DEMO_HOSTS = [
    ("Tanaka family", "family", 3, True, True, "any", ["ja", "en"]),
    ("Suzuki family", "family", 4, False, True, "any", ["ja", "en"]),
    ("Watanabe family", "family", 3, False, True, "female_only", ["ja", "en"]),
    ("Ito family", "family", 4, False, False, "any", ["ja", "ko"]),
    ("Kobayashi family", "family", 3, True, True, "any", []),
    ("Yamamoto family", "family", 3, False, True, "male_only", ["ja", "en"]),
    ("International House of Japan", "institution", 10, False, True, "any", []),
    (
        "Waseda International Student House",
        "institution",
        8,
        False,
        True,
        "any",
        ["en", "ja", "ko"],
    ),
]
ALUMNI_PER_COUNTRY = 4
MENTOR_CAPACITY = 3


def _seed_hosts(cohort: Cohort, staff: User) -> int:
    """Tokyo hosts for the running cohort, participants' host choices and a published
    placement in which the demo applicant logins are placed (the first institution ranks them
    first and they choose it first, so deferred acceptance always keeps them)."""
    existing = {host.name: host for host in Host.objects.filter(cohort=cohort)}
    hosts = []
    for name, kind, capacity, pets, dietary, rule, languages in DEMO_HOSTS:
        host = existing.get(name) or host_save(
            cohort=cohort,
            actor=staff,
            name=name,
            kind=kind,
            city="Tokyo",
            city_ja="東京",
            city_ko="도쿄",
            capacity=capacity,
            has_pets=pets,
            accommodates_dietary_needs=dietary,
            gender_rule=rule,
            languages=languages,
        )
        hosts.append(host)
    if PlacementRun.objects.filter(
        cohort=cohort, kind=PlacementKind.HOSTS, status=PlacementRunStatus.PUBLISHED
    ).exists():
        return 0
    demo_logins = list(
        Application.objects.filter(
            cohort=cohort, applicant__email__in=MATCHING_LOGINS.values()
        ).order_by("country")
    )
    house = next(h for h in hosts if h.kind == "institution")
    house = host_save(
        cohort=cohort, actor=staff, host=house, preferences=[a.pk for a in demo_logins]
    )
    rng = random.Random("trilink-hosts")  # noqa: S311 -- repeatable demo data
    login_ids = {a.pk for a in demo_logins}
    profiles = (
        MatchingProfile.objects.filter(application__cohort=cohort)
        .select_related("application__applicant", "application__cohort")
        .order_by("application_id")
    )
    for profile in profiles:
        choices = rng.sample(hosts, 3)
        if profile.application_id in login_ids:
            choices = [house, *[h for h in choices if h != house]][:3]
        # Each participant ranks hosts on their matching profile, as on its page.
        matching_profile_save(
            application=profile.application,
            actor=profile.application.applicant,
            interests=profile.interests,
            gender=profile.gender,
            host_preferences=[h.pk for h in choices],
            pet_allergy=profile.application_id not in login_ids and rng.random() < 0.1,
            dietary_needs=rng.random() < 0.15,
        )
    run = host_placement_run(cohort=cohort, actor=staff)
    placement_run_publish(run=run, actor=staff)
    return 1


def _seed_mentors(program: Program, cohort: Cohort, staff: User) -> int:
    """A finished earlier cohort whose alumni mentor the running cohort, and a published
    pairing across countries."""
    year = cohort.starts_on.year - 1
    past = _cohort(
        program,
        staff,
        slug=f"{year}-autumn-washington",
        name_en=f"{year} Autumn, hosted in Washington",
        name_ja=f"{year}年秋 ワシントン開催",
        name_ko=f"{year}년 가을 워싱턴 개최",
        status=CohortStatus.FINISHED,
        opens_at=cohort.opens_at - dt.timedelta(days=365),
        deadline=cohort.deadline - dt.timedelta(days=365),
        time_zone="America/New_York",
        starts_on=cohort.starts_on - dt.timedelta(days=365),
        ends_on=cohort.ends_on - dt.timedelta(days=365),
        host_country=Country.US,
        min_age=21,
        max_age=35,
    )
    interests = [i.value for i in Interest]
    sectors = list(program.sectors or Sector.values)
    opened = past.opens_at
    history = []
    with cohort_window_opened(past):
        for country, (_locale, native, _zones) in COUNTRY_PROFILES.items():
            rng = random.Random(f"trilink-alumni-{country}")  # noqa: S311 -- repeatable demo
            emails = [
                f"applicant-{country.lower()}-{index:03d}@{DEMO_DOMAIN}"
                for index in range(91, 91 + ALUMNI_PER_COUNTRY)
            ]
            alumni = User.objects.filter(email__in=emails).exclude(applications__cohort=past)
            for index, user in enumerate(alumni.order_by("email")):
                languages = {native: "native"}
                if native != "en":
                    languages["en"] = rng.choice(["conversational", "professional"])
                application = demo_apply(
                    cohort=past,
                    applicant=user,
                    status=ApplicationStatus.ALUMNUS,
                    staff=staff,
                    profile=Profile(
                        birth_date=dt.date(
                            past.starts_on.year - rng.randint(24, 35),
                            rng.randint(1, 12),
                            rng.randint(1, 28),
                        ),
                        sector=sectors[index % len(sectors)],
                        institution=DEMO_INSTITUTIONS[country][-1 - index],
                        languages=languages,
                    ),
                    questions={},
                    rng=rng,
                    with_cv=False,
                )
                matching_profile_save(
                    application=application,
                    actor=user,
                    interests=rng.sample(interests, 3),
                    gender="",
                )
                history.append((application, opened + dt.timedelta(days=rng.randint(1, 30))))
    for application, started in history:
        application_backdate(application, started=started, step=dt.timedelta(days=30))
    # The mentor pool draws on alumni who offered to mentor in the alumni directory.
    seed_demo_alumni(cohort=past)
    if PlacementRun.objects.filter(
        cohort=cohort, kind=PlacementKind.MENTORS, status=PlacementRunStatus.PUBLISHED
    ).exists():
        return 0
    run = mentor_pairing_run(cohort=cohort, actor=staff, capacity=MENTOR_CAPACITY)
    placement_run_publish(run=run, actor=staff)
    return 1


@transaction.atomic
def demo_seed() -> dict[str, int]:
    """Create or complete the demo data set and return counts of what was added."""
    if getattr(settings, "TRILINK_ENVIRONMENT", "") == "production":
        raise RuntimeError("Demo data is never created under production settings.")
    password_hash = make_password(settings.TRILINK_DEMO_PASSWORD)
    mail_before = OutgoingMail.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    orgs = _seed_organisations()
    users = _seed_logins(orgs, password_hash)
    staff = users[f"staff@{DEMO_DOMAIN}"]
    created_applicants = _seed_applicants(password_hash)
    program = _seed_program(orgs, staff)
    webhooks_created = seed_demo_webhooks(organisations=orgs)
    privacy_notices = seed_demo_privacy_notice(staff=staff)
    cohorts = _seed_cohorts(program, staff)
    applications = _seed_applications(cohorts, staff)
    running = cohorts[1]  # the autumn cohort, whose program is under way
    matching = _seed_matching(running, staff)
    matching["host_placements_published"] = _seed_hosts(running, staff)
    matching["mentor_pairings_published"] = _seed_mentors(program, running, staff)
    matching |= seed_demo_predeparture(
        cohort=cohorts[0], staff=staff, login=users[f"applicant-en@{DEMO_DOMAIN}"]
    )
    matching |= seed_demo_surveys(cohort=running, staff=staff)
    matching |= seed_demo_attendance(cohort=running, staff=staff)
    matching |= seed_demo_outcomes(program=program, staff=staff)
    # Offers before reviews: the reviewers' queues then hold only applications still in review.
    matching["offers_created"] = seed_demo_offers(cohort=cohorts[0], users=users)
    matching["review_assignments_created"] = seed_demo_reviews(
        cohorts=cohorts,
        lead=users[f"reviewer@{DEMO_DOMAIN}"],
        staff=staff,
        domain=DEMO_DOMAIN,
        password_hash=password_hash,
    )
    matching["selection_reviews_created"] = seed_demo_selection(
        cohort=cohorts[0],
        staff=users[f"staff@{DEMO_DOMAIN}"],
        domain=DEMO_DOMAIN,
        password_hash=password_hash,
    )
    matching["api_keys_created"] = seed_demo_api_keys(organisations=orgs)
    matching["webhooks_created"] = webhooks_created
    matching["privacy_notices_published"] = privacy_notices
    matching["erasure_requests_created"] = seed_demo_erasure_request(domain=DEMO_DOMAIN)
    # After the offers: the campaign goes to the open cohort's offer holders.
    _seed_mail(users, cohorts[0])
    outbox_delivered(after_id=mail_before)
    campaigns_finish_if_done(
        campaign_ids=list(
            Campaign.objects.filter(cohort__program=program).values_list("pk", flat=True)
        )
    )
    return {
        "applicants_created": created_applicants,
        "applications_created": applications,
        **matching,
    }


def _seed_applications(cohorts: list[Cohort], staff: User) -> int:
    return seed_demo_applications(
        cohorts=cohorts, staff=staff, reserved_emails=frozenset(_matching_emails())
    )


def _seed_mail(users: dict[str, User], cohort: Cohort) -> None:
    """A few sent, failed and queued emails and one sent campaign, so the outbox shows each
    state. The emails are queued through ``mail_queue`` and given their delivery outcome by
    hand (the demo sends nothing on its own); the campaign is written, sent and queued for
    the offer holders of ``cohort`` through the campaign and outbox services."""
    now = timezone.now()
    staff = users[f"staff@{DEMO_DOMAIN}"]
    specs = [
        (f"applicant@{DEMO_DOMAIN}", MailTemplateKey.APPLICATION_RECEIVED, MailStatus.SENT, ""),
        (f"applicant-ja@{DEMO_DOMAIN}", MailTemplateKey.DRAFT_REMINDER_7D, MailStatus.SENT, ""),
        (
            f"applicant-en@{DEMO_DOMAIN}",
            MailTemplateKey.DECISION_WAITLISTED,
            MailStatus.FAILED,
            "SMTP 550: 5.1.1 The email account that you tried to reach does not exist.",
        ),
        (
            f"reviewer@{DEMO_DOMAIN}",
            MailTemplateKey.REVIEWER_ASSIGNED,
            MailStatus.QUEUED,
            "SMTP 451: 4.7.1 Greylisted, please try again later",
        ),
    ]
    for email, key, status, error in specs:
        recipient = users[email]
        idempotency_key = f"{STAGED_MAIL_PREFIX}{key}:{recipient.pk}"
        if OutgoingMail.objects.filter(idempotency_key=idempotency_key).exists():
            continue
        with translation.override(recipient.preferred_language):
            context = {
                "program_name": cohort.program.name,
                "cohort_name": cohort.name,
                "application_url": f"{site_url()}/",
                "review_url": f"{site_url()}/",
                "deadline": cohort.deadline.date().isoformat(),
                "submitted_at": now.date().isoformat(),
                "assignment_count": 12,
                "due_date": cohort.deadline.date().isoformat(),
                "waitlist_position": 2,
            }
        mail = mail_queue(
            template_key=key,
            idempotency_key=idempotency_key,
            recipient=recipient,
            context=context,
            cohort=cohort,
            due_at=now + dt.timedelta(minutes=10) if status == MailStatus.QUEUED else now,
        )
        # Staged outcome: the outbox shows a delivered, a failed and a deferred email.
        OutgoingMail.objects.filter(pk=mail.pk).update(
            status=status,
            attempts=1,
            last_error=error,
            sent_at=now if status == MailStatus.SENT else None,
        )
    if Campaign.objects.filter(cohort=cohort, name="Information session").exists():
        return
    campaign = campaign_save(
        campaign=Campaign(
            cohort=cohort,
            name="Information session",
            subject_en="Online information session on {{ cohort_name }}",
            body_en="Dear {{ recipient_name }},\n\nJoin our online information session "
            "about {{ program_name }} next Thursday.",
            subject_ja="{{ cohort_name }} オンライン説明会のご案内",
            body_ja="{{ recipient_name }} 様\n\n{{ program_name }}のオンライン説明会を"
            "来週木曜日に開催いたします。ぜひご参加ください。",
            subject_ko="{{ cohort_name }} 온라인 설명회 안내",
            body_ko="{{ recipient_name }}님, 안녕하십니까.\n\n다음 주 목요일에 "
            "{{ program_name }} 온라인 설명회를 개최합니다. 많은 참여 바랍니다.",
            audience_statuses=[
                ApplicationStatus.ACCEPTED,
                ApplicationStatus.WAITLISTED,
                ApplicationStatus.CONFIRMED,
            ],
        ),
        actor=staff,
    )
    campaign = campaign_send(campaign=campaign, actor=staff)
    recipients = list(campaign_audience(campaign=campaign))
    for recipient in recipients:
        language = mail_language(recipient=recipient)
        rendered = campaign_preview(campaign=campaign, language=language, recipient=recipient)
        mail_queue_rendered(
            email=recipient.email,
            subject=rendered.subject,
            text=rendered.text,
            html=rendered.html,
            template_key="campaign",
            idempotency_key=f"campaign:{campaign.pk}:{recipient.pk}",
            language=language,
            recipient=recipient,
            is_transactional=False,
            campaign=campaign,
        )
    # The worker's part of sending (``campaign_enqueue``) hands each row to the broker at
    # once; the demo queued the rows itself, so it records that they are all queued.
    Campaign.objects.filter(pk=campaign.pk).update(
        enqueued_at=now, recipients_total=len(recipients)
    )
