"""Dates and times as people read them, shared by pages and emails. Imports nothing of the
project."""

import datetime as dt
import zoneinfo

from django.utils import formats, timezone, translation


def deadline_moment(value: dt.datetime, zone: str | zoneinfo.ZoneInfo | None = None) -> dt.datetime:
    """The deadline in ``zone`` (default: the active time zone) as a reader should see it:
    a deadline at exactly midnight is the end of the day before (23:59 on the 17th, never
    "midnight on the 18th", which readers take for the night after the 18th)."""
    if isinstance(zone, str):
        zone = zoneinfo.ZoneInfo(zone)
    local = timezone.localtime(value, zone) if zone else timezone.localtime(value)
    if local.time() == dt.time(0, 0):
        local -= dt.timedelta(minutes=1)
    return local


def deadline_text(value: dt.datetime | None, zone: str | zoneinfo.ZoneInfo | None = None) -> str:
    """A deadline in the active language's date-and-time format (see ``deadline_moment``)."""
    if value is None:
        return ""
    return formats.date_format(deadline_moment(value, zone), "DATETIME_FORMAT")


def mail_datetime_text(*, value: dt.datetime, language: str, time_zone: str) -> str:
    """``value`` (a deadline, due date or closing time) as an email's recipient reads it:
    their language's date format, their wall clock, and the zone's name, e.g.
    ``2027年3月10日15:00 (Asia/Seoul)``; a moment at midnight is 23:59 of the day before."""
    zone = zoneinfo.ZoneInfo(time_zone or "UTC")
    with translation.override(language):
        text = deadline_text(value, zone)
    return f"{text} ({zone.key})"


def time_range_text(start: dt.datetime, end: dt.datetime | None) -> str:
    """A time span in the active language: ``5 p.m.–6:30 p.m.`` within one day, and with the
    end's date when the span crosses midnight (``5 p.m.–July 9, 2027, 3 a.m.``), so a reader
    never takes an end in the small hours for the morning of the start's day. Both ends are
    read on their own wall clocks: convert them to the reader's zone first."""
    text = formats.time_format(start, "TIME_FORMAT")
    if end is None:
        return text
    if end.date() == start.date():
        return f"{text}–{formats.time_format(end, 'TIME_FORMAT')}"
    return f"{text}–{formats.date_format(end, 'DATETIME_FORMAT')}"
