"""The privacy pages: the applicant's request, and the secretariat's list with deadlines."""

import pytest
from django.urls import reverse
from django.utils import translation

from exchanges.enums import ErasureStatus
from exchanges.models import ErasureRequest, PrivacyNotice
from exchanges.services.privacy import (
    privacy_erasure_request,
    privacy_notice_publish,
    privacy_notice_save,
)
from tests.factories import ApplicantFactory

pytestmark = pytest.mark.django_db


def test_applicant_page_offers_download_and_erasure(client, applicant):
    client.force_login(applicant)

    response = client.get(reverse("apply:privacy"))

    assert response.status_code == 200
    assert reverse("apply:privacy_export") in response.text
    assert reverse("apply:privacy_erasure") in response.text


def test_erasure_request_without_confirmation_is_refused_with_an_error(client, applicant):
    client.force_login(applicant)

    response = client.post(reverse("apply:privacy_erasure"), {})

    assert response.status_code == 400
    assert response.context["form"].errors == {
        "confirm": ["Tick the box to confirm that you want to be erased."]
    }
    assert ErasureRequest.objects.count() == 0


def test_erasure_request_is_recorded_and_shown_with_its_deadline(client, applicant):
    client.force_login(applicant)

    response = client.post(reverse("apply:privacy_erasure"), {"confirm": "on"}, follow=True)

    request = ErasureRequest.objects.get()
    assert (request.applicant, request.status) == (applicant, ErasureStatus.PENDING)
    assert "Your request to be erased is recorded." in response.text


def test_staff_cannot_request_erasure_of_their_own_account(client, secretariat):
    client.force_login(secretariat)

    assert client.post(reverse("apply:privacy_erasure"), {"confirm": "on"}).status_code == 404


@pytest.mark.parametrize("count", [1, 3])
def test_erasure_list_query_count_is_constant(staff_client, django_assert_num_queries, count):
    for _ in range(count):
        privacy_erasure_request(applicant=ApplicantFactory())

    # session, user, MFA check, count, page (applicant and processor joined)
    with django_assert_num_queries(5):
        response = staff_client.get(reverse("staff:erasure_requests"))

    assert response.status_code == 200
    assert len(response.context["page"].object_list) == count


def test_erasure_list_shows_the_deadline_and_overdue_requests(staff_client):
    request = privacy_erasure_request(applicant=ApplicantFactory())
    ErasureRequest.objects.filter(pk=request.pk).update(due_at=request.requested_at)

    response = staff_client.get(reverse("staff:erasure_requests"))

    assert "Overdue" in response.text


def test_staff_erase_from_the_request_page_needs_confirmation(staff_client):
    person = ApplicantFactory(given_name="Haruto")
    request = privacy_erasure_request(applicant=person)
    url = reverse("staff:erasure_complete", args=[request.pk])

    refused = staff_client.post(url, {})
    done = staff_client.post(url, {"confirm": "on"})

    person.refresh_from_db()
    assert refused.status_code == 400
    assert done.status_code == 302
    assert (person.given_name, ErasureRequest.objects.get().status) == ("", "completed")


def test_staff_refusal_needs_a_reason_and_tells_the_applicant(staff_client, mailoutbox):
    request = privacy_erasure_request(applicant=ApplicantFactory())
    url = reverse("staff:erasure_refuse", args=[request.pk])

    refused = staff_client.post(url, {"reason": ""})
    done = staff_client.post(url, {"reason": "Your offer is still open."})

    assert refused.context["refuse_form"].errors == {
        "reason": ["Give the reason the applicant will read."]
    }
    assert done.status_code == 302
    assert ErasureRequest.objects.get().refusal_reason == "Your offer is still open."


@pytest.mark.parametrize("who", ["partner_staff", "reviewer", "applicant"])
def test_privacy_staff_pages_are_the_secretariat_s_alone(client, request, who):
    client.force_login(request.getfixturevalue(who))

    assert [
        client.get(reverse(name)).status_code
        for name in ("staff:erasure_requests", "staff:retention_report", "staff:privacy_notices")
    ] == [403, 403, 403]


def test_notice_draft_is_saved_published_and_then_frozen(staff_client, client):
    texts = {
        "text_en": "We keep little.",
        "text_ja": "最小限のみ保持します。",
        "text_ko": "최소한만 보관합니다.",
    }

    missing = staff_client.post(reverse("staff:privacy_notice_new"), {**texts, "text_ko": ""})
    saved = staff_client.post(reverse("staff:privacy_notice_new"), texts)
    notice = PrivacyNotice.objects.get()
    before = client.get(reverse("privacy_notice"))
    published = staff_client.post(reverse("staff:privacy_notice_publish", args=[notice.pk]))
    after = client.get(reverse("privacy_notice"))
    frozen = staff_client.get(reverse("staff:privacy_notice_edit", args=[notice.pk]))

    assert missing.status_code == 400
    assert missing.context["form"].errors == {
        "text_ko": ["The notice is needed in all three languages."]
    }
    assert missing.context["form"]["text_en"].value() == "We keep little."
    assert (saved.status_code, notice.version, notice.created_by is not None) == (302, 1, True)
    assert "No privacy notice has been published yet." in before.text
    assert published.status_code == 302
    assert "We keep little." in after.text
    notice.refresh_from_db()
    with translation.override("ko"):
        assert notice.text == "최소한만 보관합니다."
    assert frozen.status_code == 404


def test_new_notice_version_starts_from_the_latest_text(staff_client, secretariat):
    first = privacy_notice_save(actor=secretariat, text_en="v1", text_ja="v1 ja", text_ko="v1 ko")
    privacy_notice_publish(notice=first, actor=secretariat)

    form = staff_client.get(reverse("staff:privacy_notice_new")).context["form"]
    staff_client.post(
        reverse("staff:privacy_notice_new"), {"text_en": "v2", "text_ja": "v2", "text_ko": "v2"}
    )

    assert form["text_en"].value() == "v1"
    assert list(PrivacyNotice.objects.order_by("version").values_list("version", "text_en")) == [
        (1, "v1"),
        (2, "v2"),
    ]


@pytest.mark.parametrize("count", [1, 3])
def test_notice_list_query_count_is_constant(
    staff_client, secretariat, django_assert_num_queries, count
):
    for n in range(count):
        privacy_notice_save(actor=secretariat, text_en=f"v{n}", text_ja="ja", text_ko="ko")

    # session, user, MFA check, count, page (creator joined)
    with django_assert_num_queries(5):
        response = staff_client.get(reverse("staff:privacy_notices"))

    assert len(response.context["page"].object_list) == count
