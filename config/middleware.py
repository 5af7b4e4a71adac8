"""Response headers that apply to every page the application itself renders."""

from django.utils.cache import patch_cache_control

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
