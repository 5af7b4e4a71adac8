"""The one request format of the API: JSON, with a hard limit on the body's size."""

import io

from django.conf import settings
from rest_framework.parsers import JSONParser

from api.exceptions import RequestTooLarge


class LimitedJSONParser(JSONParser):
    """JSON that refuses a body over ``API_MAX_BODY_BYTES`` with 413 before parsing it.

    DRF reads the request stream itself, past Django's ``DATA_UPLOAD_MAX_MEMORY_SIZE``, so
    the limit is enforced here: on the declared length, and on the bytes actually read (a
    chunked body has no length).
    """

    def parse(self, stream, media_type=None, parser_context=None):
        limit = settings.API_MAX_BODY_BYTES
        request = (parser_context or {}).get("request")
        declared = request.META.get("CONTENT_LENGTH") if request is not None else None
        if declared and declared.isdigit() and int(declared) > limit:
            raise RequestTooLarge
        raw = stream.read(limit + 1) if stream is not None else b""
        if len(raw) > limit:
            raise RequestTooLarge
        return super().parse(io.BytesIO(raw), media_type, parser_context)
