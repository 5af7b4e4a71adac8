"""Machine-readable API errors: domain errors become ``{"detail", "code"}`` with 400 or 409."""

from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from exchanges.exceptions import ExchangeError


def exception_handler(exc, context):
    if isinstance(exc, ExchangeError):
        return Response({"detail": str(exc.message), "code": exc.code}, status=exc.status_code)
    response = drf_exception_handler(exc, context)
    if response is not None and isinstance(response.data, dict) and "detail" in response.data:
        detail = response.data["detail"]
        response.data["code"] = getattr(detail, "code", "error")
    return response
