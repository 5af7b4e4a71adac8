"""People and organisations."""

from django.contrib.auth.models import AbstractBaseUser, PermissionsMixin
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from accounts.managers import UserManager
from accounts.names import format_person_name
from exchanges.enums import MFA_REQUIRED_ROLES, Country, Language, OrganisationKind, Role
from exchanges.validators import validate_time_zone


class Organisation(models.Model):
    """A secretariat, a partner organisation in one country, or an institution people belong to."""

    name = models.CharField(_("name"), max_length=200)
    country = models.CharField(_("country"), max_length=2, choices=Country.choices)
    kind = models.CharField(
        _("kind"), max_length=20, choices=OrganisationKind.choices, default=OrganisationKind.PARTNER
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["country", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["name", "country"],
                name="organisation_unique_name",
                violation_error_message=_(
                    "An organisation with this name already exists in this country."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.country})"


class User(AbstractBaseUser, PermissionsMixin):
    """A person using Trilink. Email is the login; the role decides what they may see."""

    email = models.EmailField(_("email address"), unique=True)
    given_name = models.CharField(_("given name"), max_length=150)
    family_name = models.CharField(_("family name"), max_length=150)
    local_name = models.CharField(
        _("name in local script"),
        max_length=150,
        blank=True,
        help_text=_("Your full name as written in Japanese or Korean, if you have one."),
    )
    preferred_language = models.CharField(
        _("preferred language"), max_length=5, choices=Language.choices, default=Language.EN
    )
    country = models.CharField(_("country"), max_length=2, choices=Country.choices, blank=True)
    time_zone = models.CharField(
        _("time zone"), max_length=64, default="UTC", validators=[validate_time_zone]
    )
    role = models.CharField(
        _("role"), max_length=20, choices=Role.choices, default=Role.APPLICANT, db_index=True
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="members",
        null=True,
        blank=True,
    )
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(
        _("admin site access"),
        default=False,
        help_text=_("Lets secretariat staff use the administration site."),
    )
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)
    # Raised when the second factor changes (accounts.signals): part of the session hash, so
    # every other session of the person ends, as a password change ends them.
    session_stamp = models.PositiveIntegerField(_("session stamp"), default=0, editable=False)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["given_name", "family_name"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["family_name", "given_name"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(role=Role.PARTNER_STAFF) | Q(organisation__isnull=False),
                name="user_partner_staff_has_organisation",
                violation_error_message=_("Partner staff must belong to a partner organisation."),
            ),
        ]

    def __str__(self) -> str:
        return self.display_name or self.email

    @property
    def display_name(self) -> str:
        """The name in the order the active language uses."""
        return format_person_name(
            given_name=self.given_name,
            family_name=self.family_name,
            local_name=self.local_name,
            country=self.country,
        )

    def get_full_name(self) -> str:
        return self.display_name

    def get_short_name(self) -> str:
        return self.given_name

    def _get_session_auth_hash(self, secret=None) -> str:
        """Django's hash of the password, plus the session stamp once it has been raised, so a
        change of password or of second factor signs the person out of every other session
        (sessions from before the stamp existed stay valid while it is 0)."""
        value = self.password if not self.session_stamp else f"{self.password}:{self.session_stamp}"
        return salted_hmac(
            "django.contrib.auth.models.AbstractBaseUser.get_session_auth_hash",
            value,
            secret=secret,
            algorithm="sha256",
        ).hexdigest()

    @property
    def requires_mfa(self) -> bool:
        return self.role in MFA_REQUIRED_ROLES or self.is_staff or self.is_superuser

    @property
    def partner_country(self) -> str | None:
        """The country a partner staff member works for: their organisation's."""
        if self.role == Role.PARTNER_STAFF and self.organisation_id:
            return self.organisation.country
        return None
