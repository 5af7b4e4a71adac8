"""Itinerary feeds: each participant's and each cohort's private iCalendar link.

The calendar is built with ``icalendar``. Times are the program's wall-clock times with a
TZID of the cohort's zone and a VTIMEZONE generated from the tz database, so a calendar app in
any zone shows them right on both sides of a daylight-saving change. Each event's UID is
stable, SEQUENCE is the item's revision (raised by ``itinerary_item_save`` on every change) and
LAST-MODIFIED its ``updated_at``, so subscribed calendars replace a changed session instead of
adding a second one. A reset draws a new link secret: the old link answers 404 at once.
"""

import datetime as dt
from urllib.parse import urlsplit

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from icalendar import Calendar, Event, Timezone

from config.site import absolute_url, site_url
from exchanges.activity_types import Activity
from exchanges.models import Application, Cohort, ItineraryFeed
from exchanges.models.itinerary import feed_nonce
from exchanges.selectors.itinerary import itinerary_feed_token, itinerary_items
from exchanges.services.activity import activity_log_record

FEED_CONTENT_TYPE = "text/calendar; charset=utf-8"


def itinerary_feed_url(feed: ItineraryFeed) -> str:
    """The private link of ``feed``, absolute, for calendar apps."""
    return absolute_url(
        reverse("itinerary_feed", kwargs={"pk": feed.pk, "token": itinerary_feed_token(feed)})
    )


def itinerary_feed_get(*, cohort: Cohort, application: Application | None = None) -> ItineraryFeed:
    """The feed of ``application`` (a participant of ``cohort``) or of the cohort, created
    on first use; two first requests at once still make one row (unique constraints)."""
    lookup = {"application": application} if application else {"cohort": cohort}
    extra = {} if application else {"application": None}
    feed = ItineraryFeed.objects.filter(**lookup, **extra).first()
    if feed is not None:
        return feed
    try:
        with transaction.atomic():
            return ItineraryFeed.objects.create(cohort=cohort, application=application)
    except IntegrityError:
        return ItineraryFeed.objects.get(**lookup, **extra)


@transaction.atomic
def itinerary_feed_reset(*, feed: ItineraryFeed, actor) -> ItineraryFeed:
    """Give ``feed`` a new link; the previous link stops working in the same commit."""
    feed.nonce = feed_nonce()
    feed.reset_at = timezone.now()
    feed.save(update_fields=["nonce", "reset_at"])
    activity_log_record(
        actor=actor,
        obj=feed,
        action_type=Activity.ITINERARY_FEED_RESET,
        data={"cohort": feed.cohort_id, "participant_feed": feed.application_id is not None},
    )
    return feed


def itinerary_feed_touch(*, feed: ItineraryFeed) -> None:
    """Remember when a calendar app last fetched the feed (shown to its owner)."""
    ItineraryFeed.objects.filter(pk=feed.pk).update(last_fetched_at=timezone.now())


def _uid(item_pk: int) -> str:
    host = urlsplit(site_url()).hostname or "trilink"
    return f"itinerary-{item_pk}@{host}"


def itinerary_calendar(*, cohort: Cohort, language: str) -> bytes:
    """The cohort's itinerary as an iCalendar document in ``language``."""
    items = list(itinerary_items(cohort_id=cohort.pk))
    zone = cohort.zone
    with translation.override(language):
        calendar = Calendar()
        calendar.add("prodid", "-//Trilink//Itinerary//EN")
        calendar.add("version", "2.0")
        calendar.add("calscale", "GREGORIAN")
        calendar.add("method", "PUBLISH")
        calendar.add("x-wr-calname", f"{cohort.program.name}: {cohort.name}")
        calendar.add("x-wr-timezone", cohort.time_zone)
        if items:
            # The zone's rules over the program's days (with a margin), not since 1970.
            calendar.add_component(
                Timezone.from_tzinfo(
                    zone,
                    tzid=cohort.time_zone,
                    first_date=items[0].day - dt.timedelta(days=1),
                    last_date=items[-1].day + dt.timedelta(days=2),
                )
            )
        for item in items:
            event = Event()
            event.add("uid", _uid(item.pk))
            event.add("summary", item.title)
            start = item.starts_at(cohort.time_zone)
            event.add("dtstart", start)
            end = item.ends_at(cohort.time_zone)
            if end is not None:
                event.add("dtend", end)
            if item.place:
                event.add("location", item.place)
            description = item.localised_notes
            if item.map_url:
                description = "\n\n".join(
                    part
                    for part in (description, _("Map: %(url)s") % {"url": item.map_url})
                    if part
                )
                event.add("url", item.map_url)
            if description:
                event.add("description", description)
            event.add("sequence", item.sequence)
            event.add("dtstamp", item.updated_at.astimezone(dt.UTC))
            event.add("last-modified", item.updated_at.astimezone(dt.UTC))
            event.add("created", item.created_at.astimezone(dt.UTC))
            calendar.add_component(event)
    return calendar.to_ical()
