"""The nomination service: one live nomination per organisation, cohort and address (in any
case), one invitation per candidate and cohort, and every live nomination linked when the
candidate applies."""

import datetime as dt

import pytest
from django.core import mail
from django.db import IntegrityError, transaction
from django.utils import timezone

from exchanges.enums import NominationStatus
from exchanges.exceptions import DeadlinePassed, QuotaExceeded
from exchanges.models import Nomination, OutgoingMail
from exchanges.services.applications import application_start
from exchanges.services.nominations import (
    AlreadyNominated,
    nomination_create,
    nomination_withdraw,
)
from tests.factories import ApplicantFactory, OrganisationFactory
from tests.factories.applications import CohortFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def cohort():
    return CohortFactory()


@pytest.fixture
def us(cohort):
    organisation = OrganisationFactory(name="Partner US", country="US")
    cohort.program.partners.add(organisation)
    return organisation


@pytest.fixture
def jp(cohort):
    organisation = OrganisationFactory(name="Partner JP", country="JP")
    cohort.program.partners.add(organisation)
    return organisation


def nominate(organisation, cohort, email="cand@example.org"):
    return nomination_create(
        organisation=organisation, cohort=cohort, name="Cand", email=email, language="en"
    )


def test_the_address_is_stored_in_lower_case_and_compared_in_any_case(us, cohort):
    nomination = nominate(us, cohort, " Cand@Example.ORG ")

    with pytest.raises(AlreadyNominated) as refused:
        nominate(us, cohort, "CAND@EXAMPLE.ORG")

    assert nomination.email == "cand@example.org"
    assert refused.value.code == "already_nominated"


def test_the_database_refuses_a_second_live_nomination_in_another_case(us, cohort):
    nominate(us, cohort)

    with pytest.raises(IntegrityError), transaction.atomic():
        Nomination.objects.create(
            organisation=us, cohort=cohort, name="C", email="CAND@example.org"
        )


def test_a_withdrawn_nomination_does_not_block_a_new_one(us, cohort):
    nomination_withdraw(nomination=nominate(us, cohort))

    again = nominate(us, cohort, "Cand@example.org")

    assert again.status == NominationStatus.INVITED


def test_two_organisations_nominate_one_address_and_the_candidate_gets_one_invitation(
    us, jp, cohort, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = nominate(us, cohort)
        second = nominate(jp, cohort, "CAND@example.org")

    assert (first.status, second.status) == (NominationStatus.INVITED, NominationStatus.INVITED)
    assert list(OutgoingMail.objects.values_list("recipient_email", flat=True)) == [
        "cand@example.org"
    ]
    assert len(mail.outbox) == 1


def test_after_the_first_is_withdrawn_a_new_nomination_is_mailed(
    us, jp, cohort, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        nomination_withdraw(nomination=nominate(us, cohort))
        nominate(jp, cohort)

    assert len(mail.outbox) == 2


def test_applying_links_every_live_nomination_and_records_the_first_organisation(us, jp, cohort):
    first, second = nominate(us, cohort), nominate(jp, cohort)
    withdrawn = nominate(OrganisationFactory(country="KR"), cohort)
    nomination_withdraw(nomination=withdrawn)

    application = application_start(
        cohort=cohort, applicant=ApplicantFactory(email="cand@example.org", country="JP")
    )

    rows = {n.pk: (n.status, n.application_id) for n in Nomination.objects.all()}
    assert rows == {
        first.pk: (NominationStatus.APPLIED, application.pk),
        second.pk: (NominationStatus.APPLIED, application.pk),
        withdrawn.pk: (NominationStatus.WITHDRAWN, None),
    }
    assert application.nominated_by_id == us.pk


def test_a_closed_call_is_refused_with_a_snake_case_code(us, cohort):
    cohort.deadline = timezone.now() - dt.timedelta(seconds=1)
    cohort.save(update_fields=["deadline"])

    with pytest.raises(DeadlinePassed) as refused:
        nominate(us, cohort)

    assert refused.value.code == "cohort_not_open"


def test_a_domain_error_without_a_code_is_named_in_snake_case():
    assert QuotaExceeded().code == "quota_exceeded"
    assert DeadlinePassed(code="cohort_not_open").code == "cohort_not_open"
