import hashlib
from dataclasses import dataclass, field

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone
from rest_framework.test import APIClient

from api.services import api_key_create
from exchanges.enums import (
    ApiScope,
    ApplicationStatus,
    MatchingRunStatus,
    PlacementKind,
    PlacementRunStatus,
)
from exchanges.models import (
    Answer,
    Application,
    Document,
    MatchGroup,
    MatchGroupMember,
    MatchingRun,
    Nomination,
    PlacementAssignment,
    PlacementRun,
    WebhookDelivery,
    WebhookEventRecord,
)
from tests.factories import ApplicantFactory, OrganisationFactory
from tests.factories.applications import MINIMAL_PDF, CohortFactory, QuestionFactory
from tests.factories.matching import MatchingParticipantFactory
from tests.factories.placement import HostFactory
from tests.factories.webhooks import subscribe

ALL_SCOPES = list(ApiScope.values)


@pytest.fixture
def partner_org(db):
    return OrganisationFactory(name="Japan Center for Civic Exchange", country="JP")


@pytest.fixture
def api_token(partner_org):
    _key, token = api_key_create(
        organisation=partner_org, name="Roster sync", scopes=[ApiScope.PROGRAMS_READ]
    )
    return token


def client_for(token: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client


@pytest.fixture
def api_client(api_token):
    return client_for(api_token)


@dataclass
class CountryData:
    """One country's rows in the shared cohort."""

    organisation: object
    token: str
    application: Application
    document: Document
    participant: Application
    nomination: Nomination
    group: MatchGroup
    extra: dict = field(default_factory=dict)


def submitted(cohort, country: str, question) -> tuple[Application, Document]:
    application = Application.objects.create(
        cohort=cohort,
        shares_with_partners=True,
        applicant=ApplicantFactory(country=country),
        country=country,
        citizenship=country,
        residence_country=country,
        status=ApplicationStatus.SUBMITTED,
        submitted_at=timezone.now(),
    )
    Answer.objects.create(application=application, question=question, value=f"From {country}")
    document = Document(
        application=application,
        question=None,
        kind="cv",
        original_name=f"cv-{country}.pdf",
        content_type="application/pdf",
        size=len(MINIMAL_PDF),
        sha256=hashlib.sha256(MINIMAL_PDF).hexdigest(),
    )
    document.file.save("cv.pdf", ContentFile(MINIMAL_PDF), save=True)
    return application, document


@pytest.fixture
def world(db):
    """One open cohort partnered by a US, a Japanese and a Korean organisation; per country a
    submitted application with an answer and a CV, a confirmed participant in a published
    group with a published host, a nomination, and a webhook subscription with one delivery
    (``extra["webhook"]``, ``extra["delivery"]``); one all-scopes key per organisation."""
    cohort = CohortFactory()
    question = QuestionFactory(step__form__cohort=cohort, label_en="Why?")
    run = MatchingRun.objects.create(cohort=cohort, status=MatchingRunStatus.PUBLISHED)
    hosts_run = PlacementRun.objects.create(
        cohort=cohort, kind=PlacementKind.HOSTS, status=PlacementRunStatus.PUBLISHED
    )
    data = {}
    for number, country in enumerate(("US", "JP", "KR"), start=1):
        organisation = OrganisationFactory(name=f"Partner {country}", country=country)
        cohort.program.partners.add(organisation)
        _key, token = api_key_create(organisation=organisation, name="All", scopes=ALL_SCOPES)
        application, document = submitted(cohort, country, question)
        participant = MatchingParticipantFactory(cohort=cohort, from_country=country)
        group = MatchGroup.objects.create(run=run, number=number)
        MatchGroupMember.objects.create(run=run, group=group, application=participant)
        host = HostFactory(cohort=cohort, name=f"Host {country}")
        PlacementAssignment.objects.create(run=hosts_run, application=participant, host=host)
        nomination = Nomination.objects.create(
            organisation=organisation,
            cohort=cohort,
            name=f"Nominee {country}",
            email=f"nominee-{country.lower()}@example.org",
        )
        webhook, _secret = subscribe(organisation, f"https://93.184.215.{number}/hook")
        event = WebhookEventRecord.objects.create(
            event_type="application.submitted", payload={"data": {"country": country}}
        )
        delivery = WebhookDelivery.objects.create(
            event=event, subscription=webhook, status="failed", attempts=10
        )
        data[country] = CountryData(
            organisation=organisation,
            token=token,
            application=application,
            document=document,
            participant=participant,
            nomination=nomination,
            group=group,
            extra={"webhook": webhook, "delivery": delivery},
        )
    data["cohort"] = cohort
    return data
