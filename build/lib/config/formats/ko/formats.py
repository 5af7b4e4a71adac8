"""Korean date formats: 오전/오후 stand before the time ("오후 11:59"), as Korean writes it;
Django's own DATETIME_FORMAT puts them after."""

from django.conf.locale.ko.formats import *  # noqa: F403

DATETIME_FORMAT = "Y년 n월 j일 A g:i"
SHORT_DATETIME_FORMAT = "Y-n-j A g:i"
TIME_FORMAT = "A g:i"
