"""Middleware for every page the application itself renders: cache headers, query scopes."""

from django.utils.cache import patch_cache_control

from exchanges.scopes import carry_scope_into, query_scope_for_user

NO_STORE = "private, no-store"


class NoStoreMiddleware:
    """Keep personal pages, exports and downloads out of browser and proxy caches.

    Every response Django renders may carry personal data (a signed-in page, a private link's
    form, an API page), so one that sets no cache policy of its own gets ``private, no-store``.
    An attachment (export or download) always gets it, whatever the view said. Static files
    are served by WhiteNoise before this middleware and keep their long-lived caching.
    """

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.has_header("Content-Disposition") or not response.has_header("Cache-Control"):
            del response["Cache-Control"]
            patch_cache_control(response, private=True, no_store=True)
        return response


class ScopeMiddleware:
    """Run the view, and read any streamed body, in the signed-in person's query scope.

    It sits after authentication, so ``request.user`` is known; see ``exchanges.scopes`` for
    who reads which countries. The API authenticates by key inside DRF, after this middleware:
    its views narrow the (empty) anonymous scope to the key's own themselves.
    """

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        with query_scope_for_user(getattr(request, "user", None)):
            response = self.get_response(request)
            carry_scope_into(response)
        return response
