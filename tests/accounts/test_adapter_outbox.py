import hashlib

import pytest
from django.core import mail
from django.urls import reverse

from accounts.adapters import AccountAdapter
from exchanges.enums import MailStatus
from exchanges.models import OutgoingMail
from tests.factories import ApplicantFactory

pytestmark = pytest.mark.django_db


def test_signup_verification_email_goes_through_the_outbox(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("account_signup"), {
            "email": "yui@example.org", "password1": "a-long-pass-phrase-42",
            "password2": "a-long-pass-phrase-42", "given_name": "Yui", "family_name": "Tanaka",
            "local_name": "田中結衣", "preferred_language": "ja", "country": "JP",
            "time_zone": "Asia/Tokyo",
        })

    row = OutgoingMail.objects.get()
    assert response.status_code == 302
    assert (row.template_key, row.status, row.language) == (
        "account/email_confirmation_signup", MailStatus.SENT, "ja")
    assert row.idempotency_key.startswith("allauth:email_confirmation_signup:")
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["yui@example.org"]
    assert mail.outbox[0].extra_headers["Message-ID"] == row.message_id


def test_login_code_cannot_be_recovered_from_the_stored_row(
    django_capture_on_commit_callbacks,
):
    user = ApplicantFactory()
    code = "K7QX2M"
    with django_capture_on_commit_callbacks(execute=True):
        AccountAdapter().send_mail("account/email/login_code", user.email,
                                   {"code": code, "user": user})

    [sent] = mail.outbox
    stored = " ".join(str(value) for value in OutgoingMail.objects.values_list().get())
    # Anyone who reads the row could hash every possible code and compare.
    guessed = hashlib.sha256(f"|{code}||".encode()).hexdigest()[:32]
    assert code in sent.body
    assert code not in stored
    assert guessed not in stored
