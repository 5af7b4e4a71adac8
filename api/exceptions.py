"""Every API error as RFC 9457 problem details (``application/problem+json``).

One handler turns DRF's exceptions, Django's ``Http404``/``PermissionDenied`` and the domain's
``ExchangeError`` into the same body everywhere::

    {"type": "https://trilink.example/problems/not_found", "title": "Not found.",
     "status": 404, "detail": "...", "code": "not_found", "instance": "/api/v1/...",
     "errors": [{"field": "email", "code": "invalid", "detail": "..."}]}

``errors`` is present (and may be empty) on every problem, so a client reads one shape. A
403 for a missing scope adds ``required_scopes`` (RFC 9457 extension member).

Every ``detail`` is translated into the request's language: texts DRF and Django build in
English (Http404's "No <Model> matches the given query.", the throttle's wait, Python's JSON
errors) are replaced by the API's own.
"""

from django.http import Http404
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from exchanges.exceptions import ExchangeError

PROBLEM_CONTENT_TYPE = "application/problem+json"
PROBLEM_TYPE_BASE = "https://trilink.example/problems/"

# The title is the same for every problem of one status: a short, stable summary.
TITLES = {
    400: _("Bad request"),
    401: _("Not authenticated"),
    403: _("Forbidden"),
    404: _("Not found"),
    405: _("Method not allowed"),
    406: _("Not acceptable"),
    409: _("Conflict"),
    410: _("Gone"),
    413: _("Request body too large"),
    415: _("Unsupported media type"),
    422: _("Unprocessable request"),
    429: _("Too many requests"),
}


class RequestTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = _("The request body is larger than the API accepts.")
    default_code = "request_too_large"


class IdempotencyConflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = _(
        "A request with this Idempotency-Key is still being processed. Retry it later."
    )
    default_code = "idempotency_in_progress"


class IdempotencyKeyReused(exceptions.APIException):
    # 409 like the concurrent repeat: the key is taken by another request's state.
    status_code = status.HTTP_409_CONFLICT
    default_detail = _("This Idempotency-Key was already used for a different request.")
    default_code = "idempotency_key_reused"


class UnknownFields(exceptions.ValidationError):
    default_code = "unknown_field"


# The one answer to anything the key may not see: the same whether the row does not exist or
# belongs to another organisation, and never the model's name.
NOT_FOUND_DETAIL = _("Not found.")


class MalformedJSON(exceptions.ParseError):
    """A body that is not JSON the API reads: ``errors`` holds one entry for the body (field
    ``""``) saying what is wrong, with the position of the first error where there is one."""

    default_detail = _("The request body is not valid JSON.")

    def __init__(self, reason: str):
        super().__init__()
        self.errors = [{"field": "", "code": self.default_code, "detail": str(reason)}]


def throttled_detail(wait: int | None) -> str:
    """DRF's text is translated only up to the wait (its catalogues miss the formatted
    sentence), so the API says it in one translatable sentence of its own."""
    if wait is None:
        return gettext("Too many requests. Retry later.")
    return ngettext(
        "Too many requests. Retry in %(wait)d second.",
        "Too many requests. Retry in %(wait)d seconds.",
        wait,
    ) % {"wait": wait}


def _field_errors(detail, path: str = "") -> list[dict]:
    """Flatten DRF's nested error detail into ``[{"field", "code", "detail"}]``."""
    if isinstance(detail, dict):
        errors = []
        for key, value in detail.items():
            field = "" if key in ("non_field_errors", "detail") else str(key)
            errors.extend(
                _field_errors(value, f"{path}.{field}" if path and field else field or path)
            )
        return errors
    if isinstance(detail, list):
        errors = []
        for index, value in enumerate(detail):
            if isinstance(value, dict | list):
                errors.extend(_field_errors(value, f"{path}.{index}" if path else str(index)))
            else:
                errors.extend(_field_errors(value, path))
        return errors
    return [{"field": path, "code": getattr(detail, "code", "invalid"), "detail": str(detail)}]


def problem_response(
    *, status_code: int, code: str, detail: str, request=None, errors=None, extra=None
):
    body = {
        "type": PROBLEM_TYPE_BASE + code,
        "title": str(TITLES.get(status_code, _("Error"))),
        "status": status_code,
        "detail": detail,
        "code": code,
        "instance": request.path if request is not None else "",
        "errors": errors or [],
        **(extra or {}),
    }
    return Response(body, status=status_code, content_type=PROBLEM_CONTENT_TYPE)


def exception_handler(exc, context):
    request = context.get("request")
    if isinstance(exc, ExchangeError):
        errors = getattr(exc, "errors", None)
        field_errors = _field_errors(errors) if isinstance(errors, dict | list) and errors else []
        return problem_response(
            status_code=exc.status_code,
            code=exc.code,
            detail=str(exc.message),
            request=request,
            errors=field_errors,
        )
    if isinstance(exc, Http404):
        # DRF would keep Http404's text, which names the model ("No Nomination matches…").
        exc = exceptions.NotFound()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    extra = {}
    if isinstance(exc, exceptions.ValidationError):
        code, detail = "invalid", str(_("The request has invalid fields."))
        errors = _field_errors(exc.detail)
    else:
        data = response.data if isinstance(response.data, dict) else {}
        raw = data.get("detail", "")
        code = getattr(raw, "code", None) or getattr(exc, "default_code", "error")
        detail, errors = str(raw), list(getattr(exc, "errors", None) or [])
        if code == "not_found":
            detail = str(NOT_FOUND_DETAIL)
        elif isinstance(exc, exceptions.Throttled):
            detail = throttled_detail(exc.wait)
        # api.permissions.MissingScope (defined there: DRF imports the permission classes
        # while rest_framework.views, which this module imports, is loading).
        if getattr(exc, "required_scopes", None):
            extra["required_scopes"] = exc.required_scopes
    problem = problem_response(
        status_code=response.status_code,
        code=code,
        detail=detail,
        request=request,
        errors=errors,
        extra=extra,
    )
    # DRF's handler sets WWW-Authenticate (401) and Retry-After (429): keep them.
    for header, value in response.items():
        if header.lower() in ("www-authenticate", "retry-after", "allow"):
            problem[header] = value
    return problem
