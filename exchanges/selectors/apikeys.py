"""Reads of partner API keys for the staff pages: the secretariat sees every organisation's
keys, partner staff only their own organisation's (anything else is not found)."""

from django.db.models import F, QuerySet

from accounts.models import Organisation
from api.models import ApiKey
from exchanges.enums import OrganisationKind, Role


def _is_secretariat(viewer) -> bool:
    return bool(viewer.is_superuser or viewer.role == Role.SECRETARIAT)


def api_keys_visible_to(*, viewer) -> QuerySet[ApiKey]:
    """The keys ``viewer`` may see and change, with organisation and issuer in the same query,
    usable keys first, then by organisation and name."""
    keys = ApiKey.objects.select_related("organisation", "created_by")
    if not _is_secretariat(viewer):
        if viewer.role != Role.PARTNER_STAFF or not viewer.organisation_id:
            return keys.none()
        keys = keys.filter(organisation_id=viewer.organisation_id)
    return keys.order_by(
        F("revoked_at").asc(nulls_first=True),
        "organisation__country",
        "organisation__name",
        "name",
        "id",
    )


def api_key_organisations_for(*, viewer) -> QuerySet[Organisation]:
    """The organisations ``viewer`` may issue keys for: every partner organisation for the
    secretariat, their own for partner staff."""
    if _is_secretariat(viewer):
        return Organisation.objects.filter(kind=OrganisationKind.PARTNER).order_by(
            "country", "name"
        )
    if viewer.role == Role.PARTNER_STAFF and viewer.organisation_id:
        return Organisation.objects.filter(pk=viewer.organisation_id)
    return Organisation.objects.none()
