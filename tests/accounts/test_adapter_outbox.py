import hashlib
from importlib import import_module
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.contrib.sites.models import Site
from django.core import mail
from django.urls import reverse

import exchanges.migrations
from accounts.adapters import AccountAdapter
from exchanges.enums import MailStatus
from exchanges.models import OutgoingMail
from tests.factories import ApplicantFactory

pytestmark = pytest.mark.django_db


def test_signup_verification_email_goes_through_the_outbox(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("account_signup"),
            {
                "email": "yui@example.org",
                "password1": "a-long-pass-phrase-42",
                "password2": "a-long-pass-phrase-42",
                "given_name": "Yui",
                "family_name": "Tanaka",
                "local_name": "田中結衣",
                "preferred_language": "ja",
                "country": "JP",
                "time_zone": "Asia/Tokyo",
            },
        )

    row = OutgoingMail.objects.get()
    assert response.status_code == 302
    assert (row.template_key, row.status, row.language) == (
        "account/email_confirmation_signup",
        MailStatus.SENT,
        "ja",
    )
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
        AccountAdapter().send_mail(
            "account/email/login_code", user.email, {"code": code, "user": user}
        )

    [sent] = mail.outbox
    stored = " ".join(str(value) for value in OutgoingMail.objects.values_list().get())
    # Anyone who reads the row could hash every possible code and compare.
    guessed = hashlib.sha256(f"|{code}||".encode()).hexdigest()[:32]
    assert code in sent.body
    assert code not in stored
    assert guessed not in stored


def test_keys_stored_before_the_fix_are_rekeyed():
    # Found by name: the migration's number changes when branches are merged.
    [path] = Path(exchanges.migrations.__file__).parent.glob(
        "*_outgoingmail_rekey_authentication_mail.py"
    )
    migration = import_module(f"exchanges.migrations.{path.stem}")
    code = "K7QX2M"
    old_digest = hashlib.sha256(f"|{code}||".encode()).hexdigest()[:32]
    row = OutgoingMail.objects.create(
        recipient_email="a@example.org",
        language="en",
        template_key="account/login_code",
        subject="Sign-in code",
        text_body="",
        idempotency_key=f"allauth:login_code:{old_digest}",
        message_id="<1@test>",
        status=MailStatus.SENT,
        is_confidential=True,
    )

    migration.rekey_authentication_mail(apps, None)

    row.refresh_from_db()
    assert row.idempotency_key.startswith("allauth:login_code:")
    assert old_digest not in row.idempotency_key
    assert len(row.idempotency_key) == len("allauth:login_code:") + 32


def test_site_row_names_the_product_and_its_host(staff_client):
    row = OutgoingMail.objects.create(
        recipient_email="a@example.org",
        language="en",
        template_key="application_received",
        subject="S",
        text_body="B",
        idempotency_key="site-test",
        message_id="<2@test>",
    )
    content_type = ContentType.objects.get_for_model(OutgoingMail)

    response = staff_client.get(reverse("admin:view_on_site", args=[content_type.pk, row.pk]))

    # The admin's "View on site" went to example.com; allauth read the same row.
    assert response.status_code == 302
    assert response["Location"] == (
        f"http://{urlsplit(settings.SITE_URL).netloc}{row.get_absolute_url()}"
    )
    assert Site.objects.get_current().name == "Trilink"


def test_a_second_site_can_be_added_after_the_named_default_site():
    # The migration naming the site gives its key; on PostgreSQL the sequence must still move
    # past it, or the next site added (in the admin) collides with it.
    added = Site.objects.create(domain="partners.example.org", name="Partners")

    assert added.pk != settings.SITE_ID
