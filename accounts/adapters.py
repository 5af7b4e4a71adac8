"""allauth customisation: profile fields at signup and role-aware redirects."""

import uuid
from types import SimpleNamespace
from urllib.parse import urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.utils import filter_users_by_email
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.crypto import salted_hmac

from accounts.models import User
from config.client_ip import client_ip
from config.site import site_url
from exchanges.enums import Role
from exchanges.services.mail import mail_language, mail_queue_rendered

# Context values that identify one allauth email; hashed into the outbox idempotency key so a
# repeated send of the same key (a double-submitted form) queues one message. Keyed with
# SECRET_KEY: a plain hash of a short login code could be reversed by trying every code.
_IDENTIFYING_CONTEXT = ("key", "code", "activate_url", "password_reset_url")

# allauth's message added while the person is still signed in, shown on a signed-out page.
SIGNED_OUT_MESSAGES = frozenset({"account/messages/logged_out.txt"})

PROFILE_FIELDS = (
    "given_name",
    "family_name",
    "local_name",
    "preferred_language",
    "country",
    "time_zone",
)


def mail_site() -> SimpleNamespace:
    """The site as authentication mail names it: the product's name and the public host.

    Mail is rendered without a request (and often by a worker), so the host comes from
    ``SITE_URL``, never from a request's Host header.
    """
    return SimpleNamespace(name=settings.TRILINK_SITE_NAME, domain=urlsplit(site_url()).netloc)


def next_page_language(request, message_template: str | None = None) -> str:
    """The language of the page a message added now will be shown on.

    A signed-in person sees their stored language; a visitor, and someone being signed out
    (allauth adds the "signed out" message before ending the session), gets the language
    Django's LocaleMiddleware picks from the switcher's cookie or ``Accept-Language``.
    """
    user = getattr(request, "user", None)
    if (
        user is not None
        and user.is_authenticated
        and message_template not in SIGNED_OUT_MESSAGES
        and user.preferred_language
    ):
        return user.preferred_language
    return translation.get_language_from_request(request)


class AccountAdapter(DefaultAccountAdapter):
    def get_client_ip(self, request) -> str:
        """The client address for rate limits: ``X-Forwarded-For`` only from a trusted proxy."""
        ip = client_ip(request)
        if not ip:
            return super().get_client_ip(request)
        return ip

    def is_safe_url(self, url) -> bool:
        """allauth parses ``next`` with urlparse, which raises on a malformed address such as
        ``http://[`` (a 500 the form fuzz test found); such an address is simply not safe."""
        try:
            return super().is_safe_url(url)
        except ValueError:
            return False

    def _get_login_attempts_cache_key(self, request, **credentials) -> str:
        """Failed sign-ins count per (client, account) pair, not per account: a stranger who
        types wrong passwords for someone's address locks out only themselves. allauth's
        ``login_failed`` "key" limit uses this key; its "ip" limit still caps one client over
        all accounts."""
        account = super()._get_login_attempts_cache_key(request, **credentials)
        return f"{account}:{self.get_client_ip(request)}"

    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=False)
        for field in PROFILE_FIELDS:
            if field in form.cleaned_data:
                setattr(user, field, form.cleaned_data[field])
        user.role = Role.APPLICANT
        if commit:
            user.save()
        return user

    def get_login_redirect_url(self, request):
        user = request.user
        if getattr(user, "role", None) in {Role.SECRETARIAT, Role.PARTNER_STAFF}:
            return reverse("staff:dashboard")
        return super().get_login_redirect_url(request)

    def add_message(self, request, *args, **kwargs) -> None:
        """Render allauth's flash message in the language of the page that will show it.

        allauth renders the text at once, in the language active for the current request,
        but the message is shown on the next page: after signing in that page is in the
        person's stored language (accounts.middleware), not the browser's, and after signing
        out it is in the switcher's or the browser's language again. The arguments are
        allauth's: ``(level, message_template, message_context, …)``.
        """
        message_template = kwargs.get("message_template", args[1] if len(args) > 1 else None)
        with translation.override(next_page_language(request, message_template)):
            super().add_message(request, *args, **kwargs)

    def send_confirmation_mail(self, request, emailconfirmation, signup) -> None:
        """No confirmation link to an address that already belongs to another account.

        With ``ACCOUNT_UNIQUE_EMAIL`` such a link could never be used, and the message would
        carry the requester's name, text they chose, to a stranger. The owner gets allauth's
        fixed "an account with this address already exists" notice instead, as allauth does
        for a sign-up with a taken address, and the requester sees the usual "confirmation
        sent" answer, so the page does not tell whether the address has an account
        (``ACCOUNT_PREVENT_ENUMERATION``)."""
        address = emailconfirmation.email_address
        if any(user.pk != address.user_id for user in filter_users_by_email(address.email)):
            self.send_account_already_exists_mail(address.email)
            return
        super().send_confirmation_mail(request, emailconfirmation, signup)

    def send_mail(self, template_prefix, email, context):
        """Render allauth's templates as allauth does, in the recipient's language, and queue
        the message in the outbox instead of sending it from the request."""
        # What allauth's own send_mail adds before rendering: its templates greet with
        # current_site.name ("Hello from Trilink!") and sign with its domain.
        context = {"email": email, "current_site": mail_site(), **context}
        user = context.get("user")
        if not isinstance(user, User):
            user = User.objects.filter(email__iexact=email).first()
        language = mail_language(
            recipient=user, language=translation.get_language() if user is None else None
        )
        with translation.override(language):
            message = self.render_mail(template_prefix, email, context)
        html = next(
            (
                content
                for content, mimetype in getattr(message, "alternatives", [])
                if mimetype == "text/html"
            ),
            "",
        )
        identity = "|".join(str(context.get(name, "")) for name in _IDENTIFYING_CONTEXT)
        digest = (
            salted_hmac("accounts.adapters.send_mail", identity, algorithm="sha256").hexdigest()[
                :32
            ]
            if identity.strip("|")
            else uuid.uuid4().hex
        )
        if message.content_subtype == "html":
            html, text = message.body, ""
        else:
            text = message.body
        mail_queue_rendered(
            email=email,
            subject=message.subject,
            text=text or html,
            html=html,
            template_key=f"account/{template_prefix.rpartition('/')[2]}",
            idempotency_key=f"allauth:{template_prefix.rpartition('/')[2]}:{digest}",
            language=language,
            recipient=user,
            concerning=user,
            is_confidential=True,
        )
