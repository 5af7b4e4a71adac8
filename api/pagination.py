"""Cursor pagination for every API list: stable under inserts, with a hard page-size cap."""

from django.conf import settings
from rest_framework.pagination import CursorPagination


class ApiCursorPagination(CursorPagination):
    """Pages ordered by ``id`` (unique and never reused), so a row inserted while a client
    pages through a list neither repeats nor shifts a row it has not seen. ``page_size`` may
    be asked for, but never above ``API_MAX_PAGE_SIZE`` whatever the query says."""

    ordering = "id"
    page_size = 50
    page_size_query_param = "page_size"

    @property
    def max_page_size(self) -> int:
        return settings.API_MAX_PAGE_SIZE
