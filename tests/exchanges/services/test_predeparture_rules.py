"""Who may see and change a pre-departure checklist, and its health details: the rules of
``exchanges.rules``.

Checked with ``rules.has_perm`` (the rule set alone): ``accounts.backends`` additionally gives
secretariat staff with admin access every ``exchanges`` permission, and the pages scope their
querysets so that cannot reach another person's checklist form.
"""

import pytest
import rules
from django.contrib.auth.models import Permission

from exchanges.enums import ApplicationStatus
from tests.factories import ApplicantFactory, PartnerStaffFactory, SecretariatFactory
from tests.factories.applications import ApplicationFactory, CohortFactory

pytestmark = pytest.mark.django_db

PERMS = ("exchanges.view_checklist", "exchanges.view_checklist_details", "exchanges.edit_checklist")


@pytest.fixture
def cohort(db):
    return CohortFactory()


@pytest.fixture
def application(cohort):
    return ApplicationFactory(cohort=cohort, from_country="US", status=ApplicationStatus.CONFIRMED)


def perms(user, obj) -> tuple[bool, ...]:
    return tuple(rules.has_perm(perm, user, obj) for perm in PERMS)


def test_the_participant_sees_and_edits_their_own(application):
    assert perms(application.applicant, application) == (True, True, True)


def test_the_secretariat_sees_details_but_does_not_edit(application, secretariat):
    assert perms(secretariat, application) == (True, True, False)


def test_partner_staff_of_the_country_see_completion_only(application, cohort):
    partner = PartnerStaffFactory(organisation__country="US", partner_of=cohort.program)

    assert perms(partner, application) == (True, False, False)


def test_partner_staff_of_another_country_or_program_see_nothing(application, cohort):
    japan = PartnerStaffFactory(organisation__country="JP", partner_of=cohort.program)
    not_partnering = PartnerStaffFactory(organisation__country="US", organisation__name="Elsewhere")

    assert perms(japan, application) == (False, False, False)
    assert perms(not_partnering, application) == (False, False, False)


def test_reviewers_and_other_applicants_see_nothing(application, reviewer):
    assert perms(reviewer, application) == (False, False, False)
    assert perms(ApplicantFactory(), application) == (False, False, False)


def _with_dietary_list_permission(user):
    user.user_permissions.add(Permission.objects.get(codename="view_dietary_list"))
    return type(user).objects.get(pk=user.pk)  # a fresh instance: no cached permissions


def test_health_details_only_for_the_participant_and_holders_of_the_dietary_permission(
    application, cohort, secretariat, reviewer
):
    partner = PartnerStaffFactory(organisation__country="US", partner_of=cohort.program)
    japan = PartnerStaffFactory(organisation__country="JP", partner_of=cohort.program)
    people = [
        application.applicant,
        secretariat,
        _with_dietary_list_permission(SecretariatFactory()),
        partner,
        _with_dietary_list_permission(
            PartnerStaffFactory(organisation=partner.organisation, country="US")
        ),
        _with_dietary_list_permission(japan),
        _with_dietary_list_permission(reviewer),
    ]

    seen = [rules.has_perm("exchanges.view_checklist_health", p, application) for p in people]

    assert seen == [True, False, True, False, True, False, False]


@pytest.mark.parametrize(
    "status",
    [
        ApplicationStatus.SUBMITTED,
        ApplicationStatus.ACCEPTED,
        ApplicationStatus.DECLINED,
        ApplicationStatus.ALUMNUS,
    ],
)
def test_no_checklist_unless_confirmed_or_participant(cohort, secretariat, status):
    application = ApplicationFactory(cohort=cohort, from_country="US", status=status)

    assert perms(application.applicant, application) == (False, False, False)
    assert perms(secretariat, application) == (False, False, False)


def test_cohort_pages_for_secretariat_and_partner_staff_only(cohort, secretariat, reviewer):
    partner = PartnerStaffFactory(organisation__country="KR", partner_of=cohort.program)
    outsider = PartnerStaffFactory(organisation__country="KR", organisation__name="Other")

    assert [
        rules.has_perm("exchanges.view_predeparture", user, cohort)
        for user in (secretariat, partner, outsider, reviewer)
    ] == [True, True, False, False]
    assert [
        rules.has_perm("exchanges.manage_itinerary", user, cohort)
        for user in (secretariat, partner, reviewer)
    ] == [True, False, False]
