"""Signup -> email verification -> login, and the guards around logging in."""

import re
from html.parser import HTMLParser
from urllib.parse import urlparse

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.urls import reverse

from accounts.models import User
from exchanges.enums import Role
from tests.factories import DEFAULT_PASSWORD, ApplicantFactory

# Real commits: verification mail leaves through the outbox, which dispatches on commit.
pytestmark = pytest.mark.django_db(transaction=True)

SIGNUP_PASSWORD = "a-long-unusual-passphrase-42"
CONFIRM_LINK = re.compile(r"https?://[^\s\"<>]+/accounts/confirm-email/[^\s\"<>]+/")


def _signup_data(**overrides) -> dict:
    data = {
        "email": "hana.kim@example.org",
        "password1": SIGNUP_PASSWORD,
        "password2": SIGNUP_PASSWORD,
        "given_name": "Hana",
        "family_name": "Kim",
        "local_name": "김하나",
        "preferred_language": "ko",
        "country": "KR",
        "time_zone": "Asia/Seoul",
    }
    data.update(overrides)
    return data


def _confirmation_path_from_newest_email() -> str:
    """The confirmation link of the newest message, as a path the test client can open."""
    message = mail.outbox[-1]
    bodies = [message.body] + [content for content, _type in getattr(message, "alternatives", [])]
    links = [match.group(0) for body in bodies for match in CONFIRM_LINK.finditer(body)]
    assert links, f"No confirmation link in: {message.body!r}"
    return urlparse(links[0]).path


def test_signup_creates_unverified_applicant_with_profile(client):
    response = client.post(reverse("account_signup"), _signup_data())

    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    user = User.objects.get(email="hana.kim@example.org")
    assert (user.given_name, user.family_name, user.local_name) == ("Hana", "Kim", "김하나")
    assert (user.preferred_language, user.country, user.time_zone) == ("ko", "KR", "Asia/Seoul")
    assert user.role == Role.APPLICANT
    assert list(EmailAddress.objects.filter(user=user).values_list("email", "verified")) == [
        ("hana.kim@example.org", False)
    ]


def test_signup_sends_verification_email_to_new_address(client):
    client.post(reverse("account_signup"), _signup_data())

    assert len(mail.outbox) == 1
    assert mail.outbox[-1].to == ["hana.kim@example.org"]
    assert _confirmation_path_from_newest_email().startswith("/accounts/confirm-email/")


def test_signup_with_unknown_time_zone_shows_form_error(client):
    response = client.post(reverse("account_signup"), _signup_data(time_zone="Mars/Olympus"))

    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["time_zone"]
    assert User.objects.filter(email="hana.kim@example.org").exists() is False


@pytest.mark.parametrize("email", ["hana@localhost", "hana@[127.0.0.1]"])
def test_signup_with_an_address_without_a_full_domain_name_shows_form_error(client, email):
    response = client.post(reverse("account_signup"), _signup_data(email=email))

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "email": ["Enter an email address with a full domain name, for example name@example.org."]
    }
    assert User.objects.filter(email=email).exists() is False
    assert mail.outbox == []


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("given_name", "Hana\u202e"),
        ("family_name", "K\u2066im\u2069"),
        ("local_name", "김\u200b하나"),
    ],
)
def test_signup_with_bidi_or_invisible_characters_in_a_name_shows_form_error(client, field, value):
    response = client.post(reverse("account_signup"), _signup_data(**{field: value}))

    assert response.status_code == 200
    assert list(response.context["form"].errors) == [field]
    assert User.objects.filter(email="hana.kim@example.org").exists() is False


def test_profile_refuses_a_name_with_a_right_to_left_override(client):
    user = ApplicantFactory(given_name="Hana")
    client.force_login(user)

    response = client.post(
        reverse("account_profile"),
        {
            "given_name": "Hana\u202eevil",
            "family_name": "Kim",
            "local_name": "",
            "preferred_language": "en",
            "country": "KR",
            "time_zone": "Asia/Seoul",
        },
    )

    assert response.status_code == 200
    assert response.context["form"].errors["given_name"] == [
        "This text contains invisible characters that change the direction of the text around "
        "them (for example U+202E RIGHT-TO-LEFT OVERRIDE); remove them and try again."
    ]
    user.refresh_from_db()
    assert user.given_name == "Hana"


def test_email_confirmation_get_shows_form_without_confirming(client):
    client.post(reverse("account_signup"), _signup_data())
    confirm_path = _confirmation_path_from_newest_email()

    response = client.get(confirm_path)

    # allauth signs the key again when it renders the form, with the current second in it, so
    # the form's key can differ from the emailed one; both confirm the same address.
    action = re.search(r'action="(/accounts/confirm-email/[^"]+/)"', response.content.decode())
    assert response.status_code == 200
    assert action is not None
    assert EmailAddress.objects.get(email="hana.kim@example.org").verified is False


def test_email_confirmation_post_verifies_address(client):
    client.post(reverse("account_signup"), _signup_data())
    confirm_path = _confirmation_path_from_newest_email()

    response = client.post(confirm_path)

    assert response.status_code == 302
    assert EmailAddress.objects.get(email="hana.kim@example.org").verified is True


def test_login_after_email_confirmation_signs_in(client):
    client.post(reverse("account_signup"), _signup_data())
    client.post(_confirmation_path_from_newest_email())
    client.logout()

    response = client.post(
        reverse("account_login"),
        {"login": "hana.kim@example.org", "password": SIGNUP_PASSWORD},
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert client.session["_auth_user_id"] == str(User.objects.get(email="hana.kim@example.org").pk)


def test_login_with_unverified_email_is_blocked(client):
    client.post(reverse("account_signup"), _signup_data())
    client.logout()
    mail.outbox.clear()

    response = client.post(
        reverse("account_login"),
        {"login": "hana.kim@example.org", "password": SIGNUP_PASSWORD},
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert "_auth_user_id" not in client.session


def test_login_with_wrong_password_shows_error(client):
    user = ApplicantFactory()

    response = client.post(reverse("account_login"), {"login": user.email, "password": "wrong"})

    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "The email address and/or password you specified are not correct."
    ]


def test_login_after_five_failures_is_rate_limited(client):
    user = ApplicantFactory()
    for _attempt in range(5):
        client.post(reverse("account_login"), {"login": user.email, "password": "wrong"})

    # Even the right password is refused once the limit is reached.
    response = client.post(
        reverse("account_login"), {"login": user.email, "password": DEFAULT_PASSWORD}
    )

    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "Too many failed login attempts. Try again later."
    ]
    assert "_auth_user_id" not in client.session


def test_login_after_four_failures_still_succeeds(client):
    user = ApplicantFactory()
    for _attempt in range(4):
        client.post(reverse("account_login"), {"login": user.email, "password": "wrong"})

    response = client.post(
        reverse("account_login"), {"login": user.email, "password": DEFAULT_PASSWORD}
    )

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_signup_time_zone_starts_at_the_browsers_zone(client):
    client.cookies["trilink_tz"] = "Asia%2FTokyo"

    response = client.get(reverse("account_signup"))

    field = response.context["form"].fields["time_zone"]
    assert field.initial == "Asia/Tokyo"
    assert 'data-browser-time-zone="true"' in response.content.decode()


def test_signup_time_zone_without_a_browser_zone_is_utc(client):
    response = client.get(reverse("account_signup"))

    assert response.context["form"].fields["time_zone"].initial == "UTC"


def test_signup_password_guidance_is_one_whole_sentence_in_japanese(client):
    client.cookies["trilink_language"] = "ja"

    content = client.get(reverse("account_signup")).content.decode()

    assert (
        "良いパスワードに決まったルールはありませんが、推測されやすい場合は、"
        "より強いパスワードにする方法をお知らせします。"
        "インターネット上の攻撃者に推測されないパスワードを選んでください。"
    ) in content
    assert "オンライン攻撃者によって。" not in content


def test_signup_weak_password_error_is_a_whole_korean_sentence(client):
    client.cookies["trilink_language"] = "ko"

    response = client.post(
        reverse("account_signup"),
        _signup_data(password1="abcdefghij", password2="abcdefghij"),
    )

    errors = response.context["form"].errors["password1"]
    assert [error for error in errors if error.startswith("이 비밀번호는")] == [
        "이 비밀번호는 너무 쉽게 추측할 수 있습니다. 비밀번호 데이터베이스를 손에 넣은 "
        "공격자가 알아내는 데 걸리는 시간은 1초 미만입니다."
    ]


LEGACY_ZONES = ("Factory", "localtime", "GMT+0", "ROK", "US/Pacific", "Etc/GMT-9", "Japan")


def test_signup_time_zones_are_place_names_without_legacy_entries(client):
    response = client.get(reverse("account_signup"))

    values = [value for value, _label in response.context["form"].fields["time_zone"].choices]
    assert values[:7] == [
        "America/New_York",
        "America/Chicago",
        "America/Denver",
        "America/Los_Angeles",
        "Pacific/Honolulu",
        "Asia/Tokyo",
        "Asia/Seoul",
    ]
    assert "Europe/Berlin" in values
    assert "UTC" in values
    assert len(values) == len(set(values))
    for legacy in LEGACY_ZONES:
        assert legacy not in values
    assert all(value == "UTC" or "/" in value for value in values)


def test_profile_time_zones_keep_a_legacy_zone_already_stored(client):
    user = ApplicantFactory(time_zone="US/Pacific")
    client.force_login(user)

    response = client.get(reverse("account_profile"))

    values = [value for value, _label in response.context["form"].fields["time_zone"].choices]
    assert "US/Pacific" in values
    assert not {"Factory", "localtime", "GMT+0", "ROK"} & set(values)


class _Outline(HTMLParser):
    """Each element's id, its text, and whether a list ever opens inside a <p> (which a
    browser would close before the list, moving it out of the paragraph's children)."""

    def __init__(self):
        super().__init__()
        self.stack: list[tuple[str, str | None]] = []
        self.text_by_id: dict[str, str] = {}
        self.attrs_by_id: dict[str, dict] = {}
        self.list_in_paragraph = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in {"ul", "ol", "div"} and any(open_tag == "p" for open_tag, _ in self.stack):
            self.list_in_paragraph = True
        if attrs.get("id"):
            self.attrs_by_id[attrs["id"]] = attrs
            self.text_by_id.setdefault(attrs["id"], "")
        if tag not in {"input", "br", "meta", "link", "img", "hr"}:
            self.stack.append((tag, attrs.get("id")))

    def handle_endtag(self, tag):
        while self.stack:
            open_tag, _ = self.stack.pop()
            if open_tag == tag:
                break

    def handle_data(self, data):
        for _tag, element_id in self.stack:
            if element_id:
                self.text_by_id[element_id] += data


def test_signup_password_rules_are_the_fields_description(client):
    page = client.get(reverse("account_signup")).content.decode()
    outline = _Outline()
    outline.feed(page)

    described_by = outline.attrs_by_id["id_password1"]["aria-describedby"]
    description = " ".join(outline.text_by_id.get(i, "") for i in described_by.split())
    assert "Your password must contain at least 10 characters." in description
    assert not outline.list_in_paragraph
