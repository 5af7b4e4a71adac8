"""The access-control matrix: every URL pattern of the project (the admin's included) against
every role, with real objects, each pair's status read from the table in
``tests/access_matrix_table.py``.

A URL pattern missing from the table fails the test, so a new view cannot land without saying
who may open it. Each row names a profile: the statuses of the nine roles, in ``ROLES`` order.
Only GET is sent (a POST-only view answers 405 to whoever passes its checks, and a refusal
before that); the objects are made once, in the one test that walks the matrix.

Statuses: 200 page, 302 redirect (anonymous to sign-in, a signed-in person away from a page
that is not for them, such as sign-up), 403 refused, 404 hidden or missing, 405 GET not
allowed, 410 link expired, 401/403 the API without a key.

``TRILINK_MATRIX_RECORD=1`` prints the statuses seen, grouped into profiles, to review a change.
"""

import contextlib
import os
import re
from collections import defaultdict
from fnmatch import fnmatchcase

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse

from api.services import api_key_create
from exchanges.services.privacy import privacy_erasure_request, privacy_notice_save
from tests.access_matrix_table import EXPECTED, PROFILES
from tests.conftest import with_mfa
from tests.factories import (
    OrganisationFactory,
    PartnerStaffFactory,
    SecretariatFactory,
    UserFactory,
)
from tests.factories.alumni import AlumniProfileFactory
from tests.factories.applications import (
    ApplicationFactory,
    CohortFactory,
    FormStepFactory,
    ProgramFactory,
    QuestionFactory,
)
from tests.factories.placement import HostFactory
from tests.factories.predeparture import ItineraryItemFactory
from tests.factories.reviews import (
    PoolMemberFactory,
    ReviewAssignmentFactory,
    ReviewCriterionFactory,
)
from tests.factories.surveys import SurveyFactory
from tests.factories.webhooks import subscribe

ROLES = (
    "anonymous",
    "applicant",
    "other_applicant",
    "reviewer",
    "partner_US",
    "partner_JP",
    "partner_KR",
    "secretariat",
    "superuser",
)
MISSING = 999_999
CONVERTER = re.compile(r"<(?:(?P<converter>\w+):)?(?P<name>\w+)>")


def url_patterns(patterns=None, prefix="", namespace=""):
    """(key, route, pattern) for every pattern; key is the namespaced name, or the route for
    an unnamed one."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from url_patterns(pattern.url_patterns, prefix + str(pattern.pattern), inner)
        elif isinstance(pattern, URLPattern):
            route = prefix + str(pattern.pattern)
            key = f"{namespace}{pattern.name}" if pattern.name else route
            yield key, route, pattern


def test_every_url_pattern_is_in_the_table():
    keys = {key for key, _route, _pattern in url_patterns()}

    assert sorted(keys - set(EXPECTED)) == []
    assert sorted(set(EXPECTED) - keys) == []
    assert sorted(set(EXPECTED.values()) - set(PROFILES)) == []


def _world() -> dict:
    program = ProgramFactory()
    cohort = CohortFactory(program=program)
    for country in ("US", "JP", "KR"):
        organisation = OrganisationFactory(name=f"Partner {country}", country=country)
        program.partners.add(organisation)
    mine = ApplicationFactory(cohort=cohort, from_country="US", submitted=True)
    theirs = ApplicationFactory(cohort=cohort, from_country="KR", submitted=True)
    # The same applicant, taking part in an earlier cohort: the itinerary pages are theirs.
    travelling = ApplicationFactory(
        cohort=CohortFactory(program=program),
        applicant=mine.applicant,
        from_country="US",
        status="participant",
    )
    assignment = ReviewAssignmentFactory(
        application=ApplicationFactory(cohort=cohort, from_country="JP", status="under_review")
    )
    step = FormStepFactory(form__cohort=cohort)
    # The US partner's own API key and webhook: 200 to its staff, 404 to other countries'.
    us_partner = OrganisationFactory(name="Partner US", country="US")
    api_key, _token = api_key_create(organisation=us_partner, name="US CRM", scopes=[])
    subscription, _secret = subscribe(us_partner, "https://93.184.215.14/trilink")
    users = {
        "applicant": mine.applicant,
        "other_applicant": theirs.applicant,
        "reviewer": with_mfa(assignment.reviewer),
        "secretariat": with_mfa(SecretariatFactory()),
        "superuser": with_mfa(UserFactory(role="secretariat", is_staff=True, is_superuser=True)),
    }
    for country in ("US", "JP", "KR"):
        users[f"partner_{country}"] = with_mfa(
            PartnerStaffFactory(
                organisation=OrganisationFactory(name=f"Partner {country}", country=country)
            )
        )
    return {
        "users": users,
        "by_kwarg": {
            "cohort_id": cohort.pk,
            "program_id": program.pk,
            "step_id": step.pk,
            "question_id": QuestionFactory(step=step).pk,
            "token": "t" * 43,
            "key": "not-a-key",
            "uidb36": "1",
            "language": "en",
            "extension": "csv",
            "what": "ranking",
            "number": 1,
            "object_id": "1",
            "url": "nothing/",
            "kind": "arrival",
            "fmt": "csv",
        },
        "pk": {
            "application": mine.pk,
            "travelling": travelling.pk,
            "criterion": ReviewCriterionFactory(cohort=cohort).pk,
            "pool": PoolMemberFactory(cohort=cohort).pk,
            "assignment": assignment.pk,
            "itinerary": ItineraryItemFactory(cohort=cohort).pk,
            "host": HostFactory(cohort=cohort).pk,
            "survey": SurveyFactory(cohort=cohort).pk,
            "program": program.pk,
            "cohort": cohort.pk,
            "api_key": api_key.pk,
            "webhook": subscription.pk,
            "alumni_profile": AlumniProfileFactory(application__from_country="US").pk,
            "erasure": privacy_erasure_request(applicant=UserFactory()).pk,
            "notice": privacy_notice_save(
                actor=users["secretariat"], text_en="Draft", text_ja="草案", text_ko="초안"
            ).pk,
        },
    }


# Which object a ``pk`` names, by URL name (glob); the rest get a missing id.
PK_OF = [
    ("apply:alumni_profile", "alumni_profile"),
    ("apply:alumni_*", None),  # a message of nobody in the matrix: 403 comes first
    ("apply:itinerary*", "travelling"),
    ("apply:certificate_pdf", "travelling"),
    ("staff:attendance_*", "itinerary"),
    ("staff:api_key_*", "api_key"),
    ("staff:webhook_detail", "webhook"),
    ("staff:erasure_*", "erasure"),
    ("staff:privacy_notice_*", "notice"),
    ("apply:*", "application"),
    ("matching_profile", "application"),
    ("staff:application", "application"),
    ("staff:review_assign", "application"),
    ("staff:selection_move", "application"),
    ("staff:predeparture_participant", "application"),
    ("staff:review_criterion*", "criterion"),
    ("staff:review_pool_remove", "pool"),
    ("staff:review_unassign", "assignment"),
    ("review:assignment", "assignment"),
    ("review:declare_conflict", "assignment"),
    ("staff:predeparture_itinerary_*", "itinerary"),
    ("staff:host_edit", "host"),
    ("staff:survey*", "survey"),
    ("v1:program-detail", "program"),
    ("v1:cohort-*", "cohort"),
    ("v1:application-detail", "application"),
]


def _admin_object_id(key: str) -> str:
    """The first existing object of the admin page's model ("1" when there is none): ids do
    not restart at 1 on PostgreSQL, whose sequences outlive each test's rollback."""
    for model in admin.site._registry:
        prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}_"
        if key.startswith(prefix):
            first = model._default_manager.order_by("pk").values_list("pk", flat=True).first()
            return str(first) if first is not None else "1"
    return "1"


def _path(world: dict, key: str, route: str, pattern: URLPattern) -> str:
    names = set(pattern.pattern.regex.groupindex)
    values = {}
    for name in names:
        if name == "pk":
            kind = next((kind for glob, kind in PK_OF if fnmatchcase(key, glob)), None)
            values[name] = world["pk"][kind] if kind else MISSING
        elif name == "object_id" and key.startswith("admin:"):
            values[name] = _admin_object_id(key)
        else:
            values[name] = world["by_kwarg"].get(name, MISSING)
    if ":" in key or (not key.startswith(("admin/", "api/")) and "<" not in key):
        with contextlib.suppress(NoReverseMatch):
            return reverse(key, kwargs=values)
    path = CONVERTER.sub(lambda m: str(values.get(m.group("name"), MISSING)), route)
    path = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: str(values.get(m.group(1), MISSING)), path)
    return "/" + path.replace("^", "").replace("$", "")


@pytest.mark.django_db
def test_access_matrix(settings):
    settings.ACCOUNT_RATE_LIMITS = {}
    world = _world()
    clients = {"anonymous": Client()}
    for role, user in world["users"].items():
        clients[role] = Client()
        clients[role].force_login(user)

    seen: dict[str, tuple] = {}
    for key, route, pattern in url_patterns():
        path = _path(world, key, route, pattern)
        seen[key] = tuple(clients[role].get(path).status_code for role in ROLES)

    if os.environ.get("TRILINK_MATRIX_RECORD"):
        profiles = defaultdict(list)
        for key, statuses in seen.items():
            profiles[statuses].append(key)
        for statuses, keys in sorted(profiles.items(), key=lambda item: -len(item[1])):
            print(statuses, len(keys), keys)
    wrong = {
        key: {"expected": PROFILES.get(EXPECTED.get(key)), "seen": statuses}
        for key, statuses in seen.items()
        if PROFILES.get(EXPECTED.get(key)) != statuses
    }
    assert wrong == {}
