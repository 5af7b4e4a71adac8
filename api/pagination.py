"""Cursor pagination for every API list: stable under inserts, with a hard page-size cap."""

import re

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import CursorPagination

from api.converters import ObjectIdConverter

# A cursor's position is the id of the last row of a page: what an id in a path may be.
POSITION = re.compile(rf"\A{ObjectIdConverter.regex}\Z")


class ApiCursorPagination(CursorPagination):
    """Pages ordered by ``id`` (unique and never reused), so a row inserted while a client
    pages through a list neither repeats nor shifts a row it has not seen. ``page_size`` may
    be asked for, but never above ``API_MAX_PAGE_SIZE`` whatever the query says; a value
    that is not a positive integer is refused (400) rather than silently ignored; a cursor
    the API did not give out is a page that does not exist (404)."""

    ordering = "id"
    page_size = 50
    page_size_query_param = "page_size"

    @property
    def max_page_size(self) -> int:
        return settings.API_MAX_PAGE_SIZE

    def get_page_size(self, request) -> int:
        values = request.query_params.getlist(self.page_size_query_param)
        if not values:
            return self.page_size
        try:
            size = int(values[-1])
        except ValueError:
            size = 0
        if size < 1:
            raise ValidationError(
                {self.page_size_query_param: [_("Send a whole number of at least 1.")]}
            )
        return min(size, self.max_page_size)

    def decode_cursor(self, request):
        """DRF's cursor, answered 404 when it is not one the API made.

        DRF answers an undecodable cursor with 404 and passed any decodable position on to the
        query, where a position that is not an id (``p=abc``, ``p=1.5``, a NUL) raised a 500.
        Every cursor the API did not give out now names a page that does not exist: 404. Not
        400: a cursor is a plain string in the schema, so a made-up one is schema-valid input
        (Schemathesis checks that such input is never refused as malformed).
        """
        cursor = super().decode_cursor(request)  # an undecodable cursor: DRF's own 404
        position = cursor.position if cursor is not None else None
        if position is not None and not POSITION.match(position):
            raise NotFound()
        return cursor

    def get_paginated_response_schema(self, schema):
        """DRF's page schema in OpenAPI 3.1 terms, with examples of this API's links (the
        first page of a list) instead of DRF's, which point elsewhere and end in a stray
        quote."""
        page = super().get_paginated_response_schema(schema)
        for link in ("next", "previous"):
            # OpenAPI 3.1 has no ``nullable``: null is one of the link's types.
            page["properties"][link].pop("nullable", None)
            page["properties"][link]["type"] = ["string", "null"]
        page["properties"]["next"]["example"] = (
            f"https://trilink.example/api/v1/applications/?{self.cursor_query_param}=cD00ODY%3D"
        )
        page["properties"]["previous"]["example"] = None
        return page

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"] = {"type": "integer", "minimum": 1}
                parameter["description"] = (
                    f"Rows per page (default {self.page_size}); more than "
                    f"{settings.API_MAX_PAGE_SIZE} are capped to {settings.API_MAX_PAGE_SIZE}."
                )
        return parameters
