"""``manage.py seed_demo``: the demo data set, its idempotence and its production guard."""

import re
from io import StringIO

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Count

from accounts.models import Organisation, User
from exchanges.demo import DEMO_DOMAIN, DEMO_LOGINS, MATCHING_LOGINS, demo_seed
from exchanges.enums import (
    CohortStatus,
    MatchingRunStatus,
    OrganisationKind,
    PlacementKind,
    PlacementRunStatus,
    Role,
)
from exchanges.models import (
    Application,
    Cohort,
    CohortQuota,
    MatchGroupMember,
    MatchingRun,
    PlacementAssignment,
    PlacementRun,
    Program,
)

pytestmark = pytest.mark.django_db

JAPANESE = re.compile(r"^[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\u3005]+$")
HANGUL = re.compile(r"^[\uac00-\ud7a3]+$")


def _seed() -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def _counts() -> dict[str, int]:
    return {
        "users": User.objects.count(),
        "organisations": Organisation.objects.count(),
        "programs": Program.objects.count(),
        "cohorts": Cohort.objects.count(),
        "quotas": CohortQuota.objects.count(),
        "email_addresses": EmailAddress.objects.count(),
        "authenticators": Authenticator.objects.count(),
    }


def _generated_applicants():
    return User.objects.filter(
        role=Role.APPLICANT, email__startswith="applicant-", email__endswith=f"@{DEMO_DOMAIN}"
    ).exclude(email__in=[login.email for login in DEMO_LOGINS])


def test_seed_demo_creates_applicants_per_country():
    _seed()

    per_country = dict(
        _generated_applicants().values_list("country").annotate(n=Count("id")).order_by()
    )

    assert per_country == {"US": 100, "JP": 100, "KR": 100}
    assert User.objects.filter(role=Role.APPLICANT).count() == 303


def test_seed_demo_japanese_applicants_have_names_in_japanese_script():
    _seed()

    local_names = list(
        _generated_applicants().filter(country="JP").values_list("local_name", flat=True)
    )

    assert [name for name in local_names if not JAPANESE.match(name)] == []


def test_seed_demo_korean_applicants_have_names_in_hangul():
    _seed()

    local_names = list(
        _generated_applicants().filter(country="KR").values_list("local_name", flat=True)
    )

    assert [name for name in local_names if not HANGUL.match(name)] == []


def test_seed_demo_latin_names_present_for_every_applicant():
    _seed()

    missing = _generated_applicants().filter(given_name="") | _generated_applicants().filter(
        family_name=""
    )

    assert missing.count() == 0
    assert _generated_applicants().filter(country="US").exclude(local_name="").count() == 0


def test_seed_demo_one_partner_organisation_per_country():
    _seed()

    partners = list(
        Organisation.objects.filter(kind=OrganisationKind.PARTNER)
        .values_list("country", flat=True)
        .order_by("country")
    )

    assert partners == ["JP", "KR", "US"]


def test_seed_demo_program_with_two_cohorts_and_an_alumni_cohort():
    _seed()

    program = Program.objects.get()
    cohorts = list(program.cohorts.values_list("host_country", flat=True).order_by("host_country"))

    assert program.name_en == "Trilateral Next-Generation Leaders Exchange"
    assert program.countries == ["US", "JP", "KR"]
    assert sorted(program.partners.values_list("country", flat=True)) == ["JP", "KR", "US"]
    assert cohorts == ["JP", "KR", "US"]  # US: the finished cohort whose alumni mentor
    assert CohortQuota.objects.count() == 9


def test_seed_demo_logins_cover_every_role():
    _seed()

    roles = set(
        User.objects.filter(email__in=[login.email for login in DEMO_LOGINS]).values_list(
            "role", flat=True
        )
    )

    assert roles == set(Role.values)


def test_seed_demo_logins_use_documented_password_and_verified_email():
    _seed()

    users = User.objects.filter(email__in=[login.email for login in DEMO_LOGINS])

    assert [u.email for u in users if not u.check_password(settings.TRILINK_DEMO_PASSWORD)] == []
    assert EmailAddress.objects.filter(
        email__in=[login.email for login in DEMO_LOGINS], verified=True, primary=True
    ).count() == len(DEMO_LOGINS)


def test_seed_demo_staff_logins_have_totp():
    _seed()

    with_totp = set(
        Authenticator.objects.filter(type=Authenticator.Type.TOTP).values_list(
            "user__email", flat=True
        )
    )
    mfa_logins = {login.email for login in DEMO_LOGINS if login.role != Role.APPLICANT}

    assert with_totp == mfa_logins


def test_seed_demo_partner_staff_bound_to_country_organisation():
    _seed()

    partners = list(
        User.objects.filter(role=Role.PARTNER_STAFF)
        .values_list("email", "organisation__country", "organisation__kind")
        .order_by("email")
    )

    assert partners == [
        (f"partner-jp@{DEMO_DOMAIN}", "JP", OrganisationKind.PARTNER),
        (f"partner-kr@{DEMO_DOMAIN}", "KR", OrganisationKind.PARTNER),
        (f"partner-us@{DEMO_DOMAIN}", "US", OrganisationKind.PARTNER),
    ]


def test_seed_demo_prints_logins():
    output = _seed()

    assert "Demo data ready (300 new applicants)." in output
    assert [login.email for login in DEMO_LOGINS if login.email not in output] == []


def test_seed_demo_twice_changes_no_counts():
    _seed()
    first = _counts()

    output = _seed()

    assert _counts() == first
    assert "Demo data ready (0 new applicants)." in output


def test_seed_demo_twice_keeps_names():
    _seed()
    before = list(
        _generated_applicants()
        .order_by("email")
        .values_list("email", "given_name", "family_name", "local_name")
    )

    _seed()

    after = list(
        _generated_applicants()
        .order_by("email")
        .values_list("email", "given_name", "family_name", "local_name")
    )
    assert after == before


def test_seed_demo_under_production_settings_refuses(settings):
    settings.TRILINK_ENVIRONMENT = "production"

    with pytest.raises(CommandError, match="refuses to run under production settings"):
        _seed()

    assert User.objects.count() == 0


def test_demo_seed_service_under_production_settings_refuses(settings):
    settings.TRILINK_ENVIRONMENT = "production"

    with pytest.raises(RuntimeError, match="never created under production settings"):
        demo_seed()

    assert Organisation.objects.count() == 0


def test_seed_demo_publishes_a_matching_of_the_running_cohort_once():
    first = demo_seed()
    second = demo_seed()

    running = Cohort.objects.get(status=CohortStatus.RUNNING)
    runs = MatchingRun.objects.filter(cohort=running)
    assert (first["participants_created"], first["matchings_published"]) == (36, 1)
    assert (second["participants_created"], second["matchings_published"]) == (0, 0)
    assert list(runs.values_list("status", flat=True)) == [MatchingRunStatus.PUBLISHED]
    assert runs.get().groups.count() == 12
    members = set(
        MatchGroupMember.objects.filter(run__cohort=running).values_list(
            "application__applicant__email", flat=True
        )
    )
    assert {
        f"applicant@{DEMO_DOMAIN}",
        f"applicant-ja@{DEMO_DOMAIN}",
        f"applicant-en@{DEMO_DOMAIN}",
    } <= members


def test_seed_demo_publishes_hosts_and_mentors_once_and_logins_see_them(client):
    first = demo_seed()
    second = demo_seed()

    running = Cohort.objects.get(status=CohortStatus.RUNNING)
    assert (first["host_placements_published"], first["mentor_pairings_published"]) == (1, 1)
    assert (second["host_placements_published"], second["mentor_pairings_published"]) == (0, 0)
    runs = PlacementRun.objects.filter(cohort=running)
    assert sorted(runs.values_list("kind", "status")) == [
        (PlacementKind.HOSTS, PlacementRunStatus.PUBLISHED),
        (PlacementKind.MENTORS, PlacementRunStatus.PUBLISHED),
    ]
    assert set(running.hosts.values_list("city", flat=True)) == {"Tokyo"}
    mentors = PlacementAssignment.objects.filter(run__cohort=running, mentor__isnull=False)
    assert mentors.count() == 36
    assert all(
        a.mentor.country != a.application.country
        for a in mentors.select_related("mentor", "application")
    )
    for email in MATCHING_LOGINS.values():
        application = Application.objects.get(cohort=running, applicant__email=email)
        client.force_login(application.applicant)
        response = client.get(application.get_absolute_url())
        assert response.context["matching_group"] is not None
        assert response.context["matching_host"] is not None
        assert response.context["matching_mentor"] is not None
