"""Reading itinerary feeds: the private calendar link's owner, looked up without a secret in
the database (the link's token is recomputed and compared in constant time)."""

from django.db.models import QuerySet
from django.utils.crypto import constant_time_compare, salted_hmac

from exchanges.models import ItineraryFeed, ItineraryItem

FEED_SALT = "exchanges.itinerary_feed"


def itinerary_feed_token(feed: ItineraryFeed) -> str:
    """The secret part of ``feed``'s link; changes when the feed is reset."""
    return salted_hmac(FEED_SALT, f"{feed.pk}:{feed.nonce}", algorithm="sha256").hexdigest()


def itinerary_feed_for_link(*, pk: int, token: str) -> ItineraryFeed | None:
    """The feed the link ``pk``/``token`` opens, or None for a wrong or reset link."""
    feed = (
        ItineraryFeed.objects.select_related(
            "cohort__program", "application__applicant", "application__cohort__program"
        )
        .filter(pk=pk)
        .first()
    )
    if feed is None or not constant_time_compare(itinerary_feed_token(feed), token):
        return None
    return feed


def itinerary_items(*, cohort_id: int) -> QuerySet[ItineraryItem]:
    return ItineraryItem.objects.filter(cohort_id=cohort_id).order_by("day", "start_time", "id")
