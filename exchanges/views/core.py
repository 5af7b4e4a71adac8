"""Public pages, the health check and the translated error pages."""

import logging

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.views.decorators.cache import never_cache

from config.celery import app
from exchanges.selectors.applications import open_calls
from exchanges.selectors.programs import cohorts_history

logger = logging.getLogger(__name__)


# The home page stays small however many programs and cohorts there are: the first open
# calls (all of them on the calls page) and the most recent cohorts.
HOME_OPEN_CALLS = 10
HOME_HISTORY = 10


def home(request: HttpRequest) -> HttpResponse:
    calls = list(open_calls()[: HOME_OPEN_CALLS + 1])
    return render(
        request,
        "exchanges/home.html",
        {
            "open_calls": calls[:HOME_OPEN_CALLS],
            "more_calls": len(calls) > HOME_OPEN_CALLS,
            "history": cohorts_history()[:HOME_HISTORY],
        },
    )


def _broker_status() -> str:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return "eager"

    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
    except Exception:  # noqa: BLE001 -- any broker failure means "unavailable"
        logger.warning("Health check: broker unavailable")
        return "unavailable"
    return "ok"


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """200 with database and broker status; 503 when the database cannot be reached."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        database = "ok"
    except Exception:
        logger.exception("Health check: database unavailable")
        database = "unavailable"
    broker = _broker_status()
    healthy = database == "ok"
    return JsonResponse(
        {"status": "ok" if healthy else "unavailable", "database": database, "broker": broker},
        status=200 if healthy else 503,
    )


def permission_denied(request: HttpRequest, exception=None) -> HttpResponse:
    return render(request, "403.html", status=403)


def page_not_found(request: HttpRequest, exception=None) -> HttpResponse:
    return render(request, "404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    return render(request, "500.html", status=500)


def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask for /favicon.ico whatever the page links; send them to the app's icon.

    The static URL is resolved per request: with hashed static files it exists only after
    collectstatic, never at import time.
    """
    return HttpResponsePermanentRedirect(static("img/favicon.svg"))
