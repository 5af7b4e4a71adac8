"""The public base URL of the site, for links built outside a request (emails, private links).

In production it is ``SITE_URL``. On a developer's machine, when ``SITE_URL`` is not set in the
environment, it follows the address the development server is actually reached at
(``make run PORT=8123`` gives links to port 8123), as ``DevelopmentSiteURLMiddleware`` records
it from each request. Emails are rendered in the web process there (Celery runs eagerly), so
every link the developer receives points back at the server they use.
"""

from django.conf import settings

_served_base: dict[str, str] = {}


def site_url() -> str:
    """The base URL without a trailing slash, e.g. ``https://trilink.example``."""
    return (_served_base.get("url") or settings.SITE_URL).rstrip("/")


def absolute_url(path: str) -> str:
    """``path`` (starting with ``/``) on the public site."""
    return f"{site_url()}{path}"


class DevelopmentSiteURLMiddleware:
    """Development only (``config.settings.local`` adds it when ``SITE_URL`` is not set):
    record the scheme and host each request came in on as the site's base URL."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        _served_base["url"] = f"{request.scheme}://{request.get_host()}"
        return self.get_response(request)
