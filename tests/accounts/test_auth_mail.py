"""Authentication mail: the site is named in every language, and staff never read its links."""

import re

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from exchanges.enums import MailStatus
from exchanges.models import OutgoingMail
from tests.factories import ApplicantFactory
from tests.smtp import part

pytestmark = pytest.mark.django_db

RESET_LINK = re.compile(r"https?://\S+/accounts/password/reset/key/\S+")


@pytest.mark.parametrize(
    ("language", "greeting"),
    [("en", "Hello from Trilink!"), ("ja", "Trilink"), ("ko", "Trilink")],
)
def test_password_reset_mail_names_the_site_in_every_language(
    client, smtp_sink, django_capture_on_commit_callbacks, language, greeting
):
    user = ApplicantFactory(preferred_language=language)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_reset_password"), {"email": user.email})

    [message] = smtp_sink.to(user.email)
    text = part(message, "plain")
    first_line = text.strip().splitlines()[0]
    assert greeting in first_line
    assert "Trilink" in message["Subject"]
    for blank in ("Hello from !", "from  ", "こんにちは、 です", "에서 !"):
        assert blank not in text
    assert RESET_LINK.search(text) is not None


def test_signup_verification_mail_names_the_site_in_korean(
    client, smtp_sink, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("account_signup"),
            {
                "email": "minjun@example.org",
                "password1": "a-long-passphrase-42",
                "password2": "a-long-passphrase-42",
                "given_name": "Minjun",
                "family_name": "Kim",
                "local_name": "김민준",
                "preferred_language": "ko",
                "country": "KR",
                "time_zone": "Asia/Seoul",
                "privacy_consent": "on",
            },
            HTTP_ACCEPT_LANGUAGE="ko",
        )

    [message] = smtp_sink.to("minjun@example.org")
    text = part(message, "plain")
    assert "Trilink" in text.strip().splitlines()[0]
    assert "/accounts/confirm-email/" in text


def test_password_reset_link_is_erased_once_sent_and_never_shown_to_staff(
    client, staff_client, smtp_sink, django_capture_on_commit_callbacks
):
    user = ApplicantFactory()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_reset_password"), {"email": user.email})
    [message] = smtp_sink.to(user.email)
    link = RESET_LINK.search(part(message, "plain")).group(0)
    key = link.rstrip("/").rsplit("/", 1)[1]

    row = OutgoingMail.objects.get(recipient_email=user.email)
    detail = staff_client.get(reverse("staff:mail_detail", args=[row.pk]))
    listing = staff_client.get(reverse("staff:mail_outbox"))
    admin_pages = [
        staff_client.get(reverse("admin:exchanges_outgoingmail_change", args=[row.pk])),
        staff_client.get(reverse("admin:exchanges_outgoingmail_changelist")),
    ]

    assert (row.status, row.is_confidential, row.text_body, row.html_body) == (
        MailStatus.SENT,
        True,
        "",
        "",
    )
    stored = " ".join(str(value) for value in OutgoingMail.objects.values_list().get())
    assert key not in stored
    for page in [detail, listing, *admin_pages]:
        assert page.status_code == 200
        assert key not in page.content.decode()
    assert 'id="content-withheld"' in detail.content.decode()


def test_password_reset_mail_cannot_be_resent_by_staff(
    client, staff_client, smtp_sink, django_capture_on_commit_callbacks
):
    user = ApplicantFactory()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_reset_password"), {"email": user.email})
    row = OutgoingMail.objects.get(recipient_email=user.email)

    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(reverse("staff:mail_resend", args=[row.pk]))

    assert response.status_code == 302
    row.refresh_from_db()
    assert row.status == MailStatus.SENT
    assert len(smtp_sink.to(user.email)) == 1


def _change_email(client, user, address):
    client.force_login(user)
    return client.post(reverse("account_email"), {"action_add": "", "email": address})


def test_changing_to_another_accounts_address_sends_no_confirmation_and_none_of_your_text(
    client, smtp_sink, django_capture_on_commit_callbacks
):
    owner = ApplicantFactory(email="owner@example.org", preferred_language="ko")
    requester = ApplicantFactory(
        local_name="テスト太郎 visit evil.example", preferred_language="en"
    )

    with django_capture_on_commit_callbacks(execute=True):
        response = _change_email(client, requester, "Owner@example.org")

    # The requester is answered as for a free address: nothing tells them the owner exists.
    assert response.status_code == 302
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "Confirmation email sent to owner@example.org."
    ]
    [message] = smtp_sink.to("owner@example.org")
    text = part(message, "plain")
    assert "/accounts/confirm-email/" not in text
    assert "/accounts/password/reset/" in text
    for typed in ("テスト太郎", "evil.example", requester.given_name, requester.family_name):
        assert typed not in text
        assert typed not in message["Subject"]
    assert OutgoingMail.objects.get(recipient_email="owner@example.org").template_key == (
        "account/account_already_exists"
    )
    owner.refresh_from_db()
    assert owner.email == "owner@example.org"


def test_confirmation_to_a_free_address_names_nobody(
    client, smtp_sink, django_capture_on_commit_callbacks
):
    requester = ApplicantFactory(
        local_name="テスト太郎 visit evil.example", preferred_language="ja"
    )

    with django_capture_on_commit_callbacks(execute=True):
        _change_email(client, requester, "stranger@example.org")

    [message] = smtp_sink.to("stranger@example.org")
    text = part(message, "plain")
    assert "/accounts/confirm-email/" in text
    for typed in ("テスト太郎", "evil.example", requester.given_name, requester.family_name):
        assert typed not in text
