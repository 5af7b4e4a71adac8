"""Consent: applications record the notice accepted and the sharing choice, and without the
choice partner staff and partner keys see no personal data of the applicant."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from rest_framework.test import APIClient

from api.services import api_key_create
from exchanges.enums import ApiScope, ApplicationStatus
from exchanges.models import Application
from exchanges.services.applications import application_upload_document
from exchanges.services.privacy import privacy_notice_publish, privacy_notice_save
from tests.conftest import with_mfa
from tests.factories import (
    ApplicantFactory,
    OrganisationFactory,
    PartnerStaffFactory,
    ReviewerFactory,
)
from tests.factories.applications import (
    ApplicationFactory,
    CohortFactory,
    FormStepFactory,
    QuestionFactory,
)
from tests.factories.selection import quota, reviewed_application, score
from tests.uploads import MINIMAL_PDF

pytestmark = pytest.mark.django_db


@pytest.fixture
def notice(secretariat):
    draft = privacy_notice_save(
        actor=secretariat, text_en="EN v1", text_ja="JA v1", text_ko="KO v1"
    )
    return privacy_notice_publish(notice=draft, actor=secretariat)


def test_apply_needs_the_notice_accepted_and_records_version_and_choice(client, cohort, notice):
    applicant = ApplicantFactory(country="KR")
    client.force_login(applicant)
    url = reverse("apply:start", args=[cohort.pk])

    refused = client.post(url, {"shares_with_partners": "on"})
    accepted = client.post(url, {"accept_notice": "on", "shares_with_partners": "on"})

    assert refused.status_code == 400
    assert refused.context["consent_form"].errors == {
        "accept_notice": ["Read and accept the privacy notice to apply."]
    }
    assert accepted.status_code == 302
    assert list(
        Application.objects.values_list(
            "applicant", "privacy_notice__version", "shares_with_partners"
        )
    ) == [(applicant.pk, 1, True)]


def test_apply_without_the_sharing_choice_records_no_consent(client, cohort, notice):
    applicant = ApplicantFactory(country="KR")
    client.force_login(applicant)

    client.post(reverse("apply:start", args=[cohort.pk]), {"accept_notice": "on"})

    assert Application.objects.get().shares_with_partners is False


def test_public_notice_page_shows_the_current_version_in_the_reader_s_language(client, notice):
    english = client.get(reverse("privacy_notice"))
    japanese = client.get(reverse("privacy_notice"), HTTP_ACCEPT_LANGUAGE="ja")

    assert "EN v1" in english.text
    assert "JA v1" in japanese.text or "EN v1" in japanese.text


@pytest.fixture
def two_kr(cohort):
    question = QuestionFactory(step=FormStepFactory(form__cohort=cohort), kind="file")
    shared = ApplicationFactory(
        cohort=cohort, country="KR", applicant__family_name="Sharer", submitted=True
    )
    private = ApplicationFactory(
        cohort=cohort,
        country="KR",
        applicant__family_name="Private",
        shares_with_partners=False,
    )
    document = application_upload_document(
        application=private,
        question=question,
        actor=private.applicant,
        uploaded_file=SimpleUploadedFile("cv.pdf", MINIMAL_PDF),
    )
    Application.objects.filter(pk=private.pk).update(status=ApplicationStatus.SUBMITTED)
    return shared, private, document


@pytest.fixture
def partner_kr(client, cohort):
    partner = with_mfa(
        PartnerStaffFactory(
            organisation__country="KR", organisation__name="Partner KR", partner_of=cohort.program
        )
    )
    client.force_login(partner)
    return partner


def test_partner_pages_show_no_personal_data_without_consent(client, cohort, two_kr, partner_kr):
    shared, private, document = two_kr

    pipeline = client.get(reverse("staff:pipeline", args=[cohort.pk]))
    detail = client.get(reverse("staff:application", args=[private.pk]))
    download = client.get(reverse("staff:document", args=[document.pk]))

    assert [a.pk for a in pipeline.context["page"]] == [shared.pk]
    assert "Private" not in pipeline.text
    assert (detail.status_code, download.status_code) in {(403, 404), (404, 404)}


def test_partner_export_holds_no_personal_data_without_consent(client, cohort, two_kr, partner_kr):
    response = client.get(reverse("staff:export_csv", args=[cohort.pk]))

    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert len(rows) == 2
    assert "Sharer" in rows[1]
    assert not any("Private" in cell for row in rows for cell in row)


def test_secretariat_sees_every_applicant(staff_client, cohort, two_kr):
    response = staff_client.get(reverse("staff:pipeline", args=[cohort.pk]))

    assert sorted(a.pk for a in response.context["page"]) == sorted(a.pk for a in two_kr[:2])


def test_partner_api_key_sees_no_personal_data_without_consent(cohort, two_kr, partner_kr):
    shared, private, document = two_kr
    _key, token = api_key_create(
        organisation=partner_kr.organisation, name="Sync", scopes=[ApiScope.APPLICATIONS_READ]
    )
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")

    listing = api.get("/api/v1/applications/")
    one = api.get(f"/api/v1/applications/{private.pk}/")
    file = api.get(f"/api/v1/documents/{document.pk}/file/")

    assert [row["id"] for row in listing.json()["results"]] == [shared.pk]
    assert (one.status_code, file.status_code) == (404, 404)


def test_partner_selection_export_names_only_consenting_applicants(client):
    cohort = CohortFactory()
    quota(cohort, "JP", seats=1)
    reviewer = ReviewerFactory()
    named, unnamed = (reviewed_application(cohort, country="JP") for _ in range(2))
    Application.objects.filter(pk=unnamed.pk).update(shares_with_partners=False)
    score(named, reviewer, 70)
    score(unnamed, reviewer, 60)
    partner = with_mfa(PartnerStaffFactory(organisation=OrganisationFactory(country="JP")))
    cohort.program.partners.add(partner.organisation)
    client.force_login(partner)

    response = client.get(
        reverse(
            "staff:selection_export",
            kwargs={"cohort_id": cohort.pk, "what": "ranking", "extension": "csv"},
        )
    )

    rows = list(csv.reader(io.StringIO(b"".join(response).decode("utf-8-sig"))))
    by_id = {row[2]: row for row in rows[1:]}
    family = named.applicant.family_name
    assert family in by_id[str(named.pk)]
    assert unnamed.applicant.family_name not in by_id[str(unnamed.pk)]
    assert unnamed.applicant.given_name not in by_id[str(unnamed.pk)]


@pytest.fixture
def scored_jp(client):
    """A cohort with two reviewed Japanese applications whose reviewers disagree, one of an
    applicant who did not consent to sharing; partner staff of Japan signed in."""
    cohort = CohortFactory()
    quota(cohort, "JP", seats=1)
    named, unnamed = (
        reviewed_application(
            cohort,
            country="JP",
            applicant__given_name=f"Given{tag}",
            applicant__family_name=f"Family{tag}",
            applicant__email=f"{tag.lower()}@people.example",
        )
        for tag in ("Named", "Unnamed")
    )
    Application.objects.filter(pk=unnamed.pk).update(shares_with_partners=False)
    harsh, kind = ReviewerFactory(), ReviewerFactory()
    for application in (named, unnamed):
        score(application, harsh, 10)
        score(application, kind, 95)
    partner = with_mfa(PartnerStaffFactory(organisation=OrganisationFactory(country="JP")))
    cohort.program.partners.add(partner.organisation)
    client.force_login(partner)
    return cohort, named, unnamed


@pytest.mark.parametrize("page", ["selection", "selection_ranking", "selection_dashboard"])
def test_partner_selection_pages_show_no_personal_data_without_consent(client, scored_jp, page):
    cohort, named, unnamed = scored_jp

    response = client.get(reverse(f"staff:{page}", kwargs={"cohort_id": cohort.pk}))

    html = response.text
    assert response.status_code == 200
    assert f"Applicant #{unnamed.pk}, no consent to share" in html
    assert [
        t for t in ("GivenUnnamed", "FamilyUnnamed", "unnamed@people.example") if t in html
    ] == []
    assert reverse("staff:application", args=[unnamed.pk]) not in html
    assert "GivenNamed FamilyNamed" in html
    assert reverse("staff:application", args=[named.pk]) in html


def test_secretariat_selection_page_names_every_applicant(client, scored_jp, secretariat):
    cohort, _named, _unnamed = scored_jp
    client.force_login(secretariat)

    response = client.get(reverse("staff:selection_ranking", kwargs={"cohort_id": cohort.pk}))

    assert "GivenUnnamed FamilyUnnamed" in response.text
    assert "no consent to share" not in response.text
