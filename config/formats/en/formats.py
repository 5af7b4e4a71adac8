"""English date formats with clock times ("11:59 p.m.", "12:00 a.m."), never the words
"midnight" and "noon" that Django's "P" uses: a deadline reads as a time on a day."""

from django.conf.locale.en.formats import *  # noqa: F403

DATETIME_FORMAT = "N j, Y, g:i a"
SHORT_DATETIME_FORMAT = "m/d/Y g:i a"
TIME_FORMAT = "g:i a"
