"""Reading nominations, scoped to the organisation that made them."""

from django.db.models import QuerySet

from exchanges.models import Nomination


def nominations_of(*, organisation) -> QuerySet[Nomination]:
    return Nomination.objects.filter(organisation=organisation).order_by("id")
