"""Container health check: GET /healthz on the local gunicorn with the standard library only.

Production settings reject requests whose Host header is not in ALLOWED_HOSTS, so the probe
sends the first allowed host instead of "localhost". /healthz is exempt from the HTTPS
redirect. Exit status 0 means healthy (HTTP 200), 1 means unhealthy.
"""

import os
import sys
import urllib.error
import urllib.request


def probe_host() -> str:
    allowed = [h.strip() for h in os.environ.get("ALLOWED_HOSTS", "").split(",") if h.strip()]
    host = allowed[0] if allowed else "localhost"
    if host == "*":
        return "localhost"
    # ".example.org" allows every subdomain of example.org; any of them will do.
    return f"healthcheck{host}" if host.startswith(".") else host


def main() -> int:
    url = f"http://127.0.0.1:{os.environ.get('PORT', '8000')}/healthz"
    request = urllib.request.Request(url, headers={"Host": probe_host()})
    try:
        with urllib.request.urlopen(request, timeout=4) as response:  # noqa: S310 -- fixed http URL
            return 0 if response.status == 200 else 1
    except (urllib.error.URLError, OSError):
        return 1


if __name__ == "__main__":
    sys.exit(main())
