"""The one request format of the API: JSON, with hard limits on the body's size and nesting."""

import json
import re

from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser, get_encoding
from rest_framework.utils import json as drf_json

from api.exceptions import MalformedJSON, RequestTooLarge

# Strings (one left open runs to the end of the body), removed before brackets are counted so
# a bracket inside text does not count. Possessive, so the match is linear in the body's length.
_STRING = re.compile(r'"(?:[^"\\]|\\.)*+"?', re.DOTALL)
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")


def nests_deeper_than(text: str, limit: int) -> bool:
    """Whether arrays and objects in ``text`` open more than ``limit`` levels deep (closed or
    not: Python's parser recurses on each opening bracket before it finds the body cut off).

    Strings and everything but brackets go first, in C, so the loop reads brackets only.
    """
    depth = 0
    for bracket in _NOT_BRACKET.sub("", _STRING.sub("", text)):
        if bracket in "[{":
            depth += 1
            if depth > limit:
                return True
        else:
            depth -= 1
    return False


class LimitedJSONParser(JSONParser):
    """JSON that refuses a body over ``API_MAX_BODY_BYTES`` with 413 before parsing it, and
    one nesting arrays and objects deeper than ``API_MAX_JSON_DEPTH`` with 400.

    DRF reads the request stream itself, past Django's ``DATA_UPLOAD_MAX_MEMORY_SIZE``, so
    the size limit is enforced here: on the declared length, and on the bytes actually read
    (a chunked body has no length). Python's parser recurses once per level, so a body of a
    few thousand brackets, well under the size limit, would exhaust the stack (a 500); no
    request of the API nests more than two levels, so the depth is checked before parsing.

    Malformed JSON is refused with a translated message and the position of the first error
    as data, instead of DRF's English text from Python's parser.
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
        try:
            encoding = get_encoding(parser_context or {})
        except ParseError as error:
            raise MalformedJSON(_("The charset of the Content-Type is not supported.")) from error
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError as error:
            raise MalformedJSON(
                _("The body is not valid %(charset)s text.") % {"charset": encoding}
            ) from error
        max_depth = settings.API_MAX_JSON_DEPTH
        if nests_deeper_than(text, max_depth):
            raise MalformedJSON(
                _("Arrays and objects nest deeper than %(depth)d levels.") % {"depth": max_depth}
            )
        try:
            return drf_json.loads(text)
        except json.JSONDecodeError as error:
            raise MalformedJSON(
                _("Invalid JSON at line %(line)d, column %(column)d.")
                % {"line": error.lineno, "column": error.colno}
            ) from error
        except ValueError as error:
            # STRICT_JSON: NaN and Infinity are not JSON.
            raise MalformedJSON(_("NaN and Infinity are not JSON numbers.")) from error
