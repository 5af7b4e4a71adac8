"""Reading people, scoped by what the viewer may see."""

from django.db.models import Count, QuerySet

from accounts.models import User
from exchanges.enums import Role


def applicants_visible_to(*, viewer: User) -> QuerySet[User]:
    """Secretariat staff see every applicant; partner staff only those of their country."""
    qs = User.objects.filter(role=Role.APPLICANT)
    if viewer.role == Role.SECRETARIAT or viewer.is_superuser:
        return qs
    if viewer.role == Role.PARTNER_STAFF and viewer.partner_country:
        return qs.filter(country=viewer.partner_country)
    return qs.none()


def applicant_counts_by_country(*, viewer: User) -> list[dict]:
    return list(
        applicants_visible_to(viewer=viewer)
        .values("country")
        .annotate(total=Count("id"))
        .order_by("country")
    )
